import { mergeCodexLimits, newestCodexCredits, type CodexCredits, type CodexRateLimit } from '../core/codexRateLimits';
import { damageOf } from '../core/damage';
import { sourceNames, type SourceName } from '../core/usageEvent';
import { claudeFileContext, type ClaudeFileContext } from './agents/claude/paths';
import { FileFolders } from './fileFolders';
import type { FileCursor } from './logFiles';
import { PathSlots } from './pathSlots';
import type { SectionBlocks } from './fileTableFile';
import { checkFileAt, emptyColumns, FileTableError, grownBytes, grownF64, grownU32, lastSeparator, metaClaudeExplicit, metaHasExtra, metaLongLines, metaWholeFile, type FileColumns } from './fileColumns';

/** What a cursor holds beyond its numbers and path; most files (Claude Code transcripts) have none. */
export interface FileExtra {
  /** Only when the path does not say it (see FileFolders.claudeContext). */
  claude?: ClaudeFileContext;
  codex?: FileCursor['codex'];
  wholeFile?: FileCursor['wholeFile'];
  longLineFrom?: number;
  longLines?: number[];
}

/** The codex plan limits and credits over every file, as `officialLimits` / `codexCredits` compute them. */
export interface CodexSummary {
  limits: CodexRateLimit[];
  credits?: CodexCredits;
}

/**
 * Every log file's cursor, as columns (issue 19): a file costs ~100 bytes here (numbers, its name as UTF-8, a slot
 * in a hash table of row numbers) against ~450 as a FileCursor object with its path and names. Folders are stored
 * once; a Claude Code transcript's session and agent ids are derived from its path when asked for, Codex state
 * and the rest (FileExtra) are JSON per file, parsed only for the files a caller materialises.
 *
 * Restored from an index, it uses the file's bytes in place: a warm pass materialises only the files it re-reads
 * (`writtenSince`), so the rest is never parsed, and checks only their blocks (fileTableFile.ts). Files are never
 * removed (a removed file makes the scanner rebuild). The files changed since the index was read or saved whole are
 * known, so that a delta carries only those (`changesSinceBase`, indexDelta.ts).
 */
export class FileTable {
  private c: FileColumns;
  private namesUsed: number;
  /** Extras set since this table was built or restored (the rest are in `c.extras` as JSON). */
  private readonly extrasSet = new Map<number, FileExtra>();
  private readonly folders: FileFolders;
  /** Lookup by path; built when first needed (a warm pass never needs it). */
  private slots: PathSlots | undefined;
  private codex: CodexSummary | undefined;
  /** While the table read from a file is not checked whole: its blocks' checksums (a block is checked before use). */
  private unverified: SectionBlocks | undefined;
  /** Files changed or added since the index the table was read from, or last saved whole as (see savedAsBase). */
  private readonly changed = new Set<number>();
  /** Increases on every change (see savedAsBase). */
  version = 0;
  /** The sum of the offsets (bytesRead) once added up, then kept by store(). */
  private offsetSum: number | undefined;
  /** withLongLines's files, as of `version`. */
  private longLines: { version: number; files: number[] } | undefined;
  /**
   * The files materialised while the table was not checked whole (a warm pass's recent files), by path: putting one
   * back needs no lookup table of every path (~100,000 path strings at 15 GB). Numbers never change (files are
   * never removed), so this stays true after the check.
   */
  private readonly readUnchecked = new Map<string, number>();

  constructor(columns?: FileColumns, codex?: CodexSummary, blocks?: SectionBlocks) {
    this.c = columns ?? emptyColumns();
    this.namesUsed = this.c.count === 0 ? 0 : this.c.nameEnd[this.c.count - 1];
    this.folders = new FileFolders(this.c);
    this.codex = codex;
    this.unverified = blocks;
  }

  /** Checks the whole table if it has not been (throws FileTableError); every use of all of it does this first. */
  verify(): void {
    const blocks = this.unverified;
    if (!blocks) return;
    blocks.checkAll((i) => this.changed.has(i));
    this.unverified = undefined;
  }

  /** What is wrong with the table, if anything (see verify). */
  damage(): string | undefined {
    return damageOf(() => this.verify(), FileTableError);
  }

  static of(cursors: Iterable<FileCursor>): FileTable {
    const table = new FileTable();
    for (const cursor of cursors) table.put(cursor);
    return table;
  }

  get size(): number {
    return this.c.count;
  }

  /** The columns for saving, with every extra as JSON (see fileTableFile.ts). */
  columns(): FileColumns {
    this.verify();
    if (this.extrasSet.size > 0) this.flushExtras();
    return { ...this.c, names: this.c.names.subarray(0, this.namesUsed), folders: this.c.folders.subarray(0, this.folders.bytesUsed) };
  }

  /** The codex summary as of now (computed once, then kept until a codex file changes). */
  codexSummary(): CodexSummary {
    if (!this.codex) {
      this.verify();
      const limits: CodexRateLimit[] = [];
      const credits: (CodexCredits | undefined)[] = [];
      for (let i = 0; i < this.c.count; i++) {
        if ((this.c.meta[i] & 0xff) !== codexSource || !(this.c.meta[i] & metaHasExtra)) continue;
        const codex = this.extraAt(i)?.codex;
        limits.push(...(codex?.rateLimits ?? []));
        credits.push(codex?.credits);
      }
      this.codex = { limits: mergeCodexLimits([], limits), credits: newestCodexCredits(credits) };
    }
    return this.codex;
  }

  pathAt(i: number): string {
    return this.folders.pathOf(this.c.folder[i]) + this.nameAt(i);
  }

  /** File `i`'s folder as stored: its path up to and with the last separator, one string shared by the folder's files. */
  folderPathAt(i: number): string {
    return this.folders.pathOf(this.c.folder[i]);
  }

  /** Folder `f`'s path as stored, up to and with its last separator (folderPathAt of its files). */
  folderPathOf(f: number): string {
    return this.folders.pathOf(f);
  }

  /**
   * Per folder number (see folderPathOf): the newest time of its line logs, the first of its files with that time (-1:
   * none), and whether it holds a whole-file history. One walk of the columns (see folderBriefs in warmWalk.ts).
   */
  newestByFolder(): { newestMs: Float64Array; firstNewest: Int32Array; hasWholeFile: Uint8Array } {
    const { count, folder, mtimeMs, meta, folderCount } = this.c;
    const newestMs = new Float64Array(folderCount);
    const firstNewest = new Int32Array(folderCount).fill(-1);
    const hasWholeFile = new Uint8Array(folderCount);
    for (let i = 0; i < count; i++) {
      const f = folder[i];
      if (meta[i] & metaWholeFile) hasWholeFile[f] = 1;
      else if (firstNewest[f] === -1 || mtimeMs[i] > newestMs[f]) {
        newestMs[f] = mtimeMs[i];
        firstNewest[f] = i;
      }
    }
    return { newestMs, firstNewest, hasWholeFile };
  }

  private nameAt(i: number): string {
    return this.c.names.toString('utf8', i === 0 ? 0 : this.c.nameEnd[i - 1], this.c.nameEnd[i]);
  }

  mtimeMsAt(i: number): number {
    return this.c.mtimeMs[i];
  }

  offsetAt(i: number): number {
    return this.c.offset[i];
  }

  isWholeFileAt(i: number): boolean {
    return (this.c.meta[i] & metaWholeFile) !== 0;
  }

  /** Sum of the read offsets: the bytes read so far. */
  bytesRead(): number {
    if (this.offsetSum === undefined) {
      const { count, offset } = this.c;
      let sum = 0;
      for (let i = 0; i < count; i++) sum += offset[i];
      this.offsetSum = sum;
    }
    return this.offsetSum;
  }

  /**
   * Numbers of the files written at or after `sinceMs` (by the time last seen), and with `wholeFiles`, every whole-file
   * history. The same pass adds up the offsets and finds the files with long lines, which a warm pass asks for next
   * (bytesRead, withLongLines): one pass over a long history's columns instead of three, code that runs once per
   * process and barely leaves V8's interpreter (~100,000 files at 15 GB; docs/benchmarks.md, session 17).
   */
  writtenSince(sinceMs: number, wholeFiles = false): number[] {
    const { count, mtimeMs, meta, offset } = this.c;
    const out: number[] = [];
    const longLines: number[] = [];
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const m = meta[i];
      if (mtimeMs[i] >= sinceMs || (wholeFiles && m & metaWholeFile)) out.push(i);
      if (m & metaLongLines) longLines.push(i);
      sum += offset[i];
    }
    this.offsetSum = sum;
    this.longLines = { version: this.version, files: longLines };
    return out;
  }

  /** Numbers of the files with skipped long lines on record. */
  withLongLines(): number[] {
    if (this.longLines?.version !== this.version) {
      const { count, meta } = this.c;
      const files: number[] = [];
      for (let i = 0; i < count; i++) if (meta[i] & metaLongLines) files.push(i);
      this.longLines = { version: this.version, files };
    }
    return [...this.longLines.files];
  }

  /** A FileCursor for file `i`: a new object each call; changes count once it is `put` back. */
  cursorAt(i: number): FileCursor {
    const c = this.c;
    if (this.unverified) {
      // Its block's checksum, then its bounds: what a file's state is read from (numbers, name, extras) is whole.
      this.unverified.checkFile(i);
      checkFileAt(c, i);
      this.readUnchecked.set(this.pathAt(i), i);
    }
    const source = sourceNames[c.meta[i] & 0xff];
    const file = this.pathAt(i);
    const fp = c.fingerprint[i];
    const fingerprint = Number.isNaN(fp) ? undefined : fp;
    const extra = c.meta[i] & metaHasExtra ? this.extraAt(i) : undefined;
    let cursor: FileCursor;
    // The same three shapes as newCursor (one hidden class each).
    if (source === 'claude') cursor = { path: file, source, size: c.size[i], mtimeMs: c.mtimeMs[i], offset: c.offset[i], fingerprint, claude: extra?.claude ?? this.folders.claudeContext(c.folder[i], file) };
    else if (source === 'codex') cursor = { path: file, source, size: c.size[i], mtimeMs: c.mtimeMs[i], offset: c.offset[i], fingerprint, codex: extra?.codex };
    else cursor = { path: file, source, size: c.size[i], mtimeMs: c.mtimeMs[i], offset: c.offset[i], fingerprint, wholeFile: extra?.wholeFile };
    if (extra?.longLineFrom !== undefined) cursor.longLineFrom = extra.longLineFrom;
    if (extra?.longLines !== undefined) cursor.longLines = extra.longLines;
    return cursor;
  }

  /** Every cursor, materialised (a full pass, and callers that want them all). */
  *cursors(): IterableIterator<FileCursor> {
    this.verify();
    for (let i = 0; i < this.c.count; i++) yield this.cursorAt(i);
  }

  /** The number of the file at `file`, or -1. */
  indexOf(file: string): number {
    if (!this.slots) {
      this.verify();
      this.slots = new PathSlots(this.c.count, (i) => this.pathAt(i));
    }
    return this.slots.indexOf(file);
  }

  has(file: string): boolean {
    return this.indexOf(file) !== -1;
  }

  get(file: string): FileCursor | undefined {
    const i = this.indexOf(file);
    return i === -1 ? undefined : this.cursorAt(i);
  }

  /**
   * Stores `cursor` (a new file, or a new state of one held). `listedFrom`: the cursor is a Claude Code transcript
   * just listed, whose context is claudeFileContext(cursor.path.slice(listedFrom)), and may leave `claude` out (the
   * scan threads send a cold scan's files so, see PackedResults): a new file's folder then takes its skip from there
   * (see FileFolders.claudeContext) instead of the context being derived again to compare.
   */
  put(cursor: FileCursor, listedFrom?: number): void {
    const known = this.readUnchecked.get(cursor.path);
    // A file materialised from a table not yet checked whole (a warm pass) had its block checked then, and is
    // written in place; any other file needs a lookup by path: the whole table is checked first.
    if (this.unverified && known === undefined) this.verify();
    let i = known ?? this.indexOf(cursor.path);
    const isNew = i === -1;
    if (!isNew && listedFrom !== undefined && cursor.claude === undefined) cursor = { ...cursor, claude: claudeFileContext(cursor.path.slice(listedFrom)) };
    // Unchanged (a full pass puts every file back, a warm pass those it read): nothing is written or counts as a
    // change (a delta carries the files changed, see changesSinceBase).
    if (!isNew && this.isStored(i, cursor)) return;
    if (isNew) i = this.append(cursor);
    this.store(i, cursor, isNew, listedFrom);
  }

  /**
   * A delta's files (indexDelta.ts), right after the table was read: file `numbers[k]` is now `rows`' file k, and
   * numbers from the end on are new files, in order. Checks each changed file's block first; throws FileTableError.
   */
  applyRows(numbers: Uint32Array, rows: FileTable, codex: CodexSummary): void {
    for (let k = 0; k < numbers.length; k++) {
      const i = numbers[k];
      const cursor = rows.cursorAt(k);
      if (i < this.c.count) {
        this.unverified?.checkFile(i);
        checkFileAt(this.c, i);
        if (this.pathAt(i) !== cursor.path) throw new FileTableError('file table: a delta of other files');
        this.store(i, cursor, false);
      } else if (i === this.c.count) {
        // A new file may set its folder's skip (see FileFolders.givesContext): the folders as read are checked first.
        this.unverified?.checkFolders();
        this.store(this.append(cursor), cursor, true);
      } else throw new FileTableError('file table: a delta of other files');
      if (this.unverified) this.readUnchecked.set(cursor.path, i);
    }
    this.codex = codex;
  }

  /** How many files changed or were added since the index was read or saved whole. */
  get changedCount(): number {
    return this.changed.size;
  }

  /** The files changed or added since the index was read or saved whole: their numbers (ascending) and cursors. */
  changesSinceBase(): { numbers: Uint32Array; cursors: FileCursor[] } {
    const numbers = Uint32Array.from(this.changed).sort();
    return { numbers, cursors: Array.from(numbers, (i) => this.cursorAt(i)) };
  }

  /** The table was just saved whole as it was at `version`: later deltas are relative to that (unless it changed since). */
  savedAsBase(version: number): void {
    if (version === this.version) this.changed.clear();
  }

  /** Writes `cursor` as file `i`'s state (`listedFrom`: see put). */
  private store(i: number, cursor: FileCursor, isNew: boolean, listedFrom?: number): void {
    this.changed.add(i);
    this.version++;
    const c = this.c;
    const before = c.meta[i];
    if (this.offsetSum !== undefined) this.offsetSum += cursor.offset - (isNew ? 0 : c.offset[i]);
    c.size[i] = cursor.size;
    c.mtimeMs[i] = cursor.mtimeMs;
    c.offset[i] = cursor.offset;
    c.fingerprint[i] = cursor.fingerprint ?? NaN;
    let explicitClaude = false;
    if (!(isNew && listedFrom !== undefined && this.folders.skipsTo(c.folder[i], listedFrom))) {
      if (listedFrom !== undefined && cursor.claude === undefined) cursor = { ...cursor, claude: claudeFileContext(cursor.path.slice(listedFrom)) };
      explicitClaude = cursor.claude !== undefined && (isNew ? !this.folders.givesContext(c.folder[i], cursor.claude, cursor.path) : (before & metaClaudeExplicit) !== 0);
    }
    const extra = extraOf(cursor, explicitClaude);
    if (cursor.codex !== undefined && this.codex && !this.sameCodexReadings(i, isNew, cursor.codex)) this.codex = undefined;
    c.meta[i] = metaOf(cursor, extra, explicitClaude);
    if (extra) this.extrasSet.set(i, extra);
    else this.extrasSet.delete(i);
  }

  /** Whether file `i` holds `cursor` as it is, numbers and extras (as saved: JSON). */
  private isStored(i: number, cursor: FileCursor): boolean {
    const c = this.c;
    const fp = c.fingerprint[i];
    if (c.size[i] !== cursor.size || c.mtimeMs[i] !== cursor.mtimeMs || c.offset[i] !== cursor.offset || (Number.isNaN(fp) ? cursor.fingerprint !== undefined : fp !== cursor.fingerprint)) return false;
    if (this.extrasSet.has(i)) return false;
    const extra = extraOf(cursor, (c.meta[i] & metaClaudeExplicit) !== 0);
    if (c.meta[i] !== metaOf(cursor, extra, (c.meta[i] & metaClaudeExplicit) !== 0)) return false;
    const start = i === 0 ? 0 : c.extrasEnd[i - 1];
    return (extra ? JSON.stringify(extra) : '') === c.extras.toString('utf8', start, c.extrasEnd[i]);
  }


  /** Whether file `i`'s plan limits and credits are as when the summary was made (else the summary is made again). */
  private sameCodexReadings(i: number, isNew: boolean, now: NonNullable<FileCursor['codex']>): boolean {
    // A state set in this run may have been changed in place since: no earlier copy to compare with.
    if (isNew || this.extrasSet.has(i)) return false;
    const was = this.c.meta[i] & metaHasExtra ? this.extraAt(i)?.codex : undefined;
    return JSON.stringify([was?.rateLimits ?? [], was?.credits ?? null]) === JSON.stringify([now.rateLimits, now.credits ?? null]);
  }

  /** Set in this run: that object (the reader changes it in place, as it did a Map's). Else parsed anew: the state as saved. */
  private extraAt(i: number): FileExtra | undefined {
    const set = this.extrasSet.get(i);
    if (set) return set;
    const start = i === 0 ? 0 : this.c.extrasEnd[i - 1];
    const end = this.c.extrasEnd[i];
    if (end <= start) return undefined;
    return JSON.parse(this.c.extras.toString('utf8', start, end)) as FileExtra;
  }

  private append(cursor: FileCursor): number {
    const i = this.c.count;
    this.ensureCapacity(i + 1);
    // The folder with its separator, so that folder + name is the path exactly as given.
    const cut = lastSeparator(cursor.path) + 1;
    const name = cursor.path.slice(cut);
    const c = this.c;
    c.folder[i] = this.folders.numberOf(cursor.path, cut);
    // Room for any name of this length (a UTF-16 unit is at most 3 bytes of UTF-8), then written: no byteLength pass.
    c.names = grownBytes(c.names, this.namesUsed, this.namesUsed + 3 * name.length);
    c.nameEnd[i] = this.namesUsed += c.names.write(name, this.namesUsed);
    c.extrasEnd[i] = i === 0 ? 0 : c.extrasEnd[i - 1];
    c.count = i + 1;
    this.slots?.add(cursor.path);
    return i;
  }

  private ensureCapacity(n: number): void {
    const c = this.c;
    if (n <= c.size.length) return;
    const cap = Math.max(256, c.size.length * 2, n);
    c.size = grownF64(c.size, cap);
    c.mtimeMs = grownF64(c.mtimeMs, cap);
    c.offset = grownF64(c.offset, cap);
    c.fingerprint = grownF64(c.fingerprint, cap);
    c.folder = grownU32(c.folder, cap);
    c.nameEnd = grownU32(c.nameEnd, cap);
    c.meta = grownU32(c.meta, cap);
    c.extrasEnd = grownU32(c.extrasEnd, cap);
  }

  /** Writes the extras set in this run into the JSON blob (each file's as it is now). */
  private flushExtras(): void {
    const c = this.c;
    const pieces: Buffer[] = [];
    const ends = new Uint32Array(c.size.length);
    let used = 0;
    for (let i = 0; i < c.count; i++) {
      const set = this.extrasSet.get(i);
      const start = i === 0 ? 0 : c.extrasEnd[i - 1];
      let piece: Buffer | undefined;
      if (set) piece = Buffer.from(JSON.stringify(set), 'utf8');
      else if (c.meta[i] & metaHasExtra && c.extrasEnd[i] > start) piece = c.extras.subarray(start, c.extrasEnd[i]);
      if (piece) {
        pieces.push(piece);
        used += piece.length;
      }
      ends[i] = used;
    }
    c.extras = Buffer.concat(pieces, used);
    c.extrasEnd = ends;
    this.extrasSet.clear();
  }
}

/** What `cursor` holds beyond numbers and path, as put stores it (undefined: nothing). */
function extraOf(cursor: FileCursor, explicitClaude: boolean): FileExtra | undefined {
  // Most files (Claude Code transcripts) have none: no object made for them.
  if (!explicitClaude && cursor.codex === undefined && cursor.wholeFile === undefined && cursor.longLineFrom === undefined && !(cursor.longLines !== undefined && cursor.longLines.length > 0)) return undefined;
  const extra: FileExtra = {};
  let any = false;
  if (explicitClaude) [extra.claude, any] = [cursor.claude, true];
  if (cursor.codex !== undefined) [extra.codex, any] = [cursor.codex, true];
  if (cursor.wholeFile !== undefined) [extra.wholeFile, any] = [cursor.wholeFile, true];
  if (cursor.longLineFrom !== undefined) [extra.longLineFrom, any] = [cursor.longLineFrom, true];
  if (cursor.longLines !== undefined && cursor.longLines.length > 0) [extra.longLines, any] = [cursor.longLines, true];
  return any ? extra : undefined;
}

function metaOf(cursor: FileCursor, extra: FileExtra | undefined, explicitClaude: boolean): number {
  return sourceNames.indexOf(cursor.source) | (extra ? metaHasExtra : 0) | (extra?.wholeFile ? metaWholeFile : 0) | (extra?.longLines ? metaLongLines : 0) | (explicitClaude ? metaClaudeExplicit : 0);
}

const codexSource = sourceNames.indexOf('codex' satisfies SourceName);

