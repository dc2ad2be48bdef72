import type { RunawayBaseline, RunawayOptions } from './types';

/**
 * What the `tokenmeter.plan` setting (and `--plan` of the replay) says about a user without
 * enough history, and about the 5-hour window when Claude's status line has not reported
 * `rate_limits` yet. Anthropic does not publish window sizes; these are estimates in USD at API
 * list prices per 5-hour window, scaled like the plans (Max 5× and 20× of Pro), used only
 * until an official reading or the user's own history replaces them.
 */
export const plans = ['auto', 'api', 'pro', 'max5x', 'max20x', 'team', 'enterprise'] as const;
export type Plan = (typeof plans)[number];

export interface PlanDefaults {
  /** Estimated size of one 5-hour window, USD at list prices; undefined = no window (API keys) or unknown. */
  windowUsd?: number;
  /** A new user's usual 10-minute peak, tokens/min (the relative alert's baseline until history replaces it). */
  tokensPerMinute?: number;
  /** The same in USD/h. */
  usdPerHour10?: number;
}

export const planDefaults: Record<Plan, PlanDefaults> = {
  auto: {},
  api: { tokensPerMinute: 1_500_000, usdPerHour10: 120 },
  pro: { windowUsd: 15, tokensPerMinute: 60_000, usdPerHour10: 4 },
  team: { windowUsd: 20, tokensPerMinute: 80_000, usdPerHour10: 5 },
  max5x: { windowUsd: 75, tokensPerMinute: 300_000, usdPerHour10: 20 },
  max20x: { windowUsd: 300, tokensPerMinute: 1_000_000, usdPerHour10: 70 },
  enterprise: { tokensPerMinute: 300_000, usdPerHour10: 20 },
};

/** The baseline with the plan's new-user token defaults filled in where history gave none. */
export function withPlanDefaults(baseline: RunawayBaseline, plan: Plan): RunawayBaseline {
  const d = planDefaults[plan];
  return {
    ...baseline,
    tokensPerMinute: baseline.tokensPerMinute ?? d.tokensPerMinute,
    usdPerHour10: baseline.usdPerHour10 ?? d.usdPerHour10,
  };
}

/**
 * The 5-hour window as a budget for the detector: from an official reading when there is one
 * (window size = what the logs spent since the window started ÷ the used share, once at least
 * 5 % is used), else the plan's estimate.
 */
export function windowBudgetOf(plan: Plan, official?: { usedPercent: number; spentInWindowUsd: number }): RunawayOptions['windowBudget'] {
  if (official !== undefined && official.usedPercent >= 5 && official.spentInWindowUsd > 0) {
    return { usd: official.spentInWindowUsd / (official.usedPercent / 100) };
  }
  const usd = planDefaults[plan].windowUsd;
  return usd === undefined ? undefined : { usd };
}
