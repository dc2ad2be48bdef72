// One all-rows head block into lab7.ts's cache (same file name and training as lab7.ts `weightsFor(…, 'ALL')`), so the
// final model's tier and kind blocks can train in two processes and `lab7.ts --export` then finds both.
// Run: npx tsx bench/routing/trainAll.ts len15 3e-7 tier [--cache=DIR]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toExample, variants } from './lab';
import { trainBlock } from './train';
import { loadTuningRows } from './tuneSet';

const [name, lambdaText, heads] = process.argv.slice(2) as [string, string, 'tier' | 'kind'];
const cacheDir = process.argv.find((a) => a.startsWith('--cache='))?.slice(8) ?? '/tmp/routing-lab7';
const rows = loadTuningRows();
const v = variants[name];
const examples = rows.map((r) => toExample(r, v));
const t0 = Date.now();
const w = trainBlock({ text: examples, dense: examples.map((e) => e.dense), tier: examples.map((e) => e.tier), kind: examples.map((e) => e.kind), buckets: v.buckets, heads }, Number(lambdaText), 300, 0.05);
const file = join(cacheDir, `${name}-${heads}-${Number(lambdaText)}-300-ALL-${rows.length}.f32`);
writeFileSync(file, Buffer.from(w.buffer));
console.log(`${file}: ${rows.length} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
