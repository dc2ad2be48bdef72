import { makeReading, type BudgetReading } from '../../core/budgetReading';
import { sourceNameOf, type JsonSourceConfig } from '../../core/endpointConfig';
import { z } from 'zod';
import { EndpointError, ensureOk, httpGet, parseBody, toNumber, type AdapterDeps } from './http';

const LABEL = 'budget endpoint';

/** Reads a dotted path ("data.budget.left"; array indices as numbers: "items.0.left"). */
export function readPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** An ISO string, or unix seconds / ms as a number, to ISO; undefined when unreadable. */
export function toIsoInstant(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // Beyond ±8.64e15 ms a Date is invalid and toISOString() throws a RangeError.
    const date = new Date(v < 1e11 ? v * 1000 : v);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return toIsoInstant(Number(v));
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return undefined;
}

/** Any JSON endpoint, with `fields` mapping remaining/limit/spent/resetsAt to dotted paths. */
export async function fetchReading(config: JsonSourceConfig, deps: AdapterDeps): Promise<BudgetReading> {
  const label = config.name ? `${LABEL} "${config.name}"` : LABEL;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (deps.apiKey) {
    headers[config.apiKeyHeader] = config.apiKeyHeader.toLowerCase() === 'authorization' ? `Bearer ${deps.apiKey}` : deps.apiKey;
  }
  const res = await httpGet(config.url, headers, label, deps);
  ensureOk(res, label, deps);
  const body = parseBody(res, z.unknown(), label, deps);
  const read = (name: 'remaining' | 'limit' | 'spent'): number | undefined => {
    const path = config.fields[name];
    if (!path) return undefined;
    const raw = readPath(body, path);
    const n = toNumber(raw);
    if (n === undefined) {
      throw new EndpointError(
        'format',
        `${label} has no number at "${path}" (for ${name}). Check fields.${name} in the source config.`,
      );
    }
    return n;
  };
  const resetsPath = config.fields.resetsAt;
  return makeReading({
    source: sourceNameOf(config),
    scope: config.scope,
    limitUsd: read('limit'),
    spentUsd: read('spent'),
    remainingUsd: read('remaining'),
    resetsAt: resetsPath ? toIsoInstant(readPath(body, resetsPath)) : undefined,
    fetchedAtMs: deps.nowMs,
    stale: false,
  });
}
