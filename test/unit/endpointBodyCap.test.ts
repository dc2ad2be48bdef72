// Issue 17 item 12: an endless response body is bounded in memory, not only in time.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EndpointError, httpGet, MAX_BODY_BYTES } from '../../src/sources/endpoints/http';

describe('HTTP body cap (issue 17 #12)', () => {
  let server: http.Server;
  let url: string;
  let sentBytes = 0;
  let mode: 'endless' | 'declared' | 'small' = 'endless';

  before(async () => {
    server = http.createServer((_req, res) => {
      sentBytes = 0;
      if (mode === 'small') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`\ufeff${JSON.stringify({ spend: 1, pad: 'x'.repeat(MAX_BODY_BYTES - 100) })}`);
        return;
      }
      if (mode === 'declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * MAX_BODY_BYTES) });
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
      }
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sentBytes += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/key/info`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  async function expectTooBig(): Promise<EndpointError> {
    const started = Date.now();
    const err = await httpGet(url, {}, 'LiteLLM', { nowMs: 0, timeoutMs: 30_000 }).then(
      () => assert.fail('an endless body must not be accepted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof EndpointError, String(err));
    assert.equal(err.kind, 'format');
    assert.match(err.message, /over 1024 KB.*Check the URL/);
    assert.ok(Date.now() - started < 10_000, 'stops reading at the cap, not at the timeout');
    return err;
  }

  it('stops reading an endless body at 1 MB instead of buffering until the timeout', async () => {
    mode = 'endless';
    await expectTooBig();
    // What the server got out before the client hung up: the cap plus socket buffers, not gigabytes.
    assert.ok(sentBytes < 32 * MAX_BODY_BYTES, `${sentBytes} bytes sent`);
  });

  it('refuses a declared Content-Length over the cap without reading it', async () => {
    mode = 'declared';
    await expectTooBig();
  });

  it('still reads a body just under the cap (a byte-order mark dropped as before)', async () => {
    mode = 'small';
    const res = await httpGet(url, {}, 'LiteLLM', { nowMs: 0 });
    assert.equal(JSON.parse(res.text).spend, 1);
  });
});
