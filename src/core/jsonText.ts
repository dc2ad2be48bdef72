// JSON text read as bytes, without building it: the line guards (nesting bounds) and the pruning of hostile
// nesting before JSON.parse. The field picker that reads a few fields of a log line without decoding the rest
// (fieldPicker.ts) walks the same bytes with the same bounds.

export const quote = 0x22;
export const backslash = 0x5c;
export const comma = 0x2c;
export const colon = 0x3a;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
const closeBracket = 0x5d;

/** Deeper nesting than this is no log line: `JSON.parse` of 10 million `[` costs 1.7 GB. */
export const MAX_JSON_DEPTH = 256;
/** More containers than this in one line are no log line either (each costs ~100 bytes parsed). */
export const MAX_JSON_CONTAINERS = 1_000_000;
// Lines this short cannot nest or branch far enough to matter; the bound checks are skipped for them.
const boundedScanFromBytes = 64 * 1024;

/** Index just past the string whose opening quote is at `at` (escapes skipped, not checked); -1 when it does not end before `end`. */
function stringEnd(buf: Buffer, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const b = buf[i];
    if (b === quote) return i + 1;
    if (b === backslash) i++;
  }
  return -1;
}

/** The next `[`, `{`, `]` or `}` at or after `from` that is not inside a string (`from` is outside one); -1 when none. */
function nextBracket(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const b = buf[i];
    if (b === quote) {
      i = stringEnd(buf, i, end) - 1;
      if (i < 0) return -1;
    } else if (b === openBracket || b === openBrace || b === closeBracket || b === closeBrace) return i;
  }
  return -1;
}

const isOpening = (b: number) => b === openBracket || b === openBrace;

/**
 * False when `buf[start, end)` nests deeper than MAX_JSON_DEPTH or opens more than
 * MAX_JSON_CONTAINERS arrays and objects (brackets inside strings do not count).
 */
export function isJsonShapeBounded(buf: Buffer, start: number, end: number): boolean {
  if (end - start < boundedScanFromBytes) return true;
  let depth = 0;
  let containers = 0;
  for (let i = nextBracket(buf, start, end); i !== -1; i = nextBracket(buf, i + 1, end)) {
    if (!isOpening(buf[i])) depth--;
    else if (++depth > MAX_JSON_DEPTH || ++containers > MAX_JSON_CONTAINERS) return false;
  }
  return true;
}

/** Index of the bracket closing the one at `open`, or -1 when it does not close before `end`. */
function matchingClose(buf: Buffer, open: number, end: number): number {
  let depth = 0;
  for (let i = nextBracket(buf, open, end); i !== -1; i = nextBracket(buf, i + 1, end)) {
    if (isOpening(buf[i])) depth++;
    else if (--depth === 0) return i;
  }
  return -1;
}

// Usage sits at depth 3 (line, message, usage) and its cache split at 4: containers deeper than
// this may be pruned without losing a bill.
const prunableFromDepth = 5;

/**
 * The line's JSON text with its shape bounded, for JSON.parse: a container nested deeper than
 * MAX_JSON_DEPTH, or any container below the usage level once MAX_JSON_CONTAINERS have been seen,
 * is replaced by `null` (a good line that carries a 100,000-deep tool result still counts; parsing
 * it whole would cost gigabytes). Undefined (malformed) when such a container never closes, or
 * when more than MAX_JSON_CONTAINERS sit at the usage level or above.
 */
export function boundedJsonText(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start < boundedScanFromBytes) return buf.toString('utf8', start, end);
  const pieces: string[] = [];
  let copyFrom = start;
  let depth = 0;
  let containers = 0;
  for (let i = nextBracket(buf, start, end); i !== -1; i = nextBracket(buf, i + 1, end)) {
    if (!isOpening(buf[i])) {
      depth--;
      continue;
    }
    depth++;
    containers++;
    // Too many containers next to the usage itself: no log line looks like that.
    if (containers > MAX_JSON_CONTAINERS && depth < prunableFromDepth) return undefined;
    if (depth > MAX_JSON_DEPTH || containers > MAX_JSON_CONTAINERS) {
      const close = matchingClose(buf, i, end);
      if (close === -1) return undefined;
      pieces.push(buf.toString('utf8', copyFrom, i), 'null');
      copyFrom = close + 1;
      i = close;
      depth--;
    }
  }
  pieces.push(buf.toString('utf8', copyFrom, end));
  return pieces.join('');
}
