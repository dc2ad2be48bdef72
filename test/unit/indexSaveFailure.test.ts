// Issue 17 item 11: saving the index is an optimisation. A cache folder that cannot be written
// (here: a path that is a file, or an index path that is a folder, which stop root as well) must
// not make a report, or guard, exit 1 with no output.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeAssistantLine } from '../helpers/logLines';
import { runCli } from '../helpers/cliRun';

describe('index save failures are never fatal (issue 17 #11)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-indexsave-'));
    const project = path.join(dir, 'claude', 'projects', '-home-dev-repo');
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 's.jsonl'), `${claudeAssistantLine({ id: 'a', usage: { input: 1000, output: 10, cacheWrite: 0, cacheRead: 0 }, timestamp: '2026-12-01T10:00:00.000Z' })}\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = (cacheDir: string) => ({
    TOKENMETER_NO_INDEX: '', TOKENMETER_CACHE_DIR: cacheDir, HOME: dir,
    CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_STATE_DIR: path.join(dir, 'state'),
  });

  it('a cache folder that is a file: the report is printed, the failure said on stderr', async () => {
    const notADir = path.join(dir, 'cache-file');
    fs.writeFileSync(notADir, 'x');
    const r = await runCli(['daily', '--json'], env(notADir));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).totals.inputTokens, 1000);
    assert.match(r.stderr, /Could not save the usage index .*totals are unaffected/);
  });

  it('an index path that is a folder: guard still answers', async () => {
    const cache = path.join(dir, 'cache-dirs');
    // Every index file name this run could use is a folder.
    const first = await runCli(['daily', '--json'], env(cache));
    assert.equal(first.code, 0, first.stderr);
    for (const name of fs.readdirSync(cache)) {
      fs.rmSync(path.join(cache, name), { force: true });
      fs.mkdirSync(path.join(cache, name));
    }
    const daily = await runCli(['daily', '--json'], env(cache));
    assert.equal(daily.code, 0, daily.stderr);
    assert.equal(JSON.parse(daily.stdout).totals.inputTokens, 1000);
    const guard = await runCli(['guard'], env(cache), { input: '{}' });
    assert.equal(guard.code, 0, guard.stderr);
  });
});
