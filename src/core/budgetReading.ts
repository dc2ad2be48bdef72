import { z } from 'zod';

/**
 * A budget as one endpoint reports it: the number that will actually stop the user
 * (a gateway key quota, a team pool, an org cap), in USD.
 */
// member: one person's limit inside an org (Anthropic effective spend limits); project: an OpenAI project's cap.
export const budgetScopeSchema = z.enum(['key', 'team', 'org', 'local', 'member', 'project']);
export type BudgetScope = z.infer<typeof budgetScopeSchema>;

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
export type BudgetReading = z.infer<typeof budgetReadingSchema>;

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
export type EndpointSourceConfig = z.infer<typeof endpointSourceConfigSchema>;
export type EndpointSourceType = EndpointSourceConfig['type'];
export type LitellmSourceConfig = z.infer<typeof litellmSourceSchema>;
export type OpenrouterSourceConfig = z.infer<typeof openrouterSourceSchema>;
export type AnthropicAdminSourceConfig = z.infer<typeof anthropicAdminSourceSchema>;
export type OpenaiAdminSourceConfig = z.infer<typeof openaiAdminSourceSchema>;
export type PrometheusSourceConfig = z.infer<typeof prometheusSourceSchema>;
export type JsonSourceConfig = z.infer<typeof jsonSourceSchema>;

/** The CLI's `--config FILE`: `{"sources":[{"type":"litellm","baseUrl":"http://127.0.0.1:4000","apiKeyEnv":"LITELLM_API_KEY"}]}`. */
export const endpointsConfigSchema = z.object({
  sources: z.array(endpointSourceConfigSchema),
});
export type EndpointsConfig = z.infer<typeof endpointsConfigSchema>;

/** Human label of a source type, used in messages ("401 from LiteLLM: ..."). */
export const sourceTypeLabel: Record<EndpointSourceType, string> = {
  litellm: 'LiteLLM',
  openrouter: 'OpenRouter',
  'anthropic-admin': 'Anthropic Admin API',
  'openai-admin': 'OpenAI Admin API',
  prometheus: 'Prometheus',
  json: 'budget endpoint',
};

/** Display name of a configured source: its `name`, else its type. */
export function sourceNameOf(config: EndpointSourceConfig): string {
  return config.name ?? config.type;
}

/** Fills whichever of limit/spent/remaining can be derived from the other two (USD). */
export function completeAmounts<T extends Pick<BudgetReading, 'limitUsd' | 'spentUsd' | 'remainingUsd'>>(r: T): T {
  const out = { ...r };
  if (out.remainingUsd === undefined && out.limitUsd !== undefined && out.spentUsd !== undefined) {
    out.remainingUsd = out.limitUsd - out.spentUsd;
  } else if (out.spentUsd === undefined && out.limitUsd !== undefined && out.remainingUsd !== undefined) {
    out.spentUsd = out.limitUsd - out.remainingUsd;
  } else if (out.limitUsd === undefined && out.spentUsd !== undefined && out.remainingUsd !== undefined) {
    out.limitUsd = out.spentUsd + out.remainingUsd;
  }
  return out;
}

/** Fraction of the budget left in [.., 1]; undefined when the reading has no cap. Negative when overspent. */
export function remainingFraction(r: BudgetReading): number | undefined {
  const c = completeAmounts(r);
  if (c.limitUsd === undefined || c.remainingUsd === undefined) return undefined;
  if (c.limitUsd <= 0) return c.remainingUsd > 0 ? 1 : 0;
  return c.remainingUsd / c.limitUsd;
}

/**
 * The reading the status bar shows: the one with the least remaining fraction of its cap;
 * ties (and readings of equal fraction) go to the smaller remaining amount. Readings without a
 * cap only win when no reading has one (then the smallest remaining, else the first).
 * Readings that never answered (error and no numbers) are ignored.
 */
export function tightestBudget(readings: readonly BudgetReading[]): BudgetReading | undefined {
  let best: BudgetReading | undefined;
  let bestFraction: number | undefined;
  let bestRemaining: number | undefined;
  for (const r of readings) {
    const c = completeAmounts(r);
    if (c.limitUsd === undefined && c.spentUsd === undefined && c.remainingUsd === undefined) continue;
    const fraction = remainingFraction(r);
    const remaining = c.remainingUsd;
    if (best === undefined) {
      [best, bestFraction, bestRemaining] = [r, fraction, remaining];
      continue;
    }
    let better: boolean;
    if (fraction !== undefined && bestFraction === undefined) better = true;
    else if (fraction === undefined && bestFraction !== undefined) better = false;
    else if (fraction !== undefined && bestFraction !== undefined && fraction !== bestFraction) better = fraction < bestFraction;
    else better = remaining !== undefined && (bestRemaining === undefined || remaining < bestRemaining);
    if (better) [best, bestFraction, bestRemaining] = [r, fraction, remaining];
  }
  return best;
}

/**
 * Replaces every occurrence of each secret (and its URL-encoded form) with "[redacted]".
 * Applied to every error string that leaves an adapter. Secrets shorter than 4 characters are
 * ignored: replacing them would shred ordinary text and they are not real keys.
 */
/** Shortest key prefix treated as the key: a clipped message may keep all of a key but its tail. */
export const MIN_REDACTED_PREFIX_CHARS = 8;

/**
 * Replaces every secret in `text` with `[redacted]`: the key as is, URL-encoded and JSON-escaped,
 * and also any run of at least 8 characters that starts like one of those forms (a key cut short
 * by a server or a clip is still most of the key). Call it before clipping, never after.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first so a key that contains another secret is replaced whole.
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    out = f.length < MIN_REDACTED_PREFIX_CHARS ? out.split(f).join('[redacted]') : redactPrefixRuns(out, f);
  }
  return out;
}

/** Replaces each run in `text` that matches the first 8 or more characters of `secret`. */
function redactPrefixRuns(text: string, secret: string): string {
  const head = secret.slice(0, MIN_REDACTED_PREFIX_CHARS);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end - at < secret.length && end < text.length && text[end] === secret[end - at]) end++;
    out += `${text.slice(from, at)}[redacted]`;
    from = end;
  }
  return out + text.slice(from);
}

/** Completes the amounts and drops undefined fields so readings compare and print cleanly. */
export function makeReading(r: BudgetReading): BudgetReading {
  const c = completeAmounts(r);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
  return out as BudgetReading;
}

/**
 * The UTC billing period containing nowMs for a cap that resets on `resetDayOfMonth` (1-28),
 * as cost APIs bucket by UTC day. Returns [startMs, endMs).
 */
export function billingPeriodUtc(nowMs: number, resetDayOfMonth: number): { startMs: number; endMs: number } {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const startMonth = d.getUTCDate() >= resetDayOfMonth ? m : m - 1;
  return { startMs: Date.UTC(y, startMonth, resetDayOfMonth), endMs: Date.UTC(y, startMonth + 1, resetDayOfMonth) };
}

/**
 * Between polls, moves a reading by the spend the local logs saw since it was fetched (USD), so
 * the number is live; the next poll replaces it (reconciles). Readings without numbers, and
 * stale ones (their fetch time is old, the logs would double count) are returned unchanged.
 */
export function withLocalSpend(reading: BudgetReading, localSpentSinceFetchUsd: number): BudgetReading {
  if (localSpentSinceFetchUsd <= 0 || reading.stale) return reading;
  const c = completeAmounts(reading);
  if (c.spentUsd === undefined && c.remainingUsd === undefined) return reading;
  return makeReading({
    ...reading,
    spentUsd: c.spentUsd === undefined ? undefined : c.spentUsd + localSpentSinceFetchUsd,
    remainingUsd: c.remainingUsd === undefined ? undefined : c.remainingUsd - localSpentSinceFetchUsd,
  });
}

/**
 * Fills a "Request More Budget" URL or mail template: {source} {scope} {spent} {limit}
 * {remaining} {resetsAt} (amounts as 12.34). With `encode`, values are URL-encoded (for
 * mailto:/https: templates).
 */
export function fillBudgetTemplate(template: string, reading: BudgetReading, encode = false): string {
  const c = completeAmounts(reading);
  const money = (v: number | undefined) => (v === undefined ? 'unknown' : v.toFixed(2));
  const values: Record<string, string> = {
    source: reading.source,
    scope: reading.scope,
    spent: money(c.spentUsd),
    limit: money(c.limitUsd),
    remaining: money(c.remainingUsd),
    resetsAt: reading.resetsAt ?? 'unknown',
  };
  return template.replace(/\{(source|scope|spent|limit|remaining|resetsAt)\}/g, (_, k: string) =>
    encode ? encodeURIComponent(values[k]) : values[k],
  );
}

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
export type PlanQuota = z.infer<typeof planQuotaSchema>;
