// Issue 17 items 8 and 9: the folder walk is bounded (no /proc, no walk of the whole disk through a
// link to `/`, depth and entry limits), and what cannot be read is reported, not skipped silently.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findLogFiles, listFilesIn, MAX_WALK_DEPTH, type WalkProblem } from '../../src/sources/boundedWalk';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine, ledgerTotals } from '../helpers/logLines';
import { makeTempRoots, type TempRoots } from '../helpers/scanFolders';

const good = (id: string) => `${claudeAssistantLine({ id, usage: { input: 100, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`;

describe('bounded folder walk (issue 17 #8)', function () {
  this.timeout(20_000);
  let t: TempRoots;
  beforeEach(async () => {
    t = await makeTempRoots('tokenmeter-walk-');
    await fs.writeFile(path.join(t.claudeProject, 's.jsonl'), good('a'));
  });
  afterEach(() => t.cleanup());
  const projects = () => path.dirname(t.claudeProject);

  for (const io of ['async', 'sync'] as const) {
    it(`does not walk a link to /proc, and says so (${io})`, async () => {
      await fs.symlink('/proc', path.join(projects(), 'proc'));
      const started = Date.now();
      const s = new UsageScanner({ roots: t.roots, workers: 0, io });
      await s.refresh({ full: true });
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
      assert.equal(ledgerTotals(s.ledger).events, 1);
      assert.ok(s.stats.problems.some((p) => p.path.endsWith('proc') && /system folder/.test(p.reason)), JSON.stringify(s.stats.problems));
      assert.equal(s.skipped().notWalked, 1);
    });

    it(`does not walk the whole disk through a link to / (${io})`, async () => {
      await fs.symlink('/', path.join(projects(), 'root'));
      const problems: WalkProblem[] = [];
      const started = Date.now();
      const files = await findLogFiles(projects(), (rel) => rel.endsWith('.jsonl'), problems, io);
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
      assert.deepEqual(files, [path.join(t.claudeProject, 's.jsonl')]);
    });
  }

  for (const io of ['async', 'sync'] as const) {
    it(`lists a folder's files past links in a loop, to nowhere or to a folder, and keeps a link to a file (${io})`, async () => {
      const dir = path.join(t.base, 'shallow');
      await fs.mkdir(path.join(dir, 'sub.json'), { recursive: true });
      await fs.writeFile(path.join(dir, 'a.json'), '{}');
      await fs.symlink(path.join(dir, 'loop.json'), path.join(dir, 'loop.json'));
      await fs.symlink(path.join(dir, 'missing'), path.join(dir, 'dangling.json'));
      await fs.symlink(path.join(dir, 'sub.json'), path.join(dir, 'folder.json'));
      await fs.symlink(path.join(dir, 'a.json'), path.join(dir, 'linked.json'));
      const files = await listFilesIn(dir, (name) => name.endsWith('.json'), [], io);
      assert.deepEqual(files.map((f) => path.basename(f)).sort(), ['a.json', 'linked.json']);
    });
  }

  it('still walks a linked folder outside the root that holds logs (dotfiles), once', async () => {
    const elsewhere = path.join(t.base, 'elsewhere', '-home-dev-other');
    await fs.mkdir(path.join(elsewhere, 'sess', 'subagents'), { recursive: true });
    await fs.writeFile(path.join(elsewhere, 'sess', 'subagents', 'agent-1.jsonl'), good('b'));
    await fs.symlink(elsewhere, path.join(projects(), '-home-dev-other'));
    await fs.symlink(elsewhere, path.join(projects(), 'again'));
    const files = await findLogFiles(projects(), (rel) => rel.endsWith('.jsonl'), [], 'async');
    assert.equal(files.length, 2, files.join('\n'));
  });

  it('the blocking listing finds what the walk finds, in the order of Node\'s recursive listing (folders breadth first)', async () => {
    const root = projects();
    const made: string[] = [];
    for (const [dir, name] of [['-home-dev-b', 'x.jsonl'], ['-home-dev-b/s1/subagents', 'agent-1.jsonl'], ['-home-dev-b/s1/subagents', 'agent-2.jsonl'], ['-home-dev-a/s2/subagents/deeper', 'agent-3.jsonl'], ['-home-dev-a', 'y.jsonl'], ['-home-dev-a/s3', 'agent-4.jsonl'], ['-home-dev-a/s2', 'z.jsonl'], ['-home-dev-a', 'notes.txt'], ['', 'top.jsonl']]) {
      await fs.mkdir(path.join(root, dir), { recursive: true });
      await fs.writeFile(path.join(root, dir, name), good(name));
      made.push(path.join(root, dir, name));
    }
    const accept = (rel: string) => rel.endsWith('.jsonl') && !rel.includes('\\');
    const parts: string[][] = [];
    const problems: WalkProblem[] = [];
    const listed = await findLogFiles(root, accept, problems, 'sync', (part) => parts.push(part));
    const walked = await findLogFiles(root, accept, [], 'async');
    assert.deepEqual([...listed].sort(), [...walked].sort());
    assert.deepEqual([...listed].sort(), made.filter((f) => f.endsWith('.jsonl')).concat(path.join(t.claudeProject, 's.jsonl')).sort());
    assert.deepEqual(problems, []);
    // The root's own files first, then one part per top-level folder, each in the order `recursive: true` lists it.
    const { readdirSync } = await import('node:fs');
    const expected = [readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(root, e.name)).filter((f) => accept(path.relative(root, f)))];
    for (const e of readdirSync(root, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      expected.push(readdirSync(path.join(root, e.name), { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name)).filter((f) => accept(path.relative(root, f))));
    }
    assert.deepEqual(parts, expected);
    assert.deepEqual(listed, expected.flat());
  });

  it(`stops ${MAX_WALK_DEPTH} folders down and reports it, also when listing blocking`, async () => {
    let deep = t.claudeProject;
    for (let i = 0; i < MAX_WALK_DEPTH + 2; i++) deep = path.join(deep, `d${i}`);
    await fs.mkdir(deep, { recursive: true });
    await fs.writeFile(path.join(deep, 'deep.jsonl'), good('deep'));
    const problems: WalkProblem[] = [];
    const files = await findLogFiles(projects(), (rel) => rel.endsWith('.jsonl'), problems, 'sync');
    assert.deepEqual(files, [path.join(t.claudeProject, 's.jsonl')]);
    assert.ok(problems.some((p) => /deeper than 16 folders/.test(p.reason)), JSON.stringify(problems));
  });

  it(`stops ${MAX_WALK_DEPTH} folders down and reports it`, async () => {
    let deep = t.claudeProject;
    for (let i = 0; i < MAX_WALK_DEPTH + 2; i++) deep = path.join(deep, `d${i}`);
    await fs.mkdir(deep, { recursive: true });
    await fs.writeFile(path.join(deep, 'deep.jsonl'), good('deep'));
    await fs.symlink(t.claudeProject, path.join(projects(), 'link')); // forces the walk, not the one-call listing
    const problems: WalkProblem[] = [];
    const files = await findLogFiles(projects(), (rel) => rel.endsWith('.jsonl'), problems, 'async');
    assert.deepEqual(files, [path.join(t.claudeProject, 's.jsonl')]);
    assert.ok(problems.some((p) => /deeper than 16 folders/.test(p.reason)), JSON.stringify(problems));
  });
});

describe('unreadable files and folders are reported (issue 17 #9)', () => {
  it('counts unreadable files and folders, over-long lines and folders not walked; a vanished file is not a problem', () => {
    const s = new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, workers: 0 });
    s.stats.problems = [{ path: '/logs/secret', reason: 'EACCES' }, { path: '/logs/proc', reason: 'links to /proc, a system folder; not walked' }];
    s.stats.failedFiles = [{ path: '/logs/a.jsonl', reason: 'EACCES' }, { path: '/logs/gone.jsonl', reason: 'ENOENT' }];
    s.restore(s.ledger, [{ path: '/logs/b.jsonl', source: 'claude', size: 9, mtimeMs: 1, offset: 9, longLines: [1234] }]);
    const skipped = s.skipped();
    assert.deepEqual({ ...skipped, details: skipped.details.length }, { unreadable: 2, overlongLines: 1, notWalked: 1, details: 4 });
    assert.ok(skipped.details.some((d) => d.path === '/logs/b.jsonl' && /over 64 MB at byte 1234/.test(d.reason)));
    assert.ok(skipped.details.some((d) => d.path === '/logs/a.jsonl' && /could not be read \(EACCES\)/.test(d.reason)));
  });
});
