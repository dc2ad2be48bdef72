import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

// Listing a log tree: bounded (depth, entries, pseudo file systems, links that lead away), with a blocking fast path
// for the CLI. Which trees are log trees, and what a found file becomes, is logFiles.ts's.

export interface WalkProblem {
  path: string;
  reason: string;
}

/** `file` relative to `root`, with `/` separators; a prefix cut, as `file` was found under `root`. */
export function relativeTo(root: string, file: string): string {
  const relative = file.startsWith(root + path.sep) ? file.slice(root.length + 1) : path.relative(root, file);
  return path.sep === '/' ? relative : relative.split(path.sep).join('/');
}

/**
 * The fast path for blocking callers (the CLI): one listing per top-level folder, each handed to `onPart` as soon as
 * it is listed. False when it cannot answer exactly (an unreadable folder, a symlink, a tree deeper than
 * MAX_WALK_DEPTH): then walk (parts already handed over come again).
 *
 * Each folder is listed by a readdirSync of its own, breadth first as Node's `recursive: true` lists (the same order),
 * and paths are joined by concatenation: `recursive` joined every folder's path with path.join, and the files' with
 * it again here, normalising each (~45 of ~145 ms on the generated corpus's 3,400 folders and 9,500 transcripts).
 */
function listTreeBlocking(root: string, accept: (relativePath: string) => boolean, onPart: (files: string[]) => void): boolean {
  let seen = 0;
  // The root as given; the folders under it as `parent + sep + name` (names hold no separator).
  const prefix = root.endsWith(path.sep) ? root.length : root.length + 1;
  const listed = (dir: string, recursive: boolean, depth: number): string[] | undefined => {
    const found: string[] = [];
    const queue = [dir];
    const depths = [depth];
    for (let q = 0; q < queue.length; q++) {
      const folder = queue[q];
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return undefined;
      }
      // A huge tree (a bind mount of `/`) is left to the bounded walk.
      if ((seen += entries.length) > MAX_WALK_ENTRIES) return undefined;
      const base = folder.endsWith(path.sep) ? folder : folder + path.sep;
      for (const entry of entries) {
        if (entry.isSymbolicLink()) return undefined;
        if (entry.isDirectory()) {
          if (!recursive) continue;
          // Deeper than the walk goes: the walk says so.
          if (depths[q] + 1 > MAX_WALK_DEPTH) return undefined;
          queue.push(base + entry.name);
          depths.push(depths[q] + 1);
          continue;
        }
        if (!entry.isFile()) continue;
        const full = base + entry.name;
        const relative = full.slice(prefix);
        if (accept(path.sep === '/' ? relative : relative.split(path.sep).join('/'))) found.push(full);
      }
    }
    return found;
  };
  let top: import('node:fs').Dirent[];
  try {
    top = readdirSync(root, { withFileTypes: true });
  } catch {
    return false;
  }
  const atTop = listed(root, false, 0);
  if (!atTop) return false;
  onPart(atTop);
  const base = root.endsWith(path.sep) ? root : root + path.sep;
  for (const entry of top) {
    if (!entry.isDirectory()) continue;
    const part = listed(base + entry.name, true, 1);
    if (!part) return false;
    onPart(part);
  }
  return true;
}

/** Walk bounds: a log tree is a few levels deep; a link into `/` or `/proc` is not a log tree. */
export const MAX_WALK_DEPTH = 16;
export const MAX_WALK_ENTRIES = 1_000_000;
// Kernel and device file systems: endless, slow or hanging to list; never logs.
const pseudoRoots = ['/proc', '/sys', '/dev'];
// statfs magic numbers of Linux pseudo file systems (proc, sysfs, devpts, debugfs, tracefs, cgroup, cgroup2, securityfs, configfs, bpf).
const pseudoFsTypes = new Set([0x9fa0, 0x62656572, 0x1cd1, 0x64626720, 0x74726163, 0x27e0eb, 0x63677270, 0x73636673, 0x62656570, 0xcafe4a11]);

/** Whether `inner` is `outer` or inside it (`outer` may be `/`). */
function isInside(outer: string, inner: string): boolean {
  if (inner === outer) return true;
  const prefix = outer.endsWith(path.sep) ? outer : outer + path.sep;
  return inner.startsWith(prefix);
}

async function isPseudoFileSystem(real: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  if (pseudoRoots.some((r) => isInside(r, real))) return true;
  try {
    return pseudoFsTypes.has((await fs.statfs(real)).type);
  } catch {
    return false;
  }
}

/**
 * All files under `root` that `accept` takes. Unreadable folders are reported and skipped;
 * symlinked folders are followed once (a loop is visited a single time). The walk is bounded:
 * at most MAX_WALK_DEPTH levels and MAX_WALK_ENTRIES entries (past either it stops and reports
 * it), never into /proc, /sys, /dev or another pseudo file system, and a link leading outside the
 * trees already walked is followed only when its target holds logs itself (a log file the source
 * takes, up to 3 folders down) and does not hold the root (`/`, the home folder): `projects/x -> /` is skipped, `projects/x -> ~/dotfiles/x` is
 * walked. `onPart`, when given, may also receive them earlier, in parts (some twice).
 */
export async function findLogFiles(root: string, accept: (relativePath: string) => boolean, problems: WalkProblem[], io: 'async' | 'sync' = 'async', onPart?: (files: string[]) => void): Promise<string[]> {
  if (io === 'sync') {
    const listed: string[] = [];
    const whole = listTreeBlocking(root, accept, (part) => {
      listed.push(...part);
      onPart?.(part);
    });
    if (whole) return listed;
  }
  const found: string[] = [];
  const visited = new Set<string>();
  // Only a symlink can close a loop or alias a folder. Plain folders are walked without
  // realpath; a linked folder is walked only if it leads outside the trees already walked.
  const walkedRoots: string[] = [];
  let entriesSeen = 0;
  let stopped = false;
  const stop = (reason: string) => {
    if (!stopped) problems.push({ path: root, reason });
    stopped = true;
  };
  /** A folder outside the walked trees is followed only if it holds logs itself (looked for up to 3 levels down, 256 folders). */
  async function holdsLogs(dir: string): Promise<boolean> {
    let level = [dir];
    let listedDirs = 0;
    for (let depth = 0; depth < 4 && level.length > 0; depth++) {
      const next: string[] = [];
      for (const folder of level) {
        if (++listedDirs > 256) return false;
        const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => [] as import('node:fs').Dirent[]);
        for (const e of entries) {
          const full = path.join(folder, e.name);
          if (e.isDirectory()) next.push(full);
          else if (accept(relativeTo(root, full))) return true;
        }
      }
      level = next;
    }
    return false;
  }
  async function visitOnce(dir: string, depth: number, isRoot: boolean): Promise<void> {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (error) {
      problems.push({ path: dir, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    if (visited.has(real) || walkedRoots.some((r) => isInside(r, real))) return;
    if (!isRoot) {
      // A link to `/`, the home folder or any folder holding the root would walk far more than logs.
      if (isInside(real, walkedRoots[0] ?? real)) {
        problems.push({ path: dir, reason: `links to ${real}, a folder that holds the log folder itself; not walked` });
        return;
      }
      if (await isPseudoFileSystem(real)) {
        problems.push({ path: dir, reason: `links to ${real}, a system folder; not walked` });
        return;
      }
      if (!(await holdsLogs(dir))) return;
    }
    visited.add(real);
    walkedRoots.push(real);
    await visit(dir, depth);
  }
  async function visit(dir: string, depth: number): Promise<void> {
    if (stopped) return;
    if (depth > MAX_WALK_DEPTH) {
      problems.push({ path: dir, reason: `deeper than ${MAX_WALK_DEPTH} folders; not walked` });
      return;
    }
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    entriesSeen += entries.length;
    if (entriesSeen > MAX_WALK_ENTRIES) {
      stop(`more than ${MAX_WALK_ENTRIES.toLocaleString('en-US')} entries; the walk stopped there (some logs may be missing)`);
      return;
    }
    const subdirs: string[] = [];
    const linkedDirs: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await fs.stat(full);
          isFile = target.isFile();
          if (target.isDirectory()) linkedDirs.push(full);
        } catch {
          continue; // a dangling link is not a log
        }
      }
      if (isDir) subdirs.push(full);
      else if (isFile && accept(relativeTo(root, full))) found.push(full);
    }
    // Folders are listed concurrently (the thread pool overlaps the system calls); callers sort the result.
    await Promise.all(subdirs.map((d) => visit(d, depth + 1)));
    for (const linked of linkedDirs) await visitOnce(linked, depth + 1, false);
  }
  await visitOnce(root, 0, true);
  return found;
}

/** The files directly in `root` (not in its subfolders) that `accept` takes by name: one `readdir`. */
export async function listFilesIn(root: string, accept: (name: string) => boolean, problems: WalkProblem[], io: 'async' | 'sync' = 'async'): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = io === 'sync' ? readdirSync(root, { withFileTypes: true }) : await fs.readdir(root, { withFileTypes: true });
  } catch (error) {
    problems.push({ path: root, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!accept(entry.name)) continue;
    const full = path.join(root, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && (io === 'sync' ? linksToFileSync(full) : await fs.stat(full).then((s) => s.isFile(), () => false)))) found.push(full);
  }
  return found;
}

/** Whether the link `full` leads to a file; a link that leads nowhere, in a loop or where we may not look does not. */
function linksToFileSync(full: string): boolean {
  try {
    return statSync(full, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
