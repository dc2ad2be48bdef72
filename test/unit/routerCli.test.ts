import { strict as assert } from 'node:assert';
import { defaultModelTiers } from '../../src/core/router';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../..');

function cli(args: string[], env: Record<string, string>, input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli.ts'), ...args], {
    cwd: repo, input, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Claude config folder with `bugs` bug-fix sessions of known size on Sonnet. */
function writeHistory(dir: string, bugs: number): void {
  const project = path.join(dir, 'projects', '-home-dev-app');
  fs.mkdirSync(project, { recursive: true });
  for (let s = 0; s < bugs; s++) {
    const sessionId = `sess-${s}`;
    const lines = [JSON.stringify({ type: 'user', sessionId, timestamp: '2026-11-20T10:00:00.000Z', message: { role: 'user', content: `fix the crash number ${s} in the upload form` } })];
    for (let r = 0; r <= s; r++) {
      lines.push(JSON.stringify({
        type: 'assistant', sessionId, timestamp: `2026-11-20T10:0${Math.min(9, r)}:30.000Z`, requestId: `req_${s}_${r}`,
        message: { id: `msg_${s}_${r}`, model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 100, output_tokens: 900, cache_read_input_tokens: 40_000, cache_creation_input_tokens: 4_000 } },
      }));
    }
    fs.writeFileSync(path.join(project, `${sessionId}.jsonl`), lines.join('\n') + '\n');
  }
}

describe('tokenmeter route and estimate', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-route-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('route writes one JSON line per request, and an error line for a bad one', () => {
    const input = [
      JSON.stringify({ prompt: 'rename foo to bar in this file', contextTokens: 300 }),
      '{not json',
      JSON.stringify({ prompt: 'fix the race in the lock-free queue', contextTokens: 2000 }),
    ].join('\n');
    const r = cli(['route', '--json', '--current-model', 'claude-opus-4-5'], {}, input);
    assert.equal(r.code, 1, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(out.length, 3);
    assert.deepEqual([out[0].tier, out[0].model, out[0].savingVsCurrentPct], ['small', 'claude-haiku-4-5', 80]);
    assert.ok(out[0].confidence > 0.5 && out[0].confidence <= 1);
    assert.match(out[1].error, /^line 2: not JSON/);
    assert.deepEqual([out[2].tier, out[2].model], ['large', defaultModelTiers.large]);
    assert.match(r.stderr, /1 line\(s\) were not valid/);
  });

  it('route exits 0 when every line is valid and honours the tier models', () => {
    const r = cli(['route', '--small', 'my-haiku'], {}, JSON.stringify({ prompt: 'sort these imports' }) + '\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).model, 'my-haiku');
  });

  it("estimate uses the user's own sessions once there are eight of the kind", () => {
    writeHistory(dir, 10);
    const r = cli(['estimate', 'fix the login crash', '--json'], { CLAUDE_CONFIG_DIR: dir, CODEX_HOME: path.join(dir, 'none') });
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.equal(e.kind, 'bugfix');
    assert.equal(e.basis, 'history');
    assert.equal(e.sampleSize, 10);
    // Sessions hold 1..10 requests of 45,000 tokens: the range must sit around 45K..450K.
    assert.ok(e.tokens.p10 < 150_000 && e.tokens.p90 > 350_000, JSON.stringify(e.tokens));
    assert.deepEqual(Object.keys(e.cost), [defaultModelTiers.small, defaultModelTiers.medium, defaultModelTiers.large]);
    assert.ok(e.cost[defaultModelTiers.small].p50 < e.cost[defaultModelTiers.large].p50);
    assert.deepEqual(Object.keys(e.suggested).sort(), ['model', 'reason', 'tier']);
  });

  it('estimate falls back to published ranges and prints a table without --json', () => {
    writeHistory(dir, 3);
    const r = cli(['estimate', 'review this PR for bugs'], { CLAUDE_CONFIG_DIR: dir, CODEX_HOME: path.join(dir, 'none'), NO_COLOR: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /code review task · 10\.0K – 50\.0K tokens/);
    assert.ok(r.stdout.includes(defaultModelTiers.medium), r.stdout);
    assert.match(r.stdout, /published ranges for code review tasks/);
  });

  it('estimate without a description is a command-line error', () => {
    assert.equal(cli(['estimate', '--no-history'], {}).code, 2);
  });
});
