// AssemblyScript (compiled to WebAssembly by `npm run build`, not by tsc): the line walk of the Codex rollout reader
// (src/sources/agents/codex/parser.ts) as a kernel that walks a whole range of lines. Each line is sorted by its
// first bytes exactly as parser.ts's lineKind sorts it; the lines lineKind rules out (response items, events other
// than token counts: most lines) are only counted, as the JavaScript reader only counts them. A token count written
// the way Codex writes it is validated whole as the field picker would (src/core/fieldPicker.ts, `codexLineFields`)
// and its record says where its time and rate limits are and what its counts are; the caller computes the usage with
// the same functions as the JavaScript reader. Every other line — turn contexts, session metas, other starts, and
// any token count the picker could read otherwise than "this object" (invalid JSON, an escaped key, a field written
// twice, nesting near the bounds, a count that is not a plain integer, a value of another kind than Codex writes) —
// is handed back, and the caller reads it the JavaScript way, whole.

// Memory: [0, 64 KiB) this module's data; the caller's bytes and the records, where the caller says.

import { quote, backslash, colon, comma, openBrace, closeBrace, openBracket, newline, maxDepth, maxContainers, containers, sawEscape, isSpace, skipSpace, isDigit, digitsEnd, validStringEnd, scalarEnd, memberNameEnd, skipValue } from './shared/json';

/**
 * Per line record (i32s): line start, line end (trailing blanks cut), status; for a token count: where its time's
 * value starts and ends (quotes included), where its rate limits' value starts and ends (-1: absent), what `info`,
 * `total_token_usage` and `last_token_usage` are (absentValue, nullValue, objectValue), the generation of its rate
 * limits' bytes (see keptLimits); for a turn context, the generation of the bytes after its turn id (keptTurn). From
 * byte 64 on, f64s: the time in epoch ms as isoUtcMs reads it (NaN: the caller asks Date.parse), then the two usage
 * objects' input, cached input, cache read input, output and total tokens (-1 where absent). From int 70 (see
 * limitNumbersAt), f64s: primary's and secondary's used_percent, window_minutes, resets_at and resets_in_seconds as
 * plainNumberAt reads them (NaN: any other value, or absent; the caller reads the value's bounds then).
 */
export const recordInts: i32 = 86;
/** Where a token count's eight window numbers start (ints; see recordInts), and where the ints before them end. */
export const limitNumbersAt: i32 = 70;
/**
 * A token count's rate limits, from int 38 (see limitsAt): whether they were read into the record (1; 0 when they
 * are the bytes kept, or not an object), what `primary`, `secondary` and `credits` are (absentValue, otherValue,
 * objectValue), then for limit_id, limit_name, plan_type, primary's and secondary's used_percent, window_minutes,
 * resets_at and resets_in_seconds, credits' has_credits, unlimited and balance: where the scalar value starts and
 * ends (`escaped` in the end for a string with an escape), absentValue, or otherValue (a container).
 */
export const limitsAt: i32 = 38;
export const otherValue: i32 = -2;
export const statusNotObject: i32 = 0;
export const statusOther: i32 = 1;
export const statusCount: i32 = 2;
/** A turn context whose bytes after its turn id are those of generation `record[11]`: the caller has read it already. */
export const statusTurnRepeat: i32 = 3;
/** A turn context whose bytes after its turn id start generation `record[11]`: the caller reads it whole. */
export const statusTurnNew: i32 = 4;
/**
 * A session meta (`record[10]` = 0) or turn context (1), validated as a token count is, whose payload's `id`, `cwd`
 * and `model` (what a record of either is read for) are at ints 18-19, 20-21, 22-23: where a string value starts and
 * ends (`escaped` in the end when it holds an escape), -1 absent, -2 a value that is no string. A turn context's
 * generation of its bytes after the turn id in `record[11]` (0: none).
 */
export const statusMeta: i32 = 5;
export const escaped: i32 = 1 << 30;
export const absentValue: i32 = -1;
export const nullValue: i32 = 0;
export const objectValue: i32 = 1;

// Fields, numbered for the bit of `seen` that says a line wrote it (a field written twice: the picker keeps the last).
const fTimestamp = 0;
const fType = 1;
const fPayload = 2;
const fPayloadType = 3;
const fId = 4;
const fCwd = 5;
const fModel = 6;
const fInfo = 7;
const fRateLimits = 8;
const fTotal = 9;
const fLast = 10;
/** The first count of `total_token_usage` (five: input, cached input, cache read input, output, total); then `last_token_usage`'s. */
const fTotalCounts = 11;
const fLastCounts = 16;
// rate_limits' fields: limit_id, limit_name, plan_type, primary, secondary, credits; primary's four, secondary's four
// (used_percent, window_minutes, resets_at, resets_in_seconds); credits' three (has_credits, unlimited, balance).
const fLimitId = 21;
const fPrimary = 24;
const fSecondary = 25;
const fCredits = 26;
const fPrimaryFields = 27;
const fSecondaryFields = 31;
const fCreditsFields = 35;
const fLastField = 37;

// Objects read into: 0 the line, 1 payload, 2 info, 3 total_token_usage, 4 last_token_usage.
const levelLine = 0;
const levelPayload = 1;
const levelInfo = 2;
const levelTotal = 3;
const levelLast = 4;
const levelLimits = 5;
const levelPrimary = 6;
const levelSecondary = 7;
const levelCredits = 8;

const keyBytes = memory.data<u8>([
  // "timestamp" 0/9, "type" 9/4, "payload" 13/7, "id" 20/2, "cwd" 22/3, "model" 25/5, "info" 30/4, "rate_limits" 34/11,
  // "total_token_usage" 45/17, "last_token_usage" 62/16, "input_tokens" 78/12, "cached_input_tokens" 90/19,
  // "cache_read_input_tokens" 109/23, "output_tokens" 132/13, "total_tokens" 145/12, then lineKind's runs:
  // `{"timestamp":"` 157/14, `","type":"` 171/10, `","payload":{"type":"` 181/21, `event_msg"` 202/10,
  // `turn_context"` 212/13, `session_meta"` 225/13, `token_count"` 238/12
  0x74, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70,
  0x74, 0x79, 0x70, 0x65,
  0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64,
  0x69, 0x64,
  0x63, 0x77, 0x64,
  0x6d, 0x6f, 0x64, 0x65, 0x6c,
  0x69, 0x6e, 0x66, 0x6f,
  0x72, 0x61, 0x74, 0x65, 0x5f, 0x6c, 0x69, 0x6d, 0x69, 0x74, 0x73,
  0x74, 0x6f, 0x74, 0x61, 0x6c, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x5f, 0x75, 0x73, 0x61, 0x67, 0x65,
  0x6c, 0x61, 0x73, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x5f, 0x75, 0x73, 0x61, 0x67, 0x65,
  0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x63, 0x61, 0x63, 0x68, 0x65, 0x64, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x6f, 0x75, 0x74, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x74, 0x6f, 0x74, 0x61, 0x6c, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x7b, 0x22, 0x74, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x22, 0x3a, 0x22,
  0x22, 0x2c, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22,
  0x22, 0x2c, 0x22, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x22, 0x3a, 0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22,
  0x65, 0x76, 0x65, 0x6e, 0x74, 0x5f, 0x6d, 0x73, 0x67, 0x22,
  0x74, 0x75, 0x72, 0x6e, 0x5f, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x78, 0x74, 0x22,
  0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x5f, 0x6d, 0x65, 0x74, 0x61, 0x22,
  0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x5f, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x22,
  // `,"payload":{"turn_id":"` 250/23
  0x2c, 0x22, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x22, 0x3a, 0x7b, 0x22, 0x74, 0x75, 0x72, 0x6e, 0x5f, 0x69, 0x64, 0x22, 0x3a, 0x22,
  // "limit_id" 273/8, "limit_name" 281/10, "plan_type" 291/9, "primary" 300/7, "secondary" 307/9, "credits" 316/7,
  // "used_percent" 323/12, "window_minutes" 335/14, "resets_at" 349/9, "resets_in_seconds" 358/17,
  // "has_credits" 375/11, "unlimited" 386/9, "balance" 395/7
  0x6c, 0x69, 0x6d, 0x69, 0x74, 0x5f, 0x69, 0x64,
  0x6c, 0x69, 0x6d, 0x69, 0x74, 0x5f, 0x6e, 0x61, 0x6d, 0x65,
  0x70, 0x6c, 0x61, 0x6e, 0x5f, 0x74, 0x79, 0x70, 0x65,
  0x70, 0x72, 0x69, 0x6d, 0x61, 0x72, 0x79,
  0x73, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x61, 0x72, 0x79,
  0x63, 0x72, 0x65, 0x64, 0x69, 0x74, 0x73,
  0x75, 0x73, 0x65, 0x64, 0x5f, 0x70, 0x65, 0x72, 0x63, 0x65, 0x6e, 0x74,
  0x77, 0x69, 0x6e, 0x64, 0x6f, 0x77, 0x5f, 0x6d, 0x69, 0x6e, 0x75, 0x74, 0x65, 0x73,
  0x72, 0x65, 0x73, 0x65, 0x74, 0x73, 0x5f, 0x61, 0x74,
  0x72, 0x65, 0x73, 0x65, 0x74, 0x73, 0x5f, 0x69, 0x6e, 0x5f, 0x73, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x73,
  0x68, 0x61, 0x73, 0x5f, 0x63, 0x72, 0x65, 0x64, 0x69, 0x74, 0x73,
  0x75, 0x6e, 0x6c, 0x69, 0x6d, 0x69, 0x74, 0x65, 0x64,
  0x62, 0x61, 0x6c, 0x61, 0x6e, 0x63, 0x65,
]);

/**
 * The last rate limits value read and the last turn context's bytes after its turn id, each with a generation that
 * changes when they do. Most token counts repeat the rate limits before them, and most turn contexts the one before
 * them but for their time and turn id (parser.ts's lastTurnContext): the caller keeps what it read of a generation,
 * and a record of the same generation is read from that. A value longer than the room is never kept (generation 0).
 */
const keptLimitsRoom: i32 = 4096;
const keptLimits = memory.data(4096);
let keptLimitsLength: i32 = -1;
// Containers in the kept rate limits (counted against the line's bound when they are passed over as kept).
let keptLimitsContainers: i32 = 0;
let limitsGeneration: i32 = 0;
const keptTurnRoom: i32 = 16384;
const keptTurn = memory.data(16384);
let keptTurnLength: i32 = -1;
let turnGeneration: i32 = 0;

/** Whether `[from, from + length)` holds the bytes at `kept` (`keptLength` of them). */
function sameAsKept(from: i32, length: i32, kept: usize, keptLength: i32): bool {
  if (length != keptLength) return false;
  let k = 0;
  while (k + 16 <= length) {
    if (!v128.all_true<i8>(i8x16.eq(v128.load(from + k), v128.load(kept + k)))) return false;
    k += 16;
  }
  while (k < length) {
    if (load<u8>(from + k) != load<u8>(kept + k)) return false;
    k++;
  }
  return true;
}

/** The generation of the rate limits value `[from, to)`: the kept one's when the same bytes, else a new one. */
function limitsGenerationOf(from: i32, to: i32): i32 {
  const length = to - from;
  if (limitsGeneration > 0 && sameAsKept(from, length, keptLimits, keptLimitsLength)) return limitsGeneration;
  limitsGeneration++;
  if (length > keptLimitsRoom) {
    keptLimitsLength = -1;
    return -limitsGeneration;
  }
  memory.copy(keptLimits, from, length);
  keptLimitsLength = length;
  return limitsGeneration;
}

/** The generation of a turn context's bytes after its turn id, `[from, to)`; negated when they start a new one. */
function turnGenerationOf(from: i32, to: i32): i32 {
  const length = to - from;
  if (turnGeneration > 0 && keptTurnLength >= 0 && sameAsKept(from, length, keptTurn, keptTurnLength)) return turnGeneration;
  turnGeneration++;
  if (length > keptTurnRoom) keptTurnLength = -1;
  else {
    memory.copy(keptTurn, from, length);
    keptTurnLength = length;
  }
  return -turnGeneration;
}

/**
 * isoUtcMs (src/core/isoTimestamp.ts) of the 24 bytes at `at`: epoch ms of `YYYY-MM-DDTHH:MM:SS.sssZ` as Date.UTC
 * gives it (a day past the month's end rolls over, as Date.UTC's MakeDay does), or NaN where isoUtcMs gives NaN.
 */
function isoUtcMs(at: i32): f64 {
  if (load<u8>(at + 4) != 0x2d || load<u8>(at + 7) != 0x2d || load<u8>(at + 10) != 0x54 || load<u8>(at + 13) != 0x3a || load<u8>(at + 16) != 0x3a || load<u8>(at + 19) != 0x2e || load<u8>(at + 23) != 0x5a) return NaN;
  const year = digits(at, 4);
  const month = digits(at + 5, 2);
  const day = digits(at + 8, 2);
  const hour = digits(at + 11, 2);
  const minute = digits(at + 14, 2);
  const second = digits(at + 17, 2);
  const ms = digits(at + 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return NaN;
  // Days from 1970-01-01 to the first of the month (Howard Hinnant's days_from_civil), then the day's.
  const y: i64 = <i64>(month <= 2 ? year - 1 : year);
  const era: i64 = y / 400;
  const yearOfEra: i64 = y - era * 400;
  const m: i64 = <i64>month;
  const dayOfYear: i64 = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
  const dayOfEra: i64 = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  const days: i64 = era * 146097 + dayOfEra - 719468 + <i64>(day - 1);
  return <f64>(days * 86400000 + <i64>hour * 3600000 + <i64>minute * 60000 + <i64>second * 1000 + <i64>ms);
}

function digits(at: i32, count: i32): i32 {
  let n = 0;
  for (let k = at; k < at + count; k++) {
    const d = <i32>load<u8>(k) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// Per line: the fields written, where the record is (containers seen and escapes: shared/json.ts).
let seen: i64 = 0;
// Whether the line being read is a session meta or turn context (its payload's id, cwd and model are recorded).
let readingMeta: bool = false;
let record: usize = 0;
/** Lines the last `scanLines` passed over without a record (lineKind's NotWanted). */
let notWantedLines: i32 = 0;
let writtenRecords: i32 = 0;

export function notWanted(): i32 {
  return notWantedLines;
}

/** Records written by the last `scanLines` (what it returned is where it stopped). */
export function recordsWritten(): i32 {
  return writtenRecords;
}

@inline function sameKey(from: i32, length: i32, key: i32, keyLength: i32): bool {
  return length == keyLength && sameBytes(from, keyBytes + key, length);
}

/**
 * Whether the `length` bytes at `a` and at `b` are the same, sixteen at a time. Up to fifteen bytes past `length`
 * are loaded but not compared: the kernel's memory goes on past its input (sixteen bytes of padding, then the
 * records) and past the key bytes (its data), so such a load stays inside it.
 */
@inline function sameBytes(a: usize, b: usize, length: i32): bool {
  let k = 0;
  while (length - k > 16) {
    if (!v128.all_true<i8>(i8x16.eq(v128.load(a + k), v128.load(b + k)))) return false;
    k += 16;
  }
  const want = (1 << (length - k)) - 1;
  return (i8x16.bitmask(i8x16.eq(v128.load(a + k), v128.load(b + k))) & want) == want;
}

/** Whether `[at, end)` starts with the run of key bytes at `key` (byteRuns' bytesAt). */
@inline function bytesAt(at: i32, end: i32, key: i32, keyLength: i32): bool {
  return at + keyLength <= end && sameKey(at, keyLength, key, keyLength);
}

/**
 * The field a key names in an object of `level`, or -1. By the key's length first: at most two comparisons where
 * the chain of them was up to six (token counts' keys are most of what the kernel compares).
 */
function fieldOf(level: i32, from: i32, length: i32): i32 {
  if (level == levelLine) {
    if (length == 9) return sameKey(from, length, 0, 9) ? fTimestamp : -1;
    if (length == 4) return sameKey(from, length, 9, 4) ? fType : -1;
    if (length == 7) return sameKey(from, length, 13, 7) ? fPayload : -1;
  } else if (level == levelPayload) {
    if (length == 4) {
      if (sameKey(from, length, 9, 4)) return fPayloadType;
      if (sameKey(from, length, 30, 4)) return fInfo;
    } else if (length == 11) return sameKey(from, length, 34, 11) ? fRateLimits : -1;
    else if (length == 2) return sameKey(from, length, 20, 2) ? fId : -1;
    else if (length == 3) return sameKey(from, length, 22, 3) ? fCwd : -1;
    else if (length == 5) return sameKey(from, length, 25, 5) ? fModel : -1;
  } else if (level == levelInfo) {
    if (length == 17) return sameKey(from, length, 45, 17) ? fTotal : -1;
    if (length == 16) return sameKey(from, length, 62, 16) ? fLast : -1;
  } else if (level == levelTotal || level == levelLast) {
    const first = level == levelTotal ? fTotalCounts : fLastCounts;
    if (length == 12) {
      if (sameKey(from, length, 78, 12)) return first;
      if (sameKey(from, length, 145, 12)) return first + 4;
    } else if (length == 13) return sameKey(from, length, 132, 13) ? first + 3 : -1;
    else if (length == 19) return sameKey(from, length, 90, 19) ? first + 1 : -1;
    else if (length == 23) return sameKey(from, length, 109, 23) ? first + 2 : -1;
  } else if (level == levelLimits) {
    if (length == 8) return sameKey(from, length, 273, 8) ? fLimitId : -1;
    if (length == 10) return sameKey(from, length, 281, 10) ? fLimitId + 1 : -1;
    if (length == 9) {
      if (sameKey(from, length, 291, 9)) return fLimitId + 2;
      if (sameKey(from, length, 307, 9)) return fSecondary;
    } else if (length == 7) {
      if (sameKey(from, length, 300, 7)) return fPrimary;
      if (sameKey(from, length, 316, 7)) return fCredits;
    }
  } else if (level == levelPrimary || level == levelSecondary) {
    const first = level == levelPrimary ? fPrimaryFields : fSecondaryFields;
    if (length == 12) return sameKey(from, length, 323, 12) ? first : -1;
    if (length == 14) return sameKey(from, length, 335, 14) ? first + 1 : -1;
    if (length == 9) return sameKey(from, length, 349, 9) ? first + 2 : -1;
    if (length == 17) return sameKey(from, length, 358, 17) ? first + 3 : -1;
  } else if (level == levelCredits) {
    if (length == 11) return sameKey(from, length, 375, 11) ? fCreditsFields : -1;
    if (length == 9) return sameKey(from, length, 386, 9) ? fCreditsFields + 1 : -1;
    if (length == 7) return sameKey(from, length, 395, 7) ? fCreditsFields + 2 : -1;
  }
  return -1;
}

/**
 * A count's value: a plain integer of at most 15 digits (exact as a double; what Codex writes), or -1 when it is
 * any other value (the caller reads the line: count() treats fractions, nulls and the rest its own way).
 */
function countAt(i: i32, end: i32): f64 {
  let n: f64 = 0;
  let k = i;
  while (k < end && isDigit(load<u8>(k))) {
    n = n * 10 + <f64>(<u32>load<u8>(k) - 0x30);
    k++;
  }
  if (k == i || k - i > 15 || (k - i > 1 && <u32>load<u8>(i) == 0x30)) return -1;
  if (k < end) {
    const b: u32 = load<u8>(k);
    if (b == 0x2e || b == 0x65 || b == 0x45) return -1;
  }
  return n;
}

/**
 * A scalar's number as fieldPicker.ts's scalarValue reads it without a string: at most 15 bytes, digits, then
 * optionally a point and zeros only (`19.0`); NaN for anything else (the caller reads those bytes itself).
 */
function plainNumberAt(from: i32, to: i32): f64 {
  if (to - from > 15) return NaN;
  let n: f64 = 0;
  let k = from;
  while (k < to && isDigit(load<u8>(k))) {
    n = n * 10 + <f64>(<u32>load<u8>(k) - 0x30);
    k++;
  }
  if (k > from && k < to && <u32>load<u8>(k) == 0x2e) {
    k++;
    while (k < to && <u32>load<u8>(k) == 0x30) k++;
  }
  return k > from && k == to ? n : NaN;
}

const unsure: i32 = -1;

/** The object at `i` of `level`, its fields written into the record: index past it, or `unsure`. */
function pickObject(i: i32, end: i32, level: i32, depth: i32): i32 {
  if (depth > maxDepth || ++containers > maxContainers || <u32>load<u8>(i) != openBrace) return unsure;
  i = skipSpace(i + 1, end);
  if (i < end && <u32>load<u8>(i) == closeBrace) return i + 1;
  while (true) {
    if (i >= end || <u32>load<u8>(i) != quote) return unsure;
    const nameEnd = validStringEnd(i, end);
    if (nameEnd == -1 || sawEscape) return unsure;
    const field = fieldOf(level, i + 1, nameEnd - 1 - (i + 1));
    i = skipSpace(nameEnd, end);
    if (i >= end || <u32>load<u8>(i) != colon) return unsure;
    i = skipSpace(i + 1, end);
    if (i >= end) return unsure;
    const b: u32 = load<u8>(i);
    if (field == -1) {
      i = skipValue(i, end, depth);
      if (i == -1) return unsure;
    } else {
      // Written twice: the picker keeps the last (and the first `type` decided), the caller's reader says what counts.
      if ((seen & (<i64>1 << <i64>field)) != 0) return unsure;
      seen |= <i64>1 << <i64>field;
      const from = i;
      if (field == fPayload) {
        if (b != openBrace) return unsure;
        i = pickObject(i, end, levelPayload, depth + 1);
      } else if (field == fInfo || field == fTotal || field == fLast) {
        const at = field == fInfo ? 7 : field == fTotal ? 8 : 9;
        if (b == openBrace) {
          store<i32>(record + (<usize>at << 2), objectValue);
          i = pickObject(i, end, field == fInfo ? levelInfo : field == fTotal ? levelTotal : levelLast, depth + 1);
        } else if (b == 0x6e && field == fInfo) {
          store<i32>(record + (<usize>at << 2), nullValue);
          i = scalarEnd(i, end);
        } else return unsure;
      } else if (field == fRateLimits) {
        if (b != openBrace && b != 0x6e) return unsure;
        if (b == openBrace && !readingMeta && limitsGeneration > 0 && keptLimitsLength > 0 && sameAsKept(from, min(keptLimitsLength, end - from), keptLimits, keptLimitsLength)) {
          // The bytes of the rate limits kept (most token counts'): a JSON value's bytes say where it ends, so these
          // are that value, valid as it was (at the same depth: a token count's payload's), with as many containers.
          i = from + keptLimitsLength;
          containers += keptLimitsContainers;
          store<i32>(record + 40, limitsGeneration);
        } else {
          const before = containers;
          if (b == openBrace && !readingMeta) {
            // Its fields into the record (the caller makes the object the picker would of them, once per generation).
            store<i32>(record + (<usize>limitsAt << 2), 1);
            i = pickObject(i, end, levelLimits, depth + 1);
          } else i = b == openBrace ? skipValue(i, end, depth) : scalarEnd(i, end);
          if (i >= 0 && b == openBrace && !readingMeta) {
            store<i32>(record + 40, limitsGenerationOf(from, i));
            keptLimitsContainers = containers - before;
          }
        }
        store<i32>(record + 20, from);
        store<i32>(record + 24, i);
      } else if (field == fPrimary || field == fSecondary || field == fCredits) {
        const kindAt = record + (<usize>(limitsAt + 1 + field - fPrimary) << 2);
        if (b == openBrace) {
          store<i32>(kindAt, objectValue);
          i = pickObject(i, end, field == fPrimary ? levelPrimary : field == fSecondary ? levelSecondary : levelCredits, depth + 1);
        } else {
          // Any other value: no reading there (rateLimitFrom and creditsFrom read objects only), as with null.
          store<i32>(kindAt, otherValue);
          i = skipValue(i, end, depth);
        }
      } else if (field >= fLimitId && field <= fLastField) {
        // A rate limits field read as a value: a scalar's bounds; a container reads as no value of the kind read (null).
        const at = record + (<usize>(limitsAt + 4 + 2 * (field - fLimitId - (field > fCredits ? 3 : 0))) << 2);
        if (b == quote) {
          i = validStringEnd(i, end);
          store<i32>(at, from);
          store<i32>(at + 4, sawEscape ? i | escaped : i);
        } else if (b == openBrace || b == openBracket) {
          i = skipValue(i, end, depth);
          store<i32>(at, otherValue);
        } else {
          i = scalarEnd(i, end);
          store<i32>(at, from);
          store<i32>(at + 4, i);
          // A window's number, read here as the caller's scalarValue would (most change at each change of the limits).
          if (field >= fPrimaryFields && field < fCreditsFields) store<f64>(record + (<usize>limitNumbersAt << 2) + (<usize>(field - fPrimaryFields) << 3), plainNumberAt(from, i));
        }
      } else if (field == fTimestamp) {
        if (b != quote) return unsure;
        i = validStringEnd(i, end);
        store<i32>(record + 12, from);
        store<i32>(record + 16, i);
        store<f64>(record + 64, i - from == 26 ? isoUtcMs(from + 1) : NaN);
      } else if (field >= fTotalCounts) {
        const n = countAt(i, end);
        if (n < 0) return unsure;
        // A session meta's or turn context's counts are not read (its record holds other values there).
        if (!readingMeta) store<f64>(record + 72 + (<usize>(field - fTotalCounts) << 3), n);
        i = scalarEnd(i, end);
      } else if (readingMeta && field >= fId && field <= fModel) {
        const at = record + 72 + (<usize>(field - fId) << 3);
        if (b == quote) {
          i = validStringEnd(i, end);
          store<i32>(at, from);
          store<i32>(at + 4, sawEscape ? i | escaped : i);
        } else {
          i = skipValue(i, end, depth);
          store<i32>(at, -2);
        }
      } else {
        // type, payload's type, and a token count's id, cwd and model: read by the picker, not for a usage.
        i = skipValue(i, end, depth);
      }
      if (i < 0) return unsure;
    }
    i = skipSpace(i, end);
    if (i >= end) return unsure;
    const c: u32 = load<u8>(i);
    if (c == closeBrace) return i + 1;
    if (c != comma) return unsure;
    i = skipSpace(i + 1, end);
  }
}

/** Index of the quote closing the plain string (no escapes, no control bytes) that starts at `at`, or -1 (parser.ts's). */
function plainStringEnd(at: i32, end: i32): i32 {
  let i = at;
  // Sixteen bytes at a time to the first quote, backslash or control byte.
  while (i + 16 <= end) {
    const v = v128.load(i);
    const mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, i8x16.splat(<i8>quote)), i8x16.eq(v, i8x16.splat(<i8>backslash))), i8x16.lt_u(v, i8x16.splat(0x20))));
    if (mask != 0) {
      i += ctz<i32>(mask);
      return <u32>load<u8>(i) == quote ? i : -1;
    }
    i += 16;
  }
  for (; i < end; i++) {
    const b: u32 = load<u8>(i);
    if (b == quote) return i;
    if (b == backslash || b < 0x20) return -1;
  }
  return -1;
}

const kindNotWanted = 0;
const kindTokenCount = 1;
const kindOther = 2;
const kindTurnContext = 3;
const kindSessionMeta = 4;
// Where lineKind stopped reading: past a turn context's type.
let kindEnd: i32 = 0;

/** parser.ts's lineKind. */
function lineKind(start: i32, end: i32): i32 {
  if (!bytesAt(start, end, 157, 14)) return kindOther;
  const timestampEnd = plainStringEnd(start + 14, end);
  if (timestampEnd == -1 || !bytesAt(timestampEnd, end, 171, 10)) return kindOther;
  const type = timestampEnd + 10;
  if (bytesAt(type, end, 212, 13)) {
    kindEnd = type + 13;
    return kindTurnContext;
  }
  if (bytesAt(type, end, 225, 13)) return kindSessionMeta;
  if (!bytesAt(type, end, 202, 10)) return plainStringEnd(type, end) == -1 ? kindOther : kindNotWanted;
  const payloadType = type + 10 - 1;
  if (!bytesAt(payloadType, end, 181, 21)) return kindOther;
  const kind = payloadType + 21;
  if (bytesAt(kind, end, 238, 12)) return kindTokenCount;
  return plainStringEnd(kind, end) == -1 ? kindOther : kindNotWanted;
}

@inline function isTrailingSpace(b: u32): bool {
  return b == 0x0d || b == 0x20 || b == 0x09;
}

/**
 * Walks the complete lines of `[start, end)` (as lineParser's forEachLine: blank lines skipped, trailing blanks cut)
 * and writes a record for each line that is not passed over as not wanted, from `records` on, at most `maxRecords`.
 * Returns where it stopped: `end`, or the start of the first line it had no room for.
 */
export function scanLines(start: i32, end: i32, records: usize, maxRecords: i32): i32 {
  notWantedLines = 0;
  let lineStart = start;
  let written = 0;
  const newlines = i8x16.splat(<i8>newline);
  while (lineStart < end) {
    if (written == maxRecords) {
      writtenRecords = written;
      return lineStart;
    }
    let lineEnd = lineStart;
    // The newline: sixty-four bytes at a time past long lines (tool outputs: most of a rollout's bytes), then sixteen.
    while (lineEnd + 64 <= end) {
      const a = v128.or(i8x16.eq(v128.load(lineEnd), newlines), i8x16.eq(v128.load(lineEnd + 16), newlines));
      const b = v128.or(i8x16.eq(v128.load(lineEnd + 32), newlines), i8x16.eq(v128.load(lineEnd + 48), newlines));
      if (v128.any_true(v128.or(a, b))) break;
      lineEnd += 64;
    }
    while (true) {
      if (lineEnd + 16 <= end) {
        const mask = i8x16.bitmask(i8x16.eq(v128.load(lineEnd), newlines));
        if (mask != 0) {
          lineEnd += ctz<i32>(mask);
          break;
        }
        lineEnd += 16;
      } else {
        while (lineEnd < end && <u32>load<u8>(lineEnd) != newline) lineEnd++;
        break;
      }
    }
    let stop = lineEnd;
    while (stop > lineStart && isTrailingSpace(load<u8>(stop - 1))) stop--;
    if (stop > lineStart) {
      let status = statusNotObject;
      if (stop - lineStart >= 2 && <u32>load<u8>(lineStart) == openBrace && <u32>load<u8>(stop - 1) == closeBrace) {
        const kind = lineKind(lineStart, stop);
        if (kind == kindNotWanted) status = -1;
        else if (kind == kindOther) status = statusOther;
        else if (kind == kindTurnContext || kind == kindSessionMeta) {
          record = records + (<usize>written * <usize>recordInts << 2);
          let generation = 0;
          if (kind == kindTurnContext) {
            // parser.ts's turnContextRest: the bytes after the turn id, when it is written as Codex writes it.
            const rest = bytesAt(kindEnd, stop, 250, 23) ? plainStringEnd(kindEnd + 23, stop) : -1;
            if (rest != -1) generation = turnGenerationOf(rest, stop);
          }
          store<i32>(record + 40, kind == kindTurnContext ? 1 : 0);
          store<i32>(record + 44, generation > 0 ? generation : -generation);
          if (generation > 0) status = statusTurnRepeat;
          else {
            for (let k = 0; k < 6; k += 2) store<i32>(record + 72 + (<usize>k << 2), absentValue);
            store<i32>(record + 20, absentValue);
            store<i32>(record + 28, absentValue);
            containers = 0;
            seen = 0;
            readingMeta = true;
            const at = pickObject(lineStart, stop, levelLine, 1);
            readingMeta = false;
            if (at >= 0 && skipSpace(at, stop) == stop) status = statusMeta;
            else status = generation < 0 ? statusTurnNew : statusOther;
          }
        } else {
          record = records + (<usize>written * <usize>recordInts << 2);
          store<i32>(record + 20, absentValue);
          store<i32>(record + 28, absentValue);
          store<i32>(record + 32, absentValue);
          store<i32>(record + 36, absentValue);
          store<i32>(record + 40, 0);
          for (let k = 0; k < 10; k++) store<f64>(record + 72 + (<usize>k << 3), -1);
          for (let k = limitsAt; k < limitsAt + 4; k++) store<i32>(record + (<usize>k << 2), k == limitsAt ? 0 : absentValue);
          for (let k = limitsAt + 4; k < limitNumbersAt; k += 2) store<i32>(record + (<usize>k << 2), absentValue);
          for (let k = 0; k < 8; k++) store<f64>(record + (<usize>limitNumbersAt << 2) + (<usize>k << 3), NaN);
          containers = 0;
          seen = 0;
          const at = pickObject(lineStart, stop, levelLine, 1);
          status = at >= 0 && skipSpace(at, stop) == stop ? statusCount : statusOther;
        }
      }
      if (status == -1) notWantedLines++;
      else {
        record = records + (<usize>written * <usize>recordInts << 2);
        store<i32>(record, lineStart);
        store<i32>(record + 4, stop);
        store<i32>(record + 8, status);
        written++;
      }
    }
    lineStart = lineEnd + 1;
  }
  writtenRecords = written;
  return end;
}
