import type { ParsedUsage, UsageEvent } from '../usageEvent';

/**
 * The rules for two records of one request (one dedup key), shared by the ledger and by the scan threads'
 * per-file merge (FileRepeats). Both rules have fixed tie-breaks, so the winner never depends on which
 * record was read first, and parallel readers need no ordering.
 */

/**
 * The fuller-snapshot rule: the record with more output is the more complete. Ties are broken by the other
 * counts, then the earlier time (the first line of a streamed reply).
 */
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

/** The fuller-snapshot rule (see isFuller) between a record and a stored row (rowLayout.ts layout). */
export function isFullerThanRow(a: UsageEvent, rows: Float64Array, at: number): boolean {
  if (a.outputTokens !== rows[at + 7]) return a.outputTokens > rows[at + 7];
  if (a.inputTokens !== rows[at + 6]) return a.inputTokens > rows[at + 6];
  if (a.cacheReadTokens !== rows[at + 10]) return a.cacheReadTokens > rows[at + 10];
  if (a.cacheWrite5mTokens !== rows[at + 8]) return a.cacheWrite5mTokens > rows[at + 8];
  if (a.cacheWrite1hTokens !== rows[at + 9]) return a.cacheWrite1hTokens > rows[at + 9];
  if (a.timestampMs !== rows[at + 1]) return a.timestampMs < rows[at + 1];
  if ((a.webSearchRequests ?? 0) !== rows[at + 12]) return (a.webSearchRequests ?? 0) > rows[at + 12];
  return (a.loggedCostUsd ?? -1) > rows[at + 11];
}

/** Between occurrences in files of the same age, the credit goes to the first session by name: any rule, as long as it is fixed. */
function creditsBefore(a: UsageEvent, b: UsageEvent): boolean {
  if (a.sessionId !== b.sessionId) return a.sessionId < b.sessionId;
  if (a.agentId !== b.agentId) return a.agentId < b.agentId;
  return a.project < b.project;
}

/** The credit rule (see creditsBefore) between a record and a stored row. */
export function creditsBeforeRow(a: UsageEvent, rows: Float64Array, at: number, names: { get(i: number): string }): boolean {
  const sessionId = names.get(rows[at + 2]);
  if (a.sessionId !== sessionId) return a.sessionId < sessionId;
  const agentId = names.get(rows[at + 3]);
  if (a.agentId !== agentId) return a.agentId < agentId;
  return a.project < names.get(rows[at + 4]);
}

/** Copies `seen`'s counts and time into `kept` if `seen` is the fuller snapshot. */
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
