// Types for bench/generateCorpus.mjs.
export const SIZES: { small: number; medium: number; large: number };
export const DEFAULT_NOW: number;
export const GENERATOR_VERSION: number;
export interface ClaudeTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
}
export interface CodexTotals {
  events: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}
export interface GroundTruth {
  generatorVersion: number;
  seed: string;
  sizeBytes: number;
  now: string;
  days: number;
  generationMs: number;
  claude: { totals: ClaudeTotals; byModel: Record<string, ClaudeTotals>; byDay: Record<string, ClaudeTotals & { byModel: Record<string, ClaudeTotals> }>; sessionCount: number; subagentRequests: number };
  codex: { totals: CodexTotals; byModel: Record<string, CodexTotals>; byDay: Record<string, CodexTotals & { byModel: Record<string, CodexTotals> }>; sessionCount: number };
  lines: { claude: number; claudeAssistant: number; claudeDuplicateAssistant: number; malformed: number; codex: number };
  files: { claudeSessions: number; claudeSubagents: number; claudeResumed: number; codexSessions: number };
  bytes: { claude: number; codex: number; toolResults: number };
}
export function generateCorpus(opts: {
  claudeDir: string;
  codexDir?: string | null;
  sizeBytes: number;
  seed?: string | number;
  now?: number | Date;
  days?: number;
  codexShare?: number;
  codexRepeatedTotals?: boolean;
  /** Probability that a line is followed by a garbage or truncated copy (default 0.0008). */
  malformedRate?: number;
  /** Probability that a request is followed by a `<synthetic>` API-error line (default 0.003). */
  apiErrorRate?: number;
}): GroundTruth;
export function generateCorpusDir(opts: { out: string; size?: 'small' | 'medium' | 'large'; bytes?: number; seed?: string; codex?: boolean; force?: boolean; log?: (line: string) => void }): { dir: string; expectedPath: string; generated: boolean };
