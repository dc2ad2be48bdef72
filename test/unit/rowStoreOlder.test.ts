// A restored index's older rows, as the editor holds them all day: packed (48 bytes a row), not 13 float64 (104).
import { strict as assert } from 'node:assert';
import { fieldsPerRow } from '../../src/core/ledger/ledger';
import { chunkRows } from '../../src/core/ledger/packedRows';
import { RowStore } from '../../src/core/ledger/rowStore';

describe('restored older rows', () => {
  it('are held in 48 bytes a row (wide rows aside), read, merged into and overridden as before', () => {
    const rowCount = 2 * chunkRows + 50;
    const firstRow = rowCount - 50;
    const names = ['claude-x', 's', 'a', 'p'];
    const rows = new Float64Array(rowCount * fieldsPerRow);
    for (let i = 0; i < rowCount; i++) {
      // A few rows with a logged cost: held as they are (wide).
      rows.set([0, 1_000 + i, 1, 2, 3, 0, i, 2 * i, 0, 0, 7, i % 1000 === 0 ? 0.5 : -1, 0], i * fieldsPerRow);
    }
    const store = new RowStore(() => undefined);
    store.restore({ names, duplicateCount: 0, rowCount, firstRow, olderBeforeMs: 1_000 + firstRow, newestRows: rows.slice(firstRow * fieldsPerRow), readOlder: () => ({ rows: rows.slice(0, firstRow * fieldsPerRow), keyHashes: new Uint32Array(rowCount * 2) }) });
    assert.equal(store.olderBytes, 0, 'not read yet');
    // A delta's new contents for an older row, before the older rows are read.
    const override = rows.slice(5 * fieldsPerRow, 6 * fieldsPerRow);
    override[7] = 99;
    store.override(5, override);
    store.readOlderNow();
    const wide = Math.ceil(firstRow / 1000);
    assert.ok(store.olderBytes <= Math.ceil(firstRow / chunkRows) * chunkRows * 48 + wide * fieldsPerRow * 8, `${store.olderBytes} bytes for ${firstRow} rows`);
    assert.ok(store.olderBytes < firstRow * fieldsPerRow * 8 * 0.6);
    const out = new Float64Array(fieldsPerRow);
    for (const i of [0, 1, 5, 1000, chunkRows, firstRow - 1, firstRow, rowCount - 1]) {
      store.copyRow(i, out, 0);
      const expected = i === 5 ? override : rows.subarray(i * fieldsPerRow, (i + 1) * fieldsPerRow);
      assert.deepEqual([...out], [...expected], `row ${i}`);
      assert.equal(store.timeOf(i), 1_000 + i);
    }
    // A merge changes an older row where `locate` found it, then says so.
    const at = store.locate(chunkRows + 3);
    store.buffer[at + 7] = 12345;
    store.changed(chunkRows + 3, at);
    store.override(7, Float64Array.from([0, 1_007, 1, 2, 3, 0, 1, 1, 0, 0, 0, 0.25, 2]));
    assert.equal(store.decode(chunkRows + 3).outputTokens, 12345);
    assert.deepEqual({ ...store.decode(7) }, { source: 'claude', timestampMs: 1_007, sessionId: 's', agentId: 'a', project: 'p', model: 'claude-x', inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, loggedCostUsd: 0.25, webSearchRequests: 2 });
    assert.equal(store.eventsSince(0).length, rowCount);
  });
});
