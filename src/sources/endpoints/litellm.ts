import { z } from 'zod';
import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type LitellmSourceConfig } from '../../core/endpointConfig';
import { ensureOk, httpGet, joinUrl, parseBody, requireKey, toNumber, type AdapterDeps, type HttpResult } from './http';
import { apiRoot, sdkSuffixes } from './baseUrl';

const LABEL = 'LiteLLM';

const numberish = z.union([z.number(), z.string()]).nullish();

// GET /key/info answers {"key": <the caller's key>, "info": {...LiteLLM_VerificationToken minus token}}.
// We never keep the echoed "key". Fields are nullable: a key without max_budget has no cap.
// https://github.com/BerriAI/litellm/blob/main/litellm/proxy/management_endpoints/key_management_endpoints.py (info_key_fn)
export const litellmKeyInfoSchema = z.object({
  info: z.object({
    spend: numberish,
    max_budget: numberish,
    soft_budget: numberish,
    budget_duration: z.string().nullish(),
    budget_reset_at: z.string().nullish(),
    team_id: z.string().nullish(),
    key_alias: z.string().nullish(),
    litellm_budget_table: z
      .object({ max_budget: numberish, soft_budget: numberish, budget_duration: z.string().nullish() })
      .passthrough()
      .nullish(),
  }).passthrough(),
});

// GET /team/info?team_id=... answers {team_id, team_info: LiteLLM_TeamTable, keys, team_memberships}.
export const litellmTeamInfoSchema = z.object({
  team_id: z.string().nullish(),
  team_info: z.object({
    spend: numberish,
    max_budget: numberish,
    budget_duration: z.string().nullish(),
    budget_reset_at: z.string().nullish(),
    team_alias: z.string().nullish(),
  }).passthrough(),
});

// LiteLLM's ProxyException body: {"error": {"message", "type", "param", "code"}}.
const proxyErrorSchema = z.object({
  error: z.object({ message: z.string().optional(), type: z.string().nullish() }).passthrough(),
});

function isoOrUndefined(v: string | null | undefined): string | undefined {
  if (!v) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * LiteLLM reports a spent budget as 400 (older auth path) or 429 (newer) with error type
 * `budget_exceeded` and a message "Budget has been exceeded! Key=... Current cost: 10.2, Max budget: 10.0".
 * That is a reading (spent >= limit), not a failure.
 */
export function budgetExceededReading(res: HttpResult, source: string, nowMs: number): BudgetReading | undefined {
  if (res.status !== 400 && res.status !== 429 && res.status !== 402) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return undefined;
  }
  const parsed = proxyErrorSchema.safeParse(body);
  if (!parsed.success || parsed.data.error.type !== 'budget_exceeded') return undefined;
  const message = parsed.data.error.message ?? '';
  const spent = /Current cost:\s*([0-9.eE+-]+)/.exec(message);
  const max = /Max budget:\s*([0-9.eE+-]+)/.exec(message);
  const spentUsd = spent ? toNumber(spent[1]) : undefined;
  const limitUsd = max ? toNumber(max[1]) : undefined;
  const scope = /Team=/.test(message) ? 'team' : /Organization=|Org=/.test(message) ? 'org' : 'key';
  return makeReading({
    source,
    scope,
    limitUsd,
    spentUsd: spentUsd ?? limitUsd,
    remainingUsd: limitUsd !== undefined && spentUsd !== undefined ? limitUsd - spentUsd : 0,
    fetchedAtMs: nowMs,
    stale: false,
  });
}

/** The key's own quota from GET /key/info. */
export async function fetchReading(config: LitellmSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  return (await fetchKey(config, deps)).reading;
}

async function fetchKey(
  config: LitellmSourceConfig,
  deps: AdapterDeps,
): Promise<{ reading: BudgetReading; teamId?: string }> {
  const key = requireKey(LABEL, deps);
  const source = sourceNameOf(config);
  const res = await httpGet(joinUrl(apiRoot(config.baseUrl, sdkSuffixes.litellm), '/key/info'), authHeaders(key), LABEL, deps);
  const exceeded = budgetExceededReading(res, source, deps.nowMs);
  if (exceeded) return { reading: exceeded };
  ensureOk(res, LABEL, deps, { permissionHint: 'Ask your LiteLLM admin for a key that may read its own /key/info.' });
  const { info } = parseBody(res, litellmKeyInfoSchema, LABEL, deps);
  const limitUsd = toNumber(info.max_budget) ?? toNumber(info.litellm_budget_table?.max_budget);
  const reading = makeReading({
    source,
    scope: 'key',
    limitUsd,
    spentUsd: toNumber(info.spend) ?? 0,
    resetsAt: isoOrUndefined(info.budget_reset_at),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
  return { reading, teamId: info.team_id ?? undefined };
}

/**
 * The key's quota and, when the key belongs to a team and may read GET /team/info, the team pool.
 * A 401/403/404 on the team call means "this key may not read it": the team reading is omitted.
 */
export async function fetchReadings(config: LitellmSourceConfig, deps: AdapterDeps): Promise<BudgetReading[]> {
  const { reading, teamId } = await fetchKey(config, deps);
  if (!config.includeTeam || !teamId) return [reading];
  const key = requireKey(LABEL, deps);
  const res = await httpGet(joinUrl(apiRoot(config.baseUrl, sdkSuffixes.litellm), '/team/info', { team_id: teamId }), authHeaders(key), LABEL, deps);
  const exceeded = budgetExceededReading(res, reading.source, deps.nowMs);
  if (exceeded) return [reading, { ...exceeded, scope: 'team' }];
  if (res.status === 401 || res.status === 403 || res.status === 404) return [reading];
  ensureOk(res, LABEL, deps);
  const { team_info: team } = parseBody(res, litellmTeamInfoSchema, LABEL, deps);
  const teamReading = makeReading({
    source: reading.source,
    scope: 'team',
    limitUsd: toNumber(team.max_budget),
    spentUsd: toNumber(team.spend) ?? 0,
    resetsAt: isoOrUndefined(team.budget_reset_at),
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
  return [reading, teamReading];
}

function authHeaders(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}`, Accept: 'application/json' };
}
