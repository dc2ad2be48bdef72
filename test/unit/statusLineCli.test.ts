import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineLines, run, type StatusLineIo } from '../../src/cli/statusline';
import { parseSnapshot } from '../../src/core/claudeStatusLine';
import { defaultStateDir, readStatusLineSnapshot, readStatusLineSnapshotAsync, writeStatusLineSnapshot } from '../../src/sources/statusLineStore';

const INPUT = readFileSync(join(__dirname, '../fixtures/endpoints/claude-statusline-input.json'), 'utf8');
const NOW = Date.UTC(2025, 10, 25, 10, 0);

function fakeIo(stdin: string, env: Record<string, string | undefined>): StatusLineIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    readStdin: async () => stdin,
    write: (t: string) => {
      io.out += t;
    },
    writeError: (t: string) => {
      io.err += t;
    },
    env,
    nowMs: () => NOW,
    utcOffsetMinutes: () => 0,
  };
  return io;
}

describe('tokenmeter statusline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenmeter-sl-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the compact line and records the snapshot atomically', async () => {
    const io = fakeIo(INPUT, { TOKENMETER_STATE_DIR: dir, PATH: process.env.PATH });
    assert.equal(await run([], io), 0);
    assert.equal(io.out, '5h 42% (resets 14:10) · 7d 18% · $3.20 session\n');
    assert.equal(io.err, '');
    const snap = readStatusLineSnapshot(dir);
    assert.deepEqual(snap?.fiveHour, { usedPercentage: 42.3, resetsAtMs: 1764079800000 });
    assert.equal(snap?.recordedAtMs, NOW);
    assert.deepEqual(readdirSync(dir), ['claude-statusline.json'], 'no temp files left behind');
    assert.deepEqual(await readStatusLineSnapshotAsync(dir), snap);
  });

  it('runs the wrapped command with the same stdin and shows its output first', async () => {
    const script = join(dir, 'user.js');
    writeFileSync(script, "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log('['+JSON.parse(s).model.display_name+']'))");
    const io = fakeIo(INPUT, { TOKENMETER_STATE_DIR: dir, PATH: process.env.PATH });
    assert.equal(await run(['--wrap', `node '${script}'`], io), 0);
    assert.equal(io.out, '[Opus 4.1] │ 5h 42% (resets 14:10) · 7d 18% · $3.20 session\n');
  });

  it('still prints its own line when the wrapped command hangs', async function () {
    this.timeout(10_000);
    const io = fakeIo(INPUT, { TOKENMETER_STATE_DIR: dir, PATH: process.env.PATH });
    const started = Date.now();
    assert.equal(await run(['--wrap=sleep 30'], io), 0);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(io.out, '5h 42% (resets 14:10) · 7d 18% · $3.20 session\n');
    assert.match(io.err, /timed out/);
  });

  it('prints the line even when the state folder cannot be written', async () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const io = fakeIo(INPUT, { PATH: process.env.PATH });
    assert.equal(await run(['--state-dir', join(blocker, 'sub')], io), 0);
    assert.match(io.out, /^5h 42%/);
    assert.match(io.err, /Could not record the status line snapshot/);
  });

  it('records nothing without rate limits, and nothing with --no-record', async () => {
    const raw = JSON.parse(INPUT);
    delete raw.rate_limits;
    const io = fakeIo(JSON.stringify(raw), { TOKENMETER_STATE_DIR: dir });
    await run([], io);
    assert.equal(io.out, '$3.20 session\n');
    await run(['--no-record'], fakeIo(INPUT, { TOKENMETER_STATE_DIR: dir }));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('survives garbage on stdin', async () => {
    const io = fakeIo('not json', { TOKENMETER_STATE_DIR: dir });
    assert.equal(await run([], io), 0);
    assert.equal(io.out, '');
  });

  it('rejects unknown options with usage', async () => {
    const io = fakeIo('', {});
    assert.equal(await run(['--bogus'], io), 2);
    assert.match(io.err, /unknown option --bogus/);
  });

  it('keeps the file whole while several processes write and one reads', async function () {
    this.timeout(20_000);
    writeStatusLineSnapshot(dir, { version: 1, recordedAtMs: 0, fiveHour: { usedPercentage: 1 } });
    const store = join(__dirname, '../../src/sources/statusLineStore.ts');
    const code =
      `const s=require(${JSON.stringify(store)});` +
      `for(let i=0;i<300;i++)s.writeStatusLineSnapshot(process.argv[1],{version:1,recordedAtMs:i,sessionId:'x'.repeat(2000),fiveHour:{usedPercentage:i%100}})`;
    const writers = Array.from({ length: 3 }, () =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code, dir], { stdio: 'ignore' }).on('close', resolve)),
    );
    let reads = 0;
    let done = false;
    void Promise.all(writers).then(() => (done = true));
    while (!done) {
      const text = readFileSync(join(dir, 'claude-statusline.json'), 'utf8');
      assert.ok(parseSnapshot(text), `a reader saw a partial file (${text.length} bytes)`);
      reads += 1;
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await Promise.all(writers), [0, 0, 0]);
    assert.ok(reads > 10);
    assert.deepEqual(readdirSync(dir), ['claude-statusline.json']);
  });

  it('joins a multi-line user status line with ours on its own line', () => {
    assert.equal(combineLines('a\nb\n', 'ours'), 'a\nb\nours');
    assert.equal(combineLines('', 'ours'), 'ours');
    assert.equal(combineLines('user\n', ''), 'user');
  });

  it('picks the platform state folder', () => {
    assert.equal(defaultStateDir({ TOKENMETER_STATE_DIR: '/x' }, 'linux', '/home/a'), '/x');
    assert.equal(defaultStateDir({}, 'linux', '/home/a'), '/home/a/.local/state/tokenmeter');
    assert.equal(defaultStateDir({ XDG_STATE_HOME: '/s' }, 'linux', '/home/a'), '/s/tokenmeter');
    assert.equal(defaultStateDir({}, 'darwin', '/Users/a'), '/Users/a/Library/Application Support/tokenmeter');
  });
});
