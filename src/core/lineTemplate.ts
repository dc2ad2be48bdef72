// Line templates: most log lines of a kind are the same bytes but for their values (a Codex `token_count`
// line differs from the one before in its numbers and timestamp, a `turn_context` line in its turn id). A
// template is a line the field picker read whole, with each value it read or skipped replaced by a slot:
// a line that matches it byte for byte outside the slots, each slot holding a valid JSON scalar, is valid
// JSON of the same shape, and the picker would have read from it the same fields, slot for slot. Matching
// compares bytes and reads numbers, without the picker's work per byte of walking the JSON grammar.
import { sameBytes, viewOf } from './byteRuns';
import { FieldPicker, NOT_WANTED, newStringMemo, readScalar, scalarEndAt, scalarRead, type PickTrace, type StringMemo, type TraceStep } from './fieldPicker';

// No valid JSON text holds a raw 0x00 byte (outside strings only blanks; inside, control bytes must be escaped).
const slotMark = 0;

/** Where a field is in a template (see LineTemplate.slotOf): a slot's number, or what the line has there instead. */
export const absentField = -1;
/** An object the picker read into: its fields are further down the path. */
export const objectField = -2;
/** `{}` or `[]` (a container the picker did not read into comes back empty). */
export const emptyField = -3;

export class LineTemplate {
  /** The learnt line's bytes, a `slotMark` in place of each value. */
  readonly bytes: Uint8Array;
  /** Per slot: whether a step reads its value (1) or it is only checked (0). */
  private readonly read: Uint8Array;
  private readonly memos: StringMemo[];
  /** The values of the line last matched, by slot (only the slots a step reads). */
  readonly values: unknown[];
  /** Where each slot's value starts in the buffer of the line last matched. */
  readonly valueAt: Int32Array;
  /** Whatever the template's user keeps with it (the Codex reader: where its fields are; see slotOf). */
  plan: unknown = undefined;
  /** Builds the picked object from the slots' values (see replayOf). */
  private readonly replay: (values: unknown[]) => Record<string, unknown>;
  /** The slots of the deciding field's occurrences at the top level, in line order (see build). */
  private readonly untilSlots: number[];
  /** Where each run of the template's bytes between slots ends (at its slot's mark; the last at the end). */
  private readonly runEnds: Int32Array;
  private readonly view: DataView;

  /** From the line `buf[start, end)` and the trace of its pick (slots at their offsets in `buf`). */
  constructor(
    buf: Buffer,
    start: number,
    end: number,
    trace: PickTrace,
    private readonly steps: readonly TraceStep[],
    private readonly until: FieldPicker['until'],
  ) {
    const slots = trace.slots.length / 2;
    const line = buf.subarray(start, end);
    const at0 = (k: number) => trace.slots[k] - start;
    let length = line.length;
    for (let k = 0; k < slots; k++) length -= trace.slots[2 * k + 1] - trace.slots[2 * k] - 1;
    this.bytes = new Uint8Array(length);
    let at = 0;
    let from = 0;
    for (let k = 0; k < slots; k++) {
      this.bytes.set(line.subarray(from, at0(2 * k)), at);
      at += at0(2 * k) - from;
      this.bytes[at++] = slotMark;
      from = at0(2 * k + 1);
    }
    this.bytes.set(line.subarray(from), at);
    this.read = new Uint8Array(slots);
    for (const step of steps) if (step.kind === 'slot') this.read[step.slot] = 1;
    this.memos = Array.from({ length: slots }, newStringMemo);
    this.values = new Array<unknown>(slots).fill(undefined);
    this.valueAt = new Int32Array(slots);
    this.replay = replayOf(steps);
    this.untilSlots = until ? steps.flatMap((step) => (step.kind === 'slot' && step.parent === 0 && step.name === until.field.name ? [step.slot] : [])) : [];
    const runEnds = new Int32Array(slots + 1);
    for (let i = 0, r = 0; i < this.bytes.length; i++) if (this.bytes[i] === slotMark) runEnds[r++] = i;
    runEnds[slots] = this.bytes.length;
    this.runEnds = runEnds;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Whether `buf[start, end)` matches: the template's bytes outside the slots, a valid JSON scalar in each. */
  matches(buf: Buffer, start: number, end: number): boolean {
    const bytes = this.bytes;
    const values = this.values;
    const runEnds = this.runEnds;
    const view = viewOf(buf);
    const last = runEnds.length - 1;
    let j = start;
    // Run r of the template's bytes, then slot r: the run from past the slot before it (or the start) to its end.
    for (let r = 0, from = 0; ; r++) {
      const length = runEnds[r] - from;
      if (j + length > end || !sameBytes(buf, view, j, bytes, this.view, from, length)) return false;
      j += length;
      if (r === last) return j === end;
      if (j >= end) return false;
      this.valueAt[r] = j;
      if (this.read[r] === 1) {
        j = readScalar(buf, j, end, this.memos[r]);
        values[r] = scalarRead();
      } else j = scalarEndAt(buf, j, end);
      if (j === -1) return false;
      from = runEnds[r] + 1;
    }
  }

  /**
   * Whether the picker's early decision (FieldPicker `until`) rules the line just matched out: made by the first of
   * the line's own occurrences of the field that holds a string.
   */
  ruledOut(): boolean {
    const until = this.until;
    if (until) {
      for (let k = 0; k < this.untilSlots.length; k++) {
        const value = this.values[this.untilSlots[k]];
        if (typeof value !== 'string') continue;
        return !until.accept.includes(value);
      }
    }
    return false;
  }

  /** The fields the picker would have read from the line just matched (its steps replayed with this line's values). */
  build(): Record<string, unknown> | typeof NOT_WANTED {
    return this.ruledOut() ? NOT_WANTED : this.replay(this.values);
  }

  /**
   * The shape of the object at `path` as text: the object `build` makes there with each value of `slotsUnder(path)`
   * replaced by its rank in that list. Two templates with the same shape there build equal objects from the same
   * values of their `slotsUnder(path)`, in that order.
   */
  shapeUnder(path: readonly string[]): string {
    const ranks = new Array<unknown>(this.values.length).fill(null);
    this.slotsUnder(path).forEach((slot, rank) => (ranks[slot] = rank));
    let value: unknown = this.replay(ranks);
    for (const name of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    return JSON.stringify(value) ?? '';
  }

  /** The slots read under the object at `path` (at any depth), in line order: none when it is not an object read into. */
  slotsUnder(path: readonly string[]): number[] {
    if (this.slotOf(path) !== objectField) return [];
    let container = 0;
    for (const name of path) {
      let next = container;
      for (const step of this.steps) if (step.parent === container && step.name === name && step.kind === 'object') next = step.container;
      container = next;
    }
    const inside = new Set([container]);
    const slots: number[] = [];
    for (const step of this.steps) {
      if (!inside.has(step.parent)) continue;
      if (step.kind === 'object') inside.add(step.container);
      else if (step.kind === 'slot') slots.push(step.slot);
    }
    return slots;
  }

  /**
   * Where the value at `path` (field names from the line down) is in the object `build` gives: a slot's number (its
   * value in `values` after a match), or absentField, objectField (an object read into) or emptyField. A name written
   * twice in one object is where its last occurrence is, as in the object built (and as JSON.parse keeps).
   */
  slotOf(path: readonly string[]): number {
    let container = 0;
    let found = objectField;
    for (const name of path) {
      if (found !== objectField) return absentField;
      let last: TraceStep | undefined;
      for (const step of this.steps) if (step.parent === container && step.name === name) last = step;
      if (last === undefined) return absentField;
      if (last.kind === 'object') container = last.container;
      found = last.kind === 'slot' ? last.slot : last.kind === 'object' ? objectField : emptyField;
    }
    return found;
  }
}

/**
 * The steps of a pick as one function of the slots' values: `o1["info"] = o2; o2["total_tokens"] = v[7]; …`.
 * Replayed one step at a time, each `parent[step.name] = value` was a store by a name known only at run time
 * (V8's slowest kind of property store, ~1 µs a line: docs/benchmarks.md, cold scan session 10); here every
 * name is written in the code, so each object is built as a literal of its shape would be. The names are the
 * field shape's own (FieldShape keys, not text of the line), quoted by JSON.stringify; the numbers are slots.
 */
function replayOf(steps: readonly TraceStep[]): (values: unknown[]) => Record<string, unknown> {
  const code = ['const o0 = {};'];
  for (const step of steps) {
    const name = JSON.stringify(step.name);
    if (step.kind === 'slot') code.push(`o${step.parent}[${name}] = v[${step.slot}];`);
    else if (step.kind === 'object') code.push(`const o${step.container} = {}; o${step.parent}[${name}] = o${step.container};`);
    else code.push(`o${step.parent}[${name}] = ${step.kind === 'emptyObject' ? '{}' : '[]'};`);
  }
  code.push('return o0;');
  return new Function('v', code.join('\n')) as (values: unknown[]) => Record<string, unknown>;
}

/** Lines longer than this are not learnt: a template holds its line's bytes. */
const maxTemplateBytes = 16 * 1024;
const maxTemplates = 4;

/**
 * A field picker that first tries the templates of the last few shapes it read whole, and learns a new one
 * from each line it reads whole the slow way. Results equal `picker.pick` on every line (test/unit/lineTemplate.test.ts).
 */
export class TemplatePicker {
  private readonly templates: LineTemplate[] = [];
  private readonly trace: PickTrace = { slots: [], steps: [] };
  /** Lines the templates answered, and lines read the slow way (for tests and benchmarks). */
  hits = 0;
  misses = 0;

  constructor(private readonly picker: FieldPicker) {}

  pick(buf: Buffer, start: number, end: number): ReturnType<FieldPicker['pick']> {
    const template = this.match(buf, start, end);
    return template !== undefined ? template.build() : this.pickUnmatched(buf, start, end);
  }

  /**
   * The template that matches `buf[start, end)`, its values read (`values`, `valueAt`), or undefined: then the line
   * must go to `pickUnmatched`. Lets a reader take the values it needs from their slots, without the object `build` makes.
   */
  match(buf: Buffer, start: number, end: number): LineTemplate | undefined {
    const templates = this.templates;
    for (let k = 0; k < templates.length; k++) {
      const template = templates[k];
      if (!template.matches(buf, start, end)) continue;
      this.hits++;
      // The last template used is tried first next time.
      if (k > 0) {
        templates.splice(k, 1);
        templates.unshift(template);
      }
      return template;
    }
    return undefined;
  }

  /** `pick` of a line no template matched (`match` gave undefined): read the slow way, and learnt. */
  pickUnmatched(buf: Buffer, start: number, end: number): ReturnType<FieldPicker['pick']> {
    this.misses++;
    // Lines whose shapes keep changing: stop learning (a plain pick), so a miss costs little.
    if (end - start > maxTemplateBytes || this.misses > 64 + 4 * this.hits) return this.picker.pick(buf, start, end);
    const trace = this.trace;
    trace.slots.length = 0;
    trace.steps.length = 0;
    const picked = this.picker.pickTraced(buf, start, end, trace);
    if (picked !== undefined && picked !== NOT_WANTED) {
      this.templates.unshift(new LineTemplate(buf, start, end, trace, trace.steps.slice(), this.picker.until));
      if (this.templates.length > maxTemplates) this.templates.pop();
    }
    return picked;
  }
}
