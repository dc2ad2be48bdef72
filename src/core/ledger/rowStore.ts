import { checkRows, decodeRow, fieldsPerRow, type OlderRows, type RestoredLedger, type RowsByTime } from './rowLayout';
import { NameTable } from './nameTable';
import { chunkRows, OlderRowsPacker, PackedRows, type RowSpill } from './packedRows';
import { NewestRows } from './newestRows';
import { sourceNames, type UsageEvent } from '../usageEvent';

/**
 * A ledger's rows as numbers, and the names they point to, each once. Rows are numbered in the order they
 * came: first the rows of a restored index as it was read (the newest at once, the older ones when first
 * needed: see Ledger.restore), then the rows added since, packed (see PackedRows).
 */
export class RowStore {
  names = new NameTable();
  /**
   * Rows before `firstRow` of a restored index, once read: packed, 48 bytes a row instead of 104 (the editor holds
   * them for as long as it runs: ~100,000 rows at 1.5 GB of history).
   */
  private olderRows: PackedRows | undefined;
  /** Rows `firstRow` to `restoredCount` of a restored index (sorted by time when saved): packed in the editor. */
  private newest = new NewestRows(false);
  private firstRow = 0;
  /** Rows of the restored index; the packed rows come after them. */
  restoredCount = 0;
  count = 0;
  private readonly packed = new PackedRows();
  /** A packed row unpacked by `locate`, or a new row being stored. */
  private readonly scratch = new Float64Array(fieldsPerRow);
  /** The buffer `locate` found a row in. */
  buffer: Float64Array = this.scratch;
  /** Reads the rows before `firstRow` and the key hashes (see Ledger.restore). */
  private older: (() => OlderRows) | undefined;
  private olderBeforeMs = -Infinity;
  /** While the older rows stay on disk (see RestoredLedger.readOlderRows): reads some of them, and all of them again. */
  private onDisk: { readRows: (from: number, into: Float64Array) => void; readAll: () => OlderRows; beforeMs: number } | undefined;
  /** Older rows changed since they were read (merged into, a delta's): kept as pending overrides when given back. */
  private readonly olderChanged = new Set<number>();
  /** New contents of rows before `firstRow` (from a delta), applied when those rows are read. */
  private readonly pendingOverrides = new Map<number, Float64Array>();

  /** Bytes the newest restored rows take (packed in the editor); for tests and benches. */
  get newestBytes(): number {
    return this.newest.heldBytes;
  }

  /** Bytes the older rows take once read (0 before); for tests. */
  get olderBytes(): number {
    return this.olderRows?.heldBytes ?? 0;
  }

  /** `keysRead` is handed the key hashes that come with the older rows (see supplyOlder). */
  constructor(private readonly keysRead: (keyHashes: Uint32Array) => void) {}

  /** Starts from a saved index of which only the newest rows were read; throws on anything damaged or foreign. */
  restore(part: RestoredLedger): void {
    const { rowCount, firstRow, newestRows } = part;
    const names = part.names instanceof NameTable ? part.names : NameTable.of(part.names);
    if (!Number.isInteger(rowCount) || !Number.isInteger(firstRow) || firstRow < 0 || firstRow > rowCount || !(newestRows instanceof Float64Array) || newestRows.length !== (rowCount - firstRow) * fieldsPerRow) {
      throw new Error('damaged ledger rows');
    }
    checkRows(newestRows, names.count);
    // The names these rows use are checked now (the rest when read): damage refuses the index at once.
    names.verifyUsedBy(newestRows, fieldsPerRow);
    this.names = names;
    // Packed where they are held for long: the editor's (its older rows stay on disk), not the CLI's.
    this.newest = new NewestRows(firstRow > 0 && part.readOlderRows !== undefined);
    this.newest.set(newestRows);
    this.firstRow = firstRow;
    this.restoredCount = this.count = rowCount;
    this.olderBeforeMs = firstRow === 0 ? -Infinity : part.olderBeforeMs;
    this.older = part.readOlder;
    this.onDisk = firstRow > 0 && part.readOlderRows ? { readRows: part.readOlderRows, readAll: part.readOlder, beforeMs: part.olderBeforeMs } : undefined;
  }

  /**
   * Rows `fromRow` to the newest rows' first, read from the index (time order: all at or after `beforeMs`, the
   * rows before them older), join the newest rows: the editor keeps the status window's rows at hand and the
   * older ones on disk. Nothing when the older rows are read already. Throws on anything damaged.
   */
  extendNewest(fromRow: number, rows: Float64Array, beforeMs: number): boolean {
    if (!this.older || this.olderRows || !(fromRow >= 0 && fromRow <= this.firstRow)) return false;
    if (rows.length !== (this.firstRow - fromRow) * fieldsPerRow) throw new Error('damaged ledger rows');
    checkRows(rows, this.names.count);
    this.names.verifyUsedBy(rows, fieldsPerRow);
    if (rows.length > 0 && (rows[1] < beforeMs || rows[rows.length - fieldsPerRow + 1] >= this.olderBeforeMs)) throw new Error('damaged ledger order');
    const joined = new Float64Array(rows.length + this.newest.count * fieldsPerRow);
    joined.set(rows);
    this.newest.copyInto(joined, rows.length);
    // A delta's (or a merge's) new contents of these rows are theirs from now on.
    for (const [row, values] of this.pendingOverrides) {
      if (row < fromRow || row >= this.firstRow) continue;
      joined.set(values, (row - fromRow) * fieldsPerRow);
      this.pendingOverrides.delete(row);
    }
    this.newest.set(joined);
    this.firstRow = fromRow;
    this.olderBeforeMs = beforeMs;
    if (this.onDisk) this.onDisk.beforeMs = beforeMs;
    return true;
  }

  /** Rows held in memory (the older rows only while read; an older row changed while on disk counts too): for tests and benches. */
  get heldRows(): number {
    return this.count - (this.olderRows || !this.older ? 0 : this.firstRow) + this.pendingOverrides.size;
  }

  /** Whether the older rows are read and could be given back to the disk (see releaseOlder). */
  get holdsOlder(): boolean {
    return this.olderRows !== undefined && this.onDisk !== undefined;
  }

  /**
   * Gives back the older rows read (a report, a whole save): they stay on disk as before, and those changed since
   * they were read are kept as pending overrides. Memory then follows the recent window, not the history.
   */
  releaseOlder(): boolean {
    const { olderRows, onDisk } = this;
    if (!olderRows || !onDisk) return false;
    for (const row of this.olderChanged) {
      const values = new Float64Array(fieldsPerRow);
      olderRows.unpack(row, values);
      this.pendingOverrides.set(row, values);
    }
    this.olderChanged.clear();
    this.olderRows = undefined;
    this.older = onDisk.readAll;
    this.olderBeforeMs = onDisk.beforeMs;
    return true;
  }

  /** The older rows and the key hashes of a restored index (see restore), read ahead by the caller or now. */
  supplyOlder(older: OlderRows): void {
    if (!this.older) return;
    this.older = undefined;
    const { rows, keyHashes } = older;
    let packed: PackedRows;
    let lastMs: number;
    if (rows instanceof OlderRowsPacker) {
      // Checked piece by piece as read, against the index's names (a delta's come after them).
      if (rows.count !== this.firstRow || rows.checkedAgainst > this.names.count) throw new Error('damaged ledger rows');
      packed = rows.rows;
      lastMs = rows.lastMs;
    } else {
      if (!(rows instanceof Float64Array) || rows.length !== this.firstRow * fieldsPerRow) throw new Error('damaged ledger rows');
      checkRows(rows, this.names.count);
      packed = new PackedRows();
      for (let i = 0; i < this.firstRow; i++) packed.pack(i, rows, i * fieldsPerRow);
      lastMs = this.firstRow > 0 ? rows[rows.length - fieldsPerRow + 1] : -Infinity;
    }
    if (this.firstRow > 0 && lastMs >= this.olderBeforeMs) throw new Error('damaged ledger order');
    // Every row now: the names they use are every name, checked before any is read.
    this.names.verifyAll();
    this.keysRead(keyHashes);
    for (const [row, values] of this.pendingOverrides) {
      packed.pack(row, values, 0);
      this.olderChanged.add(row);
    }
    this.pendingOverrides.clear();
    this.olderRows = packed;
    this.olderBeforeMs = -Infinity;
  }

  readOlderNow(): void {
    this.olderUsed = true;
    if (this.older) this.supplyOlder(this.older());
  }

  /** Set when every row is read (readOlderNow), cleared by takeOlderUsed: whether the older rows were wanted lately. */
  private olderUsed = false;

  /** Whether every row was wanted since the last call. */
  takeOlderUsed(): boolean {
    const used = this.olderUsed;
    this.olderUsed = false;
    return used;
  }

  /** Whether rows older than `startMs` or the keys are still to be read (see restore). */
  needsOlder(startMs = -Infinity): boolean {
    return this.older !== undefined && this.firstRow > 0 && startMs < this.olderBeforeMs;
  }

  /** Every row whose time is at or after `startMs`, reading the older rows only if the window reaches them. */
  eventsSince(startMs: number): UsageEvent[] {
    if (this.needsOlder(startMs)) this.readOlderNow();
    const out: UsageEvent[] = [];
    for (let i = this.olderRows || this.older === undefined ? 0 : this.firstRow; i < this.count; i++) {
      if (this.timeOf(i) >= startMs) out.push(this.decode(i));
    }
    // Older rows not read yet, but changed by a delta: a fuller snapshot may have moved one into the window.
    for (const row of this.pendingOverrides.values()) if (row[1] >= startMs) out.push(decodeRow(row, 0, this.names));
    return out;
  }

  /**
   * The last `max` of `eventsSince(startMs)`, the same objects' values in the same order, made without the others:
   * rows are walked back from the newest and only those kept are decoded.
   */
  lastEventsSince(startMs: number, max: number): UsageEvent[] {
    if (this.needsOlder(startMs)) this.readOlderNow();
    // eventsSince puts these last (older rows not read yet, changed by a delta).
    const pending: UsageEvent[] = [];
    for (const row of this.pendingOverrides.values()) if (row[1] >= startMs) pending.push(decodeRow(row, 0, this.names));
    const out: UsageEvent[] = [];
    const first = this.olderRows || this.older === undefined ? 0 : this.firstRow;
    for (let i = this.count - 1; i >= first && out.length + pending.length < max; i--) {
      if (this.timeOf(i) >= startMs) out.push(this.decode(i));
    }
    out.reverse();
    return [...out, ...pending].slice(-max);
  }

  /** Rows `from` on, reading the older rows only if `from` is one of them. */
  rowsFrom(from: number): UsageEvent[] {
    const out: UsageEvent[] = [];
    let i = Math.max(0, from);
    if (i < this.firstRow && this.onDisk && !this.olderRows) {
      // Left on disk: read a piece at a time and made into objects, none of the rows kept.
      this.olderFromDisk(i, out);
      i = this.firstRow;
    } else if (from < this.firstRow) this.readOlderNow();
    this.walkFrom(i);
    for (; i < this.count; i++) out.push(this.decode(i));
    return out;
  }

  /** Rows `from` to `firstRow` read from the index into `out` (a row changed since: its pending override), checked as read. */
  private olderFromDisk(from: number, out: UsageEvent[]): void {
    const piece = new Float64Array(Math.min(chunkRows, this.firstRow - from) * fieldsPerRow);
    for (let start = from; start < this.firstRow; start += chunkRows) {
      const view = piece.subarray(0, Math.min(chunkRows, this.firstRow - start) * fieldsPerRow);
      this.onDisk!.readRows(start, view);
      checkRows(view, this.names.count);
      this.names.verifyUsedBy(view, fieldsPerRow);
      for (let at = 0, row = start; at < view.length; at += fieldsPerRow, row++) {
        const pending = this.pendingOverrides.get(row);
        out.push(pending ? decodeRow(pending, 0, this.names) : decodeRow(view, at, this.names));
      }
    }
  }

  /** Rows added from now on leave memory for `spill` once their chunk is full (see PackedRows). */
  spillTo(spill: RowSpill): void {
    this.packed.spillTo(spill);
  }

  /** Rows are about to be read in row order from `i` on: spilled ones are then read a chunk at a time. */
  walkFrom(i: number): void {
    this.packed.walkFrom(Math.max(0, i - this.restoredCount));
  }

  /** While on, spilled rows are read a chunk at a time (see PackedRows.readWholeChunks). */
  readWholeChunks(on: boolean): void {
    this.packed.readWholeChunks(on);
  }

  /** Points `buffer` at row `i` and returns the row's offset in it. */
  locate(i: number): number {
    if (i >= this.restoredCount) {
      this.packed.unpack(i - this.restoredCount, this.scratch);
      this.buffer = this.scratch;
      return 0;
    }
    if (i >= this.firstRow) {
      const { plain } = this.newest;
      if (plain) {
        this.buffer = plain;
        return (i - this.firstRow) * fieldsPerRow;
      }
      this.newest.unpack(i - this.firstRow, this.scratch, 0);
      this.buffer = this.scratch;
      return 0;
    }
    if (!this.olderRows && this.onDisk) {
      // Left on disk: this row alone (a new usage merges into it), changed in place and kept as an override by
      // `changed`. A row only read is not kept: a walk over every row (a whole save's pieces, a report) that sees
      // them given back midway (releaseOlderIfIdle) would otherwise hold each of them, for good.
      let row = this.pendingOverrides.get(i);
      if (!row) {
        row = new Float64Array(fieldsPerRow);
        this.onDisk.readRows(i, row);
        checkRows(row, this.names.count);
        this.names.verifyUsedBy(row, fieldsPerRow);
      }
      this.buffer = row;
      return 0;
    }
    if (!this.olderRows) this.readOlderNow();
    this.olderRows!.unpack(i, this.scratch);
    this.buffer = this.scratch;
    return 0;
  }

  /**
   * Rows `from` to `from + n` into `out` (`fieldsPerRow` numbers each, from 0), as `locate` finds them: a walk over
   * every row in row order (the save, the day and month reports) a piece at a time, without a call per row for the
   * rows added since a restore (a cold scan's: all of them). Every row must be at hand (readOlderNow).
   */
  readRange(from: number, n: number, out: Float64Array): void {
    const end = from + n;
    let i = from;
    // Older rows of a restored index, read (packed too).
    if (i < this.firstRow && this.olderRows) {
      const m = Math.min(end, this.firstRow) - i;
      this.olderRows.unpackRange(i, m, out, 0);
      i += m;
    }
    // Its newest rows, as read (the CLI's): copied at once.
    const plain = this.newest.plain;
    if (i >= this.firstRow && i < this.restoredCount && i < end && plain) {
      const m = Math.min(end, this.restoredCount) - i;
      out.set(plain.subarray((i - this.firstRow) * fieldsPerRow, (i - this.firstRow + m) * fieldsPerRow), (i - from) * fieldsPerRow);
      i += m;
    }
    // The rest of the restored rows one at a time (left on disk, packed in the editor).
    for (; i < end && i < this.restoredCount; i++) this.copyLocated(i, out, (i - from) * fieldsPerRow);
    if (i < end) this.packed.unpackRange(i - this.restoredCount, end - i, out, (i - from) * fieldsPerRow);
  }

  /** Row `i` as `locate` finds it into `out` at `to`. */
  private copyLocated(i: number, out: Float64Array, to: number): void {
    const at = this.locate(i);
    const buffer = this.buffer;
    for (let f = 0; f < fieldsPerRow; f++) out[to + f] = buffer[at + f];
  }

  /**
   * The rows of time-order ranks `from` to `from + n` into `out` in that order, as `locate` finds them (see
   * readRange): the save's piece of rows in time order, gathered in row order (`byTime.byPiece`).
   */
  gatherRows(byTime: RowsByTime, from: number, n: number, out: Float64Array): void {
    const { rank, byPiece } = byTime;
    let k = from;
    for (; k < from + n && byPiece[k] < this.restoredCount; k++) this.copyLocated(byPiece[k], out, (rank[byPiece[k]] - from) * fieldsPerRow);
    if (k < from + n) this.packed.gather(byPiece, k, from + n, this.restoredCount, rank, from, out);
  }

  /** Row `i`'s time, without unpacking it (the status window reads every row's time on each update). */
  timeOf(i: number): number {
    if (i >= this.restoredCount) return this.packed.timeOf(i - this.restoredCount);
    if (i >= this.firstRow) return this.newest.timeOf(i - this.firstRow);
    if (!this.olderRows) this.readOlderNow();
    return this.olderRows!.timeOf(i);
  }

  /** Every row's time into `out` (`count` long), in row order. */
  timesInto(out: Float64Array): void {
    if (this.firstRow > 0 && !this.olderRows) this.readOlderNow();
    if (this.olderRows) this.olderRows.timesInto(out, 0, this.firstRow);
    for (let i = this.firstRow; i < this.restoredCount; i++) out[i] = this.newest.timeOf(i - this.firstRow);
    this.packed.timesInto(out, this.restoredCount, this.count - this.restoredCount);
  }

  decode(i: number): UsageEvent {
    const at = this.locate(i);
    return decodeRow(this.buffer, at, this.names);
  }

  /** Row `i` (a delta's new contents if its older rows are not read yet) into `out` at `to`. */
  copyRow(i: number, out: Float64Array, to: number): void {
    const pending = this.pendingOverrides.get(i);
    if (pending) {
      out.set(pending, to);
      return;
    }
    const at = this.locate(i);
    out.set(this.buffer.subarray(at, at + fieldsPerRow), to);
  }

  /** The index of a name, added if new. */
  ref(value: string): number {
    return this.names.ref(value);
  }

  /** Names after the last one (a delta's), in order. */
  addNames(names: NameTable | readonly string[]): void {
    if (names instanceof NameTable) this.names.addTable(names);
    else this.names.addStrings(names);
  }

  /** Adds `e` as the last row; returns its number. */
  append(e: UsageEvent): number {
    const row = this.scratch;
    row[0] = sourceNames.indexOf(e.source);
    row[1] = e.timestampMs;
    row[2] = this.ref(e.sessionId);
    row[3] = this.ref(e.agentId);
    row[4] = this.ref(e.project);
    row[5] = this.ref(e.model);
    row[6] = e.inputTokens;
    row[7] = e.outputTokens;
    row[8] = e.cacheWrite5mTokens;
    row[9] = e.cacheWrite1hTokens;
    row[10] = e.cacheReadTokens;
    row[11] = e.loggedCostUsd ?? -1;
    row[12] = e.webSearchRequests ?? 0;
    return this.appendRow(row, 0);
  }

  /** Adds `fieldsPerRow` numbers at `from` as the last row; returns its number. */
  appendRow(rows: Float64Array, from: number): number {
    const row = this.count;
    this.packed.pack(row - this.restoredCount, rows, from);
    this.count++;
    return row;
  }

  /** Row `i` was changed in `buffer` at `at`, where `locate` found it: a packed row goes back (newest restored rows as read were changed in place). */
  changed(i: number, at: number): void {
    if (i >= this.restoredCount) this.packed.pack(i - this.restoredCount, this.buffer, at);
    else if (i >= this.firstRow) this.newest.write(i - this.firstRow, this.buffer, at);
    else if (i < this.firstRow && this.olderRows) {
      this.olderRows.pack(i, this.buffer, at);
      this.olderChanged.add(i);
    } else if (i < this.firstRow && this.onDisk) {
      // An older row left on disk, changed in the row locate read: kept as its pending override.
      this.pendingOverrides.set(i, this.buffer);
    }
  }

  /** New contents for restored row `row` (from a delta), kept until the older rows are read if it is one of them. */
  override(row: number, values: Float64Array): void {
    if (row >= this.firstRow) this.newest.write(row - this.firstRow, values, 0);
    else if (this.olderRows) {
      this.olderRows.pack(row, values, 0);
      this.olderChanged.add(row);
    } else this.pendingOverrides.set(row, values);
  }
}
