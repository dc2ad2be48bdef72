import { z } from 'zod';
import { billingPeriodUtc, makeReading, sourceNameOf, type AnthropicAdminSourceConfig, type BudgetReading } from '../../core/budgetReading';
import { EndpointError, ensureOk, httpGet, joinUrl, parseBody, quoteServerValue, requireKey, toNumber, type AdapterDeps } from './http';

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
export async function fetchReading(config: AnthropicAdminSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const key = requireKey(LABEL, deps);
  const { startMs, endMs } = billingPeriodUtc(deps.nowMs, config.resetDayOfMonth);
  let cents = 0;
  let page: string | undefined;
  for (let i = 0; ; i++) {
    const url = joinUrl(config.baseUrl, '/v1/organizations/cost_report', {
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
