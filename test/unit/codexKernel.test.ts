// The WebAssembly kernel for Codex rollout lines (src/wasm/codexLines.ts, read by codex/kernelLines.ts) against the
// JavaScript reader it stands in for (parseCodexLines): on every input the same usages in the same order, the same
// tally, and the same file state after (session, project, model, totals, rate limits, credits). The JavaScript reader
// is the reference; the kernel may hand a line back, never answer otherwise. Needs the build's dist/codexLines.wasm
// (`npm run build`, which `npm test` runs first). Whole corpora: `node /tmp/codexParse.cjs <corpus>/codex diff`
// (bench/codexParse.ts).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { emptyTally, type LineTally } from '../../src/core/lineParser';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { CodexKernel, codexKernel, codexKernelModule, forgetCodexKernelModule } from '../../src/sources/agents/codex/kernelLines';
import { forgetCodexTemplates, parseCodexLines } from '../../src/sources/agents/codex/parser';
import { newCodexFileState, type CodexFileState } from '../../src/sources/agents/codex/records';
import { newCursor } from '../../src/sources/logFiles';
import { readNewLines } from '../../src/sources/logReader';
import { generateQuirkCorpus } from '../../bench/quirkCorpus.mjs';

const inputBytes = 1024 * 1024;

function kernel(): CodexKernel {
  const module = codexKernelModule();
  assert.ok(module, 'dist/codexLines.wasm: run `npm run build` first');
  return new CodexKernel(module, inputBytes);
}

interface Read {
  usages: ParsedUsage[];
  tally: LineTally;
  state: CodexFileState;
}

/** Reads `bytes` both ways, each with a new file state (or a copy of `state`); the JavaScript reader as in a new process. */
function readBothWays(k: CodexKernel, bytes: Buffer, state?: CodexFileState): { js: Read; wasm: Read } {
  forgetCodexTemplates();
  const js: Read = { usages: [], tally: emptyTally(), state: state ? structuredClone(state) : newCodexFileState('sess-path') };
  parseCodexLines(Buffer.from(bytes), 0, bytes.length, js.state, (u) => js.usages.push(u), js.tally);
  const wasm: Read = { usages: [], tally: emptyTally(), state: state ? structuredClone(state) : newCodexFileState('sess-path') };
  bytes.copy(k.input, 0);
  k.parse(0, bytes.length, wasm.state, (u) => wasm.usages.push(u), wasm.tally);
  return { js, wasm };
}

/** Reads `text` both ways and asserts the same outcome; returns the JavaScript reader's. */
function same(k: CodexKernel, text: string | Buffer, state?: CodexFileState): Read {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  assert.ok(bytes.length <= inputBytes);
  const { js, wasm } = readBothWays(k, bytes, state);
  const shown = bytes.toString('latin1').slice(0, 2000);
  assert.deepEqual(wasm.tally, js.tally, shown);
  assert.deepEqual(wasm.usages, js.usages, shown);
  assert.deepEqual(wasm.state, js.state, shown);
  return js;
}

const time = (s = '"2026-11-03T09:46:38.267Z"') => s;
const totals = (input = '20731', cached = '2079', output = '259', total = '20990') => `{"input_tokens":${input},"cached_input_tokens":${cached},"output_tokens":${output},"reasoning_output_tokens":159,"total_tokens":${total}}`;
const limitsText = '{"limit_id":"codex","limit_name":null,"primary":{"used_percent":19.0,"window_minutes":300,"resets_at":1771864834},"secondary":{"used_percent":6.0,"window_minutes":10080,"resets_at":1772355702},"credits":{"has_credits":false,"unlimited":false,"balance":null},"plan_type":null}';
function tokenCount({ at = time(), info = `{"total_token_usage":${totals()},"last_token_usage":${totals()},"model_context_window":258400}`, limits = limitsText, tail = '', payloadTail = '' } = {}): string {
  return `{"timestamp":${at},"type":"event_msg","payload":{"type":"token_count","info":${info},"rate_limits":${limits}${payloadTail}}${tail}}`;
}
const meta = (payload = '"id":"322a4d01-3114-8a22-f4c2-4e3d4568fc3a","timestamp":"2026-11-03T09:46:24.113Z","cwd":"/home/dev/api","originator":"Codex Desktop","cli_version":"0.104.0","model_provider":"openai","base_instructions":{"text":"be brief"},"git":{"branch":"main"}', tail = '') =>
  `{"timestamp":"2026-11-03T09:46:28.139Z","type":"session_meta","payload":{${payload}}${tail}}`;
const turn = (id = 'fddee0eb-554a-5430-f660-000000000001', rest = '"cwd":"/home/dev/api","approval_policy":"on-request","sandbox_policy":{"type":"workspace-write","writable_roots":["/home/dev/api"],"network_access":false},"model":"gpt-5.3-codex","personality":"pragmatic","collaboration_mode":{"mode":"default","settings":{"model":"gpt-5.3-codex","reasoning_effort":"high"}}', at = '2026-11-03T09:46:28.164Z') =>
  `{"timestamp":"${at}","type":"turn_context","payload":{"turn_id":"${id}",${rest}}}`;
const responseItem = '{"timestamp":"2026-11-03T09:46:28.140Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"usage? {\\"info\\":{\\"total_token_usage\\":{\\"input_tokens\\":5}}}"}]}}';
const agentMessage = '{"timestamp":"2026-11-03T09:46:29.140Z","type":"event_msg","payload":{"type":"agent_message","message":"\\"type\\":\\"token_count\\""}}';
const session = [meta(), turn(), responseItem, tokenCount({ info: 'null' }), tokenCount(), tokenCount(), agentMessage, turn('fddee0eb-554a-5430-f660-000000000002'), tokenCount({ at: time('"2026-11-03T09:47:00.000Z"'), info: `{"total_token_usage":${totals('30000', '20000', '900', '30900')},"last_token_usage":${totals('9269', '17921', '641', '9910')}}` })];

describe('Codex rollout lines read by the WebAssembly kernel', () => {
  it('reads the lines Codex writes from records, passing over the lines lineKind rules out', () => {
    const k = kernel();
    const before = { ...k.tallies };
    const out = same(k, `${session.join('\n')}\n`);
    assert.equal(out.usages.length, 2);
    assert.equal(out.tally.lines, session.length);
    assert.deepEqual({ passedOver: k.tallies.passedOver - before.passedOver, fromRecords: k.tallies.fromRecords - before.fromRecords, other: k.tallies.other - before.other }, { passedOver: 2, fromRecords: 7, other: 0 });
    assert.equal(out.state.model, 'gpt-5.3-codex');
    assert.equal(out.state.sessionId, '322a4d01-3114-8a22-f4c2-4e3d4568fc3a');
    assert.equal(out.state.rateLimits.length, 2);
  });

  it('gives what the JavaScript reader gives on hostile and odd lines', () => {
    const k = kernel();
    const counts = (n: string) => `{"total_token_usage":${totals(n, n, n, n)},"last_token_usage":${totals(n, n, n, n)}}`;
    const lines = [
      // Escapes: in keys (unsure), in the deciding types, in the values read.
      tokenCount().replace('"rate_limits"', '"rate_limit\\u0073"'),
      tokenCount().replace('"input_tokens"', '"input_token\\u0073"'),
      tokenCount().replace('"type":"event_msg"', '"type":"event_ms\\u0067"'),
      tokenCount().replace('"type":"token_count"', '"type":"token_coun\\u0074"'),
      tokenCount({ at: '"2026-11-03T09:46:38.267\\u005a"' }),
      tokenCount({ limits: limitsText.replace('"codex"', '"co\\u0064ex\\ud83d\\ude00"') }),
      tokenCount({ limits: limitsText.replace('"codex"', '"co\\"dex"') }),
      tokenCount({ limits: limitsText.replace('"codex"', '"é✓"') }),
      tokenCount({ limits: limitsText.replace('"codex"', '"bad\\x"') }),
      tokenCount({ limits: limitsText.replace('"codex"', '"raw\ttab"') }),
      meta('"id":"s\\u0031","cwd":"/home/d\\u00e9v","model":"gpt-\\u0035"'),
      meta('"id":"s1","cwd":"/home/d\\"ev"'),
      meta('"id":1,"cwd":null,"model":{}'),
      meta('"id":"","cwd":"","model":""'),
      meta('"i\\u0064":"s1"'),
      turn(undefined, '"model":"gpt-\\u0035","cwd":"/x\\\\y"'),
      turn('turn\\u0031', '"model":"gpt-5"'),
      turn('turn-raw\u0001', '"model":"gpt-5"'),
      // Keys written twice, at each level read.
      tokenCount({ tail: ',"timestamp":"2026-11-04T00:00:00.000Z"' }),
      tokenCount({ tail: ',"type":"session_meta"' }),
      tokenCount({ tail: ',"payload":{"type":"token_count","info":null}' }),
      tokenCount({ payloadTail: ',"type":"agent_message"' }),
      tokenCount({ payloadTail: ',"info":null' }),
      tokenCount({ payloadTail: ',"rate_limits":null' }),
      tokenCount({ payloadTail: `,"rate_limits":${limitsText.replace('19.0', '20.0')}` }),
      tokenCount({ info: `{"total_token_usage":${totals()},"total_token_usage":${totals('1', '1', '1', '2')}}` }),
      tokenCount({ info: `{"total_token_usage":${totals()},"last_token_usage":${totals()},"last_token_usage":null}` }),
      tokenCount({ info: '{"total_token_usage":{"input_tokens":5,"input_tokens":7,"output_tokens":1}}' }),
      tokenCount({ info: '{"total_token_usage":{"input_tokens":5,"cached_input_tokens":3,"cache_read_input_tokens":4,"output_tokens":1}}' }),
      tokenCount({ info: '{"total_token_usage":{"input_tokens":5,"cache_read_input_tokens":4,"output_tokens":1}}' }),
      tokenCount({ limits: limitsText.replace('"primary":', '"primary":{"used_percent":1},"primary":') }),
      meta(undefined, ',"type":"turn_context"'),
      meta('"id":"a","id":"b","model":"m1","model":"m2"'),
      turn(undefined, '"model":"gpt-5","model":"gpt-6"'),
      `{"timestamp":"2026-11-03T09:46:28.164Z","type":"turn_context","payload":{"model":"gpt-5"},"payload":{"model":"gpt-6"}}`,
      // Counts: huge, fractional, exponents, negative, not JSON; and values of other kinds.
      ...['1e400', '12345678901234567890', '1234567890123456', '123456789012345', '10000000000001', '-1', '1.5', '19.000', '19.0e0', '0.0', '-0', '1E2', '1e-2', '0', 'null', 'true', '"5"', '[]', '{}', '{"a":1}'].map((n) => tokenCount({ info: counts(n) })),
      ...['01', '1.', '.5', '+1', '1e', '-', '0x10', 'NaN', 'Infinity', 'tru', 'nul'].map((n) => tokenCount({ info: counts(n) })),
      ...['null', '{}', '[]', '"x"', '1', 'true', '{"total_token_usage":null}', '{"total_token_usage":[]}', '{"total_token_usage":{}}', '{"total_token_usage":"x"}', '{"last_token_usage":{"input_tokens":3,"output_tokens":4}}', '{"last_token_usage":[]}', '{}'].map((info) => tokenCount({ info })),
      tokenCount({ info: `{"total_token_usage":${totals('10', '20', '5', '0')},"last_token_usage":${totals()}}` }),
      ...['null', '{}', '[]', '"x"', '1', 'false', '{"primary":[]}', '{"primary":{"used_percent":"5"}}', '{"primary":{"used_percent":5,"resets_in_seconds":60}}', '{"primary":{"used_percent":5,"resets_at":"2026-11-03T10:00:00Z"}}', '{"credits":{"has_credits":true,"unlimited":false,"balance":" 12.50 "}}', '{"credits":{"has_credits":true,"unlimited":false,"balance":"1e3"}}', '{"__proto__":{"primary":{"used_percent":5}}}', '{"primary":{"used_percent":1e400}}', '{"limit_id":"' + 'x'.repeat(100) + '","primary":{"used_percent":5}}', `{"limit_id":"long","pad":"${'p'.repeat(5000)}","primary":{"used_percent":5}}`].map((limits) => tokenCount({ limits })),
      // Rate limits' fields: written twice, containers and other kinds where values or objects are read, escapes.
      ...[
        '{"primary":{"used_percent":5,"used_percent":6}}',
        '{"primary":{"used_percent":5},"primary":null}',
        '{"secondary":null,"secondary":{"used_percent":5}}',
        '{"primary":"x","secondary":5,"credits":[1]}',
        '{"primary":true,"secondary":[{"used_percent":5}],"credits":"c"}',
        '{"primary":{"used_percent":[5],"window_minutes":{},"resets_at":[],"resets_in_seconds":{"a":1}}}',
        '{"primary":{"used_percent":5,"resets_at":null,"resets_in_seconds":30}}',
        '{"primary":{"used_percent":5,"resets_at":{},"resets_in_seconds":30},"secondary":{"used_percent":0,"resets_at":[1]}}',
        '{"primary":{"used_percent":5,"resets_at":"soon","window_minutes":"300"}}',
        '{"limit_id":["codex"],"limit_name":{"a":1},"plan_type":"pro","primary":{"used_percent":5}}',
        '{"limit_id":"a\\u0062","limit_name":"n\\"m","plan_type":"p\\/t","primary":{"used_percent":5}}',
        '{"limit_id":"","limit_name":null,"plan_type":7,"primary":{"used_percent":5}}',
        '{"limit_id":"x","limit_id":"y","primary":{"used_percent":5}}',
        '{"credits":{"has_credits":true,"unlimited":true,"balance":"5"}}',
        '{"credits":{"has_credits":"true","unlimited":false}}',
        '{"credits":{"has_credits":true,"unlimited":false,"balance":5}}',
        '{"credits":{"has_credits":true,"unlimited":false,"balance":"\\u0035.5"}}',
        '{"credits":{"has_credits":true,"has_credits":false,"unlimited":false}}',
        '{"credits":{"has_credits":true,"unlimited":false,"balance":{"amount":"5"}}}',
        '{"credits":null,"primary":{"used_percent":1}}',
        '{"primary":{"used_percent":-0,"window_minutes":1e2,"resets_at":1.5e9}}',
        '{"primary":{"used_percent":19.0000,"resets_at":"2026-11-03T10:00:00.000Z"}}',
        '{"primary":{"used_percent":1e400,"resets_at":-1}}',
        '{"Primary":{"used_percent":5},"primar":{"used_percent":5},"primaryx":{"used_percent":5}}',
        '{ "primary" : { "used_percent" : 5 , "window_minutes" : 300 } , "credits" : { "has_credits" : true , "unlimited" : false } }',
        `{"primary":{"used_percent":5,"x":${'['.repeat(190)}${']'.repeat(190)}}}`,
        `{"primary":{"used_percent":5,"x":${'['.repeat(197)}${']'.repeat(197)}}}`,
        `{"primary":{"used_percent":5,"x":${'['.repeat(260)}${']'.repeat(260)}}}`,
      ].map((limits) => tokenCount({ limits })),
      tokenCount({ limits: 'null', info: 'null' }),
      tokenCount().replace(`,"rate_limits":${limitsText}`, ''),
      tokenCount().replace('"info":', '"infox":'),
      // Times: the form isoUtcMs reads, days past a month's end, leap years, and forms left to Date.parse.
      ...['2026-02-29T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '2100-02-29T00:00:00.000Z', '2000-02-30T00:00:00.000Z', '2026-04-31T12:00:00.000Z', '2026-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1000-01-01T00:00:00.000Z', '0999-12-31T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-32T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:00:60.000Z', '2026-11-03T09:46:38Z', '2026-11-03T09:46:38.2Z', '2026-11-03T09:46:38.267+02:00', '2026-11-03 09:46:38.267Z', '2026-11-03T09:46:38.267z', 'yesterday', '', '2026-1١-03T09:46:38.267Z', '2026-11-03T09:46:38.26éZ'].map((t) => tokenCount({ at: `"${t}"` })),
      tokenCount({ at: '1762163198267' }),
      tokenCount({ at: 'null' }),
      // Nesting near and over the bounds, in a field read and in one not read.
      ...[150, 199, 200, 201, 255, 256, 257, 300].map((n) => tokenCount({ payloadTail: `,"x":${'['.repeat(n)}${']'.repeat(n)}` })),
      ...[150, 198, 199, 200, 254, 255].map((n) => tokenCount({ limits: `{"primary":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}` })),
      ...[150, 199, 200, 254, 255, 256].map((n) => meta(`"id":"s","x":${'['.repeat(n)}${']'.repeat(n)}`)),
      // Space where JSON allows it.
      tokenCount().replace(/":/g, '" :\t').replace(/,"/g, ' , "'),
      tokenCount().replace('{"timestamp"', '{ "timestamp"'),
      `  ${tokenCount()}  \r`,
      `${tokenCount()}\r\r`,
      ' \t ',
      '',
      // Not an object, not one line of JSON, or cut.
      '[1]', '"text"', '{', '}', '{}', '{ }', 'x{}', '{"a":1}}', '{"a":1} x}', '{"type":"event_msg"}', '{"type":"event_msg",}', '{,}', '{"a" 1}',
      `${tokenCount()} x}`, `${tokenCount().slice(0, -1)},}`, `${tokenCount().slice(0, -1)}]}`,
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"event_msg","payload":{"type":"token_count"}',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"event_msg","payload":{"type":"token_count"}}',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"event_msg","payload":{"type":"token_count"} }',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"event_msg","payload":{"type":"agent_message" invalid}}',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"response_item","payload":[}',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"session_meta","payload":"x"}',
      '{"timestamp":"2026-11-03T09:46:38.267Z","type":"turn_context","payload":null}',
      '{"type":"event_msg","timestamp":"2026-11-03T09:46:38.267Z","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":5}}}}',
      // Bytes that are not UTF-8, in values read and not read.
      Buffer.from([...Buffer.from(tokenCount({ limits: '{"limit_id":"a' })), 0xff, 0xfe, ...Buffer.from('","primary":{"used_percent":5}}}}')]).toString('latin1'),
      // Keys like the ones read: longer, shorter, the same length.
      tokenCount().replace('"total_tokens"', '"total_tokenz"').replace('"output_tokens"', '"output_token"').replace('"cached_input_tokens"', '"cached_input_tokensx"'),
    ];
    for (const line of lines) same(k, line);
    same(k, lines.join('\n'));
    same(k, [...session, ...lines, ...session].join('\n'));
    same(k, Buffer.from([...Buffer.from(meta('"id":"s","cwd":"/a')), 0xff, 0xfe, 0xc3, ...Buffer.from('","model":"m"}}')]));
    same(k, Buffer.from([...Buffer.from(tokenCount({ limits: '{"limit_id":"a' })), 0xc3, ...Buffer.from('","primary":{"used_percent":5}}}}')]));
    // From a state that already holds totals, limits and credits (a later read of the same file).
    const state = same(k, session.join('\n')).state;
    for (const line of lines) same(k, line, state);
  });

  it('gives what the JavaScript reader gives on totals that repeat the ones before them, or nearly, or only in what they leave out', () => {
    const k = kernel();
    // The second count repeats the first once rounded, absent values read as 0 and a total of 0 read as input + output,
    // and does not when any one value is one totalsOf refuses (then last_token_usage is the usage).
    const values = ['1e400', '-1', '10000000000001', '"5"', 'null', 'true', '{}', '0', '0.4', '1.5', '-0', '1e1'];
    const base: [string, string, string, string] = ['10', '2', '5', '15'];
    const variants: string[] = [];
    for (let slot = 0; slot < 4; slot++) {
      for (const v of values) variants.push(totals(...(base.map((x, i) => (i === slot ? v : x)) as [string, string, string, string])));
      variants.push(totals(...(base.map((x, i) => (i === slot ? `${x}.4` : x)) as [string, string, string, string])));
    }
    variants.push(totals('10', '2', '5', '0'), '{"input_tokens":10,"output_tokens":5,"total_tokens":15}', '{"input_tokens":10,"cache_read_input_tokens":2,"output_tokens":5,"total_tokens":15}');
    variants.push('{"input_tokens":10,"cache_read_input_tokens":-1,"output_tokens":5,"total_tokens":15}', '{"input_tokens":10,"cached_input_tokens":null,"cache_read_input_tokens":1e400,"output_tokens":5}');
    const count = (usage: string) => tokenCount({ info: `{"total_token_usage":${usage},"last_token_usage":${totals('1', '0', '1', '2')}}` });
    for (const variant of variants) {
      same(k, [count(totals(...base)), count(variant)].join('\n'));
      same(k, [count(totals(...base)), count(variant), count(variant), count(totals(...base))].join('\n'));
      same(k, [count(totals('10', '2', '5', '0')), count(variant)].join('\n'));
    }
  });

  it('gives what the JavaScript reader gives on turn contexts that repeat, and ones that repeat a line it could not read', () => {
    const k = kernel();
    const bad = turn('t0', '"model":"gpt-5","cwd":"/a",}');
    const lines = [turn('t1'), turn('t2'), turn('t3', '"model":"gpt-6"'), turn('t4', '"model":"gpt-6"'), turn('t5'), bad, bad.replace('t0', 't9'), turn('t\\u0036', '"model":"gpt-6"'), turn('t7', '"model":"gpt-6"'), turn('t8', '"model":"gpt-6"', '2026-13-45Tjunk')];
    same(k, lines.join('\n'));
    for (let i = 0; i < lines.length; i++) same(k, [...lines.slice(i), ...lines.slice(0, i)].join('\n'));
    for (const line of lines) same(k, line);
  });

  it('gives what the JavaScript reader gives on rate limits that differ from the ones before them in one byte', () => {
    const k = kernel();
    // Each digit changed in turn (the same length: only the bytes tell the kernel's kept value from the new one), in
    // values of 16 lengths (the kernel compares 16 bytes at a time, then the rest one by one).
    const texts = [limitsText, ...Array.from({ length: 16 }, (_, pad) => `{"limit_id":"${'x'.repeat(pad)}","primary":{"used_percent":5,"window_minutes":300,"resets_at":1771864834}}`)];
    for (const text of texts) {
      for (let at = 0; at < text.length; at++) {
        const digit = text.charCodeAt(at) - 0x30;
        if (digit < 0 || digit > 9) continue;
        const changed = text.slice(0, at) + String((digit + 1) % 10) + text.slice(at + 1);
        same(k, [tokenCount({ limits: text }), tokenCount({ limits: changed }), tokenCount({ at: time('"2026-11-03T09:50:00.000Z"'), limits: changed })].join('\n'));
        same(k, [tokenCount({ limits: changed }), tokenCount({ limits: text })].join('\n'));
      }
    }
  });

  it('gives what the JavaScript reader gives on every cut of a token count, and on it with any byte in any place', () => {
    const k = kernel();
    for (const line of [tokenCount(), meta('"id":"s1","cwd":"/a","model":"m"'), turn('t1', '"model":"gpt-5","cwd":"/b"')]) {
      for (let cut = 1; cut < line.length; cut++) {
        same(k, line.slice(0, cut));
        same(k, `${line.slice(0, cut)}}`);
        same(k, `${line.slice(0, cut)}"}}}`);
      }
    }
    const bytes = Buffer.from(tokenCount());
    const before = Buffer.from(`${meta()}\n${turn()}\n${tokenCount({ at: time('"2026-11-03T09:40:00.000Z"'), info: `{"total_token_usage":${totals('100', '0', '1', '101')}}` })}\n`);
    const after = Buffer.from(`\n${tokenCount({ at: time('"2026-11-03T10:00:00.000Z"'), info: `{"total_token_usage":${totals('50000', '1000', '1000', '51000')}}` })}`);
    // Each byte at every third place, starting at a different place for each: every place gets five or six of them.
    const changes = [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x30, 0x35, 0x2e, 0x65, 0x00, 0x1f, 0x80];
    for (const [n, b] of changes.entries()) {
      for (let at = n % 3; at < bytes.length; at += 3) {
        const changed = Buffer.from(bytes);
        changed[at] = b;
        // After a session meta, a turn context and a token count (totals, and rate limits the kernel keeps).
        same(k, Buffer.concat([before, changed, after]));
      }
    }
  });

  it('gives what the JavaScript reader gives on lines of random JSON-ish edits', () => {
    const k = kernel();
    const bases = [tokenCount(), tokenCount({ info: 'null' }), meta(), turn(), responseItem, tokenCount({ limits: '{"primary":{"used_percent":5,"resets_in_seconds":60},"credits":{"has_credits":true,"unlimited":false,"balance":"3.5"}}' })];
    const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '9', 'e', '-', '.', 'null', 'true', '"type":', '"info":', '"rate_limits":', '"total_token_usage":', '{"input_tokens":1}', '"model":"x",', '\\u0041', 'é', '\u0001', '\r', '\n'];
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (base, edits) => {
        let text = bases[base];
        for (const [where, kind, piece] of edits) {
          const at = where % (text.length + 1);
          text = kind === 0 ? text.slice(0, at) + piece + text.slice(at) : kind === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at + piece.length);
        }
        same(k, text);
        same(k, `${session.join('\n')}\n${text}\n${tokenCount({ at: time('"2026-11-03T10:00:00.000Z"'), info: `{"total_token_usage":${totals('50000', '1000', '1000', '51000')}}` })}`);
      }),
      { numRuns: 3000, seed: 19 },
    );
  });

  it('gives what the JavaScript reader gives on keys one byte off the ones it reads, and on keys of the same length', () => {
    const k = kernel();
    // The kernel sorts a key by its length, then compares 16 bytes at a time under a mask (codexLines.ts, fieldOf and
    // sameBytes): each key it reads changed at its first, 16th, 17th and last byte, cut by a byte, lengthened by one,
    // and swapped for another key of its object of the same length.
    const limits = '{"limit_id":"codex","limit_name":"n","plan_type":"pro","primary":{"used_percent":19.0,"window_minutes":300,"resets_at":1771864834,"resets_in_seconds":60},"secondary":{"used_percent":6.0,"window_minutes":10080,"resets_at":1772355702},"credits":{"has_credits":true,"unlimited":false,"balance":"3.5"}}';
    const info = `{"total_token_usage":{"input_tokens":20731,"cached_input_tokens":2079,"cache_read_input_tokens":7,"output_tokens":259,"total_tokens":20990},"last_token_usage":${totals()}}`;
    const lines = [tokenCount({ info, limits }), meta('"id":"s1","cwd":"/a","model":"m"'), turn('t1', '"model":"gpt-5","cwd":"/b"')];
    const keys = ['timestamp', 'type', 'payload', 'id', 'cwd', 'model', 'info', 'rate_limits', 'total_token_usage', 'last_token_usage', 'input_tokens', 'cached_input_tokens', 'cache_read_input_tokens', 'output_tokens', 'total_tokens', 'limit_id', 'limit_name', 'plan_type', 'primary', 'secondary', 'credits', 'used_percent', 'window_minutes', 'resets_at', 'resets_in_seconds', 'has_credits', 'unlimited', 'balance'];
    const bump = (key: string, at: number) => (at < key.length ? key.slice(0, at) + String.fromCharCode(key.charCodeAt(at) ^ 1) + key.slice(at + 1) : key);
    const before = `${meta()}\n${tokenCount({ at: time('"2026-11-03T09:40:00.000Z"'), info: `{"total_token_usage":${totals('100', '0', '1', '101')}}` })}\n`;
    let variants = 0;
    for (const line of lines) {
      for (const key of keys) {
        for (let from = line.indexOf(`"${key}":`); from !== -1; from = line.indexOf(`"${key}":`, from + 1)) {
          const others = keys.filter((o) => o !== key && o.length === key.length);
          for (const changed of [bump(key, 0), bump(key, 15), bump(key, 16), bump(key, key.length - 1), key.slice(0, -1), `${key}s`, ...others]) {
            const text = `${line.slice(0, from + 1)}${changed}${line.slice(from + 1 + key.length)}`;
            same(k, text);
            same(k, `${before}${text}`);
            variants++;
          }
        }
      }
    }
    assert.ok(variants > 300, `${variants} variants`);
  });

  it('gives what the JavaScript reader gives on a line start with an escape, a control byte or a quote at any place', () => {
    const k = kernel();
    // lineKind reads the time, the type and the payload's type as plain strings, 16 bytes at a time (plainStringEnd).
    const lines = [tokenCount(), responseItem, agentMessage, turn(), meta('"id":"s1","cwd":"/a","model":"m"')];
    for (const line of lines) {
      for (let at = 1; at < 110 && at < line.length; at++) {
        for (const piece of ['\\n', '\\"', '\u0001', '\t', '"']) same(k, `${session[0]}\n${line.slice(0, at)}${piece}${line.slice(at + 1)}\n${tokenCount({ at: time('"2026-11-03T10:00:00.000Z"'), info: `{"total_token_usage":${totals('50000', '1000', '1000', '51000')}}` })}`);
      }
    }
  });

  it('finds every line end, whatever the line lengths and where the range ends', () => {
    const k = kernel();
    // Line ends are searched 64 bytes at a time, then 16, then one by one (codexLines.ts, scanLines): lines of every
    // length from 1 to 300 bytes, a token count after each, in one range, and ranges that end inside the stride.
    const filler = (length: number) => {
      const head = '{"timestamp":"2026-11-03T09:46:28.140Z","type":"response_item","payload":{"t":"';
      return length < head.length + 3 ? 'x'.repeat(length) : `${head}${'a'.repeat(length - head.length - 3)}"}}`;
    };
    const count = (n: number) => tokenCount({ at: time(`"2026-11-03T09:${String(10 + (n % 50)).padStart(2, '0')}:00.000Z"`), info: `{"total_token_usage":${totals(String(1000 + n), '0', '1', String(1001 + n))}}` });
    const all: string[] = [];
    for (let length = 1; length <= 300; length++) all.push(filler(length), count(length));
    const out = same(k, `${all.join('\n')}\n`);
    assert.equal(out.tally.lines, all.length);
    assert.equal(out.usages.length, 300);
    for (let length = 1; length <= 140; length++) {
      same(k, `${count(0)}\n${filler(length)}`);
      same(k, `${filler(length)}\n${count(length)}`);
      same(k, `${filler(length)}\r\n${count(length)}\r\n \n`);
    }
  });

  it('reads the windows\' numbers as the JavaScript reader does, in every place, of every form', () => {
    const k = kernel();
    // The kernel reads plain integers and a point with zeros (codexLines.ts plainNumberAt); every other form is read from its bytes.
    const forms = ['0', '7', '19.0', '19.00', '37.5', '1.05', '10.', '1e3', '2E1', '-1', '-0', '0.0', '123456789012345', '1234567890123456', '12345678901234.0', '300', 'true', 'null', '"5"', '[]', '{}'];
    const fields = ['used_percent', 'window_minutes', 'resets_at', 'resets_in_seconds'];
    for (const window of ['primary', 'secondary']) {
      for (const field of fields) {
        for (const form of forms) {
          const values = fields.map((f) => `"${f}":${f === field ? form : f === 'resets_at' ? '1771864834' : f === 'resets_in_seconds' ? '60' : '25'}`).join(',');
          const limits = `{"limit_id":"codex","${window}":{${values}},"${window === 'primary' ? 'secondary' : 'primary'}":{"used_percent":3,"window_minutes":10080,"resets_at":1772355702}}`;
          same(k, [tokenCount({ limits }), tokenCount({ at: time('"2026-11-03T09:50:00.000Z"'), limits })].join('\n'));
        }
      }
    }
  });

  it('keeps a run of the same rate limits at its last line: reset times counted from it, credits of its time', () => {
    const k = kernel();
    // Readings made once per change of the limits (foldCountValues) and moved to the run's last time when put in place.
    const relative = '{"limit_id":"codex","primary":{"used_percent":7,"window_minutes":300,"resets_in_seconds":600},"secondary":{"used_percent":3,"window_minutes":10080,"resets_at":1772355702},"credits":{"has_credits":true,"unlimited":false,"balance":"12.5"}}';
    const at = (s: string) => `"2026-11-03T09:${s}.000Z"`;
    const read = same(k, [tokenCount({ at: at('50:00'), limits: relative }), tokenCount({ at: at('51:00'), limits: relative }), tokenCount({ at: at('52:30'), limits: relative })].join('\n'));
    const lastMs = Date.parse('2026-11-03T09:52:30.000Z');
    assert.deepEqual(read.state.rateLimits, [
      { name: 'primary', limitId: 'codex', usedPercent: 7, windowMinutes: 300, resetsAtMs: lastMs + 600_000, observedAtMs: lastMs },
      { name: 'secondary', limitId: 'codex', usedPercent: 3, windowMinutes: 10080, resetsAtMs: 1772355702000, observedAtMs: lastMs },
    ]);
    assert.deepEqual(read.state.credits, { hasCredits: true, unlimited: false, balance: 12.5, observedAtMs: lastMs });
    // The same values again after another run: new readings, not the first run's moved once more.
    const other = relative.replace('"used_percent":7', '"used_percent":8');
    const again = same(k, [tokenCount({ at: at('50:00'), limits: relative }), tokenCount({ at: at('51:00'), limits: other }), tokenCount({ at: at('52:00'), limits: relative }), tokenCount({ at: at('53:00'), limits: relative })].join('\n'));
    assert.equal(again.state.rateLimits[0].usedPercent, 7);
    assert.equal(again.state.rateLimits[0].resetsAtMs, Date.parse('2026-11-03T09:53:00.000Z') + 600_000);
  });

  it('walks more lines than its records hold at once, in order', () => {
    const k = kernel();
    const lines: string[] = [];
    // 7,500 lines in less than the kernel's 1 MB input, 5,000 of them with a record (it writes 4,096 at once).
    const at = '"timestamp":"2026-11-03T09:46:28.164Z"';
    for (let i = 0; i < 7_500; i++) {
      const limits = i % 9 === 0 ? `{"primary":{"used_percent":${i}}}` : '{"primary":{"used_percent":1}}';
      lines.push(i % 3 === 0 ? `{${at},"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${1000 + i},"output_tokens":1}},"rate_limits":${limits}}}` : i % 3 === 1 ? `{${at},"type":"turn_context","payload":{"turn_id":"t${i}","model":"m${i % 2}"}}` : `{${at},"type":"response_item","payload":{}}`);
    }
    const out = same(k, lines.join('\n'));
    assert.equal(out.usages.length, 2500);
  });

  it('reads the quirk corpus and the test fixtures as the JavaScript reader does', () => {
    const k = kernel();
    const root = mkdtempSync(join(tmpdir(), 'tokenmeter-codex-kernel-'));
    try {
      generateQuirkCorpus({ root });
      let usages = 0;
      let files = 0;
      for (const dir of [join(root, 'codex'), join(__dirname, '..', 'fixtures', 'codex-home')]) {
        for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.jsonl'))) {
          usages += same(k, readFileSync(join(dir, path))).usages.length;
          files++;
        }
      }
      assert.ok(files >= 3 && usages >= 5, `${files} files, ${usages} usages`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is what the log reader reads rollouts with, also after a read that failed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenmeter-codex-kernel-'));
    try {
      const reader = codexKernel(inputBytes);
      assert.ok(reader);
      const path = join(root, 'rollout-2026-11-03T09-46-28-322a4d01-3114-8a22-f4c2-4e3d4568fc3a.jsonl');
      writeFileSync(path, `${session.join('\n')}\n`);
      // A read that fails once its buffer is taken (a folder opens, and fails when read).
      const folder = join(root, 'rollout-2026-11-03T09-46-28-00000000-3114-8a22-f4c2-4e3d4568fc3a.jsonl');
      rmSync(folder, { force: true });
      (await import('node:fs')).mkdirSync(folder);
      await assert.rejects(readNewLines(newCursor('codex', folder, 'sessions/x.jsonl'), () => {}, emptyTally(), 'sync'));
      const fromRecords = reader.tallies.fromRecords;
      let usages = 0;
      assert.equal(await readNewLines(newCursor('codex', path, 'sessions/2026/11/03/x.jsonl'), () => usages++, emptyTally(), 'sync'), 'appended');
      assert.equal(usages, 2);
      assert.equal(reader.tallies.fromRecords, fromRecords + 7);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a module of another record layout (a stale build), and is not loaded with TOKENMETER_WASM=0', () => {
    const module = codexKernelModule();
    assert.ok(module);
    assert.doesNotThrow(() => new CodexKernel(module, inputBytes));
    // The same module with its record size changed in its global's initializer (i32.const 86 → 87).
    const bytes = readFileSync(join(__dirname, '..', '..', 'dist', 'codexLines.wasm'));
    const at = bytes.indexOf(Buffer.from([0x7f, 0x00, 0x41, 0xd6, 0x00, 0x0b]));
    assert.ok(at > 0);
    const changed = Buffer.from(bytes);
    changed[at + 3] = 0xd7;
    assert.throws(() => new CodexKernel(new WebAssembly.Module(changed), inputBytes), /another record layout/);
    const was = process.env.TOKENMETER_WASM;
    try {
      process.env.TOKENMETER_WASM = '0';
      forgetCodexKernelModule();
      assert.equal(codexKernelModule(), null);
    } finally {
      if (was === undefined) delete process.env.TOKENMETER_WASM;
      else process.env.TOKENMETER_WASM = was;
      forgetCodexKernelModule();
    }
    assert.ok(codexKernelModule());
  });
});
