import type { UsageEvent } from '../usageEvent';
import { RunawayDetector } from './detector';
import { minuteMs } from './sessionState';
import { defaultBaseline, type RunawayAlert, type RunawayBaseline, type RunawayOptions } from './types';

/**
 * Replays events through a fresh detector as if live (sorted by time) and
 * returns every alert with the time it would have fired.
 */
export function replayAlerts(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null, options: RunawayOptions = {}): RunawayAlert[] {
  const sorted = isSortedByTime(events) ? events : [...events].sort((a, b) => a.timestampMs - b.timestampMs);
  const detector = new RunawayDetector(options);
  const alerts: RunawayAlert[] = [];
  for (const e of sorted) {
    const fired = detector.observe(e, costOf(e));
    for (const a of fired) alerts.push(a);
  }
  return alerts;
}

function isSortedByTime(events: readonly UsageEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i].timestampMs < events[i - 1].timestampMs) return false;
  return true;
}

function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return 0;
  const idx = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(p * sortedValues.length) - 1));
  return sortedValues[idx];
}

/**
 * The user's baseline from past events: P95 over sessions (of at least
 * `minSessionMs`, default 10 min) of each session's peak burn rate over
 * `peakWindowMinutes` (default 3, the burn-rate alert's window; a 10-minute
 * window under-rates short bursts), USD/h, and P95 of their peak count of
 * sub-agents active within 2 minutes.
 * Falls back to `defaultBaseline` with fewer than `minSessions` (default 5) sessions.
 * Sessions the detector flags with default settings are excluded (`excludeFlagged`, default true).
 */
export function baselineFromHistory(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null,
  opts: { minSessions?: number; minSessionMs?: number; floorUsdPerHour?: number; excludeFlagged?: boolean; peakWindowMinutes?: number } = {}): RunawayBaseline {
  // Past runaways are not "normal": sessions the default detector flags are left out, so one
  // bad night in the history does not raise the thresholds for ever.
  const flagged = opts.excludeFlagged === false ? new Set<string>() : new Set(replayAlerts(events, costOf).map((a) => a.sessionId));
  const minSessions = opts.minSessions ?? 5;
  const peakWindowMinutes = opts.peakWindowMinutes ?? 3;
  const minSessionMs = opts.minSessionMs ?? 10 * minuteMs;
  const floorUsdPerHour = opts.floorUsdPerHour ?? 10;
  interface Acc { first: number; last: number; minuteCost: Map<number, number>; agentLast: Map<string, number>; agentMinutes: Map<number, Set<string>> }
  const bySession = new Map<string, Acc>();
  for (const e of events) {
    if (flagged.has(e.sessionId)) continue;
    let a = bySession.get(e.sessionId);
    if (a === undefined) { a = { first: e.timestampMs, last: e.timestampMs, minuteCost: new Map(), agentLast: new Map(), agentMinutes: new Map() }; bySession.set(e.sessionId, a); }
    a.first = Math.min(a.first, e.timestampMs);
    a.last = Math.max(a.last, e.timestampMs);
    const m = Math.floor(e.timestampMs / minuteMs);
    a.minuteCost.set(m, (a.minuteCost.get(m) ?? 0) + (costOf(e) ?? 0));
    if (e.agentId !== '') {
      let set = a.agentMinutes.get(m);
      if (set === undefined) { set = new Set(); a.agentMinutes.set(m, set); }
      set.add(e.agentId);
    }
  }
  const peakRates: number[] = [];
  const peakAgents: number[] = [];
  for (const a of bySession.values()) {
    if (a.last - a.first < minSessionMs) continue;
    const minutes = [...a.minuteCost.keys()].sort((x, y) => x - y);
    let peak = 0;
    let windowSum = 0;
    let lo = 0;
    for (let hi = 0; hi < minutes.length; hi++) {
      windowSum += a.minuteCost.get(minutes[hi])!;
      while (minutes[lo] <= minutes[hi] - peakWindowMinutes) windowSum -= a.minuteCost.get(minutes[lo++])!;
      peak = Math.max(peak, windowSum * (60 / peakWindowMinutes));
    }
    peakRates.push(peak);
    const agentMinutes = [...a.agentMinutes.keys()].sort((x, y) => x - y);
    let maxAgents = 0;
    for (let i = 0; i < agentMinutes.length; i++) {
      const set = new Set(a.agentMinutes.get(agentMinutes[i]));
      const prev = a.agentMinutes.get(agentMinutes[i] - 1);
      if (prev !== undefined) for (const id of prev) set.add(id);
      maxAgents = Math.max(maxAgents, set.size);
    }
    peakAgents.push(maxAgents);
  }
  if (peakRates.length < minSessions) return defaultBaseline;
  peakRates.sort((x, y) => x - y);
  peakAgents.sort((x, y) => x - y);
  return {
    usdPerHour: Math.max(floorUsdPerHour, percentile(peakRates, 0.95)),
    parallelAgents: percentile(peakAgents, 0.95),
    sessionCount: peakRates.length,
  };
}
