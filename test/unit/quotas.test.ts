import assert from 'node:assert/strict';
import { mergeCodexLimits } from '../../src/core/codexRateLimits';
import { newCodexFileState, usageFromCodexRecord, type CodexFileState } from '../../src/sources/agents/codex/records';
import { englishUsd } from '../../src/core/format';
import { limitsOfCodex, limitsOfPlanWindows } from '../../src/core/status/limit';
import { claudePlanQuotas, parseSnapshot, parseStatusLineInput, toSnapshot } from '../../src/core/claudeStatusLine';
import { run, type StatusLineIo } from '../../src/cli/statusline';
import { readStatusLineSnapshot } from '../../src/sources/statusLineStore';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function feed(state: CodexFileState, ...lines: string[]): void {
  for (const line of lines) usageFromCodexRecord(JSON.parse(line), state);
}

// Real rollout lines (shapes as Codex 0.13x+ writes them; `limit_id` / `limit_name` / `plan_type` / `credits`):
// the account limit and the GPT-5.3-Codex-Spark limit side by side, as quoted in public rollout parsers
// (e.g. a CodexRateLimitReader test fixture with `"limit_id":"codex_bengalfox","limit_name":"GPT-5.3-Codex-Spark"`).
const accountLine = '{"timestamp":"2026-05-25T09:19:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"limit_id":"codex","limit_name":null,"primary":{"used_percent":7.0,"window_minutes":300,"resets_at":1779706533},"secondary":{"used_percent":8.0,"window_minutes":10080,"resets_at":1780191944},"credits":null,"plan_type":"pro","rate_limit_reached_type":null}}}';
const sparkLine = '{"timestamp":"2026-05-25T09:20:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"limit_id":"codex_bengalfox","limit_name":"GPT-5.3-Codex-Spark","primary":{"used_percent":0.0,"window_minutes":300,"resets_at":1779708000},"secondary":{"used_percent":0.0,"window_minutes":10080,"resets_at":1780193000},"credits":null,"plan_type":"pro","rate_limit_reached_type":null}}}';

describe('Codex named limits (issue 21)', () => {
  it('keeps each named limit as its own limit, labelled with its name', () => {
    const state = newCodexFileState('s');
    feed(state, accountLine, sparkLine);
    assert.equal(state.rateLimits.length, 4);
    const nowMs = Date.parse('2026-05-25T09:30:00Z');
    const limits = limitsOfCodex(state.rateLimits, nowMs);
    const ids = limits.map((l) => l.id).sort();
    assert.deepEqual(ids, ['plan:codex:codex_bengalfox:primary', 'plan:codex:codex_bengalfox:secondary', 'plan:codex:primary', 'plan:codex:secondary']);
    const spark = limits.find((l) => l.id === 'plan:codex:codex_bengalfox:primary')!;
    assert.equal(spark.name, 'GPT-5.3-Codex-Spark');
    assert.equal(englishUsd.limitLabel(spark), 'Codex GPT-5.3-Codex-Spark 5-hour window');
    assert.equal(limits.find((l) => l.id === 'plan:codex:primary')!.used, 7);
    assert.equal(state.rateLimits.find((l) => l.limitId === 'codex')?.planType, 'pro');
  });

  it('treats rate_limits: null (Team plans, codex exec) as unknown: the last known reading stays, never 0 %', () => {
    const state = newCodexFileState('s');
    feed(state, accountLine, '{"timestamp":"2026-05-25T09:25:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":null}}');
    assert.equal(state.rateLimits.find((l) => l.name === 'primary')?.usedPercent, 7);
    const fresh = newCodexFileState('t');
    feed(fresh, '{"timestamp":"2026-05-25T09:25:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":null}}');
    assert.deepEqual(fresh.rateLimits, []);
  });

  it('does not let a 0 %/0 % placeholder (resets_at = observation + window) overwrite a real reading', () => {
    const state = newCodexFileState('s');
    const observed = Date.parse('2026-05-25T09:40:00Z') / 1000;
    const placeholder = JSON.stringify({ timestamp: '2026-05-25T09:40:00.000Z', type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: {
      limit_id: 'codex', primary: { used_percent: 0, window_minutes: 300, resets_at: observed + 300 * 60 }, secondary: { used_percent: 0, window_minutes: 10080, resets_at: observed + 10080 * 60 }, plan_type: 'pro' } } });
    feed(state, accountLine, placeholder);
    assert.equal(state.rateLimits.find((l) => l.name === 'primary')?.usedPercent, 7);
    assert.equal(state.rateLimits.find((l) => l.name === 'secondary')?.usedPercent, 8);
  });

  it('shows a real 0 % just after the window reset', () => {
    const state = newCodexFileState('s');
    // The account line's 5-hour window resets at 1779706533 (10:55:33Z); a reading after that is real.
    const after = 1779706533 + 120;
    const fresh = JSON.stringify({ timestamp: new Date(after * 1000).toISOString(), type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: {
      limit_id: 'codex', primary: { used_percent: 0, window_minutes: 300, resets_at: after + 300 * 60 }, secondary: { used_percent: 8, window_minutes: 10080, resets_at: 1780191944 }, plan_type: 'pro' } } });
    feed(state, accountLine, fresh);
    assert.equal(state.rateLimits.find((l) => l.name === 'primary')?.usedPercent, 0);
  });

  it('merges limits across rollout files by limit and window, newest first, with the same placeholder rule', () => {
    const a = newCodexFileState('a');
    const b = newCodexFileState('b');
    feed(a, accountLine);
    feed(b, sparkLine);
    const merged = mergeCodexLimits([], [...b.rateLimits, ...a.rateLimits]);
    assert.equal(merged.length, 4);
  });
});

describe('Claude status line: a stale reading with its age, model-scoped weeks (issue 21)', () => {
  // The recorded status line input (Claude Code 2.1.96 shape): test/fixtures/endpoints/claude-statusline-input.json.
  const input = readFileSync(join(__dirname, '../fixtures/endpoints/claude-statusline-input.json'), 'utf8');
  const NOW = Date.UTC(2025, 10, 25, 10, 0);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tokenmeter-sl-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function io(stdin: string, nowMs: number): StatusLineIo {
    return { readStdin: async () => stdin, write: () => undefined, writeError: () => undefined, env: {}, nowMs: () => nowMs, utcOffsetMinutes: () => 0 };
  }

  it('keeps the last good reading when rate_limits go missing, marked stale with its age', async () => {
    await run(['--state-dir', dir], io(input, NOW));
    const raw = JSON.parse(input);
    delete raw.rate_limits;
    await run(['--state-dir', dir], io(JSON.stringify(raw), NOW + 20 * 60_000));
    await run(['--state-dir', dir], io(JSON.stringify(raw), NOW + 40 * 60_000));
    const snapshot = readStatusLineSnapshot(dir)!;
    assert.equal(snapshot.recordedAtMs, NOW);
    assert.equal(snapshot.rateLimitsMissingSinceMs, NOW + 20 * 60_000);
    const nowMs = NOW + 60 * 60_000;
    const limits = limitsOfPlanWindows(claudePlanQuotas(snapshot, nowMs), nowMs);
    const fiveHour = limits.find((l) => l.scope === '5h')!;
    assert.equal(fiveHour.stale, true);
    assert.equal(fiveHour.used, 42.3);
    assert.equal(nowMs - fiveHour.updatedAtMs!, 60 * 60_000);
    // A fresh reading clears the mark.
    await run(['--state-dir', dir], io(input, NOW + 61 * 60_000));
    assert.equal(readStatusLineSnapshot(dir)!.rateLimitsMissingSinceMs, undefined);
  });

  it('shows model-scoped weekly limits as their own limits', () => {
    const raw = JSON.parse(input);
    raw.rate_limits.seven_day_opus = { used_percentage: 64, resets_at: 1764504000 };
    raw.rate_limits.seven_day_oauth_apps = { used_percentage: 5 };
    raw.rate_limits.model_scoped = [{ display_name: 'Fable', utilization: 9, resets_at: null }];
    const snapshot = toSnapshot(parseStatusLineInput(JSON.stringify(raw))!, NOW)!;
    const limits = limitsOfPlanWindows(claudePlanQuotas(parseSnapshot(JSON.stringify(snapshot))!, NOW), NOW);
    assert.deepEqual(limits.map((l) => [l.id, l.name, l.used]), [
      ['plan:claude:5h', undefined, 42.3], ['plan:claude:7d', undefined, 18], ['plan:claude:7d:Opus', 'Opus', 64], ['plan:claude:7d:Fable', 'Fable', 9],
    ]);
    assert.equal(englishUsd.limitLabel(limits[2]), 'Claude Opus weekly window');
  });
});
