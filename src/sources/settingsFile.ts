// Writing a settings file the user owns (Claude Code's settings.json, which may hold
// env.ANTHROPIC_API_KEY): keep its mode and owner, write through a symlink to the real file
// (dotfiles repos), refuse a read-only file, refuse when someone else changed it since we read it,
// keep one backup, and replace it atomically (temp file in the same folder, fsync, rename, fsync
// the folder) so a crash leaves the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

export type SettingsFileErrorKind = 'readOnly' | 'changed' | 'notFile' | 'brokenLink' | 'owner';

export class SettingsFileError extends Error {
  constructor(
    readonly kind: SettingsFileErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SettingsFileError';
  }
}

/** What was read, to check right before writing that nobody changed the file meanwhile. */
export interface SettingsFileSnapshot {
  /** The path as configured (may be a symlink). */
  path: string;
  /** The file actually written: the symlink's target, or `path` itself. */
  realPath: string;
  exists: boolean;
  /** The text read ('' when the file does not exist). */
  text: string;
  mtimeMs?: number;
  size?: number;
}

/** The backup kept next to the real file (one, replaced on each write). */
export function backupPathOf(realPath: string): string {
  return `${realPath}.tokenmeter-backup`;
}

async function lstatOrUndefined(file: string) {
  try {
    return await fs.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Where writes to `file` land: its symlink target when it is a link; `file` when it does not exist yet. */
async function resolveRealPath(file: string): Promise<{ realPath: string; exists: boolean }> {
  const link = await lstatOrUndefined(file);
  if (!link) return { realPath: path.resolve(file), exists: false };
  try {
    return { realPath: await fs.realpath(file), exists: true };
  } catch (err) {
    throw new SettingsFileError(
      'brokenLink',
      `${file} is a symbolic link to a file that does not exist; Tokenmeter will not replace the link. Fix or remove the link first.`,
      { cause: err },
    );
  }
}

/** Reads the file and remembers its state for writeSettingsFile. */
export async function readSettingsFile(file: string): Promise<SettingsFileSnapshot> {
  const { realPath, exists } = await resolveRealPath(file);
  if (!exists) return { path: file, realPath, exists: false, text: '' };
  const stat = await fs.stat(realPath);
  if (!stat.isFile()) throw new SettingsFileError('notFile', `${file} is not a regular file; Tokenmeter will not write it.`);
  const text = await fs.readFile(realPath, 'utf8');
  return { path: file, realPath, exists: true, text, mtimeMs: stat.mtimeMs, size: stat.size };
}

function changedError(file: string): SettingsFileError {
  return new SettingsFileError(
    'changed',
    `${file} was changed by another program since Tokenmeter read it; nothing was written. Run the command again to review the change against the new contents.`,
  );
}

/** Writes `data` to a new file next to `target` with `mode` (and owner), fsyncs it and renames it over `target`. */
async function replaceAtomically(target: string, data: string, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.tokenmeter-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', mode);
  let renamed = false;
  try {
    // open()'s mode is filtered by the umask: set it exactly.
    await handle.chmod(mode);
    if (owner && typeof process.getuid === 'function' && (owner.uid !== process.getuid() || owner.gid !== process.getgid?.())) {
      try {
        await handle.chown(owner.uid, owner.gid);
      } catch (err) {
        throw new SettingsFileError(
          'owner',
          `${target} belongs to another user (uid ${owner.uid}); replacing it would change its owner, so Tokenmeter did not write it. Edit it as that user.`,
          { cause: err },
        );
      }
    }
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    await handle.close();
    await fs.rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
    }
  }
  // The rename itself is durable only once the folder is synced (not possible on Windows).
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  if (dirHandle) await dirHandle.sync().catch(() => undefined).finally(() => dirHandle.close());
}

/**
 * Replaces the file read as `snapshot` with `text`. Throws SettingsFileError (nothing written) when
 * the file is read-only, was changed since `snapshot`, or changed from file to link or back.
 * Keeps the previous contents in `<real file>.tokenmeter-backup`. Returns where it wrote.
 */
export async function writeSettingsFile(snapshot: SettingsFileSnapshot, text: string): Promise<{ realPath: string; backupPath?: string }> {
  const file = snapshot.path;
  const now = await resolveRealPath(file);
  if (now.exists !== snapshot.exists || now.realPath !== snapshot.realPath) throw changedError(file);
  if (!now.exists) {
    await fs.mkdir(path.dirname(now.realPath), { recursive: true });
    // A new settings file may soon hold keys: readable by its owner only.
    try {
      const handle = await fs.open(now.realPath, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw changedError(file);
      throw err;
    }
    return { realPath: now.realPath };
  }
  const stat = await fs.stat(now.realPath);
  if (!stat.isFile()) throw new SettingsFileError('notFile', `${file} is not a regular file; Tokenmeter will not write it.`);
  // Root may write anything, so look at the mode bits as well as access().
  const writable = (stat.mode & 0o222) !== 0 && (await fs.access(now.realPath, constants.W_OK).then(() => true, () => false));
  if (!writable) {
    throw new SettingsFileError(
      'readOnly',
      `${file} is read-only; Tokenmeter did not change it. Make it writable (chmod u+w) if you want Tokenmeter to edit it, or make the change by hand.`,
    );
  }
  // Re-read right before writing: a change made while the confirmation was open must not be lost.
  const current = await fs.readFile(now.realPath, 'utf8');
  if (current !== snapshot.text || stat.mtimeMs !== snapshot.mtimeMs || stat.size !== snapshot.size) throw changedError(file);
  const mode = stat.mode & 0o7777;
  const owner = { uid: stat.uid, gid: stat.gid };
  const backupPath = backupPathOf(now.realPath);
  await replaceAtomically(backupPath, current, mode, owner);
  await replaceAtomically(now.realPath, text, mode, owner);
  return { realPath: now.realPath, backupPath };
}
