// Ledger rows spilled during a scan (core/ledger/packedRows.ts RowSpill, sources/rowSpillFile.ts): the same ledger,
// the same saved bytes and the same reports as with every row in memory, with the spilled chunks out of memory.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { fieldsPerRow, Ledger, type RowSpill } from '../../src/core/ledger/ledger';
import { chunkRows, packedFields } from '../../src/core/ledger/packedRows';
import { timeOrder } from '../../src/core/ledger/saving';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { rowSpillIn } from '../../src/sources/rowSpillFile';

/** A spill in memory that refuses to read what was never written, and counts reads by size. */
class MemorySpill implements RowSpill {
  data = new Uint32Array(0);
  written = new Uint8Array(0);
  rowReads = 0;
  chunkReads = 0;
  constructor(private readonly refuseFrom = Infinity) {}
  keep(at: number, fields: Uint32Array): boolean {
    if (at >= this.refuseFrom) return false;
    this.write(at, fields);
    return true;
  }
  write(at: number, fields: Uint32Array): void {
    if (this.data.length < at + fields.length) {
      const bigger = new Uint32Array((at + fields.length) * 2);
      bigger.set(this.data);
      this.data = bigger;
      const written = new Uint8Array(bigger.length);
      written.set(this.written);
      this.written = written;
    }
    this.data.set(fields, at);
    this.written.fill(1, at, at + fields.length);
  }
  read(at: number, out: Uint32Array): void {
    if (this.written.subarray(at, at + out.length).indexOf(0) !== -1 || at + out.length > this.written.length) assert.fail(`read of spill positions ${at}+${out.length}, not all written`);
    out.set(this.data.subarray(at, at + out.length));
    if (out.length === packedFields) this.rowReads++;
    else this.chunkReads++;
  }
}

/**
 * `count` records of a scan in file order: sessions of consecutive rows at random times over a year, a third of them
 * repeating a request seen earlier (a resumed session, maybe far back: a spilled row), some rows wide (a logged cost,
 * web searches, a count over 2³²), files of random ages (the session credit rule).
 */
function scanRecords(seed: number, count: number): Array<{ usage: ParsedUsage; mtimeMs: number }> {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const out: Array<{ usage: ParsedUsage; mtimeMs: number }> = [];
  const keys: string[] = [];
  let session = 0;
  let timeMs = 0;
  let mtimeMs = 0;
  for (let i = 0; i < count; i++) {
    if (i % 40 === 0) {
      session = pick(5_000);
      timeMs = 1.7e12 + pick(365 * 86_400) * 1000;
      mtimeMs = 1.7e12 + pick(1000) * 1000;
    }
    timeMs += pick(30_000);
    const repeat = keys.length > 0 && random() < 0.33;
    const key = repeat ? keys[pick(keys.length)] : random() < 0.05 ? undefined : `k${i}`;
    if (key !== undefined && !repeat) keys.push(key);
    const wide = random() < 0.02;
    const event: ParsedUsage['event'] = {
      source: random() < 0.8 ? 'claude' : 'codex', timestampMs: repeat ? 1.7e12 + pick(365 * 86_400) * 1000 : timeMs, sessionId: `s${session}`, agentId: random() < 0.1 ? `a${pick(50)}` : '', project: `p${session % 300}`, model: `m${pick(6)}`,
      inputTokens: wide && random() < 0.3 ? 2 ** 32 + pick(9) : pick(5000), outputTokens: pick(2000), cacheWrite5mTokens: pick(3), cacheWrite1hTokens: pick(3), cacheReadTokens: pick(100_000),
    };
    if (wide && random() < 0.5) event.loggedCostUsd = pick(1000) / 997;
    if (wide && random() < 0.5) event.webSearchRequests = 1 + pick(3);
    out.push({ usage: { dedupKey: key, event }, mtimeMs });
  }
  return out;
}

/** The records added to a new ledger; at record `walkAt`, every row is read once (a spilled chunk is then held read). */
function ledgerOf(records: ReturnType<typeof scanRecords>, spill?: RowSpill, walkAt = -1): Ledger {
  const ledger = new Ledger();
  if (spill) ledger.spillRows(spill);
  records.forEach(({ usage, mtimeMs }, i) => {
    if (i === walkAt) for (const _ of ledger.eachEvent());
    ledger.add({ dedupKey: usage.dedupKey, event: { ...usage.event } }, mtimeMs);
  });
  return ledger;
}

describe('ledger rows spilled during a scan', () => {
  const count = chunkRows * 2 + 1234;
  for (const seed of [1]) {
    it(`gives the same ledger, saved bytes and rows as without a spill, holding one chunk of rows (seed ${seed})`, () => {
      const records = scanRecords(seed, count);
      const plain = ledgerOf(records);
      const spill = new MemorySpill();
      // A report read midway: merges after it go into a chunk it left read.
      const spilled = ledgerOf(records, spill, count - 2000);
      assert.ok(spill.rowReads > 100, `merges into spilled rows: ${spill.rowReads}`);
      assert.equal(spilled.size, plain.size);
      assert.equal(spilled.duplicateCount, plain.duplicateCount);
      assert.equal((spilled as unknown as { rows: { packed: { heldChunks: number } } }).rows.packed.heldChunks, 1);
      const a = plain.serialize();
      const rowReadsBefore = spill.rowReads;
      const b = spilled.serialize();
      // The save reads spilled rows a chunk at a time, never one by one.
      assert.equal(spill.rowReads, rowReadsBefore);
      assert.deepEqual(b.strings, a.strings);
      assert.deepEqual(Buffer.from(b.rows.buffer), Buffer.from(a.rows.buffer));
      assert.deepEqual(Buffer.from(b.keyHashes.buffer), Buffer.from(a.keyHashes.buffer));
      const json = (events: Iterable<object>) => JSON.stringify([...events]);
      assert.equal(json(spilled.eachEvent()), json(plain.eachEvent()));
      const splitMs = 1.7e12 + 300 * 86_400_000;
      assert.equal(json(spilled.eventsSince(splitMs)), json(plain.eventsSince(splitMs)));
      assert.equal(json(spilled.rowsFrom(count / 2)), json(plain.rowsFrom(count / 2)));
      // In time order, as the blocks report reads them: the rows sorted stably by time, spilled or not.
      const byTime = json([...plain.events()].sort((x, y) => x.timestampMs - y.timestampMs));
      assert.equal(json(plain.eachEventByTime()), byTime);
      const rowReadsBeforeWalk = spill.rowReads;
      assert.equal(json(spilled.eachEventByTime()), byTime);
      assert.equal(spill.rowReads, rowReadsBeforeWalk);
    });
  }

  it('reuses a spilled chunk\'s array for the next chunk instead of freeing it (glibc\'s mmap threshold)', () => {
    const made: number[] = [];
    const Original = globalThis.Uint32Array;
    globalThis.Uint32Array = new Proxy(Original, {
      construct(target, args) {
        if (args[0] === chunkRows * packedFields) made.push(args[0]);
        return Reflect.construct(target, args);
      },
    });
    let spilled: Ledger;
    const records = scanRecords(2, chunkRows * 3 + 10);
    try {
      spilled = ledgerOf(records, new MemorySpill());
    } finally {
      globalThis.Uint32Array = Original;
    }
    assert.equal(made.length, 1, 'one array for four chunks');
    assert.deepEqual(Buffer.from(spilled.serialize().rows.buffer), Buffer.from(ledgerOf(records).serialize().rows.buffer));
  });

  it('keeps in memory what the spill cannot take, and still gives the same ledger', () => {
    const records = scanRecords(4, count);
    const spill = new MemorySpill(chunkRows * packedFields);
    const spilled = ledgerOf(records, spill);
    assert.equal((spilled as unknown as { rows: { packed: { heldChunks: number } } }).rows.packed.heldChunks, Math.ceil(spilled.size / chunkRows) - 1);
    assert.deepEqual(Buffer.from(spilled.serialize().rows.buffer), Buffer.from(ledgerOf(records).serialize().rows.buffer));
  });

  it('saves names in order of their first use by the rows in time order', () => {
    const saved = ledgerOf(scanRecords(5, chunkRows + 99), new MemorySpill()).serialize();
    let next = 0;
    for (let at = 0; at < saved.rows.length; at += fieldsPerRow) {
      for (let f = 2; f <= 5; f++) {
        assert.ok(saved.rows[at + f] <= next, `row ${at / fieldsPerRow} field ${f}: name ${saved.rows[at + f]} before ${next}`);
        if (saved.rows[at + f] === next) next++;
      }
    }
    assert.equal(next, saved.strings.length);
  });

  it('orders rows by time, then row number, from the times alone', () => {
    const times = [5, 3, 5, 1, 3, 9, 0, 5];
    assert.deepEqual([...timeOrder({ count: times.length, timeOf: (i) => times[i] })], [6, 3, 1, 4, 0, 2, 7, 5]);
    const fractional = [2.5, 1, 2.5, 0.5];
    assert.deepEqual([...timeOrder({ count: fractional.length, timeOf: (i) => fractional[i] })], [3, 1, 0, 2]);
  });
});

describe('the spill file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-spill-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back what was kept and written over, and leaves no file in its folder', () => {
    const spill = rowSpillIn(dir);
    assert.deepEqual(fs.readdirSync(dir), []);
    const chunk = Uint32Array.from({ length: 1000 }, (_, i) => i * 7);
    assert.equal(spill.keep(0, chunk), true);
    assert.equal(spill.keep(1000, chunk.map((x) => x + 1)), true);
    spill.write(1500, Uint32Array.of(0xffffffff, 42));
    const out = new Uint32Array(4);
    spill.read(1499, out);
    assert.deepEqual([...out], [499 * 7 + 1, 0xffffffff, 42, 502 * 7 + 1]);
    spill.read(10, out);
    assert.deepEqual([...out], [70, 77, 84, 91]);
    if (process.platform !== 'win32') assert.deepEqual(fs.readdirSync(dir), []);
    assert.throws(() => spill.read(5000, out), /file ended early/);
  });

  it('declines to keep rows where no file can be made', () => {
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, '');
    const spill = rowSpillIn(path.join(notADir, 'cache'));
    assert.equal(spill.keep(0, new Uint32Array(10)), false);
    assert.equal(spill.keep(10, new Uint32Array(10)), false);
  });
});
