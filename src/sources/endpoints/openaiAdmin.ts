import { z } from 'zod';
import { billingPeriodUtc, makeReading, sourceNameOf, type BudgetReading, type OpenaiAdminSourceConfig } from '../../core/budgetReading';
import { EndpointError, ensureOk, httpGet, joinUrl, parseBody, quoteServerValue, requireKey, toNumber, type AdapterDeps } from './http';

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

/** Org spend this period (UTC, from resetDayOfMonth) against the cap the user set. */
export async function fetchReading(config: OpenaiAdminSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const key = requireKey(LABEL, deps);
  const { startMs, endMs } = billingPeriodUtc(deps.nowMs, config.resetDayOfMonth);
  let usd = 0;
  let page: string | undefined;
  for (let i = 0; ; i++) {
    const url = joinUrl(config.baseUrl, '/v1/organization/costs', {
      start_time: String(Math.floor(startMs / 1000)),
      bucket_width: '1d',
      limit: '31',
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
    scope: 'org',
    limitUsd: config.limitUsd,
    spentUsd: usd,
    resetsAt: new Date(endMs).toISOString(),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}
