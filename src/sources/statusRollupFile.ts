import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { priceAdjustments } from '../core/priceData';
import type { PriceTable } from '../core/pricing';
import { fnv1aWords } from '../core/fnv1a';
import { rollupKey, rollupSlotMs, type StatusRollup } from '../core/status/statusRollup';
import { sourceNames } from '../core/usageEvent';
import { randomHex, removeStrayTempFiles } from './indexFile';

/**
 * The status rollup beside the index (`<index>.rollup`, a JSON line and a binary section): the sums of closed history a warm `status` reads
 * instead of a month of rows (core/status/statusRollup.ts). It names the saved state whose rows it sums (the index's
 * `baseId` and its delta's `deltaId`, see savedStateOfLedger) and the prices it was costed at; a reader with other
 * rows or other prices ignores it (and reads the rows), so it can be stale or missing but is never misapplied.
 */
export interface RollupFile {
  state: string;
  priceKey: string;
  rollup: StatusRollup;
}

const format = 'tokenmeter-status-rollup';
const version = 2;

export const rollupPathOf = (indexFile: string): string => `${indexFile}.rollup`;

/**
 * What the costs in a rollup depend on: the price overrides, the price data's date, the bundled adjustments, and
 * the bundled price data itself, named by its file (dist/prices.json: a new build or install is a new file) so
 * that checking it does not load it (~30 ms; a status with no request today needs no price at all). Without that
 * file (tests from source) the rates each of the rollup's models gets now stand for it.
 */
export function priceKeyOf(prices: PriceTable, overrides: unknown, models: Iterable<string>): string {
  const data = priceDataFileStamp() ?? [...new Set(models)].sort().map((model) => [model, prices.ratesFor(model) ?? null]);
  return JSON.stringify({ overrides, dataDate: prices.dataDate, adjustments: priceAdjustments, data });
}

function priceDataFileStamp(): string | undefined {
  // Beside the bundle (the editor's) or one folder up (a CLI command's bundle in dist/cli/).
  for (const file of [path.join(__dirname, 'prices.json'), path.join(__dirname, '..', 'prices.json')]) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat) return `${stat.size}:${stat.mtimeMs}`;
  }
  return undefined;
}

/** The models a rollup's slots name (for priceKeyOf). */
export const modelsOf = (rollup: StatusRollup): string[] => [...rollup.slots.values()].map((s) => s.model);

/**
 * Layout 2 (layout 1 was one line of JSON with a slot per 15 minutes: 600 KB to 1.2 MB parsed on every warm
 * status; it is read as missing, and replaced by the next save). A header line of JSON (what the rollup sums: the
 * state, the prices, the span, the section's sizes and its checksum), padded with spaces to a multiple of 8 bytes,
 * then one binary section, little-endian: Float64 columns (segment starts, the eight counts of each slot, the cost
 * partials of every slot in turn), Uint32 columns (requests per 15-minute slot; each slot's segment, source, model
 * and end of its cost partials), and the model names as a JSON array in UTF-8, zero-padded to 8 bytes. The reader
 * checks the checksum (FNV-1a over words: any one changed word is caught) and every column's bounds.
 */
interface RollupHeader {
  format: typeof format;
  version: typeof version;
  state: string;
  priceKey: string;
  fromMs: number;
  beforeMs: number;
  segments: number;
  slots: number;
  costParts: number;
  namesBytes: number;
  crc: number;
}

const countColumns = 8;

const sectionBytes = (h: Pick<RollupHeader, 'fromMs' | 'beforeMs' | 'segments' | 'slots' | 'costParts' | 'namesBytes'>): number => {
  const raw = 8 * (h.segments + countColumns * h.slots + h.costParts) + 4 * ((h.beforeMs - h.fromMs) / rollupSlotMs + 4 * h.slots) + h.namesBytes;
  return raw + ((8 - (raw % 8)) % 8);
};

/** The file's bytes for `contents`. */
export function encodeRollupFile(contents: RollupFile): Buffer {
  const { rollup } = contents;
  const slots = [...rollup.slots.values()];
  const m = slots.length;
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const segmentIndex = new Map(rollup.segmentStarts.map((t, i) => [t, i]));
  const costParts = slots.reduce((sum, s) => sum + s.costUsd.length, 0);
  const numbers = new Float64Array(rollup.segmentStarts.length + countColumns * m + costParts);
  numbers.set(rollup.segmentStarts, 0);
  const at = rollup.segmentStarts.length;
  const q = rollup.slotRequests.length;
  const words = new Uint32Array(q + 4 * m);
  for (let i = 0; i < q; i++) {
    if (!(rollup.slotRequests[i] >= 0 && rollup.slotRequests[i] <= 0xffffffff)) throw new Error('status rollup: a 15-minute slot holds more requests than a Uint32');
    words[i] = rollup.slotRequests[i];
  }
  let partAt = at + countColumns * m;
  slots.forEach((s, i) => {
    const counts = [s.requests, s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens, s.totalTokens, s.unpricedTokens, s.unpricedRequests];
    for (let c = 0; c < countColumns; c++) numbers[at + c * m + i] = counts[c];
    let model = nameIndex.get(s.model);
    if (model === undefined) nameIndex.set(s.model, (model = names.push(s.model) - 1));
    numbers.set(s.costUsd, partAt);
    partAt += s.costUsd.length;
    const segment = segmentIndex.get(s.startMs);
    if (segment === undefined) throw new Error(`status rollup: a slot at ${s.startMs} is not at a segment start`);
    words[q + i] = segment;
    words[q + m + i] = sourceNames.indexOf(s.source);
    words[q + 2 * m + i] = model;
    words[q + 3 * m + i] = partAt - (at + countColumns * m);
  });
  const nameBytes = Buffer.from(JSON.stringify(names), 'utf8');
  const sizes = { fromMs: rollup.fromMs, beforeMs: rollup.beforeMs, segments: rollup.segmentStarts.length, slots: m, costParts, namesBytes: nameBytes.length };
  const section = new Uint8Array(sectionBytes(sizes));
  section.set(new Uint8Array(numbers.buffer), 0);
  section.set(new Uint8Array(words.buffer), numbers.byteLength);
  section.set(nameBytes, numbers.byteLength + words.byteLength);
  const header: RollupHeader = { format, version, state: contents.state, priceKey: contents.priceKey, ...sizes, crc: fnv1aWords(new Int32Array(section.buffer)) };
  const line = Buffer.from(JSON.stringify(header), 'utf8');
  // Padded so that the section starts 8-byte aligned in the file (and in the buffer it is read into).
  const headerBytes = line.length + 1 + ((8 - ((line.length + 1) % 8)) % 8);
  const out = Buffer.alloc(headerBytes + section.length, 0x20);
  line.copy(out, 0);
  out[headerBytes - 1] = 0x0a;
  out.set(section, headerBytes);
  return out;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The rollup in `bytes`, or undefined when they are not a rollup file of this layout or are damaged in any way. */
export function decodeRollupFile(bytes: Uint8Array): RollupFile | undefined {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || (newline + 1) % 8 !== 0) return undefined;
  let header: Partial<RollupHeader>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('utf8')) as Partial<RollupHeader>;
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || header.format !== format || header.version !== version) return undefined;
  const { state, priceKey, fromMs, beforeMs, segments: n, slots: m, costParts: p, namesBytes, crc } = header;
  if (typeof state !== 'string' || typeof priceKey !== 'string' || ![fromMs, beforeMs, n, m, p, namesBytes, crc].every(isCount)) return undefined;
  if (fromMs! % rollupSlotMs !== 0 || beforeMs! % rollupSlotMs !== 0 || fromMs! > beforeMs! || (n === 0) !== (fromMs === beforeMs)) return undefined;
  const sizes = { fromMs: fromMs!, beforeMs: beforeMs!, segments: n!, slots: m!, costParts: p!, namesBytes: namesBytes! };
  const length = sectionBytes(sizes);
  if (bytes.length - (newline + 1) !== length) return undefined;
  // A copy only when the buffer does not put the section on an 8-byte boundary (typed arrays need it).
  let section = bytes.subarray(newline + 1);
  if (section.byteOffset % 8 !== 0) section = new Uint8Array(section);
  if (fnv1aWords(new Int32Array(section.buffer, section.byteOffset, length / 4)) !== crc) return undefined;
  const q = (beforeMs! - fromMs!) / rollupSlotMs;
  const numbers = new Float64Array(section.buffer, section.byteOffset, n! + countColumns * m! + p!);
  const words = new Uint32Array(section.buffer, section.byteOffset + numbers.byteLength, q + 4 * m!);
  let names: unknown;
  try {
    names = JSON.parse(Buffer.from(section.buffer, section.byteOffset + numbers.byteLength + words.byteLength, namesBytes!).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(names) || !names.every((x) => typeof x === 'string')) return undefined;
  const segmentStarts = Array.from(numbers.subarray(0, n!));
  for (let i = 0; i < n!; i++) {
    const t = segmentStarts[i];
    if (!isCount(t) || t % rollupSlotMs !== 0 || t >= beforeMs! || (i === 0 ? t !== fromMs : t <= segmentStarts[i - 1])) return undefined;
  }
  const slotRequests = Array.from(words.subarray(0, q));
  let slotSum = 0;
  for (const x of slotRequests) slotSum += x;
  const at = n!;
  const partsAt = at + countColumns * m!;
  const rollup: StatusRollup = { fromMs: fromMs!, beforeMs: beforeMs!, segmentStarts, slots: new Map(), slotRequests };
  let partEnd = 0;
  let requestSum = 0;
  for (let i = 0; i < m!; i++) {
    const segment = words[q + i];
    const source = sourceNames[words[q + m! + i]];
    const model = (names as string[])[words[q + 2 * m! + i]];
    const end = words[q + 3 * m! + i];
    if (segment >= n! || source === undefined || model === undefined || end < partEnd || end > p!) return undefined;
    const c = (k: number) => numbers[at + k * m! + i];
    for (let k = 0; k < countColumns; k++) if (!isCount(c(k))) return undefined;
    const costUsd = Array.from(numbers.subarray(partsAt + partEnd, partsAt + end));
    if (!costUsd.every(Number.isFinite)) return undefined;
    partEnd = end;
    const startMs = segmentStarts[segment];
    const key = rollupKey(startMs, source, model);
    if (c(0) === 0 || c(7) > c(0) || c(6) > c(5) || rollup.slots.has(key)) return undefined;
    requestSum += c(0);
    rollup.slots.set(key, { startMs, source, model, requests: c(0), inputTokens: c(1), outputTokens: c(2), cacheCreationTokens: c(3), cacheReadTokens: c(4), totalTokens: c(5), unpricedTokens: c(6), unpricedRequests: c(7), costUsd });
  }
  // Every request is in one segment and one 15-minute slot.
  if (partEnd !== p! || requestSum !== slotSum) return undefined;
  return { state, priceKey, rollup };
}

/** The rollup file, or undefined when there is none or it is unreadable, foreign, of another layout or damaged. */
export function readRollupFile(file: string): RollupFile | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // none yet (or unreadable): the status reads the month of rows, and the next save writes one
  }
  return decodeRollupFile(bytes);
}

/** Writes the rollup file atomically (temp file, then rename): a reader sees the old one or the new one. */
export async function writeRollupFile(file: string, contents: RollupFile): Promise<void> {
  const temp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    writeFileSync(temp, encodeRollupFile(contents));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  await removeStrayTempFiles(file);
}
