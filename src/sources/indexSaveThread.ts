import type { Worker } from 'node:worker_threads';
import { sharedParts } from '../core/ledger/saving';
import type { SharedLedger } from '../core/ledger/ledger';
import { writeTempSync, type SavedState } from './indexFile';
import { indexHeader, ledgerSection } from './indexSections';
import { spillOfShared, type SharedSpill } from './rowSpillFile';

/**
 * A cold scan's index saved on a scan thread left idle once the read is done (see saveIndexInThread): the CLI's
 * serial tail after the last read was the save then the report, one after the other on the main thread while the
 * scan thread had nothing to do (~11% of a cold run's wall on the generated corpus: docs/benchmarks.md). Here the
 * thread encodes the ledger's part and writes the temp file while the main thread makes the file table's section,
 * then reports; the main thread renames the file into place.
 */

/** First message: the ledger, shared (its arrays are not copied), and where its spilled rows are. */
export interface IndexSaveJob {
  file: string;
  ledger: SharedLedger;
  spill: SharedSpill | undefined;
}

/** Second message, once the main thread has made it: the scanner's state and its file table's section, the index's id. */
export interface IndexSaveRest {
  state: SavedState;
  fileSection: Uint8Array[];
  baseId: string;
}

/** The thread's answer: the temp file written (and whether its rows are the ledger's, see LedgerParts.identity), or why not. */
export type IndexSaveReply = { saved: { temp: string; identity: boolean } } | { saveFailed: { message: string; code?: string } };

/** The thread's side: the ledger's part made on the first message, the file written on the second. */
export class IndexSaveWork {
  private section: { file: string; identity: boolean; made: ReturnType<typeof ledgerSection> } | { failed: unknown } | undefined;

  start(job: IndexSaveJob): void {
    try {
      const parts = sharedParts(job.ledger, job.spill && spillOfShared(job.spill));
      this.section = { file: job.file, identity: parts.identity, made: ledgerSection(parts) };
    } catch (error) {
      this.section = { failed: error };
    }
  }

  finish(rest: IndexSaveRest): IndexSaveReply {
    const section = this.section;
    this.section = undefined;
    try {
      if (!section) throw new Error('index save: no ledger sent');
      if ('failed' in section) throw section.failed;
      const header = indexHeader(rest.state, section.made.header, rest.baseId);
      const pieces = function* () {
        yield* section.made.pieces();
        yield* rest.fileSection;
      };
      return { saved: { temp: writeTempSync(section.file, header, pieces()), identity: section.identity } };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { saveFailed: { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) } };
    }
  }
}

/**
 * The main thread's side: a scan thread kept after the read (ScanWorkers.keepOneAfterRead), which holds the process
 * only while a save runs, and is stopped once it is done (or by `close`, unused).
 */
export class IndexSaveThread {
  private used = false;
  private closed = false;

  constructor(private readonly worker: Worker) {}

  /**
   * Sends `job`, then `rest()` (made here meanwhile); resolves with the temp file written, rejects with the thread's
   * error (its `code` kept) or when the thread fails. Once only.
   */
  save(job: IndexSaveJob, rest: () => IndexSaveRest): Promise<{ temp: string; identity: boolean }> {
    if (this.used) return Promise.reject(new Error('index save thread already used'));
    this.used = true;
    const worker = this.worker;
    const answer = new Promise<{ temp: string; identity: boolean }>((resolve, reject) => {
      const onMessage = (reply: unknown) => {
        if (typeof reply !== 'object' || reply === null || !('saved' in reply || 'saveFailed' in reply)) return;
        done();
        const r = reply as IndexSaveReply;
        if ('saved' in r) resolve(r.saved);
        else reject(Object.assign(new Error(r.saveFailed.message), r.saveFailed.code === undefined ? {} : { code: r.saveFailed.code }));
      };
      const onError = (error: Error) => {
        done();
        reject(error);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`index save thread exited with code ${code}`));
      };
      const done = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    worker.ref();
    worker.postMessage({ save: job });
    try {
      worker.postMessage({ saveRest: rest() });
    } catch (error) {
      // The file table's section could not be made (or sent): the thread's half is dropped with the thread.
      void answer.catch(() => undefined);
      this.close();
      return Promise.reject(error as Error);
    }
    return answer.finally(() => this.close());
  }

  /** Stops the thread (a save done, or none to make). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage({ stop: true });
    this.worker.unref();
  }
}
