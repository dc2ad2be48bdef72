// Session 15 rule (cvRule.ts "SESSION 15 RULE", committed before any fold figure on this round's tuning rows was computed
// and before the seventeenth held-out set was scored): every limit of the session 14b rule (cvRule16.ts) kept, its grid
// kept, and two model-side variants named beforehand, both second stages over the tier heads' out-of-fold outputs
// (src/core/routing/stackStage.ts, fitted by stack.ts; shipped with `train.ts --stack=`), cheap enough for this round:
//   `stack` — the two tier heads read jointly: each head's logit refitted from BOTH tier logits and the rule features
//             (dense features), so the "needs more than small" reading can use the "needs large" head's evidence and
//             the request's shape; aimed at the medium-vs-small line, where the share is lost.
//   `scale` — each tier logit rescaled and shifted (a temperature and bias per head, fitted on authors the head did
//             not see), so the advisor's probabilities on a new writer are calibrated.
// Each stage is cross-validated by author in two levels: author a's rows are read by a's fold head (trained without a),
// then by a stage fitted on the other authors' out-of-fold rows only. The all-rows stage (for shipping) is fitted on
// every author's out-of-fold rows and applied to the all-rows heads (safety.ts checks that model).
// Selection: per model (plain, scale, stack) the 14b grid under the 14b limits, best admissible by the mean share over
// independent authors. The plain model's choice as in 14b (ties within 0.5 point keep the shipped knobs). A stage
// replaces the plain model only if its best admissible point is more than 0.5 point above the plain model's choice.
// Weights come from the cache (`lab7.ts --train-only`, `trainAll.ts`); no head is trained here.
// Rule 0b (deadline): an author whose fold head on this round's rows is not in the cache when the rule runs (12:50 UTC
// at the latest) is scored by the previous round's head that never saw it (`--old-cache`, `--old-rows=27214`: its fold
// head, or for dataU, dataV and heldout16, which were not tuning data then, that round's all-rows head).
// Run: npx tsx bench/routing/cvRule17.ts [--tier=len15:3e-7] --cache=DIR [--old-cache=DIR --old-rows=N] [--stages=none,scale,stack]
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { scoreTaskKinds } from '../../src/core/routing/kindRules';
import { foldLimits14, isIndependent, meetsFoldLimits13b, tierObjective, wilsonLower } from './cvRule';
import { authorOf, kindHead, knobsOf, load, priceOfRow, scorePer, type Point } from './cvRule13';
import { decide16 } from './cvRule16';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { detectLanguage, pct, scoreByGroup, scoreByLanguage, scoreTable, type SetScore } from './score';
import { applyStack, fitStack, stackInputs, type Stack } from './stack';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16r17cache';
const oldCacheDir = arg('old-cache');
const oldRows = Number(arg('old-rows') ?? 27214);
/** Ties within this much of the best mean share keep the shipped knobs; a stage must beat the plain model by more. */
const margin = 0.005;
/** The knobs shipped when this rule was written (session 14b: caution off, floor 0, large x1, balanced 14, no cap). */
const session14b = { floor: 0, scale: 1, penalty: 14, cap: 1 };
/** Authors that were not tuning data in the previous round (rule 0b reads them with its all-rows head). */
const newAuthors = new Set(['dataU', 'dataV', 'heldout16']);
// The 14b grid, unchanged.
const floors = [0, 0.35];
const scales = [1, 1.25, 1.5, 2, 3, 4];
const caps = [1, 0.25, 0.15];
const balancedPenalties = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48];
const rule4Penalties = [...balancedPenalties, 64, 96];
type Stage = 'none' | 'scale' | 'stack';

interface CellPoint extends Point { cap: number; stage: Stage; byLanguage: Map<string, SetScore>; cells: Map<string, SetScore> }

const headPath = (dir: string, name: string, heads: 'tier' | 'kind', lambda: number, author: string, rowCount: number): string =>
  join(dir, `${name}-${heads}-${lambda}-300-${author}-${rowCount}.f32`);

const knobs17 = (p: { floor: number; scale: number; penalty: number; cap: number }): DecisionKnobs => ({ ...knobsOf(p.floor, p.scale, p.penalty), smallMaxRisk: p.cap });
const isShipped14b = (p: CellPoint): boolean => p.stage === 'none' && p.floor === session14b.floor && p.scale === session14b.scale && p.penalty === session14b.penalty && p.cap === session14b.cap;
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

function main(): void {
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
    const oldFile = newAuthors.has(a) ? old[1] : old[0];
    const file = existsSync(fresh) ? fresh : oldFile && existsSync(oldFile) ? oldFile : undefined;
    if (!file) { missing.push(a); continue; }
    foldWeights.set(a, load(file)!);
    console.log(`fold head of ${a}: ${file === fresh ? `this round's (${rows.length} rows)` : `previous round's (${file.replace(/^.*\//, '')})`}`);
  }
  const fullTier = load(headPath(cacheDir, name, 'tier', lambda, 'ALL', rows.length));
  const fullKind = load(headPath(cacheDir, kindHead.name, 'kind', kindHead.lambda, 'ALL', rows.length));
  if (missing.length || !fullTier || !fullKind) {
    console.log(`not trained: ${missing.join(', ')}${fullTier ? '' : ' all-rows tier head'}${fullKind ? '' : ' all-rows kind head'} — the rule cannot run`);
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
    logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, variants[kindHead.name]), fullKind, variants[kindHead.name].buckets, K);
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
  console.log(`\nlimits (session 14b's): pooled <= ${pct(foldLimits14.pooled)}, each independent author <= ${pct(foldLimits14.perAuthor)}, each language <= ${pct(foldLimits14.perLanguage)}, each independent author x language cell of >= ${foldLimits14.minCellRows} rows: Wilson lower bound (z ${foldLimits14.cellZ}) <= ${pct(foldLimits14.perCell)}; safety.ts on the all-rows model`);
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
  const shipped = inGrid.find(isShipped14b);
  let chosen: CellPoint | undefined;
  let how = '';
  if (shipped) {
    const shippedAdmissible = meetsLimits(shipped) && safety(shipped).length === 0;
    console.log(`\nsession 14b knobs (${shortLabel(shipped)}): mean-indep ${pct(tierObjective(shipped))}, pooled FD ${pct(shipped.all.falseDowngradeRate)}${shippedAdmissible ? ', admissible' : `, not admissible (${[...broken(shipped), ...safety(shipped)].join(', ')})`}`);
    console.log(`  by language: ${byLanguageText(shipped)}`);
    const plainBest = bestOf.get('none');
    if (plainBest) {
      chosen = shippedAdmissible && tierObjective(shipped) >= tierObjective(plainBest) - margin ? shipped : plainBest;
      how = chosen === shipped ? 'plain model, the shipped knobs (tie within 0.5 point)' : 'plain model, the best admissible point';
    }
  }
  for (const stage of stages.filter((s) => s !== 'none')) {
    const b = bestOf.get(stage);
    if (b && (!chosen || tierObjective(b) > tierObjective(chosen) + margin)) {
      chosen = b;
      how = `stage ${stage}: best admissible point, more than 0.5 point above the plain model's choice`;
    }
  }
  if (!chosen) {
    const fallback = inGrid.filter((p) => p.stage === 'none').filter(meetsFoldLimits13b).sort((x, y) => flaggedCells(x).length - flaggedCells(y).length || tierObjective(y) - tierObjective(x));
    const pick = fallback.find((p) => !safety(p).length);
    if (!pick) {
      console.log('SESSION 15 RULE: nothing admissible and nothing within session 13b\'s limits passes safety — the session 14b knobs stay');
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
  console.log(`\nSESSION 15 RULE (tier): ${c.label} [${how}]; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
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
  console.log(`\nknobs: ${JSON.stringify({ ...knobs17(c), downgradePenalty: { conservative: conservative.penalty, balanced: c.penalty, aggressive: aggressive.penalty } })}`);
}

if (require.main === module) main();
