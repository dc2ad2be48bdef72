// Trains the routing model (tier heads and task-kind head) on the tuning set and writes
// src/core/routing/modelData.ts. Run: npx tsx bench/routing/train.ts [--lambda=3e-6] [--kind-lambda=…]
// Cross-validation (by author or language, with the decision knobs) is bench/routing/cv.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRequest, routeRequest, type Tier } from '../../src/core/router';
import { denseFeatureNames, denseFeatures, headReadsDense, modelHeads, requestVectors, setModelWeightsForTraining, weightLayout, type KindBias } from '../../src/core/routing/learnedModel';
import type { StackWeights } from '../../src/core/routing/stackStage';
import { hashBuckets, kindHashBuckets, tierFeatureSet, type SparseVector } from '../../src/core/routing/textFeatures';
import { scoreByLanguage, scoreTable, type LabelledRow } from './score';
import { loadOwnHeldOut, loadTuningRows } from './tuneSet';

const kindOrder = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
const nDense = denseFeatureNames.length;

export interface Example { tierText: SparseVector; kindText: SparseVector; dense: Float32Array; tier: Tier; kind: number }

export function toExample(r: LabelledRow): Example {
  const req = { prompt: r.prompt, contextTokens: r.contextTokens };
  const v = requestVectors(r.prompt);
  return { tierText: v.tier, kindText: v.kind, dense: denseFeatures(analyzeRequest(req), req), tier: r.tier, kind: r.kind ? kindOrder.indexOf(r.kind) : -1 };
}

export interface TrainOptions {
  lambda: number; iterations: number; learningRate: number;
  /** L2 of the kind heads (the tier heads use `lambda`); `lambda` when not given. */
  kindLambda?: number;
  /** Experiments only: train just the tier heads (0, 1) or just the kind heads; the others stay 0. */
  only?: 'tier' | 'kind';
}
export const defaultTrainOptions: TrainOptions = { lambda: 0.000003, iterations: 300, learningRate: 0.05 };

export interface Block { text: SparseVector[]; dense: Float32Array[]; buckets: number; heads: 'tier' | 'kind'; tier: Tier[]; kind: number[] }

/**
 * Full-batch Adam on one block of heads: the two logistic tier heads (needs more than small, needs
 * large) or the softmax kind heads; L2 on every weight but the bias. Rows are `buckets` hashed-word
 * weights then the dense features (`headReadsDense` decides which a kind head reads).
 */
export function trainBlock(b: Block, lambda: number, iterations: number, learningRate: number): Float32Array {
  const nd = b.dense[0]?.length ?? nDense;
  const width = b.buckets + nd;
  const H = b.heads === 'tier' ? 2 : kindOrder.length;
  const w = new Float32Array(H * width), m = new Float32Array(w.length), v = new Float32Array(w.length), g = new Float32Array(w.length);
  const rows = b.text.map((_, i) => i).filter((i) => b.heads === 'tier' || b.kind[i] >= 0);
  const n = rows.length || 1;
  const reads = Array.from({ length: nd }, (_, j) => b.heads === 'tier' || j >= nDense || headReadsDense(2, j));
  const logits = new Float64Array(H), grads = new Float64Array(H);
  for (let it = 1; it <= iterations; it++) {
    g.fill(0);
    for (const e of rows) {
      const t = b.text[e], d = b.dense[e];
      for (let h = 0; h < H; h++) {
        const row = h * width;
        let s = 0;
        for (let i = 0; i < t.index.length; i++) s += w[row + t.index[i]] * t.value[i];
        for (let j = 0; j < nd; j++) if (reads[j]) s += w[row + b.buckets + j] * d[j];
        logits[h] = s;
      }
      if (b.heads === 'tier') {
        grads[0] = (1 / (1 + Math.exp(-logits[0])) - (b.tier[e] !== 'small' ? 1 : 0)) / n;
        grads[1] = (1 / (1 + Math.exp(-logits[1])) - (b.tier[e] === 'large' ? 1 : 0)) / n;
      } else {
        let max = -Infinity;
        for (let k = 0; k < H; k++) max = Math.max(max, logits[k]);
        let z = 0;
        for (let k = 0; k < H; k++) z += Math.exp(logits[k] - max);
        for (let k = 0; k < H; k++) grads[k] = (Math.exp(logits[k] - max) / z - (k === b.kind[e] ? 1 : 0)) / n;
      }
      for (let h = 0; h < H; h++) {
        const row = h * width;
        for (let i = 0; i < t.index.length; i++) g[row + t.index[i]] += grads[h] * t.value[i];
        for (let j = 0; j < nd; j++) if (reads[j]) g[row + b.buckets + j] += grads[h] * d[j];
      }
    }
    const b1 = 0.9, b2 = 0.999;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + (i % width === b.buckets ? 0 : lambda * w[i]); // dense feature 0 is the bias
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      w[i] -= (learningRate * (m[i] / (1 - b1 ** it))) / (Math.sqrt(v[i] / (1 - b2 ** it)) + 1e-8);
    }
  }
  return w;
}

/** Trains the shipped model's heads on labelled rows; weights laid out as `weightLayout`. */
export function train(rows: readonly LabelledRow[], options: TrainOptions = defaultTrainOptions): Float32Array {
  const ex = rows.map(toExample);
  const w = new Float32Array(weightLayout.total());
  const common = { dense: ex.map((e) => e.dense), tier: ex.map((e) => e.tier), kind: ex.map((e) => e.kind) };
  if (options.only !== 'kind') {
    w.set(trainBlock({ ...common, text: ex.map((e) => e.tierText), buckets: hashBuckets, heads: 'tier' }, options.lambda, options.iterations, options.learningRate), weightLayout.offset(0));
  }
  if (options.only !== 'tier') {
    w.set(trainBlock({ ...common, text: ex.map((e) => e.kindText), buckets: kindHashBuckets, heads: 'kind' }, options.kindLambda ?? options.lambda, options.iterations, options.learningRate), weightLayout.offset(2));
  }
  return w;
}

/** As shipped: hashed weights int8 with one scale per head, rule-feature weights as decimals. */
export function quantize(w: Float32Array): { bytes: Uint8Array; scales: number[]; dense: number[]; dequantized: Float32Array } {
  const bytes: number[] = [];
  const dequantized = new Float32Array(w.length);
  const scales: number[] = [];
  const dense: number[] = [];
  for (let h = 0; h < modelHeads.length; h++) {
    const row = weightLayout.offset(h);
    const buckets = weightLayout.buckets(h);
    let max = 0;
    for (let j = 0; j < buckets; j++) max = Math.max(max, Math.abs(w[row + j]));
    const scale = Number((max / 127 || 1).toPrecision(6));
    scales.push(scale);
    for (let j = 0; j < buckets; j++) {
      const q = Math.max(-127, Math.min(127, Math.round(w[row + j] / scale)));
      bytes.push(q & 0xff);
      dequantized[row + j] = q * scale;
    }
    for (let j = 0; j < nDense; j++) {
      const d = Math.round(w[row + buckets + j] * 1e4) / 1e4;
      dense.push(d);
      dequantized[row + buckets + j] = d;
    }
  }
  return { bytes: Uint8Array.from(bytes), scales, dense, dequantized };
}

export function verdictsWith(weights: Float32Array | null, rows: readonly LabelledRow[]): { tier: Tier; kind: string }[] {
  setModelWeightsForTraining(weights);
  try {
    return rows.map((r) => {
      const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens });
      return { tier: a.tier, kind: a.kind };
    });
  } finally {
    setModelWeightsForTraining(undefined);
  }
}

function main(): void {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const options: TrainOptions = {
    ...defaultTrainOptions,
    ...(arg('lambda') ? { lambda: Number(arg('lambda')) } : {}),
    ...(arg('kind-lambda') ? { kindLambda: Number(arg('kind-lambda')) } : {}),
  };
  const rows = loadTuningRows();
  console.log(`tuning rows: ${rows.length} (${rows.filter((r) => r.kind).length} with a task kind)`);
  // `--heads=tier|kind --save=FILE` trains half the heads (two processes on two cores); `--merge=TIER,KIND`
  // joins them (the heads train apart, so this is the same model as one run) and writes the data.
  let w: Float32Array;
  const load = (f: string): Float32Array => {
    const b = readFileSync(f);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  if (arg('merge')) {
    const [tierFile, kindFile] = arg('merge')!.split(',');
    w = load(kindFile);
    w.set(load(tierFile).subarray(0, weightLayout.offset(2)), 0);
  } else {
    w = train(rows, { ...options, ...(arg('heads') ? { only: arg('heads') as 'tier' | 'kind' } : {}) });
    if (arg('save')) {
      writeFileSync(arg('save')!, Buffer.from(w.buffer));
      return;
    }
  }
  const q = quantize(w);
  // `--stack=FILE.json`: a second stage chosen by the rule (lab7.ts writes it, fitted on out-of-fold outputs).
  const stack = arg('stack') ? (JSON.parse(readFileSync(arg('stack')!, 'utf8')) as StackWeights) : undefined;
  if (stack) stack.w0 = stack.w0.map((x) => Number(x.toPrecision(6)));
  if (stack) stack.w1 = stack.w1.map((x) => Number(x.toPrecision(6)));
  // `--kind-bias=FILE.json`: the kind bias chosen by session 17's rule d (cvRule19.ts writes it: per language or for all).
  const kindBias = arg('kind-bias') ? (JSON.parse(readFileSync(arg('kind-bias')!, 'utf8')) as KindBias) : undefined;
  const own = loadOwnHeldOut();
  setModelWeightsForTraining(q.dequantized, stack, kindBias);
  const ownVerdicts = own.map((r) => routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }));
  setModelWeightsForTraining(undefined);
  console.log(scoreTable('own held-out half (eval.jsonl odd lines)', scoreByLanguage(own, ownVerdicts)));
  const data = {
    version: 3, tierFeatures: tierFeatureSet, buckets: hashBuckets, kindBuckets: kindHashBuckets, dense: [...denseFeatureNames], heads: [...modelHeads], scales: q.scales, denseWeights: q.dense,
    trainedOn: rows.length, lambda: options.lambda, kindLambda: options.kindLambda ?? options.lambda, ...(stack ? { stack } : {}), ...(kindBias ? { kindBias: { languages: kindBias.languages, bias: kindBias.bias } } : {}), weights: Buffer.from(q.bytes).toString('base64'),
  };
  const out = join(__dirname, '../../src/core/routing/modelData.ts');
  writeFileSync(out, `// Generated by bench/routing/train.ts from bench/routing/tune/, eval.jsonl's even lines and the first and the tenth to twenty-eighth independent sets (tuning since sessions 5, 13, 14, 14b, 15, 16, 17, 18, 19, 20, 20b, 21, 21b, 21c and 22; since session 22b the kind heads are session 21c's, trained without the twenty-seventh and twenty-eighth sets and authors AI and AJ): do not edit.\n// Per head (${modelHeads.length}): ${hashBuckets} (tier heads) or ${kindHashBuckets} (kind heads) hashed-word weights as int8 (base64, times the head's scale) and ${denseFeatureNames.length} rule-feature weights.\nexport const routingModelData = ${JSON.stringify(data, null, 1).replace(/\n\s*/g, ' ')};\n`);
  console.log(`wrote ${out} (${Math.round(data.weights.length / 1024)} KB of weights)`);
}

if (require.main === module) main();
