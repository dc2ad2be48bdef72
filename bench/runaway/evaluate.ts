/**
 * Runaway detector evaluation on generated histories with planted runaways.
 * Run: npx tsx bench/runaway/evaluate.ts [--seeds N] [--first S] [--intensity X]
 * Prints precision, recall (caught within 10 min of the runaway's start),
 * detection delay (median / max), false alarms by normal scenario, and replay speed.
 */
import { baselineFromHistory, replayAlerts, type RunawayAlert, type RunawayOptions } from '../../src/core/runaway';
import { generateHistory, runawayScenarios, testCostOf, windowBudgetEatenIn, type History } from '../../test/unit/runawayHistories';

const args = process.argv.slice(2);
const argOf = (name: string, dflt: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const seeds = argOf('--seeds', 30);
/** Request rate of the normal work relative to the default profile (a heavier user: 1.5). */
const intensity = argOf('--intensity', 1);
const first = argOf('--first', 1);
const limitMs = 10 * 60_000;

interface Tally { alerts: number; trueAlerts: number; planted: number; caught: number; delaysMs: number[]; falseByScenario: Map<string, number>; missed: string[]; events: number; replayMs: number }
const newTally = (): Tally => ({ alerts: 0, trueAlerts: 0, planted: 0, caught: 0, delaysMs: [], falseByScenario: new Map(), missed: [], events: 0, replayMs: 0 });

function score(t: Tally, h: History, alerts: RunawayAlert[], seed: number): void {
  t.alerts += alerts.length;
  const planted = new Map(h.planted.map((p) => [p.sessionId, p]));
  for (const a of alerts) {
    const p = planted.get(a.sessionId);
    if (p !== undefined && a.firedAtMs >= p.startMs) { t.trueAlerts++; continue; }
    const label = p !== undefined ? `${p.scenario} (before its start)` : `${h.normalSessions.get(a.sessionId) ?? 'unknown'}:${a.kind}`;
    t.falseByScenario.set(label, (t.falseByScenario.get(label) ?? 0) + 1);
  }
  for (const p of h.planted) {
    t.planted++;
    const firstAlert = alerts.find((a) => a.sessionId === p.sessionId && a.firedAtMs >= p.startMs);
    if (firstAlert !== undefined && firstAlert.firedAtMs - p.startMs <= limitMs) {
      t.caught++;
      t.delaysMs.push(firstAlert.firedAtMs - p.startMs);
    } else t.missed.push(`seed ${seed} ${p.scenario}${firstAlert ? ` after ${((firstAlert.firedAtMs - p.startMs) / 60_000).toFixed(1)} min` : ''}`);
  }
}

function report(name: string, t: Tally): void {
  const d = [...t.delaysMs].sort((a, b) => a - b);
  const median = d.length ? d[Math.floor((d.length - 1) / 2)] : NaN;
  const max = d.length ? d[d.length - 1] : NaN;
  const precision = t.alerts === 0 ? 1 : t.trueAlerts / t.alerts;
  console.log(`${name}: precision ${precision.toFixed(3)} (${t.trueAlerts}/${t.alerts} alerts), recall ${(t.caught / t.planted).toFixed(3)} (${t.caught}/${t.planted} within 10 min), ` +
    `delay median ${(median / 60_000).toFixed(1)} min, max ${(max / 60_000).toFixed(1)} min; replay ${t.events} events in ${t.replayMs.toFixed(0)} ms (${(t.events / t.replayMs).toFixed(0)}k events/s)`);
  for (const [label, n] of t.falseByScenario) console.log(`  false alarm: ${label} ×${n}`);
  for (const m of t.missed) console.log(`  missed: ${m}`);
}

/** How close normal work comes to the alert thresholds: peak 3-minute burn rate and peak sub-agents active within 2 minutes, per normal scenario. */
const margins = new Map<string, { usdPerHour: number; agents: number }>();
function trackMargins(h: History): void {
  const bySession = new Map<string, { minuteCost: Map<number, number>; agentLast: Map<string, number>; peakAgents: number }>();
  for (const e of h.events) {
    if (!h.normalSessions.has(e.sessionId)) continue;
    let s = bySession.get(e.sessionId);
    if (!s) bySession.set(e.sessionId, (s = { minuteCost: new Map(), agentLast: new Map(), peakAgents: 0 }));
    const m = Math.floor(e.timestampMs / 60_000);
    s.minuteCost.set(m, (s.minuteCost.get(m) ?? 0) + (testCostOf(e) ?? 0));
    if (e.agentId !== '') {
      s.agentLast.set(e.agentId, e.timestampMs);
      let active = 0;
      for (const t of s.agentLast.values()) if (t >= e.timestampMs - 120_000) active++;
      s.peakAgents = Math.max(s.peakAgents, active);
    }
  }
  for (const [id, s] of bySession) {
    let peak = 0;
    for (const m of s.minuteCost.keys()) peak = Math.max(peak, ((s.minuteCost.get(m) ?? 0) + (s.minuteCost.get(m - 1) ?? 0) + (s.minuteCost.get(m - 2) ?? 0)) * 20);
    const label = h.normalSessions.get(id)!;
    const cur = margins.get(label) ?? { usdPerHour: 0, agents: 0 };
    margins.set(label, { usdPerHour: Math.max(cur.usdPerHour, peak), agents: Math.max(cur.agents, s.peakAgents) });
  }
}

const byDefault = newTally();
const byHistory = newTally();
const windowTally = newTally();
const perScenario = new Map<string, number[]>();
for (let seed = first; seed < first + seeds; seed++) {
  const h = generateHistory(seed, { normalIntensity: intensity });
  trackMargins(h);
  const variants: [Tally, RunawayOptions][] = [
    [byDefault, {}],
    [byHistory, { baseline: baselineFromHistory(generateHistory(seed + 100_000, { runaways: [], normalIntensity: intensity }).events, testCostOf) }],
  ];
  for (const [tally, options] of variants) {
    const t0 = performance.now();
    const alerts = replayAlerts(h.events, testCostOf, options);
    tally.replayMs += performance.now() - t0;
    tally.events += h.events.length;
    score(tally, h, alerts, seed);
    if (tally === byDefault) {
      for (const p of h.planted) {
        const a = alerts.find((x) => x.sessionId === p.sessionId && x.firedAtMs >= p.startMs);
        if (a) { const arr = perScenario.get(p.scenario) ?? []; arr.push(a.firedAtMs - p.startMs); perScenario.set(p.scenario, arr); }
      }
    }
  }
  // The 142-agent fan-out alone with a 5-hour window budget it eats in ~20 min: the budget alert must come with the estimate.
  const w = generateHistory(seed, { runaways: ['window-142'], normal: false });
  const tw = performance.now();
  const windowAlerts = replayAlerts(w.events, testCostOf, { windowBudget: { usd: windowBudgetEatenIn(w, 20) } });
  windowTally.replayMs += performance.now() - tw;
  windowTally.events += w.events.length;
  score(windowTally, w, windowAlerts.filter((a) => a.kind === 'budget-projection'), seed);
}
console.log(`runaway detector, seeds ${first}..${first + seeds - 1}, normal intensity ${intensity}, scenarios: ${runawayScenarios.join(', ')}`);
report('default baseline', byDefault);
report('baseline from history', byHistory);
report('window-142 alone, with a window budget it eats in 20 min (budget-projection alerts only)', windowTally);
for (const [s, d] of perScenario) {
  d.sort((a, b) => a - b);
  console.log(`  ${s}: delay median ${(d[Math.floor((d.length - 1) / 2)] / 60_000).toFixed(1)} min, max ${(d[d.length - 1] / 60_000).toFixed(1)} min`);
}
console.log('normal work, peak over all seeds (default thresholds: burn-rate $200/h over 3 min, more than 20 sub-agents active):');
for (const [label, m] of margins) console.log(`  ${label}: peak 3-min burn $${m.usdPerHour.toFixed(0)}/h, peak sub-agents active ${m.agents}`);
