// Where `tokenmeter statusline` leaves the latest plan-quota snapshot for the extension to read.
// One small JSON file, replaced atomically (write a temp file, then rename) so a reader never sees
// half a file. Loaded on every Claude Code status line refresh: node built-ins only.
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot, type StatusLineSnapshot } from '../core/claudeStatusLine';

export const STATUS_LINE_FILE = 'claude-statusline.json';

/**
 * Tokenmeter's state folder: $TOKENMETER_STATE_DIR, else the platform's per-user state/data
 * folder (XDG_STATE_HOME or ~/.local/state on Linux, ~/Library/Application Support on macOS,
 * %LOCALAPPDATA% on Windows), plus "tokenmeter".
 */
export function defaultStateDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.TOKENMETER_STATE_DIR) return env.TOKENMETER_STATE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'tokenmeter');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'tokenmeter');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'tokenmeter');
}

export function statusLineSnapshotPath(stateDir: string): string {
  return join(stateDir, STATUS_LINE_FILE);
}

/** Windows refuses to replace a file another process has open (EPERM/EBUSY): retry briefly. */
function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 4 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      const until = Date.now() + 5 * (attempt + 1);
      while (Date.now() < until) {
        // A few ms of busy wait: the status line command is short-lived and synchronous.
      }
    }
  }
}

/** Writes the snapshot atomically; creates the folder (mode 0700) when missing. */
export function writeStatusLineSnapshot(stateDir: string, snapshot: StatusLineSnapshot): void {
  const target = statusLineSnapshotPath(stateDir);
  // Unique per writer: several Claude Code sessions may refresh at the same moment.
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, JSON.stringify(snapshot), { mode: 0o600 });
    renameWithRetry(temp, target);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may not exist; the original error is what matters.
    }
    throw new Error(`Could not record the status line snapshot in ${stateDir}: ${(err as Error).message}`, { cause: err });
  }
}

/** The recorded snapshot, or undefined when there is none yet or it is unreadable. */
export function readStatusLineSnapshot(stateDir: string): StatusLineSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(statusLineSnapshotPath(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseSnapshot(text);
}

/** Async variant for the extension host. */
export async function readStatusLineSnapshotAsync(stateDir: string): Promise<StatusLineSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(statusLineSnapshotPath(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseSnapshot(text);
}
