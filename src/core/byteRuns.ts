// Comparing runs of bytes four at a time: the hot checks of the Codex reader (a line's first bytes, a line template's
// bytes between its values) compared a byte per loop turn, ~3 ns a byte; unaligned 32-bit reads through a DataView
// (compiled by V8 to plain loads) take a quarter of the turns (docs/benchmarks.md, cold scan session 10).

/** A DataView of the whole of `buf`. The last one is kept: a scan compares thousands of lines of one read buffer. */
export function viewOf(buf: Uint8Array): DataView {
  if (buf === lastBuffer) return lastView;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // A buffer grown for a multi-MB line is not kept alive by this cache after its read.
  if (buf.byteLength <= keptBytes) {
    lastBuffer = buf;
    lastView = view;
  }
  return view;
}
const keptBytes = 4 * 1024 * 1024;
let lastBuffer: Uint8Array | undefined;
let lastView: DataView = new DataView(new ArrayBuffer(0));

/** Whether `a[aAt, aAt + length)` and `b[bAt, bAt + length)` hold the same bytes (both ranges must be in bounds). */
export function sameBytes(a: Uint8Array, aView: DataView, aAt: number, b: Uint8Array, bView: DataView, bAt: number, length: number): boolean {
  let k = 0;
  for (; k + 4 <= length; k += 4) if (aView.getInt32(aAt + k, true) !== bView.getInt32(bAt + k, true)) return false;
  for (; k < length; k++) if (a[aAt + k] !== b[bAt + k]) return false;
  return true;
}

/** A constant run of bytes to look for at a place (`bytesAt`). */
export interface ByteRun {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;
}

export function byteRun(text: string): ByteRun {
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), length: bytes.length };
}

/** Whether `buf[at, end)` starts with `run`. */
export function bytesAt(buf: Uint8Array, at: number, end: number, run: ByteRun): boolean {
  return at + run.length <= end && sameBytes(buf, viewOf(buf), at, run.bytes, run.view, 0, run.length);
}

/**
 * Index of the first byte at or after `i` (before `end`) that may end a run of plain string bytes: a quote, a
 * backslash or a control byte — or a few bytes before `end`. Four bytes at a time (a word with none of them is
 * passed whole): most of a Claude Code transcript's bytes are long strings (tool output, code), which a byte loop
 * checked one at a time (docs/benchmarks.md, cold scan session 11).
 */
export function plainRunEnd(buf: Uint8Array, i: number, end: number): number {
  const view = viewOf(buf);
  for (; i + 4 <= end; i += 4) {
    const w = view.getInt32(i, true);
    // A byte below 0x20, or equal to 0x22 or 0x5c (the "has a byte less than / equal to" word tricks: exact as
    // to whether any byte is one, which is all that is asked here).
    const quotes = w ^ 0x22222222;
    const backslashes = w ^ 0x5c5c5c5c;
    if ((((w - 0x20202020) & ~w) | ((quotes - 0x01010101) & ~quotes) | ((backslashes - 0x01010101) & ~backslashes)) & 0x80808080) return i;
  }
  return i;
}
