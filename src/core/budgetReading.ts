import type {
  anthropicAdminSourceSchema, budgetReadingSchema, budgetScopeSchema, endpointSourceConfigSchema, endpointsConfigSchema, jsonSourceSchema,
  litellmSourceSchema, openaiAdminSourceSchema, openrouterSourceSchema, planQuotaSchema, prometheusSourceSchema,
} from './budgetReadingSchema';
import type { z } from 'zod';

// Types only: the schemas (and zod) live in budgetReadingSchema.ts, loaded where input is validated.
/**
 * A budget as one endpoint reports it: the number that will actually stop the user
 * (a gateway key quota, a team pool, an org cap), in USD.
 */
export type BudgetScope = z.infer<typeof budgetScopeSchema>;
export type BudgetReading = z.infer<typeof budgetReadingSchema>;
export type EndpointSourceConfig = z.infer<typeof endpointSourceConfigSchema>;
export type EndpointSourceType = EndpointSourceConfig['type'];
export type LitellmSourceConfig = z.infer<typeof litellmSourceSchema>;
export type OpenrouterSourceConfig = z.infer<typeof openrouterSourceSchema>;
export type AnthropicAdminSourceConfig = z.infer<typeof anthropicAdminSourceSchema>;
export type OpenaiAdminSourceConfig = z.infer<typeof openaiAdminSourceSchema>;
export type PrometheusSourceConfig = z.infer<typeof prometheusSourceSchema>;
export type JsonSourceConfig = z.infer<typeof jsonSourceSchema>;
export type EndpointsConfig = z.infer<typeof endpointsConfigSchema>;
/**
 * A plan quota that is not in dollars: Claude's 5-hour/7-day windows (from the status line) and
 * GitHub Copilot's monthly premium requests. Shown next to the USD budgets; compared with them
 * by fraction used.
 */
export type PlanQuota = z.infer<typeof planQuotaSchema>;

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
