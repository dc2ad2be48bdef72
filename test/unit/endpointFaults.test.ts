// Budget endpoints failing for real on 127.0.0.1: refused connections, resets mid-body, a server that
// drips one byte at a time, a 10 MB garbage body, redirects (same host, other host, loops), TLS with a
// self-signed certificate, and skewed clocks in Retry-After and reset times. The poller must keep the
// last good value marked stale with the reason, back off, and recover; the key never leaves the origin.
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import type { EndpointSourceConfig } from '../../src/core/endpointConfig';
import { endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { BudgetPoller, EndpointError, fetchSourceReadings } from '../../src/sources/endpoints';
import { closedPortUrl, selfSignedCert, sendJson, startHttp, startHttps, startRaw, type LocalServer } from '../helpers/faultServer';

const KEY = 'sk-faults-KEY-77aa88bb99cc';
const NOW_MS = Date.UTC(2026, 10, 24, 23, 0, 0);
const keyInfo = { key: KEY, info: { spend: 12.5, max_budget: 50, budget_reset_at: '2026-12-01T00:00:00Z' } };

function litellm(baseUrl: string, extra: Record<string, unknown> = {}): EndpointSourceConfig {
  return endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl, includeTeam: false, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<EndpointError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EndpointError, `expected an EndpointError, got ${String(err)}`);
    assert.ok(!err.message.includes(KEY), `message leaks the key: ${err.message}`);
    return err;
  }
  return assert.fail('expected the poll to fail');
}

const deps = (timeoutMs = 2_000) => ({ apiKey: KEY, nowMs: NOW_MS, timeoutMs });

describe('endpoint faults against real local servers', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function http(handler: Parameters<typeof startHttp>[0]): Promise<LocalServer> {
    const s = await startHttp(handler);
    servers.push(s);
    return s;
  }

  it('connection refused is a network error naming the fix', async () => {
    const err = await failure(fetchSourceReadings(litellm(await closedPortUrl()), deps()));
    assert.equal(err.kind, 'network');
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, /Check the URL/);
  });

  it('a connection reset in the middle of the body is a network error, not a half reading', async () => {
    const raw = await startRaw((socket: Socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n{"info":{"spend":1');
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    servers.push(raw);
    const err = await failure(fetchSourceReadings(litellm(raw.url), deps()));
    assert.equal(err.kind, 'network');
  });

  it('a server that closes before answering is a network error', async () => {
    const raw = await startRaw((socket: Socket) => socket.once('data', () => socket.destroy()));
    servers.push(raw);
    assert.equal((await failure(fetchSourceReadings(litellm(raw.url), deps()))).kind, 'network');
  });

  it('a slow drip (one byte every 100 ms, forever) times out on time, body included', async () => {
    const s = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const drip = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const err = await failure(fetchSourceReadings(litellm(s.url, { timeoutMs: 800 }), deps(800)));
    const tookMs = Date.now() - started;
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /0\.8 s/);
    assert.ok(tookMs >= 700 && tookMs < 3_000, `took ${tookMs} ms`);
  });

  it('a 10 MB garbage body is a format error, and the process survives it', async () => {
    const garbage = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
    const s = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(garbage);
    });
    const err = await failure(fetchSourceReadings(litellm(s.url), deps(10_000)));
    assert.equal(err.kind, 'format');
    assert.ok(err.message.length < 500);
  });

  it('never follows a redirect to another host with the key; the other host sees no request', async () => {
    const elsewhere = await http((_req, res) => sendJson(res, 200, keyInfo));
    const s = await http((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/key/info?stolen=${KEY}` });
      res.end();
    });
    const err = await failure(fetchSourceReadings(litellm(s.url), deps()));
    assert.equal(err.kind, 'redirect');
    assert.equal(elsewhere.requests.length, 0);
    assert.match(err.message, /the key was not sent there/);
  });

  it('follows a redirect within the same origin, and stops a redirect loop', async () => {
    const s = await http((req, res) => {
      if (req.url?.startsWith('/moved')) return sendJson(res, 200, keyInfo);
      if (req.url?.startsWith('/loop')) {
        res.writeHead(307, { location: '/loop' });
        return res.end();
      }
      res.writeHead(301, { location: '/moved/key/info' });
      res.end();
    });
    const [reading] = await fetchSourceReadings(litellm(s.url), deps());
    assert.equal(reading.spentUsd, 12.5);
    assert.ok(s.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));
    const loop = await http((_req, res) => {
      res.writeHead(307, { location: '/loop' });
      res.end();
    });
    const err = await failure(fetchSourceReadings(litellm(loop.url), deps()));
    assert.equal(err.kind, 'redirect');
    assert.ok(loop.requests.length <= 5, `${loop.requests.length} requests`);
  });

  it('a redirect from https to http on the same host counts as another origin', async () => {
    const tls = selfSignedCert();
    const plain = await http((_req, res) => sendJson(res, 200, keyInfo));
    const secure = await startHttps((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${plain.port}/key/info` });
      res.end();
    }, tls);
    servers.push(secure);
    // Trust the throwaway certificate for this one request: node's TLS reads this variable at connect time.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const warn = process.emitWarning;
    process.emitWarning = () => undefined;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const err = await failure(fetchSourceReadings(litellm(secure.url), deps()));
      assert.equal(err.kind, 'redirect');
      assert.equal(secure.requests.length, 1, 'the https server was asked');
      assert.equal(plain.requests.length, 0, 'the plain http server never saw the key');
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      process.emitWarning = warn;
    }
  });

  it('a self-signed certificate is a network error naming the TLS problem, and the key is never sent', async () => {
    const tls = selfSignedCert();
    const secure = await startHttps((_req, res) => sendJson(res, 200, keyInfo), tls);
    servers.push(secure);
    const err = await failure(fetchSourceReadings(litellm(secure.url), deps()));
    assert.equal(err.kind, 'network');
    assert.match(err.message, /SELF_SIGNED|certificate/i);
    assert.equal(secure.requests.length, 0, 'no request got past the handshake');
  });

  describe('the poller: stale-but-marked values, backoff, recovery', () => {
    function poller(config: EndpointSourceConfig, clock: { ms: number }, extra: Partial<ConstructorParameters<typeof BudgetPoller>[0]> = {}) {
      return new BudgetPoller({
        sources: [{ id: 'gw', config, getApiKey: async () => KEY }],
        pollIntervalMs: 60_000,
        jitterRatio: 0,
        retryBaseMs: 5_000,
        maxBackoffMs: 15 * 60_000,
        timeoutMs: 600,
        now: () => clock.ms,
        ...extra,
      });
    }

    it('keeps the last good value marked stale through every kind of failure, backs off, then recovers', async () => {
      let mode: 'ok' | 'html500' | 'garbage' | 'hang' | 'reset' = 'ok';
      const s = await http((req, res) => {
        switch (mode) {
          case 'ok':
            return sendJson(res, 200, keyInfo);
          case 'html500':
            res.writeHead(500, { 'content-type': 'text/html' });
            return res.end(`<html>${KEY}</html>`);
          case 'garbage':
            res.writeHead(200, { 'content-type': 'application/json' });
            return res.end('{"info": [1, 2');
          case 'hang':
            return; // never answers
          case 'reset':
            return req.socket.resetAndDestroy();
        }
      });
      const clock = { ms: NOW_MS };
      const p = poller(litellm(s.url), clock);
      const changes: { error?: { kind: string }; recovered: boolean; isNewError: boolean; nextPollAtMs?: number }[] = [];
      p.onDidChange((c) => changes.push(c));
      try {
        const [good] = await p.refreshNow();
        assert.equal(good.stale, false);
        assert.equal(good.spentUsd, 12.5);
        const delays: number[] = [];
        for (const next of ['html500', 'garbage', 'hang', 'reset'] as const) {
          mode = next;
          clock.ms += 1_000;
          const [r] = await p.refreshNow();
          assert.equal(r.stale, true, `${next}: marked stale`);
          assert.equal(r.spentUsd, 12.5, `${next}: last good value kept`);
          assert.equal(r.limitUsd, 50);
          assert.ok(r.error && !r.error.includes(KEY), `${next}: reason without the key: ${r.error}`);
          const change = changes[changes.length - 1];
          assert.ok(change.error, `${next}: the change carries the error`);
          delays.push((change.nextPollAtMs ?? 0) - clock.ms);
        }
        assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000], 'exponential backoff');
        assert.deepEqual(changes.slice(1).map((c) => c.error?.kind), ['server', 'format', 'timeout', 'network']);
        mode = 'ok';
        clock.ms += 1_000;
        const [back] = await p.refreshNow();
        assert.equal(back.stale, false);
        assert.equal(back.error, undefined);
        assert.equal(changes[changes.length - 1].recovered, true);
        assert.equal((changes[changes.length - 1].nextPollAtMs ?? 0) - clock.ms, 60_000, 'back to the normal interval');
      } finally {
        p.dispose();
      }
    });

    it('reports one new error per change of reason, not on every failed poll', async () => {
      const s = await http((_req, res) => sendJson(res, 503, { error: { message: 'down' } }));
      const clock = { ms: NOW_MS };
      const p = poller(litellm(s.url), clock);
      const fresh: boolean[] = [];
      p.onDidChange((c) => fresh.push(c.isNewError));
      try {
        for (let i = 0; i < 4; i++) await p.refreshNow();
        assert.deepEqual(fresh, [true, false, false, false]);
        const [r] = p.readings();
        assert.equal(r.stale, false, 'never answered: an error reading, not a stale value');
        assert.equal(r.spentUsd, undefined);
      } finally {
        p.dispose();
      }
    });

    it('survives skewed clocks in Retry-After: a date in the past waits at least 1 s, one far ahead is capped', async () => {
      let retryAfter = '';
      const s = await http((_req, res) => sendJson(res, 429, { error: { message: 'slow down' } }, { 'retry-after': retryAfter }));
      const clock = { ms: NOW_MS };
      const p = poller(litellm(s.url), clock);
      let next = 0;
      p.onDidChange((c) => (next = (c.nextPollAtMs ?? 0) - clock.ms));
      try {
        const cases: [string, number][] = [
          [new Date(NOW_MS - 3_600_000).toUTCString(), 1_000], // server clock an hour behind
          [new Date(NOW_MS + 30_000).toUTCString(), 30_000],
          [new Date(NOW_MS + 400 * 86_400_000).toUTCString(), 15 * 60_000], // a year ahead: capped
          ['99999999999', 15 * 60_000],
          ['0', 1_000],
          ['-5', 5_000 * 2 ** 5], // neither seconds nor a date: plain backoff, 6th failure in a row
          ['soon', 5_000 * 2 ** 6], // unreadable: plain backoff, 7th failure in a row
        ];
        for (const [value, expected] of cases) {
          retryAfter = value;
          await p.refreshNow();
          assert.equal(next, expected, `Retry-After: ${value}`);
        }
      } finally {
        p.dispose();
      }
    });

    it('shows a reset time the server reports in the past (its clock is behind) as is, without failing', async () => {
      const s = await http((_req, res) => sendJson(res, 200, { info: { spend: 3, max_budget: 10, budget_reset_at: '2020-01-01T00:00:00Z' } }));
      const [r] = await fetchSourceReadings(litellm(s.url), deps());
      assert.equal(r.resetsAt, '2020-01-01T00:00:00.000Z');
      assert.equal(r.remainingUsd, 7);
      assert.equal(r.fetchedAtMs, NOW_MS);
    });

    it('dispose() during a hanging request aborts it and emits nothing afterwards', async () => {
      const s = await http(() => undefined);
      const clock = { ms: NOW_MS };
      const p = poller(litellm(s.url), clock, { timeoutMs: 30_000 });
      let emitted = 0;
      p.onDidChange(() => emitted++);
      const pending = p.refreshNow();
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      p.dispose();
      await pending;
      assert.ok(Date.now() - started < 2_000, 'the request was aborted, not waited out');
      assert.equal(emitted, 0);
    });
  });
});
