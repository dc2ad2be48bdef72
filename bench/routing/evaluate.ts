// Routing evaluation: accuracy, false-downgrade rate and savings versus always-large on
// bench/routing/eval.jsonl. Run: npx tsx bench/routing/evaluate.ts [--verbose] [--aggressiveness=balanced]
//
// Split: even lines (0, 2, 4, ...) were used for tuning the router; odd lines are held out and
// were only looked at for the report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest, type Aggressiveness, type Tier } from '../../src/core/router';

export interface LabelledRequest { prompt: string; contextTokens: number; tier: Tier }
export type Split = 'tune' | 'heldout' | 'all';

export interface RoutingScore {
  split: Split;
  aggressiveness: Aggressiveness;
  count: number;
  accuracy: number;
  /** Share of requests advised below their label. */
  falseDowngradeRate: number;
  /** Share of requests advised above their label. */
  overProvisionRate: number;
  /** Saving versus always-large, as a fraction of the perfect router's saving. */
  savingsOfPerfect: number;
  /** Saving versus always-large, as a fraction of always-large's cost. */
  savingsVsLarge: number;
  perfectSavingsVsLarge: number;
  confusion: Record<Tier, Record<Tier, number>>;
  mistakes: { prompt: string; label: Tier; advised: Tier; reason: string }[];
}

const rank: Record<Tier, number> = { small: 0, medium: 1, large: 2 };
// Haiku 4.5, Sonnet 4.5, Opus 4.5 list prices (USD per Mtok).
const ratesPerMTok: Record<Tier, { input: number; output: number }> = {
  small: { input: 1, output: 5 }, medium: { input: 3, output: 15 }, large: { input: 5, output: 25 },
};
// Typical reply size for work of each labelled tier.
const typicalOutputTokens: Record<Tier, number> = { small: 500, medium: 1_500, large: 3_000 };
const overheadTokens = 4_000; // system prompt and tool definitions

export function loadEvalSet(path = join(__dirname, 'eval.jsonl')): LabelledRequest[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelledRequest);
}

export function splitOf(rows: LabelledRequest[], split: Split): LabelledRequest[] {
  if (split === 'all') return rows;
  return rows.filter((_, i) => (split === 'tune' ? i % 2 === 0 : i % 2 === 1));
}

function costUsd(r: LabelledRequest, tier: Tier): number {
  const inputTokens = Math.ceil(r.prompt.length / 4) + r.contextTokens + overheadTokens;
  const rates = ratesPerMTok[tier];
  return (inputTokens * rates.input + typicalOutputTokens[r.tier] * rates.output) / 1e6;
}

export function evaluateRouting(rows: LabelledRequest[], split: Split, aggressiveness: Aggressiveness = 'balanced'): RoutingScore {
  const set = splitOf(rows, split);
  const confusion = { small: { small: 0, medium: 0, large: 0 }, medium: { small: 0, medium: 0, large: 0 }, large: { small: 0, medium: 0, large: 0 } };
  let correct = 0, down = 0, up = 0, largeCost = 0, routedCost = 0, perfectCost = 0;
  const mistakes: RoutingScore['mistakes'] = [];
  for (const r of set) {
    const advice = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }, { aggressiveness });
    confusion[r.tier][advice.tier]++;
    largeCost += costUsd(r, 'large');
    perfectCost += costUsd(r, r.tier);
    if (advice.tier === r.tier) { correct++; routedCost += costUsd(r, r.tier); continue; }
    mistakes.push({ prompt: r.prompt.slice(0, 100).replace(/\n/g, ' '), label: r.tier, advised: advice.tier, reason: advice.reason });
    if (rank[advice.tier] < rank[r.tier]) {
      down++;
      // A false downgrade wastes the weak attempt and is then redone on the tier it needed.
      routedCost += costUsd(r, advice.tier) + costUsd(r, r.tier);
    } else {
      up++;
      routedCost += costUsd(r, advice.tier);
    }
  }
  const n = set.length;
  return {
    split, aggressiveness, count: n,
    accuracy: correct / n,
    falseDowngradeRate: down / n,
    overProvisionRate: up / n,
    savingsOfPerfect: (largeCost - routedCost) / (largeCost - perfectCost),
    savingsVsLarge: (largeCost - routedCost) / largeCost,
    perfectSavingsVsLarge: (largeCost - perfectCost) / largeCost,
    confusion, mistakes,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const only = process.argv.find((a) => a.startsWith('--aggressiveness='))?.split('=')[1] as Aggressiveness | undefined;
  const split = (process.argv.find((a) => a.startsWith('--split='))?.split('=')[1] ?? undefined) as Split | undefined;
  const rows = loadEvalSet();
  console.log(`eval set: ${rows.length} requests`);
  console.log('| split | aggressiveness | n | accuracy | false downgrades | over-provisioned | saving vs always-large | share of perfect saving |');
  console.log('|---|---|---|---|---|---|---|---|');
  const levels: Aggressiveness[] = only ? [only] : ['conservative', 'balanced', 'aggressive'];
  const splits: Split[] = split ? [split] : ['tune', 'heldout', 'all'];
  for (const a of levels) {
    for (const s of splits) {
      const r = evaluateRouting(rows, s, a);
      console.log(`| ${s} | ${a} | ${r.count} | ${pct(r.accuracy)} | ${pct(r.falseDowngradeRate)} | ${pct(r.overProvisionRate)} | ${pct(r.savingsVsLarge)} (perfect ${pct(r.perfectSavingsVsLarge)}) | ${pct(r.savingsOfPerfect)} |`);
      if (verbose) {
        console.log('confusion (label -> advised):', JSON.stringify(r.confusion));
        for (const m of r.mistakes) console.log(`  ${m.label} -> ${m.advised}: ${m.prompt}  [${m.reason}]`);
      }
    }
  }
}

if (require.main === module) main();
