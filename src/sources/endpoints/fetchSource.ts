import { redactSecrets } from '../../core/redactSecrets';
import { sourceTypeLabel, type EndpointSourceConfig } from '../../core/endpointConfig';
import type { BudgetReading } from '../../core/budgetReading';
import * as anthropicAdmin from './anthropicAdmin';
import { EndpointError, type AdapterDeps } from './http';
import * as jsonUrl from './jsonUrl';
import * as litellm from './litellm';
import * as openaiAdmin from './openaiAdmin';
import * as openrouter from './openrouter';
import * as prometheus from './prometheus';

/** All readings one configured source yields (LiteLLM: the key and, when readable, its team). */
export async function fetchSourceReadings(config: EndpointSourceConfig, deps: AdapterDeps): Promise<BudgetReading[]> {
  switch (config.type) {
    case 'litellm':
      return litellm.fetchReadings(config, deps);
    case 'openrouter':
      return [await openrouter.fetchReading(config, deps)];
    case 'anthropic-admin':
      return anthropicAdmin.fetchReadings(config, deps);
    case 'openai-admin':
      return [await openaiAdmin.fetchReading(config, deps)];
    case 'prometheus':
      return [await prometheus.fetchReading(config, deps)];
    case 'json':
      return [await jsonUrl.fetchReading(config, deps)];
  }
}

/** Which sources need a key to work at all (Prometheus and generic JSON may be open). */
export function sourceRequiresKey(config: EndpointSourceConfig): boolean {
  return config.type !== 'prometheus' && config.type !== 'json';
}

/** A user-facing message for any error from an adapter, with every secret redacted. */
export function describeError(err: unknown, config: EndpointSourceConfig, secrets: readonly (string | undefined)[]): string {
  const label = sourceTypeLabel[config.type];
  const text =
    err instanceof EndpointError
      ? err.message
      : `${label} poll failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`;
  return redactSecrets(text, secrets);
}

export function defaultScope(config: EndpointSourceConfig): BudgetReading['scope'] {
  switch (config.type) {
    case 'anthropic-admin':
      return config.member ? 'member' : 'org';
    case 'openai-admin':
      return config.projectId ? 'project' : 'org';
    case 'prometheus':
    case 'json':
      return config.scope;
    default:
      return 'key';
  }
}

