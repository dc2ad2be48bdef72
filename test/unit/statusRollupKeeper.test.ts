// The status rollup beside the index: made by one run, read and kept up to date by the next, never applied to other rows.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import { statusWindowStartMs } from '../../src/core/status/statusRollup';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import { rollupPathOf } from '../../src/sources/statusRollupFile';
import { StatusRollupKeeper } from '../../src/sources/statusRollupKeeper';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from '../helpers/logLines';

const dayMs = 86_400_000;
const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

describe('status rollup beside the index (warm status)', function () {
  this.timeout(60_000);
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  let recent: string;
  const nowMs = Date.UTC(2026, 10, 20, 15);
  const calendar = new Calendar('America/New_York');
  const budget = budgetSettingsSchema.parse({ weekStartsOn: 3, resetDayOfMonth: 5 });
  const prices = new PriceTable();
  const models = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001', 'house-model'];
  const line = (id: string, atMs: number, output: number, model = models[output % models.length]) =>
    claudeAssistantLine({ id, model, usage: { input: 10 + output, output, cacheWrite: 3 * output, cacheRead: 7 * output }, timestamp: new Date(atMs).toISOString() });
  const scanner = () => new UsageScanner({ roots: { claudeDirs: [claudeDir], codexDirs: [] }, sources: claudeOnly, workers: 0, io: 'sync' });
  const keeper = (table = prices) => new StatusRollupKeeper({ prices: table, priceOverrides: {}, calendar, budget });

  /** One warm run as `tokenmeter status` does it: rollup first, index from its end, scan, save, status, rollup back. */
  async function warmRun(table = prices) {
    const k = keeper(table);
    const s = scanner();
    const sinceMs = k.rowsNeededFromMs(indexPath, nowMs);
    await loadIndex(indexPath, s, { io: 'sync', sinceMs });
    k.loaded(s.ledger);
    if (await s.refresh()) await saveIndex(indexPath, s);
    const rows = k.statusRows(s.ledger, nowMs);
    const spend = computeEstimatedSpend(rows.events, { prices: table, calendar, nowMs, budget, closed: rows.closed });
    await k.save(s.ledger, nowMs);
    return { spend, sinceMs, usedRollup: rows.closed !== undefined };
  }

  /** The status from every row of a fresh scan of the logs. */
  async function fromScratch() {
    const s = scanner();
    await s.refresh();
    return computeEstimatedSpend(s.ledger.eventsSince(statusWindowStartMs(nowMs)), { prices, calendar, nowMs, budget });
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-rollup-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    const project = path.join(claudeDir, 'projects', 'repo');
    mkdirSync(project, { recursive: true });
    // Forty days, a request every 3 hours and 7 minutes, across a month start and the end of US DST (2026-11-01).
    const lines = Array.from({ length: 320 }, (_, i) => line(`r${i}`, nowMs - 40 * dayMs + i * 187 * 60_000, i + 1));
    writeFileSync(path.join(project, 'history.jsonl'), lines.join('\n') + '\n');
    recent = path.join(project, 'recent.jsonl');
    writeFileSync(recent, line('today0', nowMs - 3_600_000, 50) + '\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made by the first run, read by the next, and gives the status of every row', async () => {
    const first = await warmRun();
    assert.equal(first.usedRollup, false, 'no rollup yet');
    assert.deepEqual(first.spend, await fromScratch());
    const second = await warmRun();
    assert.equal(second.usedRollup, true);
    assert.ok(second.sinceMs > statusWindowStartMs(nowMs), 'only the newest rows were read from the index');
    assert.deepEqual(second.spend, first.spend);
  });

  it('follows rows merged into closed history and rows added to it late, through index deltas', async () => {
    const first = await warmRun();
    // A fuller record of a request 12 days ago (merges into its row), a request 6 days ago first seen now, one now.
    const old = nowMs - 40 * dayMs + 220 * 187 * 60_000;
    appendFileSync(recent, [line('r220', old, 9_999, models[221 % models.length]), line('late1', nowMs - 6 * dayMs, 77), line('today1', nowMs - 600_000, 5)].join('\n') + '\n');
    const second = await warmRun();
    assert.equal(second.usedRollup, true, 'the rollup read matched the index, and took the changes');
    assert.deepEqual(second.spend, await fromScratch());
    assert.ok(second.spend.month.totalTokens > first.spend.month.totalTokens + 9_999, 'the merge and the late row count');
    const third = await warmRun();
    assert.equal(third.usedRollup, true, 'the rollup written names the delta just saved');
    assert.deepEqual(third.spend, await fromScratch());
  });

  it('is ignored when it sums other rows, other prices, or is damaged', async () => {
    await warmRun();
    await warmRun();
    const file = rollupPathOf(indexPath);
    const good = readFileSync(file);
    // Other prices: a price override for a model in the rollup.
    const dearer = new PriceTable({ 'claude-sonnet': { inputPerMTok: 30, outputPerMTok: 150 } });
    const k = new StatusRollupKeeper({ prices: dearer, priceOverrides: { 'claude-sonnet': 1 }, calendar, budget });
    assert.equal(k.rowsNeededFromMs(indexPath, nowMs), statusWindowStartMs(nowMs));
    // Other rows: the index written again from another scan (a new base).
    const other = scanner();
    await other.refresh();
    await saveIndex(indexPath, other);
    writeFileSync(file, good);
    const run = await warmRun();
    assert.equal(run.usedRollup, false);
    assert.deepEqual(run.spend, await fromScratch());
    const flipped = Buffer.from(good);
    flipped[flipped.length - 20] ^= 4;
    const headerEnd = good.indexOf(0x0a) + 1;
    for (const damaged of [Buffer.alloc(0), Buffer.from('{'), flipped, good.subarray(0, good.length - 8), Buffer.from(good.toString('latin1').replace(/"state":"[^"]*"/, '"state":1'), 'latin1'), good.subarray(headerEnd)]) {
      writeFileSync(file, damaged);
      assert.equal(keeper().rowsNeededFromMs(indexPath, nowMs), statusWindowStartMs(nowMs));
    }
  });

  it('reads a rollup of layout 1 (JSON, 15-minute slots) as none: the status reads rows once, then the new one', async () => {
    await warmRun();
    const file = rollupPathOf(indexPath);
    const state = (JSON.parse(readFileSync(file).subarray(0, readFileSync(file).indexOf(0x0a)).toString()) as { state: string; priceKey: string });
    // What session 8's build wrote for the same state and prices (its slots do not matter: it must not be read).
    writeFileSync(file, JSON.stringify({ format: 'tokenmeter-status-rollup', version: 1, state: state.state, priceKey: state.priceKey, rollup: { fromMs: statusWindowStartMs(nowMs), beforeMs: statusWindowStartMs(nowMs), slots: [] } }));
    const first = await warmRun();
    assert.equal(first.usedRollup, false);
    assert.deepEqual(first.spend, await fromScratch());
    assert.equal(readFileSync(file)[0], 0x7b);
    const second = await warmRun();
    assert.equal(second.usedRollup, true, 'the rollup written in its place is read');
    assert.deepEqual(second.spend, await fromScratch());
  });

  it('is made again for the zone the status is read in', async () => {
    await warmRun();
    await warmRun();
    const kathmandu = new Calendar('Asia/Kathmandu');
    const inKathmandu = async () => {
      const k = new StatusRollupKeeper({ prices, priceOverrides: {}, calendar: kathmandu, budget });
      const s = scanner();
      await loadIndex(indexPath, s, { io: 'sync', sinceMs: k.rowsNeededFromMs(indexPath, nowMs) });
      k.loaded(s.ledger);
      const rows = k.statusRows(s.ledger, nowMs);
      const spend = computeEstimatedSpend(rows.events, { prices, calendar: kathmandu, nowMs, budget, closed: rows.closed });
      await k.save(s.ledger, nowMs);
      return { spend, usedRollup: rows.closed !== undefined };
    };
    const s = scanner();
    await s.refresh();
    const expected = computeEstimatedSpend(s.ledger.eventsSince(statusWindowStartMs(nowMs)), { prices, calendar: kathmandu, nowMs, budget });
    const first = await inKathmandu();
    assert.equal(first.usedRollup, false, "New York's days do not start Kathmandu's week or month");
    assert.deepEqual(first.spend, expected);
    const second = await inKathmandu();
    assert.equal(second.usedRollup, true, "the rollup was made again in Kathmandu's days");
    assert.deepEqual(second.spend, expected);
  });
});
