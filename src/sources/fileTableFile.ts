import { isCodexCredits, isCodexRateLimit } from '../core/codexRateLimits';
import { fnv1aWords, fnvBytesStep, fnvWordsStep } from '../core/fnv1a';
import { sourceNames } from '../core/usageEvent';
import type { CodexSummary } from './fileTable';
import { FileTable } from './fileTable';
import { FileTableError, metaClaudeExplicit, metaHasExtra, noSkip, type FileColumns } from './fileColumns';

export { FileTableError };

/**
 * The file table (fileTable.ts) in an index or delta file: the header line names its sizes, a checksum and the
 * codex summary; the section itself comes after the rows (index: after the key table and the names; delta: after the
 * rows merged into, and there it holds only the files changed since the index, see indexDelta.ts). In order: four
 * Float64 columns (size, mtime, offset, fingerprint), four Uint32 columns (folder, name end, meta, extras end), one
 * Uint32 checksum per block of `blockFiles` files and one of the folders (see blockChecksum), two Uint32 columns per
 * folder (end, skip), then the names, the folders and the extras as UTF-8, zero-padded to 8 bytes. A reader checks
 * the header's checksum (over the blocks' checksums) at once, and a block before it uses or changes a file of it: a
 * warm pass that reads or moves a few recent files checks those blocks, not 14 MB. Every block, every column's
 * bounds, and the padding are checked before something uses the whole table (a full pass, a save of all of it).
 */
export interface FileTableHeader {
  count: number;
  folderCount: number;
  namesBytes: number;
  foldersBytes: number;
  extrasBytes: number;
  /** FNV-1a over the blocks' checksums (the name is the field's since layout 4). */
  crc: number;
  /** Plan limits and credits over every Codex rollout, so that a warm status need not parse each rollout's state. */
  codex: CodexSummary;
}

const blockShift = 8;
/** Files per checked block (256: ~25 KB of columns, names and extras at 15 GB of history). */
export const blockFiles = 1 << blockShift;
/** Checksums of a table of `count` files: one per block, then the folders'. */
const checksumCount = (count: number): number => ((count + blockFiles - 1) >>> blockShift) + 1;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Bytes of the section `header` describes. */
export function fileSectionBytes(header: FileTableHeader): number {
  const raw = header.count * (4 * 8 + 4 * 4) + checksumCount(header.count) * 4 + header.folderCount * 8 + header.namesBytes + header.foldersBytes + header.extrasBytes;
  return raw + ((8 - (raw % 8)) % 8);
}

/** Whether `value` looks like a FileTableHeader (the section is checked when read). */
export function isFileTableHeader(value: unknown): value is FileTableHeader {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as FileTableHeader;
  if (![h.count, h.folderCount, h.namesBytes, h.foldersBytes, h.extrasBytes, h.crc].every(isCount)) return false;
  // The plan limits and credits are in no checksum: each is checked as the parser makes them (a reset of `1e18` made
  // every `status` exit 1, until the index was written again).
  return typeof h.codex === 'object' && h.codex !== null && Array.isArray(h.codex.limits) && h.codex.limits.every(isCodexRateLimit) && (h.codex.credits === undefined || isCodexCredits(h.codex.credits));
}

/** The header and the section's pieces, in order, for writing (`codex`: the summary to name, if not the table's own). */
export function encodeFileTable(table: FileTable, codex?: CodexSummary): { header: FileTableHeader; pieces: Uint8Array[] } {
  const whole = table.columns();
  const n = whole.count;
  const f = whole.folderCount;
  const c: FileColumns = { ...whole, folderEnd: whole.folderEnd.subarray(0, f), folderSkip: whole.folderSkip.subarray(0, f) };
  const crcs = new Uint32Array(checksumCount(n));
  for (let b = 0; b < crcs.length - 1; b++) crcs[b] = blockChecksum(c, b);
  crcs[crcs.length - 1] = foldersChecksum(c);
  const bytes = (a: Float64Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const pieces: Uint8Array[] = [
    ...[c.size, c.mtimeMs, c.offset, c.fingerprint].map((a) => bytes(a.subarray(0, n))),
    ...[c.folder, c.nameEnd, c.meta, c.extrasEnd].map((a) => bytes(a.subarray(0, n))),
    bytes(crcs),
    bytes(c.folderEnd),
    bytes(c.folderSkip),
    c.names,
    c.folders,
    c.extras,
  ];
  const header: FileTableHeader = { count: n, folderCount: f, namesBytes: c.names.length, foldersBytes: c.folders.length, extrasBytes: c.extras.length, crc: fnv1aWords(crcs), codex: codex ?? table.codexSummary() };
  const padding = fileSectionBytes(header) - pieces.reduce((sum, p) => sum + p.length, 0);
  pieces.push(new Uint8Array(padding));
  return { header, pieces };
}

const fnvStep = (h: number, v: number) => Math.imul(h ^ v, 0x01000193);

/** `h` run over entries `from` to `to` of a column, as 32-bit words (a Float64 is two). */
function wordsStep(h: number, column: Float64Array | Uint32Array, from: number, to: number): number {
  const per = column instanceof Float64Array ? 2 : 1;
  const words = new Uint32Array(column.buffer, column.byteOffset + from * per * 4, Math.max(0, to - from) * per);
  return fnvWordsStep(h, words, 0, words.length);
}

function bytesStep(h: number, bytes: Uint8Array, from: number, to: number): number {
  return fnvBytesStep(h, bytes, from, Math.min(to, bytes.length));
}

/**
 * Checksum of block `b` (files `b * blockFiles` on): FNV-1a over its number, where its names and extras start, its
 * files' entries in every column, and its names' and extras' bytes, so that any one changed byte of the block, or of
 * the ends it starts from, changes it.
 */
function blockChecksum(c: FileColumns, b: number): number {
  const first = b << blockShift;
  const last = Math.min(c.count, first + blockFiles);
  const nameStart = first === 0 ? 0 : c.nameEnd[first - 1];
  const extraStart = first === 0 ? 0 : c.extrasEnd[first - 1];
  let h = fnvStep(fnvStep(fnvStep(0x811c9dc5, b), nameStart), extraStart);
  for (const column of [c.size, c.mtimeMs, c.offset, c.fingerprint, c.folder, c.nameEnd, c.meta, c.extrasEnd]) h = wordsStep(h, column, first, last);
  if (last > first) {
    h = bytesStep(h, c.names, nameStart, c.nameEnd[last - 1]);
    h = bytesStep(h, c.extras, extraStart, c.extrasEnd[last - 1]);
  }
  return h >>> 0;
}

/** Checksum of the folders: their count, ends and skips (words) and their bytes. */
function foldersChecksum(c: FileColumns): number {
  let h = fnvStep(0x811c9dc5, c.folderCount);
  h = wordsStep(h, c.folderEnd, 0, c.folderCount);
  h = wordsStep(h, c.folderSkip, 0, c.folderCount);
  return bytesStep(h, c.folders, 0, c.folders.length) >>> 0;
}

/**
 * The table from its section's bytes (`section`: exactly fileSectionBytes(header) long, 8-byte aligned, owned by the
 * table from now on). Throws FileTableError when the checksum of the checksums is wrong, and with `check` 'now' when
 * any block, column or the padding is; with 'when needed', the table checks a block before it uses or changes a file
 * of it, and the rest before it is used whole (FileTable.verify).
 */
export function decodeFileTable(header: FileTableHeader, section: Uint8Array, check: 'now' | 'when needed' = 'now'): FileTable {
  if (section.length !== fileSectionBytes(header)) throw new FileTableError('file table of the wrong length');
  const { count: n, folderCount: fc } = header;
  let at = section.byteOffset;
  const f64 = () => new Float64Array(section.buffer, (at += n * 8) - n * 8, n);
  const u32 = (k: number) => new Uint32Array(section.buffer, (at += k * 4) - k * 4, k);
  const buf = (k: number) => Buffer.from(section.buffer, (at += k) - k, k);
  const [size, mtimeMs, offset, fingerprint] = [f64(), f64(), f64(), f64()];
  const [folder, nameEnd, meta, extrasEnd] = [u32(n), u32(n), u32(n), u32(n)];
  // Copied: the checksums are of the bytes as read, and the table changes its columns in place.
  const crcs = u32(checksumCount(n)).slice();
  const c: FileColumns = { count: n, size, mtimeMs, offset, fingerprint, folder, nameEnd, meta, extrasEnd, folderCount: fc, folderEnd: u32(fc), folderSkip: u32(fc), names: buf(header.namesBytes), folders: buf(header.foldersBytes), extras: buf(header.extrasBytes) };
  if (fnv1aWords(crcs) !== header.crc) throw new FileTableError('file table checksum mismatch');
  const padding = section.subarray(at - section.byteOffset);
  // The columns as read, for the checks: the table grows and changes its own (checked blocks alone in place).
  const table = new FileTable(c, { limits: header.codex.limits, credits: header.codex.credits }, new SectionBlocks({ ...c }, crcs, padding));
  if (check === 'now') table.verify();
  return table;
}

/**
 * The checksums of a table read from a file, and which blocks are checked: a block is checked before a file of it is
 * used or changed (its checksum is then of bytes no longer there: it is not checked again), every block, the folders
 * and the padding before the table is used whole.
 */
export class SectionBlocks {
  private readonly checked: Uint8Array;
  private foldersChecked = false;

  constructor(
    private readonly read: FileColumns,
    private readonly crcs: Uint32Array,
    private readonly padding: Uint8Array,
  ) {
    this.checked = new Uint8Array(crcs.length - 1);
  }

  /** Throws FileTableError unless the block of file `i` (one of the table as read) is whole. */
  checkFile(i: number): void {
    const b = i >>> blockShift;
    if (i >= this.read.count || this.checked[b]) return;
    if (blockChecksum(this.read, b) !== this.crcs[b]) throw new FileTableError('file table checksum mismatch');
    this.checked[b] = 1;
  }

  /** Throws FileTableError unless the folders (as read) are whole. */
  checkFolders(): void {
    if (this.foldersChecked) return;
    if (foldersChecksum(this.read) !== this.crcs[this.crcs.length - 1]) throw new FileTableError('file table checksum mismatch');
    this.foldersChecked = true;
  }

  /** Every block, the folders, the padding and the columns' bounds (throws FileTableError); see checkColumns for `changed`. */
  checkAll(changed: (i: number) => boolean): void {
    for (let b = 0; b < this.checked.length; b++) this.checkFile(b << blockShift);
    this.checkFolders();
    if (this.padding.some((byte) => byte !== 0)) throw new FileTableError('file table: padding');
    checkColumns(this.read, changed);
  }
}

const isFiniteCount = (v: number) => v >= 0 && v < Infinity;

/**
 * Every column of the table as read within bounds: a damaged table is refused whole, never half used. Files the table
 * changed since (`changed`: written by it, after their block was checked) are checked for their ends alone.
 */
function checkColumns(c: FileColumns, changed: (i: number) => boolean): void {
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
    if (changed(i)) {
      if (c.nameEnd[i] <= lastName || c.nameEnd[i] > c.names.length || c.extrasEnd[i] < lastExtra || c.extrasEnd[i] > c.extras.length) throw bad('name or extra bounds');
      lastName = c.nameEnd[i];
      lastExtra = c.extrasEnd[i];
      continue;
    }
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
