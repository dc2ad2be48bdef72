// Bulk generator of Codex CLI rollouts: <codexDir>/sessions/YYYY/MM/DD/rollout-<iso>-<uuid>.jsonl.
// Usage comes only from event_msg/token_count rows carrying cumulative totals
// (info.total_token_usage) and the last request (info.last_token_usage). input_tokens includes
// cached_input_tokens, output_tokens includes reasoning_output_tokens.

import { join } from 'node:path';
import { isoTime } from './claudeLines.mjs';
import { LineSink } from './lineSink.mjs';

export const CODEX_MODELS = { codex: 'gpt-5-codex', gpt5: 'gpt-5' };
const DAY_MS = 86_400_000;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Escapes already-escaped JSON string text once more, for JSON nested inside a JSON string. */
export function escapeAgain(text) {
  return text.replace(/[\\"]/g, '\\$&');
}

function pad(n) {
  return String(n).padStart(2, '0');
}

export function rolloutPath(codexDir, startMs, id) {
  const d = new Date(startMs);
  const stamp = isoTime(startMs).slice(0, 19).replace(/:/g, '-');
  return join(codexDir, 'sessions', String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), `rollout-${stamp}-${id}.jsonl`);
}

function usageJson(u) {
  return `{"input_tokens":${u.inputTokens},"cached_input_tokens":${u.cachedInputTokens},"output_tokens":${u.outputTokens},"reasoning_output_tokens":${u.reasoningOutputTokens},"total_tokens":${u.totalTokens}}`;
}

export function sessionMetaLine(timestampMs, id, cwd) {
  const ts = isoTime(timestampMs);
  return `{"timestamp":"${ts}","type":"session_meta","payload":{"id":"${id}","timestamp":"${ts}","cwd":"${cwd}","originator":"codex_cli_rs","cli_version":"0.46.0","instructions":null,"source":"cli","model_provider":"openai","git":{"commit_hash":"3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39","branch":"main","repository_url":"git@example.invalid:dev/repo.git"}}}\n`;
}

export function turnContextLine(timestampMs, cwd, model) {
  return `{"timestamp":"${isoTime(timestampMs)}","type":"turn_context","payload":{"cwd":"${cwd}","approval_policy":"on-request","sandbox_policy":{"mode":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false},"model":"${model}","effort":"medium","summary":"auto"}}\n`;
}

/** @param {{ total: any, last: any } | null} info  @param {{ primary: any, secondary: any }} limits */
export function tokenCountLine(timestampMs, info, limits) {
  const infoJson = info ? `{"total_token_usage":${usageJson(info.total)},"last_token_usage":${usageJson(info.last)},"model_context_window":272000}` : 'null';
  const lim = (l) => `{"used_percent":${l.usedPercent},"window_minutes":${l.windowMinutes},"resets_at":${l.resetsAt}}`;
  return `{"timestamp":"${isoTime(timestampMs)}","type":"event_msg","payload":{"type":"token_count","info":${infoJson},"rate_limits":{"primary":${lim(limits.primary)},"secondary":${lim(limits.secondary)}}}}\n`;
}

export function userMessageLines(timestampMs, text) {
  const ts = isoTime(timestampMs);
  return (
    `{"timestamp":"${ts}","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"${text}"}]}}\n` +
    `{"timestamp":"${ts}","type":"event_msg","payload":{"type":"user_message","message":"${text}","kind":"plain","images":[]}}\n`
  );
}

export class CodexCorpus {
  constructor({ rng, pool, truth, codexDir, nowMs, days, repeatedTotals = true, maxSessionBytes = 60_000_000, maxResultChars = 3_000_000 }) {
    this.maxSessionBytes = maxSessionBytes;
    this.maxResultChars = maxResultChars;
    this.rng = rng;
    this.pool = pool;
    this.truth = truth;
    this.codexDir = codexDir;
    this.nowMs = nowMs;
    this.days = days;
    this.repeatedTotals = repeatedTotals;
  }

  generate(budgetBytes) {
    let written = 0;
    while (written < budgetBytes) written += this.session(Math.min(budgetBytes - written, this.maxSessionBytes, Math.max(6_000, this.rng.logNormal(11, 1.1))));
    return written;
  }

  session(targetBytes) {
    const rng = this.rng;
    const id = rng.uuid();
    const startMs = this.nowMs - this.days * DAY_MS + Math.floor(rng.next() * (this.days * DAY_MS - 6 * 3_600_000));
    const sink = new LineSink(rolloutPath(this.codexDir, startMs, id));
    const cwd = rng.chance(0.5) ? '/home/dev/repo' : '/home/dev/api-server';
    const s = {
      sink, id, cwd, t: startMs, model: rng.chance(0.8) ? CODEX_MODELS.codex : CODEX_MODELS.gpt5,
      total: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0, totalTokens: 0 },
      context: rng.range(6_000, 12_000),
      limits: {
        primary: { usedPercent: rng.range(0, 40), windowMinutes: 300, resetsAt: Math.floor(startMs / 1000) + rng.range(600, 18_000) },
        secondary: { usedPercent: rng.range(0, 60), windowMinutes: 10_080, resetsAt: Math.floor(startMs / 1000) + rng.range(86_400, 604_800) },
      },
    };
    sink.write(sessionMetaLine(s.t, id, cwd));
    while (sink.size < targetBytes) this.turn(s);
    sink.close(s.t);
    this.truth.files.codexSessions += 1;
    this.truth.lines.codex += sink.lines;
    this.truth.bytes.codex += sink.bytes;
    return sink.bytes;
  }

  turn(s) {
    const rng = this.rng;
    s.t += rng.range(5_000, 600_000);
    s.sink.write(userMessageLines(s.t, this.pool.slice(Math.floor(Math.min(8_000, rng.logNormal(5.3, 1))))));
    s.sink.write(turnContextLine(s.t, s.cwd, s.model));
    // Codex reports a token_count with info:null before the first request of a session.
    if (s.total.totalTokens === 0) s.sink.write(tokenCountLine(s.t, null, s.limits));
    const calls = 1 + Math.min(30, Math.floor(rng.logNormal(1.3, 0.9)));
    for (let i = 0; i < calls; i++) this.call(s, i === calls - 1);
  }

  call(s, final) {
    const rng = this.rng;
    s.t += rng.range(1_500, 40_000);
    if (rng.chance(0.6)) {
      let enc = 'gAAAAA';
      const n = rng.range(400, 4_000);
      for (let i = 0; i < n; i++) enc += BASE64[rng.u32() & 63];
      s.sink.write(`{"timestamp":"${isoTime(s.t)}","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"**Inspecting the scanner**"}],"content":null,"encrypted_content":"${enc}"}}\n`);
    }
    const output = Math.max(10, Math.floor(rng.logNormal(5.5, 1)));
    const reasoning = Math.floor(output * rng.next() * 0.7);
    const input = Math.min(250_000, s.context + rng.range(200, 3_000));
    const cached = rng.chance(0.9) ? Math.max(0, s.context - rng.range(0, 2_000)) : 0;
    const last = { inputTokens: input, cachedInputTokens: cached, outputTokens: output, reasoningOutputTokens: reasoning, totalTokens: input + output };
    const t = s.total;
    t.inputTokens += last.inputTokens;
    t.cachedInputTokens += last.cachedInputTokens;
    t.outputTokens += last.outputTokens;
    t.reasoningOutputTokens += last.reasoningOutputTokens;
    t.totalTokens += last.totalTokens;
    s.limits.primary.usedPercent = Math.min(100, s.limits.primary.usedPercent + rng.int(2));
    s.limits.secondary.usedPercent = Math.min(100, s.limits.secondary.usedPercent + (rng.chance(0.2) ? 1 : 0));

    const callId = `call_${rng.base62(24)}`;
    if (final) {
      s.sink.write(`{"timestamp":"${isoTime(s.t)}","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"${this.pool.slice(rng.range(100, 3_000))}"}]}}\n`);
    } else {
      s.sink.write(`{"timestamp":"${isoTime(s.t)}","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\\"command\\":[\\"bash\\",\\"-lc\\",\\"rg -n usage src\\"],\\"workdir\\":\\"${s.cwd}\\"}","call_id":"${callId}"}}\n`);
    }
    s.sink.write(tokenCountLine(s.t, { total: { ...t }, last }, s.limits));
    this.truth.addCodexDelta({ timestampMs: s.t, model: s.model, sessionId: s.id, delta: last });
    // Codex sometimes repeats the same totals; that is not new usage.
    if (this.repeatedTotals && rng.chance(0.08)) s.sink.write(tokenCountLine(s.t + rng.range(1, 500), { total: { ...t }, last }, s.limits));
    if (!final) {
      const out = escapeAgain(this.pool.slice(Math.floor(Math.min(this.maxResultChars, 40 + rng.logNormal(7.4, 1.7)))));
      s.t += rng.range(50, 20_000);
      s.sink.write(`{"timestamp":"${isoTime(s.t)}","type":"response_item","payload":{"type":"function_call_output","call_id":"${callId}","output":"{\\"output\\":\\"${out}\\",\\"metadata\\":{\\"exit_code\\":0,\\"duration_seconds\\":0.4}}"}}\n`);
      s.context = Math.min(240_000, s.context + output + Math.min(20_000, Math.ceil(out.length / 4)));
      if (s.context > 200_000) s.context = rng.range(10_000, 30_000);
    }
  }
}
