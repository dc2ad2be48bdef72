// The ledger's key hashes grow without freeing blocks glibc mapped on their own (issue 19, cold peak RSS): no typed
// array over 128 KiB is made while keys are added, and lookups across chunk and segment boundaries stay exact.
import { strict as assert } from 'node:assert';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { Ledger } from '../../src/core/ledger/ledger';
import { chunkRows, packedFields } from '../../src/core/ledger/packedRows';

const usage = (key: string, output: number, timestampMs: number): ParsedUsage => ({
  dedupKey: key,
  event: { source: 'claude', timestampMs, sessionId: 's', agentId: '', project: 'p', model: 'm', inputTokens: 1, outputTokens: output, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
});

describe('ledger key hashes in chunks', () => {
  it('adds 100,000 keys with no Int32Array or Uint32Array over 128 KiB but the rows chunks, finds every repeat, and reads back the same after a save', () => {
    const made: number[] = [];
    const original = { Int32Array: globalThis.Int32Array, Uint32Array: globalThis.Uint32Array };
    for (const name of ['Int32Array', 'Uint32Array'] as const) {
      const Base = original[name];
      (globalThis as Record<string, unknown>)[name] = new Proxy(Base, {
        construct(target, args) {
          const array = Reflect.construct(target, args) as Int32Array | Uint32Array;
          if (typeof args[0] === 'number') made.push(array.byteLength);
          return array;
        },
      });
    }
    const count = 100_000;
    let ledger: Ledger;
    try {
      ledger = new Ledger();
      for (let i = 0; i < count; i++) ledger.add(usage(`k${i}`, 1, i));
    } finally {
      Object.assign(globalThis, original);
    }
    assert.ok(made.length > 0, 'the spy saw the arrays');
    // (The rows' own chunks are made once and kept: PackedRows.)
    assert.deepEqual(made.filter((bytes) => bytes > 128 * 1024 && bytes !== chunkRows * packedFields * 4), [], 'nothing over 128 KiB');
    // Repeats of every 7th key (across chunks of 16,384 rows and 64 KiB table segments) merge into their rows.
    for (let i = 0; i < count; i += 7) ledger.add(usage(`k${i}`, 5, i));
    assert.equal(ledger.size, count);
    assert.equal(ledger.duplicateCount, Math.ceil(count / 7));
    const restored = Ledger.deserialize(ledger.serialize());
    for (let i = 3; i < count; i += 7) restored.add(usage(`k${i}`, 9, i));
    restored.add(usage('new', 1, count));
    assert.equal(restored.size, count + 1);
    assert.equal(restored.duplicateCount, Math.ceil(count / 7) + Math.ceil((count - 3) / 7));
    const outputs = new Map(restored.events().map((e) => [e.timestampMs, e.outputTokens]));
    for (const i of [0, 3, 7, 16_383, 16_384, 16_387, 99_999]) assert.equal(outputs.get(i), i % 7 === 0 ? 5 : i % 7 === 3 ? 9 : 1, `row at ${i}`);
  });
});
