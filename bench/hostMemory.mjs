#!/usr/bin/env node
// What Tokenmeter adds to the VS Code extension host's memory (issue 19), against a bare host in the same run:
// code-server 1.100.3 in Debian's Chromium (test/host/host.mjs), the extension host's resident set read from
// /proc every 200 ms. Each round starts a bare host (no Tokenmeter), then for each build a cold start (no usage
// index yet) and a warm start (the index that cold start saved). Peak = highest sample from the workbench's start
// to the end; steady = median of the last 10 s. With Tokenmeter the clock starts when the status bar shows its number.
// Rounds interleave the builds, so that a busy machine weighs on each alike; the summary gives each figure's range.
//
//   npm run build && node test/host/installHost.mjs && node bench/hostMemory.mjs --corpus <dir with claude/ codex/> [--seconds 60] [--rounds 3]
//   npm run package && node bench/hostMemory.mjs --corpus <dir> --vsix tokenmeter.vsix [--vsix before=<other .vsix>] [--settle]
//
// --vsix installs the packaged extension (what users run: minified bundles) into each start's fresh profile;
// without it the build in dist/ is loaded as a development extension. Several --vsix (label=path) compare builds.
// --settle: after the steady window, the host's inspector (SIGUSR1 opens it on 127.0.0.1:9229) asks V8 for one full
// collection that gives memory back (what V8 does by itself once a host idles long enough), then reads the resident
// set again and splits the heap: steady depends on whether that happened yet (the young generation alone is 1 or
// 32 MB, in a bare host too), settled does not.
// --snapshot <dir> (with --settle): then writes the host's heap snapshot to <dir>/<start>.heapsnapshot, for
// bench/heapSummary.mjs (what Tokenmeter holds, by retained size, against the bare host's).
/* global WebSocket */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkbench, repoRoot, startHost, stopHost, waitForStatusBarItem } from '../test/host/host.mjs';

const argv = process.argv.slice(2);
if (argv.includes('--settle') && typeof WebSocket === 'undefined') {
  // Node 20 has a WebSocket client behind a flag (the inspector speaks it); Node 22 has it on.
  const run = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const optionsNamed = (name) => argv.flatMap((a, i) => (a === name && i + 1 < argv.length ? [argv[i + 1]] : []));
const corpus = resolve(option('--corpus', 'bench/.corpus/medium'));
const seconds = Number(option('--seconds', 60));
const rounds = Number(option('--rounds', 1));
const snapshotDir = option('--snapshot', undefined);
const builds = optionsNamed('--vsix').map((spec, i, all) => {
  const [label, file] = spec.includes('=') ? spec.split(/=(.*)/s) : [all.length > 1 ? `vsix${i + 1}` : 'packaged', spec];
  return { label, vsix: resolve(file) };
});
if (builds.length === 0) builds.push({ label: 'dist', vsix: undefined });
const work = mkdtempSync(join(tmpdir(), 'tokenmeter-host-memory-'));
const workspace = mkdtempSync(join(work, 'workspace-'));
const envFor = (cacheDir) => ({ CLAUDE_CONFIG_DIR: join(corpus, 'claude'), CODEX_HOME: join(corpus, 'codex'), TOKENMETER_CACHE_DIR: cacheDir, TZ: 'UTC' });

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

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** See --settle above: resident set (MB) after a memory-reducing collection, and the heap's parts; undefined when the inspector is not reachable. */
async function settle(pid, label) {
  process.kill(pid, 'SIGUSR1');
  let target;
  for (let i = 0; i < 50 && !target; i++) {
    await sleep(100);
    target = await fetch('http://127.0.0.1:9229/json/list').then((r) => r.json()).then((list) => list[0], () => undefined);
  }
  if (!target) return undefined;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((open, fail) => ((ws.onopen = open), (ws.onerror = fail)));
  let id = 0;
  const pending = new Map();
  ws.onmessage = (message) => {
    const reply = JSON.parse(message.data);
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  };
  const send = (method, params = {}) => new Promise((done) => (pending.set(++id, done), ws.send(JSON.stringify({ id, method, params }))));
  const evaluate = async (expression) => (await send('Runtime.evaluate', { expression, includeCommandLineAPI: true, returnByValue: true })).result?.result?.value;
  try {
    // Another process may hold the port (the inspector then did not open on it): measure only the host asked.
    if ((await evaluate('process.pid')) !== pid) return undefined;
    // The young generation's size as the steady window ended (before the collection below gives it back).
    const steadyNewSpaceMb = await evaluate(`Math.round(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 104857.6) / 10`);
    await send('HeapProfiler.collectGarbage');
    await sleep(1000);
    const parts = await evaluate(`(() => { const mb = (b) => Math.round(b / 1048576 * 10) / 10; const m = process.memoryUsage();
      const space = Object.fromEntries(require('v8').getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
      return { heapUsedMb: mb(m.heapUsed), newSpaceMb: space.new_space, oldSpaceMb: space.old_space, codeSpaceMb: space.code_space, largeObjectsMb: space.large_object_space, arrayBuffersMb: mb(m.arrayBuffers), externalMb: mb(m.external) }; })()`);
    const settledMb = rssMb(pid);
    if (snapshotDir) await writeSnapshot(send, ws, join(snapshotDir, `${label.replace(/\W+/g, '-')}.heapsnapshot`));
    return { settledMb, steadyNewSpaceMb, ...parts };
  } finally {
    ws.close();
  }
}

/** Streams the inspector's heap snapshot chunks into `file` (the snapshot collects garbage first). */
async function writeSnapshot(send, ws, file) {
  mkdirSync(snapshotDir, { recursive: true });
  const chunks = [];
  const onMessage = ws.onmessage;
  ws.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(event.params.chunk);
    else onMessage(message);
  };
  await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  ws.onmessage = onMessage;
  writeFileSync(file, chunks.join(''));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One start: `build` undefined = bare host; otherwise Tokenmeter from `build.vsix` (or dist/), its index in `cacheDir`. */
async function measure(label, build, cacheDir) {
  const host = await startHost({ workspaceDir: workspace, env: envFor(cacheDir), installExtensions: build?.vsix ? [build.vsix] : [] });
  const samples = [];
  let pid;
  const timer = setInterval(() => {
    pid ??= extensionHostPid(host.pid);
    if (pid) samples.push({ atMs: Date.now(), mb: rssMb(pid) });
  }, 200);
  try {
    const startMs = Date.now();
    const development = build && !build.vsix ? { extensionDevelopmentPath: repoRoot } : {};
    const page = await openWorkbench(host, { folder: workspace, ...development });
    let firstNumberMs;
    if (build) {
      await waitForStatusBarItem(page, { codicon: 'pulse' }, 600_000);
      firstNumberMs = Date.now() - startMs;
    }
    const from = Date.now();
    await new Promise((done) => setTimeout(done, seconds * 1000));
    const all = samples.filter((s) => Number.isFinite(s.mb)).map((s) => s.mb);
    const last = samples.filter((s) => s.atMs >= Date.now() - 10_000 && Number.isFinite(s.mb)).map((s) => s.mb);
    const result = { label, peakMb: Math.max(...all), steadyMb: median(last), samples: all.length, firstNumberMs, sampledFromMs: from - startMs, load: loadavg()[0] };
    if (argv.includes('--settle') && pid) Object.assign(result, await settle(pid, label));
    console.log(JSON.stringify(result));
    return result;
  } finally {
    clearInterval(timer);
    await stopHost(host);
  }
}

const describe = builds.map((b) => `${b.label} (${b.vsix ?? 'dist/, development extension'})`).join(', ');
console.error(`corpus ${corpus}; ${rounds} round(s) of bare + cold and warm for ${describe}; ${seconds} s per start after the workbench (bare) or the first number (Tokenmeter)`);
const rows = [];
for (let round = 1; round <= rounds; round++) {
  const bare = await measure(`round ${round} bare`, undefined, join(work, `cache-bare-${round}`));
  for (const build of builds) {
    const cacheDir = join(work, `cache-${build.label}-${round}`);
    for (const kind of ['cold', 'warm']) {
      const run = await measure(`round ${round} ${build.label} ${kind}`, build, cacheDir);
      const row = { round, build: build.label, kind, addedSteadyMb: run.steadyMb - bare.steadyMb, addedPeakMb: run.peakMb - bare.steadyMb, bareSteadyMb: bare.steadyMb, barePeakMb: bare.peakMb, firstNumberS: run.firstNumberMs / 1000, load: run.load };
      const settled = run.settledMb !== undefined && bare.settledMb !== undefined ? { addedSettledMb: run.settledMb - bare.settledMb, bareSettledMb: bare.settledMb } : {};
      rows.push(Object.assign(row, settled));
      const settledText = row.addedSettledMb === undefined ? '' : `, settled +${row.addedSettledMb.toFixed(0)} MB over ${bare.settledMb.toFixed(0)}`;
      console.log(`round ${round}, ${build.label} ${kind}: +${row.addedSteadyMb.toFixed(0)} MB steady, +${row.addedPeakMb.toFixed(0)} MB peak over the bare host's steady ${bare.steadyMb.toFixed(0)} MB (bare peak ${bare.peakMb.toFixed(0)} MB)${settledText}; first number after ${row.firstNumberS.toFixed(1)} s; load ${run.load.toFixed(1)}`);
    }
  }
}
const range = (xs, digits = 0) => (Math.min(...xs) === Math.max(...xs) ? xs[0].toFixed(digits) : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`);
console.log(`\nsummary over ${rounds} round(s): bare host steady ${range(rows.filter((r) => r.build === builds[0].label && r.kind === 'cold').map((r) => r.bareSteadyMb))} MB; load ${range(rows.map((r) => r.load), 1)}`);
for (const build of builds) {
  for (const kind of ['cold', 'warm']) {
    const mine = rows.filter((r) => r.build === build.label && r.kind === kind);
    const settled = mine.filter((r) => r.addedSettledMb !== undefined).map((r) => r.addedSettledMb);
    const settledText = settled.length ? `, settled ${range(settled)} MB (median ${median(settled).toFixed(0)})` : '';
    console.log(`${build.label} ${kind}: added steady ${range(mine.map((r) => r.addedSteadyMb))} MB (median ${median(mine.map((r) => r.addedSteadyMb)).toFixed(0)}), peak ${range(mine.map((r) => r.addedPeakMb))} MB (median ${median(mine.map((r) => r.addedPeakMb)).toFixed(0)})${settledText}; first number ${range(mine.map((r) => r.firstNumberS), 1)} s`);
  }
}
rmSync(work, { recursive: true, force: true });
