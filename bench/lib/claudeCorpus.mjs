// Bulk generator of realistic Claude Code history: sessions with prompts, streamed assistant
// messages (one line per content block, same message.id + requestId + usage), tool calls and their
// long-tailed results, sub-agent transcripts, resumed sessions, summaries, compactions, synthetic
// API-error lines and a few malformed lines.
//
// Everything written here is counted the same way by Tokenmeter and by ccusage (the benchmark needs
// equal totals). The cases where Tokenmeter deliberately differs (partial streaming snapshots,
// duplicate lines without requestId, long-context requests, 1-hour cache writes, unknown models)
// are left to bench/quirkCorpus.mjs.

import { join } from 'node:path';
import {
  assistantLine,
  compactBoundaryLine,
  fileHistorySnapshotLine,
  summaryLine,
  syntheticErrorLine,
  textBlock,
  thinkingBlock,
  toolResultLine,
  toolUseBlock,
  userPromptLine,
} from './claudeLines.mjs';
import { LineSink } from './lineSink.mjs';

export const CLAUDE_MODELS = {
  sonnet: 'claude-sonnet-4-5-20250929',
  opus: 'claude-opus-4-5-20251101',
  haiku: 'claude-haiku-4-5-20251001',
};

/** Keep every request's prompt (input + cache writes + cache reads) under Anthropic's 200k long-context threshold. */
export const MAX_PROMPT_TOKENS = 180_000;

const DAY_MS = 86_400_000;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const REPOS = ['repo', 'api-server', 'web-app', 'infra', 'ml-pipeline', 'docs-site', 'mobile', 'tokenmeter', 'data-tools', 'cli'];
const FILES = ['src/index.ts', 'src/core/ledger.ts', 'src/server.ts', 'README.md', 'package.json', 'src/utils/time.ts', 'test/ledger.test.ts', 'src/api/routes.ts', 'Cargo.toml', 'src/main.rs', 'app/models.py'];
const COMMANDS = ['npm test', 'npm run build', 'git status', 'git diff', 'ls -la src', 'cargo test', 'pytest -x', 'rg -n \\"usage\\" src', 'node bench/run.mjs --size small'];

function signature(rng, n) {
  let out = '';
  for (let i = 0; i < n; i++) out += BASE64[rng.u32() & 63];
  return out;
}

export class ClaudeCorpus {
  /**
   * @param {{ rng: import('./prng.mjs').Rng, pool: import('./textPool.mjs').TextPool, truth: import('./groundTruth.mjs').GroundTruth,
   *   claudeDir: string, nowMs: number, days: number }} opts
   */
  constructor({ rng, pool, truth, claudeDir, nowMs, days, maxSessionBytes = 60_000_000, maxResultChars = 5_000_000, malformedRate = 0.0008, apiErrorRate = 0.003 }) {
    this.rng = rng;
    this.apiErrorRate = apiErrorRate;
    this.malformedRate = malformedRate;
    this.maxSessionBytes = maxSessionBytes;
    this.maxResultChars = maxResultChars;
    this.pool = pool;
    this.truth = truth;
    this.projectsDir = join(claudeDir, 'projects');
    this.nowMs = nowMs;
    this.days = days;
    this.projects = [];
    for (let i = 0; i < 14; i++) {
      const repo = REPOS[i % REPOS.length] + (i >= REPOS.length ? `-${i}` : '');
      const cwd = i % 3 === 2 ? `/home/dev/work/${repo}` : `/home/dev/${repo}`;
      this.projects.push({ cwd, folder: cwd.replace(/[/.]/g, '-') });
    }
  }

  /** Writes sessions until about `budgetBytes` have been written. Returns bytes written. */
  generate(budgetBytes) {
    let written = 0;
    while (written < budgetBytes) {
      written += this.session(Math.min(budgetBytes - written, this.sessionTargetBytes()));
    }
    return written;
  }

  sessionTargetBytes() {
    // Long-tailed target (median ~15 kB); a session ends with the turn that crosses it, so files come
    // out larger: 1.5 GB is ~7,500 sessions + ~3,000 sub-agent files and ~1.3 billion tokens, close to
    // a heavy user's month (~1 billion tokens over ~11,000 sessions).
    return Math.min(this.maxSessionBytes, Math.max(4_000, this.rng.logNormal(9.6, 1.2)));
  }

  pickModel() {
    return this.rng.weighted([
      [60, CLAUDE_MODELS.sonnet],
      [30, CLAUDE_MODELS.opus],
      [10, CLAUDE_MODELS.haiku],
    ]);
  }

  /** One top-level session file (plus its sub-agents, and sometimes a resumed copy). Returns bytes. */
  session(targetBytes) {
    const rng = this.rng;
    const project = this.projects[Math.min(this.projects.length - 1, Math.floor(rng.logNormal(0.8, 1) % this.projects.length))];
    const sessionId = rng.uuid();
    const startMs = this.nowMs - this.days * DAY_MS + Math.floor(rng.next() * (this.days * DAY_MS - 6 * 3_600_000));
    const path = join(this.projectsDir, project.folder, `${sessionId}.jsonl`);
    const sink = new LineSink(path);
    const resumed = targetBytes < 3_000_000 && rng.chance(0.04);
    if (resumed) sink.record = [];
    const ctx = { sessionId, cwd: project.cwd, gitBranch: rng.chance(0.7) ? 'main' : `feature/${rng.hex(6)}` };
    const state = { ctx, sink, project, sessionId, model: this.pickModel(), t: startMs, lastUuid: null, context: 0, fresh: 0, agentBytes: 0 };

    if (rng.chance(0.3)) sink.write(summaryLine(this.pool.sentence(), rng.uuid()));
    while (sink.size < targetBytes) this.turn(state);
    this.maybeTruncatedTail(sink);
    sink.close(state.t);
    this.truth.files.claudeSessions += 1;
    this.truth.lines.claude += sink.lines;
    let bytes = sink.bytes + state.agentBytes;

    if (resumed) bytes += this.resume(state, sink.record);
    this.truth.bytes.claude += bytes;
    return bytes;
  }

  /**
   * `claude --resume` starts a new file under a new sessionId that begins with a copy of the earlier
   * conversation (same message ids, request ids and timestamps), then continues.
   */
  resume(original, lines) {
    const rng = this.rng;
    const sessionId = rng.uuid();
    const sink = new LineSink(join(this.projectsDir, original.project.folder, `${sessionId}.jsonl`));
    const from = `"sessionId":"${original.sessionId}"`;
    const to = `"sessionId":"${sessionId}"`;
    for (const line of lines) sink.write(line.replace(from, to));
    this.truth.lines.malformed += original.sink.badLines ?? 0;
    this.truth.lines.claudeDuplicateAssistant += lines.filter((l) => l.includes('"type":"assistant","uuid"')).length;
    const ctx = { ...original.ctx, sessionId };
    const state = { ...original, ctx, sink, sessionId, t: original.t + rng.range(1, 20) * 3_600_000, agentBytes: 0 };
    const extra = Math.max(5_000, this.rng.logNormal(9.5, 1));
    const start = sink.size;
    while (sink.size - start < extra) this.turn(state);
    sink.close(state.t);
    this.truth.files.claudeResumed += 1;
    this.truth.lines.claude += sink.lines;
    return sink.bytes + state.agentBytes;
  }

  maybeTruncatedTail(sink) {
    // A line still being written when the file was read: a prefix of a line, no newline.
    if (this.rng.chance(Math.min(0.5, this.malformedRate * 12.5))) {
      sink.writeRaw('{"parentUuid":"' + this.rng.uuid() + '","isSidechain":false,"userType":"external","cwd":"/home/dev/repo","sessionId":"');
      this.truth.lines.malformed += 1;
    }
  }

  write(state, line) {
    state.sink.write(line);
    // Rarely: garbage or a truncated copy of the line (a crash mid-write). Never the only copy of a
    // request, so the ground truth is unaffected whatever a tool does with it.
    if (this.rng.chance(this.malformedRate)) {
      const r = this.rng.next();
      let bad;
      if (r < 0.6) bad = line.slice(0, 10 + this.rng.int(Math.max(1, line.length - 14))) + '\n';
      else if (r < 0.8) bad = '\u0000\u0000\u0000\u0000\n';
      else bad = '{"type":"assistant","message":{"usage":{"input_tokens":"not a number"}},"oops\n';
      state.sink.write(bad);
      state.sink.badLines = (state.sink.badLines ?? 0) + 1;
      this.truth.lines.malformed += 1;
    }
  }

  advance(state, minMs, maxMs) {
    state.t += this.rng.range(minMs, maxMs);
    return state.t;
  }

  turn(state) {
    const rng = this.rng;
    const uuid = rng.uuid();
    if (rng.chance(0.5)) this.write(state, fileHistorySnapshotLine(uuid, state.t));
    const promptChars = Math.floor(Math.min(20_000, rng.logNormal(5.5, 1.2)));
    this.write(state, userPromptLine(state.ctx, { parentUuid: state.lastUuid, uuid, timestampMs: this.advance(state, 5_000, 900_000), text: this.pool.slice(promptChars) }));
    state.lastUuid = uuid;
    state.fresh += Math.ceil(promptChars / 4);
    if (rng.chance(0.02)) state.model = this.pickModel();
    const requests = 1 + Math.min(40, Math.floor(rng.logNormal(1.2, 0.9)));
    for (let i = 0; i < requests; i++) {
      const final = i === requests - 1;
      const toolIds = this.request(state, final);
      for (const toolId of toolIds) this.toolResult(state, toolId);
    }
  }

  /** One model request: 1–4 streamed lines. Returns the tool_use ids it asked for. */
  request(state, final) {
    const rng = this.rng;
    const blocks = [];
    let outputChars = 0;
    if (rng.chance(0.35)) {
      const chars = Math.floor(Math.min(30_000, rng.logNormal(6.5, 1)));
      blocks.push(thinkingBlock(this.pool.slice(chars), signature(rng, 200 + rng.int(1400))));
      outputChars += chars;
    }
    if (final || rng.chance(0.45)) {
      const chars = Math.floor(Math.min(20_000, rng.logNormal(final ? 6.8 : 5, 1)));
      blocks.push(textBlock(this.pool.slice(chars)));
      outputChars += chars;
    }
    const toolIds = [];
    if (!final) {
      const n = rng.weighted([[70, 1], [20, 2], [10, 3]]);
      for (let k = 0; k < n; k++) {
        const id = `toolu_01${rng.base62(22)}`;
        const tool = this.pickTool(state);
        toolIds.push({ id, tool });
        const input = this.toolInput(tool);
        blocks.push(toolUseBlock(id, tool, input));
        outputChars += input.length;
      }
    }
    if (blocks.length === 0) blocks.push(textBlock(this.pool.sentence()));

    // Prompt = cached prefix + freshly added content. Claude Code compacts before the window is full;
    // the benchmark corpus keeps every request under the 200k long-context threshold.
    let fresh = Math.min(60_000, state.fresh + rng.range(50, 400));
    if (state.context + fresh > MAX_PROMPT_TOKENS - 20_000) {
      const uuid = rng.uuid();
      this.write(state, compactBoundaryLine(state.ctx, { parentUuid: state.lastUuid, uuid, timestampMs: this.advance(state, 1_000, 5_000), preTokens: state.context + fresh }));
      state.lastUuid = uuid;
      state.context = 0;
      fresh = rng.range(12_000, 30_000);
    }
    const cacheMiss = state.context > 0 && rng.chance(0.04);
    const usage = {
      inputTokens: rng.chance(0.9) ? rng.range(1, 12) : rng.range(100, 4_000),
      cacheWrite5mTokens: cacheMiss ? state.context + fresh : fresh,
      cacheWrite1hTokens: 0,
      cacheReadTokens: cacheMiss ? 0 : state.context,
      outputTokens: Math.max(1, Math.ceil(outputChars / 3.8) + rng.range(5, 120)),
    };
    state.context += fresh + usage.inputTokens;
    state.fresh = usage.outputTokens;

    const messageId = `msg_01${rng.base62(22)}`;
    const requestId = `req_011CU${rng.base62(18)}`;
    const startMs = this.advance(state, 2_000, 45_000);
    const stop = final ? 'end_turn' : 'tool_use';
    for (let b = 0; b < blocks.length; b++) {
      const uuid = rng.uuid();
      const t = b === 0 ? startMs : this.advance(state, 100, 8_000);
      this.write(state, assistantLine(state.ctx, {
        parentUuid: state.lastUuid, uuid, timestampMs: t, model: state.model, messageId, requestId,
        block: blocks[b], stopReason: b === blocks.length - 1 ? stop : null, usage,
      }));
      state.lastUuid = uuid;
    }
    this.truth.lines.claudeAssistant += blocks.length;
    this.truth.lines.claudeDuplicateAssistant += blocks.length - 1;
    this.truth.addClaudeRequest({
      timestampMs: startMs, model: state.model, usage, sessionId: state.rootSessionId ?? state.sessionId,
      agentId: state.ctx.agentId ?? '', messageId, requestId,
    });
    if (!final && rng.chance(this.apiErrorRate)) {
      this.write(state, syntheticErrorLine(state.ctx, { parentUuid: state.lastUuid, uuid: rng.uuid(), timestampMs: this.advance(state, 100, 2_000), messageId: rng.uuid() }));
    }
    return toolIds;
  }

  pickTool(state) {
    return this.rng.weighted([
      [35, 'Read'],
      [25, 'Bash'],
      [10, 'Grep'],
      [14, 'Edit'],
      [5, 'Glob'],
      [4, 'Write'],
      [state.ctx.isSidechain ? 0 : 4, 'Task'],
      [3, 'TodoWrite'],
    ]);
  }

  toolInput(tool) {
    const rng = this.rng;
    switch (tool) {
      case 'Read':
        return `{"file_path":"/home/dev/repo/${rng.pick(FILES)}"}`;
      case 'Write':
        // The whole new file is in the assistant line: some assistant lines are tens of kB.
        return `{"file_path":"/home/dev/repo/${rng.pick(FILES)}","content":"${this.pool.slice(Math.floor(Math.min(200_000, rng.logNormal(8, 1.2))))}"}`;
      case 'Bash':
        return `{"command":"${rng.pick(COMMANDS)}","description":"Run the check"}`;
      case 'Grep':
        return `{"pattern":"usage","path":"src","output_mode":"content","-n":true}`;
      case 'Glob':
        return `{"pattern":"**/*.ts"}`;
      case 'Edit':
        return `{"file_path":"/home/dev/repo/${rng.pick(FILES)}","old_string":"${this.pool.slice(80)}","new_string":"${this.pool.slice(120)}"}`;
      case 'Task':
        return `{"description":"Explore the codebase","prompt":"${this.pool.slice(400)}","subagent_type":"Explore"}`;
      default:
        return `{"todos":[{"content":"Fix the parser","status":"in_progress","activeForm":"Fixing the parser"}]}`;
    }
  }

  /** Result sizes: median ~2 kB, mean ~9 kB, tail to several MB (file reads, build logs). */
  resultChars() {
    return Math.floor(Math.min(this.maxResultChars, 40 + this.rng.logNormal(7.6, 1.7)));
  }

  toolResult(state, { id, tool }) {
    const rng = this.rng;
    let content;
    let structured;
    let isError = false;
    let chars = 0;
    const filePath = `/home/dev/repo/${rng.pick(FILES)}`;
    switch (tool) {
      case 'Read': {
        chars = this.resultChars();
        content = this.pool.slice(chars);
        const lines = 1 + rng.int(Math.max(1, chars / 40));
        structured = `{"type":"text","file":{"filePath":"${filePath}","content":"${content}","numLines":${lines},"startLine":1,"totalLines":${lines}}}`;
        break;
      }
      case 'Bash': {
        chars = this.resultChars();
        content = this.pool.slice(chars);
        isError = rng.chance(0.1);
        // Cut the escaped text only after an escaped newline, never inside an escape sequence.
        structured = isError ? `"Error: ${content.slice(0, content.lastIndexOf('\\n', 200) + 2)}"` : `{"stdout":"${content}","stderr":"","interrupted":false,"isImage":false}`;
        break;
      }
      case 'Grep': {
        chars = Math.floor(this.resultChars() / 2);
        content = this.pool.slice(chars);
        structured = `{"mode":"content","numFiles":${rng.range(1, 30)},"filenames":[],"content":"${content}","numLines":${rng.range(1, 400)}}`;
        break;
      }
      case 'Edit': {
        const original = this.pool.slice(this.resultChars());
        const snippet = this.pool.slice(rng.range(300, 3_000));
        content = `The file ${filePath} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\\n${snippet}`;
        chars = content.length;
        structured = `{"filePath":"${filePath}","oldString":"${this.pool.slice(60)}","newString":"${this.pool.slice(90)}","originalFile":"${original}","structuredPatch":[{"oldStart":${rng.range(1, 400)},"oldLines":7,"newStart":${rng.range(1, 400)},"newLines":9,"lines":["${this.pool.slice(200)}"]}],"userModified":false,"replaceAll":false}`;
        break;
      }
      case 'Task':
        return this.subagent(state, id);
      default:
        content = tool === 'Glob' ? this.pool.slice(rng.range(50, 4_000)) : 'Todos have been modified successfully.';
        chars = content.length;
        structured = `{"filenames":[],"durationMs":${rng.range(5, 300)},"numFiles":${rng.range(0, 80)},"truncated":false}`;
    }
    const uuid = rng.uuid();
    const line = toolResultLine(state.ctx, { parentUuid: state.lastUuid, uuid, timestampMs: this.advance(state, 50, 20_000), toolUseId: id, content, isError, toolUseResultJson: structured });
    this.write(state, line);
    this.truth.bytes.toolResults += line.length;
    state.lastUuid = uuid;
    state.fresh += Math.min(25_000, Math.ceil(chars / 3.6));
  }

  /**
   * A Task call runs a sub-agent whose transcript goes to <project>/<sessionId>/subagents/agent-<id>.jsonl
   * (Claude Code >= 2.0.x; older versions wrote <project>/agent-<id>.jsonl). Its lines are sidechain
   * lines carrying the parent's sessionId. The parent then gets a tool result whose toolUseResult
   * repeats the sub-agent's usage: that copy is not a second bill.
   */
  subagent(parent, toolUseId) {
    const rng = this.rng;
    const agentId = rng.hex(8);
    const projectDir = join(this.projectsDir, parent.project.folder);
    const path = rng.chance(0.85) ? join(projectDir, parent.sessionId, 'subagents', `agent-${agentId}.jsonl`) : join(projectDir, `agent-${agentId}.jsonl`);
    const sink = new LineSink(path);
    const ctx = { ...parent.ctx, isSidechain: true, agentId };
    const state = {
      ctx, sink, project: parent.project, sessionId: parent.sessionId, rootSessionId: parent.rootSessionId ?? parent.sessionId,
      model: rng.chance(0.4) ? CLAUDE_MODELS.haiku : parent.model, t: parent.t, lastUuid: null, context: rng.range(8_000, 20_000), fresh: 0, agentBytes: 0,
    };
    const before = { ...this.truth.claude.totals };
    const uuid = rng.uuid();
    this.write(state, userPromptLine(ctx, { parentUuid: null, uuid, timestampMs: this.advance(state, 10, 500), text: this.pool.slice(rng.range(200, 1_500)) }));
    state.lastUuid = uuid;
    const requests = 2 + Math.floor(rng.logNormal(1.3, 0.7));
    for (let i = 0; i < requests; i++) {
      const toolIds = this.request(state, i === requests - 1);
      for (const toolId of toolIds) this.toolResult(state, toolId);
    }
    sink.close(state.t);
    this.truth.files.claudeSubagents += 1;
    this.truth.lines.claude += sink.lines;
    parent.agentBytes += sink.bytes + state.agentBytes;
    parent.t = state.t;

    const after = this.truth.claude.totals;
    const resultText = this.pool.slice(rng.range(500, 4_000));
    const usage = `{"input_tokens":${after.inputTokens - before.inputTokens},"cache_creation_input_tokens":${after.cacheCreationTokens - before.cacheCreationTokens},"cache_read_input_tokens":${after.cacheReadTokens - before.cacheReadTokens},"cache_creation":{"ephemeral_5m_input_tokens":${after.cacheWrite5mTokens - before.cacheWrite5mTokens},"ephemeral_1h_input_tokens":0},"output_tokens":${after.outputTokens - before.outputTokens},"service_tier":"standard"}`;
    const structured = `{"status":"completed","prompt":"Explore the codebase","agentId":"${agentId}","content":[{"type":"text","text":"${resultText}"}],"totalDurationMs":${state.t - parent.t + rng.range(1_000, 9_000)},"totalTokens":${after.totalTokens - before.totalTokens},"totalToolUseCount":${requests - 1},"usage":${usage}}`;
    const resultUuid = rng.uuid();
    this.write(parent, toolResultLine(parent.ctx, { parentUuid: parent.lastUuid, uuid: resultUuid, timestampMs: this.advance(parent, 100, 2_000), toolUseId, content: resultText, toolUseResultJson: structured }));
    parent.lastUuid = resultUuid;
    parent.fresh += Math.ceil(resultText.length / 4);
  }
}
