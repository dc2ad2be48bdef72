/** Model tiers, the models that serve them, and their prices (from `pricing.ts`). */
import { defaultRoutingTiers } from '../priceData';
import { defaultPriceTable, type TokenRates } from '../pricing';

export type Tier = 'small' | 'medium' | 'large';
export const tiers: readonly Tier[] = ['small', 'medium', 'large'];
export type Aggressiveness = 'conservative' | 'balanced' | 'aggressive';

/** Which model serves each tier. */
export interface ModelTiers { small: string; medium: string; large: string }
/** Default models per tier: the lineup of the dated price data (`data/priceAdjustments.json`). */
export const defaultModelTiers: ModelTiers = {
  small: defaultRoutingTiers.small,
  medium: defaultRoutingTiers.medium,
  large: defaultRoutingTiers.large,
};

export type { TokenRates };
/** Rates for a model (e.g. `(m) => priceTable.ratesFor(m)` from `pricing.ts`); undefined = unpriced. */
export type PriceOf = (model: string) => TokenRates | undefined | null;

/** The bundled price data (`pricing.ts`), for callers that have no settings-aware table. */
export const fallbackPriceOf: PriceOf = (model) => defaultPriceTable().ratesFor(model);

/** Rates for `model` from `priceOf`, else the bundled price data. */
export function ratesOf(model: string, priceOf?: PriceOf): TokenRates | undefined {
  return priceOf?.(model) ?? fallbackPriceOf(model) ?? undefined;
}

/** "claude-haiku-4-5" -> "Haiku"; other ids are returned as they are. */
export function modelDisplayName(model: string): string {
  const m = /(haiku|sonnet|opus)/i.exec(model);
  return m ? m[1][0].toUpperCase() + m[1].slice(1).toLowerCase() : model;
}

/** The tier a model serves: the configured models first, then the Claude family name. */
export function tierOfModel(model: string, modelTiers: ModelTiers): Tier | undefined {
  if (model === modelTiers.large) return 'large';
  if (model === modelTiers.medium) return 'medium';
  if (model === modelTiers.small) return 'small';
  const m = model.toLowerCase();
  if (m.includes('opus')) return 'large';
  if (m.includes('sonnet')) return 'medium';
  if (m.includes('haiku')) return 'small';
  return undefined;
}
