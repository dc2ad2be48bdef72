/**
 * Deterministic (by seed) usage histories for tuning and testing the runaway
 * detector: normal heavy work that must stay quiet, and planted runaways that
 * must be caught within minutes of their start. Shared by
 * test/unit/runaway.test.ts and bench/runaway/evaluate.ts.
 */
import type { UsageEvent } from '../../src/core/usageEvent';
import { mulberry32 } from '../helpers/mulberry32.mjs';

const minuteMs = 60_000;

/** Test prices, USD per million tokens (cache read 0.1×, 5m write 1.25×, 1h write 2× input). Unknown models are unpriced. */
const ratesPerMtok: Record<string, { input: number; output: number }> = {
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-haiku-4-5': { input: 1, output: 5 },
};

export function testCostOf(e: UsageEvent): number | null {
  const r = ratesPerMtok[e.model];
  if (r === undefined) return null;
  return (e.inputTokens * r.input + e.outputTokens * r.output + e.cacheReadTokens * r.input * 0.1
    + e.cacheWrite5mTokens * r.input * 1.25 + e.cacheWrite1hTokens * r.input * 2) / 1e6;
}

export const rngOf = mulberry32;

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));

export type RunawayScenario = 'fanout-280' | 'window-142' | 'retry-loop' | 'huge-context';
export const runawayScenarios: readonly RunawayScenario[] = ['fanout-280', 'window-142', 'retry-loop', 'huge-context'];

export type NormalScenario = 'long-refactor' | 'subagent-bursts' | 'short-sessions' | 'big-context' | 'sequential-subagents' | 'parallel-12' | 'codex-unpriced';

export interface PlantedRunaway { scenario: RunawayScenario; sessionId: string; startMs: number }

export interface History {
  events: UsageEvent[];
  planted: PlantedRunaway[];
  /** Session id → normal scenario that produced it. */
  normalSessions: Map<string, NormalScenario>;
}

interface AgentRun {
  sessionId: string; agentId: string; project: string; model: string;
  startMs: number; endMs: number;
  /** Mean seconds between requests. */
  meanGapS: number;
  contextStart: number;
  /** Tokens added to the context per request (uniform range). */
  growth: [number, number];
  outputMean: number;
  /** Compact back to `contextStart` when the context passes this. */
  compactAt: number;
  /** Chance per request of a user pause of 2–10 min. */
  pauseChance?: number;
  /** Use the 1-hour cache for writes. */
  cache1h?: boolean;
}

function runAgent(rng: Rng, a: AgentRun, out: UsageEvent[]): void {
  runAgentAt(rng, a, out);
}

function runAgentAt(rng: Rng, a: AgentRun, out: UsageEvent[]): void {
  let t = a.startMs;
  let context = a.contextStart;
  let first = true;
  while (t < a.endMs) {
    const add = first ? a.contextStart : intBetween(rng, a.growth[0], a.growth[1]);
    const cacheRead = first ? 0 : context;
    if (!first) context += add;
    const output = Math.max(20, Math.round(a.outputMean * between(rng, 0.3, 1.7)));
    out.push({
      source: 'claude', timestampMs: Math.round(t), sessionId: a.sessionId, agentId: a.agentId, project: a.project, model: a.model,
      inputTokens: intBetween(rng, 3, 40), outputTokens: output,
      cacheWrite5mTokens: a.cache1h ? 0 : add, cacheWrite1hTokens: a.cache1h ? add : 0, cacheReadTokens: cacheRead,
    });
    first = false;
    context += output;
    if (context > a.compactAt) { context = a.contextStart; first = true; }
    t += -Math.log(1 - rng()) * a.meanGapS * 1000 * 0.5 + a.meanGapS * 500; // half fixed, half exponential
    if (a.pauseChance !== undefined && rng() < a.pauseChance) t += between(rng, 2, 10) * minuteMs;
  }
}

const projects = ['acme-api', 'web-shop', 'infra-tools', 'ml-pipeline', 'docs-site', 'mobile-app'];
const sid = (rng: Rng, label: string) => `${Math.floor(rng() * 0xffffffff).toString(16).padStart(8, '0')}-${label}`;

function normalSessions(rng: Rng, dayStartMs: number, out: UsageEvent[], labels: Map<string, NormalScenario>, intensity: number): void {
  // Heavier users make requests more often: every normal agent's gap is divided by `intensity`.
  const runAgent = (r: Rng, a: AgentRun, o: UsageEvent[]) => runAgentAt(r, { ...a, meanGapS: a.meanGapS / intensity }, o);
  const project = () => projects[intBetween(rng, 0, projects.length - 1)];
  // A long refactor: Opus, ~3 h, steady high usage with compactions, plus Claude Code's tiny Haiku side calls.
  for (let i = 0; i < 2; i++) {
    const sessionId = sid(rng, 'refactor');
    labels.set(sessionId, 'long-refactor');
    const start = dayStartMs + between(rng, 0, 6) * 60 * minuteMs;
    const end = start + between(rng, 150, 200) * minuteMs;
    runAgent(rng, { sessionId, agentId: '', project: project(), model: 'claude-opus-4-5', startMs: start, endMs: end, meanGapS: between(rng, 9, 14),
      contextStart: 22_000, growth: [800, 4_000], outputMean: 900, compactAt: 170_000, pauseChance: 0.02 }, out);
    runAgent(rng, { sessionId, agentId: '', project: project(), model: 'claude-haiku-4-5', startMs: start, endMs: end, meanGapS: 30,
      contextStart: 420, growth: [0, 0], outputMean: 15, compactAt: 0 }, out);
  }
  // Bursts: an Opus main agent that twice fans out to 3–8 Sonnet explorers for a few minutes.
  for (let i = 0; i < 2; i++) {
    const sessionId = sid(rng, 'bursts');
    labels.set(sessionId, 'subagent-bursts');
    const p = project();
    const start = dayStartMs + between(rng, 0, 8) * 60 * minuteMs;
    const end = start + between(rng, 60, 120) * minuteMs;
    runAgent(rng, { sessionId, agentId: '', project: p, model: 'claude-opus-4-5', startMs: start, endMs: end, meanGapS: 12,
      contextStart: 25_000, growth: [800, 3_500], outputMean: 800, compactAt: 160_000, pauseChance: 0.02 }, out);
    for (let burst = 0; burst < 2; burst++) {
      const burstStart = start + between(rng, 5, 50) * minuteMs;
      const n = intBetween(rng, 3, 8);
      for (let k = 0; k < n; k++) {
        const s = burstStart + between(rng, 0, 30) * 1000;
        runAgent(rng, { sessionId, agentId: `a${burst}${k}${Math.floor(rng() * 1e6)}`, project: p, model: 'claude-sonnet-4-5', startMs: s, endMs: s + between(rng, 2, 7) * minuteMs,
          meanGapS: 14, contextStart: 14_000, growth: [1_000, 5_000], outputMean: 500, compactAt: 150_000 }, out);
      }
    }
  }
  // Many short Sonnet sessions, overlapping.
  for (let i = 0; i < 20; i++) {
    const sessionId = sid(rng, 'short');
    labels.set(sessionId, 'short-sessions');
    const start = dayStartMs + between(rng, 0, 9) * 60 * minuteMs;
    runAgent(rng, { sessionId, agentId: '', project: project(), model: 'claude-sonnet-4-5', startMs: start, endMs: start + between(rng, 3, 12) * minuteMs,
      meanGapS: between(rng, 8, 20), contextStart: 18_000, growth: [500, 4_000], outputMean: 700, compactAt: 160_000 }, out);
  }
  // A 1M-context Opus session: big cached context, a few large reads.
  {
    const sessionId = sid(rng, 'bigctx');
    labels.set(sessionId, 'big-context');
    const start = dayStartMs + between(rng, 0, 6) * 60 * minuteMs;
    const end = start + between(rng, 60, 120) * minuteMs;
    runAgent(rng, { sessionId, agentId: '', project: project(), model: 'claude-opus-4-5', startMs: start, endMs: end, meanGapS: 25,
      contextStart: 120_000, growth: [2_000, 60_000], outputMean: 1_200, compactAt: 700_000, pauseChance: 0.03, cache1h: true }, out);
  }
  // Sequential sub-agents: one after another, each 1–3 minutes.
  {
    const sessionId = sid(rng, 'seq');
    labels.set(sessionId, 'sequential-subagents');
    const p = project();
    let t = dayStartMs + between(rng, 0, 6) * 60 * minuteMs;
    const start = t;
    for (let k = 0; k < 25; k++) {
      const len = between(rng, 1, 3) * minuteMs;
      runAgent(rng, { sessionId, agentId: `seq${k}`, project: p, model: 'claude-sonnet-4-5', startMs: t, endMs: t + len,
        meanGapS: 10, contextStart: 12_000, growth: [1_000, 4_000], outputMean: 400, compactAt: 150_000 }, out);
      t += len + between(rng, 5, 40) * 1000;
    }
    runAgent(rng, { sessionId, agentId: '', project: p, model: 'claude-sonnet-4-5', startMs: start, endMs: t, meanGapS: 40,
      contextStart: 20_000, growth: [500, 2_000], outputMean: 500, compactAt: 150_000 }, out);
  }
  // The upper end of normal parallelism: 10–12 Sonnet agents for ~5 minutes.
  {
    const sessionId = sid(rng, 'par12');
    labels.set(sessionId, 'parallel-12');
    const p = project();
    const start = dayStartMs + between(rng, 0, 6) * 60 * minuteMs;
    runAgent(rng, { sessionId, agentId: '', project: p, model: 'claude-sonnet-4-5', startMs: start, endMs: start + 40 * minuteMs, meanGapS: 15,
      contextStart: 25_000, growth: [800, 3_000], outputMean: 600, compactAt: 150_000 }, out);
    const n = intBetween(rng, 10, 12);
    const burstStart = start + 10 * minuteMs;
    for (let k = 0; k < n; k++) {
      const s = burstStart + between(rng, 0, 20) * 1000;
      runAgent(rng, { sessionId, agentId: `p${k}`, project: p, model: 'claude-sonnet-4-5', startMs: s, endMs: s + between(rng, 3, 7) * minuteMs,
        meanGapS: 12, contextStart: 14_000, growth: [1_000, 5_000], outputMean: 500, compactAt: 150_000 }, out);
    }
  }
  // A Codex session with a model the price table does not know.
  {
    const sessionId = sid(rng, 'codex');
    labels.set(sessionId, 'codex-unpriced');
    const start = dayStartMs + between(rng, 0, 6) * 60 * minuteMs;
    const before = out.length;
    runAgent(rng, { sessionId, agentId: '', project: project(), model: 'gpt-5.1-codex-unknown', startMs: start, endMs: start + 90 * minuteMs, meanGapS: 15,
      contextStart: 30_000, growth: [1_000, 5_000], outputMean: 800, compactAt: 200_000 }, out);
    for (let i = before; i < out.length; i++) out[i].source = 'codex';
  }
}

function plantRunaway(rng: Rng, scenario: RunawayScenario, startBaseMs: number, out: UsageEvent[]): PlantedRunaway {
  const sessionId = sid(rng, scenario);
  const project = projects[intBetween(rng, 0, projects.length - 1)];
  // Normal work first, so detection must not rely on the session's start.
  const prefixMs = between(rng, 0, 30) * minuteMs;
  const sessionStart = startBaseMs;
  const startMs = sessionStart + prefixMs;
  const mainModel = scenario === 'fanout-280' || scenario === 'window-142' ? 'claude-sonnet-4-5' : 'claude-opus-4-5';
  if (prefixMs > 0) {
    runAgent(rng, { sessionId, agentId: '', project, model: mainModel, startMs: sessionStart, endMs: startMs, meanGapS: 12,
      contextStart: 20_000, growth: [800, 3_000], outputMean: 700, compactAt: 150_000 }, out);
  }
  switch (scenario) {
    case 'fanout-280':
    case 'window-142': {
      // One search fans out: agents spawn over a few minutes and run 10–25 minutes each.
      const n = scenario === 'fanout-280' ? 280 : 142;
      const spawnOverMs = between(rng, 1, 4) * minuteMs;
      for (let k = 0; k < n; k++) {
        const s = startMs + rng() * spawnOverMs;
        runAgent(rng, { sessionId, agentId: `fan${k}`, project, model: 'claude-sonnet-4-5', startMs: s, endMs: s + between(rng, 10, 25) * minuteMs,
          meanGapS: between(rng, 15, 35), contextStart: 16_000, growth: [1_000, 5_000], outputMean: 500, compactAt: 150_000 }, out);
      }
      break;
    }
    case 'retry-loop': {
      // The same request re-sent every few seconds for 40+ minutes (sizes differ by a few tokens at most).
      const context = intBetween(rng, 40_000, 90_000);
      const agentId = rng() < 0.5 ? '' : 'looper';
      let t = startMs;
      const end = startMs + between(rng, 40, 90) * minuteMs;
      while (t < end) {
        out.push({ source: 'claude', timestampMs: Math.round(t), sessionId, agentId, project, model: 'claude-opus-4-5',
          inputTokens: 180 + intBetween(rng, 0, 30), outputTokens: intBetween(rng, 120, 400),
          cacheWrite5mTokens: intBetween(rng, 0, 40), cacheWrite1hTokens: 0, cacheReadTokens: context });
        t += between(rng, 4, 10) * 1000;
      }
      break;
    }
    case 'huge-context': {
      // Re-reading huge context: either the cache keeps missing (whole context written again), or
      // 800k+ cached tokens are re-sent every few seconds.
      const cacheMisses = rng() < 0.5;
      let context = intBetween(rng, 300_000, 450_000);
      let t = startMs;
      const end = startMs + between(rng, 30, 60) * minuteMs;
      while (t < end) {
        out.push({ source: 'claude', timestampMs: Math.round(t), sessionId, agentId: '', project, model: 'claude-opus-4-5',
          inputTokens: intBetween(rng, 5, 50), outputTokens: intBetween(rng, 200, 1500),
          cacheWrite5mTokens: cacheMisses ? context : intBetween(rng, 500, 3000), cacheWrite1hTokens: 0,
          cacheReadTokens: cacheMisses ? 0 : 800_000 + intBetween(rng, 0, 150_000) });
        context += intBetween(rng, 200, 2000);
        t += (cacheMisses ? between(rng, 20, 40) : between(rng, 4, 7)) * 1000;
      }
      break;
    }
  }
  return { scenario, sessionId, startMs };
}

/**
 * One simulated working day from `dayStartMs`: the normal heavy sessions (request
 * rate × `normalIntensity`, default 1) and, unless `runaways` is empty, each listed
 * runaway planted at a different hour.
 */
export function generateHistory(seed: number, opts: { dayStartMs?: number; runaways?: readonly RunawayScenario[]; normal?: boolean; normalIntensity?: number } = {}): History {
  const rng = rngOf(seed);
  const dayStartMs = opts.dayStartMs ?? Date.UTC(2026, 2, 2, 8, 0, 0);
  const events: UsageEvent[] = [];
  const normal = new Map<string, NormalScenario>();
  if (opts.normal !== false) normalSessions(rng, dayStartMs, events, normal, opts.normalIntensity ?? 1);
  const planted: PlantedRunaway[] = [];
  const runaways = opts.runaways ?? runawayScenarios;
  runaways.forEach((scenario, i) => {
    planted.push(plantRunaway(rng, scenario, dayStartMs + (1 + 2 * i + between(rng, 0, 1)) * 60 * minuteMs, events));
  });
  events.sort((a, b) => a.timestampMs - b.timestampMs);
  return { events, planted, normalSessions: normal };
}

/** Window budget (USD) that the 142-agent fan-out of `history` uses up in about `minutes` minutes. */
export function windowBudgetEatenIn(history: History, minutes: number): number {
  const p = history.planted.find((x) => x.scenario === 'window-142');
  if (p === undefined) throw new Error('history has no window-142 runaway');
  let usd = 0;
  for (const e of history.events) {
    if (e.sessionId === p.sessionId && e.timestampMs >= p.startMs && e.timestampMs < p.startMs + minutes * minuteMs) usd += testCostOf(e) ?? 0;
  }
  return usd;
}
