import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { UsageScanner } from '../../src/sources/usageScanner';

const transcript = readFileSync(path.join(__dirname, '..', 'fixtures', 'claude-config', 'projects', '-home-dev-shop', 'sess-a.jsonl'));

function tempConfig(): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-tail-'));
  mkdirSync(path.join(dir, 'projects', 'p'), { recursive: true });
  return { dir, file: path.join(dir, 'projects', 'p', 's.jsonl') };
}

function totals(scanner: UsageScanner) {
  const sum = { events: scanner.ledger.size, input: 0, output: 0, cacheRead: 0 };
  for (const e of scanner.ledger.events()) {
    sum.input += e.inputTokens;
    sum.output += e.outputTokens;
    sum.cacheRead += e.cacheReadTokens;
  }
  return { ...sum, malformed: scanner.stats.tally.malformedLines };
}

async function freshScan(dir: string) {
  const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
  await scanner.refresh();
  return totals(scanner);
}

describe('reading logs as they are written', () => {
  it('gives the totals of a fresh scan however the bytes arrive (cut mid-line included)', async () => {
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    const expected = await freshScan(dir);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: transcript.length - 1 }), { maxLength: 8 }), async (cuts) => {
        writeFileSync(file, '');
        const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          appendFileSync(file, transcript.subarray(from, cut));
          from = cut;
          await scanner.refresh({ full: false, changedPaths: [file] });
        }
        appendFileSync(file, transcript.subarray(from));
        await scanner.refresh({ full: false, changedPaths: [file] });
        assert.deepEqual(totals(scanner), expected);
      }),
      { numRuns: 40 },
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads only the appended bytes on a live update', async () => {
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
    await scanner.refresh();
    const before = scanner.fileCursors()[0].offset;
    const line = JSON.stringify({ type: 'assistant', sessionId: 's', timestamp: '2026-11-20T11:00:00.000Z', requestId: 'r9', message: { id: 'm9', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 7, output_tokens: 9 } } });
    appendFileSync(file, line + '\n');
    const sizeBefore = scanner.ledger.size;
    await scanner.refresh({ full: false, changedPaths: [file] });
    assert.equal(scanner.fileCursors()[0].offset - before, Buffer.byteLength(line) + 1);
    assert.equal(scanner.ledger.size, sizeBefore + 1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds to fresh-scan totals when a file is truncated or deleted', async () => {
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    const other = path.join(dir, 'projects', 'p', 'other.jsonl');
    writeFileSync(other, transcript.subarray(0, transcript.indexOf('\n', 2000) + 1));
    const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
    await scanner.refresh();
    truncateSync(file, transcript.indexOf('\n', 1500) + 1);
    await scanner.refresh();
    assert.deepEqual(totals(scanner), await freshScan(dir));
    rmSync(other);
    await scanner.refresh();
    assert.deepEqual(totals(scanner), await freshScan(dir));
    assert.equal(scanner.stats.rebuilds, 2);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a quick pass told of a file that is gone reads all logs again, so its usage leaves the totals at once', async () => {
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    const other = path.join(dir, 'projects', 'p', 'other.jsonl');
    writeFileSync(other, transcript.subarray(0, transcript.indexOf('\n', 2000) + 1));
    const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
    await scanner.refresh();
    rmSync(other);
    // What the editor's watcher reports for a removal: the path, to a quick pass.
    assert.equal(await scanner.refresh({ full: false, changedPaths: [other] }), true);
    assert.deepEqual(totals(scanner), await freshScan(dir));
    assert.equal(scanner.stats.rebuilds, 1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the editor\'s 30-second pass is warm while every folder is watched (an old file\'s append waits for the quick pass), full otherwise', async () => {
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    // Written two days ago: a warm pass re-reads only the last day's files.
    const twoDaysAgoS = Date.now() / 1000 - 2 * 86_400;
    utimesSync(file, twoDaysAgoS, twoDaysAgoS);
    const line = JSON.stringify({ type: 'assistant', sessionId: 's', timestamp: '2026-11-20T11:00:00.000Z', requestId: 'r9', message: { id: 'm9', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 7, output_tokens: 9 } } });
    for (const watchingAll of [true, false]) {
      writeFileSync(file, transcript);
      utimesSync(file, twoDaysAgoS, twoDaysAgoS);
      const scanner = new UsageScanner({ roots: { claudeDirs: [dir], codexDirs: [] }, workers: 0 });
      await scanner.refresh();
      const sizeBefore = scanner.ledger.size;
      appendFileSync(file, line + '\n');
      utimesSync(file, twoDaysAgoS + 60, twoDaysAgoS + 60);
      assert.equal(await scanner.periodicRefresh(watchingAll), !watchingAll);
      assert.equal(scanner.ledger.size, watchingAll ? sizeBefore : sizeBefore + 1);
      // The watcher's report, read by the next quick pass.
      await scanner.refresh({ full: false, changedPaths: [file] });
      assert.equal(scanner.ledger.size, sizeBefore + 1);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps reading other folders when one cannot be read', async function () {
    if (process.getuid?.() === 0) {
      // Root reads anything; simulate the denial with a folder that vanishes mid-walk instead.
    }
    const { dir, file } = tempConfig();
    writeFileSync(file, transcript);
    const scanner = new UsageScanner({ roots: { claudeDirs: [dir, path.join(dir, 'does-not-exist')], codexDirs: ['/nonexistent/codex'] }, workers: 0 });
    await scanner.refresh();
    assert.ok(scanner.ledger.size > 0);
    rmSync(dir, { recursive: true, force: true });
  });
});
