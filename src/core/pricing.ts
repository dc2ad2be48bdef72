import { aliasFor, priceAdjustments, splitSpeed, type PriceAdjustments } from './priceData';
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

/**
 * The bundled price data's answer for each model id and each name its match rules spell, found at build time by
 * findPrice itself (`priceMemoText`, written to dist/priceMemo.js by esbuild.config.mjs): one line per name,
 * `name<TAB>[priceId, model_price]`. A run that prices models the data knows reads a line of it each instead of
 * loading the price package, ~40 ms of CPU on every cold start (JSON.parse of 341 KB, collecting what it made, the
 * package's unit registry). Left out: names found in no provider (the family fallback reads the package) and
 * models whose price depends on the time of day. Not from the sources (tests): there the package answers.
 */
let priceMemo: string | undefined;

function priceMemoLines(): string {
  if (priceMemo === undefined) {
    try {
      // Resolved to dist/priceMemo.js in the bundles (esbuild.plugins.mjs, separateBundles).
      priceMemo = require('tokenmeter-price-memo') as string;
    } catch (error) {
      // From the sources, or bundles made without it (tests' own), there is no memo: the package answers every lookup.
      // (ENOENT: the MCP server and warm status load bundles through V8's code cache, which reads each file itself.)
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ENOENT') throw error;
      priceMemo = '';
    }
  }
  return priceMemo;
}

/** Uses `text` as the price memo (`priceMemoText()`; '' for none), for tests. */
export function usePriceMemo(text: string): void {
  priceMemo = text;
}

/** What findPrice found for `model` by the memo, or undefined when the memo does not say (the package decides). */
function memoFound(model: string): FoundPrice | undefined {
  const memo = priceMemoLines();
  // A logged name with a tab or line end in it is not a name of the data (nor could it be looked up in the memo).
  if (memo === '' || model.includes('\t') || model.includes('\n')) return undefined;
  const key = `\n${model}\t`;
  const at = memo.indexOf(key);
  if (at === -1) return undefined;
  const from = at + key.length;
  const [id, price, dated] = JSON.parse(memo.slice(from, memo.indexOf('\n', from))) as [string, unknown, Array<[string | null, unknown]> | undefined];
  return { model: { id }, model_price: dated ? datedPrice(dated, new Date()) : price };
}

/**
 * The price of a model whose prices start on dates, at `now`: the package's own choice (its calcPrice takes the time
 * of the call when given none, as findPrice does): the last entry without a date or whose date has come, else the first.
 */
function datedPrice(dated: Array<[string | null, unknown]>, now: Date): unknown {
  for (let i = dated.length - 1; i >= 0; i--) {
    const [startDate, price] = dated[i];
    if (startDate === null || now >= new Date(startDate)) return price;
  }
  return dated[0][1];
}

/**
 * Model ids as agents log them that the price data matches by a prefix rule only, so that no rule spells them: the
 * memo holds findPrice's own answer for these too (Claude Code logs Opus 4.5 as `claude-opus-4-5-20251101`; before,
 * every cold run with it loaded the whole price package, 15–27 ms of the report in profiles, session 20).
 */
const loggedModelIds = [
  'claude-opus-4-5-20251101', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-1-20250805',
  'claude-opus-4-20250514', 'claude-sonnet-4-20250514', 'claude-3-7-sonnet-20250219', 'claude-3-5-haiku-20241022',
];

/**
 * The memo's text: findPrice of every model id and match-rule name of `providers` (the bundled data, without
 * refreshed data) and of `loggedModelIds`, where it finds a model whose price is one for all times. Run at build time
 * (esbuild.config.mjs).
 */
export function priceMemoText(providers: ReadonlyArray<{ models: ReadonlyArray<{ id: string; match?: unknown }> }>): string {
  const names = new Set<string>(loggedModelIds);
  const spelled = (rule: unknown): void => {
    if (typeof rule === 'string') names.add(rule);
    else if (rule && typeof rule === 'object') for (const value of Object.values(rule)) spelled(value);
  };
  for (const provider of providers) {
    for (const model of provider.models) {
      names.add(model.id);
      spelled(model.match);
    }
  }
  let text = '\n';
  for (const name of [...names].sort()) {
    if (name.includes('\t') || name.includes('\n')) continue;
    const found = findPrice(name, undefined);
    if (!found) continue;
    const prices = (found.model as { prices?: unknown }).prices;
    if (!Array.isArray(prices)) text += `${name}\t${JSON.stringify([found.model.id, found.model_price])}\n`;
    // Prices from a date on: each with its first day, chosen at run time as the package chooses (datedPrice).
    else if (prices.every((p: { constraint?: { type?: string } }) => p.constraint === undefined || p.constraint.type === 'start_date')) {
      text += `${name}\t${JSON.stringify([found.model.id, null, prices.map((p: { constraint?: { start_date: string }; prices: unknown }) => [p.constraint?.start_date ?? null, p.prices])])}\n`;
    }
  }
  return text;
}

/** Loads the price data now, while there is nothing else to do (the memo: the package loads on a name it lacks). */
export function loadPriceData(): void {
  priceMemoLines();
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
  /** Where the rates come from: the bundled price data, refreshed price data, or a user override. */
  origin: 'genai-prices' | 'override';
  /**
   * Set when the rates are a stand-in: a new version of a known family priced as its nearest known
   * version (`claude-fable-5-2` as `claude-fable-5-1`) until the price data knows it. Shown as estimated.
   */
  estimatedFrom?: string;
  /** A speed other than standard (`fast`), already applied to these rates. */
  speed?: string;
  /** USD per server-side web search (Anthropic lists $10 per 1,000). */
  webSearchUsd?: number;
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

type Provider = import('@pydantic/genai-prices').Provider;

/** Price data fetched later than the bundled package (see sources/priceDataRefresh.ts), with its date. */
export interface RefreshedPriceData {
  providers: Provider[];
  /** `YYYY-MM-DD` of the data (its fetch day when the file carries none). */
  dataDate: string;
}

function findPrice(model: string, refreshed: RefreshedPriceData | undefined) {
  const hint = providerHint(model);
  const { calcPrice } = genaiPrices();
  if (refreshed) {
    const ordered = hint ? [...refreshed.providers.filter((p) => p.id === hint), ...refreshed.providers.filter((p) => p.id !== hint)] : refreshed.providers;
    for (const provider of ordered) {
      const found = calcPrice({ input_tokens: 1 }, model, { provider });
      if (found) return found;
    }
  }
  let found = hint ? calcPrice({ input_tokens: 1 }, model, { providerId: hint }) : null;
  found ??= calcPrice({ input_tokens: 1 }, model);
  return found;
}

/** What lookUpPriceData reads of a price the data has for a model: the entry's id and its prices. */
interface FoundPrice {
  model: { id: string };
  model_price: unknown;
}

function lookUpPriceData(model: string, refreshed: RefreshedPriceData | undefined): ModelRates | undefined {
  const found: FoundPrice | null = (refreshed ? undefined : memoFound(model)) ?? findPrice(model, refreshed);
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
  const webSearchesPerThousand = baseOf(price.web_searches_kcount);
  return {
    ...rates, priceId: found.model.id, origin: 'genai-prices', longContext,
    ...(webSearchesPerThousand !== undefined ? { webSearchUsd: webSearchesPerThousand / 1000 } : {}),
  };
}

/** `claude-fable-5-2-20261109` → family `claude-fable-`, version [5, 2]; `gpt-5.3-codex` → `gpt-|-codex`, [5, 3]. */
function versionOf(id: string): { family: string; version: number[] } | undefined {
  const match = /^([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-(\d{1,2})(?:[.-](\d{1,2}))?((?:-[a-z][a-z0-9]*)*)(?:-\d{8})?$/.exec(id);
  if (!match) return undefined;
  return { family: `${match[1]}-|${match[4]}`, version: [Number(match[2]), match[3] === undefined ? 0 : Number(match[3])] };
}

function compareVersions(a: number[], b: number[]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Every price id the data knows, refreshed data first. */
function knownPriceIds(refreshed: RefreshedPriceData | undefined): string[] {
  const providers: Provider[] = [...(refreshed?.providers ?? []), ...['anthropic', 'openai', 'google'].map((id) => genaiPrices().findProvider({ providerId: id })).filter((p): p is Provider => p !== undefined)];
  return providers.flatMap((p) => p.models.map((m) => m.id));
}

/**
 * A new version of a known family, priced as the nearest known version below it (else above it),
 * labelled as estimated. Never a code branch per model: the family and versions come from the ids.
 */
function familyFallback(model: string, refreshed: RefreshedPriceData | undefined): ModelRates | undefined {
  const wanted = versionOf(model);
  if (!wanted) return undefined;
  let below: { id: string; version: number[] } | undefined;
  let above: { id: string; version: number[] } | undefined;
  for (const id of knownPriceIds(refreshed)) {
    const known = versionOf(id);
    if (!known || known.family !== wanted.family) continue;
    const order = compareVersions(known.version, wanted.version);
    if (order < 0 && (!below || compareVersions(known.version, below.version) > 0)) below = { id, version: known.version };
    if (order > 0 && (!above || compareVersions(known.version, above.version) < 0)) above = { id, version: known.version };
  }
  const nearest = below ?? above;
  if (!nearest) return undefined;
  const rates = lookUpPriceData(nearest.id, refreshed);
  return rates && { ...rates, estimatedFrom: rates.priceId };
}

/** Rates at a speed: the speed's multiplier from the price data, or undefined when the data has none (never the standard rate). */
function atSpeed(rates: ModelRates, speed: string, data: PriceAdjustments): ModelRates | undefined {
  const entry = data.speeds.find((s) => s.priceId === rates.priceId && s.speed === speed);
  if (!entry) return undefined;
  const times = (r: TokenRates, inputX: number, outputX: number): TokenRates => ({
    inputPerMTok: r.inputPerMTok * inputX,
    outputPerMTok: r.outputPerMTok * outputX,
    cacheWrite5mPerMTok: r.cacheWrite5mPerMTok * inputX,
    cacheWrite1hPerMTok: r.cacheWrite1hPerMTok * inputX,
    cacheReadPerMTok: r.cacheReadPerMTok * inputX,
  });
  const longContext = entry.longContext
    ? { thresholdTokens: entry.longContext.thresholdTokens, rates: times(rates, entry.longContext.inputMultiplier, entry.longContext.outputMultiplier) }
    : rates.longContext && { thresholdTokens: rates.longContext.thresholdTokens, rates: times(rates.longContext.rates, entry.multiplier, entry.multiplier) };
  return { ...rates, ...times(rates, entry.multiplier, entry.multiplier), longContext, speed };
}

type TokenCounts = Pick<UsageEvent, 'inputTokens' | 'outputTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens' | 'webSearchRequests'>;

/**
 * Cost in USD of one request's tokens at the given rates, applying whole-request long-context billing,
 * plus its server-side web searches at the per-search price.
 */
export function costAtRates(tokens: TokenCounts, rates: ModelRates): number {
  return tokenCostAtRates(tokens, rates) + (tokens.webSearchRequests ?? 0) * (rates.webSearchUsd ?? 0);
}

function tokenCostAtRates(tokens: TokenCounts, rates: ModelRates): number {
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
  private readonly adjustments: PriceAdjustments;
  private readonly refreshed: RefreshedPriceData | undefined;

  constructor(private readonly overrides: PriceOverrides = {}, options: { refreshed?: RefreshedPriceData; adjustments?: PriceAdjustments } = {}) {
    this.refreshed = options.refreshed;
    this.adjustments = options.adjustments ?? priceAdjustments;
  }

  /** Date of the price data in use: the refreshed data's, else the bundled adjustments'. Shown beside costs. */
  get dataDate(): string {
    return this.refreshed && this.refreshed.dataDate > this.adjustments.dataDate ? this.refreshed.dataDate : this.adjustments.dataDate;
  }

  /**
   * Rates for a model id as logged. `claude-opus-4-6-fast` is Opus 4.6 at the fast multiplier;
   * an aliased id (`codex-auto-review`) is priced as the model it ran on at `atMs` (default: the latest alias).
   */
  ratesFor(model: string, atMs = Number.MAX_SAFE_INTEGER): ModelRates | undefined {
    const alias = aliasFor(model, atMs, this.adjustments);
    const key = alias ? `${model}\u0000${alias.since}` : model;
    if (this.cache.has(key)) return this.cache.get(key);
    const rates = this.lookUp(alias ? alias.priceAs : model);
    this.cache.set(key, rates);
    return rates;
  }

  /**
   * `ratesFor(model, atMs)` when it is the same at every time (no alias names the model), else 'by time': a report
   * over many requests of one model then looks its rates up once.
   */
  ratesAtAnyTime(model: string): ModelRates | undefined | 'by time' {
    return this.adjustments.aliases.some((entry) => entry.model === model) ? 'by time' : this.ratesFor(model);
  }

  /** Cost in USD, or null when the model has no known price. A cost the agent logged wins. */
  costOf(event: UsageEvent): number | null {
    if (event.loggedCostUsd !== undefined) return event.loggedCostUsd;
    const rates = this.ratesFor(event.model, event.timestampMs);
    return rates ? costAtRates(event, rates) : null;
  }

  private lookUp(model: string): ModelRates | undefined {
    const override = this.overrideFor(model);
    if (override) return override;
    const { model: base, speed } = splitSpeed(model, this.adjustments);
    const standard = lookUpPriceData(base, this.refreshed) ?? familyFallback(base, this.refreshed);
    if (speed === undefined) return standard;
    const fast = standard && atSpeed(standard, speed, this.adjustments);
    if (fast) return fast;
    // A model whose own id ends in the speed (`grok-4-fast`) has its own price entry; a known model
    // at a speed the data has no multiplier for stays unpriced rather than billed at the standard rate.
    const own = lookUpPriceData(model, this.refreshed);
    return own && own.priceId !== standard?.priceId ? own : undefined;
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
