import type { UsageEvent } from './usageEvent';

/** What a Claude Code transcript file's path says about its lines. */
export interface ClaudeFileContext {
  /** Project folder name under `projects/`, e.g. `-home-dev-repo`. */
  project: string;
  /** Session id from the path (file name, or the parent folder of `subagents/`). */
  sessionId: string;
  /** Sub-agent id when the file is a sub-agent transcript (`agent-<id>.jsonl`), else ''. */
  agentId: string;
}

export interface ParsedUsage {
  event: UsageEvent;
  /** `message.id:requestId`; undefined when the line has no message id (then it cannot be deduplicated). */
  dedupKey: string | undefined;
}

/** A line is usage, not usage (a user prompt, a summary…), or malformed (skipped and counted). */
export type LineOutcome = ParsedUsage | 'not-usage' | 'malformed';

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
  if (!Number.isFinite(timestampMs)) return 'malformed';

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

/**
 * Where a transcript sits says which session and sub-agent it belongs to:
 * `projects/<project>/<session>.jsonl`, `projects/<project>/agent-<id>.jsonl`,
 * `projects/<project>/<session>/subagents/agent-<id>.jsonl`.
 * `relativePath` is relative to the `projects` folder, with `/` separators.
 */
export function claudeFileContext(relativePath: string): ClaudeFileContext {
  const parts = relativePath.split('/');
  const fileName = parts[parts.length - 1].replace(/\.jsonl$/, '');
  const project = parts.length > 1 ? parts[0] : '';
  const agentMatch = /^agent-(.+)$/.exec(fileName);
  if (agentMatch) {
    const subagentsAt = parts.lastIndexOf('subagents');
    const sessionId = subagentsAt >= 1 && subagentsAt - 1 >= 1 ? parts[subagentsAt - 1] : '';
    return { project, sessionId, agentId: agentMatch[1] };
  }
  return { project, sessionId: fileName, agentId: '' };
}
