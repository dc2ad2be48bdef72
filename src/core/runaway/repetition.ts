import type { AgentAction } from './actions';

/** What counts as a retry loop; see RunawayOptions.repetition. */
export interface RepetitionRule {
  windowMs: number;
  /** The same call answered by the same error this many times in the window, with nothing new in between. */
  minFailedRepeats: number;
  /** The same for the same success (a poll waits between tries; a stuck agent does not). */
  minOkRepeats: number;
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

interface Entry { timestampMs: number; key: string }

/**
 * One session's recent tool calls, per agent: how often the same call got the same answer since
 * the agent last did something new (a call not seen in the window). A fix-and-test cycle edits
 * between its test runs, so it keeps starting over; a retry loop (one call, or two in turn) never
 * does. A sliding queue: O(1) amortised per action.
 */
export class RepetitionTracker {
  private readonly queue: Entry[] = [];
  private head = 0;
  private readonly counts = new Map<string, number>();
  /**
   * Per agent, since it last did something new (a call not in the window): how often each call
   * came back. Two loops apart, with new work between them, do not add up.
   */
  private readonly sinceNew = new Map<string, Map<string, number>>();
  /** The loop seen at the latest action, if any. */
  current: Repetition | undefined;

  constructor(private readonly rule: RepetitionRule) {}

  observe(a: AgentAction): Repetition | undefined {
    const cutoff = a.timestampMs - this.rule.windowMs;
    while (this.head < this.queue.length && this.queue[this.head].timestampMs < cutoff) {
      const old = this.queue[this.head++];
      const n = (this.counts.get(old.key) ?? 0) - 1;
      if (n <= 0) this.counts.delete(old.key);
      else this.counts.set(old.key, n);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const key = `${a.agentId}\u0000${a.callKey}\u0000${a.resultKey}\u0000${a.failed ? 1 : 0}`;
    this.queue.push({ timestampMs: a.timestampMs, key });
    const inWindow = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, inWindow);
    let streak = this.sinceNew.get(a.agentId);
    const isNew = inWindow === 1 || streak === undefined;
    if (isNew) {
      streak = new Map();
      this.sinceNew.set(a.agentId, streak);
    }
    const sinceNew = (streak!.get(key) ?? 0) + 1;
    streak!.set(key, sinceNew);
    // Both since the agent last did something new and within the window (a slow poll is not a loop).
    const repeats = Math.min(sinceNew, inWindow);
    if (repeats >= (a.failed ? this.rule.minFailedRepeats : this.rule.minOkRepeats)) {
      this.current = { agentId: a.agentId, tool: a.tool, repeats, failed: a.failed, lastMs: a.timestampMs };
    } else if (isNew && this.current?.agentId === a.agentId) {
      this.current = undefined; // the agent did something new: out of the loop
    }
    return this.current;
  }

  /** The loop, if its latest repeat is within `withinMs` of `nowMs`. */
  loopAt(nowMs: number, withinMs: number): Repetition | undefined {
    return this.current !== undefined && nowMs - this.current.lastMs <= withinMs ? this.current : undefined;
  }
}
