import { Formatter } from '../../src/core/format';
import * as assert from 'node:assert/strict';
import { Calendar } from '../../src/core/calendar';
import {
  buildDashboardView,
  DashboardIndex,
  dailyCsvColumns,
  dailyExportRows,
  resolveRange,
  runawayAlertItems,
  sessionDetails,
  toCsv,
  viewPatch,
} from '../../src/core/dashboard';
import { PriceTable } from '../../src/core/pricing';
import { applySessionsDelta, dashboardViewSchema, sessionKey, toHostSchema, toViewSchema, type DashboardQuery, type SessionRow } from '../../src/core/protocol';
import { dailyReport } from '../../src/core/reports';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import { computeStatus } from '../../src/core/status/computeStatus';
import type { RunawayAlert } from '../../src/core/runaway';
import type { UsageEvent } from '../../src/core/usageEvent';
import { fixtureEvents } from '../dashboard/fixtureEvents';

const prices = new PriceTable();
const nowMs = Date.UTC(2026, 10, 24, 15, 0);

function event(overrides: Partial<UsageEvent>): UsageEvent {
  return {
    source: 'claude', timestampMs: nowMs - 3_600_000, sessionId: 's1', agentId: '', project: 'p', model: 'claude-sonnet-4-5-20250929',
    inputTokens: 1_000, outputTokens: 500, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 10_000, ...overrides,
  };
}

function indexOf(events: UsageEvent[], calendar = new Calendar('UTC')): DashboardIndex {
  const index = new DashboardIndex(prices, calendar);
  index.sync(events, false);
  return index;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('dashboard data', () => {
  const events = fixtureEvents({ nowMs, days: 50, requestsPerDay: 400, seed: 3 });

  it('agrees with the daily report on cost and tokens per local day, across a DST change', () => {
    const calendar = new Calendar('Europe/Berlin');
    const index = indexOf(events, calendar);
    const query: DashboardQuery = { range: 'custom', from: '2026-10-20', to: '2026-11-10', source: 'all' };
    const view = buildDashboardView(index, query, { nowMs });
    const report = dailyReport(events, { calendar, prices, since: '2026-10-20', until: '2026-11-10' });
    assert.equal(view.daily.days.length, 22);
    for (const day of report.daily) {
      const at = view.daily.days.indexOf(day.date);
      assert.ok(at >= 0, day.date);
      close(sum(view.daily.costUsdByModel.map((m) => m[at])), day.totalCost, `cost on ${day.date}`);
      assert.equal(view.daily.tokensByDay[at], day.totalTokens, `tokens on ${day.date}`);
    }
    close(view.header.rangeCostUsd, report.totals.totalCost, 'range cost');
  });

  it('folds appended events to the same view as a full rebuild', () => {
    const half = Math.floor(events.length / 2);
    const growing = events.slice(0, half);
    const incremental = new DashboardIndex(prices, new Calendar('UTC'));
    incremental.sync(growing, true);
    growing.push(...events.slice(half));
    assert.equal(incremental.sync(growing, true), events.length - half);
    const query: DashboardQuery = { range: '30d', source: 'all' };
    assert.deepEqual(buildDashboardView(incremental, query, { nowMs }), buildDashboardView(indexOf(events), query, { nowMs }));
  });

  it('folds the appended rows given alone (the editor reads only those) to the same view as a full rebuild', () => {
    const half = Math.floor(events.length / 2);
    const incremental = new DashboardIndex(prices, new Calendar('UTC'));
    incremental.sync(events.slice(0, half), false);
    incremental.append(events.slice(half, half + 10));
    incremental.append(events.slice(half + 10));
    assert.equal(incremental.size, events.length);
    const query: DashboardQuery = { range: '30d', source: 'all' };
    assert.deepEqual(buildDashboardView(incremental, query, { nowMs }), buildDashboardView(indexOf(events), query, { nowMs }));
    // And a later sync of every row, append-only, folds none of them again.
    assert.equal(incremental.sync(events, true), 0);
  });

  it('moves an endpoint reading by the rows after its fetch alone (readingEvents) as by every row', () => {
    const budget = budgetSettingsSchema.parse({});
    const readings = [
      { source: 'gateway', scope: 'team' as const, limitUsd: 5_000, spentUsd: 4_100, fetchedAtMs: nowMs - 2 * 3_600_000, stale: false },
      { source: 'proxy', scope: 'key' as const, limitUsd: 300, spentUsd: 120, fetchedAtMs: nowMs - 1_800_000, stale: false },
    ];
    const inputs = { prices, calendar: new Calendar('UTC'), nowMs, budget, readings };
    const whole = computeStatus({ ...inputs, events });
    const fromMs = Math.min(...readings.map((r) => r.fetchedAtMs));
    const after = events.filter((e) => e.timestampMs >= fromMs);
    assert.ok(after.length > 10 && after.length < events.length / 10, String(after.length));
    const alone = computeStatus({ ...inputs, events: events.slice(-10), readingEvents: after, estimatedSpend: whole.estimatedSpend });
    assert.deepEqual(alone.limits, whole.limits);
    assert.ok(whole.limits.filter((l) => l.origin === 'endpoint').every((l) => l.used !== 4_100 && l.used !== 120), 'both readings moved');
  });

  it('refolds everything when rows changed in place', () => {
    const rows = [event({}), event({ sessionId: 's2' })];
    const index = new DashboardIndex(prices, new Calendar('UTC'));
    index.sync(rows, true);
    const before = buildDashboardView(index, { range: 'today', source: 'all' }, { nowMs }).header.rangeTokens;
    rows[0].outputTokens += 1_000; // a merged duplicate with a larger output
    index.sync(rows, false);
    assert.equal(buildDashboardView(index, { range: 'today', source: 'all' }, { nowMs }).header.rangeTokens, before + 1_000);
  });

  it('resolves today, 7 days, 30 days, this month and a custom range with swapped bounds', () => {
    const calendar = new Calendar('UTC');
    const dayOf = (q: DashboardQuery) => {
      const r = resolveRange(q, calendar, nowMs);
      return [new Date(r.startMs).toISOString().slice(0, 10), new Date(r.endMs).toISOString().slice(0, 10)];
    };
    assert.deepEqual(dayOf({ range: 'today', source: 'all' }), ['2026-11-24', '2026-11-25']);
    assert.deepEqual(dayOf({ range: '7d', source: 'all' }), ['2026-11-18', '2026-11-25']);
    assert.deepEqual(dayOf({ range: '30d', source: 'all' }), ['2026-10-26', '2026-11-25']);
    assert.deepEqual(dayOf({ range: 'month', source: 'all' }), ['2026-11-01', '2026-11-25']);
    assert.deepEqual(dayOf({ range: 'custom', from: '2026-11-10', to: '2026-11-01', source: 'all' }), ['2026-11-01', '2026-11-11']);
    // Local days: 01:00 UTC on the 24th is still the 23rd in New York.
    const ny = resolveRange({ range: 'today', source: 'all' }, new Calendar('America/New_York'), Date.UTC(2026, 10, 24, 1));
    assert.equal(ny.startMs, Date.UTC(2026, 10, 23, 5));
  });

  it('shows only the chosen source', () => {
    const view = buildDashboardView(indexOf(events), { range: '30d', source: 'codex' }, { nowMs });
    assert.ok(view.sessions.rows.length > 0);
    assert.ok(view.sessions.rows.every((r) => r.source === 'codex'));
    assert.deepEqual(view.models.map((m) => m.model), ['gpt-5-codex']);
    assert.deepEqual(view.sources, ['claude', 'codex']);
  });

  it('counts only the part of a session inside the range', () => {
    const day = 86_400_000;
    const startOfToday = Date.UTC(2026, 10, 24);
    const rows = [
      event({ timestampMs: startOfToday - 2 * 3_600_000, outputTokens: 7 }),
      event({ timestampMs: startOfToday + 3_600_000, outputTokens: 11 }),
      event({ timestampMs: startOfToday - 3 * day, sessionId: 'old' }),
    ];
    const view = buildDashboardView(indexOf(rows), { range: 'today', source: 'all' }, { nowMs });
    assert.equal(view.sessions.total, 1);
    assert.equal(view.sessions.rows[0].requests, 1);
    assert.equal(view.sessions.rows[0].startMs, startOfToday + 3_600_000);
    assert.equal(view.perResult.sessions, 1);
  });

  it('stacks the costliest models and folds the rest into "other models"', () => {
    const models = ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5', 'gpt-5-mini', 'gpt-4.1', 'o3', 'claude-3-5-haiku'];
    const rows = models.map((model, i) => event({ model, sessionId: `s${i}`, outputTokens: 1_000 * (i + 1) }));
    const view = buildDashboardView(indexOf(rows), { range: 'today', source: 'all' }, { nowMs });
    assert.equal(view.daily.models.length, 6);
    assert.equal(view.daily.models[5], 'other models');
    close(sum(view.daily.costUsdByModel.map((m) => m[0])), view.header.rangeCostUsd, 'stacked total');
    assert.equal(view.models.length, models.length);
  });

  it('caps the session table and counts the rest', () => {
    const view = buildDashboardView(indexOf(events), { range: '30d', source: 'all' }, { nowMs, maxSessionRows: 10 });
    assert.equal(view.sessions.rows.length, 10);
    assert.ok(view.sessions.total > 10);
    for (let i = 1; i < 10; i++) assert.ok(view.sessions.rows[i - 1].costUsd >= view.sessions.rows[i].costUsd);
  });

  it('draws caps, today’s projection, cumulative spend and gauges from the estimated spend', () => {
    const budget = budgetSettingsSchema.parse({ dailyUsd: 50, monthlyUsd: 900 });
    const estimatedSpend = computeEstimatedSpend(events, { prices, calendar: new Calendar('UTC'), nowMs, budget });
    const view = buildDashboardView(indexOf(events), { range: '7d', source: 'all' }, { nowMs, estimatedSpend, budget });
    assert.equal(view.daily.capUsd, 50);
    assert.equal(view.cumulative.capUsd, 900);
    assert.equal(view.cumulative.days.length, 30);
    assert.equal(view.daily.projection?.dayIndex, 6);
    assert.ok(view.daily.projection!.costUsd >= view.header.todayCostUsd);
    const spent = view.cumulative.spentUsd;
    assert.equal(spent[23] !== null && spent[24] === null, true, 'spent runs through today (the 24th) only');
    close(spent[23]!, estimatedSpend.month.totalCost, 'month to date');
    assert.ok(view.cumulative.projectedUsd[29]! > spent[23]!);
    assert.deepEqual(view.header.gauges.map((g) => g.label), ['Daily cap', 'Monthly cap']);
    close(view.header.gauges[1].spent, estimatedSpend.month.totalCost, 'gauge');
    const status = computeStatus({ events, prices, calendar: new Calendar('UTC'), nowMs, budget, estimatedSpend,
      readings: [{ source: 'gateway', scope: 'team', limitUsd: 5_000, spentUsd: 4_100, fetchedAtMs: nowMs, stale: false }] });
    const withPool = buildDashboardView(indexOf(events), { range: '7d', source: 'all' }, { nowMs, estimatedSpend, budget, limits: status.limits });
    assert.deepEqual(withPool.header.gauges.map((g) => [g.label, g.origin]), [['Daily cap', 'estimated'], ['Monthly cap', 'estimated'], ['gateway team pool', 'endpoint']]);
  });

  it('shows one card per limit: each Codex window once, with an endpoint pool and a Claude window beside the caps', () => {
    const budget = budgetSettingsSchema.parse({ dailyUsd: 50 });
    const codexLimits = [
      { name: 'primary' as const, usedPercent: 23, windowMinutes: 300, resetsAtMs: nowMs + 3_600_000, observedAtMs: nowMs - 60_000 },
      { name: 'secondary' as const, usedPercent: 41, windowMinutes: 10_080, resetsAtMs: nowMs + 3 * 86_400_000, observedAtMs: nowMs - 60_000 },
    ];
    const status = computeStatus({
      events, prices, calendar: new Calendar('UTC'), nowMs, budget, codexLimits,
      readings: [{ source: 'gateway', scope: 'team', limitUsd: 5_000, spentUsd: 4_100, fetchedAtMs: nowMs, stale: false }],
      planWindows: [{ source: 'claude', window: '5h', usedPercent: 12, resetsAt: new Date(nowMs + 7_200_000).toISOString(), fetchedAtMs: nowMs, stale: false }],
    });
    const view = buildDashboardView(indexOf(events), { range: '7d', source: 'all' }, { nowMs, estimatedSpend: status.estimatedSpend, budget, limits: status.limits });
    const labels = view.header.gauges.map((g) => g.label);
    assert.deepEqual(labels, ['Daily cap', 'gateway team pool', 'Claude 5-hour window', 'Codex 5-hour window', 'Codex weekly window']);
    assert.equal(view.header.gauges.length, status.limits.length, 'one card per limit');
    assert.equal(new Set(labels).size, labels.length);
    // Without the status model the page still shows the estimated spend's caps and Codex windows, once each.
    const alone = buildDashboardView(indexOf(events), { range: '7d', source: 'all' }, { nowMs, estimatedSpend: status.estimatedSpend, budget });
    assert.deepEqual(alone.header.gauges.map((g) => g.label), ['Daily cap', 'Codex 5-hour window', 'Codex weekly window']);
  });

  it('sends only the changed sections of a live update', () => {
    const rows = events.filter((e) => e.timestampMs > nowMs - 10 * 86_400_000);
    const index = new DashboardIndex(prices, new Calendar('UTC'));
    index.sync(rows, true);
    const query: DashboardQuery = { range: '7d', source: 'all' };
    const first = buildDashboardView(index, query, { nowMs });
    assert.equal(viewPatch(undefined, first), null);
    assert.equal(viewPatch(first, buildDashboardView(index, { ...query, source: 'codex' }, { nowMs })), null);
    assert.deepEqual(Object.keys(viewPatch(first, buildDashboardView(index, query, { nowMs }))!).sort(), ['nowMs', 'query']);
    // A late line from nine days ago: outside the 7 days shown, inside this month's cumulative spend.
    rows.push(event({ sessionId: 'late', timestampMs: nowMs - 9 * 86_400_000 }));
    index.sync(rows, true);
    const patch = viewPatch(first, buildDashboardView(index, query, { nowMs }))!;
    assert.deepEqual(Object.keys(patch).sort(), ['cumulative', 'nowMs', 'query']);
    // A new request today changes the sections it touches and leaves the rest out.
    rows.push(event({ timestampMs: nowMs - 60_000, model: 'claude-opus-4-5-20251101' }));
    index.sync(rows, true);
    const latest = buildDashboardView(index, query, { nowMs: nowMs + 1_000 });
    const second = viewPatch(first, latest)!;
    assert.ok(second.header && second.daily && second.models);
    // The table travels as the rows that changed, and the page's merge gives the new table.
    assert.equal(second.sessions, undefined);
    assert.deepEqual(second.sessionsDelta!.upserts.map((r) => r.sessionId), ['s1']);
    const byKey = (rows: SessionRow[]) => [...rows].sort((a, b) => sessionKey(a).localeCompare(sessionKey(b)));
    assert.deepEqual(byKey(applySessionsDelta(first.sessions.rows, second.sessionsDelta!)), byKey(latest.sessions.rows));
    assert.ok(JSON.stringify(second).length < JSON.stringify(latest).length / 2);
  });

  it('drops rows that left the table from the delta and the merge', () => {
    const rows = [event({ sessionId: 'a', outputTokens: 9_000 }), event({ sessionId: 'b' }), event({ sessionId: 'c', outputTokens: 100 })];
    const index = new DashboardIndex(prices, new Calendar('UTC'));
    index.sync(rows, true);
    const query: DashboardQuery = { range: 'today', source: 'all' };
    const first = buildDashboardView(index, query, { nowMs, maxSessionRows: 2 });
    rows.push(event({ sessionId: 'c', outputTokens: 50_000 }));
    index.sync(rows, true);
    const next = buildDashboardView(index, query, { nowMs, maxSessionRows: 2 });
    const delta = viewPatch(first, next)!.sessionsDelta!;
    assert.deepEqual(delta.upserts.map((r) => r.sessionId), ['c']);
    assert.deepEqual(delta.removedKeys, [sessionKey({ source: 'claude', sessionId: 'b' })]);
    assert.deepEqual(applySessionsDelta(first.sessions.rows, delta).map((r) => r.sessionId).sort(), ['a', 'c']);
  });

  it('shows runaway alerts in force, newest first, with their session', () => {
    const base: RunawayAlert = {
      firedAtMs: nowMs - 120_000, kind: 'parallel-agents', sessionId: 's1', project: 'p', model: 'claude-sonnet-4-5', usdPerHour: 80, tokensPerMinute: 1e6,
      activeAgents: 42, runningForMs: 600_000, costSoFarUsd: 12, projectedNextHourUsd: 80, message: '42 sub-agents active in s1',
    };
    const items = runawayAlertItems([base, { ...base, kind: 'burn-rate', firedAtMs: nowMs - 60_000, message: '$300/h in s1' }]);
    assert.deepEqual(items.map((a) => [a.title, a.level, a.sessionId]), [['Runaway spend', 'error', 's1'], ['Many parallel sub-agents', 'warning', 's1']]);
    const view = buildDashboardView(indexOf([event({})]), { range: 'today', source: 'all' }, { nowMs, alerts: items });
    assert.equal(view.alerts[0].detail, '$300/h in s1');
    assert.deepEqual(buildDashboardView(indexOf([event({})]), { range: 'today', source: 'all' }, { nowMs }).alerts, []);
  });

  it('says the range, the period chart, project rows and runaway alerts in Chinese and yuan', () => {
    const zh = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7, timeZone: 'UTC' });
    const alert: RunawayAlert = {
      firedAtMs: nowMs - 60_000, kind: 'burn-rate', sessionId: 's1', project: 'p', model: 'claude-sonnet-4-5', usdPerHour: 300, tokensPerMinute: 1e6,
      activeAgents: 1, runningForMs: 600_000, costSoFarUsd: 12, projectedNextHourUsd: 300, message: 'English',
    };
    const view = buildDashboardView(indexOf([event({}), event({ sessionId: 's2' })]), { range: '7d', source: 'all' }, { nowMs, fmt: zh, alerts: runawayAlertItems([alert], zh) });
    assert.equal(view.rangeLabel, zh.l10n.t('Last 7 days'));
    assert.notEqual(view.rangeLabel, 'Last 7 days');
    assert.match(view.cumulative.label, /^本月（\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}），所有来源$/);
    assert.equal(view.topProjects[0].detail, zh.l10n.t('{0} sessions', 2));
    assert.equal(view.alerts[0].title, zh.l10n.t('Runaway spend'));
    assert.match(view.alerts[0].detail, /¥2,100\/小时/);
  });

  it('breaks a session down by model and agent, main agent first', () => {
    const rows = [
      event({ agentId: 'agent-1', model: 'claude-haiku-4-5-20251001', outputTokens: 9_000 }),
      event({}),
      event({ timestampMs: nowMs - 60_000 }),
      event({ sessionId: 'other' }),
    ];
    const details = sessionDetails(rows, 's1', prices)!;
    assert.equal(details.requests, 3);
    assert.deepEqual(details.byAgent.map((a) => [a.name, a.requests]), [['', 2], ['agent-1', 1]]);
    assert.equal(details.byModel.length, 2);
    close(details.costUsd, sum(rows.slice(0, 3).map((e) => prices.costOf(e)!)), 'session cost');
    assert.equal(details.endMs, nowMs - 60_000);
    assert.equal(sessionDetails(rows, 'missing', prices), null);
  });

  it('exports CSV with quoting and without spreadsheet formulas from log names', () => {
    const csv = toCsv([{ a: '=HYPERLINK("x")', b: 'plain, with comma', c: 3 }], ['a', 'b', 'c']);
    assert.equal(csv, 'a,b,c\r\n"\'=HYPERLINK(""x"")","plain, with comma",3\r\n');
    const rows = dailyExportRows(indexOf(events), { range: '7d', source: 'all' }, nowMs);
    assert.ok(rows.length > 7);
    const text = toCsv(rows, dailyCsvColumns);
    assert.equal(text.split('\r\n')[0], dailyCsvColumns.join(','));
    close(sum(rows.map((r) => r.costUsd)), buildDashboardView(indexOf(events), { range: '7d', source: 'all' }, { nowMs }).header.rangeCostUsd, 'export total');
  });

  it('builds views the protocol accepts, and the protocol rejects what it does not know', () => {
    const view = buildDashboardView(indexOf(events), { range: 'month', source: 'all' }, { nowMs });
    assert.equal(dashboardViewSchema.safeParse(view).success, true);
    assert.equal(toViewSchema.safeParse({ type: 'view', view: { ...view, nowMs: 'now' } }).success, false);
    assert.equal(toHostSchema.safeParse({ type: 'ready' }).success, true);
    assert.equal(toHostSchema.safeParse({ type: 'query', query: { range: 'year', source: 'all' } }).success, false);
    assert.equal(toHostSchema.safeParse({ type: 'sessionDetails', sessionId: 'x'.repeat(501) }).success, false);
    assert.equal(toHostSchema.safeParse({ type: 'runCommand', command: 'rm -rf' }).success, false);
  });
});
