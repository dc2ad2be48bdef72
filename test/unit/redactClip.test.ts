// Issue 17 item 1: a key echoed by a server must not survive redaction when the message is clipped.
import { strict as assert } from 'node:assert';
import { redactSecrets } from '../../src/core/redactSecrets';
import { assertNoKeyPrefix, KEY } from '../helpers/hostile';
import { ensureOk, EndpointError, serverMessage, type HttpResult } from '../../src/sources/endpoints/http';


function errorResult(message: string): HttpResult {
  return {
    status: 400,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: JSON.stringify({ error: { message } }),
    url: 'http://127.0.0.1:1/key/info',
  };
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
});
