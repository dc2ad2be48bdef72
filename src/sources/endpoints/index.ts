import { readFile } from 'node:fs/promises';
import { endpointsConfigSchema } from '../../core/budgetReadingSchema';
import { sourceNameOf, type EndpointsConfig } from '../../core/endpointConfig';
import { tightestBudget, type BudgetReading } from '../../core/budgetReading';
import type { AdapterDeps } from './http';
import { defaultScope, describeError, fetchSourceReadings } from './fetchSource';

export { EndpointError } from './http';
export type { AdapterDeps, FetchImpl } from './http';
export { BudgetPoller } from './budgetPoller';
export type { BudgetPollerChange, BudgetPollerOptions, PolledSource } from './budgetPoller';
export { FilePollCache, pollCacheKey, type PollCache } from './sharedPollCache';
export { defaultScope, describeError, fetchSourceReadings, sourceRequiresKey } from './fetchSource';

/** Parses the CLI config file's JSON text; throws an Error naming the first bad field. */
export function parseEndpointsConfig(text: string): EndpointsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`Budget config is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const result = endpointsConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Budget config is invalid at ${issue?.path.join('.') || 'top level'}: ${issue?.message}`, { cause: result.error });
  }
  return result.data;
}

/**
 * Polls every source once (in parallel) for `tokenmeter status --json --config FILE`.
 * Keys come only from the environment variables named by `apiKeyEnv`. A failed source yields
 * a reading with `error` (never containing a key) and no numbers.
 */
export async function pollBudgets(
  config: EndpointsConfig,
  env: Record<string, string | undefined>,
  nowMs: number,
  options: { fetchImpl?: AdapterDeps['fetchImpl']; timeoutMs?: number } = {},
): Promise<BudgetReading[]> {
  const perSource = await Promise.all(
    config.sources.map(async (source): Promise<BudgetReading[]> => {
      const apiKey = source.apiKeyEnv ? env[source.apiKeyEnv] : undefined;
      const authHint = source.apiKeyEnv
        ? `Check the ${source.apiKeyEnv} environment variable.`
        : `Set "apiKeyEnv" in the config to the environment variable that holds the key.`;
      try {
        return await fetchSourceReadings(source, {
          apiKey: apiKey || undefined,
          nowMs,
          authHint,
          fetchImpl: options.fetchImpl,
          timeoutMs: source.timeoutMs ?? options.timeoutMs,
        });
      } catch (err) {
        return [
          {
            source: sourceNameOf(source),
            scope: defaultScope(source),
            fetchedAtMs: nowMs,
            stale: false,
            error: describeError(err, source, [apiKey]),
          },
        ];
      }
    }),
  );
  return perSource.flat();
}

/** The `budgets`/`tightest` part of `tokenmeter status --json` (USD numbers, null when unknown). */
export interface BudgetStatusJson {
  budgets: Array<{
    source: string;
    scope: BudgetReading['scope'];
    limit: number | null;
    spent: number | null;
    remaining: number | null;
    resetsAt: string | null;
    stale: boolean;
    error: string | null;
    /** Where a member's limit is set when inherited (Anthropic effective spend limits); only when known. */
    limitFrom?: string;
  }>;
  tightest: BudgetStatusJson['budgets'][number] | null;
}

export function budgetStatusJson(readings: readonly BudgetReading[]): BudgetStatusJson {
  const row = (r: BudgetReading): BudgetStatusJson['budgets'][number] => ({
    source: r.source,
    scope: r.scope,
    limit: r.limitUsd ?? null,
    spent: r.spentUsd ?? null,
    remaining: r.remainingUsd ?? null,
    resetsAt: r.resetsAt ?? null,
    stale: r.stale,
    error: r.error ?? null,
    ...(r.limitFrom ? { limitFrom: r.limitFrom } : {}),
  });
  const tightest = tightestBudget(readings);
  return { budgets: readings.map(row), tightest: tightest ? row(tightest) : null };
}

/** Exit code for the status command: 0 when at least one source answered (or none is configured). */
export function budgetExitCode(readings: readonly BudgetReading[]): number {
  if (readings.length === 0) return 0;
  return readings.some((r) => r.error === undefined) ? 0 : 1;
}

/** Reads and validates the CLI's budget config file (`--config FILE`). */
export async function readEndpointsConfigFile(path: string): Promise<EndpointsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read budget config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseEndpointsConfig(text);
}

export { fetchCopilotQuota, fetchCopilotQuotaFromEnv, COPILOT_USER_URL } from './copilot';
