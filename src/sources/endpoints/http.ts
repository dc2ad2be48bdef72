import type { z } from 'zod';
import { redactSecrets } from '../../core/redactSecrets';

export type EndpointErrorKind =
  | 'missingKey'
  | 'auth'
  | 'forbidden'
  | 'notFound'
  | 'rateLimited'
  | 'server'
  | 'http'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'redirect'
  | 'format';

/** A failed poll. `message` says what happened and what to do, and never contains the key. */
export class EndpointError extends Error {
  readonly status?: number;
  /** From Retry-After on 429/503, in ms from the request time. */
  readonly retryAfterMs?: number;
  constructor(
    readonly kind: EndpointErrorKind,
    message: string,
    options?: { status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EndpointError';
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export type FetchImpl = (input: string, init?: RequestInit) => Promise<Response>;

/** What every adapter's `fetchReading(config, deps)` gets. */
export interface AdapterDeps {
  /** Defaults to the global fetch (in VS Code's extension host it follows the editor's proxy settings). */
  fetchImpl?: FetchImpl;
  /** The time of this poll (epoch ms); adapters never read the clock. */
  nowMs: number;
  /** Aborts the request (the poller's dispose()). */
  signal?: AbortSignal;
  apiKey?: string;
  /** Per-request timeout including reading the body; default 10 s. */
  timeoutMs?: number;
  /** The fix for a rejected key, appended to 401 messages. */
  authHint?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_AUTH_HINT = "Run 'Tokenmeter: Set API Key'.";
const MAX_REDIRECTS = 5;
/** Budget answers are a few KB; a body past this is not one (and an endless one must not fill memory). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

/**
 * GET with a timeout, following redirects only within the same origin so the key is never sent
 * to another host. Never throws for an HTTP status; throws EndpointError for timeout, network,
 * abort and cross-origin redirect.
 */
export function httpGet(url: string, headers: Record<string, string>, label: string, deps: AdapterDeps): Promise<HttpResult> {
  return httpSend(url, headers, label, deps);
}

/** As `httpGet`, but POSTs `body` when one is given (the routing judge's chat request). */
export async function httpSend(
  url: string,
  headers: Record<string, string>,
  label: string,
  deps: AdapterDeps,
  body?: string,
): Promise<HttpResult> {
  const secrets = [deps.apiKey];
  const fetchImpl: FetchImpl = deps.fetchImpl ?? ((input, init) => fetch(input, init));
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signals = deps.signal ? [timeout.signal, deps.signal] : [timeout.signal];
  const signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  let current = new URL(url);
  const origin = current.origin;
  try {
    for (let hop = 0; ; hop++) {
      if (deps.signal?.aborted) throw new EndpointError('aborted', `Request to ${label} was cancelled.`);
      const res = await fetchImpl(current.toString(), { method: body === undefined ? 'GET' : 'POST', headers, body, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel().catch(() => undefined);
        const next = new URL(res.headers.get('location') as string, current);
        if (next.origin !== origin) {
          throw new EndpointError(
            'redirect',
            redactSecrets(
              `${label} redirected to another host (${next.host}); the key was not sent there. ` +
                `Check the URL: it should be the ${label} address itself.`,
              secrets,
            ),
            { status: res.status },
          );
        }
        if (hop + 1 >= MAX_REDIRECTS) {
          throw new EndpointError('redirect', `${label} redirected too many times. Check the URL.`, { status: res.status });
        }
        current = next;
        continue;
      }
      const text = await readBodyCapped(res, label, MAX_BODY_BYTES);
      return { status: res.status, headers: res.headers, text, url: current.toString() };
    }
  } catch (err) {
    if (err instanceof EndpointError) throw err;
    if (timeout.signal.aborted) {
      throw new EndpointError(
        'timeout',
        `${label} did not answer within ${formatSeconds(timeoutMs)}. Check the URL and your network, or raise the timeout.`,
        { cause: err },
      );
    }
    if (deps.signal?.aborted) throw new EndpointError('aborted', `Request to ${label} was cancelled.`, { cause: err });
    const cause = err as { cause?: { code?: string; message?: string }; message?: string };
    const detail = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? String(err);
    throw new EndpointError(
      'network',
      redactSecrets(`Could not reach ${label} at ${origin} (${detail}). Check the URL and your network or proxy.`, secrets),
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, read chunk by chunk and abandoned past `maxBytes` (then EndpointError 'format'). */
async function readBodyCapped(res: Response, label: string, maxBytes: number): Promise<string> {
  const tooBig = () =>
    new EndpointError('format', `${label} sent a body over ${Math.round(maxBytes / 1024)} KB; a budget answer is a few KB. Check the URL points at ${label}.`, { status: res.status });
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  // TextDecoder, like Response.text(), drops a byte-order mark.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Parses Retry-After (delta seconds or HTTP date) into ms after nowMs. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date names its weekday, month and zone; Date.parse alone would take "-5" as the year -5.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/**
 * The server's own error text, if the body is JSON with a message, shortened; never HTML.
 * Secrets are redacted before the text is clipped: a key that straddles the clip point would
 * otherwise survive minus its tail.
 */
export function serverMessage(text: string, secrets: readonly (string | undefined)[] = []): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return pick(o.message) ?? pick(o.detail) ?? pick(o.error);
    }
    return undefined;
  };
  const msg = pick(parsed);
  if (!msg) return undefined;
  const oneLine = redactSecrets(msg.replace(/\s+/g, ' ').trim(), secrets);
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

function looksLikeHtml(res: HttpResult): boolean {
  const type = res.headers.get('content-type') ?? '';
  return type.includes('html') || /^\s*<(!doctype|html|head|body)/i.test(res.text);
}

/**
 * Throws an EndpointError describing a non-2xx answer; returns when the status is 2xx.
 * `what` names the thing read ("key info"), `permissionHint` says what a 403 usually means.
 */
export function ensureOk(
  res: HttpResult,
  label: string,
  deps: AdapterDeps,
  options: { permissionHint?: string } = {},
): void {
  if (res.status >= 200 && res.status < 300) return;
  const secrets = [deps.apiKey];
  const said = looksLikeHtml(res) ? undefined : serverMessage(res.text, secrets);
  const tail = said ? ` Server said: "${said}"` : '';
  const path = new URL(res.url).pathname;
  let kind: EndpointErrorKind;
  let message: string;
  let retryAfterMs: number | undefined;
  switch (true) {
    case res.status === 401:
      kind = 'auth';
      message = `401 from ${label}: key rejected. ${deps.authHint ?? DEFAULT_AUTH_HINT}`;
      break;
    case res.status === 403:
      kind = 'forbidden';
      message = `403 from ${label}: the key may not read ${path}. ${options.permissionHint ?? 'Use a key with read access to budgets.'}`;
      break;
    case res.status === 404:
      kind = 'notFound';
      message = `404 from ${label}: ${path} not found. Check the URL (${new URL(res.url).origin}) points at ${label}.`;
      break;
    case res.status === 429 || res.status === 503: {
      kind = res.status === 429 ? 'rateLimited' : 'server';
      retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), deps.nowMs);
      const when = retryAfterMs !== undefined ? `retrying in ${formatSeconds(retryAfterMs)}` : 'retrying later';
      message =
        res.status === 429
          ? `429 from ${label}: too many requests; ${when}.`
          : `503 from ${label}: service unavailable; ${when}.`;
      break;
    }
    case res.status >= 500:
      kind = 'server';
      message = looksLikeHtml(res)
        ? `${res.status} from ${label}: server error (it returned an HTML page, not JSON). Check the URL points at ${label}, or try later.`
        : `${res.status} from ${label}: server error. Try later.`;
      break;
    default:
      kind = 'http';
      message = looksLikeHtml(res)
        ? `${res.status} from ${label} (an HTML page, not JSON). Check the URL points at ${label}.`
        : `${res.status} from ${label}.`;
  }
  throw new EndpointError(kind, redactSecrets(message + tail, secrets), { status: res.status, retryAfterMs });
}

/** Parses a JSON body and validates it; throws EndpointError('format') with a next step. */
export function parseBody<S extends z.ZodType>(res: HttpResult, schema: S, label: string, deps: AdapterDeps): z.infer<S> {
  const secrets = [deps.apiKey];
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.text);
  } catch (err) {
    const hint = looksLikeHtml(res) ? 'an HTML page' : res.text.trim() === '' ? 'an empty body' : 'invalid or truncated JSON';
    throw new EndpointError(
      'format',
      `${label} returned ${hint} instead of JSON. Check the URL points at ${label}, or try later.`,
      { status: res.status, cause: err },
    );
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    throw new EndpointError(
      'format',
      redactSecrets(
        `${label} answered JSON of an unexpected shape (at ${where}: ${issue?.message ?? 'invalid'}). ` +
          `Check the URL points at ${label}; the API may have changed.`,
        secrets,
      ),
      { status: res.status, cause: result.error },
    );
  }
  return result.data;
}

/** A key is required for this source; message names where to put it. */
export function requireKey(label: string, deps: AdapterDeps): string {
  if (!deps.apiKey) {
    throw new EndpointError('missingKey', `No API key for ${label}. ${deps.authHint ?? DEFAULT_AUTH_HINT}`);
  }
  return deps.apiKey;
}

/** Joins a base URL and a path, keeping any path prefix of the base (e.g. a gateway under /litellm). */
export function joinUrl(baseUrl: string, path: string, query?: Record<string, string | undefined>): string {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(base.origin + prefix + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * A value the server sent, safe to quote in a message: the key redacted first (a hostile server may
 * echo it), then quoted (control characters escaped) and clipped to 40 characters.
 */
export function quoteServerValue(value: unknown, deps: Pick<AdapterDeps, 'apiKey'>): string {
  const quoted = JSON.stringify(redactSecrets(String(value), [deps.apiKey]));
  return quoted.length > 42 ? `${quoted.slice(0, 40)}..."` : quoted;
}

/** Parses a number that may arrive as a JSON number or a decimal string. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
