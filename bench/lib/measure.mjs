// Runs one command and measures wall time, peak RSS and CPU time.
// Peak RSS comes from GNU time (%M = max RSS of the process, or of its largest descendant, in kB);
// without /usr/bin/time it falls back to polling /proc/<pid>/status VmHWM (the process only).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/**
 * @returns {Promise<{ wallMs: number, peakRssKb: number|null, cpuMs: number|null, status: number|null, stdout: string, stderr: string }>}
 */
export function measure(command, args, { env, cwd, captureStdout = true } = {}) {
  const useTime = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'tm-measure-'));
  const timeFile = join(dir, 'time.txt');
  const argv = useTime ? ['-o', timeFile, '-f', '%M %U %S', command, ...args] : args;
  const exe = useTime ? GNU_TIME : command;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(exe, argv, { env, cwd, stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout?.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    let polledHwmKb = 0;
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledHwmKb = Math.max(polledHwmKb, Number(m[1]));
          } catch {
            // The process just ended.
          }
        }, 5);
    child.on('error', reject);
    child.on('close', (status) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      let peakRssKb = useTime ? null : polledHwmKb || null;
      let cpuMs = null;
      if (useTime && existsSync(timeFile)) {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [rss, user, sys] = last.split(/\s+/).map(Number);
        if (Number.isFinite(rss)) peakRssKb = rss;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = Math.round((user + sys) * 1000);
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ wallMs, peakRssKb, cpuMs, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export function machineInfo() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    // Not Linux.
  }
  return {
    cpuModel,
    cores: cpus().length,
    memTotalGiB: +(totalmem() / 2 ** 30).toFixed(1),
    memFreeGiB: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    loadAvg: loadavg().map((x) => +x.toFixed(2)),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function summarize(samples) {
  const wall = samples.map((s) => s.wallMs);
  const rss = samples.map((s) => s.peakRssKb).filter((x) => x !== null);
  const cpu = samples.map((s) => s.cpuMs).filter((x) => x !== null);
  return {
    reps: samples.length,
    minMs: Math.min(...wall),
    medianMs: median(wall),
    maxMs: Math.max(...wall),
    peakRssMb: rss.length ? Math.max(...rss) / 1024 : null,
    medianCpuMs: cpu.length ? median(cpu) : null,
  };
}
