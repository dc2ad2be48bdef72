#!/usr/bin/env node
// Independent generator of Claude Code usage logs with planted "runaway" sessions.
// Deterministic: the same --profile/--seed/--days/--start give byte-identical output.
// No dependencies; Node 20; ES module.  See README.md next to this file.
//
//   node generate.mjs --profile light|medium|heavy --seed N --days D --out DIR [--start 2026-01-05]
//
// Writes DIR/projects/<encoded-cwd>/<sessionId>.jsonl, sub-agent transcripts at
// DIR/projects/<encoded-cwd>/<sessionId>/subagents/agent-<id>.jsonl, and DIR/truth.json.

import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const a = { profile: null, seed: null, days: 14, out: null, start: '2026-01-05' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--profile') { a.profile = v; i++; }
    else if (k === '--seed') { a.seed = Number(v); i++; }
    else if (k === '--days') { a.days = Number(v); i++; }
    else if (k === '--out') { a.out = v; i++; }
    else if (k === '--start') { a.start = v; i++; }
    else if (k === '-h' || k === '--help') { a.help = true; }
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}
const USAGE = 'usage: node generate.mjs --profile light|medium|heavy --seed N --days D --out DIR [--start YYYY-MM-DD]';

// ---------------------------------------------------------------- PRNG (sfc32 seeded by xmur3)
function xmur3(str) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) { h = Math.imul(h ^ str.charCodeAt(i), 3432918353); h = (h << 13) | (h >>> 19); }
  return () => { h = Math.imul(h ^ (h >>> 16), 2246822507); h = Math.imul(h ^ (h >>> 13), 3266489909); return (h ^= h >>> 16) >>> 0; };
}
function sfc32(a, b, c, d) {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0; t = (t + d) | 0; c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
let R; // global rng
const rnd = () => R();
const uni = (lo, hi) => lo + (hi - lo) * R();
const int = (lo, hi) => Math.floor(uni(lo, hi + 1));
const pick = (arr) => arr[Math.floor(R() * arr.length)];
const chance = (p) => R() < p;
function logn(median, sigma) { // lognormal via Box-Muller
  const u = Math.max(1e-12, R()), v = R();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}
function wpick(pairs) { let s = 0; for (const [, w] of pairs) s += w; let x = R() * s; for (const [v, w] of pairs) { if ((x -= w) < 0) return v; } return pairs[pairs.length - 1][0]; }

const HEX = '0123456789abcdef';
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const rstr = (alpha, n) => { let s = ''; for (let i = 0; i < n; i++) s += alpha[Math.floor(R() * alpha.length)]; return s; };
function uuid() {
  const h = rstr(HEX, 32).split('');
  h[12] = '4'; h[16] = '89ab'[Math.floor(R() * 4)];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
const msgId = () => 'msg_01' + rstr(B58, 22);
const reqId = () => 'req_011C' + rstr(B58, 18);
const toolId = () => 'toolu_01' + rstr(B58, 22);
const agentHex = () => 'a' + rstr(HEX, 6);
const iso = (ms) => new Date(Math.round(ms)).toISOString();
const MIN = 60000;
const HOUR = 60 * MIN;

// ---------------------------------------------------------------- models and list prices (USD per million tokens)
const MODELS = {
  opus: 'claude-opus-4-5-20251101',
  sonnet: 'claude-sonnet-4-5-20250929',
  haiku: 'claude-haiku-4-5-20251001',
};
const PRICES = {
  'claude-opus-4-5-20251101': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  'claude-sonnet-4-5-20250929': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
  'claude-haiku-4-5-20251001': { input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 },
};
const TPS = { [MODELS.opus]: 55, [MODELS.sonnet]: 75, [MODELS.haiku]: 140 }; // output tokens/s

// ---------------------------------------------------------------- profiles
// Numbers were calibrated so that the measured normal spend lands near the product description:
// light ~ $2/day (~9k tokens/min while active, tokens = input+output+cache_creation), medium ~ $20/day,
// heavy ~ $150/day.  Measured values are written to truth.json.summary.
const PROFILES = {
  light: {
    plan: 'subscription', mainTtl: HOUR, user: 'sam',
    projects: ['/home/sam/code/notes-app', '/home/sam/code/dotfiles', '/home/sam/code/blog'],
    sessionsWeekday: [2, 3], sessionsWeekend: [0, 2], dayStartH: 9, daySpanH: 12,
    turns: [3, 8], reqPerTurn: [2, 7], thinkMin: 2.5,
    mainModel: [[MODELS.sonnet, 0.9], [MODELS.opus, 0.1]],
    agentModel: [[MODELS.haiku, 0.7], [MODELS.sonnet, 0.3]],
    baseCtx: [16000, 21000], resultScale: 0.8, outMed: 260,
    taskP: 0.04, taskAgents: [1, 2], agentReqs: [4, 12],
    bigReadP: 0.02, refactorP: 0.0, burstP: 0.0,
    limitText: (ms) => `You've hit your session limit · resets ${hourLabel(ms + 3 * HOUR)} (UTC)`,
  },
  medium: {
    plan: 'subscription', mainTtl: HOUR, user: 'maria',
    projects: ['/home/maria/src/billing-service', '/home/maria/src/web-frontend', '/home/maria/src/infra-terraform', '/home/maria/src/data-pipeline'],
    sessionsWeekday: [3, 5], sessionsWeekend: [0, 2], dayStartH: 8, daySpanH: 11,
    turns: [4, 8], reqPerTurn: [3, 14], thinkMin: 2.0,
    mainModel: [[MODELS.sonnet, 0.55], [MODELS.opus, 0.45]],
    agentModel: [[MODELS.haiku, 0.5], [MODELS.sonnet, 0.5]],
    baseCtx: [18000, 26000], resultScale: 1.2, outMed: 380,
    taskP: 0.10, taskAgents: [1, 3], agentReqs: [6, 20],
    bigReadP: 0.05, refactorP: 0.03, burstP: 0.02,
    limitText: (ms) => `You've hit your limit · resets ${hourLabel(ms + 2 * HOUR)} (UTC)`,
  },
  heavy: {
    plan: 'api', mainTtl: 5 * MIN, user: 'dev',
    projects: ['/home/dev/work/platform-core', '/home/dev/work/mobile-app', '/home/dev/work/ml-serving', '/home/dev/work/auth-gateway', '/home/dev/work/docs-site', '/home/dev/work/search-indexer'],
    sessionsWeekday: [4, 6], sessionsWeekend: [1, 2], dayStartH: 7, daySpanH: 13,
    turns: [5, 12], reqPerTurn: [4, 20], thinkMin: 1.5,
    mainModel: [[MODELS.opus, 0.85], [MODELS.sonnet, 0.15]],
    agentModel: [[MODELS.haiku, 0.35], [MODELS.sonnet, 0.45], [MODELS.opus, 0.2]],
    baseCtx: [24000, 36000], resultScale: 2.5, outMed: 650,
    taskP: 0.12, taskAgents: [1, 4], agentReqs: [8, 24],
    bigReadP: 0.08, refactorP: 0.05, burstP: 0.05,
    limitText: (ms) => `You've hit your weekly limit · resets ${monthDay(ms + 26 * HOUR)}, 9am (UTC)`,
  },
};
function hourLabel(ms) { const h = new Date(ms).getUTCHours(); const h12 = h % 12 === 0 ? 12 : h % 12; return `${h12}${h < 12 ? 'am' : 'pm'}`; }
function monthDay(ms) { const d = new Date(ms); return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${d.getUTCDate()}`; }

const VERSION = '2.1.39';
const encodeProject = (cwd) => cwd.replace(/[^a-zA-Z0-9]/g, '-');

// ---------------------------------------------------------------- text material
const PROMPTS = [
  'fix the failing test in the auth module', 'add pagination to the list endpoint', 'why is the build slow? investigate',
  'refactor the config loader to use a schema', 'write unit tests for the date helpers', 'update the README with the new flags',
  'the CI job is red on main, can you look', 'rename UserService to AccountService everywhere', 'add a retry with backoff to the http client',
  'review my last commit for bugs', 'implement the CSV export we discussed', 'bump dependencies and fix breakage',
  'add logging around the payment webhook', 'make the dark mode toggle persist', 'profile the query in reports and speed it up',
  'continue', 'yes, go ahead', 'looks good, now run the full test suite', 'commit this with a good message',
];
const TEXTS = [
  "I'll start by looking at the relevant files.", 'Let me check the current implementation.', 'Now let me run the tests.',
  'The change is in place. Let me verify it builds.', 'Found the issue.', "Let me look at how this is used elsewhere.",
  'All tests pass.', 'I have updated the file. Summary of changes below.', 'Let me search for other call sites.',
];
const THINKING = [
  'The user wants this change; I should read the module first and check the tests.',
  'There may be other callers. A grep will tell me.', 'The error suggests a missing import; check the file header.',
];
const FILES = ['src/index.ts', 'src/config.ts', 'src/http/client.ts', 'src/auth/session.ts', 'lib/utils/date.ts', 'test/auth.test.ts', 'README.md', 'package.json', 'src/db/queries.sql', 'src/api/routes.ts'];
const CMDS = ['npm test', 'npm run build', 'git status', 'git diff --stat', 'npx tsc --noEmit', 'ls -la src', 'git log --oneline -5', 'npm run lint'];

// ---------------------------------------------------------------- output accounting
const REQS = []; // {t, sid, create, c1h, read, input, out, model, rw: runaway index or -1, agent: bool}
function cost(r) {
  const p = PRICES[r.model];
  return (r.input * p.input + r.out * p.output + r.read * p.cacheRead + (r.create - r.c1h) * p.cacheWrite5m + r.c1h * p.cacheWrite1h) / 1e6;
}

// ---------------------------------------------------------------- session / thread model
class Session {
  constructor(prof, cwd, startMs) {
    this.prof = prof; this.cwd = cwd; this.id = uuid(); this.start = startMs;
    this.project = encodeProject(cwd);
    this.branch = pick(['main', 'main', 'develop', 'feature/' + pick(['export', 'retry', 'pagination', 'auth-fix', 'cleanup'])]);
    this.slug = `${pick(['linked', 'quiet', 'brave', 'amber', 'swift', 'gentle'])}-${pick(['soaring', 'sleeping', 'dancing', 'rolling', 'humming'])}-${pick(['matsumoto', 'hopper', 'lovelace', 'turing', 'knuth', 'liskov'])}`;
    this.lines = []; // main file [t, seq, string]
    this.agents = []; // {id, lines}
    this.seq = 0;
    this.runaway = -1; // index into RUNAWAYS while active
  }
  push(lines, t, obj) { lines.push([t, this.seq++, JSON.stringify(obj)]); }
}

class Thread {
  constructor(sess, { agentId = null, model, ttl, ctx }) {
    this.s = sess; this.agentId = agentId; this.model = model; this.ttl = ttl;
    this.cached = 0; this.pending = ctx; this.lastReq = null; this.lastUuid = null;
    this.lines = agentId ? [] : sess.lines;
    this.slugOn = !!agentId;
    this.nReq = 0; this.nTools = 0; this.tot = { input: 0, create: 0, read: 0, out: 0 };
  }
  env(extra) {
    const o = { parentUuid: this.lastUuid, isSidechain: !!this.agentId, userType: 'external', cwd: this.s.cwd, sessionId: this.s.id, version: VERSION, gitBranch: this.s.branch };
    if (this.agentId) o.agentId = this.agentId;
    if (this.slugOn) o.slug = this.s.slug;
    return Object.assign(o, extra);
  }
  emit(t, obj) { this.s.push(this.lines, t, obj); this.lastUuid = obj.uuid ?? this.lastUuid; }

  userPrompt(t, text) {
    const u = uuid();
    if (!this.agentId) this.s.push(this.lines, t - 40, { type: 'file-history-snapshot', messageId: u, snapshot: { messageId: u, trackedFileBackups: {}, timestamp: iso(t) }, isSnapshotUpdate: false });
    const o = this.env({ type: 'user', message: { role: 'user', content: text }, uuid: u, timestamp: iso(t) });
    if (!this.agentId) Object.assign(o, { thinkingMetadata: { maxThinkingTokens: 31999 }, todos: [], permissionMode: 'default' });
    this.emit(t, o);
    this.pending += Math.ceil(text.length / 3.5) + 8;
  }

  // One API request, streamed as one transcript line per content block (same message.id + requestId).
  // opts: {out, blocks, forceMiss, readCap, rw}
  request(t, opts) {
    const s = this.s;
    if (this.cached + this.pending > 158000 && !opts.noCompact) t = this.compact(t);
    const hit = this.lastReq !== null && t - this.lastReq <= this.ttl && !opts.forceMiss;
    let read, create;
    if (hit) { read = this.cached; create = this.pending; }
    else { read = Math.min(this.cached, opts.readCap ?? (chance(0.5) ? int(9000, 14000) : 0)); create = this.cached + this.pending - read; }
    const input = int(1, 9);
    const out = Math.max(12, Math.round(opts.out));
    const is1h = this.ttl >= HOUR;
    const model = opts.model ?? this.model;
    const mid = msgId(), rid = reqId();
    const blocks = opts.blocks;
    const latency = 900 + (out / TPS[model]) * 1000 + uni(300, 2500);
    const mainFinal = !this.agentId && chance(0.75);
    const finalOut = this.agentId ? (chance(0.5) ? out : int(1, 30)) : (mainFinal || chance(0.6) ? out : int(1, 30));
    const smallOut = int(1, 30);
    const firstUuids = [];
    for (let i = 0; i < blocks.length; i++) {
      const last = i === blocks.length - 1;
      const bt = t + latency * ((i + 1) / blocks.length);
      const o5 = is1h ? 0 : create, o1 = is1h ? create : 0;
      const usage = last && mainFinal
        ? { input_tokens: input, cache_creation_input_tokens: create, cache_read_input_tokens: read, output_tokens: finalOut, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: 'standard', cache_creation: { ephemeral_1h_input_tokens: o1, ephemeral_5m_input_tokens: o5 }, inference_geo: '', iterations: [] }
        : { input_tokens: input, cache_creation_input_tokens: create, cache_read_input_tokens: read, cache_creation: { ephemeral_5m_input_tokens: o5, ephemeral_1h_input_tokens: o1 }, output_tokens: last ? finalOut : smallOut, service_tier: 'standard', inference_geo: 'not_available' };
      const message = { model, id: mid, type: 'message', role: 'assistant', content: [blocks[i]], stop_reason: null, stop_sequence: null, usage };
      const u = uuid();
      this.emit(bt, this.env({ message, requestId: rid, type: 'assistant', uuid: u, timestamp: iso(bt) }));
      firstUuids.push(u);
      if (i === 0 && this.progressTo) this.progressTo(bt, message, rid, u);
    }
    const recOut = Math.max(finalOut, smallOut);
    REQS.push({ t, sid: s.id, create, c1h: is1h ? create : 0, read, input, out: blocks.length > 1 ? recOut : finalOut, model, rw: opts.rw ?? s.runaway, agent: !!this.agentId });
    this.tot.input += input; this.tot.create += create; this.tot.read += read; this.tot.out += out;
    this.cached = read + create; this.pending = out; this.lastReq = t; this.nReq++;
    this.slugOn = true;
    return { end: t + latency, lastUuid: this.lastUuid };
  }

  toolResult(t, tid, text, tur, tokens, isError = false, srcUuid = null) {
    const c = { tool_use_id: tid, type: 'tool_result', content: text };
    if (isError) c.is_error = true;
    const o = this.env({ type: 'user', message: { role: 'user', content: [c] }, uuid: uuid(), timestamp: iso(t) });
    if (!this.agentId && tur) o.toolUseResult = tur;
    o.sourceToolAssistantUUID = srcUuid ?? this.lastUuid;
    this.emit(t, o);
    this.pending += tokens; this.nTools++;
  }

  compact(t) {
    const s = this.s;
    const aid = 'acompact-' + rstr(HEX, 6);
    const at = new Thread(s, { agentId: aid, model: this.model, ttl: this.ttl, ctx: 0 });
    at.cached = this.cached; at.lastReq = this.lastReq; at.pending = this.pending + 900;
    at.userPrompt(t, 'Your task is to create a detailed summary of the conversation so far.');
    const summaryTok = int(3000, 7000);
    const r = at.request(t + 200, { out: summaryTok, blocks: [{ type: 'text', text: '<summary>Conversation summary: files touched, decisions, open tasks.</summary>' }], noCompact: true });
    s.agents.push({ id: aid, lines: at.lines });
    const pre = this.cached + this.pending;
    const te = r.end + 500;
    this.emit(te, this.env({ parentUuid: null, logicalParentUuid: this.lastUuid, type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, timestamp: iso(te), uuid: uuid(), level: 'info', compactMetadata: { trigger: 'auto', preTokens: pre } }));
    this.emit(te + 5, this.env({ type: 'user', message: { role: 'user', content: 'This session is being continued from a previous conversation that ran out of context. Summary: ...' }, isVisibleInTranscriptOnly: true, isCompactSummary: true, uuid: uuid(), timestamp: iso(te + 5) }));
    this.cached = 0; this.pending = int(17000, 24000) + summaryTok; this.lastReq = null;
    return te + 800;
  }
}

function toolCall(prof, scale = 1) {
  const name = wpick([['Read', 0.35], ['Bash', 0.25], ['Edit', 0.18], ['Grep', 0.12], ['Glob', 0.05], ['Write', 0.05]]);
  const f = pick(FILES);
  let input, tokens, exec;
  const rs = prof.resultScale * scale;
  if (name === 'Read') { input = { file_path: f }; tokens = Math.round(logn(1400, 0.8) * rs); exec = uni(50, 400); }
  else if (name === 'Bash') { const c = pick(CMDS); input = { command: c, description: 'Run ' + c.split(' ')[0] }; tokens = Math.round(logn(500, 1.0) * rs); exec = c.includes('test') || c.includes('build') ? uni(4000, 40000) : uni(100, 2000); }
  else if (name === 'Edit') { input = { file_path: f, old_string: 'const x = 1;', new_string: 'const x = 2;' }; tokens = int(120, 400); exec = uni(50, 300); }
  else if (name === 'Grep') { input = { pattern: pick(['TODO', 'export function', 'session', 'retry']), path: 'src' }; tokens = Math.round(logn(400, 0.8) * rs); exec = uni(100, 900); }
  else if (name === 'Glob') { input = { pattern: '**/*.ts' }; tokens = int(100, 600); exec = uni(50, 300); }
  else { input = { file_path: f, content: '// generated\n' }; tokens = int(80, 200); exec = uni(50, 300); }
  return { name, input, tokens: Math.max(30, tokens), exec, file: f };
}
function resultFor(th, call) {
  const cwd = th.s.cwd;
  if (call.name === 'Read') return ['     1→// file contents elided by generator\n', { type: 'text', file: { filePath: `${cwd}/${call.file}`, content: '// file contents elided by generator\n', numLines: int(20, 400), startLine: 1, totalLines: int(20, 900) } }];
  if (call.name === 'Bash') return ['ok', { stdout: 'ok', stderr: '', interrupted: false, isImage: false }];
  if (call.name === 'Edit') return [`The file ${cwd}/${call.file} has been updated.`, { filePath: `${cwd}/${call.file}`, oldString: call.input.old_string, newString: call.input.new_string, replaceAll: false }];
  return ['src/a.ts\nsrc/b.ts', { mode: 'files_with_matches', filenames: ['src/a.ts', 'src/b.ts'], numFiles: 2 }];
}

// Normal assistant step: text/thinking + tool calls, then tool results. Returns time after results.
function toolStep(th, t, prof, { nTools = null, scale = 1, outMul = 1 } = {}) {
  const n = nTools ?? (chance(0.2) ? int(2, 4) : 1);
  const calls = []; for (let i = 0; i < n; i++) calls.push(toolCall(prof, scale));
  const blocks = [];
  if (chance(0.3)) blocks.push({ type: 'thinking', thinking: pick(THINKING), signature: 'Eq' + rstr(B58, 40) });
  if (chance(0.5)) blocks.push({ type: 'text', text: pick(TEXTS) });
  const ids = calls.map(() => toolId());
  calls.forEach((c, i) => blocks.push({ type: 'tool_use', id: ids[i], name: c.name, input: c.input, caller: { type: 'direct' } }));
  const out = logn(prof.outMed, 0.7) * outMul + 40 * n;
  const r = th.request(t, { out, blocks });
  let te = r.end;
  const src = r.lastUuid;
  calls.forEach((c, i) => { te += c.exec / n; const [txt, tur] = resultFor(th, c); th.toolResult(te, ids[i], txt, tur, c.tokens, false, src); });
  return te + uni(100, 600);
}
function finalStep(th, t, prof) {
  const r = th.request(t, { out: logn(prof.outMed * 1.2, 0.6), blocks: [{ type: 'text', text: pick(TEXTS) }] });
  return r.end;
}

// Run a sub-agent (Task) from t. Returns {end, tot, agentId, n}. bg = async (background) launch.
function runAgent(sess, parent, t, prof, { nReq, model, prompt, parentToolId, progress, scale = 1, outMul = 1, cadence = 1 }) {
  const aid = agentHex();
  const th = new Thread(sess, { agentId: aid, model, ttl: 5 * MIN, ctx: int(9000, 16000) });
  if (progress) {
    th.progressTo = (bt, message, rid, u) => {
      const o = parent.env({ type: 'progress', data: { message: { type: 'assistant', timestamp: iso(bt), message: Object.assign({}, message, { context_management: null }), requestId: rid, uuid: u }, normalizedMessages: [], type: 'agent_progress', prompt, agentId: aid }, toolUseID: 'agent_' + message.id, parentToolUseID: parentToolId, uuid: uuid(), timestamp: iso(bt) });
      sess.push(sess.lines, bt, o);
    };
  }
  th.userPrompt(t, prompt);
  let tt = t + uni(300, 1500);
  for (let i = 0; i < nReq; i++) tt = toolStep(th, tt, prof, { scale, outMul }) + uni(0, 1500) * cadence;
  tt = finalStep(th, tt, prof);
  sess.agents.push({ id: aid, lines: th.lines });
  return { end: tt, tot: th.tot, agentId: aid, n: th.nTools, start: t };
}

function taskBlock(id, desc, prompt, type, bg) {
  const input = { description: desc, prompt, subagent_type: type };
  if (bg) input.run_in_background = true;
  return { type: 'tool_use', id, name: 'Task', input, caller: { type: 'direct' } };
}
function taskResult(main, te, tid, prompt, a, src) {
  const u = a.tot;
  main.toolResult(te, tid, [{ type: 'text', text: 'Summary of findings from the sub-agent.' }, { type: 'text', text: `agentId: ${a.agentId} (for resuming to continue this agent's work if needed)` }],
    { status: 'completed', prompt, agentId: a.agentId, content: [{ type: 'text', text: 'Summary of findings from the sub-agent.' }], totalDurationMs: Math.round(a.end - a.start), totalTokens: u.input + u.create + u.read + u.out, totalToolUseCount: a.n, usage: { input_tokens: u.input, cache_creation_input_tokens: u.create, cache_read_input_tokens: u.read, output_tokens: u.out, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: 'standard', cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: u.create }, inference_geo: '', iterations: [] } },
    int(600, 2500), false, src);
}

// Spawn k agents in one assistant message (foreground: main waits for all).
function taskStep(main, t, prof, k, { reqs, label = null, scale = 1 }) {
  const ids = [], prompts = [];
  const blocks = [{ type: 'text', text: k > 1 ? `I'll launch ${k} agents in parallel to cover this.` : "I'll use an agent to explore this." }];
  for (let i = 0; i < k; i++) {
    ids.push(toolId());
    prompts.push(pick(['Explore the codebase and summarize how ', 'Find all call sites of ', 'Review the tests covering ', 'Investigate the failure in ']) + pick(FILES));
    blocks.push(taskBlock(ids[i], pick(['Explore codebase', 'Find call sites', 'Review tests', 'Investigate failure']), prompts[i], pick(['Explore', 'general-purpose']), false));
  }
  const r = main.request(t, { out: 150 + 180 * k, blocks });
  let end = r.end;
  const res = [];
  for (let i = 0; i < k; i++) {
    const a = runAgent(main.s, main, r.end + uni(50, 800), prof, { nReq: int(reqs[0], reqs[1]), model: wpick(prof.agentModel), prompt: prompts[i], parentToolId: ids[i], progress: true, scale });
    res.push(a); end = Math.max(end, a.end);
  }
  const order = res.map((_, i) => i).sort((x, y) => res[x].end - res[y].end || x - y);
  for (const i of order) taskResult(main, res[i].end + 50, ids[i], prompts[i], res[i], r.lastUuid);
  if (label) DECOYS.push({ sessionId: main.s.id, project: main.s.project, kind: label, startedAt: iso(t), endedAt: iso(end), agents: k });
  return end + uni(200, 900);
}
const DECOYS = [];

// One normal user turn on the main thread.
function normalTurn(main, t, prof, sess) {
  main.userPrompt(t, pick(PROMPTS));
  let tt = t + uni(500, 1500);
  let n = int(prof.reqPerTurn[0], prof.reqPerTurn[1]);
  let decoy = null;
  if (chance(prof.refactorP)) { n = int(50, 110); decoy = 'long_refactor'; }
  const t0 = tt;
  for (let i = 0; i < n; i++) {
    if (chance(prof.burstP / n * 1.0) || (i === 1 && chance(prof.burstP))) { tt = taskStep(main, tt, prof, int(4, 7), { reqs: [15, 35], label: 'agent_burst' }); continue; }
    if (chance(prof.taskP / 2)) { tt = taskStep(main, tt, prof, int(prof.taskAgents[0], prof.taskAgents[1]), { reqs: prof.agentReqs }); continue; }
    if (chance(prof.bigReadP / 2)) { const s0 = tt; tt = toolStep(main, tt, prof, { nTools: int(1, 3), scale: uni(15, 40) }); DECOYS.push({ sessionId: sess.id, project: sess.project, kind: 'big_file_read', startedAt: iso(s0), endedAt: iso(tt), agents: 0 }); continue; }
    tt = toolStep(main, tt, prof);
  }
  tt = finalStep(main, tt, prof);
  if (decoy) DECOYS.push({ sessionId: sess.id, project: sess.project, kind: decoy, startedAt: iso(t0), endedAt: iso(tt), agents: 0 });
  return tt;
}

function newMain(sess, prof) {
  const th = new Thread(sess, { model: wpick(prof.mainModel), ttl: prof.mainTtl, ctx: int(prof.baseCtx[0], prof.baseCtx[1]) });
  const t = sess.start;
  const hook = uuid();
  for (const cmd of ['SessionStart:startup']) {
    const u = uuid();
    sess.push(sess.lines, t - 4000, { parentUuid: th.lastUuid, isSidechain: false, userType: 'external', cwd: sess.cwd, sessionId: sess.id, version: VERSION, gitBranch: sess.branch, type: 'progress', data: { type: 'hook_progress', hookEvent: 'SessionStart', hookName: cmd, command: 'echo session-start' }, parentToolUseID: hook, toolUseID: hook, timestamp: iso(t - 4000), uuid: u });
    th.lastUuid = u;
  }
  return th;
}
const think = (prof) => Math.min(45 * MIN, logn(prof.thinkMin * MIN, 0.9));

function normalSession(prof, cwd, start) {
  const sess = new Session(prof, cwd, start);
  const main = newMain(sess, prof);
  let t = start;
  const turns = int(prof.turns[0], prof.turns[1]);
  for (let i = 0; i < turns; i++) { t = normalTurn(main, t, prof, sess); t += think(prof); }
  return sess;
}

// ---------------------------------------------------------------- runaways
const RUNAWAYS = [];
function limitLine(main, t, prof) {
  const text = prof.limitText(t);
  const o = main.env({ message: { id: uuid(), container: null, model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: null, cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 }, inference_geo: null, iterations: null, speed: null }, content: [{ type: 'text', text }], context_management: null }, type: 'assistant', uuid: uuid(), timestamp: iso(t), error: 'rate_limit', isApiErrorMessage: true, apiErrorStatus: 429 });
  main.emit(t, o);
  return text;
}

// (a) fan-out: background agents launched in waves; 7..30 concurrently active.
function fanOut(main, t, prof, spec) {
  const sess = main.s;
  main.userPrompt(t, pick(['audit every module in the repo for security issues, one agent per module', 'migrate all 60 packages to the new logger, parallelize with agents', 'generate tests for every file under src/, use agents']));
  let tt = t + 1200;
  const totalAgents = int(spec.agents[0], spec.agents[1]);
  const peakTarget = int(spec.peak[0], spec.peak[1]);
  const intervals = [];
  let launched = 0, wave = 0;
  const until = spec.limitAt ?? Infinity;
  while (launched < totalAgents && tt < until) {
    const active = intervals.filter(([s, e]) => s <= tt && e > tt).length;
    const k = Math.max(1, Math.min(totalAgents - launched, peakTarget - active, wave < 2 ? int(2, 4) : int(3, 8)));
    const ids = [], prompts = [], blocks = [{ type: 'text', text: `Launching ${k} more agents (wave ${wave + 1}).` }];
    for (let i = 0; i < k; i++) { ids.push(toolId()); prompts.push(`Handle module ${launched + i + 1}: ` + pick(FILES)); blocks.push(taskBlock(ids[i], `Module ${launched + i + 1}`, prompts[i], 'general-purpose', true)); }
    const r = main.request(tt, { out: 120 + 160 * k, blocks });
    let te = r.end;
    for (let i = 0; i < k; i++) {
      const a = runAgent(sess, main, te + uni(50, 600), prof, { nReq: int(spec.agentReqs[0], spec.agentReqs[1]), model: wpick(prof.agentModel), prompt: prompts[i], parentToolId: ids[i], progress: false, scale: spec.scale, cadence: 0.3 });
      intervals.push([a.start, a.end, a.agentId]);
      te += 30;
      main.toolResult(te, ids[i], `Async agent launched successfully.\nagentId: ${a.agentId} (This is an internal ID for your use, do not mention it to the user. Use this ID to retrieve results when the task completes.)`, { isAsync: true, status: 'async_launched', agentId: a.agentId, description: `Module ${launched + i + 1}`, prompt: prompts[i] }, 120, false, r.lastUuid);
    }
    launched += k; wave++;
    tt = te + uni(20, 80) * 1000;
    // notifications for agents that have finished by now
    for (const iv of intervals) if (!iv[3] && iv[1] <= tt) { iv[3] = true; main.userPrompt(iv[1] + 200, `<task-notification>\n<task-id>${iv[2]}</task-id>\n<status>completed</status>\n<summary>Agent "${iv[2]}" completed</summary>\n</task-notification>`); }
  }
  let end = Math.max(...intervals.map((x) => x[1]));
  // concurrency profile
  const ev = []; for (const [s, e] of intervals) { ev.push([s, 1]); ev.push([e, -1]); }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // sustainedAt: >= 7 sub-agents concurrently active without interruption for 5 minutes
  let c = 0, peak = 0, sustainedAt = null, streak = null, first7 = null;
  for (const [x, d] of ev) {
    if (x > until) break;
    if (streak !== null && sustainedAt === null && x - streak >= 5 * MIN) sustainedAt = streak + 5 * MIN;
    c += d; if (c > peak) peak = c;
    if (c >= 7 && first7 === null) first7 = x;
    if (c >= 7 && streak === null) streak = x; else if (c < 7) streak = null;
  }
  for (const iv of intervals) if (!iv[3] && iv[1] < until) main.userPrompt(iv[1] + 200, `<task-notification>\n<task-id>${iv[2]}</task-id>\n<status>completed</status>\n</task-notification>`);
  if (spec.limitAt) end = spec.limitAt;
  return { end, peakAgents: peak, sustainedAt: sustainedAt ?? first7, totalAgents: intervals.length };
}

// (b) sustained ramp: 1..4 parallel streams whose per-request volume ramps up, then plateaus.
function ramp(main, t, prof, spec) {
  const sess = main.s;
  main.userPrompt(t, pick(['keep iterating on the benchmark until it is 2x faster, do not stop to ask', 'analyze all the logs in /var/log/app and fix every warning you find', 'fix all type errors in the monorepo, keep going until tsc is clean']));
  const rampMin = uni(8, 20), plateauMin = uni(spec.plateau[0], spec.plateau[1]);
  const sustainedAt = t + rampMin * MIN;
  let end = sustainedAt + plateauMin * MIN;
  if (spec.limitAt) end = Math.min(end, spec.limitAt);
  const streams = spec.streams;
  // per-request new tokens at plateau so that streams * reqPerMin * newTok ~= target excl-read rate
  const reqPerMin = 2.2;
  const plateauTok = Math.min(90000, spec.targetRate / (streams * reqPerMin));
  const level = (x) => (x < sustainedAt ? 0.08 + 0.92 * ((x - t) / (sustainedAt - t)) ** 1.5 : 1);
  let peakAgents = 0;
  const runStream = (th, t0) => {
    let tt = t0;
    while (tt < end) {
      const lv = level(tt);
      const tok = Math.max(400, plateauTok * lv * uni(0.7, 1.3));
      const calls = int(1, 3);
      const ids = []; const blocks = [{ type: 'text', text: pick(TEXTS) }];
      for (let i = 0; i < calls; i++) { ids.push(toolId()); blocks.push({ type: 'tool_use', id: ids[i], name: pick(['Read', 'Bash']), input: { command: 'cat logs/part-' + int(1, 999) + '.log' }, caller: { type: 'direct' } }); }
      const r = th.request(tt, { out: prof.outMed * (0.6 + 1.4 * lv) * uni(0.7, 1.3), blocks });
      let te = r.end;
      for (let i = 0; i < calls; i++) { te += uni(200, 1500); th.toolResult(te, ids[i], 'log output elided', { stdout: 'log output elided', stderr: '', interrupted: false, isImage: false }, Math.round(tok / calls), false, r.lastUuid); }
      tt = te + uni(500, 4000);
    }
    return tt;
  };
  // side streams are foreground agents started during the ramp
  const side = [];
  for (let k = 1; k < streams; k++) {
    const st = t + (k / streams) * rampMin * MIN * uni(0.6, 1);
    const tid = toolId(); const prompt = 'Process shard ' + k + ' of the workload';
    const aid = agentHex();
    const th = new Thread(sess, { agentId: aid, model: wpick(prof.agentModel), ttl: 5 * MIN, ctx: int(9000, 15000) });
    th.userPrompt(st, prompt);
    const e = runStream(th, st + 800);
    sess.agents.push({ id: aid, lines: th.lines });
    side.push({ tid, prompt, a: { agentId: aid, start: st, end: e, tot: th.tot, n: th.nTools } });
  }
  if (side.length) {
    const r = main.request(t + 1500, { out: 400, blocks: [{ type: 'text', text: 'Splitting the work across agents.' }, ...side.map((x) => taskBlock(x.tid, 'Shard', x.prompt, 'general-purpose', true))] });
    for (const x of side) main.toolResult(r.end + 50, x.tid, `Async agent launched successfully.\nagentId: ${x.a.agentId}`, { isAsync: true, status: 'async_launched', agentId: x.a.agentId, description: 'Shard', prompt: x.prompt }, 100, false, r.lastUuid);
    peakAgents = side.length;
  }
  const me = runStream(main, t + 4000);
  for (const x of side) if (x.a.end < end) main.userPrompt(x.a.end + 300, `<task-notification>\n<task-id>${x.a.agentId}</task-id>\n<status>completed</status>\n</task-notification>`);
  return { end: spec.limitAt ? end : Math.max(me, ...side.map((x) => x.a.end)), peakAgents, sustainedAt, rampMinutes: rampMin, plateauMinutes: plateauMin, streams };
}

// (c) retry loop: the same tool call with the same input fails the same way, over and over.
function retryLoop(main, t, prof, spec) {
  main.userPrompt(t, pick(['get the integration tests green', 'deploy the staging build', 'make the migration run']));
  const cmd = pick(['npm run test:integration', 'npx prisma migrate deploy', './scripts/deploy.sh staging', 'pytest tests/integration -x']);
  const errText = pick(['Error: connect ECONNREFUSED 127.0.0.1:5432', 'Error: P1001: Can\'t reach database server at `db:5432`', 'FATAL: lock file exists: /tmp/deploy.lock', 'E   TimeoutError: fixture "server" did not start within 30s']);
  const n = int(spec.repeats[0], spec.repeats[1]);
  let tt = t + 1200, sustainedAt = null, end = tt;
  const outBase = int(90, 180);
  const traceTok = int(700, 2200);
  const sayings = ['The command failed again. Let me retry it.', 'Still failing with the same error. Retrying.'];
  for (let i = 0; i < n; i++) {
    if (spec.limitAt && tt >= spec.limitAt) break;
    if (i === 9) sustainedAt = tt;
    const id = toolId();
    const r = main.request(tt, { out: outBase * uni(0.96, 1.04), blocks: [{ type: 'text', text: sayings[i % 2 === 0 ? 0 : 1] }, { type: 'tool_use', id, name: 'Bash', input: { command: cmd, description: 'Run ' + cmd.split(' ')[0] }, caller: { type: 'direct' } }] });
    const te = r.end + uni(800, 3000);
    main.toolResult(te, id, `Exit code 1\n${errText}\n    at <stack trace elided by generator>`, { stdout: '', stderr: errText, interrupted: false, isImage: false }, traceTok + int(-40, 40), true, r.lastUuid);
    end = te;
    tt = te + uni(200, 2500) + spec.gap * 1000 * uni(0.5, 1.5);
  }
  return { end: spec.limitAt ? Math.min(spec.limitAt, end) : end, peakAgents: 0, sustainedAt, repeats: n };
}

// (d) context churn: every request re-writes the whole (huge) context to the cache.
function contextChurn(main, t, prof, spec) {
  main.userPrompt(t, pick(['watch the build output and fix errors as they appear', 'keep the changelog in sync with every file you touch', 'poll the CI status and react']));
  // grow the context to a huge size first (a few legit large reads)
  let tt = t + 1000;
  while (main.cached + main.pending < spec.ctx) tt = toolStep(main, tt, prof, { nTools: 2, scale: 25 });
  const durMin = uni(spec.dur[0], spec.dur[1]);
  let end = tt + durMin * MIN;
  if (spec.limitAt) end = Math.min(end, spec.limitAt);
  let k = 0, sustainedAt = null, last = tt;
  while (tt < end) {
    k++;
    if (k === 5) sustainedAt = tt;
    const id = toolId();
    // a hook injects a changing timestamp at the top of the context, so the cache prefix never matches
    const r = main.request(tt, { out: prof.outMed * uni(0.5, 1.2), forceMiss: true, readCap: int(0, 3000), noCompact: true, blocks: [{ type: 'text', text: 'Checking again.' }, { type: 'tool_use', id, name: 'Bash', input: { command: 'tail -n 50 build.log', description: 'Check build log' }, caller: { type: 'direct' } }] });
    const te = r.end + uni(300, 1500);
    main.toolResult(te, id, 'build output elided', { stdout: 'build output elided', stderr: '', interrupted: false, isImage: false }, int(200, 900), false, r.lastUuid);
    main.cached = Math.min(main.cached, spec.ctx + 8000); // churned context stays near its size (old tool output trimmed)
    last = te;
    tt = te + uni(500, 2500) + spec.gap * 1000 * uni(0.6, 1.4);
  }
  return { end: spec.limitAt ? end : last, peakAgents: 0, sustainedAt, churnRequests: k, contextTokens: spec.ctx };
}

// ---------------------------------------------------------------- main
function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help || !a.profile || a.seed === null || !a.out) { console.log(USAGE); process.exit(a.help ? 0 : 2); }
  const prof = PROFILES[a.profile];
  if (!prof) throw new Error(`unknown profile ${a.profile}`);
  if (!Number.isInteger(a.seed) || !(a.days >= 2)) throw new Error('--seed must be an integer and --days >= 2');
  const h = xmur3(`runaway-eval:${a.profile}:${a.seed}:${a.days}:${a.start}`);
  R = sfc32(h(), h(), h(), h());
  for (let i = 0; i < 32; i++) R();
  const day0 = Date.parse(a.start + 'T00:00:00.000Z');
  if (!Number.isFinite(day0)) throw new Error('bad --start');

  const sessions = [];
  // normal work
  for (let d = 0; d < a.days; d++) {
    const dow = new Date(day0 + d * 24 * HOUR).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    const [lo, hi] = weekend ? prof.sessionsWeekend : prof.sessionsWeekday;
    const n = int(lo, hi);
    for (let i = 0; i < n; i++) {
      const start = day0 + d * 24 * HOUR + (prof.dayStartH + uni(0, prof.daySpanH)) * HOUR;
      sessions.push(normalSession(prof, pick(prof.projects), Math.round(start)));
    }
  }
  // measure normal rates (distinct active minutes, all sessions and agents)
  const normal = summarize(REQS.filter((r) => r.rw === -1), a.days);

  // plant runaways: each shape once, plus a second copy of a random shape every ~10 days
  const shapes = ['fan_out', 'sustained_ramp', 'retry_loop', 'context_churn'];
  const extra = Math.floor(a.days / 10);
  const plan = shapes.slice(); for (let i = 0; i < extra; i++) plan.push(pick(shapes));
  const limitIdx = int(0, plan.length - 1);
  const usedDays = new Set();
  plan.forEach((shape, idx) => {
    let d; do { d = int(1, a.days - 1); } while (usedDays.has(d) && usedDays.size < a.days - 1);
    usedDays.add(d);
    const start = Math.round(day0 + d * 24 * HOUR + (prof.dayStartH + uni(0.5, prof.daySpanH - 3)) * HOUR);
    const sess = new Session(prof, pick(prof.projects), start);
    const mainTh = newMain(sess, prof);
    let t = start;
    for (let i = 0, n = int(1, 3); i < n; i++) { t = normalTurn(mainTh, t, prof, sess); t += think(prof); }
    const ri = RUNAWAYS.length;
    sess.runaway = ri;
    const onset = t;
    const withLimit = idx === limitIdx;
    const limitAfter = uni(25, 45) * MIN; // runaway stopped by the plan limit this long after onset
    const limitAt = withLimit ? onset + limitAfter : null;
    const xTarget = uni(14, 40);
    let info;
    if (shape === 'fan_out') info = fanOut(mainTh, t, prof, { agents: a.profile === 'heavy' ? [45, 110] : [28, 70], peak: a.profile === 'heavy' ? [16, 30] : [9, 20], agentReqs: [15, 40], scale: { light: 1.5, medium: 2.2, heavy: 4 }[a.profile], limitAt });
    else if (shape === 'sustained_ramp') {
      const target = normal.tokensPerActiveMinuteNoCacheRead * xTarget;
      const streams = Math.min(6, Math.max(1, Math.ceil(target / (2.2 * 60000))));
      info = ramp(mainTh, t, prof, { plateau: [30, 120], streams, targetRate: target, limitAt });
    } else if (shape === 'retry_loop') info = retryLoop(mainTh, t, prof, { repeats: [250, 900], gap: 1.5, limitAt });
    else {
      const ctx = int(120000, 175000);
      const cycleS = Math.max(9, (60 * ctx) / (xTarget * normal.tokensPerActiveMinuteNoCacheRead));
      info = contextChurn(mainTh, t, prof, { ctx, dur: [30, 90], gap: Math.max(0, cycleS - 9), limitAt });
    }
    let limitText = null;
    if (withLimit) limitText = limitLine(mainTh, limitAt, prof);
    sess.runaway = -1;
    const endedAt = withLimit ? limitAt : info.end;
    RUNAWAYS.push({ sessionId: sess.id, project: sess.project, cwd: sess.cwd, shape, sessionStartedAt: iso(start), startedAt: iso(onset), sustainedAt: iso(info.sustainedAt ?? onset), endedAt: iso(endedAt), peakAgents: info.peakAgents, usageLimitMessageAt: withLimit ? iso(limitAt) : null, usageLimitText: limitText, details: Object.fromEntries(Object.entries(info).filter(([k]) => !['end', 'peakAgents', 'sustainedAt'].includes(k))), _ri: ri, _onset: onset, _sus: info.sustainedAt ?? onset, _end: endedAt });
    sessions.push(sess);
  });

  // runaway rate multiples vs the normal rate
  for (const rw of RUNAWAYS) {
    const rs = REQS.filter((r) => r.rw === rw._ri && r.t >= rw._sus && r.t <= rw._end);
    const mins = Math.max(1, (rw._end - rw._sus) / MIN);
    const nr = rs.reduce((s, r) => s + r.input + r.out + r.create, 0);
    const all = rs.reduce((s, r) => s + r.input + r.out + r.create + r.read, 0);
    const c = REQS.filter((r) => r.rw === rw._ri).reduce((s, r) => s + cost(r), 0);
    rw.sustainedStats = {
      minutes: round(mins, 1), requests: rs.length,
      tokensPerMinNoCacheRead: Math.round(nr / mins), tokensPerMinAll: Math.round(all / mins),
      xNormalNoCacheRead: round(nr / mins / normal.tokensPerActiveMinuteNoCacheRead, 1),
      xNormalAll: round(all / mins / normal.tokensPerActiveMinuteAll, 1),
    };
    rw.costUSD = round(c, 2);
    delete rw._ri; delete rw._onset; delete rw._sus; delete rw._end;
  }

  // decoy (legitimate burst) rate multiples, measured over the burst window (>= 1 minute)
  for (const dc of DECOYS) {
    const s0 = Date.parse(dc.startedAt), e0 = Date.parse(dc.endedAt);
    const mins = Math.max(10, (e0 - s0) / MIN); // rate over at least 10 minutes
    let nr = 0; for (const r of REQS) if (r.sid === dc.sessionId && r.t >= s0 && r.t <= e0) nr += r.input + r.out + r.create;
    dc.minutes = round(mins, 1); dc.xNormalNoCacheRead = round(nr / mins / normal.tokensPerActiveMinuteNoCacheRead, 1);
  }

  // write files
  const projRoot = path.join(a.out, 'projects');
  fs.rmSync(projRoot, { recursive: true, force: true });
  let files = 0, bytes = 0, lines = 0;
  const write = (p, arr) => {
    arr.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const s = arr.map((x) => x[2]).join('\n') + '\n';
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, s);
    files++; bytes += Buffer.byteLength(s); lines += arr.length;
  };
  sessions.sort((x, y) => x.start - y.start);
  for (const s of sessions) {
    const dir = path.join(projRoot, s.project);
    write(path.join(dir, s.id + '.jsonl'), s.lines);
    for (const ag of s.agents) write(path.join(dir, s.id, 'subagents', `agent-${ag.id}.jsonl`), ag.lines);
  }
  const total = summarize(REQS, a.days);
  RUNAWAYS.sort((x, y) => x.startedAt.localeCompare(y.startedAt));
  const truth = {
    generator: 'bench/eval-independent/runaway/generate.mjs', formatVersion: 1,
    profile: a.profile, seed: a.seed, days: a.days, start: a.start, plan: prof.plan, claudeCodeVersion: VERSION,
    tokenAccounting: 'one API request = unique (message.id, requestId); its usage = the last transcript line carrying it; sub-agent requests counted once (from subagents/*.jsonl, not from agent_progress copies or Task toolUseResult.usage)',
    prices: PRICES,
    summary: {
      sessions: sessions.length, files, lines, bytes,
      normal: normal, total: total,
      normalUSDPerDay: normal.usdPerDay, normalTokensPerMinNoCacheRead: normal.tokensPerActiveMinuteNoCacheRead, normalTokensPerMinAll: normal.tokensPerActiveMinuteAll,
      runawayUSD: round(RUNAWAYS.reduce((s, r) => s + r.costUSD, 0), 2),
    },
    runaways: RUNAWAYS,
    decoys: DECOYS.sort((x, y) => x.startedAt.localeCompare(y.startedAt)),
  };
  fs.mkdirSync(a.out, { recursive: true });
  fs.writeFileSync(path.join(a.out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  console.log(`${a.profile} seed=${a.seed} days=${a.days}: ${sessions.length} sessions, ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${RUNAWAYS.length} runaways; normal $${normal.usdPerDay}/day, ${normal.tokensPerActiveMinuteNoCacheRead} tok/min (no cache read), ${normal.tokensPerActiveMinuteAll} tok/min (all)`);
}
function round(x, d) { const m = 10 ** d; return Math.round(x * m) / m; }
function summarize(rs, days) {
  const mins = new Set(); let nr = 0, all = 0, c = 0;
  for (const r of rs) { mins.add(Math.floor(r.t / MIN)); nr += r.input + r.out + r.create; all += r.input + r.out + r.create + r.read; c += cost(r); }
  const am = Math.max(1, mins.size);
  return { requests: rs.length, activeMinutes: mins.size, tokensNoCacheRead: nr, tokensAll: all, usd: round(c, 2), usdPerDay: round(c / days, 2), tokensPerActiveMinuteNoCacheRead: Math.round(nr / am), tokensPerActiveMinuteAll: Math.round(all / am) };
}

main();
