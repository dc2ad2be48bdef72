// Installing `tokenmeter statusline` into Claude Code's settings.json (and out again), wrapping the user's own command.
import { isObj, str } from './input';

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
