/**
 * The ledger's names (sessions, agents, projects, models), each once, numbered in the order they came: a row holds
 * their numbers (rowLayout.ts). Names of a saved index (or delta) stay as the UTF-8 bytes of their section and are
 * decoded one at a time when a row that names them is read: a warm `status` reads today's rows, and a history of
 * 100,000 sessions kept every name as JSON in the index's header line (3.3 MB at 15 GB), parsed on every run.
 *
 * Section (what the header's `NameSectionHeader` describes), in order: `count` Uint32 ends (each name's end in the
 * text; the top bit marks a name kept as JSON text, see `oddBit`), one Uint32 checksum per block of `blockNames`
 * names, one per block of `blockSlots` lookup slots, the slots (since index layout 9: open addressing on FNV-1a over
 * each name's stored bytes, name + 1, 0 empty, at most half full), then the text (UTF-8), zero-padded to 8 bytes. A
 * block is checked (its checksum, its ends in bounds) before a name of it is decoded, a block of slots before a lookup
 * reads it; the header's checksum covers the blocks' checksums, so a reader that needs a few names checks a few
 * blocks, not 3 MB, and a lookup of a new name reads its probe's slots instead of hashing every name.
 */

import { damageOf } from '../damage';
import { fnv1aWords, fnvBytesStep, fnvWordsStep } from '../fnv1a';

/** A name section that is damaged (checksum or bounds); the index holding it is read again from the logs. */
export class NameTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameTableError';
  }
}

export interface NameSectionHeader {
  count: number;
  /** Bytes of the names' text. */
  bytes: number;
  /** FNV-1a over the blocks' checksums, the names' then the slots' (see blockChecksum, slotBlockChecksum). */
  crc: number;
}

const blockShift = 8;
/** Names per checked block (256: ~10 KB of text at 36-byte session ids, checked in ~10 µs). */
export const blockNames = 1 << blockShift;
/**
 * In an end: the name is kept as JSON text. UTF-8 cannot hold a lone surrogate (a log line's `"\ud800"` parses to
 * one) and would turn it into U+FFFD; JSON text escapes it, so every string comes back exactly as it went in.
 */
const oddBit = 0x80000000;
const endMask = 0x7fffffff;

const blocksOf = (count: number) => (count + blockNames - 1) >>> blockShift;

const slotShift = 10;
/** Lookup slots per checked block (4 KB). */
const blockSlots = 1 << slotShift;
/** Lookup slots for `count` names: a power of two, at most half full. */
const slotsFor = (count: number) => {
  let size = 16;
  while (size < count * 2) size *= 2;
  return size;
};
const slotBlocksOf = (count: number) => Math.ceil(slotsFor(count) / blockSlots);

/** Where the text starts in the section `header` describes (after the ends, the checksums and the slots). */
export function nameTextStart(header: NameSectionHeader): number {
  return (header.count + blocksOf(header.count) + slotBlocksOf(header.count) + slotsFor(header.count)) * 4;
}

/** Bytes of the section `header` describes. */
export function nameSectionBytes(header: NameSectionHeader): number {
  const raw = nameTextStart(header) + header.bytes;
  return raw + ((8 - (raw % 8)) % 8);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Whether `value` looks like a NameSectionHeader (the section is checked when read). */
export function isNameSectionHeader(value: unknown): value is NameSectionHeader {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as NameSectionHeader;
  return isCount(h.count) && isCount(h.bytes) && isCount(h.crc) && h.bytes <= endMask;
}

const fnvStep = (h: number, v: number) => Math.imul(h ^ v, 0x01000193);

/**
 * Checksum of block `b`: FNV-1a over the end before it, its ends (words) and its text (bytes), so that any one
 * changed byte of the block, or of the end it starts from, changes it.
 */
function blockChecksum(ends: Uint32Array, text: Uint8Array, b: number, count: number): number {
  const first = b << blockShift;
  const last = Math.min(count, first + blockNames);
  const start = first === 0 ? 0 : ends[first - 1] & endMask;
  const h = fnvWordsStep(fnvStep(0x811c9dc5, start), ends, first, last);
  const end = last === 0 ? 0 : ends[last - 1] & endMask;
  return fnvBytesStep(h, text, start, Math.min(end, text.length)) >>> 0;
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Checksum of block `b` of the lookup slots: FNV-1a over its number and its words. */
function slotBlockChecksum(slots: Uint32Array, b: number): number {
  const end = Math.min(slots.length, (b + 1) * blockSlots);
  return fnvWordsStep(fnvStep(0x811c9dc5, b), slots, b * blockSlots, end) >>> 0;
}

/** A section's names: decoded one at a time, each block checked before its first. */
class SectionNames {
  private readonly verified: Uint8Array;
  private readonly slotsVerified: Uint8Array;
  private decoded: Array<string | undefined> | undefined;

  constructor(
    readonly count: number,
    private readonly ends: Uint32Array,
    private readonly crcs: Uint32Array,
    /** Open addressing on the names' stored bytes (name + 1; 0 empty), as saved, and a checksum per block of it. */
    private readonly slots: Uint32Array,
    private readonly slotCrcs: Uint32Array,
    private readonly text: Buffer,
  ) {
    this.verified = new Uint8Array(crcs.length);
    this.slotsVerified = new Uint8Array(slotCrcs.length);
  }

  startOf(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1] & endMask;
  }

  endOf(i: number): number {
    return this.ends[i] & endMask;
  }

  isOdd(i: number): boolean {
    return (this.ends[i] & oddBit) !== 0;
  }

  /** Throws NameTableError unless block `b` is whole: its checksum, its ends in order and within the text. */
  verifyBlock(b: number): void {
    if (this.verified[b]) return;
    const first = b << blockShift;
    const last = Math.min(this.count, first + blockNames);
    let previous = this.startOf(first);
    for (let i = first; i < last; i++) {
      const end = this.ends[i] & endMask;
      if (end < previous || end > this.text.length) throw new NameTableError('ledger names: bounds');
      previous = end;
    }
    if (blockChecksum(this.ends, this.text, b, this.count) !== this.crcs[b]) throw new NameTableError('ledger names: checksum mismatch');
    this.verified[b] = 1;
  }

  /** Throws NameTableError unless block `b` of the lookup slots is whole. */
  verifySlotBlock(b: number): void {
    if (this.slotsVerified[b]) return;
    if (slotBlockChecksum(this.slots, b) !== this.slotCrcs[b]) throw new NameTableError('ledger names: checksum mismatch');
    this.slotsVerified[b] = 1;
  }

  verifyAll(): void {
    for (let b = 0; b < this.crcs.length; b++) this.verifyBlock(b);
    for (let b = 0; b < this.slotCrcs.length; b++) this.verifySlotBlock(b);
    if ((this.count === 0 ? 0 : this.endOf(this.count - 1)) !== this.text.length) throw new NameTableError('ledger names: trailing bytes');
  }

  get(i: number): string {
    // A packed array of the names decoded so far (filled by push: `new Array(n)` of 100,000 is a dictionary).
    let decoded = this.decoded;
    if (!decoded) {
      decoded = this.decoded = [];
      for (let k = 0; k < this.count; k++) decoded.push(undefined);
    }
    const known = decoded[i];
    if (known !== undefined) return known;
    this.verifyBlock(i >>> blockShift);
    const text = this.text.toString('utf8', this.startOf(i), this.endOf(i));
    let name = text;
    if (this.isOdd(i)) {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'string') throw new NameTableError('ledger names: odd name');
      name = parsed;
    }
    return (decoded[i] = name);
  }

  /** Name `i`'s bytes as stored (a view). */
  bytesOf(i: number): Uint8Array {
    this.verifyBlock(i >>> blockShift);
    return this.text.subarray(this.startOf(i), this.endOf(i));
  }

  /**
   * The number of the name stored as `bytes` (odd: as JSON text), or -1. A name found is in a block checked whole
   * (else NameTableError); one not found may be damaged, and is then added again as new, harmlessly: rows naming
   * the damaged one check its block when read. So a lookup checks one block, not every name.
   */
  find(bytes: Uint8Array, odd: boolean): number {
    const { slots } = this;
    const mask = slots.length - 1;
    for (let s = hashBytes(bytes, 0, bytes.length) & mask, probed = 0; probed < slots.length; s = (s + 1) & mask, probed++) {
      this.verifySlotBlock(s >>> slotShift);
      const at = slots[s];
      if (at === 0) return -1;
      const i = at - 1;
      if (i >= this.count) throw new NameTableError('ledger names: bounds');
      const start = this.startOf(i);
      if (this.endOf(i) - start === bytes.length && start + bytes.length <= this.text.length && this.isOdd(i) === odd && this.text.compare(bytes, 0, bytes.length, start, start + bytes.length) === 0) {
        this.verifyBlock(i >>> blockShift);
        return i;
      }
    }
    throw new NameTableError('ledger names: no empty slot');
  }
}

/** The lookup slots of `count` names whose stored bytes are `text` up to each end (see the top of this file). */
function slotsOf(ends: Uint32Array, text: Uint8Array, count: number): Uint32Array {
  const slots = new Uint32Array(slotsFor(count));
  const mask = slots.length - 1;
  for (let i = 0, start = 0; i < count; i++) {
    const end = ends[i] & endMask;
    let s = hashBytes(text, start, end) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = i + 1;
    start = end;
  }
  return slots;
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  return fnvBytesStep(0x811c9dc5, bytes, start, end) >>> 0;
}

/** The stored form of `name`: its UTF-8 bytes, or its JSON text when UTF-8 cannot hold it (see oddBit). */
function storedForm(name: string): { text: string; odd: boolean } {
  return isWellFormed(name) ? { text: name, odd: false } : { text: JSON.stringify(name), odd: true };
}

/**
 * Names by number: first those of saved sections (decoded when read), then those added since as strings, each name
 * once. `ref` finds a name without decoding the sections (by their bytes).
 */
export class NameTable {
  private readonly sections: SectionNames[] = [];
  /** Names in the sections. */
  private sectionCount = 0;
  private readonly added: string[] = [];
  private readonly addedIndex = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private scratch = new Uint8Array(256);

  /** A table of `strings` (throws unless they are strings). */
  static of(strings: readonly unknown[]): NameTable {
    const table = new NameTable();
    table.addStrings(strings);
    return table;
  }

  /**
   * The names of a section (`section`: exactly nameSectionBytes(header) long, 8-byte aligned, owned by the table
   * from now on). Checks the header's checksum and the section's length and padding now; each block before a name
   * of it is read. Throws NameTableError.
   */
  static fromSection(header: NameSectionHeader, section: Uint8Array): NameTable {
    const table = new NameTable();
    table.addSection(header, section);
    return table;
  }

  get count(): number {
    return this.sectionCount + this.added.length;
  }

  /** Name `i` (0 <= i < count). */
  get(i: number): string {
    if (i >= this.sectionCount) return this.added[i - this.sectionCount];
    let first = 0;
    for (const s of this.sections) {
      if (i < first + s.count) return s.get(i - first);
      first += s.count;
    }
    throw new RangeError(`no name ${i}`);
  }

  /** The names from `from` on, as strings. */
  slice(from: number): string[] {
    const out: string[] = [];
    for (let i = from; i < this.count; i++) out.push(this.get(i));
    return out;
  }

  /** The number of `value`, added if new. */
  ref(value: string): number {
    const known = this.addedIndex.get(value);
    if (known !== undefined) return known;
    if (this.sectionCount > 0) {
      const found = this.findInSections(value);
      if (found !== -1) return found;
    }
    const i = this.count;
    this.added.push(value);
    this.addedIndex.set(value, i);
    return i;
  }

  /** Appends `strings` (after anything already here; throws unless they are strings). */
  addStrings(strings: readonly unknown[]): void {
    if (!Array.isArray(strings) || !strings.every((x) => typeof x === 'string')) throw new Error('damaged ledger names');
    for (const s of strings as string[]) {
      this.addedIndex.set(s, this.count);
      this.added.push(s);
    }
  }

  /** Appends another table's names (a delta's); its sections stay undecoded when nothing was added here yet. */
  addTable(other: NameTable): void {
    if (this.added.length === 0) {
      for (const s of other.sections) this.sections.push(s);
      this.sectionCount += other.sectionCount;
      this.addStrings(other.added);
    } else this.addStrings(other.slice(0));
  }

  /** Throws NameTableError unless every block of every section is whole (before something uses them all). */
  verifyAll(): void {
    for (const s of this.sections) s.verifyAll();
  }

  /** Why the sections are damaged, or undefined when they are whole. */
  damage(): string | undefined {
    return damageOf(() => this.verifyAll(), NameTableError);
  }

  /** Checks the blocks of the names `rows` use (fields 2-5 of each row of `fieldsPerRow`), so that reading them cannot fail later. */
  verifyUsedBy(rows: Float64Array, fieldsPerRow: number): void {
    if (this.sectionCount === 0) return;
    for (let at = 0; at < rows.length; at += fieldsPerRow) {
      for (let f = 2; f <= 5; f++) {
        const name = rows[at + f];
        if (name < this.sectionCount) this.verifyName(name);
      }
    }
  }

  private verifyName(i: number): void {
    let first = 0;
    for (const s of this.sections) {
      if (i < first + s.count) return s.verifyBlock((i - first) >>> blockShift);
      first += s.count;
    }
  }

  private addSection(header: NameSectionHeader, section: Uint8Array): void {
    if (!isNameSectionHeader(header) || section.length !== nameSectionBytes(header)) throw new NameTableError('ledger names of the wrong length');
    const { count } = header;
    const blocks = blocksOf(count);
    const slotBlocks = slotBlocksOf(count);
    const words = (from: number, length: number) => new Uint32Array(section.buffer, section.byteOffset + from * 4, length);
    const ends = words(0, count);
    // The names' checksums and the slots' together: the header's checksum covers both.
    const allCrcs = words(count, blocks + slotBlocks);
    const slots = words(count + blocks + slotBlocks, slotsFor(count));
    const textStart = nameTextStart(header);
    const text = Buffer.from(section.buffer, section.byteOffset + textStart, header.bytes);
    if (fnv1aWords(allCrcs) !== header.crc) throw new NameTableError('ledger names: checksum mismatch');
    for (let i = textStart + header.bytes; i < section.length; i++) if (section[i] !== 0) throw new NameTableError('ledger names: padding');
    if ((count === 0 ? 0 : ends[count - 1] & endMask) !== header.bytes) throw new NameTableError('ledger names: trailing bytes');
    this.sections.push(new SectionNames(count, ends, allCrcs.subarray(0, blocks), slots, allCrcs.subarray(blocks), text));
    this.sectionCount += count;
  }

  private findInSections(value: string): number {
    const { text, odd } = storedForm(value);
    if (this.scratch.length < text.length * 3) this.scratch = new Uint8Array(text.length * 3);
    const bytes = this.scratch.subarray(0, this.encoder.encodeInto(text, this.scratch).written);
    let first = 0;
    for (const s of this.sections) {
      const i = s.find(bytes, odd);
      if (i !== -1) return first + i;
      first += s.count;
    }
    return -1;
  }

  /**
   * The section of the names `order` picks (`order[k]`: the number here of the section's name k; all names in
   * order when absent), and its header. Names of a section are copied as stored, not decoded.
   */
  encode(order?: ArrayLike<number>): { header: NameSectionHeader; pieces: Uint8Array[] } {
    const count = order ? order.length : this.count;
    const ends = new Uint32Array(count);
    // First the ends (a string's stored form kept for the second loop), then the text in one buffer.
    const forms: string[] = [];
    let bytes = 0;
    const ascii = this.sectionCount === 0 ? this.asciiText(order, count, ends) : undefined;
    if (ascii) return this.section(count, ends, ascii);
    for (let k = 0; k < count; k++) {
      const i = order ? order[k] : k;
      let odd: boolean;
      const at = this.sectionOf(i);
      if (at) {
        bytes += at.section.endOf(at.i) - at.section.startOf(at.i);
        odd = at.section.isOdd(at.i);
      } else {
        const form = storedForm(this.added[i - this.sectionCount]);
        forms[k] = form.text;
        bytes += Buffer.byteLength(form.text, 'utf8');
        odd = form.odd;
      }
      if (bytes > endMask) throw new Error('ledger names over 2 GB');
      ends[k] = bytes | (odd ? oddBit : 0);
    }
    const text = Buffer.alloc(bytes);
    for (let k = 0, start = 0; k < count; k++) {
      const end = ends[k] & endMask;
      const form = forms[k];
      if (form !== undefined) text.write(form, start, 'utf8');
      else {
        const at = this.sectionOf(order ? order[k] : k)!;
        text.set(at.section.bytesOf(at.i), start);
      }
      start = end;
    }
    return this.section(count, ends, text);
  }

  /**
   * encode's text when every name is a string added here and every stored form is ASCII (a cold scan's names, nearly
   * always): its bytes are its UTF-16 units, so the ends come from the lengths and the text is written a block of
   * names at a time (joined: ~40 KB, not a second copy of every name), not one `byteLength` and one `write` per name.
   * Undefined (ends to be written again) otherwise.
   */
  private asciiText(order: ArrayLike<number> | undefined, count: number, ends: Uint32Array): Buffer | undefined {
    const forms: string[] = new Array(count);
    let units = 0;
    for (let k = 0; k < count; k++) {
      const form = storedForm(this.added[order ? order[k] : k]);
      forms[k] = form.text;
      units += form.text.length;
      if (units > endMask) return undefined;
      ends[k] = units | (form.odd ? oddBit : 0);
    }
    const text = Buffer.alloc(units);
    for (let first = 0; first < count; first += blockNames) {
      const block = forms.slice(first, first + blockNames).join('');
      // eslint-disable-next-line no-control-regex
      if (/[^\x00-\x7f]/.test(block)) return undefined;
      text.write(block, first === 0 ? 0 : ends[first - 1] & endMask, 'latin1');
    }
    return text;
  }

  /** The section of `count` names with these ends and text, and its header (see encode). */
  private section(count: number, ends: Uint32Array, text: Buffer): { header: NameSectionHeader; pieces: Uint8Array[] } {
    const blocks = blocksOf(count);
    const bytes = text.length;
    const slots = slotsOf(ends, text, count);
    const allCrcs = new Uint32Array(blocks + slotBlocksOf(count));
    for (let b = 0; b < blocks; b++) allCrcs[b] = blockChecksum(ends, text, b, count);
    for (let b = blocks; b < allCrcs.length; b++) allCrcs[b] = slotBlockChecksum(slots, b - blocks);
    const header: NameSectionHeader = { count, bytes, crc: fnv1aWords(allCrcs) };
    const padding = nameSectionBytes(header) - nameTextStart(header) - bytes;
    const asBytes = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    return { header, pieces: [asBytes(ends), asBytes(allCrcs), asBytes(slots), text, new Uint8Array(padding)] };
  }

  /** The section holding name `i` and its number there (undefined for a name added as a string). */
  private sectionOf(i: number): { section: SectionNames; i: number } | undefined {
    if (i >= this.sectionCount) return undefined;
    let first = 0;
    for (const section of this.sections) {
      if (i < first + section.count) return { section, i: i - first };
      first += section.count;
    }
    return undefined;
  }
}
