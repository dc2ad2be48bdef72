// The long soak: an hour of simulated agent traffic from 40 sessions over 3 minutes of wall clock
// (TOKENMETER_SOAK_MS to change), with the scanner, index and budget poller running.
import { assertSoakHealthy } from '../helpers/soakAssertions';
import { runSoak } from '../helpers/soak';

const durationMs = Number(process.env.TOKENMETER_SOAK_MS) || 180_000;

describe('stress: soak', function () {
  this.timeout(durationMs + 120_000);
  it(`an hour of agent traffic in ${durationMs / 1000} s: memory flat, no leaked timers or handles, idle CPU, totals of a fresh scan`, async () => {
    assertSoakHealthy(await runSoak({ durationMs, speedup: 3_600_000 / durationMs, sessions: 40, repliesPerTick: 12 }));
  });
});
