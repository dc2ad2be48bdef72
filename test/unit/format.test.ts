import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Calendar } from '../../src/core/calendar';
import { combinedStatus, constraintLine, type Constraint } from '../../src/core/constraints';
import { Formatter, englishUsd, phraseLanguageOf } from '../../src/core/format';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeStatusSnapshot } from '../../src/core/snapshot';
import type { UsageEvent } from '../../src/core/usageEvent';

const prices = new PriceTable();
const calendar = new Calendar('UTC');

function request(at: string, usd: number): UsageEvent {
  return { source: 'claude', timestampMs: Date.parse(at), sessionId: 's1', agentId: '', project: 'p', model: 'claude-sonnet-4-5-20250929', inputTokens: 0, outputTokens: Math.round((usd / 15) * 1e6), cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
}

const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1, timeZone: 'Asia/Shanghai' });
const enCny = new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.1 });
const zhUsd = new Formatter({ locale: 'zh-cn', currency: 'USD', cnyPerUsd: 7.1 });

const constraint = fc.record({
  origin: fc.constantFrom('endpoint' as const, 'plan' as const),
  unit: fc.constantFrom('usd' as const, 'tokens' as const, 'percent' as const),
  shortLabel: fc.constantFrom('litellm', 'Claude 5h', 'team-pool team'),
  limit: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.01, max: 1e4, noNaN: true })),
  spent: fc.double({ min: 0, max: 2e4, noNaN: true }),
  stale: fc.boolean(),
}).map(({ origin, unit, shortLabel, limit, spent, stale }): Constraint => ({
  id: 'x', label: shortLabel, shortLabel, origin, unit, spent, limit, remaining: Math.max(0, limit - spent), usedFraction: spent / limit, stale, expired: false, periodKey: 'k',
}));

describe('display formatter', () => {
  it('reads English/USD exactly like the core status text (what the CLI prints)', () => {
    for (const [spent, cap] of [[12.4, 50], [52.1, 50], [0, undefined], [1234.5, undefined], [0.004, undefined]] as const) {
      const s = computeStatusSnapshot(spent ? [request('2026-11-24T09:00:00Z', spent)] : [], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse(cap ? { dailyUsd: cap } : {}) });
      assert.equal(englishUsd.statusText(s.today, s.tightest), s.statusText);
    }
    fc.assert(fc.property(
      fc.double({ min: 0.01, max: 5_000, noNaN: true }),
      fc.constantFrom('dailyUsd', 'weeklyUsd', 'monthlyUsd', 'dailyTokens', 'none'),
      fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.5, max: 1e7, noNaN: true })),
      (spent, cap, limit) => {
        const s = computeStatusSnapshot([request('2026-11-24T09:00:00Z', spent)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse(cap === 'none' ? {} : { [cap]: limit }) });
        assert.equal(englishUsd.statusText(s.today, s.tightest), s.statusText);
      },
    ), { numRuns: 200 });
  });

  it('reads English/USD exactly like combinedStatus for endpoint and plan limits', () => {
    fc.assert(fc.property(constraint, fc.double({ min: 0, max: 1e4, noNaN: true }), (c, cost) => {
      const snapshot = { statusText: 'local', level: 'ok' as const, today: { totalCost: cost, totalTokens: 5 } as never };
      const combined = combinedStatus(snapshot, [c], { warnAtPercent: 80, errorAtPercent: 95 });
      assert.equal(englishUsd.combinedText({ today: { totalCost: cost, totalTokens: 5 } }, combined.tightest, combined.level), combined.text);
    }), { numRuns: 500 });
  });

  it('writes English/USD tooltip limit lines exactly like constraintLine, and Chinese ones in yuan', () => {
    const nowMs = Date.UTC(2026, 10, 24, 12);
    const limit = fc.record({
      origin: fc.constantFrom('local' as const, 'endpoint' as const, 'plan' as const),
      unit: fc.constantFrom('usd' as const, 'tokens' as const, 'percent' as const),
      label: fc.constantFrom('Daily cap', 'litellm key budget', 'Claude 5-hour window'),
      spent: fc.option(fc.double({ min: 0, max: 2e4, noNaN: true }), { nil: undefined }),
      limit: fc.option(fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.01, max: 1e4, noNaN: true })), { nil: undefined }),
      remaining: fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined }),
      resetsInMs: fc.option(fc.integer({ min: -3_600_000, max: 10 * 86_400_000 }), { nil: undefined }),
      ageMs: fc.option(fc.integer({ min: 0, max: 5 * 86_400_000 }), { nil: undefined }),
      stale: fc.boolean(),
      expired: fc.boolean(),
      error: fc.option(fc.constantFrom('401 from LiteLLM: key rejected', 'timeout'), { nil: undefined }),
    }).map((x): Constraint => ({
      id: 'x', label: x.label, shortLabel: x.label, origin: x.origin, unit: x.unit, spent: x.spent, limit: x.limit, remaining: x.remaining,
      usedFraction: x.spent !== undefined && x.limit !== undefined ? x.spent / x.limit : undefined,
      resetsAtMs: x.resetsInMs === undefined ? undefined : nowMs + x.resetsInMs, updatedAtMs: x.ageMs === undefined ? undefined : nowMs - x.ageMs,
      stale: x.stale, expired: x.expired, error: x.error, periodKey: 'k',
    }));
    fc.assert(fc.property(limit, (c) => assert.equal(englishUsd.limitLine(c, nowMs), constraintLine(c, nowMs))), { numRuns: 1000 });
    const endpoint: Constraint = {
      id: 'e', label: 'litellm key budget', shortLabel: 'litellm', origin: 'endpoint', unit: 'usd', spent: 12.4, limit: 50, remaining: 37.6, usedFraction: 0.248,
      resetsAtMs: nowMs + 3 * 3_600_000 + 600_000, updatedAtMs: nowMs - 40_000, stale: true, expired: false, error: '401 from LiteLLM: key rejected', periodKey: 'k',
    };
    assert.equal(zhCny.limitLine(endpoint, nowMs), 'litellm key budget：¥88.04 / ¥355（25%），3 小时 10 分钟后重置 · 40 秒前更新 · 数据未更新：401 from LiteLLM: key rejected');
    assert.equal(enCny.limitLine(endpoint, nowMs), 'litellm key budget: ¥88.04 of ¥355 (25%), resets in 3 h 10 min · updated 40 s ago · stale: 401 from LiteLLM: key rejected');
  });

  it('shows ¥ amounts at the display rate, with budgets still configured in USD', () => {
    assert.equal(enCny.money(12.4), '¥88.04');
    assert.equal(enCny.capMoney(50), '¥355');
    assert.equal(enCny.capMoney(12.34), '¥87.61');
    assert.equal(enCny.money(0.001), '¥0.007');
    const s = computeStatusSnapshot([request('2026-11-24T09:00:00Z', 12.4)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ dailyUsd: 50 }) });
    assert.equal(enCny.statusText(s.today, s.tightest), '$(pulse) ¥266.96 left of ¥355 today');
    assert.equal(new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.25 }).money(10), '¥72.50');
  });

  it('speaks Simplified Chinese for zh-cn, with the locale\'s digit grouping', () => {
    const s = computeStatusSnapshot([request('2026-11-24T09:00:00Z', 12.4)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ dailyUsd: 50 }) });
    assert.equal(zhCny.statusText(s.today, s.tightest), '$(pulse) 今日剩余 ¥266.96（预算 ¥355）');
    assert.equal(zhUsd.statusText(s.today, s.tightest), '$(pulse) 今日剩余 $37.60（预算 $50）');
    const over = computeStatusSnapshot([request('2026-11-24T09:00:00Z', 52.1)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ weeklyUsd: 50 }) });
    assert.equal(zhUsd.statusText(over.today, over.tightest), '$(error) 本周超出预算：已用 $52.10 / 上限 $50');
    assert.equal(zhUsd.statusText({ totalCost: 1234.5, totalTokens: 1_900_000 }, undefined), '$(pulse) 今日 $1,234.50 · 1.9M tok');
    assert.equal(englishUsd.statusText({ totalCost: 1234.5, totalTokens: 1_900_000 }, undefined), '$(pulse) $1234.50 today · 1.9M tok');
    const endpoint: Constraint = { id: 'e', label: 'litellm key budget', shortLabel: 'litellm', origin: 'endpoint', unit: 'usd', spent: 40, limit: 50, remaining: 10, usedFraction: 0.8, stale: true, expired: false, periodKey: 'k' };
    assert.equal(zhCny.combinedText({ today: { totalCost: 1, totalTokens: 1 } }, endpoint, 'warning'), '$(pulse) litellm 剩余 ¥71.00（上限 ¥355）（数据未更新）');
  });

  it('formats numbers and times for other locales (German digits, Shanghai time)', () => {
    const de = new Formatter({ locale: 'de', currency: 'USD', cnyPerUsd: 7.1 });
    assert.equal(de.language, 'en');
    assert.equal(de.money(1234.5), '$1.234,50');
    assert.equal(de.number(1234567), '1.234.567');
    assert.match(zhCny.time(Date.parse('2026-11-24T06:05:00Z')), /14:05/);
    assert.match(zhCny.dateTime(Date.parse('2026-11-24T06:05:00Z')), /周二/);
    assert.equal(zhCny.date(Date.parse('2026-11-24T06:05:00Z')), '2026年11月24日');
  });

  it('picks the phrase language from the VS Code locale', () => {
    assert.equal(phraseLanguageOf('zh-cn'), 'zh-cn');
    assert.equal(phraseLanguageOf('zh-CN'), 'zh-cn');
    assert.equal(phraseLanguageOf('zh-tw'), 'en');
    assert.equal(phraseLanguageOf('en'), 'en');
    assert.equal(phraseLanguageOf('ja'), 'en');
    // An ill-formed tag does not throw.
    assert.equal(new Formatter({ locale: 'not a locale!!', currency: 'USD', cnyPerUsd: 7.1 }).money(2), '$2.00');
  });
});
