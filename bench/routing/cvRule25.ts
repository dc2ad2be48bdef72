// Session 21b rule (cvRule.ts "SESSION 21b RULE", designed by the lead; committed before any fold figure on this round's
// tuning rows was computed and before AG, AH or the twenty-fourth set joined tuning; the twenty-fifth held-out set stays
// unread). Session 21's rule (cvRule24.ts) with these changes; unchanged: the general-assistant limit ([dataAF] < 5.0% over
// all its rows in place of the 4% author and cell limits), the objective (mean share over the other independent authors),
// heads, models, grid, limits, safety and rule 4.
// (a) Data: loadTuningRows() when the heads start: session 21's 48 authors, the twenty-fourth held-out set as author
// heldout24 (after it was scored once in session 21) and the two new independent coding authors dataAG and dataAH
// (importIncoming.ts). The general-assistant list stays [dataAF]: AG and AH write coding requests.
// (b) The setting kept is the one main holds when this round's tier part starts (decisionKnobs.ts `shippedKnobs` and
// modelData.ts's second stage, if any: session 21's, chosen by cvRule24.ts and landed by t16r24, or session 20b's if that
// had not landed), if admissible and within 0.5 point of the best admissible point; else as cvRule24.ts (the plain
// model's best admissible point, replaced by `scale`'s, `langscale`'s, then `kindscale`'s, each if more than 0.5 point
// above the choice so far).
// (c) Kind: cvRule19.ts `kindPart` unchanged, the kind setting main holds when the kind part starts (kind-rule weight,
// extra rules, kind bias per language or not) as the one kept. (d) Analysis (e) of cvRule24.ts kept: the choice rule
// 23's limits and objective would have made on the same figures, with the same kept setting and order.
// Rule 0b: every author is read by this round's heads or the rule does not choose: if a tier or kind group head or the
// all-rows tier head of this round is missing when the tier part starts (06:00 UTC at the latest), nothing ships.
// Run: npx tsx bench/routing/cvRule25.ts [--part=tier|kind|all] --cache=DIR [--drop-authors=A,B]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest, type Tier } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { routingModelData } from '../../src/core/routing/modelData';
import { denseFeatureNames, modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { scoreTaskKinds } from '../../src/core/routing/kindRules';
import { foldLimits14, isIndependent, wilsonLower } from './cvRule';
import { authorOf, kindHead, knobsOf, load, priceOfRow, type Point } from './cvRule13';
import { decide16 } from './cvRule16';
import { kindPart, type KindStage } from './cvRule19';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { dealAuthors, tierHead } from './trainKindGroups';
import { detectLanguage, pct, scoreByGroup, scoreByLanguage, scoreSet, scoreTable, type SetScore } from './score';
import { applyStack, fitStack, stackInputs, type Stack } from './stack';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
/** Where this round's heads are: set by `runRule` (`--cache`, else the round's own folder). */
let cacheDir = '';
const groupCount = 8;
const kindGroupCount = 3;
const margin = 0.005;
type Stage = 'none' | 'scale' | 'langscale' | 'kindscale';
const stages: Stage[] = ['none', 'scale', 'langscale', 'kindscale'];
const shippedData = routingModelData as { stack?: { kind: string }; kindBias?: { languages: readonly string[] } };
/**
 * Rule b: the tier setting main holds when the tier part starts (this worktree is rebased on main first): the shipped
 * knobs and the shipped second stage. Caution is off in every grid point; a shipped setting outside the grid is never kept.
 */
const kept = {
  stage: (shippedData.stack?.kind ?? 'none') as Stage,
  floor: shippedKnobs.hardTopicFloor,
  scale: shippedKnobs.largeMissScale,
  penalty: shippedKnobs.downgradePenalty.balanced,
  cap: shippedKnobs.smallMaxRisk,
  caution: shippedKnobs.ruleCaution,
};
/** Rule c: the kind setting main holds when the kind part starts. */
const keptKind = {
  weight: shippedKnobs.kindRuleWeight,
  extra: shippedKnobs.extraKindRules,
  stage: (shippedData.kindBias ? (shippedData.kindBias.languages[0] === '*' ? 'bias' : 'langbias') : 'none') as KindStage,
};
const keptText = `${kept.stage === 'none' ? 'plain' : kept.stage}, floor ${kept.floor}, large x${kept.scale}, balanced ${kept.penalty}, ${kept.cap < 1 ? `cap ${kept.cap}` : 'no cap'}${kept.caution ? ', caution on (outside the grid)' : ''}`;
/**
 * Rule a: the authors whose README says their focus is requests to a general AI assistant rather than coding requests.
 * dataAD's README puts about 455 non-code requests beside about 586 coding ones, so it is not one of them.
 */
export const generalAssistantAuthors: readonly string[] = ['dataAF'];
/** Rule a: a general-assistant author's false downgrades over all its rows stay below this (the issue's goal). */
export const generalAssistantLimit = 0.05;

/**
 * How a point is judged: `general` are the authors under rule a's limit and outside the objective. Rule 24 names
 * dataAF; rule 23's reading (e, analysis only) names none, so every independent author is under the 4% and cell limits.
 */
interface Reading { name: string; general: readonly string[] }
/** The rule applied: set by `runRule` (the name and the general-assistant list are the round's). */
let rule25: Reading = { name: '', general: generalAssistantAuthors };
const rule23Reading: Reading = { name: "rule 23's limits and objective (analysis only)", general: [] };
const floors = [0, 0.35];
const scales = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const caps = [1, 0.25, 0.15];
const balancedPenalties = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48];
const rule4Penalties = [...balancedPenalties, 64, 96];
interface CellPoint extends Point { cap: number; stage: Stage; byLanguage: Map<string, SetScore>; cells: Map<string, SetScore> }

const headPath = (dir: string, author: string, rowCount: number): string => join(dir, `${tierHead.name}-tier-${tierHead.lambda}-300-${author}-${rowCount}.f32`);
const knobs18 = (p: { floor: number; scale: number; penalty: number; cap: number }): DecisionKnobs => ({ ...knobsOf(p.floor, p.scale, p.penalty), smallMaxRisk: p.cap });
const isKept = (p: CellPoint): boolean => !kept.caution && p.stage === kept.stage && p.floor === kept.floor && p.scale === kept.scale && p.penalty === kept.penalty && p.cap === kept.cap;
const shortLabel = (p: CellPoint): string => `${p.stage === 'none' ? '' : `[${p.stage}] `}floor ${p.floor} x${p.scale} ${p.penalty}${p.cap < 1 ? ` cap ${p.cap}` : ''}`;
const worstLanguages = (p: CellPoint): string =>
  [...p.byLanguage].sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 3).map(([l, s]) => `${l} ${pct(s.falseDowngradeRate)}`).join(' ');
const byLanguageText = (p: CellPoint): string => [...p.byLanguage].map(([l, s]) => `${l} ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}/${s.count})`).join(', ');

const authorOfCell = (key: string): string => key.split('\u0000')[0];

function flaggedCells(p: CellPoint, reading: Reading): string[] {
  const out: string[] = [];
  for (const [key, s] of p.cells) {
    if (s.count < foldLimits14.minCellRows || reading.general.includes(authorOfCell(key))) continue;
    const lower = wilsonLower(s.falseDowngrades, s.count, foldLimits14.cellZ);
    if (lower > foldLimits14.perCell) out.push(`${key.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count} (lower ${pct(lower)})`);
  }
  return out;
}

/** The limits a point breaks under `reading` (safety apart). */
function broken(p: CellPoint, reading: Reading): string[] {
  const out: string[] = [];
  if (p.all.falseDowngradeRate > foldLimits14.pooled) out.push(`pooled ${pct(p.all.falseDowngradeRate)}`);
  for (const [a, s] of p.per) {
    if (reading.general.includes(a)) { if (s.falseDowngradeRate >= generalAssistantLimit) out.push(`${a} ${pct(s.falseDowngradeRate)} (general assistant)`); }
    else if (isIndependent(a) && s.falseDowngradeRate > foldLimits14.perAuthor) out.push(`${a} ${pct(s.falseDowngradeRate)}`);
  }
  for (const [l, s] of p.byLanguage) if (s.falseDowngradeRate > foldLimits14.perLanguage) out.push(`${l} ${pct(s.falseDowngradeRate)}`);
  for (const c of flaggedCells(p, reading)) out.push(`cell ${c}`);
  return out;
}

const meetsLimits = (p: CellPoint, reading: Reading): boolean => broken(p, reading).length === 0;

/** Rule b: mean share of the oracle's saving over the independent authors outside `reading.general`. */
function objective(p: CellPoint, reading: Reading): number {
  const xs = [...p.per].filter(([a]) => isIndependent(a) && !reading.general.includes(a)).map(([, s]) => s.shareOfOracle);
  return xs.length ? xs.reduce((t, x) => t + x, 0) / xs.length : 0;
}

/** The general-assistant authors' shares (the run's list), printed beside the objective. */
const generalShares = (p: CellPoint): string => rule25.general.map((a) => `${a} ${p.per.get(a) ? `share ${pct(p.per.get(a)!.shareOfOracle)} FD ${pct(p.per.get(a)!.falseDowngradeRate)}` : 'absent'}`).join(', ');

/** Upward advice among the independent authors' rows: small advised medium or large, medium advised large. */
function upward(p: CellPoint, tiers: readonly Tier[], indep: readonly boolean[]): string {
  let small = 0, smallUp = 0, medium = 0, mediumUp = 0;
  p.verdicts.forEach((v, i) => {
    if (!indep[i]) return;
    if (tiers[i] === 'small') { small++; if (v !== 'small') smallUp++; }
    if (tiers[i] === 'medium') { medium++; if (v === 'large') mediumUp++; }
  });
  return `small advised larger ${smallUp} of ${small} (${pct(smallUp / small)}), medium advised large ${mediumUp} of ${medium} (${pct(mediumUp / medium)})`;
}

interface GroupMeta { group: number; rows: number; heldOut: string[]; trainedOn: string[] }
const heads = { tier: { spec: tierHead, count: groupCount, outputs: 2 }, kind: { spec: kindHead, count: kindGroupCount, outputs: K } } as const;

/**
 * This round's group heads of one kind (trainKindGroups.ts: the authors present when they started, sorted, dealt in turn):
 * each author read by the head that held it out. Rule 0b: an author with no such head in the cache is `missing`.
 */
export function groupReaders(authors: readonly string[], which: keyof typeof heads): { groupOf: Map<string, number>; weightsOf: Map<string, Float32Array>; missing: string[] } {
  const { spec, count, outputs } = heads[which];
  const pattern = new RegExp(`^${spec.name}-${which}-${spec.lambda}-300-G(\\d+)of${count}-(\\d+)\\.json$`);
  const metas = (existsSync(cacheDir) ? readdirSync(cacheDir) : []).filter((f) => pattern.test(f))
    .map((f) => ({ file: join(cacheDir, f.replace(/\.json$/, '.f32')), ...(JSON.parse(readFileSync(join(cacheDir, f), 'utf8')) as GroupMeta) }));
  const rowCount = Math.max(0, ...metas.map((m) => m.rows));
  const floats = outputs * (variants[spec.name].buckets + denseFeatureNames.length);
  const mine = new Map(metas.filter((m) => m.rows === rowCount && existsSync(m.file) && statSync(m.file).size === floats * 4).map((m) => [m.group, m] as const));
  const dealt = dealAuthors([...authors], count);
  const groupOf = new Map<string, number>();
  dealt.forEach((list, g) => list.forEach((a) => groupOf.set(a, g)));
  const weightsOf = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (let g = 0; g < count; g++) {
    const head = mine.get(g);
    if (head && head.heldOut.join() !== dealt[g].join()) throw new Error(`${which} G${g}: holds out ${head.heldOut.join(' ')}, not the deal`);
    const w = head ? load(head.file) : undefined;
    for (const a of dealt[g]) {
      if (head?.trainedOn.includes(a)) throw new Error(`${a} would be read by a ${which} head trained on it`);
      if (w) weightsOf.set(a, w); else missing.push(a);
    }
    console.log(`${which} group G${g}: ${dealt[g].join(' ')} — ${head ? `read by this round's group head (trained on ${head.trainedOn.length} authors of ${rowCount} rows, without G${g})` : 'NOT TRAINED (rule 0b)'}`);
  }
  return { groupOf, weightsOf, missing };
}

function tierPart(): void {
  // `--drop-authors=dataAF` (analysis after the choice, chooses nothing): the grid without those authors' rows, read by
  // the same heads; nothing is written.
  const dropped = (arg('drop-authors') ?? '').split(',').filter(Boolean);
  const allRows = loadTuningRows();
  const rows = allRows.filter((r) => !dropped.includes(authorOf(r)));
  const authors = [...new Set(rows.map(authorOf))].sort();
  console.log(`kept setting (rule b, main's decisionKnobs.ts and modelData.ts now): ${keptText}`);
  console.log(`${rows.length} rows, ${authors.length} authors: ${authors.map((a) => `${a} ${rows.filter((r) => authorOf(r) === a).length}`).join(', ')}`);
  const v = variants[tierHead.name];
  const { groupOf, weightsOf, missing } = groupReaders(authors, 'tier');
  const kindReaders = groupReaders(authors, 'kind');
  const fullTier = load(headPath(cacheDir, 'ALL', allRows.length));
  if (missing.length || kindReaders.missing.length || !fullTier) {
    console.log(`not trained: ${[...missing, ...kindReaders.missing].join(', ')}${fullTier ? '' : ' all-rows tier head'} — rule 0b: nothing ships this round`);
    process.exitCode = 1;
    return;
  }
  const kindFloats = K * (variants[kindHead.name].buckets + denseFeatureNames.length);
  const kindFile = join(cacheDir, `${kindHead.name}-kind-${kindHead.lambda}-300-ALL-${allRows.length}.f32`);
  let fullKindW: Float32Array | undefined;
  /** The all-rows kind head only reads the safety checks' requests (waited for if still training). */
  const fullKind = (): Float32Array => {
    while (!fullKindW) {
      if (existsSync(kindFile) && statSync(kindFile).size === kindFloats * 4) fullKindW = load(kindFile);
      else { console.log(`waiting for ${kindFile}`); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000); }
    }
    return fullKindW;
  };
  const plainOof = rows.map((r) => logitsOf(toExample(r, v), weightsOf.get(authorOf(r))!, v.buckets, 2));
  const tierRows = rows.map((r) => ({ ...r, kind: undefined }));
  const langOf = rows.map((r) => r.lang ?? detectLanguage(r.prompt));
  const prices = rows.map(priceOfRow);
  const zeros = new Array(K).fill(0);
  // `kindscale` reads the kind out of fold: each author by this round's kind group head that held it out.
  const kv = variants[kindHead.name];
  const kindOof = rows.map((r) => logitsOf(toExample(r, kv), kindReaders.weightsOf.get(authorOf(r))!, kv.buckets, K));
  const ruleScores = rows.map((r) => scoreTaskKinds(r.prompt));
  const indep = rows.map((r) => isIndependent(authorOf(r)));
  const labelTiers = rows.map((r) => r.tier);
  // Scoring per author from precomputed indices (cvRule13's scorePer, without its per-call search).
  const indexOf = new Map(authors.map((a) => [a, rows.map((r, i) => (authorOf(r) === a ? i : -1)).filter((i) => i >= 0)] as const));
  const scorePer = (vv: readonly { tier: Tier }[]): { all: SetScore; per: Map<string, SetScore> } =>
    ({ all: scoreSet(rows, vv), per: new Map(authors.map((a) => [a, scoreSet(indexOf.get(a)!.map((i) => rows[i]), indexOf.get(a)!.map((i) => vv[i]))] as const)) });
  const fullKindLogits = (prompt: string, ctx: number): number[] =>
    logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, variants[kindHead.name]), fullKind(), variants[kindHead.name].buckets, K);
  const fullTierLogits = (prompt: string, ctx: number): number[] => logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, v), fullTier, v.buckets, 2);

  const points: CellPoint[] = [];
  const readers = new Map<Stage, (prompt: string, ctx: number) => Float32Array>();
  for (const stage of stages) {
    const t0 = Date.now();
    let oof = plainOof;
    let fullStage: Stack | undefined;
    if (stage !== 'none') {
      // Two-level cross-validation by the same groups: group g's out-of-fold logits through a stage fitted on the other groups' rows.
      const inputs = rows.map((r, i) => stackInputs(stage, plainOof[i], kindOof[i], ruleScores[i], r));
      oof = rows.map(() => [0, 0]);
      for (let g = 0; g < groupCount; g++) {
        const others = rows.map((_, i) => i).filter((i) => groupOf.get(authorOf(rows[i])) !== g);
        const fit = fitStack(others.map((i) => inputs[i]), others.map((i) => rows[i]));
        rows.forEach((r, i) => { if (groupOf.get(authorOf(r)) === g) oof[i] = applyStack(fit, inputs[i]); });
      }
      fullStage = fitStack(inputs, rows);
      const file = join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${stage}-${rows.length}.json`);
      if (!dropped.length) writeFileSync(file, JSON.stringify({ kind: stage, w0: [...fullStage.w0], w1: [...fullStage.w1] }));
      console.log(`stage ${stage}: fitted per group and on all rows in ${((Date.now() - t0) / 1000).toFixed(0)} s; all-rows stage (${[...fullStage.w0].map((x) => x.toFixed(3)).join(' ')} | ${[...fullStage.w1].map((x) => x.toFixed(3)).join(' ')}) in ${file}`);
    }
    readers.set(stage, (prompt, ctx) => {
      const l = fullTierLogits(prompt, ctx);
      const k = fullKindLogits(prompt, ctx);
      const z = fullStage ? applyStack(fullStage, stackInputs(stage as Exclude<Stage, 'none'>, l, k, scoreTaskKinds(prompt), { prompt, contextTokens: ctx })) : l;
      return Float32Array.from([...z, ...k]);
    });
    const byKey = new Map(rows.map((r, i) => [`${r.contextTokens}\u0000${r.prompt}`, Float32Array.from([...oof[i], ...zeros])]));
    for (const floor of floors) {
      setLogitsReaderForTraining((req) => byKey.get(`${req.contextTokens ?? 0}\u0000${req.prompt}`)!);
      setDecisionKnobsForTraining({ ...knobsOf(floor, 1.5, 12), smallMaxRisk: 0.25 });
      const advice = rows.map((r) => routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      const mismatches = advice.filter((a, i) => decide16(a.needProbability!, prices[i], 12, 1.5, 0.25) !== a.tier).length;
      if (mismatches) throw new Error(`decide16() differs from routeRequest on ${mismatches} rows`);
      for (const scale of scales) {
        for (const cap of caps) {
          for (const penalty of rule4Penalties) {
            const verdicts = advice.map((a, i) => decide16(a.needProbability!, prices[i], penalty, scale, cap));
            const vv = verdicts.map((tier) => ({ tier }));
            const s = scorePer(vv);
            const byLanguage = scoreByLanguage(tierRows, vv).byLang;
            const cells = scoreByGroup(tierRows, vv, (r, i) => (indep[i] ? `${authorOf(r)}\u0000${langOf[i]}` : undefined)).byLang;
            points.push({ label: `len15:3e-7 stage ${stage} caution off floor ${floor} large x${scale} penalty ${penalty} cap ${cap}`, variant: `len15:${stage}`, size: v.buckets, stacked: stage !== 'none', stage, floor, scale, penalty, cap, verdicts, byLanguage, cells, ...s });
          }
        }
      }
    }
    console.log(`stage ${stage}: grid scored in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // Rule 4: a point's conservative and aggressive penalties are those of its line (stage, floor, weight, cap) whose pooled
  // rate is nearest half and twice its own; they ship with it, so its safety check reads them too.
  const rule4 = (c: CellPoint): { conservative: CellPoint; aggressive: CellPoint } => {
    const same = points.filter((p) => p.stage === c.stage && p.floor === c.floor && p.scale === c.scale && p.cap === c.cap);
    const near = (target: number): CellPoint => [...same].sort((x, y) => Math.abs(x.all.falseDowngradeRate - target) - Math.abs(y.all.falseDowngradeRate - target) || y.penalty - x.penalty)[0];
    return { conservative: near(c.all.falseDowngradeRate / 2), aggressive: near(c.all.falseDowngradeRate * 2) };
  };
  const shippingKnobs = (p: CellPoint): DecisionKnobs => {
    const { conservative, aggressive } = rule4(p);
    return { ...knobs18(p), downgradePenalty: { conservative: conservative.penalty, balanced: p.penalty, aggressive: aggressive.penalty } };
  };
  const safetyOf = new Map<CellPoint, string[]>();
  const safety = (p: CellPoint): string[] => {
    if (!safetyOf.has(p)) {
      const reader = readers.get(p.stage)!;
      setLogitsReaderForTraining((req) => reader(req.prompt, req.contextTokens ?? 0));
      setDecisionKnobsForTraining(shippingKnobs(p));
      safetyOf.set(p, safetyFailures({ calibration: false }));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      console.log(`safety of ${p.label}: ${safetyOf.get(p)!.length ? safetyOf.get(p)!.join('; ') : 'pass'}`);
    }
    return safetyOf.get(p)!;
  };
  const inGrid = points.filter((p) => balancedPenalties.includes(p.penalty));
  for (const p of inGrid) {
    const fails = broken(p, rule25);
    console.log(`${p.label}: objective ${pct(objective(p, rule25))} (all independent ${pct(objective(p, rule23Reading))}; ${generalShares(p)}) · pooled FD ${pct(p.all.falseDowngradeRate)} · worst languages ${worstLanguages(p)} · flagged cells ${flaggedCells(p, rule25).length}${fails.length ? ` · breaks ${fails.slice(0, 4).join(', ')}${fails.length > 4 ? ` (+${fails.length - 4})` : ''}` : ''}`);
  }
  console.log(`\nlimits (rule a): pooled <= ${pct(foldLimits14.pooled)}, each language <= ${pct(foldLimits14.perLanguage)}, safety.ts on the all-rows model; each general-assistant author (${rule25.general.join(', ')}) < ${pct(generalAssistantLimit)} over all its rows; each other independent author <= ${pct(foldLimits14.perAuthor)} and each of its language cells of >= ${foldLimits14.minCellRows} rows: Wilson lower bound (z ${foldLimits14.cellZ}) <= ${pct(foldLimits14.perCell)}`);
  console.log(`objective (rule b): mean share of the oracle's saving over the independent authors other than ${rule25.general.join(', ')}`);

  /** Rules c (and e's reading): the best admissible point per model, then the choice in the rule's order. */
  const choose = (reading: Reading, verbose: boolean): { chosen?: CellPoint; how: string; shipped?: CellPoint; shippedAdmissible: boolean } => {
    const bestOf = new Map<Stage, CellPoint | undefined>();
    for (const stage of stages) {
      const ranked = inGrid.filter((p) => p.stage === stage).sort((x, y) => objective(y, reading) - objective(x, reading));
      const admissibleByFolds = ranked.filter((p) => meetsLimits(p, reading));
      if (verbose) {
        console.log(`\n## stage ${stage}`);
        console.log(`best points within all limits: ${admissibleByFolds.slice(0, 6).map((p) => `${shortLabel(p)}: ${pct(objective(p, reading))} (pooled ${pct(p.all.falseDowngradeRate)}, ${generalShares(p)}, worst languages ${worstLanguages(p)})`).join('; ') || 'none'}`);
        for (const scale of scales) {
          const best = admissibleByFolds.filter((p) => p.scale === scale)[0];
          console.log(`  best within all limits at large x${scale}: ${best ? `${shortLabel(best)} ${pct(objective(best, reading))} (pooled ${pct(best.all.falseDowngradeRate)}; ${generalShares(best)}; ${upward(best, labelTiers, indep)})` : 'none'}`);
        }
      }
      let best: CellPoint | undefined;
      for (const p of admissibleByFolds) if (!safety(p).length) { best = p; break; }
      bestOf.set(stage, best);
      console.log(`[${reading.name}] best admissible (stage ${stage}): ${best ? `${best.label} · objective ${pct(objective(best, reading))} pooled FD ${pct(best.all.falseDowngradeRate)} · ${generalShares(best)}` : 'none'}`);
    }
    // The kept setting (main's) if admissible and within 0.5 point of the best admissible point of the four models; else the
    // plain model's best admissible point, replaced by `scale`'s, then `langscale`'s, then `kindscale`'s, each if more than
    // 0.5 point above the choice so far.
    let chosen = bestOf.get('none');
    let how = chosen ? 'plain model, the best admissible point' : '';
    for (const stage of ['scale', 'langscale', 'kindscale'] as Stage[]) {
      const stageBest = bestOf.get(stage);
      if (stageBest && (!chosen || objective(stageBest, reading) > objective(chosen, reading) + margin)) { chosen = stageBest; how = `stage ${stage}: best admissible point, more than 0.5 point above the choice before it`; }
    }
    const shipped = inGrid.find(isKept);
    const shippedAdmissible = !!shipped && meetsLimits(shipped, reading) && safety(shipped).length === 0;
    const bestAll = [...bestOf.values()].filter((p): p is CellPoint => !!p).sort((x, y) => objective(y, reading) - objective(x, reading))[0];
    if (!shipped) console.log(`[${reading.name}] kept setting (main's: ${keptText}): not in the grid, not kept`);
    else console.log(`[${reading.name}] kept setting (main's: ${shortLabel(shipped)}): objective ${pct(objective(shipped, reading))}, pooled FD ${pct(shipped.all.falseDowngradeRate)}, ${generalShares(shipped)}${shippedAdmissible ? ', admissible' : `, not admissible (${[...broken(shipped, reading), ...safety(shipped)].join(', ')})`}`);
    if (shipped && shippedAdmissible && (!bestAll || objective(shipped, reading) >= objective(bestAll, reading) - margin)) { chosen = shipped; how = 'the kept setting (main\'s when the tier part started), within 0.5 point of the best admissible point'; }
    if (!chosen) {
      // Nothing admissible: the plain point with the fewest flagged cells within the other limits that passes safety.
      const withinOthers = (p: CellPoint): boolean => broken(p, reading).every((b) => b.startsWith('cell '));
      const fallback = inGrid.filter((p) => p.stage === 'none' && withinOthers(p)).sort((x, y) => flaggedCells(x, reading).length - flaggedCells(y, reading).length || objective(y, reading) - objective(x, reading));
      const pick = fallback.find((p) => !safety(p).length);
      if (pick) { chosen = pick; how = `nothing admissible: fewest flagged cells (${flaggedCells(pick, reading).length}) within the other limits`; }
    }
    return { chosen, how, shipped, shippedAdmissible };
  };

  // Rule e first (analysis only, chooses nothing), so the rule's own choice is the last thing printed.
  console.log(`\n# rule e (analysis only, chooses nothing): ${rule23Reading.name}, ${rule25.general.join(', ')} under the 4% and cell limits, the objective over all independent authors`);
  const e = choose(rule23Reading, false);
  if (e.chosen) console.log(`RULE 23's LIMITS AND OBJECTIVE would choose: ${e.chosen.label} [${e.how}] · all-independent objective ${pct(objective(e.chosen, rule23Reading))}, without ${rule25.general.join(', ')} ${pct(objective(e.chosen, rule25))}, pooled FD ${pct(e.chosen.all.falseDowngradeRate)}, ${generalShares(e.chosen)}; ${upward(e.chosen, labelTiers, indep)}`);
  else console.log("RULE 23's LIMITS AND OBJECTIVE: nothing admissible");

  console.log(`\n# ${rule25.name}`);
  const { chosen, how, shipped } = choose(rule25, true);
  if (shipped) console.log(`  kept setting: ${upward(shipped, labelTiers, indep)}; by language: ${byLanguageText(shipped)}`);
  if (!chosen) { console.log(`${rule25.name}: nothing admissible and nothing within the other limits passes safety — main's setting stays`); return; }
  const c = chosen;
  const same = points.filter((p) => p.stage === c.stage && p.floor === c.floor && p.scale === c.scale && p.cap === c.cap);
  const { conservative, aggressive } = rule4(c);
  console.log(`rule 4 penalties (pooled FD): ${same.map((p) => `${p.penalty} ${pct(p.all.falseDowngradeRate)}`).join(', ')}`);
  console.log(`\n${rule25.name} (tier): ${c.label} [${how}]; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
  if (c.stage !== 'none') console.log(`  ship the stage: train.ts --stack=${join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`)}`);
  console.log(`objective (without ${rule25.general.join(', ')}) ${pct(objective(c, rule25))}, all independent ${pct(objective(c, rule23Reading))}; ${generalShares(c)}; pooled FD ${pct(c.all.falseDowngradeRate)} (${c.all.falseDowngrades}), pooled share ${pct(c.all.shareOfOracle)}; safety ${safety(c).length ? 'FAIL' : 'pass'}; ${upward(c, labelTiers, indep)}`);
  console.log(`  by language: ${byLanguageText(c)}`);
  for (const l of [...new Set(langOf)].sort()) console.log(`  upward advice, ${l}: ${upward(c, labelTiers, indep.map((x, i) => x && langOf[i] === l))}`);
  // By the label's kind group (general: question, docs, other), for the chosen and the kept setting.
  const general = rows.map((r) => r.kind === 'question' || r.kind === 'docs' || r.kind === 'other');
  for (const [name, p] of [['chosen', c], ...(shipped ? [['kept setting', shipped] as const] : [])] as const) console.log(`  upward advice by label kind group, ${name}: general ${upward(p, labelTiers, indep.map((x, i) => x && general[i]))}; coding ${upward(p, labelTiers, indep.map((x, i) => x && !general[i]))}`);
  console.log(scoreTable('language', scoreByLanguage(tierRows, c.verdicts.map((tier) => ({ tier })))));
  console.log(`  flagged cells (rule a): ${flaggedCells(c, rule25).join(', ') || 'none'}; under rule 23's reading: ${flaggedCells(c, rule23Reading).join(', ') || 'none'}`);
  const shares = [...c.per].filter(([a]) => isIndependent(a) && !rule25.general.includes(a)).map(([, s]) => s.shareOfOracle).sort((x, y) => x - y);
  console.log(`  shares of the independent authors other than ${rule25.general.join(', ')}: min ${pct(shares[0])}, median ${pct(shares[Math.floor(shares.length / 2)])}, max ${pct(shares[shares.length - 1])}`);
  for (const [a, s] of c.per) console.log(`  ${a}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, acc ${pct(s.accuracy)}`);
  const worstCells = [...c.cells].filter(([, s]) => s.count >= foldLimits14.minCellRows).sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 12);
  console.log(`  highest cells (>= ${foldLimits14.minCellRows} rows): ${worstCells.map(([k, s]) => `${k.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count}`).join(', ')}`);
  const lower = same.filter((p) => balancedPenalties.includes(p.penalty) && p.penalty < c.penalty).sort((x, y) => y.penalty - x.penalty)[0];
  if (lower) console.log(`binding: ${shortLabel(lower)} ${broken(lower, rule25).length ? `breaks ${broken(lower, rule25).join(', ')}` : `meets the fold limits (safety ${safety(lower).length ? 'fails' : 'passes'}, objective ${pct(objective(lower, rule25))})`}`);
  const knobs = shippingKnobs(c);
  console.log(`\nknobs: ${JSON.stringify(knobs)}`);
  // The tier as it ships, for the kind part's safety check (cvRule19.ts reads this file; written last).
  const stackFile = c.stage === 'none' ? undefined : join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`);
  if (!dropped.length) writeFileSync(join(cacheDir, `tierchoice-${rows.length}.json`), JSON.stringify({ stage: c.stage, stackFile, knobs }));
  else console.log(`(analysis without ${dropped.join(', ')}: nothing written)`);
}

/**
 * Applies this rule under a round's name with that round's heads (`defaultCache` unless `--cache`) and general-assistant
 * list (`general`: held to rule a's 5% over all their rows and left out of the objective; limits, objective and printing
 * all read it): session 21c's rule (cvRule26.ts) is this one on other rows, session 22's (cvRule27.ts) with two more
 * general-assistant authors, so they run this code rather than a copy of it.
 */
export function runRule(name: string, defaultCache: string, general: readonly string[] = generalAssistantAuthors): void {
  rule25 = { name, general };
  cacheDir = arg('cache') ?? defaultCache;
  const part = arg('part') ?? 'all';
  if (part === 'tier' || part === 'all') tierPart();
  if (part === 'kind' || part === 'all') console.log(`kept kind setting (rule c, main's now): weight ${keptKind.weight}, extra rules ${keptKind.extra}, ${keptKind.stage}`);
  if (part === 'kind' || part === 'all') kindPart(keptKind, name);
}

if (require.main === module) runRule('SESSION 21b RULE', '/tmp/t16r25cache');
