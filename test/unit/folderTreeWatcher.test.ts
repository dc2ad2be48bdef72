// The editor's log watcher: one watcher per folder on Linux (Node's recursive watch there keeps one per file).
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FolderTreeWatcher, watchTree } from '../../src/sources/folderTreeWatcher';

/** Resolves once `seen` holds `file`; fails after 10 s (an event that never comes), not a timing assertion. */
async function until(seen: Set<string>, file: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!seen.has(file)) {
    if (Date.now() > deadline) assert.fail(`no event for ${file}; saw ${[...seen].join(', ') || 'nothing'}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe('folder tree watcher', () => {
  let dir: string;
  let watcher: { close(): void } | undefined;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-watch-'))));
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a file appended to deep in the tree, watching folders and not files', async () => {
    const session = path.join(dir, 'projects', '-home-dev-a', 'sess-1', 'subagents');
    mkdirSync(session, { recursive: true });
    const file = path.join(session, 'agent-1.jsonl');
    writeFileSync(file, '{}\n');
    writeFileSync(path.join(dir, 'projects', '-home-dev-a', 'sess-1.jsonl'), '{}\n');
    const seen = new Set<string>();
    const tree = new FolderTreeWatcher((f) => seen.add(f), (folder, error) => assert.fail(`${folder}: ${String(error)}`));
    watcher = tree;
    await tree.add(path.join(dir, 'projects'));
    // projects, -home-dev-a, sess-1, subagents: four folders, however many files.
    assert.equal(tree.folderCount, 4);
    assert.equal(seen.size, 0, 'files already there are not reported as new');
    appendFileSync(file, '{"more":1}\n');
    await until(seen, file);
  });

  it('watches a folder made after it started, and reports the files written in it before its watch began', async () => {
    const root = path.join(dir, 'sessions');
    mkdirSync(root);
    const seen = new Set<string>();
    const tree = new FolderTreeWatcher((f) => seen.add(f), (folder, error) => assert.fail(`${folder}: ${String(error)}`));
    watcher = tree;
    await tree.add(root);
    const day = path.join(root, '2026', '12', '05');
    mkdirSync(day, { recursive: true });
    const first = path.join(day, 'rollout-1.jsonl');
    writeFileSync(first, '{}\n');
    await until(seen, first);
    const second = path.join(day, 'rollout-2.jsonl');
    writeFileSync(second, '{}\n');
    await until(seen, second);
    assert.equal(tree.folderCount, 4);
  });

  it('stops watching a removed folder and what was below it', async () => {
    const root = path.join(dir, 'projects');
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    const seen = new Set<string>();
    const tree = new FolderTreeWatcher((f) => seen.add(f), () => undefined);
    watcher = tree;
    await tree.add(root);
    assert.equal(tree.folderCount, 3);
    rmSync(path.join(root, 'a'), { recursive: true });
    await until(seen, path.join(root, 'a'));
    const watched = () => tree.folderCount;
    const deadline = Date.now() + 10_000;
    while (watched() !== 1 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    assert.equal(watched(), 1);
  });

  it('rejects when the folder to watch does not exist (the editor then polls)', async () => {
    await assert.rejects(watchTree(path.join(dir, 'absent'), () => undefined, () => undefined, 'linux'));
  });

  it('uses Node\'s recursive watch where the system watches trees natively', async () => {
    const root = path.join(dir, 'projects');
    mkdirSync(path.join(root, 'a'), { recursive: true });
    const file = path.join(root, 'a', 'x.jsonl');
    writeFileSync(file, '');
    const seen = new Set<string>();
    watcher = await watchTree(root, (f) => seen.add(f), () => undefined, 'darwin');
    assert.ok(!(watcher instanceof FolderTreeWatcher));
    appendFileSync(file, '{}\n');
    await until(seen, file);
  });

  it('past the system\'s limit on watches, says so once and tries no more folders', async () => {
    for (let i = 0; i < 6; i++) mkdirSync(path.join(dir, `project-${i}`, 'subagents'), { recursive: true });
    let attempts = 0;
    // The root and two folders get a watch; then the system refuses, as inotify does at max_user_watches.
    const limited = ((...args: Parameters<typeof watch>) => {
      if (++attempts > 3) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
      return watch(...args);
    }) as typeof watch;
    const errors: string[] = [];
    const tree = new FolderTreeWatcher(() => undefined, (folder) => errors.push(folder), limited);
    watcher = tree;
    await tree.add(dir);
    assert.equal(tree.folderCount, 3);
    assert.equal(errors.length, 1, `one report, not one per folder: ${errors.join(', ')}`);
    assert.equal(attempts, 4);
  });
});
