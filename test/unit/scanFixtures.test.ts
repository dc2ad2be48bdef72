import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { PriceTable } from '../../src/core/pricing';
import { dailyReport, sessionReport } from '../../src/core/reports';
import { UsageScanner } from '../../src/sources/usageScanner';

const fixtureSource = path.join(__dirname, '..', 'fixtures');
const fixtures = fixtureCopy();
const utc = new Calendar('UTC');

/**
 * A temp copy of the fixtures with file times in the order the agent wrote them
 * (a git checkout leaves them in arbitrary order).
 */
function fixtureCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-fixtures-'));
  cpSync(fixtureSource, dir, { recursive: true });
  const shop = path.join(dir, 'claude-config', 'projects', '-home-dev-shop');
  const order = [path.join(shop, 'sess-a.jsonl'), path.join(shop, 'sess-a', 'subagents', 'agent-x1.jsonl'), path.join(shop, 'sess-b.jsonl'), path.join(dir, 'claude-config-copy', 'projects', '-home-dev-shop', 'sess-b.jsonl')];
  order.forEach((file, i) => utimesSync(file, new Date(Date.UTC(2026, 10, 20, 12, i)), new Date(Date.UTC(2026, 10, 20, 12, i))));
  return dir;
}

async function scan(claudeDirs: string[], codexDirs: string[] = []) {
  const scanner = new UsageScanner({ roots: { claudeDirs, codexDirs }, workers: 0 });
  await scanner.refresh();
  return scanner;
}

function closeTo(actual: number, expected: number) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
}

describe('scanning Claude Code transcripts with every known quirk', () => {
  it('counts each request once, keeps the final streamed snapshot and includes sub-agents', async () => {
    const scanner = await scan([path.join(fixtures, 'claude-config'), path.join(fixtures, 'claude-config-copy')]);
    const day = dailyReport(scanner.ledger.events(), { calendar: utc, prices: new PriceTable() }).daily.find((d) => d.date === '2026-11-20')!;
    assert.equal(day.inputTokens, 1485);
    assert.equal(day.outputTokens, 3440);
    assert.equal(day.cacheCreationTokens, 73000);
    assert.equal(day.cacheReadTokens, 158000);
    // Hand-computed in the fixture notes: streamed msg_A1 at its final 120 output tokens,
    // 1-hour cache writes at 2× input, msg_A4 billed whole at long-context rates.
    closeTo(day.totalCost, 0.00933 + 0.051615 + 0.008 + 0.591 + 0.0017 + 0.00032);
  });

  it('reports an unknown model as unpriced instead of $0', async () => {
    const scanner = await scan([path.join(fixtures, 'claude-config')]);
    const report = dailyReport(scanner.ledger.events(), { calendar: utc, prices: new PriceTable() });
    assert.deepEqual(report.unpricedModels, ['acme-coder-1']);
    assert.equal(report.totals.unpricedTokens, 1000);
  });

  it('skips and counts malformed lines, and ignores usage quoted in tool results and synthetic messages', async () => {
    const scanner = await scan([path.join(fixtures, 'claude-config')]);
    assert.equal(scanner.stats.tally.malformedLines, 3);
    const models = new Set(scanner.ledger.events().map((e) => e.model));
    assert.ok(!models.has('<synthetic>'));
    assert.ok(!scanner.ledger.events().some((e) => e.inputTokens === 9000), 'toolUseResult.usage must not be billed');
  });

  it('credits a resumed copy to the original session and sub-agents to their parent', async () => {
    const scanner = await scan([path.join(fixtures, 'claude-config'), path.join(fixtures, 'claude-config-copy')]);
    const sessions = sessionReport(scanner.ledger.events(), { calendar: utc, prices: new PriceTable() }).sessions;
    const a = sessions.find((s) => s.sessionId === 'sess-a')!;
    const b = sessions.find((s) => s.sessionId === 'sess-b')!;
    assert.equal(a.subAgents, 1);
    assert.equal(a.outputTokens, 120 + 300 + 200 + 2000 + 700 + 80 + 40);
    assert.equal(b.outputTokens, 60, 'only the new request belongs to the resumed session');
  });
});

describe('scanning Codex rollouts', () => {
  it('takes deltas of cumulative counters, splits cached input and skips repeated totals', async () => {
    const scanner = await scan([], [path.join(fixtures, 'codex-home')]);
    const events = scanner.ledger.events();
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => [e.inputTokens, e.cacheReadTokens, e.outputTokens]), [[4000, 8000, 500], [6000, 12000, 1000]]);
    assert.equal(events[0].model, 'gpt-5-codex');
    assert.equal(events[0].project, '/home/dev/api');
    const prices = new PriceTable();
    closeTo(events.reduce((sum, e) => sum + (prices.costOf(e) ?? NaN), 0), 0.011 + 0.019);
  });

  it('counts a request once when its totals come back in the same rollout after a reset, keeping the fuller record', async () => {
    // Totals A, then lower ones (a new conversation: last_token_usage), then A again: A's key twice in one file. The
    // second A is the difference from the lower totals (less output), so the first one's counts stay.
    const home = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-codex-reset-'));
    const dir = path.join(home, 'sessions', '2026', '11', '20');
    mkdirSync(dir, { recursive: true });
    const usage = (input: number, output: number) => `{"input_tokens":${input},"cached_input_tokens":0,"output_tokens":${output},"total_tokens":${input + output}}`;
    const count = (second: number, input: number, output: number) =>
      `{"timestamp":"2026-11-20T10:00:${String(second).padStart(2, '0')}.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":${usage(input, output)},"last_token_usage":${usage(3, 2)}},"rate_limits":null}}`;
    const lines = ['{"timestamp":"2026-11-20T10:00:00.000Z","type":"session_meta","payload":{"id":"sess-reset","cwd":"/home/dev/api","model":"gpt-5"}}', count(1, 100, 10), count(2, 50, 5), count(3, 100, 10), count(4, 120, 12)];
    writeFileSync(path.join(dir, 'rollout-2026-11-20T10-00-00-sess-reset.jsonl'), `${lines.join('\n')}\n`);
    const scanner = await scan([], [home]);
    const events = scanner.ledger.events();
    assert.deepEqual(events.map((e) => [e.timestampMs % 60_000, e.inputTokens, e.outputTokens]), [[1000, 100, 10], [2000, 3, 2], [4000, 20, 2]]);
    assert.equal(scanner.stats.duplicates, 1);
    assert.equal(scanner.stats.tally.usageLines, 4);
  });

  it('keeps the plan limits Codex reports as official readings', async () => {
    const scanner = await scan([], [path.join(fixtures, 'codex-home')]);
    const limits = scanner.officialLimits();
    assert.deepEqual(limits.map((l) => [l.name, l.usedPercent, l.windowMinutes]), [['primary', 42, 300], ['secondary', 18.5, 10080]]);
    assert.equal(limits[0].resetsAtMs, 1795690800 * 1000);
  });
});
