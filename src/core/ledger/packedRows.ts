import { checkRows, fieldsPerRow } from './rowLayout';
import { sourceNames } from '../usageEvent';

const chunkShift = 14;
/** Rows per chunk (16,384: 768 KiB packed). */
export const chunkRows = 1 << chunkShift;
/** Uint32 fields of a packed row: source, 4 names, 5 token counts. */
export const packedFields = 10;
const chunkFields = chunkRows * packedFields;
/** In a packed row's source field: the row is in `wideRows`. */
const wideMark = 0xffffffff;

/**
 * Where full chunks of packed fields go so that a long scan does not hold them (a file: sources/rowSpillFile.ts).
 * Positions count uint32 from the start.
 */
export interface RowSpill {
  /** Keeps a full chunk at `at` (its array is reused once this returns); false when it could not (the chunk then stays in memory). */
  keep(at: number, fields: Uint32Array): boolean;
  /** Writes over what `keep` kept (one row changed by a merge); throws when it cannot. */
  write(at: number, fields: Uint32Array): void;
  /** Reads `out.length` uint32 from `at`, kept or written before; throws when it cannot. */
  read(at: number, out: Uint32Array): void;
}

/**
 * Ledger rows (`fieldsPerRow` numbers, see rowLayout.ts) held in 48 bytes each: the time as a Float64, then source,
 * names and token counts as ten uint32, `chunkRows` rows per chunk, so that growing never copies what is
 * held. A row that does not fit (a logged cost, web searches, a count that is not a uint32) keeps its
 * numbers in `wideRows`. Rows are numbered from 0 here; the row store adds its restored rows in front.
 *
 * With a spill (`spillTo`), each chunk but the last, once full, leaves memory for the spill: 8 bytes a row stay (the
 * time, which the status window, the save's order and `timeOf` read for every row). A merge into a spilled row
 * reads and writes that row alone; a walk in row order (a report) reads each chunk once.
 */
export class PackedRows {
  /** `fields` undefined: the chunk is in the spill. */
  private readonly chunks: Array<{ times: Float64Array; fields: Uint32Array | undefined }> = [];
  private readonly wideRows = new Map<number, Float64Array>();
  private spill: RowSpill | undefined;
  /** One spilled chunk read whole (a walk in row order), and which. */
  private readonly cache = { chunk: -1, fields: new Uint32Array(0) };
  private readonly rowFields = new Uint32Array(packedFields);
  /**
   * A spilled chunk's fields, for the next chunk: freed instead, each (640 KiB, mapped on its own) raised glibc's
   * mmap threshold (see sources/logReader.ts, longLineBufferBytes).
   */
  private spareFields: Uint32Array | undefined;
  private lastRead = -2;
  private wholeChunks = false;

  /** Chunks held in memory (not spilled); for tests. */
  get heldChunks(): number {
    return this.chunks.filter((chunk) => chunk.fields !== undefined).length;
  }

  /** Bytes of the rows held in memory (chunks not spilled, wide rows); for tests. */
  get heldBytes(): number {
    const chunkBytes = (held: { fields: Uint32Array | undefined }) => chunkRows * 8 + (held.fields ? chunkFields * 4 : 0);
    return this.chunks.reduce((sum, chunk) => sum + chunkBytes(chunk), 0) + this.wideRows.size * fieldsPerRow * 8;
  }

  /** From now on, each full chunk goes to `spill` (those full already too). */
  spillTo(spill: RowSpill): void {
    this.spill = spill;
    for (let c = 0; c < this.chunks.length - 1; c++) this.spillChunk(c);
  }

  /** A walk in row order starts at row `k` (see fieldsOf). */
  walkFrom(k: number): void {
    this.lastRead = k - 1;
  }

  /**
   * While on, a spilled row is read with its whole chunk: for reading many rows of each chunk in ascending order
   * (the save takes a piece of rows in time order this way: see saving.ts).
   */
  readWholeChunks(on: boolean): void {
    this.wholeChunks = on;
  }

  /** Row `k`'s time, without unpacking it. */
  timeOf(k: number): number {
    return this.chunks[k >>> chunkShift].times[k & (chunkRows - 1)];
  }

  /** Rows 0 to `count`'s times into `out` from `to` (a chunk's times copied at once). */
  timesInto(out: Float64Array, to: number, count: number): void {
    for (let k = 0; k < count; k += chunkRows) {
      const n = Math.min(chunkRows, count - k);
      out.set(this.chunks[k >>> chunkShift].times.subarray(0, n), to + k);
    }
  }

  /** Row `k` into `out` (`fieldsPerRow` numbers). */
  unpack(k: number, out: Float64Array): void {
    const { times } = this.chunks[k >>> chunkShift];
    const j = k & (chunkRows - 1);
    const fields = this.fieldsOf(k);
    const at = fields === this.rowFields ? 0 : j * packedFields;
    if (fields[at] === wideMark) {
      out.set(this.wideRows.get(k)!);
      return;
    }
    out[0] = fields[at];
    out[1] = times[j];
    for (let f = 1; f < packedFields; f++) out[f + 1] = fields[at + f];
    out[11] = -1;
    out[12] = 0;
  }

  /**
   * Rows `from` to `from + n` into `out` from `to`, `fieldsPerRow` numbers each, as `unpack` gives them: a chunk's
   * rows in one loop (a walk over every row: the save, a report), a spilled chunk read whole once.
   */
  unpackRange(from: number, n: number, out: Float64Array, to: number): void {
    for (let k = from; k < from + n; ) {
      const c = k >>> chunkShift;
      const j = k & (chunkRows - 1);
      const m = Math.min(chunkRows - j, from + n - k);
      unpackRun(this.wholeFieldsOf(c), j * packedFields, this.chunks[c].times, j, m, out, to + (k - from) * fieldsPerRow, this.wideRows, k);
      k += m;
    }
  }

  /**
   * Rows `rows[start]` to `rows[end - 1]` (ascending row numbers, less `offset`) into `out`, row r at its rank less
   * `rankFrom` (`rank[r + offset] - rankFrom`, in rows), as `unpack` gives them: the save's piece of rows in time order,
   * gathered in row order so that a spilled chunk is read whole once a piece.
   */
  gather(rows: Uint32Array, start: number, end: number, offset: number, rank: Uint32Array, rankFrom: number, out: Float64Array): void {
    // One loop, few steps a row: it runs once a save, mostly before V8 has compiled it.
    let c = -1;
    let fields: Uint32Array = this.rowFields;
    let times: Float64Array = this.chunks[0]?.times;
    for (let k = start; k < end; k++) {
      const row = rows[k] - offset;
      if (row >>> chunkShift !== c) {
        c = row >>> chunkShift;
        fields = this.wholeFieldsOf(c);
        times = this.chunks[c].times;
      }
      const j = row & (chunkRows - 1);
      const at = j * packedFields;
      const o = (rank[rows[k]] - rankFrom) * fieldsPerRow;
      if (fields[at] === wideMark) {
        out.set(this.wideRows.get(row)!, o);
        continue;
      }
      out[o] = fields[at];
      out[o + 1] = times[j];
      out[o + 2] = fields[at + 1];
      out[o + 3] = fields[at + 2];
      out[o + 4] = fields[at + 3];
      out[o + 5] = fields[at + 4];
      out[o + 6] = fields[at + 5];
      out[o + 7] = fields[at + 6];
      out[o + 8] = fields[at + 7];
      out[o + 9] = fields[at + 8];
      out[o + 10] = fields[at + 9];
      out[o + 11] = -1;
      out[o + 12] = 0;
    }
  }

  /** Chunk `c`'s fields: in memory, or its spilled fields read whole (kept read until another chunk is). */
  private wholeFieldsOf(c: number): Uint32Array {
    const fields = this.chunks[c].fields;
    if (fields) return fields;
    if (this.cache.chunk !== c) {
      if (this.cache.fields.length === 0) this.cache.fields = new Uint32Array(chunkFields);
      this.cache.chunk = -1;
      this.spill!.read(c * chunkFields, this.cache.fields);
      this.cache.chunk = c;
    }
    return this.cache.fields;
  }

  /** Stores `row` (`fieldsPerRow` numbers at `from`) as row `k`: a row already held, or the next one. Packed when it fits. */
  pack(k: number, row: Float64Array, from: number): void {
    if ((k & (chunkRows - 1)) === 0 && k >>> chunkShift === this.chunks.length) {
      if (this.spill && this.chunks.length > 0) this.spillChunk(this.chunks.length - 1);
      const fields = this.spareFields?.fill(0) ?? new Uint32Array(chunkFields);
      this.spareFields = undefined;
      this.chunks.push({ times: new Float64Array(chunkRows), fields });
    }
    const c = k >>> chunkShift;
    const chunk = this.chunks[c];
    const j = k & (chunkRows - 1);
    // A spilled row is changed in `rowFields`, then written back (and into the chunk read whole, if it is that one).
    const fields = chunk.fields ?? this.rowFields;
    const at = chunk.fields ? j * packedFields : 0;
    chunk.times[j] = row[from + 1];
    let fits = row[from] >= 0 && row[from] < sourceNames.length && row[from + 11] === -1 && row[from + 12] === 0;
    for (let f = 6; f <= 10 && fits; f++) fits = row[from + f] === row[from + f] >>> 0;
    if (!fits) {
      fields[at] = wideMark;
      this.wideRows.set(k, row.slice(from, from + fieldsPerRow));
    } else {
      if (this.wideRows.size > 0) this.wideRows.delete(k);
      fields[at] = row[from];
      for (let f = 1; f < packedFields; f++) fields[at + f] = row[from + f + 1];
    }
    if (chunk.fields) return;
    this.spill!.write(c * chunkFields + j * packedFields, fields);
    if (this.cache.chunk === c) this.cache.fields.set(fields, j * packedFields);
  }

  /** The fields of row `k`: its chunk's (in memory, or read whole for a walk in row order), or `rowFields` (the row alone). */
  private fieldsOf(k: number): Uint32Array {
    const c = k >>> chunkShift;
    const chunk = this.chunks[c];
    const sequential = k === this.lastRead + 1;
    this.lastRead = k;
    if (chunk.fields) return chunk.fields;
    if (this.cache.chunk === c) return this.cache.fields;
    const j = k & (chunkRows - 1);
    // Whole when a walk enters the chunk at its first row (at most once a chunk for a walk in any order), or asked.
    if ((j === 0 && sequential) || this.wholeChunks) {
      if (this.cache.fields.length === 0) this.cache.fields = new Uint32Array(chunkFields);
      this.cache.chunk = -1;
      this.spill!.read(c * chunkFields, this.cache.fields);
      this.cache.chunk = c;
      return this.cache.fields;
    }
    this.spill!.read(c * chunkFields + j * packedFields, this.rowFields);
    return this.rowFields;
  }

  private spillChunk(c: number): void {
    const chunk = this.chunks[c];
    if (!chunk.fields || !this.spill) return;
    // The spill is a saving, not a need: when it cannot keep a chunk (disk full), rows stay in memory as without one.
    if (this.spill.keep(c * chunkFields, chunk.fields)) {
      this.spareFields = chunk.fields;
      chunk.fields = undefined;
    } else this.spill = undefined;
  }
}

/** unpackRange's `m` rows from `fields[at]` and `times[j]` (the chunk's row `j` is row `k`) into `out` from `to`. */
function unpackRun(fields: Uint32Array, at: number, times: Float64Array, j: number, m: number, out: Float64Array, to: number, wideRows: Map<number, Float64Array>, k: number): void {
  for (let i = 0, o = to; i < m; i++, at += packedFields, o += fieldsPerRow) {
    if (fields[at] === wideMark) {
      out.set(wideRows.get(k + i)!, o);
      continue;
    }
    out[o] = fields[at];
    out[o + 1] = times[j + i];
    out[o + 2] = fields[at + 1];
    out[o + 3] = fields[at + 2];
    out[o + 4] = fields[at + 3];
    out[o + 5] = fields[at + 4];
    out[o + 6] = fields[at + 5];
    out[o + 7] = fields[at + 6];
    out[o + 8] = fields[at + 7];
    out[o + 9] = fields[at + 8];
    out[o + 10] = fields[at + 9];
    out[o + 11] = -1;
    out[o + 12] = 0;
  }
}

/**
 * One number per row (0 until set), in chunks of `chunkRows` made when a row of theirs is first set to another
 * number: adding rows never copies what is held (a growing array held its old and new copies at once, 20 bytes a
 * row at the moment it grew), and rows never set (a restored index's) hold nothing.
 */
export class RowNumbers {
  private readonly chunks: Array<Float64Array | undefined> = [];

  get(row: number): number {
    const chunk = this.chunks[row >>> chunkShift];
    return chunk === undefined ? 0 : chunk[row & (chunkRows - 1)];
  }

  set(row: number, value: number): void {
    let chunk = this.chunks[row >>> chunkShift];
    if (chunk === undefined) {
      if (value === 0) return;
      while (this.chunks.length < row >>> chunkShift) this.chunks.push(undefined);
      chunk = this.chunks[row >>> chunkShift] = new Float64Array(chunkRows);
    }
    chunk[row & (chunkRows - 1)] = value;
  }
}

/**
 * A restored index's older rows read a piece at a time (sources/usageIndex.ts) and packed as they come: each piece is
 * checked as `checkRows` checks the rows (names against `checkedAgainst` names, times in order across pieces too) before it is
 * packed, since packing keeps names and sources as uint32.
 */
export class OlderRowsPacker {
  readonly rows = new PackedRows();
  count = 0;
  lastMs = -Infinity;

  constructor(readonly checkedAgainst: number) {}

  /** Checks and packs `piece` (`fieldsPerRow` numbers a row) as the rows after those added; throws on damage. */
  add(piece: Float64Array): void {
    checkRows(piece, this.checkedAgainst);
    if (piece.length > 0 && piece[1] < this.lastMs) throw new Error('damaged ledger order');
    for (let at = 0; at < piece.length; at += fieldsPerRow) this.rows.pack(this.count++, piece, at);
    if (piece.length > 0) this.lastMs = piece[piece.length - fieldsPerRow + 1];
  }
}
