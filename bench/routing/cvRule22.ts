// Session 20 rule (cvRule.ts "SESSION 20 RULE", committed before any fold figure on this round's tuning rows was computed
// and before authors AE and AF were read; the twenty-second held-out set stays unread). Session 19's rule (cvRule21.ts)
// with these changes. Tier: every author is read by a tier head trained this round without it — the authors present
// when this round's group heads start (sorted by name) dealt in turn into 8 groups (trainKindGroups.ts `dealAuthors`,
// `--heads=tier --groups=8`); authors imported after the heads started are dealt in turn into the same 8 groups, sorted
// by name, after them. Three models: plain, `scale`, and (new) `langscale` (stackStage.ts: each tier logit rescaled and
// shifted by the request's language as requestLanguage.ts reads it), both stages by two-level cross-validation over
// the same groups. Grid, limits and objective as session 19's; session 19's setting (`scale`, caution off, floor 0, large
// x4, balanced 3, cap 0.15) kept if admissible and within 0.5 point of the best admissible point; else the plain model's
// best admissible point, replaced by `scale`'s if more than 0.5 point above it, then by `langscale`'s if more than 0.5
// point above the choice so far. Upward advice printed per language. Kind: cvRule19.ts `kindPart` reading this round's
// three kind group heads (retrained, dealt the same way) with session 19's kind setting (weight 1, extra rules,
// `langbias`) as the one kept; the tier read exactly as shipped (tierchoice-<rows>.json).
// Rule 0b: a tier group whose head is not in the cache when the tier part starts (02:40 UTC at the latest) has its
// authors read by an earlier head that never saw them: t16r21's group head that held the author out (38,669 rows);
// dataAC and dataAD by the t16r21 group head of the group session 19 dealt them into (G0, G1; trained without them);
// heldout21, dataAE and dataAF by t16r21's all-rows head (40,721 rows). If this round's three kind group heads are not
// all in the cache when the kind part starts (02:55 UTC at the latest), t16r21's three (38,669 rows) read every author,
// the authors none of them saw dealt in turn (`--kind-groups=/tmp/t16r21cache`).
// Correction (01:49 UTC, after the first run; cvRule.ts "SESSION 20 RULE"): safety.ts reads each candidate with the
// conservative and aggressive penalties rule 4 gives it (they ship with it), not session 19's.
// Run: npx tsx bench/routing/cvRule22.ts [--part=tier|kind|all] --cache=DIR --kind-groups=DIR [--old-cache=DIR] [--drop-authors=A,B]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
import { dealAuthors, tierHead } from './trainKindGroups';
import { detectLanguage, pct, scoreByGroup, scoreByLanguage, scoreSet, scoreTable, type SetScore } from './score';
import { applyStack, fitStack, stackInputs, type Stack } from './stack';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16r22cache';
/** Rule 0b: t16r21's cache (8 tier group heads on 38,669 rows, the all-rows tier head on 40,721). */
const oldCache21 = arg('old-cache') ?? '/tmp/t16r21cache';
const oldGroupRows = 38669;
const oldAllRows = 40721;
/** The authors session 19 dealt into its groups after its heads started (read by that group's head, trained without them). */
const oldNewcomerGroup = new Map([['dataAC', 0], ['dataAD', 1]]);
const groupCount = 8;
const margin = 0.005;
/** The tier setting shipped when this rule was written (session 19). */
const session19 = { stage: 'scale' as const, floor: 0, scale: 4, penalty: 3, cap: 0.15 };
/** The kind setting shipped when this rule was written (session 19 = session 18). */
const session19Kind = { weight: 1, extra: true, stage: 'langbias' as const };
const floors = [0, 0.35];
const scales = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const caps = [1, 0.25, 0.15];
const balancedPenalties = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48];
const rule4Penalties = [...balancedPenalties, 64, 96];
type Stage = 'none' | 'scale' | 'langscale';
const stages: Stage[] = ['none', 'scale', 'langscale'];

interface CellPoint extends Point { cap: number; stage: Stage; byLanguage: Map<string, SetScore>; cells: Map<string, SetScore> }

const headPath = (dir: string, author: string, rowCount: number): string => join(dir, `${tierHead.name}-tier-${tierHead.lambda}-300-${author}-${rowCount}.f32`);
const knobs18 = (p: { floor: number; scale: number; penalty: number; cap: number }): DecisionKnobs => ({ ...knobsOf(p.floor, p.scale, p.penalty), smallMaxRisk: p.cap });
const isShipped19 = (p: CellPoint): boolean => p.stage === session19.stage && p.floor === session19.floor && p.scale === session19.scale && p.penalty === session19.penalty && p.cap === session19.cap;
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

interface GroupMeta { group: number; rows: number; heldOut: string[]; trainedOn: string[] }
const tierGroupPattern = new RegExp(`^${tierHead.name}-tier-${tierHead.lambda}-300-G(\\d+)of${groupCount}-(\\d+)\\.json$`);
/** The tier group heads' sidecars in `dir` (written after the weights), with their weight files. */
const groupMetas = (dir: string): (GroupMeta & { file: string })[] => (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => tierGroupPattern.test(f))
  .map((f) => ({ file: join(dir, f.replace(/\.json$/, '.f32')), ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as GroupMeta) }));
const complete = (file: string): boolean => existsSync(file) && statSync(file).size === 2 * (variants[tierHead.name].buckets + denseFeatureNames.length) * 4;

/**
 * The groups: the authors this round's group heads were dealt from (sorted, in turn into 8 groups), then the authors
 * imported after those heads started, dealt in turn after them. Each author is read by its group's head of this round if
 * it is in the cache, else (rule 0b) by t16r21's group head that held it out (or, for dataAC and dataAD, the one session 19
 * dealt it into), else t16r21's all-rows head.
 */
export function groupReaders(authors: readonly string[]): { groupOf: Map<string, number>; weightsOf: Map<string, Float32Array>; missing: string[] } {
  const metas = groupMetas(cacheDir);
  const rowCount = Math.max(0, ...metas.map((m) => m.rows));
  const mine = new Map(metas.filter((m) => m.rows === rowCount && complete(m.file)).map((m) => [m.group, m] as const));
  const dealtFrom = mine.size ? [...new Set([...mine.values()].flatMap((m) => [...m.heldOut, ...m.trainedOn]))].sort() : [...authors];
  const groups = dealAuthors(dealtFrom.filter((a) => authors.includes(a)), groupCount);
  const newcomers = dealAuthors(authors.filter((a) => !dealtFrom.includes(a)), groupCount);
  for (const [g, m] of mine) if (m.heldOut.join() !== dealAuthors(dealtFrom, groupCount)[g].join()) throw new Error(`G${g}: holds out ${m.heldOut.join(' ')}, not the deal`);
  const groupOf = new Map<string, number>();
  groups.forEach((list, g) => [...list, ...newcomers[g]].forEach((a) => groupOf.set(a, g)));
  const oldMetas = groupMetas(oldCache21).filter((m) => m.rows === oldGroupRows);
  const old = new Map(oldMetas.flatMap((m) => m.heldOut.map((a) => [a, m.file] as const)));
  for (const [a, g] of oldNewcomerGroup) { const m = oldMetas.find((x) => x.group === g); if (m && !m.trainedOn.includes(a)) old.set(a, m.file); }
  const weightsOf = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (let g = 0; g < groupCount; g++) {
    const head = mine.get(g);
    const w = head ? load(head.file) : undefined;
    const list = authors.filter((a) => groupOf.get(a) === g);
    const by: string[] = [];
    for (const a of list) {
      if (head?.trainedOn.includes(a)) throw new Error(`${a} would be read by a tier head trained on it`);
      const file = w ? head!.file : old.get(a) ?? headPath(oldCache21, 'ALL', oldAllRows);
      const weights = w ?? load(file);
      if (!weights) { missing.push(a); continue; }
      weightsOf.set(a, weights);
      by.push(w ? a : `${a} (${file.split('/').pop()})`);
    }
    console.log(`group G${g}: ${by.join(' ')} — read by ${head ? `this round's group head (trained on ${head.trainedOn.length} authors of ${rowCount} rows, without G${g}${newcomers[g].length ? `; ${newcomers[g].join(' ')} imported after it started` : ''})` : 'earlier heads (rule 0b), named per author'}`);
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
  console.log(`${rows.length} rows, ${authors.length} authors: ${authors.map((a) => `${a} ${rows.filter((r) => authorOf(r) === a).length}`).join(', ')}`);
  const v = variants[tierHead.name];
  const { groupOf, weightsOf, missing } = groupReaders(authors);
  const fullTier = load(headPath(cacheDir, 'ALL', allRows.length));
  if (missing.length || !fullTier) {
    console.log(`not trained: ${missing.join(', ')}${fullTier ? '' : ' all-rows tier head'} — the rule cannot run`);
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
      const inputs = rows.map((r, i) => stackInputs(stage, plainOof[i], zeros, ruleScores[i], r));
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
      const z = fullStage ? applyStack(fullStage, stackInputs(stage as Exclude<Stage, 'none'>, l, zeros, scoreTaskKinds(prompt), { prompt, contextTokens: ctx })) : l;
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
    const fails = broken(p);
    console.log(`${p.label}: mean-indep share ${pct(tierObjective(p))} · pooled FD ${pct(p.all.falseDowngradeRate)} · worst languages ${worstLanguages(p)} · flagged cells ${flaggedCells(p).length}${fails.length ? ` · breaks ${fails.slice(0, 4).join(', ')}${fails.length > 4 ? ` (+${fails.length - 4})` : ''}` : ''}`);
  }
  console.log(`\nlimits (session 14b's, kept): pooled <= ${pct(foldLimits14.pooled)}, each independent author <= ${pct(foldLimits14.perAuthor)}, each language <= ${pct(foldLimits14.perLanguage)}, each independent author x language cell of >= ${foldLimits14.minCellRows} rows: Wilson lower bound (z ${foldLimits14.cellZ}) <= ${pct(foldLimits14.perCell)}; safety.ts on the all-rows model`);
  const bestOf = new Map<Stage, CellPoint | undefined>();
  for (const stage of stages) {
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
  // Choice: session 19's setting if admissible and within 0.5 point of the best admissible point of the three models;
  // else the plain model's best admissible point, replaced by `scale`'s if that is more than 0.5 point above it, then by
  // `langscale`'s if that is more than 0.5 point above the choice so far.
  let chosen = bestOf.get('none');
  let how = chosen ? 'plain model, the best admissible point' : '';
  for (const stage of ['scale', 'langscale'] as Stage[]) {
    const stageBest = bestOf.get(stage);
    if (stageBest && (!chosen || tierObjective(stageBest) > tierObjective(chosen) + margin)) { chosen = stageBest; how = `stage ${stage}: best admissible point, more than 0.5 point above the choice before it`; }
  }
  const shipped = inGrid.find(isShipped19)!;
  const shippedAdmissible = meetsLimits(shipped) && safety(shipped).length === 0;
  const bestAll = [...bestOf.values()].filter((p): p is CellPoint => !!p).sort((x, y) => tierObjective(y) - tierObjective(x))[0];
  console.log(`\nsession 19 setting (${shortLabel(shipped)}): mean-indep ${pct(tierObjective(shipped))}, pooled FD ${pct(shipped.all.falseDowngradeRate)}${shippedAdmissible ? ', admissible' : `, not admissible (${[...broken(shipped), ...safety(shipped)].join(', ')})`}; ${upward(shipped, labelTiers, indep)}`);
  console.log(`  by language: ${byLanguageText(shipped)}`);
  for (const l of ['ru', 'ja', 'zh']) console.log(`  upward advice, ${l}: ${upward(shipped, labelTiers, indep.map((x, i) => x && langOf[i] === l))}`);
  for (const [stage, p] of bestOf) if (p) console.log(`best admissible (stage ${stage}) upward advice: ${['ru', 'ja', 'zh'].map((l) => `${l}: ${upward(p, labelTiers, indep.map((x, i) => x && langOf[i] === l))}`).join('; ')}`);
  if (shippedAdmissible && (!bestAll || tierObjective(shipped) >= tierObjective(bestAll) - margin)) { chosen = shipped; how = 'the shipped setting (session 19), within 0.5 point of the best admissible point'; }
  if (!chosen) {
    const fallback = inGrid.filter((p) => p.stage === 'none').filter(meetsFoldLimits13b).sort((x, y) => flaggedCells(x).length - flaggedCells(y).length || tierObjective(y) - tierObjective(x));
    const pick = fallback.find((p) => !safety(p).length);
    if (!pick) { console.log('SESSION 20 RULE: nothing admissible and nothing within session 13b\'s limits passes safety — the session 19 setting stays'); return; }
    chosen = pick;
    how = `nothing admissible: fewest flagged cells (${flaggedCells(pick).length}) within session 13b's limits`;
  }
  const c = chosen;
  const same = points.filter((p) => p.stage === c.stage && p.floor === c.floor && p.scale === c.scale && p.cap === c.cap);
  const { conservative, aggressive } = rule4(c);
  console.log(`rule 4 penalties (pooled FD): ${same.map((p) => `${p.penalty} ${pct(p.all.falseDowngradeRate)}`).join(', ')}`);
  console.log(`\nSESSION 20 RULE (tier): ${c.label} [${how}]; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
  if (c.stage !== 'none') console.log(`  ship the stage: train.ts --stack=${join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`)}`);
  console.log(`mean-indep share ${pct(tierObjective(c))}, pooled FD ${pct(c.all.falseDowngradeRate)} (${c.all.falseDowngrades}), pooled share ${pct(c.all.shareOfOracle)}; safety ${safety(c).length ? 'FAIL' : 'pass'}; ${upward(c, labelTiers, indep)}`);
  console.log(`  by language: ${byLanguageText(c)}`);
  for (const l of [...new Set(langOf)].sort()) console.log(`  upward advice, ${l}: ${upward(c, labelTiers, indep.map((x, i) => x && langOf[i] === l))}`);
  console.log(scoreTable('language', scoreByLanguage(tierRows, c.verdicts.map((tier) => ({ tier })))));
  console.log(`  flagged cells: ${flaggedCells(c).join(', ') || 'none'}`);
  const shares = [...c.per].filter(([a]) => isIndependent(a)).map(([, s]) => s.shareOfOracle).sort((x, y) => x - y);
  console.log(`  independent authors' share: min ${pct(shares[0])}, median ${pct(shares[Math.floor(shares.length / 2)])}, max ${pct(shares[shares.length - 1])}`);
  for (const [a, s] of c.per) console.log(`  ${a}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, acc ${pct(s.accuracy)}`);
  const worstCells = [...c.cells].filter(([, s]) => s.count >= foldLimits14.minCellRows).sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 12);
  console.log(`  highest cells (>= ${foldLimits14.minCellRows} rows): ${worstCells.map(([k, s]) => `${k.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count}`).join(', ')}`);
  const lower = same.filter((p) => balancedPenalties.includes(p.penalty) && p.penalty < c.penalty).sort((x, y) => y.penalty - x.penalty)[0];
  if (lower) console.log(`binding: ${shortLabel(lower)} ${broken(lower).length ? `breaks ${broken(lower).join(', ')}` : `meets the fold limits (safety ${safety(lower).length ? 'fails' : 'passes'}, mean-indep ${pct(tierObjective(lower))})`}`);
  const knobs = shippingKnobs(c);
  console.log(`\nknobs: ${JSON.stringify(knobs)}`);
  // The tier as it ships, for the kind part's safety check (cvRule19.ts reads this file; written last).
  const stackFile = c.stage === 'none' ? undefined : join(cacheDir, `stack-${tierHead.name}-${tierHead.lambda}-${c.stage}-${rows.length}.json`);
  if (!dropped.length) writeFileSync(join(cacheDir, `tierchoice-${rows.length}.json`), JSON.stringify({ stage: c.stage, stackFile, knobs }));
  else console.log(`(analysis without ${dropped.join(', ')}: nothing written)`);
}

function main(): void {
  const part = arg('part') ?? 'all';
  if (part === 'tier' || part === 'all') tierPart();
  if (part === 'kind' || part === 'all') kindPart(session19Kind, 'SESSION 20 RULE');
}

if (require.main === module) main();
