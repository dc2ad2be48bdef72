import type { SavedKeys } from './keyTable';
import { chunkRows } from './packedRows';
import type { RowsByTime } from './rowLayout';

const chunkShift = Math.log2(chunkRows);
/** Slots per segment of the table: 64 KiB, under glibc's 128 KiB mmap threshold (see KeyHashTable). */
const segmentShift = 14;
const segmentSlots = 1 << segmentShift;

/**
 * The ledger's dedup keys, each kept as its 64-bit hash (8 bytes a row) in an open-addressing table of row
 * numbers, instead of a map of key strings. Two different keys with the same 64-bit hash would be merged as
 * one request: with a million requests the chance of that happening at all is about 3 in 100 million
 * (n² / 2⁶⁵).
 *
 * A restored ledger reads its rows' hashes only when first needed (see Ledger.restore): until `install`, a key is
 * looked up among the rows appended since the restore (a delta's, this run's: `tail`) and then probed in the index's
 * saved table (keyTable.ts), so that one new request costs a block or two of the file, not every hash.
 *
 * Growing frees nothing glibc mapped on its own (see sources/logReader.ts, longLineBufferBytes): hashes of rows added
 * go into chunks of `chunkRows` rows, never copied; the table is segments of 64 KiB, which come from the C heap
 * and go back to it. A hashes array grown by half and a table doubled whole were freed at 0.8 to 6 MB during a
 * cold 15 GB scan, each raising glibc's threshold, after which the heap kept ~13 MB more at the peak.
 */
export class KeyHashTable {
  /**
   * Each row's key hash as two uint32 (0, 0: no key): rows before `baseRows` in `base` (a restored index's, as
   * read), the rest in `chunks` of `chunkRows` rows. Undefined until a restored index's hashes are installed.
   */
  private hashes: { base: Uint32Array; baseRows: number; chunks: Uint32Array[] } | undefined = { base: new Uint32Array(0), baseRows: 0, chunks: [] };
  /** Rows the hashes cover. */
  private rowCount = 0;
  /** Open addressing, linear probing: row + 1, or 0 for an empty slot; slot s in segment s >>> segmentShift. */
  private table = segmentsOf(1024);
  private tableSize = 1024;
  private keyedRows = 0;
  /** Key hashes of rows `tailFrom` on, recorded before the restored hashes were installed. */
  private tail: number[] = [];
  private tailFrom = 0;
  /** Open addressing over `tail`'s keyed rows (k + 1 for tail row k; 0 empty), until `install`. */
  private tailSlots = new Int32Array(16);
  private tailKeyed = 0;
  /** The restored index's key table on disk, probed until `install`. */
  private saved: SavedKeys | undefined;
  /** The same table, kept after `install` so that `uninstall` can go back to probing it. */
  private savedOnDisk: SavedKeys | undefined;
  /** The hash of the key `find` was last given. */
  hi = 0;
  lo = 0;

  /** Whether every row's hash is here (false for a restored ledger until `install`). */
  get ready(): boolean {
    return this.hashes !== undefined;
  }

  /** Whether `find` can answer now: every hash is here, or the restored rows' can be probed in their saved table. */
  get canFind(): boolean {
    return this.hashes !== undefined || this.saved !== undefined;
  }

  /** A restored ledger's `restoredCount` rows: their hashes arrive through `install`, and until then are probed in `saved`. */
  awaitRestored(restoredCount: number, saved?: SavedKeys): void {
    this.hashes = undefined;
    this.tailFrom = restoredCount;
    this.saved = this.savedOnDisk = saved;
  }

  /**
   * Gives back the restored rows' hashes (see Ledger.releaseOlder): keys are probed in the saved table again, and
   * the rows added since the restore are looked up in `tail`. False (nothing changed) without a saved table.
   */
  uninstall(): boolean {
    if (!this.hashes || !this.savedOnDisk) return false;
    const tail: number[] = [];
    for (let row = this.tailFrom; row < this.rowCount; row++) {
      const words = this.wordsOf(row);
      tail.push(words[this.at], words[this.at + 1]);
    }
    this.hashes = undefined;
    this.table = segmentsOf(1024);
    this.tableSize = 1024;
    this.keyedRows = 0;
    this.rowCount = 0;
    this.tail = tail;
    this.tailSlots = new Int32Array(16);
    this.tailKeyed = 0;
    for (let k = 0; k < tail.length / 2; k++) if (tail[k * 2] !== 0 || tail[k * 2 + 1] !== 0) this.insertTail(k);
    this.saved = this.savedOnDisk;
    return true;
  }

  /** Key hashes held in memory (every row's once installed, else the rows added since the restore): for tests and benches. */
  get heldHashes(): number {
    return this.hashes ? this.rowCount : this.tail.length / 2;
  }

  /** Whether `uninstall` can give the restored hashes back (they are held, and the saved table is there to probe). */
  get canUninstall(): boolean {
    return this.hashes !== undefined && this.savedOnDisk !== undefined;
  }

  /** The row with `key` (its hash then in `hi`, `lo`), or -1. Only when `canFind` (throws KeyTableError on damage found in the saved table). */
  find(key: string): number {
    hashKey(key);
    return this.findHash(hashHi, hashLo);
  }

  /** find of a key whose hash is `hi`, `lo` (keyHashOfCounts: a key made without its text). */
  findHash(hi: number, lo: number): number {
    this.hi = hi;
    this.lo = lo;
    const hashes = this.hashes;
    if (!hashes) return this.findBeforeInstall(hi, lo);
    const { table, tableSize } = this;
    const mask = tableSize - 1;
    const { base, baseRows, chunks } = hashes;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot >>> segmentShift][slot & (segmentSlots - 1)];
      if (entry === 0) return -1;
      const row = entry - 1;
      const r = row - baseRows;
      const words = r < 0 ? base : chunks[r >>> chunkShift];
      const at = r < 0 ? row * 2 : (r & (chunkRows - 1)) * 2;
      if (words[at + 1] === lo && words[at] === hi) return row;
    }
  }

  /** The hash's first word in the array `wordsOf` last gave (a field, not a pair: this runs for every row). */
  private at = 0;

  /** The array row `row`'s hash is in (its first word at `this.at`), made if new. */
  private wordsOf(row: number): Uint32Array {
    const { base, baseRows, chunks } = this.hashes!;
    const r = row - baseRows;
    if (r < 0) {
      this.at = row * 2;
      return base;
    }
    while (chunks.length <= r >>> chunkShift) chunks.push(new Uint32Array(chunkRows * 2));
    this.at = (r & (chunkRows - 1)) * 2;
    return chunks[r >>> chunkShift];
  }

  /** Rows added since the restore first, then the saved table. */
  private findBeforeInstall(hi: number, lo: number): number {
    const { tail, tailSlots } = this;
    const mask = tailSlots.length - 1;
    for (let slot = lo & mask; tailSlots[slot] !== 0; slot = (slot + 1) & mask) {
      const k = tailSlots[slot] - 1;
      if (tail[k * 2] === hi && tail[k * 2 + 1] === lo) return this.tailFrom + k;
    }
    return this.saved!.find(hi, lo);
  }

  /** Records the key hash of a new last row (0, 0: no key). */
  set(row: number, hi: number, lo: number): void {
    if (!this.hashes) {
      this.tail.push(hi, lo);
      if (hi !== 0 || lo !== 0) this.insertTail(this.tail.length / 2 - 1);
      return;
    }
    this.rowCount = row + 1;
    const words = this.wordsOf(row);
    const at = this.at;
    words[at] = hi;
    words[at + 1] = lo;
    if (hi !== 0 || lo !== 0) this.insert(row, lo);
  }

  /** Row `row`'s key hash into `out` at `to` (0, 0: no key). */
  copyHash(row: number, out: Uint32Array, to: number): void {
    if (this.hashes) {
      const words = this.wordsOf(row);
      const at = this.at;
      out[to] = words[at];
      out[to + 1] = words[at + 1];
    } else {
      out[to] = this.tail[(row - this.tailFrom) * 2];
      out[to + 1] = this.tail[(row - this.tailFrom) * 2 + 1];
    }
  }

  /**
   * The hashes of rows 0 to `count`, in pieces of at most `pieceRows` rows, in time order if `byTime` is given (its
   * pieces are of `chunkRows` rows: `pieceRows` must be that). Only when `ready`.
   */
  *pieces(count: number, pieceRows: number, byTime: RowsByTime | undefined): Generator<Uint32Array> {
    // Views and one reused buffer, not a copy per piece (a piece is used before the next is asked for).
    if (byTime && pieceRows !== chunkRows) throw new RangeError('key hashes by time come in pieces of chunkRows');
    const buffer = byTime ? new Uint32Array(Math.min(pieceRows, count) * 2) : undefined;
    for (let from = 0; from < count; ) {
      if (!byTime || !buffer) {
        // Within one array (base or chunk): a piece ends where its array does.
        const words = this.wordsOf(from);
        const at = this.at;
        const n = Math.min(pieceRows, count - from, (words.length - at) / 2);
        yield words.subarray(at, at + n * 2);
        from += n;
        continue;
      }
      const n = Math.min(pieceRows, count - from);
      const piece = buffer.subarray(0, n * 2);
      this.copyByTime(byTime, from, piece);
      yield piece;
      from += n;
    }
  }

  /**
   * The hashes of the rows of time-order ranks `from` on into `piece`, read in row order (`byTime.byPiece`) and put
   * at their rank (outside the generator: V8 does not replace a generator's running loop by optimized code, and a
   * save runs it once).
   */
  private copyByTime(byTime: RowsByTime, from: number, piece: Uint32Array): void {
    const { base, baseRows, chunks } = this.hashes!;
    const { rank, byPiece } = byTime;
    for (let k = from; k < from + piece.length / 2; k++) {
      const row = byPiece[k];
      const r = row - baseRows;
      const words = r < 0 ? base : chunks[r >>> chunkShift];
      const at = r < 0 ? row * 2 : (r & (chunkRows - 1)) * 2;
      const to = (rank[row] - from) * 2;
      piece[to] = words[at];
      piece[to + 1] = words[at + 1];
    }
  }

  /** Indexes the key hashes of a restored ledger's rows (see awaitRestored), and of rows a delta appended since. */
  install(restored: Uint32Array): void {
    if (!(restored instanceof Uint32Array) || restored.length !== this.tailFrom * 2) throw new Error('damaged ledger keys');
    const count = this.tailFrom + this.tail.length / 2;
    // The restored hashes as read; the rows added since in chunks after them.
    this.hashes = { base: restored, baseRows: this.tailFrom, chunks: [] };
    for (let k = 0; k < this.tail.length / 2; k++) {
      const words = this.wordsOf(this.tailFrom + k);
      const at = this.at;
      words[at] = this.tail[k * 2];
      words[at + 1] = this.tail[k * 2 + 1];
    }
    this.tail = [];
    this.tailSlots = new Int32Array(16);
    this.tailKeyed = 0;
    this.saved = undefined;
    this.rowCount = count;
    let keyed = 0;
    for (let row = 0; row < count; row++) {
      const words = this.wordsOf(row);
      const at = this.at;
      if (words[at] !== 0 || words[at + 1] !== 0) keyed++;
    }
    let size = 1024;
    while (size < keyed * 2) size *= 2;
    this.rebuild(size);
  }

  /** Indexes tail row `k` (keyed), in a table at most half full. */
  private insertTail(k: number): void {
    if (++this.tailKeyed * 2 > this.tailSlots.length) {
      const size = this.tailSlots.length * 2;
      this.tailSlots = new Int32Array(size);
      for (let j = 0; j < k; j++) if (this.tail[j * 2] !== 0 || this.tail[j * 2 + 1] !== 0) this.placeTail(j);
    }
    this.placeTail(k);
  }

  private placeTail(k: number): void {
    const slots = this.tailSlots;
    const mask = slots.length - 1;
    let slot = this.tail[k * 2 + 1] & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = k + 1;
  }

  private insert(row: number, lo: number): void {
    if (++this.keyedRows * 2 > this.tableSize) {
      this.rebuild(this.tableSize * 2);
      return;
    }
    place(this.table, this.tableSize, lo, row);
  }

  /** Indexes every keyed row in a table of `size` slots (a power of two, at most half full). */
  private rebuild(size: number): void {
    const table = segmentsOf(size);
    let keyed = 0;
    for (let row = 0; row < this.rowCount; row++) {
      const words = this.wordsOf(row);
      const at = this.at;
      if (words[at] === 0 && words[at + 1] === 0) continue;
      keyed++;
      place(table, size, words[at + 1], row);
    }
    this.table = table;
    this.tableSize = size;
    this.keyedRows = keyed;
  }
}

/** An empty table of `size` slots (a power of two) in segments of at most `segmentSlots`. */
function segmentsOf(size: number): Int32Array[] {
  return Array.from({ length: Math.ceil(size / segmentSlots) }, () => new Int32Array(Math.min(size, segmentSlots)));
}

/** Puts row `row` (hash low word `lo`) in the first empty slot of its probe. */
function place(table: Int32Array[], size: number, lo: number, row: number): void {
  const mask = size - 1;
  let slot = lo & mask;
  while (table[slot >>> segmentShift][slot & (segmentSlots - 1)] !== 0) slot = (slot + 1) & mask;
  table[slot >>> segmentShift][slot & (segmentSlots - 1)] = row + 1;
}

let hashHi = 0;
let hashLo = 0;

/**
 * A dedup key's 64-bit hash (cyrb53's mixing, both halves kept), into `hashHi` and `hashLo`; never 0, 0
 * (which marks a row without a key).
 */
function hashKey(key: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  hashHi = h2 >>> 0;
  hashLo = h1 >>> 0;
  if (hashHi === 0 && hashLo === 0) hashLo = 1;
}

const digits = new Uint8Array(24);
let prefixText: string | undefined;
let prefixH1 = 0;
let prefixH2 = 0;

/**
 * The hash of the key `${prefix}${a}:${b}:${c}` into `keyHash.hi`, `keyHash.lo`, as hashKey of that text gives it,
 * without making the text: a Codex token count's key (its session, then three counts) costs a string of ~60
 * characters, its number-to-text conversions and a pass over its characters; here the prefix (one a file) is mixed
 * once and the digits as they are found. hashKey's loop, in locals (a function per piece, on module variables, was
 * twice as slow).
 */
export function keyHashOfCounts(prefix: string, a: number, b: number, c: number): void {
  if (prefix !== prefixText) {
    let p1 = 0xdeadbeef;
    let p2 = 0x41c6ce57;
    for (let i = 0; i < prefix.length; i++) {
      const ch = prefix.charCodeAt(i);
      p1 = Math.imul(p1 ^ ch, 2654435761);
      p2 = Math.imul(p2 ^ ch, 1597334677);
    }
    prefixText = prefix;
    prefixH1 = p1;
    prefixH2 = p2;
  }
  let h1 = prefixH1;
  let h2 = prefixH2;
  for (let part = 0; part < 3; part++) {
    let n = part === 0 ? a : part === 1 ? b : c;
    if (part > 0) {
      h1 = Math.imul(h1 ^ 0x3a, 2654435761);
      h2 = Math.imul(h2 ^ 0x3a, 1597334677);
    }
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) {
      // String(n) of a whole number a double holds exactly: its digits (-0 included: '0').
      let count = 0;
      do {
        const digit = n % 10;
        digits[count++] = 0x30 + digit;
        n = (n - digit) / 10;
      } while (n > 0);
      while (count > 0) {
        const ch = digits[--count];
        h1 = Math.imul(h1 ^ ch, 2654435761);
        h2 = Math.imul(h2 ^ ch, 1597334677);
      }
    } else {
      const text = String(n);
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        h1 = Math.imul(h1 ^ ch, 2654435761);
        h2 = Math.imul(h2 ^ ch, 1597334677);
      }
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  keyHash.hi = h2 >>> 0;
  keyHash.lo = h1 >>> 0;
  if (keyHash.hi === 0 && keyHash.lo === 0) keyHash.lo = 1;
}

/** What keyHashOfCounts last gave. */
export const keyHash = { hi: 0, lo: 0 };

/** The 64-bit hash hashKey gives `key` (tests: keyHashOfCounts against it). */
export function keyHashOfText(key: string): { hi: number; lo: number } {
  hashKey(key);
  return { hi: hashHi, lo: hashLo };
}

