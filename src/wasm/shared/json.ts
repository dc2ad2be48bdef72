// AssemblyScript, imported by the kernels in src/wasm/ (not a kernel itself: the build compiles only the files
// directly in src/wasm/). The JSON grammar of the field picker (src/core/fieldPicker.ts) as both kernels validate
// with it: one copy, so a fix to the grammar reaches both.

export const quote: u32 = 0x22;
export const backslash: u32 = 0x5c;
export const colon: u32 = 0x3a;
export const comma: u32 = 0x2c;
export const openBrace: u32 = 0x7b;
export const closeBrace: u32 = 0x7d;
export const openBracket: u32 = 0x5b;
export const newline: u32 = 0x0a;

// jsonText.ts's bounds, with a margin: a line near them is handed back (the JavaScript picker decides).
export const maxDepth: i32 = 200;
export const maxContainers: i32 = 900000;

/** Open containers' kinds by depth (skipValue). */
const openKinds = memory.data(264);

/** Containers seen on the line being read (each kernel resets it per line), and whether the last string had an escape. */
export let containers: i32 = 0;
export let sawEscape: bool = false;

@inline export function isSpace(b: u32): bool {
  return b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09;
}

export function skipSpace(i: i32, end: i32): i32 {
  while (i < end && isSpace(load<u8>(i))) i++;
  return i;
}

@inline export function isHex(b: u32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

@inline export function isSimpleEscape(b: u32): bool {
  return b == quote || b == backslash || b == 0x2f || b == 0x62 || b == 0x66 || b == 0x6e || b == 0x72 || b == 0x74;
}

/** Index past the valid JSON string whose quote is at `at`, or -1 (fieldPicker's validStringEnd). */
export function validStringEnd(at: i32, end: i32): i32 {
  sawEscape = false;
  let i = at + 1;
  const quotes = i8x16.splat(<i8>quote);
  const backslashes = i8x16.splat(<i8>backslash);
  const space = i8x16.splat(0x20);
  while (true) {
    // Sixteen bytes at a time while none is a quote, a backslash or a control byte.
    while (i + 16 <= end) {
      const v = v128.load(i);
      const hits = v128.or(v128.or(i8x16.eq(v, quotes), i8x16.eq(v, backslashes)), i8x16.lt_u(v, space));
      const mask = i8x16.bitmask(hits);
      if (mask != 0) {
        i += ctz<i32>(mask);
        break;
      }
      i += 16;
    }
    if (i >= end) return -1;
    const b: u32 = load<u8>(i);
    if (b == quote) return i + 1;
    if (b < 0x20) return -1;
    if (b == backslash) {
      sawEscape = true;
      if (++i >= end) return -1;
      const e: u32 = load<u8>(i);
      if (e == 0x75) {
        if (i + 4 >= end || !isHex(load<u8>(i + 1)) || !isHex(load<u8>(i + 2)) || !isHex(load<u8>(i + 3)) || !isHex(load<u8>(i + 4))) return -1;
        i += 4;
      } else if (!isSimpleEscape(e)) return -1;
    }
    i++;
  }
  return -1;
}

@inline export function isDigit(b: u32): bool {
  return b >= 0x30 && b <= 0x39;
}

export function digitsEnd(i: i32, end: i32): i32 {
  while (i < end && isDigit(load<u8>(i))) i++;
  return i;
}

export function literalEnd(i: i32, end: i32, word: u32, length: i32): i32 {
  // `word`: the literal's bytes after its first, little-endian.
  if (i + length > end) return -1;
  for (let k = 1; k < length; k++) {
    if (<u32>load<u8>(i + k) != ((word >> (<u32>(k - 1) * 8)) & 0xff)) return -1;
  }
  return i + length;
}

/** Index past a valid JSON number, `true`, `false` or `null` at `i`, or -1 (fieldPicker's scalarEnd). */
export function scalarEnd(i: i32, end: i32): i32 {
  const b: u32 = load<u8>(i);
  // "rue", "alse", "ull"
  if (b == 0x74) return literalEnd(i, end, 0x657572, 4);
  if (b == 0x66) return literalEnd(i, end, 0x65736c61, 5);
  if (b == 0x6e) return literalEnd(i, end, 0x6c6c75, 4);
  if (b == 0x2d) i++;
  if (i >= end) return -1;
  const d: u32 = load<u8>(i);
  if (d == 0x30) i++;
  else if (isDigit(d)) i = digitsEnd(i + 1, end);
  else return -1;
  if (i < end && load<u8>(i) == 0x2e) {
    const from = i + 1;
    i = digitsEnd(from, end);
    if (i == from) return -1;
  }
  if (i < end && (load<u8>(i) == 0x65 || load<u8>(i) == 0x45)) {
    i++;
    if (i < end && (load<u8>(i) == 0x2b || load<u8>(i) == 0x2d)) i++;
    const from = i;
    i = digitsEnd(from, end);
    if (i == from) return -1;
  }
  return i;
}

/** Index past the member name and its colon, space included, or -1 (`i` at the name's quote). */
export function memberNameEnd(i: i32, end: i32): i32 {
  if (i >= end || load<u8>(i) != quote) return -1;
  i = validStringEnd(i, end);
  if (i == -1) return -1;
  i = skipSpace(i, end);
  return i < end && load<u8>(i) == colon ? skipSpace(i + 1, end) : -1;
}

/** Index past the valid JSON value at `i`, or -1; `depth` = containers around it (fieldPicker's skipValue). */
export function skipValue(i: i32, end: i32, depth: i32): i32 {
  const base = depth;
  while (true) {
    if (i >= end) return -1;
    const b: u32 = load<u8>(i);
    if (b == quote) i = validStringEnd(i, end);
    else if (b == openBrace || b == openBracket) {
      if (depth >= maxDepth || ++containers > maxContainers) return -1;
      store<u8>(openKinds + depth, <u8>b);
      depth++;
      i = skipSpace(i + 1, end);
      if (i >= end) return -1;
      if (<u32>load<u8>(i) == b + 2) {
        depth--;
        i++;
      } else {
        if (b == openBrace) i = memberNameEnd(i, end);
        if (i == -1) return -1;
        continue;
      }
    } else i = scalarEnd(i, end);
    if (i == -1) return -1;
    while (true) {
      if (depth == base) return i;
      i = skipSpace(i, end);
      if (i >= end) return -1;
      const kind: u32 = load<u8>(openKinds + depth - 1);
      const c: u32 = load<u8>(i);
      if (c == kind + 2) {
        depth--;
        i++;
        continue;
      }
      if (c != comma) return -1;
      i = skipSpace(i + 1, end);
      if (kind == openBrace) i = memberNameEnd(i, end);
      if (i == -1) return -1;
      break;
    }
  }
}

