// Every limit that can stop the user, side by side: local caps (from the logs), budget endpoints
// (gateway key, team pool, org cap) and official plan windows (Claude's status line, Codex rate
// limits, Copilot). The status bar shows the tightest; the tooltip lists them all with their age.
// Pure: `nowMs` is a parameter.
import { completeAmounts, type BudgetReading } from './budgetReading';
import { projectOverrun, type ThresholdInput } from './thresholds';
import type { CodexRateLimit } from './codexLog';
import { formatTokens, formatUsd, type BudgetLevel, type BudgetState, type StatusSnapshot } from './snapshot';

export interface Constraint {
  /** Stable across updates: threshold state and snoozes are kept per id. */
  id: string;
  /** "Daily cap", "litellm key budget", "Claude 5-hour window". */
  label: string;
  /** For the status bar: "litellm", "team-pool team", "Claude 5h". */
  shortLabel: string;
  origin: 'local' | 'endpoint' | 'plan';
  unit: 'usd' | 'tokens' | 'percent';
  spent?: number;
  limit?: number;
  remaining?: number;
  /** spent / limit; undefined when there is no cap (or no numbers). */
  usedFraction?: number;
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
  /** The endpoint reading behind an endpoint constraint. */
  reading?: BudgetReading;
}

const periodLabel = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

/** Local caps from the status snapshot (spend estimated from the logs). */
export function localConstraints(budgets: readonly BudgetState[]): Constraint[] {
  return budgets.map((b) => ({
    id: `local:${b.period}:${b.unit}`,
    label: `${periodLabel[b.period]} cap${b.unit === 'tokens' ? ' (tokens)' : ''}`,
    shortLabel: `${periodLabel[b.period].toLowerCase()} cap`,
    origin: 'local',
    unit: b.unit,
    spent: b.spent,
    limit: b.limit,
    remaining: b.remaining,
    usedFraction: b.fraction,
    resetsAtMs: b.periodEndMs,
    stale: false,
    expired: false,
    periodKey: `local:${b.period}:${b.periodEndMs}`,
  }));
}

/** Budget endpoint readings (already moved by local spend between polls, see `withLocalSpend`). */
export function endpointConstraints(readings: readonly BudgetReading[]): Constraint[] {
  const seen = new Map<string, number>();
  return readings.map((r) => {
    const c = completeAmounts(r);
    const base = `endpoint:${r.source}:${r.scope}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const resetsAtMs = r.resetsAt ? Date.parse(r.resetsAt) : NaN;
    const usedFraction = c.limitUsd !== undefined && c.spentUsd !== undefined ? (c.limitUsd > 0 ? c.spentUsd / c.limitUsd : c.spentUsd > 0 ? 1 : 0) : undefined;
    const constraint: Constraint = {
      id: n === 1 ? base : `${base}#${n}`,
      label: `${r.source} ${r.scope === 'key' ? 'key budget' : r.scope === 'team' ? 'team pool' : r.scope === 'org' ? 'org cap' : 'budget'}`,
      shortLabel: r.scope === 'key' ? r.source : `${r.source} ${r.scope}`,
      origin: 'endpoint',
      unit: 'usd',
      spent: c.spentUsd,
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
    };
    return constraint;
  });
}

/** A plan window in percent: Claude's 5-hour/7-day windows (status line), Copilot premium requests. */
export interface PlanWindowInput {
  source: string;
  window: string;
  usedPercent: number;
  resetsAt?: string;
  fetchedAtMs: number;
  stale: boolean;
  unlimited?: boolean;
  error?: string;
}

const sourceTitle = (s: string) => (s === 'claude' ? 'Claude' : s === 'copilot' ? 'Copilot' : s === 'codex' ? 'Codex' : s);
const windowTitle = (w: string) => (w === '5h' ? '5-hour window' : w === '7d' ? 'weekly window' : w);

export function planConstraints(quotas: readonly PlanWindowInput[], nowMs: number): Constraint[] {
  return quotas
    .filter((q) => !q.unlimited)
    .map((q) => {
      const resetsAtMs = q.resetsAt ? Date.parse(q.resetsAt) : NaN;
      const expired = !Number.isNaN(resetsAtMs) && resetsAtMs <= nowMs;
      return {
        id: `plan:${q.source}:${q.window}`,
        label: `${sourceTitle(q.source)} ${windowTitle(q.window)}`,
        shortLabel: `${sourceTitle(q.source)} ${q.window === 'premium requests' ? 'premium' : q.window}`,
        origin: 'plan' as const,
        unit: 'percent' as const,
        spent: q.usedPercent,
        limit: 100,
        remaining: Math.max(0, 100 - q.usedPercent),
        usedFraction: q.usedPercent / 100,
        resetsAtMs: Number.isNaN(resetsAtMs) ? undefined : resetsAtMs,
        updatedAtMs: q.fetchedAtMs,
        stale: q.stale || expired,
        expired,
        error: q.error,
        periodKey: `plan:${q.source}:${q.window}:${q.resetsAt ?? ''}`,
      };
    });
}

/** Codex's official limits from its rollouts; a window that has certainly reset since is expired. */
export function codexConstraints(limits: readonly CodexRateLimit[], nowMs: number): Constraint[] {
  return limits.map((l) => {
    const window = l.windowMinutes === 300 ? '5h' : l.windowMinutes === 10_080 ? '7d' : l.name;
    const windowEndMs = l.windowMinutes !== undefined ? l.observedAtMs + l.windowMinutes * 60_000 : undefined;
    const expired = (l.resetsAtMs !== undefined && l.resetsAtMs <= nowMs) || (windowEndMs !== undefined && windowEndMs <= nowMs);
    return {
      id: `plan:codex:${l.name}`,
      label: `Codex ${windowTitle(window)}`,
      shortLabel: `Codex ${window}`,
      origin: 'plan' as const,
      unit: 'percent' as const,
      spent: l.usedPercent,
      limit: 100,
      remaining: Math.max(0, 100 - l.usedPercent),
      usedFraction: l.usedPercent / 100,
      resetsAtMs: l.resetsAtMs,
      updatedAtMs: l.observedAtMs,
      stale: expired,
      expired,
      periodKey: `plan:codex:${l.name}:${l.resetsAtMs ?? ''}`,
    };
  });
}

/**
 * The constraint closest to stopping the user: the highest used fraction among those with a cap
 * whose window has not reset. Ties go to the first (callers list local caps first).
 */
export function tightestConstraint(constraints: readonly Constraint[]): Constraint | undefined {
  let best: Constraint | undefined;
  for (const c of constraints) {
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

function amount(c: Constraint, value: number): string {
  if (c.unit === 'usd') return formatUsd(value);
  if (c.unit === 'tokens') return `${formatTokens(value)} tok`;
  return `${Math.round(value)}%`;
}

function capAmount(c: Constraint, value: number): string {
  return c.unit === 'usd' && Number.isInteger(value) ? `$${value}` : amount(c, value);
}

export interface CombinedStatus {
  text: string;
  level: BudgetLevel | 'idle';
  tightest?: Constraint;
}

/**
 * The status bar text for the tightest constraint. A local cap keeps the snapshot's own text
 * (`$12.40 left of $50 today`); an endpoint budget reads `$(pulse) $12.40 left of $50 · litellm`;
 * a plan window `$(pulse) $3.20 today · Claude 5h 42%`; a spent one says so plainly.
 */
export function combinedStatus(
  snapshot: Pick<StatusSnapshot, 'statusText' | 'level' | 'today'>,
  constraints: readonly Constraint[],
  options: { warnAtPercent: number; errorAtPercent: number },
): CombinedStatus {
  const tightest = tightestConstraint(constraints);
  if (!tightest || tightest.origin === 'local') return { text: snapshot.statusText, level: snapshot.level, tightest };
  const fraction = tightest.usedFraction!;
  const level = levelOf(fraction, options.warnAtPercent, options.errorAtPercent);
  let text: string;
  if (level === 'exceeded') {
    const numbers = tightest.unit === 'percent' ? '' : `: ${amount(tightest, tightest.spent ?? 0)} of ${capAmount(tightest, tightest.limit ?? 0)}`;
    text = `$(error) ${tightest.shortLabel} limit reached${numbers}`;
  } else if (tightest.unit === 'percent') {
    text = `$(pulse) ${formatUsd(snapshot.today.totalCost)} today · ${tightest.shortLabel} ${Math.round(fraction * 100)}%`;
  } else {
    text = `$(pulse) ${amount(tightest, tightest.remaining ?? 0)} left of ${capAmount(tightest, tightest.limit ?? 0)} · ${tightest.shortLabel}`;
  }
  // The last good value after a failed poll: say so, the tooltip says why.
  if (tightest.stale) text += ' (stale)';
  return { text, level, tightest };
}

/** "updated just now", "updated 40 s ago", "updated 5 min ago", "updated 3 h ago", "updated 2 d ago". */
export function formatAge(ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 5) return 'updated just now';
  if (s < 60) return `updated ${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `updated ${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `updated ${h} h ago`;
  return `updated ${Math.floor(h / 24)} d ago`;
}

/** "in 3 h 10 min", "in 2 d 4 h", "in 40 s". */
export function formatIn(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `in ${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `in ${h} h ${min % 60} min` : `in ${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `in ${d} d ${h % 24} h` : `in ${d} d`;
}

/**
 * One plain-text line per constraint for the tooltip (the caller escapes it):
 * "litellm key budget: $12.40 of $50 (25%), resets in 3 h · updated 40 s ago · stale: 401 from LiteLLM: key rejected".
 */
export function constraintLine(c: Constraint, nowMs: number): string {
  const parts: string[] = [];
  if (c.expired) parts.push(`reset since it was recorded (was ${amount(c, c.spent ?? 0)})`);
  else if (c.spent !== undefined && c.limit !== undefined) {
    parts.push(c.unit === 'percent' ? `${Math.round(c.spent)}% used` : `${amount(c, c.spent)} of ${capAmount(c, c.limit)} (${Math.round((c.usedFraction ?? 0) * 100)}%)`);
  } else if (c.spent !== undefined) parts.push(`${amount(c, c.spent)} spent, no cap`);
  else if (c.remaining !== undefined) parts.push(`${amount(c, c.remaining)} left`);
  else parts.push('no numbers yet');
  if (!c.expired && c.resetsAtMs !== undefined && c.resetsAtMs > nowMs) parts[0] += `, resets ${formatIn(c.resetsAtMs - nowMs)}`;
  let line = `${c.label}: ${parts[0]}`;
  line += c.updatedAtMs === undefined ? ' · live' : ` · ${formatAge(nowMs - c.updatedAtMs)}`;
  if (c.origin === 'plan' && !c.expired) line += ' · official';
  if (c.error) line += ` · ${c.stale ? 'stale: ' : ''}${c.error}`;
  else if (c.stale && !c.expired) line += ' · stale';
  return line;
}

/** A BudgetReading for the "Request More Budget" template from any USD constraint. */
export function readingOfConstraint(c: Constraint, nowMs: number): BudgetReading {
  if (c.reading) return c.reading;
  const usd = c.unit === 'usd';
  return {
    source: c.label,
    scope: c.origin === 'local' ? 'local' : 'key',
    ...(usd && c.limit !== undefined ? { limitUsd: c.limit } : {}),
    ...(usd && c.spent !== undefined ? { spentUsd: c.spent } : {}),
    ...(usd && c.remaining !== undefined ? { remainingUsd: c.remaining } : {}),
    ...(c.resetsAtMs !== undefined ? { resetsAt: new Date(c.resetsAtMs).toISOString() } : {}),
    fetchedAtMs: c.updatedAtMs ?? nowMs,
    stale: c.stale,
  };
}

/** USD left in the tightest USD constraint (for "this task would take 12% of what is left"). */
export function remainingUsdOf(constraints: readonly Constraint[]): number | undefined {
  let best: number | undefined;
  for (const c of constraints) {
    if (c.unit !== 'usd' || c.expired || c.remaining === undefined) continue;
    if (best === undefined || c.remaining < best) best = c.remaining;
  }
  return best;
}

/**
 * What `evaluateThresholds` needs for a constraint: dollars for USD caps (with the projected
 * overrun at today's rate), percent for token caps and plan windows. Undefined without a cap.
 */
export function thresholdInputOf(
  c: Constraint | undefined,
  ctx: { nowMs: number; utcOffsetMinutes: number; todaySpentUsd: number; thresholdsPct?: readonly number[]; snoozedUntilMs?: number },
): ThresholdInput | undefined {
  if (!c || c.usedFraction === undefined || c.limit === undefined || c.expired || !Number.isFinite(c.usedFraction)) return undefined;
  const percent = c.unit !== 'usd';
  const spent = percent ? c.usedFraction * 100 : c.spent ?? 0;
  const limit = percent ? 100 : c.limit;
  const projection = !percent && c.usedFraction < 1
    ? projectOverrun({
        spentUsd: spent,
        limitUsd: limit,
        todaySpentUsd: ctx.todaySpentUsd,
        nowMs: ctx.nowMs,
        resetsAtMs: c.resetsAtMs,
        utcOffsetMinutes: ctx.utcOffsetMinutes,
        capLabel: c.label.charAt(0).toLowerCase() + c.label.slice(1),
      })
    : null;
  return {
    spentUsd: spent,
    limitUsd: limit,
    periodKey: c.periodKey,
    nowMs: ctx.nowMs,
    budgetLabel: c.label,
    thresholdsPct: ctx.thresholdsPct,
    snoozedUntilMs: ctx.snoozedUntilMs,
    projection,
    resetsAt: c.resetsAtMs !== undefined ? new Date(c.resetsAtMs).toISOString() : undefined,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    unit: percent ? 'percent' : 'usd',
  };
}

/** A non-local constraint as a dashboard gauge (endpoint and plan figures are reported, not estimated). */
export function gaugeOfConstraint(c: Constraint, options: { warnAtPercent: number; errorAtPercent: number }): {
  label: string; unit: Constraint['unit']; limit: number; spent: number; fraction: number; level: BudgetLevel;
  origin: 'estimated' | 'official'; periodEndMs?: number;
} | undefined {
  if (c.usedFraction === undefined || c.limit === undefined || c.spent === undefined || c.expired || !Number.isFinite(c.usedFraction)) return undefined;
  return {
    label: c.stale ? `${c.label} (stale)` : c.label,
    unit: c.unit,
    limit: c.limit,
    spent: c.spent,
    fraction: c.usedFraction,
    level: levelOf(c.usedFraction, options.warnAtPercent, options.errorAtPercent),
    origin: c.origin === 'local' ? 'estimated' : 'official',
    ...(c.resetsAtMs !== undefined ? { periodEndMs: c.resetsAtMs } : {}),
  };
}
