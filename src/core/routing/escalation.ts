/**
 * Learning from the user's own outcomes, locally: a session that moved from a cheaper to a larger
 * model on the same task, a cheap model repeating the same step, or an agent saying "let me try a
 * different approach" again and again are signs the cheap model was not enough. Per user, these
 * become a shift towards larger tiers in the advice (`escalationShift`) and, live, an escalation
 * hint ("Haiku has retried 4 times; Sonnet is likely cheaper from here"). Pure: events in, numbers out.
 */
import type { UsageEvent } from '../usageEvent';
import { defaultModelTiers, ratesOf, tierOfModel, tiers, type ModelTiers, type PriceOf, type Tier } from './tiers';

// "Let me try a different approach" and its kin, in the nine languages the router reads.
const retryPhrasePattern = new RegExp([
  String.raw`\b(?:let me|let's|i(?:'ll| will)) (?:try|take) (?:a different|a new|another|an alternative|a simpler|one more)(?: \w+)? (?:approach|way|strategy|tack)`,
  String.raw`\b(?:that|this) (?:didn't|did not|still doesn't|still does not) work`,
  String.raw`\blet me try again\b`, String.raw`\bstill failing\b`,
  '换一种(?:方法|思路|方式)', '换个(?:方法|思路|方式)', '再试一次', '还是(?:不行|失败)',
  '別の(?:方法|アプローチ)', 'もう一度試', 'まだ失敗',
  '다른 (?:방법|접근)', '다시 시도', '여전히 실패',
  String.raw`(?:anderen|andere) (?:ansatz|weg|methode)`, 'noch einmal versuchen', 'immer noch fehl',
  String.raw`(?:une autre|autre) (?:approche|méthode)`, 'essayons autrement', 'toujours en échec',
  String.raw`(?:otro|otra) (?:enfoque|forma|manera)`, 'intentemos de nuevo', 'sigue fallando',
  String.raw`(?:outra|outro) (?:abordagem|forma|jeito|método)`, 'tentar de novo', 'continua falhando',
  'другой подход', 'другим способом', 'попробую ещё раз', 'попробую еще раз', 'всё ещё падает', 'все еще падает',
].join('|'), 'giu');

/** Times an agent's reply says it is giving up on an approach and trying another. */
export function countRetryPhrases(text: string): number {
  return text.match(retryPhrasePattern)?.length ?? 0;
}

/** What one past session says about whether its first model was enough. */
export interface SessionOutcome {
  sessionId: string;
  startTier: Tier;
  /** The largest tier the session used after its start. */
  endTier: Tier;
  /** Moved to a larger tier after at least one request on the starting one. */
  escalated: boolean;
  /** Requests on the starting tier before the move (all of them if none). */
  requestsOnStartTier: number;
  /** Runs of near-identical requests on the starting tier (the same step tried again). */
  repeatedSteps: number;
}

const rankOf = (t: Tier): number => tiers.indexOf(t);

/** Two requests with the same shape: new input and reply within 10% (a retried step). */
function sameStep(a: UsageEvent, b: UsageEvent): boolean {
  const newInput = (e: UsageEvent): number => e.inputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens;
  const close = (x: number, y: number): boolean => Math.abs(x - y) <= Math.max(50, 0.1 * Math.max(x, y));
  return close(newInput(a), newInput(b)) && close(a.outputTokens, b.outputTokens);
}

/** Outcomes of sessions from their main-agent events (time-ordered or not); unknown models are skipped. */
export function sessionOutcomesFromEvents(events: readonly UsageEvent[], modelTiers: ModelTiers = defaultModelTiers): SessionOutcome[] {
  const bySession = new Map<string, UsageEvent[]>();
  for (const e of events) {
    if (e.agentId !== '' || tierOfModel(e.model, modelTiers) === undefined) continue;
    const list = bySession.get(e.sessionId) ?? [];
    list.push(e);
    bySession.set(e.sessionId, list);
  }
  const outcomes: SessionOutcome[] = [];
  for (const [sessionId, list] of bySession) {
    list.sort((a, b) => a.timestampMs - b.timestampMs);
    const startTier = tierOfModel(list[0].model, modelTiers)!;
    let endTier = startTier;
    let onStart = 0;
    let repeatedSteps = 0;
    let escalated = false;
    for (let i = 0; i < list.length; i++) {
      const t = tierOfModel(list[i].model, modelTiers)!;
      if (rankOf(t) > rankOf(endTier)) endTier = t;
      if (!escalated && rankOf(t) > rankOf(startTier) && onStart > 0) escalated = true;
      if (!escalated && t === startTier) {
        onStart++;
        if (i > 0 && tierOfModel(list[i - 1].model, modelTiers) === startTier && sameStep(list[i - 1], list[i])) repeatedSteps++;
      }
    }
    outcomes.push({ sessionId, startTier, endTier, escalated, requestsOnStartTier: onStart, repeatedSteps });
  }
  return outcomes;
}

/** How often this user's sessions that started below the large tier had to move up. */
export interface EscalationProfile {
  /** Sessions that started on the small or medium tier. */
  cheapStarts: number;
  escalations: number;
  /** Escalations / cheap starts, smoothed towards 10% with two pseudo-sessions. */
  rate: number;
}

export function escalationProfile(outcomes: readonly SessionOutcome[]): EscalationProfile {
  const cheap = outcomes.filter((o) => o.startTier !== 'large');
  const escalations = cheap.filter((o) => o.escalated || o.repeatedSteps >= 3).length;
  return { cheapStarts: cheap.length, escalations, rate: (escalations + 0.2) / (cheap.length + 2) };
}

/**
 * Logit added to the router's need for a larger tier: 0 until 5 cheap starts are known, then up
 * to +1.5 when this user's cheap sessions escalate far more often than the 10% a typical one does.
 */
export function escalationShift(profile: EscalationProfile): number {
  if (profile.cheapStarts < 5) return 0;
  const logit = (p: number): number => Math.log(p / (1 - p));
  return Math.max(0, Math.min(1.5, logit(Math.min(0.9, profile.rate)) - logit(0.1)));
}

/** A live hint that the cheap model is thrashing and a larger one is likely cheaper from here. */
export interface EscalationHint {
  currentModel: string;
  suggestedModel: string;
  /** Retries seen: repeated steps plus the agent's replies announcing another approach. */
  retries: number;
  /** Spent on the current model in this run of retries (USD). */
  spentUsd: number;
  /** One request of the same shape on the suggested model (USD). */
  nextAttemptUsd: number;
}

/**
 * The session's recent main-agent requests on a small- or medium-tier model: when the same step has
 * been tried `minRetries` times (near-identical requests, plus `retryPhrases`: the agent's replies
 * that announced another approach), suggest the next tier up.
 */
export function escalationHint(
  recentRequests: readonly UsageEvent[],
  currentModel: string,
  modelTiers: ModelTiers = defaultModelTiers,
  options: { retryPhrases?: number; minRetries?: number; priceOf?: PriceOf } = {},
): EscalationHint | undefined {
  const tier = tierOfModel(currentModel, modelTiers);
  if (tier === undefined || tier === 'large') return undefined;
  const recent = recentRequests.filter((e) => e.agentId === '' && e.model === currentModel);
  let repeated = 0;
  for (let i = recent.length - 1; i > 0 && sameStep(recent[i - 1], recent[i]); i--) repeated++;
  const retries = repeated + (options.retryPhrases ?? 0);
  if (retries < (options.minRetries ?? 3)) return undefined;
  const next = tiers[rankOf(tier) + 1];
  const suggestedModel = modelTiers[next];
  const current = ratesOf(currentModel, options.priceOf);
  const suggested = ratesOf(suggestedModel, options.priceOf);
  if (!current || !suggested) return undefined;
  const costAt = (e: UsageEvent, r: NonNullable<typeof current>): number => (e.inputTokens * r.inputPerMTok + e.outputTokens * r.outputPerMTok
    + e.cacheWrite5mTokens * r.cacheWrite5mPerMTok + e.cacheWrite1hTokens * r.cacheWrite1hPerMTok + e.cacheReadTokens * r.cacheReadPerMTok) / 1e6;
  const run = recent.slice(-(repeated + 1));
  return {
    currentModel, suggestedModel, retries,
    spentUsd: run.reduce((s, e) => s + costAt(e, current), 0),
    nextAttemptUsd: costAt(run[run.length - 1], suggested),
  };
}
