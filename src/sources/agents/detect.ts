import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { SourceName } from '../../core/usageEvent';
import { agentAdapters } from './index';

export interface AgentRoot {
  source: SourceName;
  root: string;
}

/**
 * The history folders of the whole-file agents that exist on this machine, for the output
 * channel ("Cline: ~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks").
 * One `stat` per candidate folder; nothing is read.
 */
export async function existingAgentRoots(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Promise<AgentRoot[]> {
  const candidates = agentAdapters.flatMap((adapter) => adapter.roots(env, home).map((root) => ({ source: adapter.source, root })));
  const present = await Promise.all(candidates.map(({ root }) => fs.stat(root).then((s) => s.isDirectory(), () => false)));
  return candidates.filter((_, i) => present[i]);
}
