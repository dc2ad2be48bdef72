// A warm pass (tokenmeter status) checks a few folder times instead of listing every folder and stat-ing every file.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { folderBriefs, foldersToWatch, fullPassMaxAgeMs } from '../../src/sources/warmWalk';
import { FileTable } from '../../src/sources/fileTable';
import { newCursor } from '../../src/sources/logFiles';
import { claudeAssistantLine, codexGoodLines } from '../helpers/logLines';

const dayMs = 86_400_000;
const lineLogs = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude' || name === 'codex'])) as Record<SourceName, boolean>;

describe('warm pass: folder times instead of a walk', () => {
  let dir: string;
  let claudeDir: string;
  let codexDir: string;
  let n = 0;
  const roots = () => ({ claudeDirs: [claudeDir], codexDirs: [codexDir] });
  const scanner = (io: 'async' | 'sync') => new UsageScanner({ roots: roots(), sources: lineLogs, workers: 0, io });
  const line = () => claudeAssistantLine({ id: `m${n++}`, usage: { input: 10, output: 1, cacheWrite: 0, cacheRead: 0 }, timestamp: new Date().toISOString() }) + '\n';
  const aged = (file: string, ageMs: number) => utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
  const project = (name: string) => path.join(claudeDir, 'projects', name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-warm-'));
    claudeDir = path.join(dir, 'claude');
    codexDir = path.join(dir, 'codex');
    for (const name of ['old', 'live']) mkdirSync(project(name), { recursive: true });
    writeFileSync(path.join(project('old'), 'quiet.jsonl'), line());
    writeFileSync(path.join(project('live'), 'active.jsonl'), line());
    mkdirSync(path.join(project('old'), 'quiet', 'subagents'), { recursive: true });
    writeFileSync(path.join(project('old'), 'quiet', 'subagents', 'agent-1.jsonl'), line());
    const day = path.join(codexDir, 'sessions', '2026', '11', '19');
    mkdirSync(day, { recursive: true });
    writeFileSync(path.join(day, 'rollout-2026-11-19T10-00-00-a.jsonl'), codexGoodLines('a', [{ input: 5, cached: 0, output: 1 }]).join('\n') + '\n');
    aged(path.join(project('old'), 'quiet.jsonl'), 10 * dayMs);
    aged(path.join(project('old'), 'quiet', 'subagents', 'agent-1.jsonl'), 10 * dayMs);
    aged(path.join(day, 'rollout-2026-11-19T10-00-00-a.jsonl'), 10 * dayMs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('watches the roots, the folders just below them, and the folders above recent and newest files; not old sub-agent folders', () => {
    const s = scanner('sync');
    return s.refresh().then(() => {
      const watched = foldersToWatch(roots(), lineLogs, s.fileCursors(), Date.now()).map((f) => path.relative(dir, f));
      for (const f of ['claude/projects', 'claude/projects/old', 'claude/projects/live', 'codex/sessions', 'codex/sessions/2026', 'codex/sessions/2026/11', 'codex/sessions/2026/11/19', 'codex/archived_sessions']) {
        assert.ok(watched.includes(f), `${f} in ${watched.join(', ')}`);
      }
      assert.ok(!watched.includes('claude/projects/old/quiet/subagents'));
    });
  });

  for (const io of ['sync', 'async'] as const) {
    it(`after a restart from the index, reads appends to recent files and new files in watched folders without a walk (${io})`, async () => {
      const first = scanner(io);
      await first.refresh();
      const indexPath = path.join(dir, 'index.bin');
      await saveIndex(indexPath, first);
      const size = first.ledger.size;

      appendFileSync(path.join(project('live'), 'active.jsonl'), line());
      const warm = scanner(io);
      assert.ok(await loadIndex(indexPath, warm, { io }));
      assert.ok(warm.folderTimes, 'the index keeps the folder times');
      assert.equal(await warm.refresh({ full: true, warm: true }), true);
      assert.equal(warm.ledger.size, size + 1);
      assert.equal(warm.stats.files, 4);

      // A new session in an old project, and a new day's folder for Codex: the watched folders changed, so it walks.
      writeFileSync(path.join(project('old'), 'resumed.jsonl'), line());
      const nextDay = path.join(codexDir, 'sessions', '2026', '11', '20');
      mkdirSync(nextDay);
      writeFileSync(path.join(nextDay, 'rollout-2026-11-20T10-00-00-b.jsonl'), codexGoodLines('b', [{ input: 7, cached: 0, output: 2 }]).join('\n') + '\n');
      assert.equal(await warm.refresh({ full: true, warm: true }), true);
      assert.equal(warm.ledger.size, size + 3);
      assert.equal(warm.stats.files, 6);
    });
  }

  it('leaves an append to a file quiet for days to the next full pass, at most an hour later', async () => {
    const s = scanner('sync');
    await s.refresh();
    const size = s.ledger.size;
    const quiet = path.join(project('old'), 'quiet', 'subagents', 'agent-1.jsonl');
    appendFileSync(quiet, line());
    aged(quiet, 10 * dayMs);
    assert.equal(await s.refresh({ full: true, warm: true }), false, 'not seen by a warm pass');
    assert.equal(s.ledger.size, size);
    s.folderTimes!.atMs -= fullPassMaxAgeMs + 1;
    assert.equal(await s.refresh({ full: true, warm: true }), true, 'seen once the last full pass is an hour old');
    assert.equal(s.ledger.size, size + 1);
  });

  it('walks when a watched folder changed during the full pass that recorded it', async () => {
    const s = scanner('sync');
    await s.refresh();
    const watched = Object.keys(s.folderTimes!.folders);
    assert.ok(watched.length > 0);
    s.folderTimes!.folders[watched[0]] = -2;
    writeFileSync(path.join(project('old'), 'quiet', 'subagents', 'agent-2.jsonl'), line());
    aged(path.join(project('old'), 'quiet', 'subagents', 'agent-2.jsonl'), 10 * dayMs);
    assert.equal(await s.refresh({ full: true, warm: true }), true);
  });
});

describe('foldersToWatch, worked out once per folder', () => {
  // The per-file version it replaced (session 14), kept here as the reference.
  function perFile(roots: { claudeDirs: string[]; codexDirs: string[] }, cursors: Array<{ path: string; mtimeMs: number; wholeFile?: unknown }>, nowMs: number): string[] {
    const folders = new Set<string>();
    const rootList = [...roots.claudeDirs.map((d) => ({ root: path.join(d, 'projects'), depth: 1 })), ...roots.codexDirs.flatMap((d) => ['sessions', 'archived_sessions'].map((s) => ({ root: path.join(d, s), depth: 2 })))];
    const newestByRoot = new Map<string, { path: string; mtimeMs: number }>();
    const addAncestors = (file: string, root: string) => {
      for (let dir = path.dirname(file); dir.length > root.length && dir.startsWith(root); dir = path.dirname(dir)) folders.add(dir);
    };
    for (const { root } of rootList) folders.add(root);
    for (const cursor of cursors) {
      if (cursor.wholeFile) {
        folders.add(path.dirname(cursor.path));
        continue;
      }
      const at = rootList.find(({ root }) => cursor.path.startsWith(root + path.sep));
      if (!at) continue;
      const parts = cursor.path.slice(at.root.length + 1).split(path.sep);
      for (let level = 1; level <= at.depth && level < parts.length; level++) folders.add(path.join(at.root, ...parts.slice(0, level)));
      if (cursor.mtimeMs >= nowMs - 7 * dayMs) addAncestors(cursor.path, at.root);
      const newest = newestByRoot.get(at.root);
      if (!newest || cursor.mtimeMs > newest.mtimeMs) newestByRoot.set(at.root, cursor);
    }
    for (const [root, cursor] of newestByRoot) addAncestors(cursor.path, root);
    return [...folders].sort();
  }

  it('gives the folders the per-file version gave, from paths or from folders, on random trees', () => {
    const nowMs = Date.UTC(2026, 11, 5);
    const roots = { claudeDirs: ['/h/.claude', '/h/other'], codexDirs: ['/h/.codex'] };
    // Folders under each root (some deep), beside them, and whole-file histories' folders.
    const dirs = ['/h/.claude/projects', '/h/.claude/projects/-a', '/h/.claude/projects/-a/s1/subagents', '/h/.claude/projects/-b', '/h/.claude/projects/-b/s2/subagents/x', '/h/other/projects/-c', '/h/.codex/sessions/2026/11/19', '/h/.codex/sessions/2026/12/01', '/h/.codex/archived_sessions', '/h/.codex/archived_sessions/2025/01/02', '/h/elsewhere', '/h/.claude/projectsX/-d'];
    let seed = 19;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 300; round++) {
      const files = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => {
        const dir = dirs[Math.floor(random() * dirs.length)];
        // Ages from an hour to a month; some equal (ties for the newest), some exactly a week (the edge of recent).
        const mtimeMs = random() < 0.15 ? nowMs - 7 * dayMs : nowMs - Math.floor(random() * 6) * 5 * dayMs - 3_600_000;
        return { path: `${dir}/f${i % 7}.jsonl`, mtimeMs, wholeFile: random() < 0.1 ? true : undefined };
      });
      const expected = perFile(roots, files, nowMs);
      assert.deepEqual(foldersToWatch(roots, lineLogs, files, nowMs), expected, `round ${round}`);
      const byFolder = files.map((f) => ({ folder: f.path.slice(0, f.path.lastIndexOf('/') + 1), mtimeMs: f.mtimeMs, wholeFile: f.wholeFile }));
      assert.deepEqual(foldersToWatch(roots, lineLogs, byFolder, nowMs), expected, `round ${round}, by folder`);
    }
  });

  it('gives the same folders from one brief a folder of a file table (folderBriefs), ties for the newest included', () => {
    const nowMs = Date.UTC(2026, 11, 5);
    const roots = { claudeDirs: ['/h/.claude', '/h/other'], codexDirs: ['/h/.codex'] };
    const dirs = ['/h/.claude/projects', '/h/.claude/projects/-a', '/h/.claude/projects/-a/s1/subagents', '/h/.claude/projects/-b', '/h/.claude/projects/-b/s2/subagents/x', '/h/other/projects/-c', '/h/other/projects/-a/s1/subagents', '/h/.codex/sessions/2026/11/19', '/h/.codex/sessions/2026/12/01', '/h/.codex/archived_sessions', '/h/.codex/archived_sessions/2025/01/02', '/h/elsewhere', '/h/.claude/projectsX/-d'];
    let seed = 23;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 300; round++) {
      const cursors = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => {
        const dir = dirs[Math.floor(random() * dirs.length)];
        // Few distinct ages, so that folders often tie for a root's newest, in either order of first appearance; in
        // every other round all older than a week, where the newest alone adds its folder's ancestors.
        const mtimeMs = random() < 0.15 ? nowMs - 7 * dayMs : nowMs - ((round % 2) * 8 + Math.floor(random() * 2) * 5) * dayMs - 3_600_000;
        const cursor = random() < 0.1 ? newCursor('cline', `${dir}/f${i}.json`, `f${i}.json`) : newCursor(dir.includes('.codex') ? 'codex' : 'claude', `${dir}/f${i}.jsonl`, `f${i}.jsonl`);
        return { ...cursor, mtimeMs };
      });
      const table = FileTable.of(cursors);
      assert.deepEqual(foldersToWatch(roots, lineLogs, folderBriefs(table), nowMs), perFile(roots, cursors, nowMs), `round ${round}`);
    }
  });
});
