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
