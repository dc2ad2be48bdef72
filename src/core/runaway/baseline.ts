import { totalTokensOf, type UsageEvent } from '../usageEvent';
import type { AgentAction } from './actions';
import { RunawayDetector } from './detector';
import { minuteMs } from './sessionState';
import { defaultBaseline, type RunawayAlert, type RunawayBaseline, type RunawayOptions } from './types';

/**
 * Replays events (and the agents' tool calls, when read) through a fresh detector as if live,
 * in time order, and returns every alert with the time it would have fired.
 */
export function replayAlerts(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null, options: RunawayOptions = {},
  actions: readonly AgentAction[] = []): RunawayAlert[] {
  return replayInto(new RunawayDetector(options), events, actions, costOf);
}

/** Feeds events and actions, merged in time order, to `detector`; returns the alerts raised. */
export function replayInto(detector: RunawayDetector, events: readonly UsageEvent[], actions: readonly AgentAction[], costOf: (e: UsageEvent) => number | null): RunawayAlert[] {
  const byTime = <T extends { timestampMs: number }>(xs: readonly T[]) => (isSortedByTime(xs) ? xs : [...xs].sort((a, b) => a.timestampMs - b.timestampMs));
  const sortedEvents = byTime(events);
  const sortedActions = byTime(actions);
  const alerts: RunawayAlert[] = [];
  let j = 0;
  for (const e of sortedEvents) {
    while (j < sortedActions.length && sortedActions[j].timestampMs < e.timestampMs) for (const a of detector.observeAction(sortedActions[j++])) alerts.push(a);
    for (const a of detector.observe(e, costOf(e))) alerts.push(a);
  }
  while (j < sortedActions.length) for (const a of detector.observeAction(sortedActions[j++])) alerts.push(a);
  return alerts;
}

function isSortedByTime(xs: readonly { timestampMs: number }[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i].timestampMs < xs[i - 1].timestampMs) return false;
  return true;
}

function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return 0;
  const idx = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(p * sortedValues.length) - 1));
  return sortedValues[idx];
}

/** Highest sum of `perMinute` over any `windowMinutes` consecutive minutes, divided by the window: a per-minute rate. */
function peakPerMinute(perMinute: Map<number, number>, sortedMinutes: readonly number[], windowMinutes: number): number {
  let peak = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < sortedMinutes.length; hi++) {
    sum += perMinute.get(sortedMinutes[hi])!;
    while (sortedMinutes[lo] <= sortedMinutes[hi] - windowMinutes) sum -= perMinute.get(sortedMinutes[lo++])!;
    peak = Math.max(peak, sum / windowMinutes);
  }
  return peak;
}

/** A sustained session this many times the median session's 10-minute peak, over 30 minutes, is not "normal" (a past runaway). */
const outlierTimesMedianPeak = 4;

/**
 * The user's baseline from past events, over sessions of at least `minSessionMs` (default 10 min):
 * - `usdPerHour`: P95 of each session's peak burn rate over `peakWindowMinutes` (default 3, the
 *   burn-rate alert's window), at least `floorUsdPerHour` (default $10/h);
 * - `tokensPerMinute` / `usdPerHour10`: P95 of each session's peak 10-minute rate in tokens and USD
 *   (the relative alert's window; no floor);
 * - `parallelAgents`: P95 of their peak count of sub-agents active within 2 minutes.
 * Falls back to `defaultBaseline` with fewer than `minSessions` (default 5) sessions.
 * Past runaways are left out (`excludeFlagged`, default true): sessions the detector flags with
 * default dollar thresholds, and sessions that sustained over 30 minutes more than 4× the median
 * session's 10-minute peak — so a few bad nights in the history do not raise the thresholds.
 */
export function baselineFromHistory(events: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null,
  opts: { minSessions?: number; minSessionMs?: number; floorUsdPerHour?: number; excludeFlagged?: boolean; peakWindowMinutes?: number } = {}): RunawayBaseline {
  const exclude = opts.excludeFlagged !== false;
  const flagged = exclude ? new Set(replayAlerts(events, costOf, { relative: false }).map((a) => a.sessionId)) : new Set<string>();
  const minSessions = opts.minSessions ?? 5;
  const peakWindowMinutes = opts.peakWindowMinutes ?? 3;
  const minSessionMs = opts.minSessionMs ?? 10 * minuteMs;
  const floorUsdPerHour = opts.floorUsdPerHour ?? 10;
  interface Acc { first: number; last: number; minuteCost: Map<number, number>; minuteTokens: Map<number, number>; agentMinutes: Map<number, Set<string>> }
  const bySession = new Map<string, Acc>();
  for (const e of events) {
    if (flagged.has(e.sessionId)) continue;
    let a = bySession.get(e.sessionId);
    if (a === undefined) { a = { first: e.timestampMs, last: e.timestampMs, minuteCost: new Map(), minuteTokens: new Map(), agentMinutes: new Map() }; bySession.set(e.sessionId, a); }
    a.first = Math.min(a.first, e.timestampMs);
    a.last = Math.max(a.last, e.timestampMs);
    const m = Math.floor(e.timestampMs / minuteMs);
    a.minuteCost.set(m, (a.minuteCost.get(m) ?? 0) + (costOf(e) ?? 0));
    a.minuteTokens.set(m, (a.minuteTokens.get(m) ?? 0) + totalTokensOf(e));
    if (e.agentId !== '') {
      let set = a.agentMinutes.get(m);
      if (set === undefined) { set = new Set(); a.agentMinutes.set(m, set); }
      set.add(e.agentId);
    }
  }
  interface Peaks { usd3: number; usd10: number; tok10: number; usd30: number; tok30: number; agents: number }
  const sessions: Peaks[] = [];
  for (const a of bySession.values()) {
    if (a.last - a.first < minSessionMs) continue;
    const minutes = [...a.minuteCost.keys()].sort((x, y) => x - y);
    const agentMinutes = [...a.agentMinutes.keys()].sort((x, y) => x - y);
    let maxAgents = 0;
    for (let i = 0; i < agentMinutes.length; i++) {
      const set = new Set(a.agentMinutes.get(agentMinutes[i]));
      const prev = a.agentMinutes.get(agentMinutes[i] - 1);
      if (prev !== undefined) for (const id of prev) set.add(id);
      maxAgents = Math.max(maxAgents, set.size);
    }
    sessions.push({
      usd3: peakPerMinute(a.minuteCost, minutes, peakWindowMinutes) * 60,
      usd10: peakPerMinute(a.minuteCost, minutes, 10) * 60,
      tok10: peakPerMinute(a.minuteTokens, minutes, 10),
      usd30: peakPerMinute(a.minuteCost, minutes, 30) * 60,
      tok30: peakPerMinute(a.minuteTokens, minutes, 30),
      agents: maxAgents,
    });
  }
  if (sessions.length < minSessions) return defaultBaseline;
  const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 0.5);
  const medTok10 = median(sessions.map((p) => p.tok10));
  const medUsd10 = median(sessions.map((p) => p.usd10));
  const normal = exclude
    ? sessions.filter((p) => !(p.tok30 > outlierTimesMedianPeak * medTok10 || (medUsd10 > 0 && p.usd30 > outlierTimesMedianPeak * medUsd10)))
    : sessions;
  if (normal.length < minSessions) return defaultBaseline;
  const p95 = (pick: (p: Peaks) => number) => percentile(normal.map(pick).sort((x, y) => x - y), 0.95);
  return {
    usdPerHour: Math.max(floorUsdPerHour, p95((p) => p.usd3)),
    parallelAgents: p95((p) => p.agents),
    sessionCount: normal.length,
    tokensPerMinute: p95((p) => p.tok10),
    usdPerHour10: p95((p) => p.usd10),
  };
}
