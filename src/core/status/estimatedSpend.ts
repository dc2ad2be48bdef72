import { periodAt, type Calendar, type PeriodKind } from '../calendar';
import type { CodexRateLimit } from '../codexRateLimits';
import type { PriceTable } from '../pricing';
import { blockBurnRate, usageBlocks, type UsageTotals } from '../reports';
import type { BudgetSettings } from '../settings';
import { totalTokensOf, type UsageEvent } from '../usageEvent';
import { addExact, exactValue, type ExactSum } from './exactSum';
import { addRollupSince, rollupCovers, rollupRequestsSince, statusWindowStartMs, type PeriodSums, type StatusRollup } from './statusRollup';

export { statusWindowMs, statusWindowStartMs } from './statusRollup';

export type BudgetLevel = 'ok' | 'warning' | 'error' | 'exceeded';

/** One spending cap and where it stands. */
export interface BudgetState {
  period: PeriodKind;
  unit: 'usd' | 'tokens';
  limit: number;
  spent: number;
  remaining: number;
  /** spent / limit. */
  fraction: number;
  level: BudgetLevel;
  periodStartMs: number;
  periodEndMs: number;
  /** When the cap is reached at the current burn rate, if that happens before the period ends. */
  projectedExhaustMs?: number;
}

export interface ModelSpend {
  model: string;
  costUsd: number;
  tokens: number;
  priced: boolean;
}

export interface BlockState {
  startMs: number;
  endMs: number;
  costUsd: number;
  tokens: number;
  usdPerHour: number;
  tokensPerMinute: number;
}

/** Everything the status bar, its tooltip and `tokenmeter status --json` show. */
export interface EstimatedSpend {
  nowMs: number;
  timeZone: string;
  /** Every number here is computed from local logs and prices, not reported by a provider. */
  origin: 'estimated';
  today: UsageTotals;
  week: UsageTotals;
  month: UsageTotals;
  todayByModel: ModelSpend[];
  block?: BlockState;
  budgets: BudgetState[];
  tightest?: BudgetState;
  level: BudgetLevel | 'idle';
  unpricedModels: string[];
  /** Plan limits as the provider reported them (Codex rate limits): official, not estimated. */
  official: (CodexRateLimit & { source: 'codex' })[];
  requestCount: number;
}

function levelOf(fraction: number, budget: BudgetSettings): BudgetLevel {
  if (fraction >= 1) return 'exceeded';
  if (fraction * 100 >= budget.errorAtPercent) return 'error';
  if (fraction * 100 >= budget.warnAtPercent) return 'warning';
  return 'ok';
}

const levelRank: Record<BudgetLevel, number> = { ok: 0, warning: 1, error: 2, exceeded: 3 };

const emptySums = (): PeriodSums => ({ requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, unpricedTokens: 0, costUsd: [] });

function addToSums(sums: PeriodSums, event: UsageEvent, costUsd: number | null): void {
  const tokens = totalTokensOf(event);
  sums.requests++;
  sums.inputTokens += event.inputTokens;
  sums.outputTokens += event.outputTokens;
  sums.cacheCreationTokens += event.cacheWrite5mTokens + event.cacheWrite1hTokens;
  sums.cacheReadTokens += event.cacheReadTokens;
  sums.totalTokens += tokens;
  if (costUsd === null) sums.unpricedTokens += tokens;
  else addExact(sums.costUsd, costUsd);
}

function totalsOf(sums: PeriodSums): UsageTotals {
  const { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalTokens, unpricedTokens } = sums;
  return { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalTokens, totalCost: exactValue(sums.costUsd), unpricedTokens };
}

/**
 * The status bar's numbers from the logs alone at `nowMs` (origin: estimated): spend today / this week / this month,
 * the current 5-hour block with its burn rate, and each configured cap with a projection. `events`: the rows of
 * the status window (`statusWindowStartMs`) on; with `closed` (a rollup), only the rows from its `beforeMs` on, the older
 * ones read from the rollup (same result; it must cover `nowMs`, see rollupCovers).
 */
export function computeEstimatedSpend(
  events: readonly UsageEvent[],
  options: { prices: PriceTable; calendar: Calendar; nowMs: number; budget: BudgetSettings; officialLimits?: CodexRateLimit[]; closed?: StatusRollup },
): EstimatedSpend {
  const { prices, calendar, nowMs, budget, closed } = options;
  if (closed && !rollupCovers(closed, calendar, budget, nowMs)) throw new Error('the status rollup does not cover this time, zone or period settings');
  const periodOptions = { weekStartsOn: budget.weekStartsOn, resetDayOfMonth: budget.resetDayOfMonth };
  const day = periodAt(calendar, 'day', nowMs);
  const week = periodAt(calendar, 'week', nowMs, periodOptions);
  const month = periodAt(calendar, 'month', nowMs, periodOptions);
  const sums = { day: emptySums(), week: emptySums(), month: emptySums() };
  const bounds = { day, week, month };
  // Exact cost sums too (exactSum.ts): a cold scan and a restored index hand the same rows in different orders.
  const byModel = new Map<string, ModelSpend & { costParts: ExactSum }>();
  const unpriced = new Set<string>();
  const recentStartMs = Math.min(day.startMs, week.startMs, month.startMs, nowMs - 6 * 3_600_000);
  const recent: UsageEvent[] = [];

  for (const event of events) {
    if (event.timestampMs < recentStartMs || event.timestampMs > nowMs + 60_000) continue;
    recent.push(event);
    const cost = prices.costOf(event);
    if (cost === null) unpriced.add(event.model);
    for (const kind of ['day', 'week', 'month'] as const) {
      if (event.timestampMs >= bounds[kind].startMs && event.timestampMs < bounds[kind].endMs) addToSums(sums[kind], event, cost);
    }
    if (event.timestampMs >= day.startMs) {
      let spend = byModel.get(event.model);
      if (!spend) byModel.set(event.model, (spend = { model: event.model, costUsd: 0, tokens: 0, priced: cost !== null, costParts: [] }));
      if (cost !== null) addExact(spend.costParts, cost);
      spend.tokens += totalTokensOf(event);
    }
  }

  let requestCount = events.length;
  if (closed) {
    // Rows before the rollup's end: its slots from each period's start (a segment start, checked above).
    const rollup = closed;
    for (const kind of ['day', 'week', 'month'] as const) {
      if (bounds[kind].startMs < rollup.beforeMs) addRollupSince(rollup, bounds[kind].startMs, sums[kind]);
    }
    if (recentStartMs < rollup.beforeMs) addRollupSince(rollup, recentStartMs, emptySums(), unpriced);
    requestCount += rollupRequestsSince(rollup, statusWindowStartMs(nowMs));
  }
  const totals = { day: totalsOf(sums.day), week: totalsOf(sums.week), month: totalsOf(sums.month) };

  const active = usageBlocks(recent.filter((e) => e.timestampMs >= nowMs - 10 * 3_600_000), prices, nowMs).find((b) => b.isActive);
  let block: BlockState | undefined;
  if (active) {
    const rate = blockBurnRate(active, nowMs);
    block = { startMs: active.startMs, endMs: active.endMs, costUsd: active.totals.totalCost, tokens: active.totals.totalTokens, ...rate };
  }

  const budgets: BudgetState[] = [];
  const caps: [PeriodKind, BudgetState['unit'], number | undefined][] = [
    ['day', 'usd', budget.dailyUsd],
    ['week', 'usd', budget.weeklyUsd],
    ['month', 'usd', budget.monthlyUsd],
    ['day', 'tokens', budget.dailyTokens],
    ['week', 'tokens', budget.weeklyTokens],
    ['month', 'tokens', budget.monthlyTokens],
  ];
  for (const [period, unit, limit] of caps) {
    if (limit === undefined) continue;
    const spentTotals = totals[period];
    const spent = unit === 'usd' ? spentTotals.totalCost : spentTotals.totalTokens;
    const fraction = spent / limit;
    const state: BudgetState = { period, unit, limit, spent, remaining: Math.max(0, limit - spent), fraction, level: levelOf(fraction, budget), periodStartMs: bounds[period].startMs, periodEndMs: bounds[period].endMs };
    // Daily caps follow the live block's rate; longer periods their average so far.
    const perMs =
      period === 'day' && block
        ? (unit === 'usd' ? block.usdPerHour / 3_600_000 : block.tokensPerMinute / 60_000)
        : spent / Math.max(nowMs - bounds[period].startMs, 3_600_000);
    if (fraction < 1 && perMs > 0) {
      const exhaustMs = nowMs + (limit - spent) / perMs;
      if (exhaustMs < state.periodEndMs) state.projectedExhaustMs = exhaustMs;
    }
    budgets.push(state);
  }
  const tightest = budgets.reduce<BudgetState | undefined>(
    (worst, b) => (!worst || levelRank[b.level] > levelRank[worst.level] || (levelRank[b.level] === levelRank[worst.level] && b.fraction > worst.fraction) ? b : worst),
    undefined,
  );

  return {
    nowMs,
    timeZone: calendar.timeZone,
    origin: 'estimated',
    today: totals.day,
    week: totals.week,
    month: totals.month,
    todayByModel: [...byModel.values()].map(({ costParts, ...spend }) => ({ ...spend, costUsd: exactValue(costParts) })).sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens),
    block,
    budgets,
    tightest,
    level: tightest ? tightest.level : requestCount === 0 ? 'idle' : 'ok',
    unpricedModels: [...unpriced].sort(),
    official: (options.officialLimits ?? []).map((limit) => ({ ...limit, source: 'codex' as const })),
    requestCount,
  };
}
