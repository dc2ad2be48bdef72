import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { liveRoutingHint, routeRequest, type Tier } from '../../src/core/router';
import type { UsageEvent } from '../../src/core/usageEvent';
import { evaluateRouting, loadEvalSet } from '../../bench/routing/evaluate';

const rank: Record<Tier, number> = { small: 0, medium: 1, large: 2 };

describe('routeRequest', () => {
  it('sends a short rename in one file to the small tier with a plain reason', () => {
    const advice = routeRequest({ prompt: 'rename getUserData to fetchUserProfile in this file', contextTokens: 800 });
    assert.equal(advice.tier, 'small');
    assert.equal(advice.model, 'claude-haiku-4-5');
    assert.equal(advice.reason, 'Short rename in one file');
  });

  it('keeps short-but-hard concurrency work on the large tier', () => {
    for (const prompt of ['fix the race in the lock-free queue', 'fix the ABA problem in this CAS loop', '帮我找出这个死锁', '这段 Rust async 代码为什么会有竞态？']) {
      assert.equal(routeRequest({ prompt, contextTokens: 2_000 }).tier, 'large', prompt);
    }
  });

  it('sends long-but-trivial pasted lists to the small tier', () => {
    const list = Array.from({ length: 300 }, (_, i) => `item-${(i * 7919) % 1000}`).join('\n');
    const advice = routeRequest({ prompt: `Sort this list alphabetically:\n${list}` });
    assert.equal(advice.tier, 'small');
    assert.match(advice.reason, /pasted lines/);
  });

  it('sends a bug fix with a stack trace to the middle tier', () => {
    const prompt = "Fix this:\n```\nTypeError: Cannot read properties of undefined (reading 'map')\n    at OrderList (src/OrderList.tsx:23:31)\n    at renderWithHooks (react-dom.js:16305:18)\n```";
    const advice = routeRequest({ prompt, contextTokens: 3_000 });
    assert.equal(advice.tier, 'medium');
    assert.match(advice.reason, /stack trace/);
  });

  it('uses the configured models for each tier', () => {
    const tiers = { small: 'my-small', medium: 'my-medium', large: 'my-large' };
    assert.equal(routeRequest({ prompt: 'design the architecture of our billing platform' }, { tiers }).model, 'my-large');
  });

  it('reports the saving against the model in use', () => {
    const advice = routeRequest({ prompt: 'rename the variable tmp to total' }, { currentModel: 'claude-opus-4-5' });
    assert.equal(advice.tier, 'small');
    assert.equal(advice.savingVsCurrentPct, 80);
  });

  it('is never less cautious when the user asks for conservative hints', () => {
    for (const r of loadEvalSet()) {
      const req = { prompt: r.prompt, contextTokens: r.contextTokens };
      const c = rank[routeRequest(req, { aggressiveness: 'conservative' }).tier];
      const b = rank[routeRequest(req, { aggressiveness: 'balanced' }).tier];
      const a = rank[routeRequest(req, { aggressiveness: 'aggressive' }).tier];
      assert.ok(c >= b && b >= a, r.prompt.slice(0, 60));
    }
  });

  it('never advises a lower tier when a hard topic is added to a request', () => {
    for (const r of loadEvalSet()) {
      const before = routeRequest({ prompt: r.prompt, contextTokens: r.contextTokens }).tier;
      const after = routeRequest({ prompt: `${r.prompt}\nThere is a race condition between two threads.`, contextTokens: r.contextTokens }).tier;
      assert.ok(rank[after] >= rank[before], r.prompt.slice(0, 60));
    }
  });

  it('returns a valid advice for any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2_000 }), fc.nat(500_000), (prompt, contextTokens) => {
      const advice = routeRequest({ prompt, contextTokens });
      assert.ok(advice.tier in rank);
      assert.ok(advice.confidence >= 0 && advice.confidence <= 1);
      const total = advice.needProbability.small + advice.needProbability.medium + advice.needProbability.large;
      assert.ok(Math.abs(total - 1) < 1e-9);
      assert.ok(advice.reason.length > 0 && !advice.reason.includes('\n'));
    }), { numRuns: 300 });
  });
});

describe('routing evaluation set', () => {
  const rows = loadEvalSet();

  it('has at least 150 labelled requests covering every tier, English and Chinese', () => {
    assert.ok(rows.length >= 150);
    for (const tier of ['small', 'medium', 'large'] as const) assert.ok(rows.filter((r) => r.tier === tier).length >= 40, tier);
    assert.ok(rows.filter((r) => /[\u4e00-\u9fff]/.test(r.prompt)).length >= 20);
  });

  // The learned model trades saving for fewer false downgrades on requests it has not seen; the
  // figures on every set (and the 75% goal it misses) are in docs/benchmarks.md.
  it('keeps false downgrades under 5% on the held-out half with at least 60% of the perfect saving', () => {
    const score = evaluateRouting(rows, 'heldout', 'balanced');
    assert.ok(score.falseDowngradeRate < 0.05, `false downgrades ${score.falseDowngradeRate}`);
    assert.ok(score.savingsOfPerfect >= 0.6, `share of perfect saving ${score.savingsOfPerfect}`);
  });

  it('keeps false downgrades under 5% on the held-out half even when conservative', () => {
    assert.ok(evaluateRouting(rows, 'heldout', 'conservative').falseDowngradeRate < 0.05);
  });
});

describe('liveRoutingHint', () => {
  const event = (over: Partial<UsageEvent> = {}): UsageEvent => ({
    source: 'claude', timestampMs: 0, sessionId: 's', agentId: '', project: 'p', model: 'claude-opus-4-5',
    inputTokens: 50, outputTokens: 300, cacheWrite5mTokens: 800, cacheWrite1hTokens: 0, cacheReadTokens: 25_000, ...over,
  });

  it('suggests Haiku when recent Opus requests are small', () => {
    const hint = liveRoutingHint(Array.from({ length: 6 }, () => event()), 'claude-opus-4-5', { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' });
    assert.ok(hint);
    assert.equal(hint.text, 'Haiku would do · −80%');
    assert.equal(hint.suggestedModel, 'claude-haiku-4-5');
    assert.match(hint.detail, /last 6 requests on Opus/);
  });

  it('stays quiet when replies are long, on a cheap model, or with too few requests', () => {
    const tiers = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };
    assert.equal(liveRoutingHint(Array.from({ length: 6 }, () => event({ outputTokens: 9_000 })), 'claude-opus-4-5', tiers), undefined);
    assert.equal(liveRoutingHint(Array.from({ length: 6 }, () => event({ model: 'claude-haiku-4-5' })), 'claude-haiku-4-5', tiers), undefined);
    assert.equal(liveRoutingHint(Array.from({ length: 3 }, () => event()), 'claude-opus-4-5', tiers), undefined);
  });

  it('ignores sub-agent requests', () => {
    const tiers = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };
    const events = Array.from({ length: 6 }, () => event({ agentId: 'agent-1' }));
    assert.equal(liveRoutingHint(events, 'claude-opus-4-5', tiers), undefined);
  });

  it('suggests the middle tier for moderate work on the large tier', () => {
    const events = Array.from({ length: 6 }, () => event({ outputTokens: 1_200, cacheWrite5mTokens: 8_000, cacheReadTokens: 90_000 }));
    const hint = liveRoutingHint(events, 'claude-opus-4-5');
    assert.ok(hint);
    assert.match(hint.text, /^Sonnet would do · −\d+%$/);
  });
});
