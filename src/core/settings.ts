import { z } from 'zod';
import { endpointSourceConfigSchema } from './budgetReadingSchema';
import { plans } from './runaway/plans';
import { sourceNames, type SourceName } from './usageEvent';
import { defaultRoutingTiers } from './priceData';

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
  /** Percent of the tightest budget at which a notification is raised, once per period each. */
  notifyAtPercent: z.array(z.number().min(1).max(100)).default([50, 80, 95, 100]),
  /** "Request More Budget": a URL or mailto: template with {source} {scope} {spent} {limit} {remaining} {resetsAt}. */
  requestUrl: z.string().default(''),
});

/** Budget endpoints polled for the number that will actually stop the user (keys live in SecretStorage). */
export const endpointsSettingsSchema = z.object({
  /** Same shape as the CLI's `--config` sources; `apiKeyEnv` is ignored in the editor. */
  sources: z.array(endpointSourceConfigSchema).default([]),
  pollIntervalMs: z.number().int().min(5_000).default(60_000),
  /** Pause polling after the window has been unfocused this long; catch up on focus. */
  pauseWhenUnfocusedMs: z.number().int().min(0).default(5 * 60_000),
  /** Show GitHub Copilot's premium-request quota through VS Code's own GitHub sign-in (opt-in). */
  copilot: z.boolean().default(false),
});

export const routingSettingsSchema = z.object({
  aggressiveness: z.enum(['conservative', 'balanced', 'aggressive']).default('balanced'),
  // Defaults follow the current lineup, kept once in the dated price data (src/core/data/priceAdjustments.json).
  smallModel: z.string().min(1).default(defaultRoutingTiers.small),
  mediumModel: z.string().min(1).default(defaultRoutingTiers.medium),
  largeModel: z.string().min(1).default(defaultRoutingTiers.large),
  /** A quiet status bar hint when an active session's recent requests look simple for its model. */
  liveHints: z.boolean().default(true),
  /** Opt-in: ask a model to grade a task's difficulty in Estimate Task Cost (the editor's cheapest, or the user's endpoint). */
  judge: z.enum(['off', 'editor', 'endpoint']).default('off'),
  /** OpenAI-compatible base URL for `judge: 'endpoint'` (e.g. a local Ollama `http://127.0.0.1:11434/v1`). */
  judgeEndpoint: z.string().default(''),
  /** The judge model: a name the endpoint knows, or an editor model's id or family; empty = the cheapest offered. */
  judgeModel: z.string().default(''),
});

export const runawaySettingsSchema = z.object({
  enabled: z.boolean().default(true),
  /** Alert when a session burns this many times the user's usual peak rate. */
  burnFactor: z.number().min(1).max(20).default(2.5),
  /** Alert when more sub-agents than this are active at once; 0 = derived from history (20–40). */
  maxParallelAgents: z.number().int().min(0).default(0),
});

/** How amounts are shown; every cost and budget is still computed and configured in USD. */
export const displaySettingsSchema = z.object({
  currency: z.enum(['USD', 'CNY']).default('USD'),
  /** Display rate for CNY (not a price): amounts are multiplied by it on screen only. */
  cnyPerUsd: z.number().positive().default(7.1),
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
  /** Opt-in: fetch the price package's published data file at most daily (cached; the bundled data stays the fallback). */
  priceDataRefresh: z.boolean().default(false),
  endpoints: endpointsSettingsSchema.default(endpointsSettingsSchema.parse({})),
  routing: routingSettingsSchema.default(routingSettingsSchema.parse({})),
  runaway: runawaySettingsSchema.default(runawaySettingsSchema.parse({})),
  /** The user's plan: window estimates and new-user runaway defaults until official readings and history replace them. */
  plan: z.enum(plans).default('auto'),
  display: displaySettingsSchema.default(displaySettingsSchema.parse({})),
});

export type Settings = z.infer<typeof settingsSchema>;
export type BudgetSettings = z.infer<typeof budgetSettingsSchema>;
export type EndpointsSettings = z.infer<typeof endpointsSettingsSchema>;
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;
export type RunawaySettings = z.infer<typeof runawaySettingsSchema>;
export type DisplaySettings = z.infer<typeof displaySettingsSchema>;

