// Claude Code transcript lines read by the WebAssembly kernel (src/wasm/claudeLines.ts): it walks a whole range of
// lines in its memory, passes over the lines their `type` rules out, and says where each remaining line's field
// values start; here they are read with the JavaScript picker's own readScalar, into the object the picker would have
// made, and priced by usageFromClaudeRecord. A line the kernel is unsure of is read the JavaScript way, whole.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { newStringMemo, readScalar, scalarRead, type StringMemo } from '../../../core/fieldPicker';
import type { LineTally } from '../../../core/lineParser';
import type { LineOutcome, ParsedUsage } from '../../../core/usageEvent';
import { readClaudeLine, readUnpicked, usageFromClaudeRecord } from './parser';
import type { ClaudeFileContext } from './paths';

/** The kernel's exports (src/wasm/claudeLines.ts). */
export interface ClaudeKernelExports {
  memory: WebAssembly.Memory;
  scanLines(start: number, end: number, records: number, maxRecords: number): number;
  notWanted(): number;
  recordsWritten(): number;
}

// The kernel's record: line start, line end, status, then the fields in its order.
const recordFields = 22;
const statusNotObject = 0;
const statusPicked = 2;
const fieldObject = -2;
const fieldEmptyObject = -3;
const fieldEmptyArray = -4;

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
    const r = this.records;
    const message = r[at + 9];
    const line = {
      type: this.value(r[at + 3], buf, stop, 0),
      timestamp: this.value(r[at + 4], buf, stop, 1),
      sessionId: this.value(r[at + 5], buf, stop, 2),
      isSidechain: this.value(r[at + 6], buf, stop, 3),
      agentId: this.value(r[at + 7], buf, stop, 4),
      requestId: this.value(r[at + 8], buf, stop, 5),
      message: message === fieldObject ? this.message(at, buf, stop) : this.value(message, buf, stop, 6),
    };
    if (line.type === undefined) return readUnpicked(buf, r[at] - buf.byteOffset, stop, file);
    return usageFromClaudeRecord(line, file);
  }

  private message(at: number, buf: Buffer, stop: number): Record<string, unknown> {
    const r = this.records;
    const usage = r[at + 12];
    return {
      id: this.value(r[at + 10], buf, stop, 7),
      model: this.value(r[at + 11], buf, stop, 8),
      usage: usage === fieldObject ? this.usage(at, buf, stop) : this.value(usage, buf, stop, 9),
    };
  }

  private usage(at: number, buf: Buffer, stop: number): Record<string, unknown> {
    const r = this.records;
    const split = r[at + 17];
    const tools = r[at + 19];
    return {
      input_tokens: this.value(r[at + 13], buf, stop, 10),
      output_tokens: this.value(r[at + 14], buf, stop, 11),
      cache_creation_input_tokens: this.value(r[at + 15], buf, stop, 12),
      cache_read_input_tokens: this.value(r[at + 16], buf, stop, 13),
      cache_creation: split === fieldObject ? { ephemeral_1h_input_tokens: this.value(r[at + 20], buf, stop, 17) } : this.value(split, buf, stop, 14),
      speed: this.value(r[at + 18], buf, stop, 15),
      server_tool_use: tools === fieldObject ? { web_search_requests: this.value(r[at + 21], buf, stop, 18) } : this.value(tools, buf, stop, 16),
    };
  }

  /** The value the kernel found (`code`: where it starts in the memory, or what is there instead), as the picker reads it. */
  private value(code: number, buf: Buffer, stop: number, memo: number): unknown {
    if (code >= 0) {
      readScalar(buf, code - buf.byteOffset, stop, this.memos[memo]);
      return scalarRead();
    }
    return code === fieldEmptyObject ? {} : code === fieldEmptyArray ? [] : undefined;
  }
}

/** The kernel's file: next to the bundles (dist/), beside a command's bundle (dist/cli/), or the build's from the sources (tests). */
function kernelFile(): string | undefined {
  for (const dir of [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..', '..', '..', 'dist')]) {
    const file = path.join(dir, 'claudeLines.wasm');
    if (existsSync(file)) return file;
  }
  return undefined;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The kernel's module, compiled once per process (a thread given it by `useClaudeKernelModule` does not compile it
 * again); null when there is none (no build of it, `TOKENMETER_WASM=0`, or no WebAssembly): then the JavaScript reader reads.
 */
export function claudeKernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (process.env.TOKENMETER_WASM === '0' || typeof WebAssembly !== 'object') return compiled;
  const file = kernelFile();
  try {
    if (file) compiled = new WebAssembly.Module(readFileSync(file));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** A module compiled elsewhere (the thread that made this one), used instead of compiling the file again. */
export function useClaudeKernelModule(module: WebAssembly.Module): void {
  if (process.env.TOKENMETER_WASM !== '0') compiled = module;
}

let kernel: ClaudeKernel | null | undefined;

/** This thread's kernel with an input of `inputBytes` (the reader's read buffer), or null (see claudeKernelModule). */
export function claudeKernel(inputBytes: number): ClaudeKernel | null {
  if (kernel !== undefined) return kernel;
  const module = claudeKernelModule();
  try {
    kernel = module ? new ClaudeKernel(module, inputBytes) : null;
  } catch {
    kernel = null;
  }
  return kernel;
}
