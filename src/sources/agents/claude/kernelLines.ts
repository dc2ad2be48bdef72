// Claude Code transcript lines read by the WebAssembly kernel (src/wasm/claudeLines.ts): it walks a whole range of
// lines in its memory, passes over the lines their `type` rules out, and says where each remaining line's field
// values start; here they are read with the JavaScript picker's own readScalar, into the object the picker would have
// made, and priced by usageFromClaudeRecord. A line the kernel is unsure of is read the JavaScript way, whole.
import { newStringMemo, plainString, scalarValue, type StringMemo } from '../../../core/fieldPicker';
import type { LineTally } from '../../../core/lineParser';
import type { LineOutcome, ParsedUsage } from '../../../core/usageEvent';
import { readClaudeLine, readUnpicked, usageFromClaudeRecord } from './parser';
import type { ClaudeFileContext } from './paths';
import { kernelLoader } from '../wasmKernel';

/** The kernel's exports (src/wasm/claudeLines.ts). */
export interface ClaudeKernelExports {
  memory: WebAssembly.Memory;
  recordFields: WebAssembly.Global;
  escaped: WebAssembly.Global;
  scanLines(start: number, end: number, records: number, maxRecords: number): number;
  notWanted(): number;
  recordsWritten(): number;
}

// The kernel's record: line start, line end, status, then per field (in its order) where its value starts (or what is
// there instead) and where it ends (a scalar's; with `escaped` when a string holds an escape).
const recordFields = 3 + 2 * 19;
const escaped = 1 << 30;
const statusNotObject = 0;
const statusPicked = 2;
const fieldObject = -2;
const fieldEmptyObject = -3;
const fieldEmptyArray = -4;
const quote = 0x22;

/** Where the kernel's data ends and the caller's memory begins. */
const kernelDataBytes = 64 * 1024;
const maxRecords = 4096;
const recordsBytes = maxRecords * recordFields * 4;

/**
 * A kernel instance and its memory: `input`, a Buffer over the bytes the kernel reads (a reader's read buffer: the
 * file's bytes go straight into it), then the records. The memory never grows, so views stay valid.
 */
export class ClaudeKernel {
  readonly input: Buffer;
  private readonly records: Int32Array;
  private readonly recordsAt: number;
  private readonly exports: ClaudeKernelExports;
  private readonly memos: StringMemo[] = Array.from({ length: 19 }, newStringMemo);
  /** Lines the kernel passed over (not wanted), read from its fields, or handed back unsure (for tests and benchmarks). */
  readonly counts = { passedOver: 0, picked: 0, unsure: 0 };

  constructor(module: WebAssembly.Module, inputBytes: number) {
    const pages = Math.ceil((kernelDataBytes + inputBytes + 16 + recordsBytes) / 65536);
    const memoryBytes = pages * 65536;
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as ClaudeKernelExports;
    // A module built from other sources than this file was (a stale dist/): its records would be misread.
    if (this.exports.recordFields?.value !== recordFields || this.exports.escaped?.value !== escaped) throw new Error('claudeLines.wasm: another record layout');
    const memory = this.exports.memory;
    memory.grow(pages - memory.buffer.byteLength / 65536);
    this.input = Buffer.from(memory.buffer, kernelDataBytes, inputBytes);
    this.recordsAt = memoryBytes - recordsBytes;
    this.records = new Int32Array(memory.buffer, this.recordsAt, maxRecords * recordFields);
  }

  /** Whether `buf` is this kernel's input buffer (only its bytes can be read by the kernel). */
  reads(buf: Buffer): boolean {
    return buf.buffer === this.input.buffer && buf.byteOffset === this.input.byteOffset;
  }

  /** parseClaudeLines of `input[start, end)`: the same outcomes, sink calls and tally. */
  parse(start: number, end: number, file: ClaudeFileContext, sink: (usage: ParsedUsage) => void, tally: LineTally): void {
    const buf = this.input;
    if (start < 0 || end > buf.length) throw new RangeError(`lines ${start}-${end} outside the kernel's input`);
    const records = this.records;
    const base = buf.byteOffset;
    let from = start;
    while (from < end) {
      const reached = this.exports.scanLines(base + from, base + end, this.recordsAt, maxRecords) - base;
      const passedOver = this.exports.notWanted();
      tally.lines += passedOver;
      this.counts.passedOver += passedOver;
      const written = this.exports.recordsWritten();
      for (let r = 0; r < written; r++) {
        const at = r * recordFields;
        const lineStart = records[at] - base;
        const stop = records[at + 1] - base;
        const status = records[at + 2];
        tally.lines++;
        let outcome: LineOutcome = 'malformed';
        if (status === statusPicked) {
          this.counts.picked++;
          outcome = this.readPicked(buf, at, stop, file);
        } else if (status !== statusNotObject) {
          this.counts.unsure++;
          outcome = readClaudeLine(buf, lineStart, stop, file);
        }
        if (outcome === 'malformed') tally.malformedLines++;
        else if (outcome !== 'not-usage') {
          tally.usageLines++;
          sink(outcome);
        }
      }
      from = reached;
    }
  }

  /**
   * The line of record `at` from the object the picker would have made of it: the same values under the same names,
   * an absent field as an undefined one (usageFromClaudeRecord reads values, never asks which names are there).
   * Built as literals: a store by a name known only at run time is V8's slowest kind (lineTemplate.ts's replayOf).
   */
  private readPicked(buf: Buffer, at: number, stop: number, file: ClaudeFileContext): LineOutcome {
    const line = {
      type: this.value(at, 0, buf),
      timestamp: this.value(at, 1, buf),
      sessionId: this.value(at, 2, buf),
      isSidechain: this.value(at, 3, buf),
      agentId: this.value(at, 4, buf),
      requestId: this.value(at, 5, buf),
      message: this.records[at + 3 + 2 * 6] === fieldObject ? this.message(at, buf) : this.value(at, 6, buf),
    };
    if (line.type === undefined) return readUnpicked(buf, this.records[at] - buf.byteOffset, stop, file);
    return usageFromClaudeRecord(line, file);
  }

  private message(at: number, buf: Buffer): Record<string, unknown> {
    return {
      id: this.value(at, 7, buf),
      model: this.value(at, 8, buf),
      usage: this.records[at + 3 + 2 * 9] === fieldObject ? this.usage(at, buf) : this.value(at, 9, buf),
    };
  }

  private usage(at: number, buf: Buffer): Record<string, unknown> {
    const r = this.records;
    return {
      input_tokens: this.value(at, 10, buf),
      output_tokens: this.value(at, 11, buf),
      cache_creation_input_tokens: this.value(at, 12, buf),
      cache_read_input_tokens: this.value(at, 13, buf),
      cache_creation: r[at + 3 + 2 * 14] === fieldObject ? { ephemeral_1h_input_tokens: this.value(at, 17, buf) } : this.value(at, 14, buf),
      speed: this.value(at, 15, buf),
      server_tool_use: r[at + 3 + 2 * 16] === fieldObject ? { web_search_requests: this.value(at, 18, buf) } : this.value(at, 16, buf),
    };
  }

  /** The value of field `field` of record `at`, as the picker reads it (readScalar's steps on the bounds the kernel found). */
  private value(at: number, field: number, buf: Buffer): unknown {
    const code = this.records[at + 3 + 2 * field];
    if (code < 0) return code === fieldEmptyObject ? {} : code === fieldEmptyArray ? [] : undefined;
    const ends = this.records[at + 4 + 2 * field];
    const from = code - buf.byteOffset;
    const to = (ends & (escaped - 1)) - buf.byteOffset;
    if (buf[from] !== quote) return scalarValue(buf, from, to);
    return ends & escaped ? JSON.parse(buf.toString('utf8', from, to)) : plainString(buf, from + 1, to - 1, this.memos[field]);
  }
}

const loader = kernelLoader('claudeLines.wasm', (module, inputBytes) => new ClaudeKernel(module, inputBytes));

/** The kernel's module, compiled once per thread, or null: then the JavaScript reader reads (wasmKernel.ts). */
export const claudeKernelModule = loader.module;
/** This thread's kernel with an input of `inputBytes` (the reader's read buffer), or null. */
export const claudeKernel = loader.kernel;
