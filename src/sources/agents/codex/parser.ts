import { FieldPicker, NOT_WANTED, type FieldShape } from '../../../core/fieldPicker';
import { absentField, emptyField, objectField, TemplatePicker, type LineTemplate } from '../../../core/lineTemplate';
import { isoUtcMs } from '../../../core/isoTimestamp';
import { byteRun, bytesAt } from '../../../core/byteRuns';
import { forEachLine, parseJson, type LineTally } from '../../../core/lineParser';
import { isPlausibleTimeMs, type LineOutcome, type ParsedUsage } from '../../../core/usageEvent';
import { deltaOf, dropPendingLimits, flushPendingLimits, foldCountLimits, foldRateLimits, totalsOf, usageFromCodexRecord, usageOf, type CodexFileState, type CodexTotals } from './records';

const totalsFields = { input_tokens: true, cached_input_tokens: true, cache_read_input_tokens: true, output_tokens: true, total_tokens: true } as const;
const windowFields = { used_percent: true, window_minutes: true, resets_at: true, resets_in_seconds: true } as const;
// Every field usageFromCodexRecord reads of a line (a field read there but missing here would read
// as absent: test/unit/parserExactness.test.ts records every read and fails on one not listed); other line types (response items: most of the bytes) are not read on.
export const codexLineFields: FieldShape = {
  timestamp: true,
  type: true,
  payload: {
    type: true,
    id: true,
    cwd: true,
    model: true,
    info: { total_token_usage: totalsFields, last_token_usage: totalsFields },
    rate_limits: { limit_id: true, limit_name: true, plan_type: true, primary: windowFields, secondary: windowFields, credits: { has_credits: true, unlimited: true, balance: true } },
  },
};
const codexFields = new FieldPicker(codexLineFields, { key: 'type', accept: ['event_msg', 'turn_context', 'session_meta'] });
// One per kind of line read whole (token counts, turn contexts, the rest), each learning its own shapes.
let tokenCountFields = new TemplatePicker(codexFields);
let turnContextFields = new TemplatePicker(codexFields);
let otherFields = new TemplatePicker(codexFields);

/** The reader as in a new process: no shapes learnt, no line kept to compare with (tests). */
export function forgetCodexTemplates(): void {
  tokenCountFields = new TemplatePicker(codexFields);
  turnContextFields = new TemplatePicker(codexFields);
  otherFields = new TemplatePicker(codexFields);
  lastTurnContext = undefined;
  lastRateLimits.shape = '';
  dropPendingLimits();
}

/**
 * Where a token count template has the fields usageFromCodexRecord reads (slots: see LineTemplate.slotOf), so that a
 * matched line's usage comes from the slots' values without the object `build` makes (nine objects a line). Only
 * for templates of the shape Codex writes: time, type and payload type as values, the payload an object. For the
 * usage objects, each field's slot, absentField, or a value that is an object (read as one: not a count).
 */
interface CountPlan {
  timestamp: number;
  type: number;
  payloadType: number;
  /** `rate_limits`: a slot, absentField, objectField or emptyField; with the slots under it when an object. */
  rateLimits: number;
  rateSlots: number[];
  /** The rate limits' shape (LineTemplate.shapeUnder): templates of the same shape there share their last object. */
  rateShape: string;
  info: number;
  /** The usage objects' fields, when they are objects (absent, or a value that is no object: undefined). */
  total: UsageSlots | undefined;
  last: UsageSlots | undefined;
}
/** input_tokens, cached_input_tokens, cache_read_input_tokens, output_tokens, total_tokens (in totalsOf's order). */
type UsageSlots = readonly [number, number, number, number, number];
const usageNames = ['input_tokens', 'cached_input_tokens', 'cache_read_input_tokens', 'output_tokens', 'total_tokens'] as const;
/** Where a usage field's value is an object or array: read as one (count() rejects it, `??` keeps it). */
const objectValue = -4;
const anObject = {};

/** The plan of a token count template, or null when the template is not of the shape a plan covers. */
function countPlanOf(template: LineTemplate): CountPlan | null {
  const timestamp = template.slotOf(['timestamp']);
  const type = template.slotOf(['type']);
  const payloadType = template.slotOf(['payload', 'type']);
  if (timestamp < 0 || type < 0 || payloadType < 0 || template.slotOf(['payload']) !== objectField) return null;
  const rateLimits = template.slotOf(['payload', 'rate_limits']);
  const info = template.slotOf(['payload', 'info']);
  const usage = (name: string): UsageSlots | undefined => {
    const at = template.slotOf(['payload', 'info', name]);
    if (at !== objectField) return undefined;
    const slots = usageNames.map((field) => {
      const slot = template.slotOf(['payload', 'info', name, field]);
      return slot === objectField || slot === emptyField ? objectValue : slot;
    });
    return slots as unknown as UsageSlots;
  };
  // `{}` or `[]` as a usage object: read as an object without counts; a plan does not cover it.
  for (const name of ['total_token_usage', 'last_token_usage']) if (template.slotOf(['payload', 'info', name]) === emptyField) return null;
  return {
    timestamp, type, payloadType,
    rateLimits,
    rateSlots: rateLimits === objectField ? template.slotsUnder(['payload', 'rate_limits']) : [],
    rateShape: rateLimits === objectField ? template.shapeUnder(['payload', 'rate_limits']) : '',
    info,
    total: usage('total_token_usage'),
    last: usage('last_token_usage'),
  };
}

function slotValue(values: readonly unknown[], slot: number): unknown {
  return slot >= 0 ? values[slot] : slot === objectValue ? anObject : undefined;
}

/** The totals in a usage object of a matched line (`slots`); undefined when the line has none there or a value that is no object. */
function totalsAt(values: readonly unknown[], slots: UsageSlots | undefined): CodexTotals | undefined {
  if (slots === undefined) return undefined;
  return totalsOf(slotValue(values, slots[0]), slotValue(values, slots[1]), slotValue(values, slots[2]), slotValue(values, slots[3]), slotValue(values, slots[4]));
}

/**
 * The rate limits of a matched token count: the last object built, when this line's values under `rate_limits` are the
 * same as that line's and of the same shape (they change a few times a session; a token count without usage, `info:
 * null`, is another template of the same rate limits), else built from the line.
 */
const lastRateLimits = { shape: '', values: [] as unknown[], object: undefined as unknown };
function rateLimitsOf(template: LineTemplate, plan: CountPlan): unknown {
  const values = template.values;
  const last = lastRateLimits;
  if (last.shape === plan.rateShape) {
    let same = true;
    for (let k = 0; k < plan.rateSlots.length; k++) {
      if (!Object.is(values[plan.rateSlots[k]], last.values[k])) {
        same = false;
        break;
      }
    }
    if (same) return last.object;
  }
  const built = template.build();
  const object = built === NOT_WANTED ? undefined : (built.payload as Record<string, unknown>).rate_limits;
  last.shape = plan.rateShape;
  last.values = plan.rateSlots.map((slot) => values[slot]);
  last.object = object;
  return object;
}


/** usageFromCodexRecord of a token count line a template matched, from the slots' values (see CountPlan). */
function usageFromCountSlots(template: LineTemplate, plan: CountPlan, buf: Buffer, end: number, state: CodexFileState): ParsedUsage | 'not-usage' | 'malformed' {
  const values = template.values;
  const time = values[plan.timestamp];
  let timestampMs = NaN;
  if (typeof time === 'string') {
    timestampMs = isoUtcMs(buf, template.valueAt[plan.timestamp] + 1, end);
    if (Number.isNaN(timestampMs) || time.length !== 24) timestampMs = Date.parse(time);
  }
  if (!isPlausibleTimeMs(timestampMs)) return 'malformed';
  if (plan.rateLimits === objectField) foldCountLimits(rateLimitsOf(template, plan), timestampMs, state);
  else if (plan.rateLimits >= 0) foldRateLimits(values[plan.rateLimits], timestampMs, state);
  const info = plan.info >= 0 ? values[plan.info] : plan.info === absentField ? undefined : anObject;
  if (info === null || info === undefined) return 'not-usage';
  if (typeof info !== 'object') return 'malformed';
  const infoIsObject = plan.info === objectField;
  const totals = infoIsObject ? totalsAt(values, plan.total) : undefined;
  const step = deltaOf(totals, state);
  if (step === 'repeat') return 'not-usage';
  const delta = step !== 'last' ? step : infoIsObject ? totalsAt(values, plan.last) : undefined;
  return usageOf(totals, delta, timestampMs, state);
}

const lineStart = byteRun('{"timestamp":"');
const typeKey = byteRun('","type":"');
const payloadTypeKey = byteRun('","payload":{"type":"');
const eventMsg = byteRun('event_msg"');
const turnContext = byteRun('turn_context"');
const sessionMeta = byteRun('session_meta"');
const tokenCount = byteRun('token_count"');

const quote = 0x22;
const turnIdKey = byteRun(',"payload":{"turn_id":"');

/**
 * The last turn context read whole, from the quote closing its turn id to its end, and its fields. Turn
 * contexts repeat but for their time and turn id (31,333 of 31,998 in the real rollouts of the bench): a
 * line whose first bytes are as lineKind reads them, whose turn id is a plain string, and whose bytes from
 * there are the same is valid JSON with the same payload, so it is read as that line was.
 */
let lastTurnContext: { rest: RestBytes; picked: Record<string, unknown> } | undefined;
/** Lines read as the turn context before them, and token counts read from a template's slots (for tests and benchmarks). */
export const codexReadCounts = { turnContextRepeats: 0, tokenCountsFromSlots: 0 };

/** Where the part of a turn context after its turn id starts (its closing quote), or -1 when the line is not written so. */
function turnContextRest(buf: Buffer, end: number): number {
  if (!bytesAt(buf, kindEnd, end, turnIdKey)) return -1;
  return plainStringEnd(buf, kindEnd + turnIdKey.length, end);
}

/** Index of the quote closing the plain string (no escapes, no control bytes) that starts at `at`, or -1. */
function plainStringEnd(buf: Buffer, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    const b = buf[i];
    if (b === quote) return i;
    if (b === 0x5c || b < 0x20) return -1;
  }
  return -1;
}

// Where lineKind stopped reading: past a turn context's type.
let kindEnd = 0;

/**
 * The bytes of a line's rest kept for the next line to compare with, in one buffer reused line after line (a
 * fresh Buffer per line was tens of thousands of small allocations on the real rollouts, and their collections).
 */
class RestBytes {
  private bytes = Buffer.allocUnsafe(4096);
  length = 0;

  /** Copies `buf[from, to)` in place of what was kept. */
  keep(buf: Buffer, from: number, to: number): this {
    const length = to - from;
    if (length > this.bytes.length) this.bytes = Buffer.allocUnsafe(Math.max(length, 2 * this.bytes.length));
    buf.copy(this.bytes, 0, from, to);
    this.length = length;
    return this;
  }

  /** Whether `buf[from, to)` holds the same bytes as were kept. */
  equals(buf: Buffer, from: number, to: number): boolean {
    return to - from === this.length && buf.compare(this.bytes, 0, this.length, from, to) === 0;
  }

}
const turnContextRestBytes = new RestBytes();

const enum LineKind {
  NotWanted,
  TokenCount,
  TurnContext,
  Other,
}

/**
 * What a line is, from its first bytes as Codex writes them (`{"timestamp":"…","type":"…","payload":{"type":"…"`):
 * response items (most of the bytes), and events other than token counts, are not read on. As with the picker's
 * early decision, the first `type` decides (log writers never repeat a key). Any other start: Other (read whole).
 */
function lineKind(buf: Buffer, start: number, end: number): LineKind {
  if (!bytesAt(buf, start, end, lineStart)) return LineKind.Other;
  const timestampEnd = plainStringEnd(buf, start + lineStart.length, end);
  if (timestampEnd === -1 || !bytesAt(buf, timestampEnd, end, typeKey)) return LineKind.Other;
  const type = timestampEnd + typeKey.length;
  if (bytesAt(buf, type, end, turnContext)) {
    kindEnd = type + turnContext.length;
    return LineKind.TurnContext;
  }
  if (bytesAt(buf, type, end, sessionMeta)) return LineKind.Other;
  if (!bytesAt(buf, type, end, eventMsg)) return plainStringEnd(buf, type, end) === -1 ? LineKind.Other : LineKind.NotWanted;
  const payloadType = type + eventMsg.length - 1;
  if (!bytesAt(buf, payloadType, end, payloadTypeKey)) return LineKind.Other;
  const kind = payloadType + payloadTypeKey.length;
  if (bytesAt(buf, kind, end, tokenCount)) return LineKind.TokenCount;
  return plainStringEnd(buf, kind, end) === -1 ? LineKind.Other : LineKind.NotWanted;
}

/** Parses the complete lines in `buf[start, end)` of a Codex rollout, updating the file's cumulative state. */
export function parseCodexLines(buf: Buffer, start: number, end: number, state: CodexFileState, sink: (usage: ParsedUsage) => void, tally: LineTally): void {
  try {
    readLines(buf, start, end, state, sink, tally);
  } finally {
    // The state is the caller's once this returns: rate limits still pending go into it.
    flushPendingLimits();
  }
}

function readLines(buf: Buffer, start: number, end: number, state: CodexFileState, sink: (usage: ParsedUsage) => void, tally: LineTally): void {
  forEachLine(buf, start, end, tally, sink, (from, stop) => readCodexLine(buf, from, stop, state));
}

/** The outcome of one rollout line `buf[from, stop)` (a JSON object's bounds, trailing blanks cut), read the JavaScript way. */
export function readCodexLine(buf: Buffer, from: number, stop: number, state: CodexFileState): LineOutcome {
  const kind = lineKind(buf, from, stop);
  if (kind === LineKind.NotWanted) return 'not-usage';
  const rest = kind === LineKind.TurnContext ? turnContextRest(buf, stop) : -1;
  if (rest !== -1 && lastTurnContext && lastTurnContext.rest.equals(buf, rest, stop)) {
    codexReadCounts.turnContextRepeats++;
    return usageFromCodexRecord(lastTurnContext.picked, state);
  }
  // Its fields read straight from the bytes (a template of the line's shape, else the picker); JSON.parse only when that cannot be sure.
  const fields = kind === LineKind.TokenCount ? tokenCountFields : kind === LineKind.TurnContext ? turnContextFields : otherFields;
  const template = fields.match(buf, from, stop);
  if (kind === LineKind.TokenCount && template !== undefined) {
    // A token count as Codex writes it: its usage from the template's slots, no object of the line.
    let plan = template.plan as CountPlan | null | undefined;
    if (plan === undefined) plan = template.plan = countPlanOf(template);
    if (plan !== null && template.values[plan.type] === 'event_msg' && template.values[plan.payloadType] === 'token_count' && !template.ruledOut()) {
      codexReadCounts.tokenCountsFromSlots++;
      return usageFromCountSlots(template, plan, buf, stop, state);
    }
  }
  const picked = template !== undefined ? template.build() : fields.pickUnmatched(buf, from, stop);
  if (picked === NOT_WANTED) return 'not-usage';
  if (rest !== -1 && picked !== undefined) lastTurnContext = { rest: turnContextRestBytes.keep(buf, rest, stop), picked };
  return usageFromCodexRecord(picked ?? parseJson(buf, from, stop), state);
}

/**
 * The fields readCodexLine keeps of the turn context `buf[from, stop)` it just read, for the lines after it whose
 * bytes after the turn id are the same (lastTurnContext); undefined when it kept none for these bytes.
 */
export function lastTurnContextOf(buf: Buffer, from: number, stop: number): Record<string, unknown> | undefined {
  if (lineKind(buf, from, stop) !== LineKind.TurnContext) return undefined;
  const rest = turnContextRest(buf, stop);
  return rest !== -1 && lastTurnContext && lastTurnContext.rest.equals(buf, rest, stop) ? lastTurnContext.picked : undefined;
}
