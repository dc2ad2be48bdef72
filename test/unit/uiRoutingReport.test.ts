import { strict as assert } from 'node:assert';
import { defaultModelTiers } from '../../src/core/router';
import { buildRoutingReport, formatRoutingReportMarkdown, routingSessionsFromEvents } from '../../src/core/routingReport';
import type { UsageEvent } from '../../src/core/usageEvent';

const t0 = Date.UTC(2026, 10, 20, 10);

function event(sessionId: string, model: string, i: number, project = 'shop'): UsageEvent {
  return {
    source: 'claude', timestampMs: t0 + i * 60_000, sessionId, agentId: '', project, model,
    inputTokens: 2_000, outputTokens: 800, cacheWrite5mTokens: 5_000, cacheWrite1hTokens: 0, cacheReadTokens: 40_000,
  };
}

describe('routing report', () => {
  const prompts = new Map([
    ['rename', 'rename the variable usr to user in this file'],
    ['race', 'fix the intermittent deadlock in the lock-free job queue under high load; it only happens in production'],
    ['haiku', 'sort these imports'],
  ]);
  const events = [
    ...Array.from({ length: 5 }, (_, i) => event('rename', 'claude-opus-4-5-20251101', i)),
    ...Array.from({ length: 5 }, (_, i) => event('race', 'claude-opus-4-5-20251101', i)),
    ...Array.from({ length: 5 }, (_, i) => event('haiku', 'claude-haiku-4-5', i, 'tools')),
    event('no-prompt', 'claude-opus-4-5-20251101', 1),
    event('rename', 'claude-opus-4-5-20251101', 60 * 24 * 40), // outside the period
  ];
  const costOf = (e: UsageEvent) => (e.model.includes('opus') ? 0.5 : 0.1);
  const sessions = routingSessionsFromEvents(events, prompts, costOf, { startMs: t0, endMs: t0 + 86_400_000 });

  it('groups events of sessions with a first prompt inside the period', () => {
    assert.deepEqual(sessions.map((s) => [s.sessionId, s.model, s.costUsd]).sort(), [
      ['haiku', 'claude-haiku-4-5', 0.5], ['race', 'claude-opus-4-5-20251101', 2.5], ['rename', 'claude-opus-4-5-20251101', 2.5],
    ].sort());
  });

  it('counts a saving only for sessions the router would send to a cheaper tier', () => {
    const report = buildRoutingReport(sessions, { tiers: defaultModelTiers });
    assert.equal(report.sessions, 3);
    assert.equal(report.examples.length, 1);
    assert.equal(report.examples[0].sessionId, 'rename');
    assert.equal(report.examples[0].advisedModel, 'claude-haiku-4-5');
    // Opus 4.5 list prices are 5x Haiku 4.5's, so the tokens cost a fifth; the session cost 2.5 (by costOf).
    assert.ok(report.savingUsd > 0 && report.savingUsd < 2.5, String(report.savingUsd));
    const opusShop = report.rows.find((r) => r.project === 'shop' && r.model.includes('opus'))!;
    assert.deepEqual([opusShop.sessions, opusShop.downgradable], [2, 1]);
  });

  it('prints a Markdown report with the prompt escaped', () => {
    const text = formatRoutingReportMarkdown(buildRoutingReport(sessions, { tiers: defaultModelTiers }), 'last 7 days');
    assert.match(text, /^# Tokenmeter: routing report \(last 7 days\)/);
    assert.match(text, /\| shop \| Opus \| 2 \|/);
    assert.match(text, /rename the variable usr to user/);
  });
});
