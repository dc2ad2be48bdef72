import assert from 'node:assert/strict';
import {
  describeDay,
  evaluateThresholds,
  localDayStartMs,
  ordinal,
  periodKeyFor,
  projectOverrun,
  snoozeUntilMs,
  type ThresholdInput,
  type ThresholdState,
} from '../../src/core/thresholds';

const NOW = Date.UTC(2026, 10, 10, 15, 0); // Tue 2026-11-10 15:00Z
const base = (spentUsd: number, over: Partial<ThresholdInput> = {}): ThresholdInput => ({
  spentUsd,
  limitUsd: 100,
  periodKey: '2026-12-01T00:00:00.000Z',
  nowMs: NOW,
  budgetLabel: 'LiteLLM key budget',
  ...over,
});

/** Feeds a spend series through evaluateThresholds and returns the kinds/thresholds raised. */
function run(series: number[], over: Partial<ThresholdInput> = {}): Array<string> {
  let state: ThresholdState | undefined;
  const raised: string[] = [];
  for (const spent of series) {
    const r = evaluateThresholds(base(spent, over), state);
    state = r.state;
    for (const n of r.notifications) raised.push(n.kind === 'overrun' ? 'overrun' : `${n.kind}@${n.thresholdPct}`);
  }
  return raised;
}

describe('evaluateThresholds', () => {
  it('raises each default threshold once as spend climbs', () => {
    assert.deepEqual(run([10, 49, 50, 60, 79.9, 80, 90, 95, 99, 100, 120]), [
      'threshold@50',
      'threshold@80',
      'threshold@95',
      'capReached@100',
    ]);
  });

  it('does not flap when spend hovers at a threshold', () => {
    assert.deepEqual(run([79, 80.2, 79.5, 80.1, 78, 80.4, 79.9, 81]), ['threshold@50', 'threshold@80']);
  });

  it('re-arms a threshold once usage falls clearly below it (a raised cap)', () => {
    assert.deepEqual(run([81, 70, 81]), ['threshold@80', 'threshold@80']);
  });

  it('raises only the highest threshold when several are crossed at once', () => {
    const r = evaluateThresholds(base(96), undefined);
    assert.deepEqual(r.notifications.map((n) => n.kind === 'overrun' ? n.kind : n.thresholdPct), [95]);
    assert.deepEqual(r.state.notifiedPct, [50, 80, 95]);
    assert.equal(r.levelPct, 95);
    assert.equal(r.notifications[0].severity, 'warning');
    assert.equal(r.notifications[0].message, 'LiteLLM key budget at 96%: $96.00 of $100.00 spent.');
  });

  it('starts over in a new period', () => {
    const first = evaluateThresholds(base(85), undefined);
    const again = evaluateThresholds(base(85), first.state);
    const next = evaluateThresholds(base(85, { periodKey: '2027-01-01T00:00:00.000Z' }), again.state);
    assert.equal(again.notifications.length, 0);
    assert.deepEqual(next.notifications.map((n) => n.kind), ['threshold']);
  });

  it('says plainly when the cap is reached and when it resets', () => {
    const r = evaluateThresholds(base(100.5, { resetsAt: '2026-12-01T00:00:00Z' }), undefined);
    assert.equal(r.notifications[0].kind, 'capReached');
    assert.equal(r.notifications[0].severity, 'error');
    assert.equal(r.notifications[0].message, 'LiteLLM key budget reached: $100.50 of $100.00 spent. Requests may be refused until it resets on Dec 1.');
  });

  it('keeps thresholds below 100% quiet while snoozed and raises them after', () => {
    const snoozedUntilMs = NOW + 3_600_000;
    const during = evaluateThresholds(base(85, { snoozedUntilMs }), undefined);
    assert.equal(during.notifications.length, 0);
    const after = evaluateThresholds(base(86, { snoozedUntilMs, nowMs: snoozedUntilMs + 1 }), during.state);
    assert.deepEqual(after.notifications.map((n) => n.kind), ['threshold']);
  });

  it('still reports the cap reached while snoozed', () => {
    const r = evaluateThresholds(base(101, { snoozedUntilMs: NOW + 3_600_000 }), undefined);
    assert.deepEqual(r.notifications.map((n) => n.kind), ['capReached']);
  });

  it('words plan-window warnings in percent, without dollars', () => {
    const r = evaluateThresholds(
      base(100, { unit: 'percent', budgetLabel: 'Claude 5-hour limit', resetsAt: new Date(NOW + 70 * 60_000).toISOString() }),
      undefined,
    );
    assert.equal(r.notifications[0].message, 'Claude 5-hour limit reached. Requests may be refused until it resets today around 16:10.');
    const w = evaluateThresholds(base(82.4, { unit: 'percent', budgetLabel: 'Claude 7-day limit' }), undefined);
    assert.equal(w.notifications[0].message, 'Claude 7-day limit at 82%.');
  });

  it('honours custom thresholds', () => {
    assert.deepEqual(run([30, 60, 91], { thresholdsPct: [90, 25] }), ['threshold@25', 'threshold@90']);
  });

  it('raises the projected overrun once per period before any threshold', () => {
    const projection = { runsOutAtMs: NOW + 5 * 86_400_000, message: "At today's rate the monthly cap runs out on the 15th." };
    const first = evaluateThresholds(base(20, { projection }), undefined);
    assert.deepEqual(first.notifications.map((n) => n.message), ["LiteLLM key budget: At today's rate the monthly cap runs out on the 15th."]);
    const second = evaluateThresholds(base(25, { projection }), first.state);
    assert.equal(second.notifications.length, 0);
  });
});

describe('projectOverrun', () => {
  it("projects from today's rate: $10 spent by 15:00 of $100, $80 left runs out on the 15th", () => {
    // 15 h elapsed today (UTC), $10 today => $16/day; $80 left => 5 days => Nov 15 15:00.
    const p = projectOverrun({ spentUsd: 20, limitUsd: 100, todaySpentUsd: 10, nowMs: NOW, resetsAtMs: Date.UTC(2026, 11, 1), capLabel: 'monthly cap' });
    assert.ok(p);
    assert.equal(p.runsOutAtMs, Date.UTC(2026, 10, 15, 15, 0));
    assert.equal(p.message, "At today's rate the monthly cap runs out on the 15th.");
  });

  it('stays quiet when the budget resets first', () => {
    assert.equal(projectOverrun({ spentUsd: 20, limitUsd: 100, todaySpentUsd: 1, nowMs: NOW, resetsAtMs: Date.UTC(2026, 11, 1) }), null);
  });

  it('stays quiet with no spend today or the cap already reached', () => {
    assert.equal(projectOverrun({ spentUsd: 20, limitUsd: 100, todaySpentUsd: 0, nowMs: NOW }), null);
    assert.equal(projectOverrun({ spentUsd: 100, limitUsd: 100, todaySpentUsd: 50, nowMs: NOW }), null);
  });

  it('uses at least one hour of elapsed day so one early request does not project doom', () => {
    const justAfterMidnight = Date.UTC(2026, 10, 10, 0, 1);
    const p = projectOverrun({ spentUsd: 0, limitUsd: 100, todaySpentUsd: 1, nowMs: justAfterMidnight });
    // $1/h => 100 h => Nov 14 04:01
    assert.equal(p?.runsOutAtMs, justAfterMidnight + 100 * 3_600_000);
  });

  it('uses the local day for the rate and the date', () => {
    // UTC-8: local time is 07:00 on Nov 10, so 7 h elapsed; $7 today => $1/h; $30 left => 30 h => Nov 11 13:00 local.
    const p = projectOverrun({ spentUsd: 70, limitUsd: 100, todaySpentUsd: 7, nowMs: NOW, utcOffsetMinutes: -480 });
    assert.equal(p?.message, "At today's rate the cap runs out tomorrow.");
  });

  it('says "today around HH:MM" when it runs out today', () => {
    const p = projectOverrun({ spentUsd: 95, limitUsd: 100, todaySpentUsd: 15, nowMs: NOW });
    // $1/h, $5 left => 20:00
    assert.equal(p?.message, "At today's rate the cap runs out today around 20:00.");
  });
});

describe('threshold date helpers', () => {
  it('writes ordinals', () => {
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 19, 21, 22, 23, 31].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '19th', '21st', '22nd', '23rd', '31st']);
  });

  it('names a day in another month by month and day', () => {
    assert.equal(describeDay(Date.UTC(2026, 11, 3, 12), NOW, 0), 'on Dec 3');
  });

  it('snoozes until the next local midnight', () => {
    assert.equal(snoozeUntilMs('tomorrow', NOW, 60), Date.UTC(2026, 10, 10, 23, 0));
    assert.equal(snoozeUntilMs('1h', NOW, 60), NOW + 3_600_000);
    assert.equal(localDayStartMs(NOW, -480), Date.UTC(2026, 10, 10, 8, 0));
  });

  it('keys a period by reset time, else by local month', () => {
    assert.equal(periodKeyFor('2026-12-01T00:00:00.000Z', NOW, 0), '2026-12-01T00:00:00.000Z');
    assert.equal(periodKeyFor(undefined, Date.UTC(2026, 10, 30, 23, 30), 60), '2026-12');
  });
});
