import * as path from 'node:path';
import type { ParsedUsage } from '../../core/usageEvent';
import type { PathAgentAdapter, TextAgentAdapter } from './agentAdapter';
import { dirsFromEnv, unique } from './agentRoots';
import { pricedModelName } from './modelNames';
import { readSqliteTable } from './sqliteTable';
import { count, epochMs, isRecord, positiveCostUsd, str, tryParseJson } from './taskFiles';

/**
 * OpenCode (sst/opencode) before its SQLite store kept one JSON file per message:
 * `${XDG_DATA_HOME:-~/.local/share}/opencode/storage/message/<session id>/<message id>.json`.
 * An assistant message carries `tokens: { input, output, reasoning, cache: { read, write } }`
 * (input already excludes cache: OpenCode subtracts cached tokens for providers that include
 * them), `cost` in USD, `modelID`, `providerID`, `time.created` (epoch ms) and `path.cwd`/`path.root`.
 * The file is rewritten as the reply streams, so its numbers grow until it completes.
 * OpenCode 1.2+ keeps the same JSON in `opencode.db` (SQLite): see opencodeDatabaseAdapter.
 */
export const opencodeDirsEnv = 'TOKENMETER_OPENCODE_DIRS';

/** OpenCode, and the Kilo CLI (an OpenCode fork: `~/.local/share/kilo/kilo.db`, same `message` table). */
export type OpencodeFamilySource = 'opencode' | 'kilo';

/**
 * Usage in one message's JSON (a message file, or a `data` cell of opencode.db, which keeps the
 * ids in their own columns). Reasoning tokens are billed at the output rate, as OpenCode prices them.
 */
export function parseOpencodeMessage(text: string, ids: { sessionId: string; messageId?: string }, source: OpencodeFamilySource = 'opencode'): { usages: ParsedUsage[]; malformed: number } {
  const message = tryParseJson(text);
  if (!isRecord(message)) return { usages: [], malformed: text.trim() === '' ? 0 : 1 };
  if (message.role !== 'assistant') return { usages: [], malformed: 0 };
  const tokens = isRecord(message.tokens) ? message.tokens : undefined;
  const id = str(message.id) ?? ids.messageId;
  const time = isRecord(message.time) ? message.time : {};
  const timestampMs = epochMs(time.created) || epochMs(time.completed);
  if (!tokens || !id || timestampMs === 0) return { usages: [], malformed: 1 };
  const cache = isRecord(tokens.cache) ? tokens.cache : {};
  const inputTokens = count(tokens.input);
  const outputTokens = count(tokens.output) + count(tokens.reasoning);
  const cacheWrite5mTokens = count(cache.write);
  const cacheReadTokens = count(cache.read);
  // Subscription providers (GitHub Copilot, Claude Pro/Max sign-in) log cost 0: price their tokens.
  const loggedCostUsd = positiveCostUsd(message.cost);
  if (inputTokens + outputTokens + cacheWrite5mTokens + cacheReadTokens === 0 && loggedCostUsd === undefined) return { usages: [], malformed: 0 };
  const where = isRecord(message.path) ? message.path : {};
  return {
    usages: [{
      event: {
        source,
        timestampMs,
        sessionId: str(message.sessionID) ?? ids.sessionId,
        agentId: '',
        project: str(where.root) ?? str(where.cwd) ?? '',
        model: pricedModelName(str(message.modelID) ?? 'unknown'),
        inputTokens,
        outputTokens,
        cacheWrite5mTokens,
        cacheWrite1hTokens: 0,
        cacheReadTokens,
        ...(loggedCostUsd !== undefined ? { loggedCostUsd } : {}),
      },
      dedupKey: `${source}:${id}`,
    }],
    malformed: 0,
  };
}

/** OpenCode's data folders: `$XDG_DATA_HOME/opencode` (xdg-basedir, on every OS), or the override. */
function opencodeDataDirs(env: NodeJS.ProcessEnv, home: string): string[] {
  return unique(dirsFromEnv(env, opencodeDirsEnv) ?? [path.join(env.XDG_DATA_HOME?.trim() || path.join(home, '.local', 'share'), 'opencode')]);
}

export const opencodeAdapter: TextAgentAdapter = {
  source: 'opencode',
  roots(env, home) {
    return unique(opencodeDataDirs(env, home).map((dir) => path.join(dir, 'storage', 'message')));
  },
  accepts(relativePath) {
    const parts = relativePath.split('/');
    return parts.length === 2 && parts[1].endsWith('.json');
  },
  parse(text, file) {
    try {
      return parseOpencodeMessage(text, { sessionId: file.relativePath.split('/')[0] });
    } catch {
      return { usages: [], malformed: 1 };
    }
  },
};

/**
 * Usage in an OpenCode 1.2+ database (`<data dir>/opencode.db`, WAL mode): the `message`
 * table's `data` column holds the same JSON as the old message files, with `id` and
 * `session_id` in their own columns, so the dedup keys match those of the files (the files
 * left from before the migration are a subset of the database). Never throws: a database
 * caught mid-write counts one malformed record and is read again on its next change.
 * Reads only the table's pages (and the WAL), never the whole file.
 */
export function readOpencodeDatabase(dbPath: string, source: OpencodeFamilySource = 'opencode'): { usages: ParsedUsage[]; malformed: number } {
  let table;
  try {
    table = readSqliteTable(dbPath, 'message');
  } catch (error) {
    return { usages: [], malformed: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 0 : 1 };
  }
  const at = (name: string, fallback: number) => (table.columns.includes(name) ? table.columns.indexOf(name) : fallback);
  const idAt = at('id', 0);
  const sessionAt = at('session_id', 1);
  const dataAt = at('data', table.columns.length - 1);
  const usages: ParsedUsage[] = [];
  let malformed = 0;
  for (const row of table.rows) {
    const data = row[dataAt];
    if (typeof data !== 'string') {
      malformed++;
      continue;
    }
    const ids = { sessionId: typeof row[sessionAt] === 'string' ? (row[sessionAt] as string) : '', messageId: typeof row[idAt] === 'string' ? (row[idAt] as string) : undefined };
    const parsed = parseOpencodeMessage(data, ids, source);
    usages.push(...parsed.usages);
    malformed += parsed.malformed;
  }
  return { usages, malformed };
}

/**
 * The Kilo CLI's data folders (an OpenCode fork with app name `kilo`): `$XDG_DATA_HOME/kilo`,
 * or `KILO_DATA_DIR` (comma-separated), the override ccusage reads too.
 */
export const kiloDataDirsEnv = 'KILO_DATA_DIR';

// OpenCode writes `opencode.db` for its latest and beta channels and `opencode-<channel>.db` for
// others (anomalyco/opencode `packages/opencode/src/storage/db.ts`, Database.Path); the `-wal` and
// `-shm` files beside it are not databases. Kilo names them `kilo.db` / `kilo-<channel>.db`, and
// keeps using an `opencode-<channel>.db` it finds there (Kilo-Org/kilocode, same file).
const opencodeDatabaseName = /^opencode(?:-[A-Za-z0-9._-]+)?\.db$/;
const kiloDatabaseName = /^(?:kilo(?:-[A-Za-z0-9._-]+)?|opencode-[A-Za-z0-9._-]+)\.db$/;

function databaseAdapter(source: OpencodeFamilySource, dataDirs: (env: NodeJS.ProcessEnv, home: string) => string[], name: RegExp): PathAgentAdapter {
  return {
    source,
    roots: dataDirs,
    shallow: true,
    accepts: (relativePath) => name.test(relativePath),
    readFile: (dbPath) => readOpencodeDatabase(dbPath, source),
    // The newest messages sit in the write-ahead log until a checkpoint: a new message changes it alone.
    companions: (dbPath) => [`${dbPath}-wal`],
  };
}

/** OpenCode 1.2+ (`<data dir>/opencode.db`); its keys equal those of the message files, so both count once. */
export const opencodeDatabaseAdapter = databaseAdapter('opencode', opencodeDataDirs, opencodeDatabaseName);

/** The Kilo CLI, and the Kilo Code extension built on it (`~/.local/share/kilo/kilo.db`). */
export const kiloDatabaseAdapter = databaseAdapter(
  'kilo',
  (env, home) => unique(dirsFromEnv(env, kiloDataDirsEnv) ?? [path.join(env.XDG_DATA_HOME?.trim() || path.join(home, '.local', 'share'), 'kilo')]),
  kiloDatabaseName,
);
