import { fieldsPerRow } from './rowLayout';
import { packedFields } from './packedRows';
import { sourceNames } from '../usageEvent';

/** In a packed row's source field: the row's numbers are in `wide`. */
const wideMark = 0xffffffff;

/**
 * A restored index's newest rows (RowStore's rows `firstRow` to `restoredCount`), numbered from 0 here: as float64 in
 * the index's layout, changed in place (the CLI, which reads them once), or packed (the editor, which holds the
 * status window's rows for as long as it runs). Packed as PackedRows packs (the time as a float64, source, names and
 * token counts as ten uint32: 48 bytes a row instead of 104; a row that does not fit keeps its numbers in `wide`),
 * in arrays of exactly these rows: a PackedRows chunk holds 16,384 rows, more than a light month.
 */
export class NewestRows {
  /** The rows as read, when not packed. */
  plain: Float64Array | undefined = new Float64Array(0);
  private times = new Float64Array(0);
  private fields = new Uint32Array(0);
  private wide = new Map<number, Float64Array>();
  count = 0;

  constructor(private readonly packs: boolean) {}

  /** Bytes held for the rows; for tests and benches. */
  get heldBytes(): number {
    return this.plain ? this.plain.byteLength : this.times.byteLength + this.fields.byteLength + this.wide.size * fieldsPerRow * 8;
  }

  /** These rows (`fieldsPerRow` numbers a row), checked by the caller, from now on. */
  set(rows: Float64Array): void {
    this.count = rows.length / fieldsPerRow;
    if (!this.packs) {
      this.plain = rows;
      return;
    }
    this.plain = undefined;
    this.times = new Float64Array(this.count);
    this.fields = new Uint32Array(this.count * packedFields);
    this.wide = new Map();
    for (let k = 0; k < this.count; k++) this.write(k, rows, k * fieldsPerRow);
  }

  /** Every row, `fieldsPerRow` numbers each, into `out` from `to`. */
  copyInto(out: Float64Array, to: number): void {
    if (this.plain) out.set(this.plain, to);
    else for (let k = 0; k < this.count; k++) this.unpack(k, out, to + k * fieldsPerRow);
  }

  timeOf(k: number): number {
    return this.plain ? this.plain[k * fieldsPerRow + 1] : this.times[k];
  }

  /** Row `k` into `out` at `to` (packed rows only). */
  unpack(k: number, out: Float64Array, to: number): void {
    const { fields } = this;
    const at = k * packedFields;
    if (fields[at] === wideMark) {
      out.set(this.wide.get(k)!, to);
      return;
    }
    out[to] = fields[at];
    out[to + 1] = this.times[k];
    for (let f = 1; f < packedFields; f++) out[to + f + 1] = fields[at + f];
    out[to + 11] = -1;
    out[to + 12] = 0;
  }

  /** Row `k` is now `fieldsPerRow` numbers of `row` at `from` (a merge, a delta's override). */
  write(k: number, row: Float64Array, from: number): void {
    if (this.plain) {
      if (row !== this.plain) this.plain.set(row.subarray(from, from + fieldsPerRow), k * fieldsPerRow);
      return;
    }
    const { fields } = this;
    const at = k * packedFields;
    this.times[k] = row[from + 1];
    let fits = row[from] >= 0 && row[from] < sourceNames.length && row[from + 11] === -1 && row[from + 12] === 0;
    for (let f = 6; f <= 10 && fits; f++) fits = row[from + f] === row[from + f] >>> 0;
    if (!fits) {
      fields[at] = wideMark;
      this.wide.set(k, row.slice(from, from + fieldsPerRow));
      return;
    }
    if (this.wide.size > 0) this.wide.delete(k);
    fields[at] = row[from];
    for (let f = 1; f < packedFields; f++) fields[at + f] = row[from + f + 1];
  }
}
