// The price memo (dist/priceMemo.js, src/core/pricing.ts priceMemoText): the bundled price data's answer for each name
// it knows, made at build time so that a cold run pricing known models does not load the price package (issue 19,
// ~40 ms of CPU). It must price exactly as the package does, give way to refreshed data, and be the build's own.
// Needs the build's dist/ (`npm run build`, which `npm test` runs first).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PriceTable, priceMemoText, usePriceMemo, type RefreshedPriceData } from '../../src/core/pricing';
import { codexGoodLines } from '../helpers/logLines';

const dist = path.join(__dirname, '..', '..', 'dist');

describe('the price memo', function () {
  this.timeout(60_000);
  let memo: string;
  let providers: Array<{ id: string; models: Array<{ id: string; match?: unknown }> }>;

  before(() => {
    assert.ok(fs.existsSync(path.join(dist, 'priceMemo.js')), 'dist/priceMemo.js: run `npm run build` first');
    memo = require(path.join(dist, 'priceMemo.js')) as string;
    providers = JSON.parse(fs.readFileSync(path.join(dist, 'prices.json'), 'utf8')) as typeof providers;
  });
  afterEach(() => usePriceMemo(''));

  /** Rates for `model` with `text` as the memo ('' : the package alone), from a new table (no cache). */
  const ratesWith = (text: string, model: string, refreshed?: RefreshedPriceData) => {
    usePriceMemo(text);
    return new PriceTable({}, { refreshed }).ratesFor(model);
  };

  it('is what the price data gives now (a build made from other price data would differ)', () => {
    assert.equal(priceMemoText(providers), memo);
    const names = memo.split('\n').filter(Boolean).map((line) => line.slice(0, line.indexOf('\t')));
    assert.ok(names.length > 500, `${names.length} names`);
    for (const name of ['gpt-5.3-codex', 'gpt-5-codex', 'claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101']) assert.ok(names.includes(name), name);
  });

  it('prices every name it holds, and names near them, as the price package does', () => {
    const names = memo.split('\n').filter(Boolean).map((line) => line.slice(0, line.indexOf('\t')));
    const near = names.flatMap((name) => [name, name.toUpperCase(), ` ${name}`, `${name}-20990101`, name.slice(0, -1), `${name}\t`, `${name}-fast`]);
    const unknown = ['', 'gpt-9.9-codex', 'claude-fable-5-2', 'deepseek-chat', 'codex-auto-review', 'x\ngpt-5', '\tgpt-5', 'gpt-5\n'];
    for (const name of [...near, ...unknown]) assert.deepEqual(ratesWith(memo, name), ratesWith('', name), name);
  });

  it('chooses a dated price as the package does, by the day of the lookup', () => {
    const line = (dated: Array<[string | null, unknown]>) => `\nm-dated\t${JSON.stringify(['m-dated', null, dated])}\n`;
    const old = { input_mtok: 1, output_mtok: 2 };
    const newer = { input_mtok: 3, output_mtok: 4 };
    assert.equal(ratesWith(line([[null, old], ['2000-01-01', newer]]), 'm-dated')?.inputPerMTok, 3);
    assert.equal(ratesWith(line([[null, old], ['2999-01-01', newer]]), 'm-dated')?.inputPerMTok, 1);
    assert.equal(ratesWith(line([['2999-01-01', old], ['2998-01-01', newer]]), 'm-dated')?.inputPerMTok, 1);
  });

  it('gives way to refreshed price data', () => {
    const refreshed: RefreshedPriceData = { dataDate: '2026-12-01', providers: [{ id: 'openai', name: 'OpenAI', api_pattern: 'x', models: [{ id: 'gpt-5.3-codex', match: { equals: 'gpt-5.3-codex' }, prices: { input_mtok: 99, output_mtok: 98 } }] } as unknown as RefreshedPriceData['providers'][number]] };
    assert.equal(ratesWith(memo, 'gpt-5.3-codex', refreshed)?.inputPerMTok, 99);
    assert.equal(ratesWith(memo, 'gpt-5.3-codex')?.inputPerMTok, ratesWith('', 'gpt-5.3-codex')?.inputPerMTok);
  });

  it('lets a cold daily of Codex rollouts price without loading the price package', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-price-memo-'));
    try {
      const sessions = path.join(dir, 'codex', 'sessions', '2025', '09', '01');
      fs.mkdirSync(sessions, { recursive: true });
      fs.mkdirSync(path.join(dir, 'claude', 'projects'), { recursive: true });
      const lines = codexGoodLines('322a4d01-3114-8a22-f4c2-4e3d4568fc3a', [{ input: 1000, cached: 200, output: 50 }, { input: 3000, cached: 1000, output: 70 }]);
      fs.writeFileSync(path.join(sessions, 'rollout-2025-09-01T10-00-00-322a4d01-3114-8a22-f4c2-4e3d4568fc3a.jsonl'), lines.join('\n') + '\n');
      const preload = path.join(dir, 'loaded.cjs');
      fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, Object.keys(require.cache).join('\\n')));\n");
      const out = path.join(dir, 'loaded.txt');
      const r = spawnSync(process.execPath, ['-r', preload, path.join(dist, 'cli.js'), 'daily', '--json', '--timezone', 'UTC'], {
        encoding: 'utf8', timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: path.join(dir, 'home'), CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_CACHE_DIR: path.join(dir, 'cache'), TOKENMETER_SETTINGS: '', LOADED_OUT: out },
      });
      assert.equal(r.status, 0, r.stderr);
      const loaded = fs.readFileSync(out, 'utf8').split('\n').map((f) => path.basename(f));
      assert.ok(loaded.includes('priceMemo.js'), 'the memo was read');
      assert.ok(!loaded.includes('prices.js'), 'the price package was loaded');
      const report = JSON.parse(r.stdout) as { totals: { totalCost: number; inputTokens: number }; unpricedModels: string[] };
      assert.deepEqual(report.unpricedModels, []);
      // gpt-5-codex's rates from the package itself: 4,000 input of which 1,200 cached, 120 output.
      const rates = ratesWith('', 'gpt-5-codex')!;
      assert.ok(Math.abs(report.totals.totalCost - (2800 * rates.inputPerMTok + 1200 * rates.cacheReadPerMTok + 120 * rates.outputPerMTok) / 1e6) < 1e-12);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

