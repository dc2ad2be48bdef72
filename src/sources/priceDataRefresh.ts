// node:fs/promises through `promises`: loaded when a refresh runs, not by every command that imports this.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RefreshedPriceData } from '../core/pricing';
import { cacheDir } from './cacheDir';

/**
 * Opt-in refresh of the price package's published data file (the same file @pydantic/genai-prices
 * itself can auto-update from), cached on disk. Never blocks a scan: callers use the cached copy
 * now and refresh in the background; the bundled package data stays the fallback for every model
 * the file lacks or when anything here fails.
 */
export const priceDataUrl = 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json';
export const priceDataMaxAgeMs = 24 * 3_600_000;

// The schemas load zod (~40 ms); only a command with priceDataRefresh on reads them, so they load on first use.
// (`require`, not `import()`: the same lazy load in the bundle and under the test runner's CommonJS hook.)
const schemas = (): typeof import('./priceDataSchemas') => require('./priceDataSchemas') as typeof import('./priceDataSchemas');

export function priceDataCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), 'price-data.json');
}

/** The cached refreshed data, or undefined when there is none or it does not validate (then the bundled data is used). */
export async function readCachedPriceData(file: string): Promise<(RefreshedPriceData & { fetchedAtMs: number }) | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schemas().cacheFileSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return { ...parsed.data, providers: parsed.data.providers as RefreshedPriceData['providers'] };
}

export interface RefreshOptions {
  file: string;
  nowMs: number;
  url?: string;
  maxAgeMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * Fetches the data file when the cached copy is missing or older than `maxAgeMs`, validates it and
 * caches it (atomically). Returns what to price with: the fresh data, else the cached copy, else
 * undefined. Throws only for the caller to log: a failed refresh keeps the last good copy.
 */
export async function refreshPriceData(options: RefreshOptions): Promise<RefreshedPriceData | undefined> {
  const cached = await readCachedPriceData(options.file);
  if (cached && options.nowMs - cached.fetchedAtMs < (options.maxAgeMs ?? priceDataMaxAgeMs)) return cached;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  let body: unknown;
  let lastModified: string | null = null;
  try {
    const res = await (options.fetchImpl ?? fetch)(options.url ?? priceDataUrl, { signal: controller.signal, headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`Price data refresh failed: HTTP ${res.status}. The bundled prices stay in use.`);
    lastModified = res.headers.get('last-modified');
    body = await res.json();
  } finally {
    clearTimeout(timer);
  }
  const parsed = schemas().priceDataFileSchema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`Price data refresh returned an unexpected shape (${parsed.error.issues[0]?.path.join('.') || 'top level'}). The bundled prices stay in use.`);
  }
  const modified = lastModified ? Date.parse(lastModified) : NaN;
  const dataDate = new Date(Number.isFinite(modified) ? modified : options.nowMs).toISOString().slice(0, 10);
  const fresh = { fetchedAtMs: options.nowMs, dataDate, providers: parsed.data };
  await fs.mkdir(path.dirname(options.file), { recursive: true });
  const temp = `${options.file}.${process.pid}.tmp`;
  await fs.writeFile(temp, JSON.stringify(fresh));
  await fs.rename(temp, options.file);
  return { dataDate, providers: parsed.data as RefreshedPriceData['providers'] };
}

/** The cached copy, read synchronously (the CLI builds its price table before scanning). */
export function readCachedPriceDataSync(file: string): RefreshedPriceData | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = schemas().cacheFileSchema.safeParse(raw);
  return parsed.success ? { dataDate: parsed.data.dataDate, providers: parsed.data.providers as RefreshedPriceData['providers'] } : undefined;
}
