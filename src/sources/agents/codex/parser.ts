import { mergeCodexLimits, type CodexCredits, type CodexRateLimit } from '../../../core/codexRateLimits';
import { FieldPicker, NOT_WANTED, type FieldShape } from '../../../core/fieldPicker';
import { absentField, emptyField, objectField, TemplatePicker, type LineTemplate } from '../../../core/lineTemplate';
import { isoUtcMs } from '../../../core/isoTimestamp';
import { byteRun, bytesAt } from '../../../core/byteRuns';
import { forEachLine, parseJson, type LineTally } from '../../../core/lineParser';
import type { ParsedUsage } from '../../../core/usageEvent';

/** Cumulative token totals as Codex reports them (`input_tokens` includes cached input). */
export interface CodexTotals {
  input: number;
  cached: number;
  output: number;
  total: number;
}

/**
 * What must be remembered between reads of one rollout file: its token
 * counters are cumulative, so each event's usage is a delta from the last.
 */
export interface CodexFileState {
  sessionId: string;
  project: string;
  model: string;
  lastTotals: CodexTotals | undefined;
  rateLimits: CodexRateLimit[];
  /** The newest credits reading in this file, when Codex wrote one. */
  credits?: CodexCredits;
}

/** Codex's default model when a rollout never names one (older versions). */
export const codexFallbackModel = 'gpt-5';

export function newCodexFileState(sessionIdFromPath: string): CodexFileState {
  return { sessionId: sessionIdFromPath, project: '', model: codexFallbackModel, lastTotals: undefined, rateLimits: [] };
}

function count(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1e13 ? Math.round(value) : undefined;
}

function totalsFrom(raw: unknown): CodexTotals | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  return totalsOf(r.input_tokens, r.cached_input_tokens, r.cache_read_input_tokens, r.output_tokens, r.total_tokens);
}

/** Totals from the values of a usage object's fields (undefined where absent). */
function totalsOf(inputTokens: unknown, cachedInputTokens: unknown, cacheReadInputTokens: unknown, outputTokens: unknown, totalTokens: unknown): CodexTotals | undefined {
  const input = count(inputTokens);
  const cached = count(cachedInputTokens ?? cacheReadInputTokens);
  const output = count(outputTokens);
  const total = count(totalTokens);
  if (input === undefined || cached === undefined || output === undefined || total === undefined) return undefined;
  return { input, cached: Math.min(cached, input), output, total: total || input + output };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= 80 ? v : undefined);

function rateLimitFrom(name: CodexRateLimit['name'], raw: unknown, observedAtMs: number, snapshot: Record<string, unknown>): CodexRateLimit | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.used_percent !== 'number' || !Number.isFinite(r.used_percent)) return undefined;
  let resetsAtMs: number | undefined;
  if (typeof r.resets_at === 'number') resetsAtMs = r.resets_at < 1e11 ? r.resets_at * 1000 : r.resets_at;
  else if (typeof r.resets_at === 'string') resetsAtMs = Date.parse(r.resets_at) || undefined;
  else if (typeof r.resets_in_seconds === 'number') resetsAtMs = observedAtMs + r.resets_in_seconds * 1000;
  const limitId = str(snapshot.limit_id);
  const limitName = str(snapshot.limit_name);
  const planType = str(snapshot.plan_type);
  // Built field by field, optional ones only when present (no spreads: two of these per token_count line).
  const limit: Partial<CodexRateLimit> = { name };
  if (limitId) limit.limitId = limitId;
  if (limitName) limit.limitName = limitName;
  if (planType) limit.planType = planType;
  limit.usedPercent = r.used_percent;
  limit.windowMinutes = typeof r.window_minutes === 'number' ? r.window_minutes : undefined;
  limit.resetsAtMs = resetsAtMs;
  limit.observedAtMs = observedAtMs;
  return limit as CodexRateLimit;
}

function creditsFrom(raw: unknown, observedAtMs: number): CodexCredits | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.has_credits !== 'boolean' || typeof r.unlimited !== 'boolean') return undefined;
  const balance = typeof r.balance === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(r.balance) ? Number(r.balance) : undefined;
  if (balance === undefined || r.unlimited) return { hasCredits: r.has_credits, unlimited: r.unlimited, observedAtMs };
  return { hasCredits: r.has_credits, unlimited: r.unlimited, balance, observedAtMs };
}


/**
 * Folds one parsed rollout line into the file's state and returns the usage it adds.
 * Repeated `token_count` events with unchanged totals are not new usage; a drop in
 * the totals (a new conversation in the same file) falls back to `last_token_usage`.
 */
export function usageFromCodexRecord(record: unknown, state: CodexFileState): ParsedUsage | 'not-usage' | 'malformed' {
  if (typeof record !== 'object' || record === null) return 'malformed';
  const line = record as Record<string, unknown>;
  // A line without `type` (a converted or third-party file) cannot be judged: skipped and counted.
  if (line.type === undefined) return 'malformed';
  const payload = line.payload as Record<string, unknown> | undefined;
  if (typeof payload !== 'object' || payload === null) return 'not-usage';

  if (line.type === 'session_meta') {
    if (typeof payload.id === 'string' && payload.id) state.sessionId = payload.id;
    if (typeof payload.cwd === 'string') state.project = payload.cwd;
    if (typeof payload.model === 'string' && payload.model) state.model = payload.model;
    return 'not-usage';
  }
  if (line.type === 'turn_context') {
    if (typeof payload.model === 'string' && payload.model) state.model = payload.model;
    if (typeof payload.cwd === 'string' && !state.project) state.project = payload.cwd;
    return 'not-usage';
  }
  if (line.type !== 'event_msg' || payload.type !== 'token_count') return 'not-usage';

  const timestampMs = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
  if (!Number.isFinite(timestampMs)) return 'malformed';
  foldRateLimits(payload.rate_limits, timestampMs, state);
  const info = payload.info as Record<string, unknown> | undefined | null;
  if (info === null || info === undefined) return 'not-usage';
  if (typeof info !== 'object') return 'malformed';
  const totals = totalsFrom(info.total_token_usage);
  const step = deltaOf(totals, state);
  if (step === 'repeat') return 'not-usage';
  // `last_token_usage` is read only when used: without cumulative totals, or when they went down.
  return usageOf(totals, step === 'last' ? totalsFrom(info.last_token_usage) : step, timestampMs, state);
}

/**
 * A token count's `rate_limits` folded into the file's state. `rate_limits: null` (Team plans, `codex exec`) means
 * unknown, never 0 %: what was known stays. Each limit id (the account's, a per-model one) is its own limit; a newer
 * snapshot of one does not erase another.
 */
function foldRateLimits(raw: unknown, timestampMs: number, state: CodexFileState): void {
  flushPendingLimits();
  foldNow(raw, timestampMs, state);
}

/** foldRateLimits without what is pending; true when every reading it made was taken (credits need not be: the newest wins). */
function foldNow(raw: unknown, timestampMs: number, state: CodexFileState): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const limits = raw as Record<string, unknown>;
  const primary = rateLimitFrom('primary', limits.primary, timestampMs, limits);
  const secondary = rateLimitFrom('secondary', limits.secondary, timestampMs, limits);
  if (primary || secondary) state.rateLimits = mergeCodexLimits(state.rateLimits, primary && secondary ? [primary, secondary] : [(primary ?? secondary)!]);
  const credits = creditsFrom(limits.credits, timestampMs);
  if (credits && (!state.credits || credits.observedAtMs >= state.credits.observedAtMs)) state.credits = credits;
  return (primary === undefined || state.rateLimits.includes(primary)) && (secondary === undefined || state.rateLimits.includes(secondary));
}

/**
 * The usage a token count adds, from its cumulative totals and the file's last: the difference, 'repeat' (the same
 * totals again: no new usage), or 'last' (no totals, or totals that went down: a new conversation in the same file,
 * so `last_token_usage` is the usage). Remembers the totals as the file's last.
 */
function deltaOf(totals: CodexTotals | undefined, state: CodexFileState): CodexTotals | 'repeat' | 'last' {
  if (!totals) return 'last';
  const previous = state.lastTotals;
  if (previous && totals.total === previous.total && totals.input === previous.input && totals.output === previous.output) return 'repeat';
  state.lastTotals = totals;
  if (!previous) return totals;
  const wentDown = totals.input < previous.input || totals.output < previous.output || totals.cached < previous.cached;
  if (wentDown) return 'last';
  return { input: totals.input - previous.input, cached: totals.cached - previous.cached, output: totals.output - previous.output, total: totals.total - previous.total };
}

function usageOf(totals: CodexTotals | undefined, delta: CodexTotals | undefined, timestampMs: number, state: CodexFileState): ParsedUsage | 'malformed' {
  if (!delta) return 'malformed';
  const cached = Math.min(delta.cached, delta.input);
  return {
    // Resumed sessions may replay the same cumulative counter in another file.
    dedupKey: totals ? `codex:${state.sessionId}:${totals.total}:${totals.input}:${totals.output}` : undefined,
    event: {
      source: 'codex',
      timestampMs,
      sessionId: state.sessionId,
      agentId: '',
      project: state.project,
      model: state.model,
      inputTokens: delta.input - cached,
      outputTokens: delta.output,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: cached,
    },
  };
}

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
  pendingLimits.state = undefined;
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

/**
 * Rate limits folded into a file's state late: a token count whose `rate_limits` object is the one folded just before
 * (the same values), at the same time or later, after every reading of that one was taken, only moves the readings'
 * time on. Folding each such line, or only the last of a run of them, leaves the same state (mergeCodexLimits: a
 * reading replaces one of the same limit and values unless it is older; the placeholder rule needs a different
 * percentage; credits: the newest wins). So a run is folded once, at its last time: when another object comes, when
 * anything else folds limits, and when the read of the file ends. Most token counts then make no object at all.
 */
const pendingLimits = { state: undefined as CodexFileState | undefined, raw: undefined as unknown, atMs: 0, foldedAtMs: 0 };

function flushPendingLimits(): void {
  const pending = pendingLimits;
  const state = pending.state;
  if (state === undefined) return;
  pending.state = undefined;
  if (pending.atMs !== pending.foldedAtMs) foldNow(pending.raw, pending.atMs, state);
}

/** foldRateLimits for a token count read from slots: deferred while its rate limits repeat (see pendingLimits). */
function foldCountLimits(raw: unknown, timestampMs: number, state: CodexFileState): void {
  const pending = pendingLimits;
  if (pending.state === state && pending.raw === raw && timestampMs >= pending.atMs) {
    pending.atMs = timestampMs;
    return;
  }
  flushPendingLimits();
  if (!foldNow(raw, timestampMs, state)) return;
  pending.state = state;
  pending.raw = raw;
  pending.atMs = timestampMs;
  pending.foldedAtMs = timestampMs;
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
  if (!Number.isFinite(timestampMs)) return 'malformed';
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
  forEachLine(buf, start, end, tally, sink, (from, stop) => {
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
  });
}
