import { strict as assert } from 'node:assert';
import { evaluateThresholds, type ThresholdState } from '../../src/core/thresholds';
import { gaugeOfLimit } from '../../src/core/dashboard';
import { englishUsd } from '../../src/core/format';
import type { BudgetState, EstimatedSpend } from '../../src/core/status/estimatedSpend';
import { tightestOf } from '../../src/core/status/computeStatus';
import {
  limitsOfCaps, limitsOfCodex, limitsOfPlanWindows, limitsOfReadings, readingOfLimit, remainingUsdOf, thresholdInputOf as thresholdInputWithLabel, tightestLimit, type Limit,
} from '../../src/core/status/limit';

const nowMs = Date.UTC(2026, 10, 24, 12, 0, 0);
const daily: BudgetState = { period: 'day', unit: 'usd', limit: 50, spent: 20, remaining: 30, fraction: 0.4, level: 'ok', periodStartMs: Date.UTC(2026, 10, 24), periodEndMs: Date.UTC(2026, 10, 25) };
const spend = { level: 'ok', today: { totalCost: 20, totalTokens: 0 }, tightest: daily } as EstimatedSpend;
const localText = '$(pulse) $30.00 left of $50 today';
const thresholds = { warnAtPercent: 80, errorAtPercent: 95 };
const localConstraints = (budgets: BudgetState[]) => limitsOfCaps(budgets, nowMs);
/** What the status bar and `tokenmeter status` show for these limits. */
function combinedStatus(snap: EstimatedSpend, limits: Limit[], budget: typeof thresholds) {
  const s = tightestOf(snap, limits, budget);
  return { ...s, text: `$(${englishUsd.statusIcon({ estimatedSpend: snap, ...s })}) ${englishUsd.status({ estimatedSpend: snap, ...s })}` };
}
const thresholdInputOf = (c: Limit | undefined, ctx: Parameters<typeof thresholdInputWithLabel>[2]) => thresholdInputWithLabel(c, c ? englishUsd.limitLabel(c) : '', ctx);

describe('constraints: the tightest limit among local caps, endpoints and plan windows', () => {
  it('keeps the local text when the local cap is tightest', () => {
    const cs = [...localConstraints([daily]), ...limitsOfReadings([{ source: 'litellm', scope: 'key', limitUsd: 100, spentUsd: 10, fetchedAtMs: nowMs, stale: false }])];
    const s = combinedStatus(spend, cs, thresholds);
    assert.equal(s.text, localText);
    assert.equal(s.tightest?.id, 'local:day:usd');
  });

  it('shows an endpoint budget that is tighter than the local cap, with its level', () => {
    const cs = [...localConstraints([daily]), ...limitsOfReadings([{ source: 'litellm', scope: 'key', limitUsd: 50, spentUsd: 41, fetchedAtMs: nowMs, stale: false }])];
    const s = combinedStatus(spend, cs, thresholds);
    assert.equal(s.text, '$(pulse) $9.00 left of $50 · litellm');
    assert.equal(s.level, 'warning');
  });

  it('marks a stale endpoint value in the status bar text', () => {
    const cs = limitsOfReadings([{ source: 'litellm', scope: 'key', limitUsd: 50, spentUsd: 41, fetchedAtMs: nowMs - 600_000, stale: true, error: '503 from LiteLLM' }]);
    assert.equal(combinedStatus(spend, cs, thresholds).text, '$(pulse) $9.00 left of $50 · litellm (stale)');
  });

  it('says plainly when a plan window is used up', () => {
    const cs = limitsOfPlanWindows([{ source: 'claude', window: '5h', usedPercent: 100, resetsAt: new Date(nowMs + 3_600_000).toISOString(), fetchedAtMs: nowMs - 40_000, stale: false }], nowMs);
    const s = combinedStatus(spend, [...localConstraints([daily]), ...cs], thresholds);
    assert.equal(s.text, '$(error) Claude 5h limit reached');
    assert.equal(s.level, 'exceeded');
  });

  it('shows a plan window in percent next to today\'s spend', () => {
    const cs = limitsOfPlanWindows([{ source: 'claude', window: '7d', usedPercent: 62, fetchedAtMs: nowMs, stale: false }], nowMs);
    assert.equal(combinedStatus(spend, cs, thresholds).text, '$(pulse) $20.00 today · Claude 7d 62%');
  });

  it('ignores plan windows that reset since they were recorded', () => {
    const claude = limitsOfPlanWindows([{ source: 'claude', window: '5h', usedPercent: 97, resetsAt: new Date(nowMs - 1).toISOString(), fetchedAtMs: nowMs - 6 * 3_600_000, stale: false }], nowMs);
    // A Codex 5-hour window observed 6 hours ago has certainly reset, whatever its resets_at says.
    const codex = limitsOfCodex([{ name: 'primary', usedPercent: 99, windowMinutes: 300, resetsAtMs: nowMs + 86_400_000, observedAtMs: nowMs - 6 * 3_600_000 }], nowMs);
    assert.equal(claude[0].expired, true);
    assert.equal(codex[0].expired, true);
    assert.equal(tightestLimit([...claude, ...codex, ...localConstraints([daily])])?.id, 'local:day:usd');
    assert.match(englishUsd.limitLine(claude[0], nowMs), /reset since it was recorded/);
    assert.equal(englishUsd.limitLine(codex[0], nowMs), 'Codex 5-hour window: reset since it was recorded (was 99%) · updated 6 h ago');
  });

  it('skips readings that never answered and lists their error with age in the tooltip line', () => {
    const cs = limitsOfReadings([
      { source: 'openrouter', scope: 'key', fetchedAtMs: nowMs - 40_000, stale: false, error: '401 from OpenRouter: key rejected' },
      { source: 'litellm', scope: 'team', limitUsd: 1000, spentUsd: 100, fetchedAtMs: nowMs - 40_000, stale: true, error: 'timed out' },
    ]);
    assert.equal(tightestLimit(cs)?.id, 'endpoint:litellm:team');
    assert.equal(englishUsd.limitLine(cs[0], nowMs), 'openrouter key budget: no numbers yet · updated 40 s ago · 401 from OpenRouter: key rejected');
    assert.equal(englishUsd.limitLine(cs[1], nowMs), 'litellm team pool: $100.00 of $1000 (10%) · updated 40 s ago · stale: timed out');
  });

  it('formats ages', () => {
    assert.deepEqual([englishUsd.updatedAgo(1000), englishUsd.updatedAgo(40_000), englishUsd.updatedAgo(5 * 60_000), englishUsd.updatedAgo(3 * 3_600_000), englishUsd.updatedAgo(3 * 86_400_000)],
      ['updated just now', 'updated 40 s ago', 'updated 5 min ago', 'updated 3 h ago', 'updated 3 d ago']);
  });

  it('gives the smallest USD amount left and a template reading for local caps', () => {
    const cs = [...localConstraints([daily]), ...limitsOfReadings([{ source: 'x', scope: 'org', limitUsd: 500, spentUsd: 480, fetchedAtMs: nowMs, stale: false }])];
    assert.equal(remainingUsdOf(cs), 20);
    const r = readingOfLimit(cs[0], englishUsd.limitLabel(cs[0]), nowMs);
    assert.deepEqual([r.scope, r.limitUsd, r.spentUsd, r.remainingUsd], ['local', 50, 20, 30]);
  });
});

describe('threshold notifications for the tightest constraint (what the editor runs on each update)', () => {
  const ctx = { nowMs, utcOffsetMinutes: 0, todaySpentUsd: 0 };

  it('notifies an endpoint budget once at 80% and again only at 95%, then the cap as an error', () => {
    let state: ThresholdState | undefined;
    const notified: string[] = [];
    for (const spent of [10, 40.5, 41, 40.2, 41, 47.6, 50]) {
      const [c] = limitsOfReadings([{ source: 'gateway', scope: 'key', limitUsd: 50, spentUsd: spent, resetsAt: '2026-12-01T00:00:00.000Z', fetchedAtMs: nowMs, stale: false }]);
      const result = evaluateThresholds(thresholdInputOf(c, ctx)!, state);
      state = result.state;
      notified.push(...result.notifications.map((n) => `${n.kind}:${n.severity}:${n.message}`));
    }
    assert.deepEqual(notified, [
      'threshold:warning:gateway key budget at 81%: $40.50 of $50.00 spent.',
      'threshold:warning:gateway key budget at 95%: $47.60 of $50.00 spent.',
      'capReached:error:gateway key budget reached: $50.00 of $50.00 spent. Requests may be refused until it resets on Dec 1.',
    ]);
  });

  it('speaks in percent for plan windows and token caps, and projects dollar caps at today\'s rate', () => {
    const [plan] = limitsOfPlanWindows([{ source: 'claude', window: '5h', usedPercent: 83, fetchedAtMs: nowMs, stale: false }], nowMs);
    const planInput = thresholdInputOf(plan, ctx)!;
    assert.deepEqual([planInput.unit, planInput.spentUsd, planInput.limitUsd], ['percent', 83, 100]);
    assert.equal(evaluateThresholds(planInput, undefined).notifications[0].message, 'Claude 5-hour window at 83%.');

    const [monthly] = localConstraints([{ ...daily, period: 'month', limit: 300, spent: 100, remaining: 200, fraction: 1 / 3, periodStartMs: Date.UTC(2026, 10, 1), periodEndMs: Date.UTC(2026, 11, 1) }]);
    const input = thresholdInputOf(monthly, { ...ctx, todaySpentUsd: 30 })!;
    // $30 by noon is $2.50/h: the $200 left last 80 h, until Nov 27.
    assert.match(input.projection!.message, /At today's rate the monthly cap runs out on the 27th\./);
  });

  it('has nothing to evaluate without a cap or for a window that has reset', () => {
    const [noCap] = limitsOfReadings([{ source: 'x', scope: 'org', spentUsd: 12, fetchedAtMs: nowMs, stale: false }]);
    assert.equal(thresholdInputOf(noCap, ctx), undefined);
    const [expired] = limitsOfPlanWindows([{ source: 'claude', window: '5h', usedPercent: 99, resetsAt: new Date(nowMs - 1).toISOString(), fetchedAtMs: nowMs - 1e7, stale: false }], nowMs);
    assert.equal(thresholdInputOf(expired, ctx), undefined);
  });
});

describe('dashboard gauges from constraints', () => {
  it('reports endpoint and plan figures as official, marks stale ones and skips windows that reset', () => {
    const [gw] = limitsOfReadings([{ source: 'gateway', scope: 'team', limitUsd: 1000, spentUsd: 850, resetsAt: '2026-12-01T00:00:00.000Z', fetchedAtMs: nowMs, stale: true, error: 'timed out' }]);
    assert.deepEqual(gaugeOfLimit(gw, englishUsd, thresholds), {
      label: 'gateway team pool (stale)', unit: 'usd', limit: 1000, spent: 850, fraction: 0.85, level: 'warning', origin: 'endpoint', periodEndMs: Date.UTC(2026, 11, 1),
    });
    const [expired] = limitsOfPlanWindows([{ source: 'claude', window: '5h', usedPercent: 90, resetsAt: new Date(nowMs - 1).toISOString(), fetchedAtMs: nowMs - 1e7, stale: false }], nowMs);
    assert.equal(gaugeOfLimit(expired, englishUsd, thresholds), undefined);
  });

  it('gives an official window its pace: the share of time gone, and when it runs out before its reset', () => {
    // The week: 75% used with 4 of 7 days gone; at that pace it runs out 5.33 days in, 1.67 days before the reset.
    const [week] = limitsOfPlanWindows([{ source: 'claude', window: '7d', usedPercent: 75, resetsAt: new Date(nowMs + 3 * 86_400_000).toISOString(), fetchedAtMs: nowMs, stale: false }], nowMs);
    const gauge = gaugeOfLimit(week, englishUsd, thresholds)!;
    assert.equal(gauge.elapsedFraction!.toFixed(4), (4 / 7).toFixed(4));
    assert.equal(Math.round((gauge.runsOutBeforeResetAtMs! - nowMs) / 3_600_000), 32);
    const [onPace] = limitsOfPlanWindows([{ source: 'claude', window: '7d', usedPercent: 20, resetsAt: new Date(nowMs + 3 * 86_400_000).toISOString(), fetchedAtMs: nowMs, stale: false }], nowMs);
    assert.equal(gaugeOfLimit(onPace, englishUsd, thresholds)!.runsOutBeforeResetAtMs, undefined);
    const [cap] = localConstraints([daily]);
    assert.equal(gaugeOfLimit(cap, englishUsd, thresholds)!.elapsedFraction, undefined);
  });
});
