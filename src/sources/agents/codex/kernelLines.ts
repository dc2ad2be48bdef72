// Codex rollout lines read by the WebAssembly kernel (src/wasm/codexLines.ts): it walks a whole range of lines in its
// memory, passes over the lines parser.ts's lineKind rules out (most lines: response items, other events), and reads
// token counts written the way Codex writes them into records (where the time and the rate limits are, the counts).
// Here a record's usage is made by the same functions as the JavaScript reader's (records.ts: totalsOf, deltaOf,
// usageOf, the rate limits' folds), in the same order as its slots path (parser.ts, usageFromCountSlots). Every other
// line, and any line the kernel is unsure of, is read by readCodexLine, the JavaScript reader itself.
import { scalarValue } from '../../../core/fieldPicker';
import type { LineTally } from '../../../core/lineParser';
import { isPlausibleTimeMs, type LineOutcome, type ParsedUsage } from '../../../core/usageEvent';
import { codexReadCounts, lastTurnContextOf, readCodexLine } from './parser';
import { CountLimitValues, deltaOf, flushPendingLimits, foldCountLimits, foldCountValues, foldRateLimits, newValuesKey, totalsOf, usageFromCodexRecord, usageOf, type CodexFileState, type CodexTotals } from './records';
import { kernelLoader } from '../wasmKernel';

/** The kernel's exports (src/wasm/codexLines.ts). */
export interface CodexKernelExports {
  memory: WebAssembly.Memory;
  recordInts: WebAssembly.Global;
  scanLines(start: number, end: number, records: number, maxRecords: number): number;
  notWanted(): number;
  recordsWritten(): number;
}

// The kernel's record (i32s): line start, line end, status, the time's value start and end, the rate limits' value
// start and end (-1: absent), what info, total_token_usage and last_token_usage are, the generation of the rate
// limits' bytes, a turn context's generation; from byte 64 f64s: the time (NaN: Date.parse decides), ten counts.
const recordInts = 86;
// A token count's rate limits' fields (codexLines.ts, limitsAt): whether read, primary's, secondary's and credits'
// kinds, then fourteen values' bounds.
const limitsAt = 38;
// The windows' eight numbers as f64s (codexLines.ts, limitNumbersAt: int 70, f64 35 of a record; NaN: read the bytes).
const limitNumbersAt = 35;
const otherValue = -2;
const statusNotObject = 0;
const statusCount = 2;
const statusTurnRepeat = 3;
const statusTurnNew = 4;
const statusMeta = 5;
const escaped = 1 << 30;
const quote = 0x22;
const objectValue = 1;
const timeAt = 8;

/** Where the kernel's data ends and the caller's memory begins. */
const kernelDataBytes = 64 * 1024;
const maxRecords = 4096;
const recordsBytes = maxRecords * recordInts * 4;

/** A count as totalsOf takes it (records.ts, count): 0 when absent (-1), NaN where totalsOf would make no totals. */
const countValue = (value: number): number => (value < 0 ? 0 : Number.isFinite(value) && value <= 1e13 ? Math.round(value) : NaN);
/** A count as the kernel wrote it: -1 where the usage object has no such field. */
const countOf = (counts: Float64Array, at: number): number | undefined => (counts[at] < 0 ? undefined : counts[at]);

/**
 * A kernel instance and its memory: `input`, a Buffer over the bytes the kernel reads (a reader's read buffer: the
 * file's bytes go straight into it), then the records. The memory never grows, so views stay valid.
 */
export class CodexKernel {
  readonly input: Buffer;
  private readonly records: Int32Array;
  private readonly counts: Float64Array;
  private readonly recordsAt: number;
  private readonly exports: CodexKernelExports;
  /**
   * The rate limits object of the kernel's last generation of their bytes, and the turn context of its last
   * generation of a turn context's bytes after the turn id (0: none): records of the same generation are the same
   * bytes, so the same values (codexLines.ts, keptLimits).
   */
  private limitsGeneration = 0;
  /** The picker's object when JSON.parse read the rate limits, else undefined: the kernel read them into limitValues. */
  private limits: unknown = undefined;
  private readonly limitValues = new CountLimitValues();
  private turnGeneration = 0;
  private turn: Record<string, unknown> | undefined;
  /** Lines the kernel passed over, read from its records, or handed to the JavaScript reader (for tests and benchmarks). */
  readonly tallies = { passedOver: 0, fromRecords: 0, other: 0 };

  constructor(module: WebAssembly.Module, inputBytes: number) {
    const pages = Math.ceil((kernelDataBytes + inputBytes + 16 + recordsBytes) / 65536);
    const memoryBytes = pages * 65536;
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as CodexKernelExports;
    // A module built from other sources than this file was (a stale dist/): its records would be misread.
    if (this.exports.recordInts?.value !== recordInts) throw new Error('codexLines.wasm: another record layout');
    const memory = this.exports.memory;
    memory.grow(pages - memory.buffer.byteLength / 65536);
    this.input = Buffer.from(memory.buffer, kernelDataBytes, inputBytes);
    this.recordsAt = memoryBytes - recordsBytes;
    this.records = new Int32Array(memory.buffer, this.recordsAt, maxRecords * recordInts);
    this.counts = new Float64Array(memory.buffer, this.recordsAt, (maxRecords * recordInts) / 2);
  }

  /** Whether `buf` is this kernel's input buffer (only its bytes can be read by the kernel). */
  reads(buf: Buffer): boolean {
    return buf.buffer === this.input.buffer && buf.byteOffset === this.input.byteOffset;
  }

  /** parseCodexLines of `input[start, end)`: the same outcomes, sink calls, tally and file state. */
  parse(start: number, end: number, state: CodexFileState, sink: (usage: ParsedUsage) => void, tally: LineTally): void {
    const buf = this.input;
    if (start < 0 || end > buf.length) throw new RangeError(`lines ${start}-${end} outside the kernel's input`);
    try {
      const records = this.records;
      const base = buf.byteOffset;
      let from = start;
      while (from < end) {
        const reached = this.exports.scanLines(base + from, base + end, this.recordsAt, maxRecords) - base;
        const passedOver = this.exports.notWanted();
        tally.lines += passedOver;
        this.tallies.passedOver += passedOver;
        const written = this.exports.recordsWritten();
        for (let r = 0; r < written; r++) {
          const at = r * recordInts;
          const lineStart = records[at] - base;
          const stop = records[at + 1] - base;
          const status = records[at + 2];
          tally.lines++;
          let outcome: LineOutcome = 'malformed';
          if (status === statusCount) {
            this.tallies.fromRecords++;
            outcome = this.readCount(buf, at, lineStart, stop, state);
          } else if (status === statusTurnRepeat && records[at + 11] === this.turnGeneration) {
            // parser.ts's repeated turn context: read as the line of its generation was.
            this.tallies.fromRecords++;
            codexReadCounts.turnContextRepeats++;
            outcome = usageFromCodexRecord(this.turn, state);
          } else if (status === statusMeta) {
            this.tallies.fromRecords++;
            outcome = this.readMeta(buf, at, state);
          } else if (status === statusTurnNew || status === statusTurnRepeat) {
            this.tallies.other++;
            outcome = readCodexLine(buf, lineStart, stop, state);
            // What the JavaScript reader made of it, when it kept it for the turn contexts after it (its picker was sure).
            this.turn = lastTurnContextOf(buf, lineStart, stop);
            this.turnGeneration = this.turn === undefined ? 0 : records[at + 11];
          } else if (status !== statusNotObject) {
            this.tallies.other++;
            outcome = readCodexLine(buf, lineStart, stop, state);
          }
          if (outcome === 'malformed') tally.malformedLines++;
          else if (outcome !== 'not-usage') {
            tally.usageLines++;
            sink(outcome);
          }
        }
        from = reached;
      }
    } finally {
      // As parseCodexLines: the state is the caller's once this returns, rate limits still pending go into it.
      flushPendingLimits();
    }
  }

  /**
   * The session meta or turn context of record `at`: usageFromCodexRecord of the object the picker would have made,
   * but for the fields it reads of them (the payload's id, cwd and model). A turn context's is kept for the lines of
   * its generation (the turn contexts after it that differ only in their time and turn id).
   */
  private readMeta(buf: Buffer, at: number, state: CodexFileState): LineOutcome {
    const r = this.records;
    const turnContext = r[at + 10] === 1;
    const line = { type: turnContext ? 'turn_context' : 'session_meta', payload: { id: this.text(buf, at + 18), cwd: this.text(buf, at + 20), model: this.text(buf, at + 22) } };
    const generation = r[at + 11];
    if (turnContext && generation > 0) {
      this.turn = line;
      this.turnGeneration = generation;
    }
    return usageFromCodexRecord(line, state);
  }

  /**
   * The rate limits of record `at` as values (codexLineFields: the fields foldRateLimits reads of the picker's
   * object, of the same values; a container where a value is read as null), into `this.limitValues` under a new key.
   * No object is made for them: foldCountValues makes the readings (docs/benchmarks.md, session 18).
   */
  private readLimitValues(buf: Buffer, at: number): void {
    const r = this.records;
    const k = at + limitsAt;
    const v = this.limitValues;
    v.key = newValuesKey();
    v.primary = r[k + 1] === objectValue;
    v.secondary = r[k + 2] === objectValue;
    v.credits = r[k + 3] === objectValue;
    if (v.primary || v.secondary) {
      v.limitId = this.scalar(buf, k + 4);
      v.limitName = this.scalar(buf, k + 6);
      v.planType = this.scalar(buf, k + 8);
    }
    const n = (at >> 1) + limitNumbersAt;
    if (v.primary) {
      v.primaryUsed = this.number(buf, k + 10, n + 0);
      v.primaryWindow = this.number(buf, k + 12, n + 1);
      v.primaryResetsAt = this.number(buf, k + 14, n + 2);
      v.primaryResetsIn = this.number(buf, k + 16, n + 3);
    }
    if (v.secondary) {
      v.secondaryUsed = this.number(buf, k + 18, n + 4);
      v.secondaryWindow = this.number(buf, k + 20, n + 5);
      v.secondaryResetsAt = this.number(buf, k + 22, n + 6);
      v.secondaryResetsIn = this.number(buf, k + 24, n + 7);
    }
    if (v.credits) {
      v.hasCredits = this.scalar(buf, k + 26);
      v.unlimited = this.scalar(buf, k + 28);
      v.balance = this.scalar(buf, k + 30);
    }
  }

  /** A window's number the kernel read at f64 `n` of the records, else (NaN) the scalar value at ints `at`, `at + 1`. */
  private number(buf: Buffer, at: number, n: number): unknown {
    const value = this.counts[n];
    return Number.isNaN(value) ? this.scalar(buf, at) : value;
  }

  /** The scalar value whose bounds are at ints `at`, `at + 1` of the records, as the picker reads it; null for a container, undefined when absent. */
  private scalar(buf: Buffer, at: number): unknown {
    const r = this.records;
    const from = r[at];
    if (from < 0) return from === otherValue ? null : undefined;
    const base = buf.byteOffset;
    const ends = r[at + 1];
    const to = (ends & (escaped - 1)) - base;
    if (buf[from - base] !== quote) return scalarValue(buf, from - base, to);
    return ends & escaped ? JSON.parse(buf.toString('utf8', from - base, to)) : buf.toString('utf8', from - base + 1, to - 1);
  }

  /** A string value the kernel found at ints `at`, `at + 1` of the records, as the picker reads it; null for any other value (only strings are read), undefined when absent. */
  private text(buf: Buffer, at: number): string | null | undefined {
    const r = this.records;
    const from = r[at];
    if (from < 0) return from === -1 ? undefined : null;
    const base = buf.byteOffset;
    const ends = r[at + 1];
    const to = (ends & (escaped - 1)) - base;
    if (buf[from - base] !== quote) return null;
    return ends & escaped ? (JSON.parse(buf.toString('utf8', from - base, to)) as string) : buf.toString('utf8', from - base + 1, to - 1);
  }

  /** The token count of record `at` (parser.ts's usageFromCountSlots, step by step, on the values the kernel read). */
  private readCount(buf: Buffer, at: number, lineStart: number, stop: number, state: CodexFileState): LineOutcome {
    const r = this.records;
    const base = buf.byteOffset;
    const counts = this.counts;
    const c = (at >> 1) + timeAt;
    // The kernel read the time as isoUtcMs does (24 ASCII bytes of the one form it knows); else Date.parse decides.
    let timestampMs = counts[c];
    if (Number.isNaN(timestampMs)) timestampMs = Date.parse(buf.toString('utf8', r[at + 3] - base + 1, r[at + 4] - base - 1));
    if (!isPlausibleTimeMs(timestampMs)) return 'malformed';
    const limitsFrom = r[at + 5];
    if (limitsFrom >= 0) {
      if (buf[limitsFrom - base] !== 0x7b) foldRateLimits(null, timestampMs, state);
      else {
        // Rate limits change a few times a session: the same bytes as the last read are the same object (as
        // usageFromCountSlots's rateLimitsOf makes them), other bytes are read by JSON.parse, which the kernel found
        // valid JSON (the picker's own last resort; foldRateLimits reads the fields the picker keeps, of the same values).
        const generation = r[at + 10];
        if (generation <= 0 || generation !== this.limitsGeneration) {
          if (r[at + limitsAt] === 1) {
            this.readLimitValues(buf, at);
            this.limits = undefined;
          } else this.limits = JSON.parse(buf.toString('utf8', limitsFrom - base, r[at + 6] - base));
          this.limitsGeneration = generation > 0 ? generation : 0;
        }
        if (this.limits === undefined) foldCountValues(this.limitValues, timestampMs, state);
        else foldCountLimits(this.limits, timestampMs, state);
      }
    }
    if (r[at + 7] !== objectValue) return 'not-usage';
    // Half of a rollout's token counts repeat the totals before them (deltaOf: 'repeat'): told from the numbers, no
    // totals object made. Anything else (no totals before, a value totalsOf refuses) goes the whole way below.
    const previous = state.lastTotals;
    if (previous !== undefined && r[at + 8] === objectValue) {
      const input = countValue(counts[c + 1]);
      const output = countValue(counts[c + 4]);
      const written = countValue(counts[c + 5]);
      const cached = countValue(counts[c + 2] < 0 ? counts[c + 3] : counts[c + 2]);
      // NaN where totalsOf makes no totals: no repeat then (a NaN total must not fall back to input + output).
      const total = Number.isNaN(written) || Number.isNaN(cached) ? NaN : written || input + output;
      if (total === previous.total && input === previous.input && output === previous.output) return 'not-usage';
    }
    const totals = r[at + 8] === objectValue ? totalsOf(countOf(counts, c + 1), countOf(counts, c + 2), countOf(counts, c + 3), countOf(counts, c + 4), countOf(counts, c + 5)) : undefined;
    const step = deltaOf(totals, state);
    if (step === 'repeat') return 'not-usage';
    let delta: CodexTotals | undefined = step === 'last' ? undefined : step;
    if (step === 'last' && r[at + 9] === objectValue) delta = totalsOf(countOf(counts, c + 6), countOf(counts, c + 7), countOf(counts, c + 8), countOf(counts, c + 9), countOf(counts, c + 10));
    return usageOf(totals, delta, timestampMs, state);
  }
}

const loader = kernelLoader('codexLines.wasm', (module, inputBytes) => new CodexKernel(module, inputBytes));

/** The kernel's module, compiled once per thread, or null: then the JavaScript reader reads (wasmKernel.ts). */
export const codexKernelModule = loader.module;
/** This thread's kernel with an input of `inputBytes` (the reader's read buffer), or null. */
export const codexKernel = loader.kernel;
/** Forgets the compiled module (tests: whether TOKENMETER_WASM=0 is heeded); a kernel already made stays. */
export const forgetCodexKernelModule = loader.forgetModule;
