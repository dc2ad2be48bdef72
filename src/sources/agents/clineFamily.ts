import * as path from 'node:path';
import type { ParsedUsage } from '../../core/usageEvent';
import type { TextAgentAdapter } from './agentAdapter';
import { dirsFromEnv, unique, vscodeGlobalStorageDirs } from './agentRoots';
import { pricedModelName } from './modelNames';
import { count, epochMs, isRecord, parseJsonArray, positiveCostUsd, readSlice, str, tryParseJson } from './taskFiles';

/**
 * Cline and its forks Roo Code and Kilo Code keep one folder per task in their extension's
 * VS Code global storage: `<globalStorage>/<extension id>/tasks/<task id>/ui_messages.json`.
 * Every model request appears there as a `say: "api_req_started"` message whose `text` is
 * JSON: `{ tokensIn, tokensOut, cacheWrites, cacheReads, cost, cancelReason? }`, rewritten in
 * place while the reply streams (running totals) and when it is cancelled (partial tokens).
 * Sources: cline/cline `src/shared/ExtensionMessage.ts` (ClineApiReqInfo),
 * `src/core/task/utils.ts` (updateApiReqMsg); RooCodeInc/Roo-Code `src/core/task/Task.ts`.
 * See docs/agents.md for what each field means per agent.
 */
export type ClineFamilySource = 'cline' | 'roo' | 'kilo';

/** Folders holding VS Code `globalStorage` (each with `<extension id>/tasks/`), comma-separated; replaces auto-detection. */
export const clineStorageDirsEnv = 'TOKENMETER_CLINE_STORAGE_DIRS';

/** What the task folder says about all its requests. */
export interface ClineTaskFacts {
  taskId: string;
  /** The top-level task: a Roo/Kilo subtask is billed to its root task. */
  sessionId: string;
  /** The subtask's id when the task is a subtask, else ''. */
  agentId: string;
  /** The task's workspace folder, '' when not logged. */
  project: string;
  /** The model in use at `tsMs`, for messages that do not name theirs. */
  modelAt(tsMs: number): string;
}

/**
 * How `tokensIn` relates to the cache fields.
 * - `excludes-cache`: Cline documents the four counts as disjoint buckets (its SDK bridge
 *   subtracts cache from the provider's total to keep that contract).
 * - `total-when-it-covers-cache`: Roo Code since 3.30 (#8954, Oct 2025), and Kilo Code with it,
 *   log the request's total input (cache included); older Roo records logged the provider's
 *   raw count, which excludes cache for Anthropic. A total is never smaller than its cache
 *   part, so a `tokensIn` below the cache counts is read as already excluding them.
 */
export type ClineInputSemantics = 'excludes-cache' | 'total-when-it-covers-cache';

interface FamilyMember {
  source: ClineFamilySource;
  extensionId: string;
  semantics: ClineInputSemantics;
  facts(taskDir: string, taskId: string): ClineTaskFacts;
}

const uiFileNames = new Set(['ui_messages.json', 'claude_messages.json']);

/**
 * Usage in one task's `ui_messages.json` text. Never throws: a message whose JSON does
 * not parse is counted in `malformed`; a request that has produced no tokens yet (the
 * placeholder written before the request is sent, or one that failed before its first
 * token) is not usage. Dedup keys are `clinetask:<task id>:<message ts>`: the message's
 * `ts` never changes while it is rewritten, and a task folder copied between agents or
 * storage folders counts once.
 */
export function parseClineMessages(source: ClineFamilySource, text: string, facts: ClineTaskFacts, semantics: ClineInputSemantics): { usages: ParsedUsage[]; malformed: number } {
  const parsed = parseJsonArray(text);
  if (!parsed) return { usages: [], malformed: text.trim() === '' ? 0 : 1 };
  let malformed = parsed.truncated ? 1 : 0;
  const requests: { ts: number; info: Record<string, unknown>; model: string | undefined; deleted: boolean }[] = [];
  for (const message of parsed.items) {
    if (!isRecord(message) || message.type !== 'say') continue;
    const say = message.say;
    if (say !== 'api_req_started' && say !== 'api_req_finished' && say !== 'deleted_api_reqs') continue;
    const ts = epochMs(message.ts);
    const info = tryParseJson(typeof message.text === 'string' ? message.text : '{}');
    if (ts === 0 || !isRecord(info)) {
      malformed++;
      continue;
    }
    if (say === 'api_req_finished') {
      // Cline before 2.x logged the counts in a separate message after the request.
      const started = requests.at(-1);
      if (started && !started.deleted) Object.assign(started.info, info);
      continue;
    }
    const modelInfo = isRecord(message.modelInfo) ? str(message.modelInfo.modelId) : undefined;
    requests.push({ ts, info, model: modelInfo, deleted: say === 'deleted_api_reqs' });
  }

  const usages: ParsedUsage[] = [];
  for (const { ts, info, model, deleted } of requests) {
    const tokensIn = count(info.tokensIn);
    const outputTokens = count(info.tokensOut);
    const cacheWrite5mTokens = count(info.cacheWrites);
    const cacheReadTokens = count(info.cacheReads);
    const loggedCostUsd = positiveCostUsd(info.cost);
    if (tokensIn + outputTokens + cacheWrite5mTokens + cacheReadTokens === 0 && loggedCostUsd === undefined) continue;
    const cached = cacheWrite5mTokens + cacheReadTokens;
    const inputTokens = semantics === 'total-when-it-covers-cache' && cached > 0 && tokensIn >= cached ? tokensIn - cached : tokensIn;
    usages.push({
      event: {
        source,
        timestampMs: ts,
        sessionId: facts.sessionId,
        agentId: facts.agentId,
        project: facts.project,
        model: pricedModelName(model ?? facts.modelAt(ts)),
        inputTokens,
        outputTokens,
        cacheWrite5mTokens,
        cacheWrite1hTokens: 0,
        cacheReadTokens,
        ...(loggedCostUsd !== undefined ? { loggedCostUsd } : {}),
      },
      dedupKey: `clinetask:${facts.taskId}:${ts}${deleted ? ':deleted' : ''}`,
    });
  }
  return { usages, malformed };
}

// Environment details open the first user message of every task; Cline says "Working", Roo and Kilo "Workspace".
const workspacePattern = /Current (?:Working|Workspace) Directory \(([^)\n"]+)\)/;
const headBytes = 256 * 1024;

function workspaceFromHistory(taskDir: string): string {
  const head = readSlice(path.join(taskDir, 'api_conversation_history.json'), headBytes, 'head');
  const match = head ? workspacePattern.exec(head) : null;
  return match ? match[1].replace(/\\\\/g, '\\') : '';
}

/** Cline tags each message with `modelInfo`; older tasks keep the model history in task_metadata.json. */
function clineFacts(taskDir: string, taskId: string): ClineTaskFacts {
  let models: { ts: number; model: string }[] | undefined;
  return {
    taskId,
    sessionId: taskId,
    agentId: '',
    project: workspaceFromHistory(taskDir),
    modelAt(tsMs) {
      models ??= modelUsage(tryParseJson(readSlice(path.join(taskDir, 'task_metadata.json'), 8 * 1024 * 1024, 'all')));
      let chosen = models[0]?.model;
      for (const entry of models) if (entry.ts <= tsMs) chosen = entry.model;
      return chosen ?? 'unknown';
    },
  };
}

function modelUsage(metadata: unknown): { ts: number; model: string }[] {
  if (!isRecord(metadata) || !Array.isArray(metadata.model_usage)) return [];
  return metadata.model_usage
    .filter(isRecord)
    .map((e) => ({ ts: epochMs(e.ts), model: str(e.model_id) ?? '' }))
    .filter((e) => e.model !== '')
    .sort((a, b) => a.ts - b.ts);
}

/**
 * Roo Code and Kilo Code write `history_item.json` (workspace, root and parent task) beside
 * the messages, and name the model in each request's environment details (`<model>…</model>`)
 * in api_conversation_history.json; the newest one is at its end.
 */
function rooFacts(taskDir: string, taskId: string): ClineTaskFacts {
  const item = tryParseJson(readSlice(path.join(taskDir, 'history_item.json'), 1024 * 1024, 'all'));
  const history = isRecord(item) ? item : {};
  const rootTaskId = str(history.rootTaskId) ?? str(history.parentTaskId);
  let model: string | undefined;
  return {
    taskId,
    sessionId: rootTaskId ?? taskId,
    agentId: rootTaskId && rootTaskId !== taskId ? taskId : '',
    project: str(history.workspace) ?? workspaceFromHistory(taskDir),
    modelAt() {
      if (model === undefined) {
        const tail = readSlice(path.join(taskDir, 'api_conversation_history.json'), headBytes, 'tail') ?? '';
        const matches = [...tail.matchAll(/<model>([^<\n"]{1,200})<\/model>/g)];
        model = matches.at(-1)?.[1].trim() || 'unknown';
      }
      return model;
    },
  };
}

function clineCliTasksDir(env: NodeJS.ProcessEnv, home: string): string {
  const dataDir = env.CLINE_DATA_DIR?.trim() || path.join(env.CLINE_DIR?.trim() || path.join(home, '.cline'), 'data');
  return path.join(dataDir, 'tasks');
}

function adapterFor(member: FamilyMember): TextAgentAdapter {
  return {
    source: member.source,
    roots(env, home) {
      const storage = dirsFromEnv(env, clineStorageDirsEnv);
      const roots = (storage ?? vscodeGlobalStorageDirs(env, home)).map((dir) => path.join(dir, member.extensionId, 'tasks'));
      // The Cline CLI and JetBrains plugin keep the same task folders under ~/.cline/data.
      if (!storage && member.source === 'cline') roots.push(clineCliTasksDir(env, home));
      return unique(roots);
    },
    accepts(relativePath) {
      const parts = relativePath.split('/');
      return parts.length === 2 && uiFileNames.has(parts[1]);
    },
    parse(text, file) {
      try {
        const taskDir = path.dirname(file.path);
        return parseClineMessages(member.source, text, member.facts(taskDir, path.basename(taskDir)), member.semantics);
      } catch {
        return { usages: [], malformed: 1 };
      }
    },
  };
}

export const clineAdapter = adapterFor({ source: 'cline', extensionId: 'saoudrizwan.claude-dev', semantics: 'excludes-cache', facts: clineFacts });
export const rooAdapter = adapterFor({ source: 'roo', extensionId: 'rooveterinaryinc.roo-cline', semantics: 'total-when-it-covers-cache', facts: rooFacts });
export const kiloAdapter = adapterFor({ source: 'kilo', extensionId: 'kilocode.kilo-code', semantics: 'total-when-it-covers-cache', facts: rooFacts });
