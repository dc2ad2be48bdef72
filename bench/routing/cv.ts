// Cross-validation on the tuning set only: the model is trained with one group of rows held out and
// scored on it, for every group in turn. `--folds=author` (default) holds out each author's rows (the
// project's own, each independent data helper's: dataA-dataD, heldout1): the closest thing in the tuning
// data to a set written by someone new. `--folds=language` holds out each language. The decision knobs
// (src/core/routing/decisionKnobs.ts) are tried on the same out-of-fold models, so they too are chosen
// without any evaluation set. Run: npx tsx bench/routing/cv.ts [--folds=language] [--lambda=1e-4] [--grid]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tier } from '../../src/core/router';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { setModelWeightsForTraining, weightLayout } from '../../src/core/routing/learnedModel';
import { applyRule, type GridPoint } from './cvRule';
import { pct, scoreByLanguage, scoreTable, type LabelledRow, type SetScore } from './score';
import { defaultTrainOptions, quantize, train, type TrainOptions } from './train';
import { loadTuningRows } from './tuneSet';

export interface Fold { name: string; test: LabelledRow[]; weights: Float32Array }

/**
 * One model per held-out group, trained on the other groups (quantized as shipped). With `cacheDir`,
 * a fold's weights are kept there and reused (experiments only: the key is the caller's `tag`);
 * `only` trains just that fold (to run folds in parallel processes).
 */
export function trainFolds(rows: readonly LabelledRow[], by: 'author' | 'language', options: TrainOptions, cacheDir?: string, only?: string): Fold[] {
  const groupOf = (r: LabelledRow): string => (by === 'author' ? r.author ?? 'own' : r.lang ?? 'en');
  const groups = [...new Set(rows.map(groupOf))].sort().filter((g) => !only || g === only);
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });
  return groups.map((name) => {
    const test = rows.filter((r) => groupOf(r) === name);
    const file = cacheDir ? join(cacheDir, `${by}-${name}-${options.lambda}-${options.iterations}-${options.only ?? 'all'}.f32`) : undefined;
    let weights: Float32Array;
    const load = (f: string): Float32Array => {
      const b = readFileSync(f);
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    // The heads train apart (separate losses, per-weight Adam), so tier-only and kind-only folds combine.
    const tierFile = cacheDir ? join(cacheDir, `${by}-${name}-${options.lambda}-${options.iterations}-tier.f32`) : undefined;
    const kindFile = cacheDir ? join(cacheDir, `${by}-${name}-${options.kindLambda ?? options.lambda}-${options.iterations}-kind.f32`) : undefined;
    if (file && existsSync(file) && options.kindLambda === undefined) {
      weights = load(file);
    } else if (!options.only && tierFile && kindFile && existsSync(tierFile) && existsSync(kindFile)) {
      weights = load(kindFile);
      const tier = load(tierFile);
      weights.set(tier.subarray(0, weightLayout.offset(2)), 0);
    } else {
      weights = quantize(train(rows.filter((r) => groupOf(r) !== name), options)).dequantized;
      if (file) writeFileSync(file, Buffer.from(weights.buffer));
    }
    return { name, test, weights };
  });
}

/** The advice for every held-out row of every fold, with these knobs. */
export function foldVerdicts(folds: readonly Fold[], knobs: DecisionKnobs): { rows: LabelledRow[]; verdicts: { tier: Tier; kind: string }[] } {
  const rows: LabelledRow[] = [];
  const verdicts: { tier: Tier; kind: string }[] = [];
  setDecisionKnobsForTraining(knobs);
  try {
    for (const fold of folds) {
      setModelWeightsForTraining(fold.weights);
      for (const r of fold.test) {
        const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens });
        rows.push(r);
        verdicts.push({ tier: a.tier, kind: a.kind });
      }
    }
  } finally {
    setModelWeightsForTraining(undefined);
    setDecisionKnobsForTraining(undefined);
  }
  return { rows, verdicts };
}

const line = (label: string, s: SetScore): string =>
  `${label}: FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}/${s.count}) · share of oracle ${pct(s.shareOfOracle)} · tier acc ${pct(s.accuracy)} · kind ${pct(s.kindAccuracy)}`;

function main(): void {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const by = (arg('folds') ?? 'author') as 'author' | 'language';
  const options: TrainOptions = {
    ...defaultTrainOptions,
    ...(arg('lambda') ? { lambda: Number(arg('lambda')) } : {}),
    ...(arg('iterations') ? { iterations: Number(arg('iterations')) } : {}),
    ...(arg('heads') ? { only: arg('heads') as 'tier' | 'kind' } : {}),
    ...(arg('kind-lambda') ? { kindLambda: Number(arg('kind-lambda')) } : {}),
  };
  const rows = loadTuningRows();
  const t0 = Date.now();
  const folds = trainFolds(rows, by, options, arg('cache'), arg('only'));
  if (arg('only')) return;
  console.log(`${rows.length} tuning rows, ${folds.length} folds by ${by} (${folds.map((f) => `${f.name} ${f.test.length}`).join(', ')}); lambda ${options.lambda}, ${options.iterations} steps; trained in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  const perFold = (held: LabelledRow[], verdicts: { tier: Tier; kind: string }[]): string =>
    folds.map((f) => {
      const at = held.indexOf(f.test[0]);
      const s = scoreByLanguage(f.test, verdicts.slice(at, at + f.test.length)).all;
      return `${f.name} ${pct(s.falseDowngradeRate)} (saving ${pct(s.shareOfOracle)})`;
    }).join(', ');
  if (process.argv.includes('--grid')) {
    // The operating point by the rule in cvRule.ts (written before the six-author grid ran): every
    // setting's pooled figures and each author's false-downgrade rate and saving.
    const points: (GridPoint & { knobs: DecisionKnobs })[] = [];
    const tryKnobs = (label: string, knobs: DecisionKnobs): void => {
      const { rows: held, verdicts } = foldVerdicts(folds, knobs);
      const per = new Map(folds.map((f) => {
        const at = held.indexOf(f.test[0]);
        return [f.name, scoreByLanguage(f.test, verdicts.slice(at, at + f.test.length)).all] as const;
      }));
      const point = { label, all: scoreByLanguage(held, verdicts).all, per, knobs };
      points.push(point);
      console.log(`${line(label, point.all)} · by author FD: ${perFold(held, verdicts)}${applyRule([point]) ? '' : ' · outside the rule'}`);
    };
    const penalties = (arg('penalties') ?? '2,3,4,5,6,8,10,12').split(',').map(Number);
    const largeScales = (arg('large-scales') ?? '0.6,1,1.5,2').split(',').map(Number);
    for (const [ruleCaution, hardTopicFloor] of [[true, 0.35], [false, 0.35], [false, 0]] as const) {
      for (const largeMissScale of largeScales) {
        for (const balanced of penalties) {
          tryKnobs(`caution ${ruleCaution} floor ${hardTopicFloor} largeScale ${largeMissScale} penalty ${balanced}`,
            { ...shippedKnobs, ruleCaution, hardTopicFloor, largeMissScale, downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced } });
        }
      }
    }
    const chosen = applyRule(points);
    console.log(`\nchosen by the rule: ${chosen ? line(chosen.label, chosen.all) : 'none'}`);
    if (chosen) {
      // Conservative and aggressive: the same knobs at the penalty with about half and twice the balanced false-downgrade rate.
      const same = points.filter((p) => p.knobs.ruleCaution === chosen.knobs.ruleCaution && p.knobs.hardTopicFloor === chosen.knobs.hardTopicFloor && p.knobs.largeMissScale === chosen.knobs.largeMissScale);
      for (const p of same) console.log(`  ${p.label}: FD ${pct(p.all.falseDowngradeRate)}, share ${pct(p.all.shareOfOracle)}`);
    }
    for (const kindRuleWeight of [0, 0.25, 0.5, 1, 2]) {
      const { rows: held, verdicts } = foldVerdicts(folds, { ...shippedKnobs, kindRuleWeight });
      console.log(`kind rule weight ${kindRuleWeight}: kind ${pct(scoreByLanguage(held, verdicts).all.kindAccuracy)} · ${folds.map((f) => { const at = held.indexOf(f.test[0]); return `${f.name} ${pct(scoreByLanguage(f.test, verdicts.slice(at, at + f.test.length)).all.kindAccuracy)}`; }).join(', ')}`);
    }
    return;
  }
  const { rows: held, verdicts } = foldVerdicts(folds, shippedKnobs);
  let at = 0;
  for (const fold of folds) {
    console.log(line(`held out: ${fold.name}`, scoreByLanguage(fold.test, verdicts.slice(at, at + fold.test.length)).all));
    at += fold.test.length;
  }
  console.log(`\n${scoreTable(`${by} held out`, scoreByLanguage(held, verdicts))}`);
  if (process.argv.includes('--confusions')) {
    const pairs = new Map<string, number>();
    held.forEach((r, i) => { if (r.kind && r.kind !== verdicts[i].kind) pairs.set(`${r.kind} -> ${verdicts[i].kind}`, (pairs.get(`${r.kind} -> ${verdicts[i].kind}`) ?? 0) + 1); });
    console.log(`\nkind confusions (labelled -> read): ${[...pairs].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
}

if (require.main === module) main();
