#!/usr/bin/env node
// What Tokenmeter adds to the VS Code extension host's memory (issue 19), against a bare host in the same run:
// code-server 1.100.3 in Debian's Chromium (test/host/host.mjs), the extension host's resident set read from
// /proc every 200 ms. Each round starts a bare host (no Tokenmeter), then for each build a cold start (no usage
// index yet) and a warm start (the index that cold start saved). Peak = highest sample from the workbench's start
// to the end; steady = median of the last 10 s. With Tokenmeter the clock starts when the status bar shows its number.
// Rounds interleave the builds, so that a busy machine weighs on each alike; the summary gives each figure's range.
//
//   npm run build && node test/host/installHost.mjs && node bench/hostMemory.mjs --corpus <dir with claude/ codex/> [--seconds 60] [--rounds 3]
//   npm run package && node bench/hostMemory.mjs --corpus <dir> --vsix tokenmeter.vsix [--vsix before=<other .vsix>]
//
// --vsix installs the packaged extension (what users run: minified bundles) into each start's fresh profile;
// without it the build in dist/ is loaded as a development extension. Several --vsix (label=path) compare builds.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkbench, repoRoot, startHost, stopHost, waitForStatusBarItem } from '../test/host/host.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const optionsNamed = (name) => argv.flatMap((a, i) => (a === name && i + 1 < argv.length ? [argv[i + 1]] : []));
const corpus = resolve(option('--corpus', 'bench/.corpus/medium'));
const seconds = Number(option('--seconds', 60));
const rounds = Number(option('--rounds', 1));
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
      rows.push(row);
      console.log(`round ${round}, ${build.label} ${kind}: +${row.addedSteadyMb.toFixed(0)} MB steady, +${row.addedPeakMb.toFixed(0)} MB peak over the bare host's steady ${bare.steadyMb.toFixed(0)} MB (bare peak ${bare.peakMb.toFixed(0)} MB); first number after ${row.firstNumberS.toFixed(1)} s; load ${run.load.toFixed(1)}`);
    }
  }
}
const range = (xs, digits = 0) => (Math.min(...xs) === Math.max(...xs) ? xs[0].toFixed(digits) : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`);
console.log(`\nsummary over ${rounds} round(s): bare host steady ${range(rows.filter((r) => r.build === builds[0].label && r.kind === 'cold').map((r) => r.bareSteadyMb))} MB; load ${range(rows.map((r) => r.load), 1)}`);
for (const build of builds) {
  for (const kind of ['cold', 'warm']) {
    const mine = rows.filter((r) => r.build === build.label && r.kind === kind);
    console.log(`${build.label} ${kind}: added steady ${range(mine.map((r) => r.addedSteadyMb))} MB (median ${median(mine.map((r) => r.addedSteadyMb)).toFixed(0)}), peak ${range(mine.map((r) => r.addedPeakMb))} MB (median ${median(mine.map((r) => r.addedPeakMb)).toFixed(0)}); first number ${range(mine.map((r) => r.firstNumberS), 1)} s`);
  }
}
rmSync(work, { recursive: true, force: true });
