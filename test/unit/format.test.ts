import * as assert from 'node:assert/strict';
import { Calendar } from '../../src/core/calendar';
import { Formatter, englishUsd, phraseLanguageOf } from '../../src/core/format';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import type { Limit } from '../../src/core/status/limit';
import type { UsageEvent } from '../../src/core/usageEvent';

const prices = new PriceTable();
const calendar = new Calendar('UTC');

function request(at: string, usd: number): UsageEvent {
  return { source: 'claude', timestampMs: Date.parse(at), sessionId: 's1', agentId: '', project: 'p', model: 'claude-sonnet-4-5-20250929', inputTokens: 0, outputTokens: Math.round((usd / 15) * 1e6), cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
}

const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1, timeZone: 'Asia/Shanghai' });
const enCny = new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.1 });
const zhUsd = new Formatter({ locale: 'zh-cn', currency: 'USD', cnyPerUsd: 7.1 });

describe('display formatter', () => {
  // The status bar and `tokenmeter status` print the same line: both call Formatter.status(computeStatus(...))
  // (English/USD lines pinned in estimatedSpend.test.ts and uiConstraints.test.ts).
  it('writes tooltip limit lines in the display language and currency, labels included', () => {
    const nowMs = Date.UTC(2026, 10, 24, 12);
    const endpoint: Limit = {
      id: 'e', source: 'litellm', scope: 'key', origin: 'endpoint', unit: 'usd', used: 12.4, limit: 50, remaining: 37.6, usedFraction: 0.248,
      resetsAtMs: nowMs + 3 * 3_600_000 + 600_000, updatedAtMs: nowMs - 40_000, stale: true, expired: false, error: '401 from LiteLLM: key rejected', periodKey: 'k',
    };
    assert.equal(zhCny.limitLine(endpoint, nowMs), 'litellm 密钥预算：¥88.04 / ¥355（25%），3 小时 10 分钟后重置 · 40 秒前更新 · 数据未更新：401 from LiteLLM: key rejected');
    assert.equal(enCny.limitLine(endpoint, nowMs), 'litellm key budget: ¥88.04 of ¥355 (25%), resets in 3 h 10 min · updated 40 s ago · stale: 401 from LiteLLM: key rejected');
  });

  it('shows ¥ amounts at the display rate, with budgets still configured in USD', () => {
    assert.equal(enCny.money(12.4), '¥88.04');
    assert.equal(enCny.capMoney(50), '¥355');
    assert.equal(enCny.capMoney(12.34), '¥87.61');
    assert.equal(enCny.money(0.001), '¥0.007');
    const s = computeEstimatedSpend([request('2026-11-24T09:00:00Z', 12.4)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ dailyUsd: 50 }) });
    assert.equal(enCny.statusText(s.today, s.tightest), '¥266.96 left of ¥355 today');
    assert.equal(new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.25 }).money(10), '¥72.50');
  });

  it('has one rule per use of money, the same in every currency: sentence rates, table totals, counts', () => {
    // Rates and projections in sentences (runaway alerts, the guard): cents below a hundred, whole from there.
    assert.deepEqual([12.4, 99.99, 150, 1285.4].map((v) => englishUsd.roundedMoney(v)), ['$12.40', '$99.99', '$150', '$1,285']);
    assert.deepEqual([12.4, 15, 1720.4].map((v) => enCny.roundedMoney(v)), ['¥88.04', '¥107', '¥12,215'], 'the threshold is in the display currency');
    // Totals in a table (the dashboard): cents below ten thousand.
    assert.deepEqual([1234.5, 12_345.6].map((v) => englishUsd.tableMoney(v)), ['$1234.50', '$12,346']);
    assert.equal(enCny.tableMoney(2_000), '¥14,200');
    assert.equal(englishUsd.wholeNumber(1_234_567.4), '1,234,567');
    assert.equal(new Formatter({ locale: 'de', currency: 'USD', cnyPerUsd: 7.1 }).wholeNumber(1_234_567), '1.234.567');
    assert.equal(enCny.currencySymbol, '¥');
  });

  it('puts a money axis\'s ticks on round amounts of the display currency, labelled without float noise', () => {
    // The chart picks $0.50 steps over $0–2; in yuan those read ¥3.55, ¥7.10: the ticks move to ¥5 steps instead.
    assert.deepEqual(englishUsd.axisTicks(0, 2, 0.5), [0, 0.5, 1, 1.5, 2]);
    const ticks = enCny.axisTicks(0, 2, 0.5);
    assert.deepEqual(enCny.axisMoney(ticks), ['¥0', '¥5', '¥10']);
    assert.deepEqual(englishUsd.axisMoney(englishUsd.axisTicks(0, 3_000, 1_000)), ['$0', '$1K', '$2K', '$3K']);
    assert.deepEqual(zhCny.axisMoney(zhCny.axisTicks(0, 0.2, 0.05)), ['¥0', '¥0.50', '¥1'], 'cents below ten yuan, as in dollars');
    assert.deepEqual(enCny.axisTicks(0, 1, 0), [], 'no step, no ticks');
  });

  it('speaks Simplified Chinese for zh-cn, with the locale\'s digit grouping', () => {
    const s = computeEstimatedSpend([request('2026-11-24T09:00:00Z', 12.4)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ dailyUsd: 50 }) });
    assert.equal(zhCny.statusText(s.today, s.tightest), '今日剩余 ¥266.96（预算 ¥355）');
    assert.equal(zhUsd.statusText(s.today, s.tightest), '今日剩余 $37.60（预算 $50）');
    const over = computeEstimatedSpend([request('2026-11-24T09:00:00Z', 52.1)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ weeklyUsd: 50 }) });
    assert.equal(zhUsd.statusText(over.today, over.tightest), '本周超出预算：已用 $52.10 / 上限 $50');
    assert.equal(zhUsd.statusText({ totalCost: 1234.5, totalTokens: 1_900_000 }, undefined), '今日 $1,234.50 · 1.9M tok');
    assert.equal(englishUsd.statusText({ totalCost: 1234.5, totalTokens: 1_900_000 }, undefined), '$1234.50 today · 1.9M tok');
    const endpoint: Limit = { id: 'e', source: 'litellm', scope: 'key', origin: 'endpoint', unit: 'usd', used: 40, limit: 50, remaining: 10, usedFraction: 0.8, stale: true, expired: false, periodKey: 'k' };
    assert.equal(zhCny.combinedText({ today: { totalCost: 1, totalTokens: 1 } }, endpoint, 'warning'), 'litellm 剩余 ¥71.00（上限 ¥355）（数据未更新）');
  });

  it('formats numbers and times for other locales (German digits, Shanghai time)', () => {
    const de = new Formatter({ locale: 'de', currency: 'USD', cnyPerUsd: 7.1 });
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
    assert.equal(phraseLanguageOf('ja'), 'ja');
    assert.equal(phraseLanguageOf('xx'), 'en');
    // An ill-formed tag does not throw.
    assert.equal(new Formatter({ locale: 'not a locale!!', currency: 'USD', cnyPerUsd: 7.1 }).money(2), '$2.00');
  });
});
