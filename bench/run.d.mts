// Types for bench/run.mjs (used by test/unit/benchSmoke.test.ts).
export interface Timing {
  label: string;
  reps: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
  peakRssMb: number | null;
  medianCpuMs: number | null;
}
export interface Check {
  what: string;
  ok: boolean;
  diff: string[];
}
export interface BenchResults {
  size: string;
  corpusBytes: number;
  cold: Record<string, Timing>;
  withCodex: Record<string, Timing> | null;
  /** Null with `coldOnly`, as are `incremental` and `live`. */
  warm: (Timing & { coldMs: number }) | null;
  incremental: { label: string; appendedBytes: number; fileBytes: number; wallMs: number; peakRssMb: number } | null;
  live: { fileBytes: number; fullScanMs: number; fullScanRssMb: number; appends: { bytes: number; ms: number; ok: boolean }[]; quickNoChangeMs: number; fullNoChangeMs: number; files: number; peakRssMb: number } | null;
  checks: Check[];
}
export function runBenchmark(opts?: {
  size?: 'small' | 'medium' | 'large' | 'huge';
  reps?: number;
  reps17?: number | null;
  ccusage17?: boolean;
  codex?: boolean;
  /** Also time plain Node reading every file (default true). */
  floor?: boolean;
  /** Repetitions of the warm start (default max(3, reps)). */
  warmReps?: number | null;
  /** Cold scans and totals only: no warm start, incremental or live update (the 15 GB corpus). */
  coldOnly?: boolean;
  out?: string | null;
  log?: (line: string) => void;
}): Promise<BenchResults>;
