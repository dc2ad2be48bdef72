/**
 * An optional second stage over the learned model's tier logits, fitted offline on cross-validated (author held
 * out) outputs by bench/routing/lab7.ts and shipped in `modelData.ts` as `stack` when the selection rule chose
 * one: `scale` rescales and shifts each tier logit; `prior` adds a bias per task kind read; `stack` reads both
 * tier logits and the rule signals; `stackk` also the kind probabilities; `langscale` (session 20) rescales each tier
 * logit and shifts it by the request's language, so a language the heads read as harder than its writers meant is
 * moved back; `kindscale` (session 20b) rescales and shifts each tier logit by the kind group the kind heads read
 * (general: question, docs, other; or coding), so general-assistant requests, where innocent-looking ones are hard, can
 * keep a conservative boundary while coding requests get their own. Without `stack` the logits pass as they are.
 */
export type StackKind = 'scale' | 'prior' | 'stack' | 'stackk' | 'langscale' | 'kindscale';
export interface StackInputs { h0: number[]; h1: number[] }
export interface StackWeights { kind: StackKind; w0: readonly number[]; w1: readonly number[] }

const kindCount = 13;

/** The languages `langscale` shifts apart, in its weights' order (requestLanguage.ts reads one of them from the text). */
export const stackLanguages: readonly string[] = ['en', 'zh', 'ja', 'ko', 'de', 'fr', 'es', 'pt', 'ru'];

/** The kinds `kindscale` reads as general (question, docs, other), as indices in the model's kind order (learnedModel.ts). */
export const stackGeneralKinds: readonly number[] = [4, 6, 12];

/** Kind probabilities as the router combines them (kind-rule weight 1); `ruleScores` in the kinds' order. */
function kindProbabilities(kindLogits: ArrayLike<number>, ruleScores: readonly number[]): number[] {
  const c = Array.from({ length: kindCount }, (_, i) => kindLogits[i] + Math.min(2, ruleScores[i] / 3.75));
  const max = Math.max(...c);
  const e = c.map((x) => Math.exp(x - max));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
}

/**
 * The second stage's inputs; `dense` is the model's rule features (bias first), `language` the request's language
 * as requestLanguage.ts reads it (only `langscale` uses it; one it does not list shifts nothing).
 */
export function stackInputs(kind: StackKind, tierLogits: ArrayLike<number>, kindLogits: ArrayLike<number>, ruleScores: readonly number[], dense: ArrayLike<number>, language?: string): StackInputs {
  if (kind === 'scale') return { h0: [1, tierLogits[0]], h1: [1, tierLogits[1]] };
  if (kind === 'langscale') {
    const onehot = stackLanguages.map((l) => (l === language ? 1 : 0));
    return { h0: [1, tierLogits[0], ...onehot], h1: [1, tierLogits[1], ...onehot] };
  }
  const p = kindProbabilities(kindLogits, ruleScores);
  if (kind === 'kindscale') {
    // The kind read as `prior` reads it (kind heads plus rules, before any kind bias): a shift and a slope per group.
    const g = stackGeneralKinds.includes(p.indexOf(Math.max(...p))) ? 1 : 0;
    return { h0: [1, tierLogits[0], g, g * tierLogits[0]], h1: [1, tierLogits[1], g, g * tierLogits[1]] };
  }
  if (kind === 'prior') {
    const best = p.indexOf(Math.max(...p));
    const onehot = p.map((_, i) => (i === best ? 1 : 0));
    return { h0: [1, tierLogits[0], ...onehot], h1: [1, tierLogits[1], ...onehot] };
  }
  const common = [1, tierLogits[0], tierLogits[1], ...Array.from(dense).slice(1), ...(kind === 'stackk' ? p : [])];
  return { h0: common, h1: common };
}

export function applyStack(s: { w0: ArrayLike<number>; w1: ArrayLike<number> }, x: StackInputs): [number, number] {
  let a = 0, b = 0;
  for (let j = 0; j < x.h0.length; j++) a += s.w0[j] * x.h0[j];
  for (let j = 0; j < x.h1.length; j++) b += s.w1[j] * x.h1[j];
  return [a, b];
}
