// Types for bench/lib/tools.mjs (used by the unit tests).
export interface DayTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  costUsd?: number;
  models: Record<string, Omit<DayTotals, 'models'>>;
}
export interface NormalizedDaily {
  days: Record<string, DayTotals>;
  totals: Omit<DayTotals, 'models'>;
}
export interface Tool {
  label: string;
  command: string;
  args: string[];
}
export const REPO_DIR: string;
export const TOKENMETER_CLI: string;
export const CCUSAGE20_BIN: string;
export const CCUSAGE17_BIN: string;
export const CCUSAGE17_VERSION: string;
export const PEERS_DIR: string;
export const tools: { tokenmeter: Tool; ccusage20: Tool; ccusage17: Tool };
export function isolatedEnv(o: { claudeDirs: string[]; codexDir: string; home: string; cacheDir?: string }): NodeJS.ProcessEnv;
export function runJson(command: string, args: string[], env: NodeJS.ProcessEnv): any;
export function ensureCcusage17(log?: (message: string) => void): string;
export function normalizeDaily(report: unknown): NormalizedDaily;
export function expectedDaily(truth: unknown, opts?: { codex?: boolean }): NormalizedDaily;
export function diffDaily(a: NormalizedDaily, b: NormalizedDaily, opts?: { costRelTolerance?: number; compareCost?: boolean; labels?: [string, string] }): string[];
