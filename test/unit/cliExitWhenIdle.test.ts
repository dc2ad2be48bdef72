// The CLI's early exit (src/cli/exitWhenIdle.ts): only once nothing is pending, with the exit code set and the 'exit'
// handlers run, in a child process (one spawn, ~1 s with tsx).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exitWhenIdle } from '../../src/cli/exitWhenIdle';

const repo = path.resolve(__dirname, '../..');

describe('exitWhenIdle', function () {
  this.timeout(60_000);

  it('exits once pending work is done (a late timer, a late write), with the exit code set and exit handlers run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-exit-'));
    try {
      const script = path.join(dir, 'child.ts');
      const done = path.join(dir, 'done.txt');
      fs.writeFileSync(script, [
        `import { writeFileSync } from 'node:fs';`,
        `import { exitWhenIdle } from ${JSON.stringify(path.join(repo, 'src/cli/exitWhenIdle.ts'))};`,
        `exitWhenIdle();`,
        `process.on('exit', (code) => process.stdout.write('exit handler ' + code + '\\n'));`,
        // Work still pending when the command's own code has returned: a timer, then a write after it.
        `setTimeout(() => { writeFileSync(${JSON.stringify(done)}, 'done'); process.stdout.write('late output\\n'); process.exitCode = 3; }, 200);`,
        `process.stdout.write('first output\\n');`,
      ].join('\n'));
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
      assert.equal(fs.readFileSync(done, 'utf8'), 'done');
      assert.equal(r.stdout, 'first output\nlate output\nexit handler 3\n');
      assert.equal(r.status, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks for the exit only when the event loop is empty (beforeExit), once', () => {
    const calls: string[] = [];
    const handlers = new Map<string, () => void>();
    const fake = { once: (event: string, f: () => void) => void handlers.set(event, f), exit: () => void calls.push('exit') };
    exitWhenIdle(fake as unknown as Pick<NodeJS.Process, 'once' | 'exit'>);
    assert.deepEqual([...handlers.keys()], ['beforeExit']);
    assert.deepEqual(calls, []);
    handlers.get('beforeExit')!();
    assert.deepEqual(calls, ['exit']);
  });
});

