/**
 * Runaway detection per user profile on the tuning generator (test/unit/runawayProfiles.ts).
 * Run: npx tsx bench/runaway/profiles.ts [--seeds N] [--first S] [--repetition FAILED,OK]
 * The baseline comes from the whole replayed history, as `tokenmeter alerts --replay` does.
 */
import { baselineFromHistory, replayAlerts, type RunawayAlert } from '../../src/core/runaway';
import { generateProfileHistory, profiles, type ProfileHistory } from '../../test/unit/runawayProfiles';
import { testCostOf } from '../../test/unit/runawayHistories';

const args = process.argv.slice(2);
const argOf = (name: string, dflt: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const seeds = argOf('--seeds', 10);
const first = argOf('--first', 1);
const limitMs = 10 * 60_000;
// --repetition F,O: repeats of the same failing / succeeding call that make a loop (the sweep in docs/benchmarks.md).
const repetitionArg = args.includes('--repetition') ? args[args.indexOf('--repetition') + 1].split(',').map(Number) : undefined;
const repetition = repetitionArg ? { minFailedRepeats: repetitionArg[0], minOkRepeats: repetitionArg[1] } : undefined;

export interface Score { alerts: number; trueAlerts: number; planted: number; caught: number; delaysMs: number[]; falses: string[]; missed: string[]; leadMs: number[]; byShape: Map<string, { planted: number; caught: number; delaysMs: number[] }> }
export const newScore = (): Score => ({ alerts: 0, trueAlerts: 0, planted: 0, caught: 0, delaysMs: [], falses: [], missed: [], leadMs: [], byShape: new Map() });

export function scoreHistory(s: Score, h: Pick<ProfileHistory, 'planted'>, alerts: RunawayAlert[], label: string): void {
  const planted = new Map(h.planted.map((p) => [p.sessionId, p]));
  for (const a of alerts) {
    s.alerts++;
    const p = planted.get(a.sessionId);
    if (p !== undefined && a.firedAtMs >= p.startMs) s.trueAlerts++;
    else s.falses.push(`${label} ${a.kind} ${a.sessionId.slice(9)} ${new Date(a.firedAtMs).toISOString()} ${a.message.slice(0, 160)}`);
  }
  for (const p of h.planted) {
    s.planted++;
    const firstAlert = alerts.find((a) => a.sessionId === p.sessionId && a.firedAtMs >= p.startMs);
    const delay = firstAlert ? firstAlert.firedAtMs - p.sustainedMs : Infinity;
    const shapeName = p.variant ? `${p.shape}/${p.variant}` : p.shape;
    const shape = s.byShape.get(shapeName) ?? s.byShape.set(shapeName, { planted: 0, caught: 0, delaysMs: [] }).get(shapeName)!;
    shape.planted++;
    if (firstAlert && delay <= limitMs) { shape.caught++; shape.delaysMs.push(delay); }
    if (firstAlert && delay <= limitMs) { s.caught++; s.delaysMs.push(Math.max(0, delay)); } else s.missed.push(`${label} ${p.shape}${p.variant ? `/${p.variant}` : ''} ×${p.factor.toFixed(1)}${firstAlert ? ` after ${(delay / 60_000).toFixed(1)} min` : ''}`);
    if (firstAlert && p.usageLimitAtMs !== undefined) s.leadMs.push(p.usageLimitAtMs - firstAlert.firedAtMs);
  }
}

export function line(name: string, s: Score): string {
  const d = [...s.delaysMs].sort((a, b) => a - b);
  const med = d.length ? d[Math.floor((d.length - 1) / 2)] / 60_000 : NaN;
  const max = d.length ? d[d.length - 1] / 60_000 : NaN;
  const precision = s.alerts === 0 ? 1 : s.trueAlerts / s.alerts;
  return `${name}: precision ${precision.toFixed(3)} (${s.trueAlerts}/${s.alerts}), recall ${(s.caught / s.planted).toFixed(3)} (${s.caught}/${s.planted}), delay median ${med.toFixed(1)} min, max ${max.toFixed(1)} min` +
    (s.leadMs.length ? `, lead before usage limit min ${(Math.min(...s.leadMs) / 60_000).toFixed(0)} min` : '');
}

if (require.main === module) {
  for (const profile of profiles) {
    const s = newScore();
    for (let seed = first; seed < first + seeds; seed++) {
      const h = generateProfileHistory(profile, seed);
      const baseline = baselineFromHistory(h.events, testCostOf);
      const alerts = replayAlerts(h.events, testCostOf, { baseline, repetition }, h.actions);
      scoreHistory(s, h, alerts, `seed ${seed}`);
      if (seed === first) console.log(`${profile} baseline: ${JSON.stringify(baseline)}`);
    }
    console.log(line(profile, s));
    const median = (xs: number[]) => { const d = [...xs].sort((a, b) => a - b); return d.length ? d[Math.floor((d.length - 1) / 2)] / 60_000 : NaN; };
    console.log('  ' + [...s.byShape].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v.caught}/${v.planted} (median ${median(v.delaysMs).toFixed(1)} min)`).join(', '));
    for (const f of s.falses.slice(0, 8)) console.log(`  false: ${f}`);
    for (const m of s.missed.slice(0, 8)) console.log(`  missed: ${m}`);
  }
}
