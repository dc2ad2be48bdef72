// The per-agent sources own where their logs live; the editor lists, watches and opens what they answer.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLogRoots, logFolders, sessionLogFolder } from '../../src/sources/logFiles';

describe('log folders', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-folders-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the agents\' roots from CLAUDE_CONFIG_DIR (comma-separated) and CODEX_HOME, else the home folder', () => {
    const fromEnv = defaultLogRoots({ CLAUDE_CONFIG_DIR: `${dir}/a, ${dir}/b`, CODEX_HOME: `${dir}/c` }, '/home/x');
    assert.deepEqual(fromEnv, { claudeDirs: [`${dir}/a`, `${dir}/b`], codexDirs: [`${dir}/c`] });
    const fromHome = defaultLogRoots({}, '/home/x', { claudeDirs: ['/extra'] });
    assert.deepEqual(fromHome, { claudeDirs: ['/home/x/.config/claude', '/home/x/.claude', '/extra'], codexDirs: ['/home/x/.codex'] });
  });

  it('lists Claude\'s projects/ and Codex\'s sessions/ and archived_sessions/ for each root', () => {
    assert.deepEqual(logFolders({ claudeDirs: ['/c1', '/c2'], codexDirs: ['/x'] }), [
      { source: 'claude', dir: path.join('/c1', 'projects') },
      { source: 'claude', dir: path.join('/c2', 'projects') },
      { source: 'codex', dir: path.join('/x', 'sessions') },
      { source: 'codex', dir: path.join('/x', 'archived_sessions') },
    ]);
  });

  it('finds a session\'s project folder by its transcript or its sub-agent folder, else a Codex sessions folder', () => {
    const claude = path.join(dir, 'claude');
    const codex = path.join(dir, 'codex');
    mkdirSync(path.join(claude, 'projects', '-home-dev-a'), { recursive: true });
    mkdirSync(path.join(claude, 'projects', '-home-dev-b', 'sess-2', 'subagents'), { recursive: true });
    writeFileSync(path.join(claude, 'projects', '-home-dev-a', 'sess-1.jsonl'), '');
    const roots = { claudeDirs: [path.join(dir, 'absent'), claude], codexDirs: [codex] };
    assert.equal(sessionLogFolder(roots, 'sess-1'), path.join(claude, 'projects', '-home-dev-a'));
    assert.equal(sessionLogFolder(roots, 'sess-2'), path.join(claude, 'projects', '-home-dev-b'));
    assert.equal(sessionLogFolder(roots, 'other'), undefined);
    mkdirSync(path.join(codex, 'archived_sessions'), { recursive: true });
    assert.equal(sessionLogFolder(roots, 'other'), path.join(codex, 'archived_sessions'));
  });
});
