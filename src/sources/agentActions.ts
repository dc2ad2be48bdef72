import { closeSync, openSync, readSync } from 'node:fs';
import type { AgentAction } from '../core/runaway';
import { ClaudeActionReader } from './agents/claude/actions';
import type { FileCursor } from './logFiles';

/** Lines longer than this are skipped: a tool call's line is small, a huge one is a pasted file. */
const maxActionLineBytes = 4 << 20;
const chunkBytes = 4 << 20;

/**
 * The agents' tool calls (for repetition loops), read from the Claude Code transcripts the
 * scanner already knows, up to where the scanner has read them. Keeps a reader and an offset per
 * file, so a second call reads only what was appended. Only lines that mention a tool call or
 * result are parsed.
 */
export class ActionTail {
  private readonly files = new Map<string, { offset: number; reader: ClaudeActionReader }>();

  /**
   * `tailBytes`: on first sight of a file, read at most its last this many bytes (a loop shows in its
   * last minutes; a live view need not parse a long session's whole history). Default: all of it.
   */
  constructor(private readonly tailBytes = Infinity) {}

  /** New actions in files written since `sinceMs` (epoch ms), in file order; any read problem skips that file. */
  read(cursors: readonly FileCursor[], sinceMs: number): AgentAction[] {
    const out: AgentAction[] = [];
    for (const cursor of cursors) {
      if (cursor.claude === undefined || cursor.mtimeMs < sinceMs) continue;
      let state = this.files.get(cursor.path);
      let startsMidLine = false;
      if (state === undefined || cursor.offset < state.offset) {
        const from = Math.max(0, cursor.offset - this.tailBytes);
        startsMidLine = from > 0;
        state = { offset: from, reader: new ClaudeActionReader(cursor.claude) };
        this.files.set(cursor.path, state);
      }
      if (cursor.offset <= state.offset) continue;
      try {
        state.offset = readLines(cursor.path, state.offset, cursor.offset, startsMidLine, (line) => {
          if (!line.includes('"tool_use') && !line.includes('"tool_result')) return;
          let record: unknown;
          try {
            record = JSON.parse(line);
          } catch {
            return; // the usage scanner counts malformed lines; here they only hold no action
          }
          for (const a of state!.reader.line(record)) out.push(a);
        });
      } catch {
        // Unreadable now (removed, permissions): the usage scan reports it; loops are judged without it.
      }
    }
    return out;
  }
}

/** Calls `onLine` for each whole line in [from, to) of `file` (the first skipped when `from` is mid-line); returns the offset after the last one. */
function readLines(file: string, from: number, to: number, startsMidLine: boolean, onLine: (line: string) => void): number {
  const fd = openSync(file, 'r');
  try {
    let offset = from;
    let carry = Buffer.alloc(0);
    let skipping = startsMidLine;
    const buffer = Buffer.allocUnsafe(chunkBytes);
    while (offset < to) {
      const n = readSync(fd, buffer, 0, Math.min(chunkBytes, to - offset), offset);
      if (n <= 0) break;
      offset += n;
      let data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, n)]) : buffer.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        if (!skipping) onLine(data.toString('utf8', start, nl));
        skipping = false;
        start = nl + 1;
      }
      data = data.subarray(start);
      if (data.length > maxActionLineBytes) { skipping = true; data = Buffer.alloc(0); }
      carry = Buffer.from(data);
    }
    return offset - carry.length;
  } finally {
    closeSync(fd);
  }
}
