import { strict as assert } from 'node:assert';
import type { SoakResult } from './soak';

const MB = 1024 * 1024;

/** What "healthy" means after a soak; prints the figures for docs/reliability.md. */
export function assertSoakHealthy(r: SoakResult): void {
  const mb = (n: number) => `${(n / MB).toFixed(2)} MB`;
  process.stdout.write(
    `      soak: ${r.simulatedMinutes.toFixed(0)} simulated min, ${r.sessionsStarted} sessions, ${r.eventsWritten} events, ${r.linesWritten} lines ` +
      `(${r.garbageLines} garbage, ${r.tornWrites} torn writes), ${r.quickPasses} quick + ${r.fullPasses} full passes, ${r.indexSaves} index save/loads, ${r.polls} polls\n` +
      `      heap after GC: ${r.heapSamples.map(mb).join(' → ')}; soaked scanner holds ${mb(r.soakedRetainedBytes)} vs fresh ${mb(r.freshRetainedBytes)}; ` +
      `idle growth ${mb(r.idleGrowthBytes)}; idle CPU ${(r.idleCpuMicros / 1000).toFixed(1)} ms/s\n` +
      `      handles before ${JSON.stringify(r.resourcesBefore)} after ${JSON.stringify(r.resourcesAfter)}\n`,
  );
  assert.ok(r.totalsMatchFresh, `totals differ from a fresh scan: ${JSON.stringify(r.soakTotals)} vs ${JSON.stringify(r.freshTotals)}`);
  assert.equal(r.soakTotals.events, r.eventsWritten, 'every event written is counted once');
  assert.ok(r.idleGrowthBytes < 1 * MB, `heap grew ${mb(r.idleGrowthBytes)} over idle passes`);
  assert.ok(r.soakedRetainedBytes < r.freshRetainedBytes * 1.5 + 4 * MB, `soaked scanner holds ${mb(r.soakedRetainedBytes)}, a fresh one ${mb(r.freshRetainedBytes)}`);
  assert.ok(r.idleCpuMicros < 100_000, `idle CPU ${r.idleCpuMicros} µs in one second`);
  for (const [kind, n] of Object.entries(r.resourcesAfter)) {
    assert.ok(n <= (r.resourcesBefore[kind] ?? 0), `${kind}: ${r.resourcesBefore[kind] ?? 0} before, ${n} after`);
  }
  assert.ok(r.polls > 3 && r.fullPasses > 2 && r.indexSaves > 1 && r.tornWrites > 10);
}
