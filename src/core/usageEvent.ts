/** Every agent whose logs Tokenmeter reads. */
export const sourceNames = ['claude', 'codex', 'cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'] as const;
/** Where a usage record was read from. */
export type SourceName = (typeof sourceNames)[number];

export function isSourceName(value: string): value is SourceName {
  return (sourceNames as readonly string[]).includes(value);
}

/**
 * One billed model request, as read from an agent's log, after dedup.
 * Token counts are disjoint: `inputTokens` excludes cached input, so the
 * request's total input is input + cache writes + cache reads.
 */
export interface UsageEvent {
  source: SourceName;
  /** Epoch milliseconds (UTC). */
  timestampMs: number;
  /** The top-level session the usage is billed to (sub-agents belong to their parent). */
  sessionId: string;
  /** Sub-agent id when the request came from a sub-agent (sidechain), else ''. */
  agentId: string;
  /** Project key: Claude's project folder name or Codex's working directory. */
  project: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  /** The cost the agent itself logged (Cline-style task histories), used instead of list prices. */
  loggedCostUsd?: number;
  /** Server-side web searches the request ran (`usage.server_tool_use.web_search_requests`), billed per search. */
  webSearchRequests?: number;
}

/** The last millisecond of year 9999 (UTC). */
export const latestTimeMs = 253_402_300_799_999;

/**
 * Whether `ms` is a time a log line or a plan window may name: 1970 (the index keeps no earlier time) to the end of
 * year 9999. A Date holds ±8.64e15 ms: a time near that edge overflows once a zone's offset or a window is added, and
 * `toISOString` throws (a line of year 275760 stopped `blocks` and `status --json`; docs/reliability.md, session 19).
 */
export function isPlausibleTimeMs(ms: number): boolean {
  return ms >= 0 && ms <= latestTimeMs;
}

export function totalTokensOf(e: Pick<UsageEvent, 'inputTokens' | 'outputTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens'>): number {
  return e.inputTokens + e.outputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens + e.cacheReadTokens;
}

/** A usage line's event and the key that deduplicates it. */
export interface ParsedUsage {
  event: UsageEvent;
  /** `message.id:requestId`; undefined when the line has no message id (then it cannot be deduplicated). */
  dedupKey: string | undefined;
  /**
   * The dedup key's 64-bit hash (ledger/keyHashTable.ts), when the reader made it without the key's text (Codex token
   * counts: keyHashOfCounts); then `dedupKey` is made only when read.
   */
  keyHi?: number;
  keyLo?: number;
}

/** A line is usage, not usage (a user prompt, a summary…), or malformed (skipped and counted). */
export type LineOutcome = ParsedUsage | 'not-usage' | 'malformed';
