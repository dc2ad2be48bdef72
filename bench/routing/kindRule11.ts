// Session 11 rule, part a (cvRule.ts): task-kind head variants compared on nine authors, each counted once —
// the folds of the seven independent authors with the most de/es/ko/ja rows or the hardest registers (dataC, D, F,
// J, K, L, M; each head trained on the other authors of the 15,858 rows A-M) and the two new authors N and O, scored
// by each variant's head trained on all 15,858 rows A-M (neither new author trains it: a new author is read the way
// a held-out set would be). Kind-rule weights are tried on the same logits. Weights come from lab7.ts's cache
// (`--train-only --kind=… --kind-folds=…`); nothing is trained here. Chooses only by the committed rule.
// Run: npx tsx bench/routing/kindRule11.ts --variants=base:0.000003,cjk3:0.000003 --cache=DIR [--new=dataN,dataO]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs } from '../../src/core/routing/decisionKnobs';
import { modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { pct, type LabelledRow } from './score';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16tune3/cache';
const folds = (arg('folds') ?? 'dataC,dataD,dataF,dataJ,dataK,dataL,dataM').split(',').filter(Boolean);
const newAuthors = (arg('new') ?? '').split(',').filter(Boolean);
const baseRowCount = Number(arg('base-rows') ?? 15_858);
const weights = (arg('weights') ?? '0.5,1,1.5').split(',').map(Number);
/** The shipped head: 8,192 buckets, L2 3e-6, kind-rule weight 1. */
const shipped = { spec: 'base:0.000003', weight: 1, extra: false };
/** Session 11 rule a: a variant must beat the shipped head by more than this on the nine-author mean. */
export const kindMargin = 0.005;

function load(file: string): Float32Array {
  if (!existsSync(file)) throw new Error(`${file}: not trained (lab7.ts --train-only)`);
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

interface Result { spec: string; weight: number; extra: boolean; per: Map<string, number>; mean: number; newMean: number; byLang: Map<string, [number, number]>; safety: string[] }

function main(): void {
  const all = loadTuningRows();
  const base = all.filter((r) => !newAuthors.includes(r.author ?? 'own'));
  if (base.length !== baseRowCount) throw new Error(`${base.length} rows without ${newAuthors.join(',') || 'new authors'}, expected ${baseRowCount}`);
  const scored = [...folds, ...newAuthors];
  const results: Result[] = [];
  for (const spec of (arg('variants') ?? shipped.spec).split(',')) {
    const [name, lambda] = spec.split(':');
    const v = variants[name];
    const file = (a: string): string => join(cacheDir, `${name}-kind-${Number(lambda)}-300-${a}-${baseRowCount}.f32`);
    const full = load(file('ALL'));
    // Out-of-sample kind logits of every scored row: its author's fold head, or the all-A-M head for a new author.
    const logits = new Map<LabelledRow, Float32Array>();
    for (const a of scored) {
      const w = folds.includes(a) ? load(file(a)) : full;
      for (const r of all) if (r.author === a && r.kind) logits.set(r, Float32Array.from([0, 0, ...logitsOf(toExample(r, v), w, v.buckets, K)]));
    }
    const byPrompt = new Map([...logits].map(([r, l]) => [`${r.contextTokens}\u0000${r.prompt}`, l]));
    for (const extra of [false, true]) for (const weight of weights) {
      setDecisionKnobsForTraining({ ...shippedKnobs, kindRuleWeight: weight, extraKindRules: extra });
      setLogitsReaderForTraining((req) => byPrompt.get(`${req.contextTokens ?? 0}\u0000${req.prompt}`)!);
      const per = new Map<string, number>();
      const byLang = new Map<string, [number, number]>();
      for (const a of scored) {
        const rows = [...logits.keys()].filter((r) => r.author === a);
        let right = 0;
        for (const r of rows) {
          const ok = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).kind === r.kind;
          right += ok ? 1 : 0;
          const l = byLang.get(r.lang ?? '?') ?? [0, 0];
          l[0] += ok ? 1 : 0;
          l[1]++;
          byLang.set(r.lang ?? '?', l);
        }
        per.set(a, rows.length ? right / rows.length : 0);
      }
      // Safety: the variant's all-rows head with this weight must pass safety.ts's kind and calibration checks.
      setLogitsReaderForTraining((req) => { const e = toExample({ prompt: req.prompt, contextTokens: req.contextTokens ?? 0, tier: 'small' }, v); return Float32Array.from([5, 5, ...logitsOf(e, full, v.buckets, K)]); });
      const safety = safetyFailures({ calibration: true }).filter((f) => /kind|calibration/.test(f));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      const mean = [...per.values()].reduce((s, x) => s + x, 0) / (per.size || 1);
      const newMean = newAuthors.length ? newAuthors.reduce((s, a) => s + per.get(a)!, 0) / newAuthors.length : Number.NaN;
      results.push({ spec, weight, extra, per, mean, newMean, byLang, safety });
      console.log(`${spec} weight ${weight}${extra ? ' +rules11' : ''}: mean ${pct(mean)}${newAuthors.length ? ` (new ${pct(newMean)})` : ''} · ${[...per].map(([a, x]) => `${a} ${pct(x)}`).join(' ')} · ${[...byLang].sort().map(([l, [o, n]]) => `${l} ${pct(o / n)}`).join(' ')} · safety ${safety.length ? safety.join('; ') : 'pass'}`);
    }
  }
  const ref = results.find((r) => r.spec === shipped.spec && r.weight === shipped.weight && r.extra === shipped.extra);
  if (!ref) return;
  // Session 11 rule a: admissible = passes the safety checks and, when the new authors are scored, is at most 0.5
  // point below the shipped head on their mean; the admissible setting with the best mean replaces the shipped head
  // only if it is more than 0.5 point above it.
  const admissible = results.filter((r) => r.safety.length === 0 && (!newAuthors.length || r.newMean >= ref.newMean - kindMargin));
  const best = [...admissible].sort((x, y) => y.mean - x.mean)[0];
  const wins = best !== undefined && best !== ref && best.mean > ref.mean + kindMargin;
  console.log(`\nSESSION 11 RULE a (kind): best admissible ${best ? `${best.spec} weight ${best.weight}${best.extra ? ' +rules11' : ''} ${pct(best.mean)}` : 'none'} vs shipped ${pct(ref.mean)} -> ${wins ? `${best.spec} weight ${best.weight}${best.extra ? ' +rules11' : ''}` : 'the shipped head stays'}`);
}

if (require.main === module) main();
