import type { AgentAdapter } from './agentAdapter';
import { clineAdapter, kiloAdapter, rooAdapter } from './clineFamily';
import { geminiAdapter } from './gemini';
import { opencodeAdapter } from './opencode';

/** Every whole-file agent adapter, by source name. */
export const agentAdapters: AgentAdapter[] = [clineAdapter, rooAdapter, kiloAdapter, opencodeAdapter, geminiAdapter];
