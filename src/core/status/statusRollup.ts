import { periodAt, type Calendar } from '../calendar';
import type { PriceTable } from '../pricing';
import type { BudgetSettings } from '../settings';
import { sourceNames, totalTokensOf, type SourceName, type UsageEvent } from '../usageEvent';
import { addExact, addExactSum, type ExactSum } from './exactSum';

/**
 * Closed history for the status, summed: per 15-minute slot (UTC) × source × model, the requests, tokens by kind
 * and cost of every ledger row before `beforeMs`. A warm status reads these sums for the closed part of the week
 * and month and raw rows only from `beforeMs` on (today, the live 5-hour block, the models of the day), so its
 * cost follows the day, not the month. Why 15 minutes: every zone's offset (and DST change) is on a quarter
 * hour, so the start of any local day, week or month is a slot boundary in every zone (checked, see
 * `rollupCovers`); the sums do not depend on the zone they are read in. Costs are exact sums (exactSum.ts), so
 * reading slots gives the same number as adding the rows one by one.
 */
export interface StatusRollup {
  /** Slots from here on are kept (a slot boundary); older rows are not summed. */
  fromMs: number;
  /** Rows before this time are summed here (a slot boundary); rows at or after it are read raw. */
  beforeMs: number;
  slots: Map<string, RollupSlot>;
}

/** A period's sums, the cost exact (see exactSum.ts) so that rollups and rows give the same number. */
export interface PeriodSums {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** 5-minute and 1-hour cache writes together, as UsageTotals counts them. */
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  /** Tokens of requests without a known price. */
  unpricedTokens: number;
  /** Cost of the priced requests, as exact partials. */
  costUsd: ExactSum;
}

export interface RollupSlot extends PeriodSums {
  startMs: number;
  source: SourceName;
  model: string;
  /** How many requests had no known price (the status lists their models). */
  unpricedRequests: number;
}

export const rollupSlotMs = 15 * 60_000;

/** How far back the status reads (ms): day, week and month, whatever the reset day, all start within it. */
export const statusWindowMs = 33 * 86_400_000;

/** The status window's start at `nowMs`, on a slot boundary so that rollups and raw rows count the same requests. */
export function statusWindowStartMs(nowMs: number): number {
  return Math.floor((nowMs - statusWindowMs) / rollupSlotMs) * rollupSlotMs;
}

/** The raw rows a status needs start at most here: today, and 10 hours back for the live 5-hour block. */
export function rawRowsFromMs(calendar: Calendar, nowMs: number): number {
  return Math.min(periodAt(calendar, 'day', nowMs).startMs, nowMs - 10 * 3_600_000);
}

export function emptyRollup(fromMs: number, beforeMs: number): StatusRollup {
  return { fromMs, beforeMs, slots: new Map() };
}

/** A copy that addToRollup can change without touching `rollup`. */
export function copyRollup(rollup: StatusRollup): StatusRollup {
  const slots = new Map<string, RollupSlot>();
  for (const [key, slot] of rollup.slots) slots.set(key, { ...slot, costUsd: [...slot.costUsd] });
  return { fromMs: rollup.fromMs, beforeMs: rollup.beforeMs, slots };
}

/** Adds (sign 1) or takes back (sign -1) one request, if it falls in the rollup's span. */
export function addToRollup(rollup: StatusRollup, event: UsageEvent, costUsd: number | null, sign: 1 | -1 = 1): void {
  const t = event.timestampMs;
  if (!(t >= rollup.fromMs && t < rollup.beforeMs)) return;
  const startMs = Math.floor(t / rollupSlotMs) * rollupSlotMs;
  const key = `${startMs}\u0000${event.source}\u0000${event.model}`;
  let slot = rollup.slots.get(key);
  if (!slot) {
    slot = { startMs, source: event.source, model: event.model, requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, unpricedTokens: 0, unpricedRequests: 0, costUsd: [] };
    rollup.slots.set(key, slot);
  }
  const tokens = totalTokensOf(event);
  slot.requests += sign;
  slot.inputTokens += sign * event.inputTokens;
  slot.outputTokens += sign * event.outputTokens;
  slot.cacheCreationTokens += sign * (event.cacheWrite5mTokens + event.cacheWrite1hTokens);
  slot.cacheReadTokens += sign * event.cacheReadTokens;
  slot.totalTokens += sign * tokens;
  if (costUsd === null) {
    slot.unpricedTokens += sign * tokens;
    slot.unpricedRequests += sign;
  } else addExact(slot.costUsd, sign * costUsd);
  // A request taken back leaves nothing behind (its slot's counts are integers, its cost exact).
  if (slot.requests === 0) rollup.slots.delete(key);
}

/** The rollup of `events` (any order) between `fromMs` and `beforeMs`. */
export function rollupOf(events: Iterable<UsageEvent>, prices: PriceTable, fromMs: number, beforeMs: number): StatusRollup {
  const rollup = emptyRollup(fromMs, beforeMs);
  for (const event of events) addToRollup(rollup, event, prices.costOf(event));
  return rollup;
}

/**
 * Moves the rollup's end to `beforeMs` (later), adding the rows now closed (`events`: rows at or after its
 * old end, any order; others are ignored), and drops slots before `fromMs`.
 */
export function advanceRollup(rollup: StatusRollup, events: Iterable<UsageEvent>, prices: PriceTable, fromMs: number, beforeMs: number): StatusRollup {
  const oldBeforeMs = rollup.beforeMs;
  const next: StatusRollup = { fromMs: Math.max(fromMs, rollup.fromMs), beforeMs: Math.max(beforeMs, oldBeforeMs), slots: new Map() };
  for (const [key, slot] of rollup.slots) if (slot.startMs >= next.fromMs) next.slots.set(key, slot);
  for (const event of events) {
    if (event.timestampMs >= oldBeforeMs) addToRollup(next, event, prices.costOf(event));
  }
  return next;
}

/**
 * Whether a status at `nowMs` can read this rollup for what is before its end: the raw rows it needs (today,
 * the last 10 hours) all come after it, and each period start that falls inside it is a slot boundary.
 */
export function rollupCovers(rollup: StatusRollup, calendar: Calendar, budget: Pick<BudgetSettings, 'weekStartsOn' | 'resetDayOfMonth'>, nowMs: number): boolean {
  const { beforeMs, fromMs } = rollup;
  if (beforeMs > rawRowsFromMs(calendar, nowMs) || statusWindowStartMs(nowMs) < fromMs) return false;
  const options = { weekStartsOn: budget.weekStartsOn, resetDayOfMonth: budget.resetDayOfMonth };
  for (const kind of ['day', 'week', 'month'] as const) {
    const { startMs } = periodAt(calendar, kind, nowMs, options);
    if (startMs < beforeMs && (startMs % rollupSlotMs !== 0 || startMs < fromMs)) return false;
  }
  return true;
}

/** Sums of the slots from `startMs` on (a slot boundary) into `into`, and the models of unpriced requests. */
export function addRollupSince(rollup: StatusRollup, startMs: number, into: PeriodSums, unpricedModels?: Set<string>): void {
  for (const slot of rollup.slots.values()) {
    if (slot.startMs < startMs) continue;
    into.requests += slot.requests;
    into.inputTokens += slot.inputTokens;
    into.outputTokens += slot.outputTokens;
    into.cacheCreationTokens += slot.cacheCreationTokens;
    into.cacheReadTokens += slot.cacheReadTokens;
    into.totalTokens += slot.totalTokens;
    into.unpricedTokens += slot.unpricedTokens;
    addExactSum(into.costUsd, slot.costUsd);
    if (slot.unpricedRequests > 0) unpricedModels?.add(slot.model);
  }
}

/** The rollup as JSON-ready numbers and names (see parseRollup). */
export function rollupJson(rollup: StatusRollup): { fromMs: number; beforeMs: number; slots: (number | string)[][] } {
  const slots = [...rollup.slots.values()].map((s) => [s.startMs, s.source, s.model, s.requests, s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens, s.totalTokens, s.unpricedTokens, s.unpricedRequests, ...s.costUsd]);
  return { fromMs: rollup.fromMs, beforeMs: rollup.beforeMs, slots };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** A rollup from rollupJson's shape; undefined for anything damaged (the caller then reads raw rows). */
export function parseRollup(json: unknown): StatusRollup | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { fromMs, beforeMs, slots } = json as { fromMs?: unknown; beforeMs?: unknown; slots?: unknown };
  if (!isCount(fromMs) || !isCount(beforeMs) || fromMs % rollupSlotMs !== 0 || beforeMs % rollupSlotMs !== 0 || fromMs > beforeMs || !Array.isArray(slots)) return undefined;
  const rollup = emptyRollup(fromMs, beforeMs);
  // Index access only: a warm status reads thousands of these, and iterator spreads cost more than the checks.
  for (const row of slots as unknown[]) {
    if (!Array.isArray(row) || row.length < 11) return undefined;
    const startMs = row[0] as unknown;
    const source = row[1] as unknown;
    const model = row[2] as unknown;
    if (!isCount(startMs) || startMs % rollupSlotMs !== 0 || startMs < fromMs || startMs >= beforeMs) return undefined;
    if (typeof source !== 'string' || !sourceNames.includes(source as SourceName) || typeof model !== 'string') return undefined;
    for (let i = 3; i < 11; i++) if (!isCount(row[i])) return undefined;
    const costUsd: number[] = [];
    for (let i = 11; i < row.length; i++) {
      const x = row[i] as unknown;
      if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
      costUsd.push(x);
    }
    const key = `${startMs}\u0000${source}\u0000${model}`;
    if (row[3] === 0 || rollup.slots.has(key)) return undefined;
    const n = row as number[];
    rollup.slots.set(key, { startMs, source: source as SourceName, model, requests: n[3], inputTokens: n[4], outputTokens: n[5], cacheCreationTokens: n[6], cacheReadTokens: n[7], totalTokens: n[8], unpricedTokens: n[9], unpricedRequests: n[10], costUsd });
  }
  return rollup;
}
