import { z } from 'zod';
import { sourceNames, type SourceName } from './usageEvent';

const positive = z.number().positive().optional();

const tokenRatesSchema = z.object({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  cacheWrite5mPerMTok: z.number().nonnegative().optional(),
  cacheWrite1hPerMTok: z.number().nonnegative().optional(),
  cacheReadPerMTok: z.number().nonnegative().optional(),
});

export const budgetSettingsSchema = z.object({
  dailyUsd: positive,
  weeklyUsd: positive,
  monthlyUsd: positive,
  dailyTokens: positive,
  weeklyTokens: positive,
  monthlyTokens: positive,
  /** Day of the month the monthly budget resets (clamped to short months). */
  resetDayOfMonth: z.number().int().min(1).max(31).default(1),
  /** 0 = Sunday … 6 = Saturday. */
  weekStartsOn: z.number().int().min(0).max(6).default(1),
  warnAtPercent: z.number().min(1).max(100).default(80),
  errorAtPercent: z.number().min(1).max(100).default(95),
});

/** Every setting under `tokenmeter.*`, as one typed snapshot (the package.json contributions mirror it). */
export const settingsSchema = z.object({
  budget: budgetSettingsSchema.default(budgetSettingsSchema.parse({})),
  /** Which agents' logs to read; all by default (one that is not installed costs a few `stat` calls). */
  sources: z
    .object(Object.fromEntries(sourceNames.map((name) => [name, z.boolean().default(true)])) as Record<SourceName, z.ZodDefault<z.ZodBoolean>>)
    .default(Object.fromEntries(sourceNames.map((name) => [name, true])) as Record<SourceName, boolean>),
  /** Extra Claude config folders (each holding `projects/`), beside the ones found automatically. */
  claudeConfigDirs: z.array(z.string()).default([]),
  /** Extra Codex home folders (each holding `sessions/`). */
  codexHomes: z.array(z.string()).default([]),
  /** IANA zone for days and budget periods; empty = the system zone. */
  timeZone: z.string().default(''),
  /** Rates for models the bundled price data lacks, keyed by model-id prefix. */
  prices: z.record(z.string(), tokenRatesSchema).default({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type BudgetSettings = z.infer<typeof budgetSettingsSchema>;

export const defaultSettings: Settings = settingsSchema.parse({});
