// The persisted index read in part: a warm status reads the header and the last month's rows only.
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import { fieldsPerRow } from '../../src/core/ledger/ledger';
import { deltaPathOf } from '../../src/sources/indexDelta';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { loadOlderRows } from '../../src/sources/heldIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from '../helpers/logLines';

const dayMs = 86_400_000;
const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

describe('usage index read from a time on (warm status)', () => {
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  const nowMs = Date.UTC(2026, 10, 20, 12);
  const scanner = (io: 'async' | 'sync') => new UsageScanner({ roots: { claudeDirs: [claudeDir], codexDirs: [] }, sources: claudeOnly, workers: 0, io });
  const sorted = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).sort();
  const line = (id: string, daysAgo: number, output: number) =>
    claudeAssistantLine({ id, usage: { input: 10, output, cacheWrite: 0, cacheRead: 5 }, timestamp: new Date(nowMs - daysAgo * dayMs).toISOString() });

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-window-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    const project = path.join(claudeDir, 'projects', 'repo');
    mkdirSync(project, { recursive: true });
    // Ninety days of history, one request a day, in two sessions.
    writeFileSync(path.join(project, 'old.jsonl'), Array.from({ length: 60 }, (_, i) => line(`old${i}`, 90 - i, i + 1)).join('\n') + '\n');
    writeFileSync(path.join(project, 'recent.jsonl'), Array.from({ length: 30 }, (_, i) => line(`new${i}`, 29 - i, i + 100)).join('\n') + '\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const io of ['sync', 'async'] as const) {
    it(`gives the same window, and after reading the rest the same history, as the whole index (${io})`, async () => {
      const first = scanner(io);
      await first.refresh();
      await saveIndex(indexPath, first);
      const sinceMs = nowMs - 33 * dayMs;

      const part = scanner(io);
      assert.ok(await loadIndex(indexPath, part, { io, sinceMs }));
      assert.equal(part.ledger.size, 90);
      assert.ok(part.ledger.needsOlder(), 'older rows are still on disk');
      assert.deepEqual(sorted(part.ledger.eventsSince(sinceMs)), sorted(first.ledger.events().filter((e) => e.timestampMs >= sinceMs)));
      assert.ok(part.ledger.needsOlder(), 'the window did not read them');
      assert.equal(await part.refresh(), false, 'nothing changed');

      await loadOlderRows(part);
      assert.equal(part.ledger.needsOlder(), false);
      assert.deepEqual(sorted(part.ledger.events()), sorted(first.ledger.events()));
    });
  }

  it('reads the older rows and keys when a new line repeats an old request, and counts it once', async () => {
    const first = scanner('sync');
    await first.refresh();
    await saveIndex(indexPath, first);
    // A resumed session copies an old request (60 days ago) into a new file.
    writeFileSync(path.join(claudeDir, 'projects', 'repo', 'resumed.jsonl'), line('old30', 60, 31) + '\n' + line('fresh', 0, 7) + '\n');
    const part = scanner('sync');
    assert.ok(await loadIndex(indexPath, part, { io: 'sync', sinceMs: nowMs - 33 * dayMs }));
    assert.equal(await part.refresh(), true);
    assert.equal(part.ledger.size, 91);
    assert.equal(part.ledger.events().filter((e) => e.outputTokens === 31).length, 1);
  });

  it('saves a little new usage as a delta beside the index, reading only the key hashes, and reads the two back as one', async () => {
    const first = scanner('sync');
    await first.refresh();
    await saveIndex(indexPath, first);
    const indexBytes = readFileSync(indexPath);
    const sinceMs = nowMs - 33 * dayMs;
    const project = path.join(claudeDir, 'projects', 'repo');
    // New requests only: the older rows stay on disk, the index stays as it is.
    appendFileSync(path.join(project, 'recent.jsonl'), line('today1', 0, 500) + '\n');
    const warm = scanner('sync');
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync', sinceMs }));
    assert.equal(await warm.refresh(), true);
    await saveIndex(indexPath, warm);
    assert.ok(warm.ledger.needsOlder(), 'no older row was read');
    assert.ok(existsSync(deltaPathOf(indexPath)));
    assert.ok(readFileSync(indexPath).equals(indexBytes), 'the index was not rewritten');
    // Then a resumed session repeats an old request with a fuller snapshot (merged into an old row) and adds one.
    writeFileSync(path.join(project, 'resumed.jsonl'), line('old30', 60, 99) + '\n' + line('today2', 0, 600) + '\n');
    const again = scanner('sync');
    assert.ok(await loadIndex(indexPath, again, { io: 'sync', sinceMs }));
    assert.equal(again.ledger.size, 91);
    assert.equal(await again.refresh(), true);
    await saveIndex(indexPath, again);
    assert.ok(readFileSync(indexPath).equals(indexBytes), 'the index was not rewritten');

    const fresh = scanner('sync');
    await fresh.refresh();
    for (const io of ['sync', 'async'] as const) {
      const next = scanner(io);
      assert.ok(await loadIndex(indexPath, next, { io, sinceMs }));
      assert.equal(next.ledger.size, fresh.ledger.size);
      assert.equal(next.ledger.duplicateCount, fresh.ledger.duplicateCount);
      assert.deepEqual(sorted(next.ledger.eventsSince(sinceMs)), sorted(fresh.ledger.events().filter((e) => e.timestampMs >= sinceMs)));
      assert.equal(await next.refresh(), false, 'the delta\'s cursors are in force');
      await loadOlderRows(next);
      assert.deepEqual(sorted(next.ledger.events()), sorted(fresh.ledger.events()));
    }
    // A whole save replaces index and delta.
    const whole = scanner('sync');
    await whole.refresh();
    await saveIndex(indexPath, whole);
    assert.ok(!existsSync(deltaPathOf(indexPath)));
  });

  it('ignores a delta written for another index', async () => {
    const first = scanner('sync');
    await first.refresh();
    await saveIndex(indexPath, first);
    appendFileSync(path.join(claudeDir, 'projects', 'repo', 'recent.jsonl'), line('today1', 0, 500) + '\n');
    const warm = scanner('sync');
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync' }));
    await warm.refresh();
    await saveIndex(indexPath, warm);
    const delta = readFileSync(deltaPathOf(indexPath));
    // Another writer saves a whole index (of the history before the new line), then the old delta reappears.
    rmSync(path.join(claudeDir, 'projects', 'repo', 'recent.jsonl'));
    writeFileSync(path.join(claudeDir, 'projects', 'repo', 'recent.jsonl'), Array.from({ length: 30 }, (_, i) => line(`new${i}`, 29 - i, i + 100)).join('\n') + '\n');
    const other = scanner('sync');
    await other.refresh();
    await saveIndex(indexPath, other);
    writeFileSync(deltaPathOf(indexPath) + '.x', delta);
    renameSync(deltaPathOf(indexPath) + '.x', deltaPathOf(indexPath));
    const next = scanner('sync');
    assert.ok(await loadIndex(indexPath, next, { io: 'sync' }));
    assert.equal(next.ledger.size, 90);
    assert.deepEqual(sorted(next.ledger.events()), sorted(other.ledger.events()));
    assert.ok(statSync(indexPath).size > 0);
  });

  it('refuses an index whose sizes do not fill the file, and one cut short', async () => {
    const first = scanner('sync');
    await first.refresh();
    await saveIndex(indexPath, first);
    const bytes = readFileSync(indexPath);
    writeFileSync(indexPath, bytes.subarray(0, bytes.length - fieldsPerRow * 8));
    assert.equal(await loadIndex(indexPath, scanner('sync'), { io: 'sync', sinceMs: nowMs - dayMs }), false);
    writeFileSync(indexPath, Buffer.concat([bytes, Buffer.from('x')]));
    assert.equal(await loadIndex(indexPath, scanner('async'), { sinceMs: nowMs - dayMs }), false);
  });
});
