import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SourceName } from '../core/usageEvent';
import { agentAdapters } from './agents';
import { unique } from './agents/agentRoots';
import { claudeConfigDirs, claudeFileContext, claudeProjectsFolder, claudeSessionFolder, isClaudeTranscript, type ClaudeFileContext } from './agents/claude/paths';
import { codexHomes, codexSessionFolders, codexSessionIdFromFileName, isCodexRollout } from './agents/codex/paths';
import { newCodexFileState, type CodexFileState } from './agents/codex/records';
import { findLogFiles, listFilesIn, relativeTo, type WalkProblem } from './boundedWalk';

/** A log file and how far it has been read. */
export interface FileCursor {
  path: string;
  source: SourceName;
  size: number;
  mtimeMs: number;
  /** Byte offset of the first line not yet read (a half-written line is re-read once complete). */
  offset: number;
  /**
   * Hash of what was read before `offset` (all of it up to 64 KB, else its first and last 4 KB and
   * 32 sampled blocks; see logReader.ts): a file deleted and recreated, truncated and regrown past
   * `offset`, or edited in place within the hashed bytes between two reads, no longer matches.
   */
  fingerprint?: number;
  /**
   * Set while a line longer than MAX_LINE_BYTES is being skipped and has not ended yet (a crash
   * tail of NULs may never end): its start. The next read goes on skipping from `offset` to the
   * next newline instead of reading the line again, so it costs its bytes once, not on every run.
   */
  longLineFrom?: number;
  /** Start offsets of the last few lines skipped as over-long (reported in Show Output and --json). */
  longLines?: number[];
  claude?: ClaudeFileContext;
  codex?: CodexFileState;
  /** Set for whole-file agent histories (see AgentAdapter): re-parsed whole when changed. */
  wholeFile?: {
    relativePath: string;
    /**
     * For a history read by path (PathAgentAdapter): size and time of the file and of each
     * companion when last read, e.g. `opencode.db` and `opencode.db-wal`. A new message may
     * change the WAL alone, so the file's own size and time cannot tell.
     */
    signature?: string;
    /** The extension host does not read such a file again before this (a big database re-read at most ~10% of the time). */
    nextReadAtMs?: number;
  };
}

export interface LogRoots {
  /** Claude config folders, each holding `projects/`. */
  claudeDirs: string[];
  /** Codex home folders, each holding `sessions/` and maybe `archived_sessions/`. */
  codexDirs: string[];
}

/**
 * Where the agents keep their logs, found the way the agents find them (see agents/claude/paths.ts,
 * agents/codex/paths.ts). Extra folders come from settings.
 */
export function defaultLogRoots(env: NodeJS.ProcessEnv = process.env, home = os.homedir(), extra: Partial<LogRoots> = {}): LogRoots {
  return { claudeDirs: unique([...claudeConfigDirs(env, home), ...(extra.claudeDirs ?? [])]), codexDirs: unique([...codexHomes(env, home), ...(extra.codexDirs ?? [])]) };
}

/** A folder the agents write their line logs to: what the editor watches, lists and opens. */
export interface LogFolder {
  source: 'claude' | 'codex';
  dir: string;
}

/** Every folder holding Claude transcripts or Codex rollouts under the roots, present or not. */
export function logFolders(roots: LogRoots): LogFolder[] {
  return [
    ...roots.claudeDirs.map((d): LogFolder => ({ source: 'claude', dir: claudeProjectsFolder(d) })),
    ...roots.codexDirs.flatMap((d) => codexSessionFolders(d).map((dir): LogFolder => ({ source: 'codex', dir }))),
  ];
}

/** The folder to open for a session's logs: its Claude project folder, else the first Codex sessions folder that exists. */
export function sessionLogFolder(roots: LogRoots, sessionId: string): string | undefined {
  return claudeSessionFolder(roots.claudeDirs, sessionId) ?? logFolders({ claudeDirs: [], codexDirs: roots.codexDirs }).map((f) => f.dir).find((d) => existsSync(d));
}

/**
 * Whether `dir` is a folder. `io: 'sync'` (the CLI) stats in place: the two dozen candidate folders a listing checks
 * (nearly all absent) cost a few microseconds each, where the async stats started libuv's thread pool and loaded
 * node:fs/promises (~5-20 ms of a cold run on empty folders; docs/benchmarks.md, session 15).
 */
async function isDirectory(dir: string, io: 'async' | 'sync' = 'async'): Promise<boolean> {
  if (io === 'sync') {
    try {
      return statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      return false;
    }
  }
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** A new cursor for a log file found under a root, carrying what the path says about its lines. */
export function newCursor(source: SourceName, file: string, relativePath: string): FileCursor {
  // Literals, not a spread of a shared base: V8 gives each object made by `{ ...base, claude }` a hidden
  // class of its own (~300 bytes each: 30 MB for 100,000 log files). `fingerprint` is set by the first read:
  // named here, it is stored in the object, not in a separate property array (40 bytes a file).
  if (source === 'claude') return { path: file, source, size: 0, mtimeMs: 0, offset: 0, fingerprint: undefined, claude: claudeFileContext(relativePath) };
  if (source === 'codex') return { path: file, source, size: 0, mtimeMs: 0, offset: 0, fingerprint: undefined, codex: newCodexFileState(codexSessionIdFromFileName(path.basename(file))) };
  return { path: file, source, size: 0, mtimeMs: 0, offset: 0, fingerprint: undefined, wholeFile: { relativePath } };
}

export interface DiscoveredFile {
  source: SourceName;
  path: string;
  relativePath: string;
}

/**
 * Every log file of the enabled sources, sorted by path so scans are deterministic.
 * A source that is not installed costs a couple of `stat` calls. `onFound` gets each
 * file once, as soon as it is found (the Claude Code tree in parts), in no fixed order.
 */
export async function discoverLogFiles(
  roots: LogRoots,
  sources: Record<SourceName, boolean>,
  problems: WalkProblem[],
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
  io: 'async' | 'sync' = 'async',
  onFound?: (files: DiscoveredFile[]) => void,
): Promise<DiscoveredFile[]> {
  const files: DiscoveredFile[] = [];
  const seen = new Set<string>();
  const add = (source: SourceName, root: string, list: string[]) => {
    const found = files.length;
    for (const file of list) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push({ source, path: file, relativePath: relativeTo(root, file) });
    }
    if (onFound && files.length > found) onFound(files.slice(found));
  };
  if (sources.claude) {
    for (const dir of roots.claudeDirs) {
      const projects = claudeProjectsFolder(dir);
      if (await isDirectory(projects, io)) add('claude', projects, await findLogFiles(projects, isClaudeTranscript, problems, io, (part) => add('claude', projects, part)));
    }
  }
  if (sources.codex) {
    for (const dir of roots.codexDirs) {
      for (const folder of codexSessionFolders(dir)) {
        if (await isDirectory(folder, io)) add('codex', folder, await findLogFiles(folder, isCodexRollout, problems, io));
      }
    }
  }
  // Dozens of candidate folders (every editor's global storage), nearly all absent: stat them at once.
  const candidates = agentAdapters.filter((a) => sources[a.source]).flatMap((adapter) => adapter.roots(env, home).map((root) => ({ adapter, root })));
  const present = await Promise.all(candidates.map(({ root }) => isDirectory(root, io)));
  for (const [i, { adapter, root }] of candidates.entries()) {
    if (!present[i]) continue;
    const accept = (rel: string) => adapter.accepts(rel);
    add(adapter.source, root, adapter.shallow ? await listFilesIn(root, accept, problems, io) : await findLogFiles(root, accept, problems, io));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
