import type { SavedKeys } from './keyTable';
import type { OlderRowsPacker } from './packedRows';
import type { NameTable } from './nameTable';
import { sourceNames, type UsageEvent } from '../usageEvent';

/**
 * A ledger row as numbers, the layout every part of the ledger and its saved index share: source, time,
 * session, agent, project, model (name indexes), 5 token counts, logged cost (-1: none), web searches.
 */
export const fieldsPerRow = 13;

/** Row `at` of `rows` as an object, its names looked up in `names`. */
export function decodeRow(rows: Float64Array, at: number, names: NameTable): UsageEvent {
  const event: UsageEvent = {
    source: sourceNames[rows[at]], timestampMs: rows[at + 1], sessionId: names.get(rows[at + 2]), agentId: names.get(rows[at + 3]), project: names.get(rows[at + 4]), model: names.get(rows[at + 5]),
    inputTokens: rows[at + 6], outputTokens: rows[at + 7], cacheWrite5mTokens: rows[at + 8], cacheWrite1hTokens: rows[at + 9], cacheReadTokens: rows[at + 10],
  };
  if (rows[at + 11] !== -1) event.loggedCostUsd = rows[at + 11];
  if (rows[at + 12] > 0) event.webSearchRequests = rows[at + 12];
  return event;
}

/** Throws unless every row has a known source, names in range, counts that are counts, and times in order. */
export function checkRows(rows: Float64Array, nameCount: number, ordered = true): void {
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

/** `value` if it is a count (finite, not negative); throws otherwise. */
export function checkCount(value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error('damaged ledger count');
  return value;
}

/** The rows a restored ledger reads when first needed (see Ledger.restore). */
export interface OlderRows {
  /**
   * Rows before the newest ones, in the layout of `SerializedLedger.rows`, or read a piece at a time into an
   * `OlderRowsPacker` (never all of them as float64 at once: 87 MB at 836,095 rows).
   */
  rows: Float64Array | OlderRowsPacker;
  /** Every row's key hash, the newest rows' too (see `SerializedLedger.keyHashes`). */
  keyHashes: Uint32Array;
}

export interface RestoredLedger {
  /** The index's names: its section (decoded when read; the ledger's from now on), or strings. */
  names: NameTable | readonly string[];
  duplicateCount: number;
  rowCount: number;
  /** The first row of `newestRows`. */
  firstRow: number;
  /** Every row before `firstRow` is older than this (the time the newest rows were chosen by). */
  olderBeforeMs: number;
  newestRows: Float64Array;
  readOlder: () => OlderRows;
  /**
   * The older rows stay on disk (the editor): rows `from` on read into `into` (`fieldsPerRow` numbers a row; one row
   * when a new usage merges into it, pieces when a view reads every row), and `readOlder` may be called again after
   * `Ledger.releaseOlder` gave back what it read.
   */
  readOlderRows?: (from: number, into: Float64Array) => void;
  /** The index's key table, probed in place: a new usage then reads no older row it does not merge into, nor every key hash. */
  savedKeys?: SavedKeys;
}

/** What changed since a saved index (see Ledger.changes): small, so that saving it costs what is new. */
export interface LedgerChanges {
  /** Rows of the index these changes apply to. */
  baseRowCount: number;
  /** Names after the index's own (a delta's section when read back). */
  names: NameTable | readonly string[];
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
  /** `fieldsPerRow` numbers per row (see fieldsPerRow), sorted by time. */
  rows: Float64Array;
  /** Two uint32 per row, in the same order: its dedup key's 64-bit hash (0, 0: the row has no key). */
  keyHashes: Uint32Array;
  duplicateCount: number;
}

/**
 * `SerializedLedger` in pieces of rows, to write one after another (see Ledger.parts). A piece is valid until the
 * next one is asked for: the pieces share one buffer, or are views of the ledger's own arrays.
 */
/**
 * The rows in time order, as a save writes them a piece of `chunkRows` at a time: `rank[row]` is the row's place in
 * time order, and `byPiece` holds piece p's rows (those of rank p * chunkRows on) at the same places, ascending by
 * row number, so that each piece is gathered in row order (spilled rows a chunk at a time).
 */
export interface RowsByTime {
  rank: Uint32Array;
  byPiece: Uint32Array;
}

export interface LedgerParts {
  /** Rows and names in the ledger's own order: a ledger restored from these parts has the same row numbers. */
  identity: boolean;
  /** The ledger's names, and which of them the saved names are, in order (`nameOrder[k]`: the saved name k's number in `names`). */
  names: NameTable;
  nameOrder: Uint32Array;
  duplicateCount: number;
  rowCount: number;
  rows(): Iterable<Float64Array>;
  keyHashes(): Iterable<Uint32Array>;
  /** The same hashes in the ledger's row order (cheaper when the order does not matter: counting them). */
  keyHashesInRowOrder(): Iterable<Uint32Array>;
}
