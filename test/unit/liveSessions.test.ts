// The live-sessions view (Show Runaway Sessions) in the display language and currency.
import * as assert from 'node:assert/strict';
import { englishUsd, Formatter } from '../../src/core/format';
import { liveSessionsMarkdown } from '../../src/core/liveSessionsReport';
import { RunawayDetector } from '../../src/core/runaway';
import type { UsageEvent } from '../../src/core/usageEvent';

const t0 = Date.parse('2026-11-20T10:00:00Z');
const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7, timeZone: 'UTC' });

function ev(timestampMs: number, sessionId: string, agentId = ''): UsageEvent {
  return { source: 'claude', timestampMs, sessionId, agentId, project: '-home-dev-shop', model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 200, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 90_000 };
}

function detectorWithTwoSessions(): RunawayDetector {
  const d = new RunawayDetector();
  for (let i = 0; i < 30; i++) {
    d.observe(ev(t0 + i * 10_000, 'slow-session'), 0.01);
    d.observe(ev(t0 + i * 10_000 + 1, 'fast-session', `x${i % 4}`), 0.1);
  }
  return d;
}

describe('live sessions view', () => {
  const nowMs = t0 + 300_000;

  it('lists the sessions fastest first in English and dollars', () => {
    const text = liveSessionsMarkdown(englishUsd, detectorWithTwoSessions(), nowMs, undefined, 50);
    assert.match(text, /^# Tokenmeter: live sessions\n/);
    assert.ok(text.indexOf('fast-ses') < text.indexOf('slow-ses'), text);
    assert.match(text, /\| Cost so far \| \$3\.00 · [\d.]+[KM] tok \|/);
    assert.match(text, /\| Sub-agents \| 4 active now · 4 started in the last 10 min · 4 in total \|/);
    assert.match(text, /Brake: `CLAUDE_CODE_[A-Z_]+=\d+`/);
  });

  it('says it all in Chinese and yuan, every number kept', () => {
    const text = liveSessionsMarkdown(zhCny, detectorWithTwoSessions(), nowMs, 'slow-session', 50);
    assert.match(text, /^# Tokenmeter：实时会话\n/);
    // The focused session comes first.
    assert.ok(text.indexOf('slow\\-ses') < text.indexOf('fast\\-ses'), text);
    assert.match(text, /\| 已花费 \| ¥21\.00 · [\d.]+[KM] tok \|/);
    assert.match(text, /\| 子智能体 \| 当前活跃 4 个 · 最近 10 分钟启动 4 个 · 共 4 个 \|/);
    assert.match(text, /\| 已运行 \| 4 分钟（最近一次请求在 [\d]+ 秒前） \|/);
    assert.ok(!/\$/.test(text), text);
    // Only ids, model and project names, units and the settings line stay Latin.
    const latin = text.replace(/claude\\-sonnet\\-4\\-5|home\\-dev\\-shop|fast\\-session|slow\\-session|fast\\-ses|slow\\-ses|Tokenmeter|Claude Code|Ctrl\+C|tok|`[^`]*`/g, '').match(/[A-Za-z]{3,}/g);
    assert.equal(latin, null, text);
  });

  it('says when no session is live', () => {
    assert.match(liveSessionsMarkdown(zhCny, new RunawayDetector(), nowMs), /过去 15 分钟内没有代理会话发出请求。/);
  });
});
