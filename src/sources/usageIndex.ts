import { close, closeSync, fstatSync, openSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fieldsPerRow, Ledger, type OlderRows } from '../core/ledger/ledger';
import { chunkRows, OlderRowsPacker } from '../core/ledger/packedRows';
import type { SourceName } from '../core/usageEvent';
import type { LogRoots } from './logFiles';
import type { UsageScanner } from './usageScanner';
import { cacheDir } from './cacheDir';
import { deltaPathOf, readDelta, saveDelta, type FileRows } from './indexDelta';
import { sha256Hex } from '../core/sha256';
import { bytesOf, firstRowSince, fstatAsync, IndexChangedError, isCount, openAsync, readFileTable, readFully, readFullySync, readHeader, readNameTable, randomHex, removeFileSync, removeStrayTempFiles, rowBytes, savedStateOf, stampOf, unreadableReason, writeAtomically, type FileStamp, type SavedState } from './indexFile';
import { fileSectionBytes } from './fileTableFile';
import { isNameSectionHeader, nameSectionBytes, type NameSectionHeader } from '../core/ledger/nameTable';
import { encodeKeyTable, isKeySectionHeader, keySectionBytes, rowHashesOf, SavedKeys, type KeySectionHeader } from '../core/ledger/keyTable';
import type { FileTable } from './fileTable';
import { saneFolderTimes } from './warmWalk';
import { closeIndexOf, keepOlderPart, loadOlderRows } from './heldIndex';

/**
 * The persisted index: the ledger and the scanner's state, so that the next start reads only new bytes.
 * The file is a header as one line of JSON (see indexFile.ts, shared with the delta),
 * then the ledger's rows as raw Float64 bytes in this machine's byte order (the index never
 * leaves it), then the rows' key hashes as a table probed in place (core/ledger/keyTable.ts), then the ledger's
 * names (core/ledger/nameTable.ts), then the file table (fileTableFile.ts). The numbers are used in place, not
 * copied, a new usage reads the block or two of the key table its key falls in, and a name is decoded when a row
 * naming it is read: a warm start reads the newest rows only.
 * As JSON text the numbers took ~90 ms to save and ~130 ms to load on a 1.5 GB history.
 * A warm run with a little new usage writes a delta beside it instead (indexDelta.ts).
 */
interface IndexHeader extends FileStamp, SavedState {
  format: 'tokenmeter-index';
  ledger: { names: NameSectionHeader; keys: KeySectionHeader; duplicateCount: number; rowCount: number };
  /** Names this file for its delta (see DeltaHeader). */
  baseId: string;
}

/** Which index a ledger was read from or last saved whole to, for its next save (a delta, if small). */
const bases = new WeakMap<Ledger, { file: string; baseId: string }>();

/**
 * Which saved state (index, and delta if any) a ledger holds exactly, as read or as last saved: files beside the
 * index that summarise its rows (the status rollup) name it, so that they are never applied to other rows.
 */
const savedStates = new WeakMap<Ledger, { version: number; state: string }>();

/** The saved state `ledger` was read as or last saved as, while nothing has changed it since; else undefined. */
export function savedStateOfLedger(ledger: Ledger): string | undefined {
  const saved = savedStates.get(ledger);
  return saved?.version === ledger.version ? saved.state : undefined;
}

/** One index per set of log folders, shared by every VS Code window and the CLI. */
export function defaultIndexPath(roots: LogRoots, sources: Record<SourceName, boolean>, env: NodeJS.ProcessEnv = process.env): string {
  const id = sha256Hex(JSON.stringify({ roots, sources })).slice(0, 16);
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
  /**
   * Told why an index that exists was not used (another version's layout, damage), so the caller can say that
   * the logs are read again and why. Not called when there is no index.
   */
  onUnusable?: (reason: string) => void;
  /**
   * 'when needed': the file table is checked whole (checksum, bounds) only when something uses all of it — a full
   * pass, which rebuilds if it is damaged, or a save — not by a warm pass that reads a few recent files (the CLI's
   * `status`: ~30-60 ms at 100,000 files). Default 'now': damage refuses the index here.
   */
  checkFiles?: 'now' | 'when needed';
  /**
   * With `sinceMs`, the editor: the rows before it stay on disk for the ledger's life (the file stays open; closed
   * by closeIndexOf, or when the ledger is collected), read when a report or a whole save wants them and given back
   * after (Ledger.releaseOlder); a new usage merging into one of them reads that row alone.
   */
  olderOnDisk?: boolean;
}

/**
 * Loads a saved index into the scanner. Returns false (and leaves the scanner empty)
 * when there is none or it is unusable: torn, foreign, or from other parser rules.
 * Reads the header and the rows it needs; with `sinceMs`, older rows stay on disk until needed
 * (the file stays open for them: a writer replaces the index by renaming, so these bytes never change).
 */
export function loadIndex(file: string, scanner: UsageScanner, options: LoadOptions = {}): Promise<boolean> {
  return load(file, scanner, options);
}

/**
 * The editor's ledger, just saved whole to `file` and unchanged since, is replaced by one read back from that save
 * as a warm start reads it (`olderOnDisk`): the status window's rows (from `sinceMs` on) in memory, the older ones
 * left in the file. The rows are the file's, row for row, so every view gives the same numbers; what a cold start
 * (or a rebuild) held, every row of the history, then follows the window, as after a warm start. Nothing when the
 * ledger was not saved whole just now, changed meanwhile, a pass is running, or another writer replaced the file
 * (its id is not the save's). Returns whether the ledger was replaced.
 */
export async function rebaseOnIndex(file: string, scanner: UsageScanner, sinceMs: number): Promise<boolean> {
  const ledger = scanner.ledger;
  const state = savedStateOfLedger(ledger);
  // `baseId:` alone: saved (or read) whole, no delta since; read from that very save (a warm start): nothing to do.
  if (!state?.endsWith(':') || readFrom.get(ledger) === state) return false;
  return load(file, scanner, { sinceMs, olderOnDisk: true }, { baseId: state.slice(0, -1), ledger, version: ledger.version });
}

/** The ledger to replace and what it was saved as (see rebaseOnIndex). */
interface Rebase {
  baseId: string;
  ledger: Ledger;
  version: number;
}

/** The index (`baseId:`) a ledger was read from. */
const readFrom = new WeakMap<Ledger, string>();

async function load(file: string, scanner: UsageScanner, options: LoadOptions, rebase?: Rebase): Promise<boolean> {
  let fd: number | undefined;
  let keepOpen = false;
  let isClosed = false;
  const sync = options.io === 'sync';
  // The older part is read by whichever asks first: the ledger (blocking, when it needs them at once) or
  // loadOlderRows (the editor, right after its first number). Both may run at once; the last one closes the file.
  // This call counts as one reader: nothing closes the file while it reads (the file table comes last).
  let readers = 1;
  let done = false;
  const closeOnce = () => {
    // The editor never blocks on the file: its close goes to the thread pool too.
    if (fd !== undefined && !isClosed) {
      if (sync) closeSync(fd);
      else close(fd, () => undefined);
    }
    isClosed = true;
  };
  const unusable = (reason: string) => {
    options.onUnusable?.(`The usage index ${file} cannot be used (${reason}); reading all logs again.`);
    return false;
  };
  try {
    try {
      fd = sync ? openSync(file, 'r') : await openAsync(file, 'r');
    } catch {
      return false; // no index yet (or unreadable: the save after the scan says so)
    }
    const opened = sync ? fstatSync(fd) : await fstatAsync(fd);
    const fileBytes = opened.size;
    const handle = fd;
    const read = (into: Uint8Array, position: number) => (sync ? readFullySync(handle, into, position) : readFully(handle, into, position));
    let header: IndexHeader;
    let rowsStart: number;
    try {
      ({ header, rowsStart } = await readHeader<IndexHeader>(read, fileBytes));
    } catch {
      return unusable('truncated or damaged header');
    }
    const reason = unreadableReason(header, 'tokenmeter-index');
    if (reason) return unusable(reason);
    // Another writer's index renamed over the save meanwhile (the CLI, another window): its rows are not this ledger's.
    if (rebase && header.baseId !== rebase.baseId) return false;
    const sizes = header.ledger;
    if (typeof sizes !== 'object' || sizes === null || !(Number.isInteger(sizes.rowCount) && sizes.rowCount >= 0) || !isNameSectionHeader(sizes.names) || !isKeySectionHeader(sizes.keys, sizes.rowCount)) {
      return unusable('damaged header');
    }
    const hashesStart = rowsStart + sizes.rowCount * rowBytes;
    const namesStart = hashesStart + keySectionBytes(sizes.keys);
    const filesStart = namesStart + nameSectionBytes(sizes.names);
    if (filesStart + fileSectionBytes(header.files) !== fileBytes) return unusable('truncated or of the wrong length');
    const firstRow = options.sinceMs === undefined ? 0 : await firstRowSince(read, rowsStart, sizes.rowCount, options.sinceMs);
    const onDisk = options.olderOnDisk === true && firstRow > 0;
    // Held open for the ledger's life, the file may be truncated or written over in place (not by our saves, which
    // rename; by a copy, a sync tool, a full disk): each read of it is checked against its size and time when loaded,
    // after the read, so that rows of two files are never mixed. (A rename over it leaves its bytes and time alone.)
    const changed = () => {
      const now = isClosed ? undefined : fstatSync(handle);
      return now && (now.size !== fileBytes || now.mtimeMs !== opened.mtimeMs) ? `usage index ${file} changed while open (${fileBytes} -> ${now.size} bytes)` : undefined;
    };
    const onDiskRead = <T>(work: () => T): T => {
      if (!onDisk) return work();
      let result: T | undefined;
      let failure: unknown;
      try {
        if (isClosed) throw new Error('closed');
        result = work();
      } catch (error) {
        failure = error;
      }
      const why = changed();
      if (why) throw new IndexChangedError(why, { cause: failure });
      if (failure !== undefined) throw new IndexChangedError(`usage index ${file} could not be read while open`, { cause: failure });
      return result as T;
    };
    // The rows still on disk (fewer once loadRecentRows moved the window's into the newest rows).
    let olderCount = firstRow;
    const numbers = (from: number, to: number) => new Float64Array((to - from) / 8);
    const keyBuffer = () => new Uint8Array(new ArrayBuffer(keySectionBytes(sizes.keys)));
    const finish = () => {
      if (--readers === 0 && done) closeOnce();
    };
    // The older rows a piece at a time, packed as they come (OlderRowsPacker): never all of them as float64 at once.
    const pieceRows = Math.min(chunkRows, firstRow);
    const readOlder = (): OlderRows => {
      readers++;
      try {
        const rows = new OlderRowsPacker(sizes.names.count);
        const piece = new Float64Array(pieceRows * fieldsPerRow);
        for (let from = 0; from < olderCount; from += pieceRows) {
          const view = piece.subarray(0, Math.min(pieceRows, olderCount - from) * fieldsPerRow);
          onDiskRead(() => readFullySync(handle, bytesOf(view), rowsStart + from * rowBytes));
          rows.add(view);
        }
        const keys = keyBuffer();
        onDiskRead(() => readFullySync(handle, keys, hashesStart));
        done = !onDisk;
        return { rows, keyHashes: rowHashesOf(sizes.keys, keys, sizes.rowCount) };
      } finally {
        finish();
      }
    };
    const readOlderAsync = async (): Promise<OlderRows> => {
      readers++;
      try {
        const rows = new OlderRowsPacker(sizes.names.count);
        const piece = new Float64Array(pieceRows * fieldsPerRow);
        for (let from = 0; from < olderCount; from += pieceRows) {
          const view = piece.subarray(0, Math.min(pieceRows, olderCount - from) * fieldsPerRow);
          await readFully(handle, bytesOf(view), rowsStart + from * rowBytes).catch((error: unknown) => onDiskRead(() => { throw error; }));
          onDiskRead(() => undefined);
          rows.add(view);
        }
        const keys = keyBuffer();
        await readFully(handle, keys, hashesStart).catch((error: unknown) => onDiskRead(() => { throw error; }));
        onDiskRead(() => undefined);
        done = !onDisk;
        return { rows, keyHashes: rowHashesOf(sizes.keys, keys, sizes.rowCount) };
      } finally {
        finish();
      }
    };
    // A block of the key table at a time, while the file is open for the older rows (it closes once they are read,
    // and with them every key hash: the saved table is not probed after that).
    const readRows = (from: number, into: Float64Array) => onDiskRead(() => readFullySync(handle, bytesOf(into), rowsStart + from * rowBytes));
    const savedKeys = new SavedKeys(sizes.keys, sizes.rowCount, (into, position) => onDiskRead(() => readFullySync(handle, into, hashesStart + position)));
    const newestRows = numbers(rowsStart + firstRow * rowBytes, hashesStart);
    await read(bytesOf(newestRows), rowsStart + firstRow * rowBytes);
    // Every row wanted: the keys now too, without blocking when async.
    const everything = firstRow === 0 ? (sync ? readOlder() : await readOlderAsync()) : undefined;
    // The names' blocks are checked as rows that use them are read (Ledger.restore: the newest rows' now).
    const names = await readNameTable(read, sizes.names, namesStart);
    const ledger = Ledger.restore({
      names,
      duplicateCount: sizes.duplicateCount,
      rowCount: sizes.rowCount,
      firstRow,
      olderBeforeMs: options.sinceMs ?? -Infinity,
      newestRows,
      readOlder: everything ? () => everything : readOlder,
      readOlderRows: onDisk ? readRows : undefined,
      savedKeys: everything ? undefined : savedKeys,
    });
    if (onDisk) {
      keepOpen = true;
      const readRecent = async (restored: Ledger, sinceMs: number) => {
        const from = await firstRowSince(read, rowsStart, olderCount, sinceMs);
        const rows = numbers(0, (olderCount - from) * rowBytes);
        await readFully(handle, bytesOf(rows), rowsStart + from * rowBytes);
        if (restored.extendNewest(from, rows, sinceMs)) olderCount = from;
      };
      keepOlderPart(ledger, { read: readOlderAsync, readRecent, close: closeOnce, changed });
    } else if (firstRow > 0) {
      keepOpen = true;
      keepOlderPart(ledger, { read: readOlderAsync });
    }
    if (typeof header.baseId === 'string') {
      bases.set(ledger, { file, baseId: header.baseId });
      readFrom.set(ledger, `${header.baseId}:`);
    }
    if (rebase) {
      // The save's rows, not a delta another writer wrote since (its rows would not be this ledger's); the scanner
      // keeps its file table (the one saved). Swapped now, in the same turn as the check that nothing changed.
      savedStates.set(ledger, { version: ledger.version, state: `${rebase.baseId}:` });
      if (!scanner.swapLedger(rebase.ledger, rebase.version, ledger)) {
        keepOpen = false;
        closeIndexOf(ledger);
        return false;
      }
      closeIndexOf(rebase.ledger);
      return true;
    }
    const delta = typeof header.baseId === 'string' ? await readDelta(deltaPathOf(file), header.baseId, sizes.rowCount, sync) : undefined;
    let state: SavedState = header;
    let fileRows: FileRows | undefined;
    let deltaId = '';
    if (delta) {
      try {
        ledger.applyChanges(delta.changes);
        state = delta.header;
        fileRows = delta.files;
        // A delta of a version that did not name itself: its rows are read, but nothing can name this state.
        deltaId = typeof delta.header.deltaId === 'string' ? delta.header.deltaId : '?';
      } catch {
        // A damaged delta changed nothing (applyChanges checks first): the index alone is whole.
      }
    }
    // The index's file table, and the files the delta changed (after its ledger changes: damage now refuses both).
    let files: FileTable;
    try {
      files = await readFileTable(read, header.files, filesStart, options.checkFiles ?? 'now');
      if (fileRows) files.applyRows(fileRows.numbers, fileRows.rows, fileRows.codex);
    } catch (error) {
      return unusable(error instanceof Error ? error.message : String(error));
    }
    if (typeof header.baseId === 'string' && deltaId !== '?') savedStates.set(ledger, { version: ledger.version, state: `${header.baseId}:${deltaId}` });
    scanner.restore(ledger, files, saneFolderTimes(state.walk));
    const t = state.tally;
    if (t && isCount(t.lines) && isCount(t.usageLines) && isCount(t.malformedLines)) {
      scanner.stats.tally = { lines: t.lines, usageLines: t.usageLines, malformedLines: t.malformedLines };
    }
    return true;
  } catch (error) {
    return unusable(error instanceof Error ? error.message : String(error));
  } finally {
    if (--readers === 0 && (done || !keepOpen)) closeOnce();
  }
}

/**
 * Writes the index atomically (see writeAtomically), or only a delta beside it when little changed since it
 * was written.
 */
export async function saveIndex(file: string, scanner: UsageScanner, io: 'async' | 'sync' = 'async'): Promise<void> {
  const ledger = scanner.ledger;
  const files = scanner.fileTable();
  const base = bases.get(ledger);
  const changes = base?.file === file ? ledger.changes() : undefined;
  // A little new usage on a long history: the delta alone (rewritten whole each time), until it grows to an
  // eighth of the index (its rows, or its files); then the index is written again, delta included.
  savedStates.delete(ledger);
  const small = (count: number, of: number) => count <= Math.max(4096, of / 8);
  if (base && changes && small(changes.rows.length / fieldsPerRow + changes.overrideAt.length, changes.baseRowCount) && small(files.changedCount, files.size)) {
    const versionBefore = ledger.version;
    const deltaId = await saveDelta(file, base.baseId, changes, scanner, io);
    if (ledger.version === versionBefore) savedStates.set(ledger, { version: versionBefore, state: `${base.baseId}:${deltaId}` });
    return;
  }
  // Older rows left on disk (the editor) are read without blocking, then copied piece by piece.
  if (io === 'async') await loadOlderRows(scanner);
  const versionBefore = ledger.version;
  const filesVersion = files.version;
  const parts = ledger.parts();
  const baseId = randomHex(8);
  const saved = savedStateOf(scanner);
  // Names are copied as stored (a name of the index read is not decoded to be saved again).
  const savedNames = parts.names.encode(parts.nameOrder);
  const savedKeys = encodeKeyTable(parts.rowCount, parts.keyHashes, parts.keyHashesInRowOrder);
  const header: IndexHeader = {
    ...stampOf('tokenmeter-index'),
    ...saved.state,
    ledger: { names: savedNames.header, keys: savedKeys.header, duplicateCount: parts.duplicateCount, rowCount: parts.rowCount },
    baseId,
  };
  // Rows go out a piece at a time (a second copy of every row would double the ledger's memory while saving).
  const pieces = function* () {
    yield* parts.rows();
    yield* savedKeys.pieces;
    yield* savedNames.pieces;
    yield* saved.fileSection;
  };
  // A pass that changed the ledger while the pieces were written (the editor) could have left rows of two
  // moments: this save is dropped, the next one (the ledger changed) writes a whole index.
  const isWhole = () => scanner.ledger === ledger && ledger.version === versionBefore;
  if (!(await writeAtomically(file, header, pieces(), isWhole, io))) return;
  // Later deltas carry the files changed from now on.
  files.savedAsBase(filesVersion);
  // Later saves can be deltas of this index if its row numbers are the ledger's.
  if (parts.identity) {
    ledger.savedAsBase();
    bases.set(ledger, { file, baseId });
  } else bases.delete(ledger);
  savedStates.set(ledger, { version: versionBefore, state: `${baseId}:` });
  // The old delta names the old index: harmless, but it is litter now.
  const litter = [deltaPathOf(file), ...(file.endsWith('.bin') ? [`${file.slice(0, -4)}.json`] : [])];
  // (Earlier versions kept a JSON index under the same name; it can never be read again.)
  for (const old of litter) {
    if (io === 'sync') removeFileSync(old);
    else await fs.rm(old, { force: true });
  }
  await removeStrayTempFiles(file, io);
}

/**
 * saveIndex for callers that must go on when it fails (a read-only cache folder, an index path
 * that is a folder, a full disk): the index only saves time, so the failure is logged, never
 * fatal. Returns whether the index was saved.
 */
export async function trySaveIndex(file: string, scanner: UsageScanner, log: (message: string) => void, io: 'async' | 'sync' = 'async'): Promise<boolean> {
  try {
    await saveIndex(file, scanner, io);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    log(`Could not save the usage index ${file} (${code}); totals are unaffected, the next run reads the logs again. Check that the folder is writable and the disk is not full, or set TOKENMETER_CACHE_DIR.`);
    return false;
  }
}
