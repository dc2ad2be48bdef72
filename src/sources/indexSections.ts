import type { LedgerParts } from '../core/ledger/ledger';
import { encodeKeyTable, type KeySectionHeader } from '../core/ledger/keyTable';
import type { NameSectionHeader } from '../core/ledger/nameTable';
import { stampOf, type FileStamp, type SavedState } from './indexFile';

/**
 * The index's header and the ledger's part of it (see usageIndex.ts for the layout), made the same way by a save on
 * the main thread (saveIndex) and by a cold scan's save on its scan thread (indexSaveThread.ts): one code, so that
 * both write the same bytes.
 */

/** The ledger's fields of the header. */
export interface LedgerSectionHeader {
  names: NameSectionHeader;
  keys: KeySectionHeader;
  duplicateCount: number;
  rowCount: number;
}

export interface IndexHeader extends FileStamp, SavedState {
  format: 'tokenmeter-index';
  ledger: LedgerSectionHeader;
  /** Names this file for its delta (see DeltaHeader). */
  baseId: string;
}

/**
 * The ledger's header fields and its pieces in the file's order: the rows (a piece at a time: a second copy of every
 * row would double the ledger's memory while saving), the key table, the names (copied as stored: a name of the index
 * read is not decoded to be saved again).
 */
export function ledgerSection(parts: LedgerParts): { header: LedgerSectionHeader; pieces: () => Generator<Float64Array | Uint32Array | Uint8Array> } {
  const savedNames = parts.names.encode(parts.nameOrder);
  const savedKeys = encodeKeyTable(parts.rowCount, parts.keyHashes, parts.keyHashesInRowOrder);
  return {
    header: { names: savedNames.header, keys: savedKeys.header, duplicateCount: parts.duplicateCount, rowCount: parts.rowCount },
    pieces: function* () {
      yield* parts.rows();
      yield* savedKeys.pieces;
      yield* savedNames.pieces;
    },
  };
}

/** The index's header line: the stamp, the scanner's state, the ledger's fields, the id (in this order). */
export function indexHeader(state: SavedState, ledger: LedgerSectionHeader, baseId: string): IndexHeader {
  return { ...stampOf('tokenmeter-index'), ...state, ledger, baseId };
}
