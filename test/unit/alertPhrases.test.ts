// Runaway and budget warnings in the display language and currency: the core's sentences in
// English/USD (what the CLI prints), Chinese and yuan rebuilt from the same numbers.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { budgetNotificationText, runawayAlertText, runawayStatusTexts } from '../../src/core/alertPhrases';
import { englishUsd, Formatter } from '../../src/core/format';
import { runawayKinds, runawayMessage, runawayStatusOf, type RunawayAlert } from '../../src/core/runaway';
import { describeDay, evaluateThresholds, projectOverrun, type ThresholdInput } from '../../src/core/thresholds';

const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 });
const enCny = new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.1 });
const deUsd = new Formatter({ locale: 'de', currency: 'USD', cnyPerUsd: 7.1 });
const minuteMs = 60_000;
const nowMs = Date.parse('2026-11-20T10:00:00Z');

function alertOf(fields: Omit<RunawayAlert, 'message' | 'firedAtMs'>): RunawayAlert {
  const alert = { firedAtMs: nowMs, ...fields, message: '' };
  alert.message = runawayMessage(alert);
  return alert;
}

const fanOut = alertOf({
  kind: 'parallel-agents', sessionId: '3f2a9c1e-7d41-4b8e-9c3a-000000000000', project: 'acme-api', model: 'claude-sonnet-4-5',
  usdPerHour: 1720.4, tokensPerMinute: 2_100_000, activeAgents: 280, runningForMs: 66 * minuteMs, costSoFarUsd: 41.2, projectedNextHourUsd: 1720.4,
  windowExhaustedInMin: 14.2,
});

const alertArb = fc.record({
  kind: fc.constantFrom(...runawayKinds),
  sessionId: fc.uuid(),
  project: fc.constantFrom('', 'acme-api', '-home-dev-shop'),
  model: fc.constantFrom('', 'claude-opus-4-5'),
  usdPerHour: fc.double({ min: 0, max: 5000, noNaN: true }),
  tokensPerMinute: fc.integer({ min: 0, max: 5_000_000 }),
  activeAgents: fc.integer({ min: 0, max: 400 }),
  runningForMs: fc.integer({ min: 0, max: 10 * 3_600_000 }),
  costSoFarUsd: fc.double({ min: 0, max: 5000, noNaN: true }),
  projectedNextHourUsd: fc.double({ min: 0, max: 5000, noNaN: true }),
  windowExhaustedInMin: fc.option(fc.double({ min: 0, max: 300, noNaN: true }), { nil: undefined }),
  remainingBudgetUsd: fc.option(fc.double({ min: -10, max: 500, noNaN: true }), { nil: undefined }),
  loopRepeats: fc.option(fc.integer({ min: 12, max: 90 }), { nil: undefined }),
  burnThresholdUsdPerHour: fc.option(fc.double({ min: 30, max: 400, noNaN: true }), { nil: undefined }),
  contextTokens: fc.option(fc.integer({ min: 0, max: 900_000 }), { nil: undefined }),
}).map((fields) => alertOf(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as Omit<RunawayAlert, 'message' | 'firedAtMs'>));

describe('alert phrases', () => {
  it('speak the core sentences in English with US dollars (what the CLI prints)', () => {
    fc.assert(fc.property(alertArb, (alert) => assert.equal(runawayAlertText(englishUsd, alert), alert.message)), { numRuns: 300 });
    const status = runawayStatusOf([fanOut]);
    assert.deepEqual(runawayStatusTexts(englishUsd, status), { text: status.text, lines: [fanOut.message] });
  });

  it('tell a runaway in Chinese and yuan, with every number the alert carries', () => {
    assert.equal(
      runawayAlertText(zhCny, fanOut),
      '会话 3f2a9c1e（acme-api，claude-sonnet-4-5）正同时运行 280 个子代理：¥12,215/小时（2.1M tok/分钟），已运行 1 小时 6 分钟，已花 ¥293，按此速度下一小时还将花 ¥12,215。5 小时额度约 14 分钟后用完。',
    );
    const loop = alertOf({ ...fanOut, kind: 'loop', loopRepeats: 17, windowExhaustedInMin: undefined });
    assert.match(runawayAlertText(zhCny, loop), /似乎陷入循环：10 分钟内 17 次几乎相同的请求/);
    const toolLoop = alertOf({ ...fanOut, kind: 'loop', repeated: { tool: 'Bash', failed: true, times: 6 }, windowExhaustedInMin: undefined } as Omit<RunawayAlert, 'message' | 'firedAtMs'>);
    assert.match(runawayAlertText(zhCny, toolLoop), /似乎陷入循环：10 分钟内同一个 Bash 调用以同样的方式失败了 6 次：/);
    assert.equal(runawayAlertText(enCny, toolLoop).replace(/¥[\d,.]+/g, 'M'), runawayMessage(toolLoop).replace(/\$[\d,.]+/g, 'M'));
    const burn = alertOf({ ...fanOut, kind: 'burn-rate', burnThresholdUsdPerHour: 200, contextTokens: 420_000 });
    assert.match(runawayAlertText(zhCny, burn), /消耗远高于平常（告警线 ¥1,420\/小时），每次请求重发 420\.0K tok 的上下文/);
    const projection = alertOf({ ...fanOut, kind: 'budget-projection', remainingBudgetUsd: 12 });
    assert.match(runawayAlertText(zhCny, projection), /将在一小时内用完剩余预算（¥85\.20）/);
    const status = runawayStatusTexts(zhCny, runawayStatusOf([fanOut, alertOf({ ...fanOut, sessionId: 'b', usdPerHour: 10 })]));
    assert.equal(status.text, '$(flame) 失控 ¥12,215/小时（2 个会话）');
    assert.equal(status.lines.length, 2);
  });

  it('say every kind in any currency and locale without losing a number or leaving English behind in Chinese', () => {
    fc.assert(fc.property(alertArb, (alert) => {
      const zh = runawayAlertText(zhCny, alert);
      assert.ok(zh.includes(zhCny.roundedMoney(alert.costSoFarUsd)), zh);
      // Only the ids, names and units that stay as they are may be Latin.
      const latin = zh.replace(alert.sessionId.slice(0, 8), '').replace(alert.project, '').replace(alert.model, '').replace(/tok|M|K/g, '').match(/[A-Za-z]{3,}/g);
      assert.equal(latin, null, zh);
      const en = runawayAlertText(enCny, alert);
      assert.ok(en.startsWith('Session ') && en.includes(enCny.roundedMoney(alert.usdPerHour)) && !en.includes('$'), en);
    }), { numRuns: 300 });
    assert.match(runawayAlertText(deUsd, fanOut), /\$1\.720\/h/);
  });

  it('tell budget warnings in Chinese and yuan: threshold, cap reached with its reset, projected overrun', () => {
    const input = (spentUsd: number, extra: Partial<ThresholdInput> = {}): ThresholdInput => ({
      spentUsd, limitUsd: 50, periodKey: '2026-11', nowMs, budgetLabel: 'Monthly cap', utcOffsetMinutes: 480, ...extra,
    });
    const at80 = input(41);
    const [threshold] = evaluateThresholds(at80, undefined).notifications;
    assert.equal(budgetNotificationText(englishUsd, threshold, at80), threshold.message);
    assert.equal(budgetNotificationText(zhCny, threshold, at80), 'Monthly cap 已用 82%：已花 ¥291.10 / ¥355。');
    const reached = input(51, { resetsAt: '2026-12-01T00:00:00Z' });
    const [cap] = evaluateThresholds(reached, undefined).notifications;
    assert.equal(budgetNotificationText(englishUsd, cap, reached), cap.message);
    assert.equal(budgetNotificationText(zhCny, cap, reached), 'Monthly cap 已达上限：已花 ¥362.10 / ¥355。在 12 月 1 日重置之前，请求可能被拒绝。');
    assert.equal(budgetNotificationText(enCny, cap, reached), 'Monthly cap reached: ¥362.10 of ¥355 spent. Requests may be refused until it resets on Dec 1.');
    const projection = projectOverrun({ spentUsd: 30, limitUsd: 50, todaySpentUsd: 12, nowMs, utcOffsetMinutes: 480, capLabel: 'monthly cap' });
    const rising = input(30, { projection });
    const overrun = evaluateThresholds(rising, undefined).notifications.find((n) => n.kind === 'overrun')!;
    assert.equal(budgetNotificationText(englishUsd, overrun, rising), overrun.message);
    assert.equal(budgetNotificationText(enCny, overrun, rising), overrun.message);
    // $20 left at today's $12 in 18 hours (it is 18:00 local): 30 hours on, the 22nd local time.
    assert.equal(budgetNotificationText(zhCny, overrun, rising), 'Monthly cap：按今天的速度，Monthly cap将在 22 日用完。');
    const window = input(96, { unit: 'percent', limitUsd: 100, budgetLabel: 'Claude 5-hour window' });
    const [planWarning] = evaluateThresholds(window, undefined).notifications;
    assert.equal(budgetNotificationText(zhCny, planWarning, window), 'Claude 5-hour window 已用 96%。');
  });

  it('names days in Chinese as the English phrases do', () => {
    const offset = 480;
    const cases: [string, string, string][] = [
      ['2026-11-20T09:30:00Z', 'today around 17:30', '今天 17:30 左右'],
      ['2026-11-21T03:00:00Z', 'tomorrow', '明天'],
      ['2026-11-27T03:00:00Z', 'on the 27th', '27 日'],
      ['2026-12-03T03:00:00Z', 'on Dec 3', '12 月 3 日'],
    ];
    for (const [at, en, zh] of cases) {
      assert.equal(describeDay(Date.parse(at), nowMs, offset), en);
      assert.equal(describeDay(Date.parse(at), nowMs, offset, 'zh-cn'), zh);
    }
  });
});
