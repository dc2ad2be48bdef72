import type { Resolved } from './resolved';
import { minuteMs, spanMinutes, type SessionState } from './sessionState';
import type { RunawayAlert } from './types';

/**
 * The session's 10-minute rate against the user's usual 10-minute peak, in tokens and in USD:
 * defined when either is above `relativeFactor` × its baseline with at least 60 % of those
 * minutes busy on their own (so one burst does not count), once the session is 5 minutes old.
 */
export function relativeRate(r: Resolved, s: SessionState, nowMs: number, nowMinute: number, lifeMinutes: number): RunawayAlert['relative'] {
  if (r.relativeFactor === 0 || lifeMinutes < 5) return undefined;
  let best: RunawayAlert['relative'];
  const judge = (minutes: number, factor: number, unit: 'tokens' | 'usd', series: Float64Array, usualPeak: number | undefined, perHour: boolean) => {
    if (usualPeak === undefined || !(usualPeak > 0) || lifeMinutes < minutes / 2) return;
    const span = Math.min(spanMinutes(nowMs, minutes), Math.max(1, (nowMs - s.startedMs) / minuteMs));
    const threshold = Math.max(unit === 'tokens' ? r.minRelativeTokensPerMinute : 0, factor * usualPeak);
    const rate = (s.sum(series, nowMinute, minutes) / span) * (perHour ? 60 : 1);
    if (rate <= threshold) return;
    const perMinuteThreshold = perHour ? threshold / 60 : threshold;
    if (s.minutesAtLeast(series, nowMinute, minutes, 0.3 * perMinuteThreshold) < Math.ceil(0.6 * Math.min(minutes, lifeMinutes))) return;
    const times = rate / usualPeak;
    if (best === undefined || times > best.timesUsualPeak) best = { unit, timesUsualPeak: times, usualPeak };
  };
  // Far above the usual peak over 10 minutes, or clearly above it for 20 (normal peaks do not last that long).
  // Dollars only over 10 minutes: a steady session of expensive context (1h cache writes) is normal
  // at the top of the spend distribution, and its tokens are what the 20-minute check reads.
  judge(10, r.relativeFactor, 'tokens', s.bucketTokens, r.baseline.tokensPerMinute, false);
  judge(10, r.relativeFactor, 'usd', s.bucketCostUsd, r.baseline.usdPerHour10, true);
  judge(20, r.sustainedRelativeFactor, 'tokens', s.bucketTokens, r.baseline.tokensPerMinute, false);
  return best;
}
