// The day and month reports read a ledger's rows as numbers (core/reports.ts groupRows, Ledger.eachRow) instead of an
// object per request: the same report, to the last bit, as from the events, whatever the rows are (spilled, restored,
// wide, of an aliased model priced by time, of unknown models) and whatever the options.
import { strict as assert } from 'node:assert';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { Calendar } from '../../src/core/calendar';
import { fieldsPerRow, Ledger, type RowSpill } from '../../src/core/ledger/ledger';
import { chunkRows } from '../../src/core/ledger/packedRows';
import { PriceTable } from '../../src/core/pricing';
import { dailyReport, monthlyReport, type ReportOptions } from '../../src/core/reports';
import type { ParsedUsage } from '../../src/core/usageEvent';

class MemorySpill implements RowSpill {
  private readonly data = new Map<number, number>();
  keep(at: number, fields: Uint32Array): boolean {
    this.write(at, fields);
    return true;
  }
  write(at: number, fields: Uint32Array): void {
    fields.forEach((v, i) => this.data.set(at + i, v));
  }
  read(at: number, out: Uint32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.data.get(at + i)!;
  }
}

// codex-auto-review is priced as another model from 2026-04-12 on (src/core/data/priceAdjustments.json): before
// that day it has no price, so its rows' rates depend on their time.
const models = ['claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-5', 'codex-auto-review', 'no-such-model-7', 'claude-haiku-4-5'];

function records(seed: number, count: number): Array<{ usage: ParsedUsage; mtimeMs: number }> {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const out: Array<{ usage: ParsedUsage; mtimeMs: number }> = [];
  // Around the alias's first day, a day either side of midnight in several zones.
  const startMs = Date.UTC(2026, 2, 20);
  for (let i = 0; i < count; i++) {
    const repeat = i > 0 && random() < 0.2;
    const key = repeat ? `k${pick(i)}` : random() < 0.05 ? undefined : `k${i}`;
    const wide = random() < 0.05;
    const event: ParsedUsage['event'] = {
      source: random() < 0.6 ? 'claude' : 'codex',
      timestampMs: startMs + pick(60 * 86_400) * 1000 + pick(1000),
      sessionId: `s${pick(300)}`,
      agentId: random() < 0.1 ? `a${pick(5)}` : '',
      project: `p${pick(20)}`,
      model: models[pick(models.length)],
      inputTokens: wide && random() < 0.3 ? 2 ** 32 + pick(9) : pick(50_000),
      outputTokens: pick(8_000),
      cacheWrite5mTokens: pick(300_000),
      cacheWrite1hTokens: random() < 0.1 ? pick(5_000) : 0,
      cacheReadTokens: pick(900_000),
    };
    if (wide && random() < 0.5) event.loggedCostUsd = pick(100_000) / 997;
    if (wide && random() < 0.5) event.webSearchRequests = 1 + pick(3);
    out.push({ usage: { dedupKey: key, event }, mtimeMs: 1.7e12 + pick(1000) });
  }
  return out;
}

function ledgerOf(recs: ReturnType<typeof records>, spill?: RowSpill): Ledger {
  const ledger = new Ledger();
  if (spill) ledger.spillRows(spill);
  for (const { usage, mtimeMs } of recs) ledger.add({ dedupKey: usage.dedupKey, event: { ...usage.event } }, mtimeMs);
  return ledger;
}

describe('day and month reports from a ledger\'s rows', () => {
  const prices = new PriceTable();
  const optionSets: Array<[string, Omit<ReportOptions, 'prices'>]> = [
    ['UTC', { calendar: new Calendar('UTC') }],
    ['Tokyo, Codex only', { calendar: new Calendar('Asia/Tokyo'), source: 'codex' }],
    ['Los Angeles, between two days', { calendar: new Calendar('America/Los_Angeles'), since: '2026-04-01', until: '20260415' }],
    ['Kathmandu, Claude only, from a day', { calendar: new Calendar('Asia/Kathmandu'), source: 'claude', since: '2026-04-12' }],
  ];

  it('are the events\' reports to the last bit, spilled rows, wide rows and aliased models included', () => {
    const recs = records(7, chunkRows + 2_500);
    const plain = ledgerOf(recs);
    const spilled = ledgerOf(recs, new MemorySpill());
    const events = plain.events();
    assert.ok(events.some((e) => e.model === 'codex-auto-review' && e.timestampMs < Date.UTC(2026, 3, 12)));
    assert.ok(events.some((e) => e.model === 'codex-auto-review' && e.timestampMs >= Date.UTC(2026, 3, 12)));
    for (const [name, options] of optionSets) {
      const withPrices = { ...options, prices };
      const expectedDaily = JSON.stringify(dailyReport(events, withPrices));
      const expectedMonthly = JSON.stringify(monthlyReport(events, withPrices));
      for (const ledger of [plain, spilled]) {
        assert.equal(JSON.stringify(dailyReport(ledger, withPrices)), expectedDaily, `daily, ${name}`);
        assert.equal(JSON.stringify(monthlyReport(ledger, withPrices)), expectedMonthly, `monthly, ${name}`);
      }
    }
    const daily = dailyReport(plain, { calendar: new Calendar('UTC'), prices });
    // Something of every kind was summed: unpriced tokens, an unpriced model, several days.
    assert.ok(daily.daily.length > 50 && daily.unpricedModels.includes('no-such-model-7') && daily.unpricedModels.includes('codex-auto-review'));
  });

  it('are the same from a restored ledger whose older rows are read when the report asks', () => {
    const saved = ledgerOf(records(11, 3_000)).serialize();
    const rowCount = saved.rows.length / fieldsPerRow;
    // Rows are saved in time order: the newest half is read, the older half when a report reads every row.
    const firstRow = Math.floor(rowCount / 2);
    const split = saved.rows[firstRow * fieldsPerRow + 1];
    const options = { calendar: new Calendar('Europe/Berlin'), prices };
    const expected = JSON.stringify(dailyReport(Ledger.deserialize(saved).events(), options));
    const restored = Ledger.restore({
      names: saved.strings,
      duplicateCount: saved.duplicateCount,
      rowCount,
      firstRow,
      olderBeforeMs: split,
      newestRows: saved.rows.slice(firstRow * fieldsPerRow),
      readOlder: () => ({ rows: saved.rows.slice(0, firstRow * fieldsPerRow), keyHashes: saved.keyHashes }),
    });
    assert.ok(restored.needsOlder());
    assert.equal(JSON.stringify(dailyReport(restored, options)), expected);
  });
});
