// The fingerprint of the bytes of a log already read (FileCursor.fingerprint): a later read checks it
// before trusting that the file only grew.

// The prefix is hashed whole up to this size; past it, sampled.
const wholeBytes = 64 * 1024;
const edgeBytes = 4096;
const samples = 32;
const sampleBytes = 512;

/** The byte ranges [from, to) of a prefix of `offset` bytes that its fingerprint hashes, in order. */
function fingerprintRanges(offset: number): Array<[number, number]> {
  if (offset <= wholeBytes) return [[0, offset]];
  const ranges: Array<[number, number]> = [[0, edgeBytes]];
  const span = offset - 2 * edgeBytes - sampleBytes;
  for (let i = 0; i < samples; i++) {
    const at = edgeBytes + Math.floor((span * (i + 0.5)) / samples);
    ranges.push([at, at + sampleBytes]);
  }
  ranges.push([offset - edgeBytes, offset]);
  return ranges;
}

function fnv1a(buf: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
  return (hash ^ length) >>> 0;
}

/** Reads `length` bytes of the file at `position` into `buf` at `offset`; returns how many were read. */
export type ReadAt = (buf: Buffer, offset: number, length: number, position: number) => number | Promise<number>;

/**
 * FNV-1a over the bytes before `offset`: all of them when there are at most 64 KB; else the first and
 * last 4 KB and 32 blocks of 512 bytes spread evenly in between (~24 KB read per check, whatever the
 * file size). A file deleted and recreated, truncated and regrown, or edited in place within the
 * hashed bytes no longer matches. Limit: an in-place edit of a large file that touches none of the
 * sampled blocks (and keeps the size) is not seen.
 */
export async function fingerprintAt(read: ReadAt, offset: number): Promise<number> {
  const ranges = fingerprintRanges(offset);
  const buf = Buffer.allocUnsafe(ranges.reduce((sum, [a, b]) => sum + b - a, 0));
  let filled = 0;
  for (const [from, to] of ranges) {
    const n = await read(buf, filled, to - from, from);
    filled += n;
    if (n < to - from) break;
  }
  return fnv1a(buf, filled);
}

let spareBytes: Buffer | undefined;

/**
 * Gathers the bytes a fingerprint hashes while a read from the start of a file passes them, for the
 * offset the read is expected to end at (the file's size): a file read whole then needs no second
 * read for its fingerprint (34 reads per file otherwise, on a cold scan of thousands).
 */
export class FingerprintSampler {
  private readonly ranges: Array<[number, number]>;
  private readonly bytes: Buffer;
  private seenUpTo = 0;

  constructor(readonly offset: number) {
    this.ranges = fingerprintRanges(offset);
    // One buffer reused file after file (a cold scan reads thousands), taken while in use.
    const length = this.ranges.reduce((sum, [a, b]) => sum + b - a, 0);
    const spare = spareBytes;
    spareBytes = undefined;
    this.bytes = spare !== undefined ? spare.subarray(0, length) : Buffer.allocUnsafe(wholeBytes).subarray(0, length);
  }

  /** Hands the buffer back for the next file's sampler; this one is done. */
  release(): void {
    spareBytes = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, wholeBytes);
  }

  /** `buf[at, at + length)` holds the file's bytes from `position`; reads come in file order. */
  see(buf: Buffer, at: number, length: number, position: number): void {
    if (position > this.seenUpTo) return;
    let slot = 0;
    for (const [from, to] of this.ranges) {
      const a = Math.max(from, position);
      const b = Math.min(to, position + length);
      if (a < b) buf.copy(this.bytes, slot + a - from, at + a - position, at + b - position);
      slot += to - from;
    }
    this.seenUpTo = Math.max(this.seenUpTo, position + length);
  }

  /** The fingerprint of the first `offset` bytes, when the read ended there having seen them all. */
  fingerprint(offset: number): number | undefined {
    return offset === this.offset && this.seenUpTo >= offset ? fnv1a(this.bytes, this.bytes.length) : undefined;
  }
}
