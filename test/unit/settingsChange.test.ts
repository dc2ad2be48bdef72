import * as assert from 'node:assert/strict';
import { settingsSchema } from '../../src/core/settings';
import { settingsImpact } from '../../src/core/settingsChange';

const base = settingsSchema.parse({});
const impact = (change: object) => {
  const i = settingsImpact(base, settingsSchema.parse(change));
  return Object.entries(i).filter(([, v]) => v).map(([k]) => k);
};

describe('what a settings change touches', () => {
  it('re-renders for the display currency and routing hints, nothing else', () => {
    assert.deepEqual(impact({ display: { currency: 'CNY' } }), ['render']);
    assert.deepEqual(impact({ routing: { liveHints: false } }), ['render']);
  });

  it('recomputes for caps, re-polls for endpoints, rebuilds the detector for runaway thresholds', () => {
    assert.deepEqual(impact({ budget: { dailyUsd: 20 } }), ['recompute']);
    assert.deepEqual(impact({ endpoints: { pollIntervalMs: 120_000 } }), ['repoll']);
    assert.deepEqual(impact({ runaway: { burnFactor: 4 } }), ['runaway']);
  });

  it('rescans only when what is read or how it is priced changes', () => {
    assert.deepEqual(impact({ claudeConfigDirs: ['/x'] }), ['rescan']);
    assert.deepEqual(impact({ timeZone: 'Asia/Shanghai' }), ['rescan']);
    assert.deepEqual(impact({ sources: { codex: false } }), ['rescan']);
    assert.deepEqual(impact({ prices: { 'my-model': { inputPerMTok: 1, outputPerMTok: 2 } } }), ['rescan']);
    assert.deepEqual(impact({}), []);
  });
});
