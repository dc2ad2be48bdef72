/**
 * Tool calls for the profile histories (runawayProfiles.ts): what the agents did between their
 * requests, for tuning the repetition-loop signal. Normal work repeats legitimately — tests run
 * again and again between edits (failures changing, sometimes not), a flaky call retried a few
 * times, a server polled until it answers, a build polled every 30–90 s — and planted retry
 * loops repeat at a normal token rate (1.1–2× the user's pace) in several shapes. Own random
 * stream, so adding tool calls does not change the usage events of a seed.
 */
import { repetitionKeyOf, type AgentAction } from '../../src/core/runaway';
import type { UsageEvent } from '../../src/core/usageEvent';

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

const files = ['src/api.ts', 'src/db.ts', 'src/auth.ts', 'src/router.ts', 'src/cache.ts', 'src/config.ts', 'src/models/user.ts', 'src/models/order.ts',
  'src/views/cart.tsx', 'src/views/home.tsx', 'test/api.test.ts', 'test/db.test.ts', 'README.md', 'package.json', 'src/util/dates.ts', 'src/util/money.ts',
  'src/jobs/sync.ts', 'src/jobs/email.ts', 'infra/main.tf', 'infra/vars.tf'];
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];
const tests = ['auth > rejects expired tokens', 'cart > sums line items', 'db > migrates up', 'api > paginates orders', 'money > rounds half even', 'sync > retries once'];

/** A unique-looking text from the random stream (letters only: digits are blanked by the key). */
const phrase = (rng: Rng, n: number) => Array.from({ length: n }, () => pick(rng, words)).join(' ');

function action(e: { timestampMs: number; sessionId: string; agentId: string; project: string }, atMs: number, tool: string, input: string, result: string, failed: boolean): AgentAction {
  return { timestampMs: Math.round(atMs), sessionId: e.sessionId, agentId: e.agentId, project: e.project, tool,
    callKey: repetitionKeyOf(`${tool}\u0000${input}`), resultKey: repetitionKeyOf(result), failed };
}

/**
 * Tool calls after the requests of one normal session (each agent apart): stretches of
 * exploring, editing and fix-and-test cycles, with the odd flaky retry and server wait.
 */
export function normalActions(rng: Rng, sessionEvents: readonly UsageEvent[], out: AgentAction[]): void {
  const byAgent = new Map<string, UsageEvent[]>();
  for (const e of sessionEvents) (byAgent.get(e.agentId) ?? byAgent.set(e.agentId, []).get(e.agentId)!).push(e);
  for (const requests of byAgent.values()) {
    requests.sort((a, b) => a.timestampMs - b.timestampMs);
    let mode: 'explore' | 'edit' | 'testfix' = 'explore';
    let left = 0;
    let failing = [...tests].slice(0, intBetween(rng, 1, 4));
    let retry: { input: string; result: string; left: number } | undefined;
    let editNext = true;
    let sinceRetry = 99;
    for (let i = 0; i < requests.length; i++) {
      const e = requests[i];
      const next = requests[i + 1]?.timestampMs ?? e.timestampMs + 30_000;
      const at = e.timestampMs + Math.min(between(rng, 0.5, 4) * 1000, (next - e.timestampMs) * 0.8);
      if (rng() < 0.2) continue; // a request that only answered in words
      if (retry !== undefined) {
        out.push(action(e, at, 'Bash', retry.input, retry.result, true));
        if (--retry.left <= 0) { retry = undefined; sinceRetry = 0; }
        continue;
      }
      sinceRetry++;
      if (left-- <= 0) {
        mode = pick(rng, ['explore', 'explore', 'edit', 'testfix'] as const);
        left = intBetween(rng, 5, 30);
        editNext = true;
      }
      if (rng() < 0.02 && sinceRetry > 5) {
        // A flaky network call tried 2–5 times, or a server polled until it starts (3–8 tries).
        const server = rng() < 0.5;
        retry = server
          ? { input: `curl -s localhost:${intBetween(rng, 3000, 9000)}/health`, result: 'curl: (7) Failed to connect to localhost port 3000: Connection refused', left: intBetween(rng, 2, 7) }
          : { input: 'npm install', result: 'npm ERR! network request to https://registry.npmjs.org/left-pad failed, reason: socket hang up', left: intBetween(rng, 1, 4) };
        out.push(action(e, at, 'Bash', retry.input, retry.result, true));
        continue;
      }
      switch (mode) {
        case 'explore': {
          const f = pick(rng, files);
          if (rng() < 0.6) out.push(action(e, at, 'Read', f, `contents of ${f} version ${phrase(rng, 2)}`, false));
          else out.push(action(e, at, 'Grep', phrase(rng, 1), `matches in ${pick(rng, files)} and ${pick(rng, files)}`, false));
          break;
        }
        case 'edit':
          out.push(action(e, at, 'Edit', `${pick(rng, files)}: ${phrase(rng, 4)}`, 'The file has been updated.', false));
          break;
        case 'testfix':
        default:
          if (editNext) out.push(action(e, at, 'Edit', `${pick(rng, files)}: ${phrase(rng, 4)}`, 'The file has been updated.', false));
          else {
            // After a fix: fewer failures, other failures, or (a fix that did not work) the same ones.
            const r = rng();
            if (r < 0.35 && failing.length > 0) failing = failing.slice(1);
            else if (r < 0.55) failing = [pick(rng, tests), ...failing.slice(1)];
            const passed = failing.length === 0;
            out.push(action(e, at, 'Bash', 'npm test', passed ? 'All tests passed' : `FAIL ${failing.join('; ')}`, !passed));
            if (passed) failing = [...tests].slice(0, intBetween(rng, 1, 4));
          }
          editNext = !editNext;
          break;
      }
    }
  }
}

/**
 * A build or deploy polled until done: one short request every 30–90 s for 5–30 minutes, each
 * running the same status command with (mostly) the same answer, at 0.3–1.5× the user's pace
 * (tokens), like the rest of their normal work.
 */
export function pollingStretch(rng: Rng, o: { sessionId: string; project: string; model: string; fromMs: number; pace: number }, events: UsageEvent[], out: AgentAction[]): void {
  const gapS = between(rng, 30, 90);
  const perRequest = (o.pace * between(rng, 0.3, 1.5) * gapS) / 60;
  const endMs = o.fromMs + between(rng, 5, 30) * 60_000;
  const input = rng() < 0.5 ? 'gh run view --json status,conclusion' : 'sleep 30 && kubectl rollout status deploy/web';
  // Each poll adds its call and answer to the context: 150–400 tokens.
  let grown = 0;
  for (let t = o.fromMs; t < endMs; t += gapS * between(rng, 0.8, 1.2) * 1000, grown += between(rng, 150, 400)) {
    const e: UsageEvent = { source: 'claude', timestampMs: Math.round(t), sessionId: o.sessionId, agentId: '', project: o.project, model: o.model,
      inputTokens: intBetween(rng, 3, 40), outputTokens: intBetween(rng, 40, 160), cacheWrite5mTokens: intBetween(rng, 100, 600), cacheWrite1hTokens: 0, cacheReadTokens: Math.max(0, Math.round(perRequest - 700 + grown)) };
    events.push(e);
    const done = t + gapS * 1000 >= endMs;
    out.push(action(e, t + between(rng, 1, 3) * 1000, 'Bash', input, done ? 'completed success' : rng() < 0.9 ? 'in_progress' : 'queued', false));
  }
}

export type RetryShape = 'same-error' | 'near-same' | 'alternating' | 'sub-agent' | 'slow' | 'same-answer';
export const retryShapes: readonly RetryShape[] = ['same-error', 'near-same', 'alternating', 'sub-agent', 'slow', 'same-answer'];

/**
 * A retry loop at `factor` × the user's pace (tokens, all classes): the same call answered the same
 * way, over and over, until it stops. Returns when it became sustained (the 10th identical try).
 *  - same-error: one command, one error, every 5–25 s;
 *  - near-same: the command carries a counter and the error a time and request id (numbers differ);
 *  - alternating: run, read the same log, run again — two calls, both answered the same way;
 *  - sub-agent: a sub-agent stuck while the main agent waits;
 *  - slow: each try takes 35–55 s (a failing build);
 *  - same-answer: a call that succeeds but changes nothing (the same file read again), every 4–10 s.
 */
export function retryLoop(rng: Rng, shape: RetryShape, o: { sessionId: string; project: string; model: string; startMs: number; endMs: number; pace: number; factor: number; context: number },
  events: UsageEvent[], out: AgentAction[]): number {
  const gapRange: [number, number] = shape === 'slow' ? [35, 55] : shape === 'same-answer' ? [4, 10] : [5, 25];
  const agentId = shape === 'sub-agent' ? 'stuck' : '';
  const command = pick(rng, ['pytest tests/test_orders.py -x', 'npm run build', 'cargo test --workspace', 'go test ./...', 'make deploy']);
  const error = `Error: ${phrase(rng, 3)}\n    at ${pick(rng, files)}:${intBetween(rng, 10, 400)}\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;
  let tries = 0;
  let sustainedMs = o.endMs;
  for (let t = o.startMs; t < o.endMs; tries++) {
    const gapS = between(rng, gapRange[0], gapRange[1]);
    // Sized so the loop runs at `factor` × the pace: mostly the cached context read again.
    const total = Math.max(1000, (o.factor * o.pace * gapS) / 60);
    const output = Math.round(between(rng, 80, 200));
    const fresh = Math.round(Math.min(total * 0.05, 2000));
    const e: UsageEvent = { source: 'claude', timestampMs: Math.round(t), sessionId: o.sessionId, agentId, project: o.project, model: o.model,
      inputTokens: intBetween(rng, 3, 40), outputTokens: output, cacheWrite5mTokens: fresh, cacheWrite1hTokens: 0, cacheReadTokens: Math.max(0, Math.round(total - output - fresh)) };
    events.push(e);
    const at = t + Math.min(gapS * 0.8, between(rng, 1, 4)) * 1000;
    switch (shape) {
      case 'near-same':
        out.push(action(e, at, 'Bash', `${command} --attempt ${tries + 1}`, `[${new Date(at).toISOString()}] request ${Math.floor(rng() * 0xffffffff).toString(16).padStart(8, '0')} ${error}`, true));
        break;
      case 'alternating':
        out.push(tries % 2 === 0 ? action(e, at, 'Bash', command, error, true) : action(e, at, 'Read', 'logs/build.log', `last lines: ${error}`, false));
        break;
      case 'same-answer':
        out.push(action(e, at, 'Read', 'src/config.ts', 'export const config = { retries: 3 }', false));
        break;
      default:
        out.push(action(e, at, 'Bash', command, error, true));
    }
    const identicalTries = shape === 'alternating' ? Math.floor(tries / 2) + 1 : tries + 1;
    if (identicalTries === 10 && sustainedMs === o.endMs) sustainedMs = at;
    t += gapS * 1000;
  }
  return sustainedMs;
}
