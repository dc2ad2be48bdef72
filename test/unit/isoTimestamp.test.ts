// The Codex reader takes a line's time from its 24 bytes (core/isoTimestamp.ts) instead of Date.parse: the same
// milliseconds for every string of that form, and NaN (Date.parse then decides) for anything it does not read.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { isoUtcMs } from '../../src/core/isoTimestamp';

const digits = (count: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(count, '0'));

/** `YYYY-MM-DDTHH:MM:SS.sssZ` with any digits in each field (months 00-19, hours 00-29…), in a buffer with bytes around. */
const isoArb = fc.tuple(digits(4, 9999), digits(2, 19), digits(2, 39), digits(2, 29), digits(2, 69), digits(2, 69), digits(3, 999)).map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);

function read(text: string): number {
  const buf = Buffer.from(`"x":"${text}"`);
  return isoUtcMs(buf, 5, buf.length - 1);
}

describe('ISO times read from bytes', () => {
  it('give what Date.parse gives, or NaN for Date.parse to decide', () => {
    fc.assert(fc.property(isoArb, (text) => {
      const ms = read(text);
      if (!Number.isNaN(ms)) assert.equal(ms, Date.parse(text), text);
    }), { numRuns: 20_000 });
  });

  it('read every time of years 1000-9999 with its fields in range, leap days and the 31st of short months too', () => {
    const valid = fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(fc.property(valid, (text) => assert.equal(read(text), Date.parse(text), text)), { numRuns: 20_000 });
    for (const text of ['2024-02-29T00:00:00.000Z', '2026-02-29T12:00:00.000Z', '2026-04-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z']) assert.equal(read(text), Date.parse(text), text);
  });

  it('leave other forms to Date.parse', () => {
    for (const text of ['2026-11-01T10:00:01Z', '2026-11-01T10:00:01.000+01:00', '2026-11-01 10:00:01.000Z', '2026-11-01T24:00:00.000Z', '0099-11-01T10:00:00.000Z', '2026-11-01T10:00:0x.000Z', '2026-11-01T10:00:01.000z']) {
      assert.ok(Number.isNaN(read(text)), text);
    }
    // Fewer than 24 bytes before the end.
    const buf = Buffer.from('2026-11-01T10:00:01.000Z');
    assert.ok(Number.isNaN(isoUtcMs(buf, 0, 23)));
    assert.equal(isoUtcMs(buf, 0, 24), Date.parse('2026-11-01T10:00:01.000Z'));
  });
});
