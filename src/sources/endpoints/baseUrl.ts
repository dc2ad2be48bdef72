/**
 * The base URL every SDK documents is often not the root our paths hang from: OpenRouter's is
 * `https://openrouter.ai/api/v1`, OpenAI's `https://api.openai.com/v1`, a LiteLLM proxy's
 * `http://host:4000/v1`. A user pastes that one; joined with `/api/v1/key` it became
 * `/api/v1/api/v1/key` (404). This strips such a suffix (one, case-insensitive, trailing slashes
 * ignored) so both forms work. Other paths (a gateway mounted under `/litellm`) are kept.
 */
export function apiRoot(baseUrl: string, sdkSuffixes: readonly string[]): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  for (const suffix of sdkSuffixes) {
    if (path.toLowerCase().endsWith(suffix.toLowerCase())) {
      url.pathname = path.slice(0, path.length - suffix.length) || '/';
      break;
    }
  }
  return url.toString().replace(/\/+$/, '');
}

/** The suffixes each source's users paste, as their SDKs document them. */
export const sdkSuffixes = {
  openrouter: ['/api/v1', '/api'],
  openai: ['/v1'],
  anthropic: ['/v1'],
  litellm: ['/v1'],
  prometheus: ['/api/v1'],
} as const;
