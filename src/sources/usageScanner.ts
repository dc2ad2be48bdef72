import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import type { ParsedUsage } from '../core/usageEvent';
import { mergeCodexLimits, newestCodexCredits, type CodexCredits, type CodexRateLimit } from '../core/codexRateLimits';
import { FileRepeats } from '../core/ledger/dedupRules';
import { Ledger } from '../core/ledger/ledger';
import { emptyTally, type LineTally } from '../core/lineParser';
import { sourceNames, type SourceName } from '../core/usageEvent';
import { discoverLogFiles, newCursor, type FileCursor, type LogRoots, type WalkProblem } from './logFiles';
import { MAX_LINE_BYTES, readNewLines } from './logReader';
import type { FileScanResult } from './packedResults';
import { defaultWorkerCount, ScanWorkers } from './scanWorkers';
import { renewYoungGenerationCap } from './youngGeneration';
import { folderTimesAfterPass, foldersToWatch, foldersUnchanged, hotCursors, type FolderTimes } from './warmWalk';

export interface ScanOptions {
  roots: LogRoots;
  sources?: Record<SourceName, boolean>;
  /** Parallel readers for large backlogs; 0 reads on the calling thread. Default: one per core, at most 4. */
  workers?: number;
  /** Where `scanWorkerThread.js` is; defaults to the folder of the running bundle. */
  workerScript?: string;
  /** Threads the caller started ahead (see ScanWorkers); the first pass uses them, or closes them when it has little to read. */
  startedWorkers?: ScanWorkers;
  /** Backlog at which threads set up ahead but not started yet start (default `moreThreadsBytes`, 256 MB). */
  moreThreadsBytes?: number;
  /** Cores idle now (default: the core count less the 1-minute load average); threads set up ahead start only if at least one is. */
  idleCores?: () => number;
  /** Work for the calling thread while scan threads read (the CLI loads its price data then). */
  whileThreadsRead?: () => void;
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

/** Sums up a pass's problems; a file that vanished between listing and reading (ENOENT) is not a problem. */
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

// Below this backlog, starting workers costs more than it saves.
const workerThresholdBytes = 32 * 1024 * 1024;
/**
 * The CLI's scan threads start once its listing shows this much to read; below it the main thread reads:
 * each thread costs ~70-130 ms of CPU to start, and its results must be packed, sent and unpacked, which
 * on two shared cores pays off only on a large backlog (docs/benchmarks.md, cold scan session 5).
 */
const moreThreadsBytes = 256 * 1024 * 1024;

/**
 * Scan threads read in parallel but cost more CPU in all (each starts Node, compiles the parser anew and
 * hands its results over): ~30% more on a 1.4 GB history. Where no core is idle they cannot run in
 * parallel, so that cost buys nothing (docs/benchmarks.md, cold scan session 6). Windows has no load average (0).
 */
function idleCoresNow(): number {
  return (os.availableParallelism?.() ?? os.cpus().length) - os.loadavg()[0];
}

/** The bytes a listing has found so far, from the sizes of a sample of its files (a few blocking stats per batch: the CLI's pass only). */
class BacklogEstimate {
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
// Recently written files re-checked on each quick pass.
const maxHotFiles = 64;
const allSources = Object.fromEntries(sourceNames.map((name) => [name, true])) as Record<SourceName, boolean>;

function addTally(into: LineTally, from: LineTally): void {
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
    try {
      if ((await readNewLines(cursor, (u) => repeats.add(u), tally, io)) === 'replaced') error = 'replaced';
    } catch (failure) {
      error = (failure as NodeJS.ErrnoException).code ?? String(failure);
    }
    if (onFile({ cursor, tally, mergedRepeats: repeats.merged, error }, repeats.usages) === false) return;
  }
}

function resultOf(file: Omit<FileScanResult, 'feed'>, usages: ParsedUsage[]): FileScanResult {
  return { ...file, feed: (sink) => usages.forEach(sink) };
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
  /** Folder times of the last full pass, for warm passes (saved in the index). */
  folderTimes: FolderTimes | undefined;
  stats: ScanStats = this.freshStats();
  private scanning: Promise<boolean> | undefined;

  constructor(private readonly options: ScanOptions) {}

  /** The latest official plan limits seen in any Codex rollout: per limit id and window, placeholders never hiding a real reading. */
  officialLimits(): CodexRateLimit[] {
    const all: CodexRateLimit[] = [];
    for (const cursor of this.cursors.values()) all.push(...(cursor.codex?.rateLimits ?? []));
    return mergeCodexLimits([], all);
  }

  /** The newest Codex credits reading in any rollout (openai/codex `CreditsSnapshot`). */
  codexCredits(): CodexCredits | undefined {
    return newestCodexCredits([...this.cursors.values()].map((c) => c.codex?.credits));
  }

  fileCursors(): FileCursor[] {
    return [...this.cursors.values()];
  }

  /** What the last pass could not read (see SkippedSummary). */
  skipped(): SkippedSummary {
    return skippedSummary(this.stats, [...this.cursors.values()]);
  }

  /** Restores state saved by a previous run (see usageIndex.ts). */
  restore(ledger: Ledger, cursors: FileCursor[], folderTimes?: FolderTimes): void {
    this.ledger = ledger;
    this.cursors = new Map(cursors.map((c) => [c.path, c]));
    this.folderTimes = folderTimes;
  }

  /**
   * One pass; concurrent callers share it. Resolves true when the ledger changed.
   * A full pass lists every folder (new and deleted files); a quick pass re-reads
   * only files written in the last few minutes plus `changedPaths`.
   */
  refresh(mode: { full: boolean; changedPaths?: string[]; warm?: boolean } = { full: true }): Promise<boolean> {
    const pass = () => (mode.warm && this.cursors.size > 0 ? this.warmPass() : mode.full || this.cursors.size === 0 ? this.pass() : this.quickPass(mode.changedPaths ?? []));
    this.scanning ??= pass().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /**
   * A full pass, unless the last one is recent and none of the folders it watched changed: then only the
   * files written in the last day are re-read (see warmWalk.ts for what this misses, and for how long).
   */
  private async warmPass(): Promise<boolean> {
    const io = this.options.io ?? 'async';
    if (!(await foldersUnchanged(this.folderTimes, Date.now(), io))) return this.pass();
    // Even with nothing to read, the fold sets the pass's statistics.
    return this.applyAll(hotCursors(this.cursors.values(), Date.now()), undefined);
  }

  private async quickPass(changedPaths: string[]): Promise<boolean> {
    const changed = new Set(changedPaths);
    if (changedPaths.some((p) => /\.jsonl?$/.test(p) && !this.cursors.has(p))) return this.pass();
    // Files the watcher named, plus the few written most recently (in case the watcher
    // missed them): a bounded number of stats per second, whatever the history size.
    const hotSinceMs = Date.now() - 10 * 60_000;
    const recent = [...this.cursors.values()].filter((c) => c.mtimeMs >= hotSinceMs).sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, maxHotFiles);
    const hot = new Set([...recent, ...changedPaths.map((p) => this.cursors.get(p)).filter((c): c is FileCursor => c !== undefined)]);
    if (hot.size === 0 && changed.size === 0) return false;
    return this.applyAll([...hot], undefined);
  }

  private freshStats(): ScanStats {
    return { files: 0, bytes: 0, tally: emptyTally(), duplicates: 0, problems: [], failedFiles: [], lastScanMs: 0, rebuilds: 0 };
  }

  private async pass(): Promise<boolean> {
    const started = Date.now();
    const rebuildsBefore = this.stats.rebuilds;
    const changed = await this.walkAndRead(started);
    // What a later warm pass checks instead of walking (see warmWalk.ts); a rebuild has recorded its own.
    if (this.stats.rebuilds === rebuildsBefore) {
      const folders = foldersToWatch(this.options.roots, this.options.sources ?? allSources, [...this.cursors.values()], started);
      this.folderTimes = await folderTimesAfterPass(folders, started, this.options.io ?? 'async');
    }
    return changed;
  }

  private async walkAndRead(started: number): Promise<boolean> {
    const problems: WalkProblem[] = [];
    const threads = this.cursors.size === 0 ? this.takeStartedWorkers() : undefined;
    if (threads) return this.firstPassInThreads(threads, problems, started);
    const files = await discoverLogFiles(this.options.roots, this.options.sources ?? allSources, problems, process.env, os.homedir(), this.options.io);
    const present = new Set(files.map((f) => f.path));
    if ([...this.cursors.keys()].some((p) => !present.has(p))) return this.rebuild('a log file was removed');

    for (const file of files) {
      if (!this.cursors.has(file.path)) this.cursors.set(file.path, newCursor(file.source, file.path, file.relativePath));
    }
    return this.applyAll([...this.cursors.values()], problems, started);
  }

  /**
   * The first pass when the caller set threads up ahead (the CLI): files go to the threads as the
   * listing finds them, so reading starts before the listing ends. Threads not started yet start once
   * the listing shows a large backlog (`moreThreadsBytes`); below it this thread reads everything.
   */
  private async firstPassInThreads(threads: ScanWorkers, problems: WalkProblem[], started: number): Promise<boolean> {
    const fold = this.startFold();
    const listed: FileCursor[] = [];
    const begin = () => {
      const reading = threads.begin((results) => results.forEach(fold.apply));
      if (this.options.whileThreadsRead) setImmediate(this.options.whileThreadsRead);
      return reading;
    };
    let reading = threads.started > 0 ? begin() : undefined;
    const backlog = threads.started < threads.size ? new BacklogEstimate() : undefined;
    let busy = false;
    try {
      await discoverLogFiles(this.options.roots, this.options.sources ?? allSources, problems, process.env, os.homedir(), this.options.io, (files) => {
        renewYoungGenerationCap();
        const cursors = files.map((file) => newCursor(file.source, file.path, file.relativePath));
        if (!reading) listed.push(...cursors);
        else reading.add(cursors);
        if (backlog && !busy && backlog.add(files) >= (this.options.moreThreadsBytes ?? moreThreadsBytes) && threads.started < threads.size) {
          // Decided once, when the backlog first calls for threads.
          if ((this.options.idleCores ?? idleCoresNow)() < 1) {
            busy = true;
            return;
          }
          threads.grow();
          if (!reading) {
            reading = begin();
            reading.add(listed.splice(0));
          }
        }
      });
    } catch (error) {
      threads.close();
      throw error;
    }
    if (reading) await reading.end();
    else {
      threads.close();
      await scanFiles(listed, this.options.io ?? 'async', (file, usages) => fold.apply(resultOf(file, usages)));
    }
    return fold.finish(problems, started);
  }

  /** Reads the files and folds them into the ledger (in any order: see Ledger). */
  private async applyAll(cursors: FileCursor[], problems: WalkProblem[] | undefined, started = Date.now()): Promise<boolean> {
    const fold = this.startFold();
    // Each portion joins the ledger as soon as it arrives, while the threads read on.
    const inWorkers = await this.readInWorkers(cursors, (results) => results.forEach(fold.apply));
    if (!inWorkers) await scanFiles(cursors, this.options.io ?? 'async', (file, usages) => fold.apply(resultOf(file, usages)));
    return fold.finish(problems, started);
  }

  /** Folding read results into the ledger, then the pass's statistics (or a rebuild when a file was replaced). */
  private startFold(): { apply(result: FileScanResult): boolean; finish(problems: WalkProblem[] | undefined, started: number): Promise<boolean> } {
    const versionBefore = this.ledger.version;
    const failedFiles: WalkProblem[] = [];
    let replaced: string | undefined;
    return {
      apply: (result) => {
        if (replaced) return false;
        if (result.error === 'replaced') {
          replaced = path.basename(result.cursor.path);
          return false;
        }
        renewYoungGenerationCap();
        this.cursors.set(result.cursor.path, result.cursor);
        result.feed((usage) => this.ledger.add(usage, result.cursor.mtimeMs));
        this.ledger.countMergedRepeats(result.mergedRepeats);
        addTally(this.stats.tally, result.tally);
        if (result.error) failedFiles.push({ path: result.cursor.path, reason: result.error });
        return true;
      },
      finish: async (problems, started) => {
        if (replaced) return this.rebuild(`${replaced} was truncated or replaced`);
        this.stats.files = this.cursors.size;
        this.stats.bytes = [...this.cursors.values()].reduce((sum, c) => sum + c.offset, 0);
        this.stats.duplicates = this.ledger.duplicateCount;
        if (problems) this.stats.problems = problems;
        this.stats.failedFiles = failedFiles;
        this.stats.lastScanMs = Date.now() - started;
        return this.ledger.version !== versionBefore;
      },
    };
  }

  private async rebuild(reason: string): Promise<boolean> {
    this.options.log?.(`Rescanning all logs: ${reason}.`);
    const rebuilds = this.stats.rebuilds + 1;
    this.ledger = new Ledger();
    this.cursors = new Map();
    this.folderTimes = undefined;
    this.stats = { ...this.freshStats(), rebuilds };
    await this.pass();
    return true;
  }

  /** Reads a large backlog of new files in worker threads, handing over each portion's results; false when reading here is better. */
  private async readInWorkers(cursors: FileCursor[], onResults: (results: FileScanResult[]) => void): Promise<boolean> {
    const started = this.takeStartedWorkers();
    const script = this.options.workerScript ?? path.join(__dirname, 'scanWorkerThread.js');
    const count = started?.size ?? this.options.workers ?? defaultWorkerCount();
    if (!(await this.worthWorkers(cursors, count, started !== undefined, existsSync(script)))) {
      started?.close();
      return false;
    }
    const reading = (started ?? new ScanWorkers(script, count)).read(cursors, onResults);
    if (this.options.whileThreadsRead) setImmediate(this.options.whileThreadsRead);
    await reading;
    return true;
  }

  /** Threads started ahead serve one pass only. */
  private takeStartedWorkers(): ScanWorkers | undefined {
    const started = this.options.startedWorkers;
    this.options.startedWorkers = undefined;
    return started;
  }

  private async worthWorkers(cursors: FileCursor[], count: number, alreadyStarted: boolean, haveScript: boolean): Promise<boolean> {
    const fresh = cursors.filter((c) => c.offset === 0);
    if (count < 2 || fresh.length < 8) return false;
    // Threads started ahead have paid their start-up: with eight files or more, they are worth it.
    if (alreadyStarted) return true;
    if (!haveScript) return false;
    // Sizes decide whether workers pay off; a sample is enough to tell.
    const sample = fresh.filter((_, i) => i % Math.ceil(fresh.length / 64) === 0);
    const sampleBytes = (await Promise.all(sample.map((c) => fs.stat(c.path).then((s) => s.size, () => 0)))).reduce((a, b) => a + b, 0);
    return (sampleBytes / sample.length) * fresh.length >= workerThresholdBytes;
  }
}
