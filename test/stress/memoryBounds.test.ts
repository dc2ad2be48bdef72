// Issue 17 item 15 for single hostile inputs: no one line, file or response pushes the CLI past
// ~512 MB resident. (Memory that grows with a long, honest history is issue 19's rollups.)
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeAssistantLine } from '../helpers/logLines';

const repo = path.resolve(__dirname, '..', '..');
const limitBytes = 512 * 1024 * 1024;

/** Runs the CLI (from source) and returns its exit code and peak RSS. */
function runMeasured(args: string[], env: Record<string, string>, dir: string): Promise<{ code: number | null; maxRssBytes: number; stdout: string; stderr: string }> {
  const rssFile = path.join(dir, `rss-${Date.now()}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', path.join(repo, 'test', 'helpers', 'maxRss.cjs'), '--import', 'tsx', path.join(repo, 'src', 'cli.ts'), ...args], {
      cwd: repo,
      env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', NO_COLOR: '1', TOKENMETER_MAXRSS_FILE: rssFile, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const maxRssBytes = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : Infinity;
      process.stdout.write(`      (peak RSS ${(maxRssBytes / 1e6).toFixed(0)} MB)\n`);
      resolve({ code, stdout, stderr, maxRssBytes });
    });
  });
}

describe('stress: no single hostile input takes the CLI past 512 MB (issue 17 #15)', function () {
  this.timeout(600_000);
  let dir: string;
  let project: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-memory-'));
    project = path.join(dir, 'claude', 'projects', '-home-dev-repo');
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 'ok.jsonl'), `${claudeAssistantLine({ id: 'ok', usage: { input: 100, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`);
    env = { CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), HOME: dir, TOKENMETER_STATE_DIR: path.join(dir, 'state') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writeNested(file: string, megabytes: number): Promise<void> {
    // A usage line with `[` nested millions deep outside `content` (the 120 MB repro, scaled).
    const out = fs.createWriteStream(file);
    out.write('{"type":"assistant","message":{"model":"m","usage":{"input_tokens":1}},"x":');
    const chunk = '['.repeat(1024 * 1024);
    for (let i = 0; i < megabytes; i++) if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    out.end('\n');
    await new Promise((r) => out.once('close', r));
  }

  for (const megabytes of [120, 60]) {
    it(`a ${megabytes} MB line of nested brackets`, async () => {
      await writeNested(path.join(project, 'evil.jsonl'), megabytes);
      const r = await runMeasured(['daily', '--json'], env, dir);
      assert.equal(r.code, 0, r.stderr.slice(0, 2000));
      assert.equal(JSON.parse(r.stdout).totals.inputTokens, 100);
      assert.ok(r.maxRssBytes < limitBytes, `peak RSS ${(r.maxRssBytes / 1e6).toFixed(0)} MB`);
    });
  }

  it('a 60 MB line of ten million empty objects next to the usage', async () => {
    const out = fs.createWriteStream(path.join(project, 'wide.jsonl'));
    out.write('{"type":"assistant","message":{"model":"m","usage":{"input_tokens":1}},"x":[');
    const chunk = '{},'.repeat(349_525);
    for (let i = 0; i < 60; i++) if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    out.end('{}]}\n');
    await new Promise((r) => out.once('close', r));
    const r = await runMeasured(['daily', '--json'], env, dir);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    assert.equal(JSON.parse(r.stdout).totals.inputTokens, 100);
    assert.ok(r.maxRssBytes < limitBytes, `peak RSS ${(r.maxRssBytes / 1e6).toFixed(0)} MB`);
  });

  it('a 2 GB sparse crash tail of NULs (no newline)', async () => {
    const file = path.join(project, 'crash.jsonl');
    fs.writeFileSync(file, `${claudeAssistantLine({ id: 'c', usage: { input: 5, output: 1, cacheWrite: 0, cacheRead: 0 } })}\n`);
    fs.truncateSync(file, 2 * 1024 * 1024 * 1024);
    const r = await runMeasured(['daily', '--json'], env, dir);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    assert.equal(JSON.parse(r.stdout).totals.inputTokens, 105);
    assert.ok(r.maxRssBytes < limitBytes, `peak RSS ${(r.maxRssBytes / 1e6).toFixed(0)} MB`);
  });

  it('an endless response body from a budget endpoint', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const config = path.join(dir, 'budgets.json');
      fs.writeFileSync(config, JSON.stringify({ sources: [{ type: 'litellm', name: 'gw', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKeyEnv: 'K', includeTeam: false, timeoutMs: 30_000 }] }));
      const r = await runMeasured(['status', '--json', '--config', config], { ...env, K: 'sk-test-12345678' }, dir);
      assert.match(r.stdout, /over 1024 KB/, r.stderr.slice(0, 2000));
      assert.ok(r.maxRssBytes < limitBytes, `peak RSS ${(r.maxRssBytes / 1e6).toFixed(0)} MB`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
