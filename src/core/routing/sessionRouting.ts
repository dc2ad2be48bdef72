/**
 * What the routing part of the status says about the session in progress: the quiet "a cheaper model
 * would do" hint (`liveHint.ts`) and the escalation hint when the cheap model thrashes
 * (`escalation.ts`). Pure: the ledger's events, `nowMs` and a retry-phrase count read from the
 * session's own transcript (by `src/sources/sessionTranscript.ts`) in; numbers out.
 */
import type { UsageEvent } from '../usageEvent';
import { escalationHint, type EscalationHint } from './escalation';
import { liveRoutingHint, type LiveRoutingHint } from './liveHint';
import { defaultModelTiers, type ModelTiers, type PriceOf } from './tiers';

/** A session counts as in progress while its last main-agent request is this recent. */
export const activeSessionMs = 15 * 60_000;

/** The session in progress: its latest main-agent request and its recent requests in time order. */
export interface ActiveSession {
  sessionId: string;
  /** Claude's project folder name or Codex's working directory (where its transcript lives). */
  project: string;
  source: UsageEvent['source'];
  /** The model of its latest main-agent request. */
  model: string;
  /** Its requests (main agent and sub-agents) of the last 2 × `activeSessionMs`, oldest first. */
  requests: UsageEvent[];
}

/** The most events at the end of the list that activeSessionOf reads: a caller may pass only these. */
export const activeSessionLookback = 2_000;

/** The latest session with a main-agent request in the last `activeSessionMs`, or undefined. */
export function activeSessionOf(events: readonly UsageEvent[], nowMs: number): ActiveSession | undefined {
  let latest: UsageEvent | undefined;
  // The ledger grows at the end; the latest session's requests are among the last few hundred.
  for (let i = events.length - 1; i >= Math.max(0, events.length - 500); i--) {
    const e = events[i];
    if (e.agentId === '' && e.timestampMs <= nowMs && (!latest || e.timestampMs > latest.timestampMs)) latest = e;
  }
  if (!latest || nowMs - latest.timestampMs > activeSessionMs) return undefined;
  const requests: UsageEvent[] = [];
  for (let i = events.length - 1; i >= Math.max(0, events.length - activeSessionLookback); i--) {
    const e = events[i];
    if (e.sessionId === latest.sessionId && nowMs - e.timestampMs <= 2 * activeSessionMs && e.timestampMs <= nowMs) requests.push(e);
  }
  requests.sort((a, b) => a.timestampMs - b.timestampMs);
  return { sessionId: latest.sessionId, project: latest.project, source: latest.source, model: latest.model, requests };
}

export interface SessionRoutingInputs {
  tiers?: ModelTiers;
  priceOf?: PriceOf;
  /** Show the "a cheaper model would do" hint (setting `tokenmeter.routing.liveHints`); the escalation hint always shows. */
  liveHints?: boolean;
  /**
   * "Let me try a different approach" and its kin, counted in the agent's replies since the user's
   * last prompt in that session's transcript; ignored for any other session.
   */
  retryPhrases?: { sessionId: string; count: number };
}

/** The routing part of the status: the session it read, and at most one of the two hints. */
export interface SessionRouting {
  session: Omit<ActiveSession, 'requests'>;
  /** The cheap model keeps retrying: a larger one is likely cheaper from here. */
  escalation?: EscalationHint;
  /** The recent requests look simple for the expensive model in use. */
  hint?: LiveRoutingHint;
}

/** Hints for the session in progress; undefined when no session is in progress. */
export function sessionRoutingOf(events: readonly UsageEvent[], nowMs: number, inputs: SessionRoutingInputs = {}): SessionRouting | undefined {
  const active = activeSessionOf(events, nowMs);
  if (!active) return undefined;
  const { requests, ...session } = active;
  const tiers = inputs.tiers ?? defaultModelTiers;
  const retryPhrases = inputs.retryPhrases?.sessionId === active.sessionId ? inputs.retryPhrases.count : 0;
  const escalation = escalationHint(requests, active.model, tiers, { retryPhrases, priceOf: inputs.priceOf });
  // Thrashing outranks saving: never suggest a cheaper model while the current one is retrying.
  if (escalation) return { session, escalation };
  const hint = inputs.liveHints === false ? undefined : liveRoutingHint(requests, active.model, tiers, { priceOf: inputs.priceOf });
  return { session, hint };
}
