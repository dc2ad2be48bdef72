/**
 * The ledger's dedup-key hashes as saved in an index (layout 7): an open-addressing table that a reader probes in
 * place, so that checking one new request against 800,000 saved ones reads a block or two (a few KB), not every
 * hash (and builds no table of them in memory).
 *
 * Section (what the header's `KeySectionHeader` describes), in order: `slots` slots of three Uint32 (the key's
 * 64-bit hash as hi, lo, then the row number; hi = lo = 0: empty), one Uint32 checksum per block of `blockSlots`
 * slots, zero padding to 8 bytes. `slots` is fixed by the number of keyed rows (load factor 0.7, always one slot
 * empty); a key's probe starts at its home slot (lo scaled to the table) and goes on linearly, wrapping at the end,
 * until an empty slot. A block is checked (FNV-1a over its number and words) before a slot of it is read; the header's
 * checksum covers the blocks' checksums, read when the first key is looked up.
 */

import { fnv1aWords, fnvWordsStep } from '../fnv1a';

/** A key section that is damaged (checksum, bounds); the index holding it is read again from the logs. */
export class KeyTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyTableError';
  }
}

export interface KeySectionHeader {
  /** Slots of the table (`slotsFor(keyed)`). */
  slots: number;
  /** Rows with a key (each in one slot). */
  keyed: number;
  /** FNV-1a over the blocks' checksums. */
  crc: number;
}

const slotWords = 3;
const blockShift = 8;
/** Slots per checked block (256: 3 KB, checked in a few µs). */
const blockSlots = 1 << blockShift;
/** Blocks kept once read (the first read first out): 64 blocks, 192 KB. */
const heldBlocks = 64;
const blocksOf = (slots: number) => (slots + blockSlots - 1) >>> blockShift;

/** Slots for `keyed` keys: load factor 0.7 (a miss probes ~6 slots on average), at least one slot empty. */
export const slotsFor = (keyed: number): number => Math.floor((keyed * 10) / 7) + 1;

/** Bytes of the section `header` describes. */
export function keySectionBytes(header: KeySectionHeader): number {
  const raw = header.slots * slotWords * 4 + blocksOf(header.slots) * 4;
  return raw + ((8 - (raw % 8)) % 8);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Whether `value` looks like a KeySectionHeader for `rowCount` rows (the section is checked when read). */
export function isKeySectionHeader(value: unknown, rowCount: number): value is KeySectionHeader {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as KeySectionHeader;
  return isCount(h.slots) && isCount(h.keyed) && isCount(h.crc) && h.keyed <= rowCount && h.slots === slotsFor(h.keyed);
}

/** The slot a probe for a key with low word `lo` starts at: `lo` scaled to the table (exact in doubles, fixed for good). */
const homeOf = (lo: number, slots: number) => Math.min(slots - 1, Math.floor((lo / 4294967296) * slots));

/** Checksum of block `b`, whose words are `words[from, to)`: its number first, so that two blocks swapped are damage. */
function blockChecksum(words: Uint32Array, b: number, from: number, to: number): number {
  return fnvWordsStep(Math.imul(0x811c9dc5 ^ b, 0x01000193), words, from, to) >>> 0;
}

/** Block `b`'s checksum in the whole table's words. */
const blockChecksumIn = (words: Uint32Array, b: number, slots: number) => blockChecksum(words, b, b * blockSlots * slotWords, Math.min(slots, (b + 1) * blockSlots) * slotWords);

/**
 * The section for `rowCount` rows whose key hashes (two Uint32 a row, 0, 0: no key) come in `pieces`, in row order;
 * `countPieces` gives the same hashes in any order, to count the keys first (default: `pieces`). Holds the table
 * (12 bytes a slot) while saving.
 */
export function encodeKeyTable(rowCount: number, pieces: () => Iterable<Uint32Array>, countPieces = pieces): { header: KeySectionHeader; pieces: Uint8Array[] } {
  let keyed = 0;
  for (const piece of countPieces()) keyed += keysIn(piece);
  const slots = slotsFor(keyed);
  const words = new Uint32Array(slots * slotWords);
  let row = 0;
  for (const piece of pieces()) row = placeKeys(piece, row, words, slots);
  if (row !== rowCount) throw new Error('ledger keys: row count');
  const crcs = new Uint32Array(blocksOf(slots));
  for (let b = 0; b < crcs.length; b++) crcs[b] = blockChecksumIn(words, b, slots);
  const header: KeySectionHeader = { slots, keyed, crc: fnv1aWords(crcs) };
  const asBytes = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return { header, pieces: [asBytes(words), asBytes(crcs), new Uint8Array(keySectionBytes(header) - words.byteLength - crcs.byteLength)] };
}

/** Hashes in `piece` that are keys (not 0, 0). */
function keysIn(piece: Uint32Array): number {
  let keyed = 0;
  for (let k = 0; k < piece.length; k += 2) if (piece[k] !== 0 || piece[k + 1] !== 0) keyed++;
  return keyed;
}

/** Places `piece`'s keys, rows `row` on, in the table; returns the row after them. */
function placeKeys(piece: Uint32Array, row: number, words: Uint32Array, slots: number): number {
  for (let k = 0; k < piece.length; k += 2, row++) {
    const hi = piece[k];
    const lo = piece[k + 1];
    if (hi === 0 && lo === 0) continue;
    let s = homeOf(lo, slots);
    while (words[s * slotWords] !== 0 || words[s * slotWords + 1] !== 0) s = s + 1 === slots ? 0 : s + 1;
    words[s * slotWords] = hi;
    words[s * slotWords + 1] = lo;
    words[s * slotWords + 2] = row;
  }
  return row;
}

/**
 * Every row's key hash in row order (two Uint32 a row, 0, 0: no key) from the whole section (`section`: exactly
 * keySectionBytes(header) long, 4-byte aligned). Throws KeyTableError unless every block is whole, every row is
 * within `rowCount` and in one slot only, and the keys are as many as the header says.
 */
export function rowHashesOf(header: KeySectionHeader, section: Uint8Array, rowCount: number): Uint32Array {
  if (!isKeySectionHeader(header, rowCount) || section.length !== keySectionBytes(header)) throw new KeyTableError('ledger keys of the wrong length');
  const { slots } = header;
  const words = new Uint32Array(section.buffer, section.byteOffset, slots * slotWords);
  const crcs = new Uint32Array(section.buffer, section.byteOffset + words.byteLength, blocksOf(slots));
  if (fnv1aWords(crcs) !== header.crc) throw new KeyTableError('ledger keys: checksum mismatch');
  for (let b = 0; b < crcs.length; b++) if (blockChecksumIn(words, b, slots) !== crcs[b]) throw new KeyTableError('ledger keys: checksum mismatch');
  for (let i = words.byteLength + crcs.byteLength; i < section.length; i++) if (section[i] !== 0) throw new KeyTableError('ledger keys: padding');
  const hashes = new Uint32Array(rowCount * 2);
  let keyed = 0;
  for (let s = 0; s < slots; s++) {
    const hi = words[s * slotWords];
    const lo = words[s * slotWords + 1];
    if (hi === 0 && lo === 0) continue;
    const row = words[s * slotWords + 2];
    if (row >= rowCount || hashes[row * 2] !== 0 || hashes[row * 2 + 1] !== 0) throw new KeyTableError('ledger keys: bounds');
    hashes[row * 2] = hi;
    hashes[row * 2 + 1] = lo;
    keyed++;
  }
  if (keyed !== header.keyed) throw new KeyTableError('ledger keys: count');
  return hashes;
}

/** Reads `into.length` bytes at `position` of the section (synchronously: a new usage is checked as it is added). */
export type SectionReader = (into: Uint8Array, position: number) => void;

/**
 * A saved key table probed in place (see the top of this file): each block read once, checked before use. For a
 * restored ledger's rows 0 to `rowCount`; keys added since are kept by KeyHashTable itself.
 */
export class SavedKeys {
  private crcs: Uint32Array | undefined;
  private readonly blocks = new Map<number, Uint32Array>();

  constructor(
    readonly header: KeySectionHeader,
    private readonly rowCount: number,
    private readonly read: SectionReader,
  ) {
    if (!isKeySectionHeader(header, rowCount)) throw new KeyTableError('ledger keys: damaged header');
  }

  /** The row whose key hash is `hi`, `lo`, or -1. Throws KeyTableError when a block it reads is damaged. */
  find(hi: number, lo: number): number {
    const { slots } = this.header;
    for (let s = homeOf(lo, slots), probed = 0; probed < slots; probed++, s = s + 1 === slots ? 0 : s + 1) {
      const block = this.block(s >>> blockShift);
      const at = (s & (blockSlots - 1)) * slotWords;
      const slotHi = block[at];
      const slotLo = block[at + 1];
      if (slotHi === 0 && slotLo === 0) return -1;
      if (slotHi === hi && slotLo === lo) {
        const row = block[at + 2];
        if (row >= this.rowCount) throw new KeyTableError('ledger keys: bounds');
        return row;
      }
    }
    throw new KeyTableError('ledger keys: no empty slot');
  }

  /** Block `b`'s words, read and checked on first use. */
  private block(b: number): Uint32Array {
    const known = this.blocks.get(b);
    if (known) return known;
    const { slots } = this.header;
    const crcs = this.crcs ?? this.readChecksums();
    const from = b * blockSlots;
    const count = Math.min(slots, from + blockSlots) - from;
    const words = new Uint32Array(blockSlots * slotWords);
    this.read(new Uint8Array(words.buffer, 0, count * slotWords * 4), from * slotWords * 4);
    if (blockChecksum(words, b, 0, count * slotWords) !== crcs[b]) throw new KeyTableError('ledger keys: checksum mismatch');
    // A long-running editor probes a block per new request: the blocks read stay few, not the whole table over a day.
    if (this.blocks.size >= heldBlocks) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(b, words);
    return words;
  }

  private readChecksums(): Uint32Array {
    const { slots } = this.header;
    const crcs = new Uint32Array(blocksOf(slots));
    this.read(new Uint8Array(crcs.buffer), slots * slotWords * 4);
    if (fnv1aWords(crcs) !== this.header.crc) throw new KeyTableError('ledger keys: checksum mismatch');
    return (this.crcs = crcs);
  }
}
