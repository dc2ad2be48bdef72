// Issue 17 items 6 and 10: one hostile line cannot kill the scan, and an in-place edit in the
// middle of a log is noticed. The 64 MB and never-ending lines: test/stress/hostileLinesBig.test.ts.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { boundedJsonText, isJsonShapeBounded, MAX_JSON_DEPTH } from '../../src/core/jsonText';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine, ledgerTotals } from '../helpers/logLines';
import { freshScan, makeTempRoots, type TempRoots } from '../helpers/scanFolders';

const good = (id: string, input = 100) => `${claudeAssistantLine({ id, usage: { input, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`;

describe('hostile lines (issue 17 #6, #10)', function () {
  this.timeout(60_000);
  let t: TempRoots;
  beforeEach(async () => (t = await makeTempRoots('tokenmeter-hostile-')));
  afterEach(() => t.cleanup());
  const scanner = () => new UsageScanner({ roots: t.roots, workers: 0 });

  it('never parses unbounded nesting: deep containers are pruned (the bill still counts), an unclosed one is malformed', async () => {
    const deep = `{"type":"assistant","x":${'['.repeat(2_000_000)}${']'.repeat(2_000_000)},"message":{"id":"deep","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":1}},"timestamp":"2026-12-01T10:00:00.000Z"}\n`;
    assert.equal(isJsonShapeBounded(Buffer.from(deep), 0, deep.length - 1), false);
    const pruned = boundedJsonText(Buffer.from(deep), 0, deep.length - 1)!;
    assert.ok(pruned.length < 1_000, 'the deep part is replaced by null');
    assert.equal(JSON.parse(pruned).message.usage.input_tokens, 5);
    const nested = (n: number) => Buffer.from(`{"a":"${'['.repeat(70_000)}",${'['.repeat(n)}${']'.repeat(n)}}`);
    // The outer object is one level.
    assert.equal(isJsonShapeBounded(nested(MAX_JSON_DEPTH - 1), 0, nested(MAX_JSON_DEPTH - 1).length), true, 'brackets inside strings do not count');
    assert.equal(isJsonShapeBounded(nested(MAX_JSON_DEPTH), 0, nested(MAX_JSON_DEPTH).length), false);
    const unclosed = `{"type":"assistant","message":{"usage":{"input_tokens":9}},"x":${'['.repeat(1_000_000)}\n`;
    await fs.writeFile(path.join(t.claudeProject, 's.jsonl'), good('a') + deep + unclosed + good('b'));
    const s = scanner();
    await s.refresh({ full: true });
    assert.equal(ledgerTotals(s.ledger).events, 3);
    assert.equal(ledgerTotals(s.ledger).input, 205);
    assert.equal(s.stats.tally.malformedLines, 1, 'the unclosed line');
  });

  it('an in-place edit in the middle of a log, followed by growth, is noticed and rescanned', async () => {
    const file = path.join(t.claudeProject, 's.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) => good(`m${i}`, i === 20 ? 1010 : 100));
    await fs.writeFile(file, lines.join(''));
    const s = scanner();
    await s.refresh({ full: true });
    // Same length, different value, in the middle: 1010 -> 1099.
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('"input_tokens":1010', '"input_tokens":1099'));
    await fs.appendFile(file, good('late'));
    await s.refresh({ full: true });
    const expected = await freshScan(t.roots);
    assert.deepEqual(ledgerTotals(s.ledger), expected.totals);
    assert.equal(ledgerTotals(s.ledger).input, 39 * 100 + 1099 + 100);
  });
});
