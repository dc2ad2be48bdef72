// The fingerprint of the bytes of a log already read (FileCursor.fingerprint): a later read checks it
// before trusting that the file only grew.

// The prefix is hashed whole up to this size; past it, sampled.
const wholeBytes = 64 * 1024;
const edgeBytes = 4096;
const samples = 32;
const sampleBytes = 512;

/** The most ranges a fingerprint hashes: the two edges and the samples between. */
const maxRanges = samples + 2;

/**
 * Writes the byte ranges [from, to) of a prefix of `offset` bytes that its fingerprint hashes, in order, into
 * `bounds` as from, to, from, to...; returns how many. Flat, in a reused array: a cold scan asks for thousands.
 */
function fillRanges(offset: number, bounds: Float64Array): number {
  if (offset <= wholeBytes) {
    bounds[0] = 0;
    bounds[1] = offset;
    return 1;
  }
  bounds[0] = 0;
  bounds[1] = edgeBytes;
  const span = offset - 2 * edgeBytes - sampleBytes;
  for (let i = 0; i < samples; i++) {
    const at = edgeBytes + Math.floor((span * (i + 0.5)) / samples);
    bounds[2 + 2 * i] = at;
    bounds[3 + 2 * i] = at + sampleBytes;
  }
  bounds[2 * maxRanges - 2] = offset - edgeBytes;
  bounds[2 * maxRanges - 1] = offset;
  return maxRanges;
}

/** The total length of the first `count` ranges in `bounds`. */
function rangesLength(bounds: Float64Array, count: number): number {
  let sum = 0;
  for (let r = 0; r < count; r++) sum += bounds[2 * r + 1] - bounds[2 * r];
  return sum;
}

/** The fingerprints written before session 6: FNV-1a over the bytes, one at a time (below 2^32; still accepted). */
function legacyFnv1a(buf: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
  return (hash ^ length) >>> 0;
}

/** Fingerprints of sessions 6-14 are 2^32 + a hash: told apart from legacy ones, which are below 2^32. */
const wordHashTag = 2 ** 32;

/**
 * MurmurHash3's body over whole words. A function of its own, compiled whole: as a loop inside wordHash, V8
 * compiled it on the stack (OSR) before the code after it had run, and threw that code away at the first bytes
 * past the loop, on every file (~175 times in a cold Codex scan, ~10-25 ms of CPU).
 */
function mixWords(view: Int32Array): number {
  // The seed 0x9747b28c as a 32-bit integer: every use of `h` is bitwise, so the hash is the same.
  let h = 0x9747b28c | 0;
  for (let i = 0; i < view.length; i++) {
    let k = Math.imul(view[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
}

/**
 * MurmurHash3 (x86, 32-bit) of `buf[0, length)`, read four bytes at a time (a cold scan hashes ~24 KB of
 * every file it reads: a byte at a time that was ~50 ms of CPU on 400 files), tagged with `wordHashTag`.
 */
export function wordHash(buf: Uint8Array, length: number): number {
  const words = length >>> 2;
  // Word reads need a 4-byte aligned start; a buffer that is not gets copied (pooled small buffers are 8-aligned).
  const aligned = (buf.byteOffset & 3) === 0 ? buf : Uint8Array.from(buf.subarray(0, length));
  let h = mixWords(new Int32Array(aligned.buffer, aligned.byteOffset, words));
  let k = 0;
  for (let i = length - 1; i >= words * 4; i--) k = (k << 8) | buf[i];
  if (length & 3) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return wordHashTag + ((h ^ (h >>> 16)) >>> 0);
}

/** Fingerprints from session 15 on are 2^33 + a hash (laneHash); session 6's (wordHash) are below it, still checked. */
const laneHashTag = 2 ** 33;

/**
 * MurmurHash3's body on four interleaved lanes of words (word i goes to lane i mod 4), the lanes folded as xxHash32
 * folds its four. One lane is one chain of dependent multiplies per word; four chains let the CPU run them side by side
 * (~0.65x the time per byte in a micro-benchmark): a cold scan of the generated corpus hashes ~290 MB of its files'
 * bytes. A function of its own, compiled whole, as mixWords.
 */
function mixLanes(view: Int32Array, words: number): number {
  let a = 0x9747b28c | 0;
  let b = 0x85ebca6b | 0;
  let c = 0xc2b2ae35 | 0;
  let d = 0x27d4eb2f | 0;
  for (let i = 0; i < words; i += 4) {
    let k = Math.imul(view[i], 0xcc9e2d51);
    a ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    k = Math.imul(view[i + 1], 0xcc9e2d51);
    b ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    b = (Math.imul((b << 13) | (b >>> 19), 5) + 0xe6546b64) | 0;
    k = Math.imul(view[i + 2], 0xcc9e2d51);
    c ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    c = (Math.imul((c << 13) | (c >>> 19), 5) + 0xe6546b64) | 0;
    k = Math.imul(view[i + 3], 0xcc9e2d51);
    d ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    d = (Math.imul((d << 13) | (d >>> 19), 5) + 0xe6546b64) | 0;
  }
  return (((a << 1) | (a >>> 31)) + ((b << 7) | (b >>> 25)) + ((c << 12) | (c >>> 20)) + ((d << 18) | (d >>> 14))) | 0;
}

/**
 * The fingerprint written from session 15 on: `mixLanes` over the whole 16-byte blocks, then the remaining words and
 * bytes as MurmurHash3 takes them, and its finalizer with the length; tagged with `laneHashTag`.
 */
export function laneHash(buf: Uint8Array, length: number): number {
  return laneHashAt(buf, 0, length);
}

/** `laneHash` of `buf[start, start + length)`, without a view of its own when that start is 4-byte aligned. */
function laneHashAt(buf: Uint8Array, start: number, length: number): number {
  const words = length >>> 2;
  let bytes = buf;
  let at = start;
  if (((buf.byteOffset + start) & 3) !== 0) {
    bytes = Uint8Array.from(buf.subarray(start, start + length));
    at = 0;
  }
  const view = new Int32Array(bytes.buffer, bytes.byteOffset + at, words);
  const blockWords = words & ~3;
  let h = mixLanes(view, blockWords);
  for (let i = blockWords; i < words; i++) {
    const k = Math.imul(view[i], 0xcc9e2d51);
    h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = at + length - 1; i >= at + words * 4; i--) k = (k << 8) | bytes[i];
  if (length & 3) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return laneHashTag + ((h ^ (h >>> 16)) >>> 0);
}

/** Whether `stored` (a cursor's fingerprint, of any kind) is the fingerprint of these bytes. */
function sameFingerprint(stored: number, buf: Uint8Array, length: number): boolean {
  if (stored >= laneHashTag) return laneHash(buf, length) === stored;
  return stored >= wordHashTag ? wordHash(buf, length) === stored : legacyFnv1a(buf, length) === stored;
}

/** Reads `length` bytes of the file at `position` into `buf` at `offset`; returns how many were read. */
export type ReadAt = (buf: Buffer, offset: number, length: number, position: number) => number | Promise<number>;

/** Reads the bytes a fingerprint of the first `offset` bytes hashes (see fingerprintAt). */
async function fingerprintBytes(read: ReadAt, offset: number): Promise<{ buf: Buffer; filled: number }> {
  const bounds = new Float64Array(2 * maxRanges);
  const count = fillRanges(offset, bounds);
  const buf = Buffer.allocUnsafe(rangesLength(bounds, count));
  let filled = 0;
  for (let r = 0; r < count; r++) {
    const from = bounds[2 * r];
    const to = bounds[2 * r + 1];
    const n = await read(buf, filled, to - from, from);
    filled += n;
    if (n < to - from) break;
  }
  return { buf, filled };
}

/**
 * A hash of the bytes before `offset`: all of them when there are at most 64 KB; else the first and
 * last 4 KB and 32 blocks of 512 bytes spread evenly in between (~24 KB read per check, whatever the
 * file size). A file deleted and recreated, truncated and regrown, or edited in place within the
 * hashed bytes no longer matches. Limit: an in-place edit of a large file that touches none of the
 * sampled blocks (and keeps the size) is not seen.
 */
export async function fingerprintAt(read: ReadAt, offset: number): Promise<number> {
  const { buf, filled } = await fingerprintBytes(read, offset);
  return laneHash(buf, filled);
}

/** Whether the first `offset` bytes still have the fingerprint `stored` (written by this version or an older one). */
export async function fingerprintMatches(read: ReadAt, offset: number, stored: number): Promise<boolean> {
  const { buf, filled } = await fingerprintBytes(read, offset);
  return sameFingerprint(stored, buf, filled);
}

/** A sampler's buffers, reused file after file (a cold scan reads thousands), taken while in use. */
interface SamplerSpace {
  bytes: Buffer;
  bounds: Float64Array;
}
let spareSpace: SamplerSpace | undefined;

/**
 * Gathers the bytes a fingerprint hashes while a read from the start of a file passes them, for the
 * offset the read is expected to end at (the file's size): a file read whole then needs no second
 * read for its fingerprint (34 reads per file otherwise, on a cold scan of thousands). A file hashed
 * whole whose first read holds all of it (most small logs: reads are 1 MB) is hashed where it was read,
 * not copied first.
 */
export class FingerprintSampler {
  private readonly space: SamplerSpace;
  private readonly count: number;
  private readonly bytes: Buffer;
  private seenUpTo = 0;
  /** The fingerprint, when it was hashed in the read's own buffer. */
  private hashed: number | undefined;

  constructor(readonly offset: number) {
    const spare = spareSpace;
    spareSpace = undefined;
    this.space = spare ?? { bytes: Buffer.allocUnsafe(wholeBytes), bounds: new Float64Array(2 * maxRanges) };
    this.count = fillRanges(offset, this.space.bounds);
    this.bytes = this.space.bytes.subarray(0, rangesLength(this.space.bounds, this.count));
  }

  /** Hands the buffers back for the next file's sampler; this one is done. */
  release(): void {
    spareSpace = this.space;
  }

  /** `buf[at, at + length)` holds the file's bytes from `position`; reads come in file order. */
  see(buf: Buffer, at: number, length: number, position: number): void {
    if (position > this.seenUpTo) return;
    const end = position + length;
    if (this.count === 1 && position === 0 && end >= this.offset) {
      this.hashed = laneHashAt(buf, at, this.offset);
    } else {
      const bounds = this.space.bounds;
      let slot = 0;
      for (let r = 0; r < this.count; r++) {
        const from = bounds[2 * r];
        const to = bounds[2 * r + 1];
        if (from >= end) break;
        const a = from > position ? from : position;
        const b = to < end ? to : end;
        if (a < b) this.bytes.set(new Uint8Array(buf.buffer, buf.byteOffset + at + a - position, b - a), slot + a - from);
        slot += to - from;
      }
    }
    if (end > this.seenUpTo) this.seenUpTo = end;
  }

  /** The fingerprint of the first `offset` bytes, when the read ended there having seen them all. */
  fingerprint(offset: number): number | undefined {
    if (offset !== this.offset || this.seenUpTo < offset) return undefined;
    return this.hashed ?? laneHash(this.bytes, this.bytes.length);
  }
}
