// Four bytes at a time must still see every byte: a difference at any place of a run, at any alignment of
// either side, makes the runs differ; and a run never reads past the end it is given.
import { strict as assert } from 'node:assert';
import { bytesAt, byteRun, plainRunEnd, sameBytes, viewOf } from '../../src/core/byteRuns';

describe('byte runs compared four bytes at a time', () => {
  it('finds a single changed byte at every place of runs of 0 to 13 bytes, at every alignment', () => {
    for (let length = 0; length <= 13; length++) {
      for (let aAt = 0; aAt < 4; aAt++) {
        for (let bAt = 0; bAt < 4; bAt++) {
          const a = Buffer.alloc(aAt + length + 3, 0x61);
          const b = Buffer.alloc(bAt + length + 5, 0x61);
          assert.equal(sameBytes(a, viewOf(a), aAt, b, viewOf(b), bAt, length), true);
          for (let k = 0; k < length; k++) {
            b[bAt + k] = 0x62;
            assert.equal(sameBytes(a, viewOf(a), aAt, b, viewOf(b), bAt, length), false, `length ${length}, change at ${k}, offsets ${aAt}/${bAt}`);
            b[bAt + k] = 0x61;
          }
          // Bytes just outside the run do not count.
          if (aAt > 0) a[aAt - 1] = 0x63;
          a[aAt + length] = 0x63;
          assert.equal(sameBytes(a, viewOf(a), aAt, b, viewOf(b), bAt, length), true);
        }
      }
    }
  });

  it('bytesAt matches a run only when the whole run is before the end', () => {
    const run = byteRun('{"timestamp":"');
    const line = Buffer.from('xx{"timestamp":"2026');
    assert.equal(bytesAt(line, 2, line.length, run), true);
    assert.equal(bytesAt(line, 2, 2 + run.length, run), true);
    assert.equal(bytesAt(line, 2, 2 + run.length - 1, run), false);
    assert.equal(bytesAt(line, 1, line.length, run), false);
    assert.equal(bytesAt(Buffer.from('{"timestamp":X'), 0, 14, run), false);
  });

  it('a view kept for one buffer is not used for another of the same length', () => {
    const run = byteRun('abcd');
    const first = Buffer.from('abcd');
    const second = Buffer.from('abce');
    assert.equal(bytesAt(first, 0, 4, run), true);
    assert.equal(bytesAt(second, 0, 4, run), false);
    assert.equal(bytesAt(first, 0, 4, run), true);
  });

  it('passes plain string bytes four at a time and stops at the word of the first quote, backslash or control byte', () => {
    const isSpecial = (b: number) => b < 0x20 || b === 0x22 || b === 0x5c;
    // A byte at every place of runs of up to 13 bytes, at every alignment; around it, bytes that are
    // plain but close to the special ones (0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff).
    const neighbours = [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff];
    // The byte put in: every special one, and those around them and around the word tricks' constants.
    const bytes = [...Array.from({ length: 0x26 }, (_, b) => b), 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x7f, 0x80, 0x81, 0xa2, 0xdc, 0xfe, 0xff];
    for (let length = 0; length <= 13; length++) {
      for (let at = 0; at < 4; at++) {
        for (const fill of neighbours) {
          for (let k = -1; k < length; k++) {
            for (const byte of k === -1 ? [0] : bytes) {
              const buf = Buffer.alloc(at + length + 4, 0x22);
              buf.fill(fill, at, at + length);
              if (k >= 0) buf[at + k] = byte;
              const j = plainRunEnd(buf, at, at + length);
              assert.equal((j - at) % 4, 0);
              for (let i = at; i < j; i++) assert.ok(!isSpecial(buf[i]), `passed a special byte ${buf[i]} at ${i - at}`);
              // It stops either short of the end (fewer than 4 bytes left) or at a word holding a special byte.
              assert.ok(j + 4 > at + length || [0, 1, 2, 3].some((d) => isSpecial(buf[j + d])), `stopped at ${j - at} of ${length} (byte ${byte} at ${k})`);
            }
          }
        }
      }
    }
  });
});
