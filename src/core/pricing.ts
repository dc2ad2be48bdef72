import type { UsageEvent } from './usageEvent';

type GenaiPrices = typeof import('@pydantic/genai-prices');
let genaiPricesModule: GenaiPrices | undefined;

/**
 * The price data is loaded on the first lookup, not at start-up: it is ~30 ms of parsing,
 * which the CLI then spends while its scan threads read (a bundle of its own, see esbuild.config.mjs).
 */
function genaiPrices(): GenaiPrices {
  return (genaiPricesModule ??= require('@pydantic/genai-prices') as GenaiPrices);
}

/** Loads the price data now, while there is nothing else to do. */
export function loadPriceData(): void {
  genaiPrices();
}

/** USD per million tokens for each token kind. */
export interface TokenRates {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWrite5mPerMTok: number;
  cacheWrite1hPerMTok: number;
  cacheReadPerMTok: number;
}

export interface ModelRates extends TokenRates {
  /** Id of the price entry that matched, e.g. `claude-sonnet-4-5`. */
  priceId: string;
  /** Where the rates come from: the bundled price data or a user override. */
  origin: 'genai-prices' | 'override';
  /**
   * Anthropic bills the whole request at these rates once its total input
   * (input + cache writes + cache reads) exceeds `thresholdTokens`.
   */
  longContext?: { thresholdTokens: number; rates: TokenRates };
}

/** User-supplied rates for models the price data lacks or gets wrong, keyed by model-id prefix. */
export type PriceOverrides = Record<string, Partial<TokenRates> & { inputPerMTok: number; outputPerMTok: number }>;

interface Tiered { base: number; tiers: { start: number; price: number }[] }
type PriceValue = number | Tiered | undefined;

function baseOf(value: PriceValue): number | undefined {
  return typeof value === 'number' ? value : value?.base;
}

function firstTierOf(value: PriceValue): { start: number; price: number } | undefined {
  return typeof value === 'object' && value.tiers.length > 0 ? value.tiers[0] : undefined;
}

/** Fills the cache rates a price entry leaves out with Anthropic's published multipliers. */
function completeRates(input: number, output: number, partial: Partial<TokenRates>): TokenRates {
  return {
    inputPerMTok: input,
    outputPerMTok: output,
    cacheWrite5mPerMTok: partial.cacheWrite5mPerMTok ?? input * 1.25,
    cacheWrite1hPerMTok: partial.cacheWrite1hPerMTok ?? input * 2,
    cacheReadPerMTok: partial.cacheReadPerMTok ?? input * 0.1,
  };
}

function providerHint(model: string): string | undefined {
  if (model.startsWith('claude')) return 'anthropic';
  if (/^(gpt|o\d|codex)/.test(model)) return 'openai';
  if (model.startsWith('gemini')) return 'google';
  return undefined;
}

function lookUpPriceData(model: string): ModelRates | undefined {
  const hint = providerHint(model);
  const { calcPrice } = genaiPrices();
  let found = hint ? calcPrice({ input_tokens: 1 }, model, { providerId: hint }) : null;
  found ??= calcPrice({ input_tokens: 1 }, model);
  if (!found) return undefined;
  const price = found.model_price as Record<string, PriceValue>;
  const input = baseOf(price.input_mtok);
  const output = baseOf(price.output_mtok);
  if (input === undefined || output === undefined) return undefined;
  const rates = completeRates(input, output, {
    cacheWrite5mPerMTok: baseOf(price.cache_write_mtok),
    cacheWrite1hPerMTok: baseOf(price.cache_write_1h_mtok),
    cacheReadPerMTok: baseOf(price.cache_read_mtok),
  });
  const inputTier = firstTierOf(price.input_mtok);
  let longContext: ModelRates['longContext'];
  if (inputTier) {
    const tierPrice = (key: string, fallback: number) => firstTierOf(price[key])?.price ?? fallback;
    longContext = {
      thresholdTokens: inputTier.start,
      rates: {
        inputPerMTok: inputTier.price,
        outputPerMTok: tierPrice('output_mtok', rates.outputPerMTok),
        cacheWrite5mPerMTok: tierPrice('cache_write_mtok', rates.cacheWrite5mPerMTok),
        cacheWrite1hPerMTok: tierPrice('cache_write_1h_mtok', rates.cacheWrite1hPerMTok),
        cacheReadPerMTok: tierPrice('cache_read_mtok', rates.cacheReadPerMTok),
      },
    };
  }
  return { ...rates, priceId: found.model.id, origin: 'genai-prices', longContext };
}

type TokenCounts = Pick<UsageEvent, 'inputTokens' | 'outputTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens'>;

/** Cost in USD of one request's tokens at the given rates, applying whole-request long-context billing. */
export function costAtRates(tokens: TokenCounts, rates: ModelRates): number {
  const promptTokens = tokens.inputTokens + tokens.cacheWrite5mTokens + tokens.cacheWrite1hTokens + tokens.cacheReadTokens;
  const r = rates.longContext && promptTokens > rates.longContext.thresholdTokens ? rates.longContext.rates : rates;
  return (
    tokens.inputTokens * r.inputPerMTok +
    tokens.outputTokens * r.outputPerMTok +
    tokens.cacheWrite5mTokens * r.cacheWrite5mPerMTok +
    tokens.cacheWrite1hTokens * r.cacheWrite1hPerMTok +
    tokens.cacheReadTokens * r.cacheReadPerMTok
  ) / 1e6;
}

/**
 * Rates for every model seen, looked up once per model name. Unknown models
 * get `undefined`: callers count their tokens and show them as unpriced, never as $0.
 */
export class PriceTable {
  private readonly cache = new Map<string, ModelRates | undefined>();

  constructor(private readonly overrides: PriceOverrides = {}) {}

  ratesFor(model: string): ModelRates | undefined {
    if (this.cache.has(model)) return this.cache.get(model);
    const rates = this.overrideFor(model) ?? lookUpPriceData(model);
    this.cache.set(model, rates);
    return rates;
  }

  /** Cost in USD, or null when the model has no known price. A cost the agent logged wins. */
  costOf(event: UsageEvent): number | null {
    if (event.loggedCostUsd !== undefined) return event.loggedCostUsd;
    const rates = this.ratesFor(event.model);
    return rates ? costAtRates(event, rates) : null;
  }

  private overrideFor(model: string): ModelRates | undefined {
    let bestPrefix: string | undefined;
    for (const prefix of Object.keys(this.overrides)) {
      if (model.startsWith(prefix) && (bestPrefix === undefined || prefix.length > bestPrefix.length)) bestPrefix = prefix;
    }
    if (bestPrefix === undefined) return undefined;
    const o = this.overrides[bestPrefix];
    return { ...completeRates(o.inputPerMTok, o.outputPerMTok, o), priceId: bestPrefix, origin: 'override' };
  }
}

let defaultTable: PriceTable | undefined;
/** The shared table without overrides, for callers that have no settings (CLI helpers, tests). */
export function defaultPriceTable(): PriceTable {
  return (defaultTable ??= new PriceTable());
}

/** Cost in USD of one event with the bundled prices, or null when unpriced. */
export function costOfEvent(event: UsageEvent): number | null {
  return defaultPriceTable().costOf(event);
}
