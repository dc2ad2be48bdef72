// A cold start (no index yet) reads every row; once its first whole save is written, the editor's ledger is read
// back from that save as a warm start reads it (rebaseOnIndex): the status window's rows held, the rest on disk.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceNames, type SourceName, type UsageEvent } from '../../src/core/usageEvent';
import { loadIndex, rebaseOnIndex, saveIndex } from '../../src/sources/usageIndex';
import { closeIndexOf, loadRecentRows } from '../../src/sources/heldIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from '../helpers/logLines';

const dayMs = 86_400_000;
const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

describe('a cold start rebased on the index it just saved (the editor)', () => {
  let dir: string;
  let project: string;
  let indexPath: string;
  const nowMs = Date.UTC(2026, 10, 20, 12);
  const windowMs = nowMs - 33 * dayMs;
  const scanner = () => new UsageScanner({ roots: { claudeDirs: [path.join(dir, 'claude')], codexDirs: [] }, sources: claudeOnly, workers: 0, io: 'async' });
  const sorted = (events: Iterable<UsageEvent>) => [...events].map((e) => JSON.stringify(e)).sort();
  const line = (id: string, daysAgo: number, output: number) =>
    claudeAssistantLine({ id, usage: { input: 10, output, cacheWrite: 0, cacheRead: 5 }, timestamp: new Date(nowMs - daysAgo * dayMs).toISOString() });
  /** `olderDays` days of history before the last 40, then the last 40 days, one request an hour; old files first. */
  const writeHistory = (olderDays: number) => {
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    // Newest first: a cold scan's rows are not in time order (whatever order the files are read in), the saved index's are.
    writeFileSync(path.join(project, 'recent.jsonl'), Array.from({ length: 40 * 24 }, (_, i) => line(`new${i}`, i / 24, (i % 70) + 100)).join('\n') + '\n');
    const old = Array.from({ length: olderDays * 24 }, (_, i) => line(`old${i}`, 40 + olderDays - i / 24, (i % 50) + 1));
    if (old.length > 0) writeFileSync(path.join(project, 'old.jsonl'), old.join('\n') + '\n');
  };
  /** The editor's cold start: every log read, saved whole, then rebased on that save. */
  const coldStart = async () => {
    const editor = scanner();
    await editor.refresh({ full: true });
    await saveIndex(indexPath, editor);
    assert.equal(await rebaseOnIndex(indexPath, editor, windowMs), true);
    return editor;
  };
  const readWhole = async () => {
    const whole = scanner();
    await whole.refresh();
    return whole;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-rebase-'));
    project = path.join(dir, 'claude', 'projects', 'repo');
    indexPath = path.join(dir, 'index.bin');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the status window\'s rows after the first save, the same with two years more history, as a warm start does', async () => {
    const heldWith = async (olderDays: number) => {
      writeHistory(olderDays);
      rmSync(indexPath, { force: true });
      const editor = await coldStart();
      assert.equal(await editor.refresh(), false);
      const held = editor.ledger.held;
      // Packed: 48 bytes a row, not 104 as read.
      assert.equal(editor.ledger.newestRowBytes, held.rows * 48);
      closeIndexOf(editor.ledger);
      // A warm start from the same index holds the same.
      const warm = scanner();
      assert.ok(await loadIndex(indexPath, warm, { sinceMs: nowMs - dayMs, olderOnDisk: true }));
      await loadRecentRows(warm, windowMs);
      assert.deepEqual(warm.ledger.held, held);
      closeIndexOf(warm.ledger);
      return held;
    };
    const monthOnly = await heldWith(0);
    const withYears = await heldWith(730);
    assert.deepEqual(withYears, monthOnly);
    assert.ok(monthOnly.rows > 0 && monthOnly.rows <= 33 * 24 + 1 && monthOnly.keyHashes === 0, JSON.stringify(monthOnly));
  });

  it('gives every view the rows a whole ledger gives, before and after new usage merges into old rows, and saves them', async () => {
    writeHistory(60);
    const editor = await coldStart();
    let whole = await readWhole();
    assert.equal(editor.ledger.size, whole.ledger.size);
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.deepEqual(sorted(editor.ledger.eventsSince(windowMs)), sorted(whole.ledger.events().filter((e) => e.timestampMs >= windowMs)));
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.ok(editor.ledger.needsOlder(), 'the older rows stay on disk');

    // A resumed session repeats an old request with a fuller snapshot, and a new one; two requests of the window
    // (held packed) come again fuller, one with a count too large to pack (kept wide).
    const repeats = [line('old100', 85, 999), line('fresh1', 0, 7), line('new100', 100 / 24, 999), line('new200', 200 / 24, 5_000_000_000)];
    writeFileSync(path.join(project, 'resumed.jsonl'), repeats.join('\n') + '\n');
    const heldBefore = editor.ledger.held.rows;
    assert.equal(await editor.refresh(), true);
    assert.equal(editor.ledger.held.rows, heldBefore + 2, 'the new request and the old row merged into');
    whole = await readWhole();
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.ok(whole.ledger.events().some((e) => e.outputTokens === 5_000_000_000));
    assert.deepEqual(sorted(editor.ledger.eventsSince(windowMs)), sorted(whole.ledger.events().filter((e) => e.timestampMs >= windowMs)));
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.deepEqual(sorted(editor.ledger.eachEventByTime()), sorted(whole.ledger.events()));
    editor.ledger.releaseOlder();

    // The next save is a delta of the index rebased on (no older row read), and reads back whole.
    await saveIndex(indexPath, editor);
    assert.ok(editor.ledger.needsOlder(), 'a delta reads no older row');
    assert.equal(await rebaseOnIndex(indexPath, editor, windowMs), false, 'a delta: nothing to rebase');
    const back = scanner();
    assert.ok(await loadIndex(indexPath, back));
    assert.deepEqual(sorted(back.ledger.events()), sorted(whole.ledger.events()));
    assert.equal(back.ledger.duplicateCount, whole.ledger.duplicateCount);
    closeIndexOf(editor.ledger);
  });

  it('keeps the ledger when it changed since the save (also while reading it back), when another writer replaced the file, or when it was read from that file', async () => {
    writeHistory(60);
    const editor = scanner();
    await editor.refresh({ full: true });
    await saveIndex(indexPath, editor);
    // New usage after the save: the save is not this ledger any more.
    appendFileSync(path.join(project, 'recent.jsonl'), line('fresh2', 0, 8) + '\n');
    await editor.refresh();
    const changed = editor.ledger;
    assert.equal(await rebaseOnIndex(indexPath, editor, windowMs), false);
    assert.equal(editor.ledger, changed);

    // Saved whole again, and a request added while the save is read back.
    await saveIndex(indexPath, editor);
    const reading = rebaseOnIndex(indexPath, editor, windowMs);
    changed.add({ event: { ...changed.events()[0], timestampMs: nowMs }, dedupKey: 'during' });
    assert.equal(await reading, false);
    assert.equal(editor.ledger, changed);

    // A first save (whole), then another writer's index (the CLI's, the same rows) renamed over it before the read back.
    const second = scanner();
    await second.refresh({ full: true });
    await saveIndex(indexPath, second);
    const first = second.ledger;
    // Its rows were not in time order: it cannot be a delta's base, every later save of it is whole.
    assert.equal(first.changes(), undefined);
    await saveIndex(indexPath, await readWhole());
    assert.equal(await rebaseOnIndex(indexPath, second, windowMs), false);
    assert.equal(second.ledger, first);
    assert.equal(second.ledger.held.rows, second.ledger.size);

    // A warm start's ledger, read from that very index: nothing to do.
    const warm = scanner();
    assert.ok(await loadIndex(indexPath, warm, { sinceMs: windowMs, olderOnDisk: true }));
    const read = warm.ledger;
    assert.equal(await rebaseOnIndex(indexPath, warm, windowMs), false);
    assert.equal(warm.ledger, read);
    closeIndexOf(read);
  });
});
