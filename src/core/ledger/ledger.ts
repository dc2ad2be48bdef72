import { creditsBeforeRow, isFullerThanRow } from './dedupRules';
import { KeyHashTable } from './keyHashTable';
import { changesSince, checkChanges, type DeltaBase, eventsInOrder, joinParts, partsOf, timeOrder } from './saving';
import { checkCount, decodeRow, fieldsPerRow, type LedgerChanges, type LedgerParts, type OlderRows, type RestoredLedger, type SerializedLedger } from './rowLayout';
import { RowNumbers, type RowSpill } from './packedRows';
import { RowStore } from './rowStore';
import type { ParsedUsage, UsageEvent } from '../usageEvent';

export type { RowSpill } from './packedRows';
export { fieldsPerRow, type LedgerChanges, type LedgerParts, type OlderRows, type RestoredLedger, type SerializedLedger } from './rowLayout';

/**
 * Every billed request seen, each counted once.
 *
 * The same request can be logged several times: once per content block while
 * streaming (earlier lines may carry a partial `output_tokens`), again when a
 * resumed session copies history into a new file, and again when the same file
 * sits in two config folders. One key, one row: the tokens and time of the most
 * complete snapshot (largest output), credited to the session of the occurrence in
 * the oldest file (the original transcript, not a resumed copy). Both rules (dedupRules.ts), with their
 * fixed tie-breaks, give the same ledger whatever order files and lines are read in, so
 * parallel readers need no ordering.
 *
 * Memory: rows are numbers, never objects (48 bytes each, names once: rowStore.ts, packedRows.ts), and a
 * dedup key is kept as its 64-bit hash (8 bytes) in an open-addressing table of row numbers
 * (keyHashTable.ts): ~75 bytes a request, against ~330 as one object per request plus a map of key strings.
 * Objects are made only for what a caller reads (`eventsSince`, `rowsFrom`, `eachEvent`, `events`).
 * Saving the ledger, whole or as what changed since a save, is in saving.ts.
 */
export class Ledger {
  private readonly rows = new RowStore((keyHashes) => {
    if (!this.keys.ready) this.installKeys(keyHashes);
  });
  private readonly keys = new KeyHashTable();
  /** Modification time of the file each row's session credit comes from (0: unknown, oldest; restored rows). */
  private readonly creditMtimeMs = new RowNumbers();
  /** The saved index that `changes` are relative to: its rows, its names, and its rows merged into since. */
  private deltaBase: DeltaBase | undefined;
  private cached: { version: number; events: WeakRef<UsageEvent[]> } | undefined;
  /** Since trackChanges(): the rows that existed then, and the value of each merged into since, as it was. */
  private tracking: { fromRow: number; before: Map<number, Float64Array> } | undefined;
  /** Increases on every change, so views can tell whether to recompute. */
  version = 0;
  duplicateCount = 0;

  get size(): number {
    return this.rows.count;
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
    this.rows.readOlderNow();
    for (let i = 0; i < this.rows.count; i++) {
      // At each row: the caller may have read other rows in between (spilled rows are read a chunk at a time).
      this.rows.walkFrom(i);
      yield this.rows.decode(i);
    }
  }

  /**
   * Every row as numbers (rowLayout.ts's fields; names as indices, see `nameOf`) in row order, as `eachEvent` gives
   * them: `row` is only valid during the call. For reports that need sums, not objects.
   */
  eachRow(visit: (row: Float64Array, at: number) => void): void {
    const rows = this.rows;
    rows.readOlderNow();
    // A row at a time through `locate`, not RowStore.readRange: after a cold scan its code is compiled already (the
    // scan's merges), and a restored index's newest rows are visited where they are, uncopied.
    rows.walkFrom(0);
    for (let i = 0; i < rows.count; i++) {
      const at = rows.locate(i);
      visit(rows.buffer, at);
    }
  }

  /** The name with index `name` (a row's session, agent, project or model field). */
  nameOf(name: number): string {
    return this.rows.names.get(name);
  }

  /**
   * Every row in time order (ties in row order: as `events()` sorted stably by time), a piece at a time: holds
   * 8 bytes a row and one piece of objects, not every request as an object. Rows added meanwhile are not seen.
   */
  *eachEventByTime(): Generator<UsageEvent> {
    this.rows.readOlderNow();
    yield* eventsInOrder(this.rows, timeOrder(this.rows));
  }

  /**
   * Every row whose time is at or after `startMs` (in no particular order). Reads only the
   * newest part of a restored index: its cost follows the window, not the history.
   */
  eventsSince(startMs: number): UsageEvent[] {
    return this.rows.eventsSince(startMs);
  }

  /** The last `max` of `eventsSince(startMs)` (see RowStore.lastEventsSince): a month of rows not made into objects to read a few. */
  lastEventsSince(startMs: number, max: number): UsageEvent[] {
    return this.rows.lastEventsSince(startMs, max);
  }

  /**
   * The rows at positions `from` and after. Positions only grow: a new request is appended, a repeat merges
   * into its row in place. So `rowsFrom(n)` after reading `size` = n gives what was added since (a live view).
   */
  rowsFrom(from: number): UsageEvent[] {
    return this.rows.rowsFrom(from);
  }

  /**
   * From now on, rows added leave memory for `spill` once a chunk of them is full (16,384 rows): a cold scan of
   * years of history then holds each request's time and key hash, not its counts and names (see PackedRows).
   */
  spillRows(spill: RowSpill): void {
    this.rows.spillTo(spill);
  }

  /** Adds one usage record read from a file last modified at `fileMtimeMs`. */
  add(usage: ParsedUsage, fileMtimeMs = 0): void {
    const event = usage.event;
    this.version++;
    // A new request must be checked against every key: probed in the restored index's saved table (see KeyHashTable)
    // when it has one, else all read now. The older rows are read only if it merges into one of them.
    if (!this.keys.canFind) this.rows.readOlderNow();
    let hi = 0;
    let lo = 0;
    // A key's hash made by its reader is looked up as is: its text is not made (see ParsedUsage.keyHi).
    const keyHi = usage.keyHi;
    const dedupKey = keyHi === undefined ? usage.dedupKey : undefined;
    if (keyHi !== undefined || dedupKey !== undefined) {
      const at = dedupKey === undefined ? this.keys.findHash(keyHi!, usage.keyLo!) : this.keys.find(dedupKey);
      if (at !== -1) {
        this.duplicateCount++;
        this.merge(at, event, fileMtimeMs);
        return;
      }
      hi = this.keys.hi;
      lo = this.keys.lo;
    }
    const row = this.rows.append(event);
    this.creditMtimeMs.set(row, fileMtimeMs);
    this.keys.set(row, hi, lo);
  }

  /**
   * Starts recording what changes from now on (see trackedChanges): a status rollup of the rows as they are now
   * is kept up to date by taking back each changed row's old value and adding its new one.
   */
  trackChanges(): void {
    this.tracking = { fromRow: this.rows.count, before: new Map() };
  }

  /** Since trackChanges(): the rows merged into, as they were (`before`), and as they are with every row added (`after`). */
  trackedChanges(): { before: UsageEvent[]; after: UsageEvent[] } | undefined {
    const tracking = this.tracking;
    if (!tracking) return undefined;
    const before = [...tracking.before.values()].map((values) => decodeRow(values, 0, this.rows.names));
    const after = [...tracking.before.keys()].map((row) => this.rows.decode(row));
    return { before, after: after.concat(this.rows.rowsFrom(tracking.fromRow)) };
  }

  /** Counts repeats merged before they reached the ledger (see FileRepeats). */
  countMergedRepeats(count: number): void {
    this.duplicateCount += count;
  }

  private merge(row: number, seen: UsageEvent, fileMtimeMs: number): void {
    if (this.deltaBase && row < this.deltaBase.rowCount) this.deltaBase.touched.add(row);
    const store = this.rows;
    const at = store.locate(row);
    const rows = store.buffer;
    const tracking = this.tracking;
    if (tracking && row < tracking.fromRow && !tracking.before.has(row)) tracking.before.set(row, rows.slice(at, at + fieldsPerRow));
    const creditMtimeMs = this.creditMtimeMs.get(row);
    if (fileMtimeMs < creditMtimeMs || (fileMtimeMs === creditMtimeMs && creditsBeforeRow(seen, rows, at, store.names))) {
      rows[at + 2] = store.ref(seen.sessionId);
      rows[at + 3] = store.ref(seen.agentId);
      rows[at + 4] = store.ref(seen.project);
      this.creditMtimeMs.set(row, fileMtimeMs);
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
    store.changed(row, at);
  }

  /**
   * A compact copy for the persisted index: names once, every row as `fieldsPerRow`
   * numbers in one Float64Array sorted by time, and each row's key hash. Written as raw bytes
   * (see sources/usageIndex.ts). `parts` gives the same in pieces, without a second copy of every row.
   */
  serialize(): SerializedLedger {
    return joinParts(this.parts());
  }

  /** What `serialize` gives, as pieces of rows to write one after another. */
  parts(): LedgerParts {
    this.rows.readOlderNow();
    return partsOf(this.rows, this.keys, this.duplicateCount);
  }

  /** Rebuilds a ledger from `serialize()` output; throws on anything damaged or foreign. */
  static deserialize(data: SerializedLedger): Ledger {
    const { rows, keyHashes } = data;
    if (!(rows instanceof Float64Array) || rows.length % fieldsPerRow !== 0) throw new Error('damaged ledger rows');
    return Ledger.restore({ names: data.strings, duplicateCount: data.duplicateCount, rowCount: rows.length / fieldsPerRow, firstRow: 0, olderBeforeMs: -Infinity, newestRows: rows, readOlder: () => ({ rows: new Float64Array(0), keyHashes }) });
  }

  /**
   * A ledger from a saved index of which only the newest rows were read (`newestRows`, rows `firstRow` on):
   * enough for `eventsSince(t)` with t at or after the first of them. The older rows and the key hashes are
   * read through `readOlder` (or handed over by `supplyOlder`) when first needed: by `events()`, an older
   * window, or a new usage (which must be checked against every key). Throws on anything damaged or foreign,
   * here for the newest rows and then for the rest.
   */
  static restore(part: RestoredLedger): Ledger {
    const ledger = new Ledger();
    ledger.rows.restore(part);
    ledger.keys.awaitRestored(part.rowCount, part.savedKeys);
    ledger.deltaBase = { rowCount: part.rowCount, nameCount: ledger.rows.names.count, touched: new Set() };
    if (part.firstRow === 0) ledger.supplyOlder(part.readOlder());
    ledger.duplicateCount = checkCount(Number(part.duplicateCount));
    return ledger;
  }

  /** The older rows and the key hashes of a restored ledger (see restore), read ahead by the caller (asynchronously, in the editor). */
  supplyOlder(older: OlderRows): void {
    this.rows.supplyOlder(older);
  }

  /**
   * Why the names of a restored index are damaged (checksum or bounds of a block not read yet), or undefined when
   * they are whole: checked before something uses them all (a full pass), so that damage reads the logs again.
   */
  namesDamage(): string | undefined {
    return this.rows.names.damage();
  }

  /** Whether rows older than `startMs` or the keys are still to be read (see restore). */
  needsOlder(startMs = -Infinity): boolean {
    return this.rows.needsOlder(startMs);
  }

  /**
   * Rows `fromRow` on of a restored index (read now; see RowStore.extendNewest) join its newest rows: every row at
   * or after `beforeMs` is then at hand. False when the older rows are read already.
   */
  extendNewest(fromRow: number, rows: Float64Array, beforeMs: number): boolean {
    return this.rows.extendNewest(fromRow, rows, beforeMs);
  }

  /** Rows and key hashes held in memory (the rest of a restored index on disk): for tests and benches. */
  get held(): { rows: number; keyHashes: number } {
    return { rows: this.rows.heldRows, keyHashes: this.keys.heldHashes };
  }

  /** Bytes of the restored index's newest rows held (packed in the editor, see NewestRows): for tests and benches. */
  get newestRowBytes(): number {
    return this.rows.newestBytes;
  }

  /** Whether rows of a restored index older than its newest were read and can be given back (see releaseOlder). */
  get holdsOlder(): boolean {
    return this.rows.holdsOlder && this.keys.canUninstall;
  }

  /**
   * Gives back the older rows and key hashes read from a restored index whose rows stay on disk (the editor, see
   * RestoredLedger.readOlderRows), once a report or a whole save has read them all: what the ledger holds then follows the
   * recent window, not the length of the history. Rows changed since they were read are kept. Returns whether
   * anything was given back.
   */
  releaseOlder(): boolean {
    if (!this.holdsOlder) return false;
    this.rows.releaseOlder();
    this.keys.uninstall();
    return true;
  }

  /**
   * releaseOlder once nothing has wanted every row since the last call: a report or a save reads the older rows
   * once and they are given back a call later, while something that wants them at each update (an endpoint's
   * reading, see statusController) keeps them.
   */
  releaseOlderIfIdle(): boolean {
    return !this.rows.takeOlderUsed() && this.releaseOlder();
  }

  /** Indexes the key hashes of the restored rows (and of rows appended since: a delta's, a new usage's). */
  private installKeys(restored: Uint32Array): void {
    this.keys.install(restored);
  }

  /** The ledger was just saved whole, row for row (`parts().identity`): later changes are relative to that save. */
  savedAsBase(): void {
    this.deltaBase = { rowCount: this.rows.count, nameCount: this.rows.names.count, touched: new Set() };
  }

  /**
   * What changed since the index this ledger was restored from (or last saved as, see savedAsBase): the rows
   * added, the rows merged into, and the names they brought. Undefined when there is no such index.
   */
  changes(): LedgerChanges | undefined {
    return this.deltaBase && changesSince(this.deltaBase, this.rows, this.keys, this.duplicateCount);
  }

  /**
   * Applies `changes()` of a ledger saved from the same index, right after restoring it. Checks everything
   * first and throws on anything damaged or foreign, leaving the ledger as it was.
   */
  applyChanges(changes: LedgerChanges): void {
    const base = this.deltaBase;
    checkChanges(changes, base, this.rows);
    const duplicateCount = checkCount(Number(changes.duplicateCount));
    const { rows, keyHashes, overrideAt, overrideRows } = changes;
    this.rows.addNames(changes.names);
    overrideAt.forEach((row, k) => {
      base.touched.add(row);
      this.rows.override(row, overrideRows.slice(k * fieldsPerRow, (k + 1) * fieldsPerRow));
    });
    for (let k = 0; k < rows.length / fieldsPerRow; k++) {
      const row = this.rows.appendRow(rows, k * fieldsPerRow);
      this.keys.set(row, keyHashes[k * 2], keyHashes[k * 2 + 1]);
    }
    this.duplicateCount = duplicateCount;
    this.version++;
  }
}
