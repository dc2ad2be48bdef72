/**
 * Runaway detection: notices agent sessions that burn money far faster than
 * the user's normal work (fan-outs into hundreds of sub-agents, retry loops,
 * sessions re-sending huge context) within minutes, from usage events alone.
 *
 * Pure: no I/O, no clock. Time comes from the events (`timestampMs`) and from
 * the `nowMs` arguments. Work per observed event is O(1) amortised: per
 * session, per-minute ring buckets, an LRU of active sub-agents and a sliding
 * queue of request signatures.
 */

export type RunawayKind = 'burn-rate' | 'parallel-agents' | 'loop' | 'budget-projection';
export const runawayKinds: readonly RunawayKind[] = ['burn-rate', 'parallel-agents', 'loop', 'budget-projection'];

export interface RunawayAlert {
  firedAtMs: number;
  kind: RunawayKind;
  /** Top-level session; sub-agents are folded into their parent. */
  sessionId: string;
  project: string;
  /** The model that has cost the session most so far. */
  model: string;
  /** Session burn rate over the short window, in USD per hour (priced events only). */
  usdPerHour: number;
  /** All token classes (input, output, cache writes and reads) per minute over the short window. */
  tokensPerMinute: number;
  /** Distinct sub-agents with a request in the last `agentActiveWindowMs`. */
  activeAgents: number;
  /** Time since the session's first event. */
  runningForMs: number;
  costSoFarUsd: number;
  /** `usdPerHour` × 1 h: what the session will cost in the next hour at this rate. */
  projectedNextHourUsd: number;
  /** Minutes until the 5-hour window budget is used up at the current total rate, when a window budget is known. */
  windowExhaustedInMin?: number;
  /** Remaining budget (USD) at the time of the alert, when known. */
  remainingBudgetUsd?: number;
  /** Near-identical requests seen in the loop window (what a loop alert reports). */
  loopRepeats?: number;
  /** A repetition loop: one tool call answered the same way `times` times in 10 min (failed: by an error). */
  repeated?: { tool: string; times: number; failed: boolean };
  /** The burn-rate threshold in force when the alert fired, USD per hour. */
  burnThresholdUsdPerHour?: number;
  /** Context of the session's latest request, in tokens (named in a burn-rate alert when large). */
  contextTokens?: number;
  /**
   * A sustained relative runaway: the session's 10-minute rate as a multiple of the user's
   * usual 10-minute peak (`RunawayBaseline.tokensPerMinute`, or its USD twin), and which unit crossed.
   */
  relative?: { unit: 'tokens' | 'usd'; timesUsualPeak: number; usualPeak: number };
  /** Share of the official 5-hour window this session used in the last 10 minutes, percent, when the window's size is known. */
  windowSharePercent?: number;
  /** One sentence for a developer: session, project, model, rate, duration, cost so far, next-hour cost (English, USD). */
  message: string;
}

/** What the user's normal sessions look like; thresholds are multiples of it. */
export interface RunawayBaseline {
  /** Typical peak burn rate of a normal session (P95 over sessions of their peak 3-minute rate, the window the burn-rate alert uses), USD/h. */
  usdPerHour: number;
  /** Typical peak count of sub-agents active at once (P95 over sessions). */
  parallelAgents: number;
  /** How many sessions the baseline was computed from (0 = defaults). */
  sessionCount: number;
  /**
   * Typical 10-minute peak of a normal session in tokens (all classes) per minute: P95 over
   * sessions of their peak 10-minute rate. The relative alert fires at `relativeFactor` × this.
   */
  tokensPerMinute?: number;
  /** The same in USD per hour (P95 of 10-minute cost peaks). */
  usdPerHour10?: number;
}

/**
 * Defaults for a user without history: a heavy Opus session with a burst of helpers (dollar
 * threshold = 2.5 × 80, clamped to $200/h). No token baseline: the relative alert needs the
 * user's own sessions (five of ten minutes or more) or the plan's defaults (`planBaseline`).
 */
export const defaultBaseline: RunawayBaseline = { usdPerHour: 80, parallelAgents: 4, sessionCount: 0 };

export interface RunawayOptions {
  baseline?: RunawayBaseline;
  /** Burn-rate alert when the 3-minute rate exceeds factor × baseline (clamped, see below). Default 2.5. */
  burnFactor?: number;
  /** Lower clamp of the burn-rate threshold, USD/h. Default 30. */
  minBurnThresholdUsdPerHour?: number;
  /** Upper clamp of the burn-rate threshold, USD/h: above this always alert. Default 400. */
  maxBurnThresholdUsdPerHour?: number;
  /** Short window for rates. Default 5 min. */
  rateWindowMs?: number;
  /** Parallel-agents alert when more than this many sub-agents are active at once. Default: 2 × baseline, at least 20 and at most 40. */
  maxParallelAgents?: number;
  /** A sub-agent counts as active while it made a request in this window. Default 2 min. */
  agentActiveWindowMs?: number;
  /** Near-identical requests from one agent within this window count as a loop. Default 10 min. */
  loopWindowMs?: number;
  /** Repeats of a near-identical request within `loopWindowMs` that make a loop. Default 12. */
  loopMinRepeats?: number;
  /**
   * Repetition loop (tool calls, see actions.ts): an agent's same call answered by the same
   * error `minFailedRepeats` times, or by the same success `minOkRepeats` times, within
   * `windowMs`, with nothing new in between (every call in that run repeats one made in the
   * window: a fix-and-test cycle edits between its test runs). No dollar floor. Defaults: 10 min, 10, 30.
   */
  repetition?: { windowMs?: number; minFailedRepeats?: number; minOkRepeats?: number };
  /** No alert of any kind for sessions burning less than this (USD/h) — cheap loops are not a budget risk. Default 3. */
  minAlertUsdPerHour?: number;
  /** For unpriced sessions: the token rate that stands in for `minAlertUsdPerHour`. Default 2M tokens/min. */
  minAlertTokensPerMinute?: number;
  /** After an alert, the condition must stay false this long before the same kind can fire again for the session. Default 15 min. */
  calmMs?: number;
  /**
   * Context churn counts as a burn-rate runaway, whatever the baseline, when over 5 minutes
   * the session either re-wrote at least `rewriteMinTokens` of uncached context in
   * `minRewrites` requests, or re-sent more than `maxTokensPerAgentMinute` input tokens per
   * minute per active agent. Defaults 100k tokens, 5 requests, 6M tokens/min
   * (a 600k-token context every 6 s from one agent).
   */
  churn?: { rewriteMinTokens?: number; minRewrites?: number; maxTokensPerAgentMinute?: number };
  /**
   * Relative runaway: alert when a session's 10-minute rate stays above this multiple of the
   * user's usual 10-minute peak (tokens or USD, `baseline.tokensPerMinute` / `usdPerHour10`)
   * with most of those minutes busy. No dollar floor: a light user's runaway counts. Default 1.8.
   */
  relativeFactor?: number;
  /** The same over 20 minutes (normal peaks do not last that long), multiple of the usual 10-minute peak. Default 1.2. */
  sustainedRelativeFactor?: number;
  /** Turn the relative alert off (the baseline's own outlier pass does). Default true. */
  relative?: boolean;
  /** Official 5-hour window size in tokens (from the plan or from a rate_limits reading), for `windowSharePercent`. */
  windowTokens?: number;
  /** Sessions idle this long are forgotten. Default 3 h. */
  sessionRetentionMs?: number;
  /** Daily budget in USD; the detector tracks today's spend itself. */
  dailyBudgetUsd?: number;
  /** Start of the budget day containing `ms` (local midnight). Default: UTC midnight. */
  dayStartMs?: (ms: number) => number;
  /** Budget of one 5-hour usage window (Claude plan block), in USD and/or tokens. */
  windowBudget?: { usd?: number; tokens?: number };
  /** Remaining budget from elsewhere (e.g. a budget endpoint), USD, or undefined when unknown. */
  remainingBudgetUsd?: (nowMs: number) => number | undefined;
}

/** One live session, for a details view. */
export interface RunawaySessionSummary {
  sessionId: string;
  project: string;
  model: string;
  startedMs: number;
  lastSeenMs: number;
  runningForMs: number;
  costSoFarUsd: number;
  tokensSoFar: number;
  usdPerHour: number;
  tokensPerMinute: number;
  activeAgents: number;
  /** Distinct sub-agents that made their first request in the last 10 minutes. */
  agentsSpawnedLast10Min: number;
  /** Sub-agents seen in the session so far. */
  agentsTotal: number;
  /** Total input (uncached + cache write + cache read) of the latest request, tokens. */
  contextTokens: number;
  /** Largest request input seen in the session, tokens. */
  peakContextTokens: number;
  /** Alert kinds currently raised for the session. */
  activeAlerts: RunawayKind[];
  /** Alerts for the session are held back until then (see `snooze`). */
  snoozedUntilMs?: number;
  /** Sub-agent share of the session's short-window burn rate per active agent, USD/h (0 without agents). */
  usdPerHourPerAgent: number;
}
