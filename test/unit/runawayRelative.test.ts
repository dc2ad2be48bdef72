import * as assert from 'node:assert/strict';
import { baselineFromHistory, defaultBaseline, replayAlerts } from '../../src/core/runaway';
import { testCostOf } from './runawayHistories';
import { generateProfileHistory, profiles } from './runawayProfiles';

const minuteMs = 60_000;

describe('relative runaway detection (the user\'s own baseline, tokens and dollars)', () => {
  for (const profile of profiles) {
    it(`catches every planted runaway of a ${profile} user within 10 minutes of it being sustained, and nothing else`, () => {
      const h = generateProfileHistory(profile, 3);
      const alerts = replayAlerts(h.events, testCostOf, { baseline: baselineFromHistory(h.events, testCostOf) }, h.actions);
      const planted = new Map(h.planted.map((p) => [p.sessionId, p]));
      assert.deepEqual(alerts.filter((a) => !planted.has(a.sessionId) || a.firedAtMs < planted.get(a.sessionId)!.startMs).map((a) => a.message), []);
      for (const p of h.planted) {
        const first = alerts.find((a) => a.sessionId === p.sessionId);
        assert.ok(first, `${p.shape} ×${p.factor.toFixed(1)} was not detected`);
        assert.ok(first.firedAtMs - p.sustainedMs <= 10 * minuteMs, `${p.shape} detected ${((first.firedAtMs - p.sustainedMs) / minuteMs).toFixed(1)} min after it was sustained`);
      }
    });
  }

  it('names the multiple of the usual peak token rate for a light user\'s sustained ramp', () => {
    const h = generateProfileHistory('light', 1, { runaways: ['ramp'] });
    const ramp = h.planted[0];
    const alerts = replayAlerts(h.events, testCostOf, { baseline: baselineFromHistory(h.events, testCostOf) }).filter((a) => a.sessionId === ramp.sessionId);
    const relative = alerts.find((a) => a.relative !== undefined);
    assert.ok(relative, 'no relative alert');
    assert.equal(relative.kind, 'burn-rate');
    assert.ok(relative.usdPerHour < 30, 'a light user\'s runaway is cheap in dollars');
    assert.match(relative.message, /has been running at [\d.]+× your usual peak (token|spend) rate for 10 min \(usual peak /);
  });

  it('keeps past runaways out of the token baseline', () => {
    const withRunaways = generateProfileHistory('light', 4);
    const b = baselineFromHistory(withRunaways.events, testCostOf);
    const clean = baselineFromHistory(withRunaways.events.filter((e) => !withRunaways.planted.some((p) => p.sessionId === e.sessionId)), testCostOf);
    assert.ok(b.tokensPerMinute! <= clean.tokensPerMinute! * 1.1, `${b.tokensPerMinute} vs ${clean.tokensPerMinute}`);
  });

  it('has no token baseline, so no relative alert, for a new user without history or plan', () => {
    assert.equal(defaultBaseline.tokensPerMinute, undefined);
    const h = generateProfileHistory('heavy', 2, { days: 1, runaways: [] });
    assert.deepEqual(replayAlerts(h.events, testCostOf).filter((a) => a.relative !== undefined), []);
  });
});
