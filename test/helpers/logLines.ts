// Well-formed Claude Code / Codex log lines and hostile variants, for the fuzz, fault and soak suites.
import fc from 'fast-check';
import { binaryUnit } from './binaryUnit';
import { Ledger } from '../../src/core/ledger/ledger';
import type { ParsedUsage } from '../../src/core/usageEvent';

export interface ClaudeUsage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** One assistant line as Claude Code writes it (compact JSON, `content` before `stop_reason`, usage last). */
export function claudeAssistantLine(options: {
  id: string;
  usage: ClaudeUsage;
  timestamp?: string;
  model?: string;
  text?: string;
  sessionId?: string;
}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/repo',
    sessionId: options.sessionId ?? 'session-1',
    version: '2.0.0',
    type: 'assistant',
    message: {
      id: `msg_${options.id}`,
      type: 'message',
      role: 'assistant',
      model: options.model ?? 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: options.text ?? 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: options.usage.input,
        cache_creation_input_tokens: options.usage.cacheWrite,
        cache_read_input_tokens: options.usage.cacheRead,
        output_tokens: options.usage.output,
      },
    },
    requestId: `req_${options.id}`,
    uuid: `uuid-${options.id}`,
    timestamp: options.timestamp ?? '2025-09-01T10:00:00.000Z',
  });
}

export function claudeUserLine(text: string): string {
  return JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: 'session-1', type: 'user', message: { role: 'user', content: text }, uuid: 'u', timestamp: '2025-09-01T10:00:00.000Z' });
}

export const tokenCount = fc.integer({ min: 0, max: 2_000_000 });
export const claudeUsageArb: fc.Arbitrary<ClaudeUsage> = fc.record({ input: tokenCount, output: tokenCount, cacheWrite: tokenCount, cacheRead: tokenCount });

/** Mutations that keep the line an assistant line with a `"usage":` key but make it not a bill. */
export const claudeBadMutations: Record<string, (line: string) => string> = {
  negativeInput: (l) => l.replace(/"input_tokens":\d+/, '"input_tokens":-5'),
  stringOutput: (l) => l.replace(/"output_tokens":\d+/, '"output_tokens":"12"'),
  hugeCacheRead: (l) => l.replace(/"cache_read_input_tokens":\d+/, '"cache_read_input_tokens":1e300'),
  infiniteOutput: (l) => l.replace(/"output_tokens":\d+/, '"output_tokens":1e999'),
  objectInput: (l) => l.replace(/"input_tokens":\d+/, '"input_tokens":{"n":1}'),
  missingModel: (l) => l.replace(/"model":"[^"]*",/, ''),
  numericModel: (l) => l.replace(/"model":"[^"]*"/, '"model":42'),
  emptyModel: (l) => l.replace(/"model":"[^"]*"/, '"model":""'),
  missingTimestamp: (l) => l.replace(/,"timestamp":"[^"]*"/, ''),
  badTimestamp: (l) => l.replace(/"timestamp":"[^"]*"/, '"timestamp":"yesterday-ish"'),
  numericTimestamp: (l) => l.replace(/"timestamp":"[^"]*"/, '"timestamp":1700000000'),
  usageIsString: (l) => l.replace(/"usage":\{[^}]*\}/, '"usage":"lots"'),
  usageIsNumber: (l) => l.replace(/"usage":\{[^}]*\}/, '"usage":7'),
  // A torn write: the line stops before its closing braces.
  truncatedBeforeEnd: (l) => l.slice(0, l.length - 2),
  truncatedInsideUsage: (l) => l.slice(0, l.indexOf('"output_tokens"') + 10),
};

/** Splices raw bytes that are not UTF-8 (0xFF 0xFE, a lone continuation byte) into a line at `marker`. */
export function withInvalidUtf8(line: string, marker: string): Buffer {
  const at = Buffer.byteLength(line.slice(0, line.indexOf(marker) + marker.length), 'utf8');
  const bytes = Buffer.from(line, 'utf8');
  return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe, 0x80]), bytes.subarray(at)]);
}

/** Sum of every token kind in the ledger, per kind: what "totals" means in these suites. */
export function ledgerTotals(ledger: Ledger): { events: number; input: number; output: number; cacheWrite: number; cacheRead: number } {
  const t = { events: 0, input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  for (const e of ledger.events()) {
    t.events++;
    t.input += e.inputTokens;
    t.output += e.outputTokens;
    t.cacheWrite += e.cacheWrite5mTokens + e.cacheWrite1hTokens;
    t.cacheRead += e.cacheReadTokens;
  }
  return t;
}

export function ledgerOf(usages: ParsedUsage[]): Ledger {
  const ledger = new Ledger();
  for (const u of usages) ledger.add(u);
  return ledger;
}

// --- Codex rollouts ---------------------------------------------------------------

export function codexSessionMeta(id: string, cwd = '/home/dev/repo'): string {
  return JSON.stringify({ timestamp: '2025-09-01T10:00:00.000Z', type: 'session_meta', payload: { id, cwd, originator: 'codex_cli_rs', cli_version: '0.40.0' } });
}

export function codexTurnContext(model: string): string {
  return JSON.stringify({ timestamp: '2025-09-01T10:00:00.100Z', type: 'turn_context', payload: { cwd: '/home/dev/repo', model, approval_policy: 'on-request' } });
}

export interface CodexTotalsIn {
  input: number;
  cached: number;
  output: number;
}

/** A `token_count` event with cumulative totals and the last turn's usage. */
export function codexTokenCount(total: CodexTotalsIn, last: CodexTotalsIn, timestamp = '2025-09-01T10:01:00.000Z'): string {
  const usage = (t: CodexTotalsIn) => ({ input_tokens: t.input, cached_input_tokens: t.cached, output_tokens: t.output, reasoning_output_tokens: 0, total_tokens: t.input + t.output });
  return JSON.stringify({
    timestamp,
    type: 'event_msg',
    payload: { type: 'token_count', info: { total_token_usage: usage(total), last_token_usage: usage(last), model_context_window: 272000 }, rate_limits: { primary: { used_percent: 12.5, window_minutes: 300, resets_in_seconds: 1200 } } },
  });
}

/** A rollout's good lines for a list of per-turn usages: meta, context, then cumulative token counts. */
export function codexGoodLines(sessionId: string, turns: CodexTotalsIn[]): string[] {
  const lines = [codexSessionMeta(sessionId), codexTurnContext('gpt-5-codex')];
  const total = { input: 0, cached: 0, output: 0 };
  turns.forEach((turn, i) => {
    total.input += turn.input;
    total.cached += turn.cached;
    total.output += turn.output;
    const ts = new Date(Date.UTC(2025, 8, 1, 10, 1, i)).toISOString();
    lines.push(codexTokenCount({ ...total }, turn, ts));
  });
  return lines;
}

export const codexTurnArb: fc.Arbitrary<CodexTotalsIn> = fc
  .record({ input: fc.integer({ min: 1, max: 500_000 }), cachedShare: fc.double({ min: 0, max: 1, noNaN: true }), output: fc.integer({ min: 0, max: 100_000 }) })
  .map(({ input, cachedShare, output }) => ({ input, cached: Math.floor(input * cachedShare), output }));

/** Mutations of a token_count line that must add no usage (and must not move the cumulative counter). */
export const codexBadMutations: Record<string, (line: string) => string> = {
  negativeTotals: (l) => l.replace(/"input_tokens":\d+/g, '"input_tokens":-1'),
  stringTotals: (l) => l.replace(/"output_tokens":\d+/g, '"output_tokens":"9"'),
  hugeTotals: (l) => l.replace(/"input_tokens":\d+/g, '"input_tokens":1e300'),
  missingTimestamp: (l) => l.replace(/^\{"timestamp":"[^"]*",/, '{'),
  badTimestamp: (l) => l.replace(/^\{"timestamp":"[^"]*"/, '{"timestamp":"not a date"'),
  infoIsString: (l) => l.replace(/"info":\{.*\},"rate_limits"/, '"info":"x","rate_limits"'),
  truncated: (l) => l.slice(0, Math.floor(l.length / 2)),
};

/** Bytes of a line with the given garbage in place, never containing a newline (so it stays one line). */
export function oneLine(bytes: Uint8Array): Buffer {
  const buf = Buffer.from(bytes);
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) buf[i] = 0x20;
  return buf;
}

/** Garbage lines: raw bytes, arbitrary JSON, deeply nested JSON, truncated JSON, invalid UTF-8. */
export const garbageLineArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map(oneLine),
  fc.string({ unit: binaryUnit, maxLength: 200 }).map((s) => oneLine(Buffer.from(s, 'utf8'))),
  fc.jsonValue({ maxDepth: 4 }).map((v) => oneLine(Buffer.from(JSON.stringify(v) ?? 'null', 'utf8'))),
  fc.integer({ min: 1, max: 5000 }).map((depth) => Buffer.from(`{"type":"assistant","message":${'['.repeat(depth)}${']'.repeat(depth)},"usage":{}}`)),
  fc.integer({ min: 1, max: 5000 }).map((depth) => Buffer.from(`{"usage":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`)),
  fc.constantFrom(
    '{', '}', '{}', '[]', 'null', '"usage":', '{"usage":}', '{"type":"assistant"}', '{"type":"assistant","message":null,"usage":1}',
    '{"type":"assistant","message":{"usage":{"input_tokens":5}}}', // no model, no timestamp
    '{"type":"event_msg","payload":{"type":"token_count","info":{}}}',
    '{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":-1}}},"timestamp":"2025-09-01T10:00:00Z"}',
    '\u0000\u0000\u0000', '\ufeff{"a":1}', '{"a":"\\ud800"}',
  ).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"usage":'), oneLine(b), Buffer.from('}')])),
);

/** Joins lines with `\n` (and a final newline), each a string or raw bytes. */
export function joinLines(lines: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [];
  for (const line of lines) {
    parts.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
