// One type for every limit that can stop the user, side by side: local caps (estimated from the logs), budget
// endpoints (gateway key, team pool, org cap) and official plan windows (Claude's status line, Codex rate limits,
// Copilot). Numbers only: the words ("Daily cap", "Claude 5-hour window") come from the Formatter.
// Pure: `nowMs` is a parameter.
import { completeAmounts, type BudgetReading } from '../budgetReading';
import type { PeriodKind } from '../calendar';
import type { CodexCredits, CodexRateLimit } from '../codexRateLimits';
import type { BudgetLevel, BudgetState } from './estimatedSpend';
import { projectOverrun, type ThresholdInput } from '../thresholds';

/** Where a limit's numbers come from: our own estimate from the logs, a budget endpoint, or the provider's plan. */
export type LimitOrigin = 'estimated' | 'endpoint' | 'official';
export type LimitUnit = 'usd' | 'tokens' | 'percent' | 'credits';

/** How fast a limit is being used against how much of its window has gone. */
export interface LimitPace {
  /** 0-1: share of the window (or budget period) already elapsed at `nowMs`. */
  elapsedFraction: number;
  /** When `used` reaches `limit` at the average rate so far in this window; null when it will not before the reset. */
  projectedRunOutAtMs: number | null;
  runsOutBeforeReset: boolean;
}

/** A cap, quota, pool or window and where it stands. */
export interface Limit {
  /** Stable across updates: threshold state and snoozes are kept per id. */
  id: string;
  origin: LimitOrigin;
  /** Who sets it: 'local' (our caps), the endpoint's configured name, or 'claude' | 'codex' | 'copilot'. */
  source: string;
  /**
   * What it limits: 'day' | 'week' | 'month' for local caps; 'key' | 'team' | 'org' | 'local' for endpoints;
   * the window for official limits ('5h', '7d', 'premium requests', or Codex's 'primary' / 'secondary').
   */
  scope: string;
  /** The provider's own name for the limit when it has one (Codex `limit_name`: `GPT-5.3-Codex-Spark`; Claude `Opus`). */
  name?: string;
  unit: LimitUnit;
  used?: number;
  limit?: number;
  remaining?: number;
  /** used / limit; undefined when there is no cap (or no numbers). */
  usedFraction?: number;
  /** Start of the current window or period, when known. */
  startsAtMs?: number;
  resetsAtMs?: number;
  /** When the number was fetched or recorded; undefined for live local numbers. */
  updatedAtMs?: number;
  /** The last good value kept after a failure, or a plan window recorded long ago. */
  stale: boolean;
  /** The window has reset since it was recorded: its usage no longer applies. */
  expired: boolean;
  /** Why the last update failed (never contains a key). */
  error?: string;
  /** Same value for the whole budget period; a new value re-arms threshold notifications. */
  periodKey: string;
  /** Used against elapsed time, when the window's start and end are known. */
  pace?: LimitPace;
  /** The endpoint reading behind an endpoint limit. */
  reading?: BudgetReading;
}

/** Used share against elapsed share of [startsAtMs, resetsAtMs), with a linear projection. Undefined without both ends. */
export function paceOf(l: Pick<Limit, 'used' | 'limit' | 'startsAtMs' | 'resetsAtMs'>, nowMs: number): LimitPace | undefined {
  if (l.startsAtMs === undefined || l.resetsAtMs === undefined || l.resetsAtMs <= l.startsAtMs || l.used === undefined || l.limit === undefined) return undefined;
  const windowMs = l.resetsAtMs - l.startsAtMs;
  const elapsedMs = Math.min(Math.max(nowMs - l.startsAtMs, 0), windowMs);
  const elapsedFraction = elapsedMs / windowMs;
  let projectedRunOutAtMs: number | null = null;
  if (l.used >= l.limit) projectedRunOutAtMs = nowMs;
  else if (l.used > 0 && elapsedMs > 0) {
    const runOut = nowMs + (l.limit - l.used) / (l.used / elapsedMs);
    if (runOut < l.resetsAtMs) projectedRunOutAtMs = runOut;
  }
  return { elapsedFraction, projectedRunOutAtMs, runsOutBeforeReset: projectedRunOutAtMs !== null };
}

/** Local caps from `Status.estimatedSpend` (spend estimated from the logs). */
export function limitsOfCaps(budgets: readonly BudgetState[], nowMs: number): Limit[] {
  return budgets.map((b) => {
    const limit: Limit = {
      id: `local:${b.period}:${b.unit}`,
      origin: 'estimated',
      source: 'local',
      scope: b.period satisfies PeriodKind,
      unit: b.unit,
      used: b.spent,
      limit: b.limit,
      remaining: b.remaining,
      usedFraction: b.fraction,
      ...(b.periodStartMs !== undefined ? { startsAtMs: b.periodStartMs } : {}),
      resetsAtMs: b.periodEndMs,
      stale: false,
      expired: false,
      periodKey: `local:${b.period}:${b.periodEndMs}`,
    };
    const pace = paceOf(limit, nowMs);
    return pace ? { ...limit, pace } : limit;
  });
}

/** Budget endpoint readings (already moved by local spend between polls, see `withLocalSpend`). */
export function limitsOfReadings(readings: readonly BudgetReading[]): Limit[] {
  const seen = new Map<string, number>();
  return readings.map((r) => {
    const c = completeAmounts(r);
    const base = `endpoint:${r.source}:${r.scope}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const resetsAtMs = r.resetsAt ? Date.parse(r.resetsAt) : NaN;
    const usedFraction = c.limitUsd !== undefined && c.spentUsd !== undefined ? (c.limitUsd > 0 ? c.spentUsd / c.limitUsd : c.spentUsd > 0 ? 1 : 0) : undefined;
    return {
      id: n === 1 ? base : `${base}#${n}`,
      origin: 'endpoint',
      source: r.source,
      scope: r.scope,
      unit: 'usd',
      used: c.spentUsd,
      limit: c.limitUsd,
      remaining: c.remainingUsd,
      usedFraction,
      resetsAtMs: Number.isNaN(resetsAtMs) ? undefined : resetsAtMs,
      updatedAtMs: r.fetchedAtMs,
      stale: r.stale,
      expired: false,
      error: r.error,
      periodKey: `${base}:${r.resetsAt ?? ''}`,
      reading: r,
    } satisfies Limit;
  });
}

/** A plan window in percent: Claude's 5-hour/7-day windows (status line), Copilot premium requests. */
export interface PlanWindowInput {
  source: string;
  window: string;
  /** A model-scoped window's model (`Opus`): its own limit beside the all-models window. */
  name?: string;
  usedPercent: number;
  resetsAt?: string;
  fetchedAtMs: number;
  stale: boolean;
  unlimited?: boolean;
  error?: string;
}

/** Window lengths we know by name, for pace. */
const windowMsByName: Record<string, number> = { '5h': 5 * 3_600_000, '7d': 7 * 86_400_000 };

/** One official percent window (a plan window, a Codex limit) as it was read. */
interface OfficialWindow {
  source: string;
  /** Window and name or limit id: what tells this limit from the source's others. */
  key: string;
  scope: string;
  name?: string;
  usedPercent: number;
  /** The window's length, when known: with the reset it gives the start. */
  windowMs?: number;
  resetsAtMs?: number;
  updatedAtMs?: number;
  stale: boolean;
  expired: boolean;
  error?: string;
  /** The window's reset as read: a new window is a new period. */
  resetKey: string;
}

/** The one builder of official percent limits; the pace is linear until the reset. */
function officialPercent(w: OfficialWindow, nowMs: number): Limit {
  const id = `plan:${w.source}:${w.key}`;
  const base: Omit<Limit, 'pace'> = {
    id,
    origin: 'official',
    source: w.source,
    scope: w.scope,
    ...(w.name ? { name: w.name } : {}),
    unit: 'percent',
    used: w.usedPercent,
    limit: 100,
    remaining: Math.max(0, 100 - w.usedPercent),
    usedFraction: w.usedPercent / 100,
    ...(w.resetsAtMs !== undefined && w.windowMs !== undefined ? { startsAtMs: w.resetsAtMs - w.windowMs } : {}),
    resetsAtMs: w.resetsAtMs,
    updatedAtMs: w.updatedAtMs,
    stale: w.stale,
    expired: w.expired,
    ...(w.error !== undefined ? { error: w.error } : {}),
    periodKey: `${id}:${w.resetKey}`,
  };
  const pace = base.expired ? undefined : paceOf(base, nowMs);
  return pace ? { ...base, pace } : base;
}

export function limitsOfPlanWindows(quotas: readonly PlanWindowInput[], nowMs: number): Limit[] {
  return quotas
    .filter((q) => !q.unlimited)
    .map((q) => {
      const parsed = q.resetsAt ? Date.parse(q.resetsAt) : NaN;
      const resetsAtMs = Number.isNaN(parsed) ? undefined : parsed;
      const expired = resetsAtMs !== undefined && resetsAtMs <= nowMs;
      return officialPercent({
        source: q.source,
        key: q.name ? `${q.window}:${q.name}` : q.window,
        scope: q.window,
        name: q.name,
        usedPercent: q.usedPercent,
        windowMs: windowMsByName[q.window],
        resetsAtMs,
        updatedAtMs: q.fetchedAtMs,
        stale: q.stale || expired,
        expired,
        error: q.error,
        resetKey: q.resetsAt ?? '',
      }, nowMs);
    });
}

/** Codex's official limits from its rollouts; a window that has certainly reset since is expired. */
export function limitsOfCodex(limits: readonly CodexRateLimit[], nowMs: number): Limit[] {
  return limits.map((l) => {
    const windowMs = l.windowMinutes !== undefined ? l.windowMinutes * 60_000 : undefined;
    const windowEndMs = windowMs !== undefined ? l.observedAtMs + windowMs : undefined;
    const expired = (l.resetsAtMs !== undefined && l.resetsAtMs <= nowMs) || (windowEndMs !== undefined && windowEndMs <= nowMs);
    return officialPercent({
      source: 'codex',
      // The account limit keeps its id; a per-model limit (another `limit_id`) is its own limit.
      key: l.limitId && l.limitId !== 'codex' ? `${l.limitId}:${l.name}` : l.name,
      scope: l.windowMinutes === 300 ? '5h' : l.windowMinutes === 10_080 ? '7d' : l.name,
      name: l.limitName,
      usedPercent: l.usedPercent,
      windowMs,
      resetsAtMs: l.resetsAtMs,
      updatedAtMs: l.observedAtMs,
      stale: expired,
      expired,
      resetKey: String(l.resetsAtMs ?? ''),
    }, nowMs);
  });
}

/**
 * Codex credits as a limit without a cap: the balance is what is left (`remaining`, unit 'credits'), so it
 * never competes for the tightest limit. None when the account has no credits (`has_credits: false`), as
 * Codex's own status shows none then. Unlimited credits: no numbers.
 */
export function limitsOfCodexCredits(credits: CodexCredits | undefined): Limit[] {
  if (!credits?.hasCredits || (!credits.unlimited && credits.balance === undefined)) return [];
  return [{
    id: 'plan:codex:credits',
    origin: 'official',
    source: 'codex',
    scope: 'credits',
    unit: 'credits',
    ...(credits.unlimited ? {} : { remaining: credits.balance }),
    updatedAtMs: credits.observedAtMs,
    stale: false,
    expired: false,
    periodKey: 'plan:codex:credits',
  }];
}

/**
 * The tightest-limit rule, the one place it lives: the highest used fraction among limits with a cap whose
 * window has not reset. Ties go to the first (callers list local caps first).
 */
export function tightestLimit(limits: readonly Limit[]): Limit | undefined {
  let best: Limit | undefined;
  for (const c of limits) {
    if (c.usedFraction === undefined || c.expired || !Number.isFinite(c.usedFraction)) continue;
    if (!best || c.usedFraction > best.usedFraction!) best = c;
  }
  return best;
}

export function levelOf(usedFraction: number, warnAtPercent: number, errorAtPercent: number): BudgetLevel {
  if (usedFraction >= 1) return 'exceeded';
  if (usedFraction * 100 >= errorAtPercent) return 'error';
  if (usedFraction * 100 >= warnAtPercent) return 'warning';
  return 'ok';
}

/** A BudgetReading for the "Request More Budget" template from any limit (`label` from the Formatter). */
export function readingOfLimit(c: Limit, label: string, nowMs: number): BudgetReading {
  if (c.reading) return c.reading;
  const usd = c.unit === 'usd';
  return {
    source: label,
    scope: c.origin === 'estimated' ? 'local' : 'key',
    ...(usd && c.limit !== undefined ? { limitUsd: c.limit } : {}),
    ...(usd && c.used !== undefined ? { spentUsd: c.used } : {}),
    ...(usd && c.remaining !== undefined ? { remainingUsd: c.remaining } : {}),
    ...(c.resetsAtMs !== undefined ? { resetsAt: new Date(c.resetsAtMs).toISOString() } : {}),
    fetchedAtMs: c.updatedAtMs ?? nowMs,
    stale: c.stale,
  };
}

/** USD left in the tightest USD limit (for "this task would take 12% of what is left"). */
export function remainingUsdOf(limits: readonly Limit[]): number | undefined {
  let best: number | undefined;
  for (const c of limits) {
    if (c.unit !== 'usd' || c.expired || c.remaining === undefined) continue;
    if (best === undefined || c.remaining < best) best = c.remaining;
  }
  return best;
}

/**
 * What `evaluateThresholds` needs for a limit: dollars for USD caps (with the projected overrun at today's
 * rate), percent for token caps and plan windows. Undefined without a cap. `label` from the Formatter.
 */
export function thresholdInputOf(
  c: Limit | undefined,
  label: string,
  ctx: { nowMs: number; utcOffsetMinutes: number; todaySpentUsd: number; thresholdsPct?: readonly number[]; snoozedUntilMs?: number },
): ThresholdInput | undefined {
  if (!c || c.usedFraction === undefined || c.limit === undefined || c.expired || !Number.isFinite(c.usedFraction)) return undefined;
  const percent = c.unit !== 'usd';
  const spent = percent ? c.usedFraction * 100 : c.used ?? 0;
  const limit = percent ? 100 : c.limit;
  const projection = !percent && c.usedFraction < 1
    ? projectOverrun({
        spentUsd: spent,
        limitUsd: limit,
        todaySpentUsd: ctx.todaySpentUsd,
        nowMs: ctx.nowMs,
        resetsAtMs: c.resetsAtMs,
        utcOffsetMinutes: ctx.utcOffsetMinutes,
        capLabel: label.charAt(0).toLowerCase() + label.slice(1),
      })
    : null;
  return {
    spentUsd: spent,
    limitUsd: limit,
    periodKey: c.periodKey,
    nowMs: ctx.nowMs,
    budgetLabel: label,
    thresholdsPct: ctx.thresholdsPct,
    snoozedUntilMs: ctx.snoozedUntilMs,
    projection,
    resetsAt: c.resetsAtMs !== undefined ? new Date(c.resetsAtMs).toISOString() : undefined,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    unit: percent ? 'percent' : 'usd',
  };
}
