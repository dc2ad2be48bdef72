import type { Ledger, OlderRows } from '../core/ledger/ledger';
import type { UsageScanner } from './usageScanner';

/**
 * What a restored ledger keeps of the index file it was read from (usageIndex.ts loadIndex): with `sinceMs`, the
 * older rows not read yet, the file open for them; with `olderOnDisk` (the editor), the file held for the ledger's
 * life, its older rows read when wanted and given back (Ledger.releaseOlder).
 */
export interface OlderPart {
  read: () => Promise<OlderRows>;
  /** Rows from `sinceMs` on join the newest rows (see loadRecentRows); only while the file stays open. */
  readRecent?: (ledger: Ledger, sinceMs: number) => Promise<void>;
  close?: () => void;
  /** Why the file held open is no longer the one read (see loadIndex's onDiskRead), or undefined. */
  changed?: () => string | undefined;
}

const olderParts = new WeakMap<Ledger, OlderPart>();

/** The files an editor's ledgers keep open (olderOnDisk), closed when a ledger is collected without closeIndexOf. */
const openFiles = new FinalizationRegistry<() => void>((close) => close());

/** Keeps `part` for `ledger` (loadIndex); a part that closes its file is closed at the latest when the ledger is collected. */
export function keepOlderPart(ledger: Ledger, part: OlderPart): void {
  olderParts.set(ledger, part);
  if (part.close) openFiles.register(ledger, part.close, part.close);
}

/**
 * Hands the ledger the rows `loadIndex({ sinceMs })` left on disk, if it has not asked for them yet: the
 * editor calls it after its first number, so that a later pass that finds new usage has them at hand.
 */
export async function loadOlderRows(scanner: UsageScanner): Promise<void> {
  const ledger = scanner.ledger;
  const part = olderParts.get(ledger);
  // Read once, unless they stay on disk (olderOnDisk: read again after each releaseOlder).
  if (!part?.readRecent) olderParts.delete(ledger);
  if (part && ledger.needsOlder()) {
    const older = await part.read();
    if (ledger.needsOlder()) ledger.supplyOlder(older);
  }
}

/**
 * The rows from `sinceMs` on of an index loaded with `olderOnDisk` join the newest rows, read without blocking: the
 * editor reads the status window's rows after its first number (shown from today's rows and the rollup), and
 * leaves the older ones on disk.
 */
export async function loadRecentRows(scanner: UsageScanner, sinceMs: number): Promise<void> {
  const ledger = scanner.ledger;
  const part = olderParts.get(ledger);
  if (part?.readRecent && ledger.needsOlder(sinceMs)) await part.readRecent(ledger, sinceMs);
}

/**
 * Why the index file a ledger loaded with `olderOnDisk` holds open was truncated or written over in place since it
 * was read, or undefined (also for any other ledger): checked by each pass, so that a view does not keep refusing
 * (IndexChangedError) until a new usage happens to merge into an older row.
 */
export function heldIndexChanged(ledger: Ledger): string | undefined {
  return olderParts.get(ledger)?.changed?.();
}

/** Closes the index file a ledger loaded with `olderOnDisk` keeps open (the editor's service, when disposed). */
export function closeIndexOf(ledger: Ledger): void {
  const part = olderParts.get(ledger);
  olderParts.delete(ledger);
  if (part?.close) {
    openFiles.unregister(part.close);
    part.close();
  }
}
