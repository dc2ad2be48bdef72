import assert from 'node:assert/strict';
import { endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { budgetStatusJson, fetchCopilotQuota, fetchCopilotQuotaFromEnv, fetchSourceReadings } from '../../src/sources/endpoints';
import { apiRoot, sdkSuffixes } from '../../src/sources/endpoints/baseUrl';
import type { AdapterDeps } from '../../src/sources/endpoints/http';
import { FixtureServer, fixture, json } from '../fixtures/endpoints/server';

const KEY = 'sk-ant-admin01-SECRET-1234567890';
const NOW_MS = Date.UTC(2026, 11, 3, 23, 0, 0);
const deps = (): AdapterDeps => ({ apiKey: KEY, nowMs: NOW_MS, timeoutMs: 2_000 });

describe('org spend limits and SDK base URLs (issue 21), on real servers at 127.0.0.1', () => {
  let server: FixtureServer;
  beforeEach(async () => { server = await FixtureServer.start(); });
  afterEach(async () => { await server.close(); });

  describe('Anthropic effective spend limits (GET /v1/organizations/spend_limits/effective)', () => {
    // Body in the documented shape: https://platform.claude.com/docs/en/api/admin/spend_limits/list_effective
    // (SpendSummary: actor, amount and period_to_date_spend as cent strings, currency, period, scope, source).
    it('reads a member\'s limit per period in dollars, with the scope it is inherited from', async () => {
      server.on('/v1/organizations/spend_limits/effective', json(fixture('anthropic-spend-limits-effective.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, member: 'user_01AbCdEf' });
      const readings = await fetchSourceReadings(config, deps());
      assert.deepEqual(readings.map((r) => [r.source, r.scope, r.limitUsd, r.spentUsd, r.remainingUsd, r.limitFrom]), [
        ['anthropic-admin monthly', 'member', 500, 412.5, 87.5, 'seat_tier'],
        ['anthropic-admin daily', 'member', undefined, 19.99, undefined, 'organization'],
      ]);
      const url = new URL(server.requests[0].url, 'http://x');
      assert.equal(url.searchParams.get('user_ids'), 'user_01AbCdEf');
      assert.equal(server.requests[0].headers['x-api-key'], KEY);
    });

    it('finds the member by email address when no user id is given', async () => {
      server.on('/v1/organizations/spend_limits/effective', json(fixture('anthropic-spend-limits-effective.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, member: 'Dana@example.com' });
      const readings = await fetchSourceReadings(config, deps());
      assert.equal(readings.length, 2);
      assert.equal(new URL(server.requests[0].url, 'http://x').searchParams.get('user_ids'), null);
    });

    it('shows the member limits as budgets[] entries with scope "member" in status --json', async () => {
      server.on('/v1/organizations/spend_limits/effective', json(fixture('anthropic-spend-limits-effective.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, member: 'user_01AbCdEf' });
      const status = budgetStatusJson(await fetchSourceReadings(config, deps()));
      assert.deepEqual(status.budgets.map((b) => [b.scope, b.limit, b.spent]), [['member', 500, 412.5], ['member', null, 19.99]]);
    });

    it('says so when the member has no row, instead of showing nothing', async () => {
      server.on('/v1/organizations/spend_limits/effective', json({ data: [], has_more: false, next_page: null }));
      const config = endpointSourceConfigSchema.parse({ type: 'anthropic-admin', baseUrl: server.url, member: 'nobody@example.com' });
      await assert.rejects(fetchSourceReadings(config, deps()), /no effective spend limit for "nobody@example.com"/);
    });
  });

  describe('OpenAI hard spend limits (GET /v1/organization/spend_limit, /v1/organization/projects/{id}/spend_limit)', () => {
    // Shape: https://developers.openai.com/api/reference/resources/admin/subresources/organization/subresources/spend_limit
    it('uses the organization\'s own hard limit (cents) as the cap of org spend', async () => {
      server.on('/v1/organization/spend_limit', json(fixture('openai-spend-limit.json')));
      server.on('/v1/organization/costs', json(fixture('openai-costs-page2-result.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl: server.url, spendLimit: true, limitUsd: 5 });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.scope, 'org');
      assert.equal(reading.limitUsd, 100);
    });

    it('reads a project\'s limit and only that project\'s costs, as scope "project"', async () => {
      server.on('/v1/organization/projects/proj_abc123/spend_limit', json({ ...JSON.parse(fixture('openai-spend-limit.json')), object: 'project.spend_limit', threshold_amount: 2500 }));
      server.on('/v1/organization/costs', json(fixture('openai-costs-page2-result.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl: server.url, spendLimit: true, projectId: 'proj_abc123' });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.scope, 'project');
      assert.equal(reading.limitUsd, 25);
      const costs = server.requests.find((r) => r.url.startsWith('/v1/organization/costs'))!;
      assert.equal(new URL(costs.url, 'http://x').searchParams.get('project_ids[]'), 'proj_abc123');
    });

    it('falls back to the configured cap when the organization has set no hard limit', async () => {
      server.on('/v1/organization/spend_limit', json({ ...JSON.parse(fixture('openai-spend-limit.json')), threshold_amount: 0, enforcement: { status: 'inactive' } }));
      server.on('/v1/organization/costs', json(fixture('openai-costs-page2-result.json')));
      const config = endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl: server.url, spendLimit: true, limitUsd: 5 });
      const [reading] = await fetchSourceReadings(config, deps());
      assert.equal(reading.limitUsd, 5);
    });
  });

  describe('SDK-style base URLs', () => {
    it('accepts OpenRouter\'s documented SDK base URL https://openrouter.ai/api/v1 (no /api/v1/api/v1/key)', async () => {
      server.on('/api/v1/key', json(fixture('openrouter-key.json')));
      for (const baseUrl of [`${server.url}/api/v1`, `${server.url}/api/v1/`, server.url]) {
        const config = endpointSourceConfigSchema.parse({ type: 'openrouter', baseUrl });
        const [reading] = await fetchSourceReadings(config, deps());
        assert.equal(reading.limitUsd, 20);
      }
      assert.deepEqual(server.requests.map((r) => r.url), ['/api/v1/key', '/api/v1/key', '/api/v1/key']);
    });

    it('accepts the OpenAI and LiteLLM SDK base URLs ending in /v1', async () => {
      server.on('/v1/organization/costs', json(fixture('openai-costs-page2-result.json')));
      server.on('/key/info', json(fixture('litellm-key-info.json', KEY)));
      await fetchSourceReadings(endpointSourceConfigSchema.parse({ type: 'openai-admin', baseUrl: `${server.url}/v1` }), deps());
      await fetchSourceReadings(endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: `${server.url}/v1`, includeTeam: false }), deps());
      assert.deepEqual(server.requests.map((r) => new URL(r.url, 'http://x').pathname), ['/v1/organization/costs', '/key/info']);
    });

    it('keeps a gateway mounted under its own path', () => {
      assert.equal(apiRoot('https://corp.example/litellm/v1', sdkSuffixes.litellm), 'https://corp.example/litellm');
      assert.equal(apiRoot('https://corp.example/litellm', sdkSuffixes.litellm), 'https://corp.example/litellm');
      assert.equal(apiRoot('https://openrouter.ai/API/V1', sdkSuffixes.openrouter), 'https://openrouter.ai');
    });
  });
});

describe('GitHub Copilot AI credits (issue 21), on a real server at 127.0.0.1', () => {
  let server: FixtureServer;
  beforeEach(async () => { server = await FixtureServer.start(); });
  afterEach(async () => { await server.close(); });

  it('reads the allowance as AI credits (1 credit = $0.01) after the 2026-06-01 switch', async () => {
    // The endpoint VS Code's Copilot reads (copilot_internal/user); body as recorded in test/fixtures/endpoints/copilot-user.json.
    server.on('/copilot_internal/user', json({ ...JSON.parse(fixture('copilot-user.json')), quota_snapshots: { premium_interactions: { entitlement: 1500, remaining: 600, percent_remaining: 40, unlimited: false, overage_count: 0 } } }));
    const quota = await fetchCopilotQuota({ apiKey: 'gho_test', nowMs: Date.UTC(2026, 11, 3), timeoutMs: 2_000 }, `${server.url}/copilot_internal/user`);
    assert.deepEqual([quota.window, quota.unit, quota.used, quota.entitlement, quota.usdPerUnit, Math.round(quota.usedPercent)], ['AI credits', 'credits', 900, 1500, 0.01, 60]);
  });

  it('still speaks premium requests for a reading from before the switch, and prefers an ai_credits snapshot when present', async () => {
    server.on('/copilot_internal/user', json(fixture('copilot-user.json')));
    const before = await fetchCopilotQuota({ apiKey: 'gho_test', nowMs: Date.UTC(2026, 4, 20), timeoutMs: 2_000 }, `${server.url}/copilot_internal/user`);
    assert.equal(before.window, 'premium requests');
    server.on('/copilot_internal/user', json({ quota_reset_date_utc: '2026-12-01T00:00:00.000Z', quota_snapshots: { ai_credits: { entitlement: 7000, remaining: 6500, unlimited: false } } }));
    const credits = await fetchCopilotQuota({ apiKey: 'gho_test', nowMs: Date.UTC(2026, 4, 20), timeoutMs: 2_000 }, `${server.url}/copilot_internal/user`);
    assert.deepEqual([credits.window, credits.used], ['AI credits', 500]);
  });
});

describe('GitHub Copilot AI credits for the CLI: a token from the environment (issue 21), on a real server at 127.0.0.1', () => {
  let server: FixtureServer;
  beforeEach(async () => { server = await FixtureServer.start(); });
  afterEach(async () => { await server.close(); });
  const token = 'gho_CLI-SECRET-0123456789abcdef';
  const nowMs = Date.UTC(2026, 11, 3);
  const body = { ...JSON.parse(fixture('copilot-user.json')), quota_snapshots: { premium_interactions: { entitlement: 1500, remaining: 600, percent_remaining: 40, unlimited: false, overage_count: 0 } } };

  it('sends GH_TOKEN (else GITHUB_TOKEN) to GITHUB_API_URL/copilot_internal/user and reads the AI credits', async () => {
    server.on('/copilot_internal/user', json(body), json(body));
    const quota = await fetchCopilotQuotaFromEnv({ GH_TOKEN: token, GITHUB_TOKEN: 'ghp_other', GITHUB_API_URL: server.url }, { nowMs, timeoutMs: 2_000 });
    assert.deepEqual([quota.window, quota.used, quota.entitlement, quota.resetsAt], ['AI credits', 900, 1500, '2026-12-01T00:00:00.000Z']);
    await fetchCopilotQuotaFromEnv({ GITHUB_TOKEN: token, GITHUB_API_URL: `${server.url}/` }, { nowMs, timeoutMs: 2_000 });
    assert.deepEqual(server.requests.map((r) => [r.url, r.headers.authorization]), [['/copilot_internal/user', `token ${token}`], ['/copilot_internal/user', `token ${token}`]]);
  });

  it('says how to get a token when none is set, refuses a clear-text API URL, and never repeats the token in an error', async () => {
    await assert.rejects(fetchCopilotQuotaFromEnv({}, { nowMs }), /Set GH_TOKEN or GITHUB_TOKEN, e\.g\. GH_TOKEN=\$\(gh auth token\)/);
    await assert.rejects(fetchCopilotQuotaFromEnv({ GH_TOKEN: token, GITHUB_API_URL: 'http://ghe.example.com/api/v3' }, { nowMs }), /must be https/);
    server.on('/copilot_internal/user', json({ message: `Bad credentials for ${token}` }, 401));
    await assert.rejects(fetchCopilotQuotaFromEnv({ GH_TOKEN: token, GITHUB_API_URL: server.url }, { nowMs, timeoutMs: 2_000 }), (error: unknown) => {
      const message = String((error as Error).message);
      assert.match(message, /GH_TOKEN \/ GITHUB_TOKEN/);
      assert.ok(!message.includes(token.slice(0, 12)), message);
      return true;
    });
    assert.equal(server.requests.length, 1, 'nothing was sent to the http:// URL');
  });
});
