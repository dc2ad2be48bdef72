import { promises as fs, readFileSync } from 'node:fs';
import { fieldsPerRow, type LedgerChanges } from '../core/ledger/ledger';
import { deltaStateOf, fileNumbersBytes, isReadable, randomHex, removeStrayTempFiles, rowBytes, stampOf, writeAtomically, type FileStamp, type SavedState } from './indexFile';
import type { CodexSummary, FileTable } from './fileTable';
import { decodeFileTable, fileSectionBytes } from './fileTableFile';
import { isNameSectionHeader, NameTable, nameSectionBytes, type NameSectionHeader } from '../core/ledger/nameTable';
import type { UsageScanner } from './usageScanner';

/**
 * The delta beside an index (`<index>.delta`): what changed since that index was written, so that a warm run
 * with a little new usage writes the little, not the whole history again (see saveIndex). The header line
 * (padded like the index's), then the added rows (Float64), their key hashes (two uint32 each), the numbers of
 * the index's rows merged into (Float64) and those rows now, then the names after the index's
 * (core/ledger/nameTable.ts), then the files changed since the index: their numbers there (Uint32, zero-padded to 8
 * bytes), then their states as a file table of their own (fileTableFile.ts; its header names the whole table's codex
 * summary), merged into the index's table when read (FileTable.applyRows). It holds the tally and folder times in force; it applies only to the index whose `baseId` and row count it names, else it is ignored (a reader then
 * has the index alone: older, but whole, and the next pass reads the rest again).
 */
export interface DeltaHeader extends FileStamp, SavedState {
  format: 'tokenmeter-index-delta';
  baseId: string;
  /** Names this delta, so that what is saved beside it (the status rollup) can say which rows it sums. */
  deltaId?: string;
  ledger: { baseRowCount: number; names: NameSectionHeader; duplicateCount: number; rowCount: number; overrideCount: number };
}

export const deltaPathOf = (file: string): string => `${file}.delta`;

/** A delta's files: file `numbers[k]` of the index is now `rows`' file k (numbers past the index's files: new files). */
export interface FileRows {
  numbers: Uint32Array;
  rows: FileTable;
  codex: CodexSummary;
}

/** The delta of the index `baseId` (see DeltaHeader), or undefined when there is none for it or it is unusable (checked whole: it is small). */
export async function readDelta(file: string, baseId: string, baseRowCount: number, sync: boolean): Promise<{ header: DeltaHeader; changes: LedgerChanges; files: FileRows } | undefined> {
  try {
    const bytes = sync ? readFileSync(file) : await fs.readFile(file);
    const end = bytes.indexOf(0x0a);
    if (end === -1 || (end + 1) % 8 !== 0) return undefined;
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as DeltaHeader;
    if (!isReadable(header, 'tokenmeter-index-delta') || header.baseId !== baseId) return undefined;
    const sizes = header.ledger;
    if (typeof sizes !== 'object' || sizes === null || sizes.baseRowCount !== baseRowCount || ![sizes.rowCount, sizes.overrideCount].every((n) => Number.isInteger(n) && n >= 0) || !isNameSectionHeader(sizes.names)) return undefined;
    let at = end + 1;
    // Copied out of the file's bytes, so that each array is aligned.
    const take = (length: number) => bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + (at += length));
    const fileCount = header.files.count;
    if (at + sizes.rowCount * (rowBytes + 8) + sizes.overrideCount * (rowBytes + 8) + nameSectionBytes(sizes.names) + fileNumbersBytes(fileCount) + fileSectionBytes(header.files) !== bytes.length) return undefined;
    const rows = new Float64Array(take(sizes.rowCount * rowBytes));
    const keyHashes = new Uint32Array(take(sizes.rowCount * 8));
    const overrideAt = new Float64Array(take(sizes.overrideCount * 8));
    const overrideRows = new Float64Array(take(sizes.overrideCount * rowBytes));
    // Checked whole when applied (a delta's names are few).
    const names = NameTable.fromSection(sizes.names, new Uint8Array(take(nameSectionBytes(sizes.names))));
    const numbers = new Uint32Array(take(fileNumbersBytes(fileCount)), 0, fileCount);
    if (numbers.some((n, k) => k > 0 && n <= numbers[k - 1])) return undefined;
    const fileRows = decodeFileTable(header.files, new Uint8Array(take(fileSectionBytes(header.files))), 'now');
    return { header, changes: { baseRowCount, names, duplicateCount: sizes.duplicateCount, rows, keyHashes, overrideAt, overrideRows }, files: { numbers, rows: fileRows, codex: header.files.codex } };
  } catch {
    return undefined;
  }
}

/** Writes `changes` (since the index `baseId` at `file`) as that index's delta, replacing any before; returns its id. */
export async function saveDelta(file: string, baseId: string, changes: LedgerChanges, scanner: UsageScanner, io: 'async' | 'sync' = 'async'): Promise<string> {
  const deltaId = randomHex(8);
  const saved = deltaStateOf(scanner);
  const names = NameTable.of(changes.names instanceof NameTable ? changes.names.slice(0) : changes.names).encode();
  const header: DeltaHeader = {
    ...stampOf('tokenmeter-index-delta'),
    baseId,
    deltaId,
    ...saved.state,
    ledger: { baseRowCount: changes.baseRowCount, names: names.header, duplicateCount: changes.duplicateCount, rowCount: changes.rows.length / fieldsPerRow, overrideCount: changes.overrideAt.length },
  };
  const delta = deltaPathOf(file);
  await writeAtomically(delta, header, [changes.rows, changes.keyHashes, changes.overrideAt, changes.overrideRows, ...names.pieces, ...saved.fileSection], undefined, io);
  await removeStrayTempFiles(delta, io);
  return deltaId;
}
