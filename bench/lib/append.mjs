// New requests to append to a live session file (the incremental-update benchmarks).

import { assistantLine, textBlock, toolResultLine, toolUseBlock } from './claudeLines.mjs';
import { Rng } from './prng.mjs';
import { TextPool } from './textPool.mjs';

let pool = null;

/**
 * `count` new requests (2 streamed lines each + one tool result of `resultChars` characters, or a
 * random 1–60k when omitted), new ids, timestamps just before `nowMs`. Returns the text and the
 * tokens it adds.
 */
export function appendedRequests({ sessionId, cwd, count, nowMs, seed = 'append', resultChars }) {
  const rng = new Rng(seed);
  // Realistic result text (escaped quotes, backslashes, UTF-8, JSON look-alikes), not a run of one letter.
  pool ??= new TextPool(new Rng('append-pool'), 1_000_000);
  const ctx = { sessionId, cwd, gitBranch: 'main' };
  const added = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0 };
  let text = '';
  for (let i = 0; i < count; i++) {
    const usage = { inputTokens: rng.range(1, 9), cacheWrite5mTokens: rng.range(500, 5_000), cacheWrite1hTokens: 0, cacheReadTokens: rng.range(20_000, 90_000), outputTokens: rng.range(50, 900) };
    const t = nowMs - (count - i) * 2_000;
    const messageId = `msg_01${rng.base62(22)}`;
    const requestId = `req_011CU${rng.base62(18)}`;
    const toolId = `toolu_01${rng.base62(22)}`;
    const model = 'claude-sonnet-4-5-20250929';
    text += assistantLine(ctx, { parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: t, model, messageId, requestId, block: textBlock('Checking the file.'), usage });
    text += assistantLine(ctx, { parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: t + 300, model, messageId, requestId, block: toolUseBlock(toolId, 'Read', '{"file_path":"/home/dev/repo/src/index.ts"}'), stopReason: 'tool_use', usage });
    text += toolResultLine(ctx, { parentUuid: rng.uuid(), uuid: rng.uuid(), timestampMs: t + 900, toolUseId: toolId, content: pool.slice(resultChars ?? rng.range(1_000, 60_000)) });
    added.inputTokens += usage.inputTokens;
    added.outputTokens += usage.outputTokens;
    added.cacheCreationTokens += usage.cacheWrite5mTokens;
    added.cacheReadTokens += usage.cacheReadTokens;
  }
  return { text, added };
}

/** Session id and cwd of an existing Claude Code log, from its first lines. */
export function sessionOf(headText) {
  return {
    sessionId: /"sessionId":"([^"]+)"/.exec(headText)?.[1] ?? 'bench-append',
    cwd: /"cwd":"([^"]+)"/.exec(headText)?.[1] ?? '/home/dev/repo',
  };
}
