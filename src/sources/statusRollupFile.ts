import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { priceAdjustments } from '../core/priceData';
import type { PriceTable } from '../core/pricing';
import { parseRollup, rollupJson, type StatusRollup } from '../core/status/statusRollup';
import { randomHex, removeStrayTempFiles } from './indexFile';

/**
 * The status rollup beside the index (`<index>.rollup`, JSON): the sums of closed history a warm `status` reads
 * instead of a month of rows (core/status/statusRollup.ts). It names the saved state whose rows it sums (the index's
 * `baseId` and its delta's `deltaId`, see savedStateOfLedger) and the prices it was costed at; a reader with other
 * rows or other prices ignores it (and reads the rows), so it can be stale or missing but is never misapplied.
 */
export interface RollupFile {
  state: string;
  priceKey: string;
  rollup: StatusRollup;
}

const format = 'tokenmeter-status-rollup';
const version = 1;

export const rollupPathOf = (indexFile: string): string => `${indexFile}.rollup`;

/**
 * What the costs in a rollup depend on: the price overrides, the price data's date, the bundled adjustments, and
 * the bundled price data itself, named by its file (dist/prices.json: a new build or install is a new file) so
 * that checking it does not load it (~30 ms; a status with no request today needs no price at all). Without that
 * file (tests from source) the rates each of the rollup's models gets now stand for it.
 */
export function priceKeyOf(prices: PriceTable, overrides: unknown, models: Iterable<string>): string {
  const data = priceDataFileStamp() ?? [...new Set(models)].sort().map((model) => [model, prices.ratesFor(model) ?? null]);
  return JSON.stringify({ overrides, dataDate: prices.dataDate, adjustments: priceAdjustments, data });
}

function priceDataFileStamp(): string | undefined {
  // Beside the bundle (the editor's) or one folder up (a CLI command's bundle in dist/cli/).
  for (const file of [path.join(__dirname, 'prices.json'), path.join(__dirname, '..', 'prices.json')]) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat) return `${stat.size}:${stat.mtimeMs}`;
  }
  return undefined;
}

/** The models a rollup's slots name (for priceKeyOf). */
export const modelsOf = (rollup: StatusRollup): string[] => [...rollup.slots.values()].map((s) => s.model);

/** The rollup file, or undefined when there is none or it is unreadable, foreign or damaged. */
export function readRollupFile(file: string): RollupFile | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; version?: unknown; state?: unknown; priceKey?: unknown; rollup?: unknown };
    if (json.format !== format || json.version !== version || typeof json.state !== 'string' || typeof json.priceKey !== 'string') return undefined;
    const rollup = parseRollup(json.rollup);
    return rollup && { state: json.state, priceKey: json.priceKey, rollup };
  } catch {
    return undefined;
  }
}

/** Writes the rollup file atomically (temp file, then rename): a reader sees the old one or the new one. */
export async function writeRollupFile(file: string, contents: RollupFile): Promise<void> {
  const temp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify({ format, version, state: contents.state, priceKey: contents.priceKey, rollup: rollupJson(contents.rollup) }));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  await removeStrayTempFiles(file);
}
