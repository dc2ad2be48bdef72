#!/usr/bin/env node
// A benchmark corpus this project did not invent: real public transcripts, replicated and perturbed.
//
//   node bench/realCorpus.mjs --size small|medium|large|huge [--out DIR] [--seed S] [--mirror DIR] [--force]
//
// Sources, read at bench time from local git mirrors (nothing of theirs is committed here):
// - Claude Code 2.1.39 transcripts from marot/spotter `test/fixtures/transcripts/` (MIT): six long
//   sessions with their sub-agent transcripts (`<session>/subagents/agent-*.jsonl`, compaction agents
//   included), plus `short.jsonl` and `tool_heavy.jsonl`. `subagent.jsonl` is left out: it is a
//   parent session whose sub-agent transcripts are not in the fixtures, so its sub-agents' requests
//   exist only inside `agent_progress` lines, which ccusage 20 counts and Tokenmeter does not (in
//   a real history the sub-agent files are there and both count each request once).
// - Codex CLI rollouts from madshn/localpush `src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions/`
//   (sanitized real logs: token counts, timestamps, event order and models preserved). That repository
//   states no licence, so its files are only read from the mirror, never copied into this one.
//
// Each replica of a session (with its sub-agents) or of a rollout gets: fresh ids (UUIDs, `msg_…` and
// `req_…` ids: every character shifted by a per-replica key, so lengths stay exact and replicas never
// collide), timestamps shifted to a random start in the `days` before `now` (same format and
// precision), token counts scaled by a per-replica factor 0.6–1.6 (the same factor in every copy of a
// usage object, so streamed repeats and sub-agent copies stay equal; `cache_creation` split and Codex
// `total_tokens` kept consistent), and main transcripts cut after 50–100% of their lines (sessions of
// different lengths, some ending mid-reply). Everything else — key order, line lengths, the mix of
// line types, tool outputs — is the source's own bytes. Files get their last timestamp as mtime.
//
// Ground truth (expected.json, same shape as bench/generateCorpus.mjs): computed by the replicator
// from the numbers it wrote. Claude Code: one request per (message.id, requestId), its usage from the
// most complete snapshot written (a streamed reply's later lines carry the final output_tokens: the
// most output, then the most input and cache tokens), dated by the first line that carries it (a
// reply streamed across midnight counts on the day it started); Codex: deltas of `total_token_usage` per file, repeated totals not counted, a drop
// in the totals falling back to `last_token_usage`.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GroundTruth } from './lib/groundTruth.mjs';
import { Rng } from './lib/prng.mjs';

export const REAL_SIZES = { small: 20_000_000, medium: 150_000_000, large: 1_500_000_000, huge: 15_000_000_000 };
// 3: a request's snapshot and day by the most complete snapshot, earliest line (was: the last line).
export const REPLICATOR_VERSION = 3;
export const DEFAULT_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
export const DEFAULT_MIRROR = process.env.TOKENMETER_BENCH_MIRROR ?? '/work/.mirror';

export const SOURCES = {
  claude: { repo: 'marot+spotter', github: 'marot/spotter', dir: 'test/fixtures/transcripts/', licence: 'MIT', exclude: ['subagent.jsonl'] },
  codex: { repo: 'madshn+localpush', github: 'madshn/localpush', dir: 'src-tauri/tests/fixtures/codex/', licence: 'none stated: read at bench time only' },
};

const DAY_MS = 86_400_000;

/** Lists `*.jsonl` blobs under `dir` of HEAD in a bare mirror and reads them; missing blobs are skipped and reported. */
function readMirror(gitDir, dir, log) {
  const listing = spawnSync('git', ['-C', gitDir, 'ls-tree', '-r', '-z', 'HEAD', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (listing.status !== 0) throw new Error(`git ls-tree failed in ${gitDir}: ${listing.stderr}`);
  const files = [];
  const head = execFileSync('git', ['-C', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  for (const entry of listing.stdout.split('\0')) {
    if (!entry) continue;
    const [meta, path] = entry.split('\t');
    const blob = meta.split(' ')[2];
    if (!path.endsWith('.jsonl')) continue;
    const r = spawnSync('git', ['-C', gitDir, 'cat-file', 'blob', blob], { maxBuffer: 1 << 30 });
    if (r.status !== 0) {
      log(`  skipped ${path}: blob ${blob.slice(0, 10)} is not in the mirror`);
      continue;
    }
    files.push({ path: path.slice(dir.length), blob, text: r.stdout.toString('utf8') });
  }
  return { commit: head, files };
}

/** Where a mirror's git dir is, or null. */
export function mirrorGitDir(mirror, repo) {
  const d = join(mirror, repo, 'repo');
  return existsSync(d) ? d : null;
}

// ---- perturbation -------------------------------------------------------------------------------

const HEX = '0123456789abcdef';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const API_ID_RE = /\b(msg|req)_(01[0-9A-Za-z]{10,40})/g;
const TS_RE = /"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z"/g;

export class Replica {
  constructor(rng, { shiftMs, factor }) {
    this.shiftMs = shiftMs;
    this.factor = factor;
    // A per-replica key per character position: a bijection on ids of the same shape.
    this.key = Array.from({ length: 48 }, () => 1 + rng.int(15));
    this.key62 = Array.from({ length: 48 }, () => 1 + rng.int(61));
    this.maxTsMs = 0;
  }

  uuid(u) {
    let out = '';
    for (let i = 0; i < u.length; i++) {
      const c = u.charCodeAt(i);
      if (c === 45) out += '-';
      else out += HEX[(HEX.indexOf(u[i]) + this.key[i]) & 15];
    }
    return out;
  }

  apiId(kind, rest) {
    // Keep "01" (the id version) so ids look like the real ones.
    let out = `${kind}_01`;
    for (let i = 2; i < rest.length; i++) out += B62[(B62.indexOf(rest[i]) + this.key62[i]) % 62];
    return out;
  }

  tsShift(base, frac) {
    const ms = Date.parse(`${base}${frac ?? ''}Z`) + this.shiftMs;
    if (ms > this.maxTsMs) this.maxTsMs = ms;
    const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
    const head = iso.slice(0, 19);
    if (!frac) return head;
    // Same precision as the source (".275000" stays 7 characters).
    const millis = iso.slice(19, 23);
    return head + (frac.length <= 4 ? millis.slice(0, frac.length) : millis + frac.slice(4));
  }

  /** Scaled token count: the one rule used for the bytes written and for the ground truth. */
  n(x) {
    return Math.round(x * this.factor);
  }

  claudeText(text) {
    const r = this;
    return text
      .replace(UUID_RE, (u) => r.uuid(u))
      .replace(API_ID_RE, (_, kind, rest) => r.apiId(kind, rest))
      .replace(TS_RE, (_, base, frac) => `"timestamp":"${r.tsShift(base, frac)}Z"`)
      .replace(CLAUDE_USAGE_RE, (...m) => r.claudeUsage(m));
  }

  claudeUsage(m) {
    if (m[1] !== undefined) {
      const [c, read, m5, h1] = [m[2], m[3], m[4], m[5]].map(Number);
      const c2 = this.n(c);
      const h2 = this.n(h1);
      const m52 = m5 + h1 === c ? c2 - h2 : this.n(m5);
      return `"cache_creation_input_tokens":${c2},"cache_read_input_tokens":${this.n(read)},"cache_creation":{"ephemeral_5m_input_tokens":${m52},"ephemeral_1h_input_tokens":${h2}}`;
    }
    return `"${m[6]}":${this.n(Number(m[7]))}`;
  }

  codexText(text) {
    const r = this;
    // Cumulative totals stay the running sum of the scaled per-turn usage, so a tool that sums
    // `last_token_usage` and one that takes deltas of `total_token_usage` still agree.
    let prevOrig = null;
    let prevScaled = null;
    return text
      .replace(UUID_RE, (u) => r.uuid(u))
      .replace(TS_RE, (_, base, frac) => `"timestamp":"${r.tsShift(base, frac)}Z"`)
      .replace(CODEX_USAGE_RE, (_, tText, lText) => {
        const t = tText.split(',').map((kv) => Number(kv.split(':')[1]));
        const l = lText.split(',').map((kv) => Number(kv.split(':')[1]));
        const delta = prevOrig ? t.map((x, i) => x - prevOrig[i]) : t;
        let t2;
        let l2;
        if (delta.slice(0, 4).every((x) => x >= 0)) {
          const d2 = delta.map((x) => r.n(x));
          t2 = prevScaled ? prevScaled.map((x, i) => x + d2[i]) : d2;
          l2 = l.every((x, i) => x === delta[i]) ? d2 : l.map((x) => r.n(x));
        } else {
          t2 = t.map((x) => r.n(x));
          l2 = l.map((x) => r.n(x));
        }
        // total_tokens = input + output where the source says so.
        if (t[0] + t[2] === t[4]) t2[4] = t2[0] + t2[2];
        if (l[0] + l[2] === l[4]) l2[4] = l2[0] + l2[2];
        prevOrig = t;
        prevScaled = t2;
        const obj = (v) => `{"input_tokens":${v[0]},"cached_input_tokens":${v[1]},"output_tokens":${v[2]},"reasoning_output_tokens":${v[3]},"total_tokens":${v[4]}}`;
        return `"total_token_usage":${obj(t2)},"last_token_usage":${obj(l2)}`;
      });
  }
}

// Unescaped keys only: escaped JSON inside tool results (\"input_tokens\":…) is left as it was.
const CLAUDE_USAGE_RE = /"(cache_creation_input_tokens":(\d+),"cache_read_input_tokens":(\d+),"cache_creation":\{"ephemeral_5m_input_tokens":(\d+),"ephemeral_1h_input_tokens":(\d+)\})|"(input_tokens|output_tokens|cache_read_input_tokens|cache_creation_input_tokens)":(\d+)/g;
const NUMS = '"input_tokens":\\d+,"cached_input_tokens":\\d+,"output_tokens":\\d+,"reasoning_output_tokens":\\d+,"total_tokens":\\d+';
const CODEX_USAGE_RE = new RegExp(`"total_token_usage":\\{(${NUMS})\\},"last_token_usage":\\{(${NUMS})\\}`, 'g');

// ---- ground truth from the written bytes ---------------------------------------------------------

/** Claude Code requests in written text: Map key -> { ts, model, usage, sessionId, agentId } (most complete snapshot, earliest time). */
function claudeRequests(text, into) {
  let malformed = 0;
  for (const line of text.split('\n')) {
    // Only top-level assistant lines bill a request; progress lines embed sub-agent copies.
    if (!line.includes('"usage"') || !line.includes('"requestId"')) continue;
    let j;
    try {
      j = JSON.parse(line);
    } catch {
      malformed++;
      continue;
    }
    const m = j?.message;
    if (j.type !== 'assistant' || !m?.usage || typeof m.id !== 'string' || typeof j.requestId !== 'string') continue;
    if (m.model === '<synthetic>') continue;
    const u = m.usage;
    const h1 = u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    const creation = u.cache_creation_input_tokens ?? 0;
    const key = `${m.id}:${j.requestId}`;
    const usage = { inputTokens: u.input_tokens ?? 0, outputTokens: u.output_tokens ?? 0, cacheWrite5mTokens: creation - h1, cacheWrite1hTokens: h1, cacheReadTokens: u.cache_read_input_tokens ?? 0 };
    const timestampMs = Date.parse(j.timestamp);
    const seen = into.get(key);
    if (seen && !fuller(usage, timestampMs, seen.usage, seen.timestampMs)) continue;
    into.set(key, {
      timestampMs,
      model: m.model,
      sessionId: j.sessionId,
      agentId: j.agentId ?? '',
      messageId: m.id,
      requestId: j.requestId,
      usage,
    });
  }
  return malformed;
}

function fuller(a, aMs, b, bMs) {
  for (const k of ['outputTokens', 'inputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens']) if (a[k] !== b[k]) return a[k] > b[k];
  return aMs < bMs;
}

/** Recomputes the ground truth of an existing corpus from its files (after a change of the truth's rules). */
export function recomputeTruth(dir) {
  const previous = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const truth = new GroundTruth();
  const requests = new Map();
  const walk = (d, out) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), out);
      else if (e.name.endsWith('.jsonl')) out.push(join(d, e.name));
    }
    return out;
  };
  let malformed = 0;
  for (const f of walk(join(dir, 'claude'), []).sort()) malformed += claudeRequests(readFileSync(f, 'utf8'), requests);
  for (const req of requests.values()) truth.addClaudeRequest(req);
  for (const f of walk(join(dir, 'codex'), []).sort()) codexDeltas(readFileSync(f, 'utf8'), truth);
  const t = truth.toJSON();
  const next = { ...previous, replicatorVersion: REPLICATOR_VERSION, claude: t.claude, codex: t.codex, lines: { ...previous.lines, malformed } };
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(next, null, 1) + '\n');
  return next;
}

/** Codex deltas in one written rollout, by the rule in the header. */
function codexDeltas(text, truth) {
  let model = 'unknown';
  let sessionId = '';
  let prev = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (line.includes('"type":"turn_context"') || line.includes('"type":"session_meta"')) {
      const j = JSON.parse(line);
      if (j.type === 'session_meta' && j.payload?.id) sessionId = j.payload.id;
      if (typeof j.payload?.model === 'string' && j.payload.model) model = j.payload.model;
      continue;
    }
    if (!line.includes('"token_count"')) continue;
    const j = JSON.parse(line);
    if (j.type !== 'event_msg' || j.payload?.type !== 'token_count' || !j.payload.info) continue;
    const t = j.payload.info.total_token_usage;
    const l = j.payload.info.last_token_usage;
    const tot = (x) => x && { input: x.input_tokens, cached: x.cached_input_tokens, output: x.output_tokens, reasoning: x.reasoning_output_tokens, total: x.total_tokens };
    const totals = tot(t);
    const last = tot(l);
    let d;
    if (totals) {
      if (prev && totals.total === prev.total && totals.input === prev.input && totals.output === prev.output) continue;
      const down = prev && (totals.input < prev.input || totals.output < prev.output || totals.cached < prev.cached);
      d = !prev ? totals : !down ? { input: totals.input - prev.input, cached: totals.cached - prev.cached, output: totals.output - prev.output, reasoning: totals.reasoning - prev.reasoning, total: totals.total - prev.total } : last;
      prev = totals;
    } else d = last;
    if (!d) continue;
    const cached = Math.min(d.cached, d.input);
    truth.addCodexDelta({ timestampMs: Date.parse(j.timestamp), model, sessionId, delta: { events: 1, inputTokens: d.input, cachedInputTokens: cached, outputTokens: d.output, reasoningOutputTokens: d.reasoning, totalTokens: d.input + d.output } });
  }
}

// ---- the corpus ---------------------------------------------------------------------------------

function firstTimestampMs(text) {
  TS_RE.lastIndex = 0;
  const m = TS_RE.exec(text);
  TS_RE.lastIndex = 0;
  return m ? Date.parse(`${m[1]}${m[2] ?? ''}Z`) : NaN;
}

function cutLines(text, fraction) {
  if (fraction >= 1) return text;
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const keep = Math.max(1, Math.floor(lines * fraction));
  let at = -1;
  for (let k = 0; k < keep; k++) at = text.indexOf('\n', at + 1);
  return text.slice(0, at + 1);
}

/**
 * Builds the corpus into `claudeDir`/`codexDir`. Returns the ground truth plus what was read, or
 * { skipped: reason } for a source whose mirror is missing.
 */
export function buildRealCorpus({ claudeDir, codexDir, sizeBytes, seed = 1, now = DEFAULT_NOW, days = 120, codexShare = 0.08, mirror = DEFAULT_MIRROR, log = () => {} }) {
  const started = Date.now();
  const rng = new Rng(`${seed}:real`);
  const truth = new GroundTruth();
  const sources = {};
  const skipped = [];

  // Claude Code: sessions grouped with their sub-agent files.
  const claudeGit = mirrorGitDir(mirror, SOURCES.claude.repo);
  const groups = new Map();
  if (claudeGit) {
    const { commit, files } = readMirror(claudeGit, SOURCES.claude.dir, log);
    sources.claude = { repo: SOURCES.claude.github, commit, licence: SOURCES.claude.licence, files: [] };
    for (const f of files) {
      if (SOURCES.claude.exclude.includes(f.path)) continue;
      sources.claude.files.push({ path: SOURCES.claude.dir + f.path, blob: f.blob, bytes: Buffer.byteLength(f.text) });
      const session = f.path.split('/')[0].replace(/\.jsonl$/, '');
      const g = groups.get(session) ?? { session, main: null, subagents: [] };
      if (f.path.includes('/subagents/')) g.subagents.push(f);
      else g.main = f;
      groups.set(session, g);
    }
  } else skipped.push(`Claude Code: no mirror of ${SOURCES.claude.github} at ${join(mirror, SOURCES.claude.repo)}`);

  const codexGit = mirrorGitDir(mirror, SOURCES.codex.repo);
  let rollouts = [];
  if (codexGit) {
    const { commit, files } = readMirror(codexGit, SOURCES.codex.dir, log);
    rollouts = files.filter((f) => f.path.includes('/raw/sessions/'));
    sources.codex = { repo: SOURCES.codex.github, commit, licence: SOURCES.codex.licence, files: rollouts.map((f) => ({ path: SOURCES.codex.dir + f.path, blob: f.blob, bytes: Buffer.byteLength(f.text) })) };
  } else skipped.push(`Codex: no mirror of ${SOURCES.codex.github} at ${join(mirror, SOURCES.codex.repo)}`);

  const groupList = [...groups.values()].sort((a, b) => (a.session < b.session ? -1 : 1));
  const claudeTarget = groupList.length ? sizeBytes * (rollouts.length ? 1 - codexShare : 1) : 0;
  const codexTarget = rollouts.length ? sizeBytes - claudeTarget : 0;
  const windowMs = days * DAY_MS;
  const requests = new Map();
  let malformed = 0;
  let replica = 0;

  const newReplica = () => new Replica(rng, { shiftMs: 0, factor: 0.6 + rng.next() * 1.0 });
  const write = (path, text, r) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    const mtime = new Date(r.maxTsMs || now);
    utimesSync(path, mtime, mtime);
    return Buffer.byteLength(text);
  };

  while (truth.bytes.claude < claudeTarget) {
    const g = groupList[replica % groupList.length];
    replica++;
    const r = newReplica();
    const origin = Math.min(...[g.main, ...g.subagents].filter(Boolean).map((f) => firstTimestampMs(f.text)).filter(Number.isFinite));
    r.shiftMs = Math.round(now - windowMs + rng.next() * (windowMs - DAY_MS) - origin);
    const project = join(claudeDir, 'projects', `-home-USER-projects-spotter-worktrees-r${String(replica % 53).padStart(2, '0')}`);
    const sessionId = r.uuid(g.session.length === 36 ? g.session : '00000000-0000-4000-8000-' + String(replica).padStart(12, '0'));
    if (g.main) {
      const text = r.claudeText(cutLines(g.main.text, rng.next() < 0.3 ? 1 : 0.5 + rng.next() * 0.5));
      const name = g.session.length === 36 ? `${sessionId}.jsonl` : `${g.session}-${replica}.jsonl`;
      truth.bytes.claude += write(join(project, name), text, r);
      malformed += claudeRequests(text, requests);
      truth.files.claudeSessions++;
    }
    for (const s of g.subagents) {
      const text = r.claudeText(s.text);
      truth.bytes.claude += write(join(project, sessionId, s.path.slice(s.path.indexOf('/') + 1)), text, r);
      malformed += claudeRequests(text, requests);
      truth.files.claudeSubagents++;
    }
  }
  for (const req of requests.values()) truth.addClaudeRequest(req);
  truth.lines.malformed = malformed;

  let k = 0;
  while (truth.bytes.codex < codexTarget) {
    const f = rollouts[k % rollouts.length];
    k++;
    const r = newReplica();
    r.shiftMs = Math.round(now - windowMs + rng.next() * (windowMs - DAY_MS) - firstTimestampMs(f.text));
    const text = r.codexText(f.text);
    const name = f.path.split('/').pop().match(/^rollout-(.{19})-(.{36})\.jsonl$/);
    const start = new Date(Date.parse(name[1].replace(/T(\d\d)-(\d\d)-(\d\d)$/, 'T$1:$2:$3Z')) + r.shiftMs).toISOString();
    const day = start.slice(0, 10).split('-');
    const file = `rollout-${start.slice(0, 19).replace(/:/g, '-')}-${r.uuid(name[2])}.jsonl`;
    truth.bytes.codex += write(join(codexDir, 'sessions', ...day, file), text, r);
    truth.files.codexSessions++;
    codexDeltas(text, truth);
  }
  mkdirSync(codexDir, { recursive: true });
  return { replicatorVersion: REPLICATOR_VERSION, seed: String(seed), sizeBytes, now: new Date(now).toISOString(), days, sources, skipped, generationMs: Date.now() - started, ...truth.toJSON() };
}

/** Builds DIR/{claude,codex,expected.json} unless DIR/expected.json is already there (or force). */
export function buildRealCorpusDir({ out, size = 'small', bytes, seed = '1', force = false, mirror = DEFAULT_MIRROR, log = () => {} }) {
  const dir = resolve(out);
  const expectedPath = join(dir, 'expected.json');
  const sizeBytes = bytes ?? REAL_SIZES[size];
  if (!sizeBytes) throw new Error(`Unknown size "${size}": use small, medium or large (or --bytes N).`);
  if (existsSync(expectedPath) && !force) {
    const previous = JSON.parse(readFileSync(expectedPath, 'utf8'));
    if (previous.replicatorVersion === REPLICATOR_VERSION && previous.sizeBytes === sizeBytes) return { dir, expectedPath, generated: false, truth: previous };
    // Version 2 wrote the same bytes; only the ground truth's rule changed.
    if (previous.replicatorVersion === 2 && previous.sizeBytes === sizeBytes) {
      log(`recomputing the ground truth of ${dir} (rules of version ${REPLICATOR_VERSION})`);
      return { dir, expectedPath, generated: false, truth: recomputeTruth(dir) };
    }
  }
  if (!mirrorGitDir(mirror, SOURCES.claude.repo) && !mirrorGitDir(mirror, SOURCES.codex.repo)) {
    return { dir, expectedPath, generated: false, truth: null, skipped: `no mirror of ${SOURCES.claude.github} or ${SOURCES.codex.github} under ${mirror} (set TOKENMETER_BENCH_MIRROR)` };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building the real-transcript corpus (${(sizeBytes / 1e6).toFixed(0)} MB, seed ${seed}) into ${dir}`);
  const truth = buildRealCorpus({ claudeDir: join(dir, 'claude'), codexDir: join(dir, 'codex'), sizeBytes, seed, mirror, log });
  for (const s of truth.skipped) log(`  ${s}: that part of the corpus is skipped`);
  writeFileSync(expectedPath, JSON.stringify({ size, ...truth }, null, 1) + '\n');
  log(`done in ${(truth.generationMs / 1000).toFixed(1)} s: ${((truth.bytes.claude + truth.bytes.codex) / 1e6).toFixed(1)} MB, ${truth.files.claudeSessions} sessions + ${truth.files.claudeSubagents} sub-agent files, ${truth.files.codexSessions} Codex rollouts`);
  return { dir, expectedPath, generated: true, truth };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const a = { size: 'small', seed: '1', force: false, mirror: DEFAULT_MIRROR };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--size') a.size = argv[++i];
    else if (x === '--out') a.out = argv[++i];
    else if (x === '--seed') a.seed = argv[++i];
    else if (x === '--bytes') a.bytes = Number(argv[++i]);
    else if (x === '--mirror') a.mirror = argv[++i];
    else if (x === '--force') a.force = true;
    else {
      console.log('usage: node bench/realCorpus.mjs --size small|medium|large|huge [--out DIR] [--seed S] [--bytes N] [--mirror DIR] [--force]');
      process.exit(x === '-h' || x === '--help' ? 0 : 1);
    }
  }
  const r = buildRealCorpusDir({ ...a, out: a.out ?? join('bench', '.corpus', `real-${a.size}`), log: (m) => console.error(m) });
  if (r.skipped) console.error(r.skipped);
  console.log(r.expectedPath);
}
