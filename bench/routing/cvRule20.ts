// Session 18 rule (cvRule.ts "SESSION 18 RULE", committed before any fold figure on this round's tuning rows was computed
// and before authors AA and AB were read; the twentieth held-out set stays unread). Session 17's rule (cvRule19.ts) with
// these changes. Tier: every author is read by a tier head trained this round without it — a grouped cross-validation
// (the authors present, sorted by name, dealt in turn into 8 groups by trainKindGroups.ts `dealAuthors`; group g read by
// the head trained on the other seven groups' rows, trainKindGroups.ts `--heads=tier --groups=8`); the `scale` stage's
// two-level cross-validation by the same groups. Models: plain and `scale` (the `stack` stage, never chosen in sessions
// 15-17, is left out: its fit and grid took 15 of session 17's 20 minutes). Grid: session 17's plus large-tier weights
// x0.5 and x0.75 (named for the medium -> large advice; the formula takes any weight, no shipping code changes). Limits
// and objective unchanged; session 17's setting (`scale`, caution off, floor 0, large x1.25, balanced 8, no cap) kept if
// admissible and within 0.5 point of the best admissible point. Kind: session 17's rule d (cvRule19.ts `kindPart`) with
// session 17's setting (weight 1, extra rules, `langbias`) as the one kept.
// Rule 0b (deadline 21:27 UTC): a group whose head is not in the cache when the rule starts has its authors read by an
// earlier head that never saw them: t16r19's fold head (35,472 rows) for heldout17, heldout18, dataA, dataB, dataW-dataZ;
// t16r17's fold head (29,976 rows) for the other authors of session 15; t16r19's all-rows head (35,472 rows) for
// heldout19, dataAA and dataAB. The stage's two-level cross-validation keeps the 8 groups either way.
// Run: npx tsx bench/routing/cvRule20.ts [--part=tier|kind|all] --cache=DIR --kind-groups=DIR [--old-cache=DIR] [--old-cache2=DIR]
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest, type Tier } from '../../src/core/router';
import { setDecisionKnobsForTraining, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { denseFeatureNames, modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { scoreTaskKinds } from '../../src/core/routing/kindRules';
import { foldLimits14, isIndependent, meetsFoldLimits13b, tierObjective, wilsonLower } from './cvRule';
import { authorOf, kindHead, knobsOf, load, priceOfRow, type Point } from './cvRule13';
import { decide16 } from './cvRule16';
import { kindPart } from './cvRule19';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { dealAuthors, tierGroupFile, tierHead } from './trainKindGroups';
import { detectLanguage, pct, scoreByGroup, scoreByLanguage, scoreSet, scoreTable, type SetScore } from './score';
import { applyStack, fitStack, stackInputs, type Stack } from './stack';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16r20cache';
/** Rule 0b: t16r19's cache (fold heads of 8 authors and the all-rows head on 35,472 rows) and t16r17's (fold heads on 29,976). */
const oldCache19 = arg('old-cache') ?? '/tmp/t16r19cache';
const oldCache17 = arg('old-cache2') ?? '/tmp/t16r17cache';
const groupCount = 8;
const margin = 0.005;
/** The tier setting shipped when this rule was written (session 17). */
const session17 = { stage: 'scale' as const, floor: 0, scale: 1.25, penalty: 8, cap: 1 };
/** The kind setting shipped when this rule was written (session 17). */
const session17Kind = { weight: 1, extra: true, stage: 'langbias' as const };
/** Session 17's authors new to tuning then (t16r17 never read them) and this round's. */
const readBy19Fold = new Set(['heldout17', 'heldout18', 'dataA', 'dataB', 'dataW', 'dataX', 'dataY', 'dataZ']);
const readBy19All = new Set(['heldout19', 'dataAA', 'dataAB']);
const floors = [0, 0.35];
const scales = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const caps = [1, 0.25, 0.15];
const balancedPenalties = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48];
const rule4Penalties = [...balancedPenalties, 64, 96];
type Stage = 'none' | 'scale';

interface CellPoint extends Point { cap: number; stage: Stage; byLanguage: Map<string, SetScore>; cells: Map<string, SetScore> }

const headPath = (dir: string, author: string, rowCount: number): string => join(dir, `${tierHead.name}-tier-${tierHead.lambda}-300-${author}-${rowCount}.f32`);
const knobs18 = (p: { floor: number; scale: number; penalty: number; cap: number }): DecisionKnobs => ({ ...knobsOf(p.floor, p.scale, p.penalty), smallMaxRisk: p.cap });
const isShipped17 = (p: CellPoint): boolean => p.stage === session17.stage && p.floor === session17.floor && p.scale === session17.scale && p.penalty === session17.penalty && p.cap === session17.cap;
const shortLabel = (p: CellPoint): string => `${p.stage === 'none' ? '' : `[${p.stage}] `}floor ${p.floor} x${p.scale} ${p.penalty}${p.cap < 1 ? ` cap ${p.cap}` : ''}`;
const worstLanguages = (p: CellPoint): string =>
  [...p.byLanguage].sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 3).map(([l, s]) => `${l} ${pct(s.falseDowngradeRate)}`).join(' ');
const byLanguageText = (p: CellPoint): string => [...p.byLanguage].map(([l, s]) => `${l} ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}/${s.count})`).join(', ');

function flaggedCells(p: CellPoint): string[] {
  const out: string[] = [];
  for (const [key, s] of p.cells) {
    if (s.count < foldLimits14.minCellRows) continue;
    const lower = wilsonLower(s.falseDowngrades, s.count, foldLimits14.cellZ);
    if (lower > foldLimits14.perCell) out.push(`${key.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count} (lower ${pct(lower)})`);
  }
  return out;
}

function broken(p: CellPoint): string[] {
  const out: string[] = [];
  if (p.all.falseDowngradeRate > foldLimits14.pooled) out.push(`pooled ${pct(p.all.falseDowngradeRate)}`);
  for (const [a, s] of p.per) if (isIndependent(a) && s.falseDowngradeRate > foldLimits14.perAuthor) out.push(`${a} ${pct(s.falseDowngradeRate)}`);
  for (const [l, s] of p.byLanguage) if (s.falseDowngradeRate > foldLimits14.perLanguage) out.push(`${l} ${pct(s.falseDowngradeRate)}`);
  for (const c of flaggedCells(p)) out.push(`cell ${c}`);
  return out;
}

const meetsLimits = (p: CellPoint): boolean => meetsFoldLimits13b(p) && flaggedCells(p).length === 0;

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

/** The group head of group g on `rowCount` rows, if its sidecar (written after the weights) says it holds out `heldOut`. */
function groupHead(g: number, rowCount: number, heldOut: readonly string[]): Float32Array | undefined {
  const file = tierGroupFile(cacheDir, g, groupCount, rowCount);
  if (!existsSync(`${file}.json`)) return undefined;
  const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { heldOut: string[]; rows: number };
  if (meta.rows !== rowCount || meta.heldOut.join() !== heldOut.join()) throw new Error(`${file}: holds out ${meta.heldOut.join(' ')}, expected ${heldOut.join(' ')}`);
  const floats = 2 * (variants[tierHead.name].buckets + denseFeatureNames.length);
  if (statSync(`${file}.f32`).size !== floats * 4) throw new Error(`${file}.f32: incomplete`);
  return load(`${file}.f32`);
}

function tierPart(): void {
  const rows = loadTuningRows();
  const authors = [...new Set(rows.map(authorOf))].sort();
  console.log(`${rows.length} rows, ${authors.length} authors: ${authors.map((a) => `${a} ${rows.filter((r) => authorOf(r) === a).length}`).join(', ')}`);
  const v = variants[tierHead.name];
  const groups = dealAuthors(authors, groupCount);
  const groupOf = new Map<string, number>();
  groups.forEach((list, g) => list.forEach((a) => groupOf.set(a, g)));
  // Each author read by its group's head of this round, else (rule 0b) an earlier head that never saw it.
  const weightsOf = new Map<string, Float32Array>();
  const missing: string[] = [];
  groups.forEach((list, g) => {
    const head = groupHead(g, rows.length, list);
    for (const a of list) {
      const old = readBy19All.has(a) ? headPath(oldCache19, 'ALL', 35472) : readBy19Fold.has(a) ? headPath(oldCache19, a, 35472) : headPath(oldCache17, a, 29976);
      const w = head ?? load(old);
      if (!w) { missing.push(a); continue; }
      weightsOf.set(a, w);
    }
    console.log(`group G${g}: ${list.join(' ')} — read by ${head ? `this round's group head (${rows.length} rows, without G${g})` : 'earlier heads (rule 0b): each author\'s named above'}`);
  });
  const fullTier = load(headPath(cacheDir, 'ALL', rows.length));
  if (missing.length || !fullTier) {
    console.log(`not trained: ${missing.join(', ')}${fullTier ? '' : ' all-rows tier head'} — the rule cannot run`);
    process.exitCode = 1;
    return;
  }
  const kindFloats = K * (variants[kindHead.name].buckets + denseFeatureNames.length);
  const kindFile = join(cacheDir, `${kindHead.name}-kind-${kindHead.lambda}-300-ALL-${rows.length}.f32`);
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
  for (const stage of ['none', 'scale'] as Stage[]) {
    const t0 = Date.now();
    let oof = plainOof;
    let fullStage: Stack | undefined;
    if (stage !== 'none') {
      // Two-level cross-validation by the same groups: group g's out-of-fold logits through a stage fitted on the other groups' rows.
      const inputs = rows.map((r, i) => stackInputs(stage, plainOof[i], zeros, ruleScores[i], r));
      oof = rows.map(() => [0, 0]);
      for (let g = 0; g < groupCount; g++) {
        const others = rows.map((_, i) => i).filter((i) => groupOf.get(authorOf(rows[i])) !== g);
        const fit = fitStack(others.map((i) => inputs[i]), others.map((i) => rows[i]));
        rows.forEach((r, i) => { if (groupOf.get(authorOf(r)) === g) oof[i] = applyStack(fit, inputs[i]); });
      }
      fullStage = fitStack(inputs, rows);
      const file = join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${stage}-${rows.length}.json`);
      writeFileSync(file, JSON.stringify({ kind: stage, w0: [...fullStage.w0], w1: [...fullStage.w1] }));
      console.log(`stage ${stage}: fitted per group and on all rows in ${((Date.now() - t0) / 1000).toFixed(0)} s; all-rows stage (${[...fullStage.w0].map((x) => x.toFixed(3)).join(' ')} | ${[...fullStage.w1].map((x) => x.toFixed(3)).join(' ')}) in ${file}`);
    }
    readers.set(stage, (prompt, ctx) => {
      const l = fullTierLogits(prompt, ctx);
      const k = fullKindLogits(prompt, ctx);
      const z = fullStage ? applyStack(fullStage, stackInputs('scale', l, zeros, scoreTaskKinds(prompt), { prompt, contextTokens: ctx })) : l;
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
  const safetyOf = new Map<CellPoint, string[]>();
  const safety = (p: CellPoint): string[] => {
    if (!safetyOf.has(p)) {
      const reader = readers.get(p.stage)!;
      setLogitsReaderForTraining((req) => reader(req.prompt, req.contextTokens ?? 0));
      setDecisionKnobsForTraining(knobs18(p));
      safetyOf.set(p, safetyFailures({ calibration: false }));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      console.log(`safety of ${p.label}: ${safetyOf.get(p)!.length ? safetyOf.get(p)!.join('; ') : 'pass'}`);
    }
    return safetyOf.get(p)!;
  };
  const inGrid = points.filter((p) => balancedPenalties.includes(p.penalty));
  for (const p of inGrid) {
    const fails = broken(p);
    console.log(`${p.label}: mean-indep share ${pct(tierObjective(p))} · pooled FD ${pct(p.all.falseDowngradeRate)} · worst languages ${worstLanguages(p)} · flagged cells ${flaggedCells(p).length}${fails.length ? ` · breaks ${fails.slice(0, 4).join(', ')}${fails.length > 4 ? ` (+${fails.length - 4})` : ''}` : ''}`);
  }
  console.log(`\nlimits (session 14b's, kept): pooled <= ${pct(foldLimits14.pooled)}, each independent author <= ${pct(foldLimits14.perAuthor)}, each language <= ${pct(foldLimits14.perLanguage)}, each independent author x language cell of >= ${foldLimits14.minCellRows} rows: Wilson lower bound (z ${foldLimits14.cellZ}) <= ${pct(foldLimits14.perCell)}; safety.ts on the all-rows model`);
  const bestOf = new Map<Stage, CellPoint | undefined>();
  for (const stage of ['none', 'scale'] as Stage[]) {
    const ranked = inGrid.filter((p) => p.stage === stage).sort((x, y) => tierObjective(y) - tierObjective(x));
    console.log(`\n## stage ${stage}`);
    console.log(`best points within all limits: ${ranked.filter(meetsLimits).slice(0, 6).map((p) => `${shortLabel(p)}: ${pct(tierObjective(p))} (pooled ${pct(p.all.falseDowngradeRate)}, worst languages ${worstLanguages(p)})`).join('; ') || 'none'}`);
    for (const scale of scales) {
      const best = ranked.filter((p) => p.scale === scale && meetsLimits(p))[0];
      console.log(`  best within all limits at large x${scale}: ${best ? `${shortLabel(best)} ${pct(tierObjective(best))} (pooled ${pct(best.all.falseDowngradeRate)}; ${upward(best, labelTiers, indep)})` : 'none'}`);
    }
    let best: CellPoint | undefined;
    for (const p of ranked.filter(meetsLimits)) if (!safety(p).length) { best = p; break; }
    bestOf.set(stage, best);
    console.log(`best admissible (stage ${stage}): ${best ? `${best.label} · mean-indep ${pct(tierObjective(best))} pooled FD ${pct(best.all.falseDowngradeRate)}` : 'none'}`);
  }
  // Choice: session 17's setting if admissible and within 0.5 point of the best admissible point of both models; else
  // the plain model's best admissible point, replaced by the stage's only if that is more than 0.5 point above it.
  let chosen = bestOf.get('none');
  let how = chosen ? 'plain model, the best admissible point' : '';
  const stageBest = bestOf.get('scale');
  if (stageBest && (!chosen || tierObjective(stageBest) > tierObjective(chosen) + margin)) { chosen = stageBest; how = 'stage scale: best admissible point, more than 0.5 point above the plain model\'s choice'; }
  const shipped = inGrid.find(isShipped17)!;
  const shippedAdmissible = meetsLimits(shipped) && safety(shipped).length === 0;
  const bestAll = [...bestOf.values()].filter((p): p is CellPoint => !!p).sort((x, y) => tierObjective(y) - tierObjective(x))[0];
  console.log(`\nsession 17 setting (${shortLabel(shipped)}): mean-indep ${pct(tierObjective(shipped))}, pooled FD ${pct(shipped.all.falseDowngradeRate)}${shippedAdmissible ? ', admissible' : `, not admissible (${[...broken(shipped), ...safety(shipped)].join(', ')})`}; ${upward(shipped, labelTiers, indep)}`);
  console.log(`  by language: ${byLanguageText(shipped)}`);
  if (shippedAdmissible && (!bestAll || tierObjective(shipped) >= tierObjective(bestAll) - margin)) { chosen = shipped; how = 'the shipped setting (session 17), within 0.5 point of the best admissible point'; }
  if (!chosen) {
    const fallback = inGrid.filter((p) => p.stage === 'none').filter(meetsFoldLimits13b).sort((x, y) => flaggedCells(x).length - flaggedCells(y).length || tierObjective(y) - tierObjective(x));
    const pick = fallback.find((p) => !safety(p).length);
    if (!pick) { console.log('SESSION 18 RULE: nothing admissible and nothing within session 13b\'s limits passes safety — the session 17 setting stays'); return; }
    chosen = pick;
    how = `nothing admissible: fewest flagged cells (${flaggedCells(pick).length}) within session 13b's limits`;
  }
  const c = chosen;
  const same = points.filter((p) => p.stage === c.stage && p.floor === c.floor && p.scale === c.scale && p.cap === c.cap);
  const near = (target: number): CellPoint => [...same].sort((x, y) => Math.abs(x.all.falseDowngradeRate - target) - Math.abs(y.all.falseDowngradeRate - target) || y.penalty - x.penalty)[0];
  const conservative = near(c.all.falseDowngradeRate / 2);
  const aggressive = near(c.all.falseDowngradeRate * 2);
  console.log(`rule 4 penalties (pooled FD): ${same.map((p) => `${p.penalty} ${pct(p.all.falseDowngradeRate)}`).join(', ')}`);
  console.log(`\nSESSION 18 RULE (tier): ${c.label} [${how}]; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
  if (c.stage !== 'none') console.log(`  ship the stage: train.ts --stack=${join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`)}`);
  console.log(`mean-indep share ${pct(tierObjective(c))}, pooled FD ${pct(c.all.falseDowngradeRate)} (${c.all.falseDowngrades}), pooled share ${pct(c.all.shareOfOracle)}; safety ${safety(c).length ? 'FAIL' : 'pass'}; ${upward(c, labelTiers, indep)}`);
  console.log(`  by language: ${byLanguageText(c)}`);
  console.log(scoreTable('language', scoreByLanguage(tierRows, c.verdicts.map((tier) => ({ tier })))));
  console.log(`  flagged cells: ${flaggedCells(c).join(', ') || 'none'}`);
  const shares = [...c.per].filter(([a]) => isIndependent(a)).map(([, s]) => s.shareOfOracle).sort((x, y) => x - y);
  console.log(`  independent authors' share: min ${pct(shares[0])}, median ${pct(shares[Math.floor(shares.length / 2)])}, max ${pct(shares[shares.length - 1])}`);
  for (const [a, s] of c.per) console.log(`  ${a}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, acc ${pct(s.accuracy)}`);
  const worstCells = [...c.cells].filter(([, s]) => s.count >= foldLimits14.minCellRows).sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 12);
  console.log(`  highest cells (>= ${foldLimits14.minCellRows} rows): ${worstCells.map(([k, s]) => `${k.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count}`).join(', ')}`);
  const lower = same.filter((p) => balancedPenalties.includes(p.penalty) && p.penalty < c.penalty).sort((x, y) => y.penalty - x.penalty)[0];
  if (lower) console.log(`binding: ${shortLabel(lower)} ${broken(lower).length ? `breaks ${broken(lower).join(', ')}` : `meets the fold limits (safety ${safety(lower).length ? 'fails' : 'passes'}, mean-indep ${pct(tierObjective(lower))})`}`);
  const knobs = { ...knobs18(c), downgradePenalty: { conservative: conservative.penalty, balanced: c.penalty, aggressive: aggressive.penalty } };
  console.log(`\nknobs: ${JSON.stringify(knobs)}`);
  // The tier as it ships, for the kind part's safety check (cvRule19.ts reads this file; written last).
  const stackFile = c.stage === 'none' ? undefined : join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`);
  writeFileSync(join(cacheDir, `tierchoice-${rows.length}.json`), JSON.stringify({ stage: c.stage, stackFile, knobs }));
}

function main(): void {
  const part = arg('part') ?? 'all';
  if (part === 'tier' || part === 'all') tierPart();
  if (part === 'kind' || part === 'all') kindPart(session17Kind, 'SESSION 18 RULE');
}

if (require.main === module) main();
