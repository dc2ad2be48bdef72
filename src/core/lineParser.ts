import type { LineOutcome, ParsedUsage } from './usageEvent';

/** Counts of what a parse saw; malformed lines are skipped, counted and reported, never fatal. */
export interface LineTally {
  lines: number;
  usageLines: number;
  malformedLines: number;
}

export function emptyTally(): LineTally {
  return { lines: 0, usageLines: 0, malformedLines: 0 };
}

const newline = 0x0a;
const openBrace = 0x7b;
const closeBrace = 0x7d;

function isTrailingSpace(byte: number): boolean {
  return byte === 0x0d || byte === 0x20 || byte === 0x09;
}

/** Trims `\r` and blanks; returns the exclusive end of the line's content. */
function contentEnd(buf: Buffer, start: number, end: number): number {
  while (end > start && isTrailingSpace(buf[end - 1])) end--;
  return end;
}

function looksLikeJsonObject(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 2 && buf[start] === openBrace && buf[end - 1] === closeBrace;
}

/** Deeper nesting than this is no log line: `JSON.parse` of 10 million `[` costs 1.7 GB. */
export const MAX_JSON_DEPTH = 256;
/** More containers than this in one line are no log line either (each costs ~100 bytes parsed). */
export const MAX_JSON_CONTAINERS = 1_000_000;
// Lines this short cannot nest or branch far enough to matter; the scan is skipped for them.
const boundedScanFromBytes = 64 * 1024;

/**
 * False when `buf[start, end)` nests deeper than MAX_JSON_DEPTH or opens more than
 * MAX_JSON_CONTAINERS arrays and objects (brackets inside strings do not count).
 */
export function isJsonShapeBounded(buf: Buffer, start: number, end: number): boolean {
  if (end - start < boundedScanFromBytes) return true;
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > MAX_JSON_DEPTH || ++containers > MAX_JSON_CONTAINERS) return false;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return true;
}

/** Index of the bracket closing the one at `open`, or -1 when it does not close before `end`. */
function matchingClose(buf: Buffer, open: number, end: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < end; i++) {
    const b = buf[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) depth++;
    else if ((b === 0x5d || b === 0x7d) && --depth === 0) return i;
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
  let inString = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
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
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  pieces.push(buf.toString('utf8', copyFrom, end));
  return pieces.join('');
}

/** The line parsed as JSON with its shape bounded (see boundedJsonText); undefined when it is not JSON. */
export function parseJson(buf: Buffer, start: number, end: number): unknown {
  const text = boundedJsonText(buf, start, end);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}


/**
 * Walks the complete lines in `buf[start, end)` (the range must end at a line
 * boundary or at the end of a complete last line), counts them, and hands each
 * line that looks like a JSON object to `read`, which may decline it unparsed.
 */
export function forEachLine(buf: Buffer, start: number, end: number, tally: LineTally, sink: (usage: ParsedUsage) => void, read: (lineStart: number, stop: number) => LineOutcome): void {
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = buf.indexOf(newline, lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const stop = contentEnd(buf, lineStart, lineEnd);
    if (stop > lineStart) {
      tally.lines++;
      const outcome = looksLikeJsonObject(buf, lineStart, stop) ? read(lineStart, stop) : 'malformed';
      if (outcome === 'malformed') tally.malformedLines++;
      else if (outcome !== 'not-usage') {
        tally.usageLines++;
        sink(outcome);
      }
    }
    lineStart = lineEnd + 1;
  }
}
