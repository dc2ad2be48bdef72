import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as os from 'node:os';
import type { ParsedUsage } from '../core/claudeLog';
import type { CodexRateLimit } from '../core/codexLog';
import { Ledger } from '../core/ledger';
import { emptyTally, type LineTally } from '../core/lineParser';
import { sourceNames, type SourceName } from '../core/usageEvent';
import { discoverLogFiles, newCursor, type FileCursor, type LogRoots, type WalkProblem } from './logFiles';
import { readNewLines } from './logReader';
import { unpackResults, type PackedResults } from './packedResults';

export interface ScanOptions {
  roots: LogRoots;
  sources?: Record<SourceName, boolean>;
  /** Parallel readers for large backlogs; 0 reads on the calling thread. Default: one per core, at most 4. */
  workers?: number;
  /** Where `scanWorker.js` is; defaults to the folder of the running bundle. */
  workerScript?: string;
  log?: (message: string) => void;
  /** 'sync' for the CLI, where blocking reads are fastest; the extension host keeps 'async'. */
  io?: 'async' | 'sync';
}

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

/** What a worker sends back for one file. */
export interface FileScanResult {
  cursor: FileCursor;
  usages: ParsedUsage[];
  tally: LineTally;
  error?: string;
}

// Below this backlog, starting workers costs more than it saves.
const workerThresholdBytes = 32 * 1024 * 1024;
const allSources = Object.fromEntries(sourceNames.map((name) => [name, true])) as Record<SourceName, boolean>;

function addTally(into: LineTally, from: LineTally): void {
  into.lines += from.lines;
  into.usageLines += from.usageLines;
  into.malformedLines += from.malformedLines;
}

/** Reads a batch of files; used on the calling thread and inside each worker. */
export async function scanFiles(cursors: FileCursor[], io: 'async' | 'sync' = 'async'): Promise<FileScanResult[]> {
  const results: FileScanResult[] = [];
  for (const cursor of cursors) {
    const usages: ParsedUsage[] = [];
    const tally = emptyTally();
    try {
      const outcome = await readNewLines(cursor, (u) => usages.push(u), tally, io);
      results.push({ cursor, usages, tally, error: outcome === 'replaced' ? 'replaced' : undefined });
    } catch (error) {
      results.push({ cursor, usages, tally, error: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }
  return results;
}

function runWorker(script: string, cursors: FileCursor[]): Promise<FileScanResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { cursors } });
    worker.once('message', (packed: PackedResults) => resolve(unpackResults(packed)));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`scan worker exited with code ${code}`));
    });
  });
}

/** Deals files out like cards: with thousands of files each group gets about the same bytes, without a stat per file. */
function deal(cursors: FileCursor[], groups: number): FileCursor[][] {
  const hands = Array.from({ length: groups }, () => [] as FileCursor[]);
  cursors.forEach((cursor, i) => hands[i % groups].push(cursor));
  return hands.filter((files) => files.length > 0);
}

/**
 * Keeps a ledger in step with the agents' log files: the first pass reads
 * everything (in parallel workers when there is a lot), later passes read only
 * appended bytes. A file that shrank, was replaced or vanished triggers a rebuild,
 * so totals always equal a fresh scan.
 */
export class UsageScanner {
  ledger = new Ledger();
  private cursors = new Map<string, FileCursor>();
  stats: ScanStats = this.freshStats();
  private scanning: Promise<boolean> | undefined;

  constructor(private readonly options: ScanOptions) {}

  /** The latest official plan limits seen in any Codex rollout. */
  officialLimits(): CodexRateLimit[] {
    let latest: CodexRateLimit[] = [];
    for (const cursor of this.cursors.values()) {
      const limits = cursor.codex?.rateLimits ?? [];
      if (limits.length > 0 && (latest.length === 0 || limits[0].observedAtMs > latest[0].observedAtMs)) latest = limits;
    }
    return latest;
  }

  fileCursors(): FileCursor[] {
    return [...this.cursors.values()];
  }

  /** Restores state saved by a previous run (see usageIndex.ts). */
  restore(ledger: Ledger, cursors: FileCursor[]): void {
    this.ledger = ledger;
    this.cursors = new Map(cursors.map((c) => [c.path, c]));
  }

  /**
   * One pass; concurrent callers share it. Resolves true when the ledger changed.
   * A full pass lists every folder (new and deleted files); a quick pass re-reads
   * only files written in the last few minutes plus `changedPaths`.
   */
  refresh(mode: { full: boolean; changedPaths?: string[] } = { full: true }): Promise<boolean> {
    this.scanning ??= (mode.full || this.cursors.size === 0 ? this.pass() : this.quickPass(mode.changedPaths ?? [])).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async quickPass(changedPaths: string[]): Promise<boolean> {
    const hotSinceMs = Date.now() - 10 * 60_000;
    const hot = [...this.cursors.values()].filter((c) => c.mtimeMs >= hotSinceMs || changedPaths.includes(c.path));
    const unknown = changedPaths.filter((p) => /\.jsonl?$/.test(p) && !this.cursors.has(p));
    if (unknown.length > 0) return this.pass();
    return this.apply(await scanFiles(hot, this.options.io), undefined);
  }

  private freshStats(): ScanStats {
    return { files: 0, bytes: 0, tally: emptyTally(), duplicates: 0, problems: [], failedFiles: [], lastScanMs: 0, rebuilds: 0 };
  }

  private async pass(): Promise<boolean> {
    const started = Date.now();
    const problems: WalkProblem[] = [];
    const files = await discoverLogFiles(this.options.roots, this.options.sources ?? allSources, problems);
    const present = new Set(files.map((f) => f.path));
    if ([...this.cursors.keys()].some((p) => !present.has(p))) return this.rebuild('a log file was removed');

    for (const file of files) {
      if (!this.cursors.has(file.path)) this.cursors.set(file.path, newCursor(file.source, file.path, file.relativePath));
    }
    return this.apply(await this.readAll([...this.cursors.values()]), problems, started);
  }

  private async apply(results: FileScanResult[], problems: WalkProblem[] | undefined, started = Date.now()): Promise<boolean> {
    const versionBefore = this.ledger.version;
    const failedFiles: WalkProblem[] = [];
    // Oldest files first: when a resumed session copies history into a new file, the
    // original (older) transcript is seen first and keeps the credit.
    const ordered = [...results].sort((a, b) => a.cursor.mtimeMs - b.cursor.mtimeMs || (a.cursor.path < b.cursor.path ? -1 : 1));
    for (const result of ordered) {
      if (result.error === 'replaced') return this.rebuild(`${path.basename(result.cursor.path)} was truncated or replaced`);
      this.cursors.set(result.cursor.path, result.cursor);
      for (const usage of result.usages) this.ledger.add(usage);
      addTally(this.stats.tally, result.tally);
      if (result.error) failedFiles.push({ path: result.cursor.path, reason: result.error });
    }
    this.stats.files = this.cursors.size;
    this.stats.bytes = [...this.cursors.values()].reduce((sum, c) => sum + c.offset, 0);
    this.stats.duplicates = this.ledger.duplicateCount;
    if (problems) this.stats.problems = problems;
    this.stats.failedFiles = failedFiles;
    this.stats.lastScanMs = Date.now() - started;
    return this.ledger.version !== versionBefore;
  }

  private async rebuild(reason: string): Promise<boolean> {
    this.options.log?.(`Rescanning all logs: ${reason}.`);
    const rebuilds = this.stats.rebuilds + 1;
    this.ledger = new Ledger();
    this.cursors = new Map();
    this.stats = { ...this.freshStats(), rebuilds };
    await this.pass();
    return true;
  }

  private async readAll(cursors: FileCursor[]): Promise<FileScanResult[]> {
    const script = this.options.workerScript ?? path.join(__dirname, 'scanWorker.js');
    const workers = this.options.workers ?? (Number(process.env.TOKENMETER_WORKERS) || Math.min(4, Math.max(1, os.availableParallelism?.() ?? os.cpus().length)));
    const fresh = cursors.filter((c) => c.offset === 0);
    if (workers < 2 || fresh.length < 8 || !existsSync(script)) return scanFiles(cursors, this.options.io);
    // Sizes decide whether workers pay off and how to split; a sample is enough to tell.
    const sample = fresh.filter((_, i) => i % Math.ceil(fresh.length / 64) === 0);
    const sampleBytes = (await Promise.all(sample.map((c) => fs.stat(c.path).then((s) => s.size, () => 0)))).reduce((a, b) => a + b, 0);
    if ((sampleBytes / sample.length) * fresh.length < workerThresholdBytes) return scanFiles(cursors, this.options.io);
    const groups = deal(cursors, workers);
    const parts = await Promise.all(groups.map((group) => runWorker(script, group)));
    const byPath = new Map(parts.flat().map((r) => [r.cursor.path, r]));
    // Apply in path order, whatever order the workers finished in.
    return cursors.map((c) => byPath.get(c.path)).filter((r): r is FileScanResult => r !== undefined);
  }
}
