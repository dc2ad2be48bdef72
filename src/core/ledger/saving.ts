import type { KeyHashTable } from './keyHashTable';
import { checkRows, fieldsPerRow, type LedgerChanges, type LedgerParts, type RowsByTime, type SerializedLedger } from './rowLayout';
import { NameTable } from './nameTable';
import { chunkRows } from './packedRows';
import type { RowStore } from './rowStore';
import type { UsageEvent } from '../usageEvent';

/**
 * What a ledger saves: the whole of it (`partsOf`, written as raw bytes by sources/usageIndex.ts), or what changed
 * since the index it was restored from or last saved as (`changesSince`, the index's delta).
 */

/** The saved index `changes` are relative to: its rows, its names, and its rows merged into since. */
export interface DeltaBase {
  rowCount: number;
  nameCount: number;
  touched: Set<number>;
}

/** The ledger's rows, names and key hashes in pieces (see Ledger.parts); its older rows must have been read. */
export function partsOf(store: RowStore, keys: KeyHashTable, duplicateCount: number): LedgerParts {
  const count = store.count;
  // Sorted by time, so that a reader can take the newest rows alone (see sources/usageIndex.ts): a ledger restored
  // from an index already is but for the rows added since; a cold scan's rows come in file order. Checked first
  // without an array of every time (8 bytes a row, freed after: the editor saves while it runs).
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) sorted = store.timeOf(i) >= store.timeOf(i - 1);
  const byTime = sorted ? undefined : rowsByTime(store);
  // One buffer for the names' walk and then every piece of rows (a piece is used before the next is asked for): a
  // new 1.7 MB array per piece left ~50 MB of dead pieces waiting for a full collection when saving a 15 GB history.
  const buffer = new Float64Array(Math.min(chunkRows, count) * fieldsPerRow);
  // Names in order of first use by the saved rows (names a merge replaced are left out): the same
  // ledger gives the same bytes, whatever order its records arrived in.
  const { names } = store;
  const rename = new Int32Array(names.count).fill(-1);
  const picked: number[] = [];
  if (byTime) namesByTime(store, byTime, rename, picked, buffer);
  else namesInRowOrder(store, rename, picked, buffer);
  const nameOrder = Uint32Array.from(picked);
  return {
    identity: !byTime && nameOrder.length === names.count && nameOrder.every((name, i) => name === i),
    names,
    nameOrder,
    duplicateCount,
    rowCount: count,
    rows: () => rowPieces(store, count, byTime, rename, buffer),
    keyHashes: () => keys.pieces(count, chunkRows, byTime),
    keyHashesInRowOrder: () => keys.pieces(count, chunkRows, undefined),
  };
}

/**
 * timeOrder as the save reads it (see RowsByTime), in the 8 bytes a row timeOrder's sort keys took: the rank in
 * their upper half, then the pieces' rows over the order in their lower half, in one pass counting rows into
 * pieces (no sort of each piece's row numbers).
 */
function rowsByTime(store: RowStore): RowsByTime {
  const order = timeOrder(store);
  const count = order.length;
  const rank = order.buffer.byteLength >= order.byteOffset + count * 8 ? new Uint32Array(order.buffer, order.byteOffset + count * 4, count) : new Uint32Array(count);
  for (let k = 0; k < count; k++) rank[order[k]] = k;
  const byPiece = order;
  const next = new Uint32Array(Math.ceil(count / chunkRows));
  for (let p = 0; p < next.length; p++) next[p] = p * chunkRows;
  for (let i = 0; i < count; i++) byPiece[next[Math.floor(rank[i] / chunkRows)]++] = i;
  return { rank, byPiece };
}

/** partsOf's names for rows already in time order: in order of first use by the rows. */
function namesInRowOrder(store: RowStore, rename: Int32Array, picked: number[], buffer: Float64Array): void {
  const count = store.count;
  for (let from = 0; from < count; from += chunkRows) {
    const n = Math.min(chunkRows, count - from);
    store.readRange(from, n, buffer);
    namesInPiece(buffer, n, rename, picked);
  }
}

/** The names of `n` rows in `rows` not picked yet, in order of first use. */
function namesInPiece(rows: Float64Array, n: number, rename: Int32Array, picked: number[]): void {
  for (let at = 0; at < n * fieldsPerRow; at += fieldsPerRow) {
    for (let f = 2; f <= 5; f++) {
      const name = rows[at + f];
      if (rename[name] === -1) rename[name] = picked.push(name) - 1;
    }
  }
}

/**
 * The names in order of first use by the rows in time order, as namesInRowOrder finds them in rows already in that
 * order: the rows are gathered a piece at a time as the save writes them (the same code, which then runs optimized
 * when the pieces are written).
 */
function namesByTime(store: RowStore, byTime: RowsByTime, rename: Int32Array, picked: number[], buffer: Float64Array): void {
  const count = store.count;
  for (let from = 0; from < count; from += chunkRows) {
    const n = Math.min(chunkRows, count - from);
    store.gatherRows(byTime, from, n, buffer);
    namesInPiece(buffer, n, rename, picked);
  }
}

/** `partsOf` in one piece. */
export function joinParts(parts: LedgerParts): SerializedLedger {
  const rows = new Float64Array(parts.rowCount * fieldsPerRow);
  const keyHashes = new Uint32Array(parts.rowCount * 2);
  let at = 0;
  for (const piece of parts.rows()) rows.set(piece, (at += piece.length) - piece.length);
  at = 0;
  for (const piece of parts.keyHashes()) keyHashes.set(piece, (at += piece.length) - piece.length);
  return { strings: Array.from(parts.nameOrder, (name) => parts.names.get(name)), duplicateCount: parts.duplicateCount, rows, keyHashes };
}

function* rowPieces(store: RowStore, count: number, byTime: RowsByTime | undefined, rename: Int32Array, buffer: Float64Array): Generator<Float64Array> {
  for (let from = 0; from < count; from += chunkRows) {
    const n = Math.min(chunkRows, count - from);
    const piece = buffer.subarray(0, n * fieldsPerRow);
    fillPiece(store, from, n, piece, byTime, rename);
    yield piece;
  }
}

/**
 * rowPieces' piece of `n` rows from `from` (in time order if given). A function of its own: V8 does not replace a
 * generator's running loop by optimized code (no on-stack replacement in generators), and the save runs once.
 */
function fillPiece(store: RowStore, from: number, n: number, piece: Float64Array, byTime: RowsByTime | undefined, rename: Int32Array): void {
  if (byTime) store.gatherRows(byTime, from, n, piece);
  else store.readRange(from, n, piece);
  for (let at = 0; at < n * fieldsPerRow; at += fieldsPerRow) {
    for (let f = 2; f <= 5; f++) piece[at + f] = rename[piece[at + f]];
  }
}

/**
 * Rows in `order` as objects, a piece of `chunkRows` at a time: each piece's rows are read by row number (spilled
 * rows a chunk at a time, see rowPieces), then handed out in order.
 */
export function* eventsInOrder(store: RowStore, order: Uint32Array): Generator<UsageEvent> {
  const count = order.length;
  const places = new Float64Array(Math.min(chunkRows, count));
  const events: UsageEvent[] = [];
  for (let from = 0; from < count; from += chunkRows) {
    const n = Math.min(chunkRows, count - from);
    decodePiece(store, order, from, n, places.subarray(0, n), events);
    yield* events;
  }
}

/** eventsInOrder's piece (outside the generator: see fillPiece). */
function decodePiece(store: RowStore, order: Uint32Array, from: number, n: number, piece: Float64Array, events: UsageEvent[]): void {
  for (let k = 0; k < n; k++) piece[k] = order[from + k] * n + k;
  piece.sort();
  events.length = n;
  store.readWholeChunks(true);
  try {
    for (let k = 0; k < n; k++) {
      const key = piece[k];
      events[key % n] = store.decode(Math.floor(key / n));
    }
  } finally {
    store.readWholeChunks(false);
  }
}

/** Row numbers by time, then position (a fixed order whatever the reading order was). Exported for tests. */
export function timeOrder(store: Pick<RowStore, 'count' | 'timeOf'> & { timesInto?: RowStore['timesInto'] }): Uint32Array {
  const count = store.count;
  // Every time in one array, which then becomes the sort keys and the order in place: one array of 8 bytes a row.
  const keys = new Float64Array(count);
  const readTimes = () => {
    if (store.timesInto) store.timesInto(keys);
    else for (let i = 0; i < count; i++) keys[i] = store.timeOf(i);
  };
  readTimes();
  // Whole milliseconds near the first row's time, leaving room for the row number: one exact number per row,
  // (time - first) * count + row (negative before the first), made in the one pass that checks the times, and sorted
  // by the typed array's own sort (native, no comparator call per pair: a cold CLI runs a comparator interpreted).
  // Same order as the comparator below, which takes any other times.
  const firstMs = count > 0 ? keys[0] : 0;
  const farthestMs = Math.floor((Number.MAX_SAFE_INTEGER - count) / Math.max(1, count));
  let exact = Number.isInteger(firstMs);
  for (let i = 0; i < count && exact; i++) {
    // The time itself whole, not only its distance: far from the first time a fraction is rounded off the difference
    // (1e15 - 1760000000000.0002 is a whole number). Two whole times within the bound differ exactly.
    const fromFirstMs = keys[i] - firstMs;
    if (Number.isInteger(keys[i]) && fromFirstMs <= farthestMs && fromFirstMs >= -farthestMs) keys[i] = fromFirstMs * count + i;
    else exact = false;
  }
  if (exact) {
    keys.sort();
    // The order in the keys' own buffer (uint32 k is written over bytes of keys k/2 and before, already read); a
    // negative key's remainder is the row less `count`.
    const order = new Uint32Array(keys.buffer, 0, count);
    for (let k = 0; k < count; k++) {
      const row = keys[k] % count;
      order[k] = row < 0 ? row + count : row;
    }
    return order;
  }
  // Times the pass above did not take (a fraction of a millisecond, too far apart): read again, compared.
  readTimes();
  const times = keys;
  const order = new Uint32Array(count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => times[a] - times[b] || a - b);
}

/** The rows added since `base`, the rows of `base` merged into, and the names they brought (see Ledger.changes). */
export function changesSince(base: DeltaBase, store: RowStore, keys: KeyHashTable, duplicateCount: number): LedgerChanges {
  const added = store.count - base.rowCount;
  const rows = new Float64Array(added * fieldsPerRow);
  const keyHashes = new Uint32Array(added * 2);
  for (let k = 0; k < added; k++) {
    store.copyRow(base.rowCount + k, rows, k * fieldsPerRow);
    keys.copyHash(base.rowCount + k, keyHashes, k * 2);
  }
  const touched = [...base.touched].sort((a, b) => a - b);
  const overrideRows = new Float64Array(touched.length * fieldsPerRow);
  touched.forEach((row, k) => store.copyRow(row, overrideRows, k * fieldsPerRow));
  return { baseRowCount: base.rowCount, names: store.names.slice(base.nameCount), rows, keyHashes, overrideAt: Float64Array.from(touched), overrideRows, duplicateCount };
}

/**
 * Throws unless `changes` apply to a ledger just restored from `base` (`store`): rows, names and overrides
 * whole and in range.
 */
export function checkChanges(changes: LedgerChanges, base: DeltaBase | undefined, store: RowStore): asserts base is DeltaBase {
  const { rows, keyHashes, overrideAt, overrideRows } = changes;
  if (!base || base.touched.size > 0 || store.count !== base.rowCount || changes.baseRowCount !== base.rowCount || store.restoredCount !== base.rowCount || store.names.count !== base.nameCount) throw new Error('foreign ledger changes');
  // A delta's names are few: checked whole, as strings or as its section.
  const names = changes.names instanceof NameTable ? changes.names : NameTable.of(changes.names);
  names.verifyAll();
  if (!(rows instanceof Float64Array) || rows.length % fieldsPerRow !== 0 || !(keyHashes instanceof Uint32Array) || keyHashes.length !== (rows.length / fieldsPerRow) * 2) throw new Error('damaged ledger rows');
  if (!(overrideAt instanceof Float64Array) || !(overrideRows instanceof Float64Array) || overrideRows.length !== overrideAt.length * fieldsPerRow) throw new Error('damaged ledger rows');
  const nameCount = store.names.count + names.count;
  checkRows(rows, nameCount, false);
  checkRows(overrideRows, nameCount, false);
  // The index's names these rows use, checked before any is read.
  store.names.verifyUsedBy(rows, fieldsPerRow);
  store.names.verifyUsedBy(overrideRows, fieldsPerRow);
  let previous = -1;
  for (const row of overrideAt) {
    if (!(Number.isInteger(row) && row > previous && row < base.rowCount)) throw new Error('damaged ledger rows');
    previous = row;
  }
}
