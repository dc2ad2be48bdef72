// Router latency. Run: npx tsx bench/routing/speed.ts
// Routes every request of the evaluation set repeatedly, then a few very long pasted prompts.
import { performance } from 'node:perf_hooks';
import { routeRequest } from '../../src/core/router';
import { setModelWeightsForTraining } from '../../src/core/routing/learnedModel';
import { loadEvalSet } from './evaluate';

function measure(prompts: { prompt: string; contextTokens: number }[], rounds: number): { meanUs: number; p99Us: number; maxUs: number } {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of prompts) {
      const t0 = performance.now();
      routeRequest(p);
      samples.push((performance.now() - t0) * 1000);
    }
  }
  samples.sort((a, b) => a - b);
  return {
    meanUs: samples.reduce((s, x) => s + x, 0) / samples.length,
    p99Us: samples[Math.floor(samples.length * 0.99)],
    maxUs: samples[samples.length - 1],
  };
}

const rows = loadEvalSet();
measure(rows, 20); // warm up the JIT
const evalSet = measure(rows, 200);
// The peer in the same run: the rules alone (no learned model), interleaved with the model, for a ratio
// that a loaded machine does not distort as much as absolute times.
const ratios: number[] = [];
for (let round = 0; round < 5; round++) {
  const withModel = measure(rows, 20).meanUs;
  setModelWeightsForTraining(null);
  const rulesAlone = measure(rows, 20).meanUs;
  setModelWeightsForTraining(undefined);
  ratios.push(withModel / rulesAlone);
}
ratios.sort((a, b) => a - b);
console.log(`learned model vs rules alone, same requests, 5 interleaved rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${ratios[2].toFixed(2)}x)`);
const line = 'const value = computeSomething(input, options); // a typical line of pasted code\n';
const long = [10_000, 100_000, 1_000_000].map((chars) => ({ chars, prompt: 'Explain this file:\n```ts\n' + line.repeat(Math.ceil(chars / line.length)) + '```' }));
console.log(`eval set (${rows.length} requests x 200 rounds): mean ${evalSet.meanUs.toFixed(1)} µs, p99 ${evalSet.p99Us.toFixed(1)} µs, max ${evalSet.maxUs.toFixed(1)} µs`);
for (const l of long) {
  const m = measure([{ prompt: l.prompt, contextTokens: 0 }], 200);
  console.log(`pasted prompt of ${l.chars} chars: mean ${m.meanUs.toFixed(1)} µs, p99 ${m.p99Us.toFixed(1)} µs`);
}
