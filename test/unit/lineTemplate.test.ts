// A template answers for the picker on lines of a shape it has read: on every line, matched or not, the
// template picker must return exactly what the field picker returns (fields, NOT_WANTED, or undefined).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FieldPicker } from '../../src/core/fieldPicker';
import { absentField, emptyField, objectField, TemplatePicker } from '../../src/core/lineTemplate';
import type { FieldShape } from '../../src/core/fieldPicker';
import { codexLineFields } from '../../src/sources/agents/codex/parser';

const until = { key: 'type', accept: ['event_msg', 'turn_context', 'session_meta'] };

/** Picks each line both ways; returns how many the templates answered. */
function pickBothWays(lines: Buffer[]): number {
  const templates = new TemplatePicker(new FieldPicker(codexLineFields, until));
  const picker = new FieldPicker(codexLineFields, until);
  for (const line of lines) {
    // Inside a larger buffer, as in the reader.
    const buf = Buffer.concat([Buffer.from('xx\n'), line, Buffer.from('\n{"tail":1}')]);
    const expected = picker.pick(buf, 3, 3 + line.length);
    const actual = templates.pick(buf, 3, 3 + line.length);
    assert.deepEqual(actual, expected, line.toString('latin1'));
  }
  return templates.hits;
}

const numberArb = fc.oneof(fc.nat({ max: 2_000_000 }), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(1e300), fc.constant(0.5));
const textArb = fc.oneof(fc.constantFrom('codex', 'gpt-5.3-codex', '', 'Spark ✓', 'a"b', 'tab\there', '\\u0041', 'é'), fc.string({ maxLength: 12 }));
const scalarArb = fc.oneof(numberArb, textArb, fc.constantFrom(null, true, false));
const totalsArb = fc.record({ input_tokens: scalarArb, cached_input_tokens: numberArb, output_tokens: numberArb, reasoning_output_tokens: numberArb, total_tokens: numberArb });

const tokenCountArb = fc.record({
  timestamp: fc.oneof(fc.constant('2026-11-01T10:00:00.000Z'), textArb),
  type: fc.constantFrom('event_msg', 'event_msg', 'event_msg', 'response_item', 'session_meta'),
  payload: fc.record({
    type: fc.constantFrom('token_count', 'token_count', 'agent_message'),
    info: fc.oneof(fc.constant(null), fc.record({ total_token_usage: totalsArb, last_token_usage: totalsArb, model_context_window: scalarArb })),
    rate_limits: fc.record({ limit_id: textArb, limit_name: fc.oneof(fc.constant(null), textArb), primary: fc.record({ used_percent: scalarArb, window_minutes: numberArb, resets_at: scalarArb }), plan_type: fc.oneof(fc.constant(null), textArb) }),
  }),
});

const turnContextArb = fc.record({
  timestamp: fc.constant('2026-11-01T10:00:00.000Z'),
  type: fc.constant('turn_context'),
  payload: fc.record({ turn_id: textArb, cwd: textArb, approval_policy: textArb, sandbox_policy: fc.record({ type: textArb, writable_roots: fc.constant(['/w']) }), model: textArb, effort: scalarArb }),
});

// Byte changes a log may hold that JSON.stringify never writes: cut lines, blanks, a key written twice,
// escaped keys, raw control and non-UTF-8 bytes, a value that is no JSON.
const mutationArb = fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'cut', 'blanks', 'twice', 'escapedKey', 'control', 'notUtf8', 'badNumber', 'leadingZero', 'array', 'badUnread');
function mutate(text: string, how: string, at: number): Buffer {
  const k = Math.floor(at * text.length);
  switch (how) {
    case 'cut': return Buffer.from(text.slice(0, k));
    case 'blanks': return Buffer.from(text.replace(/,"/g, ', "'));
    case 'twice': return Buffer.from(text.replace('"info":', '"info":null,"info":'));
    case 'escapedKey': return Buffer.from(text.replace('"output_tokens"', '"output\\u005ftokens"'));
    case 'control': return Buffer.from(text.replace('codex', 'co\u0001dex'));
    case 'notUtf8': return Buffer.concat([Buffer.from(text.slice(0, k)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(k))]);
    case 'badNumber': return Buffer.from(text.replace(/:(\d+)/, ':$1x'));
    case 'leadingZero': return Buffer.from(text.replace(/:(\d+)/, ':0$1'));
    // A value no field reads, invalid: the line is no JSON, whatever the template.
    case 'badUnread': return Buffer.from(text.replace(/"(reasoning_output_tokens|approval_policy|effort)":[^,}]*/, '"$1":01'));
    case 'array': return Buffer.from(text.replace('"info":null', '"info":[1,2]'));
    default: return Buffer.from(text);
  }
}

const linesArb = fc.array(fc.tuple(fc.oneof(tokenCountArb, tokenCountArb, turnContextArb), mutationArb, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 12, maxLength: 40 });

describe('line templates', () => {
  it('give what the field picker gives on every line, matched or not (values, early stops, invalid lines)', () => {
    let hits = 0;
    fc.assert(
      fc.property(linesArb, (entries) => {
        hits += pickBothWays(entries.map(([line, how, at]) => mutate(JSON.stringify(line), how, at)));
      }),
      { numRuns: 400 },
    );
    assert.ok(hits > 1000, `templates answered only ${hits} lines`);
  });

  it('stop early as the picker does when the deciding field comes twice: the first string decides', () => {
    const line = (first: string, second: string) => Buffer.from(`{"type":${first},"timestamp":"2026-11-01T10:00:00.000Z","type":${second},"payload":{"type":"token_count","info":null}}`);
    const lines = [line('1', '"event_msg"'), line('2', '"response_item"'), line('null', '"event_msg"'), line('"response_item"', '"event_msg"'), line('"event_msg"', '"response_item"'), line('3', '4')];
    const hits = pickBothWays(lines);
    assert.ok(hits >= 4, `templates answered ${hits} lines`);
    const templates = new TemplatePicker(new FieldPicker(codexLineFields, until));
    const picked = lines.map((l) => templates.pick(l, 0, l.length));
    assert.equal(typeof picked[1], 'symbol', 'a later string that is not accepted stops the line');
    assert.equal(typeof picked[3], 'symbol', 'the first string decides, not the last');
    assert.deepEqual(picked[4], { type: 'response_item', timestamp: '2026-11-01T10:00:00.000Z', payload: { type: 'token_count', info: null } });
  });

  it('answer for lines of a shape read once: numbers, strings and nulls may change, structure may not', () => {
    const line = (input: number, name: string | null, extra = '') =>
      Buffer.from(`{"timestamp":"2026-11-01T10:00:0${input % 10}.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":${input},"output_tokens":7,"total_tokens":${input + 7}}},"rate_limits":{"limit_id":"codex","limit_name":${JSON.stringify(name)}${extra}}}}`);
    const templates = new TemplatePicker(new FieldPicker(codexLineFields, until));
    const reads = [line(100, null), line(12345, 'Spark'), line(7, null), line(8, null, ',"plan_type":"plus"'), line(9, 'x')];
    type Picked = { payload: { info: { total_token_usage: { input_tokens: number } }; rate_limits: { limit_name: string | null } } };
    const picked = reads.map((l) => templates.pick(l, 0, l.length) as unknown as Picked);
    assert.equal(templates.hits, 3, 'the second, third and fifth line');
    assert.deepEqual(picked.map((p) => p.payload.info.total_token_usage.input_tokens), [100, 12345, 7, 8, 9]);
    assert.deepEqual(picked.map((p) => p.payload.rate_limits.limit_name), [null, 'Spark', null, null, 'x']);
  });

  it('say where each field is in a matched line: its slot holds the value the built object has there', () => {
    // Every path of the shape, containers too, for lines of the same shapes twice over (the second from a template).
    const paths: string[][] = [];
    const walk = (shape: FieldShape, path: string[]) => {
      for (const [name, sub] of Object.entries(shape)) {
        paths.push([...path, name]);
        if (sub !== true) walk(sub, [...path, name]);
      }
    };
    walk(codexLineFields, []);
    const at = (value: unknown, path: string[]) => path.reduce<unknown>((v, name) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined), value);
    let checked = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(tokenCountArb, fc.constantFrom('none', 'none', 'twice', 'array')), { minLength: 1, maxLength: 8 }), (entries) => {
        const templates = new TemplatePicker(new FieldPicker(codexLineFields, until));
        for (const [line, how] of entries) {
          const buf = mutate(JSON.stringify(line), how, 0);
          templates.pick(buf, 0, buf.length);
          const template = templates.match(buf, 0, buf.length);
          if (template === undefined || template.ruledOut()) continue;
          const built = template.build();
          for (const path of paths) {
            const slot = template.slotOf(path);
            const value = at(built, path);
            if (slot >= 0) assert.deepEqual(template.values[slot], value, path.join('.'));
            else if (slot === absentField) {
              const parent = at(built, path.slice(0, -1));
              assert.ok(value === undefined && !(typeof parent === 'object' && parent !== null && Object.hasOwn(parent, path[path.length - 1])), path.join('.'));
            }
            else if (slot === objectField) assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), path.join('.'));
            else assert.equal(slot === emptyField && (Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0), true, path.join('.'));
            checked++;
          }
          const under = template.slotsUnder(['payload', 'rate_limits']).map((k) => template.values[k]);
          const leaves = (v: unknown): unknown[] => (typeof v === 'object' && v !== null ? Object.values(v).flatMap(leaves) : [v]);
          const limits = at(built, ['payload', 'rate_limits']);
          // The values under an object read into, in line order (those of a key written twice: the last, as built).
          if (typeof limits === 'object' && limits !== null && !Array.isArray(limits) && Object.keys(limits).length > 0) assert.deepEqual([...under].sort(), leaves(limits).sort());
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(checked > 5000, `only ${checked} paths checked`);
  });
});
