import { fnv1a } from '../core/fnv1a';
import { grownU32 } from './fileColumns';

/**
 * The file table's lookup by path: open addressing on the path's FNV-1a hash, each slot a file number + 1
 * (0: empty). Built when a caller first looks a path up; a warm pass never does.
 */
export class PathSlots {
  private slots: Int32Array;
  /** Each file's path hash, so that growing the slots does not hash every path again. */
  private hashes: Uint32Array;
  private count: number;

  /** Slots for files 0 … count-1, whose paths `pathAt` gives. */
  constructor(count: number, private readonly pathAt: (i: number) => string) {
    this.count = count;
    this.hashes = new Uint32Array(Math.max(256, count));
    for (let i = 0; i < count; i++) this.hashes[i] = fnv1a(pathAt(i));
    let size = 1024;
    while (size < count * 2 + 2) size *= 2;
    this.slots = this.slotsOf(size);
  }

  /** The last path looked up and its hash: a file found missing is most often added next (FileTable.put). */
  private lastFile: string | undefined;
  private lastHash = 0;

  /** The number of the file at `file`, or -1. */
  indexOf(file: string): number {
    const mask = this.slots.length - 1;
    const hash = fnv1a(file);
    this.lastFile = file;
    this.lastHash = hash;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const n = this.slots[at];
      if (n === 0) return -1;
      if (this.hashes[n - 1] === hash && this.pathAt(n - 1) === file) return n - 1;
    }
  }

  /** Adds file number `count` (the next one) at `file`. */
  add(file: string): void {
    const i = this.count++;
    if (this.hashes.length <= i) this.hashes = grownU32(this.hashes, Math.max(256, this.hashes.length * 2));
    this.hashes[i] = file === this.lastFile ? this.lastHash : fnv1a(file);
    if (this.count * 2 > this.slots.length) this.slots = this.slotsOf(this.slots.length * 2);
    else this.insert(this.slots, i);
  }

  private slotsOf(size: number): Int32Array {
    const slots = new Int32Array(size);
    for (let i = 0; i < this.count; i++) this.insert(slots, i);
    return slots;
  }

  private insert(slots: Int32Array, i: number): void {
    const mask = slots.length - 1;
    let at = this.hashes[i] & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = i + 1;
  }
}
