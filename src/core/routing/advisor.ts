/**
 * Routing advisor: the cheapest model tier that is adequate for a request.
 *
 * Pure and local (no I/O, no clock). The learned model (`learnedModel.ts`, trained offline on a
 * labelled multilingual set and shipped as data) and the rule signals (`signals.ts`) give the
 * probability that each tier is the one needed; the advice is the tier with the lowest expected
 * cost when a false downgrade (work sent below the tier it needs) costs `downgradePenalty` times
 * the needed tier's price on top of the wasted attempt.
 */
import type { TaskKind } from '../taskKind';
import { decisionKnobs } from './decisionKnobs';
import { readRequest } from './learnedModel';
import type { RouteAdvice, RouteOptions, RouteRequest, RoutingHistory } from './request';
import { adviceReason } from './routingPhrases';
import { scoreTerms, type RequestFeatures } from './signals';
import { defaultModelTiers, ratesOf, tiers, type PriceOf, type Tier } from './tiers';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));

/** Logit shift from the user's own history of this kind: big sessions up, small ones down. */
function historyShift(kind: TaskKind, history?: RoutingHistory): number {
  const past = history?.byKind[kind];
  if (!past || past.sampleSize < 5) return 0;
  if (past.medianTokens > 1_000_000) return 0.9;
  if (past.medianTokens < 50_000) return -0.6;
  return 0;
}

/** Typical tokens of one request of this size, for relative tier prices and the saving shown. */
function typicalRequestCostUsd(model: string, f: RequestFeatures, priceOf?: PriceOf): number | undefined {
  const rates = ratesOf(model, priceOf);
  if (!rates) return undefined;
  const inputTokens = f.promptTokens + f.contextTokens + 4_000; // + system prompt and tool definitions
  const outputTokens = 800;
  return (inputTokens * rates.inputPerMTok + outputTokens * rates.outputPerMTok) / 1e6;
}

/** Advice for one request: tier, model, confidence, reason. Runs in microseconds. */
export function routeRequest(req: RouteRequest, options: RouteOptions = {}): RouteAdvice {
  const modelTiers = options.tiers ?? defaultModelTiers;
  const knobs = decisionKnobs();
  const penalty = knobs.downgradePenalty[options.aggressiveness ?? 'balanced'];
  const reading = readRequest(req);
  // Reasons speak of the kind the model read; the rule features keep the rules' own kind.
  const f: RequestFeatures = { ...reading.features, kind: reading.kind };
  const terms = scoreTerms(reading.features, req, options.history);
  const shift = historyShift(reading.kind, options.history) + (options.escalationShift ?? 0);
  let pAboveSmall = sigmoid(logit(reading.pAboveSmall) + shift);
  const pAboveMedium = Math.min(pAboveSmall, sigmoid(logit(reading.pAboveMedium) + shift));
  // Conservative floor under the model (knob `hardTopicFloor`): a request that names a hard
  // topic or carries a stack trace is then not advised the small tier on the model's word alone.
  if (f.hardTopics.length > 0 || f.hasStackTrace) pAboveSmall = Math.max(pAboveSmall, knobs.hardTopicFloor);
  const need: Record<Tier, number> = { small: 1 - pAboveSmall, medium: pAboveSmall - pAboveMedium, large: pAboveMedium };

  // Relative tier prices on a request of this size; list-price ratios if a model is unpriced.
  const fallbackRelative: Record<Tier, number> = { small: 0.2, medium: 0.6, large: 1 };
  const priced = tiers.map((t) => typicalRequestCostUsd(modelTiers[t], f, options.priceOf));
  const price: Record<Tier, number> = priced.every((p) => p !== undefined && p > 0)
    ? { small: priced[0]!, medium: priced[1]!, large: priced[2]! }
    : fallbackRelative;

  // Expected cost of advising tier t: its price, plus for each higher tier the request might need,
  // a failed attempt's follow-up at penalty x that tier's price.
  let best: Tier = 'large';
  let bestLoss = Infinity;
  tiers.forEach((t, i) => {
    if (t === 'small' && pAboveSmall > knobs.smallMaxRisk) return; // not confident enough for the small tier
    let loss = price[t];
    for (const higher of tiers.slice(i + 1)) loss += need[higher] * penalty * (higher === 'large' ? knobs.largeMissScale : 1) * price[higher];
    if (loss < bestLoss - 1e-12) { best = t; bestLoss = loss; }
  });

  const advice: RouteAdvice = {
    tier: best,
    model: modelTiers[best],
    confidence: Math.min(0.99, Math.round(need[best] * 100) / 100),
    reason: adviceReason(best, f, terms.some((t) => t.why === 'scope'), options.phrases),
    kind: reading.kind,
    needProbability: need,
  };
  if (options.currentModel) {
    const current = typicalRequestCostUsd(options.currentModel, f, options.priceOf);
    const advised = typicalRequestCostUsd(modelTiers[best], f, options.priceOf);
    if (current !== undefined && advised !== undefined && current > 0) {
      advice.savingVsCurrentPct = Math.round((1 - advised / current) * 100);
    }
  }
  return advice;
}
