import * as path from 'node:path';
import type { ParsedUsage } from '../../core/usageEvent';
import type { TextAgentAdapter } from './agentAdapter';
import { dirsFromEnv, unique } from './agentRoots';
import { pricedModelName } from './modelNames';
import { count, epochMs, isRecord, str, tryParseJson } from './taskFiles';

/**
 * Amp (ampcode.com) keeps each thread as one JSON document, rewritten as the thread goes on:
 * `${XDG_DATA_HOME:-~/.local/share}/amp/threads/T-<uuid>.json`. Two shapes, both read
 * (ccusage `rust/crates/ccusage/src/adapter/amp/parser.rs`, ccusage issue #1138):
 * - since about January 2026, each assistant message carries
 *   `usage: { model, inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens,
 *   totalInputTokens, timestamp }`, input excluding cache (totalInputTokens is their sum);
 * - older threads keep a `usageLedger.events[]` (`{ id, timestamp, model, credits, tokens:
 *   { input, output }, operationType, fromMessageId, toMessageId }`) and the cache counts on
 *   the message the event ends at (`toMessageId`), whose usage has no timestamp.
 * `messageId` is a number, or absent in the oldest threads (then the position counts).
 * Credits are not used as a cost: their unit is not documented and current threads do not
 * carry them, so requests are priced at list price (docs/agents.md).
 */
export const ampDirsEnv = 'TOKENMETER_AMP_DIRS';

/** Epoch ms from an ISO string or a number of ms, else 0. */
function timeMs(value: unknown): number {
  if (typeof value === 'string') return epochMs(Date.parse(value));
  return epochMs(value);
}

/** A message or event id as text: a number or a non-empty string. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return str(value);
}

/** The thread's first workspace folder: `env.initial.trees[0].uri` when it is a file URI. */
function projectOf(thread: Record<string, unknown>): string {
  const env = isRecord(thread.env) && isRecord(thread.env.initial) ? thread.env.initial : {};
  const tree = Array.isArray(env.trees) && isRecord(env.trees[0]) ? env.trees[0] : {};
  const uri = str(tree.uri);
  if (!uri?.startsWith('file://')) return '';
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return '';
  }
}

interface Tokens {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheReadTokens: number;
}

/** A usage whose split counts are all missing but which has a total: the total counts as output, as ccusage does. */
function withTotalFallback(tokens: Tokens, total: unknown): Tokens {
  if (tokens.inputTokens + tokens.outputTokens + tokens.cacheWrite5mTokens + tokens.cacheReadTokens > 0) return tokens;
  return { ...tokens, outputTokens: count(total) };
}

/** Usage in one thread file's text. Never throws. */
export function parseAmpThread(text: string, fileName: string): { usages: ParsedUsage[]; malformed: number } {
  const thread = tryParseJson(text);
  if (!isRecord(thread)) return { usages: [], malformed: text.trim() === '' ? 0 : 1 };
  const threadId = str(thread.id) ?? fileName.replace(/\.json$/, '');
  const project = projectOf(thread);
  const messages = Array.isArray(thread.messages) ? thread.messages : [];
  const ledger = isRecord(thread.usageLedger) && Array.isArray(thread.usageLedger.events) ? thread.usageLedger.events.filter(isRecord) : [];
  // An inference event and the message it ends at describe one request: the event has its time
  // and model, the message its cache counts. Other events (no such message) stand alone.
  const eventByMessage = new Map<string, Record<string, unknown>>();
  for (const event of ledger) {
    const to = idText(event.toMessageId);
    if (to !== undefined && (event.operationType === undefined || event.operationType === 'inference')) eventByMessage.set(to, event);
  }
  const usages: ParsedUsage[] = [];
  let malformed = 0;
  const used = new Set<Record<string, unknown>>();
  const add = (key: string, timestampMs: number, model: string | undefined, tokens: Tokens) => {
    if (tokens.inputTokens + tokens.outputTokens + tokens.cacheWrite5mTokens + tokens.cacheReadTokens === 0) return;
    if (timestampMs === 0 || !model) {
      malformed++;
      return;
    }
    usages.push({
      event: { source: 'amp', timestampMs, sessionId: threadId, agentId: '', project, model: pricedModelName(model), ...tokens, cacheWrite1hTokens: 0 },
      dedupKey: `amp:${threadId}:${key}`,
    });
  };
  messages.forEach((message, position) => {
    if (!isRecord(message) || message.role !== 'assistant' || !isRecord(message.usage)) return;
    const usage = message.usage;
    const id = idText(message.messageId) ?? `#${position}`;
    const event = eventByMessage.get(id);
    if (event) used.add(event);
    const eventTokens = event && isRecord(event.tokens) ? event.tokens : {};
    const tokens = withTotalFallback({
      inputTokens: count(usage.inputTokens ?? eventTokens.input),
      outputTokens: count(usage.outputTokens ?? eventTokens.output),
      cacheWrite5mTokens: count(usage.cacheCreationInputTokens),
      cacheReadTokens: count(usage.cacheReadInputTokens),
    }, usage.totalTokens ?? eventTokens.total);
    const meta = isRecord(message.meta) ? message.meta : {};
    const timestampMs = timeMs(usage.timestamp) || timeMs(message.timestamp) || timeMs(event?.timestamp) || timeMs(meta.sentAt);
    add(id, timestampMs, str(usage.model) ?? str(message.model) ?? str(event?.model), tokens);
  });
  ledger.forEach((event, position) => {
    if (used.has(event)) return;
    const tokens = isRecord(event.tokens) ? event.tokens : {};
    const split = { inputTokens: count(tokens.input), outputTokens: count(tokens.output), cacheWrite5mTokens: 0, cacheReadTokens: 0 };
    add(`ledger:${idText(event.id) ?? position}`, timeMs(event.timestamp), str(event.model), withTotalFallback(split, tokens.total));
  });
  return { usages, malformed };
}

export const ampAdapter: TextAgentAdapter = {
  source: 'amp',
  roots(env, home) {
    const dataDirs = dirsFromEnv(env, ampDirsEnv) ?? [path.join(env.XDG_DATA_HOME?.trim() || path.join(home, '.local', 'share'), 'amp')];
    return unique(dataDirs.map((dir) => path.join(dir, 'threads')));
  },
  accepts(relativePath) {
    return /^T-[^/]+\.json$/.test(relativePath);
  },
  parse(text, file) {
    try {
      return parseAmpThread(text, path.basename(file.path));
    } catch {
      return { usages: [], malformed: 1 };
    }
  },
};
