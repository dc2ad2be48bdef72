// Builders for Claude Code 2.0.x transcript lines (one JSON object per line), shaped like the real
// files under ~/.claude/projects/<project>/<sessionId>.jsonl. All string arguments must already be
// JSON-escaped (text from TextPool is); ids and paths here never need escaping.

export const CLAUDE_VERSION = '2.0.28';

/** @typedef {{ sessionId: string, cwd: string, gitBranch?: string, isSidechain?: boolean, agentId?: string, version?: string }} LineContext */

function head(ctx, parentUuid) {
  const parent = parentUuid ? `"${parentUuid}"` : 'null';
  const agent = ctx.agentId ? `,"agentId":"${ctx.agentId}"` : '';
  return `{"parentUuid":${parent},"isSidechain":${ctx.isSidechain ? 'true' : 'false'},"userType":"external","cwd":"${ctx.cwd}","sessionId":"${ctx.sessionId}","version":"${ctx.version ?? CLAUDE_VERSION}","gitBranch":"${ctx.gitBranch ?? 'main'}"${agent}`;
}

export function isoTime(ms) {
  return new Date(ms).toISOString();
}

/**
 * @typedef {{ inputTokens: number, outputTokens: number, cacheWrite5mTokens: number, cacheWrite1hTokens: number, cacheReadTokens: number }} Usage
 */

export function usageJson(u) {
  const write = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  return `{"input_tokens":${u.inputTokens},"cache_creation_input_tokens":${write},"cache_read_input_tokens":${u.cacheReadTokens},"cache_creation":{"ephemeral_5m_input_tokens":${u.cacheWrite5mTokens},"ephemeral_1h_input_tokens":${u.cacheWrite1hTokens}},"output_tokens":${u.outputTokens},"service_tier":"standard"}`;
}

/** A prompt typed by the user. */
export function userPromptLine(ctx, { parentUuid, uuid, timestampMs, text }) {
  const meta = ctx.isSidechain ? '' : ',"thinkingMetadata":{"level":"high","disabled":false,"triggers":[]}';
  return `${head(ctx, parentUuid)},"type":"user","message":{"role":"user","content":"${text}"},"uuid":"${uuid}","timestamp":"${isoTime(timestampMs)}"${meta}}\n`;
}

/**
 * One streamed content block of an assistant message. Claude Code writes one line per content block,
 * each repeating message.id, requestId and usage.
 * @param {{ parentUuid: string|null, uuid: string, timestampMs: number, model: string, messageId: string,
 *   requestId?: string|null, block: string, stopReason?: string|null, usage: Usage, usageOverride?: string }} a
 */
export function assistantLine(ctx, a) {
  const stop = a.stopReason ? `"${a.stopReason}"` : 'null';
  const request = a.requestId ? `,"requestId":"${a.requestId}"` : '';
  const usage = a.usageOverride ?? usageJson(a.usage);
  return `${head(ctx, a.parentUuid)},"message":{"model":"${a.model}","id":"${a.messageId}","type":"message","role":"assistant","content":[${a.block}],"stop_reason":${stop},"stop_sequence":null,"usage":${usage}}${request},"type":"assistant","uuid":"${a.uuid}","timestamp":"${isoTime(a.timestampMs)}"}\n`;
}

export function textBlock(text) {
  return `{"type":"text","text":"${text}"}`;
}

export function thinkingBlock(text, signature) {
  return `{"type":"thinking","thinking":"${text}","signature":"${signature}"}`;
}

export function toolUseBlock(id, name, inputJson) {
  return `{"type":"tool_use","id":"${id}","name":"${name}","input":${inputJson}}`;
}

/**
 * The user line that carries a tool's result back to the model. `toolUseResultJson` is Claude Code's
 * structured copy of the result (for Read and Edit it repeats the whole file, which is why tool results
 * are most of the bytes of real logs).
 */
export function toolResultLine(ctx, { parentUuid, uuid, timestampMs, toolUseId, content, isError, toolUseResultJson }) {
  const err = isError ? ',"is_error":true' : '';
  const extra = toolUseResultJson ? `,"toolUseResult":${toolUseResultJson}` : '';
  return `${head(ctx, parentUuid)},"type":"user","message":{"role":"user","content":[{"tool_use_id":"${toolUseId}","type":"tool_result","content":"${content}"${err}}]},"uuid":"${uuid}","timestamp":"${isoTime(timestampMs)}"${extra}}\n`;
}

export function summaryLine(summary, leafUuid) {
  return `{"type":"summary","summary":"${summary}","leafUuid":"${leafUuid}"}\n`;
}

export function fileHistorySnapshotLine(messageId, timestampMs) {
  return `{"type":"file-history-snapshot","messageId":"${messageId}","snapshot":{"messageId":"${messageId}","trackedFileBackups":{},"timestamp":"${isoTime(timestampMs)}"},"isSnapshotUpdate":false}\n`;
}

export function compactBoundaryLine(ctx, { parentUuid, uuid, timestampMs, preTokens }) {
  return `${head(ctx, parentUuid)},"type":"system","subtype":"compact_boundary","content":"Conversation compacted","isMeta":false,"timestamp":"${isoTime(timestampMs)}","uuid":"${uuid}","level":"info","compactMetadata":{"trigger":"auto","preTokens":${preTokens}}}\n`;
}

/** Claude Code writes API errors as assistant lines with model "<synthetic>" and zero usage. */
export function syntheticErrorLine(ctx, { parentUuid, uuid, timestampMs, messageId }) {
  const zero = { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
  return `${head(ctx, parentUuid)},"message":{"id":"${messageId}","container":null,"model":"<synthetic>","role":"assistant","stop_reason":"stop_sequence","stop_sequence":"","type":"message","usage":${usageJson(zero)},"content":[{"type":"text","text":"API Error: 529 {\\"type\\":\\"error\\",\\"error\\":{\\"type\\":\\"overloaded_error\\",\\"message\\":\\"Overloaded\\"}}"}]},"type":"assistant","uuid":"${uuid}","timestamp":"${isoTime(timestampMs)}","isApiErrorMessage":true}\n`;
}
