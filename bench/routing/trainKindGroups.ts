// Session 16 rule (cvRule18.ts, rule d): the kind head's out-of-fold readings by author group. The tuning authors present
// when this runs, sorted by name, are dealt in turn into three groups; group g's head is the shipped kind recipe (base,
// L2 3e-6, 300 steps) trained on every row of the other two groups, so no author is read by a head that saw it. A
// sidecar JSON names the authors the head was trained on and those it holds out. Nothing here is shipped.
// Session 18 rule (cvRule20.ts): `--heads=tier --groups=8` trains the tier head's recipe (len15, L2 3e-7, 300 steps) the
// same way, for a grouped cross-validation of the tier side (one head per author no longer fits the time).
// Run: npx tsx bench/routing/trainKindGroups.ts --group=0 [--groups=3] [--heads=kind|tier] [--cache=DIR] [--without=dataW,dataX]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindHead } from './cvRule13';
import { toExample, variants } from './lab';
import { trainBlock } from './train';
import { loadTuningRows } from './tuneSet';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16r18cache';
const groups = Number(arg('groups') ?? 3);
const group = Number(arg('group') ?? 0);

/** The file (without extension) of group g's kind head on `rowCount` rows. */
export const kindGroupFile = (dir: string, g: number, groupCount: number, rowCount: number): string =>
  join(dir, `${kindHead.name}-kind-${kindHead.lambda}-300-G${g}of${groupCount}-${rowCount}`);

/** The shipped tier head's recipe (lab7.ts `len15` at L2 3e-7). */
export const tierHead = { name: 'len15', lambda: 3e-7 };
/** The file (without extension) of group g's tier head on `rowCount` rows. */
export const tierGroupFile = (dir: string, g: number, groupCount: number, rowCount: number): string =>
  join(dir, `${tierHead.name}-tier-${tierHead.lambda}-300-G${g}of${groupCount}-${rowCount}`);

/** Authors sorted by name, dealt in turn into `groupCount` groups. */
export const dealAuthors = (authors: readonly string[], groupCount: number): string[][] =>
  [...authors].sort().reduce<string[][]>((acc, a, i) => { acc[i % groupCount].push(a); return acc; }, Array.from({ length: groupCount }, () => []));

function main(): void {
  // `--without=dataW,dataX`: the rows present when the other group heads started (a head started later must deal the same authors).
  const without = (arg('without') ?? '').split(',').filter(Boolean);
  const rows = loadTuningRows().filter((r) => !without.includes(r.author ?? 'own'));
  const authors = [...new Set(rows.map((r) => r.author ?? 'own'))].sort();
  const heldOut = dealAuthors(authors, groups)[group];
  const heads = arg('heads') === 'tier' ? 'tier' : 'kind';
  const head = heads === 'tier' ? tierHead : kindHead;
  const v = variants[head.name];
  const train = rows.filter((r) => !heldOut.includes(r.author ?? 'own')).map((r) => toExample(r, v));
  const t0 = Date.now();
  const w = trainBlock({ text: train, dense: train.map((e) => e.dense), tier: train.map((e) => e.tier), kind: train.map((e) => e.kind), buckets: v.buckets, heads }, head.lambda, 300, 0.05);
  mkdirSync(cacheDir, { recursive: true });
  const file = (heads === 'tier' ? tierGroupFile : kindGroupFile)(cacheDir, group, groups, rows.length);
  writeFileSync(`${file}.f32`, Buffer.from(w.buffer));
  writeFileSync(`${file}.json`, JSON.stringify({ group, groups, rows: rows.length, without, trainRows: train.length, heldOut, trainedOn: authors.filter((a) => !heldOut.includes(a)) }));
  console.log(`${file}.f32: group ${group} of ${groups}, held out ${heldOut.join(' ')}; ${train.length} of ${rows.length} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (require.main === module) main();
