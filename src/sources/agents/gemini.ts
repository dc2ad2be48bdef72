import * as path from 'node:path';
import { isPlausibleTimeMs, type ParsedUsage } from '../../core/usageEvent';
import type { TextAgentAdapter } from './agentAdapter';
import { dirsFromEnv, unique } from './agentRoots';
import { pricedModelName } from './modelNames';
import { count, isRecord, str, tryParseJson } from './taskFiles';

/**
 * Gemini CLI records each chat under `~/.gemini/tmp/<project>/chats/` (google-gemini/gemini-cli
 * `packages/core/src/services/chatRecordingService.ts`):
 * - `session-<time>-<id>.jsonl`: a metadata line, then every message appended again each time
 *   it changes (tokens arrive after the text, tool results later), `{ "$set": … }` updates
 *   (which may carry the whole message list) and `{ "$rewindTo": id }` markers;
 * - `session-*.json`: the older single-document form `{ sessionId, messages: [...] }`,
 *   copied to `.jsonl` (same ids) when such a session is resumed;
 * - `<parent session id>/<id>.jsonl`: a sub-agent's chat.
 * A `type: "gemini"` message carries `model` and `tokens: { input, output, cached, thoughts,
 * tool, total }` from the API's usage metadata, where `input` (promptTokenCount) includes
 * `cached`. Rewound messages were still billed, so they count.
 */
export const geminiDirsEnv = 'TOKENMETER_GEMINI_DIRS';

interface GeminiMessage {
  id: string;
  timestamp: unknown;
  model: unknown;
  tokens: Record<string, unknown>;
}

/** Usage in one chat file (JSON or JSONL text). `relativePath` is under `tmp/`. */
export function parseGeminiChat(text: string, relativePath: string): { usages: ParsedUsage[]; malformed: number } {
  let malformed = 0;
  let sessionId = '';
  let kind = '';
  const latest = new Map<string, GeminiMessage>();
  const takeMessage = (record: Record<string, unknown>) => {
    if (record.type !== 'gemini' || !isRecord(record.tokens)) return;
    const id = str(record.id);
    if (id) latest.set(id, { id, timestamp: record.timestamp, model: record.model, tokens: record.tokens });
    else malformed++;
  };
  const takeMetadata = (record: Record<string, unknown>) => {
    sessionId = str(record.sessionId) ?? sessionId;
    kind = str(record.kind) ?? kind;
    if (Array.isArray(record.messages)) for (const m of record.messages) if (isRecord(m)) takeMessage(m);
  };

  const whole = relativePath.endsWith('.json') ? tryParseJson(text) : undefined;
  if (isRecord(whole)) takeMetadata(whole);
  else if (relativePath.endsWith('.json')) return { usages: [], malformed: text.trim() === '' ? 0 : 1 };
  else {
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const record = tryParseJson(line);
      if (!isRecord(record)) {
        // The last line may still be being written; it is read again once complete.
        if (index < lines.length - 1) malformed++;
        return;
      }
      if (isRecord(record.$set)) takeMetadata(record.$set);
      else if ('$rewindTo' in record) return;
      else if (typeof record.type === 'string') takeMessage(record);
      else takeMetadata(record);
    });
  }

  const parts = relativePath.split('/');
  const project = parts.length > 1 ? parts[0] : '';
  const fileId = path.basename(relativePath).replace(/\.jsonl?$/, '');
  const ownId = sessionId || fileId;
  // chats/<parent>/<id>.jsonl is a sub-agent of <parent>.
  const parentId = parts.length >= 4 && parts[parts.length - 3] === 'chats' ? parts[parts.length - 2] : undefined;
  const isSubagent = parentId !== undefined || kind === 'subagent';
  const usages: ParsedUsage[] = [];
  for (const message of latest.values()) {
    const timestampMs = typeof message.timestamp === 'string' ? Date.parse(message.timestamp) : NaN;
    if (!isPlausibleTimeMs(timestampMs)) {
      malformed++;
      continue;
    }
    const t = message.tokens;
    const cacheReadTokens = count(t.cached);
    const inputTokens = Math.max(0, count(t.input) - cacheReadTokens) + count(t.tool);
    const outputTokens = count(t.output) + count(t.thoughts);
    if (inputTokens + outputTokens + cacheReadTokens === 0) continue;
    usages.push({
      event: {
        source: 'gemini',
        timestampMs,
        sessionId: isSubagent && parentId ? parentId : ownId,
        agentId: isSubagent && parentId ? ownId : '',
        project,
        model: pricedModelName(str(message.model) ?? 'unknown'),
        inputTokens,
        outputTokens,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        cacheReadTokens,
      },
      dedupKey: `gemini:${ownId}:${message.id}`,
    });
  }
  return { usages, malformed };
}

export const geminiAdapter: TextAgentAdapter = {
  source: 'gemini',
  roots(env, home) {
    const homes = dirsFromEnv(env, geminiDirsEnv) ?? [path.join(env.GEMINI_CLI_HOME?.trim() || home, '.gemini')];
    return unique(homes.map((dir) => path.join(dir, 'tmp')));
  },
  accepts(relativePath) {
    const parts = relativePath.split('/');
    return parts.length >= 3 && parts[1] === 'chats' && /\.jsonl?$/.test(relativePath);
  },
  parse(text, file) {
    try {
      return parseGeminiChat(text, file.relativePath);
    } catch {
      return { usages: [], malformed: 1 };
    }
  },
};
