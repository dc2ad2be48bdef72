// Claude Code's statusLine protocol: it runs the configured command on every refresh with a JSON
// on stdin and shows the command's stdout. Since v2.1.80 that JSON carries the subscription's
// real quota: rate_limits.five_hour / seven_day {used_percentage, resets_at} (absent for API-key
// users and before the first response). https://code.claude.com/docs/en/statusline
//
// Pure and dependency-free on purpose: `tokenmeter statusline` runs on every refresh, so this
// module must load fast (no zod; a hand-written guard validates the input).

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

/** What `tokenmeter statusline` records for the extension (one small JSON file). */
export interface StatusLineSnapshot {
  version: 1;
  recordedAtMs: number;
  sessionId?: string;
  modelId?: string;
  sessionCostUsd?: number;
  fiveHour?: RateWindow;
  sevenDay?: RateWindow;
  modelWeeks?: ModelWeek[];
  /**
   * Set when Claude Code kept running the status line but stopped sending `rate_limits` (seen in 2.1.96):
   * the windows above are the last good reading, shown as stale with their age, not dropped silently.
   */
  rateLimitsMissingSinceMs?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** resets_at as unix seconds (number or digit string), epoch ms, or ISO string -> epoch ms. */
export function parseResetsAt(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
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

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function clock(ms: number, utcOffsetMinutes: number): { hhmm: string; weekday: string; dayIndex: number } {
  const t = new Date(ms + utcOffsetMinutes * 60_000);
  const hhmm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
  return { hhmm, weekday: WEEKDAYS[t.getUTCDay()], dayIndex: Math.floor((ms + utcOffsetMinutes * 60_000) / 86_400_000) };
}

export interface FormatOptions {
  nowMs: number;
  /** Minutes east of UTC (-new Date().getTimezoneOffset()). */
  utcOffsetMinutes: number;
  /** Show the 7-day reset time from this usage on (default 80%). */
  showWeeklyResetFromPct?: number;
}

function formatWindow(label: string, w: RateWindow, opts: FormatOptions, alwaysShowReset: boolean): string {
  if (w.resetsAtMs !== undefined && w.resetsAtMs <= opts.nowMs) return `${label} reset`;
  const pct = `${label} ${Math.round(w.usedPercentage)}%`;
  const showReset = alwaysShowReset || w.usedPercentage >= (opts.showWeeklyResetFromPct ?? 80);
  if (w.resetsAtMs === undefined || !showReset) return pct;
  const at = clock(w.resetsAtMs, opts.utcOffsetMinutes);
  const today = clock(opts.nowMs, opts.utcOffsetMinutes).dayIndex === at.dayIndex;
  return `${pct} (resets ${today ? at.hhmm : `${at.weekday} ${at.hhmm}`})`;
}

/** The compact line: "5h 42% (resets 14:10) · 7d 18% · $3.20 session". Empty when there is nothing to say. */
export function formatStatusLine(input: StatusLineInput, opts: FormatOptions): string {
  const parts: string[] = [];
  if (input.fiveHour) parts.push(formatWindow('5h', input.fiveHour, opts, true));
  if (input.sevenDay) parts.push(formatWindow('7d', input.sevenDay, opts, false));
  if (input.sessionCostUsd !== undefined) parts.push(`$${input.sessionCostUsd.toFixed(2)} session`);
  return parts.join(' · ');
}

/** The snapshot to record; undefined when the input has no rate limits (API-key users, before the first reply). */
export function toSnapshot(input: StatusLineInput, nowMs: number): StatusLineSnapshot | undefined {
  if (!input.fiveHour && !input.sevenDay) return undefined;
  const s: StatusLineSnapshot = { version: 1, recordedAtMs: nowMs };
  if (input.sessionId) s.sessionId = input.sessionId;
  if (input.modelId) s.modelId = input.modelId;
  if (input.sessionCostUsd !== undefined) s.sessionCostUsd = input.sessionCostUsd;
  if (input.fiveHour) s.fiveHour = input.fiveHour;
  if (input.sevenDay) s.sevenDay = input.sevenDay;
  if (input.modelWeeks) s.modelWeeks = input.modelWeeks;
  return s;
}

/**
 * A status line call without `rate_limits` after earlier calls had them: keep the last good reading,
 * marked from when it went missing. Undefined when there is nothing to mark (no reading, or already marked).
 */
export function markRateLimitsMissing(previous: StatusLineSnapshot | undefined, nowMs: number): StatusLineSnapshot | undefined {
  if (!previous || previous.rateLimitsMissingSinceMs !== undefined) return undefined;
  return { ...previous, rateLimitsMissingSinceMs: nowMs };
}

function guardWindow(v: unknown): RateWindow | undefined {
  if (!isObj(v) || typeof v.usedPercentage !== 'number') return undefined;
  return typeof v.resetsAtMs === 'number' ? { usedPercentage: v.usedPercentage, resetsAtMs: v.resetsAtMs } : { usedPercentage: v.usedPercentage };
}

/** Validates a recorded snapshot file's text; undefined when missing fields or not ours. */
export function parseSnapshot(text: string): StatusLineSnapshot | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(raw) || raw.version !== 1 || typeof raw.recordedAtMs !== 'number') return undefined;
  const s: StatusLineSnapshot = { version: 1, recordedAtMs: raw.recordedAtMs };
  if (typeof raw.sessionId === 'string') s.sessionId = raw.sessionId;
  if (typeof raw.modelId === 'string') s.modelId = raw.modelId;
  if (typeof raw.sessionCostUsd === 'number') s.sessionCostUsd = raw.sessionCostUsd;
  const five = guardWindow(raw.fiveHour);
  const seven = guardWindow(raw.sevenDay);
  if (five) s.fiveHour = five;
  if (seven) s.sevenDay = seven;
  if (Array.isArray(raw.modelWeeks)) {
    const weeks = raw.modelWeeks.flatMap((w) => {
      const g = guardWindow(w);
      return g && isObj(w) && typeof w.name === 'string' && w.name.length <= 40 ? [{ name: w.name, ...g }] : [];
    });
    if (weeks.length > 0) s.modelWeeks = weeks;
  }
  if (typeof raw.rateLimitsMissingSinceMs === 'number') s.rateLimitsMissingSinceMs = raw.rateLimitsMissingSinceMs;
  if (!s.fiveHour && !s.sevenDay) return undefined;
  return s;
}

/** One plan window as the extension shows it; `expired` when its reset time has passed since recording. */
export interface PlanWindowView {
  window: '5h' | '7d';
  usedPercentage: number;
  resetsAtMs?: number;
  expired: boolean;
  ageMs: number;
}

/** The snapshot's windows as of nowMs (a window whose reset passed is reported expired, usage unknown). */
export function planWindows(snapshot: StatusLineSnapshot, nowMs: number): PlanWindowView[] {
  const out: PlanWindowView[] = [];
  const ageMs = Math.max(0, nowMs - snapshot.recordedAtMs);
  const add = (window: '5h' | '7d', w: RateWindow | undefined) => {
    if (!w) return;
    const v: PlanWindowView = { window, usedPercentage: w.usedPercentage, expired: w.resetsAtMs !== undefined && w.resetsAtMs <= nowMs, ageMs };
    if (w.resetsAtMs !== undefined) v.resetsAtMs = w.resetsAtMs;
    out.push(v);
  };
  add('5h', snapshot.fiveHour);
  add('7d', snapshot.sevenDay);
  return out;
}

// ---- Installing into Claude Code's settings.json ----------------------------------------------

/** POSIX single-quoting (Claude Code runs statusLine commands through a shell; bash on Windows too). */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.split("'").join(`'\\''`)}'`;
}

/**
 * Splits a POSIX shell command into words, undoing '…' and "…" quoting and backslash escapes.
 * Undefined when it is more than one simple command (; | & < > ( ) or a backquote outside quotes)
 * or its quotes do not close. `$` is kept as written (the text is restored, not run).
 */
export function shellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  const t = s.trim();
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "'") {
      const end = t.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + t.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let inner = '';
      let j = i + 1;
      for (; j < t.length && t[j] !== '"'; j++) {
        // Inside double quotes a backslash escapes only $ ` " \ and a newline.
        if (t[j] === '\\' && j + 1 < t.length && '$`"\\\n'.includes(t[j + 1])) inner += t[++j];
        else inner += t[j];
      }
      if (j >= t.length) return undefined;
      word = (word ?? '') + inner;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= t.length) return undefined;
      word = (word ?? '') + t[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (';|&<>()`'.includes(c)) {
      return undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Undoes shellQuote (or double quoting) for a single argument; undefined when the text is not one such argument. */
export function shellUnquote(s: string): string | undefined {
  const words = shellWords(s);
  return words && words.length === 1 ? words[0] : undefined;
}

const WRAP_FLAG = ' --wrap ';

/** How `tokenmeter` is started: `tokenmeter`, a path to it, `npx tokenmeter`, or `node <…tokenmeter…/dist/cli.js>`. */
function invocationLength(words: string[]): number {
  const isBin = (w: string | undefined) => w !== undefined && /(^|[/\\])tokenmeter(\.cmd|\.js)?$/.test(w);
  if (isBin(words[0])) return 1;
  if (words[0] === 'npx' && isBin(words[1])) return 2;
  if (words[0] !== undefined && /(^|[/\\])node(\.exe)?$/.test(words[0]) && words[1] !== undefined && /tokenmeter[^/\\]*[/\\]dist[/\\]cli\.js$/.test(words[1])) return 2;
  return 0;
}

/**
 * Our status line command taken apart: undefined unless the whole command is one run of the
 * Tokenmeter CLI's `statusline` with only its own options (a user script that merely mentions
 * "tokenmeter … statusline" is not ours). `wrapped` is the user's command given to --wrap.
 */
export function parseTokenmeterStatusLine(command: string, ourCommand?: string): { wrapped?: string } | undefined {
  const words = shellWords(command);
  if (!words) return undefined;
  const ours = ourCommand === undefined ? undefined : shellWords(ourCommand);
  let optionsAt = 0;
  if (ours && ours.length > 0 && ours.every((w, i) => words[i] === w)) {
    optionsAt = ours.length;
    if (ours[ours.length - 1] !== 'statusline') optionsAt = words[optionsAt] === 'statusline' ? optionsAt + 1 : 0;
  }
  if (optionsAt === 0) {
    const start = invocationLength(words);
    if (start === 0 || words[start] !== 'statusline') return undefined;
    optionsAt = start + 1;
  }
  const out: { wrapped?: string } = {};
  for (let i = optionsAt; i < words.length; i++) {
    const w = words[i];
    if (w === '--no-record') continue;
    if (w === '--wrap' || w === '--state-dir') {
      if (i + 1 >= words.length) return undefined;
      if (w === '--wrap') out.wrapped = words[i + 1];
      i++;
    } else if (w.startsWith('--wrap=')) out.wrapped = w.slice('--wrap='.length);
    else if (w.startsWith('--state-dir=')) continue;
    else return undefined;
  }
  return out;
}

/** True when `command` runs our statusline (`<ourCommand> ...`, or another install of the Tokenmeter CLI). */
export function isTokenmeterStatusLine(command: string, ourCommand: string): boolean {
  const c = command.trim();
  return c === ourCommand || parseTokenmeterStatusLine(c, ourCommand) !== undefined;
}

export interface StatusLineSettingsPlan {
  action: 'install' | 'wrap' | 'unchanged' | 'remove' | 'restore';
  /** The statusLine value before and after (undefined = absent). */
  before?: unknown;
  after?: unknown;
  /** The whole settings object to write (same object content when unchanged). */
  settings: Record<string, unknown>;
  /** One or two sentences for the confirmation dialog. */
  summary: string;
}

/**
 * The settings.json change that makes Claude Code run `ourCommand` as its status line, wrapping an
 * existing command so the user's line still shows first. Other keys, and statusLine fields such
 * as `padding`, are kept.
 */
export function planStatusLineInstall(settings: unknown, ourCommand: string): StatusLineSettingsPlan {
  const base: Record<string, unknown> = isObj(settings) ? { ...settings } : {};
  const before = base.statusLine;
  const existing = isObj(before) ? before : undefined;
  const existingCommand = existing && existing.type === 'command' ? str(existing.command) : undefined;
  if (existingCommand && isTokenmeterStatusLine(existingCommand, ourCommand)) {
    return { action: 'unchanged', before, after: before, settings: base, summary: 'Claude Code already runs the Tokenmeter status line.' };
  }
  const command = existingCommand ? `${ourCommand}${WRAP_FLAG}${shellQuote(existingCommand)}` : ourCommand;
  const after = { ...(existing ?? {}), type: 'command', command };
  base.statusLine = after;
  return {
    action: existingCommand ? 'wrap' : 'install',
    before,
    after,
    settings: base,
    summary: existingCommand
      ? `Your status line command "${existingCommand}" keeps running and showing first; Tokenmeter adds its quota after it and records it for the editor.`
      : 'Claude Code will run the Tokenmeter status line, which shows your plan quota and records it for the editor.',
  };
}

/** The reverse: restore the wrapped command, or remove a status line that is only ours. */
export function planStatusLineUninstall(settings: unknown, ourCommand: string): StatusLineSettingsPlan {
  const base: Record<string, unknown> = isObj(settings) ? { ...settings } : {};
  const before = base.statusLine;
  const existing = isObj(before) ? before : undefined;
  const command = existing ? str(existing.command) : undefined;
  if (!existing || !command || !isTokenmeterStatusLine(command, ourCommand)) {
    return { action: 'unchanged', before, after: before, settings: base, summary: 'Claude Code does not run the Tokenmeter status line.' };
  }
  const wrapped = parseTokenmeterStatusLine(command, ourCommand)?.wrapped;
  if (wrapped) {
    const after = { ...existing, command: wrapped };
    base.statusLine = after;
    return { action: 'restore', before, after, settings: base, summary: `Restores your status line command "${wrapped}".` };
  }
  delete base.statusLine;
  return { action: 'remove', before, after: undefined, settings: base, summary: 'Removes the Tokenmeter status line from Claude Code.' };
}

/** The snapshot's windows as PlanQuota-shaped objects (source 'claude'), for showing next to budgets. */
export function claudePlanQuotas(
  snapshot: StatusLineSnapshot,
  nowMs: number,
): Array<{ source: 'claude'; window: string; name?: string; usedPercent: number; resetsAt?: string; fetchedAtMs: number; stale: boolean }> {
  // Claude Code stopped sending rate limits: the last good reading stays, stale, with its age (fetchedAtMs).
  const missing = snapshot.rateLimitsMissingSinceMs !== undefined;
  const quota = (window: string, w: { usedPercentage: number; resetsAtMs?: number }, name?: string) => {
    const expired = w.resetsAtMs !== undefined && w.resetsAtMs <= nowMs;
    const q: { source: 'claude'; window: string; name?: string; usedPercent: number; resetsAt?: string; fetchedAtMs: number; stale: boolean } = {
      source: 'claude',
      window,
      ...(name ? { name } : {}),
      // Once the window has reset, the recorded usage no longer applies.
      usedPercent: expired ? 0 : w.usedPercentage,
      fetchedAtMs: snapshot.recordedAtMs,
      stale: expired || missing,
    };
    if (w.resetsAtMs !== undefined) q.resetsAt = new Date(w.resetsAtMs).toISOString();
    return q;
  };
  return [
    ...planWindows(snapshot, nowMs).map((w) => quota(w.window, w)),
    ...(snapshot.modelWeeks ?? []).map((w) => quota('7d', w, w.name)),
  ];
}
