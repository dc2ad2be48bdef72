import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  claudePlanQuotas,
  formatStatusLine,
  isTokenmeterStatusLine,
  parseResetsAt,
  parseSnapshot,
  parseStatusLineInput,
  planStatusLineInstall,
  planStatusLineUninstall,
  planWindows,
  shellQuote,
  shellUnquote,
  toSnapshot,
} from '../../src/core/claudeStatusLine';

const INPUT = readFileSync(join(__dirname, '../fixtures/endpoints/claude-statusline-input.json'), 'utf8');
const NOW = Date.UTC(2025, 10, 25, 10, 0); // Tue 2025-11-25 10:00Z
const OPTS = { nowMs: NOW, utcOffsetMinutes: 0 };
const OURS = 'tokenmeter statusline';

describe('Claude Code status line input', () => {
  it('reads model, session cost and both rate-limit windows', () => {
    assert.deepEqual(parseStatusLineInput(INPUT), {
      sessionId: '8d2f0c7e-4b1a-4f7e-9c55-1f0e2a3b4c5d',
      modelId: 'claude-opus-4-1-20250805',
      modelName: 'Opus 4.1',
      cwd: '/home/alice/app',
      sessionCostUsd: 3.2012,
      fiveHour: { usedPercentage: 42.3, resetsAtMs: 1764079800000 },
      sevenDay: { usedPercentage: 18, resetsAtMs: 1764504000000 },
    });
  });

  it('accepts resets_at as unix seconds, a digit string or an ISO string', () => {
    assert.equal(parseResetsAt(1764079800), 1764079800000);
    assert.equal(parseResetsAt('1764079800'), 1764079800000);
    assert.equal(parseResetsAt('2025-11-25T14:10:00Z'), 1764079800000);
    assert.equal(parseResetsAt('2025-11-25T15:10:00+01:00'), 1764079800000);
    assert.equal(parseResetsAt('soon'), undefined);
    assert.equal(parseResetsAt(null), undefined);
  });

  it('has no windows for API-key users or before the first response', () => {
    const raw = JSON.parse(INPUT);
    delete raw.rate_limits;
    const input = parseStatusLineInput(JSON.stringify(raw))!;
    assert.equal(input.fiveHour, undefined);
    assert.equal(formatStatusLine(input, OPTS), '$3.20 session');
    assert.equal(toSnapshot(input, NOW), undefined);
  });

  it('ignores a window without used_percentage and rejects non-objects', () => {
    const input = parseStatusLineInput('{"rate_limits":{"five_hour":{"resets_at":1764079800},"seven_day":{"used_percentage":"55"}}}')!;
    assert.equal(input.fiveHour, undefined);
    assert.deepEqual(input.sevenDay, { usedPercentage: 55 });
    assert.equal(parseStatusLineInput('[1,2]'), undefined);
    assert.equal(parseStatusLineInput('{"truncated":'), undefined);
  });
});

describe('formatStatusLine', () => {
  it('prints the compact line', () => {
    assert.equal(formatStatusLine(parseStatusLineInput(INPUT)!, OPTS), '5h 42% (resets 14:10) · 7d 18% · $3.20 session');
  });

  it('shows reset times in local time, with the weekday when not today', () => {
    const input = parseStatusLineInput(INPUT)!;
    input.sevenDay!.usedPercentage = 86;
    // UTC+1: 14:10Z is 15:10; 7d resets Sun 2025-11-30 12:00Z = 13:00 local.
    assert.equal(formatStatusLine(input, { nowMs: NOW, utcOffsetMinutes: 60 }), '5h 42% (resets 15:10) · 7d 86% (resets Sun 13:00) · $3.20 session');
  });

  it('says a window has reset once its reset time passed', () => {
    const input = parseStatusLineInput(INPUT)!;
    assert.equal(formatStatusLine(input, { nowMs: Date.UTC(2025, 10, 25, 15), utcOffsetMinutes: 0 }), '5h reset · 7d 18% · $3.20 session');
  });

  it('prints nothing when there is nothing to say', () => {
    assert.equal(formatStatusLine({}, OPTS), '');
  });
});

describe('status line snapshot', () => {
  it('round-trips through the recorded JSON', () => {
    const snap = toSnapshot(parseStatusLineInput(INPUT)!, NOW)!;
    assert.deepEqual(parseSnapshot(JSON.stringify(snap)), snap);
    assert.equal(snap.recordedAtMs, NOW);
  });

  it('rejects files that are not a version 1 snapshot', () => {
    assert.equal(parseSnapshot('{"version":2,"recordedAtMs":1,"fiveHour":{"usedPercentage":1}}'), undefined);
    assert.equal(parseSnapshot('{"version":1,"recordedAtMs":1}'), undefined);
    assert.equal(parseSnapshot('{"version":1,"recordedAtMs":1,"fiveH'), undefined);
  });

  it('reports a window whose reset passed as expired', () => {
    const snap = toSnapshot(parseStatusLineInput(INPUT)!, NOW)!;
    const later = Date.UTC(2025, 10, 25, 15);
    assert.deepEqual(planWindows(snap, later).map((w) => [w.window, w.expired, w.ageMs]), [
      ['5h', true, 5 * 3_600_000],
      ['7d', false, 5 * 3_600_000],
    ]);
  });
});

describe('claudePlanQuotas', () => {
  it('gives both windows as plan quotas, zeroing one that has reset', () => {
    const snap = toSnapshot(parseStatusLineInput(INPUT)!, NOW)!;
    assert.deepEqual(claudePlanQuotas(snap, Date.UTC(2025, 10, 25, 15)), [
      { source: 'claude', window: '5h', usedPercent: 0, fetchedAtMs: NOW, stale: true, resetsAt: '2025-11-25T14:10:00.000Z' },
      { source: 'claude', window: '7d', usedPercent: 18, fetchedAtMs: NOW, stale: false, resetsAt: '2025-11-30T12:00:00.000Z' },
    ]);
  });
});

describe('installing into Claude Code settings', () => {
  it('installs when there is no status line, keeping other settings', () => {
    const plan = planStatusLineInstall({ model: 'opus', permissions: { allow: [] } }, OURS);
    assert.equal(plan.action, 'install');
    assert.deepEqual(plan.settings, { model: 'opus', permissions: { allow: [] }, statusLine: { type: 'command', command: OURS } });
  });

  it('wraps an existing command, keeping padding, and unwraps it back', () => {
    const user = `bash -c 'echo "$(jq -r .model.display_name)" it'"'"'s'`;
    const settings = { statusLine: { type: 'command', command: user, padding: 1 } };
    const plan = planStatusLineInstall(settings, OURS);
    assert.equal(plan.action, 'wrap');
    assert.deepEqual(plan.after, { type: 'command', command: `${OURS} --wrap ${shellQuote(user)}`, padding: 1 });
    assert.match(plan.summary, /keeps running and showing first/);
    assert.deepEqual(settings.statusLine.command, user, 'the input object is not mutated');
    const back = planStatusLineUninstall(plan.settings, OURS);
    assert.equal(back.action, 'restore');
    assert.deepEqual(back.settings, settings);
  });

  it('does nothing when already installed, in any spelling', () => {
    assert.equal(planStatusLineInstall({ statusLine: { type: 'command', command: OURS } }, OURS).action, 'unchanged');
    assert.equal(planStatusLineInstall({ statusLine: { type: 'command', command: 'npx tokenmeter statusline --no-record' } }, OURS).action, 'unchanged');
    assert.ok(isTokenmeterStatusLine('node "/x/tokenmeter/dist/cli.js" statusline', 'node "/x/tokenmeter/dist/cli.js"'));
    assert.ok(!isTokenmeterStatusLine('~/.claude/statusline.sh', OURS));
  });

  it('removes a status line that is only ours, and leaves others alone', () => {
    const removed = planStatusLineUninstall({ statusLine: { type: 'command', command: OURS }, model: 'x' }, OURS);
    assert.equal(removed.action, 'remove');
    assert.deepEqual(removed.settings, { model: 'x' });
    assert.equal(planStatusLineUninstall({ statusLine: { type: 'command', command: 'ccstatusline' } }, OURS).action, 'unchanged');
  });

  it('quotes and unquotes shell arguments', () => {
    for (const s of ['plain', "it's", 'a b "c" $HOME `x`', "''", 'ü €']) assert.equal(shellUnquote(shellQuote(s)), s);
    assert.equal(shellUnquote("'a' b"), undefined);
  });
});
