import type { SourceName } from '../../core/usageEvent';
import type { AgentAdapter } from './agentAdapter';
import { clineAdapter, kiloAdapter, rooAdapter } from './clineFamily';
import { ampAdapter } from './amp';
import { geminiAdapter } from './gemini';
import { kiloDatabaseAdapter, opencodeAdapter, opencodeDatabaseAdapter } from './opencode';

/** Every whole-file agent adapter. A source may have several (Kilo: VS Code task folders and the CLI's database). */
export const agentAdapters: AgentAdapter[] = [clineAdapter, rooAdapter, kiloAdapter, kiloDatabaseAdapter, opencodeAdapter, opencodeDatabaseAdapter, geminiAdapter, ampAdapter];

/**
 * The adapter that reads a file found under one of its roots: the one of the file's source
 * that accepts its relative path (the adapters of one source accept disjoint files).
 */
export function adapterForFile(source: SourceName, relativePath: string): AgentAdapter | undefined {
  return agentAdapters.find((a) => a.source === source && a.accepts(relativePath));
}
