import { boundedJsonText } from './jsonText';
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
