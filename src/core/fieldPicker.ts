// The field picker: reads the few fields of a log line a bill depends on, validating the rest of the text as it
// skips it, without decoding it (most of a line's bytes are text no bill depends on). The hot path of a cold scan.
import { backslash, colon, comma, closeBrace, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, openBrace, openBracket, quote } from './jsonText';
import { plainRunEnd } from './byteRuns';

/** Which fields to read: `true` reads the value, a nested shape reads those fields of an object. */
export interface FieldShape {
  readonly [key: string]: true | FieldShape;
}

/** The last short string read at one place, bytes and text: most repeat (types, models, ids), and are not decoded again. */
export interface StringMemo {
  lastBytes: Uint8Array;
  lastLength: number;
  lastText: string;
}

interface CompiledField extends StringMemo {
  name: string;
  bytes: Uint8Array;
  sub: FieldList | undefined;
}

export function newStringMemo(): StringMemo {
  return { lastBytes: new Uint8Array(rememberedStringBytes), lastLength: -1, lastText: '' };
}

/**
 * What a whole pick did, for a template of lines of the same shape (lineTemplate.ts): the byte ranges of the
 * scalar values it read or skipped in the objects it read (`slots`, pairs [from, to) in line order; values
 * inside containers it did not read are not slots), and each value it stored, as steps to replay.
 */
export interface PickTrace {
  slots: number[];
  steps: TraceStep[];
}

/** `parent[name] =` a slot's value, a new object (numbered `container`, 0 being the line), `{}` or `[]`. */
export type TraceStep =
  | { parent: number; name: string; kind: 'slot'; slot: number }
  | { parent: number; name: string; kind: 'object'; container: number }
  | { parent: number; name: string; kind: 'emptyObject' | 'emptyArray' };

const rememberedStringBytes = 64;

/** Returned by `FieldPicker.pick` when the line's deciding field rules it out (see `until`). */
export const NOT_WANTED = Symbol('not wanted');

/**
 * Reads the fields of `shape` from the JSON object in a byte range, validating the rest of the text
 * as it is skipped, with what `JSON.parse` would give for them (strings, numbers, booleans, null;
 * an array or an object that is not read further comes back empty). Whenever it cannot be sure of
 * that (invalid JSON, an escaped key, nesting over jsonText's bounds), it returns undefined and the
 * caller parses the line the slow way, which then decides.
 */
export class FieldPicker {
  private readonly fields: FieldList;
  /** The deciding field (see the constructor), for templates that replay a pick. */
  readonly until: { readonly field: { readonly name: string }; readonly accept: readonly unknown[] } | undefined;

  /**
   * `until`: a top-level string field that decides early. When it holds a string not in `accept`,
   * `pick` returns NOT_WANTED without reading on (its first occurrence decides: log writers never repeat a key).
   */
  constructor(shape: FieldShape, until?: { key: string; accept: readonly string[] }) {
    this.fields = compile(shape);
    const field = until && this.fields.find((f) => f.name === until.key);
    this.until = field && until ? { field, accept: until.accept } : undefined;
  }

  pick(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined | typeof NOT_WANTED {
    containers = 0;
    containerCount = 0;
    const out: Record<string, unknown> = {};
    const at = pickObject(buf, start, end, this.fields, out, 1, this.until as PickUntil | undefined, 0);
    if (at === stopped) return NOT_WANTED;
    return at !== -1 && skipSpace(buf, at, end) === end ? out : undefined;
  }

  /** `pick`, recording into `trace` what it read (see PickTrace); the trace is whole only when the result is an object. */
  pickTraced(buf: Buffer, start: number, end: number, trace: PickTrace): ReturnType<FieldPicker['pick']> {
    tracing = trace;
    try {
      return this.pick(buf, start, end);
    } finally {
      tracing = undefined;
    }
  }
}

type PickUntil = { field: CompiledField; accept: readonly unknown[] };

function compile(shape: FieldShape): FieldList {
  const fields: CompiledField[] = Object.entries(shape).map(([name, value]) => ({
    name,
    bytes: Buffer.from(name, 'utf8'),
    sub: value === true ? undefined : compile(value),
    lastBytes: new Uint8Array(rememberedStringBytes),
    lastLength: -1,
    lastText: '',
  }));
  // Each of a line's keys is looked up here: by its length first (most keys have no field of their length).
  const byLength = Array.from({ length: Math.max(0, ...fields.map((f) => f.bytes.length)) + 1 }, (_, length) => {
    const same = fields.filter((f) => f.bytes.length === length);
    return same.length > 0 ? same : undefined;
  });
  return Object.assign(fields, { byLength });
}

/** The fields of one object, and the same by name length. */
type FieldList = CompiledField[] & { byLength: (CompiledField[] | undefined)[] };

// Per pick: containers seen so far, and whether the last string read had an escape.
let containers = 0;
let sawEscape = false;
const stopped = -2;
// Per traced pick: where it records, and the objects it made so far.
let tracing: PickTrace | undefined;
let containerCount = 0;

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
    i++;
  }
  return i;
}

const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
// " \ / b f n r t
const isSimpleEscape = (b: number) => b === quote || b === backslash || b === 0x2f || b === 0x62 || b === 0x66 || b === 0x6e || b === 0x72 || b === 0x74;

/** Index past a valid JSON string starting at `at` (a quote), or -1. Raw bytes over 0x7f are accepted as JSON.parse of the decoded text would. */
function validStringEnd(buf: Buffer, at: number, end: number): number {
  sawEscape = false;
  for (let i = at + 1; i < end; i++) {
    // Long strings: plain words passed four bytes at a time (the loop's i++ then reads the byte after them).
    if (end - i >= 16) {
      i = plainRunEnd(buf, i, end);
      if (i >= end) return -1;
    }
    const b = buf[i];
    if (b === quote) return i + 1;
    if (b < 0x20) return -1;
    if (b === backslash) {
      sawEscape = true;
      if (++i >= end) return -1;
      const e = buf[i];
      if (e === 0x75) {
        if (i + 4 >= end || !isHex(buf[i + 1]) || !isHex(buf[i + 2]) || !isHex(buf[i + 3]) || !isHex(buf[i + 4])) return -1;
        i += 4;
      } else if (!isSimpleEscape(e)) return -1;
    }
  }
  return -1;
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

function digitsEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && isDigit(buf[i])) i++;
  return i;
}

/** Index past a valid JSON number, `true`, `false` or `null` at `i`, or -1. */
function scalarEnd(buf: Buffer, i: number, end: number): number {
  const b = buf[i];
  if (b === 0x74) return literalEnd(buf, i, end, 'true');
  if (b === 0x66) return literalEnd(buf, i, end, 'false');
  if (b === 0x6e) return literalEnd(buf, i, end, 'null');
  if (b === 0x2d) i++;
  if (i >= end) return -1;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i])) i = digitsEnd(buf, i + 1, end);
  else return -1;
  if (i < end && buf[i] === 0x2e) {
    const from = i + 1;
    i = digitsEnd(buf, from, end);
    if (i === from) return -1;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const from = i;
    i = digitsEnd(buf, from, end);
    if (i === from) return -1;
  }
  return i;
}

function literalEnd(buf: Buffer, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 1; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

// Kinds of the containers open while a value is skipped (an explicit stack: no recursion on hostile depth).
const openKinds = new Uint8Array(MAX_JSON_DEPTH + 1);

/** Index past the member name and its colon, space included, or -1 (`i` at the name's quote). */
function memberNameEnd(buf: Buffer, i: number, end: number): number {
  if (i >= end || buf[i] !== quote) return -1;
  i = validStringEnd(buf, i, end);
  if (i === -1) return -1;
  i = skipSpace(buf, i, end);
  return i < end && buf[i] === colon ? skipSpace(buf, i + 1, end) : -1;
}

/** Index past the valid JSON value at `i` (space before it already skipped), or -1; `depth` = containers around it. */
function skipValue(buf: Buffer, i: number, end: number, depth: number): number {
  const base = depth;
  for (;;) {
    // A value starts at i.
    if (i >= end) return -1;
    const b = buf[i];
    if (b === quote) i = validStringEnd(buf, i, end);
    else if (b === openBrace || b === openBracket) {
      if (depth >= MAX_JSON_DEPTH || ++containers > MAX_JSON_CONTAINERS) return -1;
      openKinds[depth++] = b;
      i = skipSpace(buf, i + 1, end);
      if (i >= end) return -1;
      // `{` + 2 is `}`, `[` + 2 is `]`.
      if (buf[i] === b + 2) {
        depth--;
        i++;
      } else {
        if (b === openBrace) i = memberNameEnd(buf, i, end);
        if (i === -1) return -1;
        continue;
      }
    } else i = scalarEnd(buf, i, end);
    if (i === -1) return -1;
    // After a value: closings, then a comma and the next value, or the end.
    for (;;) {
      if (depth === base) return i;
      i = skipSpace(buf, i, end);
      if (i >= end) return -1;
      const kind = openKinds[depth - 1];
      if (buf[i] === kind + 2) {
        depth--;
        i++;
        continue;
      }
      if (buf[i] !== comma) return -1;
      i = skipSpace(buf, i + 1, end);
      if (kind === openBrace) i = memberNameEnd(buf, i, end);
      if (i === -1) return -1;
      break;
    }
  }
}

function matchField(buf: Buffer, from: number, to: number, fields: FieldList): CompiledField | undefined {
  const length = to - from;
  const byLength = fields.byLength;
  if (length >= byLength.length) return undefined;
  const candidates = byLength[length];
  if (candidates === undefined) return undefined;
  for (const f of candidates) {
    let k = 0;
    while (k < length && f.bytes[k] === buf[from + k]) k++;
    if (k === length) return f;
  }
  return undefined;
}

// The value readValue read last (returned beside the index, without an allocation).
let valueRead: unknown;

/** Reads the scalar or container at `i` into `valueRead`; returns the index past it, or -1. `parent`: the object's number in a trace. */
function readValue(buf: Buffer, i: number, end: number, field: CompiledField, depth: number, parent: number): number {
  const b = buf[i];
  if (b === openBrace && field.sub) {
    const inner: Record<string, unknown> = {};
    const container = ++containerCount;
    tracing?.steps.push({ parent, name: field.name, kind: 'object', container });
    const after = pickObject(buf, i, end, field.sub, inner, depth + 1, undefined, container);
    valueRead = inner;
    return after;
  }
  if (b === openBrace || b === openBracket) {
    valueRead = b === openBrace ? {} : [];
    tracing?.steps.push({ parent, name: field.name, kind: b === openBrace ? 'emptyObject' : 'emptyArray' });
    return skipValue(buf, i, end, depth);
  }
  const after = readScalar(buf, i, end, field);
  if (after !== -1 && tracing) {
    tracing.steps.push({ parent, name: field.name, kind: 'slot', slot: tracing.slots.length / 2 });
    tracing.slots.push(i, after);
  }
  return after;
}

/**
 * Reads the JSON string, number, `true`, `false` or `null` at `i` as JSON.parse would; returns the index
 * past it (its value: `scalarRead()`), or -1 when there is none or it is not valid. `memo` keeps its last short string.
 */
export function readScalar(buf: Buffer, i: number, end: number, memo: StringMemo): number {
  if (buf[i] === quote) {
    const after = validStringEnd(buf, i, end);
    if (after === -1) return -1;
    valueRead = sawEscape ? JSON.parse(buf.toString('utf8', i, after)) : plainString(buf, i + 1, after - 1, memo);
    return after;
  }
  const after = scalarEnd(buf, i, end);
  if (after === -1) return -1;
  valueRead = scalarValue(buf, i, after);
  return after;
}

/** The value the last `readScalar` read. */
export function scalarRead(): unknown {
  return valueRead;
}

/** Index past the valid JSON scalar at `i` (not decoded), or -1 when there is none or it is not valid. */
export function scalarEndAt(buf: Buffer, i: number, end: number): number {
  return buf[i] === quote ? validStringEnd(buf, i, end) : scalarEnd(buf, i, end);
}

/** The text of the string between `from` and `to` (its quotes excluded), known to hold no escape (`memo`: see StringMemo). */
export function plainString(buf: Buffer, from: number, to: number, field: StringMemo): string {
  const length = to - from;
  if (length > rememberedStringBytes) return buf.toString('utf8', from, to);
  const last = field.lastBytes;
  let k = 0;
  if (length === field.lastLength) while (k < length && last[k] === buf[from + k]) k++;
  if (k === length && length === field.lastLength) return field.lastText;
  for (k = 0; k < length; k++) last[k] = buf[from + k];
  field.lastLength = length;
  field.lastText = buf.toString('utf8', from, to);
  return field.lastText;
}

/** The value of the valid JSON number, `true`, `false` or `null` in `buf[from, to)`, as JSON.parse reads it. */
export function scalarValue(buf: Buffer, from: number, to: number): unknown {
  const b = buf[from];
  if (b === 0x74) return true;
  if (b === 0x66) return false;
  if (b === 0x6e) return null;
  // Plain integers (token counts), also written with a zero fraction (`19.0` %), without a string;
  // anything else as JSON.parse reads it.
  if (to - from <= 15) {
    let n = 0;
    let k = from;
    for (; k < to && isDigit(buf[k]); k++) n = n * 10 + buf[k] - 0x30;
    if (k > from && k < to && buf[k] === 0x2e) for (k++; k < to && buf[k] === 0x30; ) k++;
    if (k === to) return n;
  }
  return Number(buf.toString('latin1', from, to));
}

/** Picks `fields` from the object at `i` into `out` (object number `self` in a trace); index past it, -1 (unsure), or `stopped` (see FieldPicker's `until`). */
function pickObject(buf: Buffer, i: number, end: number, fields: FieldList, out: Record<string, unknown>, depth: number, until: PickUntil | undefined, self: number): number {
  if (depth > MAX_JSON_DEPTH || ++containers > MAX_JSON_CONTAINERS || buf[i] !== openBrace) return -1;
  i = skipSpace(buf, i + 1, end);
  if (i < end && buf[i] === closeBrace) return i + 1;
  let decided = false;
  for (;;) {
    if (i >= end || buf[i] !== quote) return -1;
    const nameEnd = validStringEnd(buf, i, end);
    if (nameEnd === -1 || sawEscape) return -1;
    const field = matchField(buf, i + 1, nameEnd - 1, fields);
    i = skipSpace(buf, nameEnd, end);
    if (i >= end || buf[i] !== colon) return -1;
    i = skipSpace(buf, i + 1, end);
    if (i >= end) return -1;
    if (field === undefined) {
      const from = i;
      i = skipValue(buf, i, end, depth);
      // A value no field reads, but that may differ from line to line: a slot of its own (not a container: those stay as they are).
      if (tracing && i !== -1 && buf[from] !== openBrace && buf[from] !== openBracket) tracing.slots.push(from, i);
    } else {
      i = readValue(buf, i, end, field, depth, self);
      if (i < 0) return i;
      out[field.name] = valueRead;
      if (until && !decided && field === until.field && typeof valueRead === 'string') {
        if (!until.accept.includes(valueRead)) return stopped;
        decided = true;
      }
    }
    if (i < 0) return i;
    i = skipSpace(buf, i, end);
    if (i >= end) return -1;
    if (buf[i] === closeBrace) return i + 1;
    if (buf[i] !== comma) return -1;
    i = skipSpace(buf, i + 1, end);
  }
}
