import type { AgentAction } from './actions';
import { replayInto } from './baseline';
import { RunawayDetector } from './detector';
import type { WindowPacing } from '../pacing';
import { englishUsd } from '../format';
import { shortSessionId } from './messages';
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
  /** `tokenmeter.runaway.enabled`: false = no runaway reasons (caps and windows still count). Default true. */
  runaway?: boolean;
  /** What the agents did (tool calls and their results), for repetition loops; any order. */
  actions?: readonly AgentAction[];
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

/** One reason to stop: in full for the most urgent, briefly for the others. */
interface Reason {
  permission: 'deny' | 'ask';
  /** Blocks in exit-code mode (`tokenmeter guard` without `--hook`): caps and runaways, not projections. */
  blocks: boolean;
  text: string;
  brief: string;
}

/**
 * Decides whether `tokenmeter guard` should stop the agent. Every reason that applies is gathered,
 * most urgent first: a hard cap reached (`deny`), then a runaway in force (`ask`), then official
 * windows projected to run out before their reset, soonest first (`ask`). The message names the
 * most urgent in full and says how many others there are, briefly, so one cannot hide another.
 */
export function guardDecision(input: GuardInput): GuardDecision {
  const alerts = input.runaway === false ? [] : runawayAlerts(input);
  const reasons: Reason[] = [
    ...(input.exhausted ?? []).map(capReason),
    ...(alerts.length > 0 ? [runawayReason(alerts[0], input.sessionId)] : []),
    ...windowReasons(input.pacing ?? [], input.nowMs),
  ];
  if (reasons.length === 0) return { block: false, permission: 'none', message: '', alerts };
  const [first, ...others] = reasons;
  const also = others.length === 0 ? '' : ` Also (${others.length} more): ${others.map((r) => r.brief).join('; ')}.`;
  return {
    block: reasons.some((r) => r.blocks),
    permission: reasons.some((r) => r.permission === 'deny') ? 'deny' : 'ask',
    alerts,
    message: `Tokenmeter guard: ${first.text}${also}`,
  };
}

function capReason(b: ExhaustedBudget): Reason {
  const amount = (n: number) => (b.unit === 'usd' ? englishUsd.roundedMoney(n) : `${englishUsd.wholeNumber(n)} tokens`);
  return {
    permission: 'deny',
    blocks: true,
    text: `the ${b.name} budget is exhausted (${amount(b.spent)} of ${amount(b.limit)}). Do not start sub-agents; finish the current step and tell the user.`,
    brief: `the ${b.name} budget is exhausted`,
  };
}

/** Runaway alerts still in force for the judged sessions, newest first. */
function runawayAlerts(input: GuardInput): RunawayAlert[] {
  const liveWithinMs = input.liveWithinMs ?? 10 * 60_000;
  const detector = new RunawayDetector(input.detector);
  const events = input.events.filter((e) => e.timestampMs <= input.nowMs + 60_000);
  const actions = (input.actions ?? []).filter((a) => a.timestampMs <= input.nowMs + 60_000);
  replayInto(detector, events, actions, input.costOf);
  const kinds = input.blockOnProjection ? [...blockingKinds, 'budget-projection' as const] : blockingKinds;
  return detector.alertsInForce(input.nowMs, liveWithinMs)
    .filter((a) => kinds.includes(a.kind) && (input.sessionId === undefined || a.sessionId === input.sessionId));
}

function runawayReason(a: RunawayAlert, askingSession: string | undefined): Reason {
  const who = askingSession === undefined ? `session ${shortSessionId(a.sessionId)} is` : 'this session is';
  return {
    permission: 'ask',
    blocks: true,
    text: `${who} running away — ${a.message} Do not start more sub-agents; finish the current step and ask the user before continuing.`,
    brief: `${who} running away`,
  };
}

function windowReasons(pacing: readonly WindowPacing[], nowMs: number): Reason[] {
  return pacing
    .filter((p) => p.runsOutBeforeReset && p.projectedRunOutAtMs !== null && p.resetsAtMs !== null)
    .sort((a, b) => a.projectedRunOutAtMs! - b.projectedRunOutAtMs!)
    .map((p) => {
      const name = `${p.source === 'claude' ? 'Claude' : 'Codex'} ${p.window} window`;
      const inText = englishUsd.duration(Math.max(0, p.projectedRunOutAtMs! - nowMs));
      return {
        permission: 'ask',
        blocks: false,
        text: `at this pace the ${name} (${Math.round(p.usedPercent)}% used) runs out in ${inText}, ${englishUsd.duration(p.resetsAtMs! - p.projectedRunOutAtMs!)} before it resets. Start another sub-agent anyway?`,
        brief: `the ${name} runs out in ${inText}, before it resets`,
      };
    });
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
