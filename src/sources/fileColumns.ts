import * as path from 'node:path';
import { sourceNames } from '../core/usageEvent';

/** The columns of the file table (fileTable.ts) and their growth: plain arrays and bytes, no state. */

/** Why a file table cannot be used, for the message that says the logs are read again. */
export class FileTableError extends Error {}

/** File `i`'s entries within bounds (what a warm pass checks of the files it reads, before the whole table is checked). */
export function checkFileAt(c: FileColumns, i: number): void {
  const nameStart = i === 0 ? 0 : c.nameEnd[i - 1];
  const extraStart = i === 0 ? 0 : c.extrasEnd[i - 1];
  const f = c.folder[i];
  const ok =
    i >= 0 && i < c.count && (c.meta[i] & 0xff) < sourceNames.length && f < c.folderCount && c.folderEnd[f] <= c.folders.length && (f === 0 || c.folderEnd[f - 1] <= c.folderEnd[f]) &&
    nameStart < c.nameEnd[i] && c.nameEnd[i] <= c.names.length && extraStart <= c.extrasEnd[i] && c.extrasEnd[i] <= c.extras.length &&
    c.size[i] >= 0 && c.size[i] < Infinity && c.mtimeMs[i] >= 0 && c.mtimeMs[i] < Infinity && c.offset[i] >= 0 && c.offset[i] <= c.size[i];
  if (!ok) throw new FileTableError(`file table: entry ${i} out of bounds`);
}

/** Bits of the `meta` column above the source index (bits 0-7). */
export const metaHasExtra = 1 << 8;
export const metaWholeFile = 1 << 9;
export const metaLongLines = 1 << 10;
export const metaClaudeExplicit = 1 << 11;
/** `folderSkip` of a folder whose claude files' context is not derived from the path. */
export const noSkip = 0xffffffff;

/** The columns as stored: the numbers in typed arrays, names and folders as UTF-8, extras as JSON per file. */
export interface FileColumns {
  count: number;
  size: Float64Array;
  mtimeMs: Float64Array;
  offset: Float64Array;
  /** NaN: none. */
  fingerprint: Float64Array;
  folder: Uint32Array;
  /** End of each file's name in `names` (its start is the previous file's end). */
  nameEnd: Uint32Array;
  meta: Uint32Array;
  /** End of each file's extra in `extras` (JSON; empty when none). */
  extrasEnd: Uint32Array;
  folderCount: number;
  folderEnd: Uint32Array;
  /** How many characters of the folder path to drop to get its path under Claude's `projects/` (see deriveClaude). */
  folderSkip: Uint32Array;
  names: Buffer;
  folders: Buffer;
  extras: Buffer;
}

export const grownF64 = (a: Float64Array, n: number) => {
  const b = new Float64Array(n);
  b.set(a);
  return b;
};
export const grownU32 = (a: Uint32Array, n: number) => {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
};
/**
 * Past 512 KiB (~8,000 files' names), a byte column (file names, folders) grows into one buffer of at least 33 MiB:
 * freeing the 1-16 MiB buffers that doubling leaves behind raised glibc's mmap threshold during a cold scan of a long
 * history (see logReader.ts, longLineBufferBytes); a buffer over glibc's 32 MiB cap leaves it alone, and only the
 * bytes written are resident. Not sooner: V8 counts the whole buffer as external memory in its collection heuristics
 * (in the editor's shared host too), and buffers up to 512 KiB come from the C heap anyway (loading the bundles
 * raises glibc's threshold past 512 KiB at start-up), so their frees raise nothing.
 */
export const roomyColumnBytes = 33 * 1024 * 1024;

export function grownBytes(a: Buffer, used: number, need: number): Buffer {
  if (need <= a.length) return a;
  const doubled = Math.max(need, a.length * 2, 4096);
  const b = Buffer.allocUnsafe(doubled > 512 * 1024 ? Math.max(doubled, roomyColumnBytes) : doubled);
  a.copy(b, 0, 0, used);
  return b;
}

// Read once: the bundle reaches `path.sep` through a getter (esbuild's namespace import), and lastSeparator runs per file.
export const backslashToo = path.sep === '\\';
export const isSeparator = (ch: string | undefined): boolean => ch === '/' || (backslashToo && ch === '\\');
export const lastSeparator = (file: string): number => (backslashToo ? Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) : file.lastIndexOf('/'));

export function emptyColumns(): FileColumns {
  return {
    count: 0,
    size: new Float64Array(0),
    mtimeMs: new Float64Array(0),
    offset: new Float64Array(0),
    fingerprint: new Float64Array(0),
    folder: new Uint32Array(0),
    nameEnd: new Uint32Array(0),
    meta: new Uint32Array(0),
    extrasEnd: new Uint32Array(0),
    folderCount: 0,
    folderEnd: new Uint32Array(0),
    folderSkip: new Uint32Array(0),
    names: Buffer.alloc(0),
    folders: Buffer.alloc(0),
    extras: Buffer.alloc(0),
  };
}
