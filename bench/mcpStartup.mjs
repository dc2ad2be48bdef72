#!/usr/bin/env node
// Start-up of `tokenmeter mcp` as an agent meets it: from spawning the process to the first tool
// answer (`quota`), with the persisted index already written (the second session of the day).
// Speaks raw JSON-RPC over the pipes, as Claude Code does, so the SDK client's own cost is not counted.
// Usage: npm run build && node bench/mcpStartup.mjs [--size small|medium] [--reps 15] [--tool quota] [--cli other/dist/cli.js]
//        [--compare baseline/dist/cli.js[,other/dist/cli.js]]: starts alternate between the builds in the same run; medians, and ratios to the first.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpusDir } from './generateCorpus.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const size = arg('--size', 'small');
const reps = Number(arg('--reps', 15));
const tool = arg('--tool', 'quota');
const cli = path.resolve(arg('--cli', path.join(repoRoot, 'dist', 'cli.js')));
const compare = process.argv.includes('--compare') ? arg('--compare').split(',').map((c) => path.resolve(c)) : undefined;

const { dir } = generateCorpusDir({ out: path.join(repoRoot, 'bench', '.corpus', size), size, log: (l) => console.error(l) });
const work = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-mcp-bench-'));
const env = { ...process.env, CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_CACHE_DIR: path.join(work, 'cache'), XDG_STATE_HOME: path.join(work, 'state') };
delete env.TOKENMETER_NO_INDEX;
delete env.TOKENMETER_SETTINGS;

/**
 * CPU time (user + system) the process has used so far, from /proc (Linux; NaN elsewhere). On a
 * shared machine wall time mostly measures the other jobs; CPU time is what the server costs.
 */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s
  } catch {
    return NaN;
  }
}

/**
 * CPU time of the main thread alone: the start-up's critical path. The process total also counts V8's
 * compiler and GC helper threads, which run beside it on an idle machine. From schedstat (nanoseconds of
 * run time) where the kernel keeps it, else /proc/<pid>/task/<pid>/stat (1/100 s ticks).
 */
function mainThreadCpuMsOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return NaN;
    }
  }
}

/** Bare `node -e 0`, for scale: what any Node program costs to start and stop on this machine. */
function bareNodeMs() {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

/** One server start: ms to the initialize answer and to the first tool answer. */
function once(cliPath = cli) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cliPath, 'mcp'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (message) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
    let buffer = '';
    let initializedMs = 0;
    let initCpuMs = NaN;
    let initMainMs = NaN;
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (message.id === 1) {
          initializedMs = performance.now() - started;
          initCpuMs = cpuMsOf(child.pid);
          initMainMs = mainThreadCpuMsOf(child.pid);
          send({ method: 'notifications/initialized' });
          send({ id: 2, method: 'tools/call', params: { name: tool, arguments: tool === 'estimate_task' ? { description: 'fix the login crash' } : tool === 'route' ? { prompt: 'rename foo' } : {} } });
        } else if (message.id === 2) {
          const answeredMs = performance.now() - started;
          if (message.error) reject(new Error(JSON.stringify(message.error)));
          const cpuMs = cpuMsOf(child.pid);
          const mainMs = mainThreadCpuMsOf(child.pid);
          child.stdin.end();
          child.on('close', () => resolve({ initializedMs, answeredMs, cpuMs, mainMs, initCpuMs, initMainMs, bytes: JSON.stringify(message.result).length }));
        }
      }
    });
    child.on('error', reject);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
try {
  // The first session writes the shared index (as any other command would).
  execFileSync(process.execPath, [cli, 'status', '--json'], { env, stdio: 'ignore' });
  const builds = compare ? [cli, ...compare] : [cli];
  for (const build of builds) await once(build); // warm the OS file cache
  const runsOf = new Map(builds.map((b) => [b, []]));
  // Interleaved, so that a change in the machine's load hits every build alike.
  for (let i = 0; i < reps; i++) for (const build of builds) runsOf.get(build).push(await once(build));
  const bare = Array.from({ length: 5 }, bareNodeMs).sort((a, b) => a - b);
  console.log(`corpus: ${size} (${dir}); node ${process.version}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; bare \`node -e 0\` start to exit: median ${pct(bare, 0.5).toFixed(0)} ms wall`);
  const medians = new Map();
  for (const build of builds) {
    const runs = runsOf.get(build);
    const sorted = (key) => runs.map((r) => r[key]).sort((a, b) => a - b);
    const med = (key) => pct(sorted(key), 0.5);
    const p90 = (key) => pct(sorted(key), 0.9).toFixed(0);
    medians.set(build, { initCpuMs: med('initCpuMs'), cpuMs: med('cpuMs'), initMainMs: med('initMainMs'), mainMs: med('mainMs') });
    console.log(`${path.relative(process.cwd(), build)} (${reps} starts, ${runs[0].bytes} bytes):`);
    console.log(`  initialize answered: median ${med('initializedMs').toFixed(0)} ms wall (p90 ${p90('initializedMs')}); CPU all threads ${med('initCpuMs').toFixed(0)} ms (p90 ${p90('initCpuMs')}), main thread ${med('initMainMs').toFixed(0)} ms (p90 ${p90('initMainMs')})`);
    console.log(`  first ${tool} answer: median ${med('answeredMs').toFixed(0)} ms wall (min ${sorted('answeredMs')[0].toFixed(0)}, p90 ${p90('answeredMs')}); CPU all threads ${med('cpuMs').toFixed(0)} ms (p90 ${p90('cpuMs')}), main thread ${med('mainMs').toFixed(0)} ms (min ${sorted('mainMs')[0].toFixed(0)}, p90 ${p90('mainMs')})`);
  }
  if (compare) {
    const a = medians.get(cli);
    for (const other of compare) {
      const b = medians.get(other);
      const r = (k) => (a[k] / b[k]).toFixed(2);
      console.log(`ratio ${path.relative(process.cwd(), cli)} / ${path.relative(process.cwd(), other)} (CPU medians): initialize ${r('initCpuMs')} (main thread ${r('initMainMs')}), first ${tool} ${r('cpuMs')} (main thread ${r('mainMs')})`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
