// Codex writes a token count again but for its time, and a turn context again but for its time and turn id:
// the reader takes such a line as the one before it (bytes compared, not parsed). Whatever the lines, the
// records, tallies and file state must be what JSON.parse of every line gives.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emptyTally } from '../../src/core/lineParser';
import type { LineOutcome, ParsedUsage } from '../../src/core/usageEvent';
import { codexReadCounts, newCodexFileState, parseCodexLines, usageFromCodexRecord } from '../../src/sources/agents/codex/parser';

/** Every line through JSON.parse, as the reader did before the picker: records and malformed count. */
function reference(buf: Buffer, judge: (record: unknown) => LineOutcome): { records: ParsedUsage[]; malformed: number } {
  const records: ParsedUsage[] = [];
  let malformed = 0;
  for (const line of buf.toString('utf8').split('\n')) {
    const text = line.replace(/[\r\t ]+$/, '');
    if (text === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      malformed++;
      continue;
    }
    const outcome = judge(record);
    if (outcome === 'malformed') malformed++;
    else if (typeof outcome === 'object') records.push(outcome);
  }
  return { records, malformed };
}

function readBothWays(lines: Buffer[]): void {
  const buf = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
  const fast = newCodexFileState('s');
  const slow = newCodexFileState('s');
  const records: ParsedUsage[] = [];
  const tally = emptyTally();
  parseCodexLines(buf, 0, buf.length, fast, (u) => records.push(u), tally);
  const expected = reference(buf, (r) => usageFromCodexRecord(r, slow));
  assert.deepEqual(records, expected.records, buf.toString('latin1'));
  assert.equal(tally.malformedLines, expected.malformed, buf.toString('latin1'));
  assert.deepEqual(fast, slow);
}

// Few values, so that lines repeat but for their time as often as in real rollouts.
const totalArb = fc.constantFrom(100, 100, 100, 250, 900);
const limitsArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ limit_id: 'codex', limit_name: null, primary: { used_percent: 19.0, window_minutes: 300, resets_at: 1771864834 }, plan_type: null }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.record({ limit_id: fc.constantFrom('codex', 'codex_bengalfox'), limit_name: fc.constant(null), primary: fc.record({ used_percent: fc.constantFrom(0, 19.0, 40), window_minutes: fc.constant(300), resets_at: fc.constantFrom(1771864834, 1771865000) }), plan_type: fc.constant(null) }) },
);
const timeArb = fc.oneof(fc.integer({ min: 0, max: 59 }).map((s) => `2026-11-01T10:00:${String(s).padStart(2, '0')}.000Z`), fc.constantFrom('not a time', '', '2026-11-01T10:00:0\\u0031.000Z', '2026-11-01T10:00:01.000Z\u0001'));
const countArb = fc.record({ timestamp: timeArb, total: totalArb, limits: limitsArb }).map(({ timestamp, total, limits }) =>
  `{"timestamp":"${timestamp}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${total},"cached_input_tokens":40,"output_tokens":7,"reasoning_output_tokens":2,"total_tokens":${total + 7}},"last_token_usage":{"input_tokens":${total},"cached_input_tokens":40,"output_tokens":7,"reasoning_output_tokens":2,"total_tokens":${total + 7}},"model_context_window":258400},"rate_limits":${JSON.stringify(limits)}}}`,
);
const contextArb = fc.record({ timestamp: timeArb, turn: fc.constantFrom('t-1', 't-2', 't\\u0033'), model: fc.constantFrom('gpt-5.3-codex', 'gpt-5.5') }).map(({ timestamp, turn, model }) =>
  `{"timestamp":"${timestamp}","type":"turn_context","payload":{"turn_id":"${turn}","cwd":"/w","approval_policy":"on-request","model":"${model}","effort":"high"}}`,
);

// What a log may hold that Codex never writes: cut lines, a second timestamp (JSON.parse keeps the last),
// bytes that are no UTF-8 or no JSON in the time, trailing blanks.
const mutationArb = fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'cut', 'secondTimestamp', 'notUtf8', 'badTail', 'blanks');
function mutate(line: string, how: string, at: number): Buffer {
  switch (how) {
    case 'cut': return Buffer.from(line.slice(0, Math.floor(at * line.length)));
    case 'secondTimestamp': return Buffer.from(line.replace(/\}$/, ',"timestamp":"2026-12-01T00:00:00.000Z"}'));
    case 'notUtf8': return Buffer.concat([Buffer.from(line.slice(0, 16)), Buffer.from([0xff]), Buffer.from(line.slice(16))]);
    case 'badTail': return Buffer.from(line.replace('"model_context_window":258400', '"model_context_window":0258400'));
    case 'blanks': return Buffer.from(`${line} \r`);
    default: return Buffer.from(line);
  }
}

describe('Codex lines read as the one before', () => {
  it('give the records, malformed counts and state JSON.parse gives, repeated or not', () => {
    const before = { ...codexReadCounts };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(countArb, countArb, contextArb), mutationArb, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 4, maxLength: 30 }), (entries) => {
        readBothWays(entries.map(([line, how, at]) => mutate(line, how, at)));
      }),
      { numRuns: 300 },
    );
    // ~200 of each in 300 runs (any seed seen: 168-226): half of that proves the repeat paths ran.
    assert.ok(codexReadCounts.tokenCountRepeats - before.tokenCountRepeats > 100, 'token counts read as the one before');
    assert.ok(codexReadCounts.turnContextRepeats - before.turnContextRepeats > 100, 'turn contexts read as the one before');
  });

  it('a token count repeated but for its time takes its own time; one naming a second timestamp is read whole', () => {
    const count = (time: string, tail = '') => Buffer.from(`{"timestamp":"${time}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"output_tokens":1,"total_tokens":11}}${tail}}}`);
    const lines = [count('2026-11-01T10:00:00.000Z'), count('2026-11-01T23:59:59.000Z'), count('2026-11-02T10:00:00.000Z', ',"timestamp":"x"'), count('2026-11-03T10:00:00.000Z', ',"timestamp":"x"')];
    const before = codexReadCounts.tokenCountRepeats;
    readBothWays(lines);
    assert.equal(codexReadCounts.tokenCountRepeats - before, 1, 'the second line alone');
  });

  it('compares with the line just before, long or short, in the one buffer kept between lines', () => {
    // Rests longer than the kept buffer's first size (4 KB) make it grow; a short line after a long one must not
    // match what is left of the long one's bytes.
    const count = (time: string, total: number, note: string) => Buffer.from(`{"timestamp":"${time}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${total},"output_tokens":1,"total_tokens":${total + 1}}},"rate_limits":{"note":"${note}","primary":{"used_percent":5,"window_minutes":300,"resets_at":1771864834}}}}`);
    const context = (time: string, turn: string, note: string) => Buffer.from(`{"timestamp":"${time}","type":"turn_context","payload":{"turn_id":"${turn}","cwd":"/w","model":"gpt-5.5","note":"${note}"}}`);
    const long = 'x'.repeat(9000);
    const lines = [
      count('2026-11-01T10:00:00.000Z', 10, 'a'), count('2026-11-01T10:00:01.000Z', 20, long), count('2026-11-01T10:00:02.000Z', 20, long),
      count('2026-11-01T10:00:03.000Z', 10, 'a'), count('2026-11-01T10:00:04.000Z', 10, 'a'), count('2026-11-01T10:00:05.000Z', 30, long.slice(0, 5000)),
      context('2026-11-01T10:00:00.000Z', 't1', long), context('2026-11-01T10:00:01.000Z', 't2', long), context('2026-11-01T10:00:02.000Z', 't3', 'b'),
      context('2026-11-01T10:00:03.000Z', 't4', long.slice(0, 10)), context('2026-11-01T10:00:04.000Z', 't5', long.slice(0, 10)),
    ];
    const before = { ...codexReadCounts };
    readBothWays(lines);
    assert.equal(codexReadCounts.tokenCountRepeats - before.tokenCountRepeats, 2, 'the 3rd and 5th token counts');
    assert.equal(codexReadCounts.turnContextRepeats - before.turnContextRepeats, 2, 'the 2nd and 5th turn contexts');
  });
});
