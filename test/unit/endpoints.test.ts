import assert from 'node:assert/strict';
import type { EndpointSourceConfig } from '../../src/core/endpointConfig';
import { endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { EndpointError, fetchCopilotQuota, fetchSourceReadings } from '../../src/sources/endpoints';
import type { AdapterDeps } from '../../src/sources/endpoints/http';
import { FixtureServer, fixture, json, type Scripted } from '../fixtures/endpoints/server';

const KEY = 'sk-test-SECRET-9f8e7d6c5b4a';
const NOW_MS = Date.UTC(2026, 10, 24, 23, 0, 0); // 2026-11-24T23:00Z

interface AdapterCase {
  type: EndpointSourceConfig['type'];
  label: string;
  path: string;
  config(baseUrl: string): EndpointSourceConfig;
  ok(): Scripted;
}

const cases: AdapterCase[] = [
  {
    type: 'litellm',
    label: 'LiteLLM',
    path: '/key/info',
    config: (baseUrl) => endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl, includeTeam: false }),
    ok: () => json(fixture('litellm-key-info.json', KEY)),
  },
  {
    type: 'openrouter',
    label: 'OpenRouter',
    path: '/api/v1/key',
    config: (baseUrl) => endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl }),
    ok: () => json(fixture('openrouter-key.json')),
  },
  {
    type: 'anthropic-admin',
    label: 'Anthropic Admin API',
    path: '/v1/organizations/cost_report',
    config: (baseUrl) => endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl, limitUsd: 100 }),
    ok: () => json(fixture('anthropic-cost-report-page2.json')),
  },
  {
    type: 'openai-admin',
    label: 'OpenAI Admin API',
    path: '/v1/organization/costs',
    config: (baseUrl) => endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl, limitUsd: 100 }),
    ok: () => json(fixture('openai-costs-page2-result.json')),
  },
  {
    type: 'prometheus',
    label: 'Prometheus',
    path: '/api/v1/query',
    config: (baseUrl) =>
      endpointSourceConfigSchema.parse({ type: 'prometheus', baseUrl, query: 'sum(claude_code_cost_usage_USD_total)', limitUsd: 2000 }),
    ok: () => json(fixture('prometheus-vector.json')),
  },
  {
    type: 'json',
    label: 'budget endpoint',
    path: '/budget',
    config: (baseUrl) =>
      endpointSourceConfigSchema.parse({
        type: 'json',
        url: `${baseUrl}/budget`,
        fields: { remaining: 'data.budget.left', limit: 'data.budget.cap', resetsAt: 'data.budget.resets' },
      }),
    ok: () => json(fixture('generic-budget.json')),
  },
];

function deps(extra: Partial<AdapterDeps> = {}): AdapterDeps {
  return { apiKey: KEY, nowMs: NOW_MS, timeoutMs: 2_000, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<EndpointError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EndpointError, `expected EndpointError, got ${String(err)}`);
    assert.ok(!err.message.includes(KEY), `message leaks the key: ${err.message}`);
    assert.ok(!err.message.includes(encodeURIComponent(KEY)), `message leaks the encoded key: ${err.message}`);
    return err;
  }
  assert.fail('expected the poll to fail');
}

describe('budget endpoint adapters', () => {
  let server: FixtureServer;
  let other: FixtureServer;
  beforeEach(async () => {
    server = await FixtureServer.start();
    other = await FixtureServer.start();
  });
  afterEach(async () => {
    await server.close();
    await other.close();
  });

  describe('LiteLLM', () => {
    it('reads the key quota from /key/info and never keeps the echoed key', async () => {
      server.on('/key/info', json(fixture('litellm-key-info.json', KEY)));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url, includeTeam: false });
      const readings = await fetchSourceReadings(config, deps());
      assert.deepEqual(readings, [
        {
          source: 'litellm',
          scope: 'key',
          limitUsd: 50,
          spentUsd: 37.125,
          remainingUsd: 12.875,
          resetsAt: '2026-12-01T00:00:00.000Z',
          fetchedAtMs: NOW_MS,
          stale: false,
        },
      ]);
      assert.ok(!JSON.stringify(readings).includes(KEY));
      assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
      assert.ok(!server.requests[0].url.includes(KEY), 'the key must not travel in the URL');
    });

    it('adds the team pool from /team/info when the key may read it', async () => {
      server.on('/key/info', json(fixture('litellm-key-info.json', KEY)));
      server.on('/team/info', json(fixture('litellm-team-info.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url, name: 'corp' });
      const readings = await fetchSourceReadings(config, deps());
      assert.equal(readings.length, 2);
      assert.deepEqual(readings[1], {
        source: 'corp',
        scope: 'team',
        limitUsd: 500,
        spentUsd: 412.5,
        remainingUsd: 87.5,
        resetsAt: '2026-12-01T00:00:00.000Z',
        fetchedAtMs: NOW_MS,
        stale: false,
      });
      assert.equal(new URL(server.requests[1].url, 'http://x').searchParams.get('team_id'), 'team-platform');
    });

    it('omits the team when /team/info answers 403 for this key', async () => {
      server.on('/key/info', json(fixture('litellm-key-info.json', KEY)));
      server.on('/team/info', json({ error: { message: 'Only admins may read team info', type: 'auth_error', code: '403' } }, 403));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url });
      const readings = await fetchSourceReadings(config, deps());
      assert.deepEqual(readings.map((r) => r.scope), ['key']);
    });

    it('reports a key without max_budget as spend without a cap', async () => {
      server.on('/key/info', json(fixture('litellm-key-info-nobudget.json', KEY)));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.spentUsd, 3.5);
      assert.equal(reading.limitUsd, undefined);
      assert.equal(reading.remainingUsd, undefined);
    });

    for (const status of [400, 429]) {
      it(`reads an exhausted budget answered as ${status} budget_exceeded as spent >= limit, not an error`, async () => {
        server.on('/key/info', json(fixture('litellm-budget-exceeded.json'), status));
        const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url });
        const [reading] = await fetchSourceReadings(config, deps());
        assert.equal(reading.error, undefined);
        assert.equal(reading.limitUsd, 50);
        assert.equal(reading.spentUsd, 50.0421);
        assert.ok(reading.remainingUsd! <= 0);
      });
    }

    it('does not read an ordinary 429 rate limit as an exhausted budget', async () => {
      server.on('/key/info', json({ error: { message: 'Rate limit reached', type: 'throttling_error', code: '429' } }, 429, { 'retry-after': '3' }));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url });
      const err = await failure(fetchSourceReadings(config, deps()));
      assert.equal(err.kind, 'rateLimited');
      assert.equal(err.retryAfterMs, 3_000);
    });

    it('redacts the key LiteLLM echoes in its 401 body', async () => {
      server.on('/key/info', json(fixture('litellm-401.json', KEY), 401));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url });
      const err = await failure(fetchSourceReadings(config, deps()));
      assert.match(err.message, /^401 from LiteLLM: key rejected\. Run 'Tokenmeter: Set API Key'\./);
      assert.match(err.message, /\[redacted\]/);
    });

    it('follows a same-origin redirect with the key', async () => {
      server.on('/key/info', { status: 307, headers: { location: '/v2/key/info' } });
      server.on('/v2/key/info', json(fixture('litellm-key-info.json', KEY)));
      const config = endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: server.url, includeTeam: false });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.spentUsd, 37.125);
      assert.equal(server.requests[1].headers.authorization, `Bearer ${KEY}`);
    });
  });

  describe('OpenRouter', () => {
    it('reads usage, limit and limit_remaining from /api/v1/key', async () => {
      server.on('/api/v1/key', json(fixture('openrouter-key.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl: server.url });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.deepEqual(reading, { source: 'openrouter', scope: 'key', limitUsd: 20, spentUsd: 12.75, remainingUsd: 7.25, fetchedAtMs: NOW_MS, stale: false });
    });

    it('treats limit: null as no cap', async () => {
      server.on('/api/v1/key', json(fixture('openrouter-key-nolimit.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl: server.url });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.limitUsd, undefined);
      assert.equal(reading.remainingUsd, undefined);
      assert.equal(reading.spentUsd, 4.2);
    });

    it('counts this period usage against a monthly limit and says when it resets', async () => {
      const body = JSON.parse(fixture('openrouter-key.json'));
      body.data.limit_reset = 'monthly';
      body.data.usage = 80;
      server.on('/api/v1/key', json(body));
      const config = endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl: server.url });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.spentUsd, 12.75);
      assert.equal(reading.resetsAt, '2026-12-01T00:00:00.000Z');
    });
  });

  describe('Anthropic Admin API', () => {
    it('sums cent amounts given as decimal strings across pages', async () => {
      server.on(
        '/v1/organizations/cost_report',
        json(fixture('anthropic-cost-report-page1.json')),
        json(fixture('anthropic-cost-report-page2.json')),
      );
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, limitUsd: 100 });
      const [reading] = await fetchSourceReadings(config, deps());
      // 1234.5 + 765.5 + 1000 cents
      assert.equal(reading.spentUsd, 30);
      assert.equal(reading.remainingUsd, 70);
      assert.equal(reading.scope, 'org');
      assert.equal(reading.resetsAt, '2026-12-01T00:00:00.000Z');
      const first = new URL(server.requests[0].url, 'http://x');
      assert.equal(first.searchParams.get('starting_at'), '2026-11-01T00:00:00.000Z');
      const second = new URL(server.requests[1].url, 'http://x');
      assert.equal(second.searchParams.get('page'), 'page_MjAyNi0xMS0wM1QwMDowMDowMFo=');
      assert.equal(server.requests[0].headers['x-api-key'], KEY);
      assert.equal(server.requests[0].headers['anthropic-version'], '2023-06-01');
    });

    it('starts the period on the configured reset day', async () => {
      server.on('/v1/organizations/cost_report', json(fixture('anthropic-cost-report-page2.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, resetDayOfMonth: 25 });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(new URL(server.requests[0].url, 'http://x').searchParams.get('starting_at'), '2026-10-25T00:00:00.000Z');
      assert.equal(reading.resetsAt, '2026-11-25T00:00:00.000Z');
      assert.equal(reading.limitUsd, undefined);
    });
  });

  describe('OpenAI Admin API', () => {
    it('accepts both results and result buckets and follows next_page', async () => {
      server.on('/v1/organization/costs', json(fixture('openai-costs-page1.json')), json(fixture('openai-costs-page2-result.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl: server.url, limitUsd: 50 });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.spentUsd, 20);
      assert.equal(reading.remainingUsd, 30);
      assert.equal(new URL(server.requests[0].url, 'http://x').searchParams.get('start_time'), String(Date.UTC(2026, 10, 1) / 1000));
      assert.equal(new URL(server.requests[1].url, 'http://x').searchParams.get('page'), 'page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=');
    });
  });

  describe('Prometheus', () => {
    it('sums a vector result into one number', async () => {
      server.on('/api/v1/query', json(fixture('prometheus-vector.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'prometheus', baseUrl: server.url, query: 'sum by (model) (x)', limitUsd: 2000 });
      const [reading] = await fetchSourceReadings(config, deps({ apiKey: undefined }));
      assert.equal(reading.spentUsd, 1000);
      assert.equal(reading.remainingUsd, 1000);
      assert.equal(reading.scope, 'team');
      assert.equal(new URL(server.requests[0].url, 'http://x').searchParams.get('query'), 'sum by (model) (x)');
      assert.equal(server.requests[0].headers.authorization, undefined);
    });

    it('reads a scalar result as remaining when configured so', async () => {
      server.on('/api/v1/query', json(fixture('prometheus-scalar.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'prometheus', baseUrl: server.url, query: 'x', measures: 'remaining', limitUsd: 1000 });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.remainingUsd, 250.5);
      assert.equal(reading.spentUsd, 749.5);
    });

    it('passes on the PromQL error text of a 400', async () => {
      server.on('/api/v1/query', json(fixture('prometheus-error.json'), 400));
      const config = endpointSourceConfigSchema.parse({ type: 'prometheus', baseUrl: server.url, query: 'sum(' });
      const err = await failure(fetchSourceReadings(config, deps()));
      assert.match(err.message, /400 from Prometheus.*parse error/);
    });
  });

  describe('generic JSON URL', () => {
    it('maps dotted field paths', async () => {
      server.on('/budget', json(fixture('generic-budget.json')));
      const config = endpointSourceConfigSchema.parse({
        type: 'json',
        url: `${server.url}/budget`,
        apiKeyHeader: 'X-Budget-Token',
        fields: { remaining: 'data.budget.left', limit: 'data.budget.cap', resetsAt: 'data.budget.resets' },
      });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.deepEqual(reading, {
        source: 'json',
        scope: 'key',
        limitUsd: 25,
        spentUsd: 6.5,
        remainingUsd: 18.5,
        resetsAt: '2026-12-01T00:00:00.000Z',
        fetchedAtMs: NOW_MS,
        stale: false,
      });
      assert.equal(server.requests[0].headers['x-budget-token'], KEY);
    });

    it('names the path that has no number', async () => {
      server.on('/budget', json({ data: { budget: { left: 'lots' } } }));
      const config = endpointSourceConfigSchema.parse({ type: 'json', url: `${server.url}/budget`, fields: { remaining: 'data.budget.left' } });
      const err = await failure(fetchSourceReadings(config, deps()));
      assert.match(err.message, /no number at "data\.budget\.left"/);
    });
  });

  for (const c of cases) {
    describe(`${c.label} failures`, () => {
      const run = (extra: Partial<AdapterDeps> = {}) => fetchSourceReadings(c.config(server.url), deps(extra));

      it('answers the happy path', async () => {
        server.on(c.path, c.ok());
        const [reading] = await run();
        assert.equal(reading.error, undefined);
        assert.equal(typeof (reading.spentUsd ?? reading.remainingUsd), 'number');
      });

      it('says the key was rejected on 401, even when the body echoes the key', async () => {
        server.on(c.path, json({ error: { message: `invalid key ${KEY}`, type: 'auth_error' } }, 401));
        const err = await failure(run());
        assert.equal(err.kind, 'auth');
        assert.match(err.message, new RegExp(`^401 from ${c.label}: key rejected`));
      });

      it('says what is forbidden on 403', async () => {
        server.on(c.path, json({ error: { message: 'forbidden' } }, 403));
        const err = await failure(run());
        assert.equal(err.kind, 'forbidden');
        assert.match(err.message, new RegExp(`^403 from ${c.label}`));
      });

      it('points at the URL on 404', async () => {
        server.on(c.path, { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } });
        const err = await failure(run());
        assert.equal(err.kind, 'notFound');
        assert.match(err.message, /404 from .* not found\. Check the URL/);
      });

      it('honours Retry-After on 429', async () => {
        server.on(c.path, json({ error: { message: 'slow down' } }, 429, { 'retry-after': '7' }));
        const err = await failure(run());
        assert.equal(err.kind, 'rateLimited');
        assert.equal(err.retryAfterMs, 7_000);
        assert.match(err.message, /retrying in 7 s/);
      });

      it('reads a Retry-After HTTP date on 503', async () => {
        const at = new Date(NOW_MS + 30_000).toUTCString();
        server.on(c.path, { status: 503, headers: { 'retry-after': at }, body: '' });
        const err = await failure(run());
        assert.equal(err.retryAfterMs, 30_000);
      });

      it('explains a 500 with an HTML body without dumping the HTML', async () => {
        server.on(c.path, { status: 500, headers: { 'content-type': 'text/html' }, body: fixture('error-500.html') });
        const err = await failure(run());
        assert.equal(err.kind, 'server');
        assert.match(err.message, /^500 from .*HTML/);
        assert.ok(!err.message.includes('<'), err.message);
      });

      it('times out a slow response', async () => {
        server.on(c.path, { ...c.ok(), delayMs: 3_000 });
        const started = Date.now();
        const err = await failure(run({ timeoutMs: 200 }));
        assert.equal(err.kind, 'timeout');
        assert.match(err.message, /did not answer within 0\.2 s/);
        assert.ok(Date.now() - started < 2_000);
      });

      it('reports truncated JSON', async () => {
        const ok = c.ok();
        server.on(c.path, { ...ok, body: ok.body!.slice(0, Math.floor(ok.body!.length / 2)) });
        const err = await failure(run());
        assert.equal(err.kind, 'format');
        assert.match(err.message, /invalid or truncated JSON/);
      });

      it('recognises a 200 HTML page (an SSO login or captive portal) as not the API', async () => {
        server.on(c.path, { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>Sign in</title>' });
        const err = await failure(run());
        assert.equal(err.kind, 'format');
        assert.match(err.message, /returned an HTML page instead of JSON/);
      });

      it('reports valid JSON of the wrong shape', async () => {
        server.on(c.path, json({ hello: 'world', data: [1, 2] }));
        const err = await failure(run());
        assert.equal(err.kind, 'format');
      });

      it('does not follow a redirect to another host, and never sends the key there', async () => {
        other.on('/steal', c.ok());
        server.on(c.path, { status: 302, headers: { location: `${other.url}/steal?key=${encodeURIComponent(KEY)}&k2=${KEY}` } });
        const err = await failure(run());
        assert.equal(err.kind, 'redirect');
        assert.match(err.message, /redirected to another host/);
        assert.equal(other.requests.length, 0);
      });

      it('says which host could not be reached', async () => {
        const closed = await FixtureServer.start();
        const url = closed.url;
        await closed.close();
        const err = await failure(fetchSourceReadings(c.config(url), deps()));
        assert.equal(err.kind, 'network');
        assert.match(err.message, /Could not reach/);
      });
    });
  }

  it('asks for a key when a keyed source has none', async () => {
    server.on('/api/v1/key', json(fixture('openrouter-key.json')));
    const config = endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl: server.url });
    const err = await failure(fetchSourceReadings(config, deps({ apiKey: undefined })));
    assert.equal(err.kind, 'missingKey');
    assert.equal(server.requests.length, 0);
  });
});

describe('GitHub Copilot premium requests', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await FixtureServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('reads the premium-request quota with the GitHub session token', async () => {
    server.on('/copilot_internal/user', json(fixture('copilot-user.json')));
    const quota = await fetchCopilotQuota(deps(), `${server.url}/copilot_internal/user`);
    assert.equal(quota.source, 'copilot');
    assert.equal(quota.entitlement, 300);
    assert.equal(quota.used, 217);
    assert.ok(Math.abs(quota.usedPercent - 72.3) < 1e-9);
    assert.equal(quota.resetsAt, '2026-12-01T00:00:00.000Z');
    assert.equal(server.requests[0].headers.authorization, `token ${KEY}`);
  });

  it('tells the user to sign in to GitHub on 401', async () => {
    server.on('/copilot_internal/user', json({ message: 'Bad credentials' }, 401));
    const err = await failure(fetchCopilotQuota(deps(), `${server.url}/copilot_internal/user`));
    assert.match(err.message, /^401 from GitHub Copilot: key rejected\. Sign in to GitHub in VS Code/);
  });
});
