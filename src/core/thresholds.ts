// Which budget warnings to raise, given spend against a cap. Pure: no clock, no I/O; `nowMs` and
// the user's UTC offset are parameters so reset-day and midnight cases are plain unit tests.
import { formatUsd } from './format';

/** Percent of the tightest budget at which to notify. */
export const DEFAULT_THRESHOLDS_PCT: readonly number[] = [50, 80, 95, 100];
/** A notified threshold re-arms only once usage falls this many points below it (or a new period starts). */
export const DEFAULT_HYSTERESIS_PCT = 5;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Persist this between evaluations (e.g. in the extension's globalState). */
export interface ThresholdState {
  /** Identifies the budget period, e.g. the reading's resetsAt; a new key clears everything. */
  periodKey: string;
  /** Thresholds already notified (and not re-armed) in this period. */
  notifiedPct: number[];
  /** Whether the projected-overrun warning was shown in this period. */
  overrunNotified: boolean;
}

export type BudgetNotification =
  | { kind: 'threshold'; thresholdPct: number; usedPct: number; severity: 'info' | 'warning'; message: string }
  | { kind: 'capReached'; thresholdPct: number; usedPct: number; severity: 'error'; message: string }
  | { kind: 'overrun'; runsOutAtMs: number; severity: 'warning'; message: string };

export interface OverrunProjection {
  runsOutAtMs: number;
  /** "At today's rate the monthly cap runs out on the 19th." */
  message: string;
}

export interface ThresholdInput {
  spentUsd: number;
  limitUsd: number;
  /** Same value for the whole budget period (resetsAt, or a month key like "2026-11"). */
  periodKey: string;
  nowMs: number;
  /** Shown in messages: "LiteLLM key budget", "team pool". */
  budgetLabel: string;
  thresholdsPct?: readonly number[];
  hysteresisPct?: number;
  /** While nowMs < snoozedUntilMs, thresholds below 100% stay quiet (and fire after, if still crossed). */
  snoozedUntilMs?: number;
  /** From projectOverrun(); raised once per period while the cap is not yet reached. */
  projection?: OverrunProjection | null;
  /** ISO reset time, for "until it resets on Dec 1". */
  resetsAt?: string;
  /** Minutes east of UTC for date formatting (-new Date().getTimezoneOffset()). */
  utcOffsetMinutes?: number;
  /**
   * 'percent' for plan windows (Claude's 5h/7d used_percentage: spentUsd = used %, limitUsd = 100):
   * messages then leave out dollar amounts. Default 'usd'.
   */
  unit?: 'usd' | 'percent';
}

export interface ThresholdResult {
  /** At most one threshold notification (the highest newly crossed), plus possibly an overrun warning. */
  notifications: BudgetNotification[];
  state: ThresholdState;
  usedPct: number;
  /** Highest threshold the usage is at or above (0 when none): drives the status bar colour. */
  levelPct: number;
}


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Local calendar fields of an instant at a fixed UTC offset. */
function local(ms: number, utcOffsetMinutes: number): { y: number; m: number; d: number; hh: number; mm: number } {
  const t = new Date(ms + utcOffsetMinutes * 60_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate(), hh: t.getUTCHours(), mm: t.getUTCMinutes() };
}

/** Start of the local day containing nowMs (epoch ms). */
export function localDayStartMs(nowMs: number, utcOffsetMinutes: number): number {
  const l = local(nowMs, utcOffsetMinutes);
  return Date.UTC(l.y, l.m, l.d) - utcOffsetMinutes * 60_000;
}

/** Where an instant falls from nowMs's local day: 0 today (or before), 1 tomorrow, ...; its local date and clock. */
export function localDayOf(atMs: number, nowMs: number, utcOffsetMinutes: number): { dayDiff: number; sameMonth: boolean; year: number; month: number; day: number; clock: string } {
  const a = local(atMs, utcOffsetMinutes);
  const n = local(nowMs, utcOffsetMinutes);
  const dayDiff = Math.round((Date.UTC(a.y, a.m, a.d) - Date.UTC(n.y, n.m, n.d)) / DAY_MS);
  const clock = `${String(a.hh).padStart(2, '0')}:${String(a.mm).padStart(2, '0')}`;
  return { dayDiff, sameMonth: a.y === n.y && a.m === n.m, year: a.y, month: a.m, day: a.d, clock };
}

/**
 * "today around 16:40", "tomorrow", "on the 19th", "on Dec 3" relative to nowMs, in local time;
 * in Chinese "今天 16:40 左右", "明天", "19 日", "12 月 3 日".
 */
export function describeDay(atMs: number, nowMs: number, utcOffsetMinutes: number, language: 'en' | 'zh-cn' = 'en'): string {
  const a = local(atMs, utcOffsetMinutes);
  const n = local(nowMs, utcOffsetMinutes);
  const zh = language === 'zh-cn';
  const dayDiff = Math.round((Date.UTC(a.y, a.m, a.d) - Date.UTC(n.y, n.m, n.d)) / DAY_MS);
  const clock = `${String(a.hh).padStart(2, '0')}:${String(a.mm).padStart(2, '0')}`;
  if (dayDiff <= 0) return zh ? `今天 ${clock} 左右` : `today around ${clock}`;
  if (dayDiff === 1) return zh ? '明天' : 'tomorrow';
  if (a.y === n.y && a.m === n.m) return zh ? `${a.d} 日` : `on the ${ordinal(a.d)}`;
  return zh ? `${a.m + 1} 月 ${a.d} 日` : `on ${MONTHS[a.m]} ${a.d}`;
}

/**
 * When the cap runs out if today's spend rate holds: today's spend divided by the time elapsed
 * today (at least 1 h, so one early request does not project doom). Null when the rate is zero,
 * the cap is already reached, or the budget resets first.
 */
export function projectOverrun(input: {
  spentUsd: number;
  limitUsd: number;
  /** Spend so far in the user's local day (from the ledger, or the endpoint's daily figure). */
  todaySpentUsd: number;
  nowMs: number;
  resetsAtMs?: number;
  utcOffsetMinutes?: number;
  /** "monthly cap", "team pool", ... */
  capLabel?: string;
  /** Without a reset time, only project this far ahead (default 31 days). */
  horizonMs?: number;
}): OverrunProjection | null {
  const offset = input.utcOffsetMinutes ?? 0;
  const remainingUsd = input.limitUsd - input.spentUsd;
  if (remainingUsd <= 0 || input.todaySpentUsd <= 0) return null;
  const elapsedMs = Math.max(HOUR_MS, input.nowMs - localDayStartMs(input.nowMs, offset));
  const ratePerMs = input.todaySpentUsd / elapsedMs;
  const runsOutAtMs = Math.round(input.nowMs + remainingUsd / ratePerMs);
  if (input.resetsAtMs !== undefined && runsOutAtMs >= input.resetsAtMs) return null;
  if (input.resetsAtMs === undefined && runsOutAtMs - input.nowMs > (input.horizonMs ?? 31 * DAY_MS)) return null;
  const label = input.capLabel ?? 'cap';
  return {
    runsOutAtMs,
    message: `At today's rate the ${label} runs out ${describeDay(runsOutAtMs, input.nowMs, offset)}.`,
  };
}

/**
 * Decides which notifications to raise now. Each threshold notifies once; it re-arms only when a
 * new period starts or usage falls hysteresisPct points below it (a raised cap, a refund), so spend
 * hovering at 80% (live local estimate, then reconciled by the next poll) does not flap. When
 * several thresholds are crossed at once only the highest is raised.
 */
export function evaluateThresholds(input: ThresholdInput, previous: ThresholdState | undefined): ThresholdResult {
  const thresholds = [...(input.thresholdsPct ?? DEFAULT_THRESHOLDS_PCT)].filter((t) => t > 0).sort((a, b) => a - b);
  const hysteresis = input.hysteresisPct ?? DEFAULT_HYSTERESIS_PCT;
  const usedPct = input.limitUsd > 0 ? (input.spentUsd / input.limitUsd) * 100 : input.spentUsd > 0 ? Infinity : 0;
  const samePeriod = previous !== undefined && previous.periodKey === input.periodKey;
  let notified = new Set(samePeriod ? previous.notifiedPct : []);
  const overrunNotified = samePeriod ? previous.overrunNotified : false;

  // Re-arm thresholds usage has clearly fallen below.
  notified = new Set([...notified].filter((t) => usedPct >= t - hysteresis));

  const levelPct = thresholds.filter((t) => usedPct >= t).pop() ?? 0;
  const snoozed = input.snoozedUntilMs !== undefined && input.nowMs < input.snoozedUntilMs;
  const due = thresholds.filter((t) => usedPct >= t && !notified.has(t) && !(snoozed && t < 100));
  const notifications: BudgetNotification[] = [];
  const offset = input.utcOffsetMinutes ?? 0;
  if (due.length > 0) {
    const top = due[due.length - 1];
    // Lower ones are implied by the higher notification; mark them so they do not follow later.
    for (const t of thresholds) if (t <= top) notified.add(t);
    const percent = input.unit === 'percent';
    const spent = percent ? '' : `: ${formatUsd(input.spentUsd)} of ${formatUsd(input.limitUsd)} spent`;
    if (top >= 100) {
      const resetMs = input.resetsAt ? Date.parse(input.resetsAt) : NaN;
      const until = Number.isNaN(resetMs) ? '' : ` until it resets ${describeDay(resetMs, input.nowMs, offset)}`;
      notifications.push({
        kind: 'capReached',
        thresholdPct: top,
        usedPct,
        severity: 'error',
        message: `${input.budgetLabel} reached${spent}. Requests may be refused${until}.`,
      });
    } else {
      notifications.push({
        kind: 'threshold',
        thresholdPct: top,
        usedPct,
        severity: top >= 80 ? 'warning' : 'info',
        message: `${input.budgetLabel} at ${Math.floor(usedPct)}%${spent}.`,
      });
    }
  }
  let overrunNow = overrunNotified;
  if (!overrunNotified && input.projection && usedPct < 100 && !snoozed) {
    notifications.push({ kind: 'overrun', runsOutAtMs: input.projection.runsOutAtMs, severity: 'warning', message: `${input.budgetLabel}: ${input.projection.message}` });
    overrunNow = true;
  }
  return {
    notifications,
    state: { periodKey: input.periodKey, notifiedPct: [...notified].sort((a, b) => a - b), overrunNotified: overrunNow },
    usedPct,
    levelPct,
  };
}

/** "Snooze 1 h" and "Snooze until tomorrow" (next local midnight). */
export function snoozeUntilMs(choice: '1h' | 'tomorrow', nowMs: number, utcOffsetMinutes: number): number {
  return choice === '1h' ? nowMs + HOUR_MS : localDayStartMs(nowMs, utcOffsetMinutes) + DAY_MS;
}

/** A period key for a budget: its reset instant when known, else the local calendar month. */
export function periodKeyFor(resetsAt: string | undefined, nowMs: number, utcOffsetMinutes: number): string {
  if (resetsAt) return resetsAt;
  const l = local(nowMs, utcOffsetMinutes);
  return `${l.y}-${String(l.m + 1).padStart(2, '0')}`;
}
