import { fnv1a } from '../fnv1a';

/**
 * Words of a request as hashed features for the learned routing model, in any script: Latin and
 * Cyrillic words with their character 3- to 5-grams (so inflections and compounds share features),
 * Chinese and Japanese runs as character 1- and 2-grams, Korean words and their syllable pairs.
 * Training (`bench/routing/train.ts`) and the extension use this same function.
 */

/** What the tier heads read (modelData.ts names it; data trained on other features is not used). */
export const tierFeatureSet = 'words+lengthTagged';

/** Size of the hashed feature space of the tier heads. */
export const hashBuckets = 1 << 15;
/** The kind heads read the same tokens hashed into fewer buckets (the low bits of the same hash). */
export const kindHashBuckets = 1 << 13;

// Prose says what is asked; a long paste says little more after its first lines.
const proseChars = 2_000;
const codeChars = 400;

const tokenPattern = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+|\p{Script=Hangul}+|[\p{L}\p{N}_]+|==|!=|[?？]/gu;
const cjkRun = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;
const hangulRun = /^\p{Script=Hangul}/u;

/** The text the model reads: prose first, then the start of any pasted code. */
export function modelText(text: string): string {
  const head = text.length > 20_000 ? text.slice(0, 20_000) : text;
  let code = '';
  const prose = head.replace(/```[^\n]*\n?([\s\S]*?)(?:```|$)/g, (_, body: string) => {
    if (code.length < codeChars) code += ` ${body.slice(0, codeChars - code.length)}`;
    return ' ';
  });
  return `${prose.slice(0, proseChars)} ${code}`.normalize('NFKC').toLowerCase();
}

/** Feature names of a text (before hashing); exported for tests. */
export function textTokens(text: string): string[] {
  const out: string[] = [];
  let previousWord = '';
  for (const match of modelText(text).matchAll(tokenPattern)) {
    const t = match[0];
    if (cjkRun.test(t)) {
      const chars = [...t];
      for (let i = 0; i < chars.length; i++) {
        out.push(`c:${chars[i]}`);
        if (i + 1 < chars.length) out.push(`b:${chars[i]}${chars[i + 1]}`);
      }
      previousWord = '';
      continue;
    }
    if (hangulRun.test(t)) {
      const chars = [...t];
      out.push(`w:${t}`);
      for (let i = 0; i + 1 < chars.length; i++) out.push(`b:${chars[i]}${chars[i + 1]}`);
      previousWord = '';
      continue;
    }
    const word = /^\d+$/.test(t) ? '#' : t;
    out.push(`w:${word}`);
    if (previousWord) out.push(`p:${previousWord} ${word}`);
    previousWord = word;
    if (word.length >= 4) {
      const padded = [...`<${word}>`];
      for (let n = 3; n <= 5; n++) {
        for (let i = 0; i + n <= padded.length; i++) out.push(`g:${padded.slice(i, i + n).join('')}`);
      }
    }
  }
  return out;
}

/**
 * The tier heads' extra features: each word and character pair again, tagged with the request's length
 * (short up to 12 words or CJK characters, medium up to 40, long), so a very short request can carry weights
 * of its own: "帮我找出这个死锁" (find this deadlock) is seven characters and all of it is the request.
 * Chosen by author cross-validation (bench/routing/cvRule.ts, session 10: variant `len15`).
 */
export function lengthTaggedTokens(tokens: readonly string[]): string[] {
  let n = 0;
  for (const t of tokens) if (t.startsWith('w:') || t.startsWith('c:')) n++;
  const bin = n <= 12 ? 's' : n <= 40 ? 'm' : 'l';
  const out: string[] = [];
  for (const t of tokens) if (t.startsWith('w:') || t.startsWith('b:')) out.push(`${bin}${t}`);
  return out;
}

/** Hashes of a text's tokens (FNV-1a); bucket = hash mod buckets, sign = top bit. */
export function tokenHashes(text: string): Uint32Array {
  return Uint32Array.from(textTokens(text), fnv1a);
}

/** Hashes the two head groups read: the kind heads the text's tokens, the tier heads those and the length-tagged ones. */
export function headTokenHashes(text: string): { tier: Uint32Array; kind: Uint32Array } {
  const tokens = textTokens(text);
  const tagged = lengthTaggedTokens(tokens);
  const tier = new Uint32Array(tokens.length + tagged.length);
  for (let i = 0; i < tokens.length; i++) tier[i] = fnv1a(tokens[i]);
  for (let i = 0; i < tagged.length; i++) tier[tokens.length + i] = fnv1a(tagged[i]);
  return { tier, kind: tier.subarray(0, tokens.length) };
}

export interface SparseVector { index: Int32Array; value: Float32Array }

/** Sparse hashed vector: sublinear counts with a hash sign, L2-normalised. */
export function hashedFeatures(text: string | Uint32Array, buckets = hashBuckets): SparseVector {
  const counts = new Map<number, number>();
  for (const h of typeof text === 'string' ? tokenHashes(text) : text) {
    const bucket = h % buckets;
    const sign = h & 0x80000000 ? -1 : 1;
    counts.set(bucket, (counts.get(bucket) ?? 0) + sign);
  }
  const index = new Int32Array(counts.size);
  const value = new Float32Array(counts.size);
  let norm = 0;
  let i = 0;
  for (const [bucket, c] of counts) {
    const v = c === 0 ? 0 : Math.sign(c) * (1 + Math.log(Math.abs(c)));
    index[i] = bucket;
    value[i] = v;
    norm += v * v;
    i++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < value.length; j++) value[j] /= norm;
  return { index, value };
}
