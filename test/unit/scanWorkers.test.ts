// Scan threads: the same ledger as reading on one thread, whatever portion each thread draws.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { generateCorpus } from '../../bench/generateCorpus.mjs';
import { sourceNames, type SourceName, type UsageEvent } from '../../src/core/usageEvent';
import { discoverLogFiles, newCursor, type DiscoveredFile } from '../../src/sources/logFiles';
import { claudeProjectsLookLarge, cursorOf, favourShortWarmUp, ScanWorkers, sendable } from '../../src/sources/scanWorkers';
import { UsageScanner } from '../../src/sources/usageScanner';

const allSources = Object.fromEntries(sourceNames.map((name) => [name, false])) as Record<SourceName, boolean>;
const rowsOf = (scanner: UsageScanner): string[] => scanner.ledger.events().map((e: UsageEvent) => JSON.stringify(e)).sort();

describe('scan threads', function () {
  this.timeout(60_000);
  let root: string;
  let script: string;
  let roots: { claudeDirs: string[]; codexDirs: string[] };
  // The corpus read on this thread alone, once: what every way of reading it in threads must give.
  let alone: UsageScanner;
  let aloneRows: string[];

  /** The same ledger as one thread: the same rows, the same repeats merged, and with `tally` the same line counts. */
  function assertSameLedgerAsOneThread(scanner: UsageScanner, { tally = false } = {}): void {
    assert.deepEqual(rowsOf(scanner), aloneRows);
    assert.equal(scanner.ledger.duplicateCount, alone.ledger.duplicateCount);
    if (tally) assert.deepEqual(scanner.stats.tally, alone.stats.tally);
  }

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tokenmeter-workers-'));
    roots = { claudeDirs: [path.join(root, 'claude')], codexDirs: [path.join(root, 'codex')] };
    generateCorpus({ claudeDir: roots.claudeDirs[0], codexDir: roots.codexDirs[0], sizeBytes: 3_000_000, seed: 'workers' });
    // The thread script is a bundle, as in dist/; built here so the test does not depend on a prior build.
    script = path.join(root, 'scanWorkerThread.js');
    await esbuild.build({ entryPoints: ['src/sources/scanWorkerThread.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'error' });
    alone = new UsageScanner({ roots, workers: 0 });
    await alone.refresh();
    aloneRows = rowsOf(alone);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads the files in portions on several threads into the same ledger as one thread', async () => {
    assert.ok(alone.ledger.size > 100, `only ${alone.ledger.size} requests generated`);

    const files = await discoverLogFiles(roots, { ...allSources, claude: true, codex: true }, []);
    const fresh = files.map((f) => newCursor(f.source, f.path, f.relativePath));
    const reread = new UsageScanner({ roots, workers: 0 });
    let portions = 0;
    await new ScanWorkers(script, 3).read(fresh, (results) => {
      portions++;
      for (const result of results) {
        result.feed((usage) => reread.ledger.add(usage, result.cursor.mtimeMs));
        reread.ledger.countMergedRepeats(result.mergedRepeats);
      }
    });
    assert.ok(portions >= 3, `${portions} portions`);
    assertSameLedgerAsOneThread(reread);
  });

  it('uses threads started ahead for a first scan, then stops them', async () => {
    const started = new ScanWorkers(script, 2);
    const scanner = new UsageScanner({ roots, workerScript: script, startedWorkers: started });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner);
    await assert.rejects(started.read([], () => undefined), /already used/);
  });

  it('reads a small history on this thread when the threads set up ahead were not started', async () => {
    const idle = new ScanWorkers(script, 2, 0);
    const scanner = new UsageScanner({ roots, workerScript: script, startedWorkers: idle });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner);
    assert.equal(idle.started, 0, 'no thread started for 3 MB');
    await assert.rejects(idle.read([], () => undefined), /already used/);
  });

  it('starts the threads set up ahead once the listing shows a large backlog', async () => {
    const pool = new ScanWorkers(script, 2, 0);
    const scanner = new UsageScanner({ roots, workerScript: script, startedWorkers: pool, moreThreadsBytes: 100_000, idleCores: () => 1.5 });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner);
    assert.equal(pool.started, 2);
  });

  it('reads with the threads made ahead (prestart) once the backlog calls for them, making no other', async () => {
    const pool = new ScanWorkers(script, 2, 0);
    pool.prestart();
    pool.prestart();
    assert.equal(pool.made, 2, 'made ahead, once');
    assert.equal(pool.started, 0, 'not reading yet');
    const scanner = new UsageScanner({ roots, io: 'sync', workerScript: script, startedWorkers: pool, moreThreadsBytes: 100_000, idleCores: () => 1.5, readShareHere: true });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner, { tally: true });
    assert.equal(pool.started, 2);
    assert.equal(pool.made, 2, 'the threads made ahead read; none made anew');
  });

  it('closes the threads made ahead unused when the history is small', async () => {
    const pool = new ScanWorkers(script, 2, 0);
    pool.prestart();
    const scanner = new UsageScanner({ roots, workerScript: script, startedWorkers: pool });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner);
    assert.equal(pool.started, 0, 'no thread read 3 MB');
    assert.equal(pool.made, 2);
    await assert.rejects(pool.read([], () => undefined), /already used/);
  });

  it('guesses a Claude Code history large from a few of its project folders (whether a thread boots ahead)', () => {
    // Eight project folders of two 1,000-byte transcripts (and a file that is not one): 16,000 bytes, whichever folders are sampled.
    const claudeDir = path.join(root, 'glance');
    for (let p = 0; p < 8; p++) {
      const folder = path.join(claudeDir, 'projects', `-home-p${p}`);
      mkdirSync(folder, { recursive: true });
      for (let f = 0; f < 2; f++) writeFileSync(path.join(folder, `s${f}.jsonl`), 'x'.repeat(1000));
      writeFileSync(path.join(folder, 'notes.txt'), 'x'.repeat(50_000));
    }
    assert.equal(claudeProjectsLookLarge([claudeDir], 16_000), true);
    assert.equal(claudeProjectsLookLarge([claudeDir], 16_001), false);
    assert.equal(claudeProjectsLookLarge([claudeDir, claudeDir], 32_000), true, 'each folder adds its estimate');
    assert.equal(claudeProjectsLookLarge([path.join(root, 'absent')], 1), false);
    assert.equal(claudeProjectsLookLarge(roots.claudeDirs, 256 * 1024 * 1024), false, 'the 3 MB corpus');
    assert.equal(claudeProjectsLookLarge(roots.claudeDirs, 100_000), true);
  });

  it('reads a large backlog on this thread when no core is idle (threads would only add their CPU)', async () => {
    const pool = new ScanWorkers(script, 2, 0);
    let asked = 0;
    const scanner = new UsageScanner({ roots, workerScript: script, startedWorkers: pool, moreThreadsBytes: 100_000, idleCores: () => (asked++, 0.6) });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner);
    assert.equal(pool.started, 0);
    assert.equal(asked, 1, 'asked once, when the backlog called for threads');
    await assert.rejects(pool.read([], () => undefined), /already used/);
  });

  it('reads a share on the calling thread when asked (the CLI), the rest in the thread, into the same ledger as one thread', async () => {
    const pool = new ScanWorkers(script, 1, 0);
    let readHere = 0;
    let readThere = 0;
    const begin = pool.begin.bind(pool);
    pool.begin = (onResults, portionSize, readsHere) => {
      assert.equal(readsHere, true);
      const reading = begin((results) => ((readThere += results.length), onResults(results)), portionSize, readsHere);
      return { ...reading, take: () => {
        // The first share waits (blocked, up to 5 s) until the thread has booted and taken a file: a 3 MB corpus is read here before it would.
        for (let waited = 0; readHere === 0 && reading.takenByThreads() === 0 && waited < 5_000; waited += 5) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        const taken = reading.take();
        readHere += taken?.length ?? 0;
        return taken;
      } };
    };
    const scanner = new UsageScanner({ roots, io: 'sync', workerScript: script, startedWorkers: pool, moreThreadsBytes: 100_000, idleCores: () => 1.5, readShareHere: true });
    await scanner.refresh();
    assertSameLedgerAsOneThread(scanner, { tally: true });
    assert.equal(pool.started, 1);
    assert.ok(readHere > 0 && readThere > 0, `${readHere} files read here, ${readThere} in the thread`);
    assert.equal(readHere + readThere, alone.fileCount);
  });

  it('hands out every listed file once: the threads take from the front as files are listed, the calling thread from the end once all are, in shares that grow smaller', async () => {
    // Files that do not exist: each comes back as a result with its error, so every file read can be counted.
    const files = Array.from({ length: 5_000 }, (_, i) => ({ source: 'claude' as const, path: path.join(root, 'missing', `${i}.jsonl`), relativePath: `projects/p/${i}.jsonl` }));
    const pool = new ScanWorkers(script, 1);
    const seen = new Map<string, number>();
    const portions: number[] = [];
    const reading = pool.begin((results) => {
      portions.push(results.length);
      for (const r of results) seen.set(r.cursor.path, (seen.get(r.cursor.path) ?? 0) + 1);
    }, 64, true);
    reading.add(files.slice(0, 4_000));
    assert.equal(reading.take(), undefined, 'nothing for the calling thread while files are still listed');
    reading.add(files.slice(4_000));
    const ended = reading.end();
    const taken: number[] = [];
    for (let some = reading.take(); some; some = reading.take()) {
      // From the end of the list (where the listing puts Codex rollouts), in list order.
      if (taken.length === 0) assert.deepEqual(some.map((c) => c.path), files.slice(files.length - some.length).map((f) => f.path));
      taken.push(some.length);
      for (const c of some) seen.set(c.path, (seen.get(c.path) ?? 0) + 1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await ended;
    assert.equal(seen.size, files.length);
    assert.ok([...seen.values()].every((n) => n === 1), 'a file handed out twice');
    assert.ok(portions.every((n) => n <= 64 + 15) && taken.every((n) => n <= 32), `${portions} / ${taken}`);
    // Each share once all are listed is an eighth of what is left (two readers), so the last ones are small.
    assert.ok(taken.every((n, i) => i === 0 || n <= taken[i - 1]), `shares grow smaller: ${taken}`);
  });

  it('a thread goes on taking files while the calling thread is busy (listing, reading its share) and never answers', async () => {
    const files = Array.from({ length: 3_000 }, (_, i) => ({ source: 'claude' as const, path: path.join(root, 'missing', `${i}.jsonl`), relativePath: `projects/p/${i}.jsonl` }));
    const pool = new ScanWorkers(script, 1);
    let readThere = 0;
    const reading = pool.begin((results) => void (readThere += results.length), 64, true);
    reading.add(files.slice(0, 1_000));
    // Blocked as a listing blocks, without turning the event loop once: no result is folded and nothing is sent meanwhile.
    const block = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(block, 0, 0, 700);
    reading.add(files.slice(1_000));
    Atomics.wait(block, 0, 0, 700);
    const ended = reading.end();
    let readHere = 0;
    for (let some = reading.take(); some; some = reading.take()) readHere += some.length;
    await ended;
    assert.equal(readHere + readThere, files.length);
    // Sent files only on request, two portions of 64 at a time, the thread read at most 128 of each part while blocked.
    assert.ok(readThere > 2_000, `${readThere} read by the thread, ${readHere} here`);
  });

  it('closes threads started ahead when a restored index leaves too few files to read', async () => {
    const previous = new UsageScanner({ roots, workers: 0 });
    await previous.refresh();
    const unused = new ScanWorkers(script, 2);
    let reads = 0;
    const begin = unused.begin.bind(unused);
    unused.begin = (...args) => (reads++, begin(...args));
    const restored = new UsageScanner({ roots, workerScript: script, startedWorkers: unused });
    restored.restore(previous.ledger, previous.fileCursors());
    await restored.refresh();
    assertSameLedgerAsOneThread(restored);
    assert.equal(reads, 0, 'nothing was read in the threads');
    await assert.rejects(begin(() => undefined).end(), /already used/);
  });

  it('a listed file waits as listed and gets a new cursor when sent; a cursor already read from goes as it is', async () => {
    const [file] = await discoverLogFiles(roots, { ...allSources, claude: true }, []);
    assert.deepEqual(cursorOf(file), newCursor(file.source, file.path, file.relativePath));
    const readBefore = { ...newCursor(file.source, file.path, file.relativePath), offset: 120, size: 120 };
    assert.equal(cursorOf(readBefore), readBefore);
  });

  it('a listed file goes to the threads as one string and comes back as the same cursor, whatever its source and path', async () => {
    const listed = await discoverLogFiles(roots, { ...allSources, claude: true, codex: true }, []);
    const odd: DiscoveredFile[] = [
      { source: 'codex', path: '/h/.codex/sessions/2026/01/02/rollout-2026-01-02T03-04-05-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl', relativePath: '2026/01/02/rollout-2026-01-02T03-04-05-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl' },
      { source: 'amp', path: '/h/amp/threads/T-1 2\u00e9\u6f22.json', relativePath: 'T-1 2\u00e9\u6f22.json' },
      { source: 'claude', path: '/h/.claude/projects/-p/a.jsonl', relativePath: '' },
    ];
    for (const file of [...listed, ...odd]) {
      const sent = sendable(file);
      assert.equal(typeof sent, 'string', file.path);
      assert.deepEqual(cursorOf(sent), cursorOf(file), file.path);
    }
    assert.ok(listed.some((file) => file.source === 'claude') && listed.some((file) => file.source === 'codex'));
    // A relative path that does not end the path (another separator), and a cursor, go as they are.
    const elsewhere: DiscoveredFile = { source: 'claude', path: '/h/.claude/projects/-p/a.jsonl', relativePath: '-p\\a.jsonl' };
    assert.equal(sendable(elsewhere), elsewhere);
    const cursor = cursorOf(listed[0]);
    assert.equal(sendable(cursor), cursor);
  });

  it("turns V8's memory-saving mode on once, when a first pass in threads lists enough to read and the caller asked (the CLI)", async () => {
    const v8 = require('node:v8') as typeof import('node:v8');
    const set = v8.setFlagsFromString;
    const flags: string[] = [];
    v8.setFlagsFromString = (flag: string) => void flags.push(flag);
    try {
      const threaded = (favourMemoryBytes?: number, idle = 1.5) => new UsageScanner({ roots, workerScript: script, startedWorkers: new ScanWorkers(script, 2, 0), moreThreadsBytes: 100_000, idleCores: () => idle, favourMemoryBytes });
      const plain = threaded(undefined);
      await plain.refresh();
      assert.deepEqual(flags, [], 'not asked');
      const noIdleCore = threaded(200_000, 0.5);
      await noIdleCore.refresh();
      assert.deepEqual(flags, [], 'read on this thread: no threads, no memory-saving mode');
      const tooShort = threaded(1e12);
      await tooShort.refresh();
      assert.deepEqual(flags, [], 'a history shorter than asked');
      const asked = threaded(200_000);
      await asked.refresh();
      assert.deepEqual(flags, ['--optimize-for-size']);
      await threaded(200_000).refresh();
      assert.deepEqual(flags, ['--optimize-for-size'], 'once per process');
      for (const scanner of [plain, noIdleCore, tooShort, asked]) assertSameLedgerAsOneThread(scanner);
    } finally {
      v8.setFlagsFromString = set;
    }
  });

  it("sets V8's tiering for a cold scan: a longer interrupt budget and a smaller inlining budget, both values V8 accepts", () => {
    const v8 = require('node:v8') as typeof import('node:v8');
    const set = v8.setFlagsFromString;
    const flags: string[] = [];
    v8.setFlagsFromString = (flag: string) => void flags.push(flag);
    try {
      favourShortWarmUp();
    } finally {
      v8.setFlagsFromString = set;
    }
    assert.deepEqual(flags, ['--interrupt-budget=135168', '--max-inlined-bytecode-size-cumulative=460']);
    // Each is a flag of this Node's V8 (an unknown or misspelt one would be ignored without a word).
    const known = require('node:child_process').execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }) as string;
    for (const flag of flags) assert.ok(known.includes(`${flag.slice(0, flag.indexOf('='))} (`), flag);
  });

  it('rejects, and stops the others, when a thread fails', async () => {
    const broken = path.join(root, 'broken.js');
    await esbuild.build({ stdin: { contents: "throw new Error('thread start failed')", loader: 'js' }, platform: 'node', outfile: broken, logLevel: 'error' });
    const scanner = new UsageScanner({ roots, workers: 0 });
    await scanner.refresh();
    await assert.rejects(new ScanWorkers(broken, 2).read(scanner.fileCursors(), () => undefined), /thread start failed/);
  });
});
