/** What a routing request carries in, and the advice that comes out. */
import type { Phrasebook } from '../phrases';
import type { TaskKind } from '../taskKind';
import type { Aggressiveness, ModelTiers, PriceOf, Tier } from './tiers';

export interface RouteRequest {
  prompt: string;
  /** Tokens of attached context (files, selection) besides the prompt. */
  contextTokens?: number;
  /** Programming language of the context, if known (e.g. 'rust'); low-level languages weigh a little. */
  language?: string;
  /** Task kind if the caller knows it; otherwise classified from the prompt. */
  taskKind?: TaskKind;
}

/** What the user's own history says per task kind (median session tokens). */
export interface RoutingHistory {
  byKind: Partial<Record<TaskKind, { medianTokens: number; sampleSize: number }>>;
}

export interface RouteOptions {
  tiers?: ModelTiers;
  aggressiveness?: Aggressiveness;
  /** Model in use, to report the saving of the advice against it. */
  currentModel?: string;
  priceOf?: PriceOf;
  history?: RoutingHistory;
  /**
   * Logit added to the need for a larger tier, from the user's own outcomes (escalations, retries:
   * see `escalation.ts`); positive = this user's cheap attempts often fall short.
   */
  escalationShift?: number;
  /** Language of `reason` (default English, which `route --json` keeps). */
  phrases?: Phrasebook;
}

export interface RouteAdvice {
  tier: Tier;
  model: string;
  /** Probability (0..1) that the advised tier is the cheapest adequate one. */
  confidence: number;
  /** One line a developer would accept, e.g. "short rename in one file". */
  reason: string;
  /** Percent saved versus `currentModel` on a typical request of this size; negative = costs more. */
  savingVsCurrentPct?: number;
  kind: TaskKind;
  /** Probability that each tier is the cheapest adequate one. */
  needProbability: Record<Tier, number>;
}
