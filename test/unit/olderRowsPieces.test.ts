// A restored index's older rows are read a piece at a time and packed as they come (issue 19, memory): no float64
// array of all of them (87 MB at 836,095 rows), the same history after, and damage in any piece refused.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import { fieldsPerRow } from '../../src/core/ledger/ledger';
import { chunkRows } from '../../src/core/ledger/packedRows';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { loadOlderRows } from '../../src/sources/heldIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from '../helpers/logLines';

const dayMs = 86_400_000;
const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

describe('older rows of the index read in pieces', () => {
  const nowMs = Date.UTC(2026, 10, 20, 12);
  const count = chunkRows + 3_000;
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  const scanner = (io: 'async' | 'sync') => new UsageScanner({ roots: { claudeDirs: [claudeDir], codexDirs: [] }, sources: claudeOnly, workers: 0, io });
  const sorted = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).sort();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-pieces-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    const project = path.join(claudeDir, 'projects', 'repo');
    mkdirSync(project, { recursive: true });
    const line = (i: number) => claudeAssistantLine({ id: `m${i}`, usage: { input: 10, output: i % 97, cacheWrite: 0, cacheRead: 5 }, timestamp: new Date(nowMs - 90 * dayMs + i * 60_000).toISOString(), model: `model-${i % 3}` });
    writeFileSync(path.join(project, 's.jsonl'), Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n');
    const first = scanner('sync');
    await first.refresh();
    await saveIndex(indexPath, first);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const io of ['sync', 'async'] as const) {
    it(`makes no float64 array of all older rows, and gives the same history (${io})`, async () => {
      const whole = scanner(io);
      assert.ok(await loadIndex(indexPath, whole, { io }));
      const part = scanner(io);
      assert.ok(await loadIndex(indexPath, part, { io, sinceMs: nowMs }));
      assert.ok(part.ledger.needsOlder());
      const made: number[] = [];
      const Original = globalThis.Float64Array;
      globalThis.Float64Array = new Proxy(Original, {
        construct(target, args) {
          if (typeof args[0] === 'number') made.push(args[0]);
          return Reflect.construct(target, args);
        },
      });
      try {
        if (io === 'async') await loadOlderRows(part);
        else part.ledger.eventsSince(0);
      } finally {
        globalThis.Float64Array = Original;
      }
      assert.equal(part.ledger.needsOlder(), false);
      assert.ok(made.length > 0, 'the spy saw the arrays');
      assert.deepEqual(made.filter((length) => length > chunkRows * fieldsPerRow), [], 'a piece at most');
      assert.deepEqual(sorted(part.ledger.events()), sorted(whole.ledger.events()));
    });
  }

  it('refuses a name out of range in the last piece', async () => {
    const damaged = path.join(dir, 'damaged.bin');
    const bytes = readFileSync(indexPath);
    writeFileSync(damaged, bytes);
    // The last row (the newest: rows are saved in time order), found by its time.
    const whole = scanner('async');
    assert.ok(await loadIndex(indexPath, whole, { io: 'async' }));
    const lastRowTime = new Float64Array([Math.max(...whole.ledger.events().map((e) => e.timestampMs))]);
    const needle = Buffer.from(lastRowTime.buffer);
    const at = bytes.indexOf(needle);
    assert.ok(at > 8, 'the last row found');
    // Field 2 (the session's name) of that row: 8 bytes after its time.
    const name = new Float64Array([1e9]);
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.from(name.buffer), 0, 8, at + 8);
    closeSync(fd);
    const again = scanner('async');
    assert.ok(await loadIndex(damaged, again, { io: 'async', sinceMs: nowMs }));
    await assert.rejects(loadOlderRows(again), /damaged ledger name/);
  });
});
