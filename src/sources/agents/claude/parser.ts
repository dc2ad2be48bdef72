import { FieldPicker, NOT_WANTED, type FieldShape } from '../../../core/fieldPicker';
import { isJsonShapeBounded } from '../../../core/jsonText';
import { forEachLine, parseJson, type LineTally } from '../../../core/lineParser';
import { isPlausibleTimeMs, type LineOutcome, type ParsedUsage } from '../../../core/usageEvent';
import type { ClaudeFileContext } from './paths';

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1e12;
}

function countOr0(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return isCount(value) ? Math.round(value) : undefined;
}

/**
 * Turns one parsed transcript line into usage. Only an assistant message's own
 * `message.usage` is a bill: a sub-agent's usage quoted inside a tool result
 * (`toolUseResult.usage` on a user line) is already counted from the sub-agent's lines.
 */
export function usageFromClaudeRecord(record: unknown, file: ClaudeFileContext): LineOutcome {
  if (typeof record !== 'object' || record === null) return 'malformed';
  const line = record as Record<string, unknown>;
  // Third-party or converted files may drop `type`; such a line cannot be judged, so it is skipped and counted.
  if (line.type === undefined) return 'malformed';
  if (line.type !== 'assistant') return 'not-usage';
  const message = line.message as Record<string, unknown> | undefined;
  if (typeof message !== 'object' || message === null) return 'malformed';
  const usage = message.usage as Record<string, unknown> | undefined;
  if (usage === undefined || usage === null) return 'not-usage';
  if (typeof usage !== 'object') return 'malformed';
  const model = message.model;
  // Claude Code writes "<synthetic>" messages (errors, interruptions) that were never billed.
  if (model === '<synthetic>') return 'not-usage';
  if (typeof model !== 'string' || model.length === 0) return 'malformed';
  const timestampMs = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
  if (!isPlausibleTimeMs(timestampMs)) return 'malformed';

  const inputTokens = countOr0(usage.input_tokens);
  const outputTokens = countOr0(usage.output_tokens);
  const cacheWriteTokens = countOr0(usage.cache_creation_input_tokens);
  const cacheReadTokens = countOr0(usage.cache_read_input_tokens);
  if (inputTokens === undefined || outputTokens === undefined || cacheWriteTokens === undefined || cacheReadTokens === undefined) {
    return 'malformed';
  }
  // The split by cache lifetime, when present, prices 1-hour writes at 2× input instead of 1.25×.
  let cacheWrite1hTokens = 0;
  const split = usage.cache_creation as Record<string, unknown> | undefined;
  if (typeof split === 'object' && split !== null && isCount(split.ephemeral_1h_input_tokens)) {
    cacheWrite1hTokens = Math.min(Math.round(split.ephemeral_1h_input_tokens), cacheWriteTokens);
  }

  // Fast mode bills the same model at a per-model multiplier (price data keyed by model and speed):
  // the speed joins the model id, as ccusage names it (`claude-opus-4-6-fast`), so reports show it apart.
  const speed = typeof usage.speed === 'string' && /^[a-z]{1,16}$/.test(usage.speed) && usage.speed !== 'standard' ? usage.speed : undefined;
  // Server tools bill per use: Anthropic lists web search per 1,000 searches.
  const serverTools = usage.server_tool_use as Record<string, unknown> | undefined;
  const webSearchRequests = typeof serverTools === 'object' && serverTools !== null && isCount(serverTools.web_search_requests) ? Math.round(serverTools.web_search_requests) : 0;

  const isSidechain = line.isSidechain === true;
  const agentId = file.agentId || (isSidechain ? (typeof line.agentId === 'string' && line.agentId) || 'sidechain' : '');
  const sessionId = typeof line.sessionId === 'string' && line.sessionId.length > 0 ? line.sessionId : file.sessionId;
  const messageId = typeof message.id === 'string' && message.id.length > 0 ? message.id : undefined;
  const requestId = typeof line.requestId === 'string' && line.requestId.length > 0 ? line.requestId : undefined;

  return {
    dedupKey: messageId === undefined ? undefined : requestId === undefined ? messageId : `${messageId}:${requestId}`,
    event: {
      source: 'claude',
      timestampMs,
      sessionId,
      agentId,
      project: file.project,
      model: speed ? `${model}-${speed}` : model,
      inputTokens,
      outputTokens,
      cacheWrite5mTokens: cacheWriteTokens - cacheWrite1hTokens,
      cacheWrite1hTokens,
      cacheReadTokens,
      ...(webSearchRequests > 0 ? { webSearchRequests } : {}),
    },
  };
}

// Inside a JSON string a quote is always escaped, so an unescaped `"usage":` is a real
// key. Lines without one cannot carry usage and are never JSON-parsed.
const usageKey = Buffer.from('"usage":');

const contentKey = Buffer.from('"content":[');
const afterContent = Buffer.from('],"stop_reason":');

/**
 * Parses an assistant line without its `message.content` (the reply text and tool
 * inputs: most of the bytes, none of the usage). Relies on Claude Code's key order
 * (`content` right before `stop_reason`); any surprise falls back to a full parse.
 */
function parseWithoutContent(buf: Buffer, start: number, end: number, usageAt: number): unknown {
  const contentAt = buf.indexOf(contentKey, start);
  if (contentAt === -1 || contentAt > usageAt) return parseJson(buf, start, end);
  const closeAt = buf.lastIndexOf(afterContent, usageAt);
  if (closeAt < contentAt) return parseJson(buf, start, end);
  // `content` is cut out unparsed; what is left must be bounded like any line (else the bounded whole-line parse).
  if (!isJsonShapeBounded(buf, start, contentAt) || !isJsonShapeBounded(buf, closeAt, end)) return parseJson(buf, start, end);
  try {
    return JSON.parse(buf.toString('utf8', start, contentAt + contentKey.length) + buf.toString('utf8', closeAt, end));
  } catch {
    return parseJson(buf, start, end);
  }
}

// Every field usageFromClaudeRecord reads of a line (a field read there but missing here would read
// as absent: test/unit/parserExactness.test.ts records every read and fails on one not listed); a line whose top-level `type` is not `assistant` is not read on.
export const claudeLineFields: FieldShape = {
  type: true,
  timestamp: true,
  sessionId: true,
  isSidechain: true,
  agentId: true,
  requestId: true,
  message: {
    id: true,
    model: true,
    usage: {
      input_tokens: true,
      output_tokens: true,
      cache_creation_input_tokens: true,
      cache_read_input_tokens: true,
      cache_creation: { ephemeral_1h_input_tokens: true },
      speed: true,
      server_tool_use: { web_search_requests: true },
    },
  },
};
const claudeFields = new FieldPicker(claudeLineFields, { key: 'type', accept: ['assistant'] });

/** Parses the complete lines in `buf[start, end)` of a Claude Code transcript. */
export function parseClaudeLines(buf: Buffer, start: number, end: number, file: ClaudeFileContext, sink: (usage: ParsedUsage) => void, tally: LineTally): void {
  forEachLine(buf, start, end, tally, sink, (lineStart, stop) => readClaudeLine(buf, lineStart, stop, file));
}

/** One line `buf[lineStart, stop)` that looks like a JSON object (see forEachLine). */
export function readClaudeLine(buf: Buffer, lineStart: number, stop: number, file: ClaudeFileContext): LineOutcome {
  // Most lines: their fields read straight from the bytes (user and progress lines stop at their `type`).
  const picked = claudeFields.pick(buf, lineStart, stop);
  if (picked === NOT_WANTED) return 'not-usage';
  if (picked !== undefined && picked.type !== undefined) return usageFromClaudeRecord(picked, file);
  return readUnpicked(buf, lineStart, stop, file);
}

/** A line the picker could not read whole, or read without a `type`. */
export function readUnpicked(buf: Buffer, lineStart: number, stop: number, file: ClaudeFileContext): LineOutcome {
  // Not valid JSON, or no `type`: an assistant line ends with its usage, so search from the end.
  const usageAt = buf.subarray(lineStart, stop).lastIndexOf(usageKey);
  if (usageAt === -1) return 'not-usage';
  return usageFromClaudeRecord(parseWithoutContent(buf, lineStart, stop, lineStart + usageAt), file);
}
