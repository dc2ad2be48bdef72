/**
 * FNV-1a over a string's UTF-16 code units, 32 bits, unsigned: a fast hash fixed for good, so that features
 * hashed when a model was trained (core/routing/textFeatures.ts) and repeat keys (core/runaway/actions.ts)
 * are the same in every build.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * FNV-1a over 32-bit words, 32 bits, unsigned: a checksum of binary sections (the status rollup file, the ledger's
 * name section). Each step is a bijection of the running value, so any one changed word changes it; ~1 GB/s in plain
 * JS, no `node:zlib`.
 */
export function fnv1aWords(words: Int32Array | Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

/**
 * `h` run on by FNV-1a steps over `words[from, to)`, not finished (`>>> 0` when done): the one loop of every checksum
 * over the index's words (key table, names, file table), so that in a cold CLI, where a loop runs interpreted until V8
 * has compiled it, the first checksum of a save makes it fast for the others.
 */
export function fnvWordsStep(h: number, words: Uint32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h;
}

/** fnvWordsStep over bytes: `bytes[from, to)`. */
export function fnvBytesStep(h: number, bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}
