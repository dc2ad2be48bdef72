import { periodAt, type Calendar } from '../core/calendar';
import { englishUsd } from '../core/format';
import type { Ledger } from '../core/ledger/ledger';
import type { PriceTable } from '../core/pricing';
import { baselineFromHistory, replayInto, runawayStatusOf, windowBudgetOf, withPlanDefaults, RunawayDetector, type AgentAction, type RunawayAlert, type RunawayOptions, type RunawayStatus } from '../core/runaway';
import { ActionTail } from '../sources/agentActions';
import type { FileCursor } from '../sources/logFiles';
import type { Settings } from '../core/settings';
import type { UsageEvent } from '../core/usageEvent';

const hourMs = 3_600_000;
/** Replayed at start: enough for any live session's windows, little enough to be quick. */
/** How far back the watch replays agent actions (the files written since then are all it needs). */
export const replayMs = 2 * hourMs;
const baselineMs = 7 * 24 * hourMs;
/** Tool calls are read from the last 8 MB of each recent transcript at start: minutes of any loop, not a session's history. */
const actionTailBytes = 8 << 20;
/** One notification per session in this long, whatever kinds fire. */
const renotifyMs = 15 * 60_000;

/**
 * Feeds the runaway detector from the live ledger: at start (and whenever the scanner replaces
 * its ledger) the last two hours are replayed into a fresh detector, then each pass's new events
 * are observed in time order. Returns the alerts worth a notification.
 */
export class RunawayWatch {
  private detector: RunawayDetector | undefined;
  private ledger: Ledger | undefined;
  private observed = 0;
  private actions = new ActionTail(actionTailBytes);
  constructor(
    private readonly settings: Settings,
    private readonly prices: PriceTable,
    private readonly calendar: Calendar,
    private readonly remainingBudgetUsd: () => number | undefined,
    private readonly log: (message: string) => void,
    /** When each session was last notified; owned by the caller so a settings change does not notify again. */
    private readonly notifiedAtMs: Map<string, number> = new Map(),
  ) {}

  private readonly costOf = (e: UsageEvent): number | null => this.prices.costOf(e);

  /**
   * Observes what is new in `ledger` (and the agents' tool calls in the transcripts behind
   * `cursors`, for repetition loops); returns alerts to notify about (at most one per session).
   */
  update(ledger: Ledger, nowMs: number, cursors: readonly FileCursor[] = []): RunawayAlert[] {
    if (!this.settings.runaway.enabled) return [];
    let fired: RunawayAlert[];
    if (ledger !== this.ledger || ledger.size < this.observed) {
      this.actions = new ActionTail(actionTailBytes);
      // The baseline's week, not every request ever (rows of a restored index stay packed: Ledger.eventsSince).
      fired = this.rebuild(ledger, ledger.eventsSince(nowMs - baselineMs), this.recentActions(cursors, nowMs), nowMs);
    } else {
      const actions = this.recentActions(cursors, nowMs);
      if (ledger.size === this.observed && actions.length === 0) return [];
      // An old file read late is history, not a live session.
      const fresh = ledger.rowsFrom(this.observed).filter((e) => e.timestampMs >= nowMs - replayMs);
      this.observed = ledger.size;
      fired = replayInto(this.detector!, fresh, actions, this.costOf);
    }
    const out: RunawayAlert[] = [];
    for (const a of fired.sort((x, y) => y.usdPerHour - x.usdPerHour)) {
      const last = this.notifiedAtMs.get(a.sessionId);
      if (last !== undefined && nowMs - last < renotifyMs) continue;
      this.notifiedAtMs.set(a.sessionId, nowMs);
      out.push(a);
    }
    return out;
  }

  private recentActions(cursors: readonly FileCursor[], nowMs: number): AgentAction[] {
    return this.actions.read(cursors, nowMs - replayMs).filter((a) => a.timestampMs >= nowMs - replayMs);
  }

  private rebuild(ledger: Ledger, events: readonly UsageEvent[], actions: readonly AgentAction[], nowMs: number): RunawayAlert[] {
    const started = Date.now();
    this.ledger = ledger;
    this.observed = ledger.size;
    const recent: UsageEvent[] = [];
    const history: UsageEvent[] = [];
    for (const e of events) {
      if (e.timestampMs >= nowMs - replayMs) recent.push(e);
      else if (e.timestampMs >= nowMs - baselineMs) history.push(e);
    }
    const baseline = withPlanDefaults(baselineFromHistory(history, this.costOf), this.settings.plan);
    const options: RunawayOptions = {
      baseline,
      burnFactor: this.settings.runaway.burnFactor,
      maxParallelAgents: this.settings.runaway.maxParallelAgents || undefined,
      dailyBudgetUsd: this.settings.budget.dailyUsd,
      dayStartMs: (ms) => periodAt(this.calendar, 'day', ms).startMs,
      remainingBudgetUsd: () => this.remainingBudgetUsd(),
      windowBudget: windowBudgetOf(this.settings.plan),
    };
    const detector = new RunawayDetector(options);
    replayInto(detector, recent, actions, this.costOf);
    this.detector = detector;
    this.log(`Runaway guard: baseline ${baseline.sessionCount ? `from ${baseline.sessionCount} sessions` : '(defaults)'}, alert above ${englishUsd.roundedMoney(detector.burnThresholdUsdPerHour)}/h or ${detector.parallelAgentsLimit} sub-agents at once; replayed ${recent.length} recent requests in ${Date.now() - started} ms.`);
    // After a replay only what is still going matters, not every alert the last two hours raised.
    return this.detector.alertsInForce(nowMs);
  }

  status(nowMs: number): RunawayStatus {
    return this.detector && this.settings.runaway.enabled ? runawayStatusOf(this.detector.alertsInForce(nowMs)) : runawayStatusOf([]);
  }

  get current(): RunawayDetector | undefined {
    return this.detector;
  }

  snooze(sessionId: string, untilMs: number): void {
    this.detector?.snooze(sessionId, untilMs);
  }
}
