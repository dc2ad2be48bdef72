// The one status model. The editor's status bar, tooltip and dashboard, every CLI command and the MCP server
// call `computeStatus` with the same inputs and show its numbers through the Formatter; none of them combines
// limits on its own. Pure: `nowMs` is a parameter, no I/O.
import { withLocalSpend, type BudgetReading } from '../budgetReading';
import type { Calendar } from '../calendar';
import type { CodexCredits, CodexRateLimit } from '../codexRateLimits';
import type { PriceTable } from '../pricing';
import { sessionRoutingOf, type SessionRouting, type SessionRoutingInputs } from '../routing/sessionRouting';
import type { BudgetSettings } from '../settings';
import { computeEstimatedSpend, type BudgetLevel, type EstimatedSpend } from './estimatedSpend';
import type { UsageEvent } from '../usageEvent';
import type { StatusRollup } from './statusRollup';
import { levelOf, limitsOfCaps, limitsOfCodex, limitsOfCodexCredits, limitsOfPlanWindows, limitsOfReadings, tightestLimit, type Limit, type PlanWindowInput } from './limit';

export interface StatusInputs {
  /** The ledger's events (any order). */
  events: readonly UsageEvent[];
  prices: PriceTable;
  calendar: Calendar;
  budget: BudgetSettings;
  nowMs: number;
  /** Budget endpoint readings as polled; moved here by the spend the logs saw since each was fetched. */
  readings?: readonly BudgetReading[];
  /**
   * The rows that move the readings: at least every row after the oldest reading's fetch (default `events`). The
   * editor passes those alone, and for `events` the last rows the session routing reads, not every row of the history.
   */
  readingEvents?: readonly UsageEvent[];
  /** Claude status-line windows, Copilot premium requests. */
  planWindows?: readonly PlanWindowInput[];
  /** Codex rate limits from its rollouts (default: none). */
  codexLimits?: readonly CodexRateLimit[];
  /** Codex credits from its rollouts (default: none). */
  codexCredits?: CodexCredits;
  /** Closed history summed (then `events` are the rows from its end on; see computeEstimatedSpend). */
  closed?: StatusRollup;
  /** The totals for these same events and `nowMs` when the caller already has them (the editor's scan). */
  estimatedSpend?: EstimatedSpend;
  /** Tiers, hint setting and the agent's retry phrases for the session in progress; without it, no routing part. */
  routing?: Omit<SessionRoutingInputs, 'priceOf'>;
}

/** Everything the status bar, its tooltip, the dashboard's limit cards and `tokenmeter status --json` show. */
export interface Status {
  nowMs: number;
  /** Spend today / this week / this month, the live 5-hour block, local caps as budgets. */
  estimatedSpend: EstimatedSpend;
  /** Every limit in force, local caps first, then endpoints, then official windows. */
  limits: Limit[];
  /** The limit closest to stopping the user (`tightestLimit`). */
  tightest?: Limit;
  /** The tightest limit's level; 'idle' with no events and no limit. */
  level: BudgetLevel | 'idle';
  /** The session in progress and its routing hint (a cheaper model would do / the cheap one is thrashing). */
  routing?: SessionRouting;
}

/** Moves each endpoint reading by the spend the logs saw since it was fetched (reconciled at the next poll). */
export function readingsWithLocalSpend(readings: readonly BudgetReading[], events: readonly UsageEvent[], prices: PriceTable): BudgetReading[] {
  if (readings.length === 0) return [];
  const since = Math.min(...readings.map((r) => r.fetchedAtMs));
  const later: { t: number; usd: number }[] = [];
  for (const e of events) if (e.timestampMs > since) later.push({ t: e.timestampMs, usd: prices.costOf(e) ?? 0 });
  if (later.length === 0) return [...readings];
  return readings.map((r) => withLocalSpend(r, later.reduce((sum, x) => (x.t > r.fetchedAtMs ? sum + x.usd : sum), 0)));
}

/** The status at `nowMs`: totals, every limit with origin and pace, the tightest one and its level. */
export function computeStatus(input: StatusInputs): Status {
  const { nowMs, budget } = input;
  // Endpoint readings add the spend logged since each was fetched: that needs rows, not the rollup's sums.
  if (input.closed && input.readings?.some((r) => r.fetchedAtMs < input.closed!.beforeMs)) throw new Error('a budget reading older than the status rollup needs the rows before it');
  const estimatedSpend = input.estimatedSpend ?? computeEstimatedSpend(input.events, {
    prices: input.prices, calendar: input.calendar, nowMs, budget, officialLimits: [...(input.codexLimits ?? [])], closed: input.closed,
  });
  const limits = [
    ...limitsOfCaps(estimatedSpend.budgets, nowMs),
    ...limitsOfReadings(readingsWithLocalSpend(input.readings ?? [], input.readingEvents ?? input.events, input.prices)),
    ...limitsOfPlanWindows(input.planWindows ?? [], nowMs),
    ...limitsOfCodex(input.codexLimits ?? estimatedSpend.official, nowMs),
    ...limitsOfCodexCredits(input.codexCredits),
  ];
  const routing = input.routing && sessionRoutingOf(input.events, nowMs, { ...input.routing, priceOf: (m) => input.prices.ratesFor(m) });
  return { nowMs, estimatedSpend, limits, ...tightestOf(estimatedSpend, limits, budget), ...(routing ? { routing } : {}) };
}

/** The tightest limit and its level; a local cap keeps the estimated spend's level (same thresholds, 'idle' without events). */
export function tightestOf(
  estimatedSpend: Pick<EstimatedSpend, 'level'>,
  limits: readonly Limit[],
  budget: Pick<BudgetSettings, 'warnAtPercent' | 'errorAtPercent'>,
): Pick<Status, 'tightest' | 'level'> {
  const tightest = tightestLimit(limits);
  const level = !tightest || tightest.origin === 'estimated' ? estimatedSpend.level : levelOf(tightest.usedFraction!, budget.warnAtPercent, budget.errorAtPercent);
  return { tightest, level };
}
