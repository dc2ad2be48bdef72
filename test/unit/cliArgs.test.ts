// The command line: one options table, node:util parseArgs in strict mode, one CommandLineError across bundles.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandOptions, parseCommandArgs, CommandLineError } from '../../src/cli/args';
import { dateFlag, parseArgs } from '../../src/cli/common';

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CommandLineError, `a CommandLineError, got ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error.message;
  }
  assert.fail('no CommandLineError');
};

/** The option names each command file reads (`stringFlag(args, 'x')`, `args.flags.has('x')`, ...). */
function flagsReadBy(file: string): string[] {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'cli', file), 'utf8');
  return [...new Set([...text.matchAll(/(?:Flag\(args, |flags\.(?:has|get)\()'([a-z-]+)'/g)].map((m) => m[1]))].filter((n) => n !== 'help');
}

describe('command line arguments', () => {
  it('lists in the table every option a command reads (else the strict check refuses it)', () => {
    const readers: Record<string, string[]> = { daily: ['reports.ts'], blocks: ['reports.ts'], status: ['status.ts'], alerts: ['alerts.ts'], guard: ['guard.ts'], route: ['route.ts'], estimate: ['estimate.ts'] };
    const shared = flagsReadBy('common.ts');
    for (const [command, files] of Object.entries(readers)) {
      const known = Object.keys(commandOptions[command]);
      const missing = files.flatMap(flagsReadBy).filter((n) => !known.includes(n));
      assert.deepEqual(missing, [], `tokenmeter ${command} reads options missing from src/cli/args.ts`);
      if (command !== 'route') for (const n of ['source', 'timezone', 'no-index']) assert.ok(known.includes(n) || !shared.includes(n), `${command} --${n}`);
    }
  });

  it('rejects an unknown option and a missing value, naming the option and the help', () => {
    assert.equal(usage(() => parseCommandArgs(['--sinse', '2026-11-01'], commandOptions.daily, 'daily')), 'unknown option --sinse; run "tokenmeter daily --help"');
    assert.match(usage(() => parseCommandArgs(['--since'], commandOptions.daily, 'daily')), /^--since needs a value/);
    assert.match(usage(() => parseArgs(['--json', '--bogus'], 'status')), /^unknown option --bogus/);
  });

  it('reads --name value, --name=value, booleans, positionals and repeated options', () => {
    const a = parseCommandArgs(['--since=2026-11-01', '--until', '2026-11-30', '--json', 'extra'], commandOptions.daily);
    assert.deepEqual([...a.flags], [['since', '2026-11-01'], ['until', '2026-11-30'], ['json', true]]);
    assert.deepEqual(a.positional, ['extra']);
    const e = parseCommandArgs(['fix the bug', '--context', 'a.ts', '--context=b.ts'], commandOptions.estimate);
    assert.deepEqual(e.lists.get('context'), ['a.ts', 'b.ts']);
    // The older call style (boolean names) still parses with node:util.
    assert.deepEqual([...parseArgs(['--config', 'x.json', '--json']).flags], [['config', 'x.json'], ['json', true]]);
  });

  it('refuses impossible days and --since after --until', () => {
    const days = (...argv: string[]) => parseCommandArgs(argv, commandOptions.daily);
    assert.equal(usage(() => dateFlag(days('--since', '2026-13-45'), 'since')), '--since must be a real day as YYYY-MM-DD (got "2026-13-45")');
    assert.match(usage(() => dateFlag(days('--until', '2026-02-30'), 'until')), /--until must be a real day/);
    assert.equal(usage(() => dateFlag(days('--since', '2026-11-30', '--until', '2026-11-01'), 'since')), '--since 2026-11-30 is after --until 2026-11-01');
    assert.equal(dateFlag(days('--since', '20261101', '--until', '2026-11-01'), 'since'), '20261101');
    assert.equal(dateFlag(days('--since', '2028-02-29'), 'since'), '2028-02-29');
  });

  it('recognises a CommandLineError thrown by another bundle\'s copy of the class', () => {
    const file = require.resolve('../../src/cli/args');
    const original = require.cache[file];
    delete require.cache[file];
    try {
      const copy = require('../../src/cli/args') as typeof import('../../src/cli/args');
      assert.notEqual(copy.CommandLineError, CommandLineError, 'a second copy of the module');
      assert.ok(new copy.CommandLineError('x') instanceof CommandLineError);
      assert.ok(new CommandLineError('x') instanceof copy.CommandLineError);
      assert.ok(!(new Error('x') instanceof CommandLineError));
    } finally {
      require.cache[file] = original;
    }
  });
});
