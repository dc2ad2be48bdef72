import * as assert from 'node:assert/strict';
import { pacingOf } from '../../src/core/pacing';
import { guardDecision, preToolUseAnswer } from '../../src/core/runaway/guard';
import { generateHistory, testCostOf } from './runawayHistories';

const minuteMs = 60_000;
const hourMs = 3_600_000;

function liveFanout(minutesIn: number) {
  const h = generateHistory(9, { runaways: ['fanout-280'] });
  const p = h.planted[0];
  const nowMs = p.startMs + minutesIn * minuteMs;
  return { events: h.events.filter((e) => e.timestampMs <= nowMs), nowMs, sessionId: p.sessionId };
}

describe('guard --hook answers (Claude Code PreToolUse JSON)', () => {
  it('asks, with a one-line reason, while the session runs away (the user can continue once)', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    const answer = preToolUseAnswer(guardDecision({ events, costOf: testCostOf, nowMs, sessionId }));
    assert.ok(answer);
    assert.equal(answer.hookSpecificOutput.hookEventName, 'PreToolUse');
    assert.equal(answer.hookSpecificOutput.permissionDecision, 'ask');
    assert.match(answer.hookSpecificOutput.permissionDecisionReason, /^Tokenmeter guard: this session is running away — Session \w{8} /);
    assert.ok(!answer.hookSpecificOutput.permissionDecisionReason.includes('\n'));
    assert.deepEqual(Object.keys(answer), ['hookSpecificOutput']);
  });

  it('denies when a hard cap you set is reached', () => {
    const { events, nowMs } = liveFanout(-1);
    const answer = preToolUseAnswer(guardDecision({ events, costOf: testCostOf, nowMs, exhausted: [{ name: 'daily', unit: 'usd', limit: 20, spent: 20.5 }] }));
    assert.deepEqual(answer, { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny',
      permissionDecisionReason: 'Tokenmeter guard: the daily budget is exhausted ($20.50 of $20.00). Do not start sub-agents; finish the current step and tell the user.' } });
  });

  it('asks when an official window runs out before its reset, naming when and the lead time', () => {
    const { events, nowMs } = liveFanout(-1);
    const start = nowMs - hourMs;
    const pacing = [pacingOf({ source: 'claude', window: '5h', usedPercent: 40, windowMs: 5 * hourMs, resetsAtMs: start + 5 * hourMs, observedAtMs: nowMs }, nowMs)];
    const answer = preToolUseAnswer(guardDecision({ events, costOf: testCostOf, nowMs, pacing }));
    assert.equal(answer?.hookSpecificOutput.permissionDecision, 'ask');
    assert.equal(answer?.hookSpecificOutput.permissionDecisionReason,
      'Tokenmeter guard: at this pace the Claude 5h window (40% used) runs out in 1 h 30 min, 2 h 30 min before it resets. Start another sub-agent anyway?');
  });

  it('says nothing when all is well (no output: the tool call goes on)', () => {
    const { events, nowMs } = liveFanout(-1);
    const onPace = [pacingOf({ source: 'claude', window: '5h', usedPercent: 10, windowMs: 5 * hourMs, resetsAtMs: nowMs + 4 * hourMs, observedAtMs: nowMs }, nowMs)];
    assert.equal(preToolUseAnswer(guardDecision({ events, costOf: testCostOf, nowMs, pacing: onPace })), undefined);
  });

  it('puts a hard cap before a runaway: deny wins', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    const d = guardDecision({ events, costOf: testCostOf, nowMs, sessionId, exhausted: [{ name: 'weekly', unit: 'tokens', limit: 1e6, spent: 2e6 }] });
    assert.equal(preToolUseAnswer(d)?.hookSpecificOutput.permissionDecision, 'deny');
  });
});

describe('guard --hook: several reasons at once', () => {
  const windowAt = (nowMs: number, window: string, usedPercent: number, elapsedHours: number, hours: number) =>
    pacingOf({ source: 'claude', window, usedPercent, windowMs: hours * hourMs, resetsAtMs: nowMs - elapsedHours * hourMs + hours * hourMs, observedAtMs: nowMs }, nowMs);

  it('names the runaway and says the window running out is another reason (one cannot hide the other)', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    const answer = preToolUseAnswer(guardDecision({ events, costOf: testCostOf, nowMs, sessionId, pacing: [windowAt(nowMs, '5h', 40, 1, 5)] }));
    assert.equal(answer?.hookSpecificOutput.permissionDecision, 'ask');
    const reason = answer!.hookSpecificOutput.permissionDecisionReason;
    assert.match(reason, /^Tokenmeter guard: this session is running away — /);
    assert.match(reason, / Also \(1 more\): the Claude 5h window runs out in 1 h 30 min, before it resets\.$/);
    assert.ok(!reason.includes('\n'));
  });

  it('denies on a hard cap even while a runaway and a window would ask, and counts the others', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    const d = guardDecision({ events, costOf: testCostOf, nowMs, sessionId, pacing: [windowAt(nowMs, '5h', 40, 1, 5)],
      exhausted: [{ name: 'daily', unit: 'usd', limit: 20, spent: 21 }] });
    const answer = preToolUseAnswer(d);
    assert.equal(answer?.hookSpecificOutput.permissionDecision, 'deny');
    assert.equal(answer?.hookSpecificOutput.permissionDecisionReason,
      'Tokenmeter guard: the daily budget is exhausted ($21.00 of $20.00). Do not start sub-agents; finish the current step and tell the user. ' +
      'Also (2 more): this session is running away; the Claude 5h window runs out in 1 h 30 min, before it resets.');
  });

  it('orders windows that run out by how soon', () => {
    const { events, nowMs } = liveFanout(-1);
    // 7d: 90% used a day in: runs out in ~2.7 h. 5h: 40% used an hour in: runs out in 1.5 h.
    const d = guardDecision({ events, costOf: testCostOf, nowMs, pacing: [windowAt(nowMs, '7d', 90, 24, 168), windowAt(nowMs, '5h', 40, 1, 5)] });
    assert.match(d.message, /^Tokenmeter guard: at this pace the Claude 5h window \(40% used\) runs out in 1 h 30 min, .* Also \(1 more\): the Claude 7d window runs out in 2 h 40 min, before it resets\.$/);
  });

  it('gives no runaway reason when tokenmeter.runaway.enabled is false, but caps and windows still count', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    assert.equal(guardDecision({ events, costOf: testCostOf, nowMs, sessionId }).permission, 'ask');
    const off = guardDecision({ events, costOf: testCostOf, nowMs, sessionId, runaway: false });
    assert.deepEqual(off, { block: false, permission: 'none', message: '', alerts: [] });
    const capped = guardDecision({ events, costOf: testCostOf, nowMs, sessionId, runaway: false, exhausted: [{ name: 'daily', unit: 'usd', limit: 20, spent: 21 }] });
    assert.equal(capped.permission, 'deny');
    assert.doesNotMatch(capped.message, /running away|Also/);
    const windowOnly = guardDecision({ events, costOf: testCostOf, nowMs, sessionId, runaway: false, pacing: [windowAt(nowMs, '5h', 40, 1, 5)] });
    assert.equal(windowOnly.permission, 'ask');
    assert.match(windowOnly.message, /^Tokenmeter guard: at this pace the Claude 5h window/);
  });
});
