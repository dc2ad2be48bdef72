// Claude Code's statusLine protocol: it runs the configured command on every refresh with a JSON
// on stdin and shows the command's stdout. Since v2.1.80 that JSON carries the subscription's
// real quota: rate_limits.five_hour / seven_day {used_percentage, resets_at} (absent for API-key
// users and before the first response). https://code.claude.com/docs/en/statusline
//
// Pure and dependency-free on purpose: `tokenmeter statusline` runs on every refresh, so this
// module must load fast (no zod; a hand-written guard validates the input).

import { isPlausibleTimeMs } from '../usageEvent';

export interface RateWindow {
  /** 0-100. */
  usedPercentage: number;
  /** Epoch ms; Claude Code sends unix seconds (some builds an ISO string). */
  resetsAtMs?: number;
}

export interface StatusLineInput {
  sessionId?: string;
  modelId?: string;
  modelName?: string;
  cwd?: string;
  sessionCostUsd?: number;
  fiveHour?: RateWindow;
  sevenDay?: RateWindow;
  /** Model-scoped weekly limits (`seven_day_opus`, `seven_day_sonnet`, `model_scoped[]`), each its own limit. */
  modelWeeks?: ModelWeek[];
}

/** A weekly limit that applies to one model family only (an Opus-only or Sonnet-only week). */
export interface ModelWeek extends RateWindow {
  /** `Opus`, `Sonnet`, or the `display_name` Claude Code gives. */
  name: string;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** resets_at as unix seconds (number or digit string), epoch ms, or ISO string -> epoch ms. */
export function parseResetsAt(v: unknown): number | undefined {
  const n = num(v);
  let ms = n !== undefined ? (n < 1e11 ? Math.round(n * 1000) : Math.round(n)) : typeof v === 'string' ? Date.parse(v) : NaN;
  // A reset no date can hold (`1e300`) is no reset: shown, it made `status` exit 1 (see isPlausibleTimeMs).
  if (!isPlausibleTimeMs(ms)) ms = NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

// Weekly windows in rate_limits that are not a model's own week.
const notModelWeeks = new Set(['oauth_apps', 'cowork', 'overage_included']);

function modelWeeksOf(limits: Obj): ModelWeek[] {
  const weeks: ModelWeek[] = [];
  for (const [key, value] of Object.entries(limits)) {
    const match = /^seven_day_([a-z][a-z0-9]{1,20})$/.exec(key);
    if (!match || notModelWeeks.has(match[1])) continue;
    const w = parseWindow(value);
    if (w) weeks.push({ name: match[1][0].toUpperCase() + match[1].slice(1), ...w });
  }
  if (Array.isArray(limits.model_scoped)) {
    for (const item of limits.model_scoped.slice(0, 20)) {
      const name = isObj(item) ? str(item.display_name)?.trim() : undefined;
      const w = parseWindow(item);
      if (name && name.length <= 40 && w && !weeks.some((x) => x.name === name)) weeks.push({ name, ...w });
    }
  }
  return weeks;
}

function parseWindow(v: unknown): RateWindow | undefined {
  if (!isObj(v)) return undefined;
  // The status line sends used_percentage; the OAuth usage API's `utilization` is accepted too.
  const used = num(v.used_percentage) ?? num(v.utilization);
  if (used === undefined) return undefined;
  const resetsAtMs = parseResetsAt(v.resets_at);
  return resetsAtMs === undefined ? { usedPercentage: used } : { usedPercentage: used, resetsAtMs };
}

/** Parses Claude Code's statusLine stdin; undefined when it is not a JSON object. Unknown fields are ignored. */
export function parseStatusLineInput(text: string): StatusLineInput | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(raw)) return undefined;
  const out: StatusLineInput = {};
  const model = isObj(raw.model) ? raw.model : {};
  const workspace = isObj(raw.workspace) ? raw.workspace : {};
  const cost = isObj(raw.cost) ? raw.cost : {};
  const limits = isObj(raw.rate_limits) ? raw.rate_limits : {};
  const set = <K extends keyof StatusLineInput>(k: K, v: StatusLineInput[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('sessionId', str(raw.session_id));
  set('modelId', str(model.id));
  set('modelName', str(model.display_name));
  set('cwd', str(workspace.current_dir) ?? str(raw.cwd));
  set('sessionCostUsd', num(cost.total_cost_usd));
  set('fiveHour', parseWindow(limits.five_hour));
  set('sevenDay', parseWindow(limits.seven_day));
  const weeks = modelWeeksOf(limits);
  if (weeks.length > 0) out.modelWeeks = weeks;
  return out;
}
