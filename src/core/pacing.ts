/**
 * Pacing of the official plan windows (Claude status line `rate_limits.five_hour` /
 * `seven_day`, Codex `rate_limits.primary` / `secondary`): how much of the window is used
 * against how much of its time has gone, when it runs out at this pace, and whether that is
 * before it resets (issue 15).
 *
 * Pure: `nowMs` is a parameter; the readings carry when they were observed.
 */

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** One official window reading, as a source reports it. */
export interface WindowReading {
  source: 'claude' | 'codex';
  /** `5h`, `7d`, or `<minutes>m` for another length. */
  window: string;
  /** 0–100 (may exceed 100 when a provider lets a window overrun). */
  usedPercent: number;
  /** When the window resets, epoch ms, when known. */
  resetsAtMs?: number;
  /** Window length, ms. */
  windowMs: number;
  /** When the reading was taken, epoch ms. */
  observedAtMs: number;
}

/** One window's pace; `tokenmeter status --json` prints it with ISO times as `pacing: [...]`. */
export interface WindowPacing {
  source: 'claude' | 'codex';
  window: string;
  /** Share of the window used, 0–100 (0 once the window has reset since the reading). */
  usedPercent: number;
  /** Share of the window's time gone at `nowMs`, 0–100; null when the window's start is unknown. */
  elapsedPercent: number | null;
  /** When the window runs out at the pace so far (used ÷ time gone); null when it will not run out before the reset, or the pace is unknown. */
  projectedRunOutAtMs: number | null;
  /** Next reset, epoch ms; null when unknown (a 5-hour window that reset starts again with the next request). */
  resetsAtMs: number | null;
  runsOutBeforeReset: boolean;
  /** Used share minus time share, percentage points: above 0 is ahead of pace (burning faster than the window allows). */
  aheadByPercent: number | null;
  /** The reading predates the last reset: its usage no longer applies. */
  resetSinceReading: boolean;
}

/** Window length from the name Claude and Codex use: `five_hour`/`primary` (300 min) → 5 h, `seven_day`/`secondary` (10080 min) → 7 d. */
export function windowName(windowMs: number): string {
  if (windowMs === 5 * hourMs) return '5h';
  if (windowMs === 7 * dayMs) return '7d';
  if (windowMs % dayMs === 0) return `${windowMs / dayMs}d`;
  if (windowMs % hourMs === 0) return `${windowMs / hourMs}h`;
  return `${Math.round(windowMs / minuteMs)}m`;
}

/**
 * The pace needs a little history: projecting from the first minutes of a window
 * turns one request into a run-out in minutes. Until then the window has no projection.
 */
export const minElapsedForProjectionMs = 10 * minuteMs;

/**
 * The pace of one window at `nowMs`.
 *
 * - A reset in the past: a window of a day or more (the weekly one) resets on a fixed cycle,
 *   so the next reset is rolled forward by whole windows and its usage starts at 0; a shorter
 *   one (the 5-hour window) starts again with the next request, so its start and reset are unknown.
 * - Without `resetsAtMs` the window's start is unknown: used % is shown, no elapsed % or projection.
 * - 0 % used (e.g. just after a reset) never projects a run-out.
 */
export function pacingOf(r: WindowReading, nowMs: number): WindowPacing {
  const base = { source: r.source, window: r.window };
  const used = Number.isFinite(r.usedPercent) ? Math.max(0, r.usedPercent) : 0;
  if (r.resetsAtMs === undefined || !(r.windowMs > 0)) {
    return { ...base, usedPercent: used, elapsedPercent: null, projectedRunOutAtMs: null, resetsAtMs: null, runsOutBeforeReset: false, aheadByPercent: null, resetSinceReading: false };
  }
  if (r.resetsAtMs <= nowMs) {
    if (r.windowMs < dayMs) {
      return { ...base, usedPercent: 0, elapsedPercent: null, projectedRunOutAtMs: null, resetsAtMs: null, runsOutBeforeReset: false, aheadByPercent: null, resetSinceReading: true };
    }
    const cycles = Math.floor((nowMs - r.resetsAtMs) / r.windowMs) + 1;
    const resetsAtMs = r.resetsAtMs + cycles * r.windowMs;
    const elapsed = elapsedPercentOf(resetsAtMs - r.windowMs, r.windowMs, nowMs);
    return { ...base, usedPercent: 0, elapsedPercent: elapsed, projectedRunOutAtMs: null, resetsAtMs, runsOutBeforeReset: false, aheadByPercent: -elapsed, resetSinceReading: true };
  }
  const startMs = r.resetsAtMs - r.windowMs;
  const elapsed = elapsedPercentOf(startMs, r.windowMs, nowMs);
  const runOut = projectRunOutMs(used, startMs, Math.min(r.observedAtMs, nowMs));
  const runsOutBeforeReset = runOut !== null && runOut < r.resetsAtMs;
  return {
    ...base,
    usedPercent: used,
    elapsedPercent: elapsed,
    projectedRunOutAtMs: runsOutBeforeReset ? runOut : null,
    resetsAtMs: r.resetsAtMs,
    runsOutBeforeReset,
    aheadByPercent: used - elapsed,
    resetSinceReading: false,
  };
}

function elapsedPercentOf(startMs: number, windowMs: number, nowMs: number): number {
  return Math.min(100, Math.max(0, ((nowMs - startMs) / windowMs) * 100));
}

/** When 100 % is reached at the average pace from the window's start to the reading; null without a pace. */
function projectRunOutMs(usedPercent: number, startMs: number, observedAtMs: number): number | null {
  if (usedPercent >= 100) return observedAtMs;
  const spentMs = observedAtMs - startMs;
  if (usedPercent <= 0 || spentMs < minElapsedForProjectionMs) return null;
  return observedAtMs + ((100 - usedPercent) / usedPercent) * spentMs;
}

/** Every window's pace, in the readings' order. Missing `rate_limits` = no readings = an empty list. */
export function pacingOfAll(readings: readonly WindowReading[], nowMs: number): WindowPacing[] {
  return readings.map((r) => pacingOf(r, nowMs));
}

/** `pacing` as `tokenmeter status --json` prints it (ISO times). */
export function pacingJson(p: WindowPacing): {
  source: string; window: string; usedPercent: number; elapsedPercent: number | null;
  projectedRunOutAt: string | null; resetsAt: string | null; runsOutBeforeReset: boolean;
} {
  return {
    source: p.source,
    window: p.window,
    usedPercent: round1(p.usedPercent),
    elapsedPercent: p.elapsedPercent === null ? null : round1(p.elapsedPercent),
    projectedRunOutAt: p.projectedRunOutAtMs === null ? null : new Date(p.projectedRunOutAtMs).toISOString(),
    resetsAt: p.resetsAtMs === null ? null : new Date(p.resetsAtMs).toISOString(),
    runsOutBeforeReset: p.runsOutBeforeReset,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Identifies one window instance (source, length and reset), so its warning is given once. */
export function pacingWarningKey(p: WindowPacing): string {
  return `${p.source}:${p.window}:${p.resetsAtMs ?? 'open'}`;
}

/** A run-out warning that is due: the window, and how long before its reset it runs out. */
export interface PacingWarning {
  key: string;
  pacing: WindowPacing;
  /** Reset minus projected run-out, ms (> 0). */
  leadMs: number;
}

/**
 * The windows projected to run out before their reset that have not been warned about yet
 * (`warnedKeys` holds `pacingWarningKey`s; the caller adds the returned keys once shown).
 */
export function duePacingWarnings(pacings: readonly WindowPacing[], warnedKeys: ReadonlySet<string>): PacingWarning[] {
  const out: PacingWarning[] = [];
  for (const p of pacings) {
    if (!p.runsOutBeforeReset || p.projectedRunOutAtMs === null || p.resetsAtMs === null) continue;
    const key = pacingWarningKey(p);
    if (warnedKeys.has(key)) continue;
    out.push({ key, pacing: p, leadMs: p.resetsAtMs - p.projectedRunOutAtMs });
  }
  return out;
}

/** Claude status-line windows (`five_hour`, `seven_day`) as readings. */
export function claudeWindowReadings(snapshot: {
  recordedAtMs: number;
  fiveHour?: { usedPercentage: number; resetsAtMs?: number };
  sevenDay?: { usedPercentage: number; resetsAtMs?: number };
}): WindowReading[] {
  const out: WindowReading[] = [];
  const add = (windowMs: number, w: { usedPercentage: number; resetsAtMs?: number } | undefined) => {
    if (w === undefined) return;
    const r: WindowReading = { source: 'claude', window: windowName(windowMs), usedPercent: w.usedPercentage, windowMs, observedAtMs: snapshot.recordedAtMs };
    if (w.resetsAtMs !== undefined) r.resetsAtMs = w.resetsAtMs;
    out.push(r);
  };
  add(5 * hourMs, snapshot.fiveHour);
  add(7 * dayMs, snapshot.sevenDay);
  return out;
}

/** Codex `rate_limits.primary` / `secondary` as readings (window length from `window_minutes`; primary 5 h and secondary 7 d when absent). */
export function codexWindowReadings(limits: readonly { name: 'primary' | 'secondary'; usedPercent: number; windowMinutes: number | undefined; resetsAtMs: number | undefined; observedAtMs: number }[]): WindowReading[] {
  return limits.map((l) => {
    const windowMs = (l.windowMinutes ?? (l.name === 'primary' ? 300 : 10_080)) * minuteMs;
    const r: WindowReading = { source: 'codex', window: windowName(windowMs), usedPercent: l.usedPercent, windowMs, observedAtMs: l.observedAtMs };
    if (l.resetsAtMs !== undefined) r.resetsAtMs = l.resetsAtMs;
    return r;
  });
}
