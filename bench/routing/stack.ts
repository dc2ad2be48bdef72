// Fitting the optional second stage (src/core/routing/stackStage.ts) on out-of-fold outputs (lab7.ts).
// Logistic per tier head, L2 towards leaving the logit as it is (weight 1 on the head's own logit).
import type { Tier } from '../../src/core/router';
import { denseFeatures, modelHeads } from '../../src/core/routing/learnedModel';
import { detectLanguage } from '../../src/core/routing/requestLanguage';
import { analyzeRequest } from '../../src/core/routing/signals';
import { applyStack as apply, stackInputs as inputsOf, type StackInputs, type StackKind } from '../../src/core/routing/stackStage';

export type { StackInputs, StackKind };
export interface Stack { w0: Float64Array; w1: Float64Array }

const order = modelHeads.slice(2).map((h) => h.replace('kind:', ''));

export function stackInputs(kind: StackKind, tierLogits: readonly number[], kindLogits: readonly number[], ruleScores: ReadonlyMap<string, number>, req: { prompt: string; contextTokens: number }): StackInputs {
  const dense = kind === 'stack' || kind === 'stackk' ? denseFeatures(analyzeRequest(req), req) : new Float32Array(0);
  return inputsOf(kind, tierLogits, kindLogits, order.map((k) => ruleScores.get(k) ?? 0), dense, kind === 'langscale' ? detectLanguage(req.prompt) : undefined);
}

function fitHead(x: number[][], y: number[], init: Float64Array, lambda = 1e-3, iterations = 400, lr = 0.05): Float64Array {
  const d = init.length, n = x.length || 1;
  const w = Float64Array.from(init), m = new Float64Array(d), v = new Float64Array(d), g = new Float64Array(d);
  for (let it = 1; it <= iterations; it++) {
    g.fill(0);
    for (let i = 0; i < x.length; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += w[j] * x[i][j];
      const r = (1 / (1 + Math.exp(-s)) - y[i]) / n;
      for (let j = 0; j < d; j++) g[j] += r * x[i][j];
    }
    for (let j = 0; j < d; j++) {
      const gj = g[j] + (j === 0 ? 0 : lambda * (w[j] - init[j]));
      m[j] = 0.9 * m[j] + 0.1 * gj;
      v[j] = 0.999 * v[j] + 0.001 * gj * gj;
      w[j] -= (lr * (m[j] / (1 - 0.9 ** it))) / (Math.sqrt(v[j] / (1 - 0.999 ** it)) + 1e-8);
    }
  }
  return w;
}

export function fitStack(inputs: readonly StackInputs[], rows: readonly { tier: Tier }[]): Stack {
  const shared = inputs[0].h1 === inputs[0].h0;
  const init0 = new Float64Array(inputs[0].h0.length), init1 = new Float64Array(inputs[0].h1.length);
  init0[1] = 1;
  init1[shared ? 2 : 1] = 1;
  const w0 = fitHead(inputs.map((s) => s.h0), rows.map((r) => (r.tier !== 'small' ? 1 : 0)), init0);
  const w1 = fitHead(inputs.map((s) => s.h1), rows.map((r) => (r.tier === 'large' ? 1 : 0)), init1);
  return { w0, w1 };
}

export function applyStack(s: Stack, x: StackInputs): number[] {
  return apply(s, x);
}
