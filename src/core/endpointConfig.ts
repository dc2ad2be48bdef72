// A budget endpoint's configuration (types from budgetReadingSchema.ts, zod loaded only where it is validated)
// and the names it goes by in messages.
import type {
  anthropicAdminSourceSchema, endpointSourceConfigSchema, endpointsConfigSchema, jsonSourceSchema, litellmSourceSchema,
  openaiAdminSourceSchema, openrouterSourceSchema, prometheusSourceSchema,
} from './budgetReadingSchema';
import type { z } from 'zod';

export type EndpointSourceConfig = z.infer<typeof endpointSourceConfigSchema>;
export type EndpointSourceType = EndpointSourceConfig['type'];
export type LitellmSourceConfig = z.infer<typeof litellmSourceSchema>;
export type OpenrouterSourceConfig = z.infer<typeof openrouterSourceSchema>;
export type AnthropicAdminSourceConfig = z.infer<typeof anthropicAdminSourceSchema>;
export type OpenaiAdminSourceConfig = z.infer<typeof openaiAdminSourceSchema>;
export type PrometheusSourceConfig = z.infer<typeof prometheusSourceSchema>;
export type JsonSourceConfig = z.infer<typeof jsonSourceSchema>;
export type EndpointsConfig = z.infer<typeof endpointsConfigSchema>;

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
