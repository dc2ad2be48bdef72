/**
 * Multi-day usage histories of three user profiles (issue 15), deterministic by seed, for
 * tuning the relative runaway detection: a light subscription user (~9k tokens/min while
 * working, ~$2/day), a medium one (~$20/day) and a heavy API user (~$150/day). Normal work
 * has short peaks (sub-agent bursts up to ~7× the user's normal rate over 10 minutes);
 * planted runaways ramp up and sustain 10–50× that rate (with a few sub-agents), fan out,
 * loop, or churn context. Tuning seeds only: the evaluation runs the independent generator
 * in bench/eval-independent/runaway/ (written without this code).
 */
import type { AgentAction } from '../../src/core/runaway';
import type { UsageEvent } from '../../src/core/usageEvent';
import { mulberry32 } from '../helpers/mulberry32.mjs';
import { normalActions, pollingStretch, retryLoop, retryShapes, type RetryShape } from './runawayProfileActions';

const minuteMs = 60_000;
const dayMs = 86_400_000;

export type Profile = 'light' | 'medium' | 'heavy';
export const profiles: readonly Profile[] = ['light', 'medium', 'heavy'];
export type ProfileRunaway = 'ramp' | 'fanout' | 'loop' | 'churn' | 'retry';
/** Planted by default: each shape once, retry loops (the hardest: a normal token rate) twice. */
export const profileRunaways: readonly ProfileRunaway[] = ['ramp', 'fanout', 'loop', 'churn', 'retry', 'retry'];

interface ProfileSpec {
  /** Normal token rate while working, all token classes, per minute. */
  paceTokensPerMinute: number;
  model: string;
  sessionsPerDay: [number, number];
  sessionMinutes: [number, number];
  /** Typical context of a request, tokens. */
  context: [number, number];
}

const specs: Record<Profile, ProfileSpec> = {
  light: { paceTokensPerMinute: 9_000, model: 'claude-sonnet-4-5', sessionsPerDay: [1, 4], sessionMinutes: [10, 90], context: [15_000, 60_000] },
  medium: { paceTokensPerMinute: 60_000, model: 'claude-sonnet-4-5', sessionsPerDay: [3, 7], sessionMinutes: [15, 150], context: [25_000, 120_000] },
  heavy: { paceTokensPerMinute: 250_000, model: 'claude-opus-4-5', sessionsPerDay: [5, 10], sessionMinutes: [20, 200], context: [40_000, 170_000] },
};

export interface PlantedProfileRunaway {
  shape: ProfileRunaway;
  sessionId: string;
  /** When the runaway starts (after some normal work in the same session). */
  startMs: number;
  /** When it is sustained: the end of the ramp (= startMs for shapes without a ramp). */
  sustainedMs: number;
  endMs: number;
  /** Multiple of the normal rate it sustains. */
  factor: number;
  /** When Claude's usage-limit message would appear, if the runaway ends in one. */
  usageLimitAtMs?: number;
  /** A retry loop's variant (runawayProfileActions.ts). */
  variant?: RetryShape;
}

export interface ProfileHistory {
  profile: Profile;
  events: UsageEvent[];
  /** The agents' tool calls (normal work and retry loops), in time order. */
  actions: AgentAction[];
  planted: PlantedProfileRunaway[];
  /** Session ids of normal work. */
  normalSessions: Set<string>;
  startMs: number;
  endMs: number;
}

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));
const sidOf = (rng: Rng, label: string) => `${Math.floor(rng() * 0xffffffff).toString(16).padStart(8, '0')}-${label}`;
const projects = ['acme-api', 'web-shop', 'infra-tools', 'ml-pipeline', 'docs-site'];

/**
 * Requests that together make `tokensPerMinute` (all classes) from `fromMs` to `toMs`, one
 * every `gapS` seconds (jittered), split like a Claude Code request: mostly cache reads of the
 * context, a little new context, some output.
 */
function emit(rng: Rng, out: UsageEvent[], o: {
  sessionId: string; agentId: string; project: string; model: string; fromMs: number; toMs: number;
  tokensPerMinute: (tMs: number) => number; gapS: number; uncached?: boolean;
}): void {
  let t = o.fromMs;
  while (t < o.toMs) {
    const gap = o.gapS * between(rng, 0.5, 1.5);
    const total = Math.max(500, (o.tokensPerMinute(t) * gap) / 60);
    const output = Math.round(total * between(rng, 0.01, 0.04));
    const fresh = Math.round(total * between(rng, 0.03, 0.1));
    const rest = Math.max(0, Math.round(total - output - fresh));
    out.push({
      source: 'claude', timestampMs: Math.round(t), sessionId: o.sessionId, agentId: o.agentId, project: o.project, model: o.model,
      inputTokens: intBetween(rng, 3, 40), outputTokens: output,
      cacheWrite5mTokens: o.uncached ? fresh + rest : fresh, cacheWrite1hTokens: 0, cacheReadTokens: o.uncached ? 0 : rest,
    });
    t += gap * 1000;
  }
}

/** One normal session: a main agent at 0.3–2× the normal rate with pauses, sometimes a sub-agent burst of 3–7× for 5–12 minutes. */
function normalSession(rng: Rng, spec: ProfileSpec, startMs: number, out: UsageEvent[], sessionId: string): void {
  const project = projects[intBetween(rng, 0, projects.length - 1)];
  const minutes = between(rng, spec.sessionMinutes[0], spec.sessionMinutes[1]);
  const endMs = startMs + minutes * minuteMs;
  const context = between(rng, spec.context[0], spec.context[1]);
  let t = startMs;
  while (t < endMs) {
    // Stretches of work between pauses, each at its own intensity.
    const len = between(rng, 4, 20) * minuteMs;
    const level = spec.paceTokensPerMinute * Math.exp(between(rng, -1.1, 0.6));
    const gapS = Math.max(4, Math.min(240, (context / level) * 60));
    emit(rng, out, { sessionId, agentId: '', project, model: spec.model, fromMs: t, toMs: Math.min(endMs, t + len), tokensPerMinute: () => level, gapS });
    t += len + (rng() < 0.5 ? between(rng, 1, 15) * minuteMs : 0);
  }
  if (rng() < 0.25) {
    // A burst of sub-agents: together 3–7× the normal rate for 5–12 minutes.
    const burstStart = startMs + between(rng, 0, Math.max(1, minutes - 12)) * minuteMs;
    const burstMin = between(rng, 5, 12);
    const agents = intBetween(rng, 2, 6);
    const total = spec.paceTokensPerMinute * between(rng, 3, 7);
    for (let k = 0; k < agents; k++) {
      const s = burstStart + between(rng, 0, 1) * minuteMs;
      emit(rng, out, { sessionId, agentId: `b${k}${Math.floor(rng() * 1e6)}`, project, model: spec.model, fromMs: s, toMs: s + burstMin * minuteMs,
        tokensPerMinute: () => total / agents, gapS: between(rng, 8, 20) });
    }
  }
}

function plant(rng: Rng, spec: ProfileSpec, shape: ProfileRunaway, atMs: number, out: UsageEvent[], endsInUsageLimit: boolean, actRng: Rng, actions: AgentAction[]): PlantedProfileRunaway {
  const sessionId = sidOf(rng, `runaway-${shape}`);
  const project = projects[intBetween(rng, 0, projects.length - 1)];
  const pace = spec.paceTokensPerMinute;
  // Some normal work first, so detection cannot lean on the session's start.
  const prefixMin = between(rng, 0, 25);
  if (prefixMin > 1) {
    emit(rng, out, { sessionId, agentId: '', project, model: spec.model, fromMs: atMs, toMs: atMs + prefixMin * minuteMs, tokensPerMinute: () => pace, gapS: 30 });
  }
  const startMs = atMs + prefixMin * minuteMs;
  switch (shape) {
    case 'ramp': {
      // Ramp up over 5–15 min to 10–50× the normal rate, sustain 35–115 min, with 6–30 sub-agents over its life (≤ ~7 at once).
      const factor = between(rng, 10, 50);
      const rampMs = between(rng, 5, 15) * minuteMs;
      const sustainedMs = startMs + rampMs;
      const endMs = sustainedMs + between(rng, 35, 115) * minuteMs;
      const agents = intBetween(rng, 6, 30);
      const rateAt = (t: number) => pace * (t < sustainedMs ? 1 + (factor - 1) * ((t - startMs) / rampMs) : factor);
      emit(rng, out, { sessionId, agentId: '', project, model: spec.model, fromMs: startMs, toMs: endMs, tokensPerMinute: (t) => rateAt(t) * 0.4, gapS: 10 });
      const slotMs = (endMs - startMs) / Math.max(1, Math.ceil(agents / 5));
      for (let k = 0; k < agents; k++) {
        const s = startMs + Math.floor(k / 5) * slotMs + between(rng, 0, 1) * minuteMs;
        emit(rng, out, { sessionId, agentId: `r${k}`, project, model: spec.model, fromMs: s, toMs: Math.min(endMs, s + slotMs), tokensPerMinute: (t) => (rateAt(t) * 0.6) / 5, gapS: 12 });
      }
      return { shape, sessionId, startMs, sustainedMs, endMs, factor, ...(endsInUsageLimit ? { usageLimitAtMs: endMs } : {}) };
    }
    case 'fanout': {
      // 30–150 sub-agents spawned over 2–5 min, each 8–20 min at about the normal rate.
      const n = intBetween(rng, 30, 150);
      let endMs = startMs;
      for (let k = 0; k < n; k++) {
        const s = startMs + between(rng, 0, between(rng, 2, 5)) * minuteMs;
        const e = s + between(rng, 8, 20) * minuteMs;
        endMs = Math.max(endMs, e);
        emit(rng, out, { sessionId, agentId: `f${k}`, project, model: spec.model, fromMs: s, toMs: e, tokensPerMinute: () => pace * between(rng, 0.5, 1.5), gapS: between(rng, 10, 30) });
      }
      return { shape, sessionId, startMs, sustainedMs: startMs, endMs, factor: n };
    }
    case 'loop': {
      // The same request (same context) every 4–10 s for 40–90 min.
      const context = intBetween(rng, spec.context[0], spec.context[1]);
      const endMs = startMs + between(rng, 40, 90) * minuteMs;
      const agentId = rng() < 0.5 ? '' : 'looper';
      let t = startMs;
      while (t < endMs) {
        out.push({ source: 'claude', timestampMs: Math.round(t), sessionId, agentId, project, model: spec.model,
          inputTokens: 180 + intBetween(rng, 0, 30), outputTokens: intBetween(rng, 120, 400), cacheWrite5mTokens: intBetween(rng, 0, 40), cacheWrite1hTokens: 0, cacheReadTokens: context });
        t += between(rng, 4, 10) * 1000;
      }
      return { shape, sessionId, startMs, sustainedMs: startMs, endMs, factor: (context * 60) / 7 / pace };
    }
    case 'retry': {
      // The same call answered the same way for 20–90 min, at 1.1–2× the user's normal token rate.
      const variant = retryShapes[Math.floor(actRng() * retryShapes.length)];
      const factor = between(actRng, 1.1, 2);
      const endMs = startMs + between(actRng, 20, 90) * minuteMs;
      const context = between(actRng, spec.context[0], spec.context[1]);
      const sustainedMs = retryLoop(actRng, variant, { sessionId, project, model: spec.model, startMs, endMs, pace, factor, context }, out, actions);
      return { shape, sessionId, startMs, sustainedMs, endMs, factor, variant };
    }
    case 'churn':
    default: {
      // Huge context re-written uncached every 20–40 s (the cache keeps missing) for 30–60 min.
      const endMs = startMs + between(rng, 30, 60) * minuteMs;
      const context = intBetween(rng, 250_000, 600_000);
      emit(rng, out, { sessionId, agentId: '', project, model: spec.model, fromMs: startMs, toMs: endMs, tokensPerMinute: () => context * 2, gapS: 30, uncached: true });
      return { shape, sessionId, startMs, sustainedMs: startMs, endMs, factor: (context * 2) / pace };
    }
  }
}

/**
 * `days` working days of one profile (default 14) from `startMs`; with `runaways`, each listed
 * shape is planted once in the second half of the history (the first ramp ends in the usage-limit message).
 */
export function generateProfileHistory(profile: Profile, seed: number, opts: { days?: number; startMs?: number; runaways?: readonly ProfileRunaway[] } = {}): ProfileHistory {
  const rng = mulberry32(seed * 7919 + profiles.indexOf(profile));
  const spec = specs[profile];
  const days = opts.days ?? 14;
  const startMs = opts.startMs ?? Date.UTC(2026, 10, 2, 0, 0, 0);
  // Tool calls draw from their own stream: the usage events of a seed stay as they were without them.
  const actRng = mulberry32(seed * 104_729 + 17 + profiles.indexOf(profile));
  const events: UsageEvent[] = [];
  const actions: AgentAction[] = [];
  const normal = new Set<string>();
  for (let d = 0; d < days; d++) {
    const n = intBetween(rng, spec.sessionsPerDay[0], spec.sessionsPerDay[1]);
    for (let i = 0; i < n; i++) {
      const sessionId = sidOf(rng, 'normal');
      normal.add(sessionId);
      const from = events.length;
      const sessionStartMs = startMs + d * dayMs + between(rng, 8, 20) * 3_600_000;
      normalSession(rng, spec, sessionStartMs, events, sessionId);
      const own = events.slice(from);
      normalActions(actRng, own, actions);
      if (actRng() < 0.3 && own.length > 0) {
        const lastMs = Math.max(...own.map((e) => e.timestampMs));
        pollingStretch(actRng, { sessionId, project: own[0].project, model: spec.model, fromMs: lastMs + between(actRng, 0.5, 3) * minuteMs, pace: spec.paceTokensPerMinute }, events, actions);
      }
    }
  }
  const planted: PlantedProfileRunaway[] = [];
  const shapes = opts.runaways ?? profileRunaways;
  let limitGiven = false;
  shapes.forEach((shape, i) => {
    const day = Math.floor(days / 2) + Math.floor(((days - days / 2) * i) / Math.max(1, shapes.length));
    const at = startMs + Math.min(days - 1, day) * dayMs + between(rng, 9, 18) * 3_600_000;
    const endsInLimit = shape === 'ramp' && !limitGiven;
    if (endsInLimit) limitGiven = true;
    planted.push(plant(rng, spec, shape, at, events, endsInLimit, actRng, actions));
  });
  events.sort((a, b) => a.timestampMs - b.timestampMs);
  actions.sort((a, b) => a.timestampMs - b.timestampMs);
  return { profile, events, actions, planted, normalSessions: normal, startMs, endMs: startMs + days * dayMs };
}
