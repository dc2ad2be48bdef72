import * as assert from 'node:assert/strict';
import { Calendar } from '../../src/core/calendar';
import { Ledger } from '../../src/core/ledger/ledger';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import { addExact, exactValue } from '../../src/core/status/exactSum';
import { addToRollup, advanceRollup, rawRowsFromMs, rollupCovers, rollupOf, rollupSlotMs, statusWindowStartMs, type StatusRollup } from '../../src/core/status/statusRollup';
import { decodeRollupFile, encodeRollupFile } from '../../src/sources/statusRollupFile';
import type { UsageEvent } from '../../src/core/usageEvent';
// Seeded, so that a failure names the case that failed.
import { mulberry32 as random } from '../helpers/mulberry32.mjs';


// Zones with DST on different dates, a half-hour and a 45-minute offset, a 30-minute DST shift, and UTC.
const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham'];
// Ends of DST periods, month ends, the price alias's start (codex-auto-review, 2026-04-12), a leap day.
const anchors = ['2026-03-08T12:00:00Z', '2026-03-29T01:30:00Z', '2026-04-05T03:00:00Z', '2026-04-12T00:10:00Z', '2026-10-04T02:00:00Z', '2026-10-25T00:45:00Z', '2026-11-01T06:00:00Z', '2026-12-31T23:50:00Z', '2028-02-29T12:00:00Z'].map(Date.parse);
// Priced, priced by an override, unpriced, priced from a date on (alias), and a reply whose cost is logged.
const models = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'gpt-5.4', 'house-model-1', 'mystery-model', 'codex-auto-review'];
const prices = new PriceTable({ 'house-model': { inputPerMTok: 0.7, outputPerMTok: 2.9 } });

function eventsAround(rand: () => number, centreMs: number, count: number): UsageEvent[] {
  const events: UsageEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly the last 40 days, some right at slot and hour edges, a few in the future.
    const edge = rand() < 0.2;
    let t = centreMs - Math.floor(rand() * 40 * 86_400_000) + (rand() < 0.03 ? 120_000 : 0);
    if (edge) t = Math.floor(t / rollupSlotMs) * rollupSlotMs - (rand() < 0.5 ? 1 : 0);
    const model = models[Math.floor(rand() * models.length)];
    const event: UsageEvent = {
      source: rand() < 0.7 ? 'claude' : 'codex', timestampMs: t, sessionId: `s${Math.floor(rand() * 30)}`, agentId: '', project: 'p', model,
      inputTokens: Math.floor(rand() * 5000), outputTokens: Math.floor(rand() * 3000), cacheWrite5mTokens: rand() < 0.5 ? Math.floor(rand() * 20000) : 0,
      cacheWrite1hTokens: rand() < 0.2 ? Math.floor(rand() * 9000) : 0, cacheReadTokens: Math.floor(rand() * 90000),
    };
    if (rand() < 0.08) event.loggedCostUsd = Math.floor(rand() * 1e6) / 1e7;
    events.push(event);
  }
  return events;
}

/** The rollup written to its file's bytes and read back (what the next run gets). */
function throughFile(rollup: StatusRollup): StatusRollup {
  const read = decodeRollupFile(encodeRollupFile({ state: 's', priceKey: 'p', rollup }));
  assert.ok(read, 'the rollup file reads back');
  return read.rollup;
}

const dayMs = 86_400_000;

describe('status rollups (closed history summed per local day, requests per 15 minutes)', function () {
  // No timing in what is checked: the time limit only has to hold on a loaded 2-core machine.
  this.timeout(60_000);
  it('gives the same status as every raw row, in any zone, across DST, month ends and price changes', () => {
    let compared = 0;
    for (let seed = 1; seed <= 64; seed++) {
      const rand = random(seed);
      const timeZone = zones[seed % zones.length];
      const calendar = new Calendar(timeZone);
      const nowMs = anchors[Math.floor(rand() * anchors.length)] + Math.floor(rand() * 3 * 86_400_000);
      const events = eventsAround(rand, nowMs, 300 + Math.floor(rand() * 400));
      const budget = budgetSettingsSchema.parse({ weekStartsOn: Math.floor(rand() * 7), resetDayOfMonth: 1 + Math.floor(rand() * 31), dailyUsd: 50, monthlyTokens: 5e8 });
      const windowStartMs = statusWindowStartMs(nowMs);
      // The rollup ends on a slot boundary at or before the raw rows' start, up to three days earlier.
      const beforeMs = Math.floor(rawRowsFromMs(calendar, nowMs) / rollupSlotMs) * rollupSlotMs - Math.floor(rand() * 3 * 96) * rollupSlotMs;
      const rollup = rollupOf(events, prices, calendar, windowStartMs - Math.floor(rand() * 200) * rollupSlotMs, beforeMs);
      assert.ok(rollupCovers(rollup, calendar, budget, nowMs), `seed ${seed} (${timeZone})`);
      // A segment per local day (36 at most over 33 days and a few more): the size does not follow the rows.
      assert.ok(rollup.segmentStarts.length <= 37, `seed ${seed}: ${rollup.segmentStarts.length} segments`);
      const options = { prices, calendar, nowMs, budget };
      const raw = computeEstimatedSpend(events.filter((e) => e.timestampMs >= windowStartMs), options);
      const fromRollup = computeEstimatedSpend(events.filter((e) => e.timestampMs >= beforeMs), { ...options, closed: throughFile(rollup) });
      assert.deepEqual(fromRollup, raw, `seed ${seed} (${timeZone})`);
      compared++;
    }
    assert.equal(compared, 64);
  });

  it('read in another zone or with another week start, is either refused or gives the same status', () => {
    let covered = 0;
    let refused = 0;
    for (let seed = 1; seed <= 96; seed++) {
      const rand = random(500 + seed);
      const written = new Calendar(zones[seed % zones.length]);
      const read = new Calendar(zones[Math.floor(rand() * zones.length)]);
      const nowMs = anchors[Math.floor(rand() * anchors.length)] + Math.floor(rand() * 3 * dayMs);
      const events = eventsAround(rand, nowMs, 300);
      const budget = budgetSettingsSchema.parse({ weekStartsOn: Math.floor(rand() * 7), resetDayOfMonth: 1 + Math.floor(rand() * 31) });
      const windowStartMs = statusWindowStartMs(nowMs);
      const beforeMs = Math.floor(Math.min(rawRowsFromMs(written, nowMs), rawRowsFromMs(read, nowMs)) / rollupSlotMs) * rollupSlotMs;
      const rollup = throughFile(rollupOf(events, prices, written, windowStartMs, beforeMs));
      if (!rollupCovers(rollup, read, budget, nowMs)) {
        refused++;
        assert.throws(() => computeEstimatedSpend([], { prices, calendar: read, nowMs, budget, closed: rollup }));
        continue;
      }
      covered++;
      const options = { prices, calendar: read, nowMs, budget };
      const raw = computeEstimatedSpend(events.filter((e) => e.timestampMs >= windowStartMs), options);
      assert.deepEqual(computeEstimatedSpend(events.filter((e) => e.timestampMs >= beforeMs), { ...options, closed: rollup }), raw, `seed ${seed}`);
    }
    // Both happen: zones with the same midnights (UTC and London in winter, say) share a rollup; others do not.
    assert.ok(covered > 10 && refused > 10, `covered ${covered}, refused ${refused}`);
  });

  it('moved forward hour by hour over days, DST changes and month ends, gives the same status as the rows', () => {
    for (let seed = 1; seed <= 24; seed++) {
      const rand = random(700 + seed);
      const calendar = new Calendar(zones[seed % zones.length]);
      let nowMs = anchors[seed % anchors.length] - 2 * dayMs;
      const events = eventsAround(rand, nowMs + 6 * dayMs, 600);
      const budget = budgetSettingsSchema.parse({ weekStartsOn: seed % 7, resetDayOfMonth: 1 + (seed % 31) });
      const target = (t: number) => Math.floor(rawRowsFromMs(calendar, t) / rollupSlotMs) * rollupSlotMs;
      let rollup = rollupOf(events, prices, calendar, statusWindowStartMs(nowMs), target(nowMs));
      for (let step = 0; step < 12; step++) {
        nowMs += Math.floor(rand() * 30 * 3_600_000);
        rollup = throughFile(advanceRollup(rollup, events, prices, calendar, statusWindowStartMs(nowMs), target(nowMs)));
        assert.ok(rollupCovers(rollup, calendar, budget, nowMs), `seed ${seed} step ${step}`);
        // The segment holding the window's start is kept whole: at most one day more than the window.
        assert.ok(rollup.fromMs > statusWindowStartMs(nowMs) - 26 * 3_600_000, `seed ${seed} step ${step}`);
        const options = { prices, calendar, nowMs, budget };
        const raw = computeEstimatedSpend(events.filter((e) => e.timestampMs >= statusWindowStartMs(nowMs)), options);
        assert.deepEqual(computeEstimatedSpend(events.filter((e) => e.timestampMs >= rollup.beforeMs), { ...options, closed: rollup }), raw, `seed ${seed} step ${step}`);
      }
    }
  });

  it('sums a deduplicated ledger the same way: rows merged into, and rows added after the rollup was made', () => {
    for (let seed = 1; seed <= 16; seed++) {
      const rand = random(1000 + seed);
      const calendar = new Calendar(zones[seed % zones.length]);
      const nowMs = anchors[seed % anchors.length];
      const budget = budgetSettingsSchema.parse({});
      const ledger = new Ledger();
      // Each request is logged several times while it streams (output growing), some copied by a resumed session.
      const lines = eventsAround(rand, nowMs, 400).flatMap((event, i) => [1, 2, 3].slice(0, 1 + Math.floor(rand() * 3)).map((k) => ({ event: { ...event, outputTokens: event.outputTokens * k }, dedupKey: `m${i}:r${i}` })));
      const half = Math.floor(lines.length / 2);
      for (const line of lines.slice(0, half)) ledger.add(line);
      const windowStartMs = statusWindowStartMs(nowMs);
      const beforeMs = Math.floor(rawRowsFromMs(calendar, nowMs) / rollupSlotMs) * rollupSlotMs - 96 * rollupSlotMs;
      // A rollup of the first half, then kept up to date as the second half merges into rows and adds new ones.
      let rollup: StatusRollup = rollupOf(ledger.eventsSince(0), prices, calendar, windowStartMs, beforeMs - 48 * rollupSlotMs);
      const before = new Map(ledger.events().map((e, row) => [row, e]));
      for (const line of lines.slice(half)) ledger.add(line);
      const after = ledger.events();
      after.forEach((e, row) => {
        const old = before.get(row);
        if (old) addToRollup(rollup, old, prices.costOf(old), -1);
        addToRollup(rollup, e, prices.costOf(e));
      });
      rollup = advanceRollup(rollup, after, prices, calendar, windowStartMs, beforeMs);
      const rebuilt = rollupOf(after, prices, calendar, windowStartMs, beforeMs);
      const canonical = (r: StatusRollup) => [...r.slots.entries()].map(([k, s]) => [k, { ...s, costUsd: exactValue(s.costUsd) }]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(canonical(rollup), canonical(rebuilt), `seed ${seed}`);
      assert.deepEqual([rollup.fromMs, rollup.segmentStarts, rollup.slotRequests], [rebuilt.fromMs, rebuilt.segmentStarts, rebuilt.slotRequests], `seed ${seed}`);
      const options = { prices, calendar, nowMs, budget };
      assert.deepEqual(computeEstimatedSpend(ledger.eventsSince(beforeMs), { ...options, closed: rollup }), computeEstimatedSpend(ledger.eventsSince(windowStartMs), options), `seed ${seed}`);
    }
  });

  it('refuses a rollup that ends after today began, starts after the window, or splits a period it holds', () => {
    const calendar = new Calendar('America/New_York');
    const nowMs = Date.parse('2026-11-24T15:00:00Z');
    const budget = budgetSettingsSchema.parse({});
    const today = rawRowsFromMs(calendar, nowMs);
    assert.ok(rollupCovers(rollupOf([], prices, calendar, statusWindowStartMs(nowMs), Math.floor(today / rollupSlotMs) * rollupSlotMs), calendar, budget, nowMs));
    assert.ok(!rollupCovers(rollupOf([], prices, calendar, statusWindowStartMs(nowMs), Math.ceil((today + 1) / rollupSlotMs) * rollupSlotMs), calendar, budget, nowMs));
    assert.ok(!rollupCovers(rollupOf([], prices, calendar, statusWindowStartMs(nowMs) + rollupSlotMs, today - dayMs * 2), calendar, budget, nowMs));
    // Days of Kathmandu (+5:45) read in New York: the week and month start inside its segments.
    assert.ok(!rollupCovers(rollupOf([], prices, new Calendar('Asia/Kathmandu'), statusWindowStartMs(nowMs), today - dayMs * 2), calendar, budget, nowMs));
    assert.throws(() => computeEstimatedSpend([], { prices, calendar, nowMs, budget, closed: rollupOf([], prices, calendar, 0, nowMs - (nowMs % rollupSlotMs)) }));
  });

  it('refuses a damaged, truncated or foreign rollup file, and reads a layout 1 file as none', () => {
    const nowMs = Date.parse('2026-11-24T15:00:00Z');
    const calendar = new Calendar('Europe/London');
    const rollup = rollupOf(eventsAround(random(7), nowMs, 400), prices, calendar, statusWindowStartMs(nowMs), Date.parse('2026-11-24T00:00:00Z'));
    const good = encodeRollupFile({ state: 'base:delta', priceKey: '{"x":1}', rollup });
    const read = decodeRollupFile(good);
    assert.ok(read);
    assert.deepEqual(read, { state: 'base:delta', priceKey: '{"x":1}', rollup });
    // Sums per day × source × model, not per 15 minutes: 400 requests of 12 models and sources over 33 days.
    assert.ok(rollup.slots.size <= rollup.segmentStarts.length * 12 && good.length < 40 * 1024, `${rollup.slots.size} slots, ${good.length} bytes`);
    const headerEnd = good.indexOf(0x0a) + 1;
    // Every byte of the section, each changed alone.
    for (let i = headerEnd; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] ^= 1 << (i % 8);
      assert.equal(decodeRollupFile(bad), undefined, `byte ${i - headerEnd} of the section`);
    }
    const header = JSON.parse(good.subarray(0, headerEnd).toString()) as Record<string, unknown>;
    const withHeader = (h: Record<string, unknown>) => {
      const line = JSON.stringify(h);
      return Buffer.concat([Buffer.from(line + ' '.repeat((8 - ((line.length + 1) % 8)) % 8) + '\n'), good.subarray(headerEnd)]);
    };
    assert.ok(decodeRollupFile(withHeader(header)), 'the header rewritten as it was reads');
    for (const [field, value] of [['version', 1], ['format', 'x'], ['fromMs', (header.fromMs as number) + rollupSlotMs], ['beforeMs', (header.beforeMs as number) - rollupSlotMs], ['segments', 3], ['slots', 1], ['costParts', 0], ['namesBytes', 2], ['crc', 0], ['state', 7]] as const) {
      assert.equal(decodeRollupFile(withHeader({ ...header, [field]: value })), undefined, field);
    }
    for (const bad of [Buffer.alloc(0), good.subarray(0, headerEnd - 1), good.subarray(0, good.length - 8), Buffer.concat([good, Buffer.alloc(8)])]) assert.equal(decodeRollupFile(bad), undefined);
    // Layout 1: one line of JSON, a slot per 15 minutes.
    const layout1 = JSON.stringify({ format: 'tokenmeter-status-rollup', version: 1, state: 'base:delta', priceKey: '{"x":1}', rollup: { fromMs: rollup.fromMs, beforeMs: rollup.beforeMs, slots: [] } });
    assert.equal(decodeRollupFile(Buffer.from(layout1)), undefined);
    assert.equal(decodeRollupFile(Buffer.from(layout1 + '\n')), undefined);
  });

  it('adds costs exactly, whatever the order', () => {
    const values = [0.1, 0.2, 0.3, 1e-9, 1234.5678, 3e-7, 0.7];
    const forward: number[] = [];
    const backward: number[] = [];
    for (const v of values) addExact(forward, v);
    for (const v of [...values].reverse()) addExact(backward, v);
    assert.equal(exactValue(forward), exactValue(backward));
    for (const v of values) addExact(forward, -v);
    assert.equal(exactValue(forward), 0);
  });
});
