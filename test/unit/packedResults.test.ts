// Scan results packed in a thread and unpacked on the main thread: every record back as it was read.
import { strict as assert } from 'node:assert';
import { emptyTally } from '../../src/core/lineParser';
import { sourceNames, type ParsedUsage, type UsageEvent } from '../../src/core/usageEvent';
import { newCursor } from '../../src/sources/logFiles';
import { ResultPacker, unpackResults } from '../../src/sources/packedResults';

describe('packed scan results', () => {
  it('gives back every record of every file, names repeated, shared between columns or empty, in file order', () => {
    // Few names, drawn for every column: a name seen last in one column is often the next in another.
    const pool = ['', 's1', 'a1', 'p1', 'm1', 'shared', 'x'];
    let seed = 7;
    const draw = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const files: Array<{ usages: ParsedUsage[] }> = [];
    const packer = new ResultPacker();
    for (let f = 0; f < 40; f++) {
      const usages: ParsedUsage[] = [];
      const sessionId = pool[draw(pool.length)];
      for (let r = draw(300); r > 0; r--) {
        const event: UsageEvent = {
          source: sourceNames[draw(sourceNames.length)],
          timestampMs: 1_700_000_000_000 + draw(1e9),
          sessionId: draw(4) === 0 ? pool[draw(pool.length)] : sessionId,
          agentId: pool[draw(pool.length)],
          project: pool[draw(pool.length)],
          model: draw(3) === 0 ? pool[draw(pool.length)] : 'm1',
          inputTokens: draw(100_000),
          outputTokens: draw(10_000),
          cacheWrite5mTokens: draw(1_000),
          cacheWrite1hTokens: draw(1_000),
          cacheReadTokens: draw(1_000_000),
        };
        if (draw(5) === 0) event.loggedCostUsd = draw(1000) / 7;
        if (draw(7) === 0) event.webSearchRequests = 1 + draw(5);
        usages.push({ event, dedupKey: draw(4) === 0 ? undefined : `msg_${f}_${r}:req_${draw(1000)}` });
      }
      files.push({ usages });
      packer.add({ cursor: newCursor('claude', `/logs/${f}.jsonl`, `projects/p/${f}.jsonl`), tally: emptyTally(), mergedRepeats: f }, usages);
    }
    const results = unpackResults(packer.finish());
    assert.equal(results.length, files.length);
    results.forEach((result, f) => {
      assert.equal(result.cursor.path, `/logs/${f}.jsonl`);
      assert.equal(result.mergedRepeats, f);
      const back: ParsedUsage[] = [];
      result.feed((usage) => back.push(usage));
      assert.deepEqual(back, files[f].usages, `file ${f}`);
    });
  });
});
