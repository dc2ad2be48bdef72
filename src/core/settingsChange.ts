// What a settings change touches, so the editor redoes only that: a new currency re-renders, a new budget recomputes
// the numbers, a new endpoint re-polls, a new runaway threshold rebuilds the detector, and only a change of what is
// read (folders, sources, time zone, prices) rescans the logs.
import type { Settings } from './settings';

export interface SettingsImpact {
  /** Log folders, sources, time zone or prices: a new scanner, index and ledger. */
  rescan: boolean;
  /** Caps and thresholds: the same ledger, new numbers. */
  recompute: boolean;
  /** Budget endpoints: new pollers. */
  repoll: boolean;
  /** Runaway thresholds: a new detector over the same ledger. */
  runaway: boolean;
  /** Currency, rate, routing hints: the same numbers shown again. */
  render: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares two settings snapshots section by section. */
export function settingsImpact(before: Settings, after: Settings): SettingsImpact {
  const rescan = !same(before.sources, after.sources) || !same(before.claudeConfigDirs, after.claudeConfigDirs) ||
    !same(before.codexHomes, after.codexHomes) || before.timeZone !== after.timeZone || !same(before.prices, after.prices) ||
    before.priceDataRefresh !== after.priceDataRefresh;
  return {
    rescan,
    recompute: !same(before.budget, after.budget),
    repoll: !same(before.endpoints, after.endpoints),
    runaway: !same(before.runaway, after.runaway),
    render: !same(before.display, after.display) || !same(before.routing, after.routing),
  };
}
