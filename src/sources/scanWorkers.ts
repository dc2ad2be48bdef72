import { readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { claudeProjectsFolder } from './agents/claude/paths';
import type { SourceName } from '../core/usageEvent';
import { newCursor, type DiscoveredFile, type FileCursor } from './logFiles';
import { listedPath, unpackResults, type FileScanResult, type PackedResults } from './packedResults';
import { ReadClaims } from './readClaims';

/**
 * What a scan worker is sent: the shared claims of a read (first), files listed (at their place in the read's list),
 * a buffer handed back, or nothing more to do.
 */
export type ScanWorkerRequest =
  | { claims: SharedArrayBuffer; portionSize: number }
  | { files: Array<ListedFile | undefined>; at: number }
  | { stop: true }
  | { spare: ArrayBuffer };

/**
 * Threads that read log files for a scan. They can be started before the files are
 * known (the CLI starts them first thing, so their start-up overlaps its own), and
 * hand out work in small portions on request: a thread that drew large files does
 * not leave the other waiting, and each portion's results join the ledger while the
 * threads read on, instead of all at the end.
 */
export class ScanWorkers {
  private readonly workers: Worker[] = [];
  /** Threads made ahead (`prestart`): booting while the caller loads and lists, not reading until `grow` takes them. */
  private readonly ahead: Worker[] = [];
  private madeCount = 0;
  private closed = false;
  /** The first thread failure, kept until read() can report it (a thread may fail before it is used). */
  private failure: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  /** Joins a thread started during a read to that read (see begin). */
  private joinRead: ((worker: Worker) => void) | undefined;
  private readonly failed = (error: Error) => {
    this.failure ??= error;
    this.onFailure?.(this.failure);
  };

  /**
   * `count` threads, `startNow` of them at once and the rest on `grow()`: each thread costs ~70 ms of
   * CPU to start, which a small history never earns back.
   */
  constructor(private readonly script: string, private readonly count: number, startNow = count) {
    for (let i = 0; i < Math.min(startNow, count); i++) this.spawn();
  }

  /** Threads this pool reads with once grown. */
  get size(): number {
    return this.count;
  }

  /** Threads started so far. */
  get started(): number {
    return this.workers.length;
  }

  /** Threads made so far, started or made ahead. */
  get made(): number {
    return this.madeCount;
  }

  /** Starts the threads not started yet; a read in progress hands them work at once. */
  grow(): void {
    while (!this.closed && this.workers.length < this.count) this.spawn();
  }

  /**
   * Makes the threads not started yet now, so that they boot (~40-80 ms each, on another core) while the caller
   * loads its code and lists the files; they count as started, and read, only once `grow` takes them. A scan that
   * turns out small closes them unused (their boot's CPU is then lost). The CLI does this when a core is idle.
   */
  prestart(): void {
    while (!this.closed && this.workers.length + this.ahead.length < this.count) this.ahead.push(this.make());
  }

  private make(): Worker {
    // Loaded here, not at start-up: most runs (an index, a small history, the MCP server) start no thread.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    // A small young generation keeps each worker's memory near its live data: the parse garbage dies young.
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.madeCount++;
    worker.on('error', this.failed);
    worker.on('exit', (code) => {
      if (code !== 0 && !this.closed) this.failed(new Error(`scan worker exited with code ${code}`));
    });
    // Started early, they must not keep a process alive that ends up not needing them.
    worker.unref();
    return worker;
  }

  private spawn(): void {
    const worker = this.ahead.shift() ?? this.make();
    this.workers.push(worker);
    this.joinRead?.(worker);
  }

  /**
   * Reads every cursor, handing each portion's results to `onResults` as it arrives (in no
   * fixed order), then stops the threads. Rejects on the first failed thread.
   */
  read(cursors: FileCursor[], onResults: (results: FileScanResult[]) => void): Promise<void> {
    const reading = this.begin(onResults, Math.ceil(cursors.length / (this.count * 32)));
    reading.add(cursors);
    return reading.end();
  }

  /**
   * Starts a read whose files arrive in batches (`add`, as a listing finds them), so the
   * threads start before the listing ends. `end` says no more will come, and settles when
   * every file a thread took is read, as `read` does. The threads take files themselves (ReadClaims), a few at a
   * time, and send results back about `portionSize` files at a time. `readsHere`: the calling thread reads a share
   * too (`take`), so the files are split among one reader more than there are threads.
   */
  begin(
    onResults: (results: FileScanResult[]) => void,
    portionSize = 64,
    readsHere = false,
  ): { add(files: Array<FileCursor | DiscoveredFile>): void; end(): Promise<void>; take(listedFrom?: Array<number | undefined>): FileCursor[] | undefined; takenByThreads(): number } {
    let resolveRead!: () => void;
    let rejectRead!: (error: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      resolveRead = resolve;
      rejectRead = reject;
    });
    // Unhandled until end() is awaited: a thread failing while files are still being listed must not crash the process.
    done.catch(() => undefined);
    if (this.closed) {
      rejectRead(new Error('scan workers already used'));
      return { add: () => undefined, end: () => done, take: () => undefined, takenByThreads: () => 0 };
    }
    const claims = new ReadClaims();
    // Files listed, as the listing found them, from list position `base` on: a cursor is made only when a file is read
    // (a listing of 100,000 files outruns the threads by far, and a cursor with its session names is twice the size).
    // Files the threads took are let go now and then (the array is shortened once half of it is let go).
    const listed: Array<FileCursor | DiscoveredFile | undefined> = [];
    let base = 0;
    let letGo = 0;
    const letGoTaken = () => {
      const front = claims.front;
      for (; letGo < front; letGo++) listed[letGo - base] = undefined;
      if (letGo - base >= 4096 && (letGo - base) * 2 >= listed.length) {
        listed.splice(0, letGo - base);
        base = letGo;
      }
    };
    // Files whose results came back from the threads; every file they took has once this equals the claims' front.
    let received = 0;
    let ended = false;
    const finishIfDone = () => {
      if (!ended || this.closed || claims.front < claims.back || received < claims.front) return;
      this.closed = true;
      for (const worker of this.workers) worker.postMessage({ stop: true } satisfies ScanWorkerRequest);
      for (const worker of this.ahead.splice(0)) void worker.terminate();
      this.joinRead = undefined;
      resolveRead();
    };
    this.onFailure = (error) => {
      this.close();
      rejectRead(error);
    };
    if (this.failure) this.onFailure(this.failure);
    this.joinRead = (worker) => {
      claims.readers = this.workers.length + (readsHere ? 1 : 0);
      worker.ref();
      worker.postMessage({ claims: claims.buffer, portionSize } satisfies ScanWorkerRequest);
      // A thread started during the listing gets what is listed so far (the files already taken as gaps).
      if (listed.length > 0) worker.postMessage({ files: listed.map((file) => file && sendable(file)), at: base } satisfies ScanWorkerRequest);
      worker.on('message', (packed: PackedResults) => {
        if (this.closed) return;
        received += packed.files.length + packed.plain.length;
        try {
          onResults(unpackResults(packed));
        } catch (error) {
          this.onFailure?.(error as Error);
          return;
        }
        claims.folded(packed.numbers.byteLength);
        // Folded (onResults feeds every record before it returns): the numbers' buffer goes back for the next portion.
        const spare = packed.numbers.buffer as ArrayBuffer;
        worker.postMessage({ spare } satisfies ScanWorkerRequest, [spare]);
        letGoTaken();
        finishIfDone();
      });
    };
    for (const worker of this.workers) this.joinRead(worker);
    // A read needs a thread to read with.
    if (this.workers.length === 0) this.grow();
    return {
      add: (files) => {
        if (this.closed || files.length === 0) return;
        // Sent before they are published: a thread that takes a file has been sent it.
        const at = base + listed.length;
        const sent = files.map(sendable);
        for (const worker of this.workers) worker.postMessage({ files: sent, at } satisfies ScanWorkerRequest);
        for (const file of files) listed.push(file);
        claims.publish(files.length);
      },
      end: () => {
        ended = true;
        claims.end();
        finishIfDone();
        return done;
      },
      // Half a thread's portion at most: the calling thread also folds what the threads send, which waits until it
      // has read what it took. From the end of the list, where the listing put Codex rollouts (after Claude
      // transcripts): in a history of both, each agent's parser then warms up (V8 compiles its hot code, once per
      // thread) in one thread rather than in both, as far as the shares allow. `listedFrom`, when given, gets each
      // file's (see listedFromOf), in the order of the cursors.
      take: (listedFrom) => {
        if (this.closed || !ended) return undefined;
        const range = claims.takeBack(Math.ceil(portionSize / 2));
        if (!range) {
          finishIfDone();
          return undefined;
        }
        const taken: FileCursor[] = [];
        if (listedFrom) listedFrom.length = 0;
        for (let i = range[0]; i < range[1]; i++) {
          const file = listed[i - base]!;
          taken.push(cursorOf(file));
          listedFrom?.push(listedFromOf(file));
          listed[i - base] = undefined;
        }
        return taken;
      },
      // The files the threads took so far (from the front of the list).
      takenByThreads: () => claims.front,
    };
  }

  /** Stops the threads without reading (a scan that turned out small). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const worker of [...this.workers, ...this.ahead.splice(0)]) void worker.terminate();
  }
}

let favouringMemory = false;

/**
 * V8's memory-saving mode for the rest of the process, once a first pass in threads shows a long history (the
 * CLI's `ScanOptions.favourMemoryBytes`): every heap, the threads' and this one's, grows less between collections
 * and gives freed pages back. Cold scan of generated 15 GB with two threads: peak RSS ~290 → ~230 MB; it costs
 * ~5% more CPU, so a history of 1.5 GB (well under 200 MB anyway) is read without it (docs/benchmarks.md, cold
 * scan session 10). Only in a process of our own: never in the editor's shared extension host (V8's flags are
 * process-wide). Returns whether it was set now.
 */
export function favourMemory(): boolean {
  if (favouringMemory) return false;
  favouringMemory = true;
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--optimize-for-size');
  return true;
}

/**
 * V8's tiering for a cold scan, in a process of our own (the CLI; never the editor's shared extension host: V8's flags
 * are process-wide): each function runs twice as long before it is optimized, and inlining stops at half the bytecode
 * per optimized function. A cold scan compiles the parsers' hot code once per thread that reads (~0.4 s of CPU for
 * two), and code optimized on less feedback is thrown away and compiled again; the readers' steady speed is about
 * the same (real 1.5 GB, two readers: ~3,020 -> ~2,870 ms of CPU; one: ~2,370 -> ~2,290; docs/benchmarks.md, cold scan
 * in threads, session 12). Set before the scan's code first runs.
 */
export function favourShortWarmUp(): void {
  const v8 = require('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--interrupt-budget=135168');
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');
}

/**
 * The CLI's scan threads start once its listing shows this much to read; below it the main thread reads:
 * each thread costs ~70-130 ms of CPU to start, and its results must be packed, sent and unpacked, which
 * on two shared cores pays off only on a large backlog (docs/benchmarks.md, cold scan session 5).
 */
export const moreThreadsBytes = 256 * 1024 * 1024;

/**
 * Whether the Claude Code transcripts under `claudeDirs` look like `bytes` or more, from a glance that costs a few
 * system calls (before the CLI loads its command, to decide whether a scan thread boots ahead: see
 * ScanWorkers.prestart): the project folders counted, up to `sampleFolders` of them (spread over the list) listed,
 * up to four transcripts of each sized. An estimate, for timing only: the scanner's listing decides whether threads read.
 */
export function claudeProjectsLookLarge(claudeDirs: readonly string[], bytes: number, sampleFolders = 4): boolean {
  let estimate = 0;
  for (const dir of claudeDirs) {
    const projects = claudeProjectsFolder(dir);
    let folders: string[];
    try {
      folders = readdirSync(projects, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      continue;
    }
    const step = Math.max(1, Math.floor(folders.length / sampleFolders));
    let listed = 0;
    let files = 0;
    let sized = 0;
    let sizedBytes = 0;
    for (let i = 0; i < folders.length && listed < sampleFolders; i += step) {
      const folder = path.join(projects, folders[i]);
      let names: string[];
      try {
        names = readdirSync(folder).filter((name) => name.endsWith('.jsonl'));
      } catch {
        continue;
      }
      listed++;
      files += names.length;
      for (let k = 0; k < names.length && k < 4; k++, sized++) sizedBytes += statSync(path.join(folder, names[k]), { throwIfNoEntry: false })?.size ?? 0;
      // Enough already: the folders left unlisted (a generated history: thousands of files a folder, ~2 ms each).
      if (sized > 0 && estimate + (files / listed) * folders.length * (sizedBytes / sized) >= bytes) return true;
    }
    if (sized > 0) estimate += (files / listed) * folders.length * (sizedBytes / sized);
  }
  return estimate >= bytes;
}

/** A file's cursor: the one given, or a new one for a file just listed. */
/**
 * A file of a read's list as the threads hold it: a cursor, or a listed file as one string (`sendable`). Every thread
 * holds the list until it takes the files, and a listing outruns the threads by far: as objects with two strings each,
 * 100,000 listed files cost each thread ~29 MB (peak RSS of a cold 15 GB scan 161 -> 195 MB, session 16); as one
 * string each, about half.
 */
export type ListedFile = FileCursor | DiscoveredFile | string;

/** A listed file as one string, `source NUL where its relative path starts NUL path`, when its relative path ends its path. */
export function sendable(file: FileCursor | DiscoveredFile): ListedFile {
  if ('offset' in file || !file.path.endsWith(file.relativePath)) return file;
  return `${file.source}\0${file.path.length - file.relativePath.length}\0${file.path}`;
}

/**
 * For a Claude Code transcript just listed (not a cursor read before): where its relative path starts in its path,
 * the context cursorOf derives from (FileTable.put's `listedFrom`); else undefined.
 */
export function listedFromOf(file: ListedFile): number | undefined {
  if (typeof file === 'string') return file.startsWith('claude\0') ? listedPath(file).listedFrom : undefined;
  if ('offset' in file || file.source !== 'claude' || !file.path.endsWith(file.relativePath)) return undefined;
  return file.path.length - file.relativePath.length;
}

export function cursorOf(file: ListedFile): FileCursor {
  if (typeof file === 'string') {
    const { source, path: filePath, listedFrom } = listedPath(file);
    return newCursor(source as SourceName, filePath, filePath.slice(listedFrom));
  }
  return 'offset' in file ? file : newCursor(file.source, file.path, file.relativePath);
}

/** One thread per core, at most 4 (more only contend for the disk); TOKENMETER_WORKERS overrides. */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.TOKENMETER_WORKERS) || Math.min(4, Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
}

// The CLI's entry and its command are separate bundles: threads started by one reach the other here.
const handOver = Symbol.for('tokenmeter.startedScanWorkers');

export function handOverScanWorkers(workers: ScanWorkers): void {
  (globalThis as Record<symbol, unknown>)[handOver] = workers;
}

export function takeScanWorkers(): ScanWorkers | undefined {
  const workers = (globalThis as Record<symbol, unknown>)[handOver] as ScanWorkers | undefined;
  (globalThis as Record<symbol, unknown>)[handOver] = undefined;
  return workers;
}
