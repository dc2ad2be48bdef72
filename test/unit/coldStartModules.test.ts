// What a cold `tokenmeter daily` loads of Node's own modules (issue 19, fixed costs): node:crypto cost 10-22 ms of a
// cold run's ~110 ms over Node's start for the random names of the files the index save writes (indexFile.ts,
// randomHex). The CLI bundle built from the sources (helpers/cliBundle.ts), in a child process, as a user runs it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomHex } from '../../src/sources/indexFile';
import { sharedCli, unitCommands } from '../helpers/cliBundle';
import { claudeAssistantLine } from '../helpers/logLines';

describe('cold start: what a cold daily loads', function () {
  this.timeout(120_000);
  let dir: string;
  let cliJs: string;
  before(async () => {
    cliJs = await sharedCli(unitCommands);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-cold-modules-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], extraEnv: Record<string, string> = {}) => {
    const preload = path.join(dir, 'modules.cjs');
    fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n");
    const out = path.join(dir, 'modules.txt');
    const r = spawnSync(process.execPath, ['-r', preload, cliJs, ...args], {
      encoding: 'utf8', timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: path.join(dir, 'home'), CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), TOKENMETER_CACHE_DIR: path.join(dir, 'cache'), TOKENMETER_SETTINGS: '', MODULES_OUT: out, ...extraEnv },
    });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, modules: fs.readFileSync(out, 'utf8').split('\n') };
  };

  it('reads logs and saves the index without node:crypto', () => {
    const project = path.join(dir, 'claude', 'projects', '-home-dev-repo');
    fs.mkdirSync(project, { recursive: true });
    fs.mkdirSync(path.join(dir, 'codex'));
    const lines = Array.from({ length: 20 }, (_, i) => claudeAssistantLine({ id: `m${i}`, model: 'claude-sonnet-4-5-20250929', usage: { input: 10 + i, output: 5, cacheWrite: 100, cacheRead: 1000 }, timestamp: `2026-11-0${1 + (i % 5)}T10:00:00.000Z` }));
    fs.writeFileSync(path.join(project, 's1.jsonl'), lines.join('\n') + '\n');
    const first = run(['daily', '--json', '--timezone', 'UTC']);
    assert.ok(!first.modules.includes('NativeModule crypto'), 'node:crypto loaded by a cold daily');
    // Settings, the listing's folder checks and the save are blocking calls in the CLI: no node:fs/promises either.
    assert.ok(!first.modules.includes('NativeModule fs/promises'), 'node:fs/promises loaded by a cold daily');
    assert.ok(fs.readdirSync(path.join(dir, 'cache')).some((n) => n.startsWith('index-') && n.endsWith('.bin')), 'the index was saved');
    const report = JSON.parse(first.stdout) as { totals: { inputTokens: number } };
    assert.equal(report.totals.inputTokens, 20 * 10 + 190);
    // The saved index answers the next run with the same totals.
    const second = run(['daily', '--json', '--timezone', 'UTC']);
    assert.deepEqual(JSON.parse(second.stdout), report);
  });
});

describe('statusline: what it loads', function () {
  this.timeout(120_000);
  let dir: string;
  let cliJs: string;
  before(async () => {
    cliJs = await sharedCli(unitCommands);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-statusline-modules-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const input = JSON.stringify({ session_id: 's', model: { id: 'claude-sonnet-4-5', display_name: 'Sonnet 4.5' }, cost: { total_cost_usd: 1.25 }, rate_limits: { five_hour: { used_percentage: 42, resets_at: 1_999_999_999 } } });
  const run = (stdin: 'pipe' | 'file', args: string[] = ['--no-record']) => {
    const preload = path.join(dir, 'modules.cjs');
    fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n");
    const out = path.join(dir, 'modules.txt');
    const inputFile = path.join(dir, 'input.json');
    fs.writeFileSync(inputFile, input);
    const env = { PATH: process.env.PATH, HOME: path.join(dir, 'home'), TOKENMETER_STATE_DIR: path.join(dir, 'state'), MODULES_OUT: out, TZ: 'UTC' };
    // A pipe as Claude Code gives it (spawnSync's input), or a file (a shell's `< file`).
    const r = stdin === 'pipe'
      ? spawnSync(process.execPath, ['-r', preload, cliJs, 'statusline', ...args], { input, encoding: 'utf8', timeout: 60_000, env })
      : spawnSync(process.execPath, ['-r', preload, cliJs, 'statusline', ...args], { stdio: [fs.openSync(inputFile, 'r'), 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000, env });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, modules: fs.readFileSync(out, 'utf8').split('\n') };
  };

  for (const stdin of ['pipe', 'file'] as const) {
    it(`prints the line without loading net, streams, child_process or the scan threads' code (stdin a ${stdin})`, () => {
      const r = run(stdin);
      assert.match(r.stdout, /^5h 42% \(resets .*\) · \$1\.25 session\n$/);
      for (const name of ['net', 'stream', 'child_process', 'crypto', 'worker_threads', 'v8']) assert.ok(!r.modules.includes(`NativeModule ${name}`), `node:${name} loaded`);
      assert.ok(!r.modules.some((m) => /scanAhead/.test(m)));
    });
  }

  it('records the quota in the state folder', () => {
    const r = run('pipe', []);
    assert.match(r.stdout, /5h 42%/);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'state', 'claude-statusline.json'), 'utf8')) as { fiveHour?: { usedPercentage: number } };
    assert.equal(saved.fiveHour?.usedPercentage, 42, JSON.stringify(saved));
  });
});

describe('randomHex (temp file names, index ids)', () => {
  it('gives the hex digits asked for, different every time', () => {
    for (const bytes of [1, 4, 6, 8, 13]) assert.match(randomHex(bytes), new RegExp(`^[0-9a-f]{${2 * bytes}}$`));
    const seen = new Set(Array.from({ length: 20_000 }, () => randomHex(8)));
    assert.equal(seen.size, 20_000);
    // Every digit turns up in every place (not, say, a constant high half).
    const digits = Array.from({ length: 16 }, () => new Set<string>());
    for (const hex of seen) for (let i = 0; i < 16; i++) digits[i].add(hex[i]);
    for (const d of digits) assert.equal(d.size, 16);
  });
});
