// Trains the routing model (tier heads and task-kind head) on the tuning set and writes
// src/core/routing/modelData.ts. Run: npx tsx bench/routing/train.ts [--lambda=3e-6] [--kind-lambda=…]
// Cross-validation (by author or language, with the decision knobs) is bench/routing/cv.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRequest, routeRequest, type Tier } from '../../src/core/router';
import { denseFeatureNames, denseFeatures, headReadsDense, modelHeads, setModelWeightsForTraining } from '../../src/core/routing/learnedModel';
import { hashBuckets, hashedFeatures } from '../../src/core/routing/textFeatures';
import { scoreByLanguage, scoreTable, type LabelledRow } from './score';
import { loadOwnHeldOut, loadTuningRows } from './tuneSet';

const kindOrder = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
const width = hashBuckets + denseFeatureNames.length;

interface Example { index: Int32Array; value: Float32Array; dense: Float32Array; tier: Tier; kind: number }

function toExample(r: LabelledRow): Example {
  const req = { prompt: r.prompt, contextTokens: r.contextTokens };
  const t = hashedFeatures(r.prompt);
  return { index: t.index, value: t.value, dense: denseFeatures(analyzeRequest(req), req), tier: r.tier, kind: r.kind ? kindOrder.indexOf(r.kind) : -1 };
}

export interface TrainOptions {
  lambda: number; iterations: number; learningRate: number;
  /** L2 of the kind heads (the tier heads use `lambda`); `lambda` when not given. */
  kindLambda?: number;
  /** Experiments only: train just the tier heads (0, 1) or just the kind heads; the others stay 0. */
  only?: 'tier' | 'kind';
}
export const defaultTrainOptions: TrainOptions = { lambda: 0.000003, iterations: 300, learningRate: 0.05 };

/** Full-batch Adam on logistic (tier heads) and softmax (kind head) losses with L2. */
export function train(rows: readonly LabelledRow[], options: TrainOptions = defaultTrainOptions): Float32Array {
  const examples = rows.map(toExample);
  const heads = modelHeads.length;
  const w = new Float32Array(heads * width);
  const m = new Float32Array(w.length);
  const v = new Float32Array(w.length);
  const g = new Float32Array(w.length);
  const nTier = examples.length;
  const nKind = examples.filter((e) => e.kind >= 0).length || 1;
  const biasIndex = hashBuckets; // dense feature 0 is the bias
  const logits = new Float64Array(heads);
  const kindLambda = options.kindLambda ?? options.lambda;
  const h0 = options.only === 'kind' ? 2 : 0;
  const h1 = options.only === 'tier' ? 2 : heads;
  for (let it = 1; it <= options.iterations; it++) {
    g.fill(0);
    for (const e of examples) {
      for (let h = h0; h < h1; h++) {
        const row = h * width;
        let s = 0;
        for (let i = 0; i < e.index.length; i++) s += w[row + e.index[i]] * e.value[i];
        for (let j = 0; j < e.dense.length; j++) if (headReadsDense(h, j)) s += w[row + hashBuckets + j] * e.dense[j];
        logits[h] = s;
      }
      const grads = new Float64Array(heads);
      if (h0 === 0) {
        grads[0] = (1 / (1 + Math.exp(-logits[0])) - (e.tier !== 'small' ? 1 : 0)) / nTier;
        grads[1] = (1 / (1 + Math.exp(-logits[1])) - (e.tier === 'large' ? 1 : 0)) / nTier;
      }
      if (e.kind >= 0 && h1 > 2) {
        let max = -Infinity;
        for (let k = 2; k < heads; k++) max = Math.max(max, logits[k]);
        let z = 0;
        for (let k = 2; k < heads; k++) z += Math.exp(logits[k] - max);
        for (let k = 2; k < heads; k++) grads[k] = (Math.exp(logits[k] - max) / z - (k - 2 === e.kind ? 1 : 0)) / nKind;
      }
      for (let h = h0; h < h1; h++) {
        if (grads[h] === 0) continue;
        const row = h * width;
        for (let i = 0; i < e.index.length; i++) g[row + e.index[i]] += grads[h] * e.value[i];
        for (let j = 0; j < e.dense.length; j++) if (headReadsDense(h, j)) g[row + hashBuckets + j] += grads[h] * e.dense[j];
      }
    }
    const b1 = 0.9, b2 = 0.999, lr = options.learningRate;
    for (let i = h0 * width; i < h1 * width; i++) {
      const reg = i % width === biasIndex ? 0 : (i < 2 * width ? options.lambda : kindLambda) * w[i];
      const gi = g[i] + reg;
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const mh = m[i] / (1 - b1 ** it);
      const vh = v[i] / (1 - b2 ** it);
      w[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return w;
}

/** As shipped: hashed weights int8 with one scale per head, rule-feature weights as decimals. */
export function quantize(w: Float32Array): { bytes: Uint8Array; scales: number[]; dense: number[]; dequantized: Float32Array } {
  const heads = modelHeads.length;
  const bytes = new Uint8Array(heads * hashBuckets);
  const dequantized = new Float32Array(w.length);
  const scales: number[] = [];
  const dense: number[] = [];
  for (let h = 0; h < heads; h++) {
    let max = 0;
    for (let j = 0; j < hashBuckets; j++) max = Math.max(max, Math.abs(w[h * width + j]));
    const scale = Number((max / 127 || 1).toPrecision(6));
    scales.push(scale);
    for (let j = 0; j < hashBuckets; j++) {
      const q = Math.max(-127, Math.min(127, Math.round(w[h * width + j] / scale)));
      bytes[h * hashBuckets + j] = q & 0xff;
      dequantized[h * width + j] = q * scale;
    }
    for (let j = 0; j < denseFeatureNames.length; j++) {
      const d = Math.round(w[h * width + hashBuckets + j] * 1e4) / 1e4;
      dense.push(d);
      dequantized[h * width + hashBuckets + j] = d;
    }
  }
  return { bytes, scales, dense, dequantized };
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
    w.set(load(tierFile).subarray(0, 2 * width), 0);
  } else {
    w = train(rows, { ...options, ...(arg('heads') ? { only: arg('heads') as 'tier' | 'kind' } : {}) });
    if (arg('save')) {
      writeFileSync(arg('save')!, Buffer.from(w.buffer));
      return;
    }
  }
  const q = quantize(w);
  const own = loadOwnHeldOut();
  console.log(scoreTable('own held-out half (eval.jsonl odd lines)', scoreByLanguage(own, verdictsWith(q.dequantized, own))));
  const data = {
    version: 1, buckets: hashBuckets, dense: [...denseFeatureNames], heads: [...modelHeads], scales: q.scales, denseWeights: q.dense,
    trainedOn: rows.length, lambda: options.lambda, kindLambda: options.kindLambda ?? options.lambda, weights: Buffer.from(q.bytes).toString('base64'),
  };
  const out = join(__dirname, '../../src/core/routing/modelData.ts');
  writeFileSync(out, `// Generated by bench/routing/train.ts from bench/routing/tune/, eval.jsonl's even lines and the first independent set (tuning since session 5): do not edit.\n// Per head (${modelHeads.length}): ${hashBuckets} hashed-word weights as int8 (base64, times the head's scale) and ${denseFeatureNames.length} rule-feature weights.\nexport const routingModelData = ${JSON.stringify(data, null, 1).replace(/\n\s*/g, ' ')};\n`);
  console.log(`wrote ${out} (${Math.round(data.weights.length / 1024)} KB of weights)`);
}

if (require.main === module) main();
