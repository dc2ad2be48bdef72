#!/usr/bin/env node
// Same-run A/B of cold `daily --json` (or warm `status --json`) between Tokenmeter builds, and ccusage 20's native
// binary, on one corpus: the programs interleaved, the order reversed every other round, so load changes hit all
// alike. For decisions on a shared machine, where only same-run ratios and CPU times mean something.
//
//   node bench/coldAb.mjs --corpus bench/.corpus/real-large --which claude|codex|all [--reps 5]
//        --tm now=dist/cli.js --tm before=/tmp/old/dist/cli.js[,ENV=VALUE...] [--no-ccusage] [--warm] [--floor]
//
// --floor adds two programs to the loop that parse nothing: `node -e 0` (Node's own start) and bench/floor.mjs
// over the same folders (Node's start, the listing and one read of every byte): what no Node reader can go under.
//
// Each Tokenmeter build gets its own index folder, deleted before each cold run (with --warm: written once by a
// first run, then kept). Prints, per program: wall and CPU medians and minima, highest peak RSS, the ratio to
// ccusage's medians, the first run's total tokens and cost (they must agree between builds), and every run's CPU
// (on a shared machine one slow run in three moves a median: the runs show whether it did).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { measure, median } from './lib/measure.mjs';
import { isolatedEnv } from './lib/tools.mjs';
import { ccusage20Native } from './run.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const corpus = resolve(option('--corpus', 'bench/.corpus/large'));
const which = option('--which', 'all');
const reps = Number(option('--reps', 5));
const warm = argv.includes('--warm');
const builds = argv.flatMap((x, i) => (x === '--tm' ? [argv[i + 1]] : [])).map((spec) => {
  const [key, rest] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
  const [cli, ...env] = rest.split(',');
  return { key, cli: resolve(cli), env: Object.fromEntries(env.map((x) => x.split('='))) };
});
if (builds.length === 0 || !['claude', 'codex', 'all'].includes(which)) {
  console.error('usage: node bench/coldAb.mjs --corpus DIR --which claude|codex|all --tm name=path/to/cli.js [--tm …] [--reps N] [--no-ccusage] [--warm] [--floor]');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'tokenmeter-coldab-'));
mkdirSync(join(work, 'no-codex'), { recursive: true });
mkdirSync(join(work, 'no-claude', 'projects'), { recursive: true });
const env = isolatedEnv({
  claudeDirs: [which === 'codex' ? join(work, 'no-claude') : join(corpus, 'claude')],
  codexDir: which === 'claude' ? join(work, 'no-codex') : join(corpus, 'codex'),
  home: join(work, 'home'),
});
const command = warm ? ['status', '--json'] : ['daily', '--json', '--timezone', 'UTC'];
const runs = builds.map((b) => {
  const cacheDir = join(work, `cache-${b.key}`);
  return { key: b.key, command: process.execPath, args: [b.cli, ...command], env: { ...env, TOKENMETER_CACHE_DIR: cacheDir, ...b.env }, before: () => warm || rmSync(cacheDir, { recursive: true, force: true }) };
});
if (argv.includes('--floor')) {
  const folders = [which !== 'codex' && join(corpus, 'claude'), which !== 'claude' && join(corpus, 'codex')].filter(Boolean);
  runs.push({ key: 'node -e 0', command: process.execPath, args: ['-e', '0'], env });
  runs.push({ key: 'floor', command: process.execPath, args: [new URL('./floor.mjs', import.meta.url).pathname, ...folders], env });
}
if (!argv.includes('--no-ccusage')) runs.push({ key: 'ccusage', command: ccusage20Native(), args: ['daily', '--json', '--offline', '--timezone', 'UTC'], env });

try {
  if (warm) for (const r of runs) await measure(r.command, r.args, { env: r.env, captureStdout: false });
  const samples = Object.fromEntries(runs.map((r) => [r.key, []]));
  const totals = {};
  const loadBefore = loadavg();
  for (let round = 0; round < reps; round++) {
    for (const r of round % 2 ? [...runs].reverse() : runs) {
      r.before?.();
      const m = await measure(r.command, r.args, { env: r.env, captureStdout: round === 0 });
      if (m.status !== 0) throw new Error(`${r.key} exited ${m.status}: ${m.stderr.slice(0, 500)}`);
      if (round === 0 && m.stdout) totals[r.key] = JSON.parse(m.stdout).totals;
      samples[r.key].push(m);
    }
  }
  const loadAfter = loadavg();
  console.log(`${basename(corpus)}, ${which}, ${warm ? 'warm status --json' : 'cold daily --json'}, ${reps} rounds; load ${loadBefore.map((x) => x.toFixed(1)).join('/')} -> ${loadAfter.map((x) => x.toFixed(1)).join('/')}`);
  const med = (key, field) => median(samples[key].map((m) => m[field]));
  for (const r of runs) {
    const s = samples[r.key];
    const ratio = samples.ccusage && r.key !== 'ccusage' ? `  ÷ ccusage: wall ${(med(r.key, 'wallMs') / med('ccusage', 'wallMs')).toFixed(2)}, CPU ${(med(r.key, 'cpuMs') / med('ccusage', 'cpuMs')).toFixed(2)}` : '';
    const t = totals[r.key];
    console.log(`${r.key.padEnd(10)} wall median ${Math.round(med(r.key, 'wallMs'))} ms (min ${Math.round(Math.min(...s.map((m) => m.wallMs)))}), CPU median ${med(r.key, 'cpuMs')} ms (min ${Math.min(...s.map((m) => m.cpuMs))}), peak RSS ${Math.round(Math.max(...s.map((m) => m.peakRssKb)) / 1024)} MB${ratio}  CPU runs ${s.map((m) => m.cpuMs).join('/')}${t ? `  totals ${t.totalTokens} tokens $${(t.totalCost ?? 0).toFixed(2)}` : ''}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
