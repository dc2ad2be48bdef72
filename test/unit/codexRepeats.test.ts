// Codex writes a turn context again but for its time and turn id: the reader takes such a line as the one before
// it (bytes compared, not parsed). A token count of a shape read before is read from its template's slots, no
// object of the line made. Whatever the lines, the records, tallies and file state must be what JSON.parse of
// every line gives.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emptyTally } from '../../src/core/lineParser';
import type { LineOutcome, ParsedUsage } from '../../src/core/usageEvent';
import { codexReadCounts, forgetCodexTemplates, parseCodexLines } from '../../src/sources/agents/codex/parser';
import { newCodexFileState, usageFromCodexRecord } from '../../src/sources/agents/codex/records';

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
const timeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 59 }).map((s) => `2026-11-01T10:00:${String(s).padStart(2, '0')}.000Z`) },
  { weight: 1, arbitrary: fc.constantFrom('not a time', '', '2026-11-01T10:00:0\\u0031.000Z', '2026-11-01T10:00:01.000Z\u0001', '2026-11-01T10:00:01.000Zx', '2026-11-01T10:00:01Z', '2026-11-01T24:00:00.000Z', '2026-02-30T10:00:00.000Z', '0099-11-01T10:00:00.000Z', '2026-11-01T10:00:01.000+01:00') },
);
// The usage objects as Codex writes them, and as it might not: a field missing, null, a string, an object; the
// cache under its other name; a usage object that is null, empty, an array or a number.
const usageArb = (total: number) => fc.oneof(
  { weight: 8, arbitrary: fc.constant(`{"input_tokens":${total},"cached_input_tokens":40,"output_tokens":7,"reasoning_output_tokens":2,"total_tokens":${total + 7}}`) },
  { weight: 1, arbitrary: fc.constantFrom(`{"input_tokens":${total},"cache_read_input_tokens":30,"output_tokens":7,"total_tokens":${total + 7}}`, `{"input_tokens":${total},"cached_input_tokens":null,"cache_read_input_tokens":30,"output_tokens":7}`, `{"input_tokens":${total},"cached_input_tokens":40,"cache_read_input_tokens":30,"output_tokens":7}`, `{"input_tokens":${total},"output_tokens":"7","total_tokens":${total + 7}}`, `{"input_tokens":${total},"output_tokens":{"n":7},"total_tokens":${total + 7}}`, `{"input_tokens":${total},"output_tokens":[7],"total_tokens":${total + 7}}`, `{"input_tokens":-1,"output_tokens":7}`) },
  { weight: 1, arbitrary: fc.constantFrom('null', '{}', '[]', '[1]', '12', '"x"') },
);
const infoArb = fc.tuple(totalArb, fc.boolean()).chain(([total, withLast]) => fc.oneof(
  { weight: 8, arbitrary: fc.tuple(usageArb(total), usageArb(total)).map(([t, l]) => `{"total_token_usage":${t}${withLast ? `,"last_token_usage":${l}` : ''},"model_context_window":258400}`) },
  { weight: 1, arbitrary: fc.constantFrom('null', '{}', '[]', '7', '"x"', '{"last_token_usage":{"input_tokens":5,"output_tokens":1}}', '{"total_token_usage":{"input_tokens":5},"total_token_usage":{"input_tokens":9,"output_tokens":2}}') },
));
const countArb = fc.record({ timestamp: timeArb, info: infoArb, limits: limitsArb, tail: fc.constantFrom('', '', '', ',"info":null', ',"type":"x"') }).map(({ timestamp, info, limits, tail }) =>
  `{"timestamp":"${timestamp}","type":"event_msg","payload":{"type":"token_count","info":${info},"rate_limits":${JSON.stringify(limits)}${tail}}}`,
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
  // Each case as in a new process (a reader that met many shapes stops learning new ones: see TemplatePicker).
  beforeEach(forgetCodexTemplates);

  it('give the records, malformed counts and state JSON.parse gives, repeated or not', () => {
    const before = { ...codexReadCounts };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(countArb, countArb, contextArb), mutationArb, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 4, maxLength: 30 }), (entries) => {
        forgetCodexTemplates();
        readBothWays(entries.map(([line, how, at]) => mutate(line, how, at)));
      }),
      { numRuns: 300 },
    );
    // Turn context repeats: ~200 in 300 runs (any seed seen: 168-226): half of that proves the repeat path ran.
    // Token counts from slots: 130-190 in 300 runs (any seed seen); half of that proves the path ran.
    assert.ok(codexReadCounts.tokenCountsFromSlots - before.tokenCountsFromSlots > 65, 'token counts read from slots');
    assert.ok(codexReadCounts.turnContextRepeats - before.turnContextRepeats > 100, 'turn contexts read as the one before');
  });

  it('token counts of every usage shape, each read the second time from its template: the records JSON.parse gives', () => {
    const usages = (n: number) => [
      `{"input_tokens":${n},"cached_input_tokens":40,"output_tokens":7,"reasoning_output_tokens":2,"total_tokens":${n + 7}}`,
      `{"input_tokens":${n},"cache_read_input_tokens":30,"output_tokens":7,"total_tokens":${n + 7}}`,
      `{"input_tokens":${n},"cached_input_tokens":null,"cache_read_input_tokens":30,"output_tokens":7}`,
      `{"input_tokens":${n},"cached_input_tokens":40,"cache_read_input_tokens":30,"output_tokens":7}`,
      `{"input_tokens":${n},"output_tokens":"7","total_tokens":${n + 7}}`,
      `{"input_tokens":${n},"output_tokens":{"n":7},"total_tokens":${n + 7}}`,
      `{"input_tokens":${n},"output_tokens":[7],"total_tokens":${n + 7}}`,
      `{"input_tokens":${n},"output_tokens":7.5,"total_tokens":1e3}`,
      'null', '{}', '[]', '[1]', '12', '"x"',
    ];
    const shapes = (n: number) => [
      ...usages(n).flatMap((u, k) => [`{"total_token_usage":${u}}`, `{"total_token_usage":${usages(n)[(k + 1) % usages(n).length]},"last_token_usage":${u}}`]),
      'null', '{}', '[]', '7', '"x"', `{"last_token_usage":{"input_tokens":${n},"output_tokens":1}}`,
      `{"total_token_usage":{"input_tokens":5},"total_token_usage":{"input_tokens":${n},"output_tokens":2}}`,
    ];
    const count = (time: string, info: string, limits: string) => Buffer.from(`{"timestamp":"${time}","type":"event_msg","payload":{"type":"token_count","info":${info},"rate_limits":${limits}}}`);
    const limits = ['null', '{}', '{"limit_id":"codex","primary":{"used_percent":5,"window_minutes":300,"resets_in_seconds":60}}', '{"limit_id":"codex","primary":{"used_percent":0,"window_minutes":300,"resets_at":1793527500},"credits":{"has_credits":true,"unlimited":false,"balance":"3"}}'];
    let lines = 0;
    const before = codexReadCounts.tokenCountsFromSlots;
    for (let k = 0; k < shapes(0).length; k++) {
      const limit = limits[k % limits.length];
      // A total that grows, one that goes down (a new conversation in the file), the same again.
      readBothWays([count('2026-11-01T10:00:00.000Z', shapes(100)[k], limit), count('2026-11-01T10:00:05.000Z', shapes(300)[k], limit), count('2026-11-01T10:00:06.000Z', shapes(200)[k], limit), count('2026-11-01T10:00:07.000Z', shapes(200)[k], limit)]);
      lines += 3;
    }
    // Not all: a plan does not cover an empty usage object (`{}`, `[]`).
    assert.ok(codexReadCounts.tokenCountsFromSlots - before > (2 * lines) / 3, 'most but each shape\'s first from slots');
  });

  it('rate limits repeated over runs of token counts: the state JSON.parse of every line gives (placeholders, time going back, credits)', () => {
    // A 0 % reading that resets one window after 10:01:30 looks like a fresh window's placeholder only within a minute
    // of that time; real readings of the same limit before it; per-model limits in between; credits that go back.
    const resetsAt = Date.parse('2026-11-01T10:01:30.000Z') / 1000 + 300 * 60;
    const limitsArb = fc.constantFrom(
      `{"limit_id":"codex","primary":{"used_percent":0,"window_minutes":300,"resets_at":${resetsAt}},"secondary":{"used_percent":6.0,"window_minutes":10080,"resets_at":1772355702},"credits":{"has_credits":true,"unlimited":false,"balance":"5"}}`,
      `{"limit_id":"codex","primary":{"used_percent":40,"window_minutes":300,"resets_at":${resetsAt + 60}},"secondary":{"used_percent":6.0,"window_minutes":10080,"resets_at":1772355702}}`,
      `{"limit_id":"codex_bengalfox","limit_name":"Spark","primary":{"used_percent":0,"window_minutes":300,"resets_in_seconds":18000}}`,
      'null',
    );
    const second = fc.integer({ min: 0, max: 119 });
    const lineArb = fc.tuple(second, limitsArb, fc.boolean()).map(([s, limits, usage]) => {
      const time = `2026-11-01T10:0${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}.000Z`;
      const info = usage ? `{"total_token_usage":{"input_tokens":${100 + s},"output_tokens":7,"total_tokens":${107 + s}}}` : 'null';
      return Buffer.from(`{"timestamp":"${time}","type":"event_msg","payload":{"type":"token_count","info":${info},"rate_limits":${limits}}}`);
    });
    // Runs: each line repeated 1-6 times with times that mostly go on, sometimes back.
    const runsArb = fc.array(fc.tuple(lineArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: -3, max: 20 })), { minLength: 1, maxLength: 8 }).map((runs) =>
      runs.flatMap(([line, times, step]) => Array.from({ length: times }, (_, k) => Buffer.from(line.toString().replace(/T10:0(\d):(\d\d)/, (_m, minute: string, sec: string) => {
        const s = Math.max(0, Math.min(119, Number(minute) * 60 + Number(sec) + k * step));
        return `T10:0${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
      })))),
    );
    fc.assert(fc.property(runsArb, (lines) => {
      forgetCodexTemplates();
      readBothWays(lines);
    }), { numRuns: 400 });
    // The case that needs the first of a run taken before the rest may wait: a placeholder first older than the real
    // reading (not taken), then newer (taken: 0 % now), then within a minute of looking fresh (taken only because
    // 0 % is what is known by then; on its own it would stay hidden behind 40 %).
    const count = (time: string, limits: string) => Buffer.from(`{"timestamp":"2026-11-01T${time}.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":${limits}}}`);
    const placeholder = `{"limit_id":"codex","primary":{"used_percent":0,"window_minutes":300,"resets_at":${resetsAt}}}`;
    const real = `{"limit_id":"codex","primary":{"used_percent":40,"window_minutes":300,"resets_at":${resetsAt + 60}}}`;
    forgetCodexTemplates();
    readBothWays([count('10:00:20', real), count('10:00:10', placeholder), count('10:00:25', placeholder), count('10:00:45', placeholder), count('10:00:50', placeholder)]);
    // A run that starts before the credits known (its readings still newer: taken) and ends at their very time: its
    // credits are taken then (the newest wins, ties to the later line), though not at its first line.
    const withCredits = (used: number, balance: string) => `{"limit_id":"codex","primary":{"used_percent":${used},"window_minutes":300,"resets_at":${resetsAt + 60}},"credits":{"has_credits":true,"unlimited":false,"balance":"${balance}"}}`;
    const other = `{"limit_id":"codex_bengalfox","primary":{"used_percent":5,"window_minutes":300,"resets_at":${resetsAt}}}`;
    forgetCodexTemplates();
    readBothWays([count('10:00:05', withCredits(40, '5')), count('10:00:30', other.replace('}}', '},"credits":{"has_credits":true,"unlimited":false,"balance":"9"}}')), count('10:00:10', withCredits(41, '6')), count('10:00:20', withCredits(41, '6')), count('10:00:30', withCredits(41, '6'))]);
  });

  it('a token count of a shape read before takes its own time; one naming a second timestamp takes the second', () => {
    const count = (time: string, tail = '') => Buffer.from(`{"timestamp":"${time}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"output_tokens":1,"total_tokens":11}}${tail}}}`);
    const lines = [count('2026-11-01T10:00:00.000Z'), count('2026-11-01T23:59:59.000Z'), count('2026-11-02T10:00:00.000Z', ',"timestamp":"x"'), count('2026-11-03T10:00:00.000Z', ',"timestamp":"x"')];
    const before = codexReadCounts.tokenCountsFromSlots;
    readBothWays(lines);
    assert.equal(codexReadCounts.tokenCountsFromSlots - before, 2, 'the second and the fourth line');
  });

  it('compares with the line just before, long or short, in the one buffer kept between lines', () => {
    // Rests longer than the kept buffer's first size (4 KB) make it grow; a short line after a long one must not
    // match what is left of the long one's bytes. The token counts, of one shape (the note a value no field reads),
    // all come from the first one's template, long or short.
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
    assert.equal(codexReadCounts.tokenCountsFromSlots - before.tokenCountsFromSlots, 5, 'all token counts but the first');
    assert.equal(codexReadCounts.turnContextRepeats - before.turnContextRepeats, 2, 'the 2nd and 5th turn contexts');
  });
});
