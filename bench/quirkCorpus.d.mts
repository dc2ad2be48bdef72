// Types for bench/quirkCorpus.mjs (used by test/unit/ccusageParity.test.ts).
export interface QuirkUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
}
export interface QuirkRequest {
  /** UTC day of the line carrying the billed (largest output_tokens) snapshot. */
  day: string;
  /** UTC day of the request's first streamed line. */
  firstLineDay?: string;
  quirk: string;
  timestampMs: number;
  model: string;
  messageId: string;
  requestId: string | null;
  usage: QuirkUsage;
  sessionId: string;
  agentId: string;
}
export interface QuirkLine {
  path: string;
  day: string;
  quirk: string;
  model: string;
  messageId: string;
  requestId: string | null;
  usage: QuirkUsage;
  timestampMs: number;
}
export interface CodexDelta {
  day: string;
  quirk: string;
  timestampMs: number;
  model: string;
  sessionId: string;
  delta: { inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningOutputTokens: number; totalTokens: number };
}
export interface QuirkCorpus {
  root: string;
  claudeDirs: string[];
  codexDir: string;
  now: number;
  quirkDays: Record<string, string>;
  requests: QuirkRequest[];
  lines: QuirkLine[];
  codexDeltas: CodexDelta[];
}
export const QUIRK_NOW: number;
export const UNKNOWN_MODEL: string;
export const QUIRK_DAYS: Record<string, string>;
export function generateQuirkCorpus(opts: { root: string; seed?: string }): QuirkCorpus;
