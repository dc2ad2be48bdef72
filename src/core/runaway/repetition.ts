import type { AgentAction } from './actions';

/** What counts as a retry loop; see RunawayOptions.repetition. */
export interface RepetitionRule {
  windowMs: number;
  /** The same call answered by the same error this many times in the window. */
  minFailedRepeats: number;
  /** The same call answered by the same success this many times (a poll waits between tries, a stuck agent does not). */
  minOkRepeats: number;
  /** Share of the agent's calls in the window that are this one repeat. */
  minShare: number;
}

/** The loop a session is in, as of its latest action. */
export interface Repetition {
  agentId: string;
  tool: string;
  repeats: number;
  failed: boolean;
  /** The latest repeat, epoch ms. */
  lastMs: number;
}

interface Entry { timestampMs: number; key: string; agentId: string }

/**
 * One session's recent tool calls (sub-agents apart): per agent, how often the same call got the
 * same answer within the window. A sliding queue, so work per action is O(1) amortised.
 */
export class RepetitionTracker {
  private readonly queue: Entry[] = [];
  private head = 0;
  private readonly counts = new Map<string, number>();
  private readonly perAgent = new Map<string, number>();
  /** The loop seen at the latest action, if any. */
  current: Repetition | undefined;
  private currentKey = '';

  constructor(private readonly rule: RepetitionRule) {}

  observe(a: AgentAction): Repetition | undefined {
    const cutoff = a.timestampMs - this.rule.windowMs;
    while (this.head < this.queue.length && this.queue[this.head].timestampMs < cutoff) {
      const old = this.queue[this.head++];
      decrement(this.counts, old.key);
      decrement(this.perAgent, old.agentId);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const key = `${a.agentId}\u0000${a.callKey}\u0000${a.resultKey}\u0000${a.failed ? 1 : 0}`;
    this.queue.push({ timestampMs: a.timestampMs, key, agentId: a.agentId });
    const repeats = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, repeats);
    const calls = (this.perAgent.get(a.agentId) ?? 0) + 1;
    this.perAgent.set(a.agentId, calls);
    if (this.qualifies(repeats, calls, a.failed)) {
      this.current = { agentId: a.agentId, tool: a.tool, repeats, failed: a.failed, lastMs: a.timestampMs };
      this.currentKey = key;
    } else if (this.current !== undefined && this.current.agentId === a.agentId) {
      // The agent did something else: still a loop while the repeat dominates its recent calls.
      const stillRepeats = this.counts.get(this.currentKey) ?? 0;
      if (this.qualifies(stillRepeats, calls, this.current.failed)) this.current = { ...this.current, repeats: stillRepeats };
      else this.current = undefined;
    }
    return this.current;
  }

  private qualifies(repeats: number, calls: number, failed: boolean): boolean {
    return repeats >= (failed ? this.rule.minFailedRepeats : this.rule.minOkRepeats) && repeats >= this.rule.minShare * calls;
  }

  /** The loop, if its latest repeat is within `withinMs` of `nowMs`. */
  loopAt(nowMs: number, withinMs: number): Repetition | undefined {
    return this.current !== undefined && nowMs - this.current.lastMs <= withinMs ? this.current : undefined;
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
