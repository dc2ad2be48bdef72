// test/helpers/binaryUnit.ts stands in for fast-check's `unit: 'binary'` in the unit suite (without its ~2 s Map of
// every code point): the two must generate, shrink and accept the same strings.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { binaryUnit } from '../helpers/binaryUnit';

describe("stress: binaryUnit is fast-check's binary unit", function () {
  this.timeout(120_000);

  it('generates the same strings for the same seed, with and without length constraints', () => {
    for (const constraints of [{}, { maxLength: 200 }, { minLength: 3, maxLength: 40 }]) {
      for (const seed of [1, 42, 7777]) {
        const ours = fc.sample(fc.string({ ...constraints, unit: binaryUnit }), { seed, numRuns: 2000 });
        const theirs = fc.sample(fc.string({ ...constraints, unit: 'binary' }), { seed, numRuns: 2000 });
        assert.deepEqual(ours, theirs, `seed ${seed}, ${JSON.stringify(constraints)}`);
      }
    }
  });

  it('shrinks a failing property to the same counterexample in the same steps', () => {
    for (const seed of [3, 4, 5, 6]) {
      const run = (unit: fc.Arbitrary<string> | 'binary') => fc.check(fc.property(fc.string({ unit }), (s) => !(s.length > 3 && /[\u0100-\uffff]/.test(s))), { seed, numRuns: 500 });
      const ours = run(binaryUnit);
      const theirs = run('binary');
      assert.equal(ours.failed, true);
      assert.deepEqual([ours.counterexample, ours.numShrinks], [theirs.counterexample, theirs.numShrinks], `seed ${seed}`);
    }
  });

  it('accepts the same values without a context (what shrinking a given value needs)', () => {
    const values: unknown[] = ['', 'a', '\u0000', '\ud7ff', '\ue000', '\u{10ffff}', '😀', 'ab😀', '\ud800', 'a\udc00', '\udbff\udfff', 5, null, ['a']];
    const ours = fc.string({ unit: binaryUnit });
    const theirs = fc.string({ unit: 'binary' });
    for (const value of values) assert.equal(ours.canShrinkWithoutContext(value), theirs.canShrinkWithoutContext(value), JSON.stringify(value));
  });
});
