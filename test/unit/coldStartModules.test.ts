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
    assert.ok(fs.readdirSync(path.join(dir, 'cache')).some((n) => n.startsWith('index-') && n.endsWith('.bin')), 'the index was saved');
    const report = JSON.parse(first.stdout) as { totals: { inputTokens: number } };
    assert.equal(report.totals.inputTokens, 20 * 10 + 190);
    // The saved index answers the next run with the same totals.
    const second = run(['daily', '--json', '--timezone', 'UTC']);
    assert.deepEqual(JSON.parse(second.stdout), report);
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
