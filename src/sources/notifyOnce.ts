// Several VS Code windows each watch the same logs and budgets; a warning should still appear
// once, not once per window. The first window to create a marker file for a notification's key
// (an atomic exclusive create) shows it; the others stay quiet until the marker is older than
// its time to live.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const folderName = 'notified';
const sweepAfterMs = 3 * 86_400_000;

/**
 * True when this process may show the notification `key` now: no window claimed it within
 * `ttlMs`. Fails open (true) when the state folder cannot be written: a duplicate beats silence.
 */
export function claimNotification(stateDir: string, key: string, nowMs: number, ttlMs: number): boolean {
  const dir = join(stateDir, folderName);
  const file = join(dir, createHash('sha256').update(key).digest('hex').slice(0, 24));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return true;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(nowMs), { flag: 'wx', mode: 0o600 });
      if (attempt === 0) sweep(dir, nowMs);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
      let claimedAtMs: number;
      try {
        claimedAtMs = statSync(file).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again
      }
      if (nowMs - claimedAtMs < ttlMs) return false;
      try {
        unlinkSync(file);
      } catch {
        // Another window renewed it first; the retry decides.
      }
    }
  }
  return false;
}

/** Drops markers nobody needed for days, so the folder does not grow. */
function sweep(dir: string, nowMs: number): void {
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (nowMs - statSync(path).mtimeMs > sweepAfterMs) unlinkSync(path);
    }
  } catch {
    // Only housekeeping.
  }
}
