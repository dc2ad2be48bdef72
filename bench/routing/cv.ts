// Cross-validation on the tuning set only: the model is trained with one group of rows held out and
// scored on it, for every group in turn. `--folds=author` (default) holds out each author's rows (the
// project's own, each independent data helper's): the closest thing in the tuning data to a set written
// by someone new. `--folds=language` holds out each language. The decision knobs
// (src/core/routing/decisionKnobs.ts) are tried on the same out-of-fold models, so they too are chosen
// without any evaluation set. Run: npx tsx bench/routing/cv.ts [--folds=language] [--lambda=1e-4] [--grid]
import type { Tier } from '../../src/core/router';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { setModelWeightsForTraining } from '../../src/core/routing/learnedModel';
import { pct, scoreByLanguage, scoreTable, type LabelledRow, type SetScore } from './score';
import { defaultTrainOptions, quantize, train, type TrainOptions } from './train';
import { loadTuningRows } from './tuneSet';

export interface Fold { name: string; test: LabelledRow[]; weights: Float32Array }

/** One model per held-out group, trained on the other groups (quantized as shipped). */
export function trainFolds(rows: readonly LabelledRow[], by: 'author' | 'language', options: TrainOptions): Fold[] {
  const groupOf = (r: LabelledRow): string => (by === 'author' ? r.author ?? 'own' : r.lang ?? 'en');
  const groups = [...new Set(rows.map(groupOf))].sort();
  return groups.map((name) => {
    const test = rows.filter((r) => groupOf(r) === name);
    const weights = quantize(train(rows.filter((r) => groupOf(r) !== name), options)).dequantized;
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
  };
  const rows = loadTuningRows();
  const t0 = Date.now();
  const folds = trainFolds(rows, by, options);
  console.log(`${rows.length} tuning rows, ${folds.length} folds by ${by} (${folds.map((f) => `${f.name} ${f.test.length}`).join(', ')}); lambda ${options.lambda}, ${options.iterations} steps; trained in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  if (process.argv.includes('--grid')) {
    for (const ruleCaution of [true, false]) {
      for (const hardTopicFloor of [0, 0.35]) {
        for (const balanced of [2, 3, 4, 5, 6, 8]) {
          const knobs = { ...shippedKnobs, ruleCaution, hardTopicFloor, downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced } };
          const { rows: held, verdicts } = foldVerdicts(folds, knobs);
          const all = scoreByLanguage(held, verdicts).all;
          const worst = Math.max(...folds.map((f) => scoreByLanguage(f.test, verdicts.slice(held.indexOf(f.test[0]), held.indexOf(f.test[0]) + f.test.length)).all.falseDowngradeRate));
          console.log(`${line(`ruleCaution ${ruleCaution} floor ${hardTopicFloor} penalty ${balanced}`, all)} · worst fold FD ${pct(worst)}`);
        }
      }
    }
    for (const kindRuleWeight of [0, 0.25, 0.5, 1, 2]) {
      const { rows: held, verdicts } = foldVerdicts(folds, { ...shippedKnobs, kindRuleWeight });
      console.log(`kind rule weight ${kindRuleWeight}: kind ${pct(scoreByLanguage(held, verdicts).all.kindAccuracy)}`);
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
