// Trimmed soak (about 10 s) for npm test: simulated agent traffic compressed in time, with the
// scanner and budget poller running. The long run is `npm run test:stress` (test/stress/soak.test.ts).
import { assertSoakHealthy } from '../helpers/soakAssertions';
import { runSoak } from '../helpers/soak';

describe('soak (trimmed): an hour of agent traffic in 8 seconds', function () {
  this.timeout(60_000);
  it('keeps memory flat, leaves no timers or handles behind, idles, and ends with the totals of a fresh scan', async () => {
    const result = await runSoak({ durationMs: 8_000, speedup: 450, sessions: 12 });
    assertSoakHealthy(result);
  });
});
