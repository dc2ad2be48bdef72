// How far RouteLLM's goal (false downgrades < 5% with >= 75% of the oracle's saving) is from what can be read in
// its prompts' text. ANALYSIS ONLY: nothing here is shipped, and nothing here chooses a knob of the router.
//   1. What the goal asks on each set: the weak calls it needs and the weak losses it allows (label arithmetic).
//   2. Label ties and noise: MT-Bench's judge-score differences; GSM8K's strong-wrong/weak-right items.
//   3. An in-domain upper bound: the router's own text features (hashed words) and a logistic head trained by
//      k-fold cross-validation on the SAME set's prompts and labels (so in-domain, unlike the shipped model),
//      with the threshold then picked in hindsight on the out-of-fold scores (optimistic on purpose).
//   4. The shipped router's own score (P(needs more than small)) swept over every threshold, in hindsight.
// Run: npx tsx bench/routing/routellmBound.ts [--folds=10] [--lambdas=1e-5,3e-5,1e-4,3e-4]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tier } from '../../src/core/router';
import { analyzeRequest } from '../../src/core/routing/signals';
import { denseFeatures, readRequest } from '../../src/core/routing/learnedModel';
import { hashBuckets, hashedFeatures } from '../../src/core/routing/textFeatures';
import { scorePair } from './heldOut';
import { pct } from './score';
import { trainBlock } from './train';

interface PublicRow { prompt: string; weakSuffices: boolean; weakScore?: number; strongScore?: number; weakCorrect?: boolean; strongCorrect?: boolean; category?: string }

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const load = (name: string): PublicRow[] => readFileSync(join(__dirname, 'public', name), 'utf8').split('\n').filter((l) => l.trim()).slice(1).map((l) => JSON.parse(l) as PublicRow);

/** Area under the ROC curve of `score` for "the weak model does not suffice" (ties count half). */
export function auc(rows: readonly PublicRow[], score: readonly number[]): number {
  const pos = rows.map((r, i) => (r.weakSuffices ? -1 : i)).filter((i) => i >= 0);
  const neg = rows.map((r, i) => (r.weakSuffices ? i : -1)).filter((i) => i >= 0);
  let s = 0;
  for (const p of pos) for (const n of neg) s += score[p] > score[n] ? 1 : score[p] === score[n] ? 0.5 : 0;
  return s / (pos.length * neg.length || 1);
}

/** Every threshold on `score` (higher: keep on the strong model): the best share of the oracle's saving under 5% false downgrades. */
export function bestUnderGoal(rows: readonly PublicRow[], score: readonly number[]): { share: number; fd: number; weak: number; fdAt75?: number } {
  const cuts = [...new Set(score)].sort((a, b) => a - b);
  let best = { share: 0, fd: 0, weak: 0 };
  let fdAt75: number | undefined;
  for (const cut of [-Infinity, ...cuts]) {
    const advised: Tier[] = score.map((x) => (x <= cut ? 'small' : 'large'));
    const s = scorePair(rows, advised);
    if (s.falseDowngradeRate < 0.05 && s.shareOfOracle > best.share) best = { share: s.shareOfOracle, fd: s.falseDowngradeRate, weak: s.sentToWeak };
    if (s.shareOfOracle >= 0.75 && (fdAt75 === undefined || s.falseDowngradeRate < fdAt75)) fdAt75 = s.falseDowngradeRate;
  }
  return { ...best, fdAt75 };
}

/** Out-of-fold P(weak does not suffice) from the router's hashed words (+ bias), k folds by position. */
function inDomainScores(rows: readonly PublicRow[], folds: number, lambda: number): number[] {
  const text = rows.map((r) => hashedFeatures(r.prompt, hashBuckets));
  const dense = rows.map((r) => (arg('dense') === 'yes' ? denseFeatures(analyzeRequest({ prompt: r.prompt }), { prompt: r.prompt }) : Float32Array.of(1)));
  const tier = rows.map((r): Tier => (r.weakSuffices ? 'small' : 'medium'));
  const out = new Array<number>(rows.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = rows.map((_, i) => i).filter((i) => i % folds !== f);
    const w = trainBlock({ text: train.map((i) => text[i]), dense: train.map((i) => dense[i]), tier: train.map((i) => tier[i]), kind: train.map(() => -1), buckets: hashBuckets, heads: 'tier' }, lambda, 300, 0.05);
    rows.forEach((_, i) => {
      if (i % folds !== f) return;
      let s = 0;
      for (let j = 0; j < text[i].index.length; j++) s += w[text[i].index[j]] * text[i].value[j];
      for (let j = 0; j < dense[i].length; j++) s += w[hashBuckets + j] * dense[i][j];
      out[i] = s;
    });
  }
  return out;
}

function main(): void {
  const folds = Number(arg('folds') ?? 10);
  const lambdas = (arg('lambdas') ?? '1e-5,3e-5,1e-4,3e-4').split(',').map(Number);
  for (const [name, file] of [['MT-Bench', 'routellm-mtbench.jsonl'], ['GSM8K', 'routellm-gsm8k.jsonl']] as const) {
    const rows = load(file);
    const n = rows.length, ok = rows.filter((r) => r.weakSuffices).length, bad = n - ok;
    console.log(`\n## ${name}: ${n} prompts, weak suffices ${ok} (${pct(ok / n)}), weak loses ${bad}`);
    // 1. The goal in counts (costs per prompt differ a little with length; scorePair below is exact).
    const maxFd = Math.ceil(0.05 * n) - 1;
    console.log(`goal: at most ${maxFd} weak losses sent to the weak model (${pct(maxFd / bad)} of the ${bad}); about ${Math.ceil(0.75 * ok + 0.25 * maxFd)} of the ${ok} weak-suffices prompts sent weak (${pct((0.75 * ok + 0.25 * maxFd) / ok)}), i.e. about ${pct((0.75 * ok + 0.25 * maxFd + maxFd) / n)} of all calls to the weak model`);
    // 2. Ties and noise in the labels.
    if (rows[0].weakScore !== undefined) {
      const diff = new Map<number, number>();
      for (const r of rows) diff.set(r.strongScore! - r.weakScore!, (diff.get(r.strongScore! - r.weakScore!) ?? 0) + 1);
      console.log(`judge score strong - weak (one GPT-4 grade each, turn 1): ${[...diff].sort((a, b) => a[0] - b[0]).map(([d, c]) => `${d}: ${c}`).join(', ')}`);
      const ties = rows.filter((r) => r.strongScore === r.weakScore);
      console.log(`ties ${ties.length} (both ${[...new Set(ties.map((r) => r.weakScore))].sort((a, b) => a! - b!).join('/')}); weak loses by one point: ${rows.filter((r) => r.strongScore! - r.weakScore! === 1).length}`);
      const byCat = new Map<string, [number, number]>();
      for (const r of rows) { const c = byCat.get(r.category!) ?? [0, 0]; c[r.weakSuffices ? 0 : 1]++; byCat.set(r.category!, c); }
      console.log(`by category (suffices/loses): ${[...byCat].map(([c, [a, b]]) => `${c} ${a}/${b}`).join(', ')}`);
    } else {
      const cell = (w: boolean, s: boolean): number => rows.filter((r) => r.weakCorrect === w && r.strongCorrect === s).length;
      console.log(`weak right & strong right ${cell(true, true)}, weak wrong & strong right ${cell(false, true)} (the weak losses), weak right & strong wrong ${cell(true, false)}, both wrong ${cell(false, false)}`);
    }
    // 3. In-domain cross-validated upper bound.
    for (const lambda of lambdas) {
      const s = inDomainScores(rows, Math.min(folds, n), lambda);
      const b = bestUnderGoal(rows, s);
      console.log(`in-domain ${folds}-fold, hashed words${arg('dense') === 'yes' ? ' + rule features' : ''}, L2 ${lambda}: AUC ${auc(rows, s).toFixed(3)}; best share under 5% FD (threshold in hindsight) ${pct(b.share)} (FD ${pct(b.fd)}, ${pct(b.weak)} to weak); lowest FD with >= 75% share ${b.fdAt75 === undefined ? '–' : pct(b.fdAt75)}`);
    }
    // 4. The shipped model's score, every threshold in hindsight.
    const shipped = rows.map((r) => readRequest({ prompt: r.prompt }).pAboveSmall);
    const b = bestUnderGoal(rows, shipped);
    console.log(`shipped model P(above small): AUC ${auc(rows, shipped).toFixed(3)}; best share under 5% FD (threshold in hindsight) ${pct(b.share)} (FD ${pct(b.fd)}, ${pct(b.weak)} to weak); lowest FD with >= 75% share ${b.fdAt75 === undefined ? '–' : pct(b.fdAt75)}`);
  }
}

if (require.main === module) main();
