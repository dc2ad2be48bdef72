import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { SourceName } from '../../core/usageEvent';
import { listFilesIn } from '../boundedWalk';
import { agentAdapters } from './index';

export interface AgentRoot {
  source: SourceName;
  root: string;
}

/**
 * The history folders of the whole-file agents that exist on this machine, for the output
 * channel ("Cline: ~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks"); for an
 * agent whose history is a database, the database files. One `stat` per candidate folder,
 * one `readdir` per database folder found; nothing is read.
 */
export async function existingAgentRoots(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Promise<AgentRoot[]> {
  const candidates = agentAdapters.flatMap((adapter) => adapter.roots(env, home).map((root) => ({ adapter, root })));
  const present = await Promise.all(candidates.map(({ root }) => fs.stat(root).then((s) => s.isDirectory(), () => false)));
  const found: AgentRoot[] = [];
  for (const [i, { adapter, root }] of candidates.entries()) {
    if (!present[i]) continue;
    // A database's folder holds much else (and exists before its first database): name the database.
    if (adapter.shallow) for (const file of await listFilesIn(root, (name) => adapter.accepts(name), [])) found.push({ source: adapter.source, root: file });
    else found.push({ source: adapter.source, root });
  }
  return found;
}
