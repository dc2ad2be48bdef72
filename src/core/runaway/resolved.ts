import type { RepetitionRule } from './repetition';
import { hourMs, minuteMs } from './sessionState';
import { defaultBaseline, type RunawayBaseline, type RunawayOptions } from './types';

/** The detector's options with every default filled in. */
export interface Resolved {
  minBurnThresholdUsdPerHour: number;
  rewriteMinTokens: number;
  minRewrites: number;
  maxTokensPerAgentMinute: number;
  baseline: RunawayBaseline;
  burnThresholdUsdPerHour: number;
  rateWindowMs: number;
  parallelAgentsLimit: number;
  agentActiveWindowMs: number;
  loopWindowMs: number;
  loopMinRepeats: number;
  minAlertUsdPerHour: number;
  minAlertTokensPerMinute: number;
  calmMs: number;
  sessionRetentionMs: number;
  relativeFactor: number;
  sustainedRelativeFactor: number;
  minRelativeTokensPerMinute: number;
  repetition: RepetitionRule;
  /** A repetition loop stays in force while its latest repeat is this recent. */
  repetitionLiveMs: number;
}

export function resolve(options: RunawayOptions): Resolved {
  const baseline = options.baseline ?? defaultBaseline;
  const factor = options.burnFactor ?? 2.5;
  const minThr = options.minBurnThresholdUsdPerHour ?? 30;
  const maxThr = options.maxBurnThresholdUsdPerHour ?? 400;
  return {
    minBurnThresholdUsdPerHour: minThr,
    rewriteMinTokens: options.churn?.rewriteMinTokens ?? 100_000,
    minRewrites: options.churn?.minRewrites ?? 5,
    maxTokensPerAgentMinute: options.churn?.maxTokensPerAgentMinute ?? 6_000_000,
    baseline,
    burnThresholdUsdPerHour: Math.min(maxThr, Math.max(minThr, factor * baseline.usdPerHour)),
    rateWindowMs: options.rateWindowMs ?? 5 * minuteMs,
    parallelAgentsLimit: options.maxParallelAgents ?? Math.min(40, Math.max(20, Math.ceil(2 * baseline.parallelAgents))),
    agentActiveWindowMs: options.agentActiveWindowMs ?? 2 * minuteMs,
    loopWindowMs: options.loopWindowMs ?? 10 * minuteMs,
    loopMinRepeats: options.loopMinRepeats ?? 12,
    minAlertUsdPerHour: options.minAlertUsdPerHour ?? 3,
    minAlertTokensPerMinute: options.minAlertTokensPerMinute ?? 2_000_000,
    calmMs: options.calmMs ?? 15 * minuteMs,
    sessionRetentionMs: options.sessionRetentionMs ?? 3 * hourMs,
    relativeFactor: options.relative === false ? 0 : options.relativeFactor ?? 1.8,
    sustainedRelativeFactor: options.sustainedRelativeFactor ?? 1.2,
    // Not a floor that hides anyone: one small request every ten minutes.
    minRelativeTokensPerMinute: 2_000,
    repetition: {
      windowMs: options.repetition?.windowMs ?? 10 * minuteMs,
      minFailedRepeats: options.repetition?.minFailedRepeats ?? 10,
      minOkRepeats: options.repetition?.minOkRepeats ?? 30,
    },
    repetitionLiveMs: 3 * minuteMs,
  };
}

