import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UsageEvent } from '../../src/core/usageEvent';
import { generateHistory } from './runawayHistories';

const repo = path.resolve(__dirname, '../..');

/** Writes events as Claude Code transcripts: main agent in `<session>.jsonl`, sub-agents in `<session>/subagents/agent-<id>.jsonl`. */
function writeClaudeLogs(configDir: string, events: readonly UsageEvent[]): void {
  const files = new Map<string, string[]>();
  events.forEach((e, i) => {
    const dir = path.join(configDir, 'projects', e.project);
    const file = e.agentId === '' ? path.join(dir, `${e.sessionId}.jsonl`) : path.join(dir, e.sessionId, 'subagents', `agent-${e.agentId}.jsonl`);
    const line = JSON.stringify({
      type: 'assistant', timestamp: new Date(e.timestampMs).toISOString(), sessionId: e.sessionId, isSidechain: e.agentId !== '', requestId: `req_${i}`,
      message: { id: `msg_${i}`, model: e.model, usage: {
        input_tokens: e.inputTokens, output_tokens: e.outputTokens, cache_read_input_tokens: e.cacheReadTokens,
        cache_creation_input_tokens: e.cacheWrite5mTokens + e.cacheWrite1hTokens,
        cache_creation: { ephemeral_5m_input_tokens: e.cacheWrite5mTokens, ephemeral_1h_input_tokens: e.cacheWrite1hTokens },
      } },
    });
    (files.get(file) ?? files.set(file, []).get(file)!).push(line);
  });
  for (const [file, lines] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, lines.join('\n') + '\n');
  }
}

function cli(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli.ts'), ...args], {
    cwd: repo, input: input ?? '', encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', TOKENMETER_GUARD: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tokenmeter alerts / guard (CLI on generated Claude logs)', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-runaway-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function logsDir(name: string, events: readonly UsageEvent[]): Record<string, string> {
    const claude = path.join(tmp, name, 'claude');
    const codex = path.join(tmp, name, 'codex');
    fs.mkdirSync(codex, { recursive: true });
    writeClaudeLogs(claude, events);
    return { CLAUDE_CONFIG_DIR: claude, CODEX_HOME: codex, HOME: path.join(tmp, name) };
  }

  it('alerts --replay --json prints each alert with the time it would have fired', () => {
    const h = generateHistory(5, { runaways: ['fanout-280', 'retry-loop'] });
    const env = logsDir('replay', h.events);
    const r = cli(['alerts', '--replay', '--json', '--since', '2026-03-02'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { alerts: { firedAt: string; kind: string; sessionId: string; project: string; model: string; usdPerHour: number; message: string }[] };
    for (const p of h.planted) {
      const first = out.alerts.find((a) => a.sessionId === p.sessionId);
      assert.ok(first, `${p.scenario} not in ${r.stdout.slice(0, 500)}`);
      const delayMs = Date.parse(first.firedAt) - p.startMs;
      assert.ok(delayMs >= 0 && delayMs <= 10 * 60_000, `${p.scenario} after ${delayMs} ms`);
      // The documented shape first; further fields may follow.
      assert.deepEqual(Object.keys(first).slice(0, 7), ['firedAt', 'kind', 'sessionId', 'project', 'model', 'usdPerHour', 'message']);
    }
    assert.deepEqual(out.alerts.filter((a) => !h.planted.some((p) => p.sessionId === a.sessionId)), []);
    // --since after the day: nothing to replay.
    assert.deepEqual(JSON.parse(cli(['alerts', '--replay', '--json', '--since', '2026-03-03'], env).stdout), { alerts: [] });
  });

  it('alerts --replay catches a retry loop from the transcripts\' tool calls, at a normal token rate', () => {
    const claude = path.join(tmp, 'retry', 'claude');
    fs.mkdirSync(path.join(tmp, 'retry', 'codex'), { recursive: true });
    const dir = path.join(claude, 'projects', '-home-dev-shop');
    fs.mkdirSync(dir, { recursive: true });
    const t0 = Date.UTC(2026, 2, 2, 10, 0, 0);
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const ms = t0 + i * 8000;
      lines.push(JSON.stringify({ type: 'assistant', timestamp: new Date(ms).toISOString(), sessionId: 'retry-session', requestId: `req_${i}`,
        message: { id: `msg_${i}`, model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'Bash', input: { command: 'npm test' } }],
          usage: { input_tokens: 12, output_tokens: 90, cache_read_input_tokens: 30_000 + i * 300, cache_creation_input_tokens: 300 } } }));
      lines.push(JSON.stringify({ type: 'user', timestamp: new Date(ms + 3000).toISOString(), sessionId: 'retry-session',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `Error: Cannot find module './db' (took ${i * 7} ms)`, is_error: true }] } }));
    }
    fs.writeFileSync(path.join(dir, 'retry-session.jsonl'), lines.join('\n') + '\n');
    const r = cli(['alerts', '--replay', '--json'], { CLAUDE_CONFIG_DIR: claude, CODEX_HOME: path.join(tmp, 'retry', 'codex'), HOME: path.join(tmp, 'retry') });
    assert.equal(r.code, 0, r.stderr);
    const alerts = (JSON.parse(r.stdout) as { alerts: { firedAt: string; kind: string; sessionId: string; message: string }[] }).alerts;
    assert.equal(alerts.length, 1, r.stdout);
    assert.equal(alerts[0].kind, 'loop');
    assert.equal(alerts[0].firedAt, new Date(t0 + 9 * 8000 + 3000).toISOString());
    assert.match(alerts[0].message, /looks stuck in a loop: the same Bash call failed the same way 10 times in 10 min/);
  });

  describe('guard', () => {
    const h = generateHistory(9, { runaways: ['fanout-280'] });
    const p = h.planted[0];
    let env: Record<string, string>;
    let nowMs = 0;
    let shift = 0;
    before(() => {
      // The 280-agent fan-out, shifted so it started 6 minutes ago and is still running. "Now" is when these tests
      // start, not when mocha loaded the file: in the stress run other suites take minutes in between.
      nowMs = Date.now();
      shift = nowMs - 6 * 60_000 - p.startMs;
      env = logsDir('guard', h.events.map((e) => ({ ...e, timestampMs: e.timestampMs + shift })).filter((e) => e.timestampMs <= nowMs));
    });

    it('exits 2 with one line naming the runaway when run by hand', () => {
      const r = cli(['guard'], env);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.match(r.stderr, new RegExp(`^Tokenmeter guard: session ${p.sessionId.slice(0, 8)} is running away — Session ${p.sessionId.slice(0, 8)} \\(`));
    });

    it('blocks the runaway session\'s own sub-agent call, read from the hook payload', () => {
      const payload = JSON.stringify({ session_id: p.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: { prompt: 'search' } });
      const r = cli(['guard'], env, payload);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^Tokenmeter guard: this session is running away/);
    });

    it('lets another session through silently', () => {
      const r = cli(['guard'], env, JSON.stringify({ session_id: 'some-other-session', tool_name: 'Task' }));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr + r.stdout, '');
    });

    it('blocks every session once the daily budget is spent', () => {
      // A cent: the fan-out spends more than that in any minute, so the test holds right after midnight too.
      const r = cli(['guard', '--daily-usd', '0.01'], env, JSON.stringify({ session_id: 'some-other-session', tool_name: 'Task' }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^Tokenmeter guard: the daily budget is exhausted \(\$[\d,.]+ of \$0\.01\)/);
    });

    it('gives no runaway reason with tokenmeter.runaway.enabled false, while a cap still denies', () => {
      const settingsFile = path.join(tmp, 'runaway-off.json');
      fs.writeFileSync(settingsFile, JSON.stringify({ runaway: { enabled: false } }));
      const off = { ...env, TOKENMETER_SETTINGS: settingsFile };
      const payload = JSON.stringify({ session_id: p.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Task' });
      const quiet = cli(['guard', '--hook'], off, payload);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stdout + quiet.stderr, '');
      assert.equal(cli(['guard'], off, payload).code, 0);
      const capped = cli(['guard', '--hook', '--daily-usd', '0.01'], off, payload);
      const reason = JSON.parse(capped.stdout).hookSpecificOutput;
      assert.equal(reason.permissionDecision, 'deny');
      assert.doesNotMatch(reason.permissionDecisionReason, /running away/);
    });

    it('answers as a PreToolUse hook with --hook: ask for the runaway session, nothing for another', () => {
      const own = cli(['guard', '--hook'], env, JSON.stringify({ session_id: p.sessionId, hook_event_name: 'PreToolUse', tool_name: 'Task' }));
      assert.equal(own.code, 0, own.stderr);
      const answer = JSON.parse(own.stdout);
      assert.equal(answer.hookSpecificOutput.hookEventName, 'PreToolUse');
      assert.equal(answer.hookSpecificOutput.permissionDecision, 'ask');
      assert.match(answer.hookSpecificOutput.permissionDecisionReason, /^Tokenmeter guard: this session is running away/);
      const other = cli(['guard', '--hook'], env, JSON.stringify({ session_id: 'some-other-session', tool_name: 'Task' }));
      assert.equal(other.code, 0);
      assert.equal(other.stdout + other.stderr, '');
      const capped = cli(['guard', '--hook', '--daily-usd', '0.01'], env, JSON.stringify({ session_id: 'some-other-session', tool_name: 'Task' }));
      assert.equal(JSON.parse(capped.stdout).hookSpecificOutput.permissionDecision, 'deny');
    });

    it('shows the settings change before installing the hook, writes it with --yes, and removes it again', () => {
      const file = path.join(tmp, 'claude-settings.json');
      fs.writeFileSync(file, JSON.stringify({ model: 'opus', hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'lint.sh' }] }] } }, null, 2));
      const dry = cli(['guard', '--install', '--settings', file], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /hooks\.PreToolUse before:[\s\S]*lint\.sh[\s\S]*after:[\s\S]*"matcher": "Task\|Agent"[\s\S]*guard --hook # tokenmeter guard[\s\S]*Nothing written/);
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /tokenmeter/);
      assert.equal(cli(['guard', '--install', '--settings', file, '--yes'], env).code, 0);
      const installed = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(installed.model, 'opus');
      assert.equal(installed.hooks.PreToolUse.length, 2);
      assert.match(installed.hooks.PreToolUse[1].hooks[0].command, /guard --hook # tokenmeter guard$/);
      assert.equal(cli(['guard', '--uninstall', '--settings', file, '--yes'], env).code, 0);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { model: 'opus', hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'lint.sh' }] }] } });
    });

    it('can be switched off with TOKENMETER_GUARD=off', () => {
      assert.equal(cli(['guard'], { ...env, TOKENMETER_GUARD: 'off' }).code, 0);
    });

    it('exits 0 when nothing is running away', () => {
      const quiet = generateHistory(9, { runaways: [] }).events.map((e) => ({ ...e, timestampMs: e.timestampMs + shift }));
      const r = cli(['guard'], logsDir('quiet', quiet.filter((e) => e.timestampMs <= nowMs)));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
    });
  });
});
