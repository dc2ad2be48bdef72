/**
 * The learned part of the router: a linear model over hashed words (`textFeatures.ts`) and the rule
 * signals (`signals.ts`), trained offline by `bench/routing/train.ts` on the labelled multilingual
 * set in `bench/routing/tune/` and shipped as data (`modelData.ts`, int8 weights). Three readings
 * come from it: the probability that a request needs more than the small tier, more than the
 * medium tier, and its task kind. Nothing is downloaded; reading a request takes microseconds.
 */
import type { TaskKind } from '../taskKind';
import { decisionKnobs } from './decisionKnobs';
import { kindRuleScores, scoreTaskKinds, strongestKindByRules } from './kindRules';
import { routingModelData } from './modelData';
import type { RouteRequest } from './request';
import { analyzeRequest, hardTopicNames, scoreTerms, type RequestFeatures } from './signals';
import { detectLanguage } from './requestLanguage';
import { applyStack, stackInputs, type StackWeights } from './stackStage';
import { hashBuckets, hashedFeatures, headTokenHashes, kindHashBuckets, tierFeatureSet, type SparseVector } from './textFeatures';

const kindOrder: readonly TaskKind[] = [
  'completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review',
  'bugfix', 'refactor', 'feature', 'architecture', 'other',
];

/** Names of the dense (rule) features, in the order of `denseFeatures`. */
export const denseFeatureNames: readonly string[] = [
  'bias', ...hardTopicNames.map((t) => `topic:${t}`), 'trace', 'code', 'broadScope', 'wholeProject', 'efficiency', 'trivial',
  'words<=8', 'words<=30', 'words<=80', 'words<=200', 'words>200',
  'ctx<=10k', 'ctx<=50k', 'ctx<=150k', 'ctx>150k', 'pastedData', 'lowLevelLanguage',
  'ruleScore', ...kindOrder.map((k) => `ruleKind:${k}`),
];

const lowLevelLanguages = new Set(['c', 'cpp', 'c++', 'rust', 'zig', 'asm', 'assembly', 'cuda']);

/** The rule signals as numbers for the model; exported for training. */
export function denseFeatures(f: RequestFeatures, req: RouteRequest): Float32Array {
  const ruleScore = scoreTerms(f, req).reduce((s, t) => s + t.points, 0);
  const ruleKind = strongestKindByRules(req.prompt).kind;
  const w = f.proseWords;
  const c = f.contextTokens;
  const values = [
    1, ...hardTopicNames.map((t) => (f.hardTopics.includes(t) ? 1 : 0)),
    f.hasStackTrace ? 1 : 0, f.codeBlocks > 0 ? 1 : 0, f.broadScope ? 1 : 0, f.wholeProject ? 1 : 0, f.efficiency ? 1 : 0, f.trivialMarker ? 1 : 0,
    w <= 8 ? 1 : 0, w > 8 && w <= 30 ? 1 : 0, w > 30 && w <= 80 ? 1 : 0, w > 80 && w <= 200 ? 1 : 0, w > 200 ? 1 : 0,
    c > 2_000 && c <= 10_000 ? 1 : 0, c > 10_000 && c <= 50_000 ? 1 : 0, c > 50_000 && c <= 150_000 ? 1 : 0, c > 150_000 ? 1 : 0,
    f.dataLines >= 20 ? 1 : 0, req.language && lowLevelLanguages.has(req.language.toLowerCase()) ? 1 : 0,
    ruleScore / 4, ...kindOrder.map((k) => (k === ruleKind ? 1 : 0)),
  ];
  return Float32Array.from(values);
}

/**
 * Whether head `h` reads dense feature `j`. The kind of a request does not depend on how much
 * context comes with it (a tuning set that attaches none to questions must not teach otherwise).
 */
export function headReadsDense(h: number, j: number): boolean {
  return h < 2 || !denseFeatureNames[j].startsWith('ctx');
}

/** Heads of the model, in the order of its weight rows. */
export const modelHeads: readonly string[] = ['aboveSmall', 'aboveMedium', ...kindOrder.map((k) => `kind:${k}`)];

/**
 * Where each head's weights sit in the flat weight array: the two tier heads read `hashBuckets` hashed
 * words, the kind heads `kindHashBuckets` (more buckets paid off for the tier, not for the kind); each row
 * ends with the dense (rule) features.
 */
export const weightLayout = {
  buckets: (h: number): number => (h < 2 ? hashBuckets : kindHashBuckets),
  offset: (h: number): number => (h < 2 ? h * (hashBuckets + denseFeatureNames.length) : 2 * (hashBuckets + denseFeatureNames.length) + (h - 2) * (kindHashBuckets + denseFeatureNames.length)),
  total: (): number => 2 * (hashBuckets + denseFeatureNames.length) + (modelHeads.length - 2) * (kindHashBuckets + denseFeatureNames.length),
};

let decoded: Float32Array | null | undefined;
let stackStage: StackWeights | undefined;
let kindBias: KindBias | undefined;

/**
 * A bias per kind added to the kind heads' logits, per request language (`languages`, read by requestLanguage.ts;
 * a language not listed reads as the first row) or for every request (`languages: ['*']`). Chosen by session 17's rule
 * (bench/routing/cvRule19.ts, rule d), fitted on out-of-fold kind readings; rows in the order of the kind heads.
 */
export interface KindBias { languages: readonly string[]; bias: readonly (readonly number[])[] }

/** The bias row for a request (all zeros when no bias ships). */
export function kindBiasRow(bias: KindBias | undefined, prompt: string): readonly number[] | undefined {
  if (!bias) return undefined;
  return bias.bias[Math.max(0, bias.languages.indexOf(bias.languages[0] === '*' ? '*' : detectLanguage(prompt)))];
}

function model(): Float32Array | null {
  if (decoded !== undefined) return decoded;
  const data = routingModelData as { weights?: string; buckets: number; kindBuckets?: number; tierFeatures?: string; dense: string[]; heads: string[]; scales: number[]; denseWeights: number[]; stack?: StackWeights; kindBias?: KindBias };
  stackStage = data.stack;
  kindBias = data.kindBias;
  if (!data.weights || data.tierFeatures !== tierFeatureSet || data.buckets !== hashBuckets || data.kindBuckets !== kindHashBuckets || data.dense.join() !== denseFeatureNames.join() || data.heads.join() !== modelHeads.join()) {
    decoded = null; // data from another feature layout: the rules alone decide
    return decoded;
  }
  const bytes = Buffer.from(data.weights, 'base64');
  const dense = denseFeatureNames.length;
  const weights = new Float32Array(weightLayout.total());
  let at = 0;
  for (let h = 0; h < modelHeads.length; h++) {
    const scale = data.scales[h];
    const row = weightLayout.offset(h);
    const buckets = weightLayout.buckets(h);
    for (let j = 0; j < buckets; j++) weights[row + j] = ((bytes[at + j] << 24) >> 24) * scale;
    at += buckets;
    for (let j = 0; j < dense; j++) weights[row + buckets + j] = data.denseWeights[h * dense + j];
  }
  decoded = weights;
  return decoded;
}

/**
 * Replaces the shipped weights (training and cross-validation only; laid out as `weightLayout`);
 * `undefined` goes back to them, `null` reads with the rules alone.
 */
export function setModelWeightsForTraining(weights: Float32Array | null | undefined, stack?: StackWeights, bias?: KindBias): void {
  decoded = weights;
  stackStage = stack;
  kindBias = bias;
}

/** The hashed words of a request as the tier heads and the kind heads read them. */
export function requestVectors(prompt: string): { tier: SparseVector; kind: SparseVector } {
  const hashes = headTokenHashes(prompt);
  return { tier: hashedFeatures(hashes.tier, hashBuckets), kind: hashedFeatures(hashes.kind, kindHashBuckets) };
}

type LogitsReader = (req: RouteRequest, f: RequestFeatures) => Float32Array;
let logitsReader: LogitsReader | undefined;

/**
 * Experiments only (`bench/routing/lab.ts`): head logits from another feature layout, in the order of
 * `modelHeads`; `undefined` goes back to the weights.
 */
export function setLogitsReaderForTraining(reader: LogitsReader | undefined): void {
  logitsReader = reader;
}

/** Whether shipped model data matched this build's feature layout (else the rules decide alone). */
export function hasLearnedModel(): boolean {
  return model() !== null;
}

/** Raw head outputs (logits) for features; exported for training and tests. */
export function headLogits(weights: Float32Array, text: { tier: SparseVector; kind: SparseVector }, dense: Float32Array): Float32Array {
  const out = new Float32Array(modelHeads.length);
  for (let h = 0; h < modelHeads.length; h++) {
    const row = weightLayout.offset(h);
    const buckets = weightLayout.buckets(h);
    const v = h < 2 ? text.tier : text.kind;
    let s = 0;
    for (let i = 0; i < v.index.length; i++) s += weights[row + v.index[i]] * v.value[i];
    for (let j = 0; j < dense.length; j++) if (headReadsDense(h, j)) s += weights[row + buckets + j] * dense[j];
    out[h] = s;
  }
  return out;
}

/** Kind logits plus `weight` x the rules' score per kind (capped, in units of one early verb). */
export function combineKindLogits(logits: Float32Array, ruleScores: ReadonlyMap<TaskKind, number>, weight: number): { best: number; z: number } {
  const combined = kindOrder.map((k, i) => logits[2 + i] + weight * Math.min(2, (ruleScores.get(k) ?? 0) / 3.75));
  let best = 0;
  for (let k = 1; k < combined.length; k++) if (combined[k] > combined[best]) best = k;
  let z = 0;
  for (const c of combined) z += Math.exp(c - combined[best]);
  return { best, z };
}

export interface ModelReading {
  /** P(the request needs more than the small tier). */
  pAboveSmall: number;
  /** P(the request needs the large tier). */
  pAboveMedium: number;
  kind: TaskKind;
  /** Probability of `kind` among the kinds. */
  kindProbability: number;
  /** 'model' when the shipped weights were used, 'rules' otherwise. */
  source: 'model' | 'rules';
  features: RequestFeatures;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

// Rule-only mapping from score to probabilities, used when no model data is shipped.
const ruleAboveSmallAt = 0.4;
const ruleAboveMediumAt = 3.4;
const ruleSlope = 1.6;

/** The model's reading of one request: tier-need probabilities and task kind. */
export function readRequest(req: RouteRequest, features?: RequestFeatures): ModelReading {
  const f = features ?? analyzeRequest(req);
  const m = logitsReader ? undefined : model();
  if (m === null) {
    const score = scoreTerms(f, req).reduce((s, t) => s + t.points, 0);
    return {
      pAboveSmall: sigmoid(ruleSlope * (score - ruleAboveSmallAt)),
      pAboveMedium: sigmoid(ruleSlope * (score - ruleAboveMediumAt)),
      kind: req.taskKind ?? f.kind, kindProbability: 1, source: 'rules', features: f,
    };
  }
  const dense = m ? denseFeatures(f, req) : undefined;
  const logits = m ? headLogits(m, requestVectors(req.prompt), dense!) : logitsReader!(req, f);
  const ruleKindScores = scoreTaskKinds(req.prompt);
  if (m && stackStage) {
    // The shipped second stage (stackStage.ts): tier logits recalibrated on authors the model was not trained on.
    const language = stackStage.kind === 'langscale' ? detectLanguage(req.prompt) : undefined;
    const z = applyStack(stackStage, stackInputs(stackStage.kind, logits, logits.subarray(2), kindOrder.map((k) => ruleKindScores.get(k) ?? 0), dense!, language));
    logits[0] = z[0];
    logits[1] = z[1];
  }
  const biasRow = m ? kindBiasRow(kindBias, req.prompt) : undefined;
  if (biasRow) for (let k = 0; k < biasRow.length; k++) logits[2 + k] += biasRow[k];
  let pAboveSmall = sigmoid(logits[0]);
  let pAboveMedium = sigmoid(logits[1]);
  const knobs = decisionKnobs();
  if (knobs.ruleCaution && f.hardTopics.length > 0 && f.proseWords <= knobs.cautionMaxWords) {
    // A hard topic the rules name outright (in any of their languages) keeps the rules' caution.
    const score = scoreTerms(f, req).reduce((s, t) => s + t.points, 0);
    pAboveSmall = Math.max(pAboveSmall, sigmoid(ruleSlope * (score - ruleAboveSmallAt)));
    pAboveMedium = Math.max(pAboveMedium, sigmoid(ruleSlope * (score - ruleAboveMediumAt)));
  }
  // The two heads are trained apart; needing the large tier implies needing more than the small one.
  pAboveMedium = Math.min(pAboveSmall, pAboveMedium);
  const { best, z } = combineKindLogits(logits, knobs.extraKindRules ? kindRuleScores(req.prompt, true) : ruleKindScores, knobs.kindRuleWeight);
  return {
    pAboveSmall, pAboveMedium,
    kind: req.taskKind ?? (/\p{L}/u.test(req.prompt) ? kindOrder[best] : 'other'), kindProbability: 1 / z, source: 'model', features: f,
  };
}
