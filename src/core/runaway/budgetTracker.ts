import type { RunawayOptions } from './types';
import { hourMs, minuteMs, ringSize, spanMinutes } from './sessionState';

function utcDayStartMs(ms: number): number {
  return ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
}

/** Spend across all sessions: today's (for the daily budget) and the current 5-hour window's, plus a per-minute ring for the total rate. */
export class BudgetTracker {
  private dayStartMs = -Infinity;
  private spentTodayUsd = 0;
  private windowStartMs = -Infinity;
  private windowSpentUsd = 0;
  private windowSpentTokens = 0;
  private readonly totalCostBuckets = new Float64Array(ringSize);
  private readonly totalTokenBuckets = new Float64Array(ringSize);
  private readonly totalBucketMinute = new Float64Array(ringSize).fill(-1);

  constructor(private readonly options: RunawayOptions) {}

  /** Spend seen today (per `dayStartMs`), USD. */
  get spentTodayUsdSoFar(): number { return this.spentTodayUsd; }

  /** Remaining budget (USD) at `nowMs`: the tightest of the daily budget, the window budget and the callback. */
  remainingBudgetUsd(nowMs: number): number | undefined {
    let remaining: number | undefined;
    const take = (v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) remaining = remaining === undefined ? v : Math.min(remaining, v);
    };
    if (this.options.dailyBudgetUsd !== undefined) {
      const dayStart = (this.options.dayStartMs ?? utcDayStartMs)(nowMs);
      take(this.options.dailyBudgetUsd - (dayStart === this.dayStartMs ? this.spentTodayUsd : 0));
    }
    if (this.options.windowBudget?.usd !== undefined) {
      const inWindow = nowMs < this.windowStartMs + 5 * hourMs;
      take(this.options.windowBudget.usd - (inWindow ? this.windowSpentUsd : 0));
    }
    take(this.options.remainingBudgetUsd?.(nowMs));
    return remaining;
  }

  /** Minutes until the 5-hour window budget runs out at the current all-session rate; undefined without a window budget or when idle. */
  windowExhaustedInMin(nowMs: number): number | undefined {
    const budget = this.options.windowBudget;
    if (budget === undefined || (budget.usd === undefined && budget.tokens === undefined)) return undefined;
    const inWindow = nowMs < this.windowStartMs + 5 * hourMs;
    const windowEndsInMin = inWindow ? (this.windowStartMs + 5 * hourMs - nowMs) / minuteMs : 300;
    const total = this.totalRates(nowMs);
    let eta = Infinity;
    if (budget.usd !== undefined && total.usdPerMinute > 0) {
      eta = Math.min(eta, Math.max(0, budget.usd - (inWindow ? this.windowSpentUsd : 0)) / total.usdPerMinute);
    }
    if (budget.tokens !== undefined && total.tokensPerMinute > 0) {
      eta = Math.min(eta, Math.max(0, budget.tokens - (inWindow ? this.windowSpentTokens : 0)) / total.tokensPerMinute);
    }
    return eta <= windowEndsInMin ? eta : undefined;
  }

  track(t: number, cost: number, tokens: number): void {
    if (this.options.dailyBudgetUsd !== undefined) {
      const dayStart = (this.options.dayStartMs ?? utcDayStartMs)(t);
      if (dayStart > this.dayStartMs) { this.dayStartMs = dayStart; this.spentTodayUsd = 0; }
      if (dayStart === this.dayStartMs) this.spentTodayUsd += cost;
    }
    // A 5-hour window starts at the hour of its first request and lasts 5 h (as ccusage's blocks).
    if (t >= this.windowStartMs + 5 * hourMs) {
      this.windowStartMs = Math.floor(t / hourMs) * hourMs;
      this.windowSpentUsd = 0;
      this.windowSpentTokens = 0;
    }
    if (t >= this.windowStartMs) { this.windowSpentUsd += cost; this.windowSpentTokens += tokens; }
    const minute = Math.floor(t / minuteMs);
    const slot = ((minute % ringSize) + ringSize) % ringSize;
    if (this.totalBucketMinute[slot] !== minute) {
      if (this.totalBucketMinute[slot] > minute) return; // too old for the ring
      this.totalBucketMinute[slot] = minute;
      this.totalCostBuckets[slot] = 0;
      this.totalTokenBuckets[slot] = 0;
    }
    this.totalCostBuckets[slot] += cost;
    this.totalTokenBuckets[slot] += tokens;
  }

  /** All sessions' rate over the last 3 minutes (recent, so a fresh fan-out counts at full speed). */
  totalRates(nowMs: number): { usdPerMinute: number; tokensPerMinute: number } {
    const minutes = 3;
    const nowMinute = Math.floor(nowMs / minuteMs);
    let cost = 0;
    let tokens = 0;
    for (let m = nowMinute - minutes + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.totalBucketMinute[slot] === m) { cost += this.totalCostBuckets[slot]; tokens += this.totalTokenBuckets[slot]; }
    }
    const spanMin = spanMinutes(nowMs, minutes);
    return { usdPerMinute: cost / spanMin, tokensPerMinute: tokens / spanMin };
  }

}
