import type { Settings } from './settings';
import { defaultRoutingTiers } from './priceData';

/**
 * `settingsSchema.parse({})` written out, so the CLI's fast paths (statusline, guard, status,
 * reports) need not load zod just for defaults. A unit test keeps the two equal.
 */
export const defaultSettings: Settings = {
  budget: {
    resetDayOfMonth: 1,
    weekStartsOn: 1,
    warnAtPercent: 80,
    errorAtPercent: 95,
    notifyAtPercent: [50, 80, 95, 100],
    requestUrl: '',
  },
  sources: {
    claude: true,
    codex: true,
    cline: true,
    roo: true,
    kilo: true,
    opencode: true,
    gemini: true,
    amp: true,
  },
  claudeConfigDirs: [],
  codexHomes: [],
  timeZone: '',
  prices: {},
  priceDataRefresh: false,
  endpoints: {
    sources: [],
    pollIntervalMs: 60000,
    pauseWhenUnfocusedMs: 300000,
    copilot: false,
  },
  routing: {
    aggressiveness: 'balanced',
    smallModel: defaultRoutingTiers.small,
    mediumModel: defaultRoutingTiers.medium,
    largeModel: defaultRoutingTiers.large,
    liveHints: true,
    judge: 'off',
    judgeEndpoint: '',
    judgeModel: '',
  },
  runaway: {
    enabled: true,
    burnFactor: 2.5,
    maxParallelAgents: 0,
  },
  plan: 'auto',
  display: {
    currency: 'USD',
    cnyPerUsd: 7.1,
  },
};
