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
  const byKey = new Map(known.map((l) => [codexLimitKey(l), l]));
  for (const next of [...incoming].sort((a, b) => a.observedAtMs - b.observedAtMs)) {
    const key = codexLimitKey(next);
    const current = byKey.get(key);
    if (current && next.observedAtMs < current.observedAtMs) continue;
    if (current && looksLikeFreshWindow(next) && current.usedPercent > 0 && (current.resetsAtMs === undefined || current.resetsAtMs > next.observedAtMs)) continue;
    byKey.set(key, next);
  }
  return [...byKey.values()];
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
