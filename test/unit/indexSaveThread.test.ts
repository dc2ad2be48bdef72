// A cold scan's index saved on a scan thread (sources/indexSaveThread.ts, usageIndex.ts saveIndexInThread): the same
// bytes as a save on the main thread, from the same ledger (rows spilled, wide rows, repeats merged into spilled rows),
// and a failed save reported as before.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { generateCorpus } from '../../bench/generateCorpus.mjs';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { chunkRows } from '../../src/core/ledger/packedRows';
import type { UsageEvent } from '../../src/core/usageEvent';
import { discoverLogFiles, newCursor } from '../../src/sources/logFiles';
import { IndexSaveThread } from '../../src/sources/indexSaveThread';
import { rowSpillIn } from '../../src/sources/rowSpillFile';
import { ScanWorkers } from '../../src/sources/scanWorkers';
import { UsageScanner } from '../../src/sources/usageScanner';
import { loadIndex, saveIndex, saveIndexInThread, trySaveIndex } from '../../src/sources/usageIndex';

/** The index file as its header (without what differs between two saves: the time, the id) and the bytes after it. */
function indexContent(file: string): { header: Record<string, unknown>; body: Buffer } {
  const bytes = readFileSync(file);
  const end = bytes.indexOf(10);
  const header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as Record<string, unknown>;
  delete header.savedAtMs;
  delete header.baseId;
  return { header, body: bytes.subarray(end + 1) };
}

/**
 * `count` more requests added to `scanner`'s ledger, in no time order: repeats of earlier requests (merged into rows
 * already spilled), rows without a key, wide rows (a logged cost, web searches, a count over 2³²), a name JSON keeps.
 */
function addRequests(scanner: UsageScanner, count: number, seed: number): void {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const repeat = keys.length > 0 && random() < 0.3;
    const key = repeat ? keys[pick(keys.length)] : random() < 0.05 ? undefined : `extra-${seed}-${i}`;
    if (key !== undefined && !repeat) keys.push(key);
    const wide = random() < 0.03;
    const event: UsageEvent = {
      source: random() < 0.8 ? 'claude' : 'codex', timestampMs: 1.7e12 + pick(365 * 86_400) * 1000, sessionId: i % 997 === 0 ? 'lone \ud800 surrogate' : `s${pick(3000)}`, agentId: random() < 0.1 ? `a${pick(40)}` : '', project: `p${pick(200)}`, model: `m${pick(6)}`,
      inputTokens: wide && random() < 0.3 ? 2 ** 32 + pick(9) : pick(5000), outputTokens: pick(4000), cacheWrite5mTokens: pick(3), cacheWrite1hTokens: pick(3), cacheReadTokens: pick(100_000),
    };
    if (wide && random() < 0.5) event.loggedCostUsd = pick(1000) / 997;
    if (wide && random() < 0.5) event.webSearchRequests = 1 + pick(3);
    scanner.ledger.add({ dedupKey: key, event }, 1.7e12 + pick(1000) * 1000);
  }
}

const eventsOf = (scanner: UsageScanner) => scanner.ledger.events().map((e) => JSON.stringify(e)).sort();

describe('index saved on a scan thread', function () {
  this.timeout(60_000);
  let root: string;
  let script: string;
  let roots: { claudeDirs: string[]; codexDirs: string[] };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tokenmeter-save-thread-'));
    roots = { claudeDirs: [path.join(root, 'claude')], codexDirs: [path.join(root, 'codex')] };
    generateCorpus({ claudeDir: roots.claudeDirs[0], codexDir: roots.codexDirs[0], sizeBytes: 1_500_000, seed: 'save-thread' });
    // The thread script is a bundle, as in dist/ (as in scanWorkers.test.ts).
    script = path.join(root, 'scanWorkerThread.js');
    await esbuild.build({ entryPoints: ['src/sources/scanWorkerThread.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'error' });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** A cold scan of the corpus whose ledger spills to `dir`, with `extra` requests added after the read. */
  async function coldScan(dir: string, extra: number, seed = 1) {
    const scanner = new UsageScanner({ roots, workers: 0 });
    const spill = rowSpillIn(dir);
    scanner.ledger.spillRows(spill);
    await scanner.refresh();
    addRequests(scanner, extra, seed);
    return { scanner, spill };
  }

  it('writes the same bytes as a save on the main thread, rows spilled and wide, repeats merged into spilled rows', async () => {
    const dir = path.join(root, 'same');
    const { scanner, spill } = await coldScan(dir, chunkRows * 2 + 777);
    assert.ok(spill.shared() !== undefined, 'rows were spilled');
    const inThread = path.join(dir, 'in-thread.bin');
    const here = path.join(dir, 'here.bin');
    const saving = saveIndexInThread(inThread, scanner, new IndexSaveThread(new Worker(script)), spill);
    assert.ok(saving, 'a cold scan is saved on the thread');
    await saving;
    await saveIndex(here, scanner, 'sync');
    const a = indexContent(here);
    const b = indexContent(inThread);
    assert.deepEqual(b.header, a.header);
    assert.ok(b.body.equals(a.body), `bodies differ (${b.body.length} against ${a.body.length} bytes)`);
    // And it reads back as the ledger it was saved from.
    const restored = new UsageScanner({ roots, workers: 0 });
    assert.equal(await loadIndex(inThread, restored, { io: 'sync' }), true);
    assert.deepEqual(eventsOf(restored), eventsOf(scanner));
    assert.equal(restored.ledger.duplicateCount, scanner.ledger.duplicateCount);
    assert.equal(restored.fileCount, scanner.fileCount);
  });

  it('writes the same bytes for a ledger that spilled nothing', async () => {
    const dir = path.join(root, 'small');
    const { scanner, spill } = await coldScan(dir, 500, 2);
    assert.equal(spill.shared(), undefined);
    await saveIndexInThread(path.join(dir, 'in-thread.bin'), scanner, new IndexSaveThread(new Worker(script)), spill);
    await saveIndex(path.join(dir, 'here.bin'), scanner, 'sync');
    const a = indexContent(path.join(dir, 'here.bin'));
    const b = indexContent(path.join(dir, 'in-thread.bin'));
    assert.deepEqual(b.header, a.header);
    assert.ok(b.body.equals(a.body));
  });

  it('reports a failed save as a save on the main thread does, and leaves no temp file', async () => {
    const dir = path.join(root, 'fails');
    const { scanner, spill } = await coldScan(dir, 100, 3);
    mkdirSync(dir, { recursive: true });
    // The index's folder is a file (the thread cannot write), then the index's path is a folder (the rename here fails).
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const folder = path.join(dir, 'a-folder');
    mkdirSync(path.join(folder, 'inside'), { recursive: true });
    for (const file of [path.join(blocker, 'index.bin'), folder]) {
      const logged: string[] = [];
      const saving = saveIndexInThread(file, scanner, new IndexSaveThread(new Worker(script)), spill);
      assert.ok(saving);
      assert.equal(await trySaveIndex(file, scanner, (m) => logged.push(m), () => saving), false);
      assert.equal(await trySaveIndex(file, scanner, (m) => logged.push(m), 'sync'), false);
      assert.equal(logged.length, 2);
      assert.equal(logged[0], logged[1]);
      assert.match(logged[0], /Could not save the usage index .* \(E[A-Z]+\)/);
      assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
    }
  });

  it('leaves a ledger read from an index to the save on the main thread', async () => {
    const dir = path.join(root, 'restored');
    const { scanner } = await coldScan(dir, 100, 4);
    const file = path.join(dir, 'index.bin');
    await saveIndex(file, scanner, 'sync');
    const restored = new UsageScanner({ roots, workers: 0 });
    assert.equal(await loadIndex(file, restored, { io: 'sync' }), true);
    const thread = new IndexSaveThread(new Worker(script));
    assert.equal(saveIndexInThread(path.join(dir, 'other.bin'), restored, thread, undefined), undefined);
    thread.close();
  });

  it('keeps one scan thread after a read when asked, for one save, and stops the others', async () => {
    const files = await discoverLogFiles(roots, { claude: true, codex: true } as never, []);
    const reread = new UsageScanner({ roots, workers: 0 });
    const read = (threads: ScanWorkers) => threads.read(files.map((f) => newCursor(f.source, f.path, f.relativePath)), (results) => {
      for (const result of results) result.feed((usage) => reread.ledger.add(usage, result.cursor.mtimeMs));
    });
    const plain = new ScanWorkers(script, 2);
    await read(plain);
    assert.equal(plain.takeKept(), undefined);
    const keeping = new ScanWorkers(script, 2);
    keeping.keepOneAfterRead();
    await read(keeping);
    const kept = keeping.takeKept();
    assert.ok(kept, 'a thread is kept');
    assert.equal(keeping.takeKept(), undefined);
    const dir = path.join(root, 'kept');
    const { scanner, spill } = await coldScan(dir, 50, 5);
    await saveIndexInThread(path.join(dir, 'index.bin'), scanner, kept, spill);
    const restored = new UsageScanner({ roots, workers: 0 });
    assert.equal(await loadIndex(path.join(dir, 'index.bin'), restored, { io: 'sync' }), true);
    assert.deepEqual(eventsOf(restored), eventsOf(scanner));
  });
});
