// The zod schemas of budget readings and endpoint configs, apart from budgetReading.ts so that the warm
// status path (which only computes with readings) does not load zod (~40 ms of start-up).
import { z } from 'zod';

/**
 * A budget as one endpoint reports it: the number that will actually stop the user
 * (a gateway key quota, a team pool, an org cap), in USD.
 */
// member: one person's limit inside an org (Anthropic effective spend limits); project: an OpenAI project's cap.
export const budgetScopeSchema = z.enum(['key', 'team', 'org', 'local', 'member', 'project']);

export const budgetReadingSchema = z.object({
  /** Config `name`, or the source type when unnamed ("litellm", "openrouter", ...). */
  source: z.string(),
  scope: budgetScopeSchema,
  limitUsd: z.number().optional(),
  spentUsd: z.number().optional(),
  remainingUsd: z.number().optional(),
  /** ISO 8601 instant when the budget resets, when the source says. */
  resetsAt: z.string().optional(),
  fetchedAtMs: z.number(),
  /** True when this is the last good value kept after a failed poll. */
  stale: z.boolean(),
  /** What went wrong on the last poll (never contains a key). */
  error: z.string().optional(),
  /** Where a member's limit is set when it is inherited (Anthropic: `organization`, `seat_tier`, `rbac_group`, `user`…). */
  limitFrom: z.string().optional(),
});

const baseUrlSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const commonSourceFields = {
  /** Shown in the tooltip and the CLI output; defaults to the type. */
  name: z.string().min(1).optional(),
  /** Name of the environment variable holding the key (CLI). The extension uses SecretStorage. */
  apiKeyEnv: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(500).max(120_000).optional(),
};

export const litellmSourceSchema = z.object({
  type: z.literal('litellm'),
  baseUrl: baseUrlSchema,
  /** Also read the key's team pool via /team/info (skipped silently when the key may not). */
  includeTeam: z.boolean().default(true),
  ...commonSourceFields,
});

export const openrouterSourceSchema = z.object({
  type: z.literal('openrouter'),
  baseUrl: baseUrlSchema.default('https://openrouter.ai'),
  ...commonSourceFields,
});

const orgCostFields = {
  /** The cap the user sets for org spend this period. Without it only spend is shown. */
  limitUsd: z.number().positive().optional(),
  /** Day of month (1-28) the cap period starts, in UTC (cost APIs bucket by UTC day). */
  resetDayOfMonth: z.number().int().min(1).max(28).default(1),
};

export const anthropicAdminSourceSchema = z.object({
  type: z.literal('anthropic-admin'),
  baseUrl: baseUrlSchema.default('https://api.anthropic.com'),
  ...orgCostFields,
  /**
   * Read this member's effective spend limits (GET /v1/organizations/spend_limits/effective, Claude Enterprise):
   * the limit, the period-to-date spend and the scope it is inherited from, one reading per period.
   * A tagged user id (`user_...`) or the member's email address.
   */
  member: z.string().min(3).max(320).optional(),
  ...commonSourceFields,
});

export const openaiAdminSourceSchema = z.object({
  type: z.literal('openai-admin'),
  baseUrl: baseUrlSchema.default('https://api.openai.com'),
  ...orgCostFields,
  /** Use the hard spend limit the organization (or `projectId`) has set as the cap (GET /v1/organization/spend_limit). */
  spendLimit: z.boolean().default(false),
  /** Limit and spend of one project (`proj_...`) instead of the organization. */
  projectId: z.string().regex(/^proj_[A-Za-z0-9_-]{1,64}$/, 'a project id like proj_abc123').optional(),
  ...commonSourceFields,
});

export const prometheusSourceSchema = z.object({
  type: z.literal('prometheus'),
  baseUrl: baseUrlSchema,
  /** PromQL whose result is one number: the spend in USD (e.g. sum(increase(claude_code_cost_usage_USD_total[30d]))). */
  query: z.string().min(1),
  /** What the number means: spent so far (default) or remaining. */
  measures: z.enum(['spent', 'remaining']).default('spent'),
  limitUsd: z.number().positive().optional(),
  scope: budgetScopeSchema.default('team'),
  ...commonSourceFields,
});

const fieldPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'dotted path like data.budget.left');

export const jsonSourceSchema = z.object({
  type: z.literal('json'),
  url: baseUrlSchema,
  /** Header the key is sent in; "Authorization" sends "Bearer <key>". */
  apiKeyHeader: z.string().min(1).default('Authorization'),
  fields: z
    .object({
      remaining: fieldPathSchema.optional(),
      limit: fieldPathSchema.optional(),
      spent: fieldPathSchema.optional(),
      resetsAt: fieldPathSchema.optional(),
    })
    .refine((f) => f.remaining || f.limit || f.spent, 'map at least one of remaining, limit, spent'),
  scope: budgetScopeSchema.default('key'),
  ...commonSourceFields,
});

export const endpointSourceConfigSchema = z.discriminatedUnion('type', [
  litellmSourceSchema,
  openrouterSourceSchema,
  anthropicAdminSourceSchema,
  openaiAdminSourceSchema,
  prometheusSourceSchema,
  jsonSourceSchema,
]);

/** The CLI's `--config FILE`: `{"sources":[{"type":"litellm","baseUrl":"http://127.0.0.1:4000","apiKeyEnv":"LITELLM_API_KEY"}]}`. */
export const endpointsConfigSchema = z.object({
  sources: z.array(endpointSourceConfigSchema),
});

/**
 * A plan quota that is not in dollars: Claude's 5-hour/7-day windows (from the status line) and
 * GitHub Copilot's monthly premium requests. Shown next to the USD budgets; compared with them
 * by fraction used.
 */
export const planQuotaSchema = z.object({
  /** 'claude' | 'copilot' */
  source: z.string(),
  /** '5h' | '7d' | 'premium requests' */
  window: z.string(),
  /** 0-100 (may exceed 100 with overage). */
  usedPercent: z.number(),
  /** Counted units when the source gives them (Copilot: premium requests, or AI credits since 2026-06-01). */
  used: z.number().optional(),
  entitlement: z.number().optional(),
  /** What `used` and `entitlement` count. */
  unit: z.enum(['requests', 'credits']).optional(),
  /** USD per unit when it has a price (an AI credit is $0.01). */
  usdPerUnit: z.number().optional(),
  unlimited: z.boolean().optional(),
  resetsAt: z.string().optional(),
  fetchedAtMs: z.number(),
  stale: z.boolean(),
  error: z.string().optional(),
});
