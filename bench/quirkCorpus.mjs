// A small fixture with every known quirk of Claude Code and Codex logs, one quirk per UTC day so a
// per-day comparison isolates each rule. Used by test/unit/ccusageParity.test.ts.
//
// generateQuirkCorpus({ root }) writes
//   root/claude-a/projects/...   first Claude config dir
//   root/claude-b/projects/...   second Claude config dir (CLAUDE_CONFIG_DIR="a,b")
//   root/codex/sessions/..., root/codex/archived_sessions/...
// and returns what it wrote: per-day quirk names, the unique billed requests (Tokenmeter's rules),
// and every well-formed assistant line with usage in write order (so a test can compute any other
// tool's rule from the same data).

import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assistantLine, summaryLine, syntheticErrorLine, textBlock, thinkingBlock, toolResultLine, toolUseBlock, userPromptLine, usageJson } from './lib/claudeLines.mjs';
import { rolloutPath, sessionMetaLine, tokenCountLine, turnContextLine, userMessageLines } from './lib/codexCorpus.mjs';
import { CLAUDE_MODELS } from './lib/claudeCorpus.mjs';
import { utcDay } from './lib/groundTruth.mjs';
import { Rng } from './lib/prng.mjs';

export const QUIRK_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
export const UNKNOWN_MODEL = 'claude-nebula-9-20270101';

/** UTC day => quirk exercised on that day. */
export const QUIRK_DAYS = {
  '2026-11-01': 'baseline',
  '2026-11-02': 'streamingPartialOutput',
  '2026-11-03': 'duplicatesWithoutRequestId',
  '2026-11-04': 'longContext',
  '2026-11-05': 'longContextBoundary',
  '2026-11-06': 'cacheWrite1h',
  '2026-11-07': 'unknownModel',
  '2026-11-08': 'resumedSession',
  '2026-11-09': 'sameFileInBothConfigDirs',
  '2026-11-10': 'subagents',
  '2026-11-11': 'malformedLines',
  '2026-11-12': 'codexCumulativeTotals',
  '2026-11-13': 'codexArchivedSession',
  '2026-11-14': 'singleLineWithoutRequestId',
  '2026-11-15': 'streamingAcrossMidnight',
  '2026-11-16': 'streamingAcrossMidnight',
};

function at(day, hh, mm, ss = 0) {
  return Date.parse(`${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}.000Z`);
}

function usage(inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, outputTokens) {
  return { inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, outputTokens };
}

class Files {
  constructor() {
    /** @type {Map<string, string[]>} */
    this.files = new Map();
  }
  append(path, text) {
    let parts = this.files.get(path);
    if (!parts) this.files.set(path, (parts = []));
    parts.push(text);
  }
  /** Writes the files; each gets its last line's timestamp as mtime, like a real log. */
  flush() {
    for (const [path, parts] of this.files) {
      mkdirSync(join(path, '..'), { recursive: true });
      const text = parts.join('');
      writeFileSync(path, text);
      const stamps = [...text.matchAll(/"timestamp":"([^"]+)"/g)].map((m) => Date.parse(m[1])).filter(Number.isFinite);
      if (stamps.length > 0) {
        const mtime = Math.max(...stamps) / 1000;
        utimesSync(path, mtime, mtime);
      }
    }
  }
}

/**
 * @param {{ root: string, seed?: string }} opts
 */
export function generateQuirkCorpus({ root, seed = 'quirks' }) {
  const rng = new Rng(seed);
  const files = new Files();
  const claudeA = join(root, 'claude-a');
  const claudeB = join(root, 'claude-b');
  const codexDir = join(root, 'codex');
  /** Unique billed requests under Tokenmeter's rules. */
  const requests = [];
  /** Every well-formed assistant line with a usage object, in the order written. */
  const lines = [];
  /** Unique Codex usage deltas. */
  const codexDeltas = [];

  const project = (dir, folder = '-home-dev-repo') => join(dir, 'projects', folder);
  const sessionFile = (dir, sessionId, folder) => join(project(dir, folder), `${sessionId}.jsonl`);
  const newSession = (extra = {}) => ({ sessionId: rng.uuid(), cwd: '/home/dev/repo', gitBranch: 'main', ...extra });
  const ids = () => ({ messageId: `msg_01${rng.base62(22)}`, requestId: `req_011CU${rng.base62(18)}` });

  /**
   * Writes one request as `snapshots.length` streamed lines (one per content block).
   * snapshots[i] = usage on line i (identical in real logs except output_tokens, which can grow).
   * Returns the request (billed as its largest-output snapshot).
   */
  function request(path, ctx, { day, timestampMs, model, snapshots, messageId, requestId, quirk, agentId = '', rootSessionId, noRequestId = false, record = true }) {
    const blocks = [thinkingBlock('Let me check the ledger first.', rng.base62(120)), textBlock('Reading the file.'), toolUseBlock(`toolu_01${rng.base62(22)}`, 'Read', '{"file_path":"/home/dev/repo/src/index.ts"}')];
    snapshots.forEach((u, i) => {
      const line = assistantLine(ctx, {
        parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: timestampMs + i * 700, model, messageId,
        requestId: noRequestId ? null : requestId, block: blocks[(i + blocks.length - snapshots.length) % blocks.length] ?? blocks[2],
        stopReason: i === snapshots.length - 1 ? 'tool_use' : null, usage: u,
      });
      files.append(path, line);
      lines.push({ path, day: utcDay(timestampMs + i * 700), quirk, model, messageId, requestId: noRequestId ? null : requestId, usage: u, timestampMs: timestampMs + i * 700 });
    });
    // The billed snapshot is the one with the largest output_tokens (the final streamed state), and
    // the request is dated by that snapshot's line (Tokenmeter's and ccusage 20's rule); the first
    // line's day differs only across midnight.
    let bi = 0;
    snapshots.forEach((u, i) => { if (u.outputTokens > snapshots[bi].outputTokens) bi = i; });
    const billed = snapshots[bi];
    const r = { day: utcDay(timestampMs + bi * 700), firstLineDay: utcDay(timestampMs), quirk, timestampMs: timestampMs + bi * 700, model, messageId, requestId: noRequestId ? null : requestId, usage: billed, sessionId: rootSessionId ?? ctx.sessionId, agentId };
    if (record) requests.push(r);
    return r;
  }

  const prompt = (path, ctx, timestampMs) => files.append(path, userPromptLine(ctx, { parentUuid: null, uuid: rng.uuid(), timestampMs, text: 'Fix the flaky test in the parser.' }));

  // 1. Baseline: three models, streamed duplicates with identical usage. Every tool agrees.
  {
    const day = '2026-11-01';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    files.append(path, summaryLine('Fix flaky parser test', rng.uuid()));
    prompt(path, ctx, at(day, 9, 0));
    const models = [CLAUDE_MODELS.sonnet, CLAUDE_MODELS.opus, CLAUDE_MODELS.haiku, CLAUDE_MODELS.sonnet];
    models.forEach((model, i) => {
      const u = usage(3 + i, 12_000 + 1_000 * i, 0, 40_000 + 5_000 * i, 300 + 50 * i);
      request(path, ctx, { day, timestampMs: at(day, 9, 1 + i), model, snapshots: [u, u, u].slice(0, 1 + (i % 3)), ...ids(), quirk: 'baseline' });
    });
    files.append(path, syntheticErrorLine(ctx, { parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: at(day, 9, 30), messageId: rng.uuid() }));
  }

  // 2. Streaming: the same message.id + requestId on 3 lines; output_tokens grows 1 -> 120 -> 480.
  {
    const day = '2026-11-02';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 10, 0));
    for (let i = 0; i < 2; i++) {
      const base = usage(5, 8_000, 0, 30_000, 0);
      request(path, ctx, {
        day, timestampMs: at(day, 10, 1 + i), model: CLAUDE_MODELS.sonnet, ...ids(), quirk: 'streamingPartialOutput',
        snapshots: [{ ...base, outputTokens: 1 }, { ...base, outputTokens: 120 + i }, { ...base, outputTokens: 480 + i }],
      });
    }
  }

  // 3. Lines without requestId: one message written on 3 lines (identical usage), no requestId.
  {
    const day = '2026-11-03';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 11, 0));
    const u = usage(7, 5_000, 0, 20_000, 250);
    request(path, ctx, { day, timestampMs: at(day, 11, 1), model: CLAUDE_MODELS.sonnet, ...ids(), noRequestId: true, snapshots: [u, u, u], quirk: 'duplicatesWithoutRequestId' });
  }

  // 4. Long context: one sonnet-4-5 request with input + cache writes + cache reads = 250k > 200k.
  {
    const day = '2026-11-04';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 12, 0));
    // Every kind under 200k on its own, 250k together.
    const u = usage(10_000, 40_000, 0, 200_000, 2_000);
    request(path, ctx, { day, timestampMs: at(day, 12, 1), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [u, u], quirk: 'longContext' });
    // Cache reads alone above 200k (1M-context beta): per-kind tiering would price only the excess high.
    const big = usage(2_000, 20_000, 0, 300_000, 1_000);
    request(path, ctx, { day, timestampMs: at(day, 12, 5), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [big], quirk: 'longContext' });
    // Opus 4.5 has no long-context prices: standard rates whatever the size.
    const opus = usage(1_000, 30_000, 0, 190_000, 800);
    request(path, ctx, { day, timestampMs: at(day, 12, 9), model: CLAUDE_MODELS.opus, ...ids(), snapshots: [opus], quirk: 'longContext' });
  }

  // 5. Exactly 200k prompt tokens: not above the threshold, standard rates.
  {
    const day = '2026-11-05';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 12, 0));
    const u = usage(1_000, 49_000, 0, 150_000, 900);
    request(path, ctx, { day, timestampMs: at(day, 12, 1), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [u], quirk: 'longContextBoundary' });
  }

  // 6. 1-hour cache writes (2x input price) next to 5-minute ones (1.25x).
  {
    const day = '2026-11-06';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 13, 0));
    const u = usage(4, 10_000, 30_000, 60_000, 700);
    request(path, ctx, { day, timestampMs: at(day, 13, 1), model: CLAUDE_MODELS.opus, ...ids(), snapshots: [u, u], quirk: 'cacheWrite1h' });
  }

  // 7. A model no price table knows: tokens count, cost is unknown (reported unpriced, 0 in totals).
  {
    const day = '2026-11-07';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 14, 0));
    const u = usage(9, 3_000, 0, 9_000, 400);
    request(path, ctx, { day, timestampMs: at(day, 14, 1), model: UNKNOWN_MODEL, ...ids(), snapshots: [u, u], quirk: 'unknownModel' });
  }

  // 8. Resumed session: a new file under a new sessionId starting with a copy of the old lines.
  {
    const day = '2026-11-08';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 15, 0));
    const old = [];
    for (let i = 0; i < 2; i++) {
      const u = usage(2, 6_000, 0, 25_000 + i, 150 + i);
      old.push(request(path, ctx, { day, timestampMs: at(day, 15, 1 + i), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [u, u], quirk: 'resumedSession' }));
    }
    const copy = files.files.get(path).join('');
    const resumed = newSession();
    const resumedPath = sessionFile(claudeA, resumed.sessionId);
    files.append(resumedPath, copy.split(`"sessionId":"${ctx.sessionId}"`).join(`"sessionId":"${resumed.sessionId}"`));
    for (const r of old) {
      for (let k = 0; k < 2; k++) lines.push({ path: resumedPath, day, quirk: 'resumedSession', model: r.model, messageId: r.messageId, requestId: r.requestId, usage: r.usage, timestampMs: r.timestampMs + k * 700 });
    }
    const u = usage(3, 4_000, 0, 31_000, 200);
    request(resumedPath, resumed, { day, timestampMs: at(day, 18, 0), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [u], quirk: 'resumedSession' });
  }

  // 9. The same session file in both config dirs (e.g. ~/.claude and ~/.config/claude).
  {
    const day = '2026-11-09';
    const ctx = newSession();
    const pathA = sessionFile(claudeA, ctx.sessionId, '-home-dev-api-server');
    const pathB = sessionFile(claudeB, ctx.sessionId, '-home-dev-api-server');
    prompt(pathA, ctx, at(day, 16, 0));
    const reqs = [];
    for (let i = 0; i < 2; i++) {
      const u = usage(6, 7_000, 0, 33_000, 310 + i);
      reqs.push(request(pathA, ctx, { day, timestampMs: at(day, 16, 1 + i), model: CLAUDE_MODELS.opus, ...ids(), snapshots: [u], quirk: 'sameFileInBothConfigDirs' }));
    }
    files.append(pathB, files.files.get(pathA).join(''));
    for (const r of reqs) lines.push({ path: pathB, day, quirk: 'sameFileInBothConfigDirs', model: r.model, messageId: r.messageId, requestId: r.requestId, usage: r.usage, timestampMs: r.timestampMs });
    // And one session only in the second dir.
    const other = newSession();
    const pathOther = sessionFile(claudeB, other.sessionId, '-home-dev-api-server');
    prompt(pathOther, other, at(day, 17, 0));
    const u = usage(2, 2_000, 0, 11_000, 90);
    request(pathOther, other, { day, timestampMs: at(day, 17, 1), model: CLAUDE_MODELS.haiku, ...ids(), snapshots: [u], quirk: 'sameFileInBothConfigDirs' });
  }

  // 10. Sub-agents: <session>/subagents/agent-<id>.jsonl and the older project-level agent-<id>.jsonl,
  //     sidechain lines with the parent's sessionId. The parent's Task result repeats the sub-agent's
  //     usage inside toolUseResult: that copy is not a bill.
  {
    const day = '2026-11-10';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 9, 0));
    const u0 = usage(3, 9_000, 0, 20_000, 200);
    request(path, ctx, { day, timestampMs: at(day, 9, 1), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [u0, u0], quirk: 'subagents' });
    const layouts = [
      { agentId: rng.hex(8), dir: (a) => join(project(claudeA), ctx.sessionId, 'subagents', `agent-${a}.jsonl`), model: CLAUDE_MODELS.haiku },
      { agentId: rng.hex(8), dir: (a) => join(project(claudeA), `agent-${a}.jsonl`), model: CLAUDE_MODELS.sonnet },
    ];
    layouts.forEach(({ agentId, dir, model }, n) => {
      const agentPath = dir(agentId);
      const actx = { ...ctx, isSidechain: true, agentId };
      prompt(agentPath, actx, at(day, 9, 10 + n * 10));
      let sum = usage(0, 0, 0, 0, 0);
      for (let i = 0; i < 2; i++) {
        const u = usage(1 + i, 3_000 + 100 * n, 0, 12_000 + i, 80 + i + n);
        request(agentPath, actx, { day, timestampMs: at(day, 9, 11 + n * 10 + i), model, ...ids(), snapshots: [u, u], quirk: 'subagents', agentId });
        sum = usage(sum.inputTokens + u.inputTokens, sum.cacheWrite5mTokens + u.cacheWrite5mTokens, 0, sum.cacheReadTokens + u.cacheReadTokens, sum.outputTokens + u.outputTokens);
      }
      const structured = `{"status":"completed","prompt":"Explore","agentId":"${agentId}","content":[{"type":"text","text":"Found it."}],"totalDurationMs":9000,"totalTokens":${sum.inputTokens + sum.cacheWrite5mTokens + sum.cacheReadTokens + sum.outputTokens},"totalToolUseCount":2,"usage":${usageJson(sum)}}`;
      files.append(path, toolResultLine(ctx, { parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: at(day, 9, 30 + n), toolUseId: `toolu_01${rng.base62(22)}`, content: 'Found it.', toolUseResultJson: structured }));
    });
  }

  // 11. Bad lines: a truncated line that is the only copy of its request, garbage, wrong types,
  //     an old-style usage without cache fields, and a half-written last line without newline.
  {
    const day = '2026-11-11';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 8, 0));
    const good = usage(4, 2_500, 0, 14_000, 333);
    request(path, ctx, { day, timestampMs: at(day, 8, 1), model: CLAUDE_MODELS.sonnet, ...ids(), snapshots: [good], quirk: 'malformedLines' });
    const lost = assistantLine(ctx, { parentUuid: null, uuid: rng.uuid(), timestampMs: at(day, 8, 2), model: CLAUDE_MODELS.sonnet, ...ids(), block: textBlock('lost'), usage: usage(9, 9_999, 0, 99_999, 999) });
    files.append(path, lost.slice(0, lost.length - 40) + '\n');
    files.append(path, 'this is not json\n');
    files.append(path, '\u0000\u0000\u0000\n');
    files.append(path, '{"type":"assistant"}\n');
    files.append(path, '[1,2,3]\n');
    const wrong = usage(5, 5_555, 0, 55_555, 555);
    const wrongIds = ids();
    files.append(path, assistantLine(ctx, { parentUuid: null, uuid: rng.uuid(), timestampMs: at(day, 8, 3), model: CLAUDE_MODELS.sonnet, ...wrongIds, block: textBlock('x'), usage: wrong, usageOverride: usageJson(wrong).replace('"input_tokens":5,', '"input_tokens":"5",') }));
    // Older Claude Code versions wrote usage without any cache fields.
    const oldIds = ids();
    files.append(path, assistantLine(ctx, { parentUuid: null, uuid: rng.uuid(), timestampMs: at(day, 8, 4), model: CLAUDE_MODELS.sonnet, ...oldIds, block: textBlock('old'), usage: usage(0, 0, 0, 0, 0), usageOverride: '{"input_tokens":120,"output_tokens":45}' }));
    const oldUsage = usage(120, 0, 0, 0, 45);
    lines.push({ path, day, quirk: 'malformedLines', model: CLAUDE_MODELS.sonnet, ...oldIds, usage: oldUsage, timestampMs: at(day, 8, 4) });
    requests.push({ day, quirk: 'malformedLines', timestampMs: at(day, 8, 4), model: CLAUDE_MODELS.sonnet, ...oldIds, usage: oldUsage, sessionId: ctx.sessionId, agentId: '' });
    // A line still being written: no newline yet.
    const partial = assistantLine(ctx, { parentUuid: null, uuid: rng.uuid(), timestampMs: at(day, 8, 5), model: CLAUDE_MODELS.sonnet, ...ids(), block: textBlock('partial'), usage: usage(1, 1, 0, 1, 1) });
    files.append(path, partial.slice(0, 200));
  }

  // 12. Codex: cumulative totals; info:null before the first request; a repeated identical
  //     token_count (not new usage); a model switch in turn_context.
  {
    const day = '2026-11-12';
    codexSession(join(codexDir), day, 'codexCumulativeTotals', false);
  }

  // 13. Codex: a rollout under archived_sessions/.
  {
    const day = '2026-11-13';
    codexSession(join(codexDir), day, 'codexArchivedSession', true);
  }

  // 14. A single line without requestId (no duplicates): counted once by everyone.
  {
    const day = '2026-11-14';
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at(day, 10, 0));
    const u = usage(11, 1_100, 0, 11_000, 111);
    request(path, ctx, { day, timestampMs: at(day, 10, 1), model: CLAUDE_MODELS.haiku, ...ids(), noRequestId: true, snapshots: [u], quirk: 'singleLineWithoutRequestId' });
  }

  // 15/16. A streamed request whose lines straddle midnight (23:59:59.8 and 00:00:00.5, the second
  //        one carrying the final output_tokens).
  {
    const ctx = newSession();
    const path = sessionFile(claudeA, ctx.sessionId);
    prompt(path, ctx, at('2026-11-15', 23, 50));
    const base = usage(8, 4_000, 0, 16_000, 0);
    request(path, ctx, {
      day: '2026-11-15', timestampMs: at('2026-11-15', 23, 59, 59) + 800, model: CLAUDE_MODELS.sonnet, ...ids(), quirk: 'streamingAcrossMidnight',
      snapshots: [{ ...base, outputTokens: 7 }, { ...base, outputTokens: 70 }],
    });
  }

  function codexSession(dir, day, quirk, archived) {
    const id = rng.uuid();
    const start = at(day, 10, 0);
    let path = rolloutPath(dir, start, id);
    if (archived) path = join(dir, 'archived_sessions', path.split('/').pop());
    const cwd = '/home/dev/repo';
    const limits = { primary: { usedPercent: 12, windowMinutes: 300, resetsAt: Math.floor(start / 1000) + 9_000 }, secondary: { usedPercent: 40, windowMinutes: 10_080, resetsAt: Math.floor(start / 1000) + 400_000 } };
    files.append(path, sessionMetaLine(start, id, cwd));
    files.append(path, userMessageLines(start + 1_000, 'Add a test for the parser.'));
    files.append(path, turnContextLine(start + 1_000, cwd, 'gpt-5-codex'));
    files.append(path, tokenCountLine(start + 1_500, null, limits));
    const total = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0, totalTokens: 0 };
    const calls = archived
      ? [{ model: 'gpt-5-codex', last: [9_000, 4_000, 300, 100] }]
      : [
          { model: 'gpt-5-codex', last: [12_000, 0, 400, 150] },
          { model: 'gpt-5-codex', last: [14_000, 11_500, 220, 80], repeat: true },
          { model: 'gpt-5', last: [16_000, 13_800, 900, 600], switchModel: true },
        ];
    let t = start + 2_000;
    for (const c of calls) {
      if (c.switchModel) files.append(path, turnContextLine(t, cwd, c.model));
      const [input, cached, output, reasoning] = c.last;
      const last = { inputTokens: input, cachedInputTokens: cached, outputTokens: output, reasoningOutputTokens: reasoning, totalTokens: input + output };
      for (const k of Object.keys(total)) total[k] += last[k];
      t += 20_000;
      files.append(path, tokenCountLine(t, { total: { ...total }, last }, limits));
      codexDeltas.push({ day, quirk, timestampMs: t, model: c.model, sessionId: id, delta: last });
      if (c.repeat) files.append(path, tokenCountLine(t + 300, { total: { ...total }, last }, limits));
    }
  }

  files.flush();
  mkdirSync(claudeB, { recursive: true });
  mkdirSync(codexDir, { recursive: true });
  return { root, claudeDirs: [claudeA, claudeB], codexDir, now: QUIRK_NOW, quirkDays: QUIRK_DAYS, requests, lines, codexDeltas };
}
