// Issue 17 items 6 and 7 with real sizes: a line over the 64 MB cap, and a never-ending line
// (a sparse crash tail of NULs) that must be skipped once and remembered, not re-read on every run.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MAX_LINE_BYTES } from '../../src/sources/logReader';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine, ledgerTotals } from '../helpers/logLines';
import { makeTempRoots, type TempRoots } from '../helpers/scanFolders';

const good = (id: string, input = 100) => `${claudeAssistantLine({ id, usage: { input, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`;

describe('stress: over-long and never-ending lines (issue 17 #6, #7)', function () {
  this.timeout(300_000);
  let t: TempRoots;
  beforeEach(async () => (t = await makeTempRoots('tokenmeter-hostile-big-')));
  afterEach(() => t.cleanup());
  const scanner = () => new UsageScanner({ roots: t.roots, workers: 0 });

  it('skips a line over the 64 MB cap without holding it, and remembers where', async () => {
    const file = path.join(t.claudeProject, 's.jsonl');
    const head = good('a');
    const handle = await fs.open(file, 'w');
    await handle.write(head);
    await handle.write(`{"type":"assistant","message":{"usage":{"input_tokens":1}},"pad":"`);
    const mb = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < MAX_LINE_BYTES / mb.length + 1; i++) await handle.write(mb);
    await handle.write(`"}\n${good('b')}`);
    await handle.close();
    const s = scanner();
    await s.refresh({ full: true });
    assert.equal(ledgerTotals(s.ledger).events, 2, 'the lines around it are read');
    assert.equal(s.stats.tally.malformedLines, 1);
    const [cursor] = s.fileCursors();
    assert.deepEqual(cursor.longLines, [Buffer.byteLength(head)]);
    assert.equal(cursor.longLineFrom, undefined, 'the line ended');
    assert.equal(cursor.offset, (await fs.stat(file)).size);
  });

  it('a never-ending line (a crash tail of NULs) is skipped once and remembered in the index', async () => {
    const file = path.join(t.claudeProject, 's.jsonl');
    await fs.writeFile(file, good('a'));
    const start = (await fs.stat(file)).size;
    // Sparse: 70 MB of NULs without a newline, written in no time.
    await fs.truncate(file, start + 70 * 1024 * 1024);
    const s = scanner();
    await s.refresh({ full: true });
    const [cursor] = s.fileCursors();
    assert.equal(cursor.offset, start + 70 * 1024 * 1024, 'the offset moves past the skipped bytes');
    assert.equal(cursor.longLineFrom, start);
    const index = path.join(t.base, 'index.bin');
    await saveIndex(index, s);
    const again = scanner();
    assert.ok(await loadIndex(index, again));
    assert.equal(again.fileCursors()[0].longLineFrom, start, 'the index remembers the skip');
    // The tail grows (still no newline), then ends; only the new bytes are read.
    await fs.truncate(file, start + 71 * 1024 * 1024);
    await fs.appendFile(file, `\n${good('b', 7)}`);
    await again.refresh({ full: true });
    assert.equal(again.stats.rebuilds, 0, 'read on from the offset, not from the start');
    assert.deepEqual(ledgerTotals(again.ledger), ledgerTotals((await fresh()).ledger));
    assert.equal(again.fileCursors()[0].longLineFrom, undefined);
    assert.equal(ledgerTotals(again.ledger).input, 107);
  });

  async function fresh(): Promise<UsageScanner> {
    const s = scanner();
    await s.refresh({ full: true });
    return s;
  }
});
