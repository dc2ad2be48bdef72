import { z } from 'zod';
import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type OpenrouterSourceConfig } from '../../core/endpointConfig';
import { ensureOk, httpGet, joinUrl, parseBody, requireKey, toNumber, type AdapterDeps } from './http';
import { apiRoot, sdkSuffixes } from './baseUrl';

const LABEL = 'OpenRouter';
const numberish = z.union([z.number(), z.string()]).nullish();

// GET /api/v1/key: {"data": {label, usage, limit, limit_remaining, is_free_tier, rate_limit, limit_reset?, usage_daily?...}}.
// `limit` is this key's credit cap; null means none. https://openrouter.ai/docs/api-reference/api-keys/get-current-key
export const openrouterKeySchema = z.object({
  data: z
    .object({
      label: z.string().nullish(),
      usage: numberish,
      limit: numberish,
      limit_remaining: numberish,
      is_free_tier: z.boolean().nullish(),
      limit_reset: z.string().nullish(),
      usage_daily: numberish,
      usage_weekly: numberish,
      usage_monthly: numberish,
    })
    .passthrough(),
});

/** Next reset of a daily/weekly/monthly OpenRouter limit: midnight UTC, weeks start Monday. */
export function nextOpenrouterResetMs(period: string, nowMs: number): number | undefined {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'daily':
      return Date.UTC(y, m, day + 1);
    case 'weekly': {
      const daysToMonday = ((8 - d.getUTCDay()) % 7) || 7;
      return Date.UTC(y, m, day + daysToMonday);
    }
    case 'monthly':
      return Date.UTC(y, m + 1, 1);
    default:
      return undefined;
  }
}

export async function fetchReading(config: OpenrouterSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const key = requireKey(LABEL, deps);
  const res = await httpGet(
    joinUrl(apiRoot(config.baseUrl, sdkSuffixes.openrouter), '/api/v1/key'),
    { Authorization: `Bearer ${key}`, Accept: 'application/json' },
    LABEL,
    deps,
  );
  ensureOk(res, LABEL, deps);
  const { data } = parseBody(res, openrouterKeySchema, LABEL, deps);
  const limitUsd = toNumber(data.limit);
  const period = data.limit_reset ?? undefined;
  // With a periodic limit, what counts against it is this period's usage, not the lifetime total.
  const periodUsage =
    period === 'daily' ? toNumber(data.usage_daily) : period === 'weekly' ? toNumber(data.usage_weekly) : period === 'monthly' ? toNumber(data.usage_monthly) : undefined;
  const resetMs = period ? nextOpenrouterResetMs(period, deps.nowMs) : undefined;
  return makeReading({
    source: sourceNameOf(config),
    scope: 'key',
    limitUsd,
    spentUsd: periodUsage ?? toNumber(data.usage),
    remainingUsd: limitUsd === undefined ? undefined : toNumber(data.limit_remaining),
    resetsAt: resetMs === undefined ? undefined : new Date(resetMs).toISOString(),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}
