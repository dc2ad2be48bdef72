import { totalTokensOf, type UsageEvent } from '../usageEvent';
import { BudgetTracker } from './budgetTracker';
import { runawayMessage } from './messages';
import type { AgentAction } from './actions';
import { relativeRate } from './relative';
import { RepetitionTracker } from './repetition';
import { resolve, type Resolved } from './resolved';
import { minuteMs, SessionState, spanMinutes, type Rates } from './sessionState';
import { trackSizeLoop } from './sizeLoop';
import { runawayKinds, type RunawayAlert, type RunawayKind, type RunawayOptions, type RunawaySessionSummary } from './types';

/** How long each condition must hold (at consecutive events) before its alert fires. */
const sustainMs: Record<RunawayKind, number> = {
  'burn-rate': minuteMs,
  'parallel-agents': minuteMs,
  loop: 0,
  'budget-projection': minuteMs,
};

/** Watches usage events as they arrive and raises runaway alerts. */
export class RunawayDetector {
  private readonly r: Resolved;
  /** sessionId → state; insertion order ≈ last-activity order (re-inserted on each event). */
  private readonly sessions = new Map<string, SessionState>();
  private readonly snoozes = new Map<string, number>();
  private watermarkMs = -Infinity;
  private readonly budget: BudgetTracker;

  constructor(private readonly options: RunawayOptions = {}) {
    this.r = resolve(options);
    this.budget = new BudgetTracker(options);
  }

  /** The burn-rate threshold in force, USD/h. */
  get burnThresholdUsdPerHour(): number { return this.r.burnThresholdUsdPerHour; }
  /** The parallel-agents limit in force. */
  get parallelAgentsLimit(): number { return this.r.parallelAgentsLimit; }

  /** Spend seen today (per `dayStartMs`), USD. */
  get spentTodayUsdSoFar(): number { return this.budget.spentTodayUsdSoFar; }

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

    this.budget.track(t, cost, tokens);

    const s = this.touch(event.sessionId, event.project, t);

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
    s.sizeLoopRepeats = trackSizeLoop(s, event, inputTotal, cost, now, this.r.loopWindowMs);
    return this.evaluate(s, now);
  }

  /**
   * Feeds one completed tool call (see actions.ts) and returns the alerts it raises: the same
   * call answered the same way, over and over, is a loop whatever it costs per minute.
   */
  observeAction(action: AgentAction): RunawayAlert[] {
    const t = action.timestampMs;
    if (!Number.isFinite(t)) return [];
    if (t > this.watermarkMs) this.watermarkMs = t;
    const s = this.touch(action.sessionId, action.project, t);
    s.repetition ??= new RepetitionTracker(this.r.repetition);
    s.repetition.observe(action);
    return this.evaluate(s, s.lastSeenMs);
  }

  /** The session's state, created when new, marked most recently active. */
  private touch(sessionId: string, project: string, t: number): SessionState {
    let s = this.sessions.get(sessionId);
    if (s === undefined) {
      s = new SessionState(sessionId, project, t, t);
    } else {
      this.sessions.delete(sessionId);
    }
    this.sessions.set(sessionId, s);
    if (t > s.lastSeenMs) s.lastSeenMs = t;
    if (project) s.project = project;
    this.evictIdleSessions();
    return s;
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
  remainingBudgetUsd(nowMs: number): number | undefined { return this.budget.remainingBudgetUsd(nowMs); }

  /** Minutes until the 5-hour window budget runs out at the current all-session rate; undefined without a window budget or when idle. */
  windowExhaustedInMin(nowMs: number): number | undefined { return this.budget.windowExhaustedInMin(nowMs); }


  private rates(s: SessionState, nowMs: number): Rates {
    const minutes = Math.max(1, Math.round(this.r.rateWindowMs / minuteMs));
    const nowMinute = Math.floor(nowMs / minuteMs);
    // A session younger than the window is measured over its own life (at least 2 minutes),
    // so a new fan-out shows its real rate instead of being diluted by empty minutes.
    const lifeMin = (nowMs - s.startedMs) / minuteMs;
    const span = Math.min(spanMinutes(nowMs, minutes), Math.max(2, lifeMin));
    return {
      usdPerHour: (s.sum(s.bucketCostUsd, nowMinute, minutes) / span) * 60,
      tokensPerMinute: s.sum(s.bucketTokens, nowMinute, minutes) / span,
      unpricedTokensPerMinute: s.sum(s.bucketUnpricedTokens, nowMinute, minutes) / span,
    };
  }

  /** Session cost rate over the last `minutes` buckets (a young session over its own life, at least 1 minute), USD/h. */
  private rateOver(s: SessionState, nowMs: number, minutes: number): number {
    const lifeMin = (nowMs - s.startedMs) / minuteMs;
    const span = Math.min(spanMinutes(nowMs, minutes), Math.max(1, lifeMin));
    return (s.sum(s.bucketCostUsd, Math.floor(nowMs / minuteMs), minutes) / span) * 60;
  }

  private expireAgents(s: SessionState, nowMs: number): void {
    const cutoff = nowMs - this.r.agentActiveWindowMs;
    for (const [agentId, last] of s.activeAgents) {
      if (last >= cutoff) break;
      s.activeAgents.delete(agentId);
    }
  }

  private evaluate(s: SessionState, nowMs: number): RunawayAlert[] {
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
    const inputPerAgentMinute = (s.sum(s.bucketInputTokens, nowMinute, 3) / Math.min(spanMinutes(nowMs, 3), Math.max(1, (nowMs - s.startedMs) / minuteMs)))
      / Math.max(1, activeAgents + mainActive);
    const churning = rates.usdPerHour >= r.minBurnThresholdUsdPerHour
      && (rewrites >= r.minRewrites || (inputPerAgentMinute > r.maxTokensPerAgentMinute && lifeMinutes >= 3));
    s.churning = churning;

    const spawnedRecently = s.sum(s.bucketSpawns, nowMinute, 10);
    const tooManyAgents = activeAgents > r.parallelAgentsLimit || spawnedRecently > 3 * r.parallelAgentsLimit;

    // A loop: the same request re-sent (and worth money), or the same tool call answered the same way.
    const repetition = s.repetition?.loopAt(nowMs, r.repetitionLiveMs);
    const looping = (s.sizeLoopRepeats >= r.loopMinRepeats && s.lastLoopUsdPerHour >= r.minAlertUsdPerHour) || repetition !== undefined;

    const remaining = this.remainingBudgetUsd(nowMs);
    const projectedNextHourUsd = rates.usdPerHour;
    const overBudget = remaining !== undefined && projectedNextHourUsd > remaining
      && s.busyMinutes(nowMinute, windowMinutes, Number.MIN_VALUE) >= Math.min(2, lifeMinutes);

    // Relative: far above this user's own usual peak for most of 10 minutes, whatever the dollars.
    const relative = relativeRate(r, s, nowMs, nowMinute, lifeMinutes);
    s.relative = relative;

    const conditions: Record<RunawayKind, boolean> = {
      'burn-rate': (worthAlerting && (burnHigh || churning)) || relative !== undefined,
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
        const sustain = kind === 'burn-rate' && !churning && (relative !== undefined || burnUsdPerHour < 2 * r.burnThresholdUsdPerHour) ? 2 * minuteMs : sustainMs[kind];
        if (!k.fired && !snoozed && nowMs - k.trueSinceMs >= sustain) {
          k.fired = true;
          const alert = this.makeAlert(kind, s, nowMs, rates, activeAgents, remaining);
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
    remaining: number | undefined): RunawayAlert {
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
      loopRepeats: s.sizeLoopRepeats,
      burnThresholdUsdPerHour: this.r.burnThresholdUsdPerHour,
      contextTokens: s.contextTokens,
      message: '',
    };
    if (windowEta !== undefined) alert.windowExhaustedInMin = windowEta;
    if (remaining !== undefined) alert.remainingBudgetUsd = remaining;
    if (kind === 'burn-rate' && s.relative !== undefined && !s.churning) alert.relative = s.relative;
    const repetition = kind === 'loop' ? s.repetition?.loopAt(nowMs, this.r.repetitionLiveMs) : undefined;
    if (repetition !== undefined) alert.repeated = { tool: repetition.tool, times: repetition.repeats, failed: repetition.failed };
    if (this.options.windowTokens !== undefined && this.options.windowTokens > 0) {
      alert.windowSharePercent = (s.sum(s.bucketTokens, Math.floor(nowMs / minuteMs), 10) / this.options.windowTokens) * 100;
    }
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