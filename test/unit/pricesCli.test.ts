import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedCli, unitCommands } from '../helpers/cliBundle';

const repo = path.resolve(__dirname, '../..');

let cliJs: string;

/** The CLI bundle (helpers/cliBundle.ts) in a child process. */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [cliJs, ...args], {
    cwd: repo, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tokenmeter daily --json with late-2026 prices', () => {
  before(async function () {
    this.timeout(120_000);
    cliJs = await sharedCli(unitCommands);
  });
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-prices-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prices fast mode, web searches, an auto-review turn and a Fable 5.2 request (labelled estimated)', () => {
    const claude = path.join(dir, 'claude', 'projects', '-home-dev-app');
    fs.mkdirSync(claude, { recursive: true });
    fs.writeFileSync(path.join(claude, 's1.jsonl'), [
      // Issue 21's fast-mode sample line.
      '{"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_fast1","usage":{"input_tokens":10,"cache_creation_input_tokens":150,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":50},"cache_read_input_tokens":500,"output_tokens":42,"service_tier":"standard","speed":"fast"}},"requestId":"req1","timestamp":"2026-11-20T10:00:00Z","sessionId":"s1"}',
      '{"type":"assistant","message":{"model":"claude-sonnet-5","id":"msg_ws","usage":{"input_tokens":0,"output_tokens":0,"server_tool_use":{"web_search_requests":5}}},"requestId":"req2","timestamp":"2026-11-20T10:01:00Z","sessionId":"s1"}',
      '{"type":"assistant","message":{"model":"claude-fable-5-2","id":"msg_f52","usage":{"input_tokens":1000000,"output_tokens":0}},"requestId":"req3","timestamp":"2026-11-20T10:02:00Z","sessionId":"s1"}',
      '{"message":{"model":"claude-sonnet-5","id":"msg_untyped","usage":{"input_tokens":1,"output_tokens":1}},"timestamp":"2026-11-20T10:03:00Z"}',
    ].join('\n') + '\n');
    const codex = path.join(dir, 'codex', 'sessions', '2026', '11', '20');
    fs.mkdirSync(codex, { recursive: true });
    fs.writeFileSync(path.join(codex, 'rollout-2026-11-20T10-00-00-019a0000-0000-7000-8000-000000000001.jsonl'), [
      '{"timestamp":"2026-11-20T10:00:00Z","type":"session_meta","payload":{"id":"019a0000-0000-7000-8000-000000000001","cwd":"/home/dev/app"}}',
      '{"timestamp":"2026-11-20T10:00:01Z","type":"turn_context","payload":{"cwd":"/home/dev/app","model":"codex-auto-review"}}',
      '{"timestamp":"2026-11-20T10:00:05Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100000,"cached_input_tokens":0,"output_tokens":0,"total_tokens":100000}},"rate_limits":null}}',
    ].join('\n') + '\n');

    const r = cli(['daily', '--json', '--timezone', 'UTC'], { CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex') });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const byModel = Object.fromEntries(report.daily[0].modelBreakdowns.map((m: { modelName: string; cost: number }) => [m.modelName, m.cost]));
    assert.equal(byModel['claude-opus-4-6-fast'], 0.01485);
    assert.equal(byModel['claude-sonnet-5'], 0.05); // 5 searches at $10 per 1,000
    assert.equal(byModel['claude-fable-5-2'], 10); // 1M input tokens at Fable 5.1's $10, until real prices arrive
    assert.equal(byModel['codex-auto-review'], 0.25); // 100K input tokens at GPT-5.4's $2.50 per MTok
    assert.deepEqual(report.estimatedPrices, [{ model: 'claude-fable-5-2', pricedAs: 'claude-fable-5-1' }]);
    assert.match(report.priceDataDate, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(report.unpricedModels, []);
  });
});
