/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers from a child process, read field by field */
// `tokenmeter status --copilot --json` as a real child process against a real server at 127.0.0.1 that answers
// copilot_internal/user in the shape VS Code's Copilot reads (test/fixtures/endpoints/copilot-user.json).
import { strict as assert } from 'node:assert';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sendJson, startHttp, type LocalServer } from '../helpers/faultServer';
import { logEnv, runCli, sharedCli, writeLogs } from '../helpers/mcpHarness';

const TOKEN = 'gho_STATUS-CLI-SECRET-9f8e7d6c5b4a';

describe('tokenmeter status --copilot: Copilot AI credits with a token from the environment', function () {
  this.timeout(300_000);
  let home: string;
  let server: LocalServer;
  let env: Record<string, string>;

  before(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-copilot-cli-'));
    await writeLogs(home, Date.now());
    const body = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'endpoints', 'copilot-user.json'), 'utf8'));
    const reset = new Date(Date.now() + 10 * 86_400_000).toISOString();
    server = await startHttp((req, res) => (req.headers.authorization === `token ${TOKEN}`
      ? sendJson(res, 200, { ...body, quota_reset_date_utc: reset, quota_snapshots: { premium_interactions: { entitlement: 1500, remaining: 600, percent_remaining: 40, unlimited: false, overage_count: 0 } } })
      : sendJson(res, 401, { message: 'Bad credentials' })));
    env = { ...(await logEnv(home)), GITHUB_API_URL: server.url };
  });

  after(async () => {
    await server?.close();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('lists the AI credits as an official Copilot limit, and never prints the token', async () => {
    const cli = await sharedCli(['status']);
    const r = await runCli(cli, ['status', '--copilot', '--json'], { ...env, GH_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    const copilot = status.limits.find((l: any) => l.source === 'copilot');
    assert.ok(copilot, JSON.stringify(status.limits));
    assert.deepEqual([copilot.origin, copilot.scope, Math.round(copilot.used)], ['official', 'AI credits', 60]);
    assert.ok(!(r.stdout + r.stderr).includes(TOKEN));
    assert.equal(server.requests[0].headers.authorization, `token ${TOKEN}`);
  });

  it('without a token says how to set one, and still prints the rest of the status', async () => {
    const cli = await sharedCli(['status']);
    const r = await runCli(cli, ['status', '--copilot', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /GH_TOKEN or GITHUB_TOKEN/);
    const status = JSON.parse(r.stdout);
    assert.match(status.copilotError, /GH_TOKEN or GITHUB_TOKEN/);
    assert.ok(!status.limits.some((l: any) => l.source === 'copilot'));
    assert.ok(status.limits.some((l: any) => l.source === 'codex'), 'the other limits are still there');
  });
});
