// Attack pass, session 19 (docs/reliability.md): times no Date can hold. A log line or a status line input whose
// time or reset is past year 9999 (or before 1970) was taken as is: `tokenmeter status --json` and `blocks` then
// exited 1 ("Invalid time value", toISOString), for as long as the line was in the logs or the reading the newest;
// an event before 1970 was saved and made every later load refuse the index ("damaged ledger count").
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { emptyTally } from '../../src/core/lineParser';
import { codexWindowReadings, pacingJson, pacingOfAll } from '../../src/core/pacing';
import { parseStatusLineInput } from '../../src/core/claudeStatusLine/input';
import { claudePlanQuotas, parseSnapshot, toSnapshot } from '../../src/core/claudeStatusLine/snapshot';
import { parseCodexLines } from '../../src/sources/agents/codex/parser';
import { parseGeminiChat } from '../../src/sources/agents/gemini';
import { newCodexFileState } from '../../src/sources/agents/codex/records';
import { UsageScanner } from '../../src/sources/usageScanner';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { claudeAssistantLine, ledgerTotals } from '../helpers/logLines';
import { makeTempRoots, type TempRoots } from '../helpers/scanFolders';

const nowMs = Date.parse('2026-12-05T12:00:00.000Z');
const tokenCount = (at: string, primary: string) =>
  `{"timestamp":"${at}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"output_tokens":10,"total_tokens":110}},"rate_limits":{"primary":{${primary}},"credits":{"has_credits":true,"unlimited":false,"balance":"1${'0'.repeat(400)}"}}}}`;

describe('times no Date can hold (attack pass, session 19)', () => {
  it('a Codex reading with a reset or a window past any date keeps its percentage, not the time; status prints it', () => {
    const at = '2026-12-05T11:50:00.000Z';
    for (const primary of ['"used_percent":40,"window_minutes":300,"resets_at":1e300', '"used_percent":40,"window_minutes":300,"resets_at":9e15', '"used_percent":40,"window_minutes":300,"resets_in_seconds":1e300', '"used_percent":40,"window_minutes":1e18,"resets_in_seconds":100', '"used_percent":40,"window_minutes":1e-300,"resets_at":1796000000', '"used_percent":40,"window_minutes":300,"resets_at":"+275760-09-13T00:00:00.000Z"']) {
      // Twice: the second line of a run is folded by the path that moves the run's readings to its last time.
      for (const lines of [[tokenCount(at, primary)], [tokenCount(at, primary), tokenCount('2026-12-05T11:55:00.000Z', primary)]]) {
        const state = newCodexFileState('s');
        parseCodexLines(Buffer.from(lines.join('\n') + '\n'), 0, Buffer.byteLength(lines.join('\n') + '\n'), state, () => undefined, emptyTally());
        assert.equal(state.rateLimits.length, 1, primary);
        assert.equal(state.rateLimits[0].usedPercent, 40);
        const json = pacingOfAll(codexWindowReadings(state.rateLimits), nowMs).map(pacingJson);
        assert.equal(json.length, 1);
        assert.equal(Number.isFinite(state.credits?.balance ?? 0), true, 'a balance past any number is not one');
      }
    }
  });

  it('a log line of a time before 1970 or past year 9999 is malformed, and the index saved after it loads', async () => {
    const t: TempRoots = await makeTempRoots('tokenmeter-times-');
    try {
      const good = claudeAssistantLine({ id: 'good', usage: { input: 7, output: 1, cacheWrite: 0, cacheRead: 0 }, timestamp: '2026-12-01T10:00:00.000Z' });
      const old = claudeAssistantLine({ id: 'old', usage: { input: 5, output: 1, cacheWrite: 0, cacheRead: 0 }, timestamp: '1969-12-31T23:59:59.000Z' });
      const far = claudeAssistantLine({ id: 'far', usage: { input: 3, output: 1, cacheWrite: 0, cacheRead: 0 }, timestamp: '+275760-09-13T00:00:00.000Z' });
      await fs.writeFile(path.join(t.claudeProject, 's.jsonl'), [good, old, far].join('\n') + '\n');
      const codexFar = tokenCount('+275760-09-13T00:00:00.000Z', '"used_percent":1');
      await fs.writeFile(path.join(t.codexDay, 'rollout-2025-09-01T00-00-00-x.jsonl'), codexFar + '\n');
      const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
      await scanner.refresh({ full: true });
      assert.deepEqual(ledgerTotals(scanner.ledger), { events: 1, input: 7, output: 1, cacheWrite: 0, cacheRead: 0 });
      assert.equal(scanner.stats.tally.malformedLines, 3);
      const file = path.join(t.base, 'index.bin');
      await saveIndex(file, scanner);
      let refused: string | undefined;
      assert.equal(await loadIndex(file, new UsageScanner({ roots: t.roots, workers: 0 }), { onUnusable: (m) => (refused = m) }), true, refused);
    } finally {
      await t.cleanup();
    }
  });

  it('a Gemini CLI message of a time before 1970 or past year 9999 is malformed', async () => {
    const relativePath = 'shop/chats/session-2026-11-24T08-00-4f1c2d3e.jsonl';
    const text = await fs.readFile(path.join(__dirname, '..', 'fixtures', 'agents', '.gemini', 'tmp', ...relativePath.split('/')), 'utf8');
    const before = parseGeminiChat(text, relativePath);
    for (const time of ['1969-12-31T23:59:59.000Z', '+275760-09-13T00:00:00.000Z']) {
      // The message billed at 08:00:02 (g-1).
      const after = parseGeminiChat(text.split('"timestamp":"2026-11-24T08:00:02.000Z"').join(`"timestamp":"${time}"`), relativePath);
      assert.equal(after.usages.length, before.usages.length - 1, time);
      assert.equal(after.malformed, before.malformed + 1, time);
    }
  });

  it('an index whose plan limits name a time past any date is refused (the logs are read again)', async () => {
    const t: TempRoots = await makeTempRoots('tokenmeter-times-');
    try {
      await fs.writeFile(path.join(t.codexDay, 'rollout-2025-09-01T00-00-00-x.jsonl'), tokenCount('2026-12-05T11:50:00.000Z', '"used_percent":40,"window_minutes":300,"resets_at":1796000000') + '\n');
      const scanner = new UsageScanner({ roots: t.roots, workers: 0 });
      await scanner.refresh({ full: true });
      const file = path.join(t.base, 'index.bin');
      await saveIndex(file, scanner);
      const bytes = await fs.readFile(file);
      const end = bytes.indexOf(0x0a);
      const header = bytes.toString('utf8', 0, end);
      assert.ok(header.includes('"windowMinutes":300'));
      for (const [from, to] of [['"windowMinutes":300', '"windowMinutes":1e18'], ['"resetsAtMs":1796000000000', '"resetsAtMs":1e18'], ['"usedPercent":40', '"usedPercent":"40"']]) {
        // Same length (the header is padded to 8 bytes), so that only the value is wrong.
        const damaged = header.replace(from, to).trimEnd();
        const padded = damaged + ' '.repeat(Math.max(0, end - damaged.length));
        if (padded.length !== end) continue;
        await fs.writeFile(file, Buffer.concat([Buffer.from(padded), bytes.subarray(end)]));
        let refused: string | undefined;
        assert.equal(await loadIndex(file, new UsageScanner({ roots: t.roots, workers: 0 }), { onUnusable: (m) => (refused = m) }), false, to);
        assert.match(refused ?? '', /damaged header/);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('a Claude Code status line input or recorded snapshot with a reset past any date keeps its percentage, not the time', () => {
    for (const reset of ['1e300', '9e15', '"+275760-09-13T00:00:00.000Z"']) {
      const input = parseStatusLineInput(`{"session_id":"s","rate_limits":{"five_hour":{"used_percentage":40,"resets_at":${reset}},"seven_day":{"used_percentage":10,"resets_at":1796000000}}}`);
      assert.ok(input);
      const snapshot = toSnapshot(input, nowMs);
      assert.ok(snapshot);
      assert.equal(snapshot.fiveHour?.resetsAtMs, undefined, reset);
      assert.equal(claudePlanQuotas(snapshot, nowMs).length, 2);
      // A recorded snapshot (written by an older version, or damaged) is read with the same rule.
      const recorded = parseSnapshot(JSON.stringify({ version: 1, recordedAtMs: nowMs, fiveHour: { usedPercentage: 40, resetsAtMs: 1e300 } }));
      assert.ok(recorded);
      assert.equal(recorded.fiveHour?.resetsAtMs, undefined);
    }
  });
});
