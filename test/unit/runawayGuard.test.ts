import * as assert from 'node:assert/strict';
import { RunawayDetector, runawayStatusOf, type RunawayAlert } from '../../src/core/runaway';
import { guardDecision } from '../../src/core/runaway/guard';
import type { UsageEvent } from '../../src/core/usageEvent';
import { generateHistory, testCostOf } from './runawayHistories';

const minuteMs = 60_000;

/** The 280-agent fan-out of seed 9, cut off `minutesIn` minutes after it started. */
function liveFanout(minutesIn: number) {
  const h = generateHistory(9, { runaways: ['fanout-280'] });
  const p = h.planted[0];
  const nowMs = p.startMs + minutesIn * minuteMs;
  return { events: h.events.filter((e) => e.timestampMs <= nowMs), nowMs, sessionId: p.sessionId };
}

describe('guardDecision', () => {
  it('blocks while the fan-out is running, naming it', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    const d = guardDecision({ events, costOf: testCostOf, nowMs });
    assert.equal(d.block, true);
    assert.ok(d.alerts.every((a) => a.sessionId === sessionId));
    assert.match(d.message, /^Tokenmeter guard: session \w{8} is running away — Session /);
    assert.ok(!d.message.includes('\n'));
  });

  it('does not block before the runaway starts', () => {
    const { events, nowMs } = liveFanout(-1);
    assert.deepEqual(guardDecision({ events, costOf: testCostOf, nowMs }), { block: false, permission: 'none', message: '', alerts: [] });
  });

  it('judges only the asking session when the hook names one', () => {
    const { events, nowMs, sessionId } = liveFanout(6);
    assert.equal(guardDecision({ events, costOf: testCostOf, nowMs, sessionId: 'other' }).block, false);
    const own = guardDecision({ events, costOf: testCostOf, nowMs, sessionId });
    assert.equal(own.block, true);
    assert.match(own.message, /^Tokenmeter guard: this session is running away/);
  });

  it('lets a runaway that has gone quiet through', () => {
    const { events, nowMs } = liveFanout(6);
    assert.equal(guardDecision({ events, costOf: testCostOf, nowMs: nowMs + 30 * minuteMs }).block, false);
  });

  it('blocks on an exhausted budget whatever the sessions do', () => {
    const d = guardDecision({ events: [], costOf: testCostOf, nowMs: 0, exhausted: [{ name: 'daily', unit: 'usd', limit: 50, spent: 51.2 }] });
    assert.equal(d.block, true);
    assert.equal(d.message, 'Tokenmeter guard: the daily budget is exhausted ($51.20 of $50.00). Do not start sub-agents; finish the current step and tell the user.');
  });
});

describe('snooze and alerts in force', () => {
  const t0 = Date.UTC(2026, 2, 2, 9);
  const burst = (d: RunawayDetector, from: number, minutes: number, tag: string) => {
    const out: RunawayAlert[] = [];
    for (let t = 0; t < minutes * minuteMs; t += 10_000) {
      for (let k = 0; k < 40; k++) { // 40 agents, ≈ $260/h
        const e: UsageEvent = { source: 'claude', timestampMs: from + t + k, sessionId: 's1', agentId: `${tag}${k}`, project: 'p', model: 'claude-sonnet-4-5',
          inputTokens: 10, outputTokens: 300, cacheWrite5mTokens: 2_000, cacheWrite1hTokens: 0, cacheReadTokens: 20_000 + t / 50 };
        out.push(...d.observe(e, testCostOf(e)));
      }
    }
    return out;
  };

  it('holds alerts back while snoozed and reports a runaway still going when the snooze ends', () => {
    const d = new RunawayDetector();
    d.snooze('s1', t0 + 10 * minuteMs);
    assert.deepEqual(burst(d, t0, 8, 'a'), []);
    assert.deepEqual(d.alertsInForce(t0 + 8 * minuteMs), []);
    assert.equal(d.activeSessions(t0 + 8 * minuteMs)[0].snoozedUntilMs, t0 + 10 * minuteMs);
    const after = burst(d, t0 + 8 * minuteMs, 4, 'a');
    assert.deepEqual(after.map((a) => a.kind).sort(), ['burn-rate', 'parallel-agents']);
    assert.ok(after.every((a) => a.firedAtMs >= t0 + 10 * minuteMs));
  });

  it('lists the latest alert of each kind while the session is live, and drives the status bar', () => {
    const d = new RunawayDetector();
    burst(d, t0, 6, 'b');
    const inForce = d.alertsInForce(t0 + 6 * minuteMs);
    assert.deepEqual(inForce.map((a) => a.kind).sort(), ['burn-rate', 'parallel-agents']);
    const status = runawayStatusOf(inForce);
    assert.equal(status.isRunaway, true);
    assert.match(status.text, /^\$\(flame\) Runaway \$[\d,]+\/h$/);
    assert.equal(status.sessionId, 's1');
    assert.equal(status.tooltip.split('\n').length, 2);
    assert.deepEqual(d.alertsInForce(t0 + 30 * minuteMs), []);
    assert.deepEqual(runawayStatusOf([]), { isRunaway: false, text: '', tooltip: '', alerts: [] });
  });
});
