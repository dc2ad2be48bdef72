// Session 12 rule (cvRule.ts, committed before authors P, Q and R were read): tier variants and knobs on every
// author's out-of-sample logits (A-O, own, heldout1 by fold heads trained on the other authors of A-O; the new
// authors by the head trained on all A-O rows), then kind heads on N and O's folds and the new authors. Weights come
// from lab7.ts's cache (`--train-only`); nothing is trained here. Prints every setting and the rule's picks.
// Run: npx tsx bench/routing/cvRule12.ts --tier=len15:3e-7,depth15:3e-7,len15:1e-6 --kind=base,cjk3,… [--cache=DIR]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRequest, defaultModelTiers, ratesOf, routeRequest, tiers, type Tier } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { foldLimits12, isIndependent, meetsFoldLimits12, tierObjective, type Candidate } from './cvRule';
import { logitsOf, toExample, variants } from './lab';
import { safetyFailures } from './safety';
import { pct, scoreByLanguage, scoreSet, scoreTable, type LabelledRow, type SetScore } from './score';
import { loadTuningRows } from './tuneSet';

const K = modelHeads.length - 2;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/t16tune4/cache';
/** Rows of A-O (with own and heldout1) that every fold and all-rows head of this rule was trained from. */
const baseRowCount = 18_104;
const newAuthors = ['dataP', 'dataQ', 'dataR'];
const kindFoldAuthors = ['dataN', 'dataO'];
const margin = 0.005;

function load(file: string): Float32Array | undefined {
  if (!existsSync(file)) return undefined;
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const authorOf = (r: LabelledRow): string => r.author ?? 'own';

/** Out-of-sample logits of every row for one head group, or undefined if a needed head is not trained. */
function outOfSample(rows: readonly LabelledRow[], name: string, heads: 'tier' | 'kind', lambda: number, scoredAuthors: readonly string[]): (number[] | undefined)[] | undefined {
  const v = variants[name];
  const file = (a: string): string => join(cacheDir, `${name}-${heads}-${lambda}-300-${a}-${baseRowCount}.f32`);
  const H = heads === 'tier' ? 2 : K;
  const weights = new Map<string, Float32Array | undefined>();
  for (const a of scoredAuthors) weights.set(a, load(file(newAuthors.includes(a) ? 'ALL' : a)));
  const missing = [...weights].filter(([, w]) => !w).map(([a]) => a);
  if (missing.length) { console.log(`${name}:${lambda} ${heads}: not trained for ${missing.join(',')} — not compared`); return undefined; }
  return rows.map((r) => (scoredAuthors.includes(authorOf(r)) ? logitsOf(toExample(r, v), weights.get(authorOf(r))!, v.buckets, H) : undefined));
}

// The advisor's expected-cost choice (advisor.ts) from its need probabilities and tier prices, so that one pass of
// routeRequest per floor setting serves every penalty and large-miss weight; checked against routeRequest below.
function decide(need: Record<Tier, number>, price: Record<Tier, number>, penalty: number, largeMissScale: number): Tier {
  let best: Tier = 'large';
  let bestLoss = Infinity;
  tiers.forEach((t, i) => {
    let loss = price[t];
    for (const higher of tiers.slice(i + 1)) loss += need[higher] * penalty * (higher === 'large' ? largeMissScale : 1) * price[higher];
    if (loss < bestLoss - 1e-12) { best = t; bestLoss = loss; }
  });
  return best;
}

function priceOfRow(r: LabelledRow): Record<Tier, number> {
  const f = analyzeRequest({ prompt: r.prompt, contextTokens: r.contextTokens });
  const p = (t: Tier): number => { const rates = ratesOf(defaultModelTiers[t])!; return ((f.promptTokens + f.contextTokens + 4_000) * rates.inputPerMTok + 800 * rates.outputPerMTok) / 1e6; };
  return { small: p('small'), medium: p('medium'), large: p('large') };
}

function scorePer(rows: readonly LabelledRow[], verdicts: readonly { tier: Tier; kind?: string }[], authors: readonly string[]): { all: SetScore; per: Map<string, SetScore> } {
  const per = new Map(authors.map((a) => {
    const idx = rows.map((r, i) => (authorOf(r) === a ? i : -1)).filter((i) => i >= 0);
    return [a, scoreSet(idx.map((i) => rows[i]), idx.map((i) => verdicts[i]))] as const;
  }));
  return { all: scoreSet(rows, verdicts), per };
}

const knobsOf = (floor: number, largeMissScale: number, balanced: number): DecisionKnobs =>
  ({ ...shippedKnobs, ruleCaution: false, hardTopicFloor: floor, largeMissScale, downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced } });

interface Point extends Candidate { floor: number; scale: number; penalty: number; verdicts: Tier[] }

function main(): void {
  const rows = loadTuningRows();
  const authors = [...new Set(rows.map(authorOf))].sort();
  const present = newAuthors.filter((a) => authors.includes(a));
  const base = rows.filter((r) => !newAuthors.includes(authorOf(r)));
  if (base.length !== baseRowCount) throw new Error(`${base.length} rows of A-O, expected ${baseRowCount}`);
  console.log(`${rows.length} rows, ${authors.length} authors; new (unseen): ${present.join(', ') || 'none'}`);
  const prices = rows.map(priceOfRow);
  const zeros = new Array(K).fill(0);
  const penalties = [3, 4, 5, 6, 8, 10, 12, 14, 16, 20];
  const rule4Penalties = [2, ...penalties, 24, 32, 48];
  const perVariant = new Map<string, { best?: Point; points: Point[]; reader: (prompt: string, ctx: number) => Float32Array }>();
  const shippedKind = load(join(cacheDir, `base-kind-0.000003-300-ALL-${baseRowCount}.f32`))!;
  for (const spec of (arg('tier') ?? 'len15:3e-7').split(',')) {
    const [name, lambdaText] = spec.split(':');
    const lambda = Number(lambdaText);
    const oof = outOfSample(rows, name, 'tier', lambda, authors);
    const full = load(join(cacheDir, `${name}-tier-${lambda}-300-ALL-${baseRowCount}.f32`));
    if (!oof || !full) continue;
    const byKey = new Map(rows.map((r, i) => [`${r.contextTokens}\u0000${r.prompt}`, Float32Array.from([...oof[i]!, ...zeros])]));
    const points: Point[] = [];
    for (const floor of [0, 0.35]) {
      setLogitsReaderForTraining((req) => byKey.get(`${req.contextTokens ?? 0}\u0000${req.prompt}`)!);
      setDecisionKnobsForTraining(knobsOf(floor, 1, 12));
      const advice = rows.map((r) => routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      const mismatches = advice.filter((a, i) => decide(a.needProbability!, prices[i], 12, 1) !== a.tier).length;
      if (mismatches) throw new Error(`decide() differs from routeRequest on ${mismatches} rows`);
      for (const scale of [1, 1.25, 1.5]) {
        for (const penalty of rule4Penalties) {
          const verdicts = advice.map((a, i) => decide(a.needProbability!, prices[i], penalty, scale));
          const s = scorePer(rows, verdicts.map((tier) => ({ tier })), authors);
          points.push({ label: `${spec} floor ${floor} large x${scale} penalty ${penalty}`, variant: spec, size: variants[name].buckets, stacked: false, floor, scale, penalty, verdicts, ...s });
        }
      }
    }
    const v = variants[name];
    const reader = (prompt: string, ctx: number): Float32Array => {
      const e = toExample({ prompt, contextTokens: ctx, tier: 'small' }, v);
      return Float32Array.from([...logitsOf(e, full, v.buckets, 2), ...logitsOf(toExample({ prompt, contextTokens: ctx, tier: 'small' }, variants.base), shippedKind, variants.base.buckets, K)]);
    };
    const inGrid = points.filter((p) => penalties.includes(p.penalty));
    for (const p of inGrid) console.log(`${p.label}: mean-indep share ${pct(tierObjective(p))} · pooled FD ${pct(p.all.falseDowngradeRate)} share ${pct(p.all.shareOfOracle)} · worst ${[...p.per].filter(([a]) => isIndependent(a)).sort((x, y) => y[1].falseDowngradeRate - x[1].falseDowngradeRate).slice(0, 3).map(([a, s]) => `${a} ${pct(s.falseDowngradeRate)}`).join(' ')}${meetsFoldLimits12(p) ? '' : ' · outside'}`);
    let best: Point | undefined;
    for (const p of inGrid.filter(meetsFoldLimits12).sort((x, y) => tierObjective(y) - tierObjective(x))) {
      setLogitsReaderForTraining((req) => reader(req.prompt, req.contextTokens ?? 0));
      setDecisionKnobsForTraining(knobsOf(p.floor, p.scale, p.penalty));
      const fails = safetyFailures({ calibration: false });
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      console.log(`safety of ${p.label}: ${fails.length ? fails.join('; ') : 'pass'}`);
      if (!fails.length) { best = p; break; }
    }
    perVariant.set(spec, { best, points, reader });
  }
  console.log(`\nlimits: pooled <= ${pct(foldLimits12.pooled)}, each independent author <= ${pct(foldLimits12.perAuthor)}`);
  for (const [spec, { best }] of perVariant) console.log(`best admissible ${spec}: ${best ? `${best.label} · mean-indep ${pct(tierObjective(best))} pooled FD ${pct(best.all.falseDowngradeRate)}` : 'none'}`);
  const order = (arg('tier') ?? 'len15:3e-7').split(',');
  const shipped = perVariant.get(order[0])?.best;
  const bestAll = Math.max(...[...perVariant.values()].map((x) => (x.best ? tierObjective(x.best) : -1)));
  // Within 0.5 point of the best: the shipped variant, then len15 at 1e-6 (no new feature), then the others.
  const preference = ['len15:3e-7', 'len15:1e-6', ...order];
  const tied = preference.map((s) => perVariant.get(s)?.best).filter((p): p is Point => p !== undefined && tierObjective(p) >= bestAll - margin);
  let chosen = tied[0];
  if (chosen && chosen.variant !== order[0] && shipped && tierObjective(chosen) <= tierObjective(shipped) + margin) chosen = shipped;
  if (chosen) {
    const same = perVariant.get(chosen.variant)!.points.filter((p) => p.floor === chosen!.floor && p.scale === chosen!.scale);
    const near = (target: number): Point => [...same].sort((x, y) => Math.abs(x.all.falseDowngradeRate - target) - Math.abs(y.all.falseDowngradeRate - target) || y.penalty - x.penalty)[0];
    const conservative = near(chosen.all.falseDowngradeRate / 2);
    const aggressive = near(chosen.all.falseDowngradeRate * 2);
    console.log(`rule 4 penalties (pooled FD): ${same.map((p) => `${p.penalty} ${pct(p.all.falseDowngradeRate)}`).join(', ')}`);
    console.log(`\nSESSION 12 RULE a (tier): ${chosen.label}; conservative ${conservative.penalty}, aggressive ${aggressive.penalty}`);
    console.log(`mean-indep share ${pct(tierObjective(chosen))}, pooled FD ${pct(chosen.all.falseDowngradeRate)} (${chosen.all.falseDowngrades}), pooled share ${pct(chosen.all.shareOfOracle)}`);
    for (const [a, s] of chosen.per) console.log(`  ${a}${present.includes(a) ? ' (unseen)' : ''}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, acc ${pct(s.accuracy)}`);
    const verdicts = chosen.verdicts.map((tier) => ({ tier }));
    const tierRows = rows.map((r) => ({ ...r, kind: undefined }));
    console.log(scoreTable('language, all authors out of sample', scoreByLanguage(tierRows, verdicts)));
    const idx = rows.map((r, i) => (present.includes(authorOf(r)) ? i : -1)).filter((i) => i >= 0);
    if (idx.length) console.log(scoreTable('language, new authors (unseen)', scoreByLanguage(idx.map((i) => tierRows[i]), idx.map((i) => verdicts[i]))));
  }
  kindPart(rows, present);
}

function kindPart(rows: readonly LabelledRow[], present: readonly string[]): void {
  const scored = [...kindFoldAuthors, ...present];
  const kindRows = rows.filter((r) => r.kind && scored.includes(authorOf(r)));
  interface KindResult { name: string; weight: number; extra: boolean; per: Map<string, number>; mean: number; kinds: string[]; safety?: string[] }
  const results: KindResult[] = [];
  const fulls = new Map<string, Float32Array>();
  for (const name of (arg('kind') ?? 'base').split(',')) {
    const oof = outOfSample(kindRows, name, 'kind', 0.000003, scored);
    const full = load(join(cacheDir, `${name}-kind-0.000003-300-ALL-${baseRowCount}.f32`));
    if (!oof || !full) continue;
    fulls.set(name, full);
    const byKey = new Map(kindRows.map((r, i) => [`${r.contextTokens}\u0000${r.prompt}`, Float32Array.from([0, 0, ...oof[i]!])]));
    for (const extra of [false, true]) for (const weight of [0, 0.5, 1]) {
      setLogitsReaderForTraining((req) => byKey.get(`${req.contextTokens ?? 0}\u0000${req.prompt}`)!);
      setDecisionKnobsForTraining({ ...shippedKnobs, kindRuleWeight: weight, extraKindRules: extra });
      const kinds = kindRows.map((r) => routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).kind as string);
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      const per = new Map(scored.map((a) => {
        const idx = kindRows.map((r, i) => (authorOf(r) === a ? i : -1)).filter((i) => i >= 0);
        return [a, idx.length ? idx.filter((i) => kinds[i] === kindRows[i].kind).length / idx.length : 0] as const;
      }));
      const mean = [...per.values()].reduce((s, x) => s + x, 0) / per.size;
      results.push({ name, weight, extra, per, mean, kinds });
      console.log(`kind ${name} weight ${weight}${extra ? ' +rules11' : ''}: mean ${pct(mean)} · ${[...per].map(([a, x]) => `${a} ${pct(x)}`).join(' ')}`);
    }
  }
  const safety = (r: KindResult): string[] => {
    if (r.safety) return r.safety;
    const v = variants[r.name];
    const full = fulls.get(r.name)!;
    setLogitsReaderForTraining((req) => Float32Array.from([5, 5, ...logitsOf(toExample({ prompt: req.prompt, contextTokens: req.contextTokens ?? 0, tier: 'small' }, v), full, v.buckets, K)]));
    setDecisionKnobsForTraining({ ...shippedKnobs, kindRuleWeight: r.weight, extraKindRules: r.extra });
    r.safety = safetyFailures({ calibration: true }).filter((f) => /kind|calibration/.test(f));
    setLogitsReaderForTraining(undefined);
    setDecisionKnobsForTraining(undefined);
    console.log(`safety (kind) of ${r.name} weight ${r.weight}${r.extra ? ' +rules11' : ''}: ${r.safety.length ? r.safety.join('; ') : 'pass'}`);
    return r.safety;
  };
  const ref = results.find((r) => r.name === 'base' && r.weight === 0.5 && r.extra);
  if (!ref) return;
  const admissible = [...results].sort((x, y) => y.mean - x.mean).filter((r) => safety(r).length === 0);
  const best = admissible[0];
  // Within 0.5 point of the best: fewer weights (all heads here have 8,192 buckets), then the shipped, then the simpler.
  const simplicity = ['base', 'cjk3', 'klen', 'krule', 'endsc', 'klenc'];
  const tied = best ? admissible.filter((r) => r.mean >= best.mean - margin) : [];
  tied.sort((x, y) => Number(y === ref) - Number(x === ref) || simplicity.indexOf(x.name) - simplicity.indexOf(y.name) || x.weight - y.weight);
  const pick = tied[0] && tied[0] !== ref && tied[0].mean > ref.mean + margin ? tied[0] : ref;
  console.log(`\nSESSION 12 RULE b (kind): best admissible ${best ? `${best.name} weight ${best.weight}${best.extra ? ' +rules11' : ''} ${pct(best.mean)}` : 'none'} vs shipped ${pct(ref.mean)} -> ${pick.name} weight ${pick.weight}${pick.extra ? ' +rules11' : ''}`);
  for (const r of pick === ref ? [ref] : [ref, pick]) {
    // Kind only (the tier columns of scoreTable would mean nothing here): per language over the five scored authors.
    const byLang = scoreByLanguage(kindRows, r.kinds.map((kind) => ({ tier: 'small' as Tier, kind })));
    console.log(`kind ${r.name} ${r.weight}${r.extra ? ' +rules11' : ''} by language (N, O folds; P, Q, R unseen): all ${pct(byLang.all.kindAccuracy)} · ${[...byLang.byLang].map(([l, x]) => `${l} ${pct(x.kindAccuracy)} (${x.kindCount})`).join(' ')}`);
    const newIdx = kindRows.map((row, i) => (present.includes(authorOf(row)) ? i : -1)).filter((i) => i >= 0);
    const byLangNew = scoreByLanguage(newIdx.map((i) => kindRows[i]), newIdx.map((i) => ({ tier: 'small' as Tier, kind: r.kinds[i] })));
    console.log(`  P, Q, R only: all ${pct(byLangNew.all.kindAccuracy)} · ${[...byLangNew.byLang].map(([l, x]) => `${l} ${pct(x.kindAccuracy)}`).join(' ')}`);
  }
}

if (require.main === module) main();
