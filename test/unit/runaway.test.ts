import * as assert from 'node:assert/strict';
import {
  RunawayDetector, baselineFromHistory, defaultBaseline, recommendMaxConcurrentSubagents, replayAlerts, runawayMessage,
  type RunawayAlert,
} from '../../src/core/runaway';
import type { UsageEvent } from '../../src/core/usageEvent';
import { generateHistory, runawayScenarios, testCostOf, windowBudgetEatenIn } from './runawayHistories';

const minuteMs = 60_000;
const t0 = Date.UTC(2026, 2, 2, 9, 0, 0);

function ev(partial: Partial<UsageEvent> & { timestampMs: number }): UsageEvent {
  return {
    source: 'claude', sessionId: 'sess-aaaaaaaa-1111', agentId: '', project: 'acme-api', model: 'claude-opus-4-5',
    inputTokens: 10, outputTokens: 500, cacheWrite5mTokens: 1_000, cacheWrite1hTokens: 0, cacheReadTokens: 50_000,
    ...partial,
  };
}

describe('runaway detector on generated histories', () => {
  const seeds = [1, 2, 3, 4, 5, 6];
  for (const seed of seeds) {
    it(`catches every planted runaway within 10 minutes and stays quiet on normal heavy work (seed ${seed})`, () => {
      const h = generateHistory(seed);
      for (const options of [{}, { baseline: baselineFromHistory(generateHistory(seed + 100_000, { runaways: [] }).events, testCostOf) }]) {
        const alerts = replayAlerts(h.events, testCostOf, options);
        const planted = new Map(h.planted.map((p) => [p.sessionId, p]));
        const falseAlarms = alerts.filter((a) => { const p = planted.get(a.sessionId); return p === undefined || a.firedAtMs < p.startMs; });
        assert.deepEqual(falseAlarms.map((a) => `${h.normalSessions.get(a.sessionId)}: ${a.message}`), []);
        for (const p of h.planted) {
          const first = alerts.find((a) => a.sessionId === p.sessionId);
          assert.ok(first, `${p.scenario} was not detected`);
          const delayMs = first.firedAtMs - p.startMs;
          assert.ok(delayMs >= 0 && delayMs <= 10 * minuteMs, `${p.scenario} detected after ${(delayMs / minuteMs).toFixed(1)} min`);
        }
      }
    });
  }

  it('plants all four runaway scenarios', () => {
    assert.deepEqual(generateHistory(1).planted.map((p) => p.scenario), [...runawayScenarios]);
  });

  it('generates the same history for the same seed', () => {
    const a = generateHistory(7);
    const b = generateHistory(7);
    assert.equal(a.events.length, b.events.length);
    assert.deepEqual(a.events[a.events.length - 1], b.events[b.events.length - 1]);
  });

  it('flags the 280-agent fan-out as parallel sub-agents, naming the parent session', () => {
    const h = generateHistory(11);
    const p = h.planted.find((x) => x.scenario === 'fanout-280')!;
    const alerts = replayAlerts(h.events, testCostOf).filter((a) => a.sessionId === p.sessionId);
    const parallel = alerts.find((a) => a.kind === 'parallel-agents');
    assert.ok(parallel);
    assert.ok(parallel.activeAgents > 20);
    assert.match(parallel.message, new RegExp(`^Session ${p.sessionId.slice(0, 8)} \\(`));
    assert.match(parallel.message, /sub-agents at once/);
  });

  it('estimates when the 142-agent fan-out exhausts a known 5-hour window', () => {
    const h = generateHistory(12, { runaways: ['window-142'], normal: false });
    const p = h.planted[0];
    const alerts = replayAlerts(h.events, testCostOf, { windowBudget: { usd: windowBudgetEatenIn(h, 20) } });
    const budget = alerts.find((a) => a.kind === 'budget-projection');
    assert.ok(budget, 'no budget-projection alert');
    assert.ok(budget.firedAtMs - p.startMs <= 5 * minuteMs);
    assert.ok(budget.windowExhaustedInMin !== undefined && budget.windowExhaustedInMin > 0 && budget.windowExhaustedInMin < 30,
      `eta ${budget.windowExhaustedInMin}`);
    assert.match(budget.message, /5-hour window exhausted in ~\d+ min\./);
  });
});

describe('RunawayDetector', () => {
  it('raises one alert per kind per session, not one per event', () => {
    const d = new RunawayDetector();
    const alerts: RunawayAlert[] = [];
    // 40 sub-agents, each a request every 10 s for 20 minutes.
    for (let t = 0; t < 20 * minuteMs; t += 10_000) {
      for (let k = 0; k < 40; k++) alerts.push(...d.observe(ev({ timestampMs: t0 + t + k * 100, agentId: `a${k}`, model: 'claude-sonnet-4-5', cacheReadTokens: 20_000 + t / 100 }), 0.05));
    }
    assert.deepEqual(alerts.map((a) => a.kind).sort(), ['burn-rate', 'parallel-agents']);
  });

  it('fires again only after the session has calmed down', () => {
    const d = new RunawayDetector({ calmMs: 10 * minuteMs });
    const kinds: string[] = [];
    const burst = (start: number) => {
      for (let t = 0; t < 6 * minuteMs; t += 5_000) {
        for (let k = 0; k < 30; k++) kinds.push(...d.observe(ev({ timestampMs: start + t + k, agentId: `b${start}-${k}`, cacheReadTokens: 30_000 + t }), 0.05).map((a) => a.kind));
      }
    };
    burst(t0);
    assert.deepEqual(kinds.sort(), ['burn-rate', 'parallel-agents']);
    burst(t0 + 8 * minuteMs); // only 2 min of calm: still the same episode
    assert.equal(kinds.length, 2);
    burst(t0 + 40 * minuteMs);
    assert.equal(kinds.length, 4);
  });

  it('detects a retry loop of near-identical requests that costs real money', () => {
    const d = new RunawayDetector();
    const alerts: RunawayAlert[] = [];
    for (let i = 0; i < 30; i++) {
      const e = ev({ timestampMs: t0 + i * 6_000, cacheReadTokens: 60_000 + (i % 3), inputTokens: 200 + (i % 5), cacheWrite5mTokens: 0 });
      alerts.push(...d.observe(e, testCostOf(e)));
    }
    assert.deepEqual(alerts.map((a) => a.kind), ['loop']);
    assert.equal(alerts[0].firedAtMs, t0 + 11 * 6_000);
    assert.match(alerts[0].message, /stuck in a loop: 12 near-identical requests/);
  });

  it('ignores cheap repeated side calls (Haiku titles)', () => {
    const d = new RunawayDetector();
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const e = ev({ timestampMs: t0 + i * 5_000, model: 'claude-haiku-4-5', inputTokens: 400, outputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0 });
      n += d.observe(e, testCostOf(e)).length;
    }
    assert.equal(n, 0);
  });

  it('does not treat a growing conversation as a loop', () => {
    const d = new RunawayDetector();
    let n = 0;
    for (let i = 0; i < 300; i++) {
      const e = ev({ timestampMs: t0 + i * 4_000, cacheReadTokens: 40_000 + i * 600 });
      n += d.observe(e, testCostOf(e)).length;
    }
    assert.equal(n, 0);
  });

  it('does not alert on one expensive burst (a huge file read)', () => {
    const d = new RunawayDetector();
    let n = 0;
    for (let i = 0; i < 120; i++) {
      const big = i >= 20 && i < 24; // four 400k-token uncached reads in one minute: ~$10
      const e = ev({ timestampMs: t0 + i * 15_000, cacheWrite5mTokens: big ? 400_000 : 2_000, cacheReadTokens: 100_000 + i * 1_500 });
      n += d.observe(e, testCostOf(e)).length;
    }
    assert.equal(n, 0);
  });

  it('flags a session that re-writes its huge context on every request, even for a heavy user\'s baseline', () => {
    const d = new RunawayDetector({ baseline: { usdPerHour: 200, parallelAgents: 8, sessionCount: 50 } });
    assert.equal(d.burnThresholdUsdPerHour, 400);
    const alerts: RunawayAlert[] = [];
    for (let i = 0; i < 30; i++) {
      const e = ev({ timestampMs: t0 + i * 30_000, cacheWrite5mTokens: 300_000 + i * 800, cacheReadTokens: 0 }); // cache misses, ≈ $225/h
      alerts.push(...d.observe(e, testCostOf(e)));
    }
    assert.deepEqual(alerts.map((a) => a.kind), ['burn-rate']);
    assert.ok(alerts[0].firedAtMs - t0 <= 4 * minuteMs);
    assert.match(alerts[0].message, /re-sending 3\d\d\.\dK tokens of context per request/);
  });

  it('accepts one full context re-write after a pause (cache expired)', () => {
    const d = new RunawayDetector();
    let n = 0;
    for (let i = 0; i < 60; i++) {
      const afterPause = i === 30;
      const e = ev({ timestampMs: t0 + i * 20_000 + (i >= 30 ? 8 * minuteMs : 0), cacheWrite5mTokens: afterPause ? 250_000 : 3_000, cacheReadTokens: afterPause ? 0 : 250_000 + i * 3_000 });
      n += d.observe(e, testCostOf(e)).length;
    }
    assert.equal(n, 0);
  });

  it('tolerates events a few minutes out of order', () => {
    const h = generateHistory(21, { runaways: ['fanout-280'] });
    const p = h.planted[0];
    // Shuffle within 3-minute blocks, as when several log files are read in turns.
    const blocks = new Map<number, UsageEvent[]>();
    for (const e of h.events) { const b = Math.floor(e.timestampMs / (3 * minuteMs)); (blocks.get(b) ?? blocks.set(b, []).get(b)!).push(e); }
    const d = new RunawayDetector();
    const alerts: RunawayAlert[] = [];
    for (const block of blocks.values()) {
      block.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.timestampMs - b.timestampMs));
      for (const e of block) alerts.push(...d.observe(e, testCostOf(e)));
    }
    const first = alerts.find((a) => a.sessionId === p.sessionId);
    assert.ok(first && first.firedAtMs - p.startMs <= 10 * minuteMs);
    assert.deepEqual(alerts.filter((a) => a.sessionId !== p.sessionId).map((a) => a.message), []);
  });

  it('alerts when a session will overrun the remaining daily budget within the hour', () => {
    const d = new RunawayDetector({ dailyBudgetUsd: 20 });
    const alerts: RunawayAlert[] = [];
    for (let i = 0; i < 60; i++) {
      const e = ev({ timestampMs: t0 + i * 10_000, cacheReadTokens: 50_000 + i * 2_000 }); // ~$0.07/request, ~$25/h
      alerts.push(...d.observe(e, testCostOf(e)));
    }
    assert.deepEqual(alerts.map((a) => a.kind), ['budget-projection']);
    assert.ok(alerts[0].remainingBudgetUsd! < 20);
    assert.match(alerts[0].message, /will overrun the remaining budget of \$\d+\.\d\d within the hour/);
  });

  it('measures an unpriced session by tokens and stays quiet at normal token rates', () => {
    const d = new RunawayDetector();
    let n = 0;
    for (let i = 0; i < 200; i++) n += d.observe(ev({ timestampMs: t0 + i * 10_000, model: 'mystery-model', cacheReadTokens: 50_000 + i * 1_000 }), null).length;
    assert.equal(n, 0);
    const [s] = d.activeSessions(t0 + 200 * 10_000);
    assert.equal(s.usdPerHour, 0);
    assert.ok(s.tokensPerMinute > 0);
  });

  it('summarises live sessions fastest-burning first, with agents and context', () => {
    const d = new RunawayDetector();
    for (let i = 0; i < 30; i++) {
      d.observe(ev({ timestampMs: t0 + i * 10_000, sessionId: 'slow', cacheReadTokens: 10_000 + i * 100 }), 0.01);
      d.observe(ev({ timestampMs: t0 + i * 10_000 + 1, sessionId: 'fast', agentId: `x${i % 4}`, cacheReadTokens: 90_000 + i * 100 }), 0.1);
    }
    const list = d.activeSessions(t0 + 300_000);
    assert.deepEqual(list.map((s) => s.sessionId), ['fast', 'slow']);
    assert.equal(list[0].activeAgents, 4);
    assert.equal(list[0].agentsTotal, 4);
    assert.equal(list[0].contextTokens, 1_000 + 10 + 90_000 + 2_900);
    assert.ok(Math.abs(list[0].costSoFarUsd - 3) < 1e-9);
    assert.deepEqual(d.activeSessions(t0 + 300_000 + 60 * minuteMs), []);
  });

  it('forgets idle sessions', () => {
    const d = new RunawayDetector({ sessionRetentionMs: 60 * minuteMs });
    d.observe(ev({ timestampMs: t0, sessionId: 'old' }), 0.1);
    d.observe(ev({ timestampMs: t0 + 2 * 60 * minuteMs, sessionId: 'new' }), 0.1);
    assert.deepEqual(d.activeSessions(t0 + 2 * 60 * minuteMs, 24 * 60 * minuteMs).map((s) => s.sessionId), ['new']);
  });

  // Replay speed is measured by bench/, not by a wall-clock bound here (a timed test fails on a loaded machine).
  it('replays three generated days of heavy logs in one pass, alerting on their planted runaways', () => {
    const h = generateHistory(3);
    const events = [...h.events, ...generateHistory(4).events, ...generateHistory(5).events];
    assert.ok(events.length > 60_000);
    const alerts = replayAlerts(events, testCostOf);
    assert.ok(alerts.length > 0, 'the planted runaways of three histories raise alerts');
  });
});

describe('baselineFromHistory', () => {
  it('falls back to defaults for a new user', () => {
    assert.deepEqual(baselineFromHistory([], testCostOf), defaultBaseline);
  });

  it('takes the P95 of per-session peak 3-minute burn rates', () => {
    const events: UsageEvent[] = [];
    // 20 sessions of 20 min; session k spends $k per minute for its whole life → peak $60k/h.
    for (let k = 1; k <= 20; k++) {
      for (let m = 0; m < 20; m++) events.push(ev({ timestampMs: t0 + m * minuteMs, sessionId: `s${k}`, outputTokens: k }));
    }
    const b = baselineFromHistory(events, (e) => e.outputTokens, { excludeFlagged: false });
    assert.equal(b.sessionCount, 20);
    assert.equal(b.usdPerHour, 19 * 60);
    assert.equal(b.parallelAgents, 0);
  });

  it('leaves past runaways out of the baseline', () => {
    const normal = generateHistory(31, { runaways: [] }).events;
    const withRunaways = generateHistory(31).events;
    const clean = baselineFromHistory(normal, testCostOf);
    const b = baselineFromHistory(withRunaways, testCostOf);
    assert.equal(b.sessionCount, clean.sessionCount);
    assert.ok(Math.abs(b.usdPerHour - clean.usdPerHour) < 1e-9 && b.parallelAgents === clean.parallelAgents, JSON.stringify({ b, clean }));
    assert.ok(baselineFromHistory(withRunaways, testCostOf, { excludeFlagged: false }).usdPerHour > b.usdPerHour);
  });
});

describe('recommendMaxConcurrentSubagents', () => {
  it('fits the concurrency to the budget left over the horizon', () => {
    const advice = recommendMaxConcurrentSubagents({ remainingBudgetUsd: 100, horizonMs: 2 * 60 * minuteMs, perAgentUsdPerHour: 8, mainAgentUsdPerHour: 10 });
    assert.equal(advice.maxConcurrentSubagents, 5); // (50 − 10) / 8
    assert.equal(advice.envLine, 'CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=5');
    assert.match(advice.reason, /\$8\.00\/h per sub-agent, 5 at once keep the remaining \$100 for 2 h/);
  });

  it('never goes below one or above the cap', () => {
    assert.equal(recommendMaxConcurrentSubagents({ remainingBudgetUsd: 1, horizonMs: 5 * 60 * minuteMs, perAgentUsdPerHour: 8 }).maxConcurrentSubagents, 1);
    assert.equal(recommendMaxConcurrentSubagents({ remainingBudgetUsd: 1e6, horizonMs: 60 * minuteMs, perAgentUsdPerHour: 1 }).maxConcurrentSubagents, 10);
    assert.equal(recommendMaxConcurrentSubagents({ remainingBudgetUsd: 50, horizonMs: 60 * minuteMs, perAgentUsdPerHour: 0 }).maxConcurrentSubagents, 10);
  });
});

describe('runawayMessage', () => {
  it('names session, project, model, rate, duration, cost so far and next-hour cost', () => {
    const text = runawayMessage({
      firedAtMs: t0, kind: 'parallel-agents', sessionId: '3f2a9c1e-7d41-4b8e-9c3a-000000000000', project: 'acme-api', model: 'claude-sonnet-4-5',
      usdPerHour: 1720.4, tokensPerMinute: 2_100_000, activeAgents: 280, runningForMs: 6 * minuteMs, costSoFarUsd: 41.2, projectedNextHourUsd: 1720.4,
      windowExhaustedInMin: 14.2,
    });
    assert.equal(text, 'Session 3f2a9c1e (acme-api, claude-sonnet-4-5) is running 280 sub-agents at once: $1,720/h (2.1M tok/min), running 6 min, $41.20 so far, $1,720 more in the next hour at this rate. 5-hour window exhausted in ~14 min.');
  });
});
