import { repetitionKeyOf, toolNameOf, type AgentAction } from '../../../core/runaway/actions';
import type { ClaudeFileContext } from './paths';

interface PendingCall { tool: string; callKey: number }

/** Calls still waiting for their result, per file; more is a file that never answers. */
const maxPendingCalls = 512;

/**
 * Reads one Claude Code transcript's tool calls line by line: an assistant line's `tool_use`
 * blocks are remembered by id, and the user line answering them (`tool_result`) completes an
 * action. One reader per file, fed in order; lines of other types are ignored.
 */
export class ClaudeActionReader {
  private readonly pending = new Map<string, PendingCall>();

  constructor(private readonly file: ClaudeFileContext) {}

  /** Actions completed by this parsed line (usually none). */
  line(record: unknown): AgentAction[] {
    if (typeof record !== 'object' || record === null) return [];
    const line = record as Record<string, unknown>;
    if (line.type !== 'assistant' && line.type !== 'user') return [];
    const message = line.message as Record<string, unknown> | undefined;
    const content = typeof message === 'object' && message !== null ? message.content : undefined;
    if (!Array.isArray(content)) return [];
    if (line.type === 'assistant') {
      for (const block of content as unknown[]) {
        if (typeof block !== 'object' || block === null) continue;
        const b = block as Record<string, unknown>;
        if (b.type !== 'tool_use' || typeof b.id !== 'string') continue;
        if (this.pending.size >= maxPendingCalls) this.pending.delete(this.pending.keys().next().value!);
        const tool = toolNameOf(b.name);
        this.pending.set(b.id, { tool, callKey: repetitionKeyOf(`${String(b.name)}\u0000${JSON.stringify(b.input ?? null)}`) });
      }
      return [];
    }
    const timestampMs = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
    if (!Number.isFinite(timestampMs)) return [];
    const out: AgentAction[] = [];
    for (const block of content as unknown[]) {
      if (typeof block !== 'object' || block === null) continue;
      const b = block as Record<string, unknown>;
      if (b.type !== 'tool_result' || typeof b.tool_use_id !== 'string') continue;
      const call = this.pending.get(b.tool_use_id);
      if (call === undefined) continue;
      this.pending.delete(b.tool_use_id);
      out.push({
        timestampMs,
        sessionId: typeof line.sessionId === 'string' && line.sessionId.length > 0 ? line.sessionId : this.file.sessionId,
        agentId: this.file.agentId || (line.isSidechain === true ? (typeof line.agentId === 'string' && line.agentId) || 'sidechain' : ''),
        project: this.file.project,
        tool: call.tool,
        callKey: call.callKey,
        resultKey: repetitionKeyOf(resultText(b.content)),
        failed: b.is_error === true,
      });
    }
    return out;
  }
}

/** A tool result's text: a string, or the text blocks of an array (images and others are left out). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    if (typeof part === 'object' && part !== null && (part as Record<string, unknown>).type === 'text') {
      const t = (part as Record<string, unknown>).text;
      if (typeof t === 'string') text += t;
    }
    if (text.length > 4096) break;
  }
  return text;
}
