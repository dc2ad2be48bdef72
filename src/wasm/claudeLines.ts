// AssemblyScript (compiled to WebAssembly by `npm run build`, not by tsc): the field picker of src/core/fieldPicker.ts
// for Claude Code transcript lines (src/sources/agents/claude/parser.ts, `claudeLineFields`, decided by `type`), as
// a kernel that walks a whole range of lines. It validates each line as the picker does and says where the values of
// the fields a bill depends on start; the caller reads them with the picker's own `readScalar`. Wherever the picker
// could answer otherwise than "this object" or "not wanted" — invalid JSON, an escaped key or `type`, a field written
// twice, nesting near the bounds — the line is handed back unsure, and the caller reads it the JavaScript way.

// Memory: [0, 64 KiB) this module's data; the caller's bytes and the records, where the caller says.

import { quote, backslash, colon, comma, openBrace, closeBrace, openBracket, newline, maxDepth, maxContainers, containers, sawEscape, isSpace, skipSpace, isDigit, digitsEnd, validStringEnd, scalarEnd, memberNameEnd, skipValue } from './shared/json';

/**
 * Per line record (i32s): line start, line end (trailing blanks cut), status, then two entries per field: where its
 * value starts (or what is there instead), and where a scalar value ends, plus `escaped` for a string with an escape.
 */
export const recordFields: i32 = 3 + 2 * 19;
export const escaped: i32 = 1 << 30;
/** Status: not `{…}` (malformed for the caller), unsure (the caller reads it), or picked (the fields below). */
export const statusNotObject: i32 = 0;
export const statusUnsure: i32 = 1;
export const statusPicked: i32 = 2;
/** A field's entry: where its scalar value starts (≥ 0), or one of these. */
export const fieldAbsent: i32 = -1;
export const fieldObject: i32 = -2;
export const fieldEmptyObject: i32 = -3;
export const fieldEmptyArray: i32 = -4;

// Field numbers (the caller's table must list them in this order).
const fType = 0;
const fTimestamp = 1;
const fSessionId = 2;
const fIsSidechain = 3;
const fAgentId = 4;
const fRequestId = 5;
const fMessage = 6;
const fId = 7;
const fModel = 8;
const fUsage = 9;
const fInputTokens = 10;
const fOutputTokens = 11;
const fCacheCreationInputTokens = 12;
const fCacheReadInputTokens = 13;
const fCacheCreation = 14;
const fSpeed = 15;
const fServerToolUse = 16;
const fEphemeral1h = 17;
const fWebSearchRequests = 18;

// Objects read into, by level: 0 the line, 1 message, 2 usage, 3 cache_creation, 4 server_tool_use.
const levelLine = 0;
const levelMessage = 1;
const levelUsage = 2;
const levelCacheCreation = 3;
const levelServerToolUse = 4;

const keyBytes = memory.data<u8>([
  // "type" 0, "timestamp" 4, "sessionId" 13, "isSidechain" 22, "agentId" 33, "requestId" 40, "message" 49, "id" 56,
  // "model" 58, "usage" 63, "input_tokens" 68, "output_tokens" 80, "cache_creation_input_tokens" 93,
  // "cache_read_input_tokens" 120, "cache_creation" 143, "speed" 157, "server_tool_use" 162,
  // "ephemeral_1h_input_tokens" 177, "web_search_requests" 202, "assistant" 221
  0x74, 0x79, 0x70, 0x65,
  0x74, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70,
  0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x49, 0x64,
  0x69, 0x73, 0x53, 0x69, 0x64, 0x65, 0x63, 0x68, 0x61, 0x69, 0x6e,
  0x61, 0x67, 0x65, 0x6e, 0x74, 0x49, 0x64,
  0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x49, 0x64,
  0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65,
  0x69, 0x64,
  0x6d, 0x6f, 0x64, 0x65, 0x6c,
  0x75, 0x73, 0x61, 0x67, 0x65,
  0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x6f, 0x75, 0x74, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x63, 0x72, 0x65, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x63, 0x72, 0x65, 0x61, 0x74, 0x69, 0x6f, 0x6e,
  0x73, 0x70, 0x65, 0x65, 0x64,
  0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x5f, 0x74, 0x6f, 0x6f, 0x6c, 0x5f, 0x75, 0x73, 0x65,
  0x65, 0x70, 0x68, 0x65, 0x6d, 0x65, 0x72, 0x61, 0x6c, 0x5f, 0x31, 0x68, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73,
  0x77, 0x65, 0x62, 0x5f, 0x73, 0x65, 0x61, 0x72, 0x63, 0x68, 0x5f, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x73,
  0x61, 0x73, 0x73, 0x69, 0x73, 0x74, 0x61, 0x6e, 0x74,
]);

// Per line: where the current record is (containers seen and escapes: shared/json.ts).
let record: usize = 0;
/** Lines the last `scanLines` passed over without a record: not wanted (their `type` says so). */
let notWantedLines: i32 = 0;
let writtenRecords: i32 = 0;

export function notWanted(): i32 {
  return notWantedLines;
}

@inline function sameKey(from: i32, length: i32, key: i32, keyLength: i32): bool {
  if (length != keyLength) return false;
  for (let k = 0; k < length; k++) if (load<u8>(from + k) != load<u8>(keyBytes + key + k)) return false;
  return true;
}

/** The field a key names in an object of `level`, or -1. */
function fieldOf(level: i32, from: i32, length: i32): i32 {
  if (level == levelLine) {
    if (sameKey(from, length, 0, 4)) return fType;
    if (sameKey(from, length, 4, 9)) return fTimestamp;
    if (sameKey(from, length, 13, 9)) return fSessionId;
    if (sameKey(from, length, 22, 11)) return fIsSidechain;
    if (sameKey(from, length, 33, 7)) return fAgentId;
    if (sameKey(from, length, 40, 9)) return fRequestId;
    if (sameKey(from, length, 49, 7)) return fMessage;
  } else if (level == levelMessage) {
    if (sameKey(from, length, 56, 2)) return fId;
    if (sameKey(from, length, 58, 5)) return fModel;
    if (sameKey(from, length, 63, 5)) return fUsage;
  } else if (level == levelUsage) {
    if (sameKey(from, length, 68, 12)) return fInputTokens;
    if (sameKey(from, length, 80, 13)) return fOutputTokens;
    if (sameKey(from, length, 93, 27)) return fCacheCreationInputTokens;
    if (sameKey(from, length, 120, 23)) return fCacheReadInputTokens;
    if (sameKey(from, length, 143, 14)) return fCacheCreation;
    if (sameKey(from, length, 157, 5)) return fSpeed;
    if (sameKey(from, length, 162, 15)) return fServerToolUse;
  } else if (level == levelCacheCreation) {
    if (sameKey(from, length, 177, 25)) return fEphemeral1h;
  } else if (level == levelServerToolUse) {
    if (sameKey(from, length, 202, 19)) return fWebSearchRequests;
  }
  return -1;
}

/** The level of the object a field reads into, or -1 for a field read as a value. */
function subLevel(field: i32): i32 {
  if (field == fMessage) return levelMessage;
  if (field == fUsage) return levelUsage;
  if (field == fCacheCreation) return levelCacheCreation;
  if (field == fServerToolUse) return levelServerToolUse;
  return -1;
}

const unsure: i32 = -1;
const stopped: i32 = -2;

@inline function setField(field: i32, value: i32, end: i32): bool {
  const at = record + 12 + (<usize>field << 3);
  // A field written twice: the JavaScript picker decides which occurrence counts.
  if (load<i32>(at) != fieldAbsent) return false;
  store<i32>(at, value);
  store<i32>(at + 4, end);
  return true;
}

/** fieldPicker's pickObject for the object at `i` of `level`: index past it, `unsure` or `stopped`. */
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
      const sub = subLevel(field);
      if (b == openBrace && sub != -1) {
        if (!setField(field, fieldObject, 0)) return unsure;
        i = pickObject(i, end, sub, depth + 1);
        if (i < 0) return unsure;
      } else if (b == openBrace || b == openBracket) {
        if (!setField(field, b == openBrace ? fieldEmptyObject : fieldEmptyArray, 0)) return unsure;
        i = skipValue(i, end, depth);
        if (i == -1) return unsure;
      } else {
        const from = i;
        let flags = 0;
        if (b == quote) {
          i = validStringEnd(i, end);
          if (sawEscape) flags = escaped;
          if (i == -1) return unsure;
          // The deciding field, a string: an escaped one is decoded by the caller's picker.
          if (level == levelLine && field == fType) {
            if (sawEscape) return unsure;
            if (!sameKey(from + 1, i - 1 - (from + 1), 221, 9)) {
              // Written twice before it decides: the caller's picker says which counts.
              if (load<i32>(record + 12) != fieldAbsent) return unsure;
              return stopped;
            }
          }
        } else {
          i = scalarEnd(i, end);
          if (i == -1) return unsure;
        }
        if (!setField(field, from, i | flags)) return unsure;
      }
    }
    i = skipSpace(i, end);
    if (i >= end) return unsure;
    const c: u32 = load<u8>(i);
    if (c == closeBrace) return i + 1;
    if (c != comma) return unsure;
    i = skipSpace(i + 1, end);
  }
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
  while (lineStart < end) {
    if (written == maxRecords) {
      writtenRecords = written;
      return lineStart;
    }
    let lineEnd = lineStart;
    // The newline: sixteen bytes at a time.
    const newlines = i8x16.splat(<i8>newline);
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
      record = records + (<usize>written * <usize>recordFields << 2);
      store<i32>(record, lineStart);
      store<i32>(record + 4, stop);
      let status = statusNotObject;
      if (stop - lineStart >= 2 && <u32>load<u8>(lineStart) == openBrace && <u32>load<u8>(stop - 1) == closeBrace) {
        for (let k = 0; k < 19; k++) store<i32>(record + 12 + (<usize>k << 3), fieldAbsent);
        containers = 0;
        const at = pickObject(lineStart, stop, levelLine, 1);
        if (at == stopped) status = -1;
        else status = at >= 0 && skipSpace(at, stop) == stop ? statusPicked : statusUnsure;
      }
      if (status == -1) notWantedLines++;
      else {
        store<i32>(record + 8, status);
        written++;
      }
    }
    lineStart = lineEnd + 1;
  }
  writtenRecords = written;
  return end;
}

/** Records written by the last `scanLines` (what it returned is where it stopped). */
export function recordsWritten(): i32 {
  return writtenRecords;
}
