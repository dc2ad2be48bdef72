// V8's code cache for the MCP server's bundles (src/cli/codeCache.ts): used when it fits, never in the way.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeCacheLoader } from '../../src/cli/codeCache';
import { runCli, sharedCli, unitCommands } from '../helpers/cliBundle';
import { startMcp } from '../helpers/mcpHarness';

describe('code cache for the MCP and status bundles', function () {
  this.timeout(120_000);
  let dir: string;
  let dist: string;
  let cache: string;
  const errors: string[] = [];
  const loader = () => new CodeCacheLoader(dist, cache, (m) => errors.push(m));

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-code-cache-'));
    dist = path.join(dir, 'dist');
    cache = path.join(dir, 'cache', 'code-cache');
    mkdirSync(path.join(dist, 'cli'), { recursive: true });
    // Shaped like our bundles: a command requiring a shared bundle one folder up, and a Node module.
    writeFileSync(path.join(dist, 'shared.js'), '"use strict";\nexports.twice = (x) => 2 * x;\nexports.loads = (exports.loads ?? 0) + 1;\n');
    writeFileSync(path.join(dist, 'cli', 'cmd.js'), '"use strict";\nconst shared = require("../shared.js");\nconst os = require("node:os");\nexports.run = (x) => shared.twice(x) + os.EOL.length * 0;\nexports.where = __dirname;\nexports.shared = shared;\n');
    errors.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const isWhole = (file: string) => {
    const bytes = readFileSync(file);
    return bytes.length > 32 && createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32));
  };

  function fresh(): void {
    // Each "process" starts with an empty module cache for these files.
    for (const key of Object.keys(require.cache)) if (key.startsWith(dist)) delete require.cache[key];
  }

  it('loads a bundle and the bundles it requires, writes their caches once, and uses them next time', () => {
    fresh();
    const first = loader();
    const cmd = first.require(path.join(dist, 'cli', 'cmd.js')) as { run(x: number): number; where: string; shared: { loads: number } };
    assert.equal(cmd.run(21), 42);
    assert.equal(cmd.where, path.join(dist, 'cli'));
    first.save();
    const files = readdirSync(cache).sort();
    assert.deepEqual(files.map((f) => f.replace(/-[0-9a-f]{8}-[0-9a-f]{16}\.bin$/, '')), ['cli_cmd', 'shared']);
    const written = files.map((f) => statSync(path.join(cache, f)).mtimeMs);

    fresh();
    const second = loader();
    assert.equal((second.require(path.join(dist, 'cli', 'cmd.js')) as typeof cmd).run(5), 10);
    second.save();
    assert.deepEqual(readdirSync(cache).sort(), files, 'accepted caches are not written again');
    assert.deepEqual(files.map((f) => statSync(path.join(cache, f)).mtimeMs), written);
    assert.deepEqual(errors, []);
  });

  it('a bundle required twice runs once (the module cache is shared with require)', () => {
    fresh();
    const l = loader();
    const cmd = l.require(path.join(dist, 'cli', 'cmd.js')) as { shared: { loads: number } };
    assert.equal((require(path.join(dist, 'shared.js')) as { loads: number }).loads, 1);
    assert.equal(cmd.shared, require(path.join(dist, 'shared.js')));
  });

  it('a damaged cache, or one from an older build, is compiled past and replaced', () => {
    fresh();
    const l1 = loader();
    l1.require(path.join(dist, 'cli', 'cmd.js'));
    l1.save();
    // Release builds of V8 run a flipped byte without a word; the digest in front of each cache catches it.
    for (const f of readdirSync(cache)) {
      const bytes = readFileSync(path.join(cache, f));
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(path.join(cache, f), bytes);
      assert.ok(!isWhole(path.join(cache, f)));
    }
    fresh();
    const l2 = loader();
    assert.equal((l2.require(path.join(dist, 'cli', 'cmd.js')) as { run(x: number): number }).run(1), 2);
    l2.save();
    for (const f of readdirSync(cache)) assert.ok(isWhole(path.join(cache, f)), `${f} was written anew`);

    // A new build of the command: a new cache, and the old one goes.
    const before = readdirSync(cache).filter((f) => f.startsWith('cli_cmd-'));
    writeFileSync(path.join(dist, 'cli', 'cmd.js'), '"use strict";\nexports.run = (x) => 3 * x;\n');
    fresh();
    const l3 = loader();
    assert.equal((l3.require(path.join(dist, 'cli', 'cmd.js')) as { run(x: number): number }).run(2), 6);
    l3.save();
    const after = readdirSync(cache).filter((f) => f.startsWith('cli_cmd-'));
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
    assert.deepEqual(errors, []);
  });

  it('two installs sharing the cache folder keep a cache each; one unused for a month goes', () => {
    const other = path.join(dir, 'other', 'dist');
    mkdirSync(path.join(other, 'cli'), { recursive: true });
    writeFileSync(path.join(other, 'cli', 'cmd.js'), '"use strict";\nexports.run = (x) => 4 * x;\n');
    mkdirSync(cache, { recursive: true });
    const gone = path.join(cache, 'cli_cmd-00000000-0000000000000000.bin');
    writeFileSync(gone, 'an old install');
    utimesSync(gone, new Date(Date.now() - 40 * 86_400_000), new Date(Date.now() - 40 * 86_400_000));
    fresh();
    const mine = loader();
    mine.require(path.join(dist, 'cli', 'cmd.js'));
    mine.save();
    const theirs = new CodeCacheLoader(other, cache, (m) => errors.push(m));
    assert.equal((theirs.require(path.join(other, 'cli', 'cmd.js')) as { run(x: number): number }).run(1), 4);
    theirs.save();
    assert.equal(readdirSync(cache).filter((f) => f.startsWith('cli_cmd-')).length, 2);
    assert.ok(!readdirSync(cache).includes(path.basename(gone)));
    assert.deepEqual(errors, []);
  });

  it('an unwritable cache folder is said once, and the bundle still loads', () => {
    writeFileSync(path.join(dir, 'cache'), 'a file where the folder should be');
    fresh();
    const l = loader();
    assert.equal((l.require(path.join(dist, 'cli', 'cmd.js')) as { run(x: number): number }).run(4), 8);
    l.save();
    l.save();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /code cache was not saved/);
  });

  it('a bundle that throws while loading is not left half-loaded', () => {
    writeFileSync(path.join(dist, 'cli', 'bad.js'), '"use strict";\nthrow new Error("boom");\n');
    fresh();
    const l = loader();
    assert.throws(() => l.require(path.join(dist, 'cli', 'bad.js')), /boom/);
    assert.throws(() => l.require(path.join(dist, 'cli', 'bad.js')), /boom/);
  });

  it('tokenmeter mcp writes its cache, and answers the same from it, from a damaged one and with it switched off', async () => {
    const cliJs = await sharedCli(unitCommands);
    const home = path.join(dir, 'home');
    const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_STATE_HOME: path.join(home, 'state'), CLAUDE_CONFIG_DIR: path.join(home, 'missing-claude'), CODEX_HOME: path.join(home, 'missing-codex'), TOKENMETER_SETTINGS: '' };
    const codeCache = path.join(home, 'cache', 'tokenmeter', 'code-cache');
    const quota = async (extra: Record<string, string> = {}) => {
      const mcp = await startMcp(cliJs, [], { ...env, ...extra });
      try {
        const answer = await mcp.call('quota');
        assert.equal(mcp.stderr(), '');
        return { ...answer, now: null };
      } finally {
        await mcp.close();
      }
    };
    const first = await quota();
    const names = readdirSync(codeCache).sort();
    assert.ok(names.some((n) => n.startsWith('cli_mcp-')) && names.some((n) => n.startsWith('zod-')), names.join(', '));
    assert.deepEqual(await quota(), first);
    for (const n of names) writeFileSync(path.join(codeCache, n), Buffer.alloc(64));
    assert.deepEqual(await quota(), first);
    for (const n of names) assert.ok(isWhole(path.join(codeCache, n)), `${n} was written anew`);
    assert.deepEqual(await quota({ TOKENMETER_CODE_CACHE: 'off' }), first);
    // Nothing but protocol on stdout, cache or not.
    const r = await runCli(cliJs, ['mcp'], env, '');
    assert.equal(r.stdout, '');
  });

  it('tokenmeter status writes its cache at exit, and prints the same from it, from a damaged one and with it switched off', async () => {
    const cliJs = await sharedCli(unitCommands);
    const home = path.join(dir, 'home');
    const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_STATE_HOME: path.join(home, 'state'), CLAUDE_CONFIG_DIR: path.join(home, 'missing-claude'), CODEX_HOME: path.join(home, 'missing-codex'), TOKENMETER_SETTINGS: '' };
    const codeCache = path.join(home, 'cache', 'tokenmeter', 'code-cache');
    const status = async (extra: Record<string, string> = {}) => {
      const r = await runCli(cliJs, ['status', '--json', '--timezone', 'UTC'], { ...env, ...extra });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      return { ...(JSON.parse(r.stdout) as Record<string, unknown>), nowMs: null };
    };
    const first = await status({ TOKENMETER_CODE_CACHE: 'off' });
    assert.ok(!readdirSync(path.join(home, 'cache', 'tokenmeter')).includes('code-cache'), 'switched off: no cache written');
    assert.deepEqual(await status(), first);
    const names = readdirSync(codeCache);
    assert.ok(names.some((n) => n.startsWith('cli_status-')), names.join(', '));
    const written = statSync(path.join(codeCache, names[0])).mtimeMs;
    assert.deepEqual(await status(), first);
    assert.equal(statSync(path.join(codeCache, names[0])).mtimeMs, written, 'an accepted cache is not written again');
    for (const n of names) writeFileSync(path.join(codeCache, n), Buffer.alloc(64));
    assert.deepEqual(await status(), first);
    for (const n of names) assert.ok(isWhole(path.join(codeCache, n)), `${n} was written anew`);
  });
});
