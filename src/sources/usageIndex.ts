import { createHash, randomBytes } from 'node:crypto';
import { close, closeSync, fstat, fstatSync, open, openSync, promises as fs, read, readFileSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import * as os from 'node:os';
import * as path from 'node:path';
import { fieldsPerRow, Ledger, type LedgerChanges, type OlderRows } from '../core/ledger/ledger';
import type { LineTally } from '../core/lineParser';
import type { SourceName } from '../core/usageEvent';
import type { FileCursor, LogRoots } from './logFiles';
import type { UsageScanner } from './usageScanner';
import { cacheDir } from './cacheDir';
import { saneFolderTimes, type FolderTimes } from './warmWalk';

/**
 * Bump when parsing or dedup rules change: an index written by other rules is
 * thrown away. Prices are applied when reading, so a price update needs no bump.
 */
export const parserVersion = 8;
const indexLayout = 3;

/**
 * The file is this header as one line of JSON (padded with spaces to a multiple of 8 bytes),
 * then the ledger's rows as raw Float64 bytes in this machine's byte order (the index never
 * leaves it), then each row's key hash (two uint32). The numbers are used in place, not copied,
 * and the hashes stay on disk until a new usage needs them: a warm start reads the newest rows only.
 * As JSON text the numbers took ~90 ms to save and ~130 ms to load on a 1.5 GB history.
 */
interface IndexHeader {
  format: 'tokenmeter-index';
  /** 2: rows first, aligned, sorted by time; 3: key hashes instead of keys. */
  layout: number;
  parserVersion: number;
  byteOrder: 'LE' | 'BE';
  savedAtMs: number;
  cursors: FileCursor[];
  /** Lines seen so far, so the count of skipped lines survives a restart. */
  tally: LineTally;
  /** Folder times of the last full pass, for warm passes (see warmWalk.ts); absent in older indexes. */
  walk?: FolderTimes;
  ledger: { strings: string[]; duplicateCount: number; rowCount: number };
  /** Names this file for its delta (see DeltaHeader). */
  baseId: string;
}

/**
 * The delta beside an index (`<index>.delta`): what changed since that index was written, so that a warm run
 * with a little new usage writes the little, not the whole history again (see saveIndex). The header line
 * (padded like the index's), then the added rows (Float64), their key hashes (two uint32 each), the numbers of
 * the index's rows merged into (Float64) and those rows now. It holds the cursors, tally and folder times in
 * force; it applies only to the index whose `baseId` and row count it names, else it is ignored (a reader then
 * has the index alone: older, but whole, and the next pass reads the rest again).
 */
interface DeltaHeader {
  format: 'tokenmeter-index-delta';
  layout: number;
  parserVersion: number;
  byteOrder: 'LE' | 'BE';
  baseId: string;
  savedAtMs: number;
  cursors: FileCursor[];
  tally: LineTally;
  walk?: FolderTimes;
  ledger: { baseRowCount: number; strings: string[]; duplicateCount: number; rowCount: number; overrideCount: number };
}

/** Which index a ledger was read from or last saved whole to, for its next save (a delta, if small). */
const bases = new WeakMap<Ledger, { file: string; baseId: string }>();

export const deltaPathOf = (file: string): string => `${file}.delta`;

/** One index per set of log folders, shared by every VS Code window and the CLI. */
export function defaultIndexPath(roots: LogRoots, sources: Record<SourceName, boolean>, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(JSON.stringify({ roots, sources })).digest('hex').slice(0, 16);
  return path.join(cacheDir(env), `index-${id}.bin`);
}

export interface LoadOptions {
  /** 'sync' for the CLI; the editor keeps 'async' (no blocking reads on the extension host). */
  io?: 'async' | 'sync';
  /**
   * Read only the rows from this time on (the rest and the dedup keys are read when first needed, see
   * Ledger.restore): a warm `status` needs the last month, not every request of every year.
   */
  sinceMs?: number;
}

/** The open index file behind a restored ledger whose older rows are not read yet. */
const olderParts = new WeakMap<Ledger, { read: () => Promise<OlderRows> }>();

/**
 * Loads a saved index into the scanner. Returns false (and leaves the scanner empty)
 * when there is none or it is unusable: torn, foreign, or from other parser rules.
 * Reads the header and the rows it needs; with `sinceMs`, older rows stay on disk until needed
 * (the file stays open for them: a writer replaces the index by renaming, so these bytes never change).
 */
export async function loadIndex(file: string, scanner: UsageScanner, options: LoadOptions = {}): Promise<boolean> {
  let fd: number | undefined;
  let keepOpen = false;
  let isClosed = false;
  const sync = options.io === 'sync';
  const closeOnce = () => {
    // The editor never blocks on the file: its close goes to the thread pool too.
    if (fd !== undefined && !isClosed) {
      if (sync) closeSync(fd);
      else close(fd, () => undefined);
    }
    isClosed = true;
  };
  try {
    fd = sync ? openSync(file, 'r') : await openAsync(file, 'r');
    const fileBytes = (sync ? fstatSync(fd) : await fstatAsync(fd)).size;
    const handle = fd;
    const read = (into: Uint8Array, position: number) => (sync ? readFullySync(handle, into, position) : readFully(handle, into, position));
    const { header, rowsStart } = await readHeader(read, fileBytes);
    if (header?.format !== 'tokenmeter-index' || header.layout !== indexLayout || header.parserVersion !== parserVersion || header.byteOrder !== os.endianness()) return false;
    if (!Array.isArray(header.cursors) || !header.cursors.every(isSaneCursor)) return false;
    const sizes = header.ledger;
    if (typeof sizes !== 'object' || sizes === null || !(Number.isInteger(sizes.rowCount) && sizes.rowCount >= 0)) return false;
    const rowBytes = fieldsPerRow * 8;
    const hashesStart = rowsStart + sizes.rowCount * rowBytes;
    if (hashesStart + sizes.rowCount * 8 !== fileBytes) return false;
    const firstRow = options.sinceMs === undefined ? 0 : await firstRowSince(read, rowsStart, sizes.rowCount, options.sinceMs);
    const numbers = (from: number, to: number) => new Float64Array((to - from) / 8);
    const bytesOf = (array: Float64Array | Uint32Array) => new Uint8Array(array.buffer);
    // The older part is read by whichever asks first: the ledger (blocking, when it needs them at once) or
    // loadOlderRows (the editor, right after its first number). Both may run at once; the last one closes the file.
    let readers = 0;
    let done = false;
    const olderBuffers = () => ({ rows: numbers(rowsStart, rowsStart + firstRow * rowBytes), keyHashes: new Uint32Array(sizes.rowCount * 2) });
    const finish = () => {
      if (--readers === 0 && done) closeOnce();
    };
    const readOlder = (): OlderRows => {
      readers++;
      try {
        const older = olderBuffers();
        readFullySync(handle, bytesOf(older.rows), rowsStart);
        readFullySync(handle, bytesOf(older.keyHashes), hashesStart);
        done = true;
        return older;
      } finally {
        finish();
      }
    };
    const readOlderAsync = async (): Promise<OlderRows> => {
      readers++;
      try {
        const older = olderBuffers();
        await readFully(handle, bytesOf(older.rows), rowsStart);
        await readFully(handle, bytesOf(older.keyHashes), hashesStart);
        done = true;
        return older;
      } finally {
        finish();
      }
    };
    const readKeyHashes = (): Uint32Array => {
      readers++;
      try {
        const keyHashes = new Uint32Array(sizes.rowCount * 2);
        readFullySync(handle, bytesOf(keyHashes), hashesStart);
        return keyHashes;
      } finally {
        finish();
      }
    };
    const newestRows = numbers(rowsStart + firstRow * rowBytes, hashesStart);
    await read(bytesOf(newestRows), rowsStart + firstRow * rowBytes);
    // Every row wanted: the keys now too, without blocking when async.
    const everything = firstRow === 0 ? (sync ? readOlder() : await readOlderAsync()) : undefined;
    const ledger = Ledger.restore({
      strings: sizes.strings,
      duplicateCount: sizes.duplicateCount,
      rowCount: sizes.rowCount,
      firstRow,
      olderBeforeMs: options.sinceMs ?? -Infinity,
      newestRows,
      readOlder: everything ? () => everything : readOlder,
      readKeyHashes: everything ? undefined : readKeyHashes,
    });
    if (firstRow > 0) {
      keepOpen = true;
      olderParts.set(ledger, { read: readOlderAsync });
    }
    if (typeof header.baseId === 'string') bases.set(ledger, { file, baseId: header.baseId });
    const delta = typeof header.baseId === 'string' ? await readDelta(deltaPathOf(file), header.baseId, sizes.rowCount, sync) : undefined;
    let state: Pick<IndexHeader, 'cursors' | 'tally' | 'walk'> = header;
    if (delta) {
      try {
        ledger.applyChanges(delta.changes);
        state = delta.header;
      } catch {
        // A damaged delta changed nothing (applyChanges checks first): the index alone is whole.
      }
    }
    scanner.restore(ledger, state.cursors, saneFolderTimes(state.walk));
    const t = state.tally;
    if (t && isCount(t.lines) && isCount(t.usageLines) && isCount(t.malformedLines)) {
      scanner.stats.tally = { lines: t.lines, usageLines: t.usageLines, malformedLines: t.malformedLines };
    }
    return true;
  } catch {
    return false;
  } finally {
    if (!keepOpen) closeOnce();
  }
}

/**
 * Hands the ledger the rows `loadIndex({ sinceMs })` left on disk, if it has not asked for them yet: the
 * editor calls it after its first number, so that a later pass that finds new usage has them at hand.
 */
export async function loadOlderRows(scanner: UsageScanner): Promise<void> {
  const ledger = scanner.ledger;
  const part = olderParts.get(ledger);
  olderParts.delete(ledger);
  if (part && ledger.needsOlder()) {
    const older = await part.read();
    if (ledger.needsOlder()) ledger.supplyOlder(older);
  }
}

/** The delta of the index `baseId` (see DeltaHeader), or undefined when there is none for it or it is unusable. */
async function readDelta(file: string, baseId: string, baseRowCount: number, sync: boolean): Promise<{ header: DeltaHeader; changes: LedgerChanges } | undefined> {
  try {
    const bytes = sync ? readFileSync(file) : await fs.readFile(file);
    const end = bytes.indexOf(0x0a);
    if (end === -1 || (end + 1) % 8 !== 0) return undefined;
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as DeltaHeader;
    if (header?.format !== 'tokenmeter-index-delta' || header.layout !== indexLayout || header.parserVersion !== parserVersion || header.byteOrder !== os.endianness()) return undefined;
    if (header.baseId !== baseId || !Array.isArray(header.cursors) || !header.cursors.every(isSaneCursor)) return undefined;
    const sizes = header.ledger;
    if (typeof sizes !== 'object' || sizes === null || sizes.baseRowCount !== baseRowCount || ![sizes.rowCount, sizes.overrideCount].every((n) => Number.isInteger(n) && n >= 0)) return undefined;
    const rowBytes = fieldsPerRow * 8;
    let at = end + 1;
    // Copied out of the file's bytes, so that each array is aligned.
    const take = (length: number) => bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + (at += length));
    if (at + sizes.rowCount * (rowBytes + 8) + sizes.overrideCount * (rowBytes + 8) !== bytes.length) return undefined;
    const rows = new Float64Array(take(sizes.rowCount * rowBytes));
    const keyHashes = new Uint32Array(take(sizes.rowCount * 8));
    const overrideAt = new Float64Array(take(sizes.overrideCount * 8));
    const overrideRows = new Float64Array(take(sizes.overrideCount * rowBytes));
    return { header, changes: { baseRowCount, strings: sizes.strings, duplicateCount: sizes.duplicateCount, rows, keyHashes, overrideAt, overrideRows } };
  } catch {
    return undefined;
  }
}

/** The header line (JSON up to the first newline) and where the rows start. */
async function readHeader(read: Reader, fileBytes: number): Promise<{ header: IndexHeader; rowsStart: number }> {
  for (let chunk = 64 * 1024; ; chunk *= 4) {
    const bytes = Buffer.allocUnsafe(Math.min(chunk, fileBytes));
    await read(bytes, 0);
    const end = bytes.indexOf(0x0a);
    if (end !== -1) return { header: JSON.parse(bytes.toString('utf8', 0, end)) as IndexHeader, rowsStart: end + 1 };
    if (bytes.length === fileBytes) throw new Error('no index header');
  }
}

/** The first row at or after `sinceMs` (rows are sorted by time), by binary search on the file. */
async function firstRowSince(read: Reader, rowsStart: number, rowCount: number, sinceMs: number): Promise<number> {
  const time = new Float64Array(1);
  const timeBytes = new Uint8Array(time.buffer);
  let lo = 0;
  let hi = rowCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    await read(timeBytes, rowsStart + (mid * fieldsPerRow + 1) * 8);
    if (time[0] < sinceMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Reader = (into: Uint8Array, position: number) => void | Promise<void>;
const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const readAsync = promisify(read);

function readFullySync(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error('index shorter than its header says');
    done += n;
  }
}

async function readFully(fd: number, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await readAsync(fd, into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error('index shorter than its header says');
    done += bytesRead;
  }
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
  const ledger = scanner.ledger;
  const base = bases.get(ledger);
  const changes = base?.file === file ? ledger.changes() : undefined;
  // A little new usage on a long history: the delta alone (rewritten whole each time), until it grows to an
  // eighth of the index; then the index is written again, delta included.
  if (base && changes && changes.rows.length / fieldsPerRow + changes.overrideAt.length <= Math.max(4096, changes.baseRowCount / 8)) {
    await saveDelta(file, base.baseId, changes, scanner);
    return;
  }
  const versionBefore = ledger.version;
  const parts = ledger.parts();
  const baseId = randomBytes(8).toString('hex');
  const header: IndexHeader = {
    format: 'tokenmeter-index',
    layout: indexLayout,
    parserVersion,
    byteOrder: os.endianness(),
    savedAtMs: Date.now(),
    cursors: scanner.fileCursors(),
    tally: scanner.stats.tally,
    walk: scanner.folderTimes,
    ledger: { strings: parts.strings, duplicateCount: parts.duplicateCount, rowCount: parts.rowCount },
    baseId,
  };
  const temp = await tempFileFor(file);
  try {
    // Rows go out a piece at a time (a second copy of every row would double the ledger's memory while saving).
    const handle = await fs.open(temp, 'w');
    try {
      await writeHeader(handle, header);
      for (const piece of parts.rows()) await handle.write(bytesOf(piece));
      for (const piece of parts.keyHashes()) await handle.write(bytesOf(piece));
    } finally {
      await handle.close();
    }
    // A pass that changed the ledger while the pieces were written (the editor) could have left rows of two
    // moments: this save is dropped, the next one (the ledger changed) writes a whole index.
    if (scanner.ledger !== ledger || ledger.version !== versionBefore) {
      await fs.rm(temp, { force: true });
      return;
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  // Later saves can be deltas of this index if its row numbers are the ledger's.
  if (parts.identity) {
    ledger.savedAsBase();
    bases.set(ledger, { file, baseId });
  } else bases.delete(ledger);
  // The old delta names the old index: harmless, but it is litter now.
  await fs.rm(deltaPathOf(file), { force: true });
  await removeStrayTempFiles(file);
  // Earlier versions kept a JSON index under the same name; it can never be read again.
  if (file.endsWith('.bin')) await fs.rm(`${file.slice(0, -4)}.json`, { force: true });
}

async function saveDelta(file: string, baseId: string, changes: LedgerChanges, scanner: UsageScanner): Promise<void> {
  const header: DeltaHeader = {
    format: 'tokenmeter-index-delta',
    layout: indexLayout,
    parserVersion,
    byteOrder: os.endianness(),
    baseId,
    savedAtMs: Date.now(),
    cursors: scanner.fileCursors(),
    tally: scanner.stats.tally,
    walk: scanner.folderTimes,
    ledger: { baseRowCount: changes.baseRowCount, strings: changes.strings, duplicateCount: changes.duplicateCount, rowCount: changes.rows.length / fieldsPerRow, overrideCount: changes.overrideAt.length },
  };
  const delta = deltaPathOf(file);
  const temp = await tempFileFor(delta);
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await writeHeader(handle, header);
      for (const piece of [changes.rows, changes.keyHashes, changes.overrideAt, changes.overrideRows]) await handle.write(bytesOf(piece));
    } finally {
      await handle.close();
    }
    await fs.rename(temp, delta);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await removeStrayTempFiles(delta);
}

/**
 * Writes the header line: JSON.stringify escapes every line break inside strings, so it is exactly one line;
 * spaces pad it so that the numbers after it start 8-byte aligned. The cursors (one per log file: 100,000 on
 * a long history, tens of MB as text) go out a thousand at a time rather than as one string and its bytes.
 */
async function writeHeader(handle: fs.FileHandle, header: IndexHeader | DeltaHeader): Promise<void> {
  const { cursors, ...rest } = header;
  let written = 0;
  const write = async (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    written += bytes.length;
    await handle.write(bytes);
  };
  await write('{"cursors":[');
  for (let at = 0; at < cursors.length; at += 1000) await write((at > 0 ? ',' : '') + JSON.stringify(cursors.slice(at, at + 1000)).slice(1, -1));
  await write(`],${JSON.stringify(rest).slice(1)}`);
  await write(' '.repeat((8 - ((written + 1) % 8)) % 8) + '\n');
}

const bytesOf = (piece: Float64Array | Uint32Array) => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);

async function tempFileFor(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
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
