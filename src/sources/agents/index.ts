import type { AgentAdapter } from './agentAdapter';

/** Every whole-file agent adapter, by source name. */
export const agentAdapters: AgentAdapter[] = [];
