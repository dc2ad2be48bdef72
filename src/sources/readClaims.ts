// The claims of a threaded read (ScanWorkers.begin): which files of its list each thread takes, in shared memory.

/**
 * The claims of one read, shared by every thread that reads it: which files of its list are taken (the threads take
 * from the front, the calling thread from the back once all are listed) and how many are listed. Each thread takes its
 * next files itself, with one compare-and-swap, instead of waiting for the calling thread to send them: that thread
 * lists (blocking, in the CLI), reads a share and folds results, and while it does a thread that ran out of files
 * sat idle (200-500 ms of a cold all-sources run on the generated corpus; docs/benchmarks.md, session 15, c19gen).
 */
export class ReadClaims {
  /** front (high 32 bits): files taken from the start; back (low 32): the end of what is listed and not taken from the end. */
  private readonly word: BigInt64Array;
  /** [readers, all listed (0/1), files listed, KiB of results sent and not folded yet]. */
  private readonly info: Int32Array;

  constructor(readonly buffer = new SharedArrayBuffer(24)) {
    this.word = new BigInt64Array(buffer, 0, 1);
    this.info = new Int32Array(buffer, 8, 4);
  }

  /** A thread: results of `bytes` sent. */
  sent(bytes: number): void {
    Atomics.add(this.info, 3, Math.ceil(bytes / 1024));
  }

  /** The calling thread: results of `bytes` folded. */
  folded(bytes: number): void {
    Atomics.sub(this.info, 3, Math.ceil(bytes / 1024));
    Atomics.notify(this.info, 3);
  }

  /**
   * A thread: waits while more than `bytes` of its results and the others' wait to be folded. A thread no longer waits
   * for the calling thread to send it files, so without this its results would pile up there whenever that thread is
   * slow (a long listing; a busy machine) instead of being folded and let go.
   */
  waitFolded(bytes: number): void {
    const most = Math.ceil(bytes / 1024);
    for (let pending = Atomics.load(this.info, 3); pending > most; pending = Atomics.load(this.info, 3)) Atomics.wait(this.info, 3, pending, 50);
  }

  get front(): number {
    return Number(Atomics.load(this.word, 0) >> 32n);
  }

  get back(): number {
    return Number(Atomics.load(this.word, 0) & 0xffffffffn);
  }

  get listed(): number {
    return Atomics.load(this.info, 2);
  }

  get ended(): boolean {
    return Atomics.load(this.info, 1) === 1;
  }

  set readers(count: number) {
    Atomics.store(this.info, 0, count);
  }

  /** How many to take of `left` files: up to `most` while files are still listed; once all are, a quarter of each reader's share, so the last ones are small and the readers finish together. */
  private size(left: number, most: number): number {
    return this.ended ? Math.max(1, Math.min(most, Math.ceil(left / (Math.max(1, Atomics.load(this.info, 0)) * 4)))) : Math.min(most, left);
  }

  /** The calling thread: `count` more files listed (sent to the threads before). */
  publish(count: number): void {
    for (;;) {
      const word = Atomics.load(this.word, 0);
      if (Atomics.compareExchange(this.word, 0, word, word + BigInt(count)) === word) break;
    }
    Atomics.store(this.info, 2, Atomics.load(this.info, 2) + count);
    Atomics.notify(this.info, 2);
  }

  /** The calling thread: every file is listed. */
  end(): void {
    Atomics.store(this.info, 1, 1);
  }

  /** A thread: waits (briefly: the calling thread sends files just before it publishes them) until `count` files are listed. */
  waitListed(count: number): void {
    for (let listed = this.listed; listed < count; listed = this.listed) Atomics.wait(this.info, 2, listed, 50);
  }

  /** Takes the next files from the front: [from, to), or undefined when none is left now. */
  takeFront(most: number): [number, number] | undefined {
    for (;;) {
      const word = Atomics.load(this.word, 0);
      const front = Number(word >> 32n);
      const back = Number(word & 0xffffffffn);
      if (front >= back) return undefined;
      const n = this.size(back - front, most);
      if (Atomics.compareExchange(this.word, 0, word, word + (BigInt(n) << 32n)) === word) return [front, front + n];
    }
  }

  /** Takes the last files listed and not taken, once all are listed: [from, to), or undefined. */
  takeBack(most: number): [number, number] | undefined {
    if (!this.ended) return undefined;
    for (;;) {
      const word = Atomics.load(this.word, 0);
      const front = Number(word >> 32n);
      const back = Number(word & 0xffffffffn);
      if (front >= back) return undefined;
      const n = this.size(back - front, most);
      if (Atomics.compareExchange(this.word, 0, word, word - BigInt(n)) === word) return [back - n, back];
    }
  }
}

/** The most files a thread takes at once (its results go back a portion at a time, see ScanWorkers.begin). */
export const mostTakenAtOnce = 16;

/** The most results (their numbers: 14 doubles a request) sent by the threads and not yet folded before a thread waits. */
export const mostUnfoldedBytes = 16 * 1024 * 1024;
