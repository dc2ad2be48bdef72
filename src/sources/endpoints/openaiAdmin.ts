import { z } from 'zod';
import { billingPeriodUtc } from '../../core/calendar';
import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type OpenaiAdminSourceConfig } from '../../core/endpointConfig';
import { EndpointError, ensureOk, httpGet, joinUrl, parseBody, quoteServerValue, requireKey, toNumber, type AdapterDeps } from './http';
import { apiRoot, sdkSuffixes } from './baseUrl';

const LABEL = 'OpenAI Admin API';
const MAX_PAGES = 20;

const costResultSchema = z
  .object({ amount: z.object({ value: z.union([z.number(), z.string()]), currency: z.string().nullish() }).nullish() })
  .passthrough();

// GET /v1/organization/costs: {object: "page", data: [{start_time, end_time, results: [{amount: {value, currency}}]}], has_more, next_page}.
// Documented as `result` per bucket, but the API answers `results`: accept both.
export const openaiCostsSchema = z.object({
  data: z.array(
    z
      .object({
        start_time: z.number().nullish(),
        results: z.array(costResultSchema).optional(),
        result: z.array(costResultSchema).optional(),
      })
      .passthrough(),
  ),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

// GET /v1/organization/spend_limit and /v1/organization/projects/{id}/spend_limit:
// {object: "organization.spend_limit" | "project.spend_limit", threshold_amount (cents), currency "USD",
//  interval "month", enforcement: {status: "inactive" | "enforcing"}}.
// https://developers.openai.com/api/reference/resources/admin/subresources/organization/subresources/spend_limit
export const openaiSpendLimitSchema = z.object({
  object: z.string().nullish(),
  threshold_amount: z.number().nonnegative(),
  currency: z.string().nullish(),
  interval: z.string().nullish(),
  enforcement: z.object({ status: z.string().nullish() }).passthrough().nullish(),
}).passthrough();

/** The hard spend limit in USD the organization or project has set; undefined when none (0 or inactive with 0). */
async function fetchSpendLimitUsd(config: OpenaiAdminSourceConfig, key: string, deps: AdapterDeps): Promise<number | undefined> {
  const root = apiRoot(config.baseUrl, sdkSuffixes.openai);
  const url = config.projectId ? joinUrl(root, `/v1/organization/projects/${encodeURIComponent(config.projectId)}/spend_limit`) : joinUrl(root, '/v1/organization/spend_limit');
  const res = await httpGet(url, { Authorization: `Bearer ${key}`, Accept: 'application/json' }, LABEL, deps);
  // No limit configured: answered as 404 by some deployments; that is "no cap", not an error.
  if (res.status === 404) return undefined;
  ensureOk(res, LABEL, deps, { permissionHint: 'Spend limits need an Admin key (sk-admin-...) from the organization settings.' });
  const body = parseBody(res, openaiSpendLimitSchema, LABEL, deps);
  if (body.currency && body.currency.toUpperCase() !== 'USD') {
    throw new EndpointError('format', `${LABEL} returned a spend limit in ${quoteServerValue(body.currency, deps)}; only USD is supported.`);
  }
  return body.threshold_amount > 0 ? body.threshold_amount / 100 : undefined;
}

/**
 * Org (or `projectId`) spend this period (UTC, from resetDayOfMonth) against the cap: the hard spend
 * limit OpenAI enforces when `spendLimit` is on and one is set, else the cap the user configured.
 */
export async function fetchReading(config: OpenaiAdminSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const key = requireKey(LABEL, deps);
  const { startMs, endMs } = billingPeriodUtc(deps.nowMs, config.resetDayOfMonth);
  const officialLimitUsd = config.spendLimit ? await fetchSpendLimitUsd(config, key, deps) : undefined;
  let usd = 0;
  let page: string | undefined;
  for (let i = 0; ; i++) {
    const url = joinUrl(apiRoot(config.baseUrl, sdkSuffixes.openai), '/v1/organization/costs', {
      start_time: String(Math.floor(startMs / 1000)),
      bucket_width: '1d',
      limit: '31',
      'project_ids[]': config.projectId,
      page,
    });
    const res = await httpGet(url, { Authorization: `Bearer ${key}`, Accept: 'application/json' }, LABEL, deps);
    ensureOk(res, LABEL, deps, { permissionHint: 'Organization costs need an Admin key (sk-admin-...) from the organization settings.' });
    const body = parseBody(res, openaiCostsSchema, LABEL, deps);
    for (const bucket of body.data) {
      for (const r of bucket.results ?? bucket.result ?? []) {
        if (!r.amount) continue;
        const value = toNumber(r.amount.value);
        if (value === undefined) throw new EndpointError('format', `${LABEL} returned a cost that is not a number. The API may have changed.`);
        if (r.amount.currency && r.amount.currency.toLowerCase() !== 'usd') {
          throw new EndpointError('format', `${LABEL} returned costs in ${quoteServerValue(r.amount.currency, deps)}; only USD is supported.`);
        }
        usd += value;
      }
    }
    if (!body.has_more || !body.next_page) break;
    if (i + 1 >= MAX_PAGES) throw new EndpointError('format', `${LABEL} kept paginating past ${MAX_PAGES} pages. Try later.`);
    page = body.next_page;
  }
  return makeReading({
    source: sourceNameOf(config),
    scope: config.projectId ? 'project' : 'org',
    limitUsd: officialLimitUsd ?? config.limitUsd,
    spentUsd: usd,
    resetsAt: new Date(endMs).toISOString(),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}
