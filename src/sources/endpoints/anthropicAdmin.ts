import { z } from 'zod';
import { billingPeriodUtc } from '../../core/calendar';
import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type AnthropicAdminSourceConfig } from '../../core/endpointConfig';
import { EndpointError, ensureOk, httpGet, joinUrl, parseBody, quoteServerValue, requireKey, toNumber, type AdapterDeps } from './http';
import { apiRoot, sdkSuffixes } from './baseUrl';

const LABEL = 'Anthropic Admin API';
const MAX_PAGES = 20;

// GET /v1/organizations/cost_report: {data: [{starting_at, ending_at, results: [{amount, currency, ...}]}], has_more, next_page}.
// `amount` is a decimal STRING in the lowest currency unit (cents): "123.45" USD is $1.2345.
// https://platform.claude.com/docs/en/api/admin/cost_report
export const anthropicCostReportSchema = z.object({
  data: z.array(
    z.object({
      starting_at: z.string(),
      ending_at: z.string().nullish(),
      results: z.array(z.object({ amount: z.union([z.string(), z.number()]), currency: z.string().nullish() }).passthrough()),
    }),
  ),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

/** Org spend this period (UTC, from resetDayOfMonth) against the cap the user set. */
async function fetchCostReading(config: AnthropicAdminSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const key = requireKey(LABEL, deps);
  const { startMs, endMs } = billingPeriodUtc(deps.nowMs, config.resetDayOfMonth);
  let cents = 0;
  let page: string | undefined;
  for (let i = 0; ; i++) {
    const url = joinUrl(apiRoot(config.baseUrl, sdkSuffixes.anthropic), '/v1/organizations/cost_report', {
      starting_at: new Date(startMs).toISOString(),
      bucket_width: '1d',
      limit: '31',
      page,
    });
    const res = await httpGet(url, { 'x-api-key': key, 'anthropic-version': '2023-06-01', Accept: 'application/json' }, LABEL, deps);
    ensureOk(res, LABEL, deps, { permissionHint: 'The cost report needs an Admin API key (sk-ant-admin...), not a regular API key.' });
    const body = parseBody(res, anthropicCostReportSchema, LABEL, deps);
    for (const bucket of body.data) {
      for (const r of bucket.results) {
        const amount = toNumber(r.amount);
        if (amount === undefined) {
          throw new EndpointError('format', `${LABEL} returned an amount that is not a number. The API may have changed.`);
        }
        if (r.currency && r.currency.toUpperCase() !== 'USD') {
          throw new EndpointError('format', `${LABEL} returned costs in ${quoteServerValue(r.currency, deps)}; only USD is supported.`);
        }
        cents += amount;
      }
    }
    if (!body.has_more || !body.next_page) break;
    if (i + 1 >= MAX_PAGES) throw new EndpointError('format', `${LABEL} kept paginating past ${MAX_PAGES} pages. Try later.`);
    page = body.next_page;
  }
  return makeReading({
    source: sourceNameOf(config),
    scope: 'org',
    limitUsd: config.limitUsd,
    spentUsd: cents / 100,
    resetsAt: new Date(endMs).toISOString(),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}

const spendScopeSchema = z.object({ type: z.string() }).passthrough();

// GET /v1/organizations/spend_limits/effective (Claude Enterprise): one row per (member, period) with the
// member's effective limit, period-to-date spend and the scope the limit is inherited from; amounts are
// integer/decimal STRINGS in the minor unit of `currency` (cents for USD): "50000" is $500.00; `amount: null`
// means no cap at any scope. https://platform.claude.com/docs/en/api/admin/spend_limits/list_effective
export const anthropicEffectiveSpendLimitsSchema = z.object({
  data: z.array(
    z.object({
      actor: z.object({ type: z.string(), id: z.string().nullish(), user_id: z.string().nullish(), email_address: z.string().nullish() }).passthrough(),
      amount: z.union([z.string(), z.number()]).nullish(),
      currency: z.string(),
      period: z.string(),
      period_to_date_spend: z.union([z.string(), z.number()]),
      scope: spendScopeSchema.nullish(),
      source: spendScopeSchema.nullish(),
      spend_limit_id: z.string().nullish(),
    }).passthrough(),
  ),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

function cents(value: string | number | null | undefined, deps: AdapterDeps): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = toNumber(value);
  if (n === undefined) throw new EndpointError('format', `${LABEL} returned an amount that is not a number (${quoteServerValue(value, deps)}). The API may have changed.`);
  return n / 100;
}

/** The member's effective spend limits, one reading per period (daily / weekly / monthly), scope `member`. */
async function fetchMemberReadings(config: AnthropicAdminSourceConfig & { member: string }, deps: AdapterDeps): Promise<BudgetReading[]> {
  const key = requireKey(LABEL, deps);
  const byId = config.member.startsWith('user_');
  const readings: BudgetReading[] = [];
  let page: string | undefined;
  for (let i = 0; ; i++) {
    const url = joinUrl(apiRoot(config.baseUrl, sdkSuffixes.anthropic), '/v1/organizations/spend_limits/effective', {
      limit: '100',
      user_ids: byId ? config.member : undefined,
      page,
    });
    const res = await httpGet(url, { 'x-api-key': key, 'anthropic-version': '2023-06-01', Accept: 'application/json' }, LABEL, deps);
    ensureOk(res, LABEL, deps, { permissionHint: 'Effective spend limits need an Admin API key of a Claude Enterprise organization.' });
    const body = parseBody(res, anthropicEffectiveSpendLimitsSchema, LABEL, deps);
    for (const row of body.data) {
      const actorId = row.actor.id ?? row.actor.user_id ?? undefined;
      const matches = byId ? actorId === config.member : row.actor.email_address?.toLowerCase() === config.member.toLowerCase();
      if (!matches) continue;
      if (row.currency.toUpperCase() !== 'USD') {
        throw new EndpointError('format', `${LABEL} returned spend limits in ${quoteServerValue(row.currency, deps)}; only USD is supported.`);
      }
      const reading = makeReading({
        source: `${sourceNameOf(config)} ${row.period}`,
        scope: 'member',
        limitUsd: cents(row.amount, deps),
        spentUsd: cents(row.period_to_date_spend, deps),
        fetchedAtMs: deps.nowMs,
        stale: false,
      });
      if (row.source?.type) reading.limitFrom = row.source.type;
      readings.push(reading);
    }
    if (!body.has_more || !body.next_page) break;
    if (i + 1 >= MAX_PAGES) throw new EndpointError('format', `${LABEL} kept paginating past ${MAX_PAGES} pages. Try later.`);
    page = body.next_page;
  }
  if (readings.length === 0) {
    throw new EndpointError('format', `${LABEL} has no effective spend limit for ${quoteServerValue(config.member, deps)}. Check the member (user_... id or email) in the source's "member".`);
  }
  return readings;
}

/** With `member`: that member's effective spend limits; otherwise org spend against the configured cap. */
export async function fetchReadings(config: AnthropicAdminSourceConfig, deps: AdapterDeps): Promise<BudgetReading[]> {
  return config.member ? fetchMemberReadings({ ...config, member: config.member }, deps) : [await fetchCostReading(config, deps)];
}
