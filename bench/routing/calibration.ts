// Estimator calibration on generated histories: how often a held-out session's real tokens and cost
// fall inside the estimated P10–P90. Run: npx tsx bench/routing/calibration.ts
import { buildHistoryModel, estimateTask } from '../../src/core/estimator';

// The models the generated histories ran on (not the current default lineup).
const generatedTiers = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };
import { fallbackPriceOf } from '../../src/core/router';
import { generateHistory, seededRandom } from './historyGen';

export interface Calibration { trainPerKind: number; heldOut: number; tokenCoverage: number; costCoverage: number; belowP10: number; aboveP90: number; historyBasis: number }

/** Trains on `trainPerKind` sessions per kind, tests on 30 more per kind, over `seeds` histories. */
export function calibrate(trainPerKind: number, seeds: number): Calibration {
  let inside = 0, costInside = 0, below = 0, above = 0, n = 0, history = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const all = generateHistory(trainPerKind + 30, seed * 7919);
    const random = seededRandom(seed);
    // Shuffle within each kind, then split train / held-out.
    const byKind = new Map<string, typeof all>();
    for (const s of all) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
    const train: typeof all = [];
    const test: typeof all = [];
    for (const group of byKind.values()) {
      const shuffled = group.map((s) => ({ s, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.s);
      train.push(...shuffled.slice(0, trainPerKind));
      test.push(...shuffled.slice(trainPerKind));
    }
    const model = buildHistoryModel(train);
    for (const s of test) {
      const e = estimateTask({ description: s.firstPrompt }, model, fallbackPriceOf, { tiers: generatedTiers });
      n++;
      if (e.basis === 'history') history++;
      if (s.totalTokens < e.tokens.p10) below++;
      else if (s.totalTokens > e.tokens.p90) above++;
      else inside++;
      const c = e.cost[s.model];
      if (c && s.costUsd !== null && s.costUsd >= c.p10 && s.costUsd <= c.p90) costInside++;
    }
  }
  return { trainPerKind, heldOut: n, tokenCoverage: inside / n, costCoverage: costInside / n, belowP10: below / n, aboveP90: above / n, historyBasis: history / n };
}

if (require.main === module) {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  console.log('| past sessions per kind | held-out sessions | tokens inside P10–P90 | cost inside P10–P90 | below P10 | above P90 | basis = history |');
  console.log('|---|---|---|---|---|---|---|');
  for (const k of [8, 12, 20, 40, 100]) {
    const c = calibrate(k, 20);
    console.log(`| ${k} | ${c.heldOut} | ${pct(c.tokenCoverage)} | ${pct(c.costCoverage)} | ${pct(c.belowP10)} | ${pct(c.aboveP90)} | ${pct(c.historyBasis)} |`);
  }
}
