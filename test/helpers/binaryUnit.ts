// fast-check's `unit: 'binary'` (any code point but a lone surrogate), made without its start-up cost.
//
// fast-check 4 builds that unit with mapToConstant over the code points 0..0xD7FF and 0xE000..0x10FFFF. Its
// unmapper is a Map from every one of those 1,112,064 characters back to its index, built the first time fc.string()
// splits its "dangerous strings" (`__proto__`, `constructor`...) into units: ~2 s of CPU, once per process, paid when
// a test file loads if it makes such a string at module level. This is the same nat and the same mapping, with the
// index computed instead of looked up: it generates and shrinks the same strings for the same seed
// (test/stress/binaryUnit.test.ts compares the two).
import fc from 'fast-check';

const surrogates = 0xe000 - 0xd800;

/** The index fast-check's binary unit gives a one-code-point string; throws, as its unmapper does, on anything else. */
function indexOf(value: unknown): number {
  if (typeof value === 'string') {
    const codePoint = value.codePointAt(0);
    if (codePoint !== undefined && String.fromCodePoint(codePoint) === value && (codePoint < 0xd800 || codePoint >= 0xe000)) return codePoint < 0xd800 ? codePoint : codePoint - surrogates;
  }
  throw new Error('Unknown value');
}

export const binaryUnit: fc.Arbitrary<string> = fc.nat({ max: 0x10ffff - surrogates }).map((i) => String.fromCodePoint(i < 0xd800 ? i : i + surrogates), indexOf);
