// File-system faults on real temp folders: logs truncated, rewritten, rotated, deleted and recreated,
// appended to while a scan runs, unreadable folders, symlink loops, many files. After the dust settles
// (one more full refresh) the scanner's totals must equal a fresh scan of what is on disk.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine, codexGoodLines, joinLines, ledgerTotals } from '../helpers/logLines';
import { chmodDenies, freshScan, makeTempRoots, type TempRoots } from '../helpers/scanFolders';

const runs = Number(process.env.TOKENMETER_FS_RUNS) || 40;

type Op =
  | { kind: 'append'; file: number; lines: number; garbage: boolean }
  | { kind: 'appendTorn'; file: number }
  | { kind: 'truncate'; file: number; keepShare: number }
  | { kind: 'rewrite'; file: number; lines: number }
  | { kind: 'rotate'; file: number; keepAsLog: boolean }
  | { kind: 'delete'; file: number }
  | { kind: 'refresh'; full: boolean; wait: boolean };

const fileArb = fc.nat({ max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), file: fileArb, lines: fc.integer({ min: 1, max: 4 }), garbage: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('appendTorn' as const), file: fileArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fileArb, keepShare: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), file: fileArb, lines: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rotate' as const), file: fileArb, keepAsLog: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fileArb }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('refresh' as const), full: fc.boolean(), wait: fc.boolean() }) },
);

/** Applies random file operations with refreshes in between (some left running while the next operations happen). */
class Workload {
  private nextId = 0;
  private rotations = 0;
  /** The rest of a line whose first half was written (a writer caught mid-write). */
  private readonly tornTails = new Map<number, string>();
  readonly inFlight: Promise<unknown>[] = [];

  constructor(private readonly t: TempRoots, private readonly scanner: UsageScanner) {}

  private pathOf(file: number): string {
    return path.join(this.t.claudeProject, `session-${file}.jsonl`);
  }

  private goodLines(n: number): string[] {
    return Array.from({ length: n }, () => {
      const id = this.nextId++;
      return claudeAssistantLine({ id: `w${id}`, usage: { input: id + 1, output: 2 * id + 1, cacheWrite: id % 7, cacheRead: id % 11 }, timestamp: new Date(Date.UTC(2025, 8, 1) + id * 1000).toISOString() });
    });
  }

  async apply(op: Op): Promise<void> {
    const file = 'file' in op ? this.pathOf(op.file) : '';
    switch (op.kind) {
      case 'append': {
        const tail = this.tornTails.get(op.file) ?? '';
        this.tornTails.delete(op.file);
        const lines: (string | Buffer)[] = this.goodLines(op.lines);
        if (op.garbage) lines.splice(1, 0, Buffer.from([0x7b, 0xff, 0x22, 0x7d]));
        await fs.appendFile(file, Buffer.concat([Buffer.from(tail), joinLines(lines)]));
        break;
      }
      case 'appendTorn': {
        if (this.tornTails.has(op.file)) return;
        const [line] = this.goodLines(1);
        const cut = Math.floor(line.length / 2);
        await fs.appendFile(file, line.slice(0, cut));
        this.tornTails.set(op.file, `${line.slice(cut)}\n`);
        break;
      }
      case 'truncate': {
        this.tornTails.delete(op.file);
        const size = await fs.stat(file).then((s) => s.size, () => -1);
        if (size < 0) return;
        await fs.truncate(file, Math.floor(size * op.keepShare));
        break;
      }
      case 'rewrite':
        this.tornTails.delete(op.file);
        await fs.writeFile(file, joinLines(this.goodLines(op.lines)));
        break;
      case 'rotate': {
        this.tornTails.delete(op.file);
        const rotated = op.keepAsLog ? path.join(this.t.claudeProject, `archived-${this.rotations++}.jsonl`) : `${file}.${this.rotations++}.gz`;
        const moved = await fs.rename(file, rotated).then(() => true, () => false);
        if (moved) await fs.writeFile(file, joinLines(this.goodLines(2)));
        break;
      }
      case 'delete':
        this.tornTails.delete(op.file);
        await fs.rm(file, { force: true });
        break;
      case 'refresh': {
        const pass = this.scanner.refresh({ full: op.full });
        if (op.wait) await pass;
        else this.inFlight.push(pass);
        break;
      }
    }
  }
}

async function settle(scanner: UsageScanner, inFlight: Promise<unknown>[]): Promise<void> {
  await Promise.all(inFlight);
  await scanner.refresh({ full: true });
}

describe('file-system faults: totals after the dust settles equal a fresh scan', () => {
  let t: TempRoots;
  beforeEach(async () => {
    t = await makeTempRoots();
  });
  afterEach(() => t.cleanup());

  it('random appends, torn writes, truncations, rewrites, rotations and deletions, with scans running in between', async () => {
    let faults = 0;
    let operations = 0;
    let refreshes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        await fs.rm(t.claudeProject, { recursive: true, force: true });
        await fs.mkdir(t.claudeProject, { recursive: true });
        const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
        const workload = new Workload(t, scanner);
        for (const op of ops) {
          await workload.apply(op);
          operations++;
          if (op.kind === 'refresh') refreshes++;
          else if (op.kind !== 'append') faults++;
        }
        await settle(scanner, workload.inFlight);
        const fresh = await freshScan(t.roots);
        assert.deepEqual(ledgerTotals(scanner.ledger), fresh.totals);
        assert.equal(scanner.stats.files, fresh.files);
      }),
      { numRuns: runs },
    );
    assert.ok(faults > 0);
    process.stdout.write(`      (${runs} sequences, ${operations} operations, ${faults} faults injected, ${refreshes} refreshes; totals equal a fresh scan every time)\n`);
  });

  it('a file deleted and recreated with more bytes than were read is re-read from its start', async () => {
    const file = path.join(t.claudeProject, 'session-a.jsonl');
    await fs.writeFile(file, joinLines([claudeAssistantLine({ id: 'a1', usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } })]));
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    await scanner.refresh({ full: true });
    await fs.rm(file);
    const replacement = [2, 3, 4].map((n) => claudeAssistantLine({ id: `b${n}`, usage: { input: n * 100, output: n, cacheWrite: 0, cacheRead: 0 } }));
    await fs.writeFile(file, joinLines(replacement));
    await scanner.refresh({ full: true });
    assert.deepEqual(ledgerTotals(scanner.ledger), (await freshScan(t.roots)).totals);
  });

  it('a log appended to while a scan is reading it loses nothing', async () => {
    const files = Array.from({ length: 20 }, (_, i) => path.join(t.claudeProject, `busy-${i}.jsonl`));
    let id = 0;
    const more = (n: number) => joinLines(Array.from({ length: n }, () => claudeAssistantLine({ id: `busy${id++}`, usage: { input: 10, output: 3, cacheWrite: 1, cacheRead: 2 } })));
    for (const f of files) await fs.writeFile(f, more(200));
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    for (let round = 0; round < 5; round++) {
      const pass = scanner.refresh({ full: round % 2 === 0 });
      // Append to every file while the pass is under way, half of them with a line cut in two.
      const writers = files.map(async (f, i) => {
        await new Promise((r) => setImmediate(r));
        const bytes = more(20);
        if (i % 2 === 0) {
          await fs.appendFile(f, bytes.subarray(0, bytes.length - 30));
          await fs.appendFile(f, bytes.subarray(bytes.length - 30));
        } else await fs.appendFile(f, bytes);
      });
      await Promise.all([pass, ...writers]);
    }
    await scanner.refresh({ full: true });
    const fresh = await freshScan(t.roots);
    assert.deepEqual(ledgerTotals(scanner.ledger), fresh.totals);
    assert.equal(fresh.totals.events, id);
  });

  it('a Codex rollout truncated and regrown mid-session ends with the totals of a fresh scan', async () => {
    const file = path.join(t.codexDay, 'rollout-2025-09-01T10-00-00-0199a0aa-1111-2222-3333-444455556666.jsonl');
    const turns = Array.from({ length: 6 }, (_, i) => ({ input: 1000 * (i + 1), cached: 100 * i, output: 50 + i }));
    const lines = codexGoodLines('0199a0aa-1111-2222-3333-444455556666', turns);
    await fs.writeFile(file, joinLines(lines.slice(0, 5)));
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    await scanner.refresh({ full: true });
    await fs.truncate(file, 10);
    await scanner.refresh({ full: false, changedPaths: [file] });
    await fs.writeFile(file, joinLines(lines));
    await scanner.refresh({ full: false, changedPaths: [file] });
    await scanner.refresh({ full: true });
    const fresh = await freshScan(t.roots);
    assert.deepEqual(ledgerTotals(scanner.ledger), fresh.totals);
    assert.equal(fresh.totals.output, turns.reduce((n, x) => n + x.output, 0));
  });

  it('an unreadable folder is skipped and the others are still read', async () => {
    const good = path.join(t.claudeProject, 'ok.jsonl');
    await fs.writeFile(good, joinLines([claudeAssistantLine({ id: 'ok', usage: { input: 7, output: 5, cacheWrite: 0, cacheRead: 0 } })]));
    const projects = path.dirname(t.claudeProject);
    // Tests run as root in CI, and chmod does not deny root. So besides chmod 000 (when it denies),
    // make folders unreadable in ways that hold for root too: a dangling symlink and a symlink to
    // itself (ELOOP) where a project folder should be, a file where a folder is expected, and a
    // second Claude root whose `projects` is a file.
    await fs.symlink(path.join(t.base, 'nowhere'), path.join(projects, '-dangling'));
    await fs.symlink(path.join(projects, '-self'), path.join(projects, '-self'));
    await fs.writeFile(path.join(projects, '-a-file-not-a-folder'), 'not a folder');
    const brokenRoot = path.join(t.base, 'claude-broken');
    await fs.mkdir(brokenRoot);
    await fs.writeFile(path.join(brokenRoot, 'projects'), '');
    let denied: string | undefined;
    if (chmodDenies()) {
      denied = path.join(projects, '-locked');
      await fs.mkdir(denied);
      await fs.writeFile(path.join(denied, 'hidden.jsonl'), joinLines([claudeAssistantLine({ id: 'hidden', usage: { input: 1000, output: 1000, cacheWrite: 0, cacheRead: 0 } })]));
      await fs.chmod(denied, 0o000);
    }
    try {
      const scanner = new UsageScanner({ roots: { ...t.roots, claudeDirs: [...t.roots.claudeDirs, brokenRoot] }, workers: 0 });
      await scanner.refresh({ full: true });
      assert.deepEqual(ledgerTotals(scanner.ledger), { events: 1, input: 7, output: 5, cacheWrite: 0, cacheRead: 0 });
      if (denied) assert.ok(scanner.stats.problems.some((p) => p.path === denied && p.reason === 'EACCES'), JSON.stringify(scanner.stats.problems));
    } finally {
      if (denied) await fs.chmod(denied, 0o755);
    }
  });

  it('a folder made unreadable between two scans is reported, and its lines come back when it is readable again', async () => {
    // As root chmod cannot deny, so the folder is swapped for a dangling symlink (same effect: the walk cannot enter it).
    const sub = path.join(t.claudeProject, 'session-x', 'subagents');
    await fs.mkdir(sub, { recursive: true });
    await fs.writeFile(path.join(sub, 'agent-1.jsonl'), joinLines([claudeAssistantLine({ id: 'sa', usage: { input: 3, output: 3, cacheWrite: 0, cacheRead: 0 } })]));
    await fs.writeFile(path.join(t.claudeProject, 'main.jsonl'), joinLines([claudeAssistantLine({ id: 'm', usage: { input: 5, output: 5, cacheWrite: 0, cacheRead: 0 } })]));
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    await scanner.refresh({ full: true });
    assert.equal(ledgerTotals(scanner.ledger).input, 8);
    const hidden = path.join(t.base, 'hidden-subagents');
    await fs.rename(sub, hidden);
    await fs.symlink(path.join(t.base, 'nowhere'), sub);
    await scanner.refresh({ full: true });
    assert.deepEqual(ledgerTotals(scanner.ledger), (await freshScan(t.roots)).totals);
    assert.equal(ledgerTotals(scanner.ledger).input, 5);
    await fs.rm(sub);
    await fs.rename(hidden, sub);
    await scanner.refresh({ full: true });
    assert.equal(ledgerTotals(scanner.ledger).input, 8);
  });

  it('a symlink loop is walked once: no file counted twice, the scan ends', async () => {
    const deep = path.join(t.claudeProject, 'session-l', 'subagents');
    await fs.mkdir(deep, { recursive: true });
    await fs.writeFile(path.join(deep, 'agent-l.jsonl'), joinLines([claudeAssistantLine({ id: 'l', usage: { input: 9, output: 9, cacheWrite: 0, cacheRead: 0 } })]));
    await fs.symlink(path.dirname(t.claudeProject), path.join(deep, 'back-to-projects'));
    await fs.symlink(deep, path.join(t.claudeProject, 'shortcut'));
    const projectsAlias = path.join(path.dirname(path.dirname(t.claudeProject)), 'projects-alias');
    await fs.symlink(path.dirname(t.claudeProject), projectsAlias);
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    await scanner.refresh({ full: true });
    assert.deepEqual(ledgerTotals(scanner.ledger), { events: 1, input: 9, output: 9, cacheWrite: 0, cacheRead: 0 });
    assert.equal(scanner.stats.files, 1);
  });

  it('reads a folder of 10,000 log files (100,000 in the stress suite)', async function () {
    this.timeout(60_000);
    const count = 10_000;
    const line = Buffer.from(`${claudeAssistantLine({ id: 'same-for-all', usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`);
    const uniqueLine = (i: number) => Buffer.from(`${claudeAssistantLine({ id: `u${i}`, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`);
    const started = Date.now();
    for (let i = 0; i < count; i++) await fs.writeFile(path.join(t.claudeProject, `s${i}.jsonl`), i % 10 === 0 ? uniqueLine(i) : i % 10 === 1 ? line : '');
    const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    await scanner.refresh({ full: true });
    assert.equal(scanner.stats.files, count);
    assert.equal(ledgerTotals(scanner.ledger).events, count / 10 + 1);
    assert.ok(Date.now() - started < 55_000);
  });
});
