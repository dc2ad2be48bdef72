import { englishUsd } from '../format';
import { hourMs, minuteMs } from './sessionState';

export interface ConcurrencyAdvice {
  /** Suggested value for CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS (≥ 1). */
  maxConcurrentSubagents: number;
  /** `CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=N`, ready for the `env` block of Claude Code settings or a shell. */
  envLine: string;
  /** Why, in one sentence (English; `basis` lets another language say the same). */
  reason: string;
  /** No sub-agent spend seen yet; the budget lasts the horizon at this cap; or even one sub-agent overruns it. */
  basis: 'no-spend' | 'lasts' | 'overruns';
}

/**
 * Recommends Claude Code's sub-agent concurrency cap so that the remaining
 * budget lasts `horizonMs` (e.g. until the 5-hour window or the day resets):
 * (remaining / hours − main agent rate) / per-agent rate, clamped to [1, maxValue].
 */
export function recommendMaxConcurrentSubagents(input: {
  remainingBudgetUsd: number;
  horizonMs: number;
  /** Observed burn rate of one sub-agent, USD/h. */
  perAgentUsdPerHour: number;
  /** Burn rate of the main agent alone, USD/h. Default 0. */
  mainAgentUsdPerHour?: number;
  /** Upper clamp. Default 10. */
  maxValue?: number;
}): ConcurrencyAdvice {
  const maxValue = Math.max(1, Math.floor(input.maxValue ?? 10));
  const hours = Math.max(input.horizonMs, minuteMs) / hourMs;
  const affordableUsdPerHour = Math.max(0, input.remainingBudgetUsd) / hours - (input.mainAgentUsdPerHour ?? 0);
  let value: number;
  let reason: string;
  let basis: ConcurrencyAdvice['basis'] = 'lasts';
  if (!(input.perAgentUsdPerHour > 0)) {
    value = maxValue;
    basis = 'no-spend';
    reason = 'No sub-agent spend observed yet, so the cap only limits fan-outs.';
  } else {
    value = Math.min(maxValue, Math.max(1, Math.floor(affordableUsdPerHour / input.perAgentUsdPerHour)));
    reason = `At ${englishUsd.roundedMoney(input.perAgentUsdPerHour)}/h per sub-agent, ${value} at once keep${value === 1 ? 's' : ''} the remaining ${englishUsd.roundedMoney(Math.max(0, input.remainingBudgetUsd))} for ${englishUsd.duration(input.horizonMs)}.`;
    if (affordableUsdPerHour < input.perAgentUsdPerHour) basis = 'overruns';
    if (basis === 'overruns') reason = `Even one sub-agent at ${englishUsd.roundedMoney(input.perAgentUsdPerHour)}/h overruns the remaining ${englishUsd.roundedMoney(Math.max(0, input.remainingBudgetUsd))} within ${englishUsd.duration(input.horizonMs)}; run sub-agents one at a time.`;
  }
  return { maxConcurrentSubagents: value, envLine: `CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=${value}`, reason, basis };
}
