// Property tests for the Claude Code and Codex line parsers on hostile input: they never throw,
// never bill a bad line, never lose a good line next to a bad one, and count every line they see.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { emptyTally, type LineTally } from '../../src/core/lineParser';
import { parseClaudeLines } from '../../src/sources/agents/claude/parser';
import { parseCodexLines } from '../../src/sources/agents/codex/parser';
import { newCodexFileState } from '../../src/sources/agents/codex/records';
import { newCursor } from '../../src/sources/logFiles';
import { readNewLines } from '../../src/sources/logReader';
import {
  claudeAssistantLine,
  claudeBadMutations,
  claudeUsageArb,
  claudeUserLine,
  codexBadMutations,
  codexGoodLines,
  codexTokenCount,
  codexTurnArb,
  garbageLineArb,
  joinLines,
  ledgerOf,
  ledgerTotals,
  withInvalidUtf8,
} from '../helpers/logLines';

const file = { project: '-home-dev-repo', sessionId: 'session-1', agentId: '' };
const runs = Number(process.env.TOKENMETER_FUZZ_RUNS) || 300;

function parseClaude(buf: Buffer): { usages: ParsedUsage[]; tally: LineTally } {
  const usages: ParsedUsage[] = [];
  const tally = emptyTally();
  parseClaudeLines(buf, 0, buf.length, file, (u) => usages.push(u), tally);
  return { usages, tally };
}

function parseCodex(buf: Buffer): { usages: ParsedUsage[]; tally: LineTally } {
  const usages: ParsedUsage[] = [];
  const tally = emptyTally();
  parseCodexLines(buf, 0, buf.length, newCodexFileState('rollout-session'), (u) => usages.push(u), tally);
  return { usages, tally };
}

/** Lines the parsers must count: non-empty once trailing `\r`, blanks and tabs are trimmed. */
function nonBlankLines(buf: Buffer): number {
  let n = 0;
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end === -1) end = buf.length;
    let stop = end;
    while (stop > start && (buf[stop - 1] === 0x0d || buf[stop - 1] === 0x20 || buf[stop - 1] === 0x09)) stop--;
    if (stop > start) n++;
    start = end + 1;
  }
  return n;
}

/** Good Claude lines with distinct ids, so dedup never merges two of them. */
const goodClaudeLinesArb = fc.array(claudeUsageArb, { minLength: 1, maxLength: 12 }).map((usages) =>
  usages.map((usage, i) => claudeAssistantLine({ id: `g${i}`, usage, timestamp: new Date(Date.UTC(2025, 8, 1, 10, i)).toISOString() })),
);

describe('fuzz: Claude line parser', () => {
  it('never throws on arbitrary bytes, bills nothing, and counts every non-blank line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const { usages, tally } = parseClaude(buf);
        assert.equal(usages.length, 0);
        assert.equal(tally.lines, nonBlankLines(buf));
        assert.ok(tally.usageLines + tally.malformedLines <= tally.lines);
      }),
      { numRuns: runs * 3 },
    );
  });

  it('never throws on arbitrary text, JSON, deep nesting and half-JSON garbage lines', () => {
    fc.assert(
      fc.property(fc.array(garbageLineArb, { maxLength: 20 }), (lines) => {
        const buf = joinLines(lines);
        const { usages, tally } = parseClaude(buf);
        assert.equal(usages.length, 0);
        assert.equal(tally.lines, nonBlankLines(buf));
      }),
      { numRuns: runs },
    );
  });

  for (const [name, mutate] of Object.entries(claudeBadMutations)) {
    it(`never bills a bad line (${name}) and counts it as malformed`, () => {
      fc.assert(
        fc.property(claudeUsageArb, (usage) => {
          const line = mutate(claudeAssistantLine({ id: 'bad', usage }));
          assert.notEqual(line, claudeAssistantLine({ id: 'bad', usage }), 'the mutation must change the line');
          const { usages, tally } = parseClaude(Buffer.from(line + '\n'));
          assert.equal(usages.length, 0, line);
          assert.deepEqual(tally, { lines: 1, usageLines: 0, malformedLines: 1 }, line);
        }),
        { numRuns: Math.ceil(runs / 6) },
      );
    });
  }

  it('never bills a line with non-UTF-8 bytes between its JSON tokens, and counts it', () => {
    fc.assert(
      fc.property(claudeUsageArb, (usage) => {
        const buf = withInvalidUtf8(claudeAssistantLine({ id: 'x', usage }), '"usage":');
        const { usages, tally } = parseClaude(Buffer.concat([buf, Buffer.from('\n')]));
        assert.equal(usages.length, 0);
        assert.equal(tally.malformedLines, 1);
      }),
      { numRuns: Math.ceil(runs / 6) },
    );
  });

  it('keeps a line whose reply text has non-UTF-8 bytes (the usage is intact)', () => {
    fc.assert(
      fc.property(claudeUsageArb, (usage) => {
        const line = claudeAssistantLine({ id: 'x', usage, text: 'before after' });
        const { usages, tally } = parseClaude(Buffer.concat([withInvalidUtf8(line, '"text":"before'), Buffer.from('\n')]));
        assert.equal(usages.length, 1);
        assert.equal(tally.usageLines, 1);
        assert.equal(usages[0].event.inputTokens, usage.input);
        assert.equal(usages[0].event.outputTokens, usage.output);
      }),
      { numRuns: Math.ceil(runs / 6) },
    );
  });

  it('never loses a good line next to a bad one: interleaved garbage leaves the totals of the good lines alone', () => {
    const badLineArb = fc.oneof(
      garbageLineArb,
      fc.tuple(claudeUsageArb, fc.constantFrom(...Object.values(claudeBadMutations))).map(([usage, mutate]) => Buffer.from(mutate(claudeAssistantLine({ id: 'bad', usage })))),
      fc.string({ maxLength: 200 }).map((text) => Buffer.from(claudeUserLine(text))),
    );
    fc.assert(
      fc.property(goodClaudeLinesArb, fc.array(fc.array(badLineArb, { maxLength: 3 }), { minLength: 13, maxLength: 13 }), fc.boolean(), (good, bad, crlf) => {
        const mixed: (string | Buffer)[] = [];
        good.forEach((line, i) => {
          mixed.push(...bad[i]);
          mixed.push(crlf ? `${line}\r` : line);
        });
        mixed.push(...bad[12]);
        const alone = parseClaude(joinLines(good));
        const together = parseClaude(joinLines(mixed));
        assert.deepEqual(ledgerTotals(ledgerOf(together.usages)), ledgerTotals(ledgerOf(alone.usages)));
        assert.equal(together.tally.usageLines, good.length);
        assert.equal(together.tally.lines, nonBlankLines(joinLines(mixed)));
      }),
      { numRuns: runs },
    );
  });

  it('counts a good line whatever its key order and JSON whitespace (the fast paths fall back, never drop it)', () => {
    const shuffle = (value: unknown, order: number[]): unknown => {
      if (Array.isArray(value)) return value.map((v) => shuffle(v, order));
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value as Record<string, unknown>);
      const sorted = entries.map((e, i) => [order[i % order.length], e] as const).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
      return Object.fromEntries(sorted.map(([k, v]) => [k, shuffle(v, order)]));
    };
    fc.assert(
      fc.property(claudeUsageArb, fc.array(fc.nat(), { minLength: 1, maxLength: 16 }), fc.constantFrom(0, 1, 2, '\t'), (usage, order, indent) => {
        const line = claudeAssistantLine({ id: 'k', usage, text: 'hi' });
        const reshaped = JSON.stringify(shuffle(JSON.parse(line), order), null, indent).replace(/\n/g, ' ');
        const { usages, tally } = parseClaude(Buffer.from(`${reshaped}\n`));
        assert.equal(usages.length, 1, reshaped);
        assert.deepEqual(ledgerTotals(ledgerOf(usages)), ledgerTotals(ledgerOf(parseClaude(Buffer.from(`${line}\n`)).usages)));
        assert.equal(tally.malformedLines, 0);
      }),
      { numRuns: runs },
    );
  });

  it('counts a good line with a multi-MB reply and skips a multi-MB garbage line beside it', () => {
    const bigText = 'x'.repeat(6 * 1024 * 1024);
    const good = claudeAssistantLine({ id: 'big', usage: { input: 3, output: 5, cacheWrite: 7, cacheRead: 11 }, text: bigText });
    const garbage = Buffer.alloc(5 * 1024 * 1024, 0x7b); // '{{{{…'
    const { usages, tally } = parseClaude(joinLines([garbage, good, '{"type":"assistant","message":{"model":"m","usage":' + '9'.repeat(3 * 1024 * 1024) + '}}']));
    assert.equal(usages.length, 1);
    assert.deepEqual(ledgerTotals(ledgerOf(usages)), { events: 1, input: 3, output: 5, cacheWrite: 7, cacheRead: 11 });
    assert.deepEqual(tally, { lines: 3, usageLines: 1, malformedLines: 2 });
  });

  it('reads a multi-MB line through the file reader, longer than its 4 MB chunk', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fuzz-'));
    try {
      const logFile = path.join(dir, 'session-1.jsonl');
      const lines = [
        claudeAssistantLine({ id: 'a', usage: { input: 1, output: 2, cacheWrite: 0, cacheRead: 0 } }),
        claudeAssistantLine({ id: 'b', usage: { input: 10, output: 20, cacheWrite: 0, cacheRead: 0 }, text: 'y'.repeat(9 * 1024 * 1024) }),
        Buffer.alloc(5 * 1024 * 1024, 0xff),
        claudeAssistantLine({ id: 'c', usage: { input: 100, output: 200, cacheWrite: 0, cacheRead: 0 } }),
      ];
      await fs.writeFile(logFile, joinLines(lines));
      const cursor = newCursor('claude', logFile, '-home-dev-repo/session-1.jsonl');
      const usages: ParsedUsage[] = [];
      const tally = emptyTally();
      assert.equal(await readNewLines(cursor, (u) => usages.push(u), tally), 'appended');
      assert.deepEqual(ledgerTotals(ledgerOf(usages)), { events: 3, input: 111, output: 222, cacheWrite: 0, cacheRead: 0 });
      assert.deepEqual(tally, { lines: 4, usageLines: 3, malformedLines: 1 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('counts a good line that carries a 100,000-deep nested field', () => {
    const depth = 100_000;
    const line = claudeAssistantLine({ id: 'deep', usage: { input: 4, output: 2, cacheWrite: 0, cacheRead: 0 } }).replace(
      '"version":"2.0.0",',
      `"version":"2.0.0","toolUseResult":${'['.repeat(depth)}${']'.repeat(depth)},`,
    );
    const { usages, tally } = parseClaude(Buffer.from(line + '\n'));
    assert.equal(usages.length, 1);
    assert.equal(tally.usageLines, 1);
  });

  it('accepts token counts up to 1e12 and rejects larger ones as malformed', () => {
    const ok = parseClaude(Buffer.from(claudeAssistantLine({ id: 'e', usage: { input: 1e12, output: 0, cacheWrite: 0, cacheRead: 0 } }) + '\n'));
    assert.equal(ok.usages[0]?.event.inputTokens, 1e12);
    const tooBig = parseClaude(Buffer.from(claudeAssistantLine({ id: 'e', usage: { input: 1e12 + 1, output: 0, cacheWrite: 0, cacheRead: 0 } }) + '\n'));
    assert.deepEqual(tooBig.tally, { lines: 1, usageLines: 0, malformedLines: 1 });
  });
});

describe('fuzz: Codex line parser', () => {
  it('never throws on arbitrary bytes, bills nothing, and counts every non-blank line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const { usages, tally } = parseCodex(buf);
        assert.equal(usages.length, 0);
        assert.equal(tally.lines, nonBlankLines(buf));
      }),
      { numRuns: runs * 3 },
    );
  });

  it('never throws on arbitrary text, JSON, deep nesting and half-JSON garbage lines', () => {
    fc.assert(
      fc.property(fc.array(garbageLineArb, { maxLength: 20 }), (lines) => {
        const buf = joinLines(lines);
        const { usages, tally } = parseCodex(buf);
        assert.equal(usages.length, 0);
        assert.equal(tally.lines, nonBlankLines(buf));
      }),
      { numRuns: runs },
    );
  });

  for (const [name, mutate] of Object.entries(codexBadMutations)) {
    it(`never bills a bad token_count (${name}) nor lets it move the cumulative counter`, () => {
      fc.assert(
        fc.property(codexTurnArb, codexTurnArb, (first, second) => {
          const [meta, context, firstCount] = codexGoodLines('s-1', [first]);
          const bad = mutate(codexTokenCount({ input: first.input + 999, cached: first.cached, output: first.output + 999 }, { input: 999, cached: 0, output: 999 }));
          const secondTotal = { input: first.input + second.input, cached: first.cached + second.cached, output: first.output + second.output };
          const secondCount = codexTokenCount(secondTotal, second, '2025-09-01T10:05:00.000Z');
          const { usages, tally } = parseCodex(joinLines([meta, context, firstCount, bad, secondCount]));
          assert.equal(usages.length, 2, bad);
          assert.equal(tally.malformedLines, 1, bad);
          assert.equal(usages[1].event.inputTokens + usages[1].event.cacheReadTokens, second.input);
          assert.equal(usages[1].event.outputTokens, second.output);
        }),
        { numRuns: Math.ceil(runs / 6) },
      );
    });
  }

  it('never bills a token_count with non-UTF-8 bytes between its JSON tokens', () => {
    fc.assert(
      fc.property(codexTurnArb, (turn) => {
        const [meta, context, count] = codexGoodLines('s-1', [turn]);
        const { usages, tally } = parseCodex(joinLines([meta, context, withInvalidUtf8(count, '"payload":')]));
        assert.equal(usages.length, 0);
        assert.equal(tally.malformedLines, 1);
      }),
      { numRuns: Math.ceil(runs / 6) },
    );
  });

  it('never loses a good line next to a bad one: interleaved garbage leaves the totals of the good lines alone', () => {
    fc.assert(
      fc.property(fc.array(codexTurnArb, { minLength: 1, maxLength: 10 }), fc.array(fc.array(garbageLineArb, { maxLength: 3 }), { minLength: 13, maxLength: 13 }), (turns, bad) => {
        const good = codexGoodLines('s-1', turns);
        const mixed: (string | Buffer)[] = [];
        good.forEach((line, i) => {
          mixed.push(...bad[i]);
          mixed.push(line);
        });
        mixed.push(...bad[12]);
        const alone = parseCodex(joinLines(good));
        const together = parseCodex(joinLines(mixed));
        const totals = ledgerTotals(ledgerOf(together.usages));
        assert.deepEqual(totals, ledgerTotals(ledgerOf(alone.usages)));
        assert.equal(totals.input + totals.cacheRead, turns.reduce((n, t) => n + t.input, 0));
        assert.equal(totals.output, turns.reduce((n, t) => n + t.output, 0));
        assert.equal(together.tally.usageLines, turns.length);
        assert.equal(together.tally.lines, nonBlankLines(joinLines(mixed)));
      }),
      { numRuns: runs },
    );
  });

  it('counts a token_count next to a multi-MB garbage line and a multi-MB response item', () => {
    const [meta, context, count] = codexGoodLines('s-1', [{ input: 100, cached: 40, output: 7 }]);
    const responseItem = JSON.stringify({ timestamp: '2025-09-01T10:00:30.000Z', type: 'response_item', payload: { type: 'message', content: 'z'.repeat(6 * 1024 * 1024) } });
    const { usages, tally } = parseCodex(joinLines([meta, Buffer.alloc(5 * 1024 * 1024, 0x41), context, responseItem, count]));
    assert.deepEqual(ledgerTotals(ledgerOf(usages)), { events: 1, input: 60, output: 7, cacheWrite: 0, cacheRead: 40 });
    assert.equal(tally.malformedLines, 1);
    assert.equal(tally.lines, 5);
  });
});
