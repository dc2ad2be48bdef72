// zod/mini: the same schemas without the locale tables, so the webview bundle stays small.
import * as z from 'zod/mini';
import { sourceNames } from './usageEvent';

/**
 * Messages between the dashboard webview and the extension: one union per
 * direction, parsed on receipt by both sides. The view carries only what is
 * drawn (aggregates for the chosen range), never raw events.
 */

const dateKeySchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

export const rangeKindSchema = z.enum(['today', '7d', '30d', 'month', 'custom']);
export const sourceSchema = z.enum(sourceNames);
export const sourceFilterSchema = z.union([z.literal('all'), sourceSchema]);

/** What the page asks for: a date range (inclusive local dates for `custom`) and a source filter. */
export const dashboardQuerySchema = z.object({
  range: rangeKindSchema,
  from: z.optional(dateKeySchema),
  to: z.optional(dateKeySchema),
  source: sourceFilterSchema,
});

const levelSchema = z.enum(['ok', 'warning', 'error', 'exceeded']);

export const gaugeSchema = z.object({
  label: z.string(),
  unit: z.enum(['usd', 'tokens', 'percent']),
  limit: z.number(),
  spent: z.number(),
  fraction: z.number(),
  level: levelSchema,
  /** Where the figure comes from: estimated from the logs, a budget endpoint, or the provider's plan (see `Limit`). */
  origin: z.enum(['estimated', 'endpoint', 'official']),
  periodEndMs: z.optional(z.number()),
  projectedExhaustMs: z.optional(z.number()),
  /** Spend at the end of the period if the current rate holds. */
  projectedAtEnd: z.optional(z.number()),
  /** An official window's pace: the share of the window's time gone (0-1), and when it runs out before its reset. */
  elapsedFraction: z.optional(z.number()),
  runsOutBeforeResetAtMs: z.optional(z.number()),
});

export const headerSchema = z.object({
  gauges: z.array(gaugeSchema),
  todayCostUsd: z.number(),
  todayTokens: z.number(),
  rangeCostUsd: z.number(),
  rangeTokens: z.number(),
  rangeRequests: z.number(),
  unpricedTokens: z.number(),
  unpricedModels: z.array(z.string()),
  block: z.optional(
    z.object({ startMs: z.number(), endMs: z.number(), costUsd: z.number(), tokens: z.number(), usdPerHour: z.number(), tokensPerMinute: z.number() }),
  ),
});

export const dailySchema = z.object({
  days: z.array(dateKeySchema),
  /** Drawn models, costliest first; smaller ones are folded into "other models". */
  models: z.array(z.string()),
  /** costUsdByModel[m][d]: spend of models[m] on days[d]. */
  costUsdByModel: z.array(z.array(z.number())),
  tokensByDay: z.array(z.number()),
  sessionsByDay: z.array(z.number()),
  capUsd: z.optional(z.number()),
  /** Today's spend if the live 5-hour block keeps its pace until it ends (or midnight), at its index in `days`. */
  projection: z.optional(z.object({ dayIndex: z.int(), costUsd: z.number() })),
});

export const cumulativeSchema = z.object({
  label: z.string(),
  days: z.array(dateKeySchema),
  spentUsd: z.array(z.nullable(z.number())),
  projectedUsd: z.array(z.nullable(z.number())),
  capUsd: z.optional(z.number()),
});

export const tokensByKindSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheWrite5mTokens: z.number(),
  cacheWrite1hTokens: z.number(),
  cacheReadTokens: z.number(),
  /** Cache reads over all prompt tokens (input + writes + reads). */
  cacheHitRatio: z.number(),
  /** What the cache reads would have cost at the input rate, minus what they cost. */
  cacheSavingsUsd: z.number(),
});

export const rankedSchema = z.object({ name: z.string(), costUsd: z.number(), tokens: z.number(), detail: z.string() });

export const sessionRowSchema = z.object({
  sessionId: z.string(),
  source: sourceSchema,
  project: z.string(),
  models: z.array(z.string()),
  subAgents: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  requests: z.number(),
  tokens: z.number(),
  costUsd: z.number(),
  unpricedTokens: z.number(),
});

export const modelRowSchema = z.object({
  model: z.string(),
  priced: z.boolean(),
  priceId: z.string(),
  origin: z.enum(['genai-prices', 'override', 'unpriced']),
  inputPerMTok: z.nullable(z.number()),
  outputPerMTok: z.nullable(z.number()),
  cacheWritePerMTok: z.nullable(z.number()),
  cacheReadPerMTok: z.nullable(z.number()),
  requests: z.number(),
  tokens: z.number(),
  costUsd: z.number(),
});

export const perResultSchema = z.object({
  sessions: z.number(),
  activeDays: z.number(),
  requests: z.number(),
  costPerSessionUsd: z.number(),
  costPerActiveDayUsd: z.number(),
  costPerRequestUsd: z.number(),
  tokensPerRequest: z.number(),
  /** Daily spend divided by sessions active that day, per day of the range. */
  costPerSessionByDay: z.array(z.nullable(z.number())),
});

/** An alert in force (runaway session, budget), shown above the charts. */
export const alertSchema = z.object({
  title: z.string(),
  detail: z.string(),
  level: z.enum(['warning', 'error']),
  firedAtMs: z.number(),
  /** The session it is about, to open its details. */
  sessionId: z.optional(z.string()),
});

export const dashboardViewSchema = z.object({
  nowMs: z.number(),
  timeZone: z.string(),
  query: dashboardQuerySchema,
  rangeLabel: z.string(),
  /** Sources with any usage in the history, for the source filter. */
  sources: z.array(sourceSchema),
  header: headerSchema,
  alerts: z.array(alertSchema),
  daily: dailySchema,
  cumulative: cumulativeSchema,
  tokensByKind: tokensByKindSchema,
  topSessions: z.array(rankedSchema),
  topProjects: z.array(rankedSchema),
  sessions: z.object({ rows: z.array(sessionRowSchema), total: z.number() }),
  models: z.array(modelRowSchema),
  perResult: perResultSchema,
});

/** Sections a live update may replace one by one. */
export const viewSectionKeys = ['header', 'alerts', 'daily', 'cumulative', 'tokensByKind', 'topSessions', 'topProjects', 'sessions', 'models', 'perResult'] as const;
export type ViewSectionKey = (typeof viewSectionKeys)[number];

/** Session rows that changed since the last view, instead of the whole table; removed rows by `sessionKey`. */
export const sessionsDeltaSchema = z.object({ upserts: z.array(sessionRowSchema), removedKeys: z.array(z.string()), total: z.number() });

export const viewPatchSchema = z.extend(z.partial(dashboardViewSchema), {
  nowMs: z.number(),
  query: dashboardQuerySchema,
  sessionsDelta: z.optional(sessionsDeltaSchema),
});

const breakdownSchema = z.object({ name: z.string(), requests: z.number(), tokens: z.number(), costUsd: z.number(), firstMs: z.number(), lastMs: z.number() });

export const sessionDetailsSchema = z.object({
  sessionId: z.string(),
  source: sourceSchema,
  project: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  requests: z.number(),
  costUsd: z.number(),
  tokensByKind: tokensByKindSchema,
  byModel: z.array(breakdownSchema),
  /** Main agent first (name ''), then sub-agents by cost. */
  byAgent: z.array(breakdownSchema),
});

/** The editor's display language and currency (core/format.ts `DisplayOptions`): the page speaks them. */
export const displaySchema = z.object({
  locale: z.string().check(z.maxLength(40)),
  currency: z.enum(['USD', 'CNY']),
  cnyPerUsd: z.number().check(z.positive()),
});

export const toViewSchema = z.discriminatedUnion('type', [
  // `words`: the display language's phrase table (core/phrases.ts), sent with a new display; none for English.
  z.object({ type: z.literal('view'), view: dashboardViewSchema, display: z.optional(displaySchema), words: z.optional(z.record(z.string(), z.string())) }),
  z.object({ type: z.literal('patch'), patch: viewPatchSchema }),
  z.object({ type: z.literal('loading'), message: z.string() }),
  z.object({ type: z.literal('sessionDetails'), details: z.nullable(sessionDetailsSchema), sessionId: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export const toHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), query: z.optional(dashboardQuerySchema) }),
  z.object({ type: z.literal('query'), query: dashboardQuerySchema }),
  z.object({ type: z.literal('sessionDetails'), sessionId: z.string().check(z.maxLength(500)) }),
  z.object({ type: z.literal('export'), format: z.enum(['csv-daily', 'csv-sessions', 'json']) }),
  z.object({ type: z.literal('refresh') }),
]);

/** What the page keeps with `setState`, and the serializer gets back after a reload. */
export const viewStateSchema = z.object({
  query: dashboardQuerySchema,
  sort: z.optional(z.object({ key: z.string(), descending: z.boolean() })),
  filter: z.optional(z.string()),
  selectedSessionId: z.optional(z.string()),
});

export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;
export type DashboardView = z.infer<typeof dashboardViewSchema>;
export type ViewPatch = z.infer<typeof viewPatchSchema>;
export type SessionsDelta = z.infer<typeof sessionsDeltaSchema>;
export type SessionRow = z.infer<typeof sessionRowSchema>;
export type ModelRow = z.infer<typeof modelRowSchema>;
export type Gauge = z.infer<typeof gaugeSchema>;
export type DashboardAlert = z.infer<typeof alertSchema>;
export type SessionDetails = z.infer<typeof sessionDetailsSchema>;
export type TokensByKind = z.infer<typeof tokensByKindSchema>;
export type ToView = z.infer<typeof toViewSchema>;
export type ToHost = z.infer<typeof toHostSchema>;
export type ViewState = z.infer<typeof viewStateSchema>;

export const defaultQuery: DashboardQuery = { range: '30d', source: 'all' };
export const dashboardViewType = 'tokenmeter.dashboard';

/** A session row's identity: two agents' session ids may coincide. */
export function sessionKey(row: Pick<SessionRow, 'source' | 'sessionId'>): string {
  return `${row.source}\u0000${row.sessionId}`;
}

/** The page's side of `sessionsDelta`: rows keyed by source and id, order left to the table's sort. */
export function applySessionsDelta(rows: readonly SessionRow[], delta: SessionsDelta): SessionRow[] {
  const removed = new Set(delta.removedKeys);
  const byKey = new Map<string, SessionRow>();
  for (const row of rows) {
    const key = sessionKey(row);
    if (!removed.has(key)) byKey.set(key, row);
  }
  for (const row of delta.upserts) byKey.set(sessionKey(row), row);
  return [...byKey.values()];
}
