// The ledger's merge rules, and the per-file merge the scan threads do before it (FileRepeats).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { FileRepeats } from '../../src/core/ledger/dedupRules';
import { fieldsPerRow, Ledger } from '../../src/core/ledger/ledger';
import { encodeKeyTable, SavedKeys } from '../../src/core/ledger/keyTable';
import { keyHash, keyHashOfCounts, keyHashOfText } from '../../src/core/ledger/keyHashTable';
import { newCodexFileState, usageOf as codexUsageOf } from '../../src/sources/agents/codex/records';

const runs = Number(process.env.TOKENMETER_FUZZ_RUNS) || 300;

/** A request logged in a file: a few keys repeat, with varying output (streamed snapshots), sessions and times. */
const recordArb = fc.record({
  key: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined, freq: 6 }),
  session: fc.constantFrom('s1', 's2'),
  time: fc.integer({ min: 0, max: 10 }),
  output: fc.integer({ min: 0, max: 5 }),
  // Now and then a count no uint32 holds, a logged cost or web searches: such rows are stored wide.
  input: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.constant(2 ** 32 + 1) }),
  cost: fc.option(fc.constantFrom(0, 0.25), { nil: undefined, freq: 8 }),
  web: fc.option(fc.constantFrom(1, 2), { nil: undefined, freq: 8 }),
});
const filesArb = fc.array(fc.record({ mtimeMs: fc.integer({ min: 1, max: 4 }), records: fc.array(recordArb, { maxLength: 8 }) }), { maxLength: 5 });

function usageOf(r: { key: string | undefined; session: string; time: number; output: number; input: number; cost?: number; web?: number }): ParsedUsage {
  const event: ParsedUsage['event'] = { source: 'claude', timestampMs: r.time, sessionId: r.session, agentId: '', project: 'p', model: 'm', inputTokens: r.input, outputTokens: r.output, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
  if (r.cost !== undefined) event.loggedCostUsd = r.cost;
  if (r.web !== undefined) event.webSearchRequests = r.web;
  return { dedupKey: r.key, event };
}

type LogFiles = typeof filesArb extends fc.Arbitrary<infer T> ? T : never;

/** Every record of `files` added to `ledger`, each file `laterMs` newer than its own time (files read after a restore are newer). */
function addFiles(ledger: Ledger, files: LogFiles, laterMs = 0): Ledger {
  for (const file of files) for (const r of file.records) ledger.add(usageOf(r), laterMs + file.mtimeMs);
  return ledger;
}

/** Rows as sorted JSON: two ledgers with the same rows compare equal whatever order they hold them in. */
const keyed = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).sort();

/**
 * `ledger` saved, and `restore()` that reads it back as loadIndex({ sinceMs: splitMs }) does: the rows at or after
 * `splitMs` at once, the older rows and the key hashes when first needed (`reads` counts those reads); with
 * `keyHashesAlone`, keys are probed in the saved key table (as the index's) without reading the older rows.
 */
function savedAndSplitAt(ledger: Ledger, splitMs: number, keyHashesAlone = false) {
  const saved = ledger.serialize();
  const rowCount = saved.rows.length / fieldsPerRow;
  let firstRow = 0;
  while (firstRow < rowCount && saved.rows[firstRow * fieldsPerRow + 1] < splitMs) firstRow++;
  const counts = { reads: 0 };
  const restore = () => Ledger.restore({
    names: saved.strings, duplicateCount: saved.duplicateCount, rowCount, firstRow, olderBeforeMs: splitMs,
    newestRows: saved.rows.slice(firstRow * fieldsPerRow),
    readOlder: () => {
      counts.reads++;
      return { rows: saved.rows.slice(0, firstRow * fieldsPerRow), keyHashes: saved.keyHashes };
    },
    ...(keyHashesAlone ? { savedKeys: savedKeysOf(saved.keyHashes, rowCount) } : {}),
  });
  return { saved, firstRow, counts, restore };
}

/** The key table an index saves for `keyHashes` (row order), probed in place as loadIndex's. */
function savedKeysOf(keyHashes: Uint32Array, rowCount: number): SavedKeys {
  const { header, pieces } = encodeKeyTable(rowCount, () => [keyHashes]);
  const section = Buffer.concat(pieces);
  return new SavedKeys(header, rowCount, (into, position) => {
    if (position + into.length > section.length) throw new Error('read past the section');
    into.set(section.subarray(position, position + into.length));
  });
}

describe('ledger', () => {
  it('restored from its index, gives the same rows, the same window of recent rows, and the same merges as the ledger it was saved from', () => {
    fc.assert(
      fc.property(filesArb, filesArb, fc.integer({ min: 0, max: 11 }), (before, after, sinceMs) => {
        const original = addFiles(new Ledger(), before);
        const restored = Ledger.deserialize(original.serialize());
        // The window first (rows stay packed), then new records, some merging into old rows.
        assert.deepEqual(keyed(restored.eventsSince(sinceMs)), keyed(original.events().filter((e) => e.timestampMs >= sinceMs)));
        // Files newer than any before (the index does not keep which file's age a credit came from).
        addFiles(original, after, 10);
        addFiles(restored, after, 10);
        assert.deepEqual(keyed(restored.eventsSince(sinceMs)), keyed(original.events().filter((e) => e.timestampMs >= sinceMs)));
        assert.deepEqual(keyed(restored.events()), keyed(original.events()));
        assert.equal(restored.size, original.size);
      }),
      { numRuns: runs },
    );
  });

  it('restored from only its newest rows, answers the window without reading the rest, and anything else after reading it once', () => {
    fc.assert(
      fc.property(filesArb, filesArb, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 }), (before, after, splitMs, sinceMs) => {
        const original = addFiles(new Ledger(), before);
        const { firstRow, counts, restore } = savedAndSplitAt(original, splitMs);
        const restored = restore();
        const windowMs = Math.max(splitMs, sinceMs);
        assert.deepEqual(keyed(restored.eventsSince(windowMs)), keyed(original.events().filter((e) => e.timestampMs >= windowMs)));
        // With no older rows, the keys are read at once; else the window reads nothing more.
        assert.equal(counts.reads, firstRow === 0 ? 1 : 0);
        assert.equal(restored.needsOlder(), firstRow > 0);
        assert.deepEqual(keyed(restored.eventsSince(sinceMs)), keyed(original.events().filter((e) => e.timestampMs >= sinceMs)));
        // Saved again with most rows never made objects: the same rows.
        assert.deepEqual(keyed(Ledger.deserialize(restored.serialize()).events()), keyed(original.events()));
        addFiles(original, after, 10);
        addFiles(restored, after, 10);
        assert.deepEqual(keyed(Ledger.deserialize(restored.serialize()).events()), keyed(original.events()));
        assert.deepEqual(keyed(restored.events()), keyed(original.events()));
        assert.equal(restored.duplicateCount, original.duplicateCount);
        assert.ok(counts.reads <= 1);
        assert.equal(restored.needsOlder(), false);
      }),
      { numRuns: runs },
    );
  });

  it('restored, then given the changes another reader saved (new rows, merges into old rows), equals that reader\'s ledger', () => {
    fc.assert(
      fc.property(filesArb, filesArb, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 }), (before, after, splitMs, sinceMs) => {
        const { saved, restore } = savedAndSplitAt(addFiles(new Ledger(), before), splitMs, true);
        const writer = addFiles(restore(), after, 10);
        const whole = addFiles(Ledger.deserialize({ ...saved, rows: saved.rows.slice(), keyHashes: saved.keyHashes.slice() }), after, 10);
        const reader = restore();
        reader.applyChanges(writer.changes()!);
        const windowMs = Math.max(splitMs, sinceMs);
        assert.deepEqual(keyed(reader.eventsSince(windowMs)), keyed(whole.events().filter((e) => e.timestampMs >= windowMs)));
        assert.equal(reader.size, whole.size);
        assert.equal(reader.duplicateCount, whole.duplicateCount);
        // Changes of changes: saved again by the reader after more records, read by a third.
        const more = after.map((file) => ({ ...file, records: file.records.map((r) => ({ ...r, output: r.output + 1 })) }));
        addFiles(reader, more, 20);
        addFiles(whole, more, 20);
        const third = restore();
        third.applyChanges(reader.changes()!);
        assert.deepEqual(keyed(third.eventsSince(sinceMs)), keyed(whole.events().filter((e) => e.timestampMs >= sinceMs)));
        assert.deepEqual(keyed(third.events()), keyed(whole.events()));
        assert.deepEqual(keyed(reader.events()), keyed(whole.events()));
        const changes = reader.changes()!;
        if (changes.rows.length + changes.overrideAt.length > 0) assert.throws(() => third.applyChanges(changes), /foreign/);
      }),
      { numRuns: runs },
    );
  });

  it('gives the last rows of a window as the window\'s rows end, in order, also before older rows are read and with a delta\'s changes to them', () => {
    fc.assert(
      fc.property(filesArb, filesArb, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 12 }), (before, after, splitMs, sinceMs, max) => {
        const { restore } = savedAndSplitAt(addFiles(new Ledger(), before), splitMs, true);
        const writer = addFiles(restore(), after, 10);
        // Two readers alike: reading a window may read the older rows, which changes what the next read finds.
        const [whole, last] = [restore(), restore()];
        for (const reader of [whole, last]) reader.applyChanges(writer.changes()!);
        const json = (events: readonly object[]) => events.map((e) => JSON.stringify(e));
        assert.deepEqual(json(last.lastEventsSince(sinceMs, max)), json(whole.eventsSince(sinceMs).slice(-max)));
        // And on a ledger that only grew here.
        const grown = addFiles(new Ledger(), [...before, ...after]);
        assert.deepEqual(json(grown.lastEventsSince(sinceMs, max)), json(grown.eventsSince(sinceMs).slice(-max)));
      }),
      { numRuns: runs },
    );
  });

  it('refuses damaged older rows when they are read, not before', () => {
    const ledger = new Ledger();
    for (const time of [1, 3, 5]) ledger.add(usageOf({ key: String(time), session: 's1', time, output: 1, input: 1 }));
    const saved = ledger.serialize();
    saved.rows[6] = -7; // the oldest row's input tokens
    const restored = Ledger.restore({
      names: saved.strings, duplicateCount: 0, rowCount: 3, firstRow: 1, olderBeforeMs: 2,
      newestRows: saved.rows.slice(fieldsPerRow), readOlder: () => ({ rows: saved.rows.slice(0, fieldsPerRow), keyHashes: saved.keyHashes }),
    });
    assert.equal(restored.eventsSince(2).length, 2);
    assert.throws(() => restored.events(), /damaged ledger count/);
    const negative = ledger.serialize();
    negative.rows[1] = -1; // the oldest row's time
    assert.throws(() => Ledger.deserialize(negative), /damaged ledger count/);
  });

  it('refuses a saved index whose rows are not in time order', () => {
    const ledger = new Ledger();
    for (const time of [5, 1, 3]) ledger.add(usageOf({ key: String(time), session: 's1', time, output: 1, input: 1 }));
    const saved = ledger.serialize();
    const time = (row: number) => row * fieldsPerRow + 1;
    assert.deepEqual([saved.rows[time(0)], saved.rows[time(1)], saved.rows[time(2)]], [1, 3, 5]);
    [saved.rows[time(0)], saved.rows[time(1)]] = [saved.rows[time(1)], saved.rows[time(0)]];
    assert.throws(() => Ledger.deserialize(saved), /order/);
  });

  it('keeps the fuller snapshot and credits the session of the oldest file, whatever the order files and lines are read in', () => {
    fc.assert(
      fc.property(filesArb, (files) => {
        const forward = new Ledger();
        const backward = new Ledger();
        for (const file of files) for (const r of file.records) forward.add(usageOf(r), file.mtimeMs);
        for (const file of [...files].reverse()) for (const r of [...file.records].reverse()) backward.add(usageOf(r), file.mtimeMs);
        assert.deepEqual(keyed(backward.events()), keyed(forward.events()));
        assert.equal(backward.duplicateCount, forward.duplicateCount);
      }),
      { numRuns: runs },
    );
  });

  it('gives the same ledger when each file\'s repeats are merged first (FileRepeats) as when every record is added', () => {
    fc.assert(
      fc.property(filesArb, (files) => {
        const direct = new Ledger();
        const premerged = new Ledger();
        for (const file of files) {
          for (const r of file.records) direct.add(usageOf(r), file.mtimeMs);
          const repeats = new FileRepeats();
          for (const r of file.records) repeats.add(usageOf(r));
          for (const usage of repeats.usages) premerged.add(usage, file.mtimeMs);
          premerged.countMergedRepeats(repeats.merged);
        }
        assert.deepEqual(premerged.serialize(), direct.serialize());
      }),
      { numRuns: runs },
    );
  });
});

describe('a dedup key hashed from its parts (Codex token counts)', () => {
  const countArb = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 1e13 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -0, 9, 10, 99, 100, 1e13, 2e13, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, 1e22) },
    { weight: 1, arbitrary: fc.double() },
  );
  const prefixArb = fc.oneof(fc.constantFrom('codex::', 'codex:019c8a1e-5b3a-7d21-8f4e-2a6b9c0d1e2f:'), fc.string({ unit: 'binary' }).map((s) => `codex:${s}:`));

  it('gives the hash of the key text, whatever the counts and the session, one after another', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(prefixArb, countArb, countArb, countArb), { minLength: 1, maxLength: 6 }), (keys) => {
        for (const [prefix, a, b, c] of keys) {
          keyHashOfCounts(prefix, a, b, c);
          assert.deepEqual({ ...keyHash }, keyHashOfText(`${prefix}${a}:${b}:${c}`), `${prefix}${a}:${b}:${c}`);
        }
      }),
      { numRuns: runs * 5 },
    );
  });

  it('finds a Codex usage by its hash as by its key text, and gives the text where it is read', () => {
    const state = newCodexFileState('sess-1');
    const totals = { input: 1200, cached: 200, output: 34, total: 1234 };
    const usage = codexUsageOf(totals, totals, 1_000, state) as ParsedUsage;
    assert.equal(usage.dedupKey, 'codex:sess-1:1234:1200:34');
    const ledger = new Ledger();
    ledger.add(usage, 1);
    ledger.add({ dedupKey: 'codex:sess-1:1234:1200:34', event: { ...usage.event, outputTokens: 35 } }, 1);
    ledger.add(codexUsageOf(totals, totals, 2_000, state) as ParsedUsage, 1);
    assert.equal(ledger.size, 1);
    assert.equal(ledger.duplicateCount, 2);
    assert.equal(ledger.events()[0].outputTokens, 35);
  });
});
