// The Claude Code and Codex readers pick a line's fields from its bytes (core/jsonText.ts FieldPicker)
// instead of JSON.parse-ing it. On every log the project has (the bench generator's corpus in Claude
// Code's real key order with sub-agents and streamed repeats, Codex rollouts, the fixtures), they
// must hand over exactly the records that JSON.parse of each line gives.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../../bench/generateCorpus.mjs';
import { emptyTally } from '../../src/core/lineParser';
import type { LineOutcome, ParsedUsage } from '../../src/core/usageEvent';
import { parseClaudeLines, usageFromClaudeRecord } from '../../src/sources/agents/claude/parser';
import { claudeFileContext } from '../../src/sources/agents/claude/paths';
import { newCodexFileState, parseCodexLines, usageFromCodexRecord } from '../../src/sources/agents/codex/parser';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every line through JSON.parse, as the readers did before the picker. */
function reference(buf: Buffer, judge: (record: unknown) => LineOutcome): ParsedUsage[] {
  const out: ParsedUsage[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    const outcome = judge(record);
    if (typeof outcome === 'object') out.push(outcome);
  }
  return out;
}

describe('log readers: picked fields = JSON.parse', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-exact-'));
    generateCorpus({ claudeDir: join(root, 'claude'), codexDir: join(root, 'codex'), sizeBytes: 6_000_000, seed: 'exactness' });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('Claude Code: the same records from every transcript (sessions, sub-agents, fixtures)', () => {
    const files = [...filesUnder(join(root, 'claude', 'projects')), ...filesUnder('test/fixtures/claude-config/projects')];
    let records = 0;
    for (const file of files) {
      const buf = readFileSync(file);
      const context = claudeFileContext(file.slice(file.indexOf('/projects/') + '/projects/'.length));
      const picked: ParsedUsage[] = [];
      parseClaudeLines(buf, 0, buf.length, context, (u) => picked.push(u), emptyTally());
      assert.deepEqual(picked, reference(buf, (r) => usageFromClaudeRecord(r, context)), file);
      records += picked.length;
    }
    assert.ok(records > 500, `only ${records} records`);
  });

  it('Codex: the same records and the same rate limits from every rollout', () => {
    const files = [...filesUnder(join(root, 'codex', 'sessions')), ...filesUnder('test/fixtures/codex-home/sessions')];
    let records = 0;
    for (const file of files) {
      const buf = readFileSync(file);
      const fast = newCodexFileState('s');
      const slow = newCodexFileState('s');
      const picked: ParsedUsage[] = [];
      parseCodexLines(buf, 0, buf.length, fast, (u) => picked.push(u), emptyTally());
      assert.deepEqual(picked, reference(buf, (r) => usageFromCodexRecord(r, slow)), file);
      assert.deepEqual(fast, slow, file);
      records += picked.length;
    }
    assert.ok(records > 50, `only ${records} records`);
  });
});
