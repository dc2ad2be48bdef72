import * as assert from 'node:assert/strict';
import { Calendar } from '../../src/core/calendar';
import { PriceTable } from '../../src/core/pricing';
import { blocksReport, usageBlocks } from '../../src/core/reports';
import { budgetSettingsSchema } from '../../src/core/settings';
import { englishUsd, formatTokens } from '../../src/core/format';
import { computeEstimatedSpend, type EstimatedSpend } from '../../src/core/status/estimatedSpend';
import type { UsageEvent } from '../../src/core/usageEvent';

const prices = new PriceTable();
const calendar = new Calendar('UTC');

/** A Sonnet 4.5 request costing exactly `usd` (output tokens at $15/M). */
function request(at: string, usd: number, sessionId = 's1'): UsageEvent {
  return { source: 'claude', timestampMs: Date.parse(at), sessionId, agentId: '', project: 'p', model: 'claude-sonnet-4-5-20250929', inputTokens: 0, outputTokens: Math.round((usd / 15) * 1e6), cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
}

const budget = (values: object) => budgetSettingsSchema.parse(values);
/** What the status bar shows from the logs alone: the icon `src/ui` adds, then the formatter's line. */
const barText = (s: EstimatedSpend) => `$(${englishUsd.statusIcon({ estimatedSpend: s, level: s.level })}) ${englishUsd.statusText(s.today, s.tightest)}`;

describe('estimated spend (the status from the logs alone)', () => {
  it('shows today\'s spend and tokens without a cap', () => {
    const s = computeEstimatedSpend([request('2026-11-24T09:00:00Z', 12.4), request('2026-11-23T09:00:00Z', 5)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budget({}) });
    assert.equal(barText(s), `$(pulse) $12.40 today · ${formatTokens(Math.round((12.4 / 15) * 1e6))} tok`);
    assert.equal(s.week.totalCost.toFixed(2), '17.40');
    assert.equal(s.level, 'ok');
  });

  it('shows what is left of a daily cap and turns to warning at 80% and error at 95%', () => {
    const at = (spent: number) => computeEstimatedSpend([request('2026-11-24T09:00:00Z', spent)], { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budget({ dailyUsd: 50 }) });
    const textAt = (spent: number) => barText(at(spent));
    assert.equal(textAt(12.4), '$(pulse) $37.60 left of $50 today');
    assert.equal(at(39.9).level, 'ok');
    assert.equal(at(40).level, 'warning');
    assert.equal(at(47.5).level, 'error');
    assert.equal(at(52.1).level, 'exceeded');
    assert.equal(textAt(52.1), '$(error) Over budget: $52.10 of $50 today');
  });

  it('projects when a monthly cap runs out at the current rate, and picks the tightest cap', () => {
    const events = [request('2026-11-02T09:00:00Z', 100), request('2026-11-09T09:00:00Z', 100)];
    const s = computeEstimatedSpend(events, { prices, calendar, nowMs: Date.parse('2026-11-11T00:00:00Z'), budget: budget({ monthlyUsd: 300, dailyUsd: 1000 }) });
    const monthly = s.budgets.find((b) => b.period === 'month')!;
    // $200 in 10 days = $20/day; $100 left → 5 more days.
    assert.equal(Math.round(monthly.projectedExhaustMs! / 60_000), Date.parse('2026-11-16T00:00:00Z') / 60_000);
    assert.equal(s.tightest, monthly);
  });

  it('finds the active 5-hour block and its burn rate', () => {
    const events = [request('2026-11-24T08:10:00Z', 3), request('2026-11-24T09:40:00Z', 3)];
    const s = computeEstimatedSpend(events, { prices, calendar, nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budget({}) });
    assert.equal(new Date(s.block!.startMs).toISOString(), '2026-11-24T08:00:00.000Z');
    assert.equal(new Date(s.block!.endMs).toISOString(), '2026-11-24T13:00:00.000Z');
    assert.equal(s.block!.usdPerHour.toFixed(2), '3.00');
  });
});

describe('5-hour blocks', () => {
  it('starts a new block after five hours or after a five-hour gap', () => {
    const events = [request('2026-11-24T08:10:00Z', 1), request('2026-11-24T12:59:00Z', 1), request('2026-11-24T13:00:00Z', 1), request('2026-11-25T01:00:00Z', 1)];
    const blocks = usageBlocks(events, prices, Date.parse('2026-11-25T02:00:00Z'));
    assert.deepEqual(blocks.map((b) => [b.id, b.entries, b.isActive]), [
      ['2026-11-24T08:00:00.000Z', 2, false],
      ['2026-11-24T13:00:00.000Z', 1, false],
      ['2026-11-25T01:00:00.000Z', 1, true],
    ]);
    const active = blocksReport(events, prices, Date.parse('2026-11-25T02:00:00Z')).blocks[2];
    assert.equal(active.projection?.remainingMinutes, 240);
  });
});
