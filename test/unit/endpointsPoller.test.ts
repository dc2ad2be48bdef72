import assert from 'node:assert/strict';
import { endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { fillBudgetTemplate } from '../../src/core/budgetTemplate';
import { redactSecrets } from '../../src/core/redactSecrets';
import { withLocalSpend, tightestBudget, type BudgetReading } from '../../src/core/budgetReading';
import {
  BudgetPoller,
  FilePollCache,
  budgetExitCode,
  budgetStatusJson,
  parseEndpointsConfig,
  pollBudgets,
  type BudgetPollerChange,
} from '../../src/sources/endpoints';
import { FixtureServer, fixture, json } from '../fixtures/endpoints/server';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEY = 'sk-or-v1-SECRET-0a1b2c3d4e5f';

function waitFor(poller: BudgetPoller, count: number, timeoutMs = 5_000): Promise<BudgetPollerChange[]> {
  const seen: BudgetPollerChange[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} changes arrived`)), timeoutMs);
    const sub = poller.onDidChange((c) => {
      seen.push(c);
      if (seen.length === count) {
        clearTimeout(timer);
        sub.dispose();
        resolve(seen);
      }
    });
  });
}

const reading = (over: Partial<BudgetReading>): BudgetReading => ({ source: 's', scope: 'key', fetchedAtMs: 0, stale: false, ...over });

describe('BudgetPoller', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await FixtureServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  const openrouter = () => endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl: server.url, name: 'or' });

  it('recovers after failures, backing off, and reports the recovery', async () => {
    server.on(
      '/api/v1/key',
      { status: 500, headers: { 'content-type': 'text/html' }, body: fixture('error-500.html') },
      { status: 500, headers: { 'content-type': 'text/html' }, body: fixture('error-500.html') },
      json(fixture('openrouter-key.json')),
    );
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      pollIntervalMs: 60_000,
      retryBaseMs: 20,
      jitterRatio: 0,
    });
    const changes = waitFor(poller, 3);
    poller.start();
    const [first, second, third] = await changes;
    poller.dispose();
    assert.equal(first.error?.kind, 'server');
    assert.equal(first.isNewError, true);
    assert.equal(second.isNewError, false, 'the same failure again is not a new error (one notification, not one per poll)');
    assert.equal(third.error, undefined);
    assert.equal(third.recovered, true);
    assert.deepEqual(
      third.readings.map((r) => [r.spentUsd, r.stale, r.error]),
      [[12.75, false, undefined]],
    );
    assert.equal(server.requests.length, 3);
  });

  it('keeps the last good value marked stale with the reason when a poll fails', async () => {
    server.on('/api/v1/key', json(fixture('openrouter-key.json')), json({ error: { message: `bad key ${KEY}` } }, 401));
    let nowMs = 1_000_000;
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      retryBaseMs: 10_000,
      now: () => nowMs,
    });
    poller.start();
    await waitFor(poller, 1);
    nowMs += 60_000;
    const readings = await poller.refreshNow();
    poller.dispose();
    assert.equal(readings.length, 1);
    assert.equal(readings[0].stale, true);
    assert.equal(readings[0].spentUsd, 12.75);
    assert.equal(readings[0].fetchedAtMs, 1_000_000, 'the age stays that of the good value');
    assert.match(readings[0].error!, /^401 from OpenRouter: key rejected\. Run 'Tokenmeter: Set API Key'\./);
    assert.ok(!readings[0].error!.includes(KEY));
  });

  it('waits as long as Retry-After says before polling again', async () => {
    server.on('/api/v1/key', json({ error: { message: 'slow down' } }, 429, { 'retry-after': '120' }));
    const nowMs = 5_000_000;
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      now: () => nowMs,
      retryBaseMs: 50,
    });
    const changes = waitFor(poller, 1);
    poller.start();
    const [change] = await changes;
    poller.dispose();
    assert.equal(change.error?.kind, 'rateLimited');
    assert.equal(change.nextPollAtMs, nowMs + 120_000);
  });

  it('polls again on the interval with jitter inside the configured ratio', async () => {
    server.on('/api/v1/key', json(fixture('openrouter-key.json')));
    const nowMs = 7_000_000;
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      pollIntervalMs: 60_000,
      jitterRatio: 0.1,
      random: () => 1, // the top of the jitter range
      now: () => nowMs,
    });
    const changes = waitFor(poller, 1);
    poller.start();
    const [change] = await changes;
    poller.dispose();
    assert.equal(change.nextPollAtMs, nowMs + 66_000);
  });

  it('backs off exponentially on repeated failures up to the cap', async () => {
    server.on('/api/v1/key', { status: 502, body: 'bad gateway' });
    const nowMs = 9_000_000;
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      retryBaseMs: 10,
      maxBackoffMs: 40,
      jitterRatio: 0,
      now: () => nowMs,
    });
    const changes = waitFor(poller, 4);
    poller.start();
    const seen = await changes;
    poller.dispose();
    assert.deepEqual(seen.map((c) => c.nextPollAtMs! - nowMs), [10, 20, 40, 40]);
  });

  it('aborts in-flight requests and emits nothing after dispose()', async () => {
    server.on('/api/v1/key', { ...json(fixture('openrouter-key.json')), delayMs: 2_000 });
    const poller = new BudgetPoller({ sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }] });
    const seen: BudgetPollerChange[] = [];
    poller.onDidChange((c) => seen.push(c));
    poller.start();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.requests.length, 1);
    poller.dispose();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, 0);
  });

  it('catches up on resume() when a poll came due while paused', async () => {
    server.on('/api/v1/key', json(fixture('openrouter-key.json')));
    let nowMs = 0;
    const poller = new BudgetPoller({
      sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }],
      pollIntervalMs: 60_000,
      now: () => nowMs,
    });
    poller.start();
    await waitFor(poller, 1);
    poller.pause();
    nowMs += 10 * 60_000;
    const next = waitFor(poller, 1);
    poller.resume();
    await next;
    poller.dispose();
    assert.equal(server.requests.length, 2);
  });

  it('lets a second window use the first window\'s fresh answer instead of polling', async () => {
    server.on('/api/v1/key', json(fixture('openrouter-key.json')));
    const dir = mkdtempSync(join(tmpdir(), 'tokenmeter-cache-'));
    try {
      const make = () =>
        new BudgetPoller({ sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }], cache: new FilePollCache(dir) });
      const a = make();
      const aDone = waitFor(a, 1);
      a.start();
      const [fromA] = await aDone;
      assert.equal(fromA.fromCache, false);
      // The cache write is fire-and-forget (temp file, then rename): wait until the file is there, not a fixed time.
      const cacheFile = join(dir, 'budget-poll-cache.json');
      for (let waitedMs = 0; !existsSync(cacheFile); waitedMs += 10) {
        assert.ok(waitedMs < 10_000, 'the first window never wrote the shared cache');
        await new Promise((r) => setTimeout(r, 10));
      }
      const b = make();
      const bDone = waitFor(b, 1);
      b.start();
      const [fromB] = await bDone;
      assert.equal(fromB.fromCache, true);
      assert.deepEqual(fromB.readings, fromA.readings);
      assert.equal(server.requests.length, 1);
      await b.refreshNow();
      assert.equal(server.requests.length, 2, 'a manual refresh always asks the server');
      a.dispose();
      b.dispose();
      assert.ok(!readFileSync(join(dir, 'budget-poll-cache.json'), 'utf8').includes(KEY));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shares one request when refreshNow() is called while a poll is running', async () => {
    server.on('/api/v1/key', { ...json(fixture('openrouter-key.json')), delayMs: 100 });
    const poller = new BudgetPoller({ sources: [{ id: 'or', config: openrouter(), getApiKey: async () => KEY }] });
    const [a, b] = await Promise.all([poller.refreshNow(), poller.refreshNow()]);
    poller.dispose();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(a, b);
  });
});

describe('pollBudgets (tokenmeter status --json --config FILE)', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await FixtureServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('takes keys only from the named env variables and reports each source', async () => {
    server.on('/key/info', json(fixture('litellm-key-info.json', 'sk-lite-SECRET-1234')));
    server.on('/team/info', json(fixture('litellm-team-info.json')));
    server.on('/api/v1/key', json({ error: { message: 'User not found.', code: 401 } }, 401));
    const config = parseEndpointsConfig(
      JSON.stringify({
        sources: [
          { type: 'litellm', baseUrl: server.url, apiKeyEnv: 'LITELLM_API_KEY' },
          { type: 'openrouter', baseUrl: server.url, apiKeyEnv: 'OPENROUTER_API_KEY', name: 'personal' },
        ],
      }),
    );
    const env = { LITELLM_API_KEY: 'sk-lite-SECRET-1234', OPENROUTER_API_KEY: KEY };
    const readings = await pollBudgets(config, env, Date.UTC(2026, 10, 24));
    const out = budgetStatusJson(readings);
    assert.equal(server.requests.find((r) => r.url.startsWith('/key/info'))?.headers.authorization, 'Bearer sk-lite-SECRET-1234');
    assert.deepEqual(out.budgets.map((b) => [b.source, b.scope, b.remaining]), [
      ['litellm', 'key', 12.875],
      ['litellm', 'team', 87.5],
      ['personal', 'key', null],
    ]);
    assert.match(out.budgets[2].error!, /^401 from OpenRouter: key rejected\. Check the OPENROUTER_API_KEY environment variable\./);
    assert.equal(out.tightest?.scope, 'team');
    assert.equal(budgetExitCode(readings), 0);
    const text = JSON.stringify(out);
    assert.ok(!text.includes(KEY) && !text.includes('sk-lite-SECRET-1234'));
  });

  it('exits non-zero when no source answered', async () => {
    const config = parseEndpointsConfig(JSON.stringify({ sources: [{ type: 'openrouter', baseUrl: server.url, apiKeyEnv: 'NOPE' }] }));
    const readings = await pollBudgets(config, {}, 0);
    assert.match(readings[0].error!, /No API key for OpenRouter\. Check the NOPE environment variable\./);
    assert.equal(budgetExitCode(readings), 1);
  });

  it('rejects a config with an unknown type, naming where', () => {
    assert.throws(() => parseEndpointsConfig('{"sources":[{"type":"bogus"}]}'), /invalid at sources\.0\.type/);
    assert.throws(() => parseEndpointsConfig('{"sources":'), /not valid JSON/);
  });
});

describe('tightestBudget', () => {
  it('picks the least remaining fraction of a cap', () => {
    const key = reading({ source: 'key', limitUsd: 50, spentUsd: 40 }); // 20% left
    const team = reading({ source: 'team', scope: 'team', limitUsd: 500, spentUsd: 450 }); // 10% left
    assert.equal(tightestBudget([key, team])?.source, 'team');
  });

  it('prefers a capped reading over spend without a cap, and ignores failed sources', () => {
    const uncapped = reading({ source: 'u', spentUsd: 1000 });
    const capped = reading({ source: 'c', limitUsd: 100, spentUsd: 1 });
    const failed = reading({ source: 'f', error: '401 from LiteLLM' });
    assert.equal(tightestBudget([failed, uncapped, capped])?.source, 'c');
    assert.equal(tightestBudget([failed]), undefined);
  });

  it('breaks a tie in fraction by the smaller amount left', () => {
    const a = reading({ source: 'a', limitUsd: 100, remainingUsd: 50 });
    const b = reading({ source: 'b', limitUsd: 10, remainingUsd: 5 });
    assert.equal(tightestBudget([a, b])?.source, 'b');
  });

  it('counts an overspent budget as tightest', () => {
    const over = reading({ source: 'over', limitUsd: 50, spentUsd: 50.04 });
    const fine = reading({ source: 'fine', limitUsd: 50, spentUsd: 49 });
    assert.equal(tightestBudget([fine, over])?.source, 'over');
  });
});

describe('redactSecrets', () => {
  it('removes the key in plain, URL-encoded and JSON-escaped forms', () => {
    const key = 'sk/abc+def"ghi';
    const text = `a ${key} b ${encodeURIComponent(key)} c ${JSON.stringify(key)}`;
    const out = redactSecrets(text, [key]);
    assert.ok(!out.includes(key) && !out.includes(encodeURIComponent(key)) && !out.includes('abc+def\\"ghi'), out);
  });

  it('leaves text alone when there is no key', () => {
    assert.equal(redactSecrets('401 from LiteLLM', [undefined, '']), '401 from LiteLLM');
  });
});

describe('live spend between polls', () => {
  it('moves spent and remaining by locally observed spend', () => {
    const r = withLocalSpend(reading({ limitUsd: 50, spentUsd: 40 }), 2.5);
    assert.equal(r.spentUsd, 42.5);
    assert.equal(r.remainingUsd, 7.5);
  });

  it('leaves stale and number-less readings alone', () => {
    const stale = reading({ limitUsd: 50, spentUsd: 40, stale: true });
    assert.equal(withLocalSpend(stale, 5), stale);
    const failed = reading({ error: 'x' });
    assert.equal(withLocalSpend(failed, 5), failed);
  });

  it('fills the Request More Budget template', () => {
    const r = reading({ source: 'corp', scope: 'team', limitUsd: 500, spentUsd: 412.5, resetsAt: '2026-12-01T00:00:00.000Z' });
    assert.equal(
      fillBudgetTemplate('mailto:finops@example.com?subject=More budget&body={source} {scope}: {spent} of {limit}, {remaining} left until {resetsAt}', r),
      'mailto:finops@example.com?subject=More budget&body=corp team: 412.50 of 500.00, 87.50 left until 2026-12-01T00:00:00.000Z',
    );
    assert.equal(fillBudgetTemplate('https://x/?r={remaining}&s={source}', { ...r, source: 'a b' }, true), 'https://x/?r=87.50&s=a%20b');
  });
});
