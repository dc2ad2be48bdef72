import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimNotification } from '../../src/sources/notifyOnce';

describe('claimNotification: one notification across windows', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-notify-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets the first claim through and holds the same key back until its time to live has passed', () => {
    const now = Date.now();
    assert.equal(claimNotification(dir, 'threshold:a:80', now, 60_000), true);
    assert.equal(claimNotification(dir, 'threshold:a:80', now + 1_000, 60_000), false);
    assert.equal(claimNotification(dir, 'threshold:a:95', now + 1_000, 60_000), true, 'another key is independent');
    assert.equal(claimNotification(dir, 'threshold:a:80', now + 120_000, 60_000), true);
  });

  it('gives exactly one of several processes (run one after another) the claim', () => {
    const script = `const { claimNotification } = require(${JSON.stringify(path.join(__dirname, '../../src/sources/notifyOnce.ts'))});
      process.stdout.write(String(claimNotification(${JSON.stringify(dir)}, 'runaway:s1', Date.now(), 900000)));`;
    const runs = Array.from({ length: 4 }, () => spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' }));
    assert.deepEqual(runs.map((r) => r.stderr), ['', '', '', '']);
    assert.equal(runs.filter((r) => r.stdout === 'true').length, 1, runs.map((r) => r.stdout).join(','));
  });

  it('fails open when the state folder cannot be written: every claim goes through, nothing is written', () => {
    const now = Date.now();
    // The same key is held back where the folder is writable...
    assert.equal(claimNotification(dir, 'k', now, 60_000), true);
    assert.equal(claimNotification(dir, 'k', now + 1, 60_000), false);
    // ...and let through again and again where it is not (a file stands where the folder should be).
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    assert.equal(claimNotification(file, 'k', now, 60_000), true);
    assert.equal(claimNotification(file, 'k', now + 1, 60_000), true, 'no claim was recorded, so none can hold the next back');
    assert.equal(fs.readFileSync(file, 'utf8'), '', 'the file in the way is left as it was');
  });
});
