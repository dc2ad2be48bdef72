// The per-file state as columns (sources/fileTable.ts) and its section in the index (fileTableFile.ts, layout 5):
// round trips, lookups, the codex summary, damage and old layouts refused with a message, and a warm run over the
// small bench corpus equal to a cold scan.
import { strict as assert } from 'node:assert';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { mergeCodexLimits, newestCodexCredits } from '../../src/core/codexRateLimits';
import { generateCorpusDir } from '../../bench/generateCorpus.mjs';
import { claudeFileContext } from '../../src/sources/agents/claude/paths';
import { FileTable } from '../../src/sources/fileTable';
import { decodeFileTable, encodeFileTable, FileTableError } from '../../src/sources/fileTableFile';
import type { FileCursor } from '../../src/sources/logFiles';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { ledgerTotals } from '../helpers/logLines';

const sep = path.sep;
const root = `${sep}home${sep}dev${sep}.claude${sep}projects`;

/** Cursors of every shape a scan makes: Claude transcripts in each layout, Codex rollouts with state, whole files. */
const cursorArb: fc.Arbitrary<FileCursor> = fc
  .record({
    kind: fc.constantFrom('session', 'agent', 'subagent', 'atRoot', 'odd', 'codex', 'whole'),
    project: fc.constantFrom('-home-dev-repo', '-home-dev-ünï', 'p'),
    id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    size: fc.nat(1e9),
    mtimeMs: fc.nat(2e12),
    read: fc.double({ min: 0, max: 1, noNaN: true }),
    fingerprint: fc.option(fc.nat(2 ** 40), { nil: undefined }),
    longLines: fc.option(fc.array(fc.nat(1e6), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    limits: fc.array(fc.record({ used: fc.double({ min: 0, max: 100, noNaN: true }), at: fc.nat(1e12), name: fc.constantFrom('primary', 'secondary') }), { maxLength: 3 }),
  })
  .map(({ kind, project, id, size, mtimeMs, read, fingerprint, longLines, limits }) => {
    const offset = Math.floor(size * read);
    const base = { size, mtimeMs, offset, fingerprint: offset > 0 ? fingerprint : undefined };
    let cursor: FileCursor;
    if (kind === 'codex') {
      const rateLimits = limits.map((l) => ({ name: l.name as 'primary' | 'secondary', usedPercent: l.used, windowMinutes: 300, resetsAtMs: l.at + 1000, observedAtMs: l.at }));
      cursor = { path: `${sep}c${sep}sessions${sep}2026${sep}11${sep}rollout-${id}.jsonl`, source: 'codex', ...base, codex: { sessionId: id, project: '/r', model: 'gpt-5', lastTotals: { input: 5, cached: 1, output: 2, total: 7 }, rateLimits, credits: limits[0] ? { hasCredits: true, unlimited: false, balance: 3, observedAtMs: limits[0].at } : undefined } };
    } else if (kind === 'whole') cursor = { path: `${sep}x${sep}${id}.json`, source: 'cline', ...base, wholeFile: { relativePath: `t/${id}.json`, signature: `${size}:${mtimeMs}` } };
    else {
      // 'odd': a context the path does not give (kept as is), on a path no other kind makes ('_' is not in ids): within
      // one index (one per set of roots) a path's context never changes, so the same path must not come with another.
      const rel = { session: `${project}/${id}.jsonl`, agent: `${project}/agent-${id}.jsonl`, subagent: `${project}/s-${id}/subagents/agent-${id}.jsonl`, atRoot: `${id}.jsonl`, odd: `${project}/odd_${id}.jsonl` }[kind];
      const claude = kind === 'odd' ? { project: 'elsewhere', sessionId: 'x', agentId: '' } : claudeFileContext(rel);
      cursor = { path: root + sep + rel.split('/').join(sep), source: 'claude', ...base, claude };
    }
    if (longLines) cursor.longLines = longLines;
    return cursor;
  });

/** Cursors with distinct paths (the last state of a path wins, as in a scanner). */
const cursorsArb = fc.array(cursorArb, { maxLength: 40 }).map((cs) => [...new Map(cs.map((c) => [c.path, c])).values()]);

const plain = (c: FileCursor) => JSON.parse(JSON.stringify(c)) as object;
const roundTrip = (table: FileTable) => {
  const { header, pieces } = encodeFileTable(table);
  const section = new Uint8Array(new ArrayBuffer(pieces.reduce((n, p) => n + p.length, 0)));
  let at = 0;
  for (const p of pieces) section.set(p, (at += p.length) - p.length);
  return { header, section, table: () => decodeFileTable(JSON.parse(JSON.stringify(header)), section.slice()) };
};

describe('file table: per-file state as columns', () => {
  it('gives back every cursor as it was put, after a round trip through its section', () => {
    fc.assert(
      fc.property(cursorsArb, (cursors) => {
        const back = roundTrip(FileTable.of(cursors)).table();
        assert.equal(back.size, cursors.length);
        assert.deepEqual([...back.cursors()].map(plain), cursors.map(plain));
        for (const c of cursors) assert.deepEqual(plain(back.get(c.path)!), plain(c));
        assert.equal(back.get(`${root}${sep}missing.jsonl`), undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('takes new files and new states after a round trip, and saves them again', () => {
    fc.assert(
      fc.property(cursorsArb, cursorsArb, (first, second) => {
        const table = roundTrip(FileTable.of(first)).table();
        for (const c of second) table.put(c);
        const expected = new Map(first.map((c) => [c.path, c]));
        for (const c of second) expected.set(c.path, c);
        const again = roundTrip(table).table();
        assert.deepEqual([...again.cursors()].map(plain), [...expected.values()].map(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('answers bytes read, files written since and files with long lines as the columns say, however the calls and changes interleave', () => {
    fc.assert(
      fc.property(cursorsArb, cursorsArb, fc.array(fc.constantFrom('since', 'bytes', 'long'), { maxLength: 6 }), fc.nat(2e12), (first, second, calls, sinceMs) => {
        const table = roundTrip(FileTable.of(first)).table();
        const now = new Map(first.map((c) => [c.path, c]));
        const check = () => {
          const all = [...now.values()];
          assert.equal(table.bytesRead(), all.reduce((n, c) => n + c.offset, 0));
          // A caller's changes to the list it was given do not reach the next caller.
          table.withLongLines().push(-1);
          assert.deepEqual(table.withLongLines().map((i) => table.pathAt(i)), all.filter((c) => c.longLines).map((c) => c.path));
          assert.deepEqual(table.writtenSince(sinceMs, true).map((i) => table.pathAt(i)), all.filter((c) => c.mtimeMs >= sinceMs || c.wholeFile).map((c) => c.path));
        };
        // Asked before, between and after changes (a warm pass asks for the files written since first, then the rest).
        for (const [k, c] of second.entries()) {
          const call = calls[k % Math.max(1, calls.length)];
          if (call === 'since') table.writtenSince(sinceMs);
          else if (call === 'bytes') table.bytesRead();
          else if (call === 'long') table.withLongLines().push(-1);
          table.put(c);
          now.set(c.path, c);
        }
        check();
        check();
      }),
      { numRuns: 200 },
    );
  });

  it('saves a table restored empty and then given a file (an empty piece must not reset the checksum)', () => {
    const table = roundTrip(new FileTable()).table();
    const cursor: FileCursor = { path: `${root}${sep}p${sep}s.jsonl`, source: 'claude', size: 3, mtimeMs: 1, offset: 3, fingerprint: 9, claude: claudeFileContext('p/s.jsonl') };
    table.put(cursor);
    assert.deepEqual([...roundTrip(table).table().cursors()].map(plain), [plain(cursor)]);
  });

  it('keeps the codex summary equal to merging every rollout, before and after a rollout changes', () => {
    fc.assert(
      fc.property(cursorsArb, cursorArb, (cursors, next) => {
        const merged = (cs: FileCursor[]) => ({ limits: mergeCodexLimits([], cs.flatMap((c) => c.codex?.rateLimits ?? [])), credits: newestCodexCredits(cs.map((c) => c.codex?.credits)) });
        const table = roundTrip(FileTable.of(cursors)).table();
        assert.deepEqual(plain(table.codexSummary() as never), plain(merged(cursors) as never));
        // The same file again, with other readings: the saved summary no longer holds.
        const target = cursors.find((c) => c.codex) ?? next;
        const changed = { ...next, path: target.path, source: target.source, claude: target.claude, codex: next.codex ?? target.codex, wholeFile: target.wholeFile };
        if (!changed.codex && !changed.claude && !changed.wholeFile) return;
        table.put(changed as FileCursor);
        const all = new Map(cursors.map((c) => [c.path, c]));
        all.set(changed.path, changed as FileCursor);
        assert.deepEqual(plain(table.codexSummary() as never), plain(merged([...all.values()]) as never));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a section whose bytes were changed', () => {
    const cursors = fc.sample(cursorsArb, { numRuns: 5, seed: 7 }).flat();
    const { header, section } = roundTrip(FileTable.of(cursors));
    for (const at of [0, 8 * cursors.length + 3, section.length - 9]) {
      const bad = section.slice();
      bad[at] ^= 0x40;
      assert.throws(() => decodeFileTable(header, bad), FileTableError);
    }
    assert.throws(() => decodeFileTable({ ...header, count: header.count + 1 }, section.slice()), FileTableError);
    // Any one byte changed anywhere (the checksum, whatever the columns' own checks would let through).
    for (let at = 0; at < section.length; at++) {
      const bad = section.slice();
      bad[at] ^= 1 << (at % 8);
      assert.throws(() => decodeFileTable(header, bad), FileTableError, `byte ${at} of ${section.length}`);
    }
  });
});

describe('file table in the index (layout 5)', () => {
  let dir: string;
  let corpus: string;
  let indexPath: string;
  const scanner = () => new UsageScanner({ roots: { claudeDirs: [path.join(corpus, 'claude')], codexDirs: [path.join(corpus, 'codex')] }, workers: 0, io: 'sync' });
  const summary = (s: UsageScanner) => ({ totals: ledgerTotals(s.ledger), files: s.stats.files, bytes: s.stats.bytes, limits: s.officialLimits(), credits: s.codexCredits(), cursors: s.fileCursors().map(plain) });

  before(function () {
    this.timeout(120_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-filetable-'));
    corpus = generateCorpusDir({ out: path.join(dir, 'corpus'), size: 'small' }).dir;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    indexPath = path.join(dir, `index-${Math.random().toString(36).slice(2)}.bin`);
  });

  // 'when needed' (the CLI's): the warm pass puts an appended transcript's state back by the number it was read at,
  // without a lookup table of every path.
  for (const checkFiles of ['now', 'when needed'] as const) it(`a warm run from the index equals a cold scan of the small bench corpus, also after appends (table checked ${checkFiles})`, async function () {
    this.timeout(120_000);
    // The newest Codex rollout and transcript written now: a warm pass re-reads files written in the last day.
    const probe = scanner();
    await probe.refresh();
    const [codexFile] = probe.fileCursors().filter((c) => c.source === 'codex').sort((a, b) => b.mtimeMs - a.mtimeMs);
    const [claudeFile] = probe.fileCursors().filter((c) => c.source === 'claude').sort((a, b) => b.mtimeMs - a.mtimeMs);
    const nowS = Date.now() / 1000;
    for (const f of [codexFile.path, claudeFile.path]) utimesSync(f, nowS, nowS);
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const warm = scanner();
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync', checkFiles }));
    assert.equal(await warm.refresh({ full: true, warm: true }), false);
    assert.deepEqual(summary(warm), summary(cold));
    // Both get a new request: the warm pass reads them, as a cold scan does.
    const lastLine = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').pop()!;
    const codexLine = lastLine(codexFile.path).replace(/"input_tokens":(\d+)/g, (_, n: string) => `"input_tokens":${Number(n) + 100}`).replace(/"used_percent":[\d.]+/, '"used_percent":99.5');
    appendFileSync(codexFile.path, codexLine + '\n');
    appendFileSync(claudeFile.path, lastLine(claudeFile.path).replace(/"id":"msg_[^"]*"/, '"id":"msg_f19_new"') + '\n');
    await saveIndex(indexPath, warm); // nothing new yet: the same state again
    const next = scanner();
    assert.ok(await loadIndex(indexPath, next, { io: 'sync', checkFiles }));
    assert.equal(await next.refresh({ full: true, warm: true }), true);
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(summary(next), summary(fresh));
    // Saved as a delta, read back: still the cold scan's.
    await saveIndex(indexPath, next);
    const last = scanner();
    assert.ok(await loadIndex(indexPath, last, { io: 'sync', checkFiles }));
    assert.equal(await last.refresh({ full: true }), false);
    assert.deepEqual(summary(last), summary(fresh));
  });

  it('a warm pass over a damaged table it did not check reads all logs again when it reads a recent file\'s state or changes one', async function () {
    this.timeout(120_000);
    const probe = scanner();
    await probe.refresh();
    const [recent] = probe.fileCursors().filter((c) => c.source === 'claude').sort((a, b) => b.mtimeMs - a.mtimeMs);
    const nowS = Date.now() / 1000;
    utimesSync(recent.path, nowS, nowS);
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const damaged = readFileSync(indexPath);
    damaged[damaged.length - 20] ^= 0x11;
    writeFileSync(indexPath, damaged);
    const said: string[] = [];
    const s = new UsageScanner({ roots: { claudeDirs: [path.join(corpus, 'claude')], codexDirs: [path.join(corpus, 'codex')] }, workers: 0, io: 'sync', log: (m) => said.push(m) });
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', checkFiles: 'when needed' }));
    appendFileSync(recent.path, readFileSync(recent.path, 'utf8').trimEnd().split('\n').pop()!.replace(/"id":"msg_[^"]*"/, '"id":"msg_f19_damaged"') + '\n');
    assert.equal(await s.refresh({ full: true, warm: true }), true);
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's file table checksum mismatch/);
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(summary(s), summary(fresh));
  });

  /** Loads the index at `file` into a new scanner, returning what it said. */
  async function refusal(file: string): Promise<string[]> {
    const said: string[] = [];
    const s = scanner();
    assert.equal(await loadIndex(file, s, { io: 'sync', onUnusable: (m) => said.push(m) }), false);
    assert.equal(s.fileCount, 0);
    assert.equal(s.ledger.size, 0);
    // The next pass reads all logs again: the cold scan's totals.
    await s.refresh();
    const cold = scanner();
    await cold.refresh();
    assert.deepEqual(summary(s), summary(cold));
    return said;
  }

  it('rebuilds from an index of an older layout, saying why', async function () {
    this.timeout(120_000);
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const bytes = readFileSync(indexPath);
    const end = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as Record<string, unknown>;
    // Layout 3 kept the cursors in the header.
    const old = JSON.stringify({ ...header, layout: 3, files: undefined, cursors: cold.fileCursors() });
    writeFileSync(indexPath, Buffer.concat([Buffer.from(old + ' '.repeat((8 - ((old.length + 1) % 8)) % 8) + '\n'), bytes.subarray(end + 1)]));
    const said = await refusal(indexPath);
    assert.equal(said.length, 1);
    assert.match(said[0], /another version of Tokenmeter \(layout 3/);
    assert.match(said[0], /reading all logs again/);
  });

  it('rebuilds from a truncated index, a damaged header or a damaged file table, saying why', async function () {
    this.timeout(120_000);
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const size = statSync(indexPath).size;
    const original = readFileSync(indexPath);

    truncateSync(indexPath, size - 100);
    assert.match((await refusal(indexPath))[0], /truncated or of the wrong length/);

    writeFileSync(indexPath, original);
    truncateSync(indexPath, 40);
    assert.match((await refusal(indexPath))[0], /truncated or damaged header/);

    writeFileSync(indexPath, Buffer.concat([Buffer.from('{"format":"tokenmeter-index",'), original.subarray(40)]));
    assert.match((await refusal(indexPath))[0], /another version of Tokenmeter \(layout undefined/);
    writeFileSync(indexPath, Buffer.concat([Buffer.from('{"format":"tokenmeter-index",,,'), original.subarray(32)]));
    assert.match((await refusal(indexPath))[0], /truncated or damaged header/);

    // A byte of the file table (the last section) flipped: found when the table is first used whole (a full pass,
    // a save), not by a warm pass that reads none of it; the pass then reads all logs again and says why.
    const damaged = Buffer.from(original);
    damaged[size - 20] ^= 0x11;
    writeFileSync(indexPath, damaged);
    const said: string[] = [];
    const s = new UsageScanner({ roots: { claudeDirs: [path.join(corpus, 'claude')], codexDirs: [path.join(corpus, 'codex')] }, workers: 0, io: 'sync', log: (m) => said.push(m) });
    assert.match((await refusal(indexPath))[0], /checksum/);
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', checkFiles: 'when needed' }));
    await assert.rejects(saveIndex(indexPath + '.copy', s), /checksum/);
    assert.equal(await s.refresh({ full: true }), true);
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's file table checksum mismatch/);
    assert.deepEqual(summary(s), summary(cold));

    // No index at all: nothing said.
    rmSync(indexPath);
    assert.deepEqual(await refusal(indexPath), []);
  });

  it('reads only the file table, not the cursors of files a warm pass does not re-read', async function () {
    this.timeout(120_000);
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    // The table's section is the file's tail; the header line holds no per-file state.
    const fd = openSync(indexPath, 'r');
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const headerLine = head.toString('utf8', 0, head.subarray(0, n).indexOf(0x0a));
    assert.ok(headerLine.length < 4096, `header of ${headerLine.length} bytes for ${cold.stats.files} files`);
    assert.ok(!headerLine.includes('.jsonl'), 'no path in the header');
  });
});
