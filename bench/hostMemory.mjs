#!/usr/bin/env node
// What Tokenmeter adds to the VS Code extension host's memory (issue 19), against a bare host in the same run:
// code-server 1.100.3 in Debian's Chromium (test/host/host.mjs), the extension host's resident set read from
// /proc every 200 ms. Three starts: bare (no Tokenmeter), cold (Tokenmeter, no usage index yet) and warm (the
// index the cold start saved). Peak = highest sample from the workbench's start to the end; steady = median of the
// last 10 s. With Tokenmeter the clock starts when the status bar shows its number.
//
//   npm run build && node test/host/installHost.mjs && node bench/hostMemory.mjs --corpus <dir with claude/ codex/> [--seconds 60]
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkbench, repoRoot, startHost, stopHost, waitForStatusBarItem } from '../test/host/host.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const corpus = resolve(option('--corpus', 'bench/.corpus/medium'));
const seconds = Number(option('--seconds', 60));
const work = mkdtempSync(join(tmpdir(), 'tokenmeter-host-memory-'));
const workspace = mkdtempSync(join(work, 'workspace-'));
const env = { CLAUDE_CONFIG_DIR: join(corpus, 'claude'), CODEX_HOME: join(corpus, 'codex'), TOKENMETER_CACHE_DIR: join(work, 'cache'), TZ: 'UTC' };

/** Pids of every process below `root` (children first found through /proc/<pid>/stat's parent field). */
function descendants(root) {
  const parentOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = [];
  let frontier = [root];
  while (frontier.length) {
    const next = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function extensionHostPid(serverPid) {
  return descendants(serverPid).find((pid) => {
    try {
      return /extensionHost/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, withExtension) {
  const host = await startHost({ workspaceDir: workspace, env });
  const samples = [];
  let pid;
  const timer = setInterval(() => {
    pid ??= extensionHostPid(host.pid);
    if (pid) samples.push({ atMs: Date.now(), mb: rssMb(pid) });
  }, 200);
  try {
    const startMs = Date.now();
    const page = await openWorkbench(host, { folder: workspace, ...(withExtension ? { extensionDevelopmentPath: repoRoot } : {}) });
    let firstNumberMs;
    if (withExtension) {
      await waitForStatusBarItem(page, { codicon: 'pulse' }, 600_000);
      firstNumberMs = Date.now() - startMs;
    }
    const from = Date.now();
    await new Promise((done) => setTimeout(done, seconds * 1000));
    const all = samples.filter((s) => Number.isFinite(s.mb)).map((s) => s.mb);
    const last = samples.filter((s) => s.atMs >= Date.now() - 10_000 && Number.isFinite(s.mb)).map((s) => s.mb);
    const result = { label, peakMb: Math.max(...all), steadyMb: median(last), samples: all.length, firstNumberMs, sampledFromMs: from - startMs, load: loadavg()[0] };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    clearInterval(timer);
    await stopHost(host);
  }
}

console.error(`corpus ${corpus}; ${seconds} s per start after the workbench (bare) or the first number (Tokenmeter)`);
const bare = await measure('bare', false);
const cold = await measure('cold', true);
const warm = await measure('warm', true);
for (const run of [cold, warm]) {
  console.log(`${run.label}: +${(run.steadyMb - bare.steadyMb).toFixed(0)} MB steady, +${(run.peakMb - bare.steadyMb).toFixed(0)} MB peak over the bare host's steady ${bare.steadyMb.toFixed(0)} MB (bare peak ${bare.peakMb.toFixed(0)} MB); first number after ${(run.firstNumberMs / 1000).toFixed(1)} s`);
}
rmSync(work, { recursive: true, force: true });
