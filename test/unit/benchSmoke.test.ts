// Smoke version of `npm run bench`: the whole pipeline (generate a small corpus, run Tokenmeter and
// ccusage 20 on it, check totals against the generator's ground truth and against each other, warm
// start, incremental update) in a few seconds. The full benchmark (ccusage 17 too, 1.5 GB) is
// `npm run bench -- --size large`, not part of `npm test`.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark, type BenchResults } from '../../bench/run.mjs';
import { TOKENMETER_CLI } from '../../bench/lib/tools.mjs';

describe('bench smoke: the benchmark pipeline on the small corpus', function () {
  this.timeout(20_000);
  let root: string;
  let results: BenchResults;
  const lines: string[] = [];

  before(async () => {
    assert.ok(existsSync(TOKENMETER_CLI), `${TOKENMETER_CLI} is missing: run "npm run build" first`);
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-bench-'));
    results = await runBenchmark({ size: 'small', reps: 1, ccusage17: false, out: join(root, 'corpus'), log: (l) => lines.push(l) });
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('finds the same totals as the ground truth and as ccusage 20, and sees appended lines', () => {
    const failed = results.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], lines.join('\n'));
    assert.ok(results.checks.length >= 5, `only ${results.checks.length} checks ran`);
  });

  it('measures cold scans, warm start and the incremental update', () => {
    for (const key of ['tokenmeter', 'ccusage20']) {
      const t = results.cold[key];
      assert.ok(t && t.reps === 1 && t.medianMs > 0, `${key}: ${JSON.stringify(t)}`);
    }
    assert.ok(results.warm.medianMs > 0);
    assert.ok(results.incremental.appendedBytes > 0 && results.incremental.wallMs > 0);
    assert.ok(results.corpusBytes > 1_500_000, `corpus of ${results.corpusBytes} bytes`);
  });
});
