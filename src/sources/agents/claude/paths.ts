import { existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dirsFromEnv, unique } from '../agentRoots';

/**
 * Claude Code's config folders, found the way Claude Code finds them: `CLAUDE_CONFIG_DIR`
 * (comma-separated) else `~/.config/claude` and `~/.claude`. Each holds `projects/`.
 */
export function claudeConfigDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  return dirsFromEnv(env, 'CLAUDE_CONFIG_DIR') ?? unique([path.join(home, '.config', 'claude'), path.join(home, '.claude')]);
}

/** The folder under a config folder that holds the transcripts: `projects/<project>/…`. */
export function claudeProjectsFolder(configDir: string): string {
  return path.join(configDir, 'projects');
}

/** Whether a file under `projects/` (path relative to it) is a transcript. */
export function isClaudeTranscript(relativePath: string): boolean {
  return relativePath.endsWith('.jsonl');
}

/** What a Claude Code transcript file's path says about its lines. */
export interface ClaudeFileContext {
  /** Project folder name under `projects/`, e.g. `-home-dev-repo`. */
  project: string;
  /** Session id from the path (file name, or the parent folder of `subagents/`). */
  sessionId: string;
  /** Sub-agent id when the file is a sub-agent transcript (`agent-<id>.jsonl`), else ''. */
  agentId: string;
}

/**
 * Where a transcript sits says which session and sub-agent it belongs to:
 * `projects/<project>/<session>.jsonl`, `projects/<project>/agent-<id>.jsonl`,
 * `projects/<project>/<session>/subagents/agent-<id>.jsonl`.
 * `relativePath` is relative to the `projects` folder, with `/` separators.
 */
export function claudeFileContext(relativePath: string): ClaudeFileContext {
  // A session's transcript (most files) without splitting the path or a regular expression: a cold scan derives
  // this for every transcript, on the scan threads and again on the main thread (docs/benchmarks.md, session 17).
  const nameStart = relativePath.lastIndexOf('/') + 1;
  if (relativePath.startsWith('agent-', nameStart)) return agentFileContext(relativePath);
  const projectEnd = relativePath.indexOf('/');
  const nameEnd = relativePath.endsWith('.jsonl') ? relativePath.length - 6 : relativePath.length;
  return { project: projectEnd === -1 ? '' : relativePath.slice(0, projectEnd), sessionId: relativePath.slice(nameStart, nameEnd), agentId: '' };
}

/** claudeFileContext of a file named `agent-…` (a sub-agent's transcript, or a session's whose id starts so). */
function agentFileContext(relativePath: string): ClaudeFileContext {
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

/**
 * The project folder holding a session's transcript (`projects/<project>/<sessionId>.jsonl`, or its
 * `<sessionId>/` folder of sub-agents), or undefined when no config folder has it.
 */
export function claudeSessionFolder(configDirs: readonly string[], sessionId: string): string | undefined {
  for (const dir of configDirs) {
    const projects = claudeProjectsFolder(dir);
    if (!existsSync(projects)) continue;
    for (const project of readdirSync(projects)) {
      const folder = path.join(projects, project);
      if (existsSync(path.join(folder, `${sessionId}.jsonl`)) || existsSync(path.join(folder, sessionId))) return folder;
    }
  }
  return undefined;
}
