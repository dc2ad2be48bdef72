import { periodAt, type Calendar } from '../calendar';
import type { PriceTable } from '../pricing';
import type { BudgetSettings } from '../settings';
import { totalTokensOf, type SourceName, type UsageEvent } from '../usageEvent';
import { addExact, addExactSum, type ExactSum } from './exactSum';

/**
 * Closed history for the status, summed: the requests, tokens by kind and cost of every ledger row from `fromMs`
 * to `beforeMs`, per local day (of the zone it was made in) × source × model, and the request count alone per
 * 15-minute slot. A warm status reads these sums for the closed part of the week and month and raw rows only from
 * `beforeMs` on (today, the live 5-hour block, the models of the day), so its cost follows the day, not the month.
 *
 * What the status asks of closed history decides the shape: sums from the start of this week and this month (a
 * local midnight of the zone it is read in; the earlier of the two also starts the window whose unpriced models
 * are listed), and the request count from the status window's start (33 days back, floored to 15 minutes: any
 * slot). So the sums are kept per segment between local midnights (a few hundred slots for a month, where every
 * 15 minutes made thousands), and the request count per 15 minutes for every source and model together. Read in
 * another zone, or with a week or month starting elsewhere, a period start that is not a segment start is not
 * covered (`rollupCovers`): the status reads the rows, and the next save makes the rollup again in that zone.
 * Costs are exact sums (exactSum.ts), so reading segments gives the same number as adding the rows one by one.
 */
export interface StatusRollup {
  /** Rows from here on are summed (a slot boundary, the first segment's start); older rows are not. */
  fromMs: number;
  /** Rows before this time are summed here (a slot boundary); rows at or after it are read raw. */
  beforeMs: number;
  /**
   * Where each segment starts, ascending: `fromMs`, then the local midnights after it and before `beforeMs` (those
   * on a slot boundary: all, in today's zones). A segment ends where the next one starts, the last at `beforeMs`.
   * Empty when `fromMs` is `beforeMs`.
   */
  segmentStarts: number[];
  /** Sums per segment × source × model (`startMs`: the segment's start), keyed by rollupKey. */
  slots: Map<string, RollupSlot>;
  /** Requests per 15-minute slot from `fromMs` to `beforeMs`, every source and model together. */
  slotRequests: number[];
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
  /** The start of its segment. */
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

/** The key of a segment × source × model in `StatusRollup.slots`. */
export const rollupKey = (startMs: number, source: SourceName, model: string): string => `${startMs}\u0000${source}\u0000${model}`;

/**
 * The local midnights of `calendar` at or after `fromMs` and before `beforeMs` that are on a slot boundary (a
 * midnight off the 15-minute grid, in no zone today, is left inside its segment: a period starting there is
 * then not covered, and the status reads rows).
 */
function midnightsIn(calendar: Calendar, fromMs: number, beforeMs: number): number[] {
  const out: number[] = [];
  let t = periodAt(calendar, 'day', fromMs).startMs;
  while (t < beforeMs) {
    if (t >= fromMs && t % rollupSlotMs === 0) out.push(t);
    const next = periodAt(calendar, 'day', t).endMs;
    // A calendar whose next day does not start later would loop: stop (fewer segments only means fewer periods covered).
    if (!(next > t)) break;
    t = next;
  }
  return out;
}

/** An empty rollup from `fromMs` to `beforeMs` (slot boundaries), its segments the local days of `calendar`. */
export function emptyRollup(calendar: Calendar, fromMs: number, beforeMs: number): StatusRollup {
  if (fromMs % rollupSlotMs !== 0 || beforeMs % rollupSlotMs !== 0 || fromMs > beforeMs) throw new Error('a status rollup starts and ends on a 15-minute boundary');
  const segmentStarts = fromMs < beforeMs ? [fromMs, ...midnightsIn(calendar, fromMs + 1, beforeMs)] : [];
  return { fromMs, beforeMs, segmentStarts, slots: new Map(), slotRequests: new Array<number>((beforeMs - fromMs) / rollupSlotMs).fill(0) };
}

/** A copy that addToRollup can change without touching `rollup`. */
export function copyRollup(rollup: StatusRollup): StatusRollup {
  const slots = new Map<string, RollupSlot>();
  for (const [key, slot] of rollup.slots) slots.set(key, { ...slot, costUsd: [...slot.costUsd] });
  return { fromMs: rollup.fromMs, beforeMs: rollup.beforeMs, segmentStarts: [...rollup.segmentStarts], slots, slotRequests: [...rollup.slotRequests] };
}

/** The start of the segment holding `t` (fromMs ≤ t < beforeMs). */
function segmentStartOf(rollup: StatusRollup, t: number): number {
  const starts = rollup.segmentStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return starts[lo];
}

/** Adds (sign 1) or takes back (sign -1) one request, if it falls in the rollup's span. */
export function addToRollup(rollup: StatusRollup, event: UsageEvent, costUsd: number | null, sign: 1 | -1 = 1): void {
  const t = event.timestampMs;
  if (!(t >= rollup.fromMs && t < rollup.beforeMs)) return;
  const startMs = segmentStartOf(rollup, t);
  const key = rollupKey(startMs, event.source, event.model);
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
  rollup.slotRequests[Math.floor((t - rollup.fromMs) / rollupSlotMs)] += sign;
  // A request taken back leaves nothing behind (its slot's counts are integers, its cost exact).
  if (slot.requests === 0) rollup.slots.delete(key);
}

/** The rollup of `events` (any order) between `fromMs` and `beforeMs` (slot boundaries), by the local days of `calendar`. */
export function rollupOf(events: Iterable<UsageEvent>, prices: PriceTable, calendar: Calendar, fromMs: number, beforeMs: number): StatusRollup {
  const rollup = emptyRollup(calendar, fromMs, beforeMs);
  for (const event of events) addToRollup(rollup, event, prices.costOf(event));
  return rollup;
}

/**
 * Moves the rollup's end to `beforeMs` (later), adding the rows now closed (`events`: rows at or after its old
 * end, any order; others are ignored), new segments at the local midnights of `calendar`, and drops the segments
 * that end at or before `fromMs` (the one holding `fromMs` is kept whole: its start becomes the rollup's start).
 */
export function advanceRollup(rollup: StatusRollup, events: Iterable<UsageEvent>, prices: PriceTable, calendar: Calendar, fromMs: number, beforeMs: number): StatusRollup {
  const oldBeforeMs = rollup.beforeMs;
  const nextBeforeMs = Math.max(beforeMs, oldBeforeMs);
  const starts = rollup.segmentStarts;
  let first = 0;
  while (first < starts.length && (first + 1 < starts.length ? starts[first + 1] : oldBeforeMs) <= fromMs) first++;
  let next: StatusRollup;
  if (first < starts.length) {
    const nextFromMs = starts[first];
    const segmentStarts = [...starts.slice(first), ...midnightsIn(calendar, oldBeforeMs, nextBeforeMs)];
    const slotRequests = rollup.slotRequests.slice((nextFromMs - rollup.fromMs) / rollupSlotMs);
    for (let t = oldBeforeMs; t < nextBeforeMs; t += rollupSlotMs) slotRequests.push(0);
    next = { fromMs: nextFromMs, beforeMs: nextBeforeMs, segmentStarts, slots: new Map(), slotRequests };
    for (const [key, slot] of rollup.slots) if (slot.startMs >= nextFromMs) next.slots.set(key, slot);
  } else {
    // Nothing of the old span is in the window any more.
    const nextFromMs = Math.min(Math.max(fromMs, oldBeforeMs), nextBeforeMs);
    next = emptyRollup(calendar, nextFromMs, nextBeforeMs);
  }
  for (const event of events) {
    if (event.timestampMs >= oldBeforeMs) addToRollup(next, event, prices.costOf(event));
  }
  return next;
}

/** Whether `startMs` is where one of the rollup's segments starts. */
function isSegmentStart(rollup: StatusRollup, startMs: number): boolean {
  return startMs >= rollup.fromMs && startMs < rollup.beforeMs && segmentStartOf(rollup, startMs) === startMs;
}

/**
 * Whether a status at `nowMs` can read this rollup for what is before its end: the raw rows it needs (today,
 * the last 10 hours) all come after it, and each period start that falls inside it is a segment start.
 */
export function rollupCovers(rollup: StatusRollup, calendar: Calendar, budget: Pick<BudgetSettings, 'weekStartsOn' | 'resetDayOfMonth'>, nowMs: number): boolean {
  const { beforeMs, fromMs } = rollup;
  if (beforeMs > rawRowsFromMs(calendar, nowMs) || statusWindowStartMs(nowMs) < fromMs) return false;
  const options = { weekStartsOn: budget.weekStartsOn, resetDayOfMonth: budget.resetDayOfMonth };
  for (const kind of ['day', 'week', 'month'] as const) {
    const { startMs } = periodAt(calendar, kind, nowMs, options);
    if (startMs < beforeMs && !isSegmentStart(rollup, startMs)) return false;
  }
  return true;
}

/** Sums of the slots from `startMs` on (a segment start) into `into`, and the models of unpriced requests. */
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

/** Requests from `startMs` on (a slot boundary at or after `fromMs`), every source and model. */
export function rollupRequestsSince(rollup: StatusRollup, startMs: number): number {
  let requests = 0;
  for (let i = Math.max(0, Math.ceil((startMs - rollup.fromMs) / rollupSlotMs)); i < rollup.slotRequests.length; i++) requests += rollup.slotRequests[i];
  return requests;
}
