import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex } from '../../src/core/sha256';

describe('sha256Hex (the index file name without loading node:crypto)', () => {
  it('equals crypto.createHash for any text, including the padding edges and non-ASCII', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) assert.equal(sha256Hex('a'.repeat(n)), createHash('sha256').update('a'.repeat(n)).digest('hex'));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256Hex(s) === createHash('sha256').update(s, 'utf8').digest('hex')), { numRuns: 300 });
  });
});
