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
 * the oldest file (the original transcript, not a resumed copy). Both rules give the
 * same ledger whatever order files are read in, so parallel readers need no ordering.
 */
export class Ledger {
  private readonly rows: UsageEvent[] = [];
  /** Modification time of the file each row's session credit comes from (0: unknown, oldest). */
  private readonly creditFileMtimeMs: number[] = [];
  private keyIndex = new Map<string, number>();
  /** Keys from a restored index, turned into `keyIndex` only when the first new usage arrives. */
  private pendingKeys: { keys: string; keyRows: number[] } | undefined;
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
   * A compact, JSON-safe copy for the persisted index: names once, every row as
   * `fieldsPerRow` numbers in one flat array, dedup keys joined into one string
   * (a flat layout parses several times faster than an array per row).
   */
  serialize(): SerializedLedger {
    const strings: string[] = [];
    const stringIndex = new Map<string, number>();
    const ref = (value: string) => {
      let at = stringIndex.get(value);
      if (at === undefined) stringIndex.set(value, (at = strings.push(value) - 1));
      return at;
    };
    const rows: number[] = [];
    for (const e of this.rows) {
      rows.push(sourceNames.indexOf(e.source), e.timestampMs, ref(e.sessionId), ref(e.agentId), ref(e.project), ref(e.model),
        e.inputTokens, e.outputTokens, e.cacheWrite5mTokens, e.cacheWrite1hTokens, e.cacheReadTokens, e.loggedCostUsd ?? -1);
    }
    return { strings, rows, keys: [...this.rowByKey.keys()].join('\n'), keyRows: [...this.rowByKey.values()], duplicateCount: this.duplicateCount };
  }

  /** Rebuilds a ledger from `serialize()` output; throws on anything damaged or foreign. */
  static deserialize(data: SerializedLedger): Ledger {
    const { strings, rows, keyRows } = data;
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string') || !Array.isArray(rows) || rows.length % fieldsPerRow !== 0) {
      throw new Error('damaged ledger rows');
    }
    const count = (value: unknown) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('damaged ledger count');
      return value;
    };
    const name = (value: unknown) => {
      const text = strings[count(value)];
      if (typeof text !== 'string') throw new Error('damaged ledger name');
      return text;
    };
    const ledger = new Ledger();
    for (let at = 0; at < rows.length; at += fieldsPerRow) {
      const source = sourceNames[count(rows[at])];
      if (source === undefined) throw new Error('damaged ledger source');
      const loggedCost = rows[at + 11];
      ledger.creditFileMtimeMs.push(0);
      ledger.rows.push({
        source, timestampMs: count(rows[at + 1]), sessionId: name(rows[at + 2]), agentId: name(rows[at + 3]), project: name(rows[at + 4]), model: name(rows[at + 5]),
        inputTokens: count(rows[at + 6]), outputTokens: count(rows[at + 7]), cacheWrite5mTokens: count(rows[at + 8]), cacheWrite1hTokens: count(rows[at + 9]), cacheReadTokens: count(rows[at + 10]),
        ...(loggedCost === -1 ? {} : { loggedCostUsd: count(loggedCost) }),
      });
    }
    for (const text of strings) ledger.strings.set(text, text);
    // Keys are checked now but indexed later: the first status needs only the rows.
    if (typeof data.keys !== 'string' || !Array.isArray(keyRows) || !keyRows.every((row) => Number.isInteger(row) && row >= 0 && row < ledger.rows.length)) {
      throw new Error('damaged ledger keys');
    }
    let keyCount = data.keys === '' ? 0 : 1;
    for (let at = data.keys.indexOf('\n'); at !== -1; at = data.keys.indexOf('\n', at + 1)) keyCount++;
    if (keyCount !== keyRows.length) throw new Error('damaged ledger keys');
    ledger.pendingKeys = { keys: data.keys, keyRows };
    ledger.duplicateCount = count(data.duplicateCount);
    return ledger;
  }

  private merge(at: number, seen: UsageEvent, fileMtimeMs: number): void {
    const kept = this.rows[at];
    if (fileMtimeMs < this.creditFileMtimeMs[at]) {
      kept.sessionId = this.share(seen.sessionId);
      kept.agentId = this.share(seen.agentId);
      kept.project = this.share(seen.project);
      this.creditFileMtimeMs[at] = fileMtimeMs;
    }
    if (seen.outputTokens > kept.outputTokens) {
      kept.timestampMs = seen.timestampMs;
      kept.loggedCostUsd = seen.loggedCostUsd;
      kept.inputTokens = seen.inputTokens;
      kept.outputTokens = seen.outputTokens;
      kept.cacheWrite5mTokens = seen.cacheWrite5mTokens;
      kept.cacheWrite1hTokens = seen.cacheWrite1hTokens;
      kept.cacheReadTokens = seen.cacheReadTokens;
    }
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

const fieldsPerRow = 12;

export interface SerializedLedger {
  strings: string[];
  /** `fieldsPerRow` numbers per row: source, time, session, agent, project, model (name indexes), 5 token counts, logged cost (-1: none). */
  rows: number[];
  keys: string;
  keyRows: number[];
  duplicateCount: number;
}
