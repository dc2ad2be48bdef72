import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import type { SourceName } from '../core/usageEvent';
import { claudeProjectsFolder } from './agents/claude/paths';
import { codexSessionFolders } from './agents/codex/paths';
import type { FileCursor, LogRoots } from './logFiles';

/**
 * What a warm pass trusts instead of listing every folder and stat-ing every file (issue 19).
 *
 * A folder's mtime changes when an entry is added to it or removed, not when a file in it grows. So a
 * warm pass (`tokenmeter status`) stats a few folders — each log root, the folders one level below it
 * (Claude Code's project folders; Codex's years and months two levels), and every folder above a file
 * written in the last week or above the newest file of each root (where a new day's folder appears) — and
 * re-reads only files written in the last day. Anything else changed in the meantime (an append to a file
 * quiet for more than a day, such as a resumed Codex rollout; a new file deep in a folder quiet for a week;
 * a deleted file) is seen by the next full pass, at most `fullPassMaxAgeMs` later: a warm pass falls back to
 * a full one when the last is older than that, or when any watched folder changed.
 */
export interface FolderTimes {
  /** When the full pass these times come from started. */
  atMs: number;
  /** mtime of each watched folder at that pass; -1: missing; -2: changed during the pass (so the next warm pass walks). */
  folders: Record<string, number>;
}

export const fullPassMaxAgeMs = 3_600_000;
const changedDuringPass = -2;
/** Files written this recently are re-read by every warm pass. */
export const hotFileAgeMs = 86_400_000;
/** Folders above a file written this recently are watched. */
const recentFolderAgeMs = 7 * 86_400_000;

/** The roots of the line-log agents, with how many folder levels below each are always watched. */
function watchedRoots(roots: LogRoots, sources: Record<SourceName, boolean>): Array<{ root: string; depth: number }> {
  const out: Array<{ root: string; depth: number }> = [];
  if (sources.claude) for (const dir of roots.claudeDirs) out.push({ root: claudeProjectsFolder(dir), depth: 1 });
  if (sources.codex) for (const dir of roots.codexDirs) for (const root of codexSessionFolders(dir)) out.push({ root, depth: 2 });
  return out;
}

/**
 * What foldersToWatch needs of a file (a FileCursor will do): its path, or its `folder` (the path up to and with its
 * last separator: the file table holds one string per folder, shared by its files, instead of a path built per file).
 */
export type FileBrief = ({ path: string; folder?: undefined } | { folder: string; path?: undefined }) & Pick<FileCursor, 'mtimeMs'> & { wholeFile?: unknown };

/**
 * The folders a warm pass checks, from the files the last full pass found (see FolderTimes).
 *
 * Everything but the newest file's time depends on a file's folder alone, so it is worked out once per folder: on the
 * generated corpus's 10,000 files in 3,400 folders, a path split and path.join per file were ~40-100 ms of a cold scan's
 * serial tail (docs/benchmarks.md, session 15). Same folders as per file (the test compares).
 */
export function foldersToWatch(roots: LogRoots, sources: Record<SourceName, boolean>, cursors: Iterable<FileBrief>, nowMs: number): string[] {
  const folders = new Set<string>();
  const rootList = watchedRoots(roots, sources);
  const newestByRoot = new Map<string, { dir: string; mtimeMs: number }>();
  const addAncestors = (dir: string, root: string) => {
    for (; dir.length > root.length && dir.startsWith(root); dir = path.dirname(dir)) folders.add(dir);
  };
  for (const { root } of rootList) folders.add(root);
  // Per folder (as the briefs give it): its path without the last separator, the watched root it is under (none:
  // undefined), and whether its levels below the root and, for a recent file, its ancestors were added.
  const seen = new Map<string, { dir: string; at: { root: string; depth: number; prefix: string } | undefined; levels: boolean; recent: boolean }>();
  const prefixes = rootList.map(({ root, depth }) => ({ root, depth, prefix: root + path.sep }));
  // A level's folder as joined (path.join), by its path as found.
  const levels = new Map<string, string>();
  for (const cursor of cursors) {
    const key = cursor.folder ?? path.dirname(cursor.path);
    let known = seen.get(key);
    if (!known) {
      const dir = cursor.folder !== undefined ? path.dirname(cursor.folder + '_') : key;
      // A file directly in the root, or below it (its path starts with the root and a separator).
      known = { dir, at: prefixes.find(({ prefix }) => (dir + path.sep).startsWith(prefix)), levels: false, recent: false };
      seen.set(key, known);
    }
    const { dir, at } = known;
    // Whole-file histories (other agents) are re-read on every warm pass instead (see hotCursors); their folders too.
    if (cursor.wholeFile) {
      folders.add(dir);
      continue;
    }
    if (!at) continue;
    const root = at.root;
    if (!known.levels) {
      known.levels = true;
      // The folders `level` parts below the root on the way to `dir` (the file's own name, last, does not count): each
      // joined once, not once for every folder below it (3,400 folders under 14 projects on the generated corpus).
      const below = dir + path.sep;
      for (let level = 1, end = at.prefix.length; level <= at.depth; level++, end++) {
        end = below.indexOf(path.sep, end);
        if (end === -1) break;
        const raw = below.slice(0, end);
        let joined = levels.get(raw);
        if (joined === undefined) levels.set(raw, (joined = path.join(root, ...below.slice(at.prefix.length, end).split(path.sep))));
        folders.add(joined);
      }
    }
    if (cursor.mtimeMs >= nowMs - recentFolderAgeMs && !known.recent) {
      known.recent = true;
      addAncestors(dir, root);
    }
    const newest = newestByRoot.get(root);
    if (!newest || cursor.mtimeMs > newest.mtimeMs) newestByRoot.set(root, { dir, mtimeMs: cursor.mtimeMs });
  }
  for (const [root, newest] of newestByRoot) addAncestors(newest.dir, root);
  return [...folders].sort();
}

/** What folderBriefs reads of the files (FileTable). */
export interface FilesByFolder {
  newestByFolder(): { newestMs: Float64Array; firstNewest: Int32Array; hasWholeFile: Uint8Array };
  folderPathOf(f: number): string;
}

/**
 * foldersToWatch's briefs, one a folder rather than one a file (two for a folder holding both kinds): a line-log
 * folder's brief has its newest file's time, which is all foldersToWatch takes of its files' times. A cold scan's
 * serial tail made an object a file (10,000 on the generated corpus, in 3,400 folders), in code that runs once. Folders
 * come in the order of the first file with their newest time, so that a tie for a root's newest goes to the folder it
 * went to per file.
 */
export function folderBriefs(files: FilesByFolder): FileBrief[] {
  const { newestMs, firstNewest, hasWholeFile } = files.newestByFolder();
  const folders = firstNewest.length;
  // Folder numbers in the order of their first newest file: sorted as numbers (first file × folders + folder), natively.
  const order = new Float64Array(folders);
  let n = 0;
  for (let f = 0; f < folders; f++) if (firstNewest[f] !== -1) order[n++] = firstNewest[f] * folders + f;
  const briefs: FileBrief[] = [];
  for (const key of order.subarray(0, n).sort()) {
    const f = key % folders;
    briefs.push({ folder: files.folderPathOf(f), mtimeMs: newestMs[f] });
  }
  for (let f = 0; f < folders; f++) if (hasWholeFile[f]) briefs.push({ folder: files.folderPathOf(f), mtimeMs: 0, wholeFile: true });
  return briefs;
}

/** mtime of each folder (-1 when missing or unreadable). */
export async function folderMtimes(folders: readonly string[], io: 'async' | 'sync'): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  if (io === 'sync') {
    for (const folder of folders) times[folder] = statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  } else {
    const stats = await Promise.all(folders.map((folder) => fs.stat(folder).then((s) => s.mtimeMs, () => -1)));
    folders.forEach((folder, i) => (times[folder] = stats[i]));
  }
  return times;
}

/** Times for a full pass that started at `startedMs`: a folder changed since then counts as changed (-2). */
export async function folderTimesAfterPass(folders: readonly string[], startedMs: number, io: 'async' | 'sync'): Promise<FolderTimes> {
  const times = await folderMtimes(folders, io);
  for (const folder of folders) if (times[folder] >= startedMs) times[folder] = changedDuringPass;
  return { atMs: startedMs, folders: times };
}

/** Whether a warm pass may skip the walk: the last full pass is recent and no watched folder changed since. */
export async function foldersUnchanged(times: FolderTimes | undefined, nowMs: number, io: 'async' | 'sync'): Promise<boolean> {
  if (!times || nowMs - times.atMs > fullPassMaxAgeMs || nowMs < times.atMs) return false;
  const folders = Object.keys(times.folders);
  const now = await folderMtimes(folders, io);
  return folders.every((folder) => times.folders[folder] !== changedDuringPass && now[folder] === times.folders[folder]);
}

/** The files a warm pass re-reads: written in the last day, and every whole-file history. */
export function hotCursors(cursors: Iterable<FileCursor>, nowMs: number): FileCursor[] {
  return [...cursors].filter((c) => c.wholeFile !== undefined || c.mtimeMs >= nowMs - hotFileAgeMs);
}

/** A FolderTimes read back from the index, or undefined when it is not one. */
export function saneFolderTimes(value: unknown): FolderTimes | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { atMs, folders } = value as FolderTimes;
  if (!Number.isFinite(atMs) || typeof folders !== 'object' || folders === null) return undefined;
  if (!Object.values(folders).every((t) => typeof t === 'number' && Number.isFinite(t))) return undefined;
  return { atMs, folders };
}
