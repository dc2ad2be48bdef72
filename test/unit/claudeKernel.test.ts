// The WebAssembly kernel for Claude Code lines (src/wasm/claudeLines.ts, read by kernelLines.ts) against the
// JavaScript reader it stands in for (parseClaudeLines): on every input the same usages in the same order, the same
// tally. The JavaScript reader is the reference; the kernel may hand a line back unsure, never answer otherwise.
// Needs the build's dist/claudeLines.wasm (`npm run build`, which `npm test` runs first). Whole corpora (the real
// transcripts' and the generated one): `node /tmp/claudeParse.cjs <corpus>/claude diff` (bench/claudeParse.ts).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { emptyTally, type LineTally } from '../../src/core/lineParser';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { ClaudeKernel, claudeKernel, claudeKernelModule } from '../../src/sources/agents/claude/kernelLines';
import { newCursor } from '../../src/sources/logFiles';
import { readNewLines } from '../../src/sources/logReader';
import { parseClaudeLines } from '../../src/sources/agents/claude/parser';
import { claudeFileContext, type ClaudeFileContext } from '../../src/sources/agents/claude/paths';
import { generateQuirkCorpus } from '../../bench/quirkCorpus.mjs';

const file: ClaudeFileContext = { project: '-home-dev-shop', sessionId: 'sess-path', agentId: '' };
const inputBytes = 1024 * 1024;

function kernel(): ClaudeKernel {
  const module = claudeKernelModule();
  assert.ok(module, 'dist/claudeLines.wasm: run `npm run build` first');
  return new ClaudeKernel(module, inputBytes);
}

function readBothWays(k: ClaudeKernel, bytes: Buffer, context = file): { js: { usages: ParsedUsage[]; tally: LineTally }; wasm: { usages: ParsedUsage[]; tally: LineTally } } {
  const js = { usages: [] as ParsedUsage[], tally: emptyTally() };
  parseClaudeLines(Buffer.from(bytes), 0, bytes.length, context, (u) => js.usages.push(u), js.tally);
  const wasm = { usages: [] as ParsedUsage[], tally: emptyTally() };
  bytes.copy(k.input, 0);
  k.parse(0, bytes.length, context, (u) => wasm.usages.push(u), wasm.tally);
  return { js, wasm };
}

/** Reads `text` both ways and asserts the same outcome; returns the JavaScript reader's. */
function same(k: ClaudeKernel, text: string | Buffer, context = file): { usages: ParsedUsage[]; tally: LineTally } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  assert.ok(bytes.length <= inputBytes);
  const { js, wasm } = readBothWays(k, bytes, context);
  assert.deepEqual(wasm.tally, js.tally, bytes.toString('latin1').slice(0, 2000));
  assert.deepEqual(wasm.usages, js.usages, bytes.toString('latin1').slice(0, 2000));
  return js;
}

const head = '{"parentUuid":"p-1","isSidechain":false,"userType":"external","cwd":"/home/dev/shop","sessionId":"s-1","version":"2.1.39","gitBranch":"main"';
const usageText = '{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":4000,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200},"output_tokens":56,"service_tier":"standard"}';
function assistant({ usage = usageText, model = '"claude-sonnet-4-5-20250929"', id = '"msg_01A"', content = '[{"type":"text","text":"Hello"}]', type = '"assistant"', tail = '', time = '"2026-11-01T10:00:00.000Z"' } = {}): string {
  return `${head},"message":{"model":${model},"id":${id},"type":"message","role":"assistant","content":${content},"stop_reason":null,"stop_sequence":null,"usage":${usage}},"requestId":"req_1","type":${type},"uuid":"u-2","timestamp":${time}${tail}}`;
}
const user = `${head},"type":"user","message":{"role":"user","content":"usage? {\\"usage\\":{\\"input_tokens\\":5}}"},"uuid":"u-1","timestamp":"2026-11-01T09:59:00.000Z"}`;
const toolResult = `${head},"type":"user","message":{"role":"user","content":[{"tool_use_id":"t1","type":"tool_result","content":"ok"}]},"uuid":"u-3","timestamp":"2026-11-01T10:00:01.000Z","toolUseResult":{"usage":{"input_tokens":999,"output_tokens":999},"type":"assistant"}}`;

describe('Claude Code lines read by the WebAssembly kernel', () => {
  it('reads the lines Claude Code writes from their fields, passing over the lines whose type rules them out', () => {
    const k = kernel();
    const out = same(k, [user, assistant(), toolResult, assistant({ id: '"msg_01B"', usage: '{"input_tokens":1,"output_tokens":2,"speed":"fast","server_tool_use":{"web_search_requests":3}}' }), ''].join('\n'));
    assert.equal(out.usages.length, 2);
    assert.equal(out.tally.lines, 4);
    assert.deepEqual(k.counts, { passedOver: 2, picked: 2, unsure: 0 });
  });

  it('gives what the JavaScript reader gives on hostile and odd lines', () => {
    const k = kernel();
    const lines = [
      // Escapes: in a key (unsure), in the deciding type, in values (decoded as JSON.parse does).
      assistant().replace('"type":"assistant"', '"ty\\u0070e":"assistant"'),
      assistant({ type: '"assist\\u0061nt"' }),
      assistant({ type: '"us\\u0065r"' }),
      assistant({ model: '"claude-\\u00e9\\ud83d\\ude00"' }),
      assistant({ model: '"claude-\\ud800"' }),
      assistant({ model: '"claude-é✓"' }),
      assistant({ id: '"msg\\"quoted\\\\"' }),
      assistant({ model: '"bad\\x"' }),
      assistant({ model: '"bad\\u12G4"' }),
      assistant({ model: '"bad\\u12"' }),
      assistant({ model: '"raw\ttab"' }),
      assistant({ model: '"raw\u0001ctl"' }),
      // Keys written twice: type, message, usage, a count.
      assistant({ tail: ',"type":"user"' }),
      assistant().replace(`${head},`, `${head},"type":"user",`),
      assistant().replace(`${head},`, `${head},"type":1,`),
      assistant().replace(`${head},`, `${head},"type":null,`),
      assistant({ tail: ',"message":{"model":"m2","usage":{"input_tokens":7}}' }),
      assistant({ usage: '{"input_tokens":1,"input_tokens":9,"output_tokens":2}' }),
      assistant({ usage: '{"input_tokens":1,"output_tokens":2,"cache_creation":{"ephemeral_1h_input_tokens":1},"cache_creation":[]}' }),
      assistant({ content: `[{"type":"text","text":"x"}],"usage":{"input_tokens":5}` }),
      // Numbers: huge, fractional, exponents, negative, not JSON.
      ...['1e400', '12345678901234567890', '-1', '1.5', '19.000', '19.0e0', '0.0', '-0', '1E2', '1e-2', '2.5e+3', '1000000000001', '999999999999'].map((n) => assistant({ usage: `{"input_tokens":${n},"output_tokens":${n},"cache_read_input_tokens":${n},"cache_creation_input_tokens":${n}}` })),
      ...['01', '1.', '.5', '+1', '1e', '-', '1e+', '0x10', 'NaN', 'Infinity', 'tru', 'nul', 'falsey'].map((n) => assistant({ usage: `{"input_tokens":${n},"output_tokens":2}` })),
      // Values of the wrong kind: containers, null, strings.
      assistant({ usage: '{}' }),
      assistant({ usage: '[]' }),
      assistant({ usage: 'null' }),
      assistant({ usage: '"usage"' }),
      assistant({ usage: '{"input_tokens":[],"output_tokens":{},"cache_creation":[],"server_tool_use":"x"}' }),
      assistant({ usage: '{"input_tokens":"5","output_tokens":true,"cache_creation":{"ephemeral_1h_input_tokens":{"a":1}},"server_tool_use":{"web_search_requests":[1]}}' }),
      assistant({ model: '{}' }),
      assistant({ model: 'null' }),
      assistant({ model: '"<synthetic>"' }),
      assistant({ time: '[]' }),
      assistant({ time: '"yesterday"' }),
      assistant({ time: '"2026-11-01T10:00:00+02:00"' }),
      `${head},"message":[],"type":"assistant","timestamp":"2026-11-01T10:00:00.000Z"}`,
      `${head},"message":null,"type":"assistant","timestamp":"2026-11-01T10:00:00.000Z"}`,
      `${head},"message":{"usage":{"input_tokens":1}},"timestamp":"2026-11-01T10:00:00.000Z"}`,
      // Nesting: near and over the bounds, and usage quoted inside content and tool output.
      ...[150, 199, 200, 201, 255, 256, 257, 300].map((n) => assistant({ content: `[${'['.repeat(n)}${']'.repeat(n)}]` })),
      ...[150, 199, 200, 201, 255, 256].map((n) => assistant({ content: `[${'{"a":'.repeat(n)}1${'}'.repeat(n)}]` })),
      assistant({ content: '[{"type":"tool_use","input":{"usage":{"input_tokens":100000}}}]' }),
      assistant({ content: '[{"type":"text","text":"\\"usage\\":{\\"input_tokens\\":7}"}]' }),
      toolResult,
      // Space where JSON allows it, and where it does not count as the line's.
      assistant().replace(/":/g, '" :\t').replace(/,"/g, ' , "'),
      `  ${assistant()}  \r`,
      `${assistant()}\r\r`,
      ' \t ',
      '',
      // Not an object, or not one line of JSON.
      '[1]', '"text"', '{', '}', '{}', '{ }', 'x{}', '{"a":1}}', '{"a":1} x}', '{"type":"assistant"}', '{"type":"assistant",}', '{,}', '{"a" 1}', '{"a":1 "b":2}',
      // Bytes that are not UTF-8, in a value and in a key.
      Buffer.from([...Buffer.from(assistant({ model: '"m' })), 0xff, 0xfe, ...Buffer.from('"')]).toString('latin1'),
      // Keys like the ones read: longer, shorter, the same length.
      assistant().replace('"requestId"', '"requestIdx"').replace('"timestamp"', '"timestamq"').replace('"model"', '"mode"'),
    ];
    for (const line of lines) same(k, line);
    same(k, lines.join('\n'));
    same(k, Buffer.from([...Buffer.from(assistant({ model: '"m' })), 0xff, 0xfe, ...Buffer.from('"}}')]));
  });

  it('gives what the JavaScript reader gives on every cut of an assistant line, and on it with any byte in any place', () => {
    const k = kernel();
    const line = assistant({ usage: '{"input_tokens":12,"output_tokens":5,"cache_creation":{"ephemeral_1h_input_tokens":2},"speed":"fast","server_tool_use":{"web_search_requests":1}}' });
    for (let cut = 1; cut < line.length; cut++) {
      same(k, line.slice(0, cut));
      same(k, `${line.slice(0, cut)}}`);
      same(k, `${line.slice(0, cut)}"}}}`);
    }
    const bytes = Buffer.from(line);
    for (const b of [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x30, 0x00, 0x1f, 0x80]) {
      for (let at = 0; at < bytes.length; at += 3) {
        const changed = Buffer.from(bytes);
        changed[at] = b;
        same(k, changed);
      }
    }
  });

  it('gives what the JavaScript reader gives on lines of random JSON-ish edits', () => {
    const k = kernel();
    const bases = [assistant(), user, toolResult, assistant({ usage: '{"input_tokens":1,"output_tokens":2,"speed":"fast","server_tool_use":{"web_search_requests":3}}' })];
    const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '9', 'e', '-', '.', 'u', 'null', 'true', '"type":', '"usage":', '"message":', '{"input_tokens":1}', '\\u0041', 'é', '\u0001', '\r'];
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (base, edits) => {
        let text = bases[base];
        for (const [where, kind, piece] of edits) {
          const at = where % (text.length + 1);
          text = kind === 0 ? text.slice(0, at) + piece + text.slice(at) : kind === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at + piece.length);
        }
        same(k, text);
        same(k, `${bases[0]}\n${text}\n${bases[1]}`);
      }),
      { numRuns: 3000, seed: 19 },
    );
  });

  it('is what the log reader reads transcripts with, also after a read that failed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenmeter-kernel-'));
    try {
      const reader = claudeKernel(1024 * 1024);
      assert.ok(reader);
      mkdirSync(join(root, 'not-a-file.jsonl'));
      writeFileSync(join(root, 'sess.jsonl'), `${user}\n${assistant()}\n`);
      // A read that fails once its buffer is taken (a folder opens, and fails when read).
      await assert.rejects(readNewLines(newCursor('claude', join(root, 'not-a-file.jsonl'), '-p/not-a-file.jsonl'), () => {}, emptyTally(), 'sync'));
      const picked = reader.counts.picked;
      let usages = 0;
      assert.equal(await readNewLines(newCursor('claude', join(root, 'sess.jsonl'), '-p/sess.jsonl'), () => usages++, emptyTally(), 'sync'), 'appended');
      assert.equal(usages, 1);
      assert.equal(reader.counts.picked, picked + 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a module of another record layout (a stale build)', () => {
    const module = claudeKernelModule();
    assert.ok(module);
    assert.doesNotThrow(() => new ClaudeKernel(module, inputBytes));
    // The same module with its record size changed in its global's initializer (i32.const 41 → 42).
    const bytes = readFileSync(join(__dirname, '..', '..', 'dist', 'claudeLines.wasm'));
    const at = bytes.indexOf(Buffer.from([0x7f, 0x00, 0x41, 41, 0x0b]));
    assert.ok(at > 0);
    const changed = Buffer.from(bytes);
    changed[at + 3] = 42;
    assert.throws(() => new ClaudeKernel(new WebAssembly.Module(changed), inputBytes), /another record layout/);
  });

  it('walks more lines than its records hold at once, in order', () => {
    const k = kernel();
    const lines: string[] = [];
    const short = (i: number) => `{"type":"assistant","message":{"model":"m","id":"msg_${i}","usage":{"input_tokens":${i}}},"timestamp":"2026-11-01T10:00:00.000Z"}`;
    for (let i = 0; i < 10_000; i++) lines.push(i % 3 === 0 ? short(i) : i % 3 === 1 ? '{"x":1}' : '{"type":"user"}');
    const out = same(k, lines.join('\n'));
    assert.equal(out.usages.length, 3334);
  });

  it('reads the quirk corpus and the test fixtures as the JavaScript reader does', () => {
    const k = kernel();
    const root = mkdtempSync(join(tmpdir(), 'tokenmeter-kernel-'));
    try {
      generateQuirkCorpus({ root });
      const dirs = [join(root, 'claude-a', 'projects'), join(root, 'claude-b', 'projects'), join(__dirname, '..', 'fixtures', 'claude-config', 'projects'), join(__dirname, '..', 'fixtures', 'claude-config-copy', 'projects')];
      let usages = 0;
      for (const dir of dirs) {
        for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.jsonl'))) {
          usages += same(k, readFileSync(join(dir, path)), claudeFileContext(relative(dir, join(dir, path)).split('\\').join('/'))).usages.length;
        }
      }
      assert.ok(usages > 50, `${usages} usages`);
      assert.ok(k.counts.picked > 50 && k.counts.passedOver > 10, JSON.stringify(k.counts));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

});
