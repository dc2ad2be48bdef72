// The dashboard's CSV exports: one row per day, source and model, or per session; formula-safe fields.
import type { DashboardQuery } from '../protocol';
import type { SourceName } from '../usageEvent';
import { dateKeyOfDay, type DashboardIndex } from './dashboardIndex';
import { resolveRange } from './range';
import { matchesSource } from './view';

export interface DailyExportRow {
  date: string;
  source: SourceName;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  priced: boolean;
}

/** Every (day, source, model) row of the query's range, unfolded, for export. */
export function dailyExportRows(index: DashboardIndex, query: DashboardQuery, nowMs: number): DailyExportRow[] {
  const range = resolveRange(query, index.calendar, nowMs);
  const rows: DailyExportRow[] = [];
  for (const c of index.dayCells()) {
    if (c.day < range.firstDay || c.day > range.lastDay || !matchesSource(c.source, query.source)) continue;
    rows.push({
      date: dateKeyOfDay(c.day), source: c.source, model: c.model, requests: c.requests,
      inputTokens: c.inputTokens, outputTokens: c.outputTokens, cacheWrite5mTokens: c.cacheWrite5mTokens, cacheWrite1hTokens: c.cacheWrite1hTokens, cacheReadTokens: c.cacheReadTokens,
      costUsd: c.costUsd, priced: c.unpricedTokens === 0,
    });
  }
  return rows.sort((a, b) => a.date.localeCompare(b.date) || a.source.localeCompare(b.source) || b.costUsd - a.costUsd);
}

function csvField(value: unknown): string {
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  // Names come from logs; a leading = + - @ would run as a formula in a spreadsheet. Every cell
  // but a number or boolean is guarded: a list of model names is joined into text just the same.
  if (typeof value !== 'number' && typeof value !== 'boolean' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of `rows` with the given columns, CRLF line ends. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export const sessionCsvColumns = ['sessionId', 'source', 'project', 'models', 'subAgents', 'startMs', 'endMs', 'requests', 'tokens', 'costUsd', 'unpricedTokens'] as const;
export const dailyCsvColumns = ['date', 'source', 'model', 'requests', 'inputTokens', 'outputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'cacheReadTokens', 'costUsd', 'priced'] as const;
