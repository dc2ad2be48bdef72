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
import type { FieldShape } from '../../src/core/fieldPicker';
import { claudeLineFields, parseClaudeLines, usageFromClaudeRecord } from '../../src/sources/agents/claude/parser';
import { claudeFileContext } from '../../src/sources/agents/claude/paths';
import { codexLineFields, codexReadCounts, parseCodexLines } from '../../src/sources/agents/codex/parser';
import { newCodexFileState, usageFromCodexRecord } from '../../src/sources/agents/codex/records';

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

/** The record, recording the path of every field read from it (`a.b.c`). */
function recordingReads(value: unknown, reads: Set<string>, path = ''): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return v;
      const at = path ? `${path}.${key}` : key;
      reads.add(at);
      return recordingReads(v, reads, at);
    },
  });
}

function pathsOf(shape: FieldShape, path = ''): string[] {
  return Object.entries(shape).flatMap(([key, sub]) => [path + key, ...(sub === true ? [] : pathsOf(sub, `${path}${key}.`))]);
}

// Lines with every field the readers know, in several variants (a bill, fast mode, web searches, a
// sub-agent, credits, per-model limits, a reset time as a string, a drop in Codex's totals).
const claudeLines = [
  { type: 'assistant', timestamp: '2026-11-01T10:00:00.000Z', sessionId: 's1', isSidechain: true, agentId: 'a7', requestId: 'req_1', message: { id: 'msg_1', model: 'claude-opus-4-6', usage: { input_tokens: 3, output_tokens: 9, cache_creation_input_tokens: 100, cache_read_input_tokens: 50, cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 }, speed: 'fast', server_tool_use: { web_search_requests: 2 } } } },
  { type: 'assistant', timestamp: '2026-11-01T10:00:01.000Z', isSidechain: false, requestId: 'req_2', message: { id: 'msg_2', model: '<synthetic>', usage: { input_tokens: 0, output_tokens: 0 } } },
  { type: 'assistant', timestamp: '2026-11-01T10:00:02.000Z', sessionId: 's1', requestId: 'req_3', message: { id: 'msg_3', model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 1, speed: 'standard', cache_creation: null } } },
];
const codexLines = [
  { timestamp: '2026-11-01T10:00:00.000Z', type: 'session_meta', payload: { id: 'sess-9', cwd: '/w', model: 'gpt-5' } },
  { timestamp: '2026-11-01T10:00:00.100Z', type: 'turn_context', payload: { cwd: '/w2', model: 'gpt-5.3-codex' } },
  { timestamp: '2026-11-01T10:00:01.000Z', type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: { limit_id: 'codex', limit_name: null, plan_type: 'plus', primary: { used_percent: 19, window_minutes: 300, resets_at: 1771864834 }, secondary: { used_percent: 6, window_minutes: 10080, resets_in_seconds: 600 }, credits: { has_credits: true, unlimited: false, balance: '12.50' } } } },
  { timestamp: '2026-11-01T10:00:02.000Z', type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 7, reasoning_output_tokens: 2, total_tokens: 107 }, last_token_usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 7, reasoning_output_tokens: 2, total_tokens: 107 }, model_context_window: 258400 }, rate_limits: { limit_id: 'codex_bengalfox', limit_name: 'GPT-5.3-Codex-Spark', primary: { used_percent: 2.5, window_minutes: 300, resets_at: '2026-11-01T15:00:00Z' } } } },
  { timestamp: '2026-11-01T10:00:03.000Z', type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 30, cache_read_input_tokens: 10, output_tokens: 2, total_tokens: 32 }, last_token_usage: { input_tokens: 30, cache_read_input_tokens: 10, output_tokens: 2, total_tokens: 32 } }, rate_limits: null } },
].map((l) => JSON.stringify(l));

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

  it('pick every field the readers read (a new field read must join the picked shape)', () => {
    const context = claudeFileContext('-p/s1.jsonl');
    for (const [lines, shape, judge] of [
      [claudeLines.map((l) => JSON.stringify(l)), claudeLineFields, (r: unknown) => usageFromClaudeRecord(r, context)],
      [codexLines, codexLineFields, ((state) => (r: unknown) => usageFromCodexRecord(r, state))(newCodexFileState('x'))],
    ] as const) {
      const reads = new Set<string>();
      for (const line of lines) judge(recordingReads(JSON.parse(line), reads));
      const picked = new Set(pathsOf(shape));
      assert.deepEqual([...reads].filter((p) => !picked.has(p)), [], 'read by the parser but not picked');
      assert.ok(reads.size > 10);
    }
  });

  it('Claude Code and Codex lines with every field: the same records and state', () => {
    const context = claudeFileContext('-p/s1.jsonl');
    const claude = Buffer.from(claudeLines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const picked: ParsedUsage[] = [];
    parseClaudeLines(claude, 0, claude.length, context, (u) => picked.push(u), emptyTally());
    assert.deepEqual(picked, reference(claude, (r) => usageFromClaudeRecord(r, context)));
    assert.equal(picked.length, 2);
    const codex = Buffer.from(codexLines.join('\n') + '\n');
    const fast = newCodexFileState('x');
    const slow = newCodexFileState('x');
    const codexPicked: ParsedUsage[] = [];
    parseCodexLines(codex, 0, codex.length, fast, (u) => codexPicked.push(u), emptyTally());
    assert.deepEqual(codexPicked, reference(codex, (r) => usageFromCodexRecord(r, slow)));
    assert.deepEqual(fast, slow);
    assert.equal(codexPicked.length, 2);
    assert.ok(fast.credits && fast.rateLimits.length === 3);
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

  it('Codex turn contexts that repeat but for their time and turn id: read as the one before, a changed or broken one read whole', () => {
    const context = (turnId: string, model: string, cwd = '/w', second = '00') =>
      `{"timestamp":"2026-11-01T10:00:${second}.000Z","type":"turn_context","payload":{"turn_id":"${turnId}","cwd":"${cwd}","approval_policy":"on-request","sandbox_policy":{"type":"workspace-write","writable_roots":["${cwd}"]},"model":"${model}","effort":"high"}}`;
    const count = (total: number, second: string) =>
      JSON.stringify({ timestamp: `2026-11-01T10:01:${second}.000Z`, type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: total, cached_input_tokens: 0, output_tokens: 1, total_tokens: total + 1 }, last_token_usage: null } } });
    const lines = [
      codexLines[0],
      context('t-1', 'gpt-5.3-codex'),
      count(100, '01'),
      context('t-2', 'gpt-5.3-codex', '/w', '02'), // a repeat
      context('t-3', 'gpt-5.5'), // another model
      count(200, '03'),
      context('t-4', 'gpt-5.5').slice(0, -2), // cut: no JSON
      context('t-5', 'gpt-5.5').replace('"high"', '"hi\u0001gh"'), // a raw control byte: no JSON
      context('t\\u0036', 'gpt-5.5'), // an escaped turn id: read whole
      context('t-7', 'gpt-5.3-codex', '/w', '07'),
      count(300, '08'),
      context('t-8', 'gpt-5.3-codex', '/other'), // cwd differs: read whole (the project is the first one's)
      context('t-9', 'gpt-5.3-codex', '/other'), // a repeat
      count(400, '09'),
    ];
    const buf = Buffer.from(lines.join('\n') + '\n');
    const fast = newCodexFileState('x');
    const slow = newCodexFileState('x');
    const picked: ParsedUsage[] = [];
    const tally = emptyTally();
    const repeatsBefore = codexReadCounts.turnContextRepeats;
    parseCodexLines(buf, 0, buf.length, fast, (u) => picked.push(u), tally);
    assert.deepEqual(picked, reference(buf, (r) => usageFromCodexRecord(r, slow)));
    assert.deepEqual(fast, slow);
    assert.deepEqual(picked.map((u) => u.event.model), ['gpt-5.3-codex', 'gpt-5.5', 'gpt-5.3-codex', 'gpt-5.3-codex']);
    assert.equal(tally.malformedLines, 2, 'the cut line and the control byte');
    assert.equal(codexReadCounts.turnContextRepeats - repeatsBefore, 2, 't-2 and t-9');
  });
});
