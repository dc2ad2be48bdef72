// Issue 17 item 1: a key echoed by a server must not survive redaction when the message is clipped.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { redactSecrets } from '../../src/core/budgetReading';
import { ensureOk, EndpointError, serverMessage, type HttpResult } from '../../src/sources/endpoints/http';
import { runCli } from '../helpers/cliRun';

const KEY = 'sk-litellm-0123456789abcdefSECRET';

function errorResult(message: string): HttpResult {
  return {
    status: 400,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: JSON.stringify({ error: { message } }),
    url: 'http://127.0.0.1:1/key/info',
  };
}

/** Every ≥8-character prefix of the key a reader could use. */
function assertNoKeyPrefix(text: string): void {
  for (let n = 8; n <= KEY.length; n++) assert.ok(!text.includes(KEY.slice(0, n)), `contains ${n} chars of the key: ${text}`);
}

describe('redaction happens before clipping (issue 17 #1)', () => {
  it('redacts a key that straddles the 157-character clip point of a server message', () => {
    for (let cut = 1; cut < KEY.length; cut++) {
      const pad = 'A'.repeat(157 - KEY.length + cut);
      const said = serverMessage(JSON.stringify({ error: { message: `${pad}${KEY} tail` } }), [KEY]);
      assertNoKeyPrefix(said ?? '');
    }
  });

  it('ensureOk never puts any 8-character prefix of the key in its message', () => {
    for (let cut = 0; cut < KEY.length; cut++) {
      const pad = 'A'.repeat(157 - KEY.length + cut);
      let message = '';
      try {
        ensureOk(errorResult(`${pad}${KEY} tail`), 'LiteLLM', { nowMs: 0, apiKey: KEY });
      } catch (err) {
        assert.ok(err instanceof EndpointError);
        message = err.message;
      }
      assert.match(message, /Server said/);
      assertNoKeyPrefix(message);
    }
  });

  it('redacts partial keys: any 8-or-more-character prefix, also URL-encoded', () => {
    assert.equal(redactSecrets(`x ${KEY.slice(0, 8)} y`, [KEY]), 'x [redacted] y');
    assert.equal(redactSecrets(`x ${KEY.slice(0, 20)}`, [KEY]), 'x [redacted]');
    assert.equal(redactSecrets(`${KEY}${KEY}`, [KEY]), '[redacted][redacted]');
    assert.equal(redactSecrets(`x ${KEY.slice(0, 7)} y`, [KEY]), `x ${KEY.slice(0, 7)} y`, 'a 7-character prefix is too short to be the key');
    const odd = 'k3y/with+slash=and';
    assert.equal(redactSecrets(`u=${encodeURIComponent(odd).slice(0, 12)}`, [odd]), 'u=[redacted]');
    assert.equal(redactSecrets('short abcd here', ['abcd']), 'short [redacted] here');
  });

  it('status --json --config does not print the key a LiteLLM-shaped server echoes at the clip point', async function () {
    this.timeout(30_000);
    const cut = 1;
    const server = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `${'A'.repeat(157 - KEY.length + cut)}${KEY} tail` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-redact-'));
    try {
      const config = path.join(dir, 'budgets.json');
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      fs.writeFileSync(config, JSON.stringify({ sources: [{ type: 'litellm', name: 'gw', baseUrl, apiKeyEnv: 'LITELLM_API_KEY', includeTeam: false }] }));
      const r = await runCli(['status', '--json', '--config', config], {
        LITELLM_API_KEY: KEY, HOME: dir, CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_STATE_DIR: path.join(dir, 'state'),
      });
      assert.match(r.stdout, /Server said/, r.stdout + r.stderr);
      assertNoKeyPrefix(r.stdout + r.stderr);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
