import type { LineTally } from '../core/lineParser';
import { sourceNames, type ParsedUsage, type UsageEvent } from '../core/usageEvent';
import type { FileCursor } from './logFiles';

/** What reading one file produced, before its usage joins the ledger. */
export interface FileScanResult {
  /** Without `claude` when `listedFrom` is given (FileTable.put derives it). */
  cursor: FileCursor;
  /**
   * For a Claude Code transcript just listed (a cold scan's files): where its path under the projects folder starts
   * in `cursor.path`, from which its context (claudeFileContext) was derived; see FileTable.put.
   */
  listedFrom?: number;
  tally: LineTally;
  /** Repeats of a request merged within the file before the ledger (see FileRepeats). */
  mergedRepeats: number;
  error?: string;
  /** Hands the file's usage records over, in file order. */
  feed(sink: (usage: ParsedUsage) => void): void;
}

/** The per-file part of a packed result: everything but the usage records. */
type PackedFile = Omit<FileScanResult, 'feed'> & { first: number; count: number; seq: number };

/**
 * Scan results in a form that crosses a worker boundary cheaply: numbers in one
 * transferable array, repeated names once, dedup keys joined into one string.
 * Cloning a hundred thousand small objects instead costs more than parsing them,
 * and holding them all at once would double the scan's peak memory.
 */
export interface PackedResults {
  files: PackedFile[];
  /**
   * Files sent as listed (ListedFile strings) that hold nothing beyond numbers (see `isPlain`), most of a cold
   * scan's: each as its listed string, and `plainFields` numbers in `plainNumbers`, instead of a cursor object with
   * its strings and context, a tally object and a file object to clone on one side and rebuild on the other.
   */
  plain: string[];
  plainNumbers: Float64Array;
  names: string[];
  keys: string;
  numbers: Float64Array;
}

/**
 * A plain file's numbers: size, mtimeMs, offset, fingerprint (NaN: none), the tally's three, mergedRepeats, first record,
 * records, and its place among the portion's files (results come back in the order read: the file table numbers them so).
 */
const plainFields = 11;

/**
 * Whether a file read from a listed string can go as that string and numbers: a Claude Code transcript (its context
 * is the listed path's), read without an error, with no skipped long line on record.
 */
function isPlain(file: Omit<FileScanResult, 'feed'>): boolean {
  const c = file.cursor;
  return file.error === undefined && c.source === 'claude' && c.codex === undefined && c.wholeFile === undefined && c.longLineFrom === undefined && (c.longLines === undefined || c.longLines.length === 0);
}

const fieldsPerUsage = 14;
const initialBytes = fieldsPerUsage * 4096 * 8;

/** Collects usage records file by file into compact arrays (inside a scan worker). */
export class ResultPacker {
  private readonly files: PackedFile[] = [];
  private readonly plain: string[] = [];
  private readonly plainNumbers: number[] = [];
  private added = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly keys: string[] = [];
  private numbers: Float64Array;
  private count = 0;

  /** `spare`: a buffer the main thread handed back (see ScanWorkers), reused instead of a new one. */
  constructor(spare?: ArrayBuffer) {
    this.numbers = spare && spare.byteLength >= initialBytes ? new Float64Array(spare) : new Float64Array(initialBytes / 8);
  }

  /** `listed`: the string the file was listed as (ListedFile), when its cursor was made from one (cursorOf). */
  add(file: Omit<FileScanResult, 'feed'>, usages: ParsedUsage[], listed?: string): void {
    if (listed !== undefined && isPlain(file)) {
      const c = file.cursor;
      this.plain.push(listed);
      this.plainNumbers.push(c.size, c.mtimeMs, c.offset, c.fingerprint ?? NaN, file.tally.lines, file.tally.usageLines, file.tally.malformedLines, file.mergedRepeats, this.count, usages.length, this.added);
    } else this.files.push({ ...file, first: this.count, count: usages.length, seq: this.added });
    this.added++;
    for (const usage of usages) this.push(usage);
  }

  finish(): PackedResults {
    return { files: this.files, plain: this.plain, plainNumbers: Float64Array.from(this.plainNumbers), names: this.names, keys: this.keys.join('\n'), numbers: this.numbers.subarray(0, this.count * fieldsPerUsage) };
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
  // Keys are stored in record order: the keys before each record, so that a file's start at its first record.
  const records = numbers.length / fieldsPerUsage;
  const keysBefore = new Int32Array(records + 1);
  for (let r = 0; r < records; r++) keysBefore[r + 1] = keysBefore[r] + (numbers[r * fieldsPerUsage + 6] === 1 ? 1 : 0);
  const feedOf = (first: number, count: number) => (sink: (usage: ParsedUsage) => void) => {
    let keyAt = keysBefore[first];
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
  };
  const results = new Array<FileScanResult>(packed.files.length + packed.plain.length);
  for (const { first, count, seq, ...file } of packed.files) results[seq] = { ...file, feed: feedOf(first, count) };
  const n = packed.plainNumbers;
  packed.plain.forEach((listed, k) => {
    const { path, listedFrom } = listedPath(listed);
    const at = k * plainFields;
    const fingerprint = Number.isNaN(n[at + 3]) ? undefined : n[at + 3];
    // The same shape as newCursor's, less the context: FileTable.put derives it from the path (listedFrom).
    const cursor: FileCursor = { path, source: 'claude', size: n[at], mtimeMs: n[at + 1], offset: n[at + 2], fingerprint };
    results[n[at + 10]] = { cursor, listedFrom, tally: { lines: n[at + 4], usageLines: n[at + 5], malformedLines: n[at + 6] }, mergedRepeats: n[at + 7], feed: feedOf(n[at + 8], n[at + 9]) };
  });
  return results;
}

/** A listed file's string (`source NUL where its relative path starts NUL path`, see scanWorkers.ts sendable) read back. */
export function listedPath(listed: string): { source: string; path: string; listedFrom: number } {
  const sourceEnd = listed.indexOf('\0');
  const pathStart = listed.indexOf('\0', sourceEnd + 1) + 1;
  return { source: listed.slice(0, sourceEnd), path: listed.slice(pathStart), listedFrom: Number(listed.slice(sourceEnd + 1, pathStart - 1)) };
}
