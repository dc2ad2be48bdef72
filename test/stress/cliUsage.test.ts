// The built CLI (dist/cli.js and its per-command bundles, as installed): a mistake on the command line is one line on
// stderr and exit code 2, whichever bundle notices it. Each bundle carries its own copy of CommandLineError; this is where a
// failing `instanceof` used to turn usage errors into exit 1 (and a bad date into an empty table with exit 0).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../..');

describe('the built CLI: usage errors and --version', function () {
  this.timeout(180_000);
  let home: string;
  before(() => {
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repo, stdio: 'inherit' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-cli-usage-'));
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), ...args], {
      encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, 'claude'), CODEX_HOME: path.join(home, 'codex'), TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  const cases: [string[], RegExp][] = [
    [['daily', '--bogus'], /^tokenmeter: unknown option --bogus; run "tokenmeter daily --help"$/],
    [['daily', '--since', '2026-13-45'], /^tokenmeter: --since must be a real day as YYYY-MM-DD \(got "2026-13-45"\)$/],
    [['monthly', '--since', '2026-11-30', '--until', '2026-11-01'], /^tokenmeter: --since 2026-11-30 is after --until 2026-11-01$/],
    [['session', '--timezone', 'Mars/Olympus_Mons'], /^tokenmeter: --timezone must be an IANA zone/],
    [['blocks', '--source', 'nope'], /^tokenmeter: --source must be /],
    [['status', '--since', '2026-11-01'], /^tokenmeter: unknown option --since/],
    [['alerts', '--replay', '--until', '2026-02-30'], /^tokenmeter: --until must be a real day/],
    [['guard', '--burn-factor', 'fast'], /^tokenmeter: --burn-factor must be a positive number/],
    [['estimate', 'x', '--no-such-flag'], /^tokenmeter: unknown option --no-such-flag/],
    [['nonsense'], /^tokenmeter: unknown command "nonsense"/],
  ];
  for (const [args, message] of cases) {
    it(`exits 2 with one line for: tokenmeter ${args.join(' ')}`, () => {
      const r = cli(...args);
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
    });
  }

  it('prints the package version', () => {
    const r = cli('--version');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version);
  });
});
