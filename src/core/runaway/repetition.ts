import type { AgentAction } from './actions';

/** What counts as a retry loop; see RunawayOptions.repetition. */
export interface RepetitionRule {
  windowMs: number;
  /** The same call answered by the same error this many times in the window. */
  minFailedRepeats: number;
  /** The same call answered by the same success this many times (a poll waits between tries, a stuck agent does not). */
  minOkRepeats: number;
  /**
   * Share of the agent's calls in the window that repeat (their call and answer seen at least
   * 3 times there): a loop does nothing new between tries, a fix-and-test cycle edits.
   */
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

/** A call seen this often in the window counts as a repeat (see RepetitionRule.minShare). */
const repeatAt = 3;

/**
 * One session's recent tool calls (sub-agents apart): per agent, how often the same call got the
 * same answer within the window. A sliding queue, so work per action is O(1) amortised.
 */
export class RepetitionTracker {
  private readonly queue: Entry[] = [];
  private head = 0;
  private readonly counts = new Map<string, number>();
  private readonly perAgent = new Map<string, number>();
  /** Per agent: calls in the window whose key is there at least `repeatAt` times. */
  private readonly repeatedPerAgent = new Map<string, number>();
  /** The loop seen at the latest action, if any. */
  current: Repetition | undefined;
  private currentKey = '';

  constructor(private readonly rule: RepetitionRule) {}

  observe(a: AgentAction): Repetition | undefined {
    const cutoff = a.timestampMs - this.rule.windowMs;
    while (this.head < this.queue.length && this.queue[this.head].timestampMs < cutoff) {
      const old = this.queue[this.head++];
      const before = this.counts.get(old.key) ?? 0;
      decrement(this.counts, old.key);
      decrement(this.perAgent, old.agentId);
      if (before >= repeatAt) add(this.repeatedPerAgent, old.agentId, before === repeatAt ? -repeatAt : -1);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const key = `${a.agentId}\u0000${a.callKey}\u0000${a.resultKey}\u0000${a.failed ? 1 : 0}`;
    this.queue.push({ timestampMs: a.timestampMs, key, agentId: a.agentId });
    const repeats = add(this.counts, key, 1);
    const calls = add(this.perAgent, a.agentId, 1);
    if (repeats >= repeatAt) add(this.repeatedPerAgent, a.agentId, repeats === repeatAt ? repeatAt : 1);
    const repeated = this.repeatedPerAgent.get(a.agentId) ?? 0;
    if (this.qualifies(repeats, repeated, calls, a.failed)) {
      this.current = { agentId: a.agentId, tool: a.tool, repeats, failed: a.failed, lastMs: a.timestampMs };
      this.currentKey = key;
    } else if (this.current !== undefined && this.current.agentId === a.agentId) {
      // The agent did something else: still a loop while the repeat dominates its recent calls.
      const stillRepeats = this.counts.get(this.currentKey) ?? 0;
      if (this.qualifies(stillRepeats, repeated, calls, this.current.failed)) this.current = { ...this.current, repeats: stillRepeats };
      else this.current = undefined;
    }
    return this.current;
  }

  private qualifies(repeats: number, repeatedCalls: number, calls: number, failed: boolean): boolean {
    return repeats >= (failed ? this.rule.minFailedRepeats : this.rule.minOkRepeats) && repeatedCalls >= this.rule.minShare * calls;
  }

  /** The loop, if its latest repeat is within `withinMs` of `nowMs`. */
  loopAt(nowMs: number, withinMs: number): Repetition | undefined {
    return this.current !== undefined && nowMs - this.current.lastMs <= withinMs ? this.current : undefined;
  }
}

function add(map: Map<string, number>, key: string, n: number): number {
  const next = (map.get(key) ?? 0) + n;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
  return next;
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
