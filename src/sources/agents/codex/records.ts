import { codexLimitTaken, isWindowMinutes, mergeCodexLimits, putCodexLimits, type CodexCredits, type CodexRateLimit } from '../../../core/codexRateLimits';
import { keyHash, keyHashOfCounts } from '../../../core/ledger/keyHashTable';
import { isPlausibleTimeMs, type ParsedUsage, type UsageEvent } from '../../../core/usageEvent';

// What a Codex rollout's records mean: cumulative totals made into usage, rate limits and credits folded into the
// file's state. How the lines are read (picked fields, templates, slots) is parser.ts.

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
export function totalsOf(inputTokens: unknown, cachedInputTokens: unknown, cacheReadInputTokens: unknown, outputTokens: unknown, totalTokens: unknown): CodexTotals | undefined {
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
  return readingOf(name, r.used_percent, r.window_minutes, r.resets_at, r.resets_in_seconds, observedAtMs, snapshot.limit_id, snapshot.limit_name, snapshot.plan_type);
}

/**
 * `resets_in_seconds` of the last reading readingOf made when its reset time was made from it (a time after the
 * reading's), else undefined: a run's reading is made at its first time and moved to its last (see pendingLimits).
 */
let readingResetsIn: number | undefined;

/** A window's reading from the values of its fields (`primary` or `secondary`) and of the snapshot's ids. */
function readingOf(name: CodexRateLimit['name'], usedPercent: unknown, windowMinutes: unknown, resetsAt: unknown, resetsInSeconds: unknown, observedAtMs: number, limitId: unknown, limitName: unknown, planType: unknown): CodexRateLimit | undefined {
  readingResetsIn = undefined;
  if (typeof usedPercent !== 'number' || !Number.isFinite(usedPercent)) return undefined;
  let resetsAtMs: number | undefined;
  if (typeof resetsAt === 'number') resetsAtMs = resetsAt < 1e11 ? resetsAt * 1000 : resetsAt;
  else if (typeof resetsAt === 'string') resetsAtMs = Date.parse(resetsAt) || undefined;
  else if (typeof resetsInSeconds === 'number') {
    resetsAtMs = observedAtMs + resetsInSeconds * 1000;
    readingResetsIn = resetsInSeconds;
  }
  // A reset no date can hold (`1e300`) is no reset: the reading keeps its percentage (see isPlausibleTimeMs).
  if (resetsAtMs !== undefined && !isPlausibleTimeMs(resetsAtMs)) resetsAtMs = readingResetsIn = undefined;
  const id = str(limitId);
  const idName = str(limitName);
  const plan = str(planType);
  // Built field by field, optional ones only when present (no spreads: the state's JSON keeps this order).
  const limit: Partial<CodexRateLimit> = { name };
  if (id) limit.limitId = id;
  if (idName) limit.limitName = idName;
  if (plan) limit.planType = plan;
  limit.usedPercent = usedPercent;
  limit.windowMinutes = isWindowMinutes(windowMinutes) ? windowMinutes : undefined;
  limit.resetsAtMs = resetsAtMs;
  limit.observedAtMs = observedAtMs;
  return limit as CodexRateLimit;
}

function creditsFrom(raw: unknown, observedAtMs: number): CodexCredits | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  return creditsOf(r.has_credits, r.unlimited, r.balance, observedAtMs);
}

function creditsOf(hasCredits: unknown, unlimited: unknown, balanceText: unknown, observedAtMs: number): CodexCredits | undefined {
  if (typeof hasCredits !== 'boolean' || typeof unlimited !== 'boolean') return undefined;
  // Finite: 400 digits read as Infinity.
  const balance = typeof balanceText === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(balanceText) && Number.isFinite(Number(balanceText)) ? Number(balanceText) : undefined;
  if (balance === undefined || unlimited) return { hasCredits, unlimited, observedAtMs };
  return { hasCredits, unlimited, balance, observedAtMs };
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
  if (!isPlausibleTimeMs(timestampMs)) return 'malformed';
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
export function foldRateLimits(raw: unknown, timestampMs: number, state: CodexFileState): void {
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
export function deltaOf(totals: CodexTotals | undefined, state: CodexFileState): CodexTotals | 'repeat' | 'last' {
  if (!totals) return 'last';
  const previous = state.lastTotals;
  if (previous && totals.total === previous.total && totals.input === previous.input && totals.output === previous.output) return 'repeat';
  state.lastTotals = totals;
  if (!previous) return totals;
  const wentDown = totals.input < previous.input || totals.output < previous.output || totals.cached < previous.cached;
  if (wentDown) return 'last';
  return { input: totals.input - previous.input, cached: totals.cached - previous.cached, output: totals.output - previous.output, total: totals.total - previous.total };
}

/**
 * A token count's usage, its dedup key `codex:<session>:<total>:<input>:<output>` (resumed sessions may replay the
 * same cumulative counter in another file) held as its hash, made from the numbers (keyHashOfCounts): the ledger
 * looks it up by the hash, and the key's text is made only where it is read (scan threads send keys as text).
 */
class CodexUsage implements ParsedUsage {
  readonly keyHi: number;
  readonly keyLo: number;

  constructor(readonly event: UsageEvent, private readonly keyPrefix: string, private readonly totals: CodexTotals) {
    keyHashOfCounts(keyPrefix, totals.total, totals.input, totals.output);
    this.keyHi = keyHash.hi;
    this.keyLo = keyHash.lo;
  }

  get dedupKey(): string {
    return `${this.keyPrefix}${this.totals.total}:${this.totals.input}:${this.totals.output}`;
  }
}

/** `codex:<session>:`, the same string while the session is (keyHashOfCounts then mixes it once). */
const keyPrefixOf = { sessionId: '', prefix: 'codex::' };
function keyPrefix(sessionId: string): string {
  if (sessionId !== keyPrefixOf.sessionId) {
    keyPrefixOf.sessionId = sessionId;
    keyPrefixOf.prefix = `codex:${sessionId}:`;
  }
  return keyPrefixOf.prefix;
}

export function usageOf(totals: CodexTotals | undefined, delta: CodexTotals | undefined, timestampMs: number, state: CodexFileState): ParsedUsage | 'malformed' {
  if (!delta) return 'malformed';
  const cached = Math.min(delta.cached, delta.input);
  const event: UsageEvent = {
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
  };
  return totals ? new CodexUsage(event, keyPrefix(state.sessionId), totals) : { dedupKey: undefined, event };
}

/**
 * Rate limits folded into a file's state late: a token count whose `rate_limits` object is the one before it (the same
 * values), at the same time or later, only moves the readings' time on. Folding each line of such a run, or judging
 * its first line and putting only its last in place, leaves the same state. The first line decides: a reading it
 * would not take (older than the one known, or a placeholder: mergeCodexLimits) makes it fold as usual, no run kept.
 * If it takes them all, the next lines of the run would too (their placeholder test meets the run's own readings, of
 * the same percentage), so the run's readings, made at its last time, replace the known ones of their limits (or are
 * added), and its credits are judged at that time (the newest wins: taken at the last time whenever taken at the
 * first). The run is put in place when another object comes, when anything else folds limits, and when the read of
 * the file ends. Most token counts then make no object at all, and a change of the limits one fold, not two.
 */
const pendingLimits = {
  state: undefined as CodexFileState | undefined,
  /** The run's rate limits: the picker's object, or the key of the kernel's values (CountLimitValues). */
  raw: undefined as unknown,
  atMs: 0,
  /**
   * The run's readings and credits, made at its first time and moved to its last when put in place (one object each
   * per change of the limits, not a second set), with `resets_in_seconds` where a reset time is made from it.
   */
  primary: undefined as CodexRateLimit | undefined,
  secondary: undefined as CodexRateLimit | undefined,
  credits: undefined as CodexCredits | undefined,
  primaryResetsIn: undefined as number | undefined,
  secondaryResetsIn: undefined as number | undefined,
};

export function flushPendingLimits(): void {
  const pending = pendingLimits;
  const state = pending.state;
  if (state === undefined) return;
  pending.state = undefined;
  const atMs = pending.atMs;
  const primary = pending.primary;
  const secondary = pending.secondary;
  const credits = pending.credits;
  pending.primary = pending.secondary = pending.credits = undefined;
  // The run's readings at its last time, as rateLimitFrom makes them then: in place of the known ones of their limits.
  if (primary) moveReading(primary, pending.primaryResetsIn, atMs);
  if (secondary) moveReading(secondary, pending.secondaryResetsIn, atMs);
  if (primary || secondary) state.rateLimits = putCodexLimits(state.rateLimits, primary && secondary ? [primary, secondary] : [(primary ?? secondary)!]);
  if (credits) {
    credits.observedAtMs = atMs;
    if (!state.credits || atMs >= state.credits.observedAtMs) state.credits = credits;
  }
}

function moveReading(limit: CodexRateLimit, resetsInSeconds: number | undefined, atMs: number): void {
  limit.observedAtMs = atMs;
  if (resetsInSeconds === undefined) return;
  const resetsAtMs = atMs + resetsInSeconds * 1000;
  limit.resetsAtMs = isPlausibleTimeMs(resetsAtMs) ? resetsAtMs : undefined;
}

/** foldRateLimits for a token count read from slots: deferred while its rate limits repeat (see pendingLimits). */
export function foldCountLimits(raw: unknown, timestampMs: number, state: CodexFileState): void {
  const pending = pendingLimits;
  if (pending.state === state && pending.raw === raw && timestampMs >= pending.atMs) {
    pending.atMs = timestampMs;
    return;
  }
  flushPendingLimits();
  if (typeof raw !== 'object' || raw === null) return;
  const limits = raw as Record<string, unknown>;
  const primary = rateLimitFrom('primary', limits.primary, timestampMs, limits);
  const primaryResetsIn = primary ? readingResetsIn : undefined;
  const secondary = rateLimitFrom('secondary', limits.secondary, timestampMs, limits);
  const secondaryResetsIn = secondary ? readingResetsIn : undefined;
  foldRun(raw, timestampMs, state, primary, primaryResetsIn, secondary, secondaryResetsIn, creditsFrom(limits.credits, timestampMs));
}

/**
 * A token count's rate limits as the Codex kernel read them (kernelLines.ts): the values rateLimitFrom and
 * creditsFrom read of the picker's object (a field absent: undefined; a container: null), without the object. A
 * window or the credits is read only when it is an object (`primary` etc.). `key` tells these values from others.
 */
export class CountLimitValues {
  key = 0;
  limitId: unknown = undefined;
  limitName: unknown = undefined;
  planType: unknown = undefined;
  primary = false;
  primaryUsed: unknown = undefined;
  primaryWindow: unknown = undefined;
  primaryResetsAt: unknown = undefined;
  primaryResetsIn: unknown = undefined;
  secondary = false;
  secondaryUsed: unknown = undefined;
  secondaryWindow: unknown = undefined;
  secondaryResetsAt: unknown = undefined;
  secondaryResetsIn: unknown = undefined;
  credits = false;
  hasCredits: unknown = undefined;
  unlimited: unknown = undefined;
  balance: unknown = undefined;
}

/** Keys of CountLimitValues, one per values read, in every kernel (the pending run is one for the thread). */
let lastValuesKey = 0;
export function newValuesKey(): number {
  return ++lastValuesKey;
}

/** foldCountLimits of the picker's object the kernel's values stand for (the same readings, no object made for them). */
export function foldCountValues(v: CountLimitValues, timestampMs: number, state: CodexFileState): void {
  const pending = pendingLimits;
  if (pending.state === state && pending.raw === v.key && timestampMs >= pending.atMs) {
    pending.atMs = timestampMs;
    return;
  }
  flushPendingLimits();
  const primary = v.primary ? readingOf('primary', v.primaryUsed, v.primaryWindow, v.primaryResetsAt, v.primaryResetsIn, timestampMs, v.limitId, v.limitName, v.planType) : undefined;
  const primaryResetsIn = primary ? readingResetsIn : undefined;
  const secondary = v.secondary ? readingOf('secondary', v.secondaryUsed, v.secondaryWindow, v.secondaryResetsAt, v.secondaryResetsIn, timestampMs, v.limitId, v.limitName, v.planType) : undefined;
  const secondaryResetsIn = secondary ? readingResetsIn : undefined;
  foldRun(v.key, timestampMs, state, primary, primaryResetsIn, secondary, secondaryResetsIn, v.credits ? creditsOf(v.hasCredits, v.unlimited, v.balance, timestampMs) : undefined);
}

/**
 * A change of the rate limits, its readings made at `timestampMs`: a run kept (see pendingLimits) when every reading
 * would be taken (mergeCodexLimits's tests, nothing folded), else folded now as foldRateLimits folds them.
 */
function foldRun(raw: unknown, timestampMs: number, state: CodexFileState, primary: CodexRateLimit | undefined, primaryResetsIn: number | undefined, secondary: CodexRateLimit | undefined, secondaryResetsIn: number | undefined, credits: CodexCredits | undefined): void {
  if ((primary === undefined || codexLimitTaken(state.rateLimits, primary)) && (secondary === undefined || codexLimitTaken(state.rateLimits, secondary))) {
    const pending = pendingLimits;
    pending.state = state;
    pending.raw = raw;
    pending.atMs = timestampMs;
    pending.primary = primary;
    pending.primaryResetsIn = primaryResetsIn;
    pending.secondary = secondary;
    pending.secondaryResetsIn = secondaryResetsIn;
    pending.credits = credits;
    return;
  }
  if (primary || secondary) state.rateLimits = mergeCodexLimits(state.rateLimits, primary && secondary ? [primary, secondary] : [(primary ?? secondary)!]);
  if (credits && (!state.credits || credits.observedAtMs >= state.credits.observedAtMs)) state.credits = credits;
}

/** Forget a deferred fold without making it (tests: the reader as in a new process). */
export function dropPendingLimits(): void {
  pendingLimits.state = undefined;
  pendingLimits.primary = pendingLimits.secondary = pendingLimits.credits = undefined;
}
