import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fieldsPerRow, Ledger, type SerializedLedger } from '../core/ledger';
import type { LineTally } from '../core/lineParser';
import type { SourceName } from '../core/usageEvent';
import type { FileCursor, LogRoots } from './logFiles';
import type { UsageScanner } from './usageScanner';
import { cacheDir } from './cacheDir';

/**
 * Bump when parsing or dedup rules change: an index written by other rules is
 * thrown away. Prices are applied when reading, so a price update needs no bump.
 */
export const parserVersion = 8;
const indexLayout = 2;

/**
 * The file is this header as one line of JSON (padded with spaces to a multiple of 8 bytes),
 * then the ledger's two number arrays as raw Float64 bytes in this machine's byte order (the
 * index never leaves it), then its keys (UTF-8). The numbers are used in place, not copied, and
 * the keys stay bytes until a new usage needs them: a warm start reads the newest rows only.
 * As JSON text the numbers took ~90 ms to save and ~130 ms to load on a 1.5 GB history.
 */
interface IndexHeader {
  format: 'tokenmeter-index';
  /** 2: rows first, aligned, sorted by time. */
  layout: number;
  parserVersion: number;
  byteOrder: 'LE' | 'BE';
  savedAtMs: number;
  cursors: FileCursor[];
  /** Lines seen so far, so the count of skipped lines survives a restart. */
  tally: LineTally;
  ledger: { strings: string[]; duplicateCount: number; keyBytes: number; rowCount: number; keyCount: number };
}

/** One index per set of log folders, shared by every VS Code window and the CLI. */
export function defaultIndexPath(roots: LogRoots, sources: Record<SourceName, boolean>, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(JSON.stringify({ roots, sources })).digest('hex').slice(0, 16);
  return path.join(cacheDir(env), `index-${id}.bin`);
}

/**
 * Loads a saved index into the scanner. Returns false (and leaves the scanner empty)
 * when there is none or it is unusable: torn, foreign, or from other parser rules.
 */
export async function loadIndex(file: string, scanner: UsageScanner): Promise<boolean> {
  let bytes: Buffer;
  let header: IndexHeader;
  try {
    bytes = await fs.readFile(file);
    const headerEnd = bytes.indexOf(0x0a);
    if (headerEnd === -1) return false;
    header = JSON.parse(bytes.toString('utf8', 0, headerEnd)) as IndexHeader;
    if (header?.format !== 'tokenmeter-index' || header.layout !== indexLayout || header.parserVersion !== parserVersion || header.byteOrder !== os.endianness()) return false;
    if (!Array.isArray(header.cursors) || !header.cursors.every(isSaneCursor)) return false;
    const ledger = Ledger.deserialize(ledgerPart(bytes, headerEnd + 1, header.ledger));
    scanner.restore(ledger, header.cursors);
    const t = header.tally;
    if (t && isCount(t.lines) && isCount(t.usageLines) && isCount(t.malformedLines)) {
      scanner.stats.tally = { lines: t.lines, usageLines: t.usageLines, malformedLines: t.malformedLines };
    }
    return true;
  } catch {
    return false;
  }
}

/** The ledger from the bytes after the header; throws unless the sizes the header gives fill the file exactly. */
function ledgerPart(bytes: Buffer, start: number, sizes: IndexHeader['ledger']): SerializedLedger {
  if (typeof sizes !== 'object' || sizes === null || ![sizes.keyBytes, sizes.rowCount, sizes.keyCount].every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error('damaged index sizes');
  }
  const rowsStart = start;
  const keyRowsStart = rowsStart + sizes.rowCount * fieldsPerRow * 8;
  const keysStart = keyRowsStart + sizes.keyCount * 8;
  if (keysStart + sizes.keyBytes !== bytes.length) throw new Error('damaged index sizes');
  // In place when aligned (the header is padded for it); copied out otherwise.
  const numbers = (from: number, to: number) =>
    (bytes.byteOffset + from) % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset + from, (to - from) / 8) : new Float64Array(bytes.buffer.slice(bytes.byteOffset + from, bytes.byteOffset + to));
  return {
    strings: sizes.strings,
    duplicateCount: sizes.duplicateCount,
    keys: bytes.subarray(keysStart, bytes.length),
    rows: numbers(rowsStart, keyRowsStart),
    keyRows: numbers(keyRowsStart, keysStart),
  };
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function isSaneCursor(c: FileCursor): boolean {
  if (typeof c !== 'object' || c === null || typeof c.path !== 'string' || typeof c.source !== 'string') return false;
  if (!isCount(c.offset) || !isCount(c.size) || !isCount(c.mtimeMs) || c.offset > c.size) return false;
  if (c.claude !== undefined && (typeof c.claude !== 'object' || c.claude === null || typeof c.claude.project !== 'string' || typeof c.claude.sessionId !== 'string' || typeof c.claude.agentId !== 'string')) return false;
  if (c.codex !== undefined) {
    const x = c.codex;
    if (typeof x !== 'object' || x === null || typeof x.sessionId !== 'string' || typeof x.project !== 'string' || typeof x.model !== 'string' || !Array.isArray(x.rateLimits)) return false;
    const t = x.lastTotals;
    if (t !== undefined && (typeof t !== 'object' || t === null || !isCount(t.input) || !isCount(t.cached) || !isCount(t.output) || !isCount(t.total))) return false;
  }
  if (c.fingerprint !== undefined && !isCount(c.fingerprint)) return false;
  if (c.longLineFrom !== undefined && (!isCount(c.longLineFrom) || c.longLineFrom > c.offset)) return false;
  if (c.longLines !== undefined && (!Array.isArray(c.longLines) || c.longLines.length > 64 || !c.longLines.every(isCount))) return false;
  if (c.wholeFile !== undefined && (typeof c.wholeFile !== 'object' || c.wholeFile === null || typeof c.wholeFile.relativePath !== 'string')) return false;
  return true;
}

/**
 * Writes the index atomically (temp file + rename), so a reader never sees half a
 * file and two writers at once leave one whole index, not a mix.
 */
export async function saveIndex(file: string, scanner: UsageScanner): Promise<void> {
  const { strings, duplicateCount, keys, rows, keyRows } = scanner.ledger.serialize();
  const keyBytes = typeof keys === 'string' ? Buffer.from(keys, 'utf8') : Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
  const header: IndexHeader = {
    format: 'tokenmeter-index',
    layout: indexLayout,
    parserVersion,
    byteOrder: os.endianness(),
    savedAtMs: Date.now(),
    cursors: scanner.fileCursors(),
    tally: scanner.stats.tally,
    ledger: { strings, duplicateCount, keyBytes: keyBytes.length, rowCount: rows.length / fieldsPerRow, keyCount: keyRows.length },
  };
  // JSON.stringify escapes every line break inside strings, so the header is exactly one line;
  // spaces pad it so that the rows after it start 8-byte aligned.
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil((headerBytes.length + 1) / 8) * 8, 0x20);
  headerBytes.copy(padded);
  padded[padded.length - 1] = 0x0a;
  const content = [padded, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength), Buffer.from(keyRows.buffer, keyRows.byteOffset, keyRows.byteLength), keyBytes];
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, content);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await removeStrayTempFiles(file);
  // Earlier versions kept a JSON index under the same name; it can never be read again.
  if (file.endsWith('.bin')) await fs.rm(`${file.slice(0, -4)}.json`, { force: true });
}

/**
 * saveIndex for callers that must go on when it fails (a read-only cache folder, an index path
 * that is a folder, a full disk): the index only saves time, so the failure is logged, never
 * fatal. Returns whether the index was saved.
 */
export async function trySaveIndex(file: string, scanner: UsageScanner, log: (message: string) => void): Promise<boolean> {
  try {
    await saveIndex(file, scanner);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    log(`Could not save the usage index ${file} (${code}); totals are unaffected, the next run reads the logs again. Check that the folder is writable and the disk is not full, or set TOKENMETER_CACHE_DIR.`);
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A writer killed between writing its temp file and renaming it leaves the temp file behind
 * (megabytes each). Removes those whose writer is gone; a live writer's temp file is left alone.
 */
async function removeStrayTempFiles(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      await fs.rm(path.join(path.dirname(file), name), { force: true });
    }
  }
}
