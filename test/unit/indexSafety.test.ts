// The persisted index under crashes and races: a child process saving it is SIGKILLed at random
// points, many times; two processes save at once while a third reads; the file is torn or tampered
// with. `loadIndex` must load a whole index or return false — never throw, never a corrupt ledger —
// and a scanner that could not load it rebuilds to the totals of a fresh scan.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { Ledger } from '../../src/core/ledger/ledger';
import { UsageScanner } from '../../src/sources/usageScanner';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { indexVersionSize } from '../helpers/indexVersions';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { claudeAssistantLine, joinLines, ledgerTotals } from '../helpers/logLines';
import { freshScan, makeTempRoots } from '../helpers/scanFolders';

const kills = Number(process.env.TOKENMETER_INDEX_KILLS) || 25;
// Kill points repeat for a seed; a failure names it (TOKENMETER_INDEX_SEED=<seed> reproduces it).
const killSeed = Number(process.env.TOKENMETER_INDEX_SEED) || 17;

function emptyScanner(): UsageScanner {
  return new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, workers: 0 });
}

/** A loaded index must be exactly one version the child wrote: n events, inputs 1..n, all of version v. */
function assertWholeVersion(scanner: UsageScanner): number {
  const [cursor] = scanner.fileCursors();
  assert.ok(cursor, 'one cursor');
  const v = cursor.mtimeMs;
  const n = indexVersionSize(v);
  assert.equal(cursor.offset, n);
  const events = scanner.ledger.events();
  assert.equal(events.length, n, `version ${v}: ${events.length} events, expected ${n}`);
  let sum = 0;
  for (const e of events) {
    assert.equal(e.outputTokens, v, 'an event from another version');
    sum += e.inputTokens;
  }
  assert.equal(sum, (n * (n + 1)) / 2);
  return v;
}

describe('index safety: crashes and races while the index is written', function () {
  this.timeout(120_000);
  let dir: string;
  let childScript: string;
  const children = new Set<ChildProcess>();

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-index-'));
    childScript = path.join(dir, 'indexWriterChild.js');
    // Bundled once so each child starts in tens of milliseconds (no TypeScript loader per spawn).
    await esbuild.build({ entryPoints: [path.join(__dirname, '..', 'helpers', 'indexWriterChild.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: childScript, logLevel: 'error' });
  });
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    children.clear();
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  function writer(indexPath: string, first: number, step: number) {
    const child = spawn(process.execPath, [childScript, indexPath, String(first), String(step)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let saved = 0;
    let started = false;
    const waiters: Array<() => void> = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().split('\n');
      started ||= lines.includes('started');
      saved += lines.filter((l) => l.startsWith('saved')).length;
      wake();
    });
    child.once('exit', wake);
    /** Resolves once the child has started and saved at least `n` times (or exited). */
    const reached = (n: number) =>
      new Promise<void>(function check(resolve) {
        if ((started && saved >= n) || child.exitCode !== null || child.signalCode !== null) resolve();
        else waiters.push(() => check(resolve));
      });
    return { child, saved: () => saved, reached };
  }

  async function killed(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    children.delete(child);
  }

  it(`a writer SIGKILLed at random points (${kills} times) leaves a whole index or none, and stray temp files are cleaned up`, async function () {
    // Each kill spawns a fresh Node process (~0.3–0.6 s on 2 cores); the stress run's 200 kills outgrow a fixed 2 minutes.
    this.timeout(60_000 + kills * 3_000);
    const indexPath = path.join(dir, 'kill', 'index-test.json');
    let anySaved = false;
    let loadedWhole = 0;
    let refused = 0;
    const random = mulberry32(killSeed);
    // The window adapts to this machine: kill points are drawn within the time one save took here.
    let saveMs = 0;
    for (let i = 0; i < kills; i++) {
      const w = writer(indexPath, i * 1000, 1);
      // Random points: before the first write, mid-write, between writes. Every third writer is
      // killed only after it reported a save, so whole saves happen however slow the machine is.
      const afterSaves = i % 3 === 2 ? 1 + Math.floor(random() * 2) : 0;
      await w.reached(0);
      const startedAt = Date.now();
      if (afterSaves > 0) {
        await w.reached(afterSaves);
        saveMs = Math.max(saveMs, (Date.now() - startedAt) / afterSaves);
      }
      await new Promise((r) => setTimeout(r, random() * Math.max(20, 2 * saveMs)));
      await killed(w.child);
      anySaved ||= w.saved() > 0;
      const scanner = emptyScanner();
      const loaded = await loadIndex(indexPath, scanner);
      if (loaded) {
        assertWholeVersion(scanner);
        loadedWhole++;
      } else {
        assert.equal(anySaved, false, `an index was saved whole before, so one must load (seed ${killSeed}, kill ${i})`);
        assert.equal(scanner.ledger.size, 0, 'a refused index leaves the scanner empty');
        refused++;
      }
    }
    assert.ok(loadedWhole > 0, `some saves completed (seed ${killSeed})`);
    // A kill between writing the temp file and renaming it leaves the temp file behind; the next save cleans it.
    await saveIndex(indexPath, emptyScanner());
    const leftovers = (await fs.readdir(path.dirname(indexPath))).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temp files of killed writers are removed by the next save');
    process.stdout.write(`      (${kills} kills: ${loadedWhole} whole loads, ${refused} refused before any save)\n`);
  });

  it('a save with blocking writes (the CLI\'s) reads back as one with async writes, the same size, and removes a dead writer\'s temp file', async () => {
    const t = await makeTempRoots('tokenmeter-index-sync-');
    try {
      await fs.writeFile(path.join(t.claudeProject, 's.jsonl'), joinLines(Array.from({ length: 300 }, (_, i) => claudeAssistantLine({ id: `m${i}`, usage: { input: i + 1, output: 2, cacheWrite: 3, cacheRead: 4 } }))));
      const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
      await scanner.refresh({ full: true });
      const [asyncFile, syncFile] = ['async', 'sync'].map((io) => path.join(t.base, io, 'index-test.bin'));
      // A temp file of a writer that is gone (no such pid), as a killed save leaves it.
      await fs.mkdir(path.dirname(syncFile), { recursive: true });
      const stray = `${syncFile}.999999999.0badf00d.tmp`;
      await fs.writeFile(stray, 'torn');
      await saveIndex(asyncFile, scanner, 'async');
      await saveIndex(syncFile, scanner, 'sync');
      assert.equal((await fs.stat(syncFile)).size, (await fs.stat(asyncFile)).size);
      await assert.rejects(fs.stat(stray), 'the stray temp file is removed');
      assert.deepEqual((await fs.readdir(path.dirname(syncFile))).filter((f) => f.endsWith('.tmp')), []);
      const [a, b] = [emptyScanner(), emptyScanner()];
      assert.ok(await loadIndex(asyncFile, a));
      assert.ok(await loadIndex(syncFile, b, { io: 'sync' }));
      assert.deepEqual(ledgerTotals(b.ledger), ledgerTotals(a.ledger));
      assert.deepEqual(ledgerTotals(b.ledger), ledgerTotals(scanner.ledger));
      assert.deepEqual(b.fileCursors(), a.fileCursors());
      // A save that cannot write (the index path is a folder) fails the same way in both modes.
      await fs.mkdir(path.join(t.base, 'dir.bin'));
      for (const io of ['async', 'sync'] as const) await assert.rejects(saveIndex(path.join(t.base, 'dir.bin'), scanner, io));
      assert.deepEqual((await fs.readdir(t.base)).filter((f) => f.endsWith('.tmp')), [], 'no temp file left by a failed save');
    } finally {
      await t.cleanup();
    }
  });

  it('two processes saving at once while a third reads never leave a corrupt index', async () => {
    const indexPath = path.join(dir, 'race', 'index-test.json');
    const a = writer(indexPath, 0, 2);
    const b = writer(indexPath, 1, 2);
    const seen = new Set<number>();
    let loads = 0;
    // At least 2 s and until both have saved twice and the reader has loaded five times (slower on a busy machine).
    const started = Date.now();
    const enough = () => Date.now() - started > 2_000 && a.saved() >= 2 && b.saved() >= 2 && loads >= 5;
    while (!enough() && Date.now() - started < 30_000) {
      const scanner = emptyScanner();
      if (await loadIndex(indexPath, scanner)) {
        seen.add(assertWholeVersion(scanner) % 2);
        loads++;
      } else assert.equal(a.saved() + b.saved(), 0, 'once saved, the index always loads');
      await new Promise((r) => setTimeout(r, 5));
    }
    await killed(a.child);
    await killed(b.child);
    const last = emptyScanner();
    assert.ok(await loadIndex(indexPath, last));
    assertWholeVersion(last);
    assert.ok(a.saved() > 0 && b.saved() > 0, `both wrote (${a.saved()}, ${b.saved()})`);
    assert.ok(loads >= 5, `${loads} loads`);
    process.stdout.write(`      (${a.saved() + b.saved()} saves by two writers, ${loads} loads in between, every one whole)\n`);
  });

  it('a torn index (cut at any byte) is refused without throwing, and the scanner rebuilds to a fresh scan', async () => {
    const t = await makeTempRoots();
    try {
      await fs.writeFile(path.join(t.claudeProject, 's.jsonl'), joinLines([1, 2, 3].map((n) => claudeAssistantLine({ id: `t${n}`, usage: { input: n, output: n, cacheWrite: 0, cacheRead: 0 } }))));
      const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
      await scanner.refresh({ full: true });
      const indexPath = path.join(t.base, 'index.json');
      await saveIndex(indexPath, scanner);
      const whole = await fs.readFile(indexPath);
      const expected = (await freshScan(t.roots)).totals;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: whole.length - 1 }), async (cut) => {
          await fs.writeFile(indexPath, whole.subarray(0, cut));
          const next = new UsageScanner({ roots: t.roots, workers: 0 });
          assert.equal(await loadIndex(indexPath, next), false);
          await next.refresh({ full: true });
          assert.deepEqual(ledgerTotals(next.ledger), expected);
        }),
        { numRuns: 100 },
      );
    } finally {
      await t.cleanup();
    }
  });

  it('a tampered index (hostile values in its JSON header, or any byte of its numbers changed) loads whole and sane or is refused', async () => {
    // A small index to mutate: one event, one cursor, so every value in it gets hit.
    const small = emptyScanner();
    const ledger = new Ledger();
    ledger.add({ dedupKey: 'k', event: { source: 'claude', timestampMs: 1, sessionId: 's', agentId: '', project: 'p', model: 'm', inputTokens: 1, outputTokens: 2, cacheWrite5mTokens: 3, cacheWrite1hTokens: 4, cacheReadTokens: 5 } });
    small.restore(ledger, [{ path: '/x.jsonl', source: 'claude', size: 10, mtimeMs: 1, offset: 10, claude: { project: 'p', sessionId: 's', agentId: '' } }]);
    const seedPath = path.join(dir, 'tamper', 'small.json');
    await saveIndex(seedPath, small);
    const seedBytes = await fs.readFile(seedPath);
    const headerEnd = seedBytes.indexOf(0x0a);
    const seed = JSON.parse(seedBytes.toString('utf8', 0, headerEnd)) as unknown;
    const body = seedBytes.subarray(headerEnd);
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
      paths.push(at);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
    };
    walk(seed, []);
    const set = (v: unknown, at: (string | number)[], value: unknown): unknown => {
      if (at.length === 0) return value;
      const copy = Array.isArray(v) ? [...v] : { ...(v as object) };
      (copy as Record<string | number, unknown>)[at[0]] = set((v as Record<string | number, unknown>)[at[0]], at.slice(1), value);
      return copy;
    };
    const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 1e308, 'x', null, [], {}, 99, 0.5, [[1]], [['k', 'not-a-row']]));
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: paths.length - 1 }), hostile, fc.nat({ max: body.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (i, value, at, byte, inBody) => {
        // Either a header value replaced, or one byte after the header (keys, rows, key rows) overwritten.
        const tamperedBody = Buffer.from(body);
        if (inBody) tamperedBody[at] = byte;
        const header = inBody ? seed : set(seed, paths[i], value);
        await fs.writeFile(seedPath, Buffer.concat([Buffer.from(JSON.stringify(header)), tamperedBody]));
        const target = emptyScanner();
        let loaded: boolean;
        try {
          loaded = await loadIndex(seedPath, target);
        } catch (err) {
          return assert.fail(`loadIndex threw: ${String(err)}`);
        }
        if (!loaded) {
          refused++;
          return;
        }
        for (const e of target.ledger.events()) {
          assert.ok(e.source === 'claude' || e.source === 'codex' || typeof e.source === 'string', `source ${String(e.source)}`);
          for (const k of ['timestampMs', 'inputTokens', 'outputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'cacheReadTokens'] as const) {
            assert.ok(typeof e[k] === 'number' && Number.isFinite(e[k]) && e[k] >= 0, `${k} = ${JSON.stringify(e[k])} after setting ${paths[i].join('.')} to ${JSON.stringify(value)}`);
          }
          for (const k of ['sessionId', 'agentId', 'project', 'model'] as const) assert.equal(typeof e[k], 'string', `${k} after setting ${paths[i].join('.')}`);
        }
        for (const c of target.fileCursors()) {
          assert.equal(typeof c.path, 'string');
          assert.ok(Number.isFinite(c.offset) && c.offset >= 0, `offset ${String(c.offset)}`);
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(refused > 0);
  });
});
