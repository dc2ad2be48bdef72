// What each MCP tool answers, computed from the same core functions as `tokenmeter status`,
// `estimate`, `route` and `alerts` — no second set of numbers. Pure: the caller reads the logs
// and passes `nowMs`. Every answer is plain JSON for a model to read.
//
// Strings copied from logs (project folders, model names, session ids) are untrusted: they go
// out as separate JSON fields, cleaned of control and bidi characters and clipped, and never
// inside a sentence we write, so a hostile folder name cannot read as an instruction.
import type { BudgetReading } from '../core/budgetReading';
import type { Calendar } from '../core/calendar';
import { claudePlanQuotas, type StatusLineSnapshot } from '../core/claudeStatusLine';
import type { CodexCredits, CodexRateLimit } from '../core/codexRateLimits';
import { buildHistoryModel, estimateTask, estimateToJson, historySessionsFromEvents } from '../core/estimator';
import type { PriceTable } from '../core/pricing';
import { roundUsd, sessionReport } from '../core/reports';
import { defaultModelTiers, routeRequest, type ModelTiers } from '../core/router';
import { baselineFromHistory, recommendMaxConcurrentSubagents, RunawayDetector, type RunawayAlert, type RunawayOptions, type RunawaySessionSummary } from '../core/runaway';
import type { Settings } from '../core/settings';
import { periodAt } from '../core/calendar';
import { englishUsd } from '../core/format';
import { computeStatus, type Status } from '../core/status/computeStatus';
import { statusWindowMs } from '../core/status/estimatedSpend';
import { remainingUsdOf, type Limit } from '../core/status/limit';
import { totalTokensOf, type UsageEvent } from '../core/usageEvent';

/** Everything the answers are computed from, read by the server before each call. */
export interface AnswerData {
  /** Every usage event (reads the older rows a restored index left on disk: see Ledger.events). */
  events(): readonly UsageEvent[];
  /** The events from `startMs` on: what the status needs, without the older rows (Ledger.eventsSince). */
  eventsSince(startMs: number): readonly UsageEvent[];
  officialLimits: CodexRateLimit[];
  /** Codex credits from its rollouts, when any were recorded. */
  codexCredits?: CodexCredits;
  /** Budget endpoint readings (`tokenmeter mcp --config FILE`), already without keys. */
  endpointReadings: readonly BudgetReading[];
  /** Claude Code's plan windows as its status line last recorded them. */
  statusLine: StatusLineSnapshot | undefined;
  settings: Settings;
  prices: PriceTable;
  calendar: Calendar;
  nowMs: number;
}

const hourMs = 3_600_000;

/** A string from a log, as data: no control or bidi-override characters, at most 200 characters. */
export function asData(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
const round2 = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

// ---------------------------------------------------------------------------------------------
// quota

/** The one status model (`computeStatus`), on the same inputs as `tokenmeter status` and the status bar. */
export function statusOf(data: AnswerData): Status {
  return computeStatus({
    // As `tokenmeter status` and the status bar: the last month unless an endpoint's own period needs more.
    events: data.endpointReadings.length > 0 ? data.events() : data.eventsSince(data.nowMs - statusWindowMs),
    prices: data.prices,
    calendar: data.calendar,
    budget: data.settings.budget,
    nowMs: data.nowMs,
    readings: data.endpointReadings,
    planWindows: data.statusLine ? claudePlanQuotas(data.statusLine, data.nowMs) : [],
    codexLimits: data.officialLimits,
    codexCredits: data.codexCredits,
  });
}

function limitJson(l: Limit) {
  return {
    id: asData(l.id),
    label: asData(englishUsd.limitLabel(l)),
    origin: l.origin,
    source: asData(l.source),
    scope: asData(l.scope),
    unit: l.unit,
    used: l.used ?? null,
    limit: l.limit ?? null,
    remaining: l.remaining ?? null,
    usedPercent: l.usedFraction === undefined ? null : round2(l.usedFraction * 100),
    startsAt: iso(l.startsAtMs),
    resetsAt: iso(l.resetsAtMs),
    updatedAt: iso(l.updatedAtMs),
    stale: l.stale,
    expired: l.expired,
    ...(l.error ? { error: asData(l.error, 300) } : {}),
    pace: l.pace && !l.expired
      ? { windowElapsedPercent: round2(l.pace.elapsedFraction * 100), runsOutBeforeReset: l.pace.runsOutBeforeReset, projectedRunOutAt: iso(l.pace.projectedRunOutAtMs ?? undefined) }
      : null,
  };
}

/** The `quota` tool: every limit with used/remaining, origin, reset, pace, and the tightest. */
export function quotaAnswer(data: AnswerData) {
  const status = statusOf(data);
  const estimated = status.estimatedSpend;
  const limits = status.limits.map(limitJson);
  return {
    now: iso(data.nowMs),
    level: status.level,
    tightest: status.tightest ? limits[status.limits.indexOf(status.tightest)] : null,
    remainingUsd: remainingUsdOf(status.limits) ?? null,
    limits,
    spend: {
      origin: 'estimated' as const,
      today: { costUsd: roundUsd(estimated.today.totalCost), tokens: estimated.today.totalTokens },
      week: { costUsd: roundUsd(estimated.week.totalCost), tokens: estimated.week.totalTokens },
      month: { costUsd: roundUsd(estimated.month.totalCost), tokens: estimated.month.totalTokens },
      block: estimated.block
        ? { startedAt: iso(estimated.block.startMs), endsAt: iso(estimated.block.endMs), costUsd: roundUsd(estimated.block.costUsd), tokens: estimated.block.tokens, usdPerHour: round2(estimated.block.usdPerHour), tokensPerMinute: Math.round(estimated.block.tokensPerMinute) }
        : null,
      unpricedModels: estimated.unpricedModels.map((m) => asData(m)),
    },
    note: limits.length === 0
      ? 'No limit is configured: set tokenmeter.budget.* (TOKENMETER_SETTINGS for the CLI), pass --config with budget endpoints, or use an agent that reports plan windows.'
      : 'usedPercent is used/limit×100. origin: official = reported by the provider, endpoint = a budget API, estimated = computed from local logs and list prices. pace: share of the window gone and, at the rate so far, when the limit runs out.',
  };
}

// ---------------------------------------------------------------------------------------------
// runaway_status and session_cost share one detector over the last two hours, as `tokenmeter alerts` does.

/** Detector options as the editor builds them from `tokenmeter.runaway.*` and the daily budget. */
export function detectorOptions(data: AnswerData, history: readonly UsageEvent[]): RunawayOptions {
  let start = 0;
  let end = -1;
  return {
    baseline: baselineFromHistory(history, (e) => data.prices.costOf(e)),
    burnFactor: data.settings.runaway.burnFactor,
    maxParallelAgents: data.settings.runaway.maxParallelAgents || undefined,
    dailyBudgetUsd: data.settings.budget.dailyUsd,
    dayStartMs: (ms) => {
      if (ms < start || ms >= end) ({ startMs: start, endMs: end } = periodAt(data.calendar, 'day', ms));
      return start;
    },
  };
}

/** The live view of `tokenmeter alerts`: the last two hours replayed through the detector. */
export function liveDetector(data: AnswerData): RunawayDetector {
  const cutoff = data.nowMs - 2 * hourMs;
  const events = data.events();
  const detector = new RunawayDetector(detectorOptions(data, events.filter((e) => e.timestampMs < cutoff)));
  const recent = events.filter((e) => e.timestampMs >= cutoff && e.timestampMs <= data.nowMs + 60_000);
  for (const e of [...recent].sort((a, b) => a.timestampMs - b.timestampMs)) detector.observe(e, data.prices.costOf(e));
  return detector;
}

function alertJson(a: RunawayAlert) {
  return { kind: a.kind, firedAt: iso(a.firedAtMs), sessionId: asData(a.sessionId), project: asData(a.project), model: asData(a.model), usdPerHour: round2(a.usdPerHour) };
}

function liveSessionJson(s: RunawaySessionSummary) {
  return {
    sessionId: asData(s.sessionId),
    project: asData(s.project),
    model: asData(s.model),
    startedAt: iso(s.startedMs),
    lastSeenAt: iso(s.lastSeenMs),
    costSoFarUsd: roundUsd(s.costSoFarUsd),
    tokensSoFar: s.tokensSoFar,
    usdPerHour: round2(s.usdPerHour),
    tokensPerMinute: Math.round(s.tokensPerMinute),
    activeAgents: s.activeAgents,
    agentsTotal: s.agentsTotal,
    usdPerHourPerAgent: round2(s.usdPerHourPerAgent),
    activeAlerts: s.activeAlerts,
  };
}

/** Sub-agent cap for one live session so the tightest USD limit lasts 5 hours, as the editor's live-sessions view suggests. */
function concurrencyOf(s: RunawaySessionSummary, remainingUsd: number | undefined) {
  if (remainingUsd === undefined) return null;
  const advice = recommendMaxConcurrentSubagents({ remainingBudgetUsd: remainingUsd, horizonMs: 5 * hourMs, perAgentUsdPerHour: s.usdPerHourPerAgent });
  return { maxConcurrentSubagents: advice.maxConcurrentSubagents, envLine: advice.envLine };
}

/** The `runaway_status` tool: alerts in force, live sessions fastest first, and a concurrency cap. */
export function runawayAnswer(data: AnswerData) {
  if (!data.settings.runaway.enabled) return { enabled: false, isRunaway: false, alerts: [], sessions: [], suggestedConcurrency: null };
  const detector = liveDetector(data);
  const alerts = detector.alertsInForce(data.nowMs);
  const sessions = detector.activeSessions(data.nowMs);
  const remainingUsd = remainingUsdOf(statusOf(data).limits);
  const hottest = sessions[0];
  return {
    enabled: true,
    isRunaway: alerts.length > 0,
    thresholds: { burnRateUsdPerHour: round2(detector.burnThresholdUsdPerHour), parallelAgents: detector.parallelAgentsLimit },
    alerts: alerts.map(alertJson),
    sessions: sessions.map((s) => ({ ...liveSessionJson(s), suggestedConcurrency: concurrencyOf(s, remainingUsd) })),
    suggestedConcurrency: hottest ? concurrencyOf(hottest, remainingUsd) : null,
    remainingUsd: remainingUsd ?? null,
    note: 'Alert kinds: burn-rate (spending much faster than your usual peak), parallel-agents (too many sub-agents at once), loop (the same request repeated), budget-projection (today\'s budget runs out at this pace). suggestedConcurrency is null when no USD limit is known.',
  };
}

// ---------------------------------------------------------------------------------------------
// session_cost

/** Claude Code names a project folder after its working directory with every other character a dash. */
export function claudeProjectFolderOf(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

export interface SessionQuery {
  sessionId?: string;
  cwd?: string;
}

/** The `session_cost` tool: one session (by id, else the latest in `cwd`) with its sub-agents, and its live rate. */
export function sessionCostAnswer(data: AnswerData, query: SessionQuery) {
  let events: UsageEvent[];
  if (query.sessionId !== undefined) {
    events = data.events().filter((e) => e.sessionId === query.sessionId);
  } else {
    const cwd = (query.cwd ?? '').replace(/[\\/]+$/, '') || '/';
    const folder = claudeProjectFolderOf(cwd);
    const inProject = data.events().filter((e) => e.project === cwd || e.project === folder);
    let latest: UsageEvent | undefined;
    for (const e of inProject) if (!latest || e.timestampMs > latest.timestampMs) latest = e;
    events = latest ? inProject.filter((e) => e.sessionId === latest.sessionId && e.source === latest.source) : [];
  }
  const report = sessionReport(events, { calendar: data.calendar, prices: data.prices });
  const row = report.sessions[0];
  if (!row) return { found: false, session: null, note: query.sessionId !== undefined ? 'No usage is logged for this session id (yet).' : 'No session with logged usage in this working directory.' };
  const live = liveDetector(data).activeSessions(data.nowMs).find((s) => s.sessionId === row.sessionId);
  const agents = new Map<string, { agentId: string; costUsd: number; tokens: number; requests: number }>();
  for (const e of events) {
    if (!e.agentId) continue;
    let a = agents.get(e.agentId);
    if (!a) agents.set(e.agentId, (a = { agentId: asData(e.agentId), costUsd: 0, tokens: 0, requests: 0 }));
    a.costUsd += data.prices.costOf(e) ?? 0;
    a.tokens += totalTokensOf(e);
    a.requests++;
  }
  const firstMs = Date.parse(row.firstActivity);
  const lastMs = Date.parse(row.lastActivity);
  const hours = Math.max(lastMs - firstMs, 60_000) / hourMs;
  return {
    found: true,
    session: {
      sessionId: asData(row.sessionId),
      source: row.source,
      project: asData(row.projectPath),
      firstActivity: row.firstActivity,
      lastActivity: row.lastActivity,
      costUsd: row.totalCost,
      tokens: { input: row.inputTokens, output: row.outputTokens, cacheWrite: row.cacheCreationTokens, cacheRead: row.cacheReadTokens, total: row.totalTokens },
      requests: events.length,
      models: row.modelsUsed.map((m) => asData(m)),
      averageUsdPerHour: round2(row.totalCost / hours),
      live: live ? { usdPerHour: round2(live.usdPerHour), tokensPerMinute: Math.round(live.tokensPerMinute), activeAgents: live.activeAgents, activeAlerts: live.activeAlerts } : null,
      subAgents: {
        count: row.subAgents,
        costUsd: roundUsd([...agents.values()].reduce((sum, a) => sum + a.costUsd, 0)),
        agents: [...agents.values()].sort((a, b) => b.costUsd - a.costUsd).slice(0, 20).map((a) => ({ ...a, costUsd: roundUsd(a.costUsd) })),
      },
      unpricedModels: report.unpricedModels.map((m) => asData(m)),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// estimate_task and route

/** Tier models and aggressiveness from `tokenmeter.routing.*`, as the editor uses them. */
export function routingOf(settings: Settings): { tiers: ModelTiers; aggressiveness: Settings['routing']['aggressiveness'] } {
  const r = settings.routing;
  return {
    tiers: { small: r.smallModel || defaultModelTiers.small, medium: r.mediumModel || defaultModelTiers.medium, large: r.largeModel || defaultModelTiers.large },
    aggressiveness: r.aggressiveness,
  };
}

export interface EstimateQuery {
  description: string;
  contextTokens?: number;
}

/** The `estimate_task` tool: `tokenmeter estimate --json`, plus the share of the tightest USD limit. */
export function estimateAnswer(data: AnswerData, query: EstimateQuery, firstPrompts: ReadonlyMap<string, string>) {
  const history = buildHistoryModel(historySessionsFromEvents(data.events(), firstPrompts, (e) => data.prices.costOf(e)));
  const { tiers, aggressiveness } = routingOf(data.settings);
  const estimate = estimateTask({ description: query.description, contextTokens: query.contextTokens ?? 0 }, history, (m) => data.prices.ratesFor(m), { tiers, aggressiveness });
  const remainingUsd = remainingUsdOf(statusOf(data).limits);
  const p50 = estimate.cost[estimate.suggested.model]?.p50;
  return {
    ...estimateToJson(estimate),
    tierModels: estimate.tierModels,
    historySessions: history.sessionCount,
    remainingUsd: remainingUsd ?? null,
    suggestedP50ShareOfRemainingPercent: remainingUsd !== undefined && remainingUsd > 0 && p50 !== undefined ? round4((p50 / remainingUsd) * 100) : null,
  };
}

export interface RouteQuery {
  prompt: string;
  contextTokens?: number;
  language?: string;
  currentModel?: string;
}

/** The `route` tool: one line of `tokenmeter route --json`. */
export function routeAnswer(data: Pick<AnswerData, 'settings' | 'prices'>, query: RouteQuery) {
  const { tiers, aggressiveness } = routingOf(data.settings);
  const advice = routeRequest(query, { tiers, aggressiveness, priceOf: (m) => data.prices.ratesFor(m), currentModel: query.currentModel });
  return {
    tier: advice.tier,
    model: advice.model,
    confidence: advice.confidence,
    reason: advice.reason,
    kind: advice.kind,
    ...(advice.savingVsCurrentPct !== undefined ? { savingVsCurrentPct: advice.savingVsCurrentPct } : {}),
    needProbability: advice.needProbability,
  };
}
