import type { LineTally } from '../core/lineParser';
import { sourceNames, type ParsedUsage, type UsageEvent } from '../core/usageEvent';
import type { FileCursor } from './logFiles';

/** What reading one file produced, before its usage joins the ledger. */
export interface FileScanResult {
  cursor: FileCursor;
  tally: LineTally;
  /** Repeats of a request merged within the file before the ledger (see FileRepeats). */
  mergedRepeats: number;
  error?: string;
  /** Hands the file's usage records over, in file order. */
  feed(sink: (usage: ParsedUsage) => void): void;
}

/** The per-file part of a packed result: everything but the usage records. */
type PackedFile = Omit<FileScanResult, 'feed'> & { first: number; count: number };

/**
 * Scan results in a form that crosses a worker boundary cheaply: numbers in one
 * transferable array, repeated names once, dedup keys joined into one string.
 * Cloning a hundred thousand small objects instead costs more than parsing them,
 * and holding them all at once would double the scan's peak memory.
 */
export interface PackedResults {
  files: PackedFile[];
  names: string[];
  keys: string;
  numbers: Float64Array;
}

const fieldsPerUsage = 14;
const initialBytes = fieldsPerUsage * 4096 * 8;

/** Collects usage records file by file into compact arrays (inside a scan worker). */
export class ResultPacker {
  private readonly files: PackedFile[] = [];
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly keys: string[] = [];
  private numbers: Float64Array;
  private count = 0;

  /** `spare`: a buffer the main thread handed back (see ScanWorkers), reused instead of a new one. */
  constructor(spare?: ArrayBuffer) {
    this.numbers = spare && spare.byteLength >= initialBytes ? new Float64Array(spare) : new Float64Array(initialBytes / 8);
  }

  add(file: Omit<FileScanResult, 'feed'>, usages: ParsedUsage[]): void {
    this.files.push({ ...file, first: this.count, count: usages.length });
    for (const usage of usages) this.push(usage);
  }

  finish(): PackedResults {
    return { files: this.files, names: this.names, keys: this.keys.join('\n'), numbers: this.numbers.subarray(0, this.count * fieldsPerUsage) };
  }

  private ref(value: string): number {
    let at = this.nameIndex.get(value);
    if (at === undefined) this.nameIndex.set(value, (at = this.names.push(value) - 1));
    return at;
  }

  private push({ event: e, dedupKey }: ParsedUsage): void {
    if ((this.count + 1) * fieldsPerUsage > this.numbers.length) {
      const bigger = new Float64Array(this.numbers.length * 2);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    const n = this.numbers;
    const at = this.count++ * fieldsPerUsage;
    n[at] = sourceNames.indexOf(e.source);
    n[at + 1] = e.timestampMs;
    n[at + 2] = this.ref(e.sessionId);
    n[at + 3] = this.ref(e.agentId);
    n[at + 4] = this.ref(e.project);
    n[at + 5] = this.ref(e.model);
    n[at + 6] = dedupKey === undefined ? 0 : 1;
    n[at + 7] = e.inputTokens;
    n[at + 8] = e.outputTokens;
    n[at + 9] = e.cacheWrite5mTokens;
    n[at + 10] = e.cacheWrite1hTokens;
    n[at + 11] = e.cacheReadTokens;
    n[at + 12] = e.loggedCostUsd ?? NaN;
    n[at + 13] = e.webSearchRequests ?? 0;
    if (dedupKey !== undefined) this.keys.push(dedupKey);
  }
}

/** Per-file results over packed data; records are rebuilt only while they are fed to the ledger. */
export function unpackResults(packed: PackedResults): FileScanResult[] {
  const keys = packed.keys === '' ? [] : packed.keys.split('\n');
  const { names, numbers } = packed;
  // Keys are stored in record order, so each file starts at the keys of the records before it.
  const keyStart = new Int32Array(packed.files.length);
  let keyed = 0;
  packed.files.forEach((file, i) => {
    keyStart[i] = keyed;
    for (let r = file.first; r < file.first + file.count; r++) if (numbers[r * fieldsPerUsage + 6] === 1) keyed++;
  });
  return packed.files.map(({ first, count, ...file }, i) => ({
    ...file,
    feed(sink) {
      let keyAt = keyStart[i];
      for (let r = first; r < first + count; r++) {
        const at = r * fieldsPerUsage;
        const event: UsageEvent = {
          source: sourceNames[numbers[at]], timestampMs: numbers[at + 1],
          sessionId: names[numbers[at + 2]], agentId: names[numbers[at + 3]], project: names[numbers[at + 4]], model: names[numbers[at + 5]],
          inputTokens: numbers[at + 7], outputTokens: numbers[at + 8], cacheWrite5mTokens: numbers[at + 9], cacheWrite1hTokens: numbers[at + 10], cacheReadTokens: numbers[at + 11],
        };
        // Set only when present, as the reader made them (no spread: this runs for every record of a cold scan).
        if (!Number.isNaN(numbers[at + 12])) event.loggedCostUsd = numbers[at + 12];
        if (numbers[at + 13] > 0) event.webSearchRequests = numbers[at + 13];
        sink({ dedupKey: numbers[at + 6] === 1 ? keys[keyAt++] : undefined, event });
      }
    },
  }));
}
