import { fnv1a } from '../fnv1a';

/**
 * What an agent did, reduced to what a retry loop shows: the same tool call with the same (or
 * near-same) input, answered with the same result, again and again. Texts are hashed, never kept.
 */

/** One completed tool call: the call and its result, both as hashes of their normalised text. */
export interface AgentAction {
  /** When the result came back, epoch ms. */
  timestampMs: number;
  /** The top-level session (sub-agents belong to their parent). */
  sessionId: string;
  /** Sub-agent id, '' for the main agent. */
  agentId: string;
  project: string;
  /** The tool's name when it is a plain identifier (for the alert's sentence), else 'tool'. */
  tool: string;
  /** Hash of the tool's name and input, numbers and long hex ids ignored: "the same command again". */
  callKey: number;
  /** Hash of the result's text, numbers and long hex ids ignored: "the same answer again". */
  resultKey: number;
  /** The tool reported an error (`is_error`). */
  failed: boolean;
}

/** Results are judged on their start; a stack trace's first few kilobytes say which failure it is. */
const maxHashedChars = 4096;

/**
 * Text with what differs between two tries of the same thing blanked out: numbers (times,
 * durations, line numbers, PIDs, retry counters) and long hex ids (request ids, hashes).
 */
export function repetitionKeyOf(text: string): number {
  // FNV-1a, 32 bits: enough to tell a few thousand recent calls apart.
  return fnv1a(text.slice(0, maxHashedChars).replace(/[0-9a-f]{8,}|\d+/gi, '#').replace(/\s+/g, ' '));
}

/** A tool name fit for a sentence (tool names come from logs: untrusted). */
export function toolNameOf(name: unknown): string {
  return typeof name === 'string' && /^[\w.:-]{1,64}$/.test(name) ? name : 'tool';
}
