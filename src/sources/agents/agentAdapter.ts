import type { ParsedUsage } from '../../core/usageEvent';
import type { SourceName } from '../../core/usageEvent';

interface AgentAdapterBase {
  source: SourceName;
  /** Folders that may hold its history; a missing one costs one `stat`. */
  roots(env: NodeJS.ProcessEnv, home: string): string[];
  /** Whether a file (path relative to a root, `/`-separated) is part of the history. */
  accepts(relativePath: string): boolean;
  /**
   * Only files directly in each root are history (one `readdir`, no walk). For a database
   * that sits in a data folder beside trees of unrelated files (OpenCode's `storage/`,
   * `snapshot/`), which a walk would list for nothing.
   */
  shallow?: boolean;
}

/**
 * An agent whose history lives in whole JSON files rewritten as it works (Cline-style
 * task folders, OpenCode message files…). Such a file is parsed whole whenever it
 * changes; its records carry stable dedup keys, so re-reading never double counts.
 * Claude Code and Codex, which append JSONL, are read incrementally instead.
 */
export interface TextAgentAdapter extends AgentAdapterBase {
  /** All usage in one file's text. Must not throw: bad records are counted in `malformed`. */
  parse(text: string, file: { path: string; relativePath: string }): { usages: ParsedUsage[]; malformed: number };
  readFile?: undefined;
}

/**
 * An agent whose history is a file not to be loaded whole as text (a SQLite database of
 * hundreds of MB, of which one table matters), and whose newest records may live in files
 * beside it (the database's write-ahead log). Read by path, again whenever it or a companion
 * changes; stable dedup keys make the re-reads harmless.
 */
export interface PathAgentAdapter extends AgentAdapterBase {
  /** All usage in the file at `path` (and its companions). Must not throw. */
  readFile(path: string): { usages: ParsedUsage[]; malformed: number };
  /** Files whose changes are changes of the history file (`opencode.db-wal` for `opencode.db`); they may be absent. */
  companions(path: string): string[];
  parse?: undefined;
}

export type AgentAdapter = TextAgentAdapter | PathAgentAdapter;
