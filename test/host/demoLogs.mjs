#!/usr/bin/env node
// Generates small, realistic demo logs for `npm start` (when the user has no agent logs) and for the integration
// harness (when test/fixtures/ is missing): a few Claude Code sessions, one with a sub-agent transcript and one
// streamed in several lines, plus a Codex rollout — all timestamped in the last hours, so "today" is non-zero.
//
//   import { writeDemoLogs } from './demoLogs.mjs';
//   const { claudeConfigDir, codexHome } = writeDemoLogs('/tmp/demo', { nowMs: Date.now() });
//
// CLI: `node test/host/demoLogs.mjs <dir>` prints the two env lines to use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 as rng } from '../helpers/mulberry32.mjs';

const MINUTE_MS = 60_000;

function uuid(rand) {
  const hex = () => Math.floor(rand() * 16).toString(16);
  const part = (n) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

function iso(ms) {
  return new Date(ms).toISOString();
}

function writeJsonl(file, records) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/**
 * Timestamps `minutesAgo` before now, but never before the start of today (local time of `startOfDayMs`), so that
 * demo usage counts as "today" even shortly after midnight.
 */
function clampTime(nowMs, startOfDayMs, minutesAgo) {
  return Math.max(nowMs - minutesAgo * MINUTE_MS, Math.min(startOfDayMs + 1000, nowMs));
}

function claudeAssistantLine({ sessionId, timestampMs, requestId, messageId, cwd, model, usage, text, isSidechain = false, agentId }) {
  const line = {
    parentUuid: null,
    isSidechain,
    userType: 'external',
    cwd,
    sessionId,
    version: '2.0.14',
    gitBranch: 'main',
    type: 'assistant',
    uuid: `${messageId}-${requestId}`,
    timestamp: iso(timestampMs),
    requestId,
    message: {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    },
  };
  if (agentId) line.agentId = agentId;
  return line;
}

function claudeUserLine({ sessionId, timestampMs, cwd, text, isSidechain = false, agentId }) {
  const line = {
    parentUuid: null,
    isSidechain,
    userType: 'external',
    cwd,
    sessionId,
    version: '2.0.14',
    gitBranch: 'main',
    type: 'user',
    message: { role: 'user', content: text },
    uuid: `user-${timestampMs}`,
    timestamp: iso(timestampMs),
  };
  if (agentId) line.agentId = agentId;
  return line;
}

function usageOf(rand, scale = 1) {
  const input = Math.round((20 + rand() * 400) * scale);
  const output = Math.round((200 + rand() * 2500) * scale);
  const cacheWrite = Math.round(rand() * 6000 * scale);
  const cacheRead = Math.round((5000 + rand() * 60000) * scale);
  const write1h = rand() < 0.3 ? Math.round(cacheWrite / 2) : 0;
  return {
    input_tokens: input,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite - write1h, ephemeral_1h_input_tokens: write1h },
    output_tokens: output,
    service_tier: 'standard',
  };
}

/**
 * Writes demo logs under `dir`: `<dir>/claude/projects/...` and `<dir>/codex/sessions/YYYY/MM/DD/rollout-*.jsonl`.
 * @param {string} dir
 * @param {{ nowMs?: number, seed?: number, startOfDayMs?: number }} [options] startOfDayMs defaults to local midnight.
 * @returns {{ claudeConfigDir: string, codexHome: string, files: string[] }}
 */
export function writeDemoLogs(dir, options = {}) {
  const nowMs = options.nowMs ?? Date.now();
  const rand = rng(options.seed ?? 42);
  const midnight = new Date(nowMs);
  midnight.setHours(0, 0, 0, 0);
  const startOfDayMs = options.startOfDayMs ?? midnight.getTime();
  const at = (minutesAgo) => clampTime(nowMs, startOfDayMs, minutesAgo);
  const claudeConfigDir = path.join(dir, 'claude');
  const codexHome = path.join(dir, 'codex');
  const files = [];
  let counter = 0;
  const nextIds = () => {
    counter += 1;
    return { requestId: `req_demo${String(counter).padStart(4, '0')}`, messageId: `msg_demo${String(counter).padStart(4, '0')}` };
  };

  // Session 1: a web app, Sonnet 4.5, with a sub-agent (Haiku 4.5) in <session>/subagents/agent-<id>.jsonl.
  {
    const cwd = '/home/dev/webapp';
    const project = '-home-dev-webapp';
    const sessionId = uuid(rand);
    const lines = [claudeUserLine({ sessionId, timestampMs: at(185), cwd, text: 'Add a login form with validation' })];
    for (let i = 0; i < 8; i++) {
      const ids = nextIds();
      lines.push(
        claudeAssistantLine({ sessionId, timestampMs: at(184 - i * 12), ...ids, cwd, model: 'claude-sonnet-4-5-20250929', usage: usageOf(rand), text: `Step ${i + 1} done.` }),
      );
    }
    const sessionFile = path.join(claudeConfigDir, 'projects', project, `${sessionId}.jsonl`);
    writeJsonl(sessionFile, lines);
    files.push(sessionFile);

    const agentId = Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0');
    const agentLines = [claudeUserLine({ sessionId, timestampMs: at(150), cwd, text: 'Find all form components', isSidechain: true, agentId })];
    for (let i = 0; i < 4; i++) {
      const ids = nextIds();
      agentLines.push(
        claudeAssistantLine({ sessionId, timestampMs: at(149 - i * 3), ...ids, cwd, model: 'claude-haiku-4-5-20251001', usage: usageOf(rand, 0.5), text: 'Searching…', isSidechain: true, agentId }),
      );
    }
    const agentFile = path.join(claudeConfigDir, 'projects', project, sessionId, 'subagents', `agent-${agentId}.jsonl`);
    writeJsonl(agentFile, agentLines);
    files.push(agentFile);
  }

  // Session 2: an API service, Opus 4.1; one message streamed as three lines (partial output_tokens, then final).
  {
    const cwd = '/home/dev/api';
    const project = '-home-dev-api';
    const sessionId = uuid(rand);
    const lines = [claudeUserLine({ sessionId, timestampMs: at(95), cwd, text: 'Why is /orders slow?' })];
    for (let i = 0; i < 4; i++) {
      const ids = nextIds();
      const usage = usageOf(rand, 0.6);
      if (i === 1) {
        for (const partial of [1, Math.round(usage.output_tokens / 3)]) {
          lines.push(
            claudeAssistantLine({ sessionId, timestampMs: at(94 - i * 15), ...ids, cwd, model: 'claude-opus-4-1-20250805', usage: { ...usage, output_tokens: partial }, text: '…' }),
          );
        }
      }
      lines.push(
        claudeAssistantLine({ sessionId, timestampMs: at(94 - i * 15), ...ids, cwd, model: 'claude-opus-4-1-20250805', usage, text: `Finding ${i + 1}.` }),
      );
    }
    const file = path.join(claudeConfigDir, 'projects', project, `${sessionId}.jsonl`);
    writeJsonl(file, lines);
    files.push(file);
  }

  // Session 3: recent, still going (last minutes).
  {
    const cwd = '/home/dev/webapp';
    const project = '-home-dev-webapp';
    const sessionId = uuid(rand);
    const lines = [claudeUserLine({ sessionId, timestampMs: at(30), cwd, text: 'Write tests for the login form' })];
    for (let i = 0; i < 5; i++) {
      const ids = nextIds();
      lines.push(
        claudeAssistantLine({ sessionId, timestampMs: at(29 - i * 5), ...ids, cwd, model: 'claude-sonnet-4-5-20250929', usage: usageOf(rand), text: `Test ${i + 1} written.` }),
      );
    }
    const file = path.join(claudeConfigDir, 'projects', project, `${sessionId}.jsonl`);
    writeJsonl(file, lines);
    files.push(file);
  }

  // Codex: one rollout with cumulative token_count events (one repeated unchanged) and official rate limits.
  {
    const sessionId = uuid(rand);
    const startMs = at(70);
    const d = new Date(startMs);
    const y = String(d.getFullYear());
    const mo = String(d.getMonth() + 1).padStart(2, '0');
    const da = String(d.getDate()).padStart(2, '0');
    const stamp = iso(startMs).slice(0, 19).replace(/:/g, '-');
    const cwd = '/home/dev/cli-tool';
    const lines = [
      { timestamp: iso(startMs), type: 'session_meta', payload: { id: sessionId, timestamp: iso(startMs), cwd, originator: 'codex_cli_rs', cli_version: '0.46.0', source: 'cli', model_provider: 'openai' } },
      { timestamp: iso(startMs), type: 'turn_context', payload: { cwd, approval_policy: 'on-request', sandbox_policy: { mode: 'workspace-write' }, model: 'gpt-5-codex', effort: 'medium', summary: 'auto' } },
    ];
    const total = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
    for (let i = 0; i < 6; i++) {
      const t = at(69 - i * 9);
      const last = { input_tokens: 8000 + Math.round(rand() * 20000), output_tokens: 300 + Math.round(rand() * 3000) };
      last.cached_input_tokens = Math.round(last.input_tokens * 0.7);
      last.reasoning_output_tokens = Math.round(last.output_tokens * 0.4);
      last.total_tokens = last.input_tokens + last.output_tokens;
      for (const key of Object.keys(total)) total[key] += last[key];
      const event = {
        timestamp: iso(t),
        type: 'event_msg',
        payload: {
          type: 'token_count',
          info: { total_token_usage: { ...total }, last_token_usage: last, model_context_window: 272000 },
          rate_limits: {
            primary: { used_percent: 8 + i * 3, window_minutes: 300, resets_at: Math.floor((nowMs + 3 * 60 * MINUTE_MS) / 1000) },
            secondary: { used_percent: 21 + i, window_minutes: 10080, resets_at: Math.floor((nowMs + 4 * 24 * 60 * MINUTE_MS) / 1000) },
          },
        },
      };
      lines.push({ timestamp: iso(t), type: 'response_item', payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `Change ${i + 1} applied.` }] } });
      lines.push(event);
      if (i === 2) lines.push({ ...event, timestamp: iso(t + 1000) }); // unchanged totals: not new usage
    }
    const file = path.join(codexHome, 'sessions', y, mo, da, `rollout-${stamp}-${sessionId}.jsonl`);
    writeJsonl(file, lines);
    files.push(file);
  }

  return { claudeConfigDir, codexHome, files };
}

/**
 * Appends one more assistant line (a new billed request) to a Claude session file; used to check live updates.
 * @returns {{ requestId: string, messageId: string }}
 */
export function appendClaudeUsage(file, { nowMs = Date.now(), model = 'claude-sonnet-4-5-20250929', usage, tag = String(nowMs) } = {}) {
  const ids = { requestId: `req_live_${tag}`, messageId: `msg_live_${tag}` };
  const line = claudeAssistantLine({
    sessionId: path.basename(file, '.jsonl'),
    timestampMs: nowMs,
    ...ids,
    cwd: '/home/dev/live',
    model,
    usage: usage ?? { input_tokens: 1200, output_tokens: 3400, cache_creation_input_tokens: 0, cache_read_input_tokens: 50000 },
    text: 'live update',
  });
  fs.appendFileSync(file, JSON.stringify(line) + '\n');
  return ids;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/host/demoLogs.mjs <dir>');
    process.exit(2);
  }
  const { claudeConfigDir, codexHome, files } = writeDemoLogs(path.resolve(dir));
  console.log(`wrote ${files.length} files`);
  console.log(`CLAUDE_CONFIG_DIR=${claudeConfigDir}`);
  console.log(`CODEX_HOME=${codexHome}`);
}
