// A whole save's parts (core/ledger/saving.ts partsOf: rows in time order, names by first use, key hashes; written by
// sources/usageIndex.ts saveIndex) against a reference written the plain way, a row at a time: the same rows, names,
// key hashes and key and name sections, to the byte, for ledgers with spilled chunks, wide rows, repeats merged into
// spilled rows, odd names, and rows restored from an index ahead of those added since. Also every row as the reports
// read it (Ledger.eachRow).
import { strict as assert } from 'node:assert';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { fieldsPerRow, Ledger, type RowSpill } from '../../src/core/ledger/ledger';
import { encodeKeyTable } from '../../src/core/ledger/keyTable';
import { chunkRows } from '../../src/core/ledger/packedRows';
import type { RowStore } from '../../src/core/ledger/rowStore';
import type { KeyHashTable } from '../../src/core/ledger/keyHashTable';
import type { ParsedUsage } from '../../src/core/usageEvent';

class MemorySpill implements RowSpill {
  private data = new Uint32Array(0);
  keep(at: number, fields: Uint32Array): boolean {
    this.write(at, fields);
    return true;
  }
  write(at: number, fields: Uint32Array): void {
    if (this.data.length < at + fields.length) {
      const bigger = new Uint32Array((at + fields.length) * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(fields, at);
  }
  read(at: number, out: Uint32Array): void {
    out.set(this.data.subarray(at, at + out.length));
  }
}

/** Sessions of rows in file order at random times, a third repeating an earlier request, some wide, some odd names. */
function records(seed: number, count: number): Array<{ usage: ParsedUsage; mtimeMs: number }> {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const out: Array<{ usage: ParsedUsage; mtimeMs: number }> = [];
  const keys: string[] = [];
  let session = 0;
  let timeMs = 0;
  let mtimeMs = 0;
  for (let i = 0; i < count; i++) {
    if (i % 37 === 0) {
      session = pick(4_000);
      timeMs = 1.7e12 + pick(200 * 86_400) * 1000;
      mtimeMs = 1.7e12 + pick(1000) * 1000;
    }
    timeMs += pick(30_000);
    const repeat = keys.length > 0 && random() < 0.33;
    const key = repeat ? keys[pick(keys.length)] : random() < 0.05 ? undefined : `k${seed}-${i}`;
    if (key !== undefined && !repeat) keys.push(key);
    const wide = random() < 0.02;
    // A lone surrogate (saved as its JSON text), a line break and a non-ASCII name among the sessions and projects.
    const odd = ['\ud800x', 'a\nb', 'é项目'][pick(40)] ?? '';
    const event: ParsedUsage['event'] = {
      source: random() < 0.8 ? 'claude' : 'codex', timestampMs: repeat ? 1.7e12 + pick(200 * 86_400) * 1000 : timeMs, sessionId: `s${session}${odd}`, agentId: random() < 0.1 ? `a${pick(50)}` : '', project: `p${session % 300}`, model: `m${pick(6)}`,
      inputTokens: wide && random() < 0.3 ? 2 ** 32 + pick(9) : pick(5000), outputTokens: pick(2000), cacheWrite5mTokens: pick(3), cacheWrite1hTokens: pick(3), cacheReadTokens: pick(100_000),
    };
    if (wide && random() < 0.5) event.loggedCostUsd = pick(1000) / 997;
    if (wide && random() < 0.5) event.webSearchRequests = 1 + pick(3);
    out.push({ usage: { dedupKey: key, event }, mtimeMs });
  }
  return out;
}

function add(ledger: Ledger, recs: ReturnType<typeof records>): Ledger {
  for (const { usage, mtimeMs } of recs) ledger.add({ dedupKey: usage.dedupKey, event: { ...usage.event } }, mtimeMs);
  return ledger;
}

const internals = (ledger: Ledger) => ledger as unknown as { rows: RowStore; keys: KeyHashTable };

/** Every row as numbers and its key hash, one row at a time (RowStore.copyRow, KeyHashTable.copyHash). */
function plainRows(ledger: Ledger): { rows: Float64Array; hashes: Uint32Array } {
  const { rows: store, keys } = internals(ledger);
  const rows = new Float64Array(store.count * fieldsPerRow);
  const hashes = new Uint32Array(store.count * 2);
  for (let i = 0; i < store.count; i++) {
    store.copyRow(i, rows, i * fieldsPerRow);
    keys.copyHash(i, hashes, i * 2);
  }
  return { rows, hashes };
}

/** What a whole save holds, the plain way: rows by time then row number, names by first use, names renumbered. */
function reference(ledger: Ledger): { rows: Float64Array; hashes: Uint32Array; nameOrder: number[]; strings: string[] } {
  const { rows, hashes } = plainRows(ledger);
  const count = rows.length / fieldsPerRow;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => rows[a * fieldsPerRow + 1] - rows[b * fieldsPerRow + 1] || a - b);
  const rename = new Map<number, number>();
  const nameOrder: number[] = [];
  const sorted = new Float64Array(rows.length);
  const sortedHashes = new Uint32Array(hashes.length);
  order.forEach((row, k) => {
    for (let f = 0; f < fieldsPerRow; f++) {
      let value = rows[row * fieldsPerRow + f];
      if (f >= 2 && f <= 5) {
        if (!rename.has(value)) rename.set(value, nameOrder.push(value) - 1);
        value = rename.get(value)!;
      }
      sorted[k * fieldsPerRow + f] = value;
    }
    sortedHashes[k * 2] = hashes[row * 2];
    sortedHashes[k * 2 + 1] = hashes[row * 2 + 1];
  });
  const { names } = internals(ledger).rows;
  return { rows: sorted, hashes: sortedHashes, nameOrder, strings: nameOrder.map((name) => names.get(name)) };
}

/** The pieces' bytes, each copied as it comes (a save reuses one buffer for its pieces). */
function bytes(pieces: Iterable<ArrayBufferView>): Buffer {
  const copies: Buffer[] = [];
  for (const p of pieces) copies.push(Buffer.from(Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  return Buffer.concat(copies);
}

function assertSavedAsReference(ledger: Ledger): void {
  const expected = reference(ledger);
  const parts = ledger.parts();
  assert.deepEqual([...parts.nameOrder], expected.nameOrder);
  assert.ok(bytes(parts.rows()).equals(bytes([expected.rows])), 'rows in time order, names renumbered');
  assert.ok(bytes(parts.keyHashes()).equals(bytes([expected.hashes])), 'key hashes in time order');
  // The sections as saveIndex writes them.
  const keySection = encodeKeyTable(parts.rowCount, parts.keyHashes, parts.keyHashesInRowOrder);
  const expectedKeys = encodeKeyTable(parts.rowCount, () => [expected.hashes]);
  assert.deepEqual(keySection.header, expectedKeys.header);
  assert.ok(bytes(keySection.pieces).equals(bytes(expectedKeys.pieces)), 'key section');
  const nameSection = parts.names.encode(parts.nameOrder);
  const expectedNames = parts.names.encode(expected.nameOrder);
  assert.deepEqual(nameSection.header, expectedNames.header);
  assert.ok(bytes(nameSection.pieces).equals(bytes(expectedNames.pieces)), 'name section');
  const serialized = ledger.serialize();
  assert.deepEqual(serialized.strings, expected.strings);
  // The reports' walk: every row, in row order, as one row at a time gives it.
  const walked: number[] = [];
  ledger.eachRow((row, at) => walked.push(...row.subarray(at, at + fieldsPerRow)));
  assert.ok(bytes([Float64Array.from(walked)]).equals(bytes([plainRows(ledger).rows])), 'eachRow');
}

describe('a whole save, against the plain way', () => {
  const count = chunkRows * 2 + 777;

  it('gives the same bytes for a cold scan\'s ledger: chunks spilled, wide rows, repeats merged into spilled rows, odd names', () => {
    const spill = new MemorySpill();
    const ledger = new Ledger();
    ledger.spillRows(spill);
    add(ledger, records(1, count));
    assert.ok(ledger.duplicateCount > 1000);
    assertSavedAsReference(ledger);
    // The same in memory (no spill).
    assertSavedAsReference(add(new Ledger(), records(1, count)));
  });

  it('gives the same bytes for a ledger restored from an index with rows added since, older and newer', () => {
    const restored = Ledger.deserialize(add(new Ledger(), records(2, chunkRows + 500)).serialize());
    restored.spillRows(new MemorySpill());
    // Repeats of the restored rows merge into them; new rows land before and after them in time.
    add(restored, [...records(2, 3000), ...records(3, chunkRows * 2)]);
    assertSavedAsReference(restored);
  });

  it('gives the same bytes for a ledger restored with its older rows read when first needed (packed), rows added since', () => {
    const saved = add(new Ledger(), records(5, chunkRows * 2 + 100)).serialize();
    const rowCount = saved.rows.length / fieldsPerRow;
    const firstRow = Math.floor(rowCount / 2);
    const restored = Ledger.restore({
      names: saved.strings, duplicateCount: saved.duplicateCount, rowCount, firstRow, olderBeforeMs: saved.rows[firstRow * fieldsPerRow + 1],
      newestRows: saved.rows.slice(firstRow * fieldsPerRow),
      readOlder: () => ({ rows: saved.rows.slice(0, firstRow * fieldsPerRow), keyHashes: saved.keyHashes }),
    });
    add(restored, records(6, 5000));
    assertSavedAsReference(restored);
  });

  it('gives the same bytes for a ledger already in time order (saved row for row)', () => {
    const sorted = Ledger.deserialize(add(new Ledger(), records(4, chunkRows + 3)).serialize());
    assert.ok(sorted.parts().identity);
    assertSavedAsReference(sorted);
  });
});
