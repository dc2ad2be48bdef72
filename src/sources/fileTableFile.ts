import { sourceNames } from '../core/usageEvent';
import type { CodexSummary } from './fileTable';
import { FileTable } from './fileTable';
import { FileTableError, metaClaudeExplicit, metaHasExtra, noSkip, type FileColumns } from './fileColumns';

export { FileTableError };

/**
 * The file table (fileTable.ts) in an index or delta file: the header line names its sizes, a checksum and the
 * codex summary; the section itself comes after the rows (index: after the key hashes; delta: after the rows merged
 * into). In order: four Float64 columns (size, mtime, offset, fingerprint), four Uint32 columns (folder, name end,
 * meta, extras end), two Uint32 columns per folder (end, skip), then the names, the folders and the extras as
 * UTF-8, zero-padded to 8 bytes. A reader checks the checksum and every column's bounds (a few ms for 100,000 files)
 * but parses no file's JSON until a caller materialises that file.
 */
export interface FileTableHeader {
  count: number;
  folderCount: number;
  namesBytes: number;
  foldersBytes: number;
  extrasBytes: number;
  /** Checksum of the section (`crcOf`: FNV-1a over 32-bit words; the name is the field's since layout 4). */
  crc: number;
  /** Plan limits and credits over every Codex rollout, so that a warm status need not parse each rollout's state. */
  codex: CodexSummary;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Bytes of the section `header` describes. */
export function fileSectionBytes(header: FileTableHeader): number {
  const raw = header.count * (4 * 8 + 4 * 4) + header.folderCount * 8 + header.namesBytes + header.foldersBytes + header.extrasBytes;
  return raw + ((8 - (raw % 8)) % 8);
}

/** Whether `value` looks like a FileTableHeader (the section is checked when read). */
export function isFileTableHeader(value: unknown): value is FileTableHeader {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as FileTableHeader;
  if (![h.count, h.folderCount, h.namesBytes, h.foldersBytes, h.extrasBytes, h.crc].every(isCount)) return false;
  return typeof h.codex === 'object' && h.codex !== null && Array.isArray(h.codex.limits);
}

/** The header and the section's pieces, in order, for writing. */
export function encodeFileTable(table: FileTable): { header: FileTableHeader; pieces: Uint8Array[] } {
  const c = table.columns();
  const n = c.count;
  const f = c.folderCount;
  const bytes = (a: Float64Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const pieces: Uint8Array[] = [
    ...[c.size, c.mtimeMs, c.offset, c.fingerprint].map((a) => bytes(a.subarray(0, n))),
    ...[c.folder, c.nameEnd, c.meta, c.extrasEnd].map((a) => bytes(a.subarray(0, n))),
    bytes(c.folderEnd.subarray(0, f)),
    bytes(c.folderSkip.subarray(0, f)),
    c.names,
    c.folders,
    c.extras,
  ];
  const header: FileTableHeader = { count: n, folderCount: f, namesBytes: c.names.length, foldersBytes: c.folders.length, extrasBytes: c.extras.length, crc: 0, codex: table.codexSummary() };
  const padding = fileSectionBytes(header) - pieces.reduce((sum, p) => sum + p.length, 0);
  pieces.push(new Uint8Array(padding));
  header.crc = crcOf(pieces);
  return { header, pieces };
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Checksum of the pieces in order, as 32-bit words (the bytes taken as one stream, so piece boundaries do not
 * matter): FNV-1a over words, so any one changed word changes it (each step is a bijection of the running value),
 * and runs at ~1 GB/s in plain JS. zlib's crc32 would load `node:zlib` and its streams: ~20 ms of a warm status's
 * start-up.
 */
function crcOf(pieces: Uint8Array[]): number {
  let h = 0x811c9dc5;
  let carry = 0;
  let carried = 0;
  for (const p of pieces) {
    let i = 0;
    // Finish a word begun in the previous piece, byte by byte.
    for (; carried > 0 && i < p.length; i++) {
      carry |= p[i] << (8 * carried);
      if (++carried === 4) {
        h = Math.imul(h ^ carry, 0x01000193);
        carry = carried = 0;
      }
    }
    // Words read in place only where they are the bytes in little-endian order (what the byte path composes).
    const aligned = littleEndian && (p.byteOffset + i) % 4 === 0;
    const words = aligned ? new Int32Array(p.buffer, p.byteOffset + i, (p.length - i) >> 2) : undefined;
    if (words) {
      for (let w = 0; w < words.length; w++) h = Math.imul(h ^ words[w], 0x01000193);
      i += words.length * 4;
    }
    for (; i < p.length; i++) {
      carry |= p[i] << (8 * carried);
      if (++carried === 4) {
        h = Math.imul(h ^ carry, 0x01000193);
        carry = carried = 0;
      }
    }
  }
  if (carried > 0) h = Math.imul(h ^ carry, 0x01000193);
  return h >>> 0;
}

/**
 * The table from its section's bytes (`section`: exactly fileSectionBytes(header) long, 8-byte aligned, owned by the
 * table from now on). Throws FileTableError when the checksum or any column is wrong.
 */
export function decodeFileTable(header: FileTableHeader, section: Uint8Array, check: 'now' | 'when needed' = 'now'): FileTable {
  if (section.length !== fileSectionBytes(header)) throw new FileTableError('file table of the wrong length');
  const { count: n, folderCount: fc } = header;
  let at = section.byteOffset;
  const f64 = () => new Float64Array(section.buffer, (at += n * 8) - n * 8, n);
  const u32 = (k: number) => new Uint32Array(section.buffer, (at += k * 4) - k * 4, k);
  const buf = (k: number) => Buffer.from(section.buffer, (at += k) - k, k);
  const c: FileColumns = {
    count: n,
    size: f64(),
    mtimeMs: f64(),
    offset: f64(),
    fingerprint: f64(),
    folder: u32(n),
    nameEnd: u32(n),
    meta: u32(n),
    extrasEnd: u32(n),
    folderCount: fc,
    folderEnd: u32(fc),
    folderSkip: u32(fc),
    names: buf(header.namesBytes),
    folders: buf(header.foldersBytes),
    extras: buf(header.extrasBytes),
  };
  // Checksum and bounds cost ~30-60 ms at 100,000 files (each loop runs once, mostly before V8 optimises it): a
  // warm pass that reads a few recent files checks just those (FileTable.cursorAt); the whole table is checked
  // before anything uses it all (a full pass, a save, a lookup by path).
  const verify = () => {
    if (crcOf([section]) !== header.crc) throw new FileTableError('file table checksum mismatch');
    checkColumns(c);
  };
  if (check === 'now') verify();
  return new FileTable(c, { limits: header.codex.limits, credits: header.codex.credits }, check === 'now' ? undefined : verify);
}

const isFiniteCount = (v: number) => v >= 0 && v < Infinity;

/** Every column within bounds: a damaged table is refused whole, never half used. */
function checkColumns(c: FileColumns): void {
  const bad = (what: string) => new FileTableError(`file table: ${what}`);
  let lastFolderEnd = 0;
  for (let f = 0; f < c.folderCount; f++) {
    if (c.folderEnd[f] < lastFolderEnd || c.folderEnd[f] > c.folders.length) throw bad('folder bounds');
    if (c.folderSkip[f] !== noSkip && c.folderSkip[f] > c.folderEnd[f] - lastFolderEnd) throw bad('folder skip');
    lastFolderEnd = c.folderEnd[f];
  }
  if (c.folderCount > 0 && lastFolderEnd !== c.folders.length) throw bad('folder bytes');
  let lastName = 0;
  let lastExtra = 0;
  const claude = sourceNames.indexOf('claude');
  for (let i = 0; i < c.count; i++) {
    const meta = c.meta[i];
    if ((meta & 0xff) >= sourceNames.length || c.folder[i] >= c.folderCount) throw bad('source or folder');
    if (!(isFiniteCount(c.size[i]) && isFiniteCount(c.mtimeMs[i]) && isFiniteCount(c.offset[i])) || c.offset[i] > c.size[i]) throw bad('sizes');
    if (!Number.isNaN(c.fingerprint[i]) && !isFiniteCount(c.fingerprint[i])) throw bad('fingerprint');
    if (c.nameEnd[i] <= lastName || c.nameEnd[i] > c.names.length) throw bad('name bounds');
    if (c.extrasEnd[i] < lastExtra || c.extrasEnd[i] > c.extras.length || (c.extrasEnd[i] > lastExtra) !== ((meta & metaHasExtra) !== 0)) throw bad('extra bounds');
    if ((meta & 0xff) === claude && !(meta & metaClaudeExplicit) && c.folderSkip[c.folder[i]] === noSkip) throw bad('claude path');
    lastName = c.nameEnd[i];
    lastExtra = c.extrasEnd[i];
  }
  if (lastName !== c.names.length || lastExtra !== c.extras.length) throw bad('trailing bytes');
}
