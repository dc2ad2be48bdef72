import type { ParsedUsage } from '../../core/claudeLog';
import type { SourceName } from '../../core/usageEvent';

/**
 * An agent whose history lives in whole JSON files rewritten as it works (Cline-style
 * task folders, OpenCode message files…). Such a file is parsed whole whenever it
 * changes; its records carry stable dedup keys, so re-reading never double counts.
 * Claude Code and Codex, which append JSONL, are read incrementally instead.
 */
export interface AgentAdapter {
  source: SourceName;
  /** Folders that may hold its history; a missing one costs one `stat`. */
  roots(env: NodeJS.ProcessEnv, home: string): string[];
  /** Whether a file (path relative to a root, `/`-separated) is part of the history. */
  accepts(relativePath: string): boolean;
  /** All usage in one file's text. Must not throw: bad records are counted in `malformed`. */
  parse(text: string, file: { path: string; relativePath: string }): { usages: ParsedUsage[]; malformed: number };
}
