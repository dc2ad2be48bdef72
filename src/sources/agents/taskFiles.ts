import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Up to `maxBytes` of a file's start or end as UTF-8, or undefined when it cannot be read.
 * Adapters use it for small facts kept beside a history file (the task's folder, its model);
 * a missing sibling is normal, so this never throws.
 */
export function readSlice(file: string, maxBytes: number, from: 'head' | 'tail' | 'all'): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (from === 'all' && size > maxBytes) return undefined;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    const start = from === 'tail' ? size - length : 0;
    while (filled < length) {
      const n = readSync(fd, buf, filled, length - filled, start + filled);
      if (n === 0) break;
      filled += n;
    }
    return buf.toString('utf8', 0, filled);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** JSON.parse that returns undefined instead of throwing. */
export function tryParseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A JSON array of objects, even when the file was caught half-written (agents rewrite
 * these files in place while they stream): a truncated array is cut back to its last
 * complete element. Undefined when nothing usable is there.
 */
export function parseJsonArray(text: string): { items: unknown[]; truncated: boolean } | undefined {
  const whole = tryParseJson(text);
  if (Array.isArray(whole)) return { items: whole, truncated: false };
  if (whole !== undefined || !text.trimStart().startsWith('[')) return undefined;
  // Try the last few element boundaries; each try is one parse of the prefix. Cline-style
  // messages start with their `ts`, which tells element boundaries from `},` in their text.
  for (const separator of ['},{"ts":', '},']) {
    let end = text.length;
    for (let attempt = 0; attempt < 4; attempt++) {
      const boundary = text.lastIndexOf(separator, end - 1);
      if (boundary === -1) break;
      const prefix = tryParseJson(text.slice(0, boundary + 1) + ']');
      if (Array.isArray(prefix)) return { items: prefix, truncated: true };
      end = boundary;
    }
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A token count: a finite, non-negative number (rounded), else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1e12 ? Math.round(value) : 0;
}

/** Epoch milliseconds: a positive finite number (before year 5000), else 0. */
export function epochMs(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e14 ? Math.round(value) : 0;
}

/** A logged cost in USD: finite and positive, else undefined (0 often means "no price known"). */
export function positiveCostUsd(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e6 ? value : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
