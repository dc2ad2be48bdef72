// A folder of 100,000 log files (the unit suite reads 10,000): discovered, read and counted.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine, ledgerTotals } from '../helpers/logLines';
import { makeTempRoots } from '../helpers/scanFolders';

describe('stress: many files', function () {
  this.timeout(600_000);
  it('reads a folder of 100,000 log files, then a quick pass over them, then a full pass again', async () => {
    const t = await makeTempRoots('tokenmeter-100k-');
    try {
      const count = 100_000;
      const lineOf = (i: number) => `${claudeAssistantLine({ id: `f${i}`, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`;
      let started = Date.now();
      // Small files, a tight loop of bounded parallel writes.
      for (let i = 0; i < count; i += 500) {
        await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, k) => fs.writeFile(path.join(t.claudeProject, `s${i + k}.jsonl`), (i + k) % 10 === 0 ? lineOf(i + k) : '')));
      }
      const createMs = Date.now() - started;
      const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
      started = Date.now();
      await scanner.refresh({ full: true });
      const fullMs = Date.now() - started;
      assert.equal(scanner.stats.files, count);
      assert.equal(ledgerTotals(scanner.ledger).events, count / 10);
      await fs.appendFile(path.join(t.claudeProject, 's1.jsonl'), lineOf(count + 1));
      started = Date.now();
      await scanner.refresh({ full: false, changedPaths: [path.join(t.claudeProject, 's1.jsonl')] });
      const quickMs = Date.now() - started;
      started = Date.now();
      await scanner.refresh({ full: true });
      const secondFullMs = Date.now() - started;
      assert.equal(ledgerTotals(scanner.ledger).events, count / 10 + 1);
      process.stdout.write(`      100,000 files: created in ${createMs} ms, first full pass ${fullMs} ms, quick pass ${quickMs} ms, second full pass ${secondFullMs} ms\n`);
    } finally {
      await t.cleanup();
    }
  });
});
