/**
 * The routing judge on the user's own endpoint: one OpenAI-compatible chat completion
 * (`POST <base>/chat/completions`, as Ollama, LM Studio, vLLM, LiteLLM, OpenRouter and OpenAI all
 * serve it), a handful of output tokens, and the token counts the server reports for the cost line.
 * The key (optional: a local server needs none) goes only in the Authorization header.
 */
import { redactSecrets } from '../core/redactSecrets';
import { EndpointError, httpSend, serverMessage, type FetchImpl } from './endpoints/http';

export interface JudgeEndpointConfig {
  /** Base URL, e.g. `http://127.0.0.1:11434/v1`, or the full `/chat/completions` URL. */
  url: string;
  /** Model name the server knows; empty lets the server pick (some require one). */
  model: string;
  apiKey?: string;
}

export interface JudgeEndpointAnswer {
  text: string;
  /** The model that answered, as the server names it. */
  model: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** Where the chat request goes: `<base>/chat/completions` unless the URL already ends there. */
export function chatCompletionsUrl(base: string): string {
  const url = new URL(base);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/chat/completions') ? path : `${path}/chat/completions`;
  return url.toString();
}

const count = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.round(x) : undefined);

/** Asks the endpoint once. Throws EndpointError (timeout, network, auth, http, format) with a next step and never the key. */
export async function askJudgeEndpoint(
  config: JudgeEndpointConfig,
  prompt: string,
  deps: { fetchImpl?: FetchImpl; timeoutMs?: number; signal?: AbortSignal; nowMs: number },
): Promise<JudgeEndpointAnswer> {
  const label = 'the routing judge endpoint';
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const body = JSON.stringify({
    ...(config.model ? { model: config.model } : {}),
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 40,
    temperature: 0,
    stream: false,
  });
  const res = await httpSend(chatCompletionsUrl(config.url), headers, label, { ...deps, apiKey: config.apiKey }, body);
  const secrets = [config.apiKey];
  if (res.status === 401 || res.status === 403) {
    throw new EndpointError('auth', redactSecrets(`The routing judge endpoint refused the key (${res.status}). Run 'Tokenmeter: Set Routing Judge Key'.`, secrets), { status: res.status });
  }
  if (res.status < 200 || res.status >= 300) {
    const said = serverMessage(res.text, secrets);
    throw new EndpointError('http', `The routing judge endpoint answered ${res.status}${said ? `: ${said}` : ''}. Check tokenmeter.routing.judgeEndpoint and judgeModel.`, { status: res.status });
  }
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch (error) {
    throw new EndpointError('format', 'The routing judge endpoint did not answer with JSON. Check that tokenmeter.routing.judgeEndpoint is an OpenAI-compatible base URL.', { cause: error });
  }
  const answer = json as { model?: unknown; choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  const text = answer?.choices?.[0]?.message?.content;
  if (typeof text !== 'string') {
    throw new EndpointError('format', 'The routing judge endpoint answered without choices[0].message.content. Check that it serves chat completions.');
  }
  return {
    text,
    model: typeof answer.model === 'string' && answer.model ? answer.model : config.model || 'endpoint model',
    inputTokens: count(answer.usage?.prompt_tokens),
    outputTokens: count(answer.usage?.completion_tokens),
  };
}
