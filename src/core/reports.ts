import type { Calendar } from './calendar';
import { costAtRates, type ModelRates, type PriceTable } from './pricing';
import { sourceNames, totalTokensOf, type SourceName, type UsageEvent } from './usageEvent';

/** Token and cost sums; field names follow ccusage's `--json` so its scripts keep working. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  /** Tokens of models without a known price: counted here, not in `totalCost`. */
  unpricedTokens: number;
}

export interface ModelBreakdown {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
  priced: boolean;
}

export function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, totalCost: 0, unpricedTokens: 0 };
}

type RowCounts = Pick<UsageEvent, 'inputTokens' | 'outputTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens' | 'webSearchRequests'>;

export function addEvent(totals: UsageTotals, event: RowCounts, costUsd: number | null): void {
  const tokens = totalTokensOf(event);
  totals.inputTokens += event.inputTokens;
  totals.outputTokens += event.outputTokens;
  totals.cacheCreationTokens += event.cacheWrite5mTokens + event.cacheWrite1hTokens;
  totals.cacheReadTokens += event.cacheReadTokens;
  totals.totalTokens += tokens;
  if (costUsd === null) totals.unpricedTokens += tokens;
  else totals.totalCost += costUsd;
}

/** Sums per group, with a per-model breakdown inside each group. */
class Bucket {
  readonly totals = emptyTotals();
  readonly byModel = new Map<string, { totals: UsageTotals; priced: boolean }>();
  firstMs = Infinity;
  lastMs = -Infinity;
  readonly agents = new Set<string>();
  readonly projects = new Set<string>();

  add(event: UsageEvent, costUsd: number | null): void {
    addEvent(this.totals, event, costUsd);
    let model = this.byModel.get(event.model);
    if (!model) this.byModel.set(event.model, (model = { totals: emptyTotals(), priced: costUsd !== null }));
    addEvent(model.totals, event, costUsd);
    if (event.timestampMs < this.firstMs) this.firstMs = event.timestampMs;
    if (event.timestampMs > this.lastMs) this.lastMs = event.timestampMs;
    if (event.agentId) this.agents.add(event.agentId);
    this.projects.add(event.project);
  }

  /**
   * For the daily and monthly reports, which read only the sums (see groupRows): the model's sums, made by its first
   * row (`costUsd` of that row: whether it is priced). The caller adds each row to them and to `totals`.
   */
  sumsOf(model: string, costUsd: number | null): UsageTotals {
    let sums = this.byModel.get(model);
    if (!sums) this.byModel.set(model, (sums = { totals: emptyTotals(), priced: costUsd !== null }));
    return sums.totals;
  }

  modelsUsed(): string[] {
    return [...this.byModel.keys()].sort();
  }

  modelBreakdowns(): ModelBreakdown[] {
    return [...this.byModel.entries()]
      .map(([modelName, { totals, priced }]) => ({
        modelName,
        inputTokens: totals.inputTokens,
        outputTokens: totals.outputTokens,
        cacheCreationTokens: totals.cacheCreationTokens,
        cacheReadTokens: totals.cacheReadTokens,
        cost: roundUsd(totals.totalCost),
        priced,
      }))
      .sort((a, b) => b.cost - a.cost || a.modelName.localeCompare(b.modelName));
  }
}

export interface ReportOptions {
  calendar: Calendar;
  prices: PriceTable;
  /** Inclusive bounds as `YYYY-MM-DD` (or `YYYYMMDD`) in the calendar's zone. */
  since?: string;
  until?: string;
  source?: SourceName | 'all';
}

function normaliseDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value;
}

function group(events: Iterable<UsageEvent>, options: ReportOptions, keyOf: (e: UsageEvent, dateKey: string) => string): { buckets: Map<string, Bucket>; totals: UsageTotals } {
  const since = normaliseDate(options.since);
  const until = normaliseDate(options.until);
  const buckets = new Map<string, Bucket>();
  const totals = emptyTotals();
  for (const event of events) {
    if (options.source && options.source !== 'all' && event.source !== options.source) continue;
    const dateKey = options.calendar.dateKey(event.timestampMs);
    if ((since && dateKey < since) || (until && dateKey > until)) continue;
    const key = keyOf(event, dateKey);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Bucket()));
    const cost = options.prices.costOf(event);
    bucket.add(event, cost);
    addEvent(totals, event, cost);
  }
  return { buckets, totals };
}

/**
 * A ledger's rows as numbers (`Ledger.eachRow`: core/ledger/rowLayout.ts's fields, names as indices into `nameOf`),
 * for reports that need only sums: no object per request.
 */
export interface UsageRows {
  eachRow(visit: (row: Float64Array, at: number) => void): void;
  nameOf(name: number): string;
}

/**
 * `group` by the row's local date, over rows as numbers: the same sums, added in the same order, through the same
 * functions (costAtRates, addEvent), so the report is the same to the last bit; rates looked up once per model
 * unless an alias makes them depend on the time. Buckets hold sums only (no agents, projects or times).
 */
function groupRows(rows: UsageRows, options: ReportOptions, keyOf: (dateKey: string) => string): { buckets: Map<string, Bucket>; totals: UsageTotals } {
  const since = normaliseDate(options.since);
  const until = normaliseDate(options.until);
  const { calendar, prices } = options;
  const wantedSource = options.source && options.source !== 'all' ? sourceNames.indexOf(options.source) : -1;
  const buckets = new Map<string, Bucket>();
  const totals = emptyTotals();
  // Per name index: the model's name and rates (undefined: no known price; 'by time': looked up per row).
  const models: Array<{ name: string; rates: ModelRates | undefined | 'by time' } | undefined> = [];
  const counts: RowCounts = { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, webSearchRequests: undefined };
  // The current local day (rows come in file order: mostly many of one day, then the next) and, within it, the last
  // model's sums: looked up once per change, not per row. An empty span until the first row.
  let dayStartMs = 0;
  let dayEndMs = 0;
  let dayWanted = false;
  let bucket: Bucket = new Bucket();
  let lastName = -1;
  let sums: UsageTotals | undefined;
  rows.eachRow((row, at) => {
    if (wantedSource !== -1 && row[at] !== wantedSource) return;
    const timeMs = row[at + 1];
    if (timeMs < dayStartMs || timeMs >= dayEndMs || Number.isNaN(timeMs)) {
      const day = calendar.localDayAt(timeMs);
      dayStartMs = day.startMs;
      dayEndMs = day.endMs;
      dayWanted = !((since && day.key < since) || (until && day.key > until));
      if (dayWanted) {
        const key = keyOf(day.key);
        const found = buckets.get(key);
        if (found) bucket = found;
        else buckets.set(key, (bucket = new Bucket()));
        sums = undefined;
      }
    }
    if (!dayWanted) return;
    const name = row[at + 5];
    let model = models[name];
    if (!model) {
      const modelName = rows.nameOf(name);
      model = models[name] = { name: modelName, rates: prices.ratesAtAnyTime(modelName) };
    }
    counts.inputTokens = row[at + 6];
    counts.outputTokens = row[at + 7];
    counts.cacheWrite5mTokens = row[at + 8];
    counts.cacheWrite1hTokens = row[at + 9];
    counts.cacheReadTokens = row[at + 10];
    counts.webSearchRequests = row[at + 12] > 0 ? row[at + 12] : undefined;
    // As PriceTable.costOf: a cost the agent logged (-1: none) wins.
    const rates = row[at + 11] !== -1 ? undefined : model.rates === 'by time' ? prices.ratesFor(model.name, timeMs) : model.rates;
    const cost = row[at + 11] !== -1 ? row[at + 11] : rates ? costAtRates(counts, rates) : null;
    if (!sums || name !== lastName) {
      sums = bucket.sumsOf(model.name, cost);
      lastName = name;
    }
    addEvent(bucket.totals, counts, cost);
    addEvent(sums, counts, cost);
    addEvent(totals, counts, cost);
  });
  return { buckets, totals };
}

const isRows = (input: Iterable<UsageEvent> | UsageRows): input is UsageRows => typeof (input as Partial<UsageRows>).eachRow === 'function';

/**
 * Order of ISO dates and times (`2026-11-03`, `2026-11`, `2026-11-03T09:46:28.999Z`): the same as `localeCompare`
 * for text of one layout, without starting ICU's collator (~9-10 ms of CPU in a CLI run: docs/benchmarks.md).
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Dollars to a nano-dollar: sums of the same requests in another order differ in the
 * last float bits, and a report should not change when files are read in parallel.
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

function publicTotals(t: UsageTotals) {
  return {
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheCreationTokens: t.cacheCreationTokens,
    cacheReadTokens: t.cacheReadTokens,
    totalTokens: t.totalTokens,
    totalCost: roundUsd(t.totalCost),
    ...(t.unpricedTokens > 0 ? { unpricedTokens: t.unpricedTokens } : {}),
  };
}

function unpricedModels(buckets: Map<string, Bucket>): string[] {
  const names = new Set<string>();
  for (const bucket of buckets.values()) for (const [model, { priced }] of bucket.byModel) if (!priced) names.add(model);
  return [...names].sort();
}

/**
 * Models priced as a stand-in (a new version of a known family, priced as its nearest known version)
 * and the date of the price data, so every report labels an estimate as one.
 */
function priceNotes(buckets: Map<string, Bucket>, prices: PriceTable) {
  const estimated = new Map<string, string>();
  for (const bucket of buckets.values()) {
    for (const [model, { priced }] of bucket.byModel) {
      const from = priced ? prices.ratesFor(model)?.estimatedFrom : undefined;
      if (from) estimated.set(model, from);
    }
  }
  return {
    priceDataDate: prices.dataDate,
    ...(estimated.size > 0 ? { estimatedPrices: [...estimated].sort(([a], [b]) => a.localeCompare(b)).map(([model, pricedAs]) => ({ model, pricedAs })) } : {}),
  };
}

/** Per-day usage; rows carry both ccusage 17's `date` and ccusage 20's `period`. From events, or a ledger's rows (faster). */
export function dailyReport(events: Iterable<UsageEvent> | UsageRows, options: ReportOptions) {
  const { buckets, totals } = isRows(events) ? groupRows(events, options, (dateKey) => dateKey) : group(events, options, (_, dateKey) => dateKey);
  const daily = [...buckets.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([date, b]) => ({
    date,
    period: date,
    ...publicTotals(b.totals),
    modelsUsed: b.modelsUsed(),
    modelBreakdowns: b.modelBreakdowns(),
  }));
  return { daily, totals: publicTotals(totals), unpricedModels: unpricedModels(buckets), ...priceNotes(buckets, options.prices) };
}

export function monthlyReport(events: Iterable<UsageEvent> | UsageRows, options: ReportOptions) {
  const { buckets, totals } = isRows(events) ? groupRows(events, options, (dateKey) => dateKey.slice(0, 7)) : group(events, options, (_, dateKey) => dateKey.slice(0, 7));
  const monthly = [...buckets.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([month, b]) => ({
    month,
    period: month,
    ...publicTotals(b.totals),
    modelsUsed: b.modelsUsed(),
    modelBreakdowns: b.modelBreakdowns(),
  }));
  return { monthly, totals: publicTotals(totals), unpricedModels: unpricedModels(buckets), ...priceNotes(buckets, options.prices) };
}

/** Per top-level session, sub-agents included; newest activity first. */
export function sessionReport(events: Iterable<UsageEvent>, options: ReportOptions) {
  const { buckets, totals } = group(events, options, (e) => `${e.source}\u0000${e.sessionId}`);
  const sessions = [...buckets.entries()]
    .map(([key, b]) => {
      const [source, sessionId] = key.split('\u0000');
      return {
        sessionId,
        period: sessionId,
        source,
        projectPath: [...b.projects][0] ?? '',
        firstActivity: new Date(b.firstMs).toISOString(),
        lastActivity: new Date(b.lastMs).toISOString(),
        subAgents: b.agents.size,
        ...publicTotals(b.totals),
        modelsUsed: b.modelsUsed(),
        modelBreakdowns: b.modelBreakdowns(),
      };
    })
    .sort((a, b) => byCodeUnits(b.lastActivity, a.lastActivity));
  return { sessions, totals: publicTotals(totals), unpricedModels: unpricedModels(buckets), ...priceNotes(buckets, options.prices) };
}

/** Per project (Claude's project folder or Codex's working directory), costliest first. */
export function projectReport(events: Iterable<UsageEvent>, options: ReportOptions) {
  const { buckets, totals } = group(events, options, (e) => e.project);
  const projects = [...buckets.entries()]
    .map(([project, b]) => ({ project, ...publicTotals(b.totals), modelsUsed: b.modelsUsed(), lastActivity: new Date(b.lastMs).toISOString() }))
    .sort((a, b) => b.totalCost - a.totalCost);
  return { projects, totals: publicTotals(totals) };
}

/** Per model, costliest first. */
export function modelReport(events: Iterable<UsageEvent>, options: ReportOptions) {
  const { buckets, totals } = group(events, options, (e) => e.model);
  const models = [...buckets.entries()]
    .map(([model, b]) => ({ model, ...publicTotals(b.totals), priced: b.byModel.get(model)?.priced ?? false }))
    .sort((a, b) => b.totalCost - a.totalCost || b.totalTokens - a.totalTokens);
  return { models, totals: publicTotals(totals) };
}

export const blockHours = 5;
const blockMs = blockHours * 3_600_000;

export interface UsageBlock {
  id: string;
  startMs: number;
  endMs: number;
  /** Time of the block's last request. */
  lastMs: number;
  isActive: boolean;
  entries: number;
  totals: UsageTotals;
  models: string[];
}

/**
 * Claude plans reset usage in 5-hour windows that start at the hour of the first
 * request after the previous window ended (ccusage's rule, so block ids match).
 */
export function usageBlocks(events: readonly UsageEvent[], prices: PriceTable, nowMs: number, source: SourceName | 'all' = 'all'): UsageBlock[] {
  return usageBlocksByTime([...events].sort((a, b) => a.timestampMs - b.timestampMs), prices, nowMs, source);
}

/** `usageBlocks` of events already in time order (ties in any fixed order), read once: a history need not be held. */
export function usageBlocksByTime(eventsByTime: Iterable<UsageEvent>, prices: PriceTable, nowMs: number, source: SourceName | 'all' = 'all'): UsageBlock[] {
  const blocks: UsageBlock[] = [];
  let current: (UsageBlock & { modelSet: Set<string> }) | undefined;
  for (const event of eventsByTime) {
    if (source !== 'all' && event.source !== source) continue;
    if (!current || event.timestampMs >= current.endMs || event.timestampMs - current.lastMs >= blockMs) {
      const startMs = Math.floor(event.timestampMs / 3_600_000) * 3_600_000;
      current = { id: new Date(startMs).toISOString(), startMs, endMs: startMs + blockMs, lastMs: event.timestampMs, isActive: false, entries: 0, totals: emptyTotals(), models: [], modelSet: new Set() };
      blocks.push(current);
    }
    current.entries++;
    current.lastMs = event.timestampMs;
    current.modelSet.add(event.model);
    addEvent(current.totals, event, prices.costOf(event));
  }
  return blocks.map((block) => {
    const { modelSet, ...rest } = block as UsageBlock & { modelSet?: Set<string> };
    return { ...rest, models: [...(modelSet ?? [])], isActive: nowMs < block.endMs && nowMs - block.lastMs < blockMs };
  });
}

export interface BurnRate {
  usdPerHour: number;
  tokensPerMinute: number;
}

/** Spend rate of a block from its start to `nowMs` (at least ten minutes, so one request is not a spike). */
export function blockBurnRate(block: UsageBlock, nowMs: number): BurnRate {
  const elapsedMs = Math.max(Math.min(nowMs, block.endMs) - block.startMs, 600_000);
  return { usdPerHour: (block.totals.totalCost / elapsedMs) * 3_600_000, tokensPerMinute: (block.totals.totalTokens / elapsedMs) * 60_000 };
}

/** The blocks report in ccusage's JSON shape, from events in time order (`Ledger.eachEventByTime`) or any order (an array). */
export function blocksReport(events: readonly UsageEvent[] | { byTime: Iterable<UsageEvent> }, prices: PriceTable, nowMs: number, source: SourceName | 'all' = 'all') {
  const blocks = 'byTime' in events ? usageBlocksByTime(events.byTime, prices, nowMs, source) : usageBlocks(events, prices, nowMs, source);
  return {
    blocks: blocks.map((block) => {
      const rate = block.isActive ? blockBurnRate(block, nowMs) : undefined;
      const remainingMinutes = Math.max(0, (block.endMs - nowMs) / 60_000);
      return {
        id: block.id,
        startTime: new Date(block.startMs).toISOString(),
        endTime: new Date(block.endMs).toISOString(),
        actualEndTime: new Date(block.lastMs).toISOString(),
        isActive: block.isActive,
        isGap: false,
        entries: block.entries,
        tokenCounts: {
          inputTokens: block.totals.inputTokens,
          outputTokens: block.totals.outputTokens,
          cacheCreationInputTokens: block.totals.cacheCreationTokens,
          cacheReadInputTokens: block.totals.cacheReadTokens,
        },
        totalTokens: block.totals.totalTokens,
        costUSD: roundUsd(block.totals.totalCost),
        models: block.models,
        burnRate: rate ? { costPerHour: rate.usdPerHour, tokensPerMinute: rate.tokensPerMinute } : null,
        projection: rate
          ? {
              totalTokens: Math.round(block.totals.totalTokens + rate.tokensPerMinute * remainingMinutes),
              totalCost: block.totals.totalCost + (rate.usdPerHour / 60) * remainingMinutes,
              remainingMinutes: Math.round(remainingMinutes),
            }
          : null,
      };
    }),
  };
}
