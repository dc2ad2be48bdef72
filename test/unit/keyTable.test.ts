// The ledger's key hashes as a table probed in place (index layout 7): round trips, lookups that read a block or two,
// damage found where it is read, and an index whose key table is damaged read again from the logs.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { encodeKeyTable, KeyTableError, keySectionBytes, rowHashesOf, SavedKeys, slotsFor, type KeySectionHeader } from '../../src/core/ledger/keyTable';
import { fieldsPerRow, Ledger } from '../../src/core/ledger/ledger';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { claudeScanner, dayMs, sortedEvents, trustFolders, usageLine } from '../helpers/claudeIndexFixture';

const runs = Number(process.env.TOKENMETER_FUZZ_RUNS) || 100;

/** Row-order hashes: `rows` rows, each keyed (two random words, never both 0) unless `unkeyed` picks it. */
const hashesArb = fc.array(fc.option(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff })), { nil: undefined, freq: 5 }), { maxLength: 3000 }).map((rows) => {
  // Distinct keys, as a ledger holds them (one row a key).
  const seen = new Set<string>();
  const hashes = new Uint32Array(rows.length * 2);
  rows.forEach((r, i) => {
    if (r && !seen.has(`${r[0]}:${r[1]}`)) {
      seen.add(`${r[0]}:${r[1]}`);
      [hashes[i * 2], hashes[i * 2 + 1]] = r;
    }
  });
  return hashes;
});

/** The section for `hashes` as one buffer, and a reader over it that records what it reads. */
function saved(hashes: Uint32Array, pieceRows = 1000) {
  const rowCount = hashes.length / 2;
  // In pieces, as a save hands them over.
  const pieces = () => Array.from({ length: Math.ceil(rowCount / pieceRows) }, (_, k) => hashes.subarray(k * pieceRows * 2, (k + 1) * pieceRows * 2));
  const { header, pieces: out } = encodeKeyTable(rowCount, pieces);
  const section = Buffer.concat(out);
  const reads: { position: number; length: number }[] = [];
  const keys = (bytes: Uint8Array = section) =>
    new SavedKeys(header, rowCount, (into, position) => {
      if (position + into.length > bytes.length) throw new Error('read past the section');
      reads.push({ position, length: into.length });
      into.set(bytes.subarray(position, position + into.length));
    });
  return { header, section, rowCount, reads, keys };
}

const aligned = (bytes: Uint8Array) => new Uint8Array(bytes);

describe('ledger keys as a table probed in place (index layout 7)', () => {
  it('gives back every row\'s hash, finds every keyed row by its hash, and no other', () => {
    fc.assert(
      fc.property(hashesArb, fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff })), { maxLength: 20 }), (hashes, others) => {
        const { header, section, rowCount, keys } = saved(hashes);
        assert.equal(section.length, keySectionBytes(header));
        assert.equal(section.length % 8, 0);
        assert.equal(header.slots, slotsFor(header.keyed));
        assert.deepEqual(rowHashesOf(header, aligned(section), rowCount), hashes);
        const table = keys();
        for (let row = 0; row < rowCount; row++) {
          if (hashes[row * 2] === 0 && hashes[row * 2 + 1] === 0) continue;
          assert.equal(table.find(hashes[row * 2], hashes[row * 2 + 1]), row);
        }
        const present = new Set(Array.from({ length: rowCount }, (_, r) => `${hashes[r * 2]}:${hashes[r * 2 + 1]}`));
        for (const [hi, lo] of others) if (!present.has(`${hi}:${lo}`)) assert.equal(table.find(hi, lo), -1);
      }),
      { numRuns: runs },
    );
  });

  it('a lookup among 50,000 keys reads the blocks checksums and a block or two, not the table', () => {
    const rowCount = 50_000;
    const hashes = new Uint32Array(rowCount * 2);
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < hashes.length; i++) hashes[i] = next() || 1;
    const { header, section, reads, keys } = saved(hashes);
    const table = keys();
    assert.equal(table.find(next(), next() || 1), -1);
    const bytesRead = reads.reduce((n, r) => n + r.length, 0);
    const blockBytes = 256 * 12;
    const checksumBytes = Math.ceil(header.slots / 256) * 4;
    assert.ok(reads.length <= 3, `${reads.length} reads`);
    assert.ok(bytesRead <= checksumBytes + 2 * blockBytes, `${bytesRead} bytes of ${section.length}`);
  });

  it('refuses a block found damaged where a lookup reads it, and the checksums of the blocks, whatever byte is changed', () => {
    fc.assert(
      fc.property(hashesArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (hashes, pick, flip) => {
        const { header, section, rowCount, reads, keys } = saved(hashes);
        const keyedRows = Array.from({ length: rowCount }, (_, r) => r).filter((r) => hashes[r * 2] !== 0 || hashes[r * 2 + 1] !== 0);
        fc.pre(keyedRows.length > 0);
        const row = keyedRows[pick % keyedRows.length];
        keys().find(hashes[row * 2], hashes[row * 2 + 1]);
        // Any byte the lookup read, changed: the same lookup now throws.
        const read = reads.slice();
        const span = read[pick % read.length];
        const damaged = Buffer.from(section);
        damaged[span.position + (pick % span.length)] ^= flip;
        assert.throws(() => keys(damaged).find(hashes[row * 2], hashes[row * 2 + 1]), KeyTableError);
        assert.throws(() => rowHashesOf(header, aligned(damaged), rowCount), KeyTableError);
      }),
      { numRuns: runs },
    );
  });

  it('refuses a section of the wrong length, or a header that does not fit its rows', () => {
    const hashes = Uint32Array.from([1, 2, 0, 0, 3, 4]);
    const { header, section, rowCount } = saved(hashes);
    assert.throws(() => rowHashesOf(header, aligned(section.subarray(0, section.length - 8)), rowCount), KeyTableError);
    assert.throws(() => rowHashesOf({ ...header, keyed: header.keyed + 1 }, aligned(section), rowCount), KeyTableError);
    assert.throws(() => rowHashesOf(header, aligned(section), 1), KeyTableError, 'a row past the rows');
    assert.throws(() => new SavedKeys({ ...header, slots: header.slots + 1 }, rowCount, () => undefined), KeyTableError);
  });

  it('a restored ledger checks a new key in the saved table without reading the older rows, and finds keys added since (a delta\'s too)', () => {
    const ledger = new Ledger();
    const add = (to: Ledger, key: string, timestampMs: number, outputTokens = 1) =>
      to.add({ dedupKey: key, event: { source: 'claude', timestampMs, sessionId: 's', agentId: '', project: 'p', model: 'm', inputTokens: 1, outputTokens, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 } });
    for (let i = 0; i < 5000; i++) add(ledger, `old-${i}`, i);
    const data = ledger.serialize();
    const rowCount = data.rows.length / fieldsPerRow;
    const keysOf = saved(data.keyHashes);
    let olderReads = 0;
    const restore = () =>
      Ledger.restore({
        names: data.strings, duplicateCount: 0, rowCount, firstRow: 4990, olderBeforeMs: 4990, newestRows: data.rows.slice(4990 * fieldsPerRow),
        readOlder: () => {
          olderReads++;
          return { rows: data.rows.slice(0, 4990 * fieldsPerRow), keyHashes: data.keyHashes };
        },
        savedKeys: keysOf.keys(),
      });
    const writer = restore();
    add(writer, 'new-1', 6000);
    add(writer, 'new-1', 6000, 2);
    add(writer, 'old-4995', 4995, 5);
    assert.equal(olderReads, 0);
    assert.equal(writer.size, 5001);
    assert.equal(writer.duplicateCount, 2);
    assert.ok(keysOf.reads.reduce((n, r) => n + r.length, 0) < 10_000, 'a few blocks of the table');
    // Read back with the writer's changes (a delta): its new key is found among them, not added again.
    const reader = restore();
    reader.applyChanges(writer.changes()!);
    add(reader, 'new-1', 6000, 3);
    assert.equal(reader.size, 5001);
    assert.equal(reader.eventsSince(6000)[0].outputTokens, 3);
    // A repeat of an older row merges into it (reading the older rows then).
    add(reader, 'old-10', 10, 7);
    assert.equal(reader.size, 5001);
    assert.equal(olderReads, 1);
    assert.equal(reader.events().find((e) => e.timestampMs === 10)?.outputTokens, 7);
  });
});

describe('ledger keys in the index file', () => {
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  const nowMs = Date.now();
  const scanner = (log?: (m: string) => void) => claudeScanner(claudeDir, log);
  const sorted = sortedEvents;
  const line = (id: string, daysAgo: number, sessionId: string) => usageLine(nowMs, id, daysAgo, sessionId);
  const project = path.join('projects', '-home-dev-repo');

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-keys-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    const folder = path.join(claudeDir, project);
    mkdirSync(folder, { recursive: true });
    // 2,000 requests over 100 days: several blocks of the key table.
    for (let s = 0; s < 100; s++) writeFileSync(path.join(folder, `s${s}.jsonl`), Array.from({ length: 20 }, (_, k) => line(`${s}-${k}`, 100 - s, `s${s}`)).join('\n') + '\n');
    trustFolders([claudeDir, path.join(claudeDir, 'projects'), folder], nowMs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Where the key table is in the index file, and its header. */
  const keySection = () => {
    const bytes = readFileSync(indexPath);
    const end = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as { ledger: { keys: KeySectionHeader; rowCount: number } };
    const start = end + 1 + header.ledger.rowCount * fieldsPerRow * 8;
    return { bytes, start, keys: header.ledger.keys };
  };

  /** The index with one byte changed in every block of the key table's slots. */
  const damageEveryBlock = () => {
    const { bytes, start, keys } = keySection();
    for (let slot = 0; slot < keys.slots; slot += 256) bytes[start + slot * 12 + 5] ^= 0x10;
    writeFileSync(indexPath, bytes);
  };

  it('a warm pass whose new usage is probed in a damaged block reads all logs again, saying why; totals equal a cold scan', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    damageEveryBlock();
    const said: string[] = [];
    const s = scanner((m) => said.push(m));
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - 1.5 * dayMs, checkFiles: 'when needed' }));
    appendFileSync(path.join(claudeDir, project, 's99.jsonl'), line('now', 0, 's99') + '\n');
    assert.equal(await s.refresh({ full: true, warm: true }), true);
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's ledger keys: checksum mismatch/);
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(sorted(s.ledger.events()), sorted(fresh.ledger.events()));
  });

  it('refuses an index whose key table is damaged or cut when all of it is read, saying why', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const whole = readFileSync(indexPath);
    damageEveryBlock();
    const said: string[] = [];
    assert.equal(await loadIndex(indexPath, scanner(), { io: 'sync', onUnusable: (m) => said.push(m) }), false);
    assert.match(said[0], /cannot be used \(ledger keys: checksum mismatch\); reading all logs again/);
    // Cut inside the key table.
    const { start } = keySection();
    writeFileSync(indexPath, whole.subarray(0, start + 100));
    assert.equal(await loadIndex(indexPath, scanner(), { io: 'sync', onUnusable: (m) => said.push(m) }), false);
    assert.match(said[1], /cannot be used \(truncated or of the wrong length\)/);
  });

  it('warm passes with new usage saved as deltas, then a repeat of a delta\'s request in another file, equal a cold scan', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const today = path.join(claudeDir, project, 'today.jsonl');
    for (let run = 0; run < 3; run++) {
      const s = scanner();
      assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - 1.5 * dayMs, checkFiles: 'when needed' }));
      // The last run copies the first run's request into a resumed session, a newer file (a repeat of a delta's key).
      if (run < 2) appendFileSync(today, line(`today-${run}`, 0, 'today') + '\n');
      else writeFileSync(path.join(claudeDir, project, 'resumed.jsonl'), line('today-0', 0, 'resumed') + '\n');
      // The original file older than the copy, as a resumed session leaves them. Written one after the other, the
      // two were one tick (4 ms) of the file system's clock apart, or in the same tick: then of the same age, and the
      // credit rule gave the cold scan's request to the first session by name ('resumed'), not to the original.
      if (run === 1) utimesSync(today, (nowMs - 10_000) / 1000, (nowMs - 10_000) / 1000);
      await s.refresh({ full: true, warm: true });
      await saveIndex(indexPath, s);
      assert.ok(s.ledger.needsOlder(), 'the older rows not read');
    }
    const s = scanner();
    assert.ok(await loadIndex(indexPath, s, { io: 'sync' }));
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(sorted(s.ledger.events()), sorted(fresh.ledger.events()));
    assert.equal(s.ledger.size, 2002);
  });
});
