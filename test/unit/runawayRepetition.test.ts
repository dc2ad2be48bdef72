import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repetitionKeyOf, replayAlerts, type AgentAction } from '../../src/core/runaway';
import { ClaudeActionReader } from '../../src/sources/agents/claude/actions';
import type { UsageEvent } from '../../src/core/usageEvent';
import { ActionTail } from '../../src/sources/agentActions';
import type { FileCursor } from '../../src/sources/logFiles';
import { testCostOf } from './runawayHistories';

const file = { project: '-home-dev-app', sessionId: 's1', agentId: '' };
const at = (ms: number) => new Date(ms).toISOString();

function toolUse(id: string, command: string, ms: number, extra: Record<string, unknown> = {}) {
  return { type: 'assistant', timestamp: at(ms), sessionId: 's1', ...extra,
    message: { id: `msg_${id}`, model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }], usage: { input_tokens: 10, output_tokens: 50 } } };
}
function toolResult(id: string, text: string, ms: number, isError: boolean, extra: Record<string, unknown> = {}) {
  return { type: 'user', timestamp: at(ms), sessionId: 's1', ...extra, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: text, is_error: isError }] } };
}

describe('repetition loops: tool calls read from Claude Code transcripts', () => {
  it('pairs a tool call with its result, keyed so that numbers and ids do not tell two tries apart', () => {
    const reader = new ClaudeActionReader(file);
    assert.deepEqual(reader.line(toolUse('t1', 'npm test -- --attempt 3', 1000)), []);
    const [first] = reader.line(toolResult('t1', 'Error: connect ECONNREFUSED 127.0.0.1:5432 at 12:00:01 (req 9f8e7d6c5b4a)', 2000, true));
    reader.line(toolUse('t2', 'npm test -- --attempt 4', 3000));
    const [second] = reader.line(toolResult('t2', 'Error: connect ECONNREFUSED 127.0.0.1:5432 at 12:00:09 (req 0a1b2c3d4e5f)', 4000, true));
    assert.deepEqual({ ...first, callKey: 0, resultKey: 0 }, { timestampMs: 2000, sessionId: 's1', agentId: '', project: '-home-dev-app', tool: 'Bash', callKey: 0, resultKey: 0, failed: true });
    assert.equal(second.callKey, first.callKey);
    assert.equal(second.resultKey, first.resultKey);
    reader.line(toolUse('t3', 'npm run lint', 5000));
    const [other] = reader.line(toolResult('t3', 'Error: 2 problems', 6000, true));
    assert.notEqual(other.callKey, first.callKey);
    assert.notEqual(other.resultKey, first.resultKey);
    // A result nobody asked for (its call was in a part not read) is not an action.
    assert.deepEqual(reader.line(toolResult('unknown', 'x', 7000, false)), []);
  });

  it('reads a sub-agent from its sidechain lines and keeps a hostile tool name out of sentences', () => {
    const reader = new ClaudeActionReader(file);
    const use = toolUse('t1', 'ls', 1000, { isSidechain: true, agentId: 'a7' });
    (use.message.content[0] as { name: string }).name = 'evil\u001b[2J name';
    reader.line(use);
    const [a] = reader.line(toolResult('t1', 'ok', 2000, false, { isSidechain: true, agentId: 'a7' }));
    assert.equal(a.agentId, 'a7');
    assert.equal(a.tool, 'tool');
    assert.equal(repetitionKeyOf('took 12 ms'), repetitionKeyOf('took 840 ms'));
  });

  it('reads only what was appended since the last read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-actions-'));
    try {
      const log = path.join(dir, 's1.jsonl');
      const lines = (n0: number, n: number) => Array.from({ length: n }, (_, i) => [toolUse(`t${n0 + i}`, 'make', (n0 + i) * 10_000), toolResult(`t${n0 + i}`, 'make: *** [all] Error 2', (n0 + i) * 10_000 + 5000, true)])
        .flat().map((l) => JSON.stringify(l) + '\n').join('');
      fs.writeFileSync(log, lines(0, 3) + JSON.stringify({ type: 'summary' }) + '\nnot json "tool_use"\n');
      const cursor = (): FileCursor => ({ path: log, source: 'claude', size: fs.statSync(log).size, mtimeMs: fs.statSync(log).mtimeMs, offset: fs.statSync(log).size, claude: file });
      const tail = new ActionTail();
      assert.equal(tail.read([cursor()], 0).length, 3);
      assert.equal(tail.read([cursor()], 0).length, 0);
      fs.appendFileSync(log, lines(3, 2));
      assert.deepEqual(tail.read([cursor()], 0).map((a) => a.timestampMs), [35_000, 45_000]);
      // Files not written since `sinceMs` are not read at all.
      assert.equal(new ActionTail().read([cursor()], Date.now() + 3_600_000).length, 0);
      // A tail of the last bytes only: the line cut in two is skipped, a result whose call was cut off is not an action.
      const size = fs.statSync(log).size;
      const lastPair = lines(4, 1).length;
      assert.deepEqual(new ActionTail(lastPair + 10).read([cursor()], 0).map((a) => a.timestampMs), [45_000]);
      assert.deepEqual(new ActionTail(lastPair - 10).read([cursor()], 0), []);
      assert.ok(size > lastPair);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('repetition loops: the detector', () => {
  const t0 = Date.UTC(2026, 2, 2, 10, 0, 0);
  const request = (ms: number, sessionId = 's1'): UsageEvent => ({ source: 'claude', timestampMs: ms, sessionId, agentId: '', project: 'app', model: 'claude-sonnet-4-5',
    inputTokens: 20, outputTokens: 120, cacheWrite5mTokens: 300, cacheWrite1hTokens: 0, cacheReadTokens: 20_000 + (ms - t0) / 100 });
  const action = (ms: number, call: string, result: string, failed: boolean): AgentAction => ({ timestampMs: ms, sessionId: 's1', agentId: '', project: 'app', tool: 'Bash',
    callKey: repetitionKeyOf(call), resultKey: repetitionKeyOf(result), failed });

  /** A request every `gapS` seconds; after each, the action `actionAt(i)` returns. */
  function run(n: number, gapS: number, actionAt: (i: number, ms: number) => AgentAction | undefined) {
    const events: UsageEvent[] = [];
    const actions: AgentAction[] = [];
    for (let i = 0; i < n; i++) {
      const ms = t0 + i * gapS * 1000;
      events.push(request(ms));
      const a = actionAt(i, ms + 2000);
      if (a) actions.push(a);
    }
    return replayAlerts(events, testCostOf, {}, actions);
  }

  it('raises a loop alert when the same call fails the same way again and again, at a normal token rate', () => {
    const alerts = run(40, 8, (i, ms) => action(ms, 'pytest tests/test_api.py', `E   AssertionError at line 42 (run ${i})`, true));
    assert.equal(alerts.length, 1, JSON.stringify(alerts.map((a) => a.message)));
    assert.equal(alerts[0].kind, 'loop');
    assert.deepEqual(alerts[0].repeated, { tool: 'Bash', times: 10, failed: true });
    assert.equal(alerts[0].firedAtMs, t0 + 9 * 8000 + 2000);
    assert.match(alerts[0].message, /looks stuck in a loop: the same Bash call failed the same way 10 times in 10 min/);
  });

  it('stays quiet while tests are run again and again between edits, their failures changing', () => {
    const failures = ['3 failed', '3 failed', '2 failed', '5 failed', '1 failed', '1 failed', '0 failed'];
    const alerts = run(60, 10, (i, ms) => (i % 2 === 0
      ? action(ms, `edit src/api.ts: replace ${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'zyxwvutsrqponmlkjihgfedcba'[Math.floor(i / 26)]}`, 'ok', false)
      : action(ms, 'npm test', failures[Math.floor(i / 9) % failures.length], true)));
    assert.deepEqual(alerts, []);
  });

  it('stays quiet while a build is polled with the same answer every 40 s', () => {
    const alerts = run(45, 40, (_, ms) => action(ms, 'sleep 30 && gh run view 123', 'in_progress', false));
    assert.deepEqual(alerts, []);
  });

  it('raises a loop alert for the same successful call repeated fast (a stuck agent re-reading)', () => {
    const alerts = run(60, 6, (_, ms) => action(ms, 'cat src/config.ts', 'export const config = {}', false));
    assert.equal(alerts.length, 1);
    assert.deepEqual(alerts[0].repeated, { tool: 'Bash', times: 30, failed: false });
  });
});
