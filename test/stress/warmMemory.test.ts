// Issue 19: a warm `status` costs what the status window holds, not what the history holds. Two histories with the
// same last month, one with three more years before it: the warm run of the long one must not take more memory.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeAssistantLine } from '../helpers/logLines';

const repo = path.resolve(__dirname, '..', '..');
const dayMs = 86_400_000;
const requestsPerDay = 150;

/** Runs the CLI (from source) with the persisted index and returns its stdout and peak RSS. */
function runMeasured(args: string[], env: Record<string, string>, dir: string): Promise<{ code: number | null; maxRssBytes: number; stdout: string; stderr: string }> {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', path.join(repo, 'test', 'helpers', 'maxRss.cjs'), '--import', 'tsx', path.join(repo, 'src', 'cli.ts'), ...args], {
      cwd: repo,
      env: { ...process.env, TOKENMETER_SETTINGS: '', NO_COLOR: '1', TZ: 'UTC', TOKENMETER_MAXRSS_FILE: rssFile, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr, maxRssBytes: fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : Infinity }));
  });
}

/**
 * One session file per UTC day, `requestsPerDay` requests each, for the days `fromDaysAgo`..`toDaysAgo` before
 * today. Each day's requests start at its midnight and end before now (a minute apart, closer just after midnight),
 * so that no day's session runs into the next date whatever the time of day the test runs at.
 */
function writeDays(project: string, fromDaysAgo: number, toDaysAgo: number): void {
  const nowMs = Date.now();
  const todayMs = nowMs - (nowMs % dayMs);
  const spacingMs = Math.min(60_000, Math.floor((nowMs - todayMs) / (requestsPerDay + 1)));
  for (let daysAgo = fromDaysAgo; daysAgo >= toDaysAgo; daysAgo--) {
    const dayStartMs = todayMs - daysAgo * dayMs;
    const lines: string[] = [];
    for (let i = 0; i < requestsPerDay; i++) {
      lines.push(claudeAssistantLine({ id: `d${daysAgo}r${i}`, sessionId: `s${daysAgo}`, usage: { input: 100 + i, output: 10, cacheWrite: 5, cacheRead: 1000 }, timestamp: new Date(dayStartMs + i * spacingMs).toISOString() }));
    }
    const file = path.join(project, `s${daysAgo}.jsonl`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const mtime = new Date(dayStartMs + requestsPerDay * spacingMs);
    fs.utimesSync(file, mtime, mtime);
  }
}

describe('stress: warm status memory follows the status window, not the history (issue 19)', function () {
  this.timeout(900_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-warm-memory-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('three more years of history cost a warm status no more than a few MB, and totals stay those of the last month', async () => {
    const runs: Record<string, { cold: number; warm: number[]; month: unknown; stderr: string }> = {};
    for (const [name, oldestDaysAgo] of [['month', 30], ['years', 30 + 3 * 365]] as const) {
      const home = path.join(dir, name);
      const project = path.join(home, 'claude', 'projects', '-home-dev-repo');
      fs.mkdirSync(project, { recursive: true });
      writeDays(project, oldestDaysAgo, 0);
      const env = { HOME: home, CLAUDE_CONFIG_DIR: path.join(home, 'claude'), CODEX_HOME: path.join(home, 'codex'), TOKENMETER_CACHE_DIR: path.join(home, 'cache'), TOKENMETER_STATE_DIR: path.join(home, 'state') };
      const cold = await runMeasured(['status', '--json'], env, dir);
      assert.equal(cold.code, 0, cold.stderr.slice(0, 2000));
      const warm = [];
      for (let rep = 0; rep < 3; rep++) {
        const r = await runMeasured(['status', '--json'], env, dir);
        assert.equal(r.code, 0, r.stderr.slice(0, 2000));
        warm.push(r);
      }
      const json = JSON.parse(warm[0].stdout);
      // The whole history is there to be loaded: every day of it is in the index the warm runs start from.
      const daily = await runMeasured(['daily', '--json'], env, dir);
      assert.equal(daily.code, 0, daily.stderr.slice(0, 2000));
      assert.equal(JSON.parse(daily.stdout).daily.length, oldestDaysAgo + 1);
      runs[name] = { cold: cold.maxRssBytes, warm: warm.map((r) => r.maxRssBytes), month: json.month, stderr: [cold, ...warm].map((r) => r.stderr).join('').slice(0, 2000) };
      process.stdout.write(`      ${name}: ${(oldestDaysAgo + 1) * requestsPerDay} requests; cold status peak RSS ${(cold.maxRssBytes / 1e6).toFixed(0)} MB, warm ${warm.map((r) => (r.maxRssBytes / 1e6).toFixed(0)).join(', ')} MB\n`);
    }
    // Same last month, so the same month totals (the month can hold no day older than 31 days).
    assert.deepEqual(runs.years.month, runs.month.month);
    // Peak RSS of one run moves by tens of MB with the garbage collector's timing, so the cold runs are only
    // printed; the claim is about the warm runs, taken at their best of three.
    const warmLong = Math.min(...runs.years.warm);
    const warmShort = Math.min(...runs.month.warm);
    assert.ok(warmLong - warmShort < 12e6, `warm status: ${(warmLong / 1e6).toFixed(0)} MB with three more years against ${(warmShort / 1e6).toFixed(0)} MB; stderr: ${runs.years.stderr}`);
  });
});
