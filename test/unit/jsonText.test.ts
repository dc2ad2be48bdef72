// The field picker reads a few fields of a JSON line from its bytes. Whenever it answers, the answer
// must be what JSON.parse gives for those fields; when the text is not JSON it must not answer.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FieldPicker, NOT_WANTED, type FieldShape } from '../../src/core/fieldPicker';
import { MAX_JSON_DEPTH } from '../../src/core/jsonText';

const shape: FieldShape = { type: true, n: true, s: true, o: { a: true, b: { c: true } }, l: true };
const picker = new FieldPicker(shape);

/** What the picker should return for a parsed value: the shape's fields, containers not read further left empty. */
function project(value: unknown, fields: FieldShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const [key, sub] of Object.entries(fields)) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const v = record[key];
    if (v !== null && typeof v === 'object') out[key] = Array.isArray(v) ? [] : sub === true ? {} : project(v, sub);
    else out[key] = v;
  }
  return out;
}

function check(text: string | Buffer, p = picker, fields = shape): void {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let parsed: unknown;
  let valid = true;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    valid = false;
  }
  const picked = p.pick(buf, 0, buf.length);
  if (!valid || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    assert.equal(picked, undefined, `picked from text JSON.parse refuses: ${buf.toString('utf8').slice(0, 200)}`);
    return;
  }
  // Unsure is always allowed (the caller then parses); an answer must be JSON.parse's.
  if (picked === undefined) return;
  assert.deepEqual(picked, project(parsed, fields), buf.toString('utf8').slice(0, 200));
}

const keyArb = fc.constantFrom('type', 'n', 's', 'o', 'a', 'b', 'c', 'l', 'x', 'typ', 'types', '', 'é');
const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 123456789012345, 1234567890123456, 2 ** 53 + 1, 0.1, -12.5e-3),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 5 }),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;
const objectArb = fc.dictionary(keyArb, valueArb, { maxKeys: 8 });

/** Same JSON text with whitespace between tokens, and with some characters escaped. */
function respaced(text: string, spaces: string[]): string {
  let k = 0;
  let inString = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    out += c;
    if (inString) {
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    if (!inString && (c === ',' || c === ':' || c === '{' || c === '[')) out += spaces[k++ % spaces.length];
  }
  return out;
}

describe('JSON field picker', () => {
  it('answers what JSON.parse gives, on any JSON object (any key order, duplicates, whitespace, escapes, numbers)', () => {
    fc.assert(
      fc.property(objectArb, fc.array(fc.constantFrom('', ' ', '\t', '\r\n ', '  '), { minLength: 1, maxLength: 4 }), (value, spaces) => {
        const text = JSON.stringify(value);
        check(text);
        check(respaced(text, spaces));
        // A repeated key: JSON.parse keeps the last.
        check(text.replace(/^\{/, '{"n":1,"o":{"a":2},'));
      }),
      { numRuns: 1000 },
    );
  });

  it('never answers for text JSON.parse refuses: cut, spliced or garbled lines', () => {
    fc.assert(
      fc.property(objectArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 3 }), (value, at, bytes) => {
        const text = Buffer.from(JSON.stringify(value), 'utf8');
        const cut = at % (text.length + 1);
        check(text.subarray(0, cut));
        check(Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]));
        const changed = Buffer.from(text);
        if (changed.length > 0) changed[cut % changed.length] = bytes[0];
        check(changed);
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses what JSON.parse refuses inside skipped values too', () => {
    for (const bad of [
      '{"x":[1,2,],"n":1}', '{"x":{"a":1,},"n":1}', '{"x":01,"n":1}', '{"x":1.,"n":1}', '{"x":.5,"n":1}', '{"x":+1,"n":1}',
      '{"x":"\t","n":1}', '{"x":"\\q","n":1}', '{"x":"\\u12","n":1}', '{"x":tru,"n":1}', '{"x":nul,"n":1}', '{"x":[1 2],"n":1}',
      '{"x":{"a" 1},"n":1}', '{"x":{1:2},"n":1}', '{"x":[}],"n":1}', '{"n":1}x', '{"n":1,}', '{"n"}', '{"x":"a\u0001"}', '{"n":1e}',
      '{"x":[1]]}', '{"x":NaN}', '{"x":-}', "{'n':1}",
    ]) {
      check(bad);
      assert.equal(picker.pick(Buffer.from(bad), 0, Buffer.byteLength(bad)), undefined, bad);
    }
  });

  it('reads numbers as JSON.parse does (zero fractions, exponents, signs, long digits)', () => {
    for (const n of ['19.0', '0.000', '1.50', '-3.0', '10.0e1', '7.00E-2', '0', '-0', '123456789012345', '1234567890123456789', '100.0000000000001', '2.0000000000000000001']) {
      check(`{"n":${n},"o":{"b":{"c":${n}}}}`);
      assert.equal((picker.pick(Buffer.from(`{"n":${n}}`), 0, n.length + 6) as { n: number }).n, JSON.parse(n), n);
    }
  });

  it('leaves an escaped key, deep nesting and invalid UTF-8 between tokens to JSON.parse', () => {
    assert.equal(picker.pick(Buffer.from('{"typ\\u0065":"a"}'), 0, 18), undefined);
    const deep = `{"x":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)},"n":1}`;
    assert.equal(picker.pick(Buffer.from(deep), 0, deep.length), undefined);
    const fine = `{"x":${'['.repeat(MAX_JSON_DEPTH - 2)}${']'.repeat(MAX_JSON_DEPTH - 2)},"n":1}`;
    assert.deepEqual(picker.pick(Buffer.from(fine), 0, fine.length), { n: 1 });
    const spliced = Buffer.concat([Buffer.from('{"n":1,'), Buffer.from([0xff]), Buffer.from('"s":"a"}')]);
    assert.equal(picker.pick(spliced, 0, spliced.length), undefined);
    // Inside a string, bytes that are not UTF-8 read as JSON.parse of the decoded text reads them.
    const inString = Buffer.concat([Buffer.from('{"s":"a'), Buffer.from([0xff, 0xe2]), Buffer.from('","n":2}')]);
    check(inString);
    assert.deepEqual(picker.pick(inString, 0, inString.length), { s: 'a\ufffd\ufffd', n: 2 });
  });

  it('stops at the deciding field when it rules the line out, and reads on when it does not', () => {
    const lines = new FieldPicker({ type: true, n: true }, { key: 'type', accept: ['assistant'] });
    const user = '{"type":"user","n":1,"rest":[unparsed';
    assert.equal(lines.pick(Buffer.from(user), 0, user.length), NOT_WANTED);
    const assistant = '{"x":[1,{"type":"user"}],"type":"assistant","n":3}';
    assert.deepEqual(lines.pick(Buffer.from(assistant), 0, assistant.length), { type: 'assistant', n: 3 });
    const numeric = '{"type":7,"n":3}';
    assert.deepEqual(lines.pick(Buffer.from(numeric), 0, numeric.length), { type: 7, n: 3 });
  });

  it('reads a field inside a range of a larger buffer without looking past its end', () => {
    const text = '{"n":12}{"n":34}';
    assert.deepEqual(picker.pick(Buffer.from(text), 8, 16), { n: 34 });
    assert.equal(picker.pick(Buffer.from(text), 0, 7), undefined);
    const open = '{"s":"ab';
    assert.equal(picker.pick(Buffer.from(open + '"}'), 0, open.length), undefined);
  });

  it('reads long strings as JSON.parse does whatever byte ends a run and wherever it falls (read or skipped, any alignment)', () => {
    // Strings long enough to be passed four bytes at a time, with a quote, backslash, control, DEL or non-ASCII byte
    // at every place, escaped or raw, at each alignment of the line in its buffer; then cut short of its end.
    const specials = ['"', '\\', '\\n', '\\u0041', '\\"', '\u0001', '\u001f', ' ', '\u007f', 'é', '✓'];
    let checked = 0;
    for (const length of [15, 16, 17, 19, 20, 23, 40]) {
      for (let at = 0; at < length; at++) {
        for (const special of specials) {
          const body = 'x'.repeat(at) + special + 'y'.repeat(length - at);
          for (const line of [`{"s":"${body}","n":1}`, `{"x":"${body}","n":1}`]) {
            for (let pad = 0; pad < 4; pad++) {
              const buf = Buffer.concat([Buffer.alloc(pad, 0x22), Buffer.from(line), Buffer.from('"\n')]);
              let expected: unknown;
              try {
                expected = project(JSON.parse(line), shape);
              } catch {
                expected = undefined;
              }
              const picked = picker.pick(buf, pad, pad + Buffer.byteLength(line));
              assert.deepEqual(picked, expected, `${JSON.stringify(line)} at ${pad}`);
              // Cut inside the string: never an answer.
              assert.equal(picker.pick(buf, pad, pad + 6 + at), undefined, `${JSON.stringify(line)} cut`);
              checked++;
            }
          }
        }
      }
    }
    assert.ok(checked > 5000);
  });
});
