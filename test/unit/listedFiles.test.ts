// A cold scan's listed files on their way back from the scan threads (session 17): a Claude Code transcript's
// context derived without a regular expression, plain files packed as their listed string and numbers, and the file
// table taking such a file without its context, as it takes the whole cursor.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import fc from 'fast-check';
import { emptyTally } from '../../src/core/lineParser';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { claudeFileContext, type ClaudeFileContext } from '../../src/sources/agents/claude/paths';
import { FileTable } from '../../src/sources/fileTable';
import { newCursor, type FileCursor } from '../../src/sources/logFiles';
import { ResultPacker, unpackResults } from '../../src/sources/packedResults';
import { cursorOf, listedFromOf, sendable } from '../../src/sources/scanWorkers';

/** claudeFileContext as it was written before (split and regular expressions): the reference. */
function contextBefore(relativePath: string): ClaudeFileContext {
  const parts = relativePath.split('/');
  const fileName = parts[parts.length - 1].replace(/\.jsonl$/, '');
  const project = parts.length > 1 ? parts[0] : '';
  const agentMatch = /^agent-(.+)$/.exec(fileName);
  if (agentMatch) {
    const subagentsAt = parts.lastIndexOf('subagents');
    const sessionId = subagentsAt >= 1 && subagentsAt - 1 >= 1 ? parts[subagentsAt - 1] : '';
    return { project, sessionId, agentId: agentMatch[1] };
  }
  return { project, sessionId: fileName, agentId: '' };
}

/** Relative paths from pieces that matter to the derivation: separators, `.jsonl`, `agent-`, `subagents`, line ends. */
const relativePathArb = fc
  .array(fc.constantFrom('p', '-home-dev-x', 'agent-', 'agent-a1', 'subagents', '.jsonl', 'jsonl', '', 's1', '\n', '\u2028', '.', 'ü'), { minLength: 1, maxLength: 6 })
  .chain((words) => fc.array(fc.constantFrom('', '/'), { minLength: words.length, maxLength: words.length }).map((seps) => words.map((w, i) => w + seps[i]).join('')));

describe('listed files on their way back from the scan threads', () => {
  it('derives a transcript\'s context as the split-and-expression version did, for any relative path', () => {
    for (const rel of ['', '.jsonl', 'a.jsonl', 'p/s.jsonl', 'p/agent-.jsonl', 'p/agent-x.jsonl', 'agent-x', 'p/s/subagents/agent-x.jsonl', 'p/subagents/agent-x.jsonl', 'p/s/agent-\n.jsonl', 'p/x.jsonl.jsonl', '/s.jsonl', 'p/']) {
      assert.deepEqual(claudeFileContext(rel), contextBefore(rel), JSON.stringify(rel));
    }
    fc.assert(fc.property(relativePathArb, (rel) => assert.deepEqual(claudeFileContext(rel), contextBefore(rel))), { numRuns: 3000 });
  });

  it('packs a plain listed file as its string and numbers, and gives back its cursor, tally, records and place among the others', () => {
    const root = `${path.sep}h${path.sep}.claude${path.sep}projects`;
    const packer = new ResultPacker();
    const expected: Array<{ cursor: FileCursor; listedFrom?: number; mergedRepeats: number; usages: ParsedUsage[]; tally: ReturnType<typeof emptyTally> }> = [];
    for (let f = 0; f < 30; f++) {
      const rel = f % 3 === 0 ? `p${f}/s${f}/subagents/agent-${f}.jsonl` : `p${f % 4}/s${f}.jsonl`;
      const listed = { source: 'claude' as const, path: root + path.sep + rel.split('/').join(path.sep), relativePath: rel };
      const asSent = sendable(listed);
      const cursor = cursorOf(asSent);
      [cursor.size, cursor.mtimeMs, cursor.offset, cursor.fingerprint] = [1000 + f, 1.7e12 + f / 7, 900 + f, f % 5 === 0 ? undefined : 2 ** 33 + f];
      // Not plain: a skipped long line on record, an error, or a cursor not sent as a string.
      if (f === 4) cursor.longLines = [5];
      const error = f === 7 ? 'EACCES' : undefined;
      const tally = { lines: f * 3, usageLines: f, malformedLines: f % 2 };
      const usages: ParsedUsage[] = Array.from({ length: f % 4 }, (_, r) => ({ dedupKey: r % 2 ? undefined : `k${f}:${r}`, event: { source: 'claude', timestampMs: 1.7e12 + r, sessionId: `s${f}`, agentId: '', project: 'p', model: 'm', inputTokens: r, outputTokens: f, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 1 } }));
      const isString = typeof asSent === 'string' && f !== 10;
      packer.add({ cursor, tally, mergedRepeats: f, error }, usages, isString ? (asSent as string) : undefined);
      const plain = isString && f !== 4 && f !== 7;
      expected.push({ cursor: plain ? (({ claude: _, ...rest }) => rest)(cursor) : cursor, listedFrom: plain ? root.length + 1 : undefined, mergedRepeats: f, usages, tally });
    }
    const packed = packer.finish();
    assert.ok(packed.plain.length >= 25 && packed.files.length >= 3, `${packed.plain.length} plain, ${packed.files.length} as objects`);
    const results = unpackResults(structuredClone(packed));
    assert.equal(results.length, expected.length);
    results.forEach((result, f) => {
      const want = expected[f];
      assert.deepEqual(JSON.parse(JSON.stringify(result.cursor)), JSON.parse(JSON.stringify(want.cursor)), `file ${f}`);
      assert.equal(result.listedFrom, want.listedFrom, `file ${f}`);
      if (result.listedFrom !== undefined) assert.deepEqual(claudeFileContext(result.cursor.path.slice(result.listedFrom)), cursorOf(sendable({ source: 'claude', path: result.cursor.path, relativePath: result.cursor.path.slice(result.listedFrom) })).claude);
      assert.deepEqual(result.tally, want.tally);
      assert.equal(result.mergedRepeats, want.mergedRepeats);
      const back: ParsedUsage[] = [];
      result.feed((usage) => back.push(usage));
      assert.deepEqual(back, want.usages, `file ${f}`);
    });
  });

  it('says where a just-listed transcript\'s path under its root starts, as a string or an object, and nothing for a cursor or another source', () => {
    const sep = path.sep;
    const root = `${sep}h${sep}.claude${sep}projects`;
    for (const rel of ['p/s.jsonl', 'p/s/subagents/agent-a.jsonl', 's.jsonl', 'p/agent-x.jsonl']) {
      const file = { source: 'claude' as const, path: root + sep + rel.split('/').join(sep), relativePath: rel };
      for (const listed of [file, sendable(file)]) {
        const from = listedFromOf(listed);
        if (sep !== '/' && rel.includes('/')) {
          assert.equal(from, undefined);
          continue;
        }
        assert.equal(from, root.length + 1);
        assert.deepEqual(claudeFileContext(file.path.slice(from)), cursorOf(listed).claude);
      }
      assert.equal(listedFromOf(cursorOf(file)), undefined, 'a cursor read before');
      assert.equal(listedFromOf({ ...file, source: 'codex' }), undefined);
      assert.equal(listedFromOf(sendable({ ...file, source: 'codex' })), undefined);
      assert.equal(listedFromOf({ ...file, relativePath: 'q/' + rel }), undefined, 'a relative path that does not end the path');
    }
  });

  it('the file table takes a listed transcript without its context as it takes the whole cursor, whatever came first in its folder', () => {
    const sep = path.sep;
    const root = `${sep}h${sep}.claude${sep}projects`;
    const fileArb = fc.record({
      kind: fc.constantFrom('session', 'subagent', 'atRoot', 'odd', 'nameOnly', 'projectTwice'),
      project: fc.constantFrom('p', 'q', 'p-p'),
      id: fc.constantFrom('a', 'b', 'c', 'p', 'q'),
      listed: fc.boolean(),
      again: fc.boolean(),
      size: fc.nat(1e6),
    });
    fc.assert(
      fc.property(fc.array(fileArb, { maxLength: 30 }), (files) => {
        const whole = new FileTable();
        const listed = new FileTable();
        for (const { kind, project, id, listed: asListed, again, size } of files) {
          const rel = { session: `${project}/${id}.jsonl`, subagent: `${project}/${id}/subagents/agent-${id}.jsonl`, atRoot: `${id}.jsonl`, odd: `${project}/odd-${id}.jsonl`, nameOnly: `${project}/${id}.jsonl`, projectTwice: `${project}/${project}/subagents/agent-${id}.jsonl` }[kind];
          const file = root + sep + rel.split('/').join(sep);
          const cursor = newCursor('claude', file, rel);
          // A context the path does not give: put whole in both tables (a file of another root, or restored).
          if (kind === 'odd') cursor.claude = { project: 'elsewhere', sessionId: id, agentId: '' };
          // A context its name alone gives (as if listed from its own folder): the folder may skip to there first.
          if (kind === 'nameOnly') cursor.claude = claudeFileContext(`${id}.jsonl`);
          Object.assign(cursor, { size, mtimeMs: size + 1, offset: size, fingerprint: size > 0 ? size * 3 : undefined });
          for (let k = 0; k < (again ? 2 : 1); k++) {
            whole.put({ ...cursor, claude: { ...cursor.claude! } });
            if (asListed && kind !== 'odd' && kind !== 'nameOnly' && sep === '/') listed.put((({ claude: _, ...rest }) => rest)(cursor), root.length + 1);
            else listed.put({ ...cursor, claude: { ...cursor.claude! } });
          }
        }
        const all = (t: FileTable) => [...t.cursors()].map((c) => JSON.parse(JSON.stringify(c)) as object);
        assert.deepEqual(all(listed), all(whole));
      }),
      { numRuns: 500 },
    );
  });
});
