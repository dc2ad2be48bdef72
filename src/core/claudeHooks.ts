/**
 * The change to Claude Code's settings.json that installs or removes the
 * Tokenmeter budget guard as a PreToolUse hook on the sub-agent tool.
 *
 * Pure: takes the parsed settings, returns the next settings; the caller shows
 * the change, asks, and writes the file. The user's other settings and hooks
 * are kept as they are (same order, same objects' fields).
 *
 * Hook format: https://docs.claude.com/en/docs/claude-code/hooks — a command
 * hook that exits 2 blocks the tool call and its stderr is shown to Claude.
 */

/** Matches the sub-agent tool: `Task` in older Claude Code, `Agent` in newer (wire name still Task). */
export const guardHookMatcher = 'Task|Agent';

/** Seconds Claude Code waits for the guard before giving up on it. */
export const guardHookTimeoutS = 30;

/** Text that marks a hook command as ours, so an upgrade replaces the old command instead of adding a second. */
export const guardCommandMarker = 'tokenmeter guard';

export class ClaudeSettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) { super(message, options); }
}

export interface HookChange {
  /** The settings to write (a new object; the input is not modified). */
  next: Record<string, unknown>;
  changed: boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOurs(hook: unknown, command: string | undefined): boolean {
  if (!isObject(hook) || typeof hook.command !== 'string') return false;
  return hook.command === command || hook.command.includes(guardCommandMarker);
}

/** Checks the parts of the settings we touch, so we never overwrite something we do not understand. */
function readHooks(settings: unknown): { root: Json; hooks: Json | undefined; preToolUse: unknown[] | undefined } {
  if (settings === undefined || settings === null) return { root: {}, hooks: undefined, preToolUse: undefined };
  if (!isObject(settings)) throw new ClaudeSettingsError('Claude Code settings are not a JSON object; fix settings.json before installing the hook.');
  const hooks = settings.hooks;
  if (hooks === undefined) return { root: settings, hooks: undefined, preToolUse: undefined };
  if (!isObject(hooks)) throw new ClaudeSettingsError('"hooks" in Claude Code settings is not an object; fix it before installing the hook.');
  const pre = hooks.PreToolUse;
  if (pre === undefined) return { root: settings, hooks, preToolUse: undefined };
  if (!Array.isArray(pre)) throw new ClaudeSettingsError('"hooks.PreToolUse" in Claude Code settings is not a list; fix it before installing the hook.');
  return { root: settings, hooks, preToolUse: pre };
}

/**
 * Adds `command` as a PreToolUse hook for the sub-agent tool. Idempotent: when
 * the exact hook is already there nothing changes; an older Tokenmeter guard
 * command (any command containing "tokenmeter guard") is replaced.
 */
export function installGuardHook(settingsJson: unknown, command: string): HookChange {
  if (command.trim() === '') throw new ClaudeSettingsError('The guard command is empty.');
  const { root, hooks, preToolUse } = readHooks(settingsJson);
  const wanted = { type: 'command', command, timeout: guardHookTimeoutS };
  const entries = preToolUse ?? [];

  // Already installed exactly once, as we would write it?
  let exact = 0;
  let ours = 0;
  for (const entry of entries) {
    if (!isObject(entry) || !Array.isArray(entry.hooks)) continue;
    for (const h of entry.hooks) {
      if (!isOurs(h, command)) continue;
      ours++;
      if (entry.matcher === guardHookMatcher && isObject(h) && h.command === command && h.type === 'command') exact++;
    }
  }
  if (exact === 1 && ours === 1) return { next: structuredClone(root), changed: false };

  // Drop old copies of the guard, keep everything else, then add ours at the end.
  const removed = removeFromEntries(entries, command);
  const nextEntries = [...removed, { matcher: guardHookMatcher, hooks: [wanted] }];
  const next = structuredClone(root);
  next.hooks = { ...(hooks === undefined ? {} : structuredClone(hooks)), PreToolUse: nextEntries };
  return { next, changed: true };
}

/**
 * Removes the guard hook (the given command, or any command containing
 * "tokenmeter guard"); entries and lists left empty by that are removed too.
 */
export function removeGuardHook(settingsJson: unknown, command?: string): HookChange {
  const { root, hooks, preToolUse } = readHooks(settingsJson);
  if (hooks === undefined || preToolUse === undefined) return { next: structuredClone(root), changed: false };
  const nextEntries = removeFromEntries(preToolUse, command);
  const changed = JSON.stringify(nextEntries) !== JSON.stringify(preToolUse);
  if (!changed) return { next: structuredClone(root), changed: false };
  const next = structuredClone(root);
  const nextHooks = structuredClone(hooks);
  if (nextEntries.length > 0) nextHooks.PreToolUse = nextEntries;
  else delete nextHooks.PreToolUse;
  if (Object.keys(nextHooks).length > 0) next.hooks = nextHooks;
  else delete next.hooks;
  return { next, changed: true };
}

/** Whether the guard hook is present. */
export function hasGuardHook(settingsJson: unknown, command?: string): boolean {
  const { preToolUse } = readHooks(settingsJson);
  return (preToolUse ?? []).some((entry) => isObject(entry) && Array.isArray(entry.hooks) && entry.hooks.some((h) => isOurs(h, command)));
}

function removeFromEntries(entries: unknown[], command: string | undefined): unknown[] {
  const out: unknown[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || !Array.isArray(entry.hooks) || !entry.hooks.some((h) => isOurs(h, command))) {
      out.push(structuredClone(entry));
      continue;
    }
    const kept = entry.hooks.filter((h) => !isOurs(h, command));
    if (kept.length > 0) out.push({ ...structuredClone(entry), hooks: structuredClone(kept) });
  }
  return out;
}

/** The settings as Claude Code writes them (2-space JSON and a final newline), for showing the change and writing the file. */
export function formatClaudeSettings(settings: unknown): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/**
 * The shell command for the hook: runs the guard with the CLI that ships with
 * the extension. Quotes paths with spaces.
 */
export function guardHookCommand(nodePath: string, cliPath: string, extraArgs: readonly string[] = []): string {
  const q = (s: string) => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  // "tokenmeter guard" must appear literally so the command stays recognisable (see guardCommandMarker).
  return [q(nodePath), q(cliPath), 'guard', ...extraArgs.map(q)].join(' ') + ' # tokenmeter guard';
}
