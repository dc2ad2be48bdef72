import { strict as assert } from 'node:assert';
import {
  buildHistoryModel, defaultMix, estimateTask, historyQuantiles, historySessionsFromEvents, type HistorySession,
} from '../../src/core/estimator';
import { fallbackPriceOf } from '../../src/core/router';
import type { UsageEvent } from '../../src/core/usageEvent';
import { calibrate } from '../../bench/routing/calibration';

const session = (firstPrompt: string, totalTokens: number, over: Partial<HistorySession> = {}): HistorySession => ({
  firstPrompt, totalTokens, costUsd: null, model: 'claude-sonnet-4-5', ...over,
});

// The Claude 4.5 lineup these tests price (the default lineup follows the dated price data).
const tiers45 = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };

describe('estimateTask', () => {
  it('falls back to the published range for the kind when history is thin, and says so', () => {
    const history = buildHistoryModel([session('design the architecture of the sync service', 900_000)]);
    const e = estimateTask({ description: 'Design the architecture for a plugin system' }, history, fallbackPriceOf);
    assert.equal(e.kind, 'architecture');
    assert.equal(e.basis, 'defaults');
    assert.equal(e.sampleSize, 1);
    assert.deepEqual(e.tokens, { p10: 100_000, p50: Math.round(Math.sqrt(100_000 * 500_000)), p90: 500_000 });
    assert.match(e.basisNote, /published ranges .* only 1 of your sessions/);
  });

  it('uses published ranges for bug fixes, features, docs and reviews', () => {
    const expect: [string, number, number][] = [
      ['fix the crash when saving', 20_000, 100_000],
      ['add CSV export to the reports page', 50_000, 200_000],
      ['update the README with install steps', 30_000, 150_000],
      ['review this PR for bugs', 10_000, 50_000],
    ];
    for (const [description, p10, p90] of expect) {
      const e = estimateTask({ description }, undefined, fallbackPriceOf);
      assert.deepEqual([e.tokens.p10, e.tokens.p90], [p10, p90], description);
    }
  });

  it("uses the user's own sessions of the kind once there are eight", () => {
    const totals = [100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000];
    const history = buildHistoryModel(totals.map((t) => session('fix the login crash', t)));
    const e = estimateTask({ description: 'fix the upload bug' }, history, fallbackPriceOf);
    assert.equal(e.basis, 'history');
    assert.equal(e.sampleSize, 8);
    assert.ok(e.tokens.p10 < 200_000 && e.tokens.p10 > 20_000, `p10 ${e.tokens.p10}`);
    assert.ok(e.tokens.p50 > 300_000 && e.tokens.p50 < 500_000, `p50 ${e.tokens.p50}`);
    assert.ok(e.tokens.p90 > 800_000, `p90 ${e.tokens.p90} reaches past the largest sample`);
  });

  it('prices the range per tier model with the default token mix', () => {
    const e = estimateTask({ description: 'review this PR for bugs' }, undefined, fallbackPriceOf, { tiers: tiers45 });
    const haiku = e.cost['claude-haiku-4-5'];
    const sonnet = e.cost['claude-sonnet-4-5'];
    const opus = e.cost['claude-opus-4-5'];
    assert.ok(haiku.p50 < sonnet.p50 && sonnet.p50 < opus.p50);
    // Sonnet: $3 input, $15 output, $3.75 cache write, $0.30 cache read per Mtok.
    const perToken = (defaultMix.inputTokens * 3 + defaultMix.outputTokens * 15 + defaultMix.cacheWrite5mTokens * 3.75 + defaultMix.cacheReadTokens * 0.3) / 1e6;
    assert.ok(Math.abs(sonnet.p90 - 50_000 * perToken) < 1e-4);
  });

  it("prices with the kind's own token mix when history has one", () => {
    const outputHeavy = { inputTokens: 0, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
    const history = buildHistoryModel(Array.from({ length: 10 }, () => session('write unit tests for the cart', 100_000, { mix: outputHeavy })));
    const e = estimateTask({ description: 'write unit tests for the parser' }, history, fallbackPriceOf, { tiers: tiers45 });
    assert.equal(e.basis, 'history');
    assert.ok(Math.abs(e.cost['claude-sonnet-4-5'].p50 - e.tokens.p50 * 15 / 1e6) < 1e-3);
  });

  it('adds attached context, re-read over later turns', () => {
    const without = estimateTask({ description: 'fix the crash' }, undefined, fallbackPriceOf);
    const withContext = estimateTask({ description: 'fix the crash', contextTokens: 10_000 }, undefined, fallbackPriceOf);
    assert.ok(withContext.tokens.p50 > without.tokens.p50 + 10_000);
    assert.match(withContext.basisNote, /10\.0K tokens of attached context/);
  });

  it('suggests a tier with the router', () => {
    assert.equal(estimateTask({ description: 'fix the race in the lock-free queue' }, undefined, fallbackPriceOf).suggested.tier, 'large');
    assert.equal(estimateTask({ description: 'rename foo to bar in this file' }, undefined, fallbackPriceOf).suggested.model, 'claude-haiku-4-5');
  });

  it('leaves out models without a price', () => {
    const e = estimateTask({ description: 'fix it' }, undefined, () => undefined, { tiers: { small: 'x-small', medium: 'x-medium', large: 'claude-opus-4-5' } });
    assert.deepEqual(Object.keys(e.cost), ['claude-opus-4-5']);
  });
});

describe('historyQuantiles', () => {
  it('orders its quantiles and stays positive', () => {
    const q = historyQuantiles([5, 10, 20, 40, 80, 160, 320, 640]);
    assert.ok(q.p10 > 0 && q.p10 < q.p50 && q.p50 < q.p90);
  });
});

describe('estimator calibration on generated histories', () => {
  for (const perKind of [8, 40]) {
    it(`puts about 80% of held-out sessions inside P10–P90 with ${perKind} past sessions per kind`, () => {
      const c = calibrate(perKind, 8);
      assert.equal(c.historyBasis, 1);
      assert.ok(c.tokenCoverage > 0.74 && c.tokenCoverage < 0.88, `token coverage ${c.tokenCoverage}`);
      assert.ok(c.costCoverage > 0.72 && c.costCoverage < 0.88, `cost coverage ${c.costCoverage}`);
      assert.ok(Math.abs(c.belowP10 - c.aboveP90) < 0.06, 'misses split evenly on both sides');
    });
  }
});

describe('historySessionsFromEvents', () => {
  const event = (over: Partial<UsageEvent>): UsageEvent => ({
    source: 'claude', timestampMs: 0, sessionId: 's1', agentId: '', project: 'p', model: 'claude-sonnet-4-5',
    inputTokens: 10, outputTokens: 20, cacheWrite5mTokens: 30, cacheWrite1hTokens: 0, cacheReadTokens: 40, ...over,
  });

  it('sums a session with its sub-agents, keeps the dominant model, and skips sessions without a prompt', () => {
    const events = [
      event({}),
      event({ agentId: 'a1', model: 'claude-haiku-4-5', cacheReadTokens: 1_000 }),
      event({ model: 'claude-haiku-4-5' }),
      event({ sessionId: 'unknown' }),
    ];
    const sessions = historySessionsFromEvents(events, new Map([['s1', 'fix the bug']]), () => 0.5);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].totalTokens, 100 + 1_060 + 100);
    assert.equal(sessions[0].model, 'claude-haiku-4-5');
    assert.equal(sessions[0].costUsd, 1.5);
    assert.equal(sessions[0].mix?.cacheReadTokens, 1_080);
  });

  it('marks the cost unknown when any request is unpriced', () => {
    const sessions = historySessionsFromEvents([event({}), event({ model: 'mystery' })], new Map([['s1', 'x']]), (e) => (e.model === 'mystery' ? null : 1));
    assert.equal(sessions[0].costUsd, null);
  });
});
