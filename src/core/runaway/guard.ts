import { RunawayDetector } from './detector';
import type { WindowPacing } from '../pacing';
import { formatDurationMs, formatUsd, shortSessionId } from './messages';
import type { RunawayAlert, RunawayKind, RunawayOptions } from './types';
import type { UsageEvent } from '../usageEvent';

/** An exhausted cap, as the caller's budget snapshot reports it. */
export interface ExhaustedBudget {
  /** e.g. "daily", "weekly", "5-hour window". */
  name: string;
  unit: 'usd' | 'tokens';
  limit: number;
  spent: number;
}

export interface GuardInput {
  /** Recent events (the last ~2 hours is enough), any order. */
  events: readonly UsageEvent[];
  costOf: (e: UsageEvent) => number | null;
  nowMs: number;
  /** The session asking (from the hook's stdin `session_id`); undefined = judge every live session. */
  sessionId?: string;
  detector?: RunawayOptions;
  exhausted?: readonly ExhaustedBudget[];
  /** Also block on a budget-projection alert (default: only real runaways and exhausted budgets block). */
  blockOnProjection?: boolean;
  /** A session counts as live while it logged a request this recently. Default 10 min. */
  liveWithinMs?: number;
  /** Official windows' pace: one projected to run out before its reset makes the hook ask. */
  pacing?: readonly WindowPacing[];
}

export interface GuardDecision {
  block: boolean;
  /**
   * What a Claude Code PreToolUse hook answers: `deny` when a hard cap is reached, `ask` when a
   * runaway is active or a window runs out before its reset (the user can continue once), none otherwise.
   */
  permission: 'deny' | 'ask' | 'none';
  /** One line for stderr (shown to Claude and the user when blocking); '' when not blocking. */
  message: string;
  /** The alerts still in force for the judged sessions, newest first. */
  alerts: RunawayAlert[];
}

const blockingKinds: readonly RunawayKind[] = ['burn-rate', 'parallel-agents', 'loop'];

/**
 * Decides whether `tokenmeter guard` should stop the agent: a budget is
 * exhausted, or the session (any live session without `sessionId`) has a
 * runaway alert still in force.
 */
export function guardDecision(input: GuardInput): GuardDecision {
  const liveWithinMs = input.liveWithinMs ?? 10 * 60_000;
  if (input.exhausted !== undefined && input.exhausted.length > 0) {
    const b = input.exhausted[0];
    const amount = (n: number) => (b.unit === 'usd' ? formatUsd(n) : `${Math.round(n).toLocaleString('en-US')} tokens`);
    return {
      block: true,
      permission: 'deny',
      alerts: [],
      message: `Tokenmeter guard: the ${b.name} budget is exhausted (${amount(b.spent)} of ${amount(b.limit)}). Do not start sub-agents; finish the current step and tell the user.`,
    };
  }

  const sorted = [...input.events].sort((a, b) => a.timestampMs - b.timestampMs);
  const detector = new RunawayDetector(input.detector);
  for (const e of sorted) {
    if (e.timestampMs > input.nowMs + 60_000) continue;
    detector.observe(e, input.costOf(e));
  }
  const kinds = input.blockOnProjection ? [...blockingKinds, 'budget-projection' as const] : blockingKinds;
  const alerts = detector.alertsInForce(input.nowMs, liveWithinMs)
    .filter((a) => kinds.includes(a.kind) && (input.sessionId === undefined || a.sessionId === input.sessionId));
  if (alerts.length === 0) {
    const runOut = (input.pacing ?? []).find((p) => p.runsOutBeforeReset && p.projectedRunOutAtMs !== null && p.resetsAtMs !== null);
    if (runOut === undefined) return { block: false, permission: 'none', message: '', alerts };
    const lead = formatDurationMs(runOut.resetsAtMs! - runOut.projectedRunOutAtMs!);
    const inMs = Math.max(0, runOut.projectedRunOutAtMs! - input.nowMs);
    return {
      block: false,
      permission: 'ask',
      alerts,
      message: `Tokenmeter guard: at this pace the ${runOut.source === 'claude' ? 'Claude' : 'Codex'} ${runOut.window} window (${Math.round(runOut.usedPercent)}% used) runs out in ${formatDurationMs(inMs)}, ${lead} before it resets. Start another sub-agent anyway?`,
    };
  }
  const a = alerts[0];
  const who = input.sessionId === undefined ? `session ${shortSessionId(a.sessionId)} is` : 'this session is';
  return {
    block: true,
    permission: 'ask',
    alerts,
    message: `Tokenmeter guard: ${who} running away — ${a.message} Do not start more sub-agents; finish the current step and ask the user before continuing.`,
  };
}

/** Claude Code's PreToolUse hook output (https://code.claude.com/docs/en/hooks): printed on stdout with exit code 0. */
export interface PreToolUseHookOutput {
  hookSpecificOutput: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'ask' | 'deny';
    permissionDecisionReason: string;
  };
}

/**
 * The hook's answer for a decision: `ask` (the reason is shown in the permission prompt, the user
 * may continue once) or `deny` (the reason is shown to Claude); undefined = print nothing, so the
 * tool call goes on under the user's normal permission rules.
 */
export function preToolUseAnswer(decision: Pick<GuardDecision, 'permission' | 'message'>): PreToolUseHookOutput | undefined {
  if (decision.permission === 'none') return undefined;
  // One line: the prompt shows it as is.
  const reason = decision.message.replace(/\s+/g, ' ').trim();
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision.permission, permissionDecisionReason: reason } };
}
