import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/**
 * Watches a folder and every folder below it for files written, created or removed, calling `onPath` with the
 * file's path. Node's own `fs.watch(dir, { recursive: true })` on Linux (Node 20-22) is a JavaScript emulation that
 * lists and `statSync`s every file of the tree on the calling thread and keeps a watcher, a Stats and its four
 * Dates for every file: ~5 MB in the editor's extension host for a real 1.5 GB history (2,259 files in 1,348
 * folders; docs/benchmarks.md, extension host memory, session 10). inotify reports a folder's files on the folder's
 * own watch, so here each folder has one watcher and files none; the tree is listed asynchronously. Other systems
 * watch a tree natively (FSEvents, ReadDirectoryChangesW): `watchTree` uses Node's recursive watch there.
 */
export class FolderTreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;
  /** The system refused a watch for want of watches or descriptors: said once, no more folders tried (see addBranch). */
  private outOfWatches = false;

  constructor(
    private readonly onPath: (file: string) => void,
    private readonly onError: (folder: string, error: unknown) => void,
    private readonly watchFolderOnce: typeof watch = watch,
  ) {}

  /** Starts watching `root` and the folders below it; resolves once they are all watched. Throws when `root` cannot be watched. */
  async add(root: string): Promise<void> {
    this.watchFolder(root);
    await this.addBelow(root, false);
  }

  /** Watches the folders below `folder` (listed now); with `announce`, also reports the files found (they are new). */
  private async addBelow(folder: string, announce: boolean): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      return; // removed meanwhile, or unreadable: nothing below it to watch
    }
    const below: string[] = [];
    for (const entry of entries) {
      const child = path.join(folder, entry.name);
      if (entry.isDirectory()) below.push(child);
      else if (announce) this.onPath(child);
    }
    for (const child of below) await this.addBranch(child, announce);
  }

  /** Watches `folder` and the folders below it, unless it is watched already; a folder that cannot be watched is reported. */
  private async addBranch(folder: string, announce: boolean): Promise<void> {
    if (this.closed || this.outOfWatches || this.watchers.has(folder)) return;
    try {
      this.watchFolder(folder);
    } catch (error) {
      // Past the system's limit (inotify's max_user_watches: ENOSPC; descriptors: EMFILE/ENFILE) every further folder
      // would fail the same way: one report, not one per folder. The editor's poll of recent files covers the rest.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE') this.outOfWatches = true;
      this.onError(folder, error);
      return;
    }
    await this.addBelow(folder, announce);
  }

  private watchFolder(folder: string): void {
    if (this.closed || this.watchers.has(folder)) return;
    const watcher = this.watchFolderOnce(folder, { persistent: false }, (event, name) => {
      if (!name) return;
      const changed = path.join(folder, name.toString());
      this.onPath(changed);
      // A new name may be a folder (watch it and what was written in it before its watch) or a removed one.
      if (event === 'rename') void this.renamed(changed);
    });
    watcher.on('error', (error) => {
      this.forget(folder);
      // A folder removed is not an error to report; its parent's watch says it went.
      void fs.stat(folder).then(() => this.onError(folder, error), () => undefined);
    });
    this.watchers.set(folder, watcher);
  }

  private async renamed(changed: string): Promise<void> {
    const isFolder = await fs.stat(changed).then((s) => s.isDirectory(), () => undefined);
    if (isFolder === undefined) {
      for (const folder of [...this.watchers.keys()]) if (folder === changed || folder.startsWith(changed + path.sep)) this.forget(folder);
    } else if (isFolder) {
      await this.addBranch(changed, true);
    }
  }

  private forget(folder: string): void {
    this.watchers.get(folder)?.close();
    this.watchers.delete(folder);
  }

  /** Folders watched now (for tests). */
  get folderCount(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/**
 * Watches `root` and everything below it: Node's native recursive watch where the system has one, a
 * FolderTreeWatcher on Linux. Resolves to something to close; rejects when `root` cannot be watched.
 */
export async function watchTree(root: string, onPath: (file: string) => void, onError: (folder: string, error: unknown) => void, platform = process.platform): Promise<{ close(): void }> {
  if (platform !== 'linux') {
    const watcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
      if (name) onPath(path.join(root, name.toString()));
    });
    watcher.on('error', (error) => onError(root, error));
    return watcher;
  }
  const tree = new FolderTreeWatcher(onPath, onError);
  try {
    await tree.add(root);
  } catch (error) {
    tree.close();
    throw error;
  }
  return tree;
}
