import type { UsageEvent } from '../usageEvent';
import { hourMs, sizeBucketOf, type SessionState } from './sessionState';

/**
 * The agent re-sending the same request: near-identical requests (same agent and model, total
 * input within ~0.3 %) in the loop window. Returns how many; keeps their cost rate on the session.
 */
export function trackSizeLoop(s: SessionState, e: UsageEvent, inputTotal: number, cost: number, nowMs: number, loopWindowMs: number): number {
  const cutoff = nowMs - loopWindowMs;
  while (s.loopHead < s.loopQueue.length && s.loopQueue[s.loopHead].timestampMs < cutoff) {
    const old = s.loopQueue[s.loopHead++];
    const c = s.loopCounts.get(old.key);
    if (c !== undefined) {
      c.count--; c.costUsd -= old.costUsd;
      if (c.count <= 0) s.loopCounts.delete(old.key);
    }
  }
  if (s.loopHead > 1024 && s.loopHead * 2 > s.loopQueue.length) {
    s.loopQueue.splice(0, s.loopHead);
    s.loopHead = 0;
  }
  if (e.timestampMs < cutoff) return 0;
  const prefix = `${e.agentId}\u0000${e.model}\u0000`;
  const bucket = sizeBucketOf(inputTotal);
  const key = prefix + bucket;
  s.loopQueue.push({ timestampMs: e.timestampMs, key, costUsd: cost });
  const c = s.loopCounts.get(key);
  if (c === undefined) s.loopCounts.set(key, { count: 1, costUsd: cost });
  else { c.count++; c.costUsd += cost; }
  // Neighbouring buckets too, so sizes straddling a bucket edge still count together.
  let repeats = 0;
  let loopCost = 0;
  for (let b = bucket - 1; b <= bucket + 1; b++) {
    const n = s.loopCounts.get(prefix + b);
    if (n !== undefined) { repeats += n.count; loopCost += n.costUsd; }
  }
  s.lastLoopUsdPerHour = (loopCost / loopWindowMs) * hourMs;
  return repeats;
}
