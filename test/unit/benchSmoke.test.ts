// Smoke version of `npm run bench`: the whole pipeline (generate a small corpus, run Tokenmeter and
// ccusage 20 on it, check totals against the generator's ground truth and against each other, warm
// start, incremental update) in a few seconds. The full benchmark (ccusage 17 too, 1.5 GB) is
// `npm run bench -- --size large`, not part of `npm test`.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark, type BenchResults } from '../../bench/run.mjs';
import { TOKENMETER_CLI } from '../../bench/lib/tools.mjs';
import { generateCorpus } from '../../bench/generateCorpus.mjs';

describe('bench smoke: the benchmark pipeline on the small corpus', function () {
  // ~5 s on a quiet 2-core machine; the margin is for a loaded one.
  this.timeout(60_000);
  let root: string;
  let results: BenchResults;
  const lines: string[] = [];

  before(async () => {
    assert.ok(existsSync(TOKENMETER_CLI), `${TOKENMETER_CLI} is missing: run "npm run build" first`);
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-bench-'));
    results = await runBenchmark({ size: 'small', reps: 1, ccusage17: false, floor: false, warmReps: 1, out: join(root, 'corpus'), log: (l) => lines.push(l) });
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
    assert.ok(results.warm && results.warm.medianMs > 0);
    assert.ok(results.incremental && results.incremental.appendedBytes > 0 && results.incremental.wallMs > 0);
    assert.ok(results.corpusBytes > 1_500_000, `corpus of ${results.corpusBytes} bytes`);
  });
});

describe('bench corpus generator', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-gen-'));
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function corpus(name: string, seed: string, malformedRate?: number) {
    const claudeDir = join(root, name, 'claude');
    const codexDir = join(root, name, 'codex');
    const truth = generateCorpus({ claudeDir, codexDir, sizeBytes: 1_500_000, seed, malformedRate });
    const files = listFiles(join(root, name));
    return { truth, files, content: files.map((f) => f.slice(root.length + name.length + 1) + '\n' + readFileSync(f, 'utf8')).join('\n') };
  }

  it('writes byte-identical logs for the same seed and different logs for another seed', () => {
    const a = corpus('a', 's1');
    const b = corpus('b', 's1');
    const c = corpus('c', 's2');
    assert.ok(a.content === b.content, 'same seed, different corpus');
    assert.ok(a.content !== c.content, 'different seed, same corpus');
    const { generationMs: _x, ...ta } = a.truth;
    const { generationMs: _y, ...tb } = b.truth;
    assert.deepEqual(ta, tb);
  });

  it('writes valid JSON lines except exactly the malformed ones it reports', () => {
    const { truth, files } = corpus('d', 'valid', 0.03);
    assert.ok(truth.lines.malformed > 5, `only ${truth.lines.malformed} malformed lines`);
    let bad = 0;
    let assistant = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines) {
        try {
          const o = JSON.parse(line);
          if (o.type === 'assistant' && o.message?.model !== '<synthetic>' && typeof o.message?.usage?.input_tokens === 'number') assistant++;
        } catch {
          bad++;
        }
      }
    }
    assert.equal(bad, truth.lines.malformed);
    // Every streamed line of every request (resumed copies included) is well formed.
    assert.ok(assistant >= truth.claude.totals.requests, `${assistant} assistant lines for ${truth.claude.totals.requests} requests`);
    assert.ok(truth.files.claudeSubagents > 0 && truth.codex.totals.events > 0);
  });
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}
