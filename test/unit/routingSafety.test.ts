import { strict as assert } from 'node:assert';
import { safetyFailures } from '../../bench/routing/safety';

// bench/routing/safety.ts is the list of the router's and estimator's model-dependent unit-test assertions that
// the selection rule (bench/routing/cvRule.ts) applies to every candidate model; the shipped one must pass it.
describe('routing safety checks (the selection rule\'s hard constraints)', () => {
  it('all pass on the shipped model and knobs', () => {
    assert.deepEqual(safetyFailures({ calibration: false }), []);
  });
});
