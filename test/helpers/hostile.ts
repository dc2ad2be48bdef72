// Hostile inputs shared by the issue 17 regression tests.
import { strict as assert } from 'node:assert';

/** A key as a LiteLLM gateway would hold it. */
export const KEY = 'sk-litellm-0123456789abcdefSECRET';

/** Every ≥8-character prefix of the key a reader could use. */
export function assertNoKeyPrefix(text: string): void {
  for (let n = 8; n <= KEY.length; n++) assert.ok(!text.includes(KEY.slice(0, n)), `contains ${n} chars of the key: ${text}`);
}

/** A name with every trick: OSC title, clear screen, OSC 8 link, carriage return, newline, CSI as C1, bidi override. */
export const HOSTILE = 'x\u001b]0;pwned\u0007\u001b[2J\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\\r\nfake row\u009b31m\u202egnp.exe';

/** No byte a terminal acts on: C0 (but the newline ending each line), DEL, C1, bidi overrides. */
export function assertInert(text: string, where: string): void {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.exec(text);
  assert.equal(bad, null, `${where} has ${JSON.stringify(bad?.[0])}: ${JSON.stringify(text.slice(0, 400))}`);
}
