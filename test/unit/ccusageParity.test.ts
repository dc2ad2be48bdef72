// Tokenmeter vs ccusage 20.0.24 on a generated fixture with every known quirk of Claude Code and
// Codex logs (bench/quirkCorpus.mjs puts each quirk on its own UTC day). Where the rules agree the
// totals must be equal; where Tokenmeter deliberately differs the test asserts the exact difference,
// computed from the generator's ground truth.
//
// What ccusage does, found empirically with this fixture (ccusage 20.0.24, native binary, and
// ccusage 17.2.1, the JavaScript version, both `daily --json --offline --timezone UTC`):
// - Streaming snapshots (same message.id + requestId, output_tokens growing 1 -> 120 -> 480):
//   ccusage 20 keeps the snapshot with the largest output_tokens, dated by that snapshot's line
//   (a request whose lines straddle midnight lands on the later day), as Tokenmeter does.
//   ccusage 17 keeps the FIRST
//   line it sees, so it under-counts output tokens of every streamed reply (here 2 instead of 961).
// - Lines without requestId: neither version deduplicates them in `daily` (the dedup key needs both
//   ids), so a message written on 3 lines is billed 3 times there. Tokenmeter dedups by message.id
//   alone then. (ccusage 20's own `session` report counts that message once: its daily and session
//   totals disagree.)
// - Long context (sonnet-4-5, input + cache writes + cache reads > 200k): both versions tier each
//   token kind separately (only the tokens of a kind above 200k get the higher rate). A 250k
//   request made of 10k input + 40k writes + 200k reads is billed entirely at standard rates.
//   Anthropic bills the whole request at long-context rates once the prompt exceeds 200k
//   (https://docs.claude.com/en/docs/build-with-claude/context-windows#1m-token-context-window,
//   https://www.anthropic.com/pricing#api), which Tokenmeter does.
// - 1-hour cache writes: ccusage 20 prices them at 2x input (same as Tokenmeter); ccusage 17 prices
//   all cache writes at the 5-minute rate (1.25x).
// - Unknown model: tokens counted, cost 0 in both; Tokenmeter also lists it in `unpricedModels`.
// - Resumed sessions (copied lines in a new file), the same file in two CLAUDE_CONFIG_DIR entries:
//   counted once by both versions (global messageId:requestId dedup).
// - Sub-agent transcripts (<session>/subagents/agent-*.jsonl and project-level agent-*.jsonl) are
//   counted by both versions; the usage copy inside a Task tool result is not. In `session`,
//   ccusage 20 reports a project-level agent-<id>.jsonl as its own session "agent-<id>", and
//   credits history copied into a resumed session to the new session (the original disappears).
// - Malformed lines (truncated, garbage, wrong types such as "input_tokens":"5", a half-written
//   last line) are skipped; an old usage object without cache fields is counted.
// - `blocks`: ccusage 20 covers Claude Code only and counts `<synthetic>` API-error lines (zero
//   usage) as entries; otherwise its 5-hour blocks equal Tokenmeter's `blocks --source claude`.
// - Codex (ccusage 20 only; 17 reads Claude Code only): deltas of cumulative totals, repeated
//   identical token_count rows ignored, input reported without the cached part, archived_sessions/
//   read too.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../../bench/generateCorpus.mjs';
import { generateQuirkCorpus, UNKNOWN_MODEL, type QuirkCorpus, type QuirkUsage } from '../../bench/quirkCorpus.mjs';
import { diffDaily, expectedDaily, isolatedEnv, normalizeDaily, runJson, tools, TOKENMETER_CLI, type NormalizedDaily } from '../../bench/lib/tools.mjs';

const MTOK = 1_000_000;
const LONG_CONTEXT_THRESHOLD = 200_000;

type Rates = { input: number; output: number; write5m: number; write1h: number; read: number };
/** Published list prices, USD per million tokens (https://www.anthropic.com/pricing#api, https://openai.com/api/pricing). */
const PRICES: Record<string, { base: Rates; long?: Rates }> = {
  'claude-sonnet-4-5-20250929': {
    base: { input: 3, output: 15, write5m: 3.75, write1h: 6, read: 0.3 },
    long: { input: 6, output: 22.5, write5m: 7.5, write1h: 12, read: 0.6 },
  },
  'claude-opus-4-5-20251101': { base: { input: 5, output: 25, write5m: 6.25, write1h: 10, read: 0.5 } },
  'claude-haiku-4-5-20251001': { base: { input: 1, output: 5, write5m: 1.25, write1h: 2, read: 0.1 } },
  'gpt-5-codex': { base: { input: 1.25, output: 10, write5m: 0, write1h: 0, read: 0.125 } },
  'gpt-5': { base: { input: 1.25, output: 10, write5m: 0, write1h: 0, read: 0.125 } },
};

function promptTokens(u: QuirkUsage): number {
  return u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens + u.cacheReadTokens;
}

/** Anthropic's rule: above 200k prompt tokens the WHOLE request is billed at long-context rates. */
function wholeRequestCost(model: string, u: QuirkUsage): number {
  const p = PRICES[model];
  if (!p) return 0;
  const r = p.long && promptTokens(u) > LONG_CONTEXT_THRESHOLD ? p.long : p.base;
  return (u.inputTokens * r.input + u.outputTokens * r.output + u.cacheWrite5mTokens * r.write5m + u.cacheWrite1hTokens * r.write1h + u.cacheReadTokens * r.read) / MTOK;
}

/** ccusage's rule: each token kind tiered on its own count (only the part above 200k at the high rate). */
function perKindTieredCost(model: string, u: QuirkUsage): number {
  const p = PRICES[model];
  if (!p) return 0;
  const tier = (n: number, base: number, high: number | undefined) => (high === undefined ? n * base : Math.min(n, LONG_CONTEXT_THRESHOLD) * base + Math.max(0, n - LONG_CONTEXT_THRESHOLD) * high);
  const { base: b, long: l } = p;
  return (tier(u.inputTokens, b.input, l?.input) + tier(u.outputTokens, b.output, l?.output) + tier(u.cacheWrite5mTokens, b.write5m, l?.write5m) + tier(u.cacheWrite1hTokens, b.write1h, l?.write1h) + tier(u.cacheReadTokens, b.read, l?.read)) / MTOK;
}

type Cost = (model: string, u: QuirkUsage) => number;

/** Expected daily report (ccusage JSON shape) from a list of billed usages. */
function expectedFrom(q: QuirkCorpus, entries: { day: string; model: string; usage: QuirkUsage }[], cost: Cost): NormalizedDaily {
  const report: NormalizedDaily = { days: {}, totals: { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, costUsd: 0 } };
  const add = (day: string, model: string, t: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; costUsd: number }) => {
    const d = (report.days[day] ??= { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, costUsd: 0, models: {} });
    const m = (d.models[model] ??= { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, costUsd: 0 });
    const total = t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens;
    for (const x of [d, m, report.totals]) {
      x.inputTokens += t.inputTokens;
      x.outputTokens += t.outputTokens;
      x.cacheCreationTokens += t.cacheCreationTokens;
      x.cacheReadTokens += t.cacheReadTokens;
      x.totalTokens += total;
      x.costUsd = (x.costUsd ?? 0) + t.costUsd;
    }
  };
  for (const e of entries) {
    const u = e.usage;
    add(e.day, e.model, { inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheCreationTokens: u.cacheWrite5mTokens + u.cacheWrite1hTokens, cacheReadTokens: u.cacheReadTokens, costUsd: cost(e.model, u) });
  }
  for (const c of q.codexDeltas) {
    const r = PRICES[c.model].base;
    const uncached = c.delta.inputTokens - c.delta.cachedInputTokens;
    add(c.day, c.model, {
      inputTokens: uncached, outputTokens: c.delta.outputTokens, cacheCreationTokens: 0, cacheReadTokens: c.delta.cachedInputTokens,
      costUsd: (uncached * r.input + c.delta.cachedInputTokens * r.read + c.delta.outputTokens * r.output) / MTOK,
    });
  }
  return report;
}

/** The part of a report on the days of one quirk. */
function only(report: NormalizedDaily, days: string[]): NormalizedDaily {
  const out: NormalizedDaily = { days: {}, totals: report.totals };
  for (const d of days) if (report.days[d]) out.days[d] = report.days[d];
  return out;
}

describe('ccusage parity: Tokenmeter vs ccusage 20.0.24 on every known log quirk', function () {
  this.timeout(20_000);
  let root: string;
  let q: QuirkCorpus;
  let tokenmeterJson: { unpricedModels?: string[]; daily: { date: string; modelBreakdowns: { modelName: string; priced?: boolean; cost: number }[] }[] };
  let tokenmeter: NormalizedDaily;
  let ccusage: NormalizedDaily;
  let truth: NormalizedDaily;
  let daysOf: (quirk: string) => string[];

  before(() => {
    assert.ok(existsSync(TOKENMETER_CLI), `${TOKENMETER_CLI} is missing: run "npm run build" first`);
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-parity-'));
    q = generateQuirkCorpus({ root: join(root, 'logs') });
    const env = isolatedEnv({ claudeDirs: q.claudeDirs, codexDir: q.codexDir, home: join(root, 'home'), cacheDir: join(root, 'cache') });
    ccusage = normalizeDaily(runJson(tools.ccusage20.command, tools.ccusage20.args, env));
    tokenmeterJson = runJson(tools.tokenmeter.command, tools.tokenmeter.args, env);
    tokenmeter = normalizeDaily(tokenmeterJson);
    truth = expectedFrom(q, q.requests, wholeRequestCost);
    daysOf = (quirk) => Object.entries(q.quirkDays).filter(([, name]) => name === quirk).map(([day]) => day);
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function assertSame(a: NormalizedDaily, b: NormalizedDaily, labels: [string, string], costRelTolerance = 1e-9) {
    assert.deepEqual(diffDaily(a, b, { labels, costRelTolerance }), []);
  }

  // Quirks where Tokenmeter's rule and ccusage 20's rule give the same numbers.
  const agreeing: [string, string][] = [
    ['baseline', 'counts streamed duplicates with identical usage once, for every model'],
    ['streamingPartialOutput', 'bills a streamed reply at its final (largest output_tokens) snapshot'],
    ['streamingAcrossMidnight', 'dates a streamed reply by its billed snapshot when its lines straddle midnight'],
    ['longContextBoundary', 'bills a prompt of exactly 200k tokens at standard rates'],
    ['cacheWrite1h', 'prices 1-hour cache writes at 2x input and 5-minute ones at 1.25x'],
    ['unknownModel', 'counts the tokens of an unknown model at zero cost'],
    ['resumedSession', 'counts lines copied into a resumed session once'],
    ['sameFileInBothConfigDirs', 'counts a session present in two config dirs once'],
    ['subagents', 'counts sub-agent transcripts in both layouts but not the usage copy in the Task result'],
    ['malformedLines', 'skips truncated, garbage and wrongly typed lines and counts an old usage without cache fields'],
    ['singleLineWithoutRequestId', 'counts a single line without requestId'],
    ['codexCumulativeTotals', 'takes Codex deltas of cumulative totals and ignores repeated identical totals'],
    ['codexArchivedSession', 'reads Codex rollouts under archived_sessions/'],
  ];
  for (const [quirk, sentence] of agreeing) {
    it(`agrees with ccusage: ${sentence} (${quirk})`, () => {
      const days = daysOf(quirk);
      // Tokenmeter finds the ground truth (tokens exactly, cost to floating-point precision)...
      assertSame(only(tokenmeter, days), only(truth, days), ['tokenmeter', 'ground truth']);
      // ...and so does ccusage 20 (its prices come from its own table: cost within 0.1%).
      assertSame(only(ccusage, days), only(truth, days), ['ccusage', 'ground truth'], 0.001);
    });
  }

  it('lists an unknown model as unpriced instead of silently costing it $0', () => {
    assert.ok(tokenmeterJson.unpricedModels?.includes(UNKNOWN_MODEL), `unpricedModels: ${JSON.stringify(tokenmeterJson.unpricedModels)}`);
    const row = tokenmeterJson.daily.find((d) => d.date === daysOf('unknownModel')[0]);
    const breakdown = row?.modelBreakdowns.find((m) => m.modelName === UNKNOWN_MODEL);
    assert.equal(breakdown?.priced, false);
    assert.equal(breakdown?.cost, 0);
  });

  it('counts a message without requestId once, where ccusage bills every streamed line of it', () => {
    // Deliberate difference: ccusage's dedup key needs message.id AND requestId, so lines without a
    // requestId are never deduplicated. They are the same API response written once per content
    // block; Tokenmeter falls back to message.id alone.
    const days = daysOf('duplicatesWithoutRequestId');
    assertSame(only(tokenmeter, days), only(truth, days), ['tokenmeter', 'ground truth']);
    const everyLine = q.lines.filter((l) => days.includes(l.day));
    assert.equal(everyLine.length, 3);
    const ccusageRule = expectedFrom({ ...q, codexDeltas: [] }, everyLine, wholeRequestCost);
    assertSame(only(ccusage, days), ccusageRule, ['ccusage', 'every line counted'], 0.001);
    const day = days[0];
    const u = q.requests.find((r) => r.day === day)!.usage;
    assert.equal(ccusage.days[day].outputTokens - tokenmeter.days[day].outputTokens, 2 * u.outputTokens);
    assert.equal(ccusage.days[day].totalTokens - tokenmeter.days[day].totalTokens, 2 * promptTokens(u) + 2 * u.outputTokens);
  });

  it('bills a request above 200k prompt tokens wholly at long-context rates, where ccusage tiers each token kind', () => {
    // Deliberate difference (Anthropic's rule, see the header): same tokens, higher cost.
    const days = daysOf('longContext');
    const day = days[0];
    const requests = q.requests.filter((r) => r.day === day);
    assertSame(only(tokenmeter, days), only(truth, days), ['tokenmeter', 'ground truth']);
    const ccusageRule = expectedFrom({ ...q, codexDeltas: [] }, requests, perKindTieredCost);
    assertSame(only(ccusage, days), only(ccusageRule, days), ['ccusage', 'per-kind tiering'], 1e-9);
    const expectedGapUsd = requests.reduce((sum, r) => sum + wholeRequestCost(r.model, r.usage) - perKindTieredCost(r.model, r.usage), 0);
    // 250k request: every kind at the long rate (+0.255); 322k request: all of it (+0.1785) instead
    // of only the 100k reads above 200k (+0.03); opus-4-5 has no long-context price: no gap.
    assert.ok(Math.abs(expectedGapUsd - (0.255 + 0.1785 - 0.03)) < 1e-9, `gap ${expectedGapUsd}`);
    assert.ok(Math.abs(tokenmeter.days[day].costUsd! - ccusage.days[day].costUsd! - expectedGapUsd) < 1e-9, `tokenmeter ${tokenmeter.days[day].costUsd} ccusage ${ccusage.days[day].costUsd}`);
  });

  it('credits sub-agents and resumed history to their session, where ccusage splits them differently', () => {
    // Deliberate differences in `session --json` (ccusage 20.0.24):
    // - a project-level agent-<id>.jsonl is its own session "agent-<id>" in ccusage; its lines carry
    //   the parent's sessionId, and Tokenmeter credits them to the parent (as ccusage does for
    //   <session>/subagents/agent-*.jsonl);
    // - lines copied into a resumed session: ccusage credits them to the NEW session (the original
    //   disappears from its report), Tokenmeter to the original session, where they were spent.
    const env = isolatedEnv({ claudeDirs: q.claudeDirs, codexDir: q.codexDir, home: join(root, 'home'), cacheDir: join(root, 'cache') });
    const bySession = (report: { session?: Row[]; sessions?: Row[] }) => {
      const out: Record<string, number> = {};
      for (const row of report.sessions ?? report.session ?? []) {
        const id = String(row.sessionId ?? row.period);
        // ccusage names Codex sessions by their rollout path; the session id is its last 36 characters.
        const key = /[0-9a-f-]{36}$/.exec(id)?.[0] ?? id;
        out[key] = (out[key] ?? 0) + row.outputTokens;
      }
      return out;
    };
    type Row = { sessionId?: string; period?: string; outputTokens: number };
    const tm = bySession(runJson(process.execPath, [TOKENMETER_CLI, 'session', '--json', '--timezone', 'UTC'], env));
    const cc = bySession(runJson(tools.ccusage20.command, ['session', '--json', '--offline', '--timezone', 'UTC'], env));
    const expected: Record<string, number> = {};
    for (const r of q.requests) expected[r.sessionId] = (expected[r.sessionId] ?? 0) + r.usage.outputTokens;
    for (const c of q.codexDeltas) expected[c.sessionId] = (expected[c.sessionId] ?? 0) + c.delta.outputTokens;
    assert.deepEqual(tm, expected);

    const ccusageRule = { ...expected };
    const projectLevel = q.requests.filter((r) => r.agentId && q.lines.some((l) => l.messageId === r.messageId && !l.path.includes('/subagents/')));
    assert.equal(new Set(projectLevel.map((r) => r.agentId)).size, 1);
    for (const r of projectLevel) {
      ccusageRule[r.sessionId] -= r.usage.outputTokens;
      ccusageRule[`agent-${r.agentId}`] = (ccusageRule[`agent-${r.agentId}`] ?? 0) + r.usage.outputTokens;
    }
    const resumed = q.requests.filter((r) => r.quirk === 'resumedSession');
    const [original, resumedSession] = [...new Set(resumed.map((r) => r.sessionId))];
    const copied = resumed.filter((r) => r.sessionId === original);
    assert.equal(copied.length, 2);
    for (const r of copied) {
      ccusageRule[original] -= r.usage.outputTokens;
      ccusageRule[resumedSession] += r.usage.outputTokens;
    }
    delete ccusageRule[original];
    assert.deepEqual(cc, ccusageRule);
  });

  it('differs from ccusage on no day other than the deliberate ones', () => {
    const deliberate = new Set([...daysOf('duplicatesWithoutRequestId'), ...daysOf('longContext')]);
    const differing = diffDaily(tokenmeter, ccusage, { labels: ['tokenmeter', 'ccusage'] }).filter((line) => !deliberate.has(line.slice(0, 10)));
    assert.deepEqual(differing, []);
  });
});

describe('ccusage parity: Tokenmeter vs ccusage 20.0.24 on a generated month of logs', function () {
  this.timeout(20_000);
  let root: string;
  let env: NodeJS.ProcessEnv;
  let truth: ReturnType<typeof generateCorpus>;

  before(() => {
    assert.ok(existsSync(TOKENMETER_CLI), `${TOKENMETER_CLI} is missing: run "npm run build" first`);
    root = mkdtempSync(join(tmpdir(), 'tokenmeter-parity-month-'));
    // 30 days up to 2026-11-20: spans two months and the US DST change of 2026-11-01.
    truth = generateCorpus({ claudeDir: join(root, 'claude'), codexDir: join(root, 'codex'), sizeBytes: 3_000_000, seed: 'parity-month', apiErrorRate: 0.05 });
    env = isolatedEnv({ claudeDirs: [join(root, 'claude')], codexDir: join(root, 'codex'), home: join(root, 'home'), cacheDir: join(root, 'cache') });
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function both(command: string, zone: string): [NormalizedDaily, NormalizedDaily] {
    const tm = normalizeDaily(runJson(process.execPath, [TOKENMETER_CLI, command, '--json', '--timezone', zone], env));
    const cc = normalizeDaily(runJson(tools.ccusage20.command, [command, '--json', '--offline', '--timezone', zone], env));
    return [tm, cc];
  }

  it('finds the ground truth per UTC day, as ccusage does', () => {
    const [tm, cc] = both('daily', 'UTC');
    const expected = expectedDaily(truth);
    assert.deepEqual(diffDaily(tm, expected, { compareCost: false, labels: ['tokenmeter', 'ground truth'] }), []);
    assert.deepEqual(diffDaily(tm, cc, { labels: ['tokenmeter', 'ccusage'] }), []);
  });

  it('agrees with ccusage per day in America/New_York across the DST change', () => {
    const [tm, cc] = both('daily', 'America/New_York');
    const days = Object.keys(tm.days);
    assert.ok(days.some((d) => d < '2026-11-01') && days.some((d) => d > '2026-11-01'), `days: ${days.join(' ')}`);
    assert.deepEqual(diffDaily(tm, cc, { labels: ['tokenmeter', 'ccusage'] }), []);
  });

  it('agrees with ccusage per day in a zone with a 45-minute offset (Asia/Kathmandu)', () => {
    const [tm, cc] = both('daily', 'Asia/Kathmandu');
    assert.deepEqual(diffDaily(tm, cc, { labels: ['tokenmeter', 'ccusage'] }), []);
  });

  it('agrees with ccusage on 5-hour blocks, except that API-error lines are not counted as entries', () => {
    // ccusage 20 counts Claude Code's `<synthetic>` API-error lines (zero usage, never billed) as
    // block entries; Tokenmeter counts billed requests only. Everything else is equal.
    type Block = { id: string; startTime: string; endTime: string; actualEndTime?: string; isGap?: boolean; entries: number; totalTokens: number; costUSD: number; models: string[]; tokenCounts: Record<string, number> };
    const blocks = (report: { blocks: Block[] }) => new Map(report.blocks.filter((b) => !b.isGap).map((b) => [b.id, b]));
    // ccusage's `blocks` covers Claude Code only (its help: "Claude Code 5-hour billing windows").
    const tm = blocks(runJson(process.execPath, [TOKENMETER_CLI, 'blocks', '--json', '--source', 'claude'], env));
    const cc = blocks(runJson(tools.ccusage20.command, ['blocks', '--json', '--offline'], env));
    assert.deepEqual([...tm.keys()].sort(), [...cc.keys()].sort());
    const syntheticAt = listJsonl(join(root, 'claude')).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('"model":"<synthetic>"')).map((l) => Date.parse(JSON.parse(l).timestamp)));
    assert.ok(syntheticAt.length > 0, 'the corpus has no API-error lines');
    for (const [id, c] of cc) {
      const t = tm.get(id)!;
      const { entries: ce, costUSD: cc$, ...cRest } = c;
      const { entries: te, costUSD: tc$, ...tRest } = t;
      assert.deepEqual(pick(tRest), pick(cRest), id);
      assert.ok(Math.abs(tc$ - cc$) <= 1e-9 + 0.001 * cc$, `${id} cost ${tc$} vs ${cc$}`);
      const synthetic = syntheticAt.filter((ms) => ms >= Date.parse(c.startTime) && ms < Date.parse(c.endTime)).length;
      assert.equal(ce - te, synthetic, `${id}: ${ce} ccusage entries, ${te} tokenmeter entries`);
    }
  });

  it('agrees with ccusage per month', () => {
    const [tm, cc] = both('monthly', 'America/New_York');
    assert.deepEqual(Object.keys(tm.days).sort(), ['2026-10', '2026-11']);
    assert.deepEqual(diffDaily(tm, cc, { labels: ['tokenmeter', 'ccusage'] }), []);
  });
});

function listJsonl(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listJsonl(p));
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

/** The block fields both tools share (ccusage's burnRate/projection depend on the clock). */
function pick(b: { startTime: string; endTime: string; actualEndTime?: string; totalTokens: number; models: string[]; tokenCounts: Record<string, number> }) {
  return { startTime: b.startTime, endTime: b.endTime, actualEndTime: b.actualEndTime, totalTokens: b.totalTokens, models: [...b.models].sort(), tokenCounts: b.tokenCounts };
}
