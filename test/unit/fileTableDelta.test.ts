// The file table per block (index layout 8): a delta carries only the files changed since the index, merged into the
// index's table when read; a warm pass checks the blocks of the files it reads or changes; damage where it is read
// refuses the index, damage in a delta drops the delta.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deltaPathOf } from '../../src/sources/indexDelta';
import { blockFiles, fileSectionBytes, type FileTableHeader } from '../../src/sources/fileTableFile';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import type { UsageScanner } from '../../src/sources/usageScanner';
import { claudeScanner, dayMs, sortedEvents, trustFolders, usageLine } from '../helpers/claudeIndexFixture';

describe('file table per block, and a delta of the files changed (index layout 8)', () => {
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  const nowMs = Date.now();
  const scanner = (log?: (m: string) => void) => claudeScanner(claudeDir, log);
  const sorted = sortedEvents;
  const line = (id: string, daysAgo: number, sessionId: string) => usageLine(nowMs, id, daysAgo, sessionId);
  const folder = () => path.join(claudeDir, 'projects', '-home-dev-repo');
  const sessionFile = (s: number) => path.join(folder(), `s${s}.jsonl`);
  // 700 sessions, one file each, the newest last: three blocks of the file table.
  const sessions = 700;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-filerows-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    mkdirSync(folder(), { recursive: true });
    for (let s = 0; s < sessions; s++) {
      writeFileSync(sessionFile(s), line(`${s}`, (sessions - s) / 10, `s${s}`) + '\n');
      const mtimeS = (nowMs - ((sessions - s) / 10) * dayMs) / 1000;
      utimesSync(sessionFile(s), mtimeS, mtimeS);
    }
    trustFolders([claudeDir, path.join(claudeDir, 'projects'), folder()], nowMs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const headerOf = (file: string) => {
    const bytes = readFileSync(file);
    return { bytes, header: JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(0x0a))) as { files: FileTableHeader } };
  };
  /** A warm run as the CLI's: load (table checked when needed), append to session `s`, warm pass, save. */
  const warmRun = async (s: number, id: string, log?: (m: string) => void) => {
    const warm = scanner(log);
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync', sinceMs: nowMs - dayMs, checkFiles: 'when needed' }));
    appendFileSync(sessionFile(s), line(id, 0, `s${s}`) + '\n');
    await warm.refresh({ full: true, warm: true });
    await saveIndex(indexPath, warm);
    return warm;
  };
  const coldIndex = async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
  };
  const fresh = async () => {
    const s = scanner();
    await s.refresh();
    return s;
  };

  it('a delta carries only the files changed since the index; index and delta read back equal the writer\'s table and a cold scan', async () => {
    await coldIndex();
    const first = await warmRun(sessions - 1, 'new-1');
    assert.equal(headerOf(deltaPathOf(indexPath)).header.files.count, 1, 'one file changed');
    const second = await warmRun(sessions - 2, 'new-2');
    assert.equal(headerOf(deltaPathOf(indexPath)).header.files.count, 2, 'the files changed since the index, not since the last delta');
    assert.notDeepEqual(first.fileCursors(), second.fileCursors());
    const back = scanner();
    assert.ok(await loadIndex(indexPath, back, { io: 'sync', checkFiles: 'when needed' }));
    assert.deepEqual(back.fileCursors(), second.fileCursors());
    const cold = await fresh();
    assert.deepEqual(back.fileCursors(), cold.fileCursors());
    assert.deepEqual(sorted(back.ledger.events()), sorted(cold.ledger.events()));
  });

  it('after the index is written whole again (the delta folded in), a delta carries only the files changed since that', async () => {
    await coldIndex();
    await warmRun(sessions - 1, 'new-1');
    const s = scanner();
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - dayMs, checkFiles: 'when needed' }));
    // Saved whole to another file: the index and its delta in one.
    const copy = path.join(dir, 'copy.bin');
    await saveIndex(copy, s);
    assert.equal(readFileSync(copy).includes('tokenmeter-index-delta'), false);
    appendFileSync(sessionFile(sessions - 3), line('new-3', 0, `s${sessions - 3}`) + '\n');
    await s.refresh({ full: true, warm: true });
    await saveIndex(copy, s);
    assert.equal(headerOf(deltaPathOf(copy)).header.files.count, 1, 'the file changed since the whole save alone');
    const back = scanner();
    assert.ok(await loadIndex(copy, back, { io: 'sync', checkFiles: 'when needed' }));
    const cold = await fresh();
    assert.deepEqual(back.fileCursors(), cold.fileCursors());
    assert.deepEqual(sorted(back.ledger.events()), sorted(cold.ledger.events()));
  });

  it('a new file in a delta is merged as a new file of the index\'s table, and found by path after', async () => {
    await coldIndex();
    const warm = scanner();
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync', sinceMs: nowMs - dayMs, checkFiles: 'when needed' }));
    mkdirSync(path.join(claudeDir, 'projects', '-home-dev-other'));
    writeFileSync(path.join(claudeDir, 'projects', '-home-dev-other', 'today.jsonl'), line('today', 0, 'today') + '\n');
    await warm.refresh({ full: true, warm: true });
    await saveIndex(indexPath, warm);
    assert.equal(headerOf(deltaPathOf(indexPath)).header.files.count, 1);
    const back = scanner();
    assert.ok(await loadIndex(indexPath, back, { io: 'sync', checkFiles: 'when needed' }));
    assert.equal(back.fileCount, sessions + 1);
    // By path: a cold scan lists the new folder first, the index appends its file.
    const byPath = (s: UsageScanner) => s.fileCursors().sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(byPath(back), byPath(await fresh()));
    // A second delta on top: still one file changed since the index, and the new file appended once.
    appendFileSync(path.join(claudeDir, 'projects', '-home-dev-other', 'today.jsonl'), line('today-2', 0, 'today') + '\n');
    await back.refresh({ full: true });
    await saveIndex(indexPath, back);
    const again = scanner();
    assert.ok(await loadIndex(indexPath, again, { io: 'sync', checkFiles: 'when needed' }));
    assert.equal(again.fileCount, sessions + 1);
    assert.deepEqual(sorted(again.ledger.events()), sorted((await fresh()).ledger.events()));
  });

  /** Where file `i`'s size is in the index file (the file table's first column). */
  const sizeAt = (i: number) => {
    const { bytes, header } = headerOf(indexPath);
    return bytes.length - fileSectionBytes(header.files) + i * 8;
  };
  const flip = (file: string, at: number) => {
    const bytes = readFileSync(file);
    bytes[at] ^= 0x04;
    writeFileSync(file, bytes);
  };

  it('a warm pass checks the blocks of the files it reads or changes, not the others: damage elsewhere waits for a full pass', async () => {
    await coldIndex();
    // A file of the first block (the oldest sessions) damaged; the warm pass changes the newest file (the last block).
    flip(indexPath, sizeAt(3));
    const said: string[] = [];
    const warm = await warmRun(sessions - 1, 'new-1', (m) => said.push(m));
    assert.equal(said.length, 0, said.join('\n'));
    assert.equal(headerOf(deltaPathOf(indexPath)).header.files.count, 1);
    // Read back with its delta, then a full pass: the damage is found, the logs read again.
    const full = scanner((m) => said.push(m));
    assert.ok(await loadIndex(indexPath, full, { io: 'sync', checkFiles: 'when needed' }));
    await full.refresh({ full: true });
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's file table checksum mismatch/);
    assert.deepEqual(sorted(full.ledger.events()), sorted(warm.ledger.events()));
    assert.deepEqual(full.fileCursors(), (await fresh()).fileCursors());
  });

  it('refuses the index when the block of a file the warm pass or the delta changes is damaged, saying why', async () => {
    await coldIndex();
    const whole = readFileSync(indexPath);
    // The block of the newest file (the last block), away from that file's own entry.
    const newest = sessions - 1;
    const lastBlockFile = Math.floor(newest / blockFiles) * blockFiles;
    flip(indexPath, sizeAt(lastBlockFile));
    const said: string[] = [];
    const warm = await warmRun(newest, 'new-1', (m) => said.push(m));
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's file table checksum mismatch/);
    assert.deepEqual(sorted(warm.ledger.events()), sorted((await fresh()).ledger.events()));
    // A whole index with a delta changing that file; then the same block damaged: refused at load.
    writeFileSync(indexPath, whole);
    rmSync(deltaPathOf(indexPath), { force: true });
    await warmRun(newest, 'new-2');
    flip(indexPath, sizeAt(lastBlockFile));
    const refused: string[] = [];
    assert.equal(await loadIndex(indexPath, scanner(), { io: 'sync', sinceMs: nowMs - dayMs, checkFiles: 'when needed', onUnusable: (m) => refused.push(m) }), false);
    assert.match(refused[0], /cannot be used \(file table checksum mismatch\); reading all logs again/);
  });

  it('drops a delta whose files are damaged (the index alone is whole): the next pass reads the rest again, totals equal a cold scan', async () => {
    await coldIndex();
    await warmRun(sessions - 1, 'new-1');
    const delta = deltaPathOf(indexPath);
    const { bytes, header } = headerOf(delta);
    flip(delta, bytes.length - fileSectionBytes(header.files) + 2);
    const s = scanner();
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - dayMs, checkFiles: 'when needed' }));
    assert.equal(s.ledger.size, sessions, 'the index\'s rows alone');
    await s.refresh({ full: true, warm: true });
    const cold = await fresh();
    assert.deepEqual(sorted(s.ledger.events()), sorted(cold.ledger.events()));
    assert.deepEqual(s.fileCursors(), cold.fileCursors());
  });
});
