import bundledAdjustments from './data/priceAdjustments.json';

/**
 * Price facts the price package lacks, as data with a date (src/core/data/priceAdjustments.json):
 * speed multipliers keyed by price id and speed, dated aliases for model ids that name a
 * product rather than a model, and the default routing tiers of the current lineup.
 */
export interface SpeedEntry {
  priceId: string;
  speed: string;
  multiplier: number;
  longContext?: { thresholdTokens: number; inputMultiplier: number; outputMultiplier: number };
  source: string;
}
export interface AliasEntry {
  model: string;
  /** `YYYY-MM-DD`: the alias applies to requests from this UTC day on. */
  since: string;
  priceAs: string;
  source: string;
}
export interface PriceAdjustments {
  dataDate: string;
  speeds: SpeedEntry[];
  aliases: AliasEntry[];
  routingTiers: { small: string; medium: string; large: string };
  /** GitHub Copilot bills AI credits instead of premium requests from this UTC day on. */
  copilot: { aiCreditsSince: string; usdPerAiCredit: number; source: string };
}

/**
 * The adjustments shipped with this build. Not parsed at load (the CLI's fast paths do not load zod):
 * a unit test validates the file against `priceAdjustmentsSchema` (priceDataSchema.ts).
 */
export const priceAdjustments: PriceAdjustments = bundledAdjustments;

/** Default small / medium / large routing models, from the dated price data. */
export const defaultRoutingTiers = priceAdjustments.routingTiers;

/** Speeds that have a price entry, e.g. `fast`; a model id ending in `-<speed>` is that speed. */
export function knownSpeeds(data: PriceAdjustments = priceAdjustments): string[] {
  return [...new Set(data.speeds.map((s) => s.speed))];
}

/** Splits `claude-opus-4-6-fast` into the model and its speed; ids without a known speed suffix are standard. */
export function splitSpeed(model: string, data: PriceAdjustments = priceAdjustments): { model: string; speed: string | undefined } {
  for (const speed of knownSpeeds(data)) {
    if (model.endsWith(`-${speed}`)) return { model: model.slice(0, -speed.length - 1), speed };
  }
  return { model, speed: undefined };
}

/** The alias in force for `model` at `timestampMs`: the latest entry whose `since` day has begun. */
export function aliasFor(model: string, timestampMs: number, data: PriceAdjustments = priceAdjustments): AliasEntry | undefined {
  let best: AliasEntry | undefined;
  for (const entry of data.aliases) {
    if (entry.model !== model || Date.parse(`${entry.since}T00:00:00Z`) > timestampMs) continue;
    if (!best || entry.since > best.since) best = entry;
  }
  return best;
}
