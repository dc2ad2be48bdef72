// Session 17 rule (cvRule.ts "SESSION 17 RULE", committed before any fold figure on this round's tuning rows was computed
// and before authors Y and Z were read; the nineteenth held-out set stays unread). Session 16's rule (cvRule18.ts) with
// two changes. Tier: models, grid, limits and objective unchanged; the shipped setting is now session 16's (the same
// knobs as session 15: `scale` stage, caution off, floor 0, large x1, balanced 8, no cap), kept if admissible and within
// 0.5 point of the best admissible point. Kind (rule d): the same 36 variants, objective and admissibility, but the
// safety check reads the tier exactly as this round ships it — this round's all-rows tier head, the stage the tier part
// chose refitted on this round's out-of-fold logits, and the tier knobs it chose (session 16 read session 15's stage and
// knobs, so every kind variant failed a tier check). The tier part writes its choice to the cache
// (`tierchoice-<rows>.json`); the kind part's safety waits for it (the two parts may run in two processes).
// Kind group heads (trainKindGroups.ts, `--kind-groups=DIR`): this round's three, trained before Y and Z were imported, or
// if they are not all trained when the rule starts, session 16's three (30,560 rows); the authors the heads never saw are
// dealt in turn into the groups, as session 16 dealt W and X.
// Rule 0b (deadline): an author whose tier fold head on this round's rows is not in the cache when the rule runs (18:12 UTC
// at the latest) is scored by an earlier head that never saw it: t16r17's fold head on 29,976 rows (`--old-cache`); for
// heldout17, dataW and dataX (not tuning data then) t16r17's all-rows head; for heldout18, dataY and dataZ (not tuning
// data in session 16) t16r18's all-rows head on 32,742 rows (`--old-all2`; it was trained on one heldout18 prompt,
// eval.jsonl's tuning line 19, since removed from tuning).
// Run: npx tsx bench/routing/cvRule19.ts [--part=tier|kind|all] --cache=DIR --old-cache=DIR --old-all2=FILE [--kind-groups=DIR]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { denseFeatureNames, modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { kindRuleScores, scoreTaskKinds } from '../../src/core/routing/kindRules';
import { applyStack as applyShippedStack, stackInputs as shippedStackInputs, type StackWeights } from '../../src/core/routing/stackStage';
import { foldLimits14, isIndependent, meetsFoldLimits13b, tierObjective, wilsonLower } from './cvRule';
import { authorOf, kindHead, knobsOf, load, priceOfRow, scorePer, type Point } from './cvRule13';
import { decide16 } from './cvRule16';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { dealAuthors } from './trainKindGroups';
import { detectLanguage, pct, scoreByGroup, scoreByLanguage, scoreTable, type SetScore } from './score';
import { applyStack, fitStack, stackInputs, type Stack } from './stack';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16r19cache';
const oldCacheDir = arg('old-cache') ?? '/tmp/t16r17cache';
const oldRows = Number(arg('old-rows') ?? 29976);
/** t16r18's all-rows tier head (32,742 rows): it never saw heldout18, dataY or dataZ. */
const oldAll2 = arg('old-all2') ?? '/tmp/t16r18cache/len15-tier-3e-7-300-ALL-32742.f32';
const kindGroupsDir = arg('kind-groups') ?? cacheDir;
/** Ties within this much of the best mean share keep the shipped knobs; a stage must beat the plain model by more. */
const margin = 0.005;
/** The tier setting shipped when this rule was written (session 16 = session 15: `scale` stage, caution off, floor 0, large x1, balanced 8, no cap). */
const session16 = { stage: 'scale' as const, floor: 0, scale: 1, penalty: 8, cap: 1 };
/** Rule 0b: authors that were not tuning data in t16r17's round (read by its all-rows head) and in t16r18's (read by t16r18's). */
const newAuthors = new Set(['heldout17', 'dataW', 'dataX']);
const newAuthors2 = new Set(['heldout18', 'dataY', 'dataZ']);
// The 14b grid, unchanged.
const floors = [0, 0.35];
const scales = [1, 1.25, 1.5, 2, 3, 4];
const caps = [1, 0.25, 0.15];
const balancedPenalties = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48];
const rule4Penalties = [...balancedPenalties, 64, 96];
type Stage = 'none' | 'scale' | 'stack';

interface CellPoint extends Point { cap: number; stage: Stage; byLanguage: Map<string, SetScore>; cells: Map<string, SetScore> }

const loadedHeads = new Map<string, Float32Array>();
/** A head file once it is completely written (polls every 10 s; for a head still training in another process). */
function waitForHead(file: string, floats: number): Float32Array {
  if (loadedHeads.has(file)) return loadedHeads.get(file)!;
  let waited = false;
  while (!existsSync(file) || statSync(file).size !== floats * 4) {
    if (!waited) console.log(`waiting for ${file}`);
    waited = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
  loadedHeads.set(file, load(file)!);
  return loadedHeads.get(file)!;
}

const headPath = (dir: string, name: string, heads: 'tier' | 'kind', lambda: number, author: string, rowCount: number): string =>
  join(dir, `${name}-${heads}-${lambda}-300-${author}-${rowCount}.f32`);

const knobs17 = (p: { floor: number; scale: number; penalty: number; cap: number }): DecisionKnobs => ({ ...knobsOf(p.floor, p.scale, p.penalty), smallMaxRisk: p.cap });
const isShipped16 = (p: CellPoint): boolean => p.stage === session16.stage && p.floor === session16.floor && p.scale === session16.scale && p.penalty === session16.penalty && p.cap === session16.cap;
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

function tierPart(): void {
  const rows = loadTuningRows();
  const authors = [...new Set(rows.map(authorOf))].sort();
  console.log(`${rows.length} rows, ${authors.length} authors: ${authors.map((a) => `${a} ${rows.filter((r) => authorOf(r) === a).length}`).join(', ')}`);
  const [name, lambdaText] = (arg('tier') ?? 'len15:3e-7').split(':');
  const lambda = Number(lambdaText);
  const v = variants[name];
  const stages = (arg('stages') ?? 'none,scale,stack').split(',') as Stage[];
  // Rule 0b: each author's fold head on this round's rows, else the previous round's head that never saw the author.
  const foldWeights = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const a of authors) {
    const fresh = headPath(cacheDir, name, 'tier', lambda, a, rows.length);
    const old = oldCacheDir ? [headPath(oldCacheDir, name, 'tier', lambda, a, oldRows), headPath(oldCacheDir, name, 'tier', lambda, 'ALL', oldRows)] : [];
    const oldFile = newAuthors2.has(a) ? oldAll2 : newAuthors.has(a) ? old[1] : old[0];
    const file = existsSync(fresh) ? fresh : oldFile && existsSync(oldFile) ? oldFile : undefined;
    if (!file) { missing.push(a); continue; }
    foldWeights.set(a, load(file)!);
    console.log(`fold head of ${a}: ${file === fresh ? `this round's (${rows.length} rows)` : `previous round's (${file.replace(/^.*\//, '')})`}`);
  }
  const fullTier = load(headPath(cacheDir, name, 'tier', lambda, 'ALL', rows.length));
  // The all-rows kind head only reads the safety checks' requests: the grid can start before it is trained.
  const fullKind = (): Float32Array => waitForHead(headPath(cacheDir, kindHead.name, 'kind', kindHead.lambda, 'ALL', rows.length), K * (variants[kindHead.name].buckets + denseFeatureNames.length));
  if (missing.length || !fullTier) {
    console.log(`not trained: ${missing.join(', ')}${fullTier ? '' : ' all-rows tier head'} — the rule cannot run`);
    process.exitCode = 1;
    return;
  }
  const plainOof = rows.map((r) => logitsOf(toExample(r, v), foldWeights.get(authorOf(r))!, v.buckets, 2));
  const tierRows = rows.map((r) => ({ ...r, kind: undefined }));
  const langOf = rows.map((r) => r.lang ?? detectLanguage(r.prompt));
  const prices = rows.map(priceOfRow);
  const zeros = new Array(K).fill(0);
  const ruleScores = rows.map((r) => scoreTaskKinds(r.prompt));
  const fullKindLogits = (prompt: string, ctx: number): number[] =>
    logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, variants[kindHead.name]), fullKind(), variants[kindHead.name].buckets, K);
  const fullTierLogits = (prompt: string, ctx: number): number[] => logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, v), fullTier, v.buckets, 2);

  const points: CellPoint[] = [];
  /** Per stage: the all-rows reader (safety) and the all-rows stage (shipping). */
  const readers = new Map<Stage, (prompt: string, ctx: number) => Float32Array>();
  for (const stage of stages) {
    const t0 = Date.now();
    let oof = plainOof;
    let fullStage: Stack | undefined;
    if (stage !== 'none') {
      // Two-level cross-validation: author a's out-of-fold logits through a stage fitted on the other authors' out-of-fold rows.
      const inputs = rows.map((r, i) => stackInputs(stage, plainOof[i], zeros, ruleScores[i], r));
      oof = rows.map(() => [0, 0]);
      for (const a of authors) {
        const others = rows.map((_, i) => i).filter((i) => authorOf(rows[i]) !== a);
        const fit = fitStack(others.map((i) => inputs[i]), others.map((i) => rows[i]));
        rows.forEach((r, i) => { if (authorOf(r) === a) oof[i] = applyStack(fit, inputs[i]); });
      }
      fullStage = fitStack(inputs, rows);
      const file = join(cacheDir, `stack-${name}-${lambda}-${stage}-${rows.length}.json`);
      writeFileSync(file, JSON.stringify({ kind: stage, w0: [...fullStage.w0], w1: [...fullStage.w1] }));
      console.log(`stage ${stage}: fitted per author and on all rows in ${((Date.now() - t0) / 1000).toFixed(0)} s; all-rows stage in ${file}`);
    }
    readers.set(stage, (prompt, ctx) => {
      const l = fullTierLogits(prompt, ctx);
      const k = fullKindLogits(prompt, ctx);
      const z = fullStage ? applyStack(fullStage, stackInputs(stage as 'scale' | 'stack', l, zeros, scoreTaskKinds(prompt), { prompt, contextTokens: ctx })) : l;
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
            const s = scorePer(rows, vv, authors);
            const byLanguage = scoreByLanguage(tierRows, vv).byLang;
            const cells = scoreByGroup(tierRows, vv, (r, i) => (isIndependent(authorOf(r)) ? `${authorOf(r)}\u0000${langOf[i]}` : undefined)).byLang;
            points.push({ label: `${name}:${lambdaText} stage ${stage} caution off floor ${floor} large x${scale} penalty ${penalty} cap ${cap}`, variant: `${name}:${stage}`, size: v.buckets, stacked: stage !== 'none', stage, floor, scale, penalty, cap, verdicts, byLanguage, cells, ...s });
          }
        }
      }
    }
    console.log(`stage ${stage}: grid scored in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const languages = [...points[0].byLanguage.keys()];
  const cellCount = [...points[0].cells.values()].filter((s) => s.count >= foldLimits14.minCellRows).length;
  console.log(`languages (${languages.length}): ${languages.join(' ')}; independent author x language cells of >= ${foldLimits14.minCellRows} rows: ${cellCount} (of ${points[0].cells.size})`);
  const safetyOf = new Map<CellPoint, string[]>();
  const safety = (p: CellPoint): string[] => {
    if (!safetyOf.has(p)) {
      const reader = readers.get(p.stage)!;
      setLogitsReaderForTraining((req) => reader(req.prompt, req.contextTokens ?? 0));
      setDecisionKnobsForTraining(knobs17(p));
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
    console.log(`best points within session 13b's limits: ${ranked.filter(meetsFoldLimits13b).slice(0, 6).map((p) => `${shortLabel(p)}: ${pct(tierObjective(p))} (pooled ${pct(p.all.falseDowngradeRate)}, flagged cells ${flaggedCells(p).length})`).join('; ') || 'none'}`);
    console.log(`best points within all limits: ${ranked.filter(meetsLimits).slice(0, 6).map((p) => `${shortLabel(p)}: ${pct(tierObjective(p))} (pooled ${pct(p.all.falseDowngradeRate)}, worst languages ${worstLanguages(p)})`).join('; ') || 'none'}`);
    for (const scale of scales) {
      const best = ranked.filter((p) => p.scale === scale && meetsLimits(p))[0];
      console.log(`  best within all limits at large x${scale}: ${best ? `${shortLabel(best)} ${pct(tierObjective(best))} (pooled ${pct(best.all.falseDowngradeRate)})` : 'none'}`);
    }
    let best: CellPoint | undefined;
    for (const p of ranked.filter(meetsLimits)) if (!safety(p).length) { best = p; break; }
    bestOf.set(stage, best);
    console.log(`best admissible (stage ${stage}): ${best ? `${best.label} · mean-indep ${pct(tierObjective(best))} pooled FD ${pct(best.all.falseDowngradeRate)}` : 'none'}`);
  }
  // Choice (rule c): the shipped setting (session 16's) if admissible and within 0.5 point of the best admissible point
  // of all three models; else the plain model's best admissible point, replaced by a stage's only if that is more than
  // 0.5 point above it (as in session 15).
  let chosen: CellPoint | undefined;
  let how = '';
  const plainBest = bestOf.get('none');
  if (plainBest) { chosen = plainBest; how = 'plain model, the best admissible point'; }
  for (const stage of stages.filter((s) => s !== 'none')) {
    const b = bestOf.get(stage);
    if (b && (!chosen || tierObjective(b) > tierObjective(chosen) + margin)) {
      chosen = b;
      how = `stage ${stage}: best admissible point, more than 0.5 point above the plain model's choice`;
    }
  }
  const shipped = inGrid.find(isShipped16);
  if (shipped) {
    const shippedAdmissible = meetsLimits(shipped) && safety(shipped).length === 0;
    const bestAll = [...bestOf.values()].filter((p): p is CellPoint => !!p).sort((x, y) => tierObjective(y) - tierObjective(x))[0];
    console.log(`\nsession 16 setting (${shortLabel(shipped)}): mean-indep ${pct(tierObjective(shipped))}, pooled FD ${pct(shipped.all.falseDowngradeRate)}${shippedAdmissible ? ', admissible' : `, not admissible (${[...broken(shipped), ...safety(shipped)].join(', ')})`}`);
    console.log(`  by language: ${byLanguageText(shipped)}`);
    if (shippedAdmissible && (!bestAll || tierObjective(shipped) >= tierObjective(bestAll) - margin)) {
      chosen = shipped;
      how = 'the shipped setting (session 16), within 0.5 point of the best admissible point';
    }
  }
  if (!chosen) {
    const fallback = inGrid.filter((p) => p.stage === 'none').filter(meetsFoldLimits13b).sort((x, y) => flaggedCells(x).length - flaggedCells(y).length || tierObjective(y) - tierObjective(x));
    const pick = fallback.find((p) => !safety(p).length);
    if (!pick) {
      console.log('SESSION 17 RULE: nothing admissible and nothing within session 13b\'s limits passes safety — the session 16 setting stays');
      return;
    }
    chosen = pick;
    how = `rule c (nothing admissible): fewest flagged cells (${flaggedCells(pick).length}) within session 13b's limits`;
  }
  const c = chosen;
  const same = points.filter((p) => p.stage === c.stage && p.floor === c.floor && p.scale === c.scale && p.cap === c.cap);
  const near = (target: number): CellPoint => [...same].sort((x, y) => Math.abs(x.all.falseDowngradeRate - target) - Math.abs(y.all.falseDowngradeRate - target) || y.penalty - x.penalty)[0];
  const conservative = near(c.all.falseDowngradeRate / 2);
  const aggressive = near(c.all.falseDowngradeRate * 2);
  console.log(`rule 4 penalties (pooled FD): ${same.map((p) => `${p.penalty} ${pct(p.all.falseDowngradeRate)}`).join(', ')}`);
  console.log(`\nSESSION 17 RULE (tier): ${c.label} [${how}]; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
  if (c.stage !== 'none') console.log(`  ship the stage: train.ts --stack=${join(cacheDir, `stack-${name}-${lambda}-${c.stage}-${rows.length}.json`)}`);
  console.log(`mean-indep share ${pct(tierObjective(c))}, pooled FD ${pct(c.all.falseDowngradeRate)} (${c.all.falseDowngrades}), pooled share ${pct(c.all.shareOfOracle)}; safety ${safety(c).length ? 'FAIL' : 'pass'}${tierObjective(c) < 0.75 ? ' — below the 75% share goal, tuned-on' : ''}`);
  console.log(`  by language: ${byLanguageText(c)}`);
  console.log(scoreTable('language', scoreByLanguage(tierRows, c.verdicts.map((tier) => ({ tier })))));
  console.log(`  flagged cells: ${flaggedCells(c).join(', ') || 'none'}`);
  const shares = [...c.per].filter(([a]) => isIndependent(a)).map(([, s]) => s.shareOfOracle).sort((x, y) => x - y);
  console.log(`  independent authors' share: min ${pct(shares[0])}, median ${pct(shares[Math.floor(shares.length / 2)])}, max ${pct(shares[shares.length - 1])}`);
  for (const [a, s] of c.per) console.log(`  ${a}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, acc ${pct(s.accuracy)}`);
  const small = c.verdicts.filter((_, i) => rows[i].tier === 'small');
  console.log(`  labelled small (${small.length}): advised small ${small.filter((t) => t === 'small').length}, medium ${small.filter((t) => t === 'medium').length}, large ${small.filter((t) => t === 'large').length}`);
  const worstCells = [...c.cells].filter(([, s]) => s.count >= foldLimits14.minCellRows).sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 12);
  console.log(`  highest cells (>= ${foldLimits14.minCellRows} rows): ${worstCells.map(([k, s]) => `${k.replace('\u0000', ' ')} ${s.falseDowngrades}/${s.count}`).join(', ')}`);
  const lower = same.filter((p) => balancedPenalties.includes(p.penalty) && p.penalty < c.penalty).sort((x, y) => y.penalty - x.penalty)[0];
  if (lower) console.log(`binding: ${shortLabel(lower)} ${broken(lower).length ? `breaks ${broken(lower).join(', ')}` : `meets the fold limits (safety ${safety(lower).length ? 'fails' : 'passes'}, mean-indep ${pct(tierObjective(lower))})`}`);
  const knobs = { ...knobs17(c), downgradePenalty: { conservative: conservative.penalty, balanced: c.penalty, aggressive: aggressive.penalty } };
  console.log(`\nknobs: ${JSON.stringify(knobs)}`);
  // The tier as it ships, for the kind part's safety check (written last: the kind part waits for this file).
  const choice: TierChoice = { stage: c.stage, stackFile: c.stage === 'none' ? undefined : join(cacheDir, `stack-${name}-${lambda}-${c.stage}-${rows.length}.json`), knobs };
  writeFileSync(tierChoicePath(rows.length), JSON.stringify(choice));
}

/** The tier part's choice: the stage (with its all-rows fit) and the knobs the model ships with. */
interface TierChoice { stage: Stage; stackFile?: string; knobs: DecisionKnobs }
const tierChoicePath = (rowCount: number): string => join(cacheDir, `tierchoice-${rowCount}.json`);
/** The tier part's choice once written (polls every 10 s; the tier part may still be running in another process). */
function waitForTierChoice(rowCount: number): TierChoice {
  const file = tierChoicePath(rowCount);
  let waited = false;
  while (!existsSync(file)) {
    if (!waited) console.log(`waiting for ${file}`);
    waited = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
  const c = JSON.parse(readFileSync(file, 'utf8')) as TierChoice;
  // JSON has no Infinity: cautionMaxWords comes back as null.
  return { ...c, knobs: { ...c.knobs, cautionMaxWords: c.knobs.cautionMaxWords ?? Number.POSITIVE_INFINITY } };
}


// ---- Rule d: the kind side ----

const kindOrder = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
/** The variants named beforehand: kind-rule weight x session 11's extra rules x how the readings are biased. */
const ruleWeights = [0, 0.25, 0.5, 0.75, 1, 1.5];
const extraOptions = [true, false];
export type KindStage = 'none' | 'bias' | 'langbias';
const kindStages: KindStage[] = ['none', 'bias', 'langbias'];
/** The kind setting shipped when this rule was written (since session 11). */
const shippedKind = { weight: 0.5, extra: true, stage: 'none' as KindStage };
const nineLanguages = ['en', 'zh', 'ja', 'ko', 'de', 'fr', 'es', 'pt', 'ru'];
const kindGroupCount = 3;

interface Tally { n: number; right: number }
interface KindPoint {
  label: string; weight: number; extra: boolean; stage: KindStage; verdicts: number[];
  pooled: Tally; nonEnglish: Tally; byLang: Map<string, Tally>; per: Map<string, Tally>; minLang: number; full: number[][];
}
const acc = (t: Tally | undefined): number => (t && t.n ? t.right / t.n : 0);
const tally = (): Tally => ({ n: 0, right: 0 });

/** Per-key kind biases minimising the cross-entropy of softmax(c + b[key]) (L2 1e-3, Adam, 150 steps). */
function fitBias(c: readonly number[][], y: readonly number[], keys: readonly number[], keyCount: number): number[][] {
  const b = Array.from({ length: keyCount }, () => new Float64Array(K));
  const m = Array.from({ length: keyCount }, () => new Float64Array(K)), s = Array.from({ length: keyCount }, () => new Float64Array(K));
  const g = Array.from({ length: keyCount }, () => new Float64Array(K));
  const n = c.length || 1;
  const p = new Float64Array(K);
  for (let it = 1; it <= 150; it++) {
    for (const row of g) row.fill(0);
    for (let i = 0; i < c.length; i++) {
      const bk = b[keys[i]];
      let max = -Infinity;
      for (let k = 0; k < K; k++) { p[k] = c[i][k] + bk[k]; if (p[k] > max) max = p[k]; }
      let z = 0;
      for (let k = 0; k < K; k++) { p[k] = Math.exp(p[k] - max); z += p[k]; }
      const gk = g[keys[i]];
      for (let k = 0; k < K; k++) gk[k] += (p[k] / z - (k === y[i] ? 1 : 0)) / n;
    }
    for (let key = 0; key < keyCount; key++) {
      for (let k = 0; k < K; k++) {
        const gi = g[key][k] + 1e-3 * b[key][k];
        m[key][k] = 0.9 * m[key][k] + 0.1 * gi;
        s[key][k] = 0.999 * s[key][k] + 0.001 * gi * gi;
        b[key][k] -= (0.05 * (m[key][k] / (1 - 0.9 ** it))) / (Math.sqrt(s[key][k] / (1 - 0.999 ** it)) + 1e-8);
      }
    }
  }
  return b.map((row) => [...row].map((x) => Math.round(x * 1e4) / 1e4));
}

/** Kind logits plus the rules' capped score, as learnedModel.ts `combineKindLogits` adds them. */
const combine = (logits: readonly number[], rules: ReadonlyMap<string, number>, weight: number): number[] =>
  kindOrder.map((k, i) => logits[i] + weight * Math.min(2, (rules.get(k as never) ?? 0) / 3.75));
const argmax = (x: readonly number[]): number => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);

/** Rule d. Session 18's rule (cvRule20.ts) runs it unchanged with its own shipped setting and title. */
export function kindPart(shippedSetting: { weight: number; extra: boolean; stage: KindStage } = shippedKind, title = 'SESSION 17 RULE'): void {
  const rows = loadTuningRows();
  const authors = [...new Set(rows.map(authorOf))].sort();
  // The group heads (trainKindGroups.ts): each author read by the head of its group, trained without that group.
  const metas = readdirSync(kindGroupsDir).filter((f) => new RegExp(`^${kindHead.name}-kind-${kindHead.lambda}-300-G\\d+of${kindGroupCount}-\\d+\\.json$`).test(f))
    .map((f) => ({ file: join(kindGroupsDir, f), ...(JSON.parse(readFileSync(join(kindGroupsDir, f), 'utf8')) as { group: number; rows: number; heldOut: string[]; trainedOn: string[] }) }));
  const heads = new Map<number, { w: Float32Array; heldOut: string[]; trainedOn: string[]; rows: number }>();
  for (const m of metas) if (!heads.has(m.group) || heads.get(m.group)!.rows < m.rows) heads.set(m.group, { w: load(m.file.replace(/\.json$/, '.f32'))!, heldOut: m.heldOut, trainedOn: m.trainedOn, rows: m.rows });
  if (heads.size !== kindGroupCount) { console.log(`kind group heads in ${kindGroupsDir}: ${heads.size} of ${kindGroupCount} — rule d cannot run`); process.exitCode = 1; return; }
  const seen = new Set([...heads.values()].flatMap((h) => [...h.heldOut, ...h.trainedOn]));
  const newcomers = dealAuthors(authors.filter((a) => !seen.has(a)), kindGroupCount);
  const groupOf = new Map<string, number>();
  for (const [g, h] of heads) for (const a of h.heldOut) groupOf.set(a, g);
  newcomers.forEach((list, g) => list.forEach((a) => groupOf.set(a, g)));
  if (new Set([...heads.values()].map((h) => h.rows)).size !== 1) throw new Error('the kind group heads were trained on different rows');
  for (const a of authors) {
    if (groupOf.get(a) === undefined) throw new Error(`${a} is held out by no kind group head`);
    const h = heads.get(groupOf.get(a)!)!;
    if (h.trainedOn.includes(a)) throw new Error(`${a} would be read by a kind head trained on it`);
  }
  console.log(`kind group heads: ${[...heads].sort((x, y) => x[0] - y[0]).map(([g, h]) => `G${g} (trained on ${h.rows} rows' other groups) reads ${authors.filter((a) => groupOf.get(a) === g).join(' ')}`).join('; ')}`);
  // The all-rows heads only read the safety checks' requests (waited for if still training).
  const fullKind = (): Float32Array => waitForHead(headPath(cacheDir, kindHead.name, 'kind', kindHead.lambda, 'ALL', rows.length), K * (variants[kindHead.name].buckets + denseFeatureNames.length));
  const fullTier = (): Float32Array => waitForHead(headPath(cacheDir, 'len15', 'tier', 3e-7, 'ALL', rows.length), 2 * (variants.len15.buckets + denseFeatureNames.length));

  const kv = variants[kindHead.name];
  const kr = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.kind !== undefined);
  const y = kr.map(({ r }) => kindOrder.indexOf(r.kind!));
  const oof = kr.map(({ r }) => logitsOf(toExample(r, kv), heads.get(groupOf.get(authorOf(r))!)!.w, kv.buckets, K));
  const rulesBase = kr.map(({ r }) => scoreTaskKinds(r.prompt) as ReadonlyMap<string, number>);
  const rulesExtra = kr.map(({ r }) => kindRuleScores(r.prompt, true) as ReadonlyMap<string, number>);
  const hasLetter = kr.map(({ r }) => /\p{L}/u.test(r.prompt));
  const labelLang = kr.map(({ r }) => r.lang ?? detectLanguage(r.prompt));
  const readLang = kr.map(({ r }) => Math.max(0, nineLanguages.indexOf(detectLanguage(r.prompt))));
  const group = kr.map(({ r }) => groupOf.get(authorOf(r))!);
  const indep = kr.map(({ r }) => isIndependent(authorOf(r)));
  console.log(`rule d: ${kr.length} kind-labelled rows (${indep.filter(Boolean).length} by independent authors); languages by label ${nineLanguages.map((l) => `${l} ${labelLang.filter((x, j) => x === l && indep[j]).length}`).join(' ')}`);

  const points: KindPoint[] = [];
  for (const extra of extraOptions) {
    for (const weight of ruleWeights) {
      const c = oof.map((l, j) => combine(l, extra ? rulesExtra[j] : rulesBase[j], weight));
      for (const stage of kindStages) {
        const keys = stage === 'langbias' ? readLang : readLang.map(() => 0);
        const keyCount = stage === 'langbias' ? nineLanguages.length : 1;
        let read = c;
        let full: number[][] = [];
        if (stage !== 'none') {
          read = c.map((x) => [...x]);
          for (let g = 0; g < kindGroupCount; g++) {
            const others = c.map((_, j) => j).filter((j) => group[j] !== g);
            const b = fitBias(others.map((j) => c[j]), others.map((j) => y[j]), others.map((j) => keys[j]), keyCount);
            c.forEach((x, j) => { if (group[j] === g) read[j] = x.map((v, k) => v + b[keys[j]][k]); });
          }
          full = fitBias(c, y, keys, keyCount);
        }
        const verdicts = read.map((x, j) => (hasLetter[j] ? argmax(x) : kindOrder.indexOf('other')));
        const p: KindPoint = { label: `kind-rule weight ${weight}, extra rules ${extra ? 'on' : 'off'}, ${stage}`, weight, extra, stage, verdicts, pooled: tally(), nonEnglish: tally(), byLang: new Map(), per: new Map(), minLang: 0, full };
        verdicts.forEach((v, j) => {
          const right = v === y[j] ? 1 : 0;
          const a = authorOf(kr[j].r);
          if (!p.per.has(a)) p.per.set(a, tally());
          p.per.get(a)!.n++; p.per.get(a)!.right += right;
          if (!indep[j]) return;
          p.pooled.n++; p.pooled.right += right;
          if (labelLang[j] !== 'en') { p.nonEnglish.n++; p.nonEnglish.right += right; }
          if (!p.byLang.has(labelLang[j])) p.byLang.set(labelLang[j], tally());
          p.byLang.get(labelLang[j])!.n++; p.byLang.get(labelLang[j])!.right += right;
        });
        p.minLang = Math.min(...nineLanguages.map((l) => acc(p.byLang.get(l))));
        points.push(p);
        console.log(`${p.label}: min language ${pct(p.minLang)} · pooled ${pct(acc(p.pooled))} · non-English ${pct(acc(p.nonEnglish))} · ${nineLanguages.map((l) => `${l} ${pct(acc(p.byLang.get(l)))}`).join(' ')}`);
      }
    }
  }
  const shipped = points.find((p) => p.weight === shippedSetting.weight && p.extra === shippedSetting.extra && p.stage === shippedSetting.stage)!;
  // The tier exactly as this round ships it (the tier part's choice), not the stage and knobs shipped before.
  let tierShipped: { stack?: StackWeights; knobs: DecisionKnobs } | undefined;
  const tierAsShipped = (): { stack?: StackWeights; knobs: DecisionKnobs } => {
    if (!tierShipped) {
      const c = waitForTierChoice(rows.length);
      tierShipped = { stack: c.stackFile ? (JSON.parse(readFileSync(c.stackFile, 'utf8')) as StackWeights) : undefined, knobs: c.knobs };
      console.log(`tier as shipped for the safety checks: stage ${c.stage}${c.stackFile ? ` (${c.stackFile})` : ''}, knobs ${JSON.stringify(c.knobs)}`);
    }
    return tierShipped;
  };
  const safetyOf = (p: KindPoint): string[] => {
    const { stack: shippedStack, knobs: tierKnobs } = tierAsShipped();
    setLogitsReaderForTraining((req) => {
      const ex = toExample({ prompt: req.prompt, contextTokens: req.contextTokens ?? 0, tier: 'small' }, variants.len15);
      let tier = logitsOf(ex, fullTier(), variants.len15.buckets, 2);
      if (shippedStack) tier = applyShippedStack(shippedStack, shippedStackInputs(shippedStack.kind, tier, [], [], []));
      const k = logitsOf(toExample({ prompt: req.prompt, contextTokens: 0, tier: 'small' }, kv), fullKind(), kv.buckets, K);
      const key = p.stage === 'langbias' ? Math.max(0, nineLanguages.indexOf(detectLanguage(req.prompt))) : 0;
      return Float32Array.from([...tier, ...k.map((x, i) => x + (p.full[key]?.[i] ?? 0))]);
    });
    setDecisionKnobsForTraining({ ...tierKnobs, kindRuleWeight: p.weight, extraKindRules: p.extra });
    const fails = safetyFailures({ calibration: false });
    setLogitsReaderForTraining(undefined);
    setDecisionKnobsForTraining(undefined);
    return fails;
  };
  const floorPooled = acc(shipped.pooled) - margin;
  const ranked = points.filter((p) => acc(p.pooled) >= floorPooled).sort((x, y) => y.minLang - x.minLang || acc(y.pooled) - acc(x.pooled));
  console.log(`\nshipped kind setting (${shipped.label}): min language ${pct(shipped.minLang)}, pooled ${pct(acc(shipped.pooled))}; admissible: pooled >= ${pct(floorPooled)} and safety.ts`);
  let best: KindPoint | undefined;
  for (const p of ranked) {
    const fails = safetyOf(p);
    console.log(`safety of ${p.label}: ${fails.length ? fails.slice(0, 3).join('; ') : 'pass'}`);
    if (!fails.length) { best = p; break; }
  }
  const shippedFails = safetyOf(shipped);
  let chosen = shipped;
  let how = 'the shipped setting (nothing admissible more than 0.5 point above it)';
  if (best && best !== shipped && best.minLang > shipped.minLang + margin) { chosen = best; how = 'best admissible, more than 0.5 point above the shipped setting'; }
  else if (best === shipped) how = 'the shipped setting is the best admissible';
  console.log(`\n${title} (kind): ${chosen.label} [${how}]${shippedFails.length ? ` (shipped setting's safety: ${shippedFails.join('; ')})` : ''}`);
  for (const p of chosen === shipped ? [shipped] : [chosen, shipped]) {
    console.log(`\n${p === chosen ? 'chosen' : 'shipped'}: ${p.label}: min language ${pct(p.minLang)}, pooled independent ${pct(acc(p.pooled))} (${p.pooled.right}/${p.pooled.n}), non-English ${pct(acc(p.nonEnglish))}`);
    console.log(`  by language: ${nineLanguages.map((l) => `${l} ${pct(acc(p.byLang.get(l)))} (${p.byLang.get(l)?.right}/${p.byLang.get(l)?.n})`).join(', ')}`);
    console.log(`  by author: ${[...p.per].sort((a, b) => a[0].localeCompare(b[0])).map(([a, t]) => `${a} ${pct(acc(t))}`).join(', ')}`);
    const errors = new Map<string, number>();
    p.verdicts.forEach((v, j) => { if (indep[j] && v !== y[j]) { const key = `${kindOrder[y[j]]} → ${kindOrder[v]}`; errors.set(key, (errors.get(key) ?? 0) + 1); } });
    console.log(`  most frequent errors: ${[...errors].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  if (chosen.stage !== 'none') {
    const file = join(cacheDir, `kindbias-${chosen.stage}-${chosen.weight}-${chosen.extra ? 'extra' : 'base'}-${rows.length}.json`);
    writeFileSync(file, JSON.stringify({ stage: chosen.stage, languages: chosen.stage === 'langbias' ? nineLanguages : ['*'], bias: chosen.full }));
    console.log(`all-rows biases (fitted on every author's out-of-fold readings): ${file}`);
  }
  console.log(`\nkind knobs: ${JSON.stringify({ kindRuleWeight: chosen.weight, extraKindRules: chosen.extra, stage: chosen.stage })}`);
}

function main(): void {
  const part = arg('part') ?? 'all';
  if (part === 'tier' || part === 'all') tierPart();
  if (part === 'kind' || part === 'all') kindPart();
}

if (require.main === module) main();
