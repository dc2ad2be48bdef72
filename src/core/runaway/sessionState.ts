import type { RepetitionTracker } from './repetition';
import type { RunawayAlert, RunawayKind } from './types';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const ringSize = 64; // minutes; must exceed the longest bucket window (10 min) plus out-of-order slack

export interface KindState {
  trueSinceMs: number | undefined;
  lastTrueMs: number;
  fired: boolean;
}

export interface LoopEntry { timestampMs: number; key: string; costUsd: number }

/** One top-level session (its sub-agents folded in): per-minute ring buckets, active agents, loop signatures, alert state. */
export class SessionState {
  readonly bucketMinute = new Float64Array(ringSize).fill(-1);
  readonly bucketCostUsd = new Float64Array(ringSize);
  readonly bucketTokens = new Float64Array(ringSize);
  readonly bucketUnpricedTokens = new Float64Array(ringSize);
  readonly bucketSpawns = new Float64Array(ringSize);
  /** Requests that wrote ≥ `rewriteMinTokens` of fresh (uncached) input: the context re-read instead of read from cache. */
  readonly bucketRewrites = new Float64Array(ringSize);
  /** Input-side tokens (uncached + cache writes + cache reads). */
  readonly bucketInputTokens = new Float64Array(ringSize);
  /** agentId → last request time; insertion order ≈ last-seen order (re-inserted on each request). */
  readonly activeAgents = new Map<string, number>();
  readonly agentsSeen = new Set<string>();
  readonly loopQueue: LoopEntry[] = [];
  loopHead = 0;
  readonly loopCounts = new Map<string, { count: number; costUsd: number }>();
  readonly modelCostUsd = new Map<string, number>();
  readonly kinds: Record<RunawayKind, KindState> = {
    'burn-rate': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    'parallel-agents': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    loop: { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
    'budget-projection': { trueSinceMs: undefined, lastTrueMs: 0, fired: false },
  };
  costSoFarUsd = 0;
  tokensSoFar = 0;
  lastModel = '';
  contextTokens = 0;
  peakContextTokens = 0;
  maxActiveAgents = 0;
  /** Near-identical requests in the loop window, as of the latest request (sizeLoop.ts). */
  sizeLoopRepeats = 0;
  /** The session's tool calls, once it made one (repetition loops). */
  repetition: RepetitionTracker | undefined;
  /** Cost rate of the latest request's near-identical group over the loop window, USD/h. */
  lastLoopUsdPerHour = 0;
  /** Last request of the main agent (agentId ''). */
  lastMainMs = -Infinity;
  /** Whether the last evaluation saw context churn (for the alert's wording). */
  churning = false;
  /** The last evaluation's relative rate, when above the relative threshold. */
  relative: RunawayAlert['relative'] = undefined;
  /** The latest alert of each kind, for `alertsInForce`. */
  readonly lastAlert = new Map<RunawayKind, RunawayAlert>();

  constructor(readonly sessionId: string, public project: string, readonly startedMs: number, public lastSeenMs: number) {}

  slotFor(minute: number): number {
    const slot = ((minute % ringSize) + ringSize) % ringSize;
    if (this.bucketMinute[slot] !== minute) {
      this.bucketMinute[slot] = minute;
      this.bucketCostUsd[slot] = 0;
      this.bucketTokens[slot] = 0;
      this.bucketUnpricedTokens[slot] = 0;
      this.bucketSpawns[slot] = 0;
      this.bucketRewrites[slot] = 0;
      this.bucketInputTokens[slot] = 0;
    }
    return slot;
  }

  /** Sum of a bucket series over the minutes (nowMinute - count, nowMinute]. */
  sum(series: Float64Array, nowMinute: number, count: number): number {
    let total = 0;
    for (let m = nowMinute - count + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.bucketMinute[slot] === m) total += series[slot];
    }
    return total;
  }

  /** Minutes among the last `count` whose cost reached `minCostUsd`. */
  busyMinutes(nowMinute: number, count: number, minCostUsd: number): number {
    return this.minutesAtLeast(this.bucketCostUsd, nowMinute, count, minCostUsd);
  }

  /** Minutes among the last `count` whose value in `series` reached `min`. */
  minutesAtLeast(series: Float64Array, nowMinute: number, count: number, min: number): number {
    let busy = 0;
    for (let m = nowMinute - count + 1; m <= nowMinute; m++) {
      const slot = ((m % ringSize) + ringSize) % ringSize;
      if (this.bucketMinute[slot] === m && series[slot] >= min) busy++;
    }
    return busy;
  }

  dominantModel(): string {
    let best = this.lastModel;
    let bestCost = -1;
    for (const [model, cost] of this.modelCostUsd) {
      if (cost > bestCost) { best = model; bestCost = cost; }
    }
    return best;
  }
}

export interface Rates { usdPerHour: number; tokensPerMinute: number; unpricedTokensPerMinute: number }

/**
 * Near-identical requests: same agent, same model, total input within ~0.3 %.
 * A normal conversation grows with every turn, so its sizes do not repeat;
 * a retry loop re-sends the same prefix.
 */
const sizeBucketBase = Math.log(1.003);
export function sizeBucketOf(inputTotalTokens: number): number {
  return Math.floor(Math.log(inputTotalTokens + 1) / sizeBucketBase);
}

/** The time the last `minutes` buckets cover: whole past minutes plus the elapsed part of the current one. */
export function spanMinutes(nowMs: number, minutes: number): number {
  const intoMinute = (((nowMs % minuteMs) + minuteMs) % minuteMs) / minuteMs;
  return Math.max(0.5, minutes - 1 + intoMinute);
}
