// Property tests for the budget endpoint adapters: whatever a (real, local) server answers — any
// status, arbitrary bytes, arbitrary JSON, the right shape with one hostile value — an adapter either
// returns well-formed readings or throws an EndpointError, and never puts the key in a message.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { BudgetReading } from '../../src/core/budgetReading';
import type { EndpointSourceConfig } from '../../src/core/endpointConfig';
import { budgetReadingSchema, endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { EndpointError, fetchCopilotQuota, fetchSourceReadings } from '../../src/sources/endpoints';
import { fixture } from '../fixtures/endpoints/server';
import { startHttp, type LocalServer } from '../helpers/faultServer';

const KEY = 'sk-fuzz-KEY-0a1b2c3d4e5f6789';
const NOW_MS = Date.UTC(2026, 10, 24, 23, 0, 0);
const runs = Number(process.env.TOKENMETER_FUZZ_RUNS) || 300;

interface Answer {
  status: number;
  body: string | Buffer;
  headers: Record<string, string>;
}

interface AdapterCase {
  name: string;
  /** A well-formed body, the seed for one-hostile-value mutations. */
  sample: string;
  run(baseUrl: string): Promise<unknown>;
}

function configFor(raw: unknown): EndpointSourceConfig {
  return endpointSourceConfigSchema.parse(raw);
}

const deps = { apiKey: KEY, nowMs: NOW_MS, timeoutMs: 5_000 };

const cases: AdapterCase[] = [
  { name: 'litellm', sample: fixture('litellm-key-info.json', KEY), run: (u) => fetchSourceReadings(configFor({ type: 'litellm', baseUrl: u, includeTeam: true }), deps) },
  { name: 'openrouter', sample: fixture('openrouter-key.json'), run: (u) => fetchSourceReadings(configFor({ type: 'openrouter', baseUrl: u }), deps) },
  { name: 'anthropic-admin', sample: fixture('anthropic-cost-report-page2.json'), run: (u) => fetchSourceReadings(configFor({ type: 'anthropic-admin', baseUrl: u, limitUsd: 100 }), deps) },
  { name: 'openai-admin', sample: fixture('openai-costs-page2-result.json'), run: (u) => fetchSourceReadings(configFor({ type: 'openai-admin', baseUrl: u, limitUsd: 100 }), deps) },
  { name: 'prometheus', sample: fixture('prometheus-vector.json'), run: (u) => fetchSourceReadings(configFor({ type: 'prometheus', baseUrl: u, query: 'sum(x)', limitUsd: 10 }), deps) },
  {
    name: 'json',
    sample: fixture('generic-budget.json'),
    run: (u) => fetchSourceReadings(configFor({ type: 'json', url: `${u}/budget`, fields: { remaining: 'data.budget.left', limit: 'data.budget.cap', resetsAt: 'data.budget.resets' } }), deps),
  },
  { name: 'copilot', sample: fixture('copilot-user.json'), run: (u) => fetchCopilotQuota(deps, `${u}/copilot_internal/user`) },
];

/** Values that break naive number, date and string handling. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(1e300, -1e300, 1e21, -1, -0, 0, 2 ** 53 + 1, 1e15, -1e15, 'NaN', 'Infinity', '-Infinity', '1e999', '', ' ', '0x10', '12abc', null, true, [], {}, '9'.repeat(400), '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00.001Z', KEY),
);

/** All paths to values inside a JSON document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaceAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const copy = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[at[0]] = replaceAt((value as Record<string | number, unknown>)[at[0]], at.slice(1), replacement);
  return copy;
}

function answerArb(sample: string): fc.Arbitrary<Answer> {
  const parsed = JSON.parse(sample) as unknown;
  const allPaths = paths(parsed);
  const mutated = fc.tuple(fc.nat({ max: allPaths.length - 1 }), hostileValue).map(([i, v]) => JSON.stringify(replaceAt(parsed, allPaths[i], v)));
  const body = fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 256 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '<html><body>login</body></html>', '{"error":{"message":"bad key ' + KEY + '","type":"budget_exceeded"}}', sample.slice(0, sample.length / 2)) },
  );
  const status = fc.oneof({ weight: 6, arbitrary: fc.constant(200) }, { weight: 3, arbitrary: fc.constantFrom(204, 400, 401, 402, 403, 404, 429, 500, 502, 503) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) });
  const headers = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain', 'application/octet-stream'),
      'retry-after': fc.oneof(fc.constantFrom('5', '0', '-3', '1e9', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', '99999999999999999999'), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
    },
    { requiredKeys: ['content-type'] },
  );
  return fc.record({ status, body, headers });
}

/** A reading must be what the UI can render: the schema, finite numbers, a real date. */
function assertSaneReading(r: BudgetReading): void {
  budgetReadingSchema.parse(r);
  for (const k of ['limitUsd', 'spentUsd', 'remainingUsd', 'fetchedAtMs'] as const) {
    if (r[k] !== undefined) assert.ok(Number.isFinite(r[k]), `${k} is ${r[k]}`);
  }
  if (r.resetsAt !== undefined) assert.ok(Number.isFinite(Date.parse(r.resetsAt)), `resetsAt ${r.resetsAt}`);
  assert.ok(!JSON.stringify(r).includes(KEY), 'a reading carries the key');
}

describe('fuzz: endpoint adapters answer hostile bodies with a reading or an EndpointError', () => {
  let server: LocalServer;
  let answer: Answer = { status: 200, body: '{}', headers: {} };
  const unexpected: string[] = [];

  before(async () => {
    server = await startHttp((_req, res) => {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  after(() => server.close());

  for (const c of cases) {
    it(`${c.name}: never throws anything but an EndpointError, never returns a malformed reading, never leaks the key`, async () => {
      await fc.assert(
        fc.asyncProperty(answerArb(c.sample), async (a) => {
          answer = a;
          let result: unknown;
          try {
            result = await c.run(server.url);
          } catch (err) {
            if (!(err instanceof EndpointError)) {
              unexpected.push(`${c.name}: ${String(err)} for ${String(a.body).slice(0, 200)}`);
              throw err;
            }
            assert.ok(!err.message.includes(KEY), `message leaks the key: ${err.message}`);
            assert.ok(err.message.length < 2_000, 'message is short');
            return;
          }
          if (Array.isArray(result)) {
            assert.ok(result.length >= 1);
            for (const r of result as BudgetReading[]) assertSaneReading(r);
          } else {
            const q = result as Record<string, unknown>;
            assert.ok(!JSON.stringify(q).includes(KEY), 'the quota carries the key');
            for (const [k, v] of Object.entries(q)) if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} is ${v}`);
          }
        }),
        { numRuns: runs },
      );
    });
  }

  // Found by the properties above; kept as plain cases so they fail every run if they come back.
  it('json: a reset time beyond the Date range is dropped, not a RangeError', async () => {
    answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { budget: { left: 1, cap: 2, resets: 1e300 } } }) };
    const [reading] = (await cases.find((c) => c.name === 'json')!.run(server.url)) as BudgetReading[];
    assert.equal(reading.resetsAt, undefined);
    assert.equal(reading.remainingUsd, 1);
  });

  it('anthropic-admin / openai-admin / prometheus: a key echoed in a value the message quotes is redacted', async () => {
    const bodies: Record<string, unknown> = {
      'anthropic-admin': { data: [{ starting_at: '2026-11-01T00:00:00Z', results: [{ amount: '1', currency: KEY }] }], has_more: false },
      'openai-admin': { data: [{ results: [{ amount: { value: 1, currency: `\u001b[31m${KEY}` } }] }], has_more: false },
      prometheus: { status: 'success', data: { resultType: 'scalar', result: [1, `${KEY}\n\u001b]0;pwned\u0007`] } },
    };
    for (const [name, body] of Object.entries(bodies)) {
      answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      await assert.rejects(cases.find((c) => c.name === name)!.run(server.url), (err: Error) => {
        assert.ok(err instanceof EndpointError, String(err));
        assert.ok(!err.message.includes(KEY), err.message);
        // eslint-disable-next-line no-control-regex -- the point is to find control characters
        assert.ok(!/[\u0000-\u001f]/.test(err.message), `control characters in ${JSON.stringify(err.message)}`);
        return true;
      });
    }
  });
});
