import * as assert from 'node:assert/strict';
import { pacingLineText, pacingWarningText } from '../../src/core/alertPhrases';
import { Formatter } from '../../src/core/format';
import {
  claudeWindowReadings, codexWindowReadings, duePacingWarnings, pacingJson, pacingOf, pacingOfAll, pacingWarningKey, windowName, type WindowReading,
} from '../../src/core/pacing';

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
const t0 = Date.UTC(2026, 11, 3, 9, 0, 0); // a window's start

function reading(over: Partial<WindowReading>): WindowReading {
  return { source: 'claude', window: '5h', usedPercent: 0, windowMs: 5 * hourMs, resetsAtMs: t0 + 5 * hourMs, observedAtMs: t0, ...over };
}

describe('pacing of plan windows', () => {
  it('compares used % with the share of the window gone and projects the run-out', () => {
    // 1 h into a 5-hour window with 40 % used: 20 % of the time gone, runs out 1.5 h later, before the reset.
    const p = pacingOf(reading({ usedPercent: 40, observedAtMs: t0 + hourMs }), t0 + hourMs);
    assert.equal(p.elapsedPercent, 20);
    assert.equal(p.aheadByPercent, 20);
    assert.equal(p.projectedRunOutAtMs, t0 + 2.5 * hourMs);
    assert.equal(p.runsOutBeforeReset, true);
    assert.equal(p.resetsAtMs, t0 + 5 * hourMs);
  });

  it('projects no run-out when the window lasts until its reset', () => {
    const p = pacingOf(reading({ usedPercent: 10, observedAtMs: t0 + hourMs }), t0 + hourMs);
    assert.equal(p.runsOutBeforeReset, false);
    assert.equal(p.projectedRunOutAtMs, null);
    assert.equal(p.aheadByPercent, -10);
  });

  it('treats exactly on pace as running out at the reset, not before', () => {
    const p = pacingOf(reading({ usedPercent: 50, observedAtMs: t0 + 2.5 * hourMs }), t0 + 2.5 * hourMs);
    assert.equal(p.runsOutBeforeReset, false);
    assert.equal(p.projectedRunOutAtMs, null);
  });

  it('is at the window start 0 % elapsed and at the reset instant reset', () => {
    const atStart = pacingOf(reading({ usedPercent: 0, observedAtMs: t0 }), t0);
    assert.equal(atStart.elapsedPercent, 0);
    assert.equal(atStart.projectedRunOutAtMs, null);
    const atReset = pacingOf(reading({ usedPercent: 90, observedAtMs: t0 + 4 * hourMs }), t0 + 5 * hourMs);
    assert.equal(atReset.resetSinceReading, true);
    assert.equal(atReset.usedPercent, 0);
  });

  it('never projects from a 0 % reading just after a reset', () => {
    const p = pacingOf(reading({ usedPercent: 0, observedAtMs: t0 + 2 * minuteMs }), t0 + 2 * minuteMs);
    assert.equal(p.projectedRunOutAtMs, null);
    assert.equal(p.runsOutBeforeReset, false);
    assert.ok(Number.isFinite(p.elapsedPercent!));
  });

  it('waits for ten minutes of window before projecting, so one early request does not alarm', () => {
    const early = pacingOf(reading({ usedPercent: 3, observedAtMs: t0 + 2 * minuteMs }), t0 + 2 * minuteMs);
    assert.equal(early.projectedRunOutAtMs, null);
    const later = pacingOf(reading({ usedPercent: 10, observedAtMs: t0 + 10 * minuteMs }), t0 + 10 * minuteMs);
    assert.equal(later.runsOutBeforeReset, true);
    assert.equal(later.projectedRunOutAtMs, t0 + 100 * minuteMs);
  });

  it('projects from when the reading was taken, not from now', () => {
    // 30 % at 1 h, looked at 30 min later: the pace is 30 %/h, so 100 % at 3h20 after the start.
    const p = pacingOf(reading({ usedPercent: 30, observedAtMs: t0 + hourMs }), t0 + 1.5 * hourMs);
    assert.equal(p.elapsedPercent, 30);
    assert.equal(p.projectedRunOutAtMs, t0 + hourMs + (70 / 30) * hourMs);
  });

  it('reports an exhausted window as running out at the reading', () => {
    const p = pacingOf(reading({ usedPercent: 100, observedAtMs: t0 + 3 * hourMs }), t0 + 3 * hourMs);
    assert.equal(p.projectedRunOutAtMs, t0 + 3 * hourMs);
    assert.equal(p.runsOutBeforeReset, true);
  });

  it('drops the usage of a 5-hour window whose reset is in the past (the next one starts with the next request)', () => {
    const p = pacingOf(reading({ usedPercent: 85, observedAtMs: t0 + 4 * hourMs }), t0 + 6 * hourMs);
    assert.deepEqual(
      { used: p.usedPercent, elapsed: p.elapsedPercent, runOut: p.projectedRunOutAtMs, resets: p.resetsAtMs, before: p.runsOutBeforeReset, stale: p.resetSinceReading },
      { used: 0, elapsed: null, runOut: null, resets: null, before: false, stale: true },
    );
  });

  it('rolls a weekly reset in the past forward by whole weeks', () => {
    const weekly = reading({ window: '7d', windowMs: 7 * dayMs, usedPercent: 70, resetsAtMs: t0, observedAtMs: t0 - dayMs });
    const p = pacingOf(weekly, t0 + 8 * dayMs + hourMs);
    assert.equal(p.resetsAtMs, t0 + 14 * dayMs);
    assert.equal(p.usedPercent, 0);
    assert.ok(Math.abs(p.elapsedPercent! - ((dayMs + hourMs) / (7 * dayMs)) * 100) < 1e-9);
    assert.equal(p.runsOutBeforeReset, false);
  });

  it('shows used % alone when the reset time is unknown', () => {
    const p = pacingOf(reading({ usedPercent: 55, resetsAtMs: undefined }), t0 + hourMs);
    assert.equal(p.usedPercent, 55);
    assert.equal(p.elapsedPercent, null);
    assert.equal(p.projectedRunOutAtMs, null);
    assert.equal(p.resetsAtMs, null);
  });

  it('has nothing to pace without rate_limits', () => {
    assert.deepEqual(pacingOfAll(claudeWindowReadings({ recordedAtMs: t0 }), t0), []);
    assert.deepEqual(pacingOfAll(codexWindowReadings([]), t0), []);
  });

  it('prints ISO times and null for no run-out, as status --json documents', () => {
    const ahead = pacingJson(pacingOf(reading({ usedPercent: 40, observedAtMs: t0 + hourMs }), t0 + hourMs));
    assert.deepEqual(ahead, {
      source: 'claude', window: '5h', usedPercent: 40, elapsedPercent: 20,
      projectedRunOutAt: new Date(t0 + 2.5 * hourMs).toISOString(), resetsAt: new Date(t0 + 5 * hourMs).toISOString(), runsOutBeforeReset: true,
    });
    const behind = pacingJson(pacingOf(reading({ usedPercent: 5, observedAtMs: t0 + hourMs }), t0 + hourMs));
    assert.equal(behind.projectedRunOutAt, null);
  });

  it('reads Claude status-line and Codex windows with their lengths', () => {
    const claude = claudeWindowReadings({ recordedAtMs: t0, fiveHour: { usedPercentage: 12, resetsAtMs: t0 + hourMs }, sevenDay: { usedPercentage: 41 } });
    assert.deepEqual(claude.map((r) => [r.window, r.windowMs, r.usedPercent, r.resetsAtMs]), [['5h', 5 * hourMs, 12, t0 + hourMs], ['7d', 7 * dayMs, 41, undefined]]);
    const codex = codexWindowReadings([
      { name: 'primary', usedPercent: 23, windowMinutes: 300, resetsAtMs: t0, observedAtMs: t0 },
      { name: 'secondary', usedPercent: 9, windowMinutes: undefined, resetsAtMs: undefined, observedAtMs: t0 },
    ]);
    assert.deepEqual(codex.map((r) => [r.source, r.window]), [['codex', '5h'], ['codex', '7d']]);
    assert.equal(windowName(90 * minuteMs), '90m');
  });

  it('warns once per window instance, with the lead time before the reset', () => {
    const p = pacingOf(reading({ usedPercent: 40, observedAtMs: t0 + hourMs }), t0 + hourMs);
    const due = duePacingWarnings([p], new Set());
    assert.equal(due.length, 1);
    assert.equal(due[0].leadMs, 2.5 * hourMs);
    assert.deepEqual(duePacingWarnings([p], new Set([pacingWarningKey(p)])), []);
    // The next window (another reset time) warns again.
    const next = pacingOf(reading({ usedPercent: 40, observedAtMs: t0 + 6 * hourMs, resetsAtMs: t0 + 10 * hourMs }), t0 + 6 * hourMs);
    assert.equal(duePacingWarnings([next], new Set([pacingWarningKey(p)])).length, 1);
  });
});

describe('pacing phrases', () => {
  const en = new Formatter({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1, timeZone: 'UTC' });
  const zh = new Formatter({ locale: 'zh-cn', currency: 'USD', cnyPerUsd: 7.1, timeZone: 'UTC' });

  it('says used against time gone, ahead of pace, run-out and reset', () => {
    const p = pacingOf(reading({ usedPercent: 40, observedAtMs: t0 + hourMs }), t0 + hourMs);
    const line = pacingLineText(en, p);
    assert.match(line, /^Claude 5h: 40% used, 20% of the 5-hour window gone: ahead of pace, runs out .+, resets .+$/);
    assert.match(pacingLineText(zh, p), /^Claude 5h：已用 40%，5 小时额度时间已过 20%：超前于进度/);
    const [w] = duePacingWarnings([p], new Set());
    assert.match(pacingWarningText(en, w), /5-hour window runs out .*, 2 h 30 min before it resets/);
  });
});
