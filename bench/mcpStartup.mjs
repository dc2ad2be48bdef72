#!/usr/bin/env node
// Start-up of `tokenmeter mcp` as an agent meets it: from spawning the process to the first tool
// answer (`quota`), with the persisted index already written (the second session of the day).
// Speaks raw JSON-RPC over the pipes, as Claude Code does, so the SDK client's own cost is not counted.
// Usage: npm run build && node bench/mcpStartup.mjs [--size small|medium] [--reps 15] [--tool quota]
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
const cli = path.join(repoRoot, 'dist', 'cli.js');

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

/** Bare `node -e 0`, for scale: what any Node program costs to start and stop on this machine. */
function bareNodeMs() {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

/** One server start: ms to the initialize answer and to the first tool answer. */
function once() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'mcp'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (message) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
    let buffer = '';
    let initializedMs = 0;
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (message.id === 1) {
          initializedMs = performance.now() - started;
          send({ method: 'notifications/initialized' });
          send({ id: 2, method: 'tools/call', params: { name: tool, arguments: tool === 'estimate_task' ? { description: 'fix the login crash' } : tool === 'route' ? { prompt: 'rename foo' } : {} } });
        } else if (message.id === 2) {
          const answeredMs = performance.now() - started;
          if (message.error) reject(new Error(JSON.stringify(message.error)));
          const cpuMs = cpuMsOf(child.pid);
          child.stdin.end();
          child.on('close', () => resolve({ initializedMs, answeredMs, cpuMs, bytes: JSON.stringify(message.result).length }));
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
  await once(); // warm the OS file cache
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await once());
  const answered = runs.map((r) => r.answeredMs).sort((a, b) => a - b);
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  const bare = Array.from({ length: 5 }, bareNodeMs).sort((a, b) => a - b);
  const initialized = runs.map((r) => r.initializedMs).sort((a, b) => a - b);
  console.log(`corpus: ${size} (${dir}); node ${process.version}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`initialize answered: median ${pct(initialized, 0.5).toFixed(0)} ms, p90 ${pct(initialized, 0.9).toFixed(0)} ms`);
  console.log(`CPU time of the server up to that answer: median ${pct(cpu, 0.5).toFixed(0)} ms, p90 ${pct(cpu, 0.9).toFixed(0)} ms; bare \`node -e 0\` start to exit: median ${pct(bare, 0.5).toFixed(0)} ms`);
  console.log(`first ${tool} answer: min ${answered[0].toFixed(0)} ms, median ${pct(answered, 0.5).toFixed(0)} ms, p90 ${pct(answered, 0.9).toFixed(0)} ms (${reps} starts, ${runs[0].bytes} bytes)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
