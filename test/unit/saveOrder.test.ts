// The index is saved in time order (core/ledger/saving.ts timeOrder): sorted natively when the times are whole
// milliseconds over a span that leaves room for the row number, else by a comparator. Both orders must agree.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { timeOrder } from '../../src/core/ledger/saving';

function byComparator(times: number[]): number[] {
  return times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
}

describe('index save order', () => {
  it('is by time, then row, for whole, fractional, tied and far-apart times', () => {
    const timeArb = fc.oneof(
      fc.integer({ min: 1_760_000_000_000, max: 1_760_000_100_000 }),
      fc.constantFrom(1_760_000_000_000, 1_760_000_000_001, 0, -5, -0),
      fc.double({ min: 1_760_000_000_000, max: 1_760_000_000_010, noNaN: true }),
      fc.constantFrom(1e15, -1e15),
    );
    fc.assert(
      fc.property(fc.array(timeArb, { maxLength: 300 }), (times) => {
        assert.deepEqual([...timeOrder({ count: times.length, timeOf: (i) => times[i] })], byComparator(times));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a fraction of a millisecond that the distance to a far first time would round off', () => {
    const times = [1e15, 1_760_000_000_000.0002, 1_760_000_000_000];
    assert.deepEqual([...timeOrder({ count: times.length, timeOf: (i) => times[i] })], [2, 1, 0]);
  });
});
