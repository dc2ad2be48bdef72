// Codex credits (issue 21 item 6). The shape is openai/codex's own (Apache-2.0):
// codex-rs/protocol/src/protocol.rs — `TokenCountEvent { info, rate_limits: Option<RateLimitSnapshot> }`,
// `RateLimitSnapshot { …, credits: Option<CreditsSnapshot>, plan_type }`,
// `CreditsSnapshot { has_credits: bool, unlimited: bool, balance: Option<String> }`; per-model snapshots
// carry `credits: null` (only the account snapshot has them). The lines below are built from that shape.
import assert from 'node:assert/strict';
import { Calendar } from '../../src/core/calendar';
import { newestCodexCredits } from '../../src/core/codexRateLimits';
import { newCodexFileState, usageFromCodexRecord, type CodexFileState } from '../../src/sources/agents/codex/records';
import { englishUsd, Formatter } from '../../src/core/format';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeStatus } from '../../src/core/status/computeStatus';

const line = (atIso: string, credits: unknown, limitId = 'codex') => JSON.stringify({
  timestamp: atIso, type: 'event_msg',
  payload: { type: 'token_count', info: null, rate_limits: {
    limit_id: limitId, limit_name: null,
    primary: { used_percent: 12.0, window_minutes: 300, resets_at: 1795000000 },
    secondary: { used_percent: 30.0, window_minutes: 10080, resets_at: 1795400000 },
    credits, plan_type: 'plus', rate_limit_reached_type: null,
  } },
});

function feed(state: CodexFileState, ...lines: string[]): void {
  for (const l of lines) usageFromCodexRecord(JSON.parse(l), state);
}

const nowMs = Date.parse('2026-11-20T10:00:00Z');
const statusWith = (credits: CodexFileState['credits'], dailyUsd?: number) => computeStatus({
  events: [], prices: new PriceTable(), calendar: new Calendar('UTC'), budget: budgetSettingsSchema.parse(dailyUsd ? { dailyUsd } : {}), nowMs, codexCredits: credits,
});

describe('Codex credits from rollouts (openai/codex CreditsSnapshot)', () => {
  it('shows the balance as an official Codex limit without a cap, in English and Chinese', () => {
    const state = newCodexFileState('s');
    feed(state, line('2026-11-20T09:50:00.000Z', { has_credits: true, unlimited: false, balance: '120.5' }));
    assert.deepEqual(state.credits, { hasCredits: true, unlimited: false, balance: 120.5, observedAtMs: Date.parse('2026-11-20T09:50:00Z') });
    const credits = statusWith(state.credits).limits.find((l) => l.id === 'plan:codex:credits')!;
    assert.equal(credits.origin, 'official');
    assert.equal(credits.source, 'codex');
    assert.equal(credits.unit, 'credits');
    assert.equal(credits.remaining, 120.5);
    assert.equal(credits.usedFraction, undefined);
    assert.equal(englishUsd.limitLine(credits, nowMs), 'Codex credits balance: 120.50 credits left · updated 10 min ago · official');
    const zh = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1, timeZone: 'UTC' });
    assert.match(zh.limitLine(credits, nowMs), /^Codex 积分余额：剩余 120\.50 积分/);
  });

  it('never makes the credits balance the tightest limit (it has no cap)', () => {
    const state = newCodexFileState('s');
    feed(state, line('2026-11-20T09:50:00.000Z', { has_credits: true, unlimited: false, balance: '0' }));
    const status = statusWith(state.credits, 5);
    assert.ok(status.limits.some((l) => l.id === 'plan:codex:credits' && l.remaining === 0));
    assert.equal(status.tightest?.id, 'local:day:usd');
  });

  it('says unlimited for unlimited credits, and shows nothing when the account has none', () => {
    const unlimited = newCodexFileState('s');
    feed(unlimited, line('2026-11-20T09:50:00.000Z', { has_credits: true, unlimited: true, balance: null }));
    const limit = statusWith(unlimited.credits).limits.find((l) => l.id === 'plan:codex:credits')!;
    assert.equal(englishUsd.limitLine(limit, nowMs), 'Codex credits balance: unlimited · updated 10 min ago · official');
    const none = newCodexFileState('t');
    feed(none, line('2026-11-20T09:50:00.000Z', { has_credits: false, unlimited: false, balance: '0' }));
    assert.equal(none.credits?.hasCredits, false);
    assert.deepEqual(statusWith(none.credits).limits.filter((l) => l.unit === 'credits'), []);
  });

  it('keeps the last reading when a later snapshot has credits: null (a per-model limit) or a malformed balance', () => {
    const state = newCodexFileState('s');
    feed(state,
      line('2026-11-20T09:40:00.000Z', { has_credits: true, unlimited: false, balance: '42' }),
      line('2026-11-20T09:45:00.000Z', null, 'codex_bengalfox'),
      line('2026-11-20T09:46:00.000Z', { has_credits: 'yes', unlimited: false, balance: '1' }));
    assert.equal(state.credits?.balance, 42);
    feed(state, line('2026-11-20T09:50:00.000Z', { has_credits: true, unlimited: false, balance: '41.25' }));
    assert.equal(state.credits?.balance, 41.25);
  });

  it('takes the newest reading across rollout files', () => {
    const older = { hasCredits: true, unlimited: false, balance: 10, observedAtMs: 1 };
    const newer = { hasCredits: true, unlimited: false, balance: 7, observedAtMs: 2 };
    assert.equal(newestCodexCredits([older, undefined, newer])?.balance, 7);
    assert.equal(newestCodexCredits([newer, older])?.balance, 7);
    assert.equal(newestCodexCredits([undefined]), undefined);
  });
});
