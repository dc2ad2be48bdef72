import type { ParsedUsage } from './claudeLog';
import { sourceNames, type UsageEvent } from './usageEvent';

/**
 * Every billed request seen, each counted once.
 *
 * The same request can be logged several times: once per content block while
 * streaming (earlier lines may carry a partial `output_tokens`), again when a
 * resumed session copies history into a new file, and again when the same file
 * sits in two config folders. One key, one row: the tokens and time of the most
 * complete snapshot (largest output), credited to the first occurrence's session.
 */
export class Ledger {
  private readonly rows: UsageEvent[] = [];
  private readonly rowByKey = new Map<string, number>();
  private readonly strings = new Map<string, string>();
  /** Increases on every change, so views can tell whether to recompute. */
  version = 0;
  duplicateCount = 0;

  get size(): number {
    return this.rows.length;
  }

  events(): readonly UsageEvent[] {
    return this.rows;
  }

  add({ event, dedupKey }: ParsedUsage): void {
    this.version++;
    if (dedupKey !== undefined) {
      const at = this.rowByKey.get(dedupKey);
      if (at !== undefined) {
        this.duplicateCount++;
        this.merge(this.rows[at], event);
        return;
      }
      this.rowByKey.set(dedupKey, this.rows.length);
    }
    this.rows.push(this.intern(event));
  }

  /** A compact, JSON-safe copy for the persisted index: strings once, numbers in columns. */
  serialize(): SerializedLedger {
    const strings: string[] = [];
    const stringIndex = new Map<string, number>();
    const ref = (value: string) => {
      let at = stringIndex.get(value);
      if (at === undefined) {
        at = strings.length;
        strings.push(value);
        stringIndex.set(value, at);
      }
      return at;
    };
    const rows = this.rows.map((e) => {
      const row = [
        sourceNames.indexOf(e.source), e.timestampMs, ref(e.sessionId), ref(e.agentId), ref(e.project), ref(e.model),
        e.inputTokens, e.outputTokens, e.cacheWrite5mTokens, e.cacheWrite1hTokens, e.cacheReadTokens,
      ];
      if (e.loggedCostUsd !== undefined) row.push(e.loggedCostUsd);
      return row;
    });
    return { strings, rows, keys: [...this.rowByKey.entries()], duplicateCount: this.duplicateCount };
  }

  static deserialize(data: SerializedLedger): Ledger {
    const ledger = new Ledger();
    const s = data.strings;
    for (const r of data.rows) {
      ledger.rows.push(ledger.intern({
        source: sourceNames[r[0]], timestampMs: r[1], sessionId: s[r[2]], agentId: s[r[3]], project: s[r[4]], model: s[r[5]],
        inputTokens: r[6], outputTokens: r[7], cacheWrite5mTokens: r[8], cacheWrite1hTokens: r[9], cacheReadTokens: r[10],
        ...(r.length > 11 ? { loggedCostUsd: r[11] } : {}),
      }));
    }
    for (const [key, row] of data.keys) ledger.rowByKey.set(key, row);
    ledger.duplicateCount = data.duplicateCount;
    return ledger;
  }

  private merge(kept: UsageEvent, seen: UsageEvent): void {
    // The session stays with the first occurrence: scanners feed older files first.
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

export interface SerializedLedger {
  strings: string[];
  rows: number[][];
  keys: [string, number][];
  duplicateCount: number;
}
