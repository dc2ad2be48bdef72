import { isPlausibleTimeMs } from './usageEvent';

/** An official plan-limit reading from a Codex `token_count` event. */
export interface CodexRateLimit {
  /** The window's slot in the snapshot. */
  name: 'primary' | 'secondary';
  /**
   * `rate_limits.limit_id`: `codex` for the account limit, another id for a per-model limit
   * (`codex_bengalfox` = GPT-5.3-Codex-Spark). Absent in older rollouts (then the account limit).
   */
  limitId?: string;
  /** `rate_limits.limit_name`, e.g. `GPT-5.3-Codex-Spark`; null for the account limit. */
  limitName?: string;
  /** `rate_limits.plan_type`: `plus`, `pro`, `team`… */
  planType?: string;
  usedPercent: number;
  windowMinutes: number | undefined;
  /** Epoch ms when the window resets, when known. */
  resetsAtMs: number | undefined;
  observedAtMs: number;
}

/** A window no longer than a year: a longer one (`1e18` minutes) put its start or next reset past any date a Date holds. */
export const maxWindowMinutes = 366 * 24 * 60;

export function isWindowMinutes(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= maxWindowMinutes;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && isPlausibleTimeMs(v);
const isOptionalText = (v: unknown) => v === undefined || typeof v === 'string';

/** Whether `value` is a reading as the parser makes them (the index's header keeps the newest, unchecked by its sums). */
export function isCodexRateLimit(value: unknown): value is CodexRateLimit {
  if (typeof value !== 'object' || value === null) return false;
  const l = value as Record<string, unknown>;
  return (l.name === 'primary' || l.name === 'secondary') && isOptionalText(l.limitId) && isOptionalText(l.limitName) && isOptionalText(l.planType)
    && typeof l.usedPercent === 'number' && Number.isFinite(l.usedPercent) && (l.windowMinutes === undefined || isWindowMinutes(l.windowMinutes))
    && (l.resetsAtMs === undefined || isTime(l.resetsAtMs)) && isTime(l.observedAtMs);
}

/** Whether `value` is credits as the parser makes them. */
export function isCodexCredits(value: unknown): value is CodexCredits {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.hasCredits === 'boolean' && typeof c.unlimited === 'boolean' && (c.balance === undefined || (typeof c.balance === 'number' && Number.isFinite(c.balance))) && isTime(c.observedAtMs);
}

/** Which limit a reading belongs to: its limit id and window slot. */
export function codexLimitKey(l: Pick<CodexRateLimit, 'limitId' | 'name'>): string {
  return `${l.limitId ?? 'codex'}:${l.name}`;
}

/**
 * Codex writes `0 %` with `resets_at` exactly one window after the observation before the server
 * has answered (a new session, `exec`): such a reading looks like a window that just started.
 */
function looksLikeFreshWindow(l: CodexRateLimit): boolean {
  if (l.usedPercent !== 0 || l.windowMinutes === undefined || l.resetsAtMs === undefined) return false;
  return Math.abs(l.resetsAtMs - (l.observedAtMs + l.windowMinutes * 60_000)) <= 60_000;
}

/**
 * Folds newer readings into the limits known so far, one per limit id and window. A 0 % reading that
 * looks like a fresh window is a placeholder while an earlier real reading's window is still running
 * (it must not hide 80 % used); once that window has reset, a 0 % reading is real and shows.
 */
export function mergeCodexLimits(known: readonly CodexRateLimit[], incoming: readonly CodexRateLimit[]): CodexRateLimit[] {
  // Plain arrays, not a Map keyed by codexLimitKey: this runs for every token_count line of every rollout.
  const merged: CodexRateLimit[] = [];
  for (const l of known) put(merged, indexOfLimit(merged, l), l);
  for (const next of isOldestFirst(incoming) ? incoming : [...incoming].sort((a, b) => a.observedAtMs - b.observedAtMs)) {
    const at = indexOfLimit(merged, next);
    const current = at === -1 ? undefined : merged[at];
    if (current && next.observedAtMs < current.observedAtMs) continue;
    if (current && looksLikeFreshWindow(next) && current.usedPercent > 0 && (current.resetsAtMs === undefined || current.resetsAtMs > next.observedAtMs)) continue;
    put(merged, at, next);
  }
  return merged;
}

/**
 * Whether mergeCodexLimits(known, [next]) takes `next`: the last reading of its limit in `known` (the one merging
 * keeps) is not newer, and `next` is no placeholder while that one's window runs.
 */
export function codexLimitTaken(known: readonly CodexRateLimit[], next: CodexRateLimit): boolean {
  let current: CodexRateLimit | undefined;
  for (let i = known.length - 1; i >= 0 && current === undefined; i--) if (sameLimit(known[i], next)) current = known[i];
  if (current && next.observedAtMs < current.observedAtMs) return false;
  return !(current && looksLikeFreshWindow(next) && current.usedPercent > 0 && (current.resetsAtMs === undefined || current.resetsAtMs > next.observedAtMs));
}

/** mergeCodexLimits(known, incoming) where every reading of `incoming` is taken (see codexLimitTaken), of limits apart. */
export function putCodexLimits(known: readonly CodexRateLimit[], incoming: readonly CodexRateLimit[]): CodexRateLimit[] {
  const merged: CodexRateLimit[] = [];
  for (const l of known) put(merged, indexOfLimit(merged, l), l);
  for (const next of incoming) put(merged, indexOfLimit(merged, next), next);
  return merged;
}

/** Where `limit`'s limit id and window is in `limits`, or -1 (a loop, not `findIndex`: no closure per call). */
function indexOfLimit(limits: readonly CodexRateLimit[], limit: CodexRateLimit): number {
  for (let i = 0; i < limits.length; i++) if (sameLimit(limits[i], limit)) return i;
  return -1;
}

/** Same limit id and window (what codexLimitKey says, without building the key). */
function sameLimit(a: CodexRateLimit, b: CodexRateLimit): boolean {
  return a.name === b.name && (a.limitId ?? 'codex') === (b.limitId ?? 'codex');
}

function isOldestFirst(limits: readonly CodexRateLimit[]): boolean {
  for (let i = 1; i < limits.length; i++) if (limits[i].observedAtMs < limits[i - 1].observedAtMs) return false;
  return true;
}

/** Sets the limit at `at` (where its key was first seen, as a Map keeps it), or adds it. */
function put(merged: CodexRateLimit[], at: number, limit: CodexRateLimit): void {
  if (at === -1) merged.push(limit);
  else merged[at] = limit;
}

/**
 * The account's Codex credits from `rate_limits.credits` of a `token_count` event: openai/codex
 * `CreditsSnapshot { has_credits: bool, unlimited: bool, balance: Option<String> }`
 * (codex-rs/protocol/src/protocol.rs). Only the account snapshot carries it (per-model limits: null).
 */
export interface CodexCredits {
  hasCredits: boolean;
  unlimited: boolean;
  /** The balance in credits (`balance` is a decimal string); undefined when absent or unlimited. */
  balance?: number;
  observedAtMs: number;
}

/** The newest credits reading among files (each rollout keeps its own). */
export function newestCodexCredits(all: readonly (CodexCredits | undefined)[]): CodexCredits | undefined {
  let newest: CodexCredits | undefined;
  for (const c of all) if (c && (!newest || c.observedAtMs > newest.observedAtMs)) newest = c;
  return newest;
}
