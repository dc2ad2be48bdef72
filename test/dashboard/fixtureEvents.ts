import type { UsageEvent } from '../../src/core/usageEvent';
import { mulberry32 as random } from '../helpers/mulberry32.mjs';

export const fixtureProjects = ['-home-dev-tokenmeter', '-home-dev-website', '-home-dev-infra', '<img src=x onerror="document.title=\'pwned\'">', '-home-dev-api'];
const claudeModels = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];
const claudeWeights = [0.6, 0.3, 0.1];

export interface FixtureOptions {
  nowMs: number;
  days: number;
  /** Billed requests per day on average. */
  requestsPerDay: number;
  seed?: number;
  /** Project names to draw from (default: `fixtureProjects`, one of them hostile HTML). */
  projects?: string[];
}

/**
 * Sessions of Claude Code (with sub-agents) and Codex over `days` days up to
 * `nowMs`, in time order, about `requestsPerDay` requests a day. One session
 * uses an unpriced model and one project name is hostile HTML.
 */
export function fixtureEvents(options: FixtureOptions): UsageEvent[] {
  const rand = random(options.seed ?? 7);
  const events: UsageEvent[] = [];
  const startMs = options.nowMs - options.days * 86_400_000;
  let sessionNo = 0;
  let t = startMs;
  const meanSessionRequests = 120;
  const sessionsPerDay = options.requestsPerDay / meanSessionRequests;
  const gapMs = 86_400_000 / sessionsPerDay;
  while (t < options.nowMs) {
    sessionNo++;
    const isCodex = rand() < 0.2;
    const source = isCodex ? 'codex' : 'claude';
    const sessionId = `${isCodex ? 'rollout' : 'sess'}-${sessionNo.toString(16).padStart(6, '0')}-${Math.floor(rand() * 1e8).toString(36)}`;
    const projects = options.projects ?? fixtureProjects;
    const project = projects[Math.floor(rand() * projects.length)];
    const unpriced = sessionNo % 97 === 5;
    const r = rand();
    const mainModel = isCodex ? 'gpt-5-codex' : unpriced ? 'mystery-model-1' : claudeModels[r < claudeWeights[0] ? 0 : r < claudeWeights[0] + claudeWeights[1] ? 1 : 2];
    const requests = Math.max(2, Math.round(meanSessionRequests * 2 * rand()));
    const agents = !isCodex && rand() < 0.4 ? Math.ceil(rand() * 5) : 0;
    let at = t;
    let context = 5_000;
    for (let i = 0; i < requests && at < options.nowMs; i++) {
      const agent = agents > 0 && rand() < 0.3 ? `agent-${Math.ceil(rand() * agents)}` : '';
      context = Math.min(context + Math.floor(rand() * 6_000), 180_000);
      const fresh = Math.floor(rand() * 3_000) + 10;
      events.push({
        source,
        timestampMs: Math.floor(at),
        sessionId,
        agentId: agent,
        project,
        model: agent ? 'claude-haiku-4-5-20251001' : mainModel,
        inputTokens: fresh,
        outputTokens: Math.floor(rand() * 1_500) + 20,
        cacheWrite5mTokens: isCodex ? 0 : Math.floor(rand() * 4_000),
        cacheWrite1hTokens: !isCodex && rand() < 0.05 ? 2_000 : 0,
        cacheReadTokens: isCodex ? Math.floor(context * 0.8) : context,
      });
      at += 5_000 + rand() * 40_000;
    }
    t += gapMs * (0.5 + rand());
  }
  return events.sort((a, b) => a.timestampMs - b.timestampMs);
}
