// The config edits behind "Tokenmeter: Connect MCP to Claude Code / Codex / Cline", on files shaped
// like the real ones (test/fixtures/mcpClients/): Claude Code's ~/.claude.json with user and local
// scope servers, Cline's cline_mcp_settings.json with its own keys on our entry, and a Codex
// config.toml with comments, other servers, sub-tables and a multi-line string.
import { strict as assert } from 'node:assert';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { codexTable, McpConfigError, mcpEntryFor, planCodexMcpTable, planJsonMcpEntry, type McpLaunch } from '../../src/core/mcpClientConfig';
import { applyMcpChange, manualCommand, mcpConfigPath, planMcpChange } from '../../src/sources/mcpClients';
import { SettingsFileError } from '../../src/sources/settingsFile';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'mcpClients', name), 'utf8');
const launch: McpLaunch = { command: 'node', args: ['/home/dev/.vscode/extensions/tokenmeter.tokenmeter-0.1.0/dist/cli.js', 'mcp'] };
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

describe('MCP client config: Claude Code ~/.claude.json (user scope)', () => {
  const original = fixture('claude.json');

  it('adds mcpServers.tokenmeter beside the other servers and changes nothing else', () => {
    const plan = planJsonMcpEntry(original, '~/.claude.json', mcpEntryFor('claude', launch));
    assert.equal(plan.action, 'add');
    const before = JSON.parse(original);
    const after = JSON.parse(plan.text);
    assert.deepEqual(after.mcpServers.tokenmeter, { type: 'stdio', command: 'node', args: launch.args, env: {} });
    assert.deepEqual(after.mcpServers.context7, before.mcpServers.context7);
    delete after.mcpServers.tokenmeter;
    assert.deepEqual(after, before, 'every other key (local-scope servers under projects included) as it was');
    // Claude Code's own layout (two-space indent, key order) is kept: only our entry's span is new.
    assert.ok(plan.text.startsWith(original.slice(0, original.indexOf('    "context7"'))));
    assert.ok(plan.text.endsWith(original.slice(original.indexOf('  "projects"'))));
  });

  it('removes exactly what it added (Disconnect), byte for byte', () => {
    const added = planJsonMcpEntry(original, 'f', mcpEntryFor('claude', launch)).text;
    const removed = planJsonMcpEntry(added, 'f', undefined);
    assert.equal(removed.action, 'remove');
    assert.equal(removed.text, original);
    assert.ok(removed.before?.includes('"command": "node"'));
    assert.equal(planJsonMcpEntry(original, 'f', undefined).action, 'unchanged');
  });

  it('keeps CRLF line endings', () => {
    const plan = planJsonMcpEntry(crlf(original), 'f', mcpEntryFor('claude', launch));
    assert.equal(plan.action, 'add');
    assert.ok(!/[^\r]\n/.test(plan.text), 'no bare LF');
    assert.equal(planJsonMcpEntry(plan.text, 'f', undefined).text, crlf(original));
  });

  it('creates the file when it is missing, and says unchanged when the entry is already there', () => {
    const plan = planJsonMcpEntry('', '/home/dev/.claude.json', mcpEntryFor('claude', launch));
    assert.equal(plan.action, 'add');
    assert.deepEqual(JSON.parse(plan.text), { mcpServers: { tokenmeter: mcpEntryFor('claude', launch) } });
    assert.equal(planJsonMcpEntry(plan.text, 'f', mcpEntryFor('claude', launch)).action, 'unchanged');
  });

  it('refuses invalid JSON with the file and line, and plans nothing', () => {
    const broken = original.replace('"autoUpdates": false,', '"autoUpdates": false,,');
    assert.throws(() => planJsonMcpEntry(broken, '/home/dev/.claude.json', mcpEntryFor('claude', launch)), (error: unknown) => {
      assert.ok(error instanceof McpConfigError);
      assert.match(error.message, /^\/home\/dev\/\.claude\.json is not valid JSON \(\w+ at line 4\); Tokenmeter did not change it/);
      return true;
    });
    for (const bad of ['// comment\n{}', '[1, 2]', '{"mcpServers": []}', '{"a": 1,}']) {
      assert.throws(() => planJsonMcpEntry(bad, 'f', mcpEntryFor('claude', launch)), McpConfigError, bad);
    }
  });
});

describe('MCP client config: Cline cline_mcp_settings.json', () => {
  const original = fixture('cline_mcp_settings.json');

  it('updates command and args of an older entry and keeps the keys Cline and the user added', () => {
    const plan = planJsonMcpEntry(original, 'f', mcpEntryFor('cline', launch));
    assert.equal(plan.action, 'update');
    const entry = JSON.parse(plan.text).mcpServers.tokenmeter;
    assert.deepEqual(entry, { command: 'node', args: launch.args, disabled: false, autoApprove: ['quota'], timeout: 30 });
    assert.deepEqual(JSON.parse(plan.text).mcpServers.github, JSON.parse(original).mcpServers.github);
    assert.ok(plan.before?.includes('tokenmeter-0.0.9') && plan.after?.includes('tokenmeter-0.1.0'));
    assert.equal(planJsonMcpEntry(plan.text, 'f', mcpEntryFor('cline', launch)).action, 'unchanged');
  });

  it('removes the whole entry and leaves the other server', () => {
    const plan = planJsonMcpEntry(original, 'f', undefined);
    assert.deepEqual(Object.keys(JSON.parse(plan.text).mcpServers), ['github']);
  });
});

describe('MCP client config: Codex config.toml', () => {
  const original = fixture('codex-config.toml');

  it('appends [mcp_servers.tokenmeter] and keeps every byte before it', () => {
    const plan = planCodexMcpTable(original, '~/.codex/config.toml', launch);
    assert.equal(plan.action, 'add');
    assert.ok(plan.text.startsWith(original));
    assert.equal(plan.text, `${original}\n${codexTable(launch)}`);
    const parsed = parseToml(plan.text) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- read field by field
    assert.deepEqual({ ...parsed.mcp_servers.tokenmeter }, { command: 'node', args: launch.args });
    assert.equal(parsed.profiles.review.instructions.includes('[mcp_servers.tokenmeter]'), true, 'the string stays a string');
  });

  it('does not take a table header inside a multi-line string for our table', () => {
    // The fixture's profile instructions contain the text "[mcp_servers.tokenmeter]".
    assert.equal(planCodexMcpTable(original, 'f', undefined).action, 'unchanged');
  });

  it('removes only our table and its sub-tables, byte for byte (Disconnect)', () => {
    const added = planCodexMcpTable(original, 'f', launch).text;
    const withEnv = `${added}\n[mcp_servers.tokenmeter.env]\nTOKENMETER_SETTINGS = "/home/dev/tm.json"\n`;
    const removed = planCodexMcpTable(withEnv, 'f', undefined);
    assert.equal(removed.action, 'remove');
    assert.equal(removed.text, original);
    assert.match(removed.before ?? '', /\[mcp_servers\.tokenmeter\.env\]/);
  });

  it('removes a table in the middle and keeps the comment that leads into the next one', () => {
    const middle = original.replace('# Trusted projects', `[mcp_servers.tokenmeter]\ncommand = "node"\nargs = ["/old/cli.js", "mcp"]\n\n# Trusted projects`);
    const plan = planCodexMcpTable(middle, 'f', undefined);
    assert.equal(plan.text, original);
  });

  it('updates command and args in place (a multi-line array too) and keeps our table\'s other keys', () => {
    const old = original.replace('# Trusted projects', [
      '[mcp_servers.tokenmeter]',
      'command = "node"  # the Node on PATH',
      'args = [',
      '  "/home/dev/.vscode/extensions/tokenmeter.tokenmeter-0.0.9/dist/cli.js",',
      '  "mcp",',
      ']',
      'startup_timeout_sec = 20',
      '',
      '# Trusted projects',
    ].join('\n'));
    const plan = planCodexMcpTable(old, 'f', launch);
    assert.equal(plan.action, 'update');
    const expected = original.replace('# Trusted projects', [
      '[mcp_servers.tokenmeter]',
      'command = "node"',
      `args = ["${launch.args[0]}", "mcp"]`,
      'startup_timeout_sec = 20',
      '',
      '# Trusted projects',
    ].join('\n'));
    assert.equal(plan.text, expected);
    assert.equal(planCodexMcpTable(plan.text, 'f', launch).action, 'unchanged');
  });

  it('keeps CRLF line endings and escapes Windows paths', () => {
    const windows: McpLaunch = { command: 'node', args: ['C:\\Users\\dev\\.vscode\\extensions\\tokenmeter "x"\\dist\\cli.js', 'mcp'] };
    const plan = planCodexMcpTable(crlf(original), 'f', windows);
    assert.ok(plan.text.startsWith(crlf(original)));
    assert.ok(!/[^\r]\n/.test(plan.text), 'no bare LF');
    assert.deepEqual((parseToml(plan.text) as any).mcp_servers.tokenmeter.args, windows.args); // eslint-disable-line @typescript-eslint/no-explicit-any -- read field by field
    assert.equal(planCodexMcpTable(plan.text, 'f', undefined).text, crlf(original));
  });

  it('creates a missing file, and adds to a file without a final newline', () => {
    assert.equal(planCodexMcpTable('', 'f', launch).text, codexTable(launch));
    assert.equal(planCodexMcpTable('model = "o3"', 'f', launch).text, `model = "o3"\n\n${codexTable(launch)}`);
  });

  it('refuses invalid TOML, and our server defined inline or by dotted keys, with a clear message', () => {
    assert.throws(() => planCodexMcpTable(`${original}\nmodel = "again"\n`, '/home/dev/.codex/config.toml', launch), (error: unknown) => {
      assert.ok(error instanceof McpConfigError);
      assert.match(error.message, /^\/home\/dev\/\.codex\/config\.toml is not valid TOML \(.+\); Tokenmeter did not change it\.$/);
      return true;
    });
    assert.throws(() => planCodexMcpTable('mcp_servers = { tokenmeter = { command = "x" } }\n', 'f', launch), /inline table or dotted keys/);
    assert.throws(() => planCodexMcpTable('[mcp_servers]\ntokenmeter.command = "x"\n', 'f', undefined), /inline table or dotted keys/);
  });
});

describe('MCP client config files on disk', () => {
  let home: string;
  beforeEach(async () => (home = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-mcpclients-'))));
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it('finds each client\'s file (CLAUDE_CONFIG_DIR and CODEX_HOME honoured) and prints the same change as a command', () => {
    assert.equal(mcpConfigPath('claude', { env: {}, home: '/h' }), '/h/.claude.json');
    assert.equal(mcpConfigPath('claude', { env: { CLAUDE_CONFIG_DIR: '/c1,/c2' }, home: '/h' }), '/c1/.claude.json');
    assert.equal(mcpConfigPath('codex', { env: {}, home: '/h' }), '/h/.codex/config.toml');
    assert.equal(mcpConfigPath('codex', { env: { CODEX_HOME: '/x' }, home: '/h' }), '/x/config.toml');
    assert.equal(mcpConfigPath('cline', { env: {}, globalStorageDir: '/g' }), '/g/saoudrizwan.claude-dev/settings/cline_mcp_settings.json');
    assert.throws(() => mcpConfigPath('cline', { env: {} }), /inside the editor/);
    const spaced: McpLaunch = { command: 'node', args: ["/Users/d e v/it's/cli.js", 'mcp'] };
    assert.equal(manualCommand('claude', spaced), `claude mcp add --scope user tokenmeter -- node '/Users/d e v/it'\\''s/cli.js' mcp`);
    assert.equal(manualCommand('codex', launch), `codex mcp add tokenmeter -- node ${launch.args[0]} mcp`);
    assert.equal(manualCommand('claude', undefined), 'claude mcp remove --scope user tokenmeter');
  });

  it('writes through a symlink, keeps the mode, keeps one backup, and Disconnect restores the bytes', async () => {
    const real = path.join(home, 'dotfiles', 'config.toml');
    await fs.mkdir(path.dirname(real), { recursive: true });
    await fs.mkdir(path.join(home, '.codex'));
    await fs.writeFile(real, fixture('codex-config.toml'), { mode: 0o640 });
    await fs.chmod(real, 0o640);
    await fs.symlink(real, path.join(home, '.codex', 'config.toml'));
    const where = { env: {}, home };
    const change = await planMcpChange('codex', where, launch);
    const { backupPath } = await applyMcpChange(change);
    assert.ok((await fs.lstat(path.join(home, '.codex', 'config.toml'))).isSymbolicLink(), 'the link stays a link');
    assert.equal((await fs.stat(real)).mode & 0o777, 0o640);
    assert.equal(await fs.readFile(backupPath!, 'utf8'), fixture('codex-config.toml'));
    assert.ok((await fs.readFile(real, 'utf8')).includes('[mcp_servers.tokenmeter]'));
    await applyMcpChange(await planMcpChange('codex', where, undefined));
    assert.equal(await fs.readFile(real, 'utf8'), fixture('codex-config.toml'));
  });

  it('refuses a file another program changed after the plan, and writes nothing', async () => {
    const file = path.join(home, '.claude.json');
    await fs.writeFile(file, fixture('claude.json'));
    const change = await planMcpChange('claude', { env: {}, home }, launch);
    const meanwhile = fixture('claude.json').replace('"numStartups": 42', '"numStartups": 43');
    await fs.writeFile(file, meanwhile);
    await assert.rejects(applyMcpChange(change), (error: unknown) => error instanceof SettingsFileError && error.kind === 'changed');
    assert.equal(await fs.readFile(file, 'utf8'), meanwhile);
  });

  it('leaves an invalid file alone and creates a missing one (owner-only)', async () => {
    const file = path.join(home, '.claude.json');
    await fs.writeFile(file, '{"numStartups": 1,');
    await assert.rejects(planMcpChange('claude', { env: {}, home }, launch), McpConfigError);
    assert.equal(await fs.readFile(file, 'utf8'), '{"numStartups": 1,');
    const missing = { env: { CODEX_HOME: path.join(home, 'new-codex') }, home };
    await applyMcpChange(await planMcpChange('codex', missing, launch));
    const created = path.join(home, 'new-codex', 'config.toml');
    assert.equal(await fs.readFile(created, 'utf8'), codexTable(launch));
    assert.equal((await fs.stat(created)).mode & 0o777, 0o600);
  });
});
