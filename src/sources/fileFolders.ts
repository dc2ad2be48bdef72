import { claudeFileContext, type ClaudeFileContext } from './agents/claude/paths';
import { backslashToo, grownBytes, grownU32, isSeparator, noSkip, type FileColumns } from './fileColumns';

/**
 * The file table's folders (FileTable): each stored once as UTF-8 in the columns, numbered, with the skip that makes a
 * Claude Code transcript's path give its session and agent (`folderSkip`: where the path under `projects/` starts),
 * so that those are derived from the path when asked for rather than stored per file. Works on the table's columns
 * object in place.
 */
export class FileFolders {
  private readonly strings: (string | undefined)[] = [];
  private index: Map<string, number> | undefined;
  /** The folder numberOf gave last: files come in listing order, a folder's together. */
  private last: { path: string; number: number } | undefined;
  bytesUsed: number;

  constructor(private readonly c: FileColumns) {
    this.bytesUsed = c.folderCount === 0 ? 0 : c.folderEnd[c.folderCount - 1];
  }

  /** Folder `f`'s path as stored, up to and with its last separator (one string shared by the folder's files). */
  pathOf(f: number): string {
    let s = this.strings[f];
    if (s === undefined) {
      const start = f === 0 ? 0 : this.c.folderEnd[f - 1];
      this.strings[f] = s = this.c.folders.toString('utf8', start, this.c.folderEnd[f]);
    }
    return s;
  }

  /** The number of the folder `file.slice(0, cut)` (with its separator), added if new. */
  numberOf(file: string, cut: number): number {
    // Most often the folder of the file put before: no slice, no hash.
    const last = this.last;
    if (last !== undefined && last.path.length === cut && file.startsWith(last.path)) return last.number;
    const dir = file.slice(0, cut);
    if (!this.index) {
      this.index = new Map();
      for (let f = 0; f < this.c.folderCount; f++) this.index.set(this.pathOf(f), f);
    }
    let f = this.index.get(dir);
    if (f === undefined) f = this.add(dir);
    this.last = { path: dir, number: f };
    return f;
  }

  /**
   * A Claude Code transcript's session and agent come from its path under `projects/` (claudeFileContext): the
   * folder's path less its first `folderSkip` characters, then the file name. `file` is the path of a file in folder
   * `f` (its folder then its name), which callers have at hand: cut from it, the name is not decoded again.
   */
  claudeContext(f: number, file: string): ClaudeFileContext {
    const skip = this.c.folderSkip[f];
    if (skip === noSkip) return claudeFileContext(file.slice(this.pathOf(f).length));
    const relative = file.slice(skip);
    return claudeFileContext(backslashToo ? relative.replace(/\\/g, '/') : relative);
  }

  /**
   * Sets folder `f`'s `folderSkip` to `listedFrom` if it has none, and says whether it is that: then the path gives
   * the context it was listed with (claudeFileContext of the path from `listedFrom` on), by construction.
   */
  skipsTo(f: number, listedFrom: number): boolean {
    if (this.c.folderSkip[f] === noSkip) this.c.folderSkip[f] = listedFrom;
    return this.c.folderSkip[f] === listedFrom;
  }

  /** Sets folder `f`'s `folderSkip` if it has none, and says whether the path `file` (in that folder) gives `claude`. */
  givesContext(f: number, claude: ClaudeFileContext, file: string): boolean {
    const same = (d: ClaudeFileContext) => d.project === claude.project && d.sessionId === claude.sessionId && d.agentId === claude.agentId;
    if (this.c.folderSkip[f] !== noSkip) return same(this.claudeContext(f, file));
    const folder = this.pathOf(f);
    // The project folder is the first part under `projects/`: the skip that makes the path give the project.
    const candidates = claude.project === '' ? [folder.length] : [];
    for (let at = folder.lastIndexOf(claude.project); at > 0 && claude.project !== ''; at = folder.lastIndexOf(claude.project, at - 1)) {
      if (isSeparator(folder[at - 1]) && isSeparator(folder[at + claude.project.length])) candidates.push(at);
    }
    for (const skip of candidates) {
      this.c.folderSkip[f] = skip;
      if (same(this.claudeContext(f, file))) return true;
    }
    this.c.folderSkip[f] = noSkip;
    return false;
  }

  private add(dir: string): number {
    const c = this.c;
    const f = c.folderCount;
    if (f + 1 > c.folderEnd.length) {
      const n = Math.max(64, c.folderEnd.length * 2);
      c.folderEnd = grownU32(c.folderEnd, n);
      c.folderSkip = grownU32(c.folderSkip, n);
    }
    const bytes = Buffer.byteLength(dir);
    c.folders = grownBytes(c.folders, this.bytesUsed, this.bytesUsed + bytes);
    c.folders.write(dir, this.bytesUsed);
    c.folderEnd[f] = this.bytesUsed += bytes;
    c.folderSkip[f] = noSkip;
    c.folderCount = f + 1;
    this.strings[f] = dir;
    this.index!.set(dir, f);
    return f;
  }
}
