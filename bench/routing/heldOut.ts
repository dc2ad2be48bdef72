// Evaluation only, never tuning: the project's own held-out half (eval.jsonl odd lines), the
// independent held-out set (bench/eval-independent/routing/heldout.jsonl, written by a helper who never
// saw the router; its sha256 is checked) and two public sets derived from lm-sys/RouteLLM
// (bench/routing/public/). Prints the tables for docs/benchmarks.md.
// Run: npx tsx bench/routing/heldOut.ts [--verbose] [--aggressiveness=balanced]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest, type Aggressiveness, type Tier } from '../../src/core/router';
import { setModelWeightsForTraining } from '../../src/core/routing/learnedModel';
import { pct, scoreByLanguage, scoreTable, type LabelledRow, type Verdict } from './score';
import { loadOwnHeldOut } from './tuneSet';

export const independentSha256 = '2bc738a016e0b0118df74e62474f9b3305393a1a207f0ac2833c1c1b5e791561';
const independentPath = join(__dirname, '../eval-independent/routing/heldout.jsonl');

export function loadIndependent(): LabelledRow[] | undefined {
  if (!existsSync(independentPath)) return undefined;
  const bytes = readFileSync(independentPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== independentSha256) throw new Error(`${independentPath}: sha256 ${sha}, expected ${independentSha256} (the set is frozen)`);
  return bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelledRow);
}

export function verdictsOf(rows: readonly LabelledRow[], aggressiveness: Aggressiveness = 'balanced'): Verdict[] {
  return rows.map((r) => {
    const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }, { aggressiveness });
    return { tier: a.tier, kind: a.kind };
  });
}

interface PublicRow { prompt: string; weakSuffices: boolean }

function loadPublic(name: string): PublicRow[] {
  const [, ...rows] = readFileSync(join(__dirname, 'public', name), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return rows as PublicRow[];
}

export interface PairScore { count: number; falseDowngradeRate: number; falseDowngrades: number; accuracy: number; savingVsStrong: number; oracleSavingVsStrong: number; shareOfOracle: number; sentToWeak: number }

/**
 * RouteLLM's framing: one weak and one strong model. Advice "small" sends a prompt to the weak one;
 * medium or large to the strong one. A false downgrade is a prompt sent to the weak model that it
 * did worse on; it costs the weak attempt plus the strong one. Prices: Haiku 4.5 vs Opus 4.5
 * ($1/$5 vs $5/$25 per Mtok), prompt plus a 500-token reply.
 */
export function scorePair(rows: readonly PublicRow[], advised: readonly Tier[]): PairScore {
  let down = 0, right = 0, weakSent = 0, strong = 0, routed = 0, oracle = 0;
  rows.forEach((r, i) => {
    const input = Math.ceil(r.prompt.length / 4) + 4_000;
    const weakCost = (input * 1 + 500 * 5) / 1e6;
    const strongCost = (input * 5 + 500 * 25) / 1e6;
    strong += strongCost;
    oracle += r.weakSuffices ? weakCost : strongCost;
    const toWeak = advised[i] === 'small';
    if (toWeak) weakSent++;
    if (toWeak === r.weakSuffices) right++;
    if (toWeak && !r.weakSuffices) { down++; routed += weakCost + strongCost; }
    else routed += toWeak ? weakCost : strongCost;
  });
  const n = rows.length;
  return {
    count: n, falseDowngrades: down, falseDowngradeRate: down / n, accuracy: right / n, sentToWeak: weakSent / n,
    savingVsStrong: (strong - routed) / strong, oracleSavingVsStrong: (strong - oracle) / strong, shareOfOracle: (strong - routed) / (strong - oracle),
  };
}

function main(): void {
  const aggressiveness = (process.argv.find((a) => a.startsWith('--aggressiveness='))?.split('=')[1] ?? 'balanced') as Aggressiveness;
  const verbose = process.argv.includes('--verbose');
  const show = (title: string, rows: LabelledRow[]): void => {
    const verdicts = verdictsOf(rows, aggressiveness);
    console.log(`\n### ${title} (${aggressiveness})\n`);
    console.log(scoreTable('language', scoreByLanguage(rows, verdicts)));
    if (verbose) rows.forEach((r, i) => { if (verdicts[i].tier !== r.tier) console.log(`  ${r.tier} -> ${verdicts[i].tier}: ${r.prompt.slice(0, 100).replace(/\n/g, ' ')}`); });
  };
  show('Own held-out half (eval.jsonl odd lines)', loadOwnHeldOut());
  const independent = loadIndependent();
  if (!independent) console.log('\n(independent set not present)');
  else show(`Independent held-out set (sha256 ${independentSha256.slice(0, 12)}…)`, independent);
  if (independent && process.argv.includes('--rules')) {
    setModelWeightsForTraining(null);
    show('Independent held-out set, rules alone (the router before the learned model)', independent);
    setModelWeightsForTraining(undefined);
  }
  console.log(`\n### Public sets from lm-sys/RouteLLM (${aggressiveness}; weak = small tier, strong = medium or large)\n`);
  console.log('| set | n | weak suffices | sent to weak | false downgrades | accuracy | saving vs always-strong | share of oracle saving |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, file] of [['MT-Bench', 'routellm-mtbench.jsonl'], ['GSM8K', 'routellm-gsm8k.jsonl']] as const) {
    const rows = loadPublic(file);
    const advised = rows.map((r) => routeRequest({ prompt: r.prompt }, { aggressiveness }).tier);
    const s = scorePair(rows, advised);
    console.log(`| ${name} | ${s.count} | ${pct(rows.filter((r) => r.weakSuffices).length / rows.length)} | ${pct(s.sentToWeak)} | ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}) | ${pct(s.accuracy)} | ${pct(s.savingVsStrong)} (oracle ${pct(s.oracleSavingVsStrong)}) | ${pct(s.shareOfOracle)} |`);
  }
}

if (require.main === module) main();
