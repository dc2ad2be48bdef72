import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import type { CodexCredits, CodexRateLimit } from '../core/codexRateLimits';
import { Ledger } from '../core/ledger/ledger';
import { emptyTally } from '../core/lineParser';
import { sourceNames, type SourceName } from '../core/usageEvent';
import { discoverLogFiles, newCursor, type DiscoveredFile, type FileCursor, type LogRoots } from './logFiles';
import type { WalkProblem } from './boundedWalk';
import type { FileScanResult } from './packedResults';
import { cursorOf, defaultWorkerCount, favourMemory, moreThreadsBytes, ScanWorkers } from './scanWorkers';
import { renewYoungGenerationCap } from './youngGeneration';
import { folderBriefs, folderTimesAfterPass, foldersToWatch, foldersUnchanged, hotFileAgeMs, type FolderTimes } from './warmWalk';
import { FileTable } from './fileTable';
import { FileTableError } from './fileColumns';
import { NameTableError } from '../core/ledger/nameTable';
import { KeyTableError } from '../core/ledger/keyTable';
import { IndexChangedError } from './indexFile';
import { closeIndexOf, heldIndexChanged } from './heldIndex';
import { addTally, BacklogEstimate, idleCoresNow, resultOf, scanFiles, skippedSummary, type ScanStats, type SkippedSummary } from './scanParts';

export { scanFiles, skippedSummary, type ScanStats, type SkippedSummary };

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
  /** A first pass in threads whose listing shows this much to read turns V8's memory-saving mode on (see favourMemory; the CLI only). */
  favourMemoryBytes?: number;
  /**
   * The calling thread reads a share of a first pass in threads set up ahead, once the listing is done, instead of
   * waiting for theirs (the CLI, whose main thread may block: each thread reads one reader's share, not the editor's).
   */
  readShareHere?: boolean;
  /** Work for the calling thread while scan threads read (the CLI loads its price data then). */
  whileThreadsRead?: () => void;
  log?: (message: string) => void;
  /** 'sync' for the CLI, where blocking reads are fastest; the extension host keeps 'async'. */
  io?: 'async' | 'sync';
}

// Below this backlog, starting workers costs more than it saves.
const workerThresholdBytes = 32 * 1024 * 1024;

// Recently written files re-checked on each quick pass.
const maxHotFiles = 64;
const allSources = Object.fromEntries(sourceNames.map((name) => [name, true])) as Record<SourceName, boolean>;

/**
 * Keeps a ledger in step with the agents' log files: the first pass reads
 * everything (in parallel workers when there is a lot), later passes read only
 * appended bytes. A file that shrank, was replaced or vanished triggers a rebuild,
 * so totals always equal a fresh scan.
 */
export class UsageScanner {
  ledger = new Ledger();
  /** One cursor per log file, as columns (fileTable.ts): objects only for the files a pass reads. */
  private files = new FileTable();
  /** Folder times of the last full pass, for warm passes (saved in the index). */
  folderTimes: FolderTimes | undefined;
  stats: ScanStats = this.freshStats();
  private scanning: Promise<boolean> | undefined;

  constructor(private readonly options: ScanOptions) {}

  /** The latest official plan limits seen in any Codex rollout: per limit id and window, placeholders never hiding a real reading. */
  officialLimits(): CodexRateLimit[] {
    return [...this.files.codexSummary().limits];
  }

  /** The newest Codex credits reading in any rollout (openai/codex `CreditsSnapshot`). */
  codexCredits(): CodexCredits | undefined {
    return this.files.codexSummary().credits;
  }

  /** Every file's cursor, each a new object (changing one changes nothing here). */
  fileCursors(): FileCursor[] {
    return [...this.files.cursors()];
  }

  /** The cursors of the files last seen written at or after `sinceMs`. */
  recentFileCursors(sinceMs: number): FileCursor[] {
    return this.files.writtenSince(sinceMs).map((i) => this.files.cursorAt(i));
  }

  /** Whether any file was last seen written at or after `sinceMs`. */
  anyWrittenSince(sinceMs: number): boolean {
    return this.files.writtenSince(sinceMs).length > 0;
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** The cursors as saved in the index (usageIndex.ts). */
  fileTable(): FileTable {
    return this.files;
  }

  /** What the last pass could not read (see SkippedSummary). */
  skipped(): SkippedSummary {
    let withLongLines: FileCursor[] = [];
    try {
      withLongLines = this.files.withLongLines().map((i) => this.files.cursorAt(i));
    } catch (error) {
      // Damage in a table read unchecked: the next full pass rebuilds it; until then no long lines are listed.
      if (!(error instanceof FileTableError)) throw error;
    }
    return skippedSummary(this.stats, withLongLines);
  }

  /** Restores state saved by a previous run (see usageIndex.ts). */
  restore(ledger: Ledger, files: FileTable | FileCursor[], folderTimes?: FolderTimes): void {
    this.ledger = ledger;
    this.files = Array.isArray(files) ? FileTable.of(files) : files;
    this.folderTimes = folderTimes;
  }

  /**
   * `ledger` instead of `expected`, the same rows held otherwise (the editor's rebase on the index it just saved, see
   * rebaseOnIndex): only while `expected` is still the ledger, unchanged since `version`, and no pass is running (a
   * pass counts its changes against the ledger's version when it started, see startFold). Returns whether it did.
   */
  swapLedger(expected: Ledger, version: number, ledger: Ledger): boolean {
    if (this.scanning || this.ledger !== expected || expected.version !== version) return false;
    this.ledger = ledger;
    return true;
  }

  /**
   * One pass; concurrent callers share it. Resolves true when the ledger changed.
   * A full pass lists every folder (new and deleted files); a quick pass re-reads
   * only files written in the last few minutes plus `changedPaths`.
   */
  refresh(mode: { full: boolean; changedPaths?: string[]; warm?: boolean } = { full: true }): Promise<boolean> {
    const pass = () => (mode.warm && this.files.size > 0 ? this.warmPass() : mode.full || this.files.size === 0 ? this.pass() : this.quickPass(mode.changedPaths ?? []));
    // The index file the editor holds open changed under it (found here, one fstat, or by a merge into an older row
    // or a key probe during the pass): its rows cannot be trusted, the logs are read again.
    const start = () => {
      const changed = heldIndexChanged(this.ledger);
      if (changed) return this.rebuild(changed);
      return pass().catch((error: unknown) => {
        if (error instanceof IndexChangedError) return this.rebuild(error.message);
        throw error;
      });
    };
    this.scanning ??= start().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /**
   * A full pass, unless the last one is recent and none of the folders it watched changed: then only the
   * files written in the last day are re-read (see warmWalk.ts for what this misses, and for how long).
   */
  private async warmPass(): Promise<boolean> {
    const io = this.options.io ?? 'async';
    if (!(await foldersUnchanged(this.folderTimes, Date.now(), io))) return this.pass();
    // Even with nothing to read, the fold sets the pass's statistics. Only these files' cursors are made (and their state parsed).
    try {
      return await this.applyAll(this.files.writtenSince(Date.now() - hotFileAgeMs, true).map((i) => this.files.cursorAt(i)), undefined);
    } catch (error) {
      // A table read unchecked (LoadOptions.checkFiles) found damaged when a file of it is read or changed; names of
      // the ledger found damaged when a new usage looks one up or merges into an older row; a block of the saved key
      // table found damaged when a new usage's key is probed in it.
      if (!(error instanceof FileTableError || error instanceof NameTableError || error instanceof KeyTableError)) throw error;
      return this.rebuild(`the usage index's ${error.message}`);
    }
  }

  /**
   * The editor's pass every 30 seconds. While its watchers cover every log folder (an append or a new file there
   * is reported, and a quick pass reads it), a warm pass: a few folders stat-ed and the files of the last day, with
   * a full pass still each `fullPassMaxAgeMs`. A full pass lists and stats every file: ~27 MB allocated and ~300 ms
   * of CPU on the host's thread each time on a 1.5 GB history, which also kept V8's young generation grown to
   * 16-32 MB (docs/benchmarks.md, extension host memory, session 17). Without full coverage, a full pass.
   */
  periodicRefresh(watchingAll: boolean): Promise<boolean> {
    return this.refresh({ full: true, warm: watchingAll });
  }

  private async quickPass(changedPaths: string[]): Promise<boolean> {
    const changed = new Set(changedPaths);
    if (changedPaths.some((p) => /\.jsonl?$/.test(p) && !this.files.has(p))) return this.pass();
    // Files the watcher named, plus the few written most recently (in case the watcher
    // missed them): a bounded number of stats per second, whatever the history size.
    const hotSinceMs = Date.now() - 10 * 60_000;
    const recent = this.files.writtenSince(hotSinceMs).sort((a, b) => this.files.mtimeMsAt(b) - this.files.mtimeMsAt(a)).slice(0, maxHotFiles);
    const hot = new Map<string, FileCursor>();
    for (const i of recent) hot.set(this.files.pathAt(i), this.files.cursorAt(i));
    for (const p of changedPaths) if (!hot.has(p)) {
      const cursor = this.files.get(p);
      if (cursor) hot.set(p, cursor);
    }
    if (hot.size === 0 && changed.size === 0) return false;
    const read = await this.applyAll([...hot.values()], undefined);
    // A known file gone (the watcher reported its removal): its usage leaves the totals now, through the full pass's
    // rebuild, rather than at the next full pass (with warm periodic passes, up to an hour later).
    if (this.stats.failedFiles.some((f) => f.reason === 'ENOENT' && changed.has(f.path))) return (await this.pass()) || read;
    return read;
  }

  private freshStats(): ScanStats {
    return { files: 0, bytes: 0, tally: emptyTally(), duplicates: 0, problems: [], failedFiles: [], lastScanMs: 0, rebuilds: 0 };
  }

  private async pass(): Promise<boolean> {
    // A table read from the index is checked whole before a full pass uses all of it.
    const damage = this.files.damage() ?? this.ledger.namesDamage();
    if (damage) return this.rebuild(`the usage index's ${damage}`);
    const started = Date.now();
    const rebuildsBefore = this.stats.rebuilds;
    const changed = await this.walkAndRead(started);
    // What a later warm pass checks instead of walking (see warmWalk.ts); a rebuild has recorded its own.
    if (this.stats.rebuilds === rebuildsBefore) {
      const folders = foldersToWatch(this.options.roots, this.options.sources ?? allSources, folderBriefs(this.files), started);
      this.folderTimes = await folderTimesAfterPass(folders, started, this.options.io ?? 'async');
    }
    return changed;
  }

  private async walkAndRead(started: number): Promise<boolean> {
    const problems: WalkProblem[] = [];
    const threads = this.files.size === 0 ? this.takeStartedWorkers() : undefined;
    if (threads) return this.firstPassInThreads(threads, problems, started);
    const files = await discoverLogFiles(this.options.roots, this.options.sources ?? allSources, problems, process.env, os.homedir(), this.options.io);
    const present = new Set(files.map((f) => f.path));
    for (let i = 0; i < this.files.size; i++) if (!present.has(this.files.pathAt(i))) return this.rebuild('a log file was removed');
    const cursors = [...this.files.cursors()];
    for (const file of files) {
      if (!this.files.has(file.path)) {
        const cursor = newCursor(file.source, file.path, file.relativePath);
        this.files.put(cursor);
        cursors.push(cursor);
      }
    }
    return this.applyAll(cursors, problems, started);
  }

  /**
   * The first pass when the caller set threads up ahead (the CLI): files go to the threads as the
   * listing finds them, so reading starts before the listing ends. Threads not started yet start once
   * the listing shows a large backlog (`moreThreadsBytes`); below it this thread reads everything.
   */
  private async firstPassInThreads(threads: ScanWorkers, problems: WalkProblem[], started: number): Promise<boolean> {
    const fold = this.startFold();
    // Listed files wait as the listing gives them; cursors are made as they are read (see ScanWorkers.begin).
    const listed: DiscoveredFile[] = [];
    const begin = () => {
      const reading = threads.begin((results) => results.forEach(fold.apply), 64, this.options.readShareHere);
      if (this.options.whileThreadsRead) setImmediate(this.options.whileThreadsRead);
      return reading;
    };
    let reading = threads.started > 0 ? begin() : undefined;
    const backlog = threads.started < threads.size ? new BacklogEstimate() : undefined;
    let busy = false;
    try {
      await discoverLogFiles(this.options.roots, this.options.sources ?? allSources, problems, process.env, os.homedir(), this.options.io, (files) => {
        renewYoungGenerationCap();
        if (!reading) listed.push(...files);
        else reading.add(files);
        const backlogBytes = backlog && !busy ? backlog.add(files) : 0;
        if (reading && backlogBytes >= (this.options.favourMemoryBytes ?? Infinity)) favourMemory();
        if (backlogBytes >= (this.options.moreThreadsBytes ?? moreThreadsBytes) && threads.started < threads.size) {
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
    if (reading) {
      const ended = reading.end();
      if (this.options.readShareHere) await this.readShare(reading, fold);
      await ended;
    } else {
      threads.close();
      await this.readHere(listed.map(cursorOf), fold);
    }
    return fold.finish(problems, started);
  }

  /**
   * Reads what the threads have not taken yet, a portion at a time, on this thread (see ScanOptions.readShareHere).
   * Between portions, the threads' results that arrived meanwhile are folded and they are sent their next portions.
   */
  private async readShare(reading: { take(listedFrom?: Array<number | undefined>): FileCursor[] | undefined }, fold: { apply(result: FileScanResult): boolean }): Promise<void> {
    // Where each taken file's path under its root starts, when just listed: the file table then need not derive its
    // context again to tell whether the path gives it (FileTable.put).
    const listedFrom: Array<number | undefined> = [];
    for (let cursors = reading.take(listedFrom); cursors; cursors = reading.take(listedFrom)) {
      let stopped = false;
      let k = 0;
      await scanFiles(cursors, this.options.io ?? 'async', (file, usages) => {
        const result = resultOf(file, usages);
        if (file.cursor === cursors[k]) result.listedFrom = listedFrom[k++];
        stopped = !fold.apply(result);
        return !stopped;
      });
      if (stopped) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Reads the files and folds them into the ledger (in any order: see Ledger). */
  private async applyAll(cursors: FileCursor[], problems: WalkProblem[] | undefined, started = Date.now()): Promise<boolean> {
    const fold = this.startFold();
    // Each portion joins the ledger as soon as it arrives, while the threads read on.
    const inWorkers = await this.readInWorkers(cursors, (results) => results.forEach(fold.apply));
    if (!inWorkers) await this.readHere(cursors, fold);
    return fold.finish(problems, started);
  }

  /**
   * Reads `cursors` on this thread, a batch at a time, letting go of each batch once folded (its state is in the
   * file table then): a first pass does not hold a cursor object per file until it ends. Empties `cursors`.
   */
  private async readHere(cursors: FileCursor[], fold: { apply(result: FileScanResult): boolean }): Promise<void> {
    const batch = 256;
    for (let at = 0; at < cursors.length; at += batch) {
      const some = cursors.slice(at, at + batch);
      cursors.fill(undefined as unknown as FileCursor, at, at + batch);
      let stopped = false;
      await scanFiles(some, this.options.io ?? 'async', (file, usages) => {
        stopped = !fold.apply(resultOf(file, usages));
        return !stopped;
      });
      if (stopped) break;
    }
    cursors.length = 0;
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
        this.files.put(result.cursor, result.listedFrom);
        result.feed((usage) => this.ledger.add(usage, result.cursor.mtimeMs));
        this.ledger.countMergedRepeats(result.mergedRepeats);
        addTally(this.stats.tally, result.tally);
        if (result.error) failedFiles.push({ path: result.cursor.path, reason: result.error });
        return true;
      },
      finish: async (problems, started) => {
        if (replaced) return this.rebuild(`${replaced} was truncated or replaced`);
        this.stats.files = this.files.size;
        this.stats.bytes = this.files.bytesRead();
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
    // The index file a restored ledger kept open (the editor's, see loadIndex olderOnDisk) goes with it.
    closeIndexOf(this.ledger);
    this.ledger = new Ledger();
    this.files = new FileTable();
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
