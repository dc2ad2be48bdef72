import type { Calendar } from '../core/calendar';
import type { Ledger } from '../core/ledger/ledger';
import type { PriceTable } from '../core/pricing';
import type { BudgetSettings } from '../core/settings';
import { addToRollup, advanceRollup, copyRollup, rawRowsFromMs, rollupCovers, rollupOf, rollupSlotMs, statusWindowStartMs, type StatusRollup } from '../core/status/statusRollup';
import type { UsageEvent } from '../core/usageEvent';
import { modelsOf, priceKeyOf, readRollupFile, rollupPathOf, writeRollupFile, type RollupFile } from './statusRollupFile';
import { savedStateOfLedger } from './usageIndex';

/** The rollup's end moves forward once this much more is closed: fewer rewrites, a few hours more raw rows. */
const advanceStepMs = 2 * 3_600_000;

/**
 * Keeps the status rollup beside the index for a warm status (the CLI's `status`, the editor's first number):
 * reads it before the index (so that only rows from its end on are read), checks that it sums the rows the index
 * held, follows what the scan changes (Ledger.trackChanges), and writes it back for the state just saved.
 * Without a usable rollup the status reads the month of rows as before, and a new rollup is made from them.
 */
export class StatusRollupKeeper {
  private file: RollupFile | undefined;
  private path: string | undefined;
  private ledger: Ledger | undefined;
  private matched = false;
  private current: { version: number; rollup: StatusRollup } | undefined;

  constructor(private readonly options: { prices: PriceTable; priceOverrides: unknown; calendar: Calendar; budget: BudgetSettings }) {}

  /** Reads the rollup beside `indexFile`; returns the time from which the status needs the index's rows. */
  rowsNeededFromMs(indexFile: string, nowMs: number): number {
    const { prices, priceOverrides, calendar, budget } = this.options;
    this.path = rollupPathOf(indexFile);
    const file = readRollupFile(this.path);
    if (file && rollupCovers(file.rollup, calendar, budget, nowMs) && file.priceKey === priceKeyOf(prices, priceOverrides, modelsOf(file.rollup))) {
      this.file = file;
      return file.rollup.beforeMs;
    }
    return statusWindowStartMs(nowMs);
  }

  /** Call right after the index is loaded into `ledger` (before the scan adds to it). */
  loaded(ledger: Ledger): void {
    this.ledger = ledger;
    this.matched = this.file !== undefined && savedStateOfLedger(ledger) === this.file.state;
    ledger.trackChanges();
  }

  /** The rollup of `ledger` as it is now, if the one read matched the index: each changed row's old value out, its new one in. */
  private rollupNow(ledger: Ledger): StatusRollup | undefined {
    if (!this.matched || ledger !== this.ledger || !this.file) return undefined;
    if (this.current?.version === ledger.version) return this.current.rollup;
    const changes = ledger.trackedChanges();
    if (!changes) return undefined;
    const { prices } = this.options;
    // Nothing new (an idle warm run): the rollup read is the rollup now.
    if (changes.before.length === 0 && changes.after.length === 0) return this.file.rollup;
    const rollup = copyRollup(this.file.rollup);
    for (const event of changes.before) addToRollup(rollup, event, prices.costOf(event), -1);
    for (const event of changes.after) addToRollup(rollup, event, prices.costOf(event));
    this.current = { version: ledger.version, rollup };
    return rollup;
  }

  /** What computeEstimatedSpend needs at `nowMs`: the rows from the rollup's end on and the rollup, or the month of rows. */
  statusRows(ledger: Ledger, nowMs: number, budget = this.options.budget): { events: UsageEvent[]; closed?: StatusRollup } {
    const { calendar } = this.options;
    const rollup = this.rollupNow(ledger);
    if (rollup && rollupCovers(rollup, calendar, budget, nowMs)) return { events: ledger.eventsSince(rollup.beforeMs), closed: rollup };
    return { events: ledger.eventsSince(statusWindowStartMs(nowMs)) };
  }

  /**
   * Writes the rollup for the state the index was just saved as (or read as): moved forward to today, or made
   * from the month of rows when there was none. Nothing when the index was not saved whole or as a delta, or the
   * ledger changed since it was saved.
   */
  async save(ledger: Ledger, nowMs: number): Promise<void> {
    const state = savedStateOfLedger(ledger);
    if (!state || !this.path) return;
    const { prices, priceOverrides, calendar } = this.options;
    const fromMs = statusWindowStartMs(nowMs);
    const beforeMs = Math.floor(rawRowsFromMs(calendar, nowMs) / rollupSlotMs) * rollupSlotMs;
    let rollup = this.rollupNow(ledger);
    // Same state as read: no row changed, so the rollup read is still right unless it moves forward.
    let changed = state !== this.file?.state;
    if (rollup && rollup.beforeMs <= beforeMs && beforeMs - rollup.beforeMs >= advanceStepMs) {
      rollup = advanceRollup(rollup, ledger.eventsSince(rollup.beforeMs), prices, calendar, fromMs, beforeMs);
      changed = true;
    }
    // Made from the month of rows when none was read (none, stale, damaged, or its days another zone's: see
    // rowsNeededFromMs), or it ends after the rows a status now reads begin.
    if (!rollup || rollup.beforeMs > beforeMs) {
      rollup = rollupOf(ledger.eventsSince(fromMs), prices, calendar, fromMs, beforeMs);
      changed = true;
    }
    if (!changed) return;
    const file = { state, priceKey: priceKeyOf(prices, priceOverrides, modelsOf(rollup)), rollup };
    // What was just written is the base of the next save (the editor saves every minute): changes count from here.
    this.file = file;
    this.ledger = ledger;
    this.matched = true;
    this.current = undefined;
    ledger.trackChanges();
    await writeRollupFile(this.path, file);
  }
}
