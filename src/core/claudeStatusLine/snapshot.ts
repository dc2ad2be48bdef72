// The stale-reading memory: what `tokenmeter statusline` records for the extension, read back with its age, and the
// recorded windows as plan quotas (a window whose reset passed, or a reading Claude Code stopped sending, is stale).
import { isObj, type ModelWeek, type RateWindow, type StatusLineInput } from './input';
import { isPlausibleTimeMs } from '../usageEvent';

/** What `tokenmeter statusline` records for the extension (one small JSON file). */
export interface StatusLineSnapshot {
  version: 1;
  recordedAtMs: number;
  sessionId?: string;
  modelId?: string;
  sessionCostUsd?: number;
  fiveHour?: RateWindow;
  sevenDay?: RateWindow;
  modelWeeks?: ModelWeek[];
  /**
   * Set when Claude Code kept running the status line but stopped sending `rate_limits` (seen in 2.1.96):
   * the windows above are the last good reading, shown as stale with their age, not dropped silently.
   */
  rateLimitsMissingSinceMs?: number;
}

/** The snapshot to record; undefined when the input has no rate limits (API-key users, before the first reply). */
export function toSnapshot(input: StatusLineInput, nowMs: number): StatusLineSnapshot | undefined {
  if (!input.fiveHour && !input.sevenDay) return undefined;
  const s: StatusLineSnapshot = { version: 1, recordedAtMs: nowMs };
  if (input.sessionId) s.sessionId = input.sessionId;
  if (input.modelId) s.modelId = input.modelId;
  if (input.sessionCostUsd !== undefined) s.sessionCostUsd = input.sessionCostUsd;
  if (input.fiveHour) s.fiveHour = input.fiveHour;
  if (input.sevenDay) s.sevenDay = input.sevenDay;
  if (input.modelWeeks) s.modelWeeks = input.modelWeeks;
  return s;
}

/**
 * A status line call without `rate_limits` after earlier calls had them: keep the last good reading,
 * marked from when it went missing. Undefined when there is nothing to mark (no reading, or already marked).
 */
export function markRateLimitsMissing(previous: StatusLineSnapshot | undefined, nowMs: number): StatusLineSnapshot | undefined {
  if (!previous || previous.rateLimitsMissingSinceMs !== undefined) return undefined;
  return { ...previous, rateLimitsMissingSinceMs: nowMs };
}

function guardWindow(v: unknown): RateWindow | undefined {
  if (!isObj(v) || typeof v.usedPercentage !== 'number') return undefined;
  return typeof v.resetsAtMs === 'number' && isPlausibleTimeMs(v.resetsAtMs) ? { usedPercentage: v.usedPercentage, resetsAtMs: v.resetsAtMs } : { usedPercentage: v.usedPercentage };
}

/** Validates a recorded snapshot file's text; undefined when missing fields or not ours. */
export function parseSnapshot(text: string): StatusLineSnapshot | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(raw) || raw.version !== 1 || typeof raw.recordedAtMs !== 'number') return undefined;
  const s: StatusLineSnapshot = { version: 1, recordedAtMs: raw.recordedAtMs };
  if (typeof raw.sessionId === 'string') s.sessionId = raw.sessionId;
  if (typeof raw.modelId === 'string') s.modelId = raw.modelId;
  if (typeof raw.sessionCostUsd === 'number') s.sessionCostUsd = raw.sessionCostUsd;
  const five = guardWindow(raw.fiveHour);
  const seven = guardWindow(raw.sevenDay);
  if (five) s.fiveHour = five;
  if (seven) s.sevenDay = seven;
  if (Array.isArray(raw.modelWeeks)) {
    const weeks = raw.modelWeeks.flatMap((w) => {
      const g = guardWindow(w);
      return g && isObj(w) && typeof w.name === 'string' && w.name.length <= 40 ? [{ name: w.name, ...g }] : [];
    });
    if (weeks.length > 0) s.modelWeeks = weeks;
  }
  if (typeof raw.rateLimitsMissingSinceMs === 'number') s.rateLimitsMissingSinceMs = raw.rateLimitsMissingSinceMs;
  if (!s.fiveHour && !s.sevenDay) return undefined;
  return s;
}

/** One plan window as the extension shows it; `expired` when its reset time has passed since recording. */
export interface PlanWindowView {
  window: '5h' | '7d';
  usedPercentage: number;
  resetsAtMs?: number;
  expired: boolean;
  ageMs: number;
}

/** The snapshot's windows as of nowMs (a window whose reset passed is reported expired, usage unknown). */
export function planWindows(snapshot: StatusLineSnapshot, nowMs: number): PlanWindowView[] {
  const out: PlanWindowView[] = [];
  const ageMs = Math.max(0, nowMs - snapshot.recordedAtMs);
  const add = (window: '5h' | '7d', w: RateWindow | undefined) => {
    if (!w) return;
    const v: PlanWindowView = { window, usedPercentage: w.usedPercentage, expired: w.resetsAtMs !== undefined && w.resetsAtMs <= nowMs, ageMs };
    if (w.resetsAtMs !== undefined) v.resetsAtMs = w.resetsAtMs;
    out.push(v);
  };
  add('5h', snapshot.fiveHour);
  add('7d', snapshot.sevenDay);
  return out;
}

/** The snapshot's windows as PlanQuota-shaped objects (source 'claude'), for showing next to budgets. */
export function claudePlanQuotas(
  snapshot: StatusLineSnapshot,
  nowMs: number,
): Array<{ source: 'claude'; window: string; name?: string; usedPercent: number; resetsAt?: string; fetchedAtMs: number; stale: boolean }> {
  // Claude Code stopped sending rate limits: the last good reading stays, stale, with its age (fetchedAtMs).
  const missing = snapshot.rateLimitsMissingSinceMs !== undefined;
  const quota = (window: string, w: { usedPercentage: number; resetsAtMs?: number }, name?: string) => {
    const expired = w.resetsAtMs !== undefined && w.resetsAtMs <= nowMs;
    const q: { source: 'claude'; window: string; name?: string; usedPercent: number; resetsAt?: string; fetchedAtMs: number; stale: boolean } = {
      source: 'claude',
      window,
      ...(name ? { name } : {}),
      // Once the window has reset, the recorded usage no longer applies.
      usedPercent: expired ? 0 : w.usedPercentage,
      fetchedAtMs: snapshot.recordedAtMs,
      stale: expired || missing,
    };
    if (w.resetsAtMs !== undefined) q.resetsAt = new Date(w.resetsAtMs).toISOString();
    return q;
  };
  return [
    ...planWindows(snapshot, nowMs).map((w) => quota(w.window, w)),
    ...(snapshot.modelWeeks ?? []).map((w) => quota('7d', w, w.name)),
  ];
}
