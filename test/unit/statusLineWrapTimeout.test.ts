// Issue 17 item 13: `statusline --wrap` must stop at its timeout even when the wrapped shell's
// child keeps the pipe open (`sleep 20; echo hi`), and leave no process behind.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { runWrapped } from '../../src/cli/statusline';

/** Whether a process whose command line contains `marker` is running. */
function running(marker: string): boolean {
  try {
    return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.includes(marker) && !l.includes('ps -eo'));
  } catch {
    return false;
  }
}

describe('statusline --wrap timeout (issue 17 #13)', () => {
  it('returns at the timeout and kills the whole process group, grandchildren included', async () => {
    const marker = `${17 + Math.floor(Date.now() % 1000) / 1000}`;
    const started = Date.now();
    const result = await runWrapped(`sleep ${marker}; echo hi`, '{}', { ...process.env, SHELL: '/bin/sh' }, 300);
    const tookMs = Date.now() - started;
    assert.match(result.error ?? '', /timed out after 0.3 s/);
    assert.equal(result.out, '');
    assert.ok(tookMs < 3_000, `returned after ${tookMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!running(`sleep ${marker}`), 'the grandchild sleep was killed');
  });

  it('still returns the output of a command that finishes in time', async () => {
    const result = await runWrapped('cat >/dev/null; echo mine', '{}', { ...process.env, SHELL: '/bin/sh' }, 5_000);
    assert.deepEqual(result, { out: 'mine\n', error: undefined });
  });
});
