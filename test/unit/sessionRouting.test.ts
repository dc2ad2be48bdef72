// The routing part of the status: the live "a cheaper model would do" hint and the escalation hint,
// fed by the ledger and by the agent's own words in the session's transcript, in the display language.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { englishUsd, Formatter } from '../../src/core/format';
import { defaultPriceTable } from '../../src/core/pricing';
import { liveRoutingHint, type ModelTiers } from '../../src/core/router';
import { escalationHintTexts, routingHintTexts } from '../../src/core/routing/routingPhrases';
import { activeSessionLookback, activeSessionMs, activeSessionOf, sessionRoutingOf } from '../../src/core/routing/sessionRouting';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeStatus } from '../../src/core/status/computeStatus';
import type { UsageEvent } from '../../src/core/usageEvent';
import { claudeTranscriptOf, RetryPhraseCounter, retryPhrasesSinceLastPrompt } from '../../src/sources/sessionTranscript';

const tiers: ModelTiers = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };
const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 });
const enCny = new Formatter({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.1 });
const nowMs = Date.parse('2026-12-04T05:00:00Z');

function request(model: string, minutesAgo: number, fields: Partial<UsageEvent> = {}): UsageEvent {
  return {
    source: 'claude', timestampMs: nowMs - minutesAgo * 60_000, sessionId: 's1', agentId: '', project: '-home-me-app', model,
    inputTokens: 50, outputTokens: 300, cacheWrite5mTokens: 800, cacheWrite1hTokens: 0, cacheReadTokens: 25_000, ...fields,
  };
}

/** Haiku requests of different shapes: no repeated step. */
const variedHaiku = [0, 1, 2, 3, 4].map((i) => request('claude-haiku-4-5', 10 - i, { inputTokens: 100 + 900 * i, outputTokens: 200 + 700 * i }));
/** Haiku trying the same step again: four repeats after the first attempt. */
const thrashingHaiku = [0, 1, 2, 3, 4].map((i) => request('claude-haiku-4-5', 10 - i, { inputTokens: 2_000 + i * 10, outputTokens: 1_500 + i * 10 }));
const simpleOpus = [0, 1, 2, 3, 4, 5].map((i) => request('claude-opus-4-5', 10 - i));

describe('session routing (status model)', () => {
  it('reads no more than the last activeSessionLookback events (the editor passes only those)', () => {
    // Older requests of the session before them, pricier and in another model: read, they would change the hint.
    const older = Array.from({ length: 3 * activeSessionLookback }, (_, i) => request('claude-opus-4-5', 30 + (i % 20), { outputTokens: 5_000 + i }));
    const recent = Array.from({ length: activeSessionLookback }, (_, i) => variedHaiku[i % variedHaiku.length]);
    const events = [...older, ...recent];
    const routing = sessionRoutingOf(events, nowMs, { tiers });
    assert.ok(routing);
    assert.deepEqual(sessionRoutingOf(events.slice(-activeSessionLookback), nowMs, { tiers }), routing);
    assert.deepEqual(activeSessionOf(events.slice(-activeSessionLookback), nowMs), activeSessionOf(events, nowMs));
  });

  it('says nothing when no session is in progress', () => {
    assert.equal(sessionRoutingOf(simpleOpus.map((e) => ({ ...e, timestampMs: e.timestampMs - 2 * activeSessionMs })), nowMs, { tiers }), undefined);
  });

  it('turns a cheap model repeating the same step into an escalation hint', () => {
    const routing = sessionRoutingOf(thrashingHaiku, nowMs, { tiers })!;
    assert.equal(routing.session.sessionId, 's1');
    assert.equal(routing.escalation?.retries, 4);
    assert.equal(routing.escalation?.suggestedModel, 'claude-sonnet-4-5');
    assert.equal(routing.hint, undefined);
    assert.equal(sessionRoutingOf(variedHaiku, nowMs, { tiers })!.escalation, undefined);
  });

  it("counts the agent's retry phrases of this session only", () => {
    const own = sessionRoutingOf(variedHaiku, nowMs, { tiers, retryPhrases: { sessionId: 's1', count: 4 } })!;
    assert.equal(own.escalation?.retries, 4);
    const other = sessionRoutingOf(variedHaiku, nowMs, { tiers, retryPhrases: { sessionId: 'older', count: 4 } })!;
    assert.equal(other.escalation, undefined);
  });

  it('gives the cheaper-model hint unless the setting is off, and never while the model thrashes', () => {
    assert.equal(sessionRoutingOf(simpleOpus, nowMs, { tiers })!.hint?.suggestedModel, 'claude-haiku-4-5');
    assert.equal(sessionRoutingOf(simpleOpus, nowMs, { tiers, liveHints: false })!.hint, undefined);
    // Sonnet looks simple to the live hint and also retries: the escalation wins.
    const sonnet = [0, 1, 2, 3, 4, 5].map((i) => request('claude-sonnet-4-5', 10 - i, { outputTokens: 100 + 90 * i }));
    assert.equal(sessionRoutingOf(sonnet, nowMs, { tiers })!.hint?.suggestedModel, 'claude-haiku-4-5');
    const both = sessionRoutingOf(sonnet, nowMs, { tiers, liveHints: true, retryPhrases: { sessionId: 's1', count: 3 } })!;
    assert.equal(both.escalation?.suggestedModel, 'claude-opus-4-5');
    assert.equal(both.hint, undefined);
    assert.equal(sessionRoutingOf(sonnet, nowMs, { tiers, liveHints: false, retryPhrases: { sessionId: 's1', count: 3 } })!.escalation?.retries, 3);
  });

  it('comes with the status when asked for, with prices from the same table', () => {
    const budget = budgetSettingsSchema.parse({});
    const base = { events: thrashingHaiku, prices: defaultPriceTable(), calendar: new Calendar('UTC'), nowMs, budget };
    assert.equal(computeStatus(base).routing, undefined);
    const status = computeStatus({ ...base, routing: { tiers } });
    assert.equal(status.routing?.escalation?.retries, 4);
    assert.ok(status.routing!.escalation!.spentUsd > 0 && status.routing!.escalation!.nextAttemptUsd > 0);
  });
});

describe('routing hint words', () => {
  it('gives the live hint in Chinese and yuan, and as the core says it in English/USD', () => {
    const hint = liveRoutingHint(simpleOpus, 'claude-opus-4-5', tiers)!;
    assert.deepEqual(routingHintTexts(englishUsd, hint), { text: hint.text, detail: hint.detail });
    const zh = routingHintTexts(zhCny, hint);
    assert.equal(zh.text, 'Haiku 即可 · −80%');
    assert.match(zh.detail, /^最近 6 次 Opus 请求看起来很简单：\n回复中位数 300 tokens，新输入中位数 850 tokens，上下文 25\.9K tok。\n用 Haiku 只需 ¥[\d.]+，而不是 ¥[\d.]+（−80%）。\n/);
    assert.ok(!routingHintTexts(enCny, hint).detail.includes('$'));
  });

  it('gives the escalation hint in English and in Chinese with yuan', () => {
    const h = sessionRoutingOf(thrashingHaiku, nowMs, { tiers })!.escalation!;
    const en = escalationHintTexts(englishUsd, h);
    assert.equal(en.text, 'Haiku has retried 4 times; Sonnet is likely cheaper from here');
    assert.match(en.detail, /This run of retries has cost \$[\d.]+; one attempt on Sonnet costs about \$[\d.]+\./);
    const zh = escalationHintTexts(zhCny, h);
    assert.equal(zh.text, 'Haiku 已重试 4 次；从这里起改用 Sonnet 可能更省钱');
    assert.match(zh.detail, /这一轮重试已花 ¥[\d.]+；在 Sonnet 上试一次约 ¥[\d.]+。/);
  });
});

const userLine = (content: unknown, extra: object = {}) => JSON.stringify({ type: 'user', sessionId: 's1', ...extra, message: { role: 'user', content } });
const assistantLine = (id: string, text: string, extra: object = {}) =>
  JSON.stringify({ type: 'assistant', sessionId: 's1', ...extra, message: { id, role: 'assistant', model: 'claude-haiku-4-5', content: [{ type: 'text', text }] } });

describe('retry phrases in a transcript', () => {
  it("counts the agent's replies that retry since the user's last prompt, once each, not tool results or sub-agents", () => {
    const lines = [
      userLine('fix the flaky upload test'),
      assistantLine('m1', "That didn't work. Let me try a different approach."),
      userLine('now make the export faster'),
      assistantLine('m2', 'Let me try a different approach.'),
      userLine([{ type: 'tool_result', tool_use_id: 't1', content: 'FAIL' }]),
      assistantLine('m3', '別の方法で試してみます。'),
      assistantLine('m3', 'まだ失敗します。'), // the same reply streamed on, with another phrase: still one retry
      assistantLine('m4', 'Let me try another approach', { isSidechain: true }),
      JSON.stringify({ type: 'assistant', sessionId: 's1', message: { id: 'm5', content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo "let me try a different approach"' } }] } }),
      assistantLine('m6', 'Still failing — попробую ещё раз.'),
    ];
    assert.equal(retryPhrasesSinceLastPrompt(lines.join('\n')), 3);
    // The tail may start mid-line; an unfinished last line is skipped too.
    const text = lines.join('\n');
    assert.equal(retryPhrasesSinceLastPrompt(`${text.slice(40)}\n{"type":"assistant","message":{"content":"let me try a diff`), 3);
    assert.equal(retryPhrasesSinceLastPrompt(`${text}\n${userLine('thanks, next task')}`), 0);
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tokenmeter-retries-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the main transcript of a session and recounts when it grows', async () => {
      const project = join(dir, 'projects', '-home-me-app');
      mkdirSync(project, { recursive: true });
      const file = join(project, 's1.jsonl');
      writeFileSync(file, `${userLine('fix it')}\n${assistantLine('m1', 'Let me try a different approach.')}\n`);
      assert.equal(await claudeTranscriptOf([join(dir, 'missing'), dir], '-home-me-app', 's1'), file);
      assert.equal(await claudeTranscriptOf([dir], '-home-me-app', 's2'), undefined);
      assert.equal(await claudeTranscriptOf([dir], '..', 's1'), undefined, 'names from logs never leave projects/');
      assert.equal(await claudeTranscriptOf([dir], '-home-me-app', '../../etc/passwd'), undefined);
      const counter = new RetryPhraseCounter();
      assert.equal(await counter.count(file), 1);
      appendFileSync(file, `${assistantLine('m2', '还是不行，换个思路。')}\n`);
      assert.equal(await counter.count(file), 2);
    });
  });
});
