import { statSync } from 'node:fs';
import * as os from 'node:os';
import type { ParsedUsage } from '../core/usageEvent';
import { FileRepeats } from '../core/ledger/dedupRules';
import { emptyTally, type LineTally } from '../core/lineParser';
import type { FileCursor } from './logFiles';
import type { WalkProblem } from './boundedWalk';
import { MAX_LINE_BYTES, readNewLines } from './logReader';
import type { FileScanResult } from './packedResults';

/** The scanner's pieces that do not hold its state: statistics, reading a list of files, the backlog estimate. */

export interface ScanStats {
  files: number;
  bytes: number;
  tally: LineTally;
  duplicates: number;
  problems: WalkProblem[];
  /** Files that failed to read this pass, with the reason; their other lines are kept. */
  failedFiles: WalkProblem[];
  lastScanMs: number;
  rebuilds: number;
}

/** What a pass could not read, for `--json` (`skipped`) and Show Output. */
export interface SkippedSummary {
  /** Files and folders that could not be listed or read (permissions, I/O errors): their usage is missing. */
  unreadable: number;
  /** Lines over the line cap (or whole-file histories over the size cap), skipped. */
  overlongLines: number;
  /** Folders left out by the walk bounds (system folders, too deep, too many entries). */
  notWalked: number;
  /** Each of them, with the path (and byte offset for a long line), for Show Output. */
  details: Array<{ path: string; reason: string }>;
}

const errorCode = /^E[A-Z0-9]+$/;

/** Sums up a pass's problems; a file that vanished between listing and reading (ENOENT) is not a problem. `cursors`: those with long lines on record (others may be given). */
export function skippedSummary(stats: ScanStats, cursors: readonly FileCursor[]): SkippedSummary {
  const summary: SkippedSummary = { unreadable: 0, overlongLines: 0, notWalked: 0, details: [] };
  for (const p of [...stats.problems, ...stats.failedFiles]) {
    if (p.reason === 'ENOENT' || p.reason === 'replaced') continue;
    if (errorCode.test(p.reason)) summary.unreadable++;
    else summary.notWalked++;
    summary.details.push({ path: p.path, reason: errorCode.test(p.reason) ? `could not be read (${p.reason})` : p.reason });
  }
  for (const c of cursors) {
    for (const offset of c.longLines ?? []) {
      summary.overlongLines++;
      summary.details.push({ path: c.path, reason: `a line over ${MAX_LINE_BYTES / 1024 / 1024} MB at byte ${offset} was skipped` });
    }
  }
  return summary;
}

/**
 * Scan threads read in parallel but cost more CPU in all (each starts Node, compiles the parser anew and
 * hands its results over): ~30% more on a 1.4 GB history. Where no core is idle they cannot run in
 * parallel, so that cost buys nothing (docs/benchmarks.md, cold scan session 6). Windows has no load average (0).
 */
export function idleCoresNow(): number {
  return (os.availableParallelism?.() ?? os.cpus().length) - os.loadavg()[0];
}

/** The bytes a listing has found so far, from the sizes of a sample of its files (a few blocking stats per batch: the CLI's pass only). */
export class BacklogEstimate {
  private files = 0;
  private sampled = 0;
  private sampledBytes = 0;

  /** Adds a batch of listed files; returns the estimated bytes of all listed so far. */
  add(files: readonly { path: string }[]): number {
    this.files += files.length;
    const step = Math.max(1, Math.floor(files.length / 8));
    for (let i = 0; i < files.length; i += step) {
      this.sampledBytes += statSync(files[i].path, { throwIfNoEntry: false })?.size ?? 0;
      this.sampled++;
    }
    return this.sampled === 0 ? 0 : (this.sampledBytes / this.sampled) * this.files;
  }
}

export function addTally(into: LineTally, from: LineTally): void {
  into.lines += from.lines;
  into.usageLines += from.usageLines;
  into.malformedLines += from.malformedLines;
}

/**
 * Reads files one by one, handing each file's records to `onFile` as soon as it is
 * read (so they are never all held at once); used on the calling thread and inside
 * each worker. `onFile` returning false stops the batch.
 */
export async function scanFiles(cursors: FileCursor[], io: 'async' | 'sync', onFile: (file: Omit<FileScanResult, 'feed'>, usages: ParsedUsage[]) => boolean | void): Promise<void> {
  for (const cursor of cursors) {
    const repeats = new FileRepeats();
    const tally = emptyTally();
    let error: string | undefined;
    // A rollout's token counts are cumulative and its repeated totals are dropped as read: a key comes back in the
    // same file only after a reset, so a per-file merge of Codex usages costs a map entry each and finds next to
    // nothing. The ledger merges what it does find by the same rules (dedupRules.ts), and counts it.
    const sink = cursor.codex ? (u: ParsedUsage) => repeats.usages.push(u) : (u: ParsedUsage) => repeats.add(u);
    try {
      if ((await readNewLines(cursor, sink, tally, io)) === 'replaced') error = 'replaced';
    } catch (failure) {
      error = (failure as NodeJS.ErrnoException).code ?? String(failure);
    }
    if (onFile({ cursor, tally, mergedRepeats: repeats.merged, error }, repeats.usages) === false) return;
  }
}

export function resultOf(file: Omit<FileScanResult, 'feed'>, usages: ParsedUsage[]): FileScanResult {
  return { ...file, feed: (sink) => usages.forEach(sink) };
}
