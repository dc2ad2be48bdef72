import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PriceTable } from '../../src/core/pricing';
import { readCachedPriceData, refreshPriceData } from '../../src/sources/priceDataRefresh';
import { FixtureServer, json } from '../fixtures/endpoints/server';

// One provider in the shape of genai-prices' published data file (prices/new_data/v2/data.json in
// pydantic/genai-prices): the model Claude Fable 5.2 at $8/$40, which the bundled 0.1.8 data lacks.
const dataFile = [{
  id: 'anthropic', name: 'Anthropic', api_pattern: 'https://api\\.anthropic\\.com',
  models: [{ id: 'claude-fable-5-2', name: 'Claude Fable 5.2', match: { or: [{ equals: 'claude-fable-5-2' }, { regex: '^claude-fable-5-2-\\d{8}$' }] }, prices: { input_mtok: 8, cache_write_mtok: 10, cache_read_mtok: 0.2, output_mtok: 40, cache_write_1h_mtok: 16 } }],
}];
const NOW_MS = Date.UTC(2026, 11, 3, 23, 0, 0);

describe('opt-in price data refresh (issue 21)', () => {
  let server: FixtureServer;
  let dir: string;
  beforeEach(async () => {
    server = await FixtureServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-prices-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches, validates and caches the data file, dated by Last-Modified; Fable 5.2 is then priced exactly', async () => {
    server.on('/data.json', json(dataFile, 200, { 'last-modified': 'Tue, 10 Nov 2026 08:00:00 GMT' }));
    const file = path.join(dir, 'price-data.json');
    const data = await refreshPriceData({ file, nowMs: NOW_MS, url: `${server.url}/data.json` });
    assert.equal(data?.dataDate, '2026-11-10');
    const prices = new PriceTable({}, { refreshed: data });
    assert.equal(prices.ratesFor('claude-fable-5-2')?.outputPerMTok, 40);
    assert.equal(prices.ratesFor('claude-fable-5-2')?.estimatedFrom, undefined);
    assert.equal(prices.dataDate >= '2026-11-10', true);
    assert.equal((await readCachedPriceData(file))?.dataDate, '2026-11-10');
  });

  it('uses the cached copy without a request while it is fresh', async () => {
    server.on('/data.json', json(dataFile));
    const file = path.join(dir, 'price-data.json');
    await refreshPriceData({ file, nowMs: NOW_MS, url: `${server.url}/data.json` });
    await refreshPriceData({ file, nowMs: NOW_MS + 3_600_000, url: `${server.url}/data.json` });
    assert.equal(server.requests.length, 1);
  });

  it('rejects a file of another shape and keeps the last good copy (the bundled data stays the fallback)', async () => {
    const file = path.join(dir, 'price-data.json');
    server.on('/data.json', json(dataFile));
    await refreshPriceData({ file, nowMs: NOW_MS, url: `${server.url}/data.json` });
    server.on('/data.json', json({ providers: 'moved' }));
    await assert.rejects(refreshPriceData({ file, nowMs: NOW_MS + 2 * 86_400_000, url: `${server.url}/data.json` }), /unexpected shape/);
    assert.equal((await readCachedPriceData(file))?.providers[0].models[0].id, 'claude-fable-5-2');
  });

  it('fails with a message and no cache on an HTTP error', async () => {
    server.on('/data.json', json({ error: 'nope' }, 503));
    const file = path.join(dir, 'price-data.json');
    await assert.rejects(refreshPriceData({ file, nowMs: NOW_MS, url: `${server.url}/data.json` }), /HTTP 503/);
    assert.equal(await readCachedPriceData(file), undefined);
    // Without refreshed data, Fable 5.2 is the labelled family estimate.
    assert.equal(new PriceTable().ratesFor('claude-fable-5-2')?.estimatedFrom, 'claude-fable-5-1');
  });
});
