import type { ParsedUsage } from './usageEvent';
import { sourceNames, type UsageEvent } from './usageEvent';

/**
 * Every billed request seen, each counted once.
 *
 * The same request can be logged several times: once per content block while
 * streaming (earlier lines may carry a partial `output_tokens`), again when a
 * resumed session copies history into a new file, and again when the same file
 * sits in two config folders. One key, one row: the tokens and time of the most
 * complete snapshot (largest output), credited to the session of the occurrence in
 * the oldest file (the original transcript, not a resumed copy). Both rules, with their
 * fixed tie-breaks, give the same ledger whatever order files and lines are read in, so
 * parallel readers need no ordering.
 *
 * Memory: rows are numbers, never objects (48 bytes each in fixed-size chunks, names once; see
 * `chunks`), and a dedup key is kept as its 64-bit hash (8 bytes) in an open-addressing table of row
 * numbers: ~75 bytes a request, against ~330 as one object per request plus a map of key strings.
 * Objects are made only for what a caller reads (`eventsSince`, `rowsFrom`, `eachEvent`, `events`).
 * Two different keys with the same 64-bit hash would be merged as one request: with a million
 * requests the chance of that happening at all is about 3 in 100 million (n² / 2⁶⁵).
 */
export class Ledger {
  /** Rows before `firstRow` of a restored index, once read (see restore). */
  private olderRows: Float64Array | undefined;
  /** Rows `firstRow` to `restoredCount` of a restored index, in its layout (sorted by time when saved). */
  private newestRows: Float64Array = new Float64Array(0);
  private firstRow = 0;
  private restoredCount = 0;
  /**
   * Every row added since, `chunkRows` rows per chunk (growing never copies what is held), in 48 bytes: the
   * time as a Float64, then source, names and token counts as ten uint32. A row that does not fit (a logged
   * cost, web searches, a count that is not a uint32) keeps its 13 numbers in `wideRows`.
   */
  private readonly chunks: Array<{ times: Float64Array; fields: Uint32Array }> = [];
  private readonly wideRows = new Map<number, Float64Array>();
  /** A chunk row unpacked, for `locate`. */
  private readonly scratch = new Float64Array(fieldsPerRow);
  private count = 0;
  /** Reads the rows before `firstRow` and the key hashes (see restore). */
  private older: (() => OlderRows) | undefined;
  private olderBeforeMs = -Infinity;
  /** Modification time of the file each row's session credit comes from (0: unknown, oldest; restored rows). */
  private creditMtimeMs: Float64Array = new Float64Array(0);
  /** Each row's key hash as two uint32 (0, 0: no key); undefined until a restored index's hashes are read. */
  private keyHashes: Uint32Array | undefined = new Uint32Array(0);
  /** Open addressing, linear probing: row + 1, or 0 for an empty slot. */
  private table = new Int32Array(1024);
  private keyedRows = 0;
  private readonly names: string[] = [];
  private nameIndex: Map<string, number> | undefined = new Map();
  private cached: { version: number; events: WeakRef<UsageEvent[]> } | undefined;
  /** Reads a restored index's key hashes alone (see restore), so that a new usage does not read every row. */
  private readKeys: (() => Uint32Array) | undefined;
  /** Key hashes of rows appended to a restored ledger before its keys were read (from a delta, see applyChanges). */
  private tailHashes: number[] = [];
  /** New contents of rows before `firstRow` (from a delta), applied when those rows are read. */
  private readonly pendingOverrides = new Map<number, Float64Array>();
  /** The saved index that `changes` are relative to: its rows, its names, and its rows merged into since. */
  private deltaBase: { rowCount: number; nameCount: number; touched: Set<number> } | undefined;
  /** Increases on every change, so views can tell whether to recompute. */
  version = 0;
  duplicateCount = 0;

  get size(): number {
    return this.count;
  }

  /** Every row as an object (made on each call at a new version; kept only while a caller holds them). */
  events(): readonly UsageEvent[] {
    const cached = this.cached?.version === this.version ? this.cached.events.deref() : undefined;
    if (cached) return cached;
    const events = this.rowsFrom(0);
    this.cached = { version: this.version, events: new WeakRef(events) };
    return events;
  }

  /**
   * Every row, one object at a time, none kept: a report over years of history holds its sums, not the
   * requests. Rows added while iterating may or may not be seen.
   */
  *eachEvent(): Generator<UsageEvent> {
    this.readOlderNow();
    for (let i = 0; i < this.count; i++) yield this.decode(i);
  }

  /**
   * Every row whose time is at or after `startMs` (in no particular order). Reads only the
   * newest part of a restored index: its cost follows the window, not the history.
   */
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
   * The rows at positions `from` and after. Positions only grow: a new request is appended, a repeat merges
   * into its row in place. So `rowsFrom(n)` after reading `size` = n gives what was added since (a live view).
   */
  rowsFrom(from: number): UsageEvent[] {
    if (from < this.firstRow) this.readOlderNow();
    const out: UsageEvent[] = [];
    for (let i = Math.max(0, from); i < this.count; i++) out.push(this.decode(i));
    return out;
  }

  /** The buffer `locate` found a row in. */
  private buffer: Float64Array = this.newestRows;

  /** Points `buffer` at row `i`'s chunk and returns the row's offset in it. */
  private locate(i: number): number {
    if (i >= this.restoredCount) {
      this.unpack(i);
      this.buffer = this.scratch;
      return 0;
    }
    if (i >= this.firstRow) {
      this.buffer = this.newestRows;
      return (i - this.firstRow) * fieldsPerRow;
    }
    if (!this.olderRows) this.readOlderNow();
    this.buffer = this.olderRows!;
    return i * fieldsPerRow;
  }

  /** Row `i`'s time, without unpacking it (the status window reads every row's time on each update). */
  private timeOf(i: number): number {
    if (i < this.restoredCount) {
      const at = this.locate(i);
      return this.buffer[at + 1];
    }
    const local = i - this.restoredCount;
    const { times, fields } = this.chunks[local >>> chunkShift];
    const k = local & (chunkRows - 1);
    return fields[k * packedFields] === wideMark ? this.wideRows.get(i)![1] : times[k];
  }

  /** Row `i` (at or after `restoredCount`) into `scratch`. */
  private unpack(i: number): void {
    const local = i - this.restoredCount;
    const { times, fields } = this.chunks[local >>> chunkShift];
    const k = local & (chunkRows - 1);
    const at = k * packedFields;
    const out = this.scratch;
    if (fields[at] === wideMark) {
      out.set(this.wideRows.get(i)!);
      return;
    }
    out[0] = fields[at];
    out[1] = times[k];
    for (let f = 1; f < packedFields; f++) out[f + 1] = fields[at + f];
    out[11] = -1;
    out[12] = 0;
  }

  /** Stores `row` (13 numbers at `from`) as row `i` (at or after `restoredCount`), packed when it fits. */
  private pack(i: number, row: Float64Array, from: number): void {
    const local = i - this.restoredCount;
    if ((local & (chunkRows - 1)) === 0 && local >>> chunkShift === this.chunks.length) {
      this.chunks.push({ times: new Float64Array(chunkRows), fields: new Uint32Array(chunkRows * packedFields) });
    }
    const { times, fields } = this.chunks[local >>> chunkShift];
    const k = local & (chunkRows - 1);
    const at = k * packedFields;
    let fits = row[from] >= 0 && row[from] < sourceNames.length && row[from + 11] === -1 && row[from + 12] === 0;
    for (let f = 6; f <= 10 && fits; f++) fits = row[from + f] === row[from + f] >>> 0;
    if (!fits) {
      fields[at] = wideMark;
      this.wideRows.set(i, row.slice(from, from + fieldsPerRow));
      return;
    }
    if (fields[at] === wideMark) this.wideRows.delete(i);
    times[k] = row[from + 1];
    fields[at] = row[from];
    for (let f = 1; f < packedFields; f++) fields[at + f] = row[from + f + 1];
  }

  private decode(i: number): UsageEvent {
    const at = this.locate(i);
    return decodeRow(this.buffer, at, this.names);
  }

  /** Adds one usage record read from a file last modified at `fileMtimeMs`. */
  add({ event, dedupKey }: ParsedUsage, fileMtimeMs = 0): void {
    this.version++;
    // A new request must be checked against every key (and reads the older rows only if it merges into one).
    this.ensureKeys();
    let hi = 0;
    let lo = 0;
    if (dedupKey !== undefined) {
      hashKey(dedupKey);
      hi = hashHi;
      lo = hashLo;
      const at = this.find(hi, lo);
      if (at !== -1) {
        this.duplicateCount++;
        this.merge(at, event, fileMtimeMs);
        return;
      }
    }
    this.append(event, fileMtimeMs, hi, lo);
  }

  private append(e: UsageEvent, fileMtimeMs: number, hi: number, lo: number): void {
    const row = this.count;
    const rows = this.scratch;
    rows[0] = sourceNames.indexOf(e.source);
    rows[1] = e.timestampMs;
    rows[2] = this.ref(e.sessionId);
    rows[3] = this.ref(e.agentId);
    rows[4] = this.ref(e.project);
    rows[5] = this.ref(e.model);
    rows[6] = e.inputTokens;
    rows[7] = e.outputTokens;
    rows[8] = e.cacheWrite5mTokens;
    rows[9] = e.cacheWrite1hTokens;
    rows[10] = e.cacheReadTokens;
    rows[11] = e.loggedCostUsd ?? -1;
    rows[12] = e.webSearchRequests ?? 0;
    this.pack(row, rows, 0);
    this.count++;
    if (this.creditMtimeMs.length < this.count) this.creditMtimeMs = grown(this.creditMtimeMs, this.count);
    this.creditMtimeMs[row] = fileMtimeMs;
    let hashes = this.keyHashes!;
    if (hashes.length < this.count * 2) this.keyHashes = hashes = grown(hashes, this.count * 2);
    hashes[row * 2] = hi;
    hashes[row * 2 + 1] = lo;
    if (hi !== 0 || lo !== 0) this.insert(row, lo);
  }

  /** The row with this key hash, or -1. */
  private find(hi: number, lo: number): number {
    const { table } = this;
    const hashes = this.keyHashes!;
    const mask = table.length - 1;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot];
      if (entry === 0) return -1;
      const row = entry - 1;
      if (hashes[row * 2 + 1] === lo && hashes[row * 2] === hi) return row;
    }
  }

  private insert(row: number, lo: number): void {
    if (++this.keyedRows * 2 > this.table.length) {
      this.rebuildTable(this.table.length * 2);
      return;
    }
    const { table } = this;
    const mask = table.length - 1;
    let slot = lo & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = row + 1;
  }

  /** Indexes every keyed row in a table of `size` slots (a power of two, at most half full). */
  private rebuildTable(size: number): void {
    const hashes = this.keyHashes!;
    const table = new Int32Array(size);
    const mask = size - 1;
    let keyed = 0;
    for (let row = 0; row < this.count; row++) {
      const hi = hashes[row * 2];
      const lo = hashes[row * 2 + 1];
      if (hi === 0 && lo === 0) continue;
      keyed++;
      let slot = lo & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = row + 1;
    }
    this.table = table;
    this.keyedRows = keyed;
  }

  private ref(value: string): number {
    let index = this.nameIndex;
    if (!index) this.nameIndex = index = new Map(this.names.map((name, i) => [name, i]));
    let at = index.get(value);
    if (at === undefined) index.set(value, (at = this.names.push(value) - 1));
    return at;
  }

  /**
   * A compact copy for the persisted index: names once, every row as `fieldsPerRow`
   * numbers in one Float64Array sorted by time, and each row's key hash. Written as raw bytes
   * (see usageIndex.ts). `parts` gives the same in pieces, without a second copy of every row.
   */
  serialize(): SerializedLedger {
    const parts = this.parts();
    const rows = new Float64Array(parts.rowCount * fieldsPerRow);
    const keyHashes = new Uint32Array(parts.rowCount * 2);
    let at = 0;
    for (const piece of parts.rows()) rows.set(piece, (at += piece.length) - piece.length);
    at = 0;
    for (const piece of parts.keyHashes()) keyHashes.set(piece, (at += piece.length) - piece.length);
    return { strings: parts.strings, duplicateCount: parts.duplicateCount, rows, keyHashes };
  }

  /** What `serialize` gives, as pieces of at most `chunkRows` rows to write one after another. */
  parts(): LedgerParts {
    this.readOlderNow();
    const count = this.count;
    // Sorted by time, so that a reader can take the newest rows alone (see usageIndex.ts): usually they
    // already are but for the rows added since the index was read.
    let order: Uint32Array | undefined;
    let previousMs = -Infinity;
    for (let i = 0; i < count; i++) {
      const timeMs = this.timeOf(i);
      if (timeMs < previousMs) {
        order = this.timeOrder();
        break;
      }
      previousMs = timeMs;
    }
    const hashes = this.keyHashes!;
    // Names in order of first use by the saved rows (names a merge replaced are left out): the same
    // ledger gives the same bytes, whatever order its records arrived in.
    const rename = new Int32Array(this.names.length).fill(-1);
    const strings: string[] = [];
    for (let i = 0; i < count; i++) {
      const at = this.locate(order ? order[i] : i);
      for (let f = 2; f <= 5; f++) {
        const name = this.buffer[at + f];
        if (rename[name] === -1) rename[name] = strings.push(this.names[name]) - 1;
      }
    }
    return {
      identity: !order && strings.length === this.names.length && strings.every((name, i) => name === this.names[i]),
      strings,
      duplicateCount: this.duplicateCount,
      rowCount: count,
      rows: () => this.rowPieces(count, order, rename),
      keyHashes: () => this.hashPieces(count, order, hashes),
    };
  }

  private *rowPieces(count: number, order: Uint32Array | undefined, rename: Int32Array): Generator<Float64Array> {
    for (let from = 0; from < count; from += chunkRows) {
      const n = Math.min(chunkRows, count - from);
      const piece = new Float64Array(n * fieldsPerRow);
      for (let k = 0; k < n; k++) {
        const at = this.locate(order ? order[from + k] : from + k);
        const to = k * fieldsPerRow;
        piece.set(this.buffer.subarray(at, at + fieldsPerRow), to);
        for (let f = 2; f <= 5; f++) piece[to + f] = rename[piece[to + f]];
      }
      yield piece;
    }
  }

  private *hashPieces(count: number, order: Uint32Array | undefined, hashes: Uint32Array): Generator<Uint32Array> {
    for (let from = 0; from < count; from += chunkRows) {
      const n = Math.min(chunkRows, count - from);
      if (!order) {
        yield hashes.slice(from * 2, (from + n) * 2);
        continue;
      }
      const piece = new Uint32Array(n * 2);
      for (let k = 0; k < n; k++) {
        piece[k * 2] = hashes[order[from + k] * 2];
        piece[k * 2 + 1] = hashes[order[from + k] * 2 + 1];
      }
      yield piece;
    }
  }

  /** Row numbers by time, then position (a fixed order whatever the reading order was). */
  private timeOrder(): Uint32Array {
    const times = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) times[i] = this.timeOf(i);
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => times[a] - times[b] || a - b);
  }

  /** Rebuilds a ledger from `serialize()` output; throws on anything damaged or foreign. */
  static deserialize(data: SerializedLedger): Ledger {
    const { rows, keyHashes } = data;
    if (!(rows instanceof Float64Array) || rows.length % fieldsPerRow !== 0) throw new Error('damaged ledger rows');
    return Ledger.restore({ strings: data.strings, duplicateCount: data.duplicateCount, rowCount: rows.length / fieldsPerRow, firstRow: 0, olderBeforeMs: -Infinity, newestRows: rows, readOlder: () => ({ rows: new Float64Array(0), keyHashes }) });
  }

  /**
   * A ledger from a saved index of which only the newest rows were read (`newestRows`, rows `firstRow` on):
   * enough for `eventsSince(t)` with t at or after the first of them. The older rows and the key hashes are
   * read through `readOlder` (or handed over by `supplyOlder`) when first needed: by `events()`, an older
   * window, or a new usage (which must be checked against every key). Throws on anything damaged or foreign,
   * here for the newest rows and then for the rest.
   */
  static restore(part: RestoredLedger): Ledger {
    const { strings, rowCount, firstRow, newestRows } = part;
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string')) throw new Error('damaged ledger names');
    if (!Number.isInteger(rowCount) || !Number.isInteger(firstRow) || firstRow < 0 || firstRow > rowCount || !(newestRows instanceof Float64Array) || newestRows.length !== (rowCount - firstRow) * fieldsPerRow) {
      throw new Error('damaged ledger rows');
    }
    checkRows(newestRows, strings.length);
    const ledger = new Ledger();
    ledger.names.push(...strings);
    ledger.nameIndex = undefined;
    ledger.newestRows = newestRows;
    ledger.firstRow = firstRow;
    ledger.restoredCount = ledger.count = rowCount;
    ledger.olderBeforeMs = firstRow === 0 ? -Infinity : part.olderBeforeMs;
    ledger.keyHashes = undefined;
    ledger.older = part.readOlder;
    ledger.readKeys = part.readKeyHashes;
    ledger.deltaBase = { rowCount, nameCount: strings.length, touched: new Set() };
    if (firstRow === 0) ledger.supplyOlder(part.readOlder());
    ledger.duplicateCount = checkCount(Number(part.duplicateCount));
    return ledger;
  }

  /** The older rows and the key hashes of a restored ledger (see restore), read ahead by the caller (asynchronously, in the editor). */
  supplyOlder(older: OlderRows): void {
    if (!this.older) return;
    this.older = undefined;
    const { rows, keyHashes } = older;
    if (!(rows instanceof Float64Array) || rows.length !== this.firstRow * fieldsPerRow) throw new Error('damaged ledger rows');
    checkRows(rows, this.names.length);
    if (this.firstRow > 0 && rows[rows.length - fieldsPerRow + 1] >= this.olderBeforeMs) throw new Error('damaged ledger order');
    if (!this.keyHashes) this.installKeys(keyHashes);
    for (const [row, values] of this.pendingOverrides) rows.set(values, row * fieldsPerRow);
    this.pendingOverrides.clear();
    this.olderRows = rows;
    this.olderBeforeMs = -Infinity;
  }

  private ensureKeys(): void {
    if (this.keyHashes) return;
    const readKeys = this.readKeys;
    this.readKeys = undefined;
    if (readKeys) this.installKeys(readKeys());
    else this.readOlderNow();
  }

  /** Indexes the key hashes of the restored rows (and of rows a delta appended). */
  private installKeys(restored: Uint32Array): void {
    if (!(restored instanceof Uint32Array) || restored.length !== this.restoredCount * 2) throw new Error('damaged ledger keys');
    this.readKeys = undefined;
    const hashes = new Uint32Array(Math.max(this.count * 2, 1024));
    hashes.set(restored);
    hashes.set(this.tailHashes, restored.length);
    this.tailHashes = [];
    this.keyHashes = hashes;
    this.creditMtimeMs = new Float64Array(Math.max(this.count, 1024));
    let keyed = 0;
    for (let row = 0; row < this.count; row++) if (hashes[row * 2] !== 0 || hashes[row * 2 + 1] !== 0) keyed++;
    let size = 1024;
    while (size < keyed * 2) size *= 2;
    this.rebuildTable(size);
  }

  /**
   * What changed since the index this ledger was restored from (or last saved as, see savedAsBase): the rows
   * added, the rows merged into, and the names they brought. Undefined when there is no such index.
   */
  changes(): LedgerChanges | undefined {
    const base = this.deltaBase;
    if (!base) return undefined;
    const added = this.count - base.rowCount;
    const rows = new Float64Array(added * fieldsPerRow);
    const keyHashes = new Uint32Array(added * 2);
    for (let k = 0; k < added; k++) {
      const row = base.rowCount + k;
      const at = this.locate(row);
      rows.set(this.buffer.subarray(at, at + fieldsPerRow), k * fieldsPerRow);
      if (this.keyHashes) {
        keyHashes[k * 2] = this.keyHashes[row * 2];
        keyHashes[k * 2 + 1] = this.keyHashes[row * 2 + 1];
      } else {
        keyHashes[k * 2] = this.tailHashes[(row - this.restoredCount) * 2];
        keyHashes[k * 2 + 1] = this.tailHashes[(row - this.restoredCount) * 2 + 1];
      }
    }
    const touched = [...base.touched].sort((a, b) => a - b);
    const overrideRows = new Float64Array(touched.length * fieldsPerRow);
    touched.forEach((row, k) => {
      const pending = this.pendingOverrides.get(row);
      if (pending) overrideRows.set(pending, k * fieldsPerRow);
      else {
        const at = this.locate(row);
        overrideRows.set(this.buffer.subarray(at, at + fieldsPerRow), k * fieldsPerRow);
      }
    });
    return { baseRowCount: base.rowCount, strings: this.names.slice(base.nameCount), rows, keyHashes, overrideAt: Float64Array.from(touched), overrideRows, duplicateCount: this.duplicateCount };
  }

  /**
   * Applies `changes()` of a ledger saved from the same index, right after restoring it. Checks everything
   * first and throws on anything damaged or foreign, leaving the ledger as it was.
   */
  applyChanges(changes: LedgerChanges): void {
    const base = this.deltaBase;
    const { strings, rows, keyHashes, overrideAt, overrideRows } = changes;
    if (!base || base.touched.size > 0 || this.count !== base.rowCount || changes.baseRowCount !== base.rowCount || this.restoredCount !== base.rowCount) throw new Error('foreign ledger changes');
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string')) throw new Error('damaged ledger names');
    if (!(rows instanceof Float64Array) || rows.length % fieldsPerRow !== 0 || !(keyHashes instanceof Uint32Array) || keyHashes.length !== (rows.length / fieldsPerRow) * 2) throw new Error('damaged ledger rows');
    if (!(overrideAt instanceof Float64Array) || !(overrideRows instanceof Float64Array) || overrideRows.length !== overrideAt.length * fieldsPerRow) throw new Error('damaged ledger rows');
    const nameCount = this.names.length + strings.length;
    checkRows(rows, nameCount, false);
    checkRows(overrideRows, nameCount, false);
    let previous = -1;
    for (const row of overrideAt) {
      if (!(Number.isInteger(row) && row > previous && row < base.rowCount)) throw new Error('damaged ledger rows');
      previous = row;
    }
    const duplicateCount = checkCount(Number(changes.duplicateCount));
    this.names.push(...strings);
    this.nameIndex = undefined;
    overrideAt.forEach((row, k) => {
      const values = overrideRows.slice(k * fieldsPerRow, (k + 1) * fieldsPerRow);
      base.touched.add(row);
      if (row >= this.firstRow) this.newestRows.set(values, (row - this.firstRow) * fieldsPerRow);
      else if (this.olderRows) this.olderRows.set(values, row * fieldsPerRow);
      else this.pendingOverrides.set(row, values);
    });
    for (let k = 0; k < rows.length / fieldsPerRow; k++) {
      const row = this.count;
      this.pack(row, rows, k * fieldsPerRow);
      this.count++;
      const hi = keyHashes[k * 2];
      const lo = keyHashes[k * 2 + 1];
      if (!this.keyHashes) {
        this.tailHashes.push(hi, lo);
        continue;
      }
      if (this.creditMtimeMs.length < this.count) this.creditMtimeMs = grown(this.creditMtimeMs, this.count);
      if (this.keyHashes.length < this.count * 2) this.keyHashes = grown(this.keyHashes, this.count * 2);
      this.keyHashes[row * 2] = hi;
      this.keyHashes[row * 2 + 1] = lo;
      if (hi !== 0 || lo !== 0) this.insert(row, lo);
    }
    this.duplicateCount = duplicateCount;
    this.version++;
  }

  /** The ledger was just saved whole, row for row (`parts().identity`): later changes are relative to that save. */
  savedAsBase(): void {
    this.deltaBase = { rowCount: this.count, nameCount: this.names.length, touched: new Set() };
  }

  /** Whether rows older than `startMs` or the keys are still to be read (see restore). */
  needsOlder(startMs = -Infinity): boolean {
    return this.older !== undefined && this.firstRow > 0 && startMs < this.olderBeforeMs;
  }

  private readOlderNow(): void {
    if (this.older) this.supplyOlder(this.older());
  }

  /** Counts repeats merged before they reached the ledger (see FileRepeats). */
  countMergedRepeats(count: number): void {
    this.duplicateCount += count;
  }

  private merge(row: number, seen: UsageEvent, fileMtimeMs: number): void {
    if (this.deltaBase && row < this.deltaBase.rowCount) this.deltaBase.touched.add(row);
    const at = this.locate(row);
    const rows = this.buffer;
    const creditMtimeMs = this.creditMtimeMs[row];
    if (fileMtimeMs < creditMtimeMs || (fileMtimeMs === creditMtimeMs && creditsBeforeRow(seen, rows, at, this.names))) {
      rows[at + 2] = this.ref(seen.sessionId);
      rows[at + 3] = this.ref(seen.agentId);
      rows[at + 4] = this.ref(seen.project);
      this.creditMtimeMs[row] = fileMtimeMs;
    }
    if (isFullerThanRow(seen, rows, at)) {
      rows[at + 1] = seen.timestampMs;
      rows[at + 6] = seen.inputTokens;
      rows[at + 7] = seen.outputTokens;
      rows[at + 8] = seen.cacheWrite5mTokens;
      rows[at + 9] = seen.cacheWrite1hTokens;
      rows[at + 10] = seen.cacheReadTokens;
      rows[at + 11] = seen.loggedCostUsd ?? -1;
      rows[at + 12] = seen.webSearchRequests ?? 0;
    }
    // A packed row was unpacked into `scratch`: it goes back (restored rows were changed in place).
    if (row >= this.restoredCount) this.pack(row, rows, at);
  }
}

const chunkShift = 14;
/** Uint32 fields of a packed row: source, 4 names, 5 token counts. */
const packedFields = 10;
/** In a packed row's source field: the row is in `wideRows`. */
const wideMark = 0xffffffff;
/** Rows per chunk (16,384: 768 KiB packed). */
const chunkRows = 1 << chunkShift;

/** A copy of `array` with room for at least `length` items (half as much again, so appends stay cheap). */
function grown<T extends Float64Array | Uint32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(length, Math.ceil(array.length * 1.5), 1024));
  bigger.set(array);
  return bigger;
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

/** The ledger's fuller-snapshot rule (see isFuller) between a record and a stored row. */
function isFullerThanRow(a: UsageEvent, rows: Float64Array, at: number): boolean {
  if (a.outputTokens !== rows[at + 7]) return a.outputTokens > rows[at + 7];
  if (a.inputTokens !== rows[at + 6]) return a.inputTokens > rows[at + 6];
  if (a.cacheReadTokens !== rows[at + 10]) return a.cacheReadTokens > rows[at + 10];
  if (a.cacheWrite5mTokens !== rows[at + 8]) return a.cacheWrite5mTokens > rows[at + 8];
  if (a.cacheWrite1hTokens !== rows[at + 9]) return a.cacheWrite1hTokens > rows[at + 9];
  if (a.timestampMs !== rows[at + 1]) return a.timestampMs < rows[at + 1];
  if ((a.webSearchRequests ?? 0) !== rows[at + 12]) return (a.webSearchRequests ?? 0) > rows[at + 12];
  return (a.loggedCostUsd ?? -1) > rows[at + 11];
}

/** The credit rule (see creditsBefore) between a record and a stored row. */
function creditsBeforeRow(a: UsageEvent, rows: Float64Array, at: number, names: readonly string[]): boolean {
  const sessionId = names[rows[at + 2]];
  if (a.sessionId !== sessionId) return a.sessionId < sessionId;
  const agentId = names[rows[at + 3]];
  if (a.agentId !== agentId) return a.agentId < agentId;
  return a.project < names[rows[at + 4]];
}

/** Throws unless every row has a known source, names in range, counts that are counts, and times in order. */
function checkRows(rows: Float64Array, nameCount: number, ordered = true): void {
  let previousMs = -Infinity;
  for (let at = 0; at < rows.length; at += fieldsPerRow) {
    const source = rows[at];
    if (!(source >= 0 && source < sourceNames.length && source === Math.floor(source))) throw new Error('damaged ledger source');
    for (let f = 2; f <= 5; f++) {
      const name = rows[at + f];
      if (!(name >= 0 && name < nameCount && name === Math.floor(name))) throw new Error('damaged ledger name');
    }
    const timeMs = rows[at + 1];
    // `!(x >= 0)` is also true for NaN; Infinity is caught by the finite sum below.
    if (!(timeMs >= 0)) throw new Error('damaged ledger count');
    if (ordered && timeMs < previousMs) throw new Error('damaged ledger order');
    previousMs = timeMs;
    let sum = timeMs + rows[at + 12];
    for (let f = 6; f <= 10; f++) {
      if (!(rows[at + f] >= 0)) throw new Error('damaged ledger count');
      sum += rows[at + f];
    }
    const cost = rows[at + 11];
    if (!(cost >= 0 || cost === -1) || !(rows[at + 12] >= 0) || !Number.isFinite(sum + (cost === -1 ? 0 : cost))) throw new Error('damaged ledger count');
  }
}

function checkCount(value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error('damaged ledger count');
  return value;
}

function decodeRow(rows: Float64Array, at: number, strings: string[]): UsageEvent {
  const event: UsageEvent = {
    source: sourceNames[rows[at]], timestampMs: rows[at + 1], sessionId: strings[rows[at + 2]], agentId: strings[rows[at + 3]], project: strings[rows[at + 4]], model: strings[rows[at + 5]],
    inputTokens: rows[at + 6], outputTokens: rows[at + 7], cacheWrite5mTokens: rows[at + 8], cacheWrite1hTokens: rows[at + 9], cacheReadTokens: rows[at + 10],
  };
  if (rows[at + 11] !== -1) event.loggedCostUsd = rows[at + 11];
  if (rows[at + 12] > 0) event.webSearchRequests = rows[at + 12];
  return event;
}

/**
 * The ledger's rule for two snapshots of one request: the one with more output is the more
 * complete. Ties are broken by the other counts, then the earlier time (the first line of a
 * streamed reply), so the winner never depends on which was read first.
 */
function keepFullerSnapshot(kept: UsageEvent, seen: UsageEvent): void {
  if (isFuller(seen, kept)) {
    kept.timestampMs = seen.timestampMs;
    kept.loggedCostUsd = seen.loggedCostUsd;
    kept.inputTokens = seen.inputTokens;
    kept.outputTokens = seen.outputTokens;
    kept.cacheWrite5mTokens = seen.cacheWrite5mTokens;
    kept.cacheWrite1hTokens = seen.cacheWrite1hTokens;
    kept.cacheReadTokens = seen.cacheReadTokens;
    if (seen.webSearchRequests === undefined) delete kept.webSearchRequests;
    else kept.webSearchRequests = seen.webSearchRequests;
  }
}

function isFuller(a: UsageEvent, b: UsageEvent): boolean {
  if (a.outputTokens !== b.outputTokens) return a.outputTokens > b.outputTokens;
  if (a.inputTokens !== b.inputTokens) return a.inputTokens > b.inputTokens;
  if (a.cacheReadTokens !== b.cacheReadTokens) return a.cacheReadTokens > b.cacheReadTokens;
  if (a.cacheWrite5mTokens !== b.cacheWrite5mTokens) return a.cacheWrite5mTokens > b.cacheWrite5mTokens;
  if (a.cacheWrite1hTokens !== b.cacheWrite1hTokens) return a.cacheWrite1hTokens > b.cacheWrite1hTokens;
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs;
  if ((a.webSearchRequests ?? 0) !== (b.webSearchRequests ?? 0)) return (a.webSearchRequests ?? 0) > (b.webSearchRequests ?? 0);
  return (a.loggedCostUsd ?? -1) > (b.loggedCostUsd ?? -1);
}

/** Between occurrences in files of the same age, the credit goes to the first session by name: any rule, as long as it is fixed. */
function creditsBefore(a: UsageEvent, b: UsageEvent): boolean {
  if (a.sessionId !== b.sessionId) return a.sessionId < b.sessionId;
  if (a.agentId !== b.agentId) return a.agentId < b.agentId;
  return a.project < b.project;
}

/**
 * Merges the repeats of a request within one read of one file (a streamed reply is one line
 * per content block) before the records leave the reader, exactly as the ledger would
 * (occurrences in one file are of the same age). About
 * half the records of a Claude Code log are such repeats; merged here, in the scan threads, they
 * never cost the ledger's thread a copy or a key lookup.
 */
export class FileRepeats {
  readonly usages: ParsedUsage[] = [];
  /** Records merged into an earlier one of the same read. */
  merged = 0;
  private readonly firstByKey = new Map<string, UsageEvent>();

  add(usage: ParsedUsage): void {
    if (usage.dedupKey !== undefined) {
      const first = this.firstByKey.get(usage.dedupKey);
      if (first !== undefined) {
        this.merged++;
        if (creditsBefore(usage.event, first)) {
          first.sessionId = usage.event.sessionId;
          first.agentId = usage.event.agentId;
          first.project = usage.event.project;
        }
        keepFullerSnapshot(first, usage.event);
        return;
      }
      this.firstByKey.set(usage.dedupKey, usage.event);
    }
    this.usages.push(usage);
  }
}

export const fieldsPerRow = 13;

/** The rows a restored ledger reads when first needed (see Ledger.restore). */
export interface OlderRows {
  /** Rows before the newest ones, in the layout of `SerializedLedger.rows`. */
  rows: Float64Array;
  /** Every row's key hash, the newest rows' too (see `SerializedLedger.keyHashes`). */
  keyHashes: Uint32Array;
}

export interface RestoredLedger {
  strings: string[];
  duplicateCount: number;
  rowCount: number;
  /** The first row of `newestRows`. */
  firstRow: number;
  /** Every row before `firstRow` is older than this (the time the newest rows were chosen by). */
  olderBeforeMs: number;
  newestRows: Float64Array;
  readOlder: () => OlderRows;
  /** Reads the key hashes alone (`OlderRows.keyHashes`): a new usage then reads no older row it does not merge into. */
  readKeyHashes?: () => Uint32Array;
}

/** What changed since a saved index (see Ledger.changes): small, so that saving it costs what is new. */
export interface LedgerChanges {
  /** Rows of the index these changes apply to. */
  baseRowCount: number;
  /** Names after the index's own. */
  strings: string[];
  /** Rows added since, in ledger order (not sorted), and their key hashes. */
  rows: Float64Array;
  keyHashes: Uint32Array;
  /** Rows of the index merged into since (ascending row numbers), with their contents now. */
  overrideAt: Float64Array;
  overrideRows: Float64Array;
  duplicateCount: number;
}

export interface SerializedLedger {
  strings: string[];
  /**
   * `fieldsPerRow` numbers per row, sorted by time: source, time, session, agent, project, model (name
   * indexes), 5 token counts, logged cost (-1: none), web searches.
   */
  rows: Float64Array;
  /** Two uint32 per row, in the same order: its dedup key's 64-bit hash (0, 0: the row has no key). */
  keyHashes: Uint32Array;
  duplicateCount: number;
}

/** `SerializedLedger` in pieces of rows, to write one after another (see Ledger.parts). */
export interface LedgerParts {
  /** Rows and names in the ledger's own order: a ledger restored from these parts has the same row numbers. */
  identity: boolean;
  strings: string[];
  duplicateCount: number;
  rowCount: number;
  rows(): Iterable<Float64Array>;
  keyHashes(): Iterable<Uint32Array>;
}
