// Evaluation only, never tuning: the project's own held-out half (eval.jsonl odd lines), the independent held-out
// sets (`evaluationSets`: `--second` … `--ninth`, `--twentyninth` … `--thirtysecond`, bench/eval-independent/routing<N>/, each written by a helper who
// saw only the label definitions, its sha256 checked; each scored once when it came in, any further run is counted in
// docs/benchmarks.md), and two public sets derived from lm-sys/RouteLLM (bench/routing/public/). The first
// independent set (bench/eval-independent/routing/) was evaluated once in session 4 and is tuning data since session 5;
// the tenth and eleventh were evaluated once in session 12 and are tuning data since session 13, the twelfth and
// thirteenth (scored in session 13) since session 14, the fourteenth and fifteenth (scored in session 14) since session
// 14b, the sixteenth (scored in session 14b) since session 15, the seventeenth (scored in session 15) since session 16, the eighteenth (scored in session 16) since session 17, the nineteenth (scored in session 17) since session 18, the twentieth (scored in session 18) since session 19, the twenty-first (scored in session 19) since session 20, the twenty-second (scored in session 20) since session 20b, the twenty-third (scored in session 20b) since session 21, the twenty-fourth (scored in session 21) since session 21b, the twenty-fifth and twenty-sixth (scored in session 21b) since session 21c, the twenty-seventh and twenty-eighth (scored in session 21c) since session 22 (tuneSet.ts `tunedHeldOutSets`). `--first`, `--tenth` … `--twentyeighth` still score them, marked as tuned-on data (evidence of nothing on data the project has not seen).
// Prints the tables for docs/benchmarks.md.
// Run: npx tsx bench/routing/heldOut.ts [--thirtysecond] [--thirtyfirst] [--thirtieth] [--twentyninth] [--ninth] [--eighth] [--seventh] … [--second] (evaluation sets) [--twentyeighth] [--twentyseventh] … [--tenth] [--first] (tuned-on) [--verbose] [--rules] [--aggressiveness=balanced]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest, type Aggressiveness, type Tier } from '../../src/core/router';
import { setModelWeightsForTraining } from '../../src/core/routing/learnedModel';
import { pct, scoreByLanguage, scoreSet, scoreTable, type LabelledRow, type Verdict } from './score';
import { firstHeldOutSha256, loadFirstHeldOut, loadOwnHeldOut, loadTunedHeldOut, tunedHeldOutSets } from './tuneSet';

/** A frozen evaluation set: its sha256 checked, one labelled row per JSON line; undefined when it is absent. */
function loadFrozenSet(file: string, expectedSha256: string, kindOf: (kind: string | undefined) => string | undefined, notScored: ReadonlySet<string> = new Set()): LabelledRow[] | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== expectedSha256) throw new Error(`${file}: sha256 ${sha}, expected ${expectedSha256} (the set is frozen)`);
  return bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelledRow & { id?: string; lang?: string })
    .filter((r) => !r.id || !notScored.has(r.id))
    .map((r) => ({ prompt: r.prompt, contextTokens: r.contextTokens ?? 0, tier: r.tier, kind: kindOf(r.kind), lang: r.lang }));
}

/**
 * The router's kind in the second set's vocabulary (fixed before it was scored; see its PROVENANCE.md).
 * Its config, performance, security and other have no counterpart and are not scored for kind.
 */
export const routerKindInSecondSet: Readonly<Record<string, string>> = {
  bugfix: 'bug-fix', question: 'explain', architecture: 'design', feature: 'feature', completion: 'feature',
  refactor: 'refactor', rename: 'refactor', edit: 'refactor', docs: 'docs', docstring: 'docs', review: 'review', test: 'test',
};
const mappableSecondKinds = new Set(Object.values(routerKindInSecondSet));

export interface EvaluationSet {
  flag: string;
  name: string;
  /** Path of the set inside bench/eval-independent/. */
  file: string;
  /**
   * sha256 recorded when the set was copied in, after the model and knobs had landed and before it was scored
   * (empty: not recorded yet, so the set is not scored).
   */
  sha256: string;
  /** The second set's author used 12 kinds of its own: the router's kind is mapped into them (others: the 13). */
  kindMap?: Readonly<Record<string, string>>;
  /**
   * Ids of rows whose prompt a tuning row repeats, found only after the scored model had trained on that row (the set
   * was not rechecked before that round): not scored, since the model has seen them.
   */
  notScored?: readonly string[];
}

/** The independent held-out sets, each written by a helper who saw only the label definitions (session in the comment). */
export const evaluationSets: readonly EvaluationSet[] = [
  { flag: '--second', name: 'Second', file: 'routing2/heldout2.jsonl', sha256: 'f11a8e0f5f5befe004697d60c1cda609f853a571a13f86e16837e61d2dcb621c', kindMap: routerKindInSecondSet }, // session 5
  { flag: '--third', name: 'Third', file: 'routing3/heldout3.jsonl', sha256: 'f06735a216e541a28336b4c16e4094bdc49e7c5dd012a0666bedc6114a553642' }, // session 6
  { flag: '--fourth', name: 'Fourth', file: 'routing4/heldout4.jsonl', sha256: 'f155ad22166f14fd3a82c454ab603afe12cf449c56e4177bdc3c87c54e0fcf66' }, // session 7
  { flag: '--fifth', name: 'Fifth', file: 'routing5/heldout5.jsonl', sha256: 'a6f386d9ed40058528862d10a6f526f17f22f0515e26e091bdd82604a7384f9e' }, // session 8
  { flag: '--sixth', name: 'Sixth', file: 'routing6/heldout6.jsonl', sha256: 'ab5d913e3d717328d6e3ac5e40df99f207410aa4d9a0ad89be6655c114874b09' }, // session 8
  { flag: '--seventh', name: 'Seventh', file: 'routing7/heldout7.jsonl', sha256: 'ad990ab2e2e910553523afd56db1aed4e8b0591ff991923e322664981cb39f92' }, // session 9
  { flag: '--eighth', name: 'Eighth', file: 'routing8/heldout8.jsonl', sha256: 'a772188df2557995fd4c61f2c36c0806c5d90ed8dbbfff260a973670647f4a23' }, // session 10
  { flag: '--ninth', name: 'Ninth', file: 'routing9/heldout9.jsonl', sha256: '324e69a6384f9f4ebda964c37fb7f2e4a118242ba3e75ee3fb1327fdddd3cdcd' }, // session 11
  // The tenth and eleventh (scored once in session 12) are tuning data since session 13, the twelfth (scored twice) and
  // thirteenth (once, both in session 13) since session 14: tuneSet.ts tunedHeldOutSets.
  // The fourteenth and fifteenth (scored once in session 14, 09:34:53 UTC) are tuning data since session 14b.
  // The sixteenth (written in session 14, scored once in session 14b, 10:13:24 UTC) is tuning data since session 15.
  // The seventeenth (written in session 14, scored once in session 15, 12:41:31 UTC) is tuning data since session 16.
  // The eighteenth (written in session 15, scored once in session 16, 14:56:55 UTC) is tuning data since session 17.
  // The nineteenth (written in session 16, scored once in session 17, 18:37:16 UTC) is tuning data since session 18.
  // The twentieth (written in session 17, scored once in session 18, 21:12:10 UTC) is tuning data since session 19.
  // The twenty-first (written in session 18, scored once in session 19, 00:14:06 UTC) is tuning data since session 20.
  // The twenty-second (written in session 19, scored once in session 20, 02:02:33 UTC) is tuning data since session 20b.
  // The twenty-third (written in session 20, scored once in session 20b, 03:07:41 UTC) is tuning data since session 21.
  // The twenty-fourth (written in session 20, scored once in session 21, 04:55:40 UTC) is tuning data since session 21b.
  // The twenty-fifth (written in session 21, scored once in session 21b, 05:29:43 UTC) is tuning data since session 21c.
  // The twenty-sixth (written in session 21, scored once in session 21b, 05:33:30 UTC, six rows a tuning row repeats not
  // scored) is tuning data since session 21c.
  // The twenty-seventh and twenty-eighth (written in session 21, scored once in session 21c with 72021b2, 06:12:03 and
  // 06:12:06 UTC; rows a tuning row repeated not scored) are tuning data since session 22.
  { flag: '--twentyninth', name: 'Twenty-ninth', file: 'routing29/heldout29.jsonl', sha256: 'ae6cd545c8bd9d32965ee6e6fac10f6f8bee83530ed164081f3245603a2ea110' }, // session 22
  { flag: '--thirtieth', name: 'Thirtieth', file: 'routing30/heldout30.jsonl', sha256: '7cfa5b2bcfb95eabfa4e70c53e93c5aea85c6e97f6d8c56ce43fd74e0907949f' }, // session 22
  { flag: '--thirtyfirst', name: 'Thirty-first', file: 'routing31/heldout31.jsonl', sha256: 'faa2fe77687f39bc528afcc8f238c4dbbb090f35d781e07c4a2b25fb750e7951', notScored: ['h31-0105', 'h31-0185', 'h31-0426'] }, // session 22b
  { flag: '--thirtysecond', name: 'Thirty-second', file: 'routing32/heldout32.jsonl', sha256: '54da6fd686fa97729979ad213dc29dbbfb5c4c68888bacc75b80db05ae098cf4', notScored: ['h32-0327', 'h32-0476'] }, // session 22b
];

export const evaluationSetPath = (set: EvaluationSet): string => join(__dirname, '../eval-independent', set.file);

/** A set's rows (sha256 checked), or undefined when it is absent or its sha256 is not recorded. */
export function loadEvaluationSet(set: EvaluationSet): LabelledRow[] | undefined {
  if (!set.sha256) return undefined;
  // Only the second set's kinds with a counterpart in the router's are scored for kind.
  const kindOf = set.kindMap ? (kind: string | undefined) => (kind && mappableSecondKinds.has(kind) ? kind : undefined) : (kind: string | undefined) => kind;
  return loadFrozenSet(evaluationSetPath(set), set.sha256, kindOf, new Set(set.notScored));
}

export function verdictsOf(rows: readonly LabelledRow[], aggressiveness: Aggressiveness = 'balanced', kindMap?: Readonly<Record<string, string>>): Verdict[] {
  return rows.map((r) => {
    const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }, { aggressiveness });
    return { tier: a.tier, kind: kindMap ? kindMap[a.kind] ?? `(${a.kind})` : a.kind };
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
  const show = (title: string, rows: LabelledRow[], kindMap?: Readonly<Record<string, string>>): void => {
    const verdicts = verdictsOf(rows, aggressiveness, kindMap);
    console.log(`\n### ${title} (${aggressiveness})\n`);
    console.log(scoreTable('language', scoreByLanguage(rows, verdicts)));
    if (verbose) rows.forEach((r, i) => { if (verdicts[i].tier !== r.tier) console.log(`  ${r.tier} -> ${verdicts[i].tier}: ${r.prompt.slice(0, 100).replace(/\n/g, ' ')}`); });
  };
  show('Own held-out half (eval.jsonl odd lines)', loadOwnHeldOut());
  for (const evaluation of evaluationSets) {
    if (!process.argv.includes(evaluation.flag)) continue;
    const { name, sha256, kindMap } = evaluation;
    const set = loadEvaluationSet(evaluation);
    if (!set) { console.log(`\n(${name.toLowerCase()} independent set not present, or its sha256 not recorded)`); continue; }
    show(`${name} independent held-out set (sha256 ${sha256.slice(0, 12)}…)`, set, kindMap);
    const verdicts = verdictsOf(set, aggressiveness, kindMap);
    for (const tier of ['small', 'medium', 'large'] as const) {
      const idx = set.map((r, i) => (r.tier === tier ? i : -1)).filter((i) => i >= 0);
      const advised = { small: 0, medium: 0, large: 0 };
      for (const i of idx) advised[verdicts[i].tier]++;
      const s = scoreSet(idx.map((i) => set[i]), idx.map((i) => verdicts[i]));
      console.log(`labelled ${tier}: ${idx.length} rows, advised small ${advised.small} / medium ${advised.medium} / large ${advised.large}; false downgrades ${s.falseDowngrades}; kind ${pct(s.kindAccuracy)}`);
    }
    // The second set's kinds are mapped into its author's own: scored as in session 5, without these two lines.
    if (!kindMap) {
      const nonEnglish = set.map((r, i) => (r.lang && r.lang !== 'en' ? i : -1)).filter((i) => i >= 0);
      const ne = scoreSet(nonEnglish.map((i) => set[i]), nonEnglish.map((i) => verdicts[i]));
      console.log(`not in English: ${nonEnglish.length} rows, false downgrades ${pct(ne.falseDowngradeRate)}, share of oracle saving ${pct(ne.shareOfOracle)}, kind ${pct(ne.kindAccuracy)}`);
      const pairs = new Map<string, number>();
      set.forEach((r, i) => { if (r.kind && r.kind !== verdicts[i].kind) pairs.set(`${r.kind} -> ${verdicts[i].kind}`, (pairs.get(`${r.kind} -> ${verdicts[i].kind}`) ?? 0) + 1); });
      const byKind = new Map<string, { n: number; right: number }>();
      set.forEach((r, i) => { if (!r.kind) return; const t = byKind.get(r.kind) ?? { n: 0, right: 0 }; t.n++; if (verdicts[i].kind === r.kind) t.right++; byKind.set(r.kind, t); });
      console.log(`kind accuracy by labelled kind: ${[...byKind].sort((a, b) => b[1].n - a[1].n).map(([k, t]) => `${k} ${pct(t.right / t.n)} (${t.right}/${t.n})`).join(', ')}`);
      console.log(`kind errors (labelled -> read): ${[...pairs].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
    if (process.argv.includes('--rules')) {
      setModelWeightsForTraining(null);
      show(`${name} independent held-out set, rules alone`, set, kindMap);
      setModelWeightsForTraining(undefined);
    }
  }
  if (process.argv.includes('--first')) show(`First independent set (sha256 ${firstHeldOutSha256.slice(0, 12)}…), TUNING data since session 5`, loadFirstHeldOut());
  for (const set of tunedHeldOutSets) {
    if (!process.argv.includes(set.flag)) continue;
    // Every row, those left out of tuning too: the figures describe the set, tuned on.
    show(`${set.name} independent set (sha256 ${set.sha256.slice(0, 12)}…), scored in ${set.scored}, TUNING data since ${set.tuningSince} (tuned-on)`, loadTunedHeldOut(set));
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
