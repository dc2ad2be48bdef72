import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileCursor } from './logFiles';
import { unpackResults, type FileScanResult, type PackedResults } from './packedResults';

/** What a scan worker is sent: files to read, or nothing more to do. */
export type ScanWorkerRequest = { cursors: FileCursor[] } | { stop: true };

/**
 * Threads that read log files for a scan. They can be started before the files are
 * known (the CLI starts them first thing, so their start-up overlaps its own), and
 * hand out work in small portions on request: a thread that drew large files does
 * not leave the other waiting, and each portion's results join the ledger while the
 * threads read on, instead of all at the end.
 */
export class ScanWorkers {
  private readonly workers: Worker[];
  private closed = false;
  /** The first thread failure, kept until read() can report it (a thread may fail before it is used). */
  private failure: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;

  constructor(script: string, count: number) {
    // A small young generation keeps each worker's memory near its live data: the parse garbage dies young.
    this.workers = Array.from({ length: count }, () => new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
    const failed = (error: Error) => {
      this.failure ??= error;
      this.onFailure?.(this.failure);
    };
    for (const worker of this.workers) {
      worker.on('error', failed);
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closed) failed(new Error(`scan worker exited with code ${code}`));
      });
      // Started early, they must not keep a process alive that ends up not needing them.
      worker.unref();
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Reads every cursor, handing each portion's results to `onResults` as it arrives (in no
   * fixed order), then stops the threads. Rejects on the first failed thread.
   */
  read(cursors: FileCursor[], onResults: (results: FileScanResult[]) => void): Promise<void> {
    if (this.closed) return Promise.reject(new Error('scan workers already used'));
    const portions = portionsOf(cursors, this.workers.length);
    return new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      this.onFailure = (error) => {
        this.close();
        reject(error);
      };
      if (this.failure) return this.onFailure(this.failure);
      const send = (worker: Worker) => {
        const portion = portions.shift();
        if (portion) {
          worker.postMessage({ cursors: portion } satisfies ScanWorkerRequest);
          inFlight++;
        }
      };
      for (const worker of this.workers) {
        worker.ref();
        worker.on('message', (packed: PackedResults) => {
          if (this.closed) return;
          inFlight--;
          // The next portion goes out first: the thread never waits while results are folded in here.
          send(worker);
          try {
            onResults(unpackResults(packed));
          } catch (error) {
            this.onFailure?.(error as Error);
            return;
          }
          if (inFlight === 0) {
            this.closed = true;
            for (const each of this.workers) each.postMessage({ stop: true } satisfies ScanWorkerRequest);
            resolve();
          }
        });
        // Two portions each: a thread finishing one starts on the next without a round trip.
        send(worker);
        send(worker);
      }
      if (inFlight === 0) {
        this.close();
        resolve();
      }
    });
  }

  /** Stops the threads without reading (a scan that turned out small). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
  }
}

/**
 * Splits the files into portions of about equal count, several per thread so the last
 * ones even out. Files are dealt out like cards first: neighbours in a listing tend to
 * be alike (one project's sessions), and this needs no stat per file.
 */
function portionsOf(cursors: FileCursor[], threads: number): FileCursor[][] {
  const count = Math.min(cursors.length, threads * 32);
  const portions = Array.from({ length: count }, () => [] as FileCursor[]);
  cursors.forEach((cursor, i) => portions[i % count].push(cursor));
  return portions.filter((portion) => portion.length > 0);
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
