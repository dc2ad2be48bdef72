// Issue 17 item 13, end to end: the real CLI with `--wrap 'sleep 20; echo hi'` exits at its 2 s
// timeout (it used to block 20 s: the shell's child kept the pipe open).
import { strict as assert } from 'node:assert';
import { runCli } from '../helpers/cliRun';

describe('stress: tokenmeter statusline --wrap overrunning its timeout', function () {
  this.timeout(60_000);
  it('exits soon after the 2 s timeout, saying so on stderr', async () => {
    const r = await runCli(['statusline', '--no-record', '--wrap', 'sleep 20; echo hi'], { SHELL: '/bin/sh' }, { input: '{"model":{"id":"m"}}', timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /timed out after 2 s/);
    assert.ok(r.elapsedMs < 10_000, `took ${r.elapsedMs} ms`);
    assert.doesNotMatch(r.stdout, /hi/);
  });
});
