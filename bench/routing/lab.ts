// Experiments with the model's features and training, by author cross-validation on the tuning set
// only (as cv.ts): each variant's out-of-fold logits go through the shipped router
// (`setLogitsReaderForTraining`), so its figures are those cv.ts would give with that layout, and the
// operating-point rule of cv.ts picks the penalty per variant. Nothing here is shipped.
// Run: npx tsx bench/routing/lab.ts --variant=base[,buckets15,…] [--heads=tier|kind] [--lambda=3e-6]
import type { Tier } from '../../src/core/router';
import { routeRequest } from '../../src/core/router';
import { setDecisionKnobsForTraining, shippedKnobs } from '../../src/core/routing/decisionKnobs';
import { denseFeatures, modelHeads, setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { analyzeRequest } from '../../src/core/routing/signals';
import { kindRuleScores } from '../../src/core/routing/kindRules';
import { lengthTaggedTokens, textTokens } from '../../src/core/routing/textFeatures';
import { applyRule } from './cvRule';
import { pct, scoreSet, type LabelledRow } from './score';
import { trainBlock } from './train';
import { loadTuningRows } from './tuneSet';

const kindOrder = modelHeads.slice(2).map((h) => h.replace('kind:', ''));

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Variant { buckets: number; tokens: (text: string) => string[]; shape: boolean }

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]{3,}|\p{Script=Hangul}{3,}/gu;
/** Character trigrams of CJK and Hangul runs (the shipped tokens stop at pairs). */
function cjkTrigrams(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(cjk)) {
    const c = [...m[0]];
    for (let i = 0; i + 3 <= c.length; i++) out.push(`t:${c.slice(i, i + 3).join('')}`);
  }
  return out;
}
/** Word trigrams over the shipped word tokens. */
function wordTrigrams(tokens: string[]): string[] {
  const words = tokens.filter((t) => t.startsWith('w:')).map((t) => t.slice(2));
  const out: string[] = [];
  for (let i = 0; i + 3 <= words.length; i++) out.push(`3:${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}
/** The first two words: what the request opens with (a question word, a verb). */
function opening(tokens: string[]): string[] {
  const words = tokens.filter((t) => t.startsWith('w:') || t.startsWith('c:')).slice(0, 2).map((t) => t.slice(2));
  return words.length ? [`o1:${words[0]}`, `o2:${words.join(' ')}`] : [];
}

/** Where a word sits: the first four and the last three tokens of the prose (a request's verb is at one end). */
function ends(tokens: string[]): string[] {
  const words = tokens.filter((t) => t.startsWith('w:') || t.startsWith('b:'));
  return [...words.slice(0, 4).map((t) => `f${t}`), ...words.slice(-3).map((t) => `l${t}`)];
}

/** The script of the prose, as a token (a per-language bias). */
function script(text: string): string[] {
  if (/[\u3040-\u30ff]/.test(text)) return ['s:ja'];
  if (/[\uac00-\ud7af]/.test(text)) return ['s:ko'];
  if (/[\u4e00-\u9fff]/.test(text)) return ['s:zh'];
  if (/[\u0400-\u04ff]/.test(text)) return ['s:ru'];
  return ['s:latin'];
}

/**
 * Session 12 tier variant `depth15` (compared by cvRule.ts; not kept: most of its settings failed
 * safety.ts on "帮我找出这个死锁" and its best admissible one was below len15's): how much a request
 * carries besides its words — sentences, identifiers, paths, list items, numbers, code blocks, a closing question
 * mark — each alone and tagged with the length bin of `lengthTaggedTokens`, so that a short one-sentence question
 * with an alarm word ("is this OAuth callback safe?") can read apart from a request that spells out real depth.
 * Language-independent: only punctuation, layout and ASCII identifiers are read.
 */
function depthTokens(text: string, tokens: readonly string[]): string[] {
  const head = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const codeBlocks = (head.match(/```/g) ?? []).length >> 1;
  const prose = head.replace(/```[\s\S]*?(?:```|$)/g, ' ');
  const sentences = prose.split(/[.!?。！？\n]+/).filter((s) => /\p{L}/u.test(s)).length;
  const identifiers = (prose.match(/\b[a-z]+[A-Z]\w*|\b\w+_\w+\b|\w+\(\)/g) ?? []).length;
  const path = /[\w-]+\/[\w./-]+|\b\w+\.(?:ts|js|py|go|rs|java|tsx|jsx|json|ya?ml|md|sql|c|cpp|h|kt|swift|cs|rb|php|toml)\b/.test(prose);
  const listItems = (prose.match(/^\s*(?:[-*•]|\d+[.)、])\s/gm) ?? []).length;
  const numbers = (prose.match(/\d+/g) ?? []).length;
  const question = /[?？]\s*$/.test(prose.trim()) ? 'q1' : 'q0';
  let n = 0;
  for (const t of tokens) if (t.startsWith('w:') || t.startsWith('c:')) n++;
  const len = n <= 12 ? 's' : n <= 40 ? 'm' : 'l';
  const parts = [
    `s${sentences <= 1 ? 1 : sentences <= 3 ? 2 : 4}`, `i${identifiers === 0 ? 0 : identifiers <= 2 ? 1 : 3}`, question,
    `n${numbers === 0 ? 0 : numbers <= 2 ? 1 : 3}`, `k${codeBlocks === 0 ? 0 : 1}`,
    ...(path ? ['path'] : []), ...(listItems >= 2 ? [listItems >= 4 ? 'list4' : 'list2'] : []),
  ];
  return parts.flatMap((p) => [`d:${p}`, `d:${len}${p}`]);
}

/**
 * Session 12 kind variant `krule`: the kind rules (with session 11's extra rules) as tokens the kind head reads and
 * weighs itself, one per kind the rules score and more as the score grows, instead of a fixed weight on the logits.
 */
function ruleTokens(text: string): string[] {
  const out: string[] = [];
  for (const [kind, score] of kindRuleScores(text, true)) {
    if (score <= 0) continue;
    out.push(`r:${kind}`);
    if (score >= 3.75) out.push(`r2:${kind}`);
    if (score >= 7.5) out.push(`r3:${kind}`);
  }
  return out;
}

export const variants: Record<string, Variant> = {
  // len15: the shipped tier features since session 10 (textFeatures.ts `headTokenHashes`).
  len15: { buckets: 1 << 15, tokens: (t) => { const x = textTokens(t); return [...x, ...lengthTaggedTokens(x)]; }, shape: false },
  script15: { buckets: 1 << 15, tokens: (t) => [...textTokens(t), ...script(t)], shape: false },
  b17: { buckets: 1 << 17, tokens: textTokens, shape: false },
  c15: { buckets: 1 << 15, tokens: (t) => [...textTokens(t), ...cjkTrigrams(t)], shape: false },
  c16: { buckets: 1 << 16, tokens: (t) => [...textTokens(t), ...cjkTrigrams(t)], shape: false },
  ends: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...ends(x)]; }, shape: false },
  endsc: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...ends(x), ...cjkTrigrams(t)]; }, shape: false },
  ends15: { buckets: 1 << 15, tokens: (t) => { const x = textTokens(t); return [...x, ...ends(x)]; }, shape: false },
  base: { buckets: 1 << 13, tokens: textTokens, shape: false },
  b14: { buckets: 1 << 14, tokens: textTokens, shape: false },
  b15: { buckets: 1 << 15, tokens: textTokens, shape: false },
  b16: { buckets: 1 << 16, tokens: textTokens, shape: false },
  cjk3: { buckets: 1 << 13, tokens: (t) => [...textTokens(t), ...cjkTrigrams(t)], shape: false },
  // Session 11 kind variants: the kind head reading the length-tagged words too (as the tier heads since session 10:
  // a very short request carries weights of its own), alone and with the CJK trigrams.
  klen: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...lengthTaggedTokens(x)]; }, shape: false },
  klenc: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...lengthTaggedTokens(x), ...cjkTrigrams(t)]; }, shape: false },
  // Session 12: the tier heads reading how much a request carries besides its words (`depthTokens` above),
  // and the kind head reading the kind rules as tokens.
  depth15: { buckets: 1 << 15, tokens: (t) => { const x = textTokens(t); return [...x, ...lengthTaggedTokens(x), ...depthTokens(t, x)]; }, shape: false },
  krule: { buckets: 1 << 13, tokens: (t) => [...textTokens(t), ...ruleTokens(t)], shape: false },
  w3: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...wordTrigrams(x)]; }, shape: false },
  open: { buckets: 1 << 13, tokens: (t) => { const x = textTokens(t); return [...x, ...opening(x)]; }, shape: false },
  shape: { buckets: 1 << 13, tokens: textTokens, shape: true },
  all15: { buckets: 1 << 15, tokens: (t) => { const x = textTokens(t); return [...x, ...cjkTrigrams(t), ...opening(x)]; }, shape: true },
};

/** Request shape: question marks, sentences, lines, identifiers, paths, lists; as 0/1 bins. */
function shapeFeatures(prompt: string): number[] {
  const prose = prompt.replace(/```[\s\S]*?(?:```|$)/g, ' ');
  const sentences = prose.split(/[.!?。！？\n]+/).filter((s) => s.trim()).length;
  const identifiers = (prose.match(/\b[a-z]+[A-Z]\w*|\b\w+_\w+\b|\w+\(\)/g) ?? []).length;
  const paths = (prose.match(/[\w-]+\/[\w./-]+|\b\w+\.(?:ts|js|py|go|rs|java|tsx|json|yaml|yml|md|sql|c|cpp|h)\b/g) ?? []).length;
  const q = /[?？]\s*$/.test(prose.trim()) ? 1 : 0;
  const lines = prompt.split('\n').length;
  return [q, sentences <= 1 ? 1 : 0, sentences >= 4 ? 1 : 0, identifiers === 0 ? 1 : 0, identifiers >= 3 ? 1 : 0, paths > 0 ? 1 : 0, lines >= 10 ? 1 : 0, /^\s*(?:[-*]|\d+[.)])\s/m.test(prose) ? 1 : 0];
}

export interface Example { index: Int32Array; value: Float32Array; dense: Float32Array; tier: Tier; kind: number }

export function toExample(r: LabelledRow, v: Variant): Example {
  const req = { prompt: r.prompt, contextTokens: r.contextTokens };
  const counts = new Map<number, number>();
  for (const t of v.tokens(r.prompt)) {
    const h = fnv1a(t);
    counts.set(h % v.buckets, (counts.get(h % v.buckets) ?? 0) + (h & 0x80000000 ? -1 : 1));
  }
  const index = Int32Array.from(counts.keys());
  const value = Float32Array.from([...counts.values()].map((c) => (c === 0 ? 0 : Math.sign(c) * (1 + Math.log(Math.abs(c))))));
  const norm = Math.sqrt(value.reduce((s, x) => s + x * x, 0)) || 1;
  for (let i = 0; i < value.length; i++) value[i] /= norm;
  const dense = denseFeatures(analyzeRequest(req), req);
  return { index, value, dense: v.shape ? Float32Array.from([...dense, ...shapeFeatures(r.prompt)]) : dense, tier: r.tier, kind: r.kind ? kindOrder.indexOf(r.kind) : -1 };
}

export function logitsOf(e: Example, w: Float32Array, buckets: number, H: number): number[] {
  const out: number[] = [];
  const width = buckets + e.dense.length;
  for (let h = 0; h < H; h++) {
    let s = 0;
    const row = h * width;
    for (let i = 0; i < e.index.length; i++) s += w[row + e.index[i]] * e.value[i];
    for (let j = 0; j < e.dense.length; j++) s += w[row + buckets + j] * e.dense[j];
    out.push(s);
  }
  return out;
}

function main(): void {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const heads = (arg('heads') ?? 'tier') as 'tier' | 'kind';
  const lambda = Number(arg('lambda') ?? 3e-6);
  const iterations = Number(arg('iterations') ?? 300);
  const rows = loadTuningRows();
  const authors = [...new Set(rows.map((r) => r.author ?? 'own'))].sort();
  for (const name of (arg('variant') ?? 'base').split(',')) {
    const v = variants[name];
    const t0 = Date.now();
    const examples = rows.map((r) => toExample(r, v));
    const oof = new Map<LabelledRow, number[]>();
    for (const a of authors) {
      const without = arg('train-without');
      const train = examples.filter((_, i) => rows[i].author !== a && (a === without || rows[i].author !== without));
      const w = trainBlock({ text: train, dense: train.map((e) => e.dense), tier: train.map((e) => e.tier), kind: train.map((e) => e.kind), buckets: v.buckets, heads }, lambda, iterations, 0.05);
      rows.forEach((r, i) => { if (r.author === a) oof.set(r, logitsOf(examples[i], w, v.buckets, heads === 'tier' ? 2 : kindOrder.length)); });
    }
    const byPrompt = new Map(rows.map((r) => [`${r.contextTokens}\u0000${r.prompt}`, oof.get(r)!]));
    setLogitsReaderForTraining((req) => {
      const l = byPrompt.get(`${req.contextTokens ?? 0}\u0000${req.prompt}`)!;
      return Float32Array.from(heads === 'tier' ? [...l, ...kindOrder.map(() => 0)] : [0, 0, ...l]);
    });
    try {
      console.log(`\n## ${name} (${heads}, lambda ${lambda}, ${iterations} steps; ${rows.length} rows, ${authors.length} authors; ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      if (heads === 'kind') {
        for (const kindRuleWeight of [0, 0.5, 1]) {
          setDecisionKnobsForTraining({ ...shippedKnobs, kindRuleWeight });
          const kinds = rows.map((r) => routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).kind);
          const per = authors.map((a) => { const idx = rows.map((r, i) => (r.author === a ? i : -1)).filter((i) => i >= 0 && rows[i].kind); return `${a} ${pct(idx.filter((i) => kinds[i] === rows[i].kind).length / idx.length)}`; });
          const all = rows.map((r, i) => (r.kind ? (kinds[i] === r.kind ? 1 : 0) : -1)).filter((x) => x >= 0);
          console.log(`kind rule weight ${kindRuleWeight}: kind ${pct(all.reduce((s: number, x) => s + x, 0) / all.length)} · ${per.join(', ')}`);
          if (arg('dump') && kindRuleWeight === 1) {
            const pairs = new Map<string, number>();
            rows.forEach((r, i) => { if (r.kind && r.kind !== kinds[i]) pairs.set(`${r.kind} -> ${kinds[i]}`, (pairs.get(`${r.kind} -> ${kinds[i]}`) ?? 0) + 1); });
            console.log(`confusions: ${[...pairs].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, n]) => `${k} ${n}`).join(', ')}`);
            require('node:fs').writeFileSync(arg('dump')!, rows.map((r, i) => (r.kind && r.kind !== kinds[i] ? `${r.author}\t${r.lang}\t${r.kind}->${kinds[i]}\t${r.prompt.slice(0, 160).replace(/\s+/g, ' ')}` : '')).filter(Boolean).join('\n'));
          }
        }
        continue;
      }
      const settings = (arg('penalties') ?? '2,3,4,5,6,8,10').split(',').map(Number).flatMap((balanced) =>
        (process.argv.includes('--caution') ? [[true, 0.35], [false, 0]] as const : [[true, 0.35]] as const).flatMap(([ruleCaution, hardTopicFloor]) =>
          (arg('large-scales') ?? '1').split(',').map(Number).map((largeMissScale) => ({ balanced, ruleCaution, hardTopicFloor, largeMissScale }))));
      const results = settings.map(({ balanced, ruleCaution, hardTopicFloor, largeMissScale }) => {
        setDecisionKnobsForTraining({ ...shippedKnobs, ruleCaution, hardTopicFloor, largeMissScale, downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced } });
        const verdicts = rows.map((r) => ({ tier: routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).tier }));
        const per = new Map(authors.map((a) => {
          const idx = rows.map((r, i) => (r.author === a ? i : -1)).filter((i) => i >= 0);
          return [a, scoreSet(idx.map((i) => rows[i]), idx.map((i) => verdicts[i]))] as const;
        }));
        return { label: `penalty ${balanced} caution ${ruleCaution} floor ${hardTopicFloor} largeScale ${largeMissScale}`, all: scoreSet(rows, verdicts), per };
      });
      for (const r of results) console.log(`${r.label}: FD ${pct(r.all.falseDowngradeRate)} share ${pct(r.all.shareOfOracle)} acc ${pct(r.all.accuracy)} · ${[...r.per].map(([a, s]) => `${a} ${pct(s.falseDowngradeRate)}/${pct(s.shareOfOracle)}`).join(', ')}`);
      const chosen = applyRule(results);
      if (arg('dump') && chosen) {
        const [, p, , c, , fl, , ls] = chosen.label.split(' ');
        setDecisionKnobsForTraining({ ...shippedKnobs, ruleCaution: c === 'true', hardTopicFloor: Number(fl), largeMissScale: Number(ls), downgradePenalty: { ...shippedKnobs.downgradePenalty, balanced: Number(p) } });
        const lines = rows.map((r) => {
          const a = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens });
          return a.tier === r.tier ? '' : `${r.author}\t${r.lang}\t${r.tier}->${a.tier}\t${r.kind}\t${a.needProbability?.small.toFixed(2)}\t${r.prompt.slice(0, 160).replace(/\s+/g, ' ')}`;
        }).filter(Boolean);
        require('node:fs').writeFileSync(arg('dump')!, `${lines.join('\n')}\n`);
      }
      console.log(`rule: ${chosen ? `${chosen.label}, share ${pct(chosen.all.shareOfOracle)}, FD ${pct(chosen.all.falseDowngradeRate)}` : 'none'}`);
    } finally {
      setLogitsReaderForTraining(undefined);
      setDecisionKnobsForTraining(undefined);
    }
  }
}

if (require.main === module) main();
