import { z } from 'zod';
import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type PrometheusSourceConfig } from '../../core/endpointConfig';
import { EndpointError, ensureOk, httpGet, joinUrl, parseBody, quoteServerValue, type AdapterDeps } from './http';
import { apiRoot, sdkSuffixes } from './baseUrl';

const LABEL = 'Prometheus';

const sampleSchema = z.tuple([z.number(), z.string()]);

// GET /api/v1/query?query=...: {status: "success", data: {resultType, result}}.
// https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
export const prometheusQuerySchema = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()).optional(), value: sampleSchema })) }),
    z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
  ]),
});

/**
 * One pooled number from a PromQL expression, e.g. a team's Claude Code cost counter summed
 * over the month. A vector with several series is summed.
 */
export async function fetchReading(config: PrometheusSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (deps.apiKey) headers.Authorization = `Bearer ${deps.apiKey}`;
  const res = await httpGet(joinUrl(apiRoot(config.baseUrl, sdkSuffixes.prometheus), '/api/v1/query', { query: config.query }), headers, LABEL, deps);
  ensureOk(res, LABEL, deps, { permissionHint: 'Check the token has read access to the query API.' });
  const body = parseBody(res, prometheusQuerySchema, LABEL, deps);
  let values: string[];
  if (body.data.resultType === 'scalar') values = [body.data.result[1]];
  else values = body.data.result.map((s) => s.value[1]);
  if (values.length === 0 && config.measures === 'remaining') {
    throw new EndpointError('format', `${LABEL} query returned no series. Check the query in the source config.`);
  }
  let total = 0;
  for (const v of values) {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new EndpointError('format', `${LABEL} query returned ${quoteServerValue(v, deps)}, not a number. Check the query.`);
    total += n;
  }
  return makeReading({
    source: sourceNameOf(config),
    scope: config.scope,
    limitUsd: config.limitUsd,
    spentUsd: config.measures === 'spent' ? total : undefined,
    remainingUsd: config.measures === 'remaining' ? total : undefined,
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}
