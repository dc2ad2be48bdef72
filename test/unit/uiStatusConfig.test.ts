import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../..');
const key = 'sk-litellm-secret-1234567890';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli.ts'), ...args], {
      cwd: repo,
      env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tokenmeter status --json --config FILE', function () {
  this.timeout(60_000);
  let dir: string;
  let server: http.Server;
  let baseUrl: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Authentication Error, invalid key ${req.headers.authorization}`, type: 'auth_error' } }));
        return;
      }
      if (req.url?.startsWith('/key/info')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ key: 'hashed', info: { spend: 41, max_budget: 50, budget_reset_at: '2026-12-01T00:00:00Z', budget_duration: '30d', team_id: null } }));
        return;
      }
      res.writeHead(404);
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-status-'));
    fs.mkdirSync(path.join(dir, 'claude', 'projects'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'codex', 'sessions'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function env(extra: Record<string, string> = {}) {
    return { CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_STATE_DIR: path.join(dir, 'state'), HOME: dir, ...extra };
  }

  it('lists the polled budgets and shows the tightest in statusText', async () => {
    const config = path.join(dir, 'budgets.json');
    fs.writeFileSync(config, JSON.stringify({ sources: [
      { type: 'litellm', name: 'gateway', baseUrl, apiKeyEnv: 'LITELLM_API_KEY', includeTeam: false },
      { type: 'openrouter', baseUrl, apiKeyEnv: 'OPENROUTER_KEY' },
    ] }));
    const r = await cli(['status', '--json', '--config', config], env({ LITELLM_API_KEY: key, OPENROUTER_KEY: 'sk-or-wrong-key-987654' }));
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.tightest, { source: 'gateway', scope: 'key', limit: 50, spent: 41, remaining: 9, resetsAt: '2026-12-01T00:00:00.000Z', stale: false, error: null });
    assert.equal(json.budgets.length, 2);
    assert.match(json.budgets[1].error, /401/);
    assert.ok(!r.stdout.includes('sk-or-wrong-key-987654') && !r.stdout.includes(key), 'a key leaked into the output');
    assert.equal(json.statusText, '$9.00 left of $50 · gateway', 'words only: icons are the editor\'s');
    assert.equal(json.level, 'warning');
  });

  it('exits 1 when no source answered, with the reason and without the key', async () => {
    const config = path.join(dir, 'budgets.json');
    fs.writeFileSync(config, JSON.stringify({ sources: [{ type: 'litellm', baseUrl, apiKeyEnv: 'LITELLM_API_KEY' }] }));
    const r = await cli(['status', '--json', '--config', config], env({ LITELLM_API_KEY: 'sk-wrong-key-abcdef' }));
    assert.equal(r.code, 1, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.match(json.budgets[0].error, /401 from LiteLLM/);
    assert.ok(!r.stdout.includes('sk-wrong-key-abcdef'));
  });

  it('shows the Claude plan quota recorded by the status line', async () => {
    fs.mkdirSync(path.join(dir, 'state'));
    const nowMs = Date.now();
    fs.writeFileSync(path.join(dir, 'state', 'claude-statusline.json'), JSON.stringify({ version: 1, recordedAtMs: nowMs, fiveHour: { usedPercentage: 71, resetsAtMs: nowMs + 3_600_000 } }));
    const r = await cli(['status', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.statusText, '$0.00 today · Claude 5h 71%');
    // 71 % used with 4 of 5 hours gone: behind pace, no run-out before the reset.
    assert.equal(out.pacing.length, 1);
    const { elapsedPercent, ...pacing } = out.pacing[0];
    assert.ok(elapsedPercent >= 79.9 && elapsedPercent <= 81, String(elapsedPercent));
    assert.deepEqual(pacing, { source: 'claude', window: '5h', usedPercent: 71, projectedRunOutAt: null, resetsAt: new Date(nowMs + 3_600_000).toISOString(), runsOutBeforeReset: false });
  });

  it('lists no pacing without recorded rate limits', async () => {
    const r = await cli(['status', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).pacing, []);
  });
});
