import { fieldsPerRow } from './rowLayout';
import { sourceNames } from '../usageEvent';

const chunkShift = 14;
/** Rows per chunk (16,384: 768 KiB packed). */
export const chunkRows = 1 << chunkShift;
/** Uint32 fields of a packed row: source, 4 names, 5 token counts. */
const packedFields = 10;
/** In a packed row's source field: the row is in `wideRows`. */
const wideMark = 0xffffffff;

/**
 * Ledger rows (`fieldsPerRow` numbers, see rowLayout.ts) held in 48 bytes each: the time as a Float64, then source,
 * names and token counts as ten uint32, `chunkRows` rows per chunk, so that growing never copies what is
 * held. A row that does not fit (a logged cost, web searches, a count that is not a uint32) keeps its
 * numbers in `wideRows`. Rows are numbered from 0 here; the row store adds its restored rows in front.
 */
export class PackedRows {
  private readonly chunks: Array<{ times: Float64Array; fields: Uint32Array }> = [];
  private readonly wideRows = new Map<number, Float64Array>();

  /** Row `k`'s time, without unpacking it. */
  timeOf(k: number): number {
    const { times, fields } = this.chunks[k >>> chunkShift];
    const j = k & (chunkRows - 1);
    return fields[j * packedFields] === wideMark ? this.wideRows.get(k)![1] : times[j];
  }

  /** Row `k` into `out` (`fieldsPerRow` numbers). */
  unpack(k: number, out: Float64Array): void {
    const { times, fields } = this.chunks[k >>> chunkShift];
    const j = k & (chunkRows - 1);
    const at = j * packedFields;
    if (fields[at] === wideMark) {
      out.set(this.wideRows.get(k)!);
      return;
    }
    out[0] = fields[at];
    out[1] = times[j];
    for (let f = 1; f < packedFields; f++) out[f + 1] = fields[at + f];
    out[11] = -1;
    out[12] = 0;
  }

  /** Stores `row` (`fieldsPerRow` numbers at `from`) as row `k`: a row already held, or the next one. Packed when it fits. */
  pack(k: number, row: Float64Array, from: number): void {
    if ((k & (chunkRows - 1)) === 0 && k >>> chunkShift === this.chunks.length) {
      this.chunks.push({ times: new Float64Array(chunkRows), fields: new Uint32Array(chunkRows * packedFields) });
    }
    const { times, fields } = this.chunks[k >>> chunkShift];
    const j = k & (chunkRows - 1);
    const at = j * packedFields;
    let fits = row[from] >= 0 && row[from] < sourceNames.length && row[from + 11] === -1 && row[from + 12] === 0;
    for (let f = 6; f <= 10 && fits; f++) fits = row[from + f] === row[from + f] >>> 0;
    if (!fits) {
      fields[at] = wideMark;
      this.wideRows.set(k, row.slice(from, from + fieldsPerRow));
      return;
    }
    if (fields[at] === wideMark) this.wideRows.delete(k);
    times[j] = row[from + 1];
    fields[at] = row[from];
    for (let f = 1; f < packedFields; f++) fields[at + f] = row[from + f + 1];
  }
}
