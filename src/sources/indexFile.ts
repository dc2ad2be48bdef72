import { closeSync, fstat, mkdirSync, open, openSync, promises as fs, read, readdirSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fieldsPerRow } from '../core/ledger/ledger';
import { NameTable, nameSectionBytes, type NameSectionHeader } from '../core/ledger/nameTable';
import type { LineTally } from '../core/lineParser';
import { decodeFileTable, encodeFileTable, fileSectionBytes, isFileTableHeader, type FileTableHeader } from './fileTableFile';
import { FileTable } from './fileTable';
import type { UsageScanner } from './usageScanner';
import type { FolderTimes } from './warmWalk';

/**
 * What the index (usageIndex.ts) and its delta (indexDelta.ts) share: a header as one line of JSON (padded
 * with spaces to a multiple of 8 bytes, so that the numbers after it are aligned), the numbers as raw bytes in
 * this machine's byte order (the index never leaves it), the scanner's state in the header, and the writing:
 * atomic (temp file + rename), so a reader never sees half a file and two writers at once leave one whole
 * file, not a mix.
 */

/**
 * Bump when parsing or dedup rules change: an index written by other rules is
 * thrown away. Prices are applied when reading, so a price update needs no bump. 9: a line's time must be from 1970
 * to year 9999, a plan window's reset too (isPlausibleTimeMs): an index of a line past that kept failing reports.
 */
export const parserVersion = 9;
/**
 * 2: rows first, aligned, sorted by time; 3: key hashes instead of keys; 4: per-file state as columns after the rows
 * (fileTableFile.ts); 5: its checksum as FNV-1a over words; 6: the ledger's names as a section after the file table
 * (core/ledger/nameTable.ts), not in the header line; 7: the key hashes as a table probed in place
 * (core/ledger/keyTable.ts), not one per row; 8: the file table checked per block of 256 files, and a delta's
 * file table only the files changed since the index (indexDelta.ts); 9: the names' lookup slots saved with them
 * (core/ledger/nameTable.ts), not built by hashing every name.
 */
export const indexLayout = 9;

/** Which file, which layout, which rules, which byte order: a file that differs in any is not read. */
export interface FileStamp {
  format: 'tokenmeter-index' | 'tokenmeter-index-delta';
  layout: number;
  parserVersion: number;
  byteOrder: 'LE' | 'BE';
}

/** The scanner's state when the file was written (its file table in a section after the rows, see fileTableFile.ts). */
export interface SavedState {
  savedAtMs: number;
  files: FileTableHeader;
  /** Lines seen so far, so the count of skipped lines survives a restart. */
  tally: LineTally;
  /** Folder times of the last full pass, for warm passes (see warmWalk.ts); absent in older indexes. */
  walk?: FolderTimes;
}

export function stampOf<F extends FileStamp['format']>(format: F): FileStamp & { format: F } {
  return { format, layout: indexLayout, parserVersion, byteOrder: os.endianness() };
}

/**
 * Why `header` cannot be read as `format` by this version (written by another layout or other rules, on a machine of
 * another byte order, or not such a file), or undefined when it can.
 */
export function unreadableReason(header: Partial<FileStamp & SavedState> | null | undefined, format: FileStamp['format']): string | undefined {
  if (header?.format !== format) return 'not a usage index';
  if (header.layout !== indexLayout || header.parserVersion !== parserVersion) return `written by another version of Tokenmeter (layout ${String(header.layout)}, rules ${String(header.parserVersion)})`;
  if (header.byteOrder !== os.endianness()) return 'written on a machine of another byte order';
  return isFileTableHeader(header.files) ? undefined : 'damaged header';
}

export function isReadable(header: Partial<FileStamp & SavedState> | null | undefined, format: FileStamp['format']): boolean {
  return unreadableReason(header, format) === undefined;
}

/** The scanner's state for a header, and its file table's section to write after the rows. */
export function savedStateOf(scanner: UsageScanner): { state: SavedState; fileSection: Uint8Array[] } {
  const { header, pieces } = encodeFileTable(scanner.fileTable());
  return { state: { savedAtMs: Date.now(), files: header, tally: scanner.stats.tally, walk: scanner.folderTimes }, fileSection: pieces };
}

/**
 * savedStateOf for a delta: the files changed since the index alone (FileTable.changesSinceBase), as a table of their
 * own after their numbers (Uint32, zero-padded to 8 bytes), with the whole table's codex summary.
 */
export function deltaStateOf(scanner: UsageScanner): { state: SavedState; fileSection: Uint8Array[] } {
  const table = scanner.fileTable();
  const { numbers, cursors } = table.changesSinceBase();
  const { header, pieces } = encodeFileTable(FileTable.of(cursors), table.codexSummary());
  const numberBytes = new Uint8Array(fileNumbersBytes(numbers.length));
  numberBytes.set(bytesOf(numbers));
  return { state: { savedAtMs: Date.now(), files: header, tally: scanner.stats.tally, walk: scanner.folderTimes }, fileSection: [numberBytes, ...pieces] };
}

/** Bytes of a delta's file numbers (see deltaStateOf). */
export const fileNumbersBytes = (count: number): number => Math.ceil((count * 4) / 8) * 8;

/** Reads the file table's section at `position` (throws FileTableError when it is damaged). */
export async function readFileTable(read: Reader, header: FileTableHeader, position: number, check: 'now' | 'when needed'): Promise<FileTable> {
  // Its own buffer: 8-byte aligned for the Float64 columns, and kept by the table.
  const section = new Uint8Array(new ArrayBuffer(fileSectionBytes(header)));
  await read(section, position);
  return decodeFileTable(header, section, check);
}

/** Reads the ledger's name section at `position` (throws NameTableError when its header checksum, length or padding is wrong; blocks are checked when read). */
export async function readNameTable(read: Reader, header: NameSectionHeader, position: number): Promise<NameTable> {
  // Its own buffer: 4-byte aligned for the ends, and kept by the table.
  const section = new Uint8Array(new ArrayBuffer(nameSectionBytes(header)));
  await read(section, position);
  return NameTable.fromSection(header, section);
}

/**
 * Random hex for temp file names and the ids that tie a delta or rollup to its index. These only need to differ
 * between writers (two processes saving at once, a delta against a newer base), not to be secret: `Math.random`,
 * which V8 seeds from the OS's entropy in every isolate, 32 bits a step. `node:crypto` cost every cold run that saves
 * an index 10-22 ms to load (most of a cold run on empty log folders' save; docs/benchmarks.md, session 15).
 */
export function randomHex(bytes: number): string {
  let hex = '';
  while (hex.length < 2 * bytes) hex += ((Math.random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0');
  return hex.slice(0, 2 * bytes);
}

/** Bytes of a Float64 row or a key hash on disk. */
export const rowBytes = fieldsPerRow * 8;

export type Reader = (into: Uint8Array, position: number) => void | Promise<void>;
export const openAsync = promisify(open);
export const fstatAsync = promisify(fstat);
const readAsync = promisify(read);

/**
 * The header line (JSON up to the first newline) and where the numbers start. Read in growing pieces, each byte
 * once and searched once: the header once held a cursor per log file (~1 MB on a real 1.5 GB history) and every
 * name of the ledger; both are sections now, but the folder times of the last full pass are still in it.
 */
export async function readHeader<H>(read: Reader, fileBytes: number): Promise<{ header: H; rowsStart: number }> {
  let bytes = Buffer.allocUnsafe(0);
  for (let chunk = 64 * 1024; bytes.length < fileBytes; chunk *= 4) {
    const from = bytes.length;
    const grown = Buffer.allocUnsafe(Math.min(from + chunk, fileBytes));
    bytes.copy(grown, 0, 0, from);
    await read(grown.subarray(from), from);
    bytes = grown;
    const end = bytes.indexOf(0x0a, from);
    if (end !== -1) return { header: JSON.parse(bytes.toString('utf8', 0, end)) as H, rowsStart: end + 1 };
  }
  throw new Error('no index header');
}

/** The first row at or after `sinceMs` (rows are sorted by time), by binary search on the file. */
export async function firstRowSince(read: Reader, rowsStart: number, rowCount: number, sinceMs: number): Promise<number> {
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

/**
 * The index file an editor holds open (loadIndex olderOnDisk) no longer has the bytes it was read with: truncated,
 * written over in place, or closed. Its older rows cannot be trusted: the logs are read again (UsageScanner).
 * A save that renames a new file over it is not this: the file held open keeps its bytes.
 */
export class IndexChangedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IndexChangedError';
  }
}

export function readFullySync(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error('index shorter than its header says');
    done += n;
  }
}

export async function readFully(fd: number, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await readAsync(fd, into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error('index shorter than its header says');
    done += bytesRead;
  }
}

export const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The bytes of an array of numbers, in place. */
export const bytesOf = (piece: Float64Array | Uint32Array | Uint8Array): Buffer => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);

/**
 * Writes `header` and then `pieces` to a temp file beside `file` and renames it over `file`, unless `keep`
 * says otherwise once they are written (then the temp file goes and this returns false).
 *
 * `io: 'sync'` (the CLI, which has nothing else to do meanwhile) writes with blocking calls: each of the ~100 pieces
 * of an index was a round trip through libuv's thread pool, and the main thread sat idle in each (~50-80 ms of a cold
 * scan's tail on the generated corpus; docs/benchmarks.md, session 15). The extension host keeps 'async'.
 */
export async function writeAtomically(file: string, header: FileStamp & SavedState, pieces: Iterable<Float64Array | Uint32Array | Uint8Array>, keep = () => true, io: 'async' | 'sync' = 'async'): Promise<boolean> {
  if (io === 'sync') return writeAtomicallySync(file, header, pieces, keep);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.write(headerBytes(header));
      for (const piece of pieces) await handle.write(bytesOf(piece));
    } finally {
      await handle.close();
    }
    if (!keep()) {
      await fs.rm(temp, { force: true });
      return false;
    }
    await fs.rename(temp, file);
    return true;
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

function writeAtomicallySync(file: string, header: FileStamp & SavedState, pieces: Iterable<Float64Array | Uint32Array | Uint8Array>, keep: () => boolean): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeAllSync(fd, headerBytes(header));
      for (const piece of pieces) writeAllSync(fd, bytesOf(piece));
    } finally {
      closeSync(fd);
    }
    if (!keep()) {
      removeFileSync(temp);
      return false;
    }
    renameSync(temp, file);
    return true;
  } catch (error) {
    removeFileSync(temp);
    throw error;
  }
}

/** Removes a file if it is there (rmSync's `force`, without the module rmSync loads: a file only, never a folder). */
export function removeFileSync(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** The header line: JSON.stringify escapes every line break inside strings, so it is exactly one line; spaces pad it so that the numbers after it start 8-byte aligned. */
function headerBytes(header: object): Buffer {
  const text = JSON.stringify(header);
  return Buffer.from(text + ' '.repeat((8 - ((Buffer.byteLength(text) + 1) % 8)) % 8) + '\n', 'utf8');
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
export async function removeStrayTempFiles(file: string, io: 'async' | 'sync' = 'async'): Promise<void> {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = io === 'sync' ? readdirSync(path.dirname(file)) : await fs.readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      const stray = path.join(path.dirname(file), name);
      if (io === 'sync') removeFileSync(stray);
      else await fs.rm(stray, { force: true });
    }
  }
}
