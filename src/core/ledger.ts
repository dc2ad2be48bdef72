import type { ParsedUsage } from './claudeLog';
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
  private readonly rows: UsageEvent[] = [];
  /** Modification time of the file each row's session credit comes from (0: unknown, oldest). */
  private readonly creditFileMtimeMs: number[] = [];
  private keyIndex = new Map<string, number>();
  /** Keys from a restored index, turned into `keyIndex` only when the first new usage arrives. */
  private pendingKeys: { keys: string; keyRows: Float64Array } | undefined;
  private readonly strings = new Map<string, string>();
  /** Increases on every change, so views can tell whether to recompute. */
  version = 0;
  duplicateCount = 0;

  private get rowByKey(): Map<string, number> {
    if (this.pendingKeys) {
      const { keys, keyRows } = this.pendingKeys;
      this.pendingKeys = undefined;
      (keys === '' ? [] : keys.split('\n')).forEach((key, i) => this.keyIndex.set(key, keyRows[i]));
    }
    return this.keyIndex;
  }

  get size(): number {
    return this.rows.length;
  }

  events(): readonly UsageEvent[] {
    return this.rows;
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
    const strings: string[] = [];
    const stringIndex = new Map<string, number>();
    const ref = (value: string) => {
      let at = stringIndex.get(value);
      if (at === undefined) stringIndex.set(value, (at = strings.push(value) - 1));
      return at;
    };
    const rows = new Float64Array(this.rows.length * fieldsPerRow);
    let at = 0;
    for (const e of this.rows) {
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
      at += fieldsPerRow;
    }
    const keys = this.rowByKey;
    return { strings, rows, keys: [...keys.keys()].join('\n'), keyRows: Float64Array.from(keys.values()), duplicateCount: this.duplicateCount };
  }

  /** Rebuilds a ledger from `serialize()` output; throws on anything damaged or foreign. */
  static deserialize(data: SerializedLedger): Ledger {
    const { strings, rows, keyRows } = data;
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string') || !(rows instanceof Float64Array) || !(keyRows instanceof Float64Array) || rows.length % fieldsPerRow !== 0) {
      throw new Error('damaged ledger rows');
    }
    const count = (value: number) => {
      if (!Number.isFinite(value) || value < 0) throw new Error('damaged ledger count');
      return value;
    };
    const name = (value: number) => {
      const text = strings[value];
      if (typeof text !== 'string') throw new Error('damaged ledger name');
      return text;
    };
    const ledger = new Ledger();
    for (let at = 0; at < rows.length; at += fieldsPerRow) {
      const source = sourceNames[rows[at]];
      if (source === undefined) throw new Error('damaged ledger source');
      const loggedCost = rows[at + 11];
      ledger.creditFileMtimeMs.push(0);
      const event: UsageEvent = {
        source, timestampMs: count(rows[at + 1]), sessionId: name(rows[at + 2]), agentId: name(rows[at + 3]), project: name(rows[at + 4]), model: name(rows[at + 5]),
        inputTokens: count(rows[at + 6]), outputTokens: count(rows[at + 7]), cacheWrite5mTokens: count(rows[at + 8]), cacheWrite1hTokens: count(rows[at + 9]), cacheReadTokens: count(rows[at + 10]),
      };
      if (loggedCost !== -1) event.loggedCostUsd = count(loggedCost);
      const webSearches = count(rows[at + 12]);
      if (webSearches > 0) event.webSearchRequests = webSearches;
      ledger.rows.push(event);
    }
    for (const text of strings) ledger.strings.set(text, text);
    // Keys are checked now but indexed later: the first status needs only the rows.
    if (typeof data.keys !== 'string' || !keyRows.every((row) => Number.isInteger(row) && row >= 0 && row < ledger.rows.length)) {
      throw new Error('damaged ledger keys');
    }
    let keyCount = data.keys === '' ? 0 : 1;
    for (let at = data.keys.indexOf('\n'); at !== -1; at = data.keys.indexOf('\n', at + 1)) keyCount++;
    if (keyCount !== keyRows.length) throw new Error('damaged ledger keys');
    ledger.pendingKeys = { keys: data.keys, keyRows };
    ledger.duplicateCount = count(Number(data.duplicateCount));
    return ledger;
  }

  /** Counts repeats merged before they reached the ledger (see FileRepeats). */
  countMergedRepeats(count: number): void {
    this.duplicateCount += count;
  }

  private merge(at: number, seen: UsageEvent, fileMtimeMs: number): void {
    const kept = this.rows[at];
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

export interface SerializedLedger {
  strings: string[];
  /**
   * `fieldsPerRow` numbers per row: source, time, session, agent, project, model (name indexes),
   * 5 token counts, logged cost (-1: none), web searches.
   */
  rows: Float64Array;
  /** Dedup keys, `\n`-separated, and the row of each. */
  keys: string;
  keyRows: Float64Array;
  duplicateCount: number;
}
