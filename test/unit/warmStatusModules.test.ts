// What a warm `tokenmeter status` loads when there is nothing new to read: not node:v8 (the young generation's cap
// is for a scan) nor node:perf_hooks. The CLI bundle built from the sources (helpers/cliBundle.ts), code cache and
// all, in a child process, as a user runs the command.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedCli, unitCommands } from '../helpers/cliBundle';
import { claudeAssistantLine } from '../helpers/logLines';

const repo = path.resolve(__dirname, '../..');

describe('warm status with nothing new to read', function () {
  this.timeout(120_000);
  let dir: string;
  let cliJs: string;
  before(async () => {
    cliJs = await sharedCli(unitCommands);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-warm-modules-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads neither node:v8 nor node:perf_hooks, and prints what the run before it printed', () => {
    const project = path.join(dir, 'claude', 'projects', '-home-dev-repo');
    fs.mkdirSync(project, { recursive: true });
    fs.mkdirSync(path.join(dir, 'codex'));
    const nowMs = Date.now();
    const file = path.join(project, 's1.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) => claudeAssistantLine({ id: `m${i}`, model: 'claude-sonnet-4-5-20250929', usage: { input: 10 + i, output: 5 * i, cacheWrite: 100, cacheRead: 1000 }, timestamp: new Date(nowMs - (3 + i / 2) * 86_400_000).toISOString() }));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const old = new Date(nowMs - 3 * 86_400_000);
    fs.utimesSync(file, old, old);
    // Preloaded: the built-in modules the command loaded, written at exit.
    const preload = path.join(dir, 'modules.cjs');
    fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n");
    const run = (k: number) => {
      const out = path.join(dir, `modules-${k}.txt`);
      const r = spawnSync(process.execPath, ['-r', preload, cliJs, 'status', '--json', '--timezone', 'UTC'], {
        cwd: repo, encoding: 'utf8', timeout: 60_000,
        env: { ...process.env, HOME: path.join(dir, 'home'), CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_CACHE_DIR: path.join(dir, 'cache'), TOKENMETER_SETTINGS: '', MODULES_OUT: out },
      });
      assert.equal(r.status, 0, r.stderr);
      const modules = fs.readFileSync(out, 'utf8').split('\n');
      const json = JSON.parse(r.stdout) as Record<string, unknown>;
      return { modules, counts: [json.month, json.week, json.requestCount] };
    };
    const loads = (modules: string[], name: string) => modules.includes(`NativeModule ${name}`);
    // The first run reads the logs (the cap is set as it reads); the second writes the rollup; the third reads both.
    const first = run(1);
    assert.ok(loads(first.modules, 'v8'), 'a run that reads logs caps the young generation');
    const second = run(2);
    const third = run(3);
    assert.ok(!loads(third.modules, 'v8'), 'node:v8 loaded by a warm status');
    assert.ok(!loads(third.modules, 'perf_hooks'), 'node:perf_hooks loaded by a warm status');
    assert.deepEqual(third.counts, second.counts);
    assert.deepEqual(third.counts, first.counts);
    assert.equal(third.counts[2], 40, 'every request of the last month is counted');
  });
});
