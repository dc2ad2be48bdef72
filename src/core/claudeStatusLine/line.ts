// The compact line `tokenmeter statusline` prints in Claude Code: "5h 42% (resets 14:10) · 7d 18% · $3.20 session".
// English and plain on purpose: it runs on every refresh beside Claude Code's own English and US-dollar cost, so it
// loads neither the phrasebook nor the settings (display currency) — only the formatter's plain rule (`formatUsd`).
import { formatUsd } from '../plainNumbers';
import type { RateWindow, StatusLineInput } from './input';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function clock(ms: number, utcOffsetMinutes: number): { hhmm: string; weekday: string; dayIndex: number } {
  const t = new Date(ms + utcOffsetMinutes * 60_000);
  const hhmm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
  return { hhmm, weekday: WEEKDAYS[t.getUTCDay()], dayIndex: Math.floor((ms + utcOffsetMinutes * 60_000) / 86_400_000) };
}

export interface FormatOptions {
  nowMs: number;
  /** Minutes east of UTC (-new Date().getTimezoneOffset()). */
  utcOffsetMinutes: number;
  /** Show the 7-day reset time from this usage on (default 80%). */
  showWeeklyResetFromPct?: number;
}

function formatWindow(label: string, w: RateWindow, opts: FormatOptions, alwaysShowReset: boolean): string {
  if (w.resetsAtMs !== undefined && w.resetsAtMs <= opts.nowMs) return `${label} reset`;
  const pct = `${label} ${Math.round(w.usedPercentage)}%`;
  const showReset = alwaysShowReset || w.usedPercentage >= (opts.showWeeklyResetFromPct ?? 80);
  if (w.resetsAtMs === undefined || !showReset) return pct;
  const at = clock(w.resetsAtMs, opts.utcOffsetMinutes);
  const today = clock(opts.nowMs, opts.utcOffsetMinutes).dayIndex === at.dayIndex;
  return `${pct} (resets ${today ? at.hhmm : `${at.weekday} ${at.hhmm}`})`;
}

/** The compact line: "5h 42% (resets 14:10) · 7d 18% · $3.20 session". Empty when there is nothing to say. */
export function formatStatusLine(input: StatusLineInput, opts: FormatOptions): string {
  const parts: string[] = [];
  if (input.fiveHour) parts.push(formatWindow('5h', input.fiveHour, opts, true));
  if (input.sevenDay) parts.push(formatWindow('7d', input.sevenDay, opts, false));
  if (input.sessionCostUsd !== undefined) parts.push(`${formatUsd(input.sessionCostUsd)} session`);
  return parts.join(' · ');
}
