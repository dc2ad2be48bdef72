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
 */
export class Ledger {
  /**
   * Rows from a restored index stay packed (sorted by time, see serialize) and become objects
   * only when read: a warm status needs the last month, not every request of every year.
   * `rows[i]` is undefined for a restored row not read yet.
   */
  private rows: UsageEvent[] = [];
  private packed: { rows: Float64Array; firstRow: number; olderBeforeMs: number; strings: string[]; count: number } | undefined;
  /** Reads the rows before `packed.firstRow` and the keys (see restore). */
  private older: (() => OlderRows) | undefined;
  /** Restored rows from this index on are objects (they are the newest). */
  private materializedFrom = 0;
  /** Restored rows before `materializedFrom` made objects because a new record merged into them. */
  private readonly touched = new Set<number>();
  /** Modification time of the file each row's session credit comes from (0: unknown, oldest). */
  private readonly creditFileMtimeMs: number[] = [];
  private keyIndex = new Map<string, number>();
  /** Keys from a restored index, turned into `keyIndex` only when the first new usage arrives. */
  private pendingKeys: { keys: string | Uint8Array; keyRows: Float64Array } | undefined;
  private readonly strings = new Map<string, string>();
  /** Increases on every change, so views can tell whether to recompute. */
  version = 0;
  duplicateCount = 0;

  private get rowByKey(): Map<string, number> {
    this.readOlderNow();
    if (this.pendingKeys) {
      const { keyRows } = this.pendingKeys;
      const keys = typeof this.pendingKeys.keys === 'string' ? this.pendingKeys.keys : new TextDecoder().decode(this.pendingKeys.keys);
      this.pendingKeys = undefined;
      (keys === '' ? [] : keys.split('\n')).forEach((key, i) => this.keyIndex.set(key, keyRows[i]));
    }
    return this.keyIndex;
  }

  get size(): number {
    return this.rows.length;
  }

  events(): readonly UsageEvent[] {
    this.readOlderNow();
    if (this.packed) this.materialize(0);
    return this.rows;
  }

  /**
   * Every row whose time is at or after `startMs` (in no particular order). Reads only the
   * newest part of a restored index: its cost follows the window, not the history.
   */
  eventsSince(startMs: number): UsageEvent[] {
    if (this.needsOlder(startMs)) this.readOlderNow();
    const packed = this.packed;
    if (!packed) return this.rows.filter((e) => e.timestampMs >= startMs);
    // Restored rows are sorted by time: binary search for the first one in the window.
    let lo = packed.firstRow;
    let hi = packed.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (packed.rows[(mid - packed.firstRow) * fieldsPerRow + 1] < startMs) lo = mid + 1;
      else hi = mid;
    }
    this.materialize(lo);
    const out = this.rows.slice(lo, packed.count);
    for (const at of this.touched) if (at < lo && this.rows[at].timestampMs >= startMs) out.push(this.rows[at]);
    for (let at = packed.count; at < this.rows.length; at++) if (this.rows[at].timestampMs >= startMs) out.push(this.rows[at]);
    return out.filter((e) => e.timestampMs >= startMs);
  }

  /**
   * The rows at positions `from` and after. Positions only grow: a new request is appended, a repeat merges
   * into its row in place. So `rowsFrom(n)` after reading `size` = n gives what was added since (a live view).
   */
  rowsFrom(from: number): UsageEvent[] {
    if (this.packed && from < this.packed.firstRow) this.readOlderNow();
    this.materialize(Math.max(0, from));
    return this.rows.slice(from);
  }

  /** Makes objects of the restored rows from `from` on. */
  private materialize(from: number): void {
    const packed = this.packed;
    if (!packed || from >= this.materializedFrom) return;
    const { rows, strings, firstRow } = packed;
    for (let i = from; i < this.materializedFrom; i++) this.rows[i] ??= decodeRow(rows, (i - firstRow) * fieldsPerRow, strings);
    this.materializedFrom = from;
    if (from === 0) {
      this.packed = undefined;
      this.touched.clear();
    }
  }

  private row(at: number): UsageEvent {
    let row = this.rows[at];
    if (row === undefined && this.packed) {
      this.readOlderNow();
      row = this.rows[at] = decodeRow(this.packed.rows, (at - this.packed.firstRow) * fieldsPerRow, this.packed.strings);
      this.touched.add(at);
    }
    return row;
  }

  /** Adds one usage record read from a file last modified at `fileMtimeMs`. */
  add({ event, dedupKey }: ParsedUsage, fileMtimeMs = 0): void {
    this.version++;
    if (dedupKey !== undefined) {
      const at = this.rowByKey.get(dedupKey);
      if (at !== undefined) {
        this.duplicateCount++;
        this.merge(at, event, fileMtimeMs);
        return;
      }
      this.rowByKey.set(dedupKey, this.rows.length);
    }
    this.rows.push(this.intern(event));
    this.creditFileMtimeMs.push(fileMtimeMs);
  }

  /**
   * A compact copy for the persisted index: names once, every row as `fieldsPerRow`
   * numbers in one Float64Array, dedup keys joined into one string. Written as raw bytes,
   * it saves and loads faster than the same numbers as JSON text (see usageIndex.ts).
   */
  serialize(): SerializedLedger {
    this.readOlderNow();
    const packed = this.packed;
    // Rows of a restored index that were never read stay numbers: copied as they are, with the names they
    // point to first in the new name table, so that saving does not make an object of every request.
    const strings: string[] = packed ? [...packed.strings] : [];
    const stringIndex = new Map<string, number>(strings.map((value, i) => [value, i]));
    const ref = (value: string) => {
      let at = stringIndex.get(value);
      if (at === undefined) stringIndex.set(value, (at = strings.push(value) - 1));
      return at;
    };
    const count = this.rows.length;
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) times[i] = this.rows[i]?.timestampMs ?? packed!.rows[i * fieldsPerRow + 1];
    // Sorted by time, so that a reader can take the newest rows alone (see eventsSince).
    const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b] || a - b);
    const position = new Float64Array(count);
    order.forEach((from, to) => (position[from] = to));
    const rows = new Float64Array(count * fieldsPerRow);
    let at = 0;
    for (const i of order) {
      const e = this.rows[i];
      if (e === undefined) {
        rows.set(packed!.rows.subarray(i * fieldsPerRow, (i + 1) * fieldsPerRow), at);
      } else {
        rows[at] = sourceNames.indexOf(e.source);
        rows[at + 1] = e.timestampMs;
        rows[at + 2] = ref(e.sessionId);
        rows[at + 3] = ref(e.agentId);
        rows[at + 4] = ref(e.project);
        rows[at + 5] = ref(e.model);
        rows[at + 6] = e.inputTokens;
        rows[at + 7] = e.outputTokens;
        rows[at + 8] = e.cacheWrite5mTokens;
        rows[at + 9] = e.cacheWrite1hTokens;
        rows[at + 10] = e.cacheReadTokens;
        rows[at + 11] = e.loggedCostUsd ?? -1;
        rows[at + 12] = e.webSearchRequests ?? 0;
      }
      at += fieldsPerRow;
    }
    const keys = this.rowByKey;
    return { strings, rows, keys: [...keys.keys()].join('\n'), keyRows: Float64Array.from(keys.values(), (row) => position[row]), duplicateCount: this.duplicateCount };
  }

  /** Rebuilds a ledger from `serialize()` output; throws on anything damaged or foreign. */
  static deserialize(data: SerializedLedger): Ledger {
    const { rows, keys, keyRows } = data;
    if (!(rows instanceof Float64Array) || rows.length % fieldsPerRow !== 0) throw new Error('damaged ledger rows');
    return Ledger.restore({ strings: data.strings, duplicateCount: data.duplicateCount, rowCount: rows.length / fieldsPerRow, firstRow: 0, olderBeforeMs: -Infinity, newestRows: rows, readOlder: () => ({ rows: new Float64Array(0), keys, keyRows }) });
  }

  /**
   * A ledger from a saved index of which only the newest rows were read (`newestRows`, rows `firstRow` on):
   * enough for `eventsSince(t)` with t at or after the first of them. The older rows and the dedup keys are
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
    ledger.rows = new Array<UsageEvent>(rowCount);
    ledger.creditFileMtimeMs.length = rowCount;
    ledger.creditFileMtimeMs.fill(0);
    ledger.packed = { rows: newestRows, firstRow, olderBeforeMs: firstRow === 0 ? -Infinity : part.olderBeforeMs, strings, count: rowCount };
    ledger.materializedFrom = rowCount;
    for (const text of strings) ledger.strings.set(text, text);
    ledger.older = part.readOlder;
    if (firstRow === 0) ledger.supplyOlder(part.readOlder());
    ledger.duplicateCount = checkCount(Number(part.duplicateCount));
    return ledger;
  }

  /** The older rows and the keys of a restored ledger (see restore), read ahead by the caller (asynchronously, in the editor). */
  supplyOlder(older: OlderRows): void {
    const packed = this.packed;
    if (!this.older || !packed) return;
    this.older = undefined;
    const { rows, keys, keyRows } = older;
    if (!(rows instanceof Float64Array) || rows.length !== packed.firstRow * fieldsPerRow) throw new Error('damaged ledger rows');
    checkRows(rows, packed.strings.length);
    if (packed.firstRow > 0 && rows[rows.length - fieldsPerRow + 1] >= packed.olderBeforeMs) throw new Error('damaged ledger order');
    const all = new Float64Array(packed.count * fieldsPerRow);
    all.set(rows);
    all.set(packed.rows, rows.length);
    packed.rows = all;
    packed.firstRow = 0;
    packed.olderBeforeMs = -Infinity;
    // Keys are checked now but indexed later: the first status needs only the rows.
    const count = packed.count;
    if ((typeof keys !== 'string' && !(keys instanceof Uint8Array)) || !(keyRows instanceof Float64Array) || !keyRows.every((row) => Number.isInteger(row) && row >= 0 && row < count)) {
      throw new Error('damaged ledger keys');
    }
    // Bytes (from the index file) are decoded only when the first new usage needs the keys.
    const newline = typeof keys === 'string' ? '\n' : 0x0a;
    let keyCount = keys.length === 0 ? 0 : 1;
    for (let at = keys.indexOf(newline as never); at !== -1; at = keys.indexOf(newline as never, at + 1)) keyCount++;
    if (keyCount !== keyRows.length) throw new Error('damaged ledger keys');
    this.pendingKeys = { keys, keyRows };
  }

  /** Whether rows older than `startMs` or the keys are still to be read (see restore). */
  needsOlder(startMs = -Infinity): boolean {
    const packed = this.packed;
    return this.older !== undefined && packed !== undefined && packed.firstRow > 0 && startMs < packed.olderBeforeMs;
  }

  private readOlderNow(): void {
    if (this.older) this.supplyOlder(this.older());
  }

  /** Counts repeats merged before they reached the ledger (see FileRepeats). */
  countMergedRepeats(count: number): void {
    this.duplicateCount += count;
  }

  private merge(at: number, seen: UsageEvent, fileMtimeMs: number): void {
    const kept = this.row(at);
    const creditMtimeMs = this.creditFileMtimeMs[at];
    if (fileMtimeMs < creditMtimeMs || (fileMtimeMs === creditMtimeMs && creditsBefore(seen, kept))) {
      kept.sessionId = this.share(seen.sessionId);
      kept.agentId = this.share(seen.agentId);
      kept.project = this.share(seen.project);
      this.creditFileMtimeMs[at] = fileMtimeMs;
    }
    keepFullerSnapshot(kept, seen);
  }

  // Millions of rows repeat a few thousand session, project and model names.
  private share(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  private intern(event: UsageEvent): UsageEvent {
    event.sessionId = this.share(event.sessionId);
    event.agentId = this.share(event.agentId);
    event.project = this.share(event.project);
    event.model = this.share(event.model);
    return event;
  }
}

/** Throws unless every row has a known source, names in range, counts that are counts, and times in order. */
function checkRows(rows: Float64Array, nameCount: number): void {
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
    if (timeMs < previousMs) throw new Error('damaged ledger order');
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
  keys: string | Uint8Array;
  keyRows: Float64Array;
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
}

export interface SerializedLedger {
  strings: string[];
  /**
   * `fieldsPerRow` numbers per row: source, time, session, agent, project, model (name indexes),
   * 5 token counts, logged cost (-1: none), web searches.
   */
  rows: Float64Array;
  /** Dedup keys, `\n`-separated (as text, or its UTF-8 bytes), and the row of each. */
  keys: string | Uint8Array;
  keyRows: Float64Array;
  duplicateCount: number;
}
