/** The live status-bar hint: recent requests on an expensive model that look simple. */
import { englishUsd, formatTokens } from '../format';
import { costAtRates, type ModelRates } from '../pricing';
import type { UsageEvent } from '../usageEvent';
import { defaultModelTiers, modelDisplayName, ratesOf, tierOfModel, type ModelTiers, type PriceOf, type Tier, type TokenRates } from './tiers';

export interface LiveRoutingHint {
  /** Status bar text without the icon, e.g. "Haiku would do · −80%" (English, USD). */
  text: string;
  /** Hover detail (Markdown-safe plain text; English, USD). */
  detail: string;
  suggestedModel: string;
  savingPct: number;
  /** What the texts say, for texts in another language or currency. */
  basis: {
    requests: number;
    currentModelName: string;
    suggestedModelName: string;
    medianReplyTokens: number;
    medianNewInputTokens: number;
    medianContextTokens: number;
    spentUsd: number;
    wouldUsd: number;
  };
}

export interface LiveHintOptions {
  priceOf?: PriceOf;
  /** How many of the latest main-agent requests to look at (default 8). */
  window?: number;
  /** Fewer requests than this in the window -> no hint (default 5). */
  minRequests?: number;
}

/** Cost of one event at a model's rates, with whole-request long-context billing when the rates have it. */
function costAt(e: UsageEvent, rates: TokenRates): number {
  return costAtRates(e, { priceId: '', origin: 'override', ...rates } as ModelRates);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * A quiet hint when an active session's recent requests look simple (small outputs, little new
 * context, short turns) but run on an expensive model. `recentRequests` are the session's events in
 * time order; sub-agent events are ignored. Returns undefined when there is nothing worth saying.
 */
export function liveRoutingHint(
  recentRequests: readonly UsageEvent[],
  currentModel: string,
  modelTiers: ModelTiers = defaultModelTiers,
  options: LiveHintOptions = {},
): LiveRoutingHint | undefined {
  const currentTier = tierOfModel(currentModel, modelTiers);
  if (currentTier === undefined || currentTier === 'small') return undefined;
  const window = options.window ?? 8;
  const minRequests = options.minRequests ?? 5;
  const recent = recentRequests.filter((e) => e.agentId === '' && e.model === currentModel).slice(-window);
  if (recent.length < minRequests) return undefined;

  const medianOutput = median(recent.map((e) => e.outputTokens));
  const maxOutput = Math.max(...recent.map((e) => e.outputTokens));
  const medianNewInput = median(recent.map((e) => e.inputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens));
  const medianContext = median(recent.map((e) => e.inputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens + e.cacheReadTokens));

  // Simple work: short replies, little new material per turn, and a context that has not grown big.
  let target: Tier | undefined;
  if (medianOutput <= 600 && maxOutput <= 2_500 && medianNewInput <= 4_000 && medianContext <= 60_000) target = 'small';
  else if (currentTier === 'large' && medianOutput <= 1_500 && maxOutput <= 6_000 && medianNewInput <= 15_000 && medianContext <= 120_000) target = 'medium';
  if (target === undefined) return undefined;

  const currentRates = ratesOf(currentModel, options.priceOf);
  const targetRates = ratesOf(modelTiers[target], options.priceOf);
  if (!currentRates || !targetRates) return undefined;
  const spentUsd = recent.reduce((s, e) => s + costAt(e, currentRates), 0);
  const wouldUsd = recent.reduce((s, e) => s + costAt(e, targetRates), 0);
  if (spentUsd <= 0) return undefined;
  const savingPct = Math.round((1 - wouldUsd / spentUsd) * 100);
  if (savingPct < 30) return undefined;

  const name = modelDisplayName(modelTiers[target]);
  const detail = [
    `The last ${recent.length} requests on ${modelDisplayName(currentModel)} look simple:`,
    `median reply ${Math.round(medianOutput)} tokens, median new input ${Math.round(medianNewInput)} tokens, context ${formatTokens(Math.round(medianContext))} tokens.`,
    `${name} would have cost ${englishUsd.money(wouldUsd)} instead of ${englishUsd.money(spentUsd)} (−${savingPct}%).`,
    'Switch with /model in Claude Code if the work stays this simple.',
  ].join('\n');
  const basis = {
    requests: recent.length, currentModelName: modelDisplayName(currentModel), suggestedModelName: name,
    medianReplyTokens: Math.round(medianOutput), medianNewInputTokens: Math.round(medianNewInput), medianContextTokens: Math.round(medianContext), spentUsd, wouldUsd,
  };
  return { text: `${name} would do · −${savingPct}%`, detail, suggestedModel: modelTiers[target], savingPct, basis };
}
