// Session 7 experiments under the session 7 rule (cvRule.ts): tier variants (buckets, features), a stacked
// second stage over the out-of-fold outputs (`prior`: the text logit rescaled plus a bias per read kind;
// `stack`: both tier logits, the kind probabilities and the rule signals), kind variants; each with the
// decision knobs, author folds only, and the safety checks (safety.ts) on the variant's all-rows model.
// Fold and all-rows weights are cached in --cache (key: variant, heads, L2, steps, author, row count), so
// `--train-only --shard=i/n` can fill the cache from several processes first. Nothing here is shipped.
// Run: npx tsx bench/routing/lab7.ts --tier=b16:3e-7[,b15:3e-7] [--stack=none,prior,stack] --kind=base:3e-6 --cache=DIR
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs, type DecisionKnobs } from '../../src/core/routing/decisionKnobs';
import { modelHeads, setLogitsReaderForTraining, weightLayout } from '../../src/core/routing/learnedModel';
import { scoreTaskKinds } from '../../src/core/routing/kindRules';
import type { RouteRequest } from '../../src/core/routing/request';
import type { RequestFeatures } from '../../src/core/routing/signals';
import { applyRule7, isIndependent, kindObjective, meetsFoldLimits, tierObjective, type Candidate } from './cvRule';
import { logitsOf, toExample, variants, type Example } from './lab';
import { safetyFailures } from './safety';
import { pct, scoreByGroup, scoreByLanguage, scoreSet, scoreTable, type LabelledRow, type SetScore } from './score';
import { fitStack, stackInputs, applyStack, type Stack, type StackKind } from './stack';
import { trainBlock } from './train';
import { loadTuningRows } from './tuneSet';

const kindOrder = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
const K = kindOrder.length;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const cacheDir = arg('cache') ?? '/tmp/routing-lab7';
const iterations = Number(arg('iterations') ?? 300);

interface Spec { variant: string; lambda: number; heads: 'tier' | 'kind' }
const parseSpecs = (s: string | undefined, heads: 'tier' | 'kind'): Spec[] =>
  (s ?? '').split(',').filter(Boolean).map((x) => { const [variant, lambda] = x.split(':'); return { variant, lambda: Number(lambda), heads }; });

function load(f: string): Float32Array {
  const b = readFileSync(f);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Weights of one spec trained without `author` ('ALL': on every row), cached. */
function weightsFor(spec: Spec, rows: readonly LabelledRow[], examples: readonly Example[], author: string): Float32Array {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${spec.variant}-${spec.heads}-${spec.lambda}-${iterations}-${author}-${rows.length}.f32`);
  if (existsSync(file)) return load(file);
  const train = examples.filter((_, i) => author === 'ALL' || (rows[i].author ?? 'own') !== author);
  const t0 = Date.now();
  const w = trainBlock({ text: train, dense: train.map((e) => e.dense), tier: train.map((e) => e.tier), kind: train.map((e) => e.kind), buckets: variants[spec.variant].buckets, heads: spec.heads }, spec.lambda, iterations, 0.05);
  writeFileSync(file, Buffer.from(w.buffer));
  console.error(`trained ${spec.variant} ${spec.heads} ${spec.lambda} without ${author} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return w;
}

interface Trained { spec: Spec; oof: number[][]; full: Float32Array }

function trainSpec(spec: Spec, rows: readonly LabelledRow[], allAuthors: readonly string[], shard?: [number, number]): Trained | undefined {
  const v = variants[spec.variant];
  const examples = rows.map((r) => toExample(r, v));
  const H = spec.heads === 'tier' ? 2 : K;
  // `--kind-oof=no`: the kind head on all rows only (its out-of-fold logits 0: stacks that read the kind are skipped).
  // `--kind-folds=dataF,dataJ`: kind variants trained and scored on these authors' folds only (session 10 rule).
  const kindFolds = arg('kind-folds')?.split(',').filter(Boolean);
  const authors = spec.heads === 'kind' && arg('kind-oof') === 'no' ? [] : spec.heads === 'kind' && kindFolds ? allAuthors.filter((a) => kindFolds.includes(a)) : allAuthors;
  // `--folds=heldout18,dataY,…`: train only these folds, in this order (session 17 rule 0b: the cores' order).
  const folds = arg('folds')?.split(',').filter(Boolean);
  const jobs = folds ? folds.filter((a) => a === 'ALL' || authors.includes(a)) : [...authors, 'ALL'];
  // `--reverse`: a second --train-only process walks the folds from the other end (the cache skips what is done).
  if (process.argv.includes('--reverse')) jobs.reverse();
  if (shard) {
    jobs.forEach((a, i) => { if (i % shard[1] === shard[0]) weightsFor(spec, rows, examples, a); });
    return undefined;
  }
  const oof: number[][] = rows.map(() => new Array(H).fill(0));
  for (const a of authors) {
    const w = weightsFor(spec, rows, examples, a);
    rows.forEach((r, i) => { if ((r.author ?? 'own') === a) oof[i] = logitsOf(examples[i], w, v.buckets, H); });
  }
  return { spec, oof, full: weightsFor(spec, rows, examples, 'ALL') };
}

/** Logits of any request under a spec's all-rows weights (for the safety checks). */
function fullLogits(t: Trained, req: RouteRequest): number[] {
  const e = toExample({ prompt: req.prompt, contextTokens: req.contextTokens ?? 0, tier: 'small' }, variants[t.spec.variant]);
  return logitsOf(e, t.full, variants[t.spec.variant].buckets, t.spec.heads === 'tier' ? 2 : K);
}

const knobGrid = (): { label: string; knobs: DecisionKnobs }[] => {
  const out: { label: string; knobs: DecisionKnobs }[] = [];
  // `--caution=false:0` keeps one caution setting (ruleCaution:hardTopicFloor[:cautionMaxWords]); `--cautions=` a
  // comma-separated list of them (session 10: the caution limited to requests of at most N prose words).
  const cautions = (arg('cautions') ?? arg('caution') ?? 'true:0.35,false:0.35,false:0').split(',').map((c) => {
    const [on, floor, maxWords] = c.split(':');
    return [on === 'true', Number(floor), maxWords === undefined || maxWords === 'inf' ? Number.POSITIVE_INFINITY : Number(maxWords)] as const;
  });
  for (const [ruleCaution, hardTopicFloor, cautionMaxWords] of cautions) {
    for (const largeMissScale of (arg('large-scales') ?? '1,1.5').split(',').map(Number)) {
      for (const balanced of (arg('penalties') ?? '3,4,5,6,7,8,10').split(',').map(Number)) {
        const words = ruleCaution && cautionMaxWords !== Number.POSITIVE_INFINITY ? ` words<=${cautionMaxWords}` : '';
        out.push({ label: `caution ${ruleCaution}${words} floor ${hardTopicFloor} largeScale ${largeMissScale} penalty ${balanced}`, knobs: { ...shippedKnobs, ruleCaution, cautionMaxWords, hardTopicFloor, largeMissScale, downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced } } });
      }
    }
  }
  return out;
};

const keyOf = (prompt: string, ctx: number): string => `${ctx}\u0000${prompt}`;

function scorePer(rows: readonly LabelledRow[], authors: readonly string[], verdicts: { tier: 'small' | 'medium' | 'large'; kind?: string }[]): { all: SetScore; per: Map<string, SetScore> } {
  const per = new Map(authors.map((a) => {
    const idx = rows.map((r, i) => ((r.author ?? 'own') === a ? i : -1)).filter((i) => i >= 0);
    return [a, scoreSet(idx.map((i) => rows[i]), idx.map((i) => verdicts[i]))] as const;
  }));
  return { all: scoreSet(rows, verdicts), per };
}

const fmt = (c: { all: SetScore; per: ReadonlyMap<string, SetScore> }): string =>
  `mean-indep share ${pct(tierObjective(c as Candidate))} · pooled FD ${pct(c.all.falseDowngradeRate)} (${c.all.falseDowngrades}) share ${pct(c.all.shareOfOracle)} acc ${pct(c.all.accuracy)} · ${[...c.per].map(([a, s]) => `${a} ${pct(s.falseDowngradeRate)}/${pct(s.shareOfOracle)}`).join(' ')}`;

function main(): void {
  // `--without=dataH,dataI`: leave authors out entirely (session 8 compares variants on the nine authors of session 7).
  const without = (arg('without') ?? '').split(',').filter(Boolean);
  const rows = loadTuningRows().filter((r) => !without.includes(r.author ?? 'own'));
  const authors = [...new Set(rows.map((r) => r.author ?? 'own'))].sort();
  const shardArg = arg('shard')?.split('/').map(Number) as [number, number] | undefined;
  const tierSpecs = parseSpecs(arg('tier'), 'tier');
  const kindSpecs = parseSpecs(arg('kind') ?? 'base:3e-6', 'kind');
  if (arg('export')) {
    // Full-layout weight files (weightLayout) of the all-rows tier and kind blocks, for train.ts --merge=TIER,KIND.
    const total = weightLayout.total();
    const tier = new Float32Array(total), kind = new Float32Array(total);
    const tSpec = tierSpecs[0], kSpec = kindSpecs[0];
    if (variants[tSpec.variant].buckets !== weightLayout.buckets(0) || variants[kSpec.variant].buckets !== weightLayout.buckets(2)) throw new Error('bucket counts differ from textFeatures.ts');
    tier.set(weightsFor(tSpec, rows, rows.map((r) => toExample(r, variants[tSpec.variant])), 'ALL'), weightLayout.offset(0));
    kind.set(weightsFor(kSpec, rows, rows.map((r) => toExample(r, variants[kSpec.variant])), 'ALL'), weightLayout.offset(2));
    writeFileSync(`${arg('export')}-tier.f32`, Buffer.from(tier.buffer));
    writeFileSync(`${arg('export')}-kind.f32`, Buffer.from(kind.buffer));
    return;
  }
  if (process.argv.includes('--report')) {
    // The shipped knobs on out-of-fold logits (tier spec 0 and, when its folds are cached, kind spec 0): per language and per author.
    // `--tier=` (none): kind only; the tier logits are 0, so only the task-kind column means anything.
    const tier = tierSpecs[0] ? trainSpec(tierSpecs[0], rows, authors)! : undefined;
    if (!tier) console.log('no tier spec: tier columns are meaningless, task kind only');
    const kind = kindSpecs[0] && arg('kind-oof') !== 'no' ? trainSpec(kindSpecs[0], rows, authors)! : undefined;
    const byKey = new Map(rows.map((r, i) => [keyOf(r.prompt, r.contextTokens), Float32Array.from([...(tier ? tier.oof[i] : [0, 0]), ...(kind ? kind.oof[i] : new Array(K).fill(0))])]));
    setLogitsReaderForTraining((req) => byKey.get(keyOf(req.prompt, req.contextTokens ?? 0))!);
    const verdicts = rows.map((r) => { const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }); return { tier: a.tier, kind: kind ? a.kind : undefined }; });
    setLogitsReaderForTraining(undefined);
    const shown = rows.map((r) => (kind ? r : { ...r, kind: undefined }));
    console.log(scoreTable('language (author held out)', scoreByLanguage(shown, verdicts)));
    console.log(`\n${scoreTable('labelled kind (author held out)', scoreByGroup(shown, verdicts, (_, i) => rows[i].kind))}`);
    const { all, per } = scorePer(shown, authors, verdicts);
    console.log(`\n${fmt({ all, per })}`);
    for (const [a, s] of per) console.log(`${a}: n ${s.count}, FD ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}), share ${pct(s.shareOfOracle)}, tier acc ${pct(s.accuracy)}, kind ${pct(s.kindAccuracy)}`);
    if (kind) console.log(`kind: mean over independent authors ${pct(kindObjective(per))}, pooled ${pct(all.kindAccuracy)}`);
    return;
  }
  if (process.argv.includes('--train-only')) {
    for (const s of [...tierSpecs, ...kindSpecs]) trainSpec(s, rows, authors, shardArg ?? [0, 1]);
    return;
  }
  console.log(`${rows.length} tuning rows, ${authors.length} authors (${authors.map((a) => `${a} ${rows.filter((r) => (r.author ?? 'own') === a).length}`).join(', ')})`);
  const kinds = kindSpecs.map((s) => trainSpec(s, rows, authors)!);
  const baseKind: Trained = kinds[0] ?? { spec: { variant: 'base', lambda: 0, heads: 'kind' }, oof: rows.map(() => new Array(K).fill(0)), full: new Float32Array(variants.base.buckets * K + 200) };
  if (!kinds[0]) console.log('no kind head given: kind logits 0 (the rules read the kind); safety kind checks will fail');
  const ruleScores = rows.map((r) => scoreTaskKinds(r.prompt));
  const stacks = (arg('stack') ?? 'none').split(',') as (StackKind | 'none')[];
  const candidates: (Candidate & { knobs: DecisionKnobs; reader: (req: RouteRequest, f: RequestFeatures) => Float32Array })[] = [];
  for (const spec of tierSpecs) {
    const tier = trainSpec(spec, rows, authors)!;
    for (const stackKind of stacks) {
      if ((!kinds[0] || arg('kind-oof') === 'no') && (stackKind === 'prior' || stackKind === 'stackk')) continue;
      const t0 = Date.now();
      // Out-of-fold tier logits, after the stacked stage when there is one (fitted on the other authors' out-of-fold rows).
      const inputs = rows.map((r, i) => stackInputs(stackKind, tier.oof[i], baseKind.oof[i], ruleScores[i], r));
      let oofTier = tier.oof;
      let fullStack: Stack | undefined;
      if (stackKind !== 'none') {
        oofTier = rows.map(() => [0, 0]);
        for (const a of authors) {
          const fit = fitStack(inputs.filter((_, i) => (rows[i].author ?? 'own') !== a), rows.filter((r) => (r.author ?? 'own') !== a));
          rows.forEach((r, i) => { if ((r.author ?? 'own') === a) oofTier[i] = applyStack(fit, inputs[i]); });
        }
        fullStack = fitStack(inputs, rows);
        // For train.ts --stack= if the rule picks this variant.
        writeFileSync(join(cacheDir, `stack-${spec.variant}-${spec.lambda}-${stackKind}-${rows.length}.json`), JSON.stringify({ kind: stackKind, w0: [...fullStack.w0], w1: [...fullStack.w1] }));
      }
      const byKey = new Map(rows.map((r, i) => [keyOf(r.prompt, r.contextTokens), Float32Array.from([...oofTier[i], ...baseKind.oof[i]])]));
      const oofReader = (req: RouteRequest): Float32Array => byKey.get(keyOf(req.prompt, req.contextTokens ?? 0))!;
      const fullReader = (req: RouteRequest): Float32Array => {
        const k = fullLogits(baseKind, req);
        const l = fullLogits(tier, req);
        const z = fullStack ? applyStack(fullStack, stackInputs(stackKind as StackKind, l, k, scoreTaskKinds(req.prompt), { prompt: req.prompt, contextTokens: req.contextTokens ?? 0 })) : l;
        return Float32Array.from([...z, ...k]);
      };
      const variant = `${spec.variant}:${spec.lambda}:${stackKind}`;
      const size = variants[spec.variant].buckets;
      console.log(`\n## tier ${variant} (kind ${baseKind.spec.variant}:${baseKind.spec.lambda}; ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      setLogitsReaderForTraining(oofReader);
      try {
        for (const { label, knobs } of knobGrid()) {
          setDecisionKnobsForTraining(knobs);
          const verdicts = rows.map((r) => ({ tier: routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).tier }));
          const c = { label: `${variant} ${label}`, variant, size, stacked: stackKind !== 'none', knobs, reader: fullReader, ...scorePer(rows, authors, verdicts) };
          candidates.push(c);
          console.log(`${label}: ${fmt(c)}${meetsFoldLimits(c) ? '' : ' · outside the fold limits'}`);
        }
      } finally {
        setLogitsReaderForTraining(undefined);
        setDecisionKnobsForTraining(undefined);
      }
    }
  }
  const safe = (c: (typeof candidates)[number]): boolean => {
    setLogitsReaderForTraining(c.reader);
    setDecisionKnobsForTraining(c.knobs);
    try {
      const fails = safetyFailures({ calibration: false });
      console.log(`safety of ${c.label}: ${fails.length ? fails.join('; ') : 'pass'}`);
      return fails.length === 0;
    } finally {
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
    }
  };
  if (candidates.length && process.argv.includes('--no-safety')) {
    const best = new Map<string, (typeof candidates)[number]>();
    for (const c of candidates.filter(meetsFoldLimits)) if (!best.has(c.variant) || tierObjective(c) > tierObjective(best.get(c.variant)!)) best.set(c.variant, c);
    console.log('\nbest within the fold limits per variant (safety NOT checked):');
    for (const [v, c] of best) console.log(`  ${v}: ${c.label} · ${fmt(c)}`);
  } else if (candidates.length) {
    const { chosen, perVariant } = applyRule7(candidates, safe);
    console.log('\nbest admissible setting per variant:');
    for (const [v, c] of perVariant) console.log(`  ${v}: ${c.label} · ${fmt(c)}`);
    console.log(`\nSESSION 7 RULE, tier: ${chosen ? `${chosen.label} · ${fmt(chosen)}` : 'none admissible'}`);
  }
  // Kind variants: each kind spec's out-of-fold kind with the kind-rule weights; safety with the all-rows model.
  for (const kind of arg('kind-oof') === 'no' ? [] : kinds) {
    for (const kindRuleWeight of (arg('kind-weights') ?? '0,0.5,0.75,1').split(',').map(Number)) {
      const byKey = new Map(rows.map((r, i) => [keyOf(r.prompt, r.contextTokens), Float32Array.from([0, 0, ...kind.oof[i]])]));
      setLogitsReaderForTraining((req) => byKey.get(keyOf(req.prompt, req.contextTokens ?? 0))!);
      setDecisionKnobsForTraining({ ...shippedKnobs, kindRuleWeight });
      const verdicts = rows.map((r) => ({ tier: 'small' as const, kind: routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).kind }));
      const kindFolds = arg('kind-folds')?.split(',').filter(Boolean);
      const scored = kindFolds ? rows.map((r, i) => i).filter((i) => kindFolds.includes(rows[i].author ?? 'own')) : rows.map((_, i) => i);
      const { all, per } = scorePer(scored.map((i) => rows[i]), kindFolds ? authors.filter((a) => kindFolds.includes(a)) : authors, scored.map((i) => verdicts[i]));
      setLogitsReaderForTraining((req) => Float32Array.from([5, 5, ...fullLogits(kind, req)]));
      const kindFails = safetyFailures({ calibration: true }).filter((f) => /kind|calibration/.test(f));
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
      const byLang = scoreByLanguage(scored.map((i) => rows[i]), scored.map((i) => verdicts[i]));
      console.log(`  by language: ${[...byLang.byLang].map(([l, x]) => `${l} ${pct(x.kindAccuracy)}`).join(' ')}`);
      console.log(`kind ${kind.spec.variant}:${kind.spec.lambda} rule weight ${kindRuleWeight}: mean-indep ${pct(kindObjective(per))} pooled ${pct(all.kindAccuracy)} · ${[...per].filter(([a]) => isIndependent(a) || a === 'own').map(([a, s]) => `${a} ${pct(s.kindAccuracy)}`).join(' ')} · safety (kind checks) ${kindFails.length ? kindFails.join('; ') : 'pass'}`);
    }
  }
}

if (require.main === module) main();
