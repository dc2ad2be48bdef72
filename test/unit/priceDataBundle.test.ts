// The shipped price bundle (dist/prices.js + dist/prices.json, esbuild.plugins.mjs compactPriceData) must price
// exactly as @pydantic/genai-prices does: same providers, models, match rules, tiers and dated prices.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type GenaiPrices = typeof import('@pydantic/genai-prices');

describe('the compact price bundle', () => {
  let dir: string;
  let original: GenaiPrices;
  let compact: GenaiPrices;
  let providers: Array<{ id: string; models: Array<{ id: string }> }>;
  let compactPriceSource: (source: string) => { code: string; json: string };

  before(async () => {
    ({ compactPriceSource } = await import('../../esbuild.plugins.mjs'));
    const source = readFileSync(require.resolve('@pydantic/genai-prices'), 'utf8');
    const { code, json } = compactPriceSource(source);
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-prices-'));
    writeFileSync(path.join(dir, 'prices.js'), code);
    writeFileSync(path.join(dir, 'prices.json'), json);
    original = require('@pydantic/genai-prices') as GenaiPrices;
    compact = require(path.join(dir, 'prices.js')) as GenaiPrices;
    providers = JSON.parse(json) as typeof providers;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is plain data without the prose, a fraction of the literal', () => {
    const json = readFileSync(path.join(dir, 'prices.json'), 'utf8');
    assert.ok(!json.includes('"description"') && !json.includes('"price_comments"') && !json.includes('"extractors"'));
    assert.ok(providers.length > 20 && providers.some((p) => p.id === 'anthropic') && providers.some((p) => p.id === 'openai'));
  });

  it('prices every model of every provider as the package does, by provider and by model id alone', () => {
    // Short and long prompts (tiered prices start at 128k-272k), cache reads and writes, and dates around price changes.
    const usages = [
      { input_tokens: 1000, output_tokens: 500, cache_read_tokens: 200, cache_write_tokens: 100 },
      { input_tokens: 400_000, output_tokens: 2000, cache_read_tokens: 300_000 },
    ];
    const times = [new Date('2025-06-01T00:00:00Z'), new Date('2026-09-01T03:00:00Z'), new Date('2026-12-01T12:00:00Z')];
    let compared = 0;
    for (const provider of providers) {
      for (const model of provider.models) {
        for (const usage of usages) {
          for (const timestamp of times) {
            for (const options of [{ providerId: provider.id, timestamp }, { timestamp }]) {
              const a = original.calcPrice(usage, model.id, options);
              const b = compact.calcPrice(usage, model.id, options);
              assert.equal(b?.total_price, a?.total_price, `${provider.id} ${model.id}`);
              assert.equal(b?.model.id, a?.model.id, `${provider.id} ${model.id}`);
              assert.equal(b?.provider.id, a?.provider.id, `${provider.id} ${model.id}`);
              assert.deepEqual(b?.model_price, a?.model_price, `${provider.id} ${model.id}`);
              compared++;
            }
          }
        }
      }
    }
    assert.ok(compared > 10_000, `${compared} prices compared`);
  });

  it('sorts the package usage keys in code-unit order as localeCompare does (the bundle needs no ICU collator)', () => {
    const source = readFileSync(require.resolve('@pydantic/genai-prices'), 'utf8');
    const keys = [...source.matchAll(/([a-z0-9_]+):\{dimensions:/g)].map((m) => m[1]);
    assert.ok(keys.length > 40 && keys.includes('cache_write_1h_tokens'), `${keys.length} usage keys found`);
    for (const a of keys) for (const b of keys) assert.equal(a < b ? -1 : a > b ? 1 : 0, Math.sign(a.localeCompare(b)), `${a} ${b}`);
    const { code } = compactPriceSource(source);
    assert.ok(!code.includes('localeCompare'));
  });

  it('finds the same providers and their model lists', () => {
    for (const { id } of providers) {
      const a = original.findProvider({ providerId: id });
      const b = compact.findProvider({ providerId: id });
      assert.deepEqual(b?.models.map((m) => [m.id, m.match, m.prices]), a?.models.map((m) => [m.id, m.match, m.prices]), id);
    }
  });
});
