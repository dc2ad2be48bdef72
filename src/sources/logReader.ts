import { closeSync, fstatSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import type { ParsedUsage } from '../core/usageEvent';
import { isJsonShapeBounded } from '../core/jsonText';
import type { LineTally } from '../core/lineParser';
import { parseClaudeLines } from './agents/claude/parser';
import { claudeKernel } from './agents/claude/kernelLines';
import { parseCodexLines } from './agents/codex/parser';
import { codexKernel } from './agents/codex/kernelLines';
import type { PathAgentAdapter } from './agents/agentAdapter';
import { adapterForFile } from './agents';
import type { FileCursor } from './logFiles';
import { FingerprintSampler, fingerprintAt, fingerprintMatches } from './prefixFingerprint';

// 1 MB: the bytes are still in the CPU cache when the lines are searched (4 MB cost ~5% more CPU).
const chunkBytes = 1024 * 1024;

/**
 * The longest line read. A longer one (a hostile 120 MB line, a crash tail of NULs that never
 * ends) is skipped without being held in memory, counted as malformed, and its offset remembered
 * on the cursor. Claude Code's longest real lines (big tool results) are a few MB.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Whole-file histories (JSON documents, not lines) over this size are skipped for the same reason. */
export const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024;
const rememberedLongLines = 8;

function noteLongLine(cursor: FileCursor, start: number, tally: LineTally): void {
  tally.lines++;
  tally.malformedLines++;
  cursor.longLines = [...(cursor.longLines ?? []), start].slice(-rememberedLongLines);
}

/**
 * Where a line longer than `chunkBytes` is gathered: one buffer of the longest line read, over glibc's 32 MiB cap
 * on its dynamic mmap threshold. glibc raises that threshold to the size of each block it had mapped on its own
 * (128 KiB and up) when the block is freed; from then on blocks under it come from the C heap, which keeps what is
 * freed. Read buffers that doubled (2, 4, 8, 16 MiB) or were sized to a file raised it to 16 MiB and held ~65 MB
 * more at the peak of a cold 15 GB scan (docs/benchmarks.md, memory session 11). A block over the cap leaves it
 * alone when freed, and only the pages a read fills are resident.
 */
export const longLineBufferBytes = MAX_LINE_BYTES;

// One read buffer of `chunkBytes` reused across files, never replaced by another size (see longLineBufferBytes):
// a scan of thousands of files would otherwise allocate (and collect) a chunk per file. Untouched pages cost nothing.
let spareBuffer: Buffer | undefined;
// The long-line buffer, kept for the next file while the most a line filled of it is at most `keptLongBytes` (its
// pages filled stay resident): a 64 MiB buffer made for each file with a 2 MB line costs collections.
let spareLong: Buffer | undefined;
const keptLongBytes = 4 * chunkBytes;
// A Claude Code transcript is read into its kernel's input, a Codex rollout into its own (kernelLines.ts of each), when
// there is a kernel and no other read holds its input: its lines are walked by the kernel. Other logs, and a log read
// meanwhile, go to the other buffer (read by JavaScript). Each kernel is made by the first read of its agent's log.
let kernelInputLent = false;
let codexInputLent = false;
function takeBuffer(cursor: FileCursor): Buffer {
  if (cursor.claude && !kernelInputLent) {
    const input = claudeKernel(chunkBytes)?.input;
    if (input) {
      kernelInputLent = true;
      return input;
    }
  } else if (cursor.codex && !codexInputLent) {
    const input = codexKernel(chunkBytes)?.input;
    if (input) {
      codexInputLent = true;
      return input;
    }
  }
  const buf = spareBuffer ?? Buffer.allocUnsafe(chunkBytes);
  spareBuffer = undefined;
  return buf;
}

function giveBack(buf: Buffer): void {
  if (kernelInputLent && claudeKernel(chunkBytes)?.reads(buf)) kernelInputLent = false;
  else if (codexInputLent && codexKernel(chunkBytes)?.reads(buf)) codexInputLent = false;
  else spareBuffer = buf;
}

function parseRange(cursor: FileCursor, buf: Buffer, start: number, end: number, sink: (u: ParsedUsage) => void, tally: LineTally): void {
  if (cursor.claude) {
    const kernel = claudeKernel(chunkBytes);
    if (kernel?.reads(buf)) kernel.parse(start, end, cursor.claude, sink, tally);
    else parseClaudeLines(buf, start, end, cursor.claude, sink, tally);
  } else if (cursor.codex) {
    const kernel = codexInputLent ? codexKernel(chunkBytes) : null;
    if (kernel?.reads(buf)) kernel.parse(start, end, cursor.codex, sink, tally);
    else parseCodexLines(buf, start, end, cursor.codex, sink, tally);
  }
}

function isCompleteJson(buf: Buffer, start: number, end: number): boolean {
  try {
    JSON.parse(buf.toString('utf8', start, end));
    return true;
  } catch {
    return false;
  }
}

export type ReadOutcome = 'appended' | 'unchanged' | 'replaced';

/**
 * Reads what was appended to a log since `cursor.offset` and advances the cursor.
 * Cost is proportional to the new bytes. A last line without its newline is kept
 * for the next read unless it is already complete JSON. Returns 'replaced' without
 * reading when the file shrank or was swapped (its earlier lines may be gone, so the
 * caller must rebuild from scratch).
 */
export async function readNewLines(cursor: FileCursor, sink: (usage: ParsedUsage) => void, tally: LineTally, io: 'async' | 'sync' = 'async'): Promise<ReadOutcome> {
  const adapter = cursor.wholeFile ? adapterForFile(cursor.source, cursor.wholeFile.relativePath) : undefined;
  if (adapter?.readFile) return readByPath(cursor, adapter, sink, tally, io);
  // Most files of a large history are unchanged: one stat, no open.
  if (cursor.size > 0) {
    const quick = io === 'async' ? await fs.stat(cursor.path) : statSync(cursor.path);
    if (quick.size === cursor.size && quick.mtimeMs === cursor.mtimeMs && (cursor.offset === quick.size || cursor.wholeFile)) return 'unchanged';
  }
  const handle = io === 'async' ? await openAsync(cursor.path) : openBlocking(cursor.path);
  // Given back however the read ends (a failed read must not keep the kernel's input from later reads).
  let regular: Buffer | undefined;
  try {
    const stat = await handle.stat();
    // A whole-file history is rewritten in place all the time; re-parsing it is the normal path.
    if (cursor.wholeFile) return readWholeFile(cursor, handle, stat, sink, tally);
    if (stat.size < cursor.offset || (stat.size === cursor.size && stat.mtimeMs !== cursor.mtimeMs && cursor.offset > 0)) {
      return 'replaced';
    }
    // Growth alone does not prove an append: the file may have been replaced, or cut and rewritten,
    // by as many bytes as were read or more (a torn last line leaves `size` past `offset`, so a new
    // file exactly `offset` long is a change too). Then the bytes before `offset` differ from what was read.
    if (cursor.offset > 0 && stat.size >= cursor.offset && cursor.fingerprint !== undefined && !(await fingerprintMatches(handle.read, cursor.offset, cursor.fingerprint))) {
      return 'replaced';
    }
    if (stat.size > cursor.offset && (await continuesUnterminatedLine(cursor, handle))) return 'replaced';
    if (stat.size === cursor.offset) {
      cursor.size = stat.size;
      cursor.mtimeMs = stat.mtimeMs;
      return 'unchanged';
    }
    regular = takeBuffer(cursor);
    let buf = regular;
    // The bytes a read may fill: doubled for a line longer than it (in the long-line buffer), as a buffer that doubled would.
    let room = chunkBytes;
    // The most bytes of the long-line buffer a read may have filled (see spareLong).
    let longFilled = 0;
    let position = cursor.offset;
    // A read from the start gathers its fingerprint's bytes on the way.
    const sampler = position === 0 ? new FingerprintSampler(stat.size) : undefined;
    let carried = 0;
    // Inside an over-long line: bytes are read only to find its end (`skipping` = where it began).
    let skipping = cursor.longLineFrom;
    while (position < stat.size) {
      if (skipping !== undefined) {
        const bytesRead = await handle.read(buf, 0, Math.min(buf.length, stat.size - position), position);
        if (bytesRead === 0) break;
        sampler?.see(buf, 0, bytesRead, position);
        const newlineAt = buf.indexOf(0x0a);
        if (newlineAt === -1 || newlineAt >= bytesRead) {
          position += bytesRead;
          continue;
        }
        position += newlineAt + 1;
        skipping = undefined;
        continue;
      }
      if (carried === room) {
        if (carried >= MAX_LINE_BYTES) {
          // Over the cap: drop what was held and skip to the line's end.
          skipping = position - carried;
          noteLongLine(cursor, skipping, tally);
          carried = 0;
          buf = regular;
          room = chunkBytes;
          continue;
        }
        // One line longer than the buffer (a multi-MB tool result): on in the long-line buffer, kept to the file's end.
        if (buf === regular) {
          const long = spareLong ?? Buffer.allocUnsafe(longLineBufferBytes);
          spareLong = undefined;
          buf.copy(long, 0, 0, carried);
          buf = long;
        }
        room = Math.min(room * 2, MAX_LINE_BYTES);
        longFilled = Math.max(longFilled, room);
      }
      const want = Math.min(room - carried, stat.size - position);
      const bytesRead = await handle.read(buf, carried, want, position);
      if (bytesRead === 0) break;
      sampler?.see(buf, carried, bytesRead, position);
      position += bytesRead;
      const filled = carried + bytesRead;
      const lastNewline = buf.lastIndexOf(0x0a, filled - 1);
      if (lastNewline === -1) {
        carried = filled;
        continue;
      }
      parseRange(cursor, buf, 0, lastNewline, sink, tally);
      carried = filled - (lastNewline + 1);
      if (carried > 0) buf.copy(buf, 0, lastNewline + 1, filled);
    }
    if (skipping === undefined && carried > 0 && isCompleteJson(buf, 0, carried)) {
      parseRange(cursor, buf, 0, carried, sink, tally);
      carried = 0;
    }
    // A line still being skipped at the end of the file stays skipped: the offset moves past what
    // was read, and the next read goes on looking for its end from there.
    if (skipping !== undefined) cursor.longLineFrom = skipping;
    else delete cursor.longLineFrom;
    if (buf !== regular && longFilled <= keptLongBytes) spareLong = buf;
    cursor.offset = position - carried;
    cursor.fingerprint = cursor.offset > 0 ? (sampler?.fingerprint(cursor.offset) ?? (await fingerprintAt(handle.read, cursor.offset))) : undefined;
    sampler?.release();
    cursor.size = position;
    cursor.mtimeMs = stat.mtimeMs;
    return 'appended';
  } finally {
    if (regular) giveBack(regular);
    await handle.close();
  }
}

/** Whole-file histories are re-parsed when their size or time changes; stable keys dedupe the repeats. */
async function readWholeFile(cursor: FileCursor, handle: OpenFile, stat: { size: number; mtimeMs: number }, sink: (usage: ParsedUsage) => void, tally: LineTally): Promise<ReadOutcome> {
  if (stat.size === cursor.size && stat.mtimeMs === cursor.mtimeMs) return 'unchanged';
  // The adapter that found this file: a source may have several (Kilo's task folders and its CLI database).
  const adapter = cursor.wholeFile ? adapterForFile(cursor.source, cursor.wholeFile.relativePath) : undefined;
  if (stat.size > MAX_WHOLE_FILE_BYTES) {
    // Not read (it would be held whole, then parsed): skipped, counted, remembered until it changes.
    noteLongLine(cursor, 0, tally);
    cursor.offset = stat.size;
    cursor.size = stat.size;
    cursor.mtimeMs = stat.mtimeMs;
    return 'appended';
  }
  const buf = Buffer.allocUnsafe(stat.size);
  let filled = 0;
  while (filled < stat.size) {
    const n = await handle.read(buf, filled, stat.size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  if (adapter?.parse && cursor.wholeFile && !isJsonShapeBounded(buf, 0, filled)) {
    tally.lines++;
    tally.malformedLines++;
  } else if (adapter?.parse && cursor.wholeFile) {
    const { usages, malformed } = adapter.parse(buf.toString('utf8', 0, filled), { path: cursor.path, relativePath: cursor.wholeFile.relativePath });
    tally.lines += usages.length + malformed;
    tally.usageLines += usages.length;
    tally.malformedLines += malformed;
    for (const usage of usages) sink(usage);
  }
  cursor.offset = filled;
  cursor.size = filled;
  cursor.mtimeMs = stat.mtimeMs;
  return 'appended';
}

// A read by path may take a second on a multi-GB database; while the agent writes, its WAL changes
// every second. After a read slower than `slowReadMs`, the extension host waits this many times its
// duration before the next, so such a database costs it at most a tenth of a core.
const byPathReadSpacing = 10;
const slowReadMs = 50;

/**
 * Histories read by path (a database and its write-ahead log): re-read whole when the size or
 * time of the file or of any companion differs from the last read. A change to the WAL alone (a
 * new message before a checkpoint) leaves the database's own stat as it was, so both are compared.
 */
async function readByPath(cursor: FileCursor, adapter: PathAgentAdapter, sink: (usage: ParsedUsage) => void, tally: LineTally, io: 'async' | 'sync'): Promise<ReadOutcome> {
  const whole = cursor.wholeFile!;
  // The file itself must exist (a vanished one fails the read, as any log's would); a companion may not.
  const main = io === 'async' ? await fs.stat(cursor.path) : statSync(cursor.path);
  const companionPaths = adapter.companions(cursor.path);
  const companions = io === 'async'
    ? await Promise.all(companionPaths.map((p) => fs.stat(p).catch(() => undefined)))
    : companionPaths.map((p) => statSync(p, { throwIfNoEntry: false }));
  const signature = [main, ...companions].map((s) => (s ? `${s.size}:${s.mtimeMs}` : '-')).join(',');
  if (signature === whole.signature) return 'unchanged';
  // Deferred reads keep the old signature, so the next pass sees the change again. The CLI reads at once.
  const startedMs = Date.now();
  if (io === 'async' && whole.nextReadAtMs !== undefined && startedMs < whole.nextReadAtMs) return 'unchanged';
  const { usages, malformed } = adapter.readFile(cursor.path);
  tally.lines += usages.length + malformed;
  tally.usageLines += usages.length;
  tally.malformedLines += malformed;
  for (const usage of usages) sink(usage);
  const finishedMs = Date.now();
  const tookMs = finishedMs - startedMs;
  cursor.wholeFile = { relativePath: whole.relativePath, signature, ...(tookMs >= slowReadMs ? { nextReadAtMs: finishedMs + byPathReadSpacing * tookMs } : {}) };
  cursor.offset = main.size;
  cursor.size = main.size;
  // The newest write of any of them, so a database whose WAL is being written counts as recently active.
  cursor.mtimeMs = Math.max(main.mtimeMs, ...companions.map((s) => s?.mtimeMs ?? 0));
  return 'appended';
}

/**
 * A last line without its newline is counted when it is already complete JSON (a writer that never ends its last
 * line). If bytes other than a line end then follow it, that line went on: a fresh read sees one longer line, not
 * the one counted plus a new one, so the counted line must go (the caller rebuilds).
 */
async function continuesUnterminatedLine(cursor: FileCursor, handle: OpenFile): Promise<boolean> {
  if (cursor.offset === 0 || cursor.longLineFrom !== undefined) return false;
  const edge = Buffer.alloc(2);
  if ((await handle.read(edge, 0, 2, cursor.offset - 1)) < 2 || edge[0] === 0x0a) return false;
  return edge[1] !== 0x0a && edge[1] !== 0x0d;
}

interface OpenFile {
  stat(): { size: number; mtimeMs: number } | Promise<{ size: number; mtimeMs: number }>;
  read(buf: Buffer, offset: number, length: number, position: number): number | Promise<number>;
  close(): void | Promise<void>;
}

async function openAsync(file: string): Promise<OpenFile> {
  const handle = await fs.open(file, 'r');
  return {
    stat: () => handle.stat(),
    read: async (buf, offset, length, position) => (await handle.read(buf, offset, length, position)).bytesRead,
    close: () => handle.close(),
  };
}

/** Blocking reads, for scan workers only: there they beat a thread-pool round trip per call. */
function openBlocking(file: string): OpenFile {
  const fd = openSync(file, 'r');
  return {
    stat: () => fstatSync(fd),
    read: (buf, offset, length, position) => readSync(fd, buf, offset, length, position),
    close: () => closeSync(fd),
  };
}
