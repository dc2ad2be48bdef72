import { totalTokensOf, type UsageEvent } from './usageEvent';

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
  /** The burn-rate threshold in force when the alert fired, USD per hour. */
  burnThresholdUsdPerHour?: number;
  /** Context of the session's latest request, in tokens (named in a burn-rate alert when large). */
  contextTokens?: number;
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
}

/** Defaults for a user without history: a heavy Opus session with a burst of helpers (threshold = 2.5 × 80, clamped to $200/h). */
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

const minuteMs = 60_000;
const hourMs = 3_600_000;
const ringSize = 64; // minutes; must exceed the longest bucket window (10 min) plus out-of-order slack

interface KindState {
  trueSinceMs: number | undefined;
  lastTrueMs: number;
  fired: boolean;
}

interface LoopEntry { timestampMs: number; key: string; costUsd: number }

class SessionState {
  readonly bucketMinute = new Float64Array(ringSize).fill(-1);
  readonly bucketCostUsd = new Float64Array(ringSize);
  readonly bucketTokens = new Float64Array(ringSize);
  readonly bucketUnpricedTokens = new Float64Array(ringSize);
  readonly bucketSpawns = new Float64Array(ringSize);
  /** Requests that wrote ≥ `rewriteMinTokens` of fresh (uncached) input: the context re-read instead of read from cache. */
  readonly bucketRewrites = new Float64Array(ringSize);
  /** Input-side tokens (uncached + cache writes + cache reads). */
  readonly bucketInputTokens = new Float64Array(ringSize);
  /** agentId → last request time; insertion order ≈ last-seen order (re-inserted on each request). */
  readonly activeAgents = new Map<string, number>();
  readonly agentsSeen = new Set<string>();
  readonly loopQueue: LoopEntry[] = [];
  loopHead = 0;
  readonly loopCounts = new Map<string, { count: number; costUsd: number }>();
  readonly modelCostUsd = new Map<string, number>();
  readonly kinds: Record<RunawayKind, KindState> = {
    'burn-rate': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    'parallel-agents': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    loop: { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    'budget-projection': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
  };
  costSoFarUsd = 0;
  tokensSoFar = 0;
  lastModel = '';
  contextTokens = 0;
  peakContextTokens = 0;
  maxActiveAgents = 0;
  /** Cost rate of the latest request's near-identical group over the loop window, USD/h. */
  lastLoopUsdPerHour = 0;
  /** Last request of the main agent (agentId ''). */
  lastMainMs = -Infinity;
  /** Whether the last evaluation saw context churn (for the alert's wording). */
  churning = false;
  /** The latest alert of each kind, for `alertsInForce`. */
  readonly lastAlert = new Map<RunawayKind, RunawayAlert>();

  constructor(readonly sessionId: string, public project: string, readonly startedMs: number, public lastSeenMs: number) {}

  slotFor(minute: number): number {
    const slot = ((minute % ringSize) + ringSize) % ringSize;
    if (this.bucketMinute[slot] !== minute) {
      this.bucketMinute[slot] = minute;
      this.bucketCostUsd[slot] = 0;
      this.bucketTokens[slot] = 0;
      this.bucketUnpricedTokens[slot] = 0;
      this.bucketSpawns[slot] = 0;
      this.bucketRewrites[slot] = 0;
      this.bucketInputTokens[slot] = 0;
    }
    return slot;
  }

  /** Sum of a bucket series over the minutes (nowMinute - count, nowMinute]. */
  sum(series: Float64Array, nowMinute: number, count: number): number {
    let total = 0;
    for (let m = nowMinute - count + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.bucketMinute[slot] === m) total += series[slot];
    }
    return total;
  }

  /** Minutes among the last `count` whose cost reached `minCostUsd`. */
  busyMinutes(nowMinute: number, count: number, minCostUsd: number): number {
    let busy = 0;
    for (let m = nowMinute - count + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.bucketMinute[slot] === m && this.bucketCostUsd[slot] >= minCostUsd) busy++;
    }
    return busy;
  }

  dominantModel(): string {
    let best = this.lastModel;
    let bestCost = -1;
    for (const [model, cost] of this.modelCostUsd) {
      if (cost > bestCost) { best = model; bestCost = cost; }
    }
    return best;
  }
}

interface Rates { usdPerHour: number; tokensPerMinute: number; unpricedTokensPerMinute: number }

interface Resolved {
  minBurnThresholdUsdPerHour: number;
  rewriteMinTokens: number;
  minRewrites: number;
  maxTokensPerAgentMinute: number;
  baseline: RunawayBaseline;
  burnThresholdUsdPerHour: number;
  rateWindowMs: number;
  parallelAgentsLimit: number;
  agentActiveWindowMs: number;
  loopWindowMs: number;
  loopMinRepeats: number;
  minAlertUsdPerHour: number;
  minAlertTokensPerMinute: number;
  calmMs: number;
  sessionRetentionMs: number;
}

function resolve(options: RunawayOptions): Resolved {
  const baseline = options.baseline ?? defaultBaseline;
  const factor = options.burnFactor ?? 2.5;
  const minThr = options.minBurnThresholdUsdPerHour ?? 30;
  const maxThr = options.maxBurnThresholdUsdPerHour ?? 400;
  return {
    minBurnThresholdUsdPerHour: minThr,
    rewriteMinTokens: options.churn?.rewriteMinTokens ?? 100_000,
    minRewrites: options.churn?.minRewrites ?? 5,
    maxTokensPerAgentMinute: options.churn?.maxTokensPerAgentMinute ?? 6_000_000,
    baseline,
    burnThresholdUsdPerHour: Math.min(maxThr, Math.max(minThr, factor * baseline.usdPerHour)),
    rateWindowMs: options.rateWindowMs ?? 5 * minuteMs,
    parallelAgentsLimit: options.maxParallelAgents ?? Math.min(40, Math.max(20, Math.ceil(2 * baseline.parallelAgents))),
    agentActiveWindowMs: options.agentActiveWindowMs ?? 2 * minuteMs,
    loopWindowMs: options.loopWindowMs ?? 10 * minuteMs,
    loopMinRepeats: options.loopMinRepeats ?? 12,
    minAlertUsdPerHour: options.minAlertUsdPerHour ?? 3,
    minAlertTokensPerMinute: options.minAlertTokensPerMinute ?? 2_000_000,
    calmMs: options.calmMs ?? 15 * minuteMs,
    sessionRetentionMs: options.sessionRetentionMs ?? 3 * hourMs,
  };
}

/** How long each condition must hold (at consecutive events) before its alert fires. */
const sustainMs: Record<RunawayKind, number> = {
  'burn-rate': minuteMs,
  'parallel-agents': minuteMs,
  loop: 0,
  'budget-projection': minuteMs,
};

/**
 * Near-identical requests: same agent, same model, total input within ~0.3 %.
 * A normal conversation grows with every turn, so its sizes do not repeat;
 * a retry loop re-sends the same prefix.
 */
const sizeBucketBase = Math.log(1.003);
function sizeBucketOf(inputTotalTokens: number): number {
  return Math.floor(Math.log(inputTotalTokens + 1) / sizeBucketBase);
}

function utcDayStartMs(ms: number): number {
  return ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
}

/** Watches usage events as they arrive and raises runaway alerts. */
export class RunawayDetector {
  private readonly r: Resolved;
  /** sessionId → state; insertion order ≈ last-activity order (re-inserted on each event). */
  private readonly sessions = new Map<string, SessionState>();
  private readonly snoozes = new Map<string, number>();
  private watermarkMs = -Infinity;
  // Budget tracking across all sessions.
  private dayStartMs = -Infinity;
  private spentTodayUsd = 0;
  private windowStartMs = -Infinity;
  private windowSpentUsd = 0;
  private windowSpentTokens = 0;
  private readonly totalCostBuckets = new Float64Array(ringSize);
  private readonly totalTokenBuckets = new Float64Array(ringSize);
  private readonly totalBucketMinute = new Float64Array(ringSize).fill(-1);

  constructor(private readonly options: RunawayOptions = {}) {
    this.r = resolve(options);
  }

  /** The burn-rate threshold in force, USD/h. */
  get burnThresholdUsdPerHour(): number { return this.r.burnThresholdUsdPerHour; }
  /** The parallel-agents limit in force. */
  get parallelAgentsLimit(): number { return this.r.parallelAgentsLimit; }

  /** Spend seen today (per `dayStartMs`), USD. */
  get spentTodayUsdSoFar(): number { return this.spentTodayUsd; }

  /**
   * Feeds one event (cost in USD, null when unpriced) and returns the alerts it
   * raises — usually none. Events may arrive a few minutes out of order.
   */
  observe(event: UsageEvent, costUsd: number | null): RunawayAlert[] {
    const t = event.timestampMs;
    if (!Number.isFinite(t)) return [];
    const cost = costUsd ?? 0;
    const tokens = totalTokensOf(event);
    if (t > this.watermarkMs) this.watermarkMs = t;

    this.trackBudget(t, cost, tokens);

    let s = this.sessions.get(event.sessionId);
    if (s === undefined) {
      s = new SessionState(event.sessionId, event.project, t, t);
    } else {
      this.sessions.delete(event.sessionId);
    }
    this.sessions.set(event.sessionId, s);
    if (t > s.lastSeenMs) s.lastSeenMs = t;
    if (event.project) s.project = event.project;
    this.evictIdleSessions();

    const minute = Math.floor(t / minuteMs);
    const slot = s.slotFor(minute);
    s.bucketCostUsd[slot] += cost;
    s.bucketTokens[slot] += tokens;
    if (costUsd === null) s.bucketUnpricedTokens[slot] += tokens;
    s.costSoFarUsd += cost;
    s.tokensSoFar += tokens;
    s.lastModel = event.model;
    s.modelCostUsd.set(event.model, (s.modelCostUsd.get(event.model) ?? 0) + cost);

    const inputTotal = event.inputTokens + event.cacheWrite5mTokens + event.cacheWrite1hTokens + event.cacheReadTokens;
    s.bucketInputTokens[slot] += inputTotal;
    if (event.inputTokens + event.cacheWrite5mTokens + event.cacheWrite1hTokens >= this.r.rewriteMinTokens) s.bucketRewrites[slot] += 1;
    if (t >= s.lastSeenMs) s.contextTokens = inputTotal;
    if (inputTotal > s.peakContextTokens) s.peakContextTokens = inputTotal;

    if (event.agentId === '') {
      if (t > s.lastMainMs) s.lastMainMs = t;
    } else {
      if (!s.agentsSeen.has(event.agentId)) {
        s.agentsSeen.add(event.agentId);
        s.bucketSpawns[slot] += 1;
      }
      const prev = s.activeAgents.get(event.agentId);
      s.activeAgents.delete(event.agentId);
      s.activeAgents.set(event.agentId, prev === undefined ? t : Math.max(prev, t));
    }

    const now = s.lastSeenMs;
    this.expireAgents(s, now);
    if (s.activeAgents.size > s.maxActiveAgents) s.maxActiveAgents = s.activeAgents.size;
    const loopRepeats = this.trackLoop(s, event, inputTotal, cost, now);
    return this.evaluate(s, now, loopRepeats);
  }

  /**
   * Holds back alerts for a session until `untilMs` (the notification's Snooze).
   * A runaway still going when the snooze ends is reported again at once.
   */
  snooze(sessionId: string, untilMs: number): void {
    this.snoozes.set(sessionId, untilMs);
  }

  /**
   * The latest alert of each kind still raised for sessions with a request
   * within `withinMs` (default 10 min) of `nowMs`, newest first — what the
   * status bar and the guard act on, e.g. after replaying recent logs at startup.
   */
  alertsInForce(nowMs: number, withinMs = 10 * minuteMs): RunawayAlert[] {
    const out: RunawayAlert[] = [];
    for (const s of this.sessions.values()) {
      if (nowMs - s.lastSeenMs > withinMs) continue;
      if ((this.snoozes.get(s.sessionId) ?? -Infinity) > nowMs) continue;
      for (const kind of runawayKinds) {
        const a = s.lastAlert.get(kind);
        if (s.kinds[kind].fired && a !== undefined) out.push(a);
      }
    }
    out.sort((a, b) => b.firedAtMs - a.firedAtMs);
    return out;
  }

  /** Live sessions (a request within `withinMs`, default 15 min, of `nowMs`), fastest-burning first. */
  activeSessions(nowMs: number, withinMs = 15 * minuteMs): RunawaySessionSummary[] {
    const out: RunawaySessionSummary[] = [];
    for (const s of this.sessions.values()) {
      if (nowMs - s.lastSeenMs > withinMs) continue;
      const at = nowMs;
      const rates = this.rates(s, at);
      let activeAgents = 0;
      for (const last of s.activeAgents.values()) if (at - last <= this.r.agentActiveWindowMs) activeAgents++;
      const minute = Math.floor(at / minuteMs);
      out.push({
        sessionId: s.sessionId,
        project: s.project,
        model: s.dominantModel(),
        startedMs: s.startedMs,
        lastSeenMs: s.lastSeenMs,
        runningForMs: s.lastSeenMs - s.startedMs,
        costSoFarUsd: s.costSoFarUsd,
        tokensSoFar: s.tokensSoFar,
        usdPerHour: rates.usdPerHour,
        tokensPerMinute: rates.tokensPerMinute,
        activeAgents,
        agentsSpawnedLast10Min: s.sum(s.bucketSpawns, minute, 10),
        agentsTotal: s.agentsSeen.size,
        contextTokens: s.contextTokens,
        peakContextTokens: s.peakContextTokens,
        activeAlerts: runawayKinds.filter((k) => s.kinds[k].fired),
        ...(this.snoozes.has(s.sessionId) && this.snoozes.get(s.sessionId)! > nowMs ? { snoozedUntilMs: this.snoozes.get(s.sessionId) } : {}),
        usdPerHourPerAgent: activeAgents > 0 ? rates.usdPerHour / activeAgents : 0,
      });
    }
    out.sort((a, b) => b.usdPerHour - a.usdPerHour);
    return out;
  }

  /** Remaining budget (USD) at `nowMs`: the tightest of the daily budget, the window budget and the callback. */
  remainingBudgetUsd(nowMs: number): number | undefined {
    let remaining: number | undefined;
    const take = (v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) remaining = remaining === undefined ? v : Math.min(remaining, v);
    };
    if (this.options.dailyBudgetUsd !== undefined) {
      const dayStart = (this.options.dayStartMs ?? utcDayStartMs)(nowMs);
      take(this.options.dailyBudgetUsd - (dayStart === this.dayStartMs ? this.spentTodayUsd : 0));
    }
    if (this.options.windowBudget?.usd !== undefined) {
      const inWindow = nowMs < this.windowStartMs + 5 * hourMs;
      take(this.options.windowBudget.usd - (inWindow ? this.windowSpentUsd : 0));
    }
    take(this.options.remainingBudgetUsd?.(nowMs));
    return remaining;
  }

  /** Minutes until the 5-hour window budget runs out at the current all-session rate; undefined without a window budget or when idle. */
  windowExhaustedInMin(nowMs: number): number | undefined {
    const budget = this.options.windowBudget;
    if (budget === undefined || (budget.usd === undefined && budget.tokens === undefined)) return undefined;
    const inWindow = nowMs < this.windowStartMs + 5 * hourMs;
    const windowEndsInMin = inWindow ? (this.windowStartMs + 5 * hourMs - nowMs) / minuteMs : 300;
    const total = this.totalRates(nowMs);
    let eta = Infinity;
    if (budget.usd !== undefined && total.usdPerMinute > 0) {
      eta = Math.min(eta, Math.max(0, budget.usd - (inWindow ? this.windowSpentUsd : 0)) / total.usdPerMinute);
    }
    if (budget.tokens !== undefined && total.tokensPerMinute > 0) {
      eta = Math.min(eta, Math.max(0, budget.tokens - (inWindow ? this.windowSpentTokens : 0)) / total.tokensPerMinute);
    }
    return eta <= windowEndsInMin ? eta : undefined;
  }

  private trackBudget(t: number, cost: number, tokens: number): void {
    if (this.options.dailyBudgetUsd !== undefined) {
      const dayStart = (this.options.dayStartMs ?? utcDayStartMs)(t);
      if (dayStart > this.dayStartMs) { this.dayStartMs = dayStart; this.spentTodayUsd = 0; }
      if (dayStart === this.dayStartMs) this.spentTodayUsd += cost;
    }
    // A 5-hour window starts at the hour of its first request and lasts 5 h (as ccusage's blocks).
    if (t >= this.windowStartMs + 5 * hourMs) {
      this.windowStartMs = Math.floor(t / hourMs) * hourMs;
      this.windowSpentUsd = 0;
      this.windowSpentTokens = 0;
    }
    if (t >= this.windowStartMs) { this.windowSpentUsd += cost; this.windowSpentTokens += tokens; }
    const minute = Math.floor(t / minuteMs);
    const slot = ((minute % ringSize) + ringSize) % ringSize;
    if (this.totalBucketMinute[slot] !== minute) {
      if (this.totalBucketMinute[slot] > minute) return; // too old for the ring
      this.totalBucketMinute[slot] = minute;
      this.totalCostBuckets[slot] = 0;
      this.totalTokenBuckets[slot] = 0;
    }
    this.totalCostBuckets[slot] += cost;
    this.totalTokenBuckets[slot] += tokens;
  }

  /** All sessions' rate over the last 3 minutes (recent, so a fresh fan-out counts at full speed). */
  private totalRates(nowMs: number): { usdPerMinute: number; tokensPerMinute: number } {
    const minutes = 3;
    const nowMinute = Math.floor(nowMs / minuteMs);
    let cost = 0;
    let tokens = 0;
    for (let m = nowMinute - minutes + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.totalBucketMinute[slot] === m) { cost += this.totalCostBuckets[slot]; tokens += this.totalTokenBuckets[slot]; }
    }
    const spanMin = this.spanMinutes(nowMs, minutes);
    return { usdPerMinute: cost / spanMin, tokensPerMinute: tokens / spanMin };
  }

  /** The time the last `minutes` buckets cover: whole past minutes plus the elapsed part of the current one. */
  private spanMinutes(nowMs: number, minutes: number): number {
    const intoMinute = (((nowMs % minuteMs) + minuteMs) % minuteMs) / minuteMs;
    return Math.max(0.5, minutes - 1 + intoMinute);
  }

  private rates(s: SessionState, nowMs: number): Rates {
    const minutes = Math.max(1, Math.round(this.r.rateWindowMs / minuteMs));
    const nowMinute = Math.floor(nowMs / minuteMs);
    // A session younger than the window is measured over its own life (at least 2 minutes),
    // so a new fan-out shows its real rate instead of being diluted by empty minutes.
    const lifeMin = (nowMs - s.startedMs) / minuteMs;
    const span = Math.min(this.spanMinutes(nowMs, minutes), Math.max(2, lifeMin));
    return {
      usdPerHour: (s.sum(s.bucketCostUsd, nowMinute, minutes) / span) * 60,
      tokensPerMinute: s.sum(s.bucketTokens, nowMinute, minutes) / span,
      unpricedTokensPerMinute: s.sum(s.bucketUnpricedTokens, nowMinute, minutes) / span,
    };
  }

  /** Session cost rate over the last `minutes` buckets (a young session over its own life, at least 1 minute), USD/h. */
  private rateOver(s: SessionState, nowMs: number, minutes: number): number {
    const lifeMin = (nowMs - s.startedMs) / minuteMs;
    const span = Math.min(this.spanMinutes(nowMs, minutes), Math.max(1, lifeMin));
    return (s.sum(s.bucketCostUsd, Math.floor(nowMs / minuteMs), minutes) / span) * 60;
  }

  private expireAgents(s: SessionState, nowMs: number): void {
    const cutoff = nowMs - this.r.agentActiveWindowMs;
    for (const [agentId, last] of s.activeAgents) {
      if (last >= cutoff) break;
      s.activeAgents.delete(agentId);
    }
  }

  private trackLoop(s: SessionState, e: UsageEvent, inputTotal: number, cost: number, nowMs: number): number {
    const cutoff = nowMs - this.r.loopWindowMs;
    while (s.loopHead < s.loopQueue.length && s.loopQueue[s.loopHead].timestampMs < cutoff) {
      const old = s.loopQueue[s.loopHead++];
      const c = s.loopCounts.get(old.key);
      if (c !== undefined) {
        c.count--; c.costUsd -= old.costUsd;
        if (c.count <= 0) s.loopCounts.delete(old.key);
      }
    }
    if (s.loopHead > 1024 && s.loopHead * 2 > s.loopQueue.length) {
      s.loopQueue.splice(0, s.loopHead);
      s.loopHead = 0;
    }
    if (e.timestampMs < cutoff) return 0;
    const prefix = `${e.agentId}\u0000${e.model}\u0000`;
    const bucket = sizeBucketOf(inputTotal);
    const key = prefix + bucket;
    s.loopQueue.push({ timestampMs: e.timestampMs, key, costUsd: cost });
    const c = s.loopCounts.get(key);
    if (c === undefined) s.loopCounts.set(key, { count: 1, costUsd: cost });
    else { c.count++; c.costUsd += cost; }
    // Neighbouring buckets too, so sizes straddling a bucket edge still count together.
    let repeats = 0;
    let loopCost = 0;
    for (let b = bucket - 1; b <= bucket + 1; b++) {
      const n = s.loopCounts.get(prefix + b);
      if (n !== undefined) { repeats += n.count; loopCost += n.costUsd; }
    }
    s.lastLoopUsdPerHour = (loopCost / this.r.loopWindowMs) * hourMs;
    return repeats;
  }

  private evaluate(s: SessionState, nowMs: number, loopRepeats: number): RunawayAlert[] {
    const r = this.r;
    const rates = this.rates(s, nowMs);
    const pricedMostly = rates.unpricedTokensPerMinute < rates.tokensPerMinute / 2;
    const worthAlerting = rates.usdPerHour >= r.minAlertUsdPerHour
      || (!pricedMostly && rates.tokensPerMinute >= r.minAlertTokensPerMinute);
    const nowMinute = Math.floor(nowMs / minuteMs);
    const windowMinutes = Math.max(1, Math.round(r.rateWindowMs / minuteMs));
    const activeAgents = s.activeAgents.size;

    // Burn rate: the window average is high AND most of its minutes were busy on their own,
    // so a single expensive burst (one huge file read) does not count as sustained.
    // Judged on the last 3 minutes so the onset is not diluted by the normal minutes before it.
    const perMinuteThresholdUsd = r.burnThresholdUsdPerHour / 60;
    const lifeMinutes = Math.floor((nowMs - s.startedMs) / minuteMs) + 1;
    const burnUsdPerHour = this.rateOver(s, nowMs, 3);
    const burnHigh = burnUsdPerHour > r.burnThresholdUsdPerHour
      && Math.max(s.busyMinutes(nowMinute, 3, perMinuteThresholdUsd * 0.5), s.busyMinutes(nowMinute - 1, 3, perMinuteThresholdUsd * 0.5))
        >= Math.min(3, Math.max(2, lifeMinutes)); // the current minute has only begun: also judge the three before it

    // Context churn: a session re-reading huge context is a runaway even for a heavy user's baseline.
    const rewrites = s.sum(s.bucketRewrites, nowMinute, windowMinutes);
    const mainActive = s.lastMainMs >= nowMs - r.agentActiveWindowMs ? 1 : 0;
    const inputPerAgentMinute = (s.sum(s.bucketInputTokens, nowMinute, 3) / Math.min(this.spanMinutes(nowMs, 3), Math.max(1, (nowMs - s.startedMs) / minuteMs)))
      / Math.max(1, activeAgents + mainActive);
    const churning = rates.usdPerHour >= r.minBurnThresholdUsdPerHour
      && (rewrites >= r.minRewrites || (inputPerAgentMinute > r.maxTokensPerAgentMinute && lifeMinutes >= 3));
    s.churning = churning;

    const spawnedRecently = s.sum(s.bucketSpawns, nowMinute, 10);
    const tooManyAgents = activeAgents > r.parallelAgentsLimit || spawnedRecently > 3 * r.parallelAgentsLimit;

    const looping = loopRepeats >= r.loopMinRepeats && s.lastLoopUsdPerHour >= r.minAlertUsdPerHour;

    const remaining = this.remainingBudgetUsd(nowMs);
    const projectedNextHourUsd = rates.usdPerHour;
    const overBudget = remaining !== undefined && projectedNextHourUsd > remaining
      && s.busyMinutes(nowMinute, windowMinutes, Number.MIN_VALUE) >= Math.min(2, lifeMinutes);

    const conditions: Record<RunawayKind, boolean> = {
      'burn-rate': worthAlerting && (burnHigh || churning),
      'parallel-agents': worthAlerting && tooManyAgents,
      loop: looping,
      'budget-projection': worthAlerting && overBudget,
    };

    const alerts: RunawayAlert[] = [];
    const snoozedUntil = this.snoozes.get(s.sessionId);
    const snoozed = snoozedUntil !== undefined && nowMs < snoozedUntil;
    if (snoozedUntil !== undefined && !snoozed) this.snoozes.delete(s.sessionId);
    for (const kind of runawayKinds) {
      const k = s.kinds[kind];
      if (conditions[kind]) {
        if (k.trueSinceMs === undefined || nowMs < k.trueSinceMs) k.trueSinceMs = nowMs;
        if (nowMs > k.lastTrueMs) k.lastTrueMs = nowMs;
        // Far above the threshold fires fast; just above it must last a few minutes (a short fan-out of ten explorers is normal).
        const sustain = kind === 'burn-rate' && !churning && burnUsdPerHour < 2 * r.burnThresholdUsdPerHour ? 2 * minuteMs : sustainMs[kind];
        if (!k.fired && !snoozed && nowMs - k.trueSinceMs >= sustain) {
          k.fired = true;
          const alert = this.makeAlert(kind, s, nowMs, rates, activeAgents, remaining, loopRepeats);
          s.lastAlert.set(kind, alert);
          alerts.push(alert);
        }
      } else {
        k.trueSinceMs = undefined;
        if (k.fired && nowMs - k.lastTrueMs >= r.calmMs) k.fired = false;
      }
    }
    return alerts;
  }

  private makeAlert(kind: RunawayKind, s: SessionState, nowMs: number, rates: Rates, activeAgents: number,
    remaining: number | undefined, loopRepeats: number): RunawayAlert {
    const windowEta = this.windowExhaustedInMin(nowMs);
    const alert: RunawayAlert = {
      firedAtMs: nowMs,
      kind,
      sessionId: s.sessionId,
      project: s.project,
      model: s.dominantModel(),
      usdPerHour: rates.usdPerHour,
      tokensPerMinute: rates.tokensPerMinute,
      activeAgents,
      runningForMs: nowMs - s.startedMs,
      costSoFarUsd: s.costSoFarUsd,
      projectedNextHourUsd: rates.usdPerHour,
      loopRepeats,
      burnThresholdUsdPerHour: this.r.burnThresholdUsdPerHour,
      contextTokens: s.contextTokens,
      message: '',
    };
    if (windowEta !== undefined) alert.windowExhaustedInMin = windowEta;
    if (remaining !== undefined) alert.remainingBudgetUsd = remaining;
    alert.message = runawayMessage(alert);
    return alert;
  }

  private evictIdleSessions(): void {
    const cutoff = this.watermarkMs - this.r.sessionRetentionMs;
    for (const [id, s] of this.sessions) {
      if (s.lastSeenMs >= cutoff) break;
      this.sessions.delete(id);
    }
  }
}

/** Short session id for messages: the first 8 characters. */
export function shortSessionId(sessionId: string): string {
  return sessionId.length > 8 ? sessionId.slice(0, 8) : sessionId;
}

export function formatUsd(usd: number): string {
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString('en-US')}`;
  if (usd >= 100) return `$${usd.toFixed(0)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatDurationMs(ms: number): string {
  const min = Math.max(0, Math.round(ms / minuteMs));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return `${Math.round(n)}`;
}

/** Context worth naming in a burn-rate alert. */
export const largeContextTokens = 100_000;

/** The alert sentence: what is happening, then session, project, model, rate, duration, cost so far and in an hour. */
export function runawayMessage(a: Omit<RunawayAlert, 'message'>): string {
  const who = `Session ${shortSessionId(a.sessionId)} (${a.project || 'unknown project'}, ${a.model || 'unknown model'})`;
  let what: string;
  switch (a.kind) {
    case 'parallel-agents':
      what = `${who} is running ${a.activeAgents} sub-agents at once`;
      break;
    case 'loop':
      what = `${who} looks stuck in a loop: ${a.loopRepeats ?? 'many'} near-identical requests in 10 min`;
      break;
    case 'budget-projection':
      what = `${who} will overrun the remaining budget${a.remainingBudgetUsd !== undefined ? ` of ${formatUsd(Math.max(0, a.remainingBudgetUsd))}` : ''} within the hour`;
      break;
    case 'burn-rate':
    default: {
      const ctx = a.contextTokens !== undefined && a.contextTokens >= largeContextTokens ? ` re-sending ${formatTokens(a.contextTokens)} tokens of context per request` : '';
      what = `${who} is burning far above your usual rate${a.burnThresholdUsdPerHour !== undefined ? ` (alert above ${formatUsd(a.burnThresholdUsdPerHour)}/h)` : ''}${ctx}`;
      break;
    }
  }
  let text = `${what}: ${formatUsd(a.usdPerHour)}/h (${formatTokens(a.tokensPerMinute)} tok/min), running ${formatDurationMs(a.runningForMs)}, ${formatUsd(a.costSoFarUsd)} so far, ${formatUsd(a.projectedNextHourUsd)} more in the next hour at this rate.`;
  if (a.windowExhaustedInMin !== undefined) text += ` 5-hour window exhausted in ~${Math.max(1, Math.round(a.windowExhaustedInMin))} min.`;
  return text;
}

/**
 * Replays events through a fresh detector as if live (sorted by time) and
 * returns every alert with the time it would have fired.
 */
export function replayAlerts(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null, options: RunawayOptions = {}): RunawayAlert[] {
  const sorted = isSortedByTime(events) ? events : [...events].sort((a, b) => a.timestampMs - b.timestampMs);
  const detector = new RunawayDetector(options);
  const alerts: RunawayAlert[] = [];
  for (const e of sorted) {
    const fired = detector.observe(e, costOf(e));
    for (const a of fired) alerts.push(a);
  }
  return alerts;
}

function isSortedByTime(events: readonly UsageEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i].timestampMs < events[i - 1].timestampMs) return false;
  return true;
}

function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return 0;
  const idx = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(p * sortedValues.length) - 1));
  return sortedValues[idx];
}

/**
 * The user's baseline from past events: P95 over sessions (of at least
 * `minSessionMs`, default 10 min) of each session's peak burn rate over
 * `peakWindowMinutes` (default 3, the burn-rate alert's window; a 10-minute
 * window under-rates short bursts), USD/h, and P95 of their peak count of
 * sub-agents active within 2 minutes.
 * Falls back to `defaultBaseline` with fewer than `minSessions` (default 5) sessions.
 * Sessions the detector flags with default settings are excluded (`excludeFlagged`, default true).
 */
export function baselineFromHistory(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null,
  opts: { minSessions?: number; minSessionMs?: number; floorUsdPerHour?: number; excludeFlagged?: boolean; peakWindowMinutes?: number } = {}): RunawayBaseline {
  // Past runaways are not "normal": sessions the default detector flags are left out, so one
  // bad night in the history does not raise the thresholds for ever.
  const flagged = opts.excludeFlagged === false ? new Set<string>() : new Set(replayAlerts(events, costOf).map((a) => a.sessionId));
  const minSessions = opts.minSessions ?? 5;
  const peakWindowMinutes = opts.peakWindowMinutes ?? 3;
  const minSessionMs = opts.minSessionMs ?? 10 * minuteMs;
  const floorUsdPerHour = opts.floorUsdPerHour ?? 10;
  interface Acc { first: number; last: number; minuteCost: Map<number, number>; agentLast: Map<string, number>; agentMinutes: Map<number, Set<string>> }
  const bySession = new Map<string, Acc>();
  for (const e of events) {
    if (flagged.has(e.sessionId)) continue;
    let a = bySession.get(e.sessionId);
    if (a === undefined) { a = { first: e.timestampMs, last: e.timestampMs, minuteCost: new Map(), agentLast: new Map(), agentMinutes: new Map() }; bySession.set(e.sessionId, a); }
    a.first = Math.min(a.first, e.timestampMs);
    a.last = Math.max(a.last, e.timestampMs);
    const m = Math.floor(e.timestampMs / minuteMs);
    a.minuteCost.set(m, (a.minuteCost.get(m) ?? 0) + (costOf(e) ?? 0));
    if (e.agentId !== '') {
      let set = a.agentMinutes.get(m);
      if (set === undefined) { set = new Set(); a.agentMinutes.set(m, set); }
      set.add(e.agentId);
    }
  }
  const peakRates: number[] = [];
  const peakAgents: number[] = [];
  for (const a of bySession.values()) {
    if (a.last - a.first < minSessionMs) continue;
    const minutes = [...a.minuteCost.keys()].sort((x, y) => x - y);
    let peak = 0;
    let windowSum = 0;
    let lo = 0;
    for (let hi = 0; hi < minutes.length; hi++) {
      windowSum += a.minuteCost.get(minutes[hi])!;
      while (minutes[lo] <= minutes[hi] - peakWindowMinutes) windowSum -= a.minuteCost.get(minutes[lo++])!;
      peak = Math.max(peak, windowSum * (60 / peakWindowMinutes));
    }
    peakRates.push(peak);
    const agentMinutes = [...a.agentMinutes.keys()].sort((x, y) => x - y);
    let maxAgents = 0;
    for (let i = 0; i < agentMinutes.length; i++) {
      const set = new Set(a.agentMinutes.get(agentMinutes[i]));
      const prev = a.agentMinutes.get(agentMinutes[i] - 1);
      if (prev !== undefined) for (const id of prev) set.add(id);
      maxAgents = Math.max(maxAgents, set.size);
    }
    peakAgents.push(maxAgents);
  }
  if (peakRates.length < minSessions) return defaultBaseline;
  peakRates.sort((x, y) => x - y);
  peakAgents.sort((x, y) => x - y);
  return {
    usdPerHour: Math.max(floorUsdPerHour, percentile(peakRates, 0.95)),
    parallelAgents: percentile(peakAgents, 0.95),
    sessionCount: peakRates.length,
  };
}

export interface ConcurrencyAdvice {
  /** Suggested value for CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS (≥ 1). */
  maxConcurrentSubagents: number;
  /** `CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=N`, ready for the `env` block of Claude Code settings or a shell. */
  envLine: string;
  /** Why, in one sentence. */
  reason: string;
}

/**
 * Recommends Claude Code's sub-agent concurrency cap so that the remaining
 * budget lasts `horizonMs` (e.g. until the 5-hour window or the day resets):
 * (remaining / hours − main agent rate) / per-agent rate, clamped to [1, maxValue].
 */
export function recommendMaxConcurrentSubagents(input: {
  remainingBudgetUsd: number;
  horizonMs: number;
  /** Observed burn rate of one sub-agent, USD/h. */
  perAgentUsdPerHour: number;
  /** Burn rate of the main agent alone, USD/h. Default 0. */
  mainAgentUsdPerHour?: number;
  /** Upper clamp. Default 10. */
  maxValue?: number;
}): ConcurrencyAdvice {
  const maxValue = Math.max(1, Math.floor(input.maxValue ?? 10));
  const hours = Math.max(input.horizonMs, minuteMs) / hourMs;
  const affordableUsdPerHour = Math.max(0, input.remainingBudgetUsd) / hours - (input.mainAgentUsdPerHour ?? 0);
  let value: number;
  let reason: string;
  if (!(input.perAgentUsdPerHour > 0)) {
    value = maxValue;
    reason = 'No sub-agent spend observed yet, so the cap only limits fan-outs.';
  } else {
    value = Math.min(maxValue, Math.max(1, Math.floor(affordableUsdPerHour / input.perAgentUsdPerHour)));
    reason = `At ${formatUsd(input.perAgentUsdPerHour)}/h per sub-agent, ${value} at once keep${value === 1 ? 's' : ''} the remaining ${formatUsd(Math.max(0, input.remainingBudgetUsd))} for ${formatDurationMs(input.horizonMs)}.`;
    if (affordableUsdPerHour < input.perAgentUsdPerHour) reason = `Even one sub-agent at ${formatUsd(input.perAgentUsdPerHour)}/h overruns the remaining ${formatUsd(Math.max(0, input.remainingBudgetUsd))} within ${formatDurationMs(input.horizonMs)}; run sub-agents one at a time.`;
  }
  return { maxConcurrentSubagents: value, envLine: `CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=${value}`, reason };
}

/** What the status bar shows while a runaway is in force. */
export interface RunawayStatus {
  isRunaway: boolean;
  /** Status bar text, e.g. `$(flame) Runaway $1,285/h`; '' when none. */
  text: string;
  /** One line per alert in force. */
  tooltip: string;
  /** The alerts in force, for texts in another language or currency. */
  alerts: readonly RunawayAlert[];
  /** The fastest-burning session in trouble, for Show Session. */
  sessionId?: string;
}

/** The status bar's runaway state from `RunawayDetector.alertsInForce(nowMs)`. */
export function runawayStatusOf(alertsInForce: readonly RunawayAlert[]): RunawayStatus {
  if (alertsInForce.length === 0) return { isRunaway: false, text: '', tooltip: '', alerts: [] };
  const worst = alertsInForce.reduce((a, b) => (b.usdPerHour > a.usdPerHour ? b : a));
  const sessions = new Set(alertsInForce.map((a) => a.sessionId)).size;
  return {
    isRunaway: true,
    text: `$(flame) Runaway ${formatUsd(worst.usdPerHour)}/h${sessions > 1 ? ` (${sessions} sessions)` : ''}`,
    tooltip: alertsInForce.map((a) => a.message).join('\n'),
    alerts: alertsInForce,
    sessionId: worst.sessionId,
  };
}
