import * as os from 'node:os';
import * as path from 'node:path';
import { unique } from '../agentRoots';

/** Codex's home folders, found the way Codex finds it: `CODEX_HOME` else `~/.codex`. */
export function codexHomes(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  return unique([env.CODEX_HOME?.trim() || path.join(home, '.codex')]);
}

/** The folders under a Codex home that hold rollouts: `sessions/YYYY/MM/DD/…` and `archived_sessions/`. */
export function codexSessionFolders(codexHome: string): string[] {
  return [path.join(codexHome, 'sessions'), path.join(codexHome, 'archived_sessions')];
}

/** Whether a file under a sessions folder (path relative to it) is a rollout. */
export function isCodexRollout(relativePath: string): boolean {
  return path.posix.basename(relativePath).startsWith('rollout-') && relativePath.endsWith('.jsonl');
}

/** `rollout-2025-09-01T10-00-00-<uuid>.jsonl` → `<uuid>`. */
export function codexSessionIdFromFileName(fileName: string): string {
  const match = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(fileName);
  return match ? match[1] : fileName.replace(/\.jsonl$/, '');
}
