// The editor's ledger keeps the status window's rows and leaves the older ones on disk (loadIndex olderOnDisk):
// every view reads the same rows as a ledger that holds them all, and what it holds does not grow with the history.
import { strict as assert } from 'node:assert';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceNames, type SourceName, type UsageEvent } from '../../src/core/usageEvent';
import { IndexChangedError } from '../../src/sources/indexFile';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { closeIndexOf, loadRecentRows } from '../../src/sources/heldIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from '../helpers/logLines';

const dayMs = 86_400_000;
const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

describe('older rows of the index left on disk (the editor)', () => {
  let dir: string;
  let claudeDir: string;
  let project: string;
  let indexPath: string;
  const nowMs = Date.UTC(2026, 10, 20, 12);
  const windowMs = nowMs - 33 * dayMs;
  const todayMs = nowMs - dayMs;
  const scanner = () => new UsageScanner({ roots: { claudeDirs: [claudeDir], codexDirs: [] }, sources: claudeOnly, workers: 0, io: 'async' });
  const sorted = (events: Iterable<UsageEvent>) => [...events].map((e) => JSON.stringify(e)).sort();
  const line = (id: string, daysAgo: number, output: number) =>
    claudeAssistantLine({ id, usage: { input: 10, output, cacheWrite: 0, cacheRead: 5 }, timestamp: new Date(nowMs - daysAgo * dayMs).toISOString() });
  /** `olderDays` days of history before the last 40, one request an hour, then the last 40 days, one request an hour. */
  const writeHistory = (olderDays: number) => {
    const old = Array.from({ length: olderDays * 24 }, (_, i) => line(`old${i}`, 40 + olderDays - i / 24, (i % 50) + 1));
    if (old.length > 0) writeFileSync(path.join(project, 'old.jsonl'), old.join('\n') + '\n');
    writeFileSync(path.join(project, 'recent.jsonl'), Array.from({ length: 40 * 24 }, (_, i) => line(`new${i}`, 40 - i / 24, (i % 70) + 100)).join('\n') + '\n');
  };
  /** An editor's start: the index from today's rows, then the status window's; the rest stays on disk. */
  const startEditor = async () => {
    const editor = scanner();
    assert.ok(await loadIndex(indexPath, editor, { sinceMs: todayMs, olderOnDisk: true }));
    await loadRecentRows(editor, windowMs);
    return editor;
  };
  /** The same logs read whole, without any index. */
  const readWhole = async () => {
    const whole = scanner();
    await whole.refresh();
    return whole;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-ondisk-'));
    claudeDir = path.join(dir, 'claude');
    project = path.join(claudeDir, 'projects', 'repo');
    indexPath = path.join(dir, 'index.bin');
    mkdirSync(project, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the status window\'s rows only, the same with two years more history before them', async () => {
    const heldWith = async (olderDays: number) => {
      rmSync(project, { recursive: true, force: true });
      mkdirSync(project, { recursive: true });
      writeHistory(olderDays);
      await saveIndex(indexPath, await readWhole());
      const editor = await startEditor();
      assert.equal(await editor.refresh(), false);
      const held = editor.ledger.held;
      closeIndexOf(editor.ledger);
      return held;
    };
    const monthOnly = await heldWith(0);
    const withYears = await heldWith(730);
    assert.deepEqual(withYears, monthOnly);
    assert.ok(monthOnly.rows <= 33 * 24 + 1 && monthOnly.keyHashes === 0, JSON.stringify(monthOnly));
  });

  it('gives every view the rows a whole ledger gives, through merges into old rows, reads of all rows and their release', async () => {
    writeHistory(60);
    await saveIndex(indexPath, await readWhole());
    const editor = await startEditor();
    const heldAtStart = editor.ledger.held;
    assert.deepEqual(sorted(editor.ledger.eventsSince(windowMs)), sorted((await readWhole()).ledger.events().filter((e) => e.timestampMs >= windowMs)));

    // A resumed session repeats an old request with a fuller snapshot (merged into an old row: that row alone is read) and adds one.
    writeFileSync(path.join(project, 'resumed.jsonl'), line('old100', 85, 999) + '\n' + line('fresh1', 0, 7) + '\n');
    assert.equal(await editor.refresh(), true);
    assert.ok(editor.ledger.needsOlder(), 'the older rows stay on disk');
    assert.deepEqual(editor.ledger.held, { rows: heldAtStart.rows + 2, keyHashes: 1 });
    let whole = await readWhole();
    assert.equal(editor.ledger.size, whole.ledger.size);
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.deepEqual(sorted(editor.ledger.eachEvent()), sorted(whole.ledger.events()));

    // A report read every row: given back once nothing wants them for a while, merged-into rows kept.
    assert.ok(!editor.ledger.needsOlder());
    assert.equal(editor.ledger.releaseOlderIfIdle(), false, 'just used');
    assert.equal(editor.ledger.releaseOlderIfIdle(), true);
    assert.ok(editor.ledger.needsOlder());
    assert.deepEqual(editor.ledger.held, { rows: heldAtStart.rows + 2, keyHashes: 1 });
    assert.deepEqual(sorted(editor.ledger.eventsSince(windowMs)), sorted(whole.ledger.events().filter((e) => e.timestampMs >= windowMs)));
    // A view's objects (the dashboard, Estimate Task Cost) are read a piece at a time from the file: none kept.
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.ok(editor.ledger.needsOlder());
    assert.deepEqual(editor.ledger.held, { rows: heldAtStart.rows + 2, keyHashes: 1 });

    // After the release: the same old request again, fuller still, another old one, and a repeat of the new one.
    writeFileSync(path.join(project, 'resumed2.jsonl'), [line('old100', 85, 1500), line('old7', 89, 2), line('fresh1', 0, 7), line('fresh2', 0, 8)].join('\n') + '\n');
    assert.equal(await editor.refresh(), true);
    assert.ok(editor.ledger.needsOlder());
    whole = await readWhole();
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.deepEqual(sorted(editor.ledger.eventsSince(windowMs)), sorted(whole.ledger.events().filter((e) => e.timestampMs >= windowMs)));
    assert.deepEqual(sorted(editor.ledger.eachEventByTime()), sorted(whole.ledger.events()));
    editor.ledger.releaseOlder();

    // Saved as a delta, then whole (to another file): both read back as the whole ledger.
    await saveIndex(indexPath, editor);
    assert.ok(editor.ledger.needsOlder(), 'a delta reads no older row');
    const otherPath = path.join(dir, 'other.bin');
    await saveIndex(otherPath, editor);
    assert.equal(editor.ledger.releaseOlderIfIdle(), false, 'the whole save read them');
    assert.equal(editor.ledger.releaseOlderIfIdle(), true);
    for (const file of [indexPath, otherPath]) {
      const back = scanner();
      assert.ok(await loadIndex(file, back));
      assert.deepEqual(sorted(back.ledger.events()), sorted(whole.ledger.events()));
      assert.equal(back.ledger.duplicateCount, whole.ledger.duplicateCount);
    }
    // New usage after the whole save merges and saves as before.
    appendFileSync(path.join(project, 'resumed2.jsonl'), line('old200', 80, 3000) + '\n');
    assert.equal(await editor.refresh(), true);
    await saveIndex(otherPath, editor);
    whole = await readWhole();
    const back = scanner();
    assert.ok(await loadIndex(otherPath, back));
    assert.deepEqual(sorted(back.ledger.events()), sorted(whole.ledger.events()));
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    closeIndexOf(editor.ledger);
  });

  /** Where the index's rows start: the first row is request old0's (the oldest), found by its time's bytes. */
  const rowsStartOf = (file: string) => {
    const time = Buffer.from(new Float64Array([nowMs - 100 * dayMs]).buffer);
    const at = readFileSync(file).indexOf(time);
    assert.ok(at > 8);
    return at - 8;
  };
  /** File descriptors of this process open on `file` (Linux; elsewhere not counted). */
  const openOn = (file: string) =>
    process.platform !== 'linux' ? 0 : readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
      } catch {
        return false;
      }
    }).length;

  it('never mixes rows of two files when the index is written over in place while open: views refuse, a pass reads the logs again and closes the file', async () => {
    writeHistory(60);
    await saveIndex(indexPath, await readWhole());
    const editor = await startEditor();
    assert.equal(openOn(indexPath), 1);
    // Request old0's output tokens written over in place (a copy over the file, a sync tool), later than the load.
    const fd = openSync(indexPath, 'r+');
    writeSync(fd, Buffer.from(new Float64Array([12_345]).buffer), 0, 8, rowsStartOf(indexPath) + 7 * 8);
    closeSync(fd);
    utimesSync(indexPath, new Date(nowMs), new Date(nowMs));
    assert.throws(() => editor.ledger.events(), IndexChangedError);
    // The next pass finds it, with no new usage: the logs are read again.
    assert.equal(await editor.refresh(), true);
    const whole = await readWhole();
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.equal(openOn(indexPath), 0);
  });

  it('reads the logs again when the index is truncated while open and a new usage merges into a row cut off', async () => {
    // (Found before the pass reads anything, heldIndexChanged; a change during a pass is found by the read itself.)
    writeHistory(60);
    await saveIndex(indexPath, await readWhole());
    const editor = await startEditor();
    truncateSync(indexPath, rowsStartOf(indexPath) + 10 * 13 * 8);
    writeFileSync(path.join(project, 'resumed.jsonl'), line('old100', 85, 999) + '\n' + line('fresh1', 0, 7) + '\n');
    assert.equal(await editor.refresh(), true);
    const whole = await readWhole();
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.equal(openOn(indexPath), 0);
  });

  it('keeps reading the file it opened when a save renames a new index over it', async () => {
    writeHistory(60);
    await saveIndex(indexPath, await readWhole());
    const editor = await startEditor();
    // The CLI's save of more usage (the old file unlinked, still open here).
    appendFileSync(path.join(project, 'recent.jsonl'), line('fresh9', 0, 9) + '\n');
    await saveIndex(indexPath, await readWhole());
    writeFileSync(path.join(project, 'resumed.jsonl'), line('old100', 85, 999) + '\n');
    assert.equal(await editor.refresh(), true);
    const whole = await readWhole();
    assert.deepEqual(sorted(editor.ledger.events()), sorted(whole.ledger.events()));
    assert.equal(editor.ledger.duplicateCount, whole.ledger.duplicateCount);
    assert.equal(openOn(indexPath), 1, 'the file opened, not rebuilt');
    closeIndexOf(editor.ledger);
  });

  it('holds no more rows after a walk over every row that sees the older rows given back midway', async () => {
    writeHistory(60);
    await saveIndex(indexPath, await readWhole());
    const editor = await startEditor();
    const heldAtStart = editor.ledger.held;
    // A report walking every row (a whole save's pieces are walked the same way, across its writes).
    const walk = editor.ledger.eachEvent();
    const seen = [walk.next().value as UsageEvent];
    assert.equal(editor.ledger.releaseOlder(), true);
    for (const e of walk) seen.push(e);
    assert.deepEqual(sorted(seen), sorted((await readWhole()).ledger.events()));
    assert.deepEqual(editor.ledger.held, heldAtStart);
    closeIndexOf(editor.ledger);
  });
});
