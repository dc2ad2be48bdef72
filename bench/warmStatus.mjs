#!/usr/bin/env node
// Warm `status --json` (and `statusline`) between Tokenmeter builds, interleaved with a bare `node -e 0` in every
// round, so that each figure can be read as the whole process and as its excess over Node's own start-up in the
// same round (on a shared machine, only same-round differences mean something). The order of the programs is
// reversed every other round; the load average is printed per round.
//
//   node bench/warmStatus.mjs --corpus /work/corpus/real-large --tm after=dist/cli.js --tm before=/tmp/old/dist/cli.js
//        [--reps 7] [--statusline] [--keep DIR]
//
// Each build gets its own index folder, written by two first runs (the first reads every log, the second finds the
// index and writes what a warm run keeps beside it). The first measured round's status is compared between builds
// (timing fields aside: they follow the clock).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measure, median } from './lib/measure.mjs';
import { isolatedEnv } from './lib/tools.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const corpus = resolve(option('--corpus', 'bench/.corpus/large'));
const reps = Number(option('--reps', 7));
const builds = argv.flatMap((x, i) => (x === '--tm' ? [argv[i + 1]] : [])).map((spec) => ({ key: spec.slice(0, spec.indexOf('=')), cli: resolve(spec.slice(spec.indexOf('=') + 1)) }));
if (builds.length === 0) {
  console.error('usage: node bench/warmStatus.mjs --corpus DIR --tm name=path/to/cli.js [--tm …] [--reps N] [--statusline] [--keep DIR]');
  process.exit(2);
}
const keep = option('--keep', undefined);
const work = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'tokenmeter-warm-'));
const env = isolatedEnv({ claudeDirs: [join(corpus, 'claude')], codexDir: join(corpus, 'codex'), home: join(work, 'home') });
const statuslineInput = JSON.stringify({ session_id: 's', model: { id: 'claude-sonnet-4-5', display_name: 'Sonnet 4.5' }, cost: { total_cost_usd: 1.25 }, rate_limits: { five_hour: { used_percentage: 42, resets_at: Math.floor(Date.now() / 1000) + 3600 } } });
const runs = [{ key: 'node -e 0', command: process.execPath, args: ['-e', '0'], env }];
for (const b of builds) {
  const cacheDir = join(work, `cache-${b.key}`);
  mkdirSync(cacheDir, { recursive: true });
  runs.push({ key: `status ${b.key}`, build: b.key, command: process.execPath, args: [b.cli, 'status', '--json'], env: { ...env, TOKENMETER_CACHE_DIR: cacheDir } });
  if (argv.includes('--statusline')) {
    runs.push({ key: `statusline ${b.key}`, command: '/bin/sh', args: ['-c', `printf '%s' '${statuslineInput}' | ${process.execPath} ${b.cli} statusline --no-record`], env: { ...env, TOKENMETER_CACHE_DIR: cacheDir } });
  }
}

// Timing fields follow the clock; everything else must be the same between builds.
const timeless = (json) => {
  const copy = structuredClone(json);
  for (const key of ['nowMs', 'pacing', 'statusText', 'limits', 'tightest']) delete copy[key];
  if (copy.block) for (const key of ['usdPerHour', 'tokensPerMinute']) delete copy.block[key];
  for (const b of copy.budgets ?? []) delete b.projectedExhaustMs;
  return JSON.stringify(copy);
};

try {
  for (const r of runs) if (r.build) for (let i = 0; i < 2; i++) await measure(r.command, r.args, { env: r.env, captureStdout: false });
  const samples = Object.fromEntries(runs.map((r) => [r.key, { wall: [], cpu: [], rss: [], excessWall: [], excessCpu: [] }]));
  const outputs = {};
  for (let round = 0; round < reps; round++) {
    const load = loadavg()[0].toFixed(1);
    const inRound = {};
    for (const r of round % 2 ? [...runs].reverse() : runs) {
      const m = await measure(r.command, r.args, { env: r.env, captureStdout: round === 0 && Boolean(r.build) });
      if (m.status !== 0) throw new Error(`${r.key} exited ${m.status}: ${m.stderr.slice(0, 500)}`);
      if (round === 0 && r.build) outputs[r.build] = JSON.parse(m.stdout);
      inRound[r.key] = m;
    }
    const bare = inRound['node -e 0'];
    const line = [];
    for (const r of runs) {
      const m = inRound[r.key];
      const s = samples[r.key];
      s.wall.push(m.wallMs);
      s.cpu.push(m.cpuMs);
      s.rss.push(m.peakRssKb / 1024);
      s.excessWall.push(m.wallMs - bare.wallMs);
      s.excessCpu.push(m.cpuMs - bare.cpuMs);
      line.push(`${r.key} ${Math.round(m.wallMs)}/${m.cpuMs}`);
    }
    console.log(`round ${round + 1} load ${load}: ${line.join(' · ')} (wall/CPU ms)`);
  }
  console.log(`\ncorpus ${corpus}, ${reps} rounds, load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const fmt = (xs) => `${Math.round(median(xs))} (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;
  for (const r of runs) {
    const s = samples[r.key];
    console.log(`${r.key.padEnd(22)} wall ${fmt(s.wall)} · CPU ${fmt(s.cpu)} · over node -e 0: wall ${fmt(s.excessWall)}, CPU ${fmt(s.excessCpu)} · peak RSS ${fmt(s.rss)} MB`);
  }
  const keys = Object.keys(outputs);
  for (const k of keys.slice(1)) {
    const same = timeless(outputs[k]) === timeless(outputs[keys[0]]);
    console.log(`status ${k} vs ${keys[0]}: ${same ? 'identical' : 'DIFFERENT'} apart from timing fields`);
    if (!same) for (const field of ['today', 'week', 'month', 'todayByModel', 'requestCount', 'unpricedModels', 'level']) console.log(`  ${field}: ${JSON.stringify(outputs[keys[0]][field])} / ${JSON.stringify(outputs[k][field])}`);
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
