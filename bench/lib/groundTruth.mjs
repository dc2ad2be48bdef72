// The generator's own record of what it wrote: every distinct billed request once, whatever the
// number of lines or files it was written to. This is the answer a correct tool must find.

function emptyClaude() {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
  };
}

function emptyCodex() {
  return {
    events: 0,
    // Codex semantics: inputTokens INCLUDES cachedInputTokens, outputTokens INCLUDES reasoning.
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningOutputTokens: 0,
    totalTokens: 0,
  };
}

function addClaudeUsage(into, u) {
  into.requests += 1;
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.cacheWrite5mTokens += u.cacheWrite5mTokens;
  into.cacheWrite1hTokens += u.cacheWrite1hTokens;
  into.cacheCreationTokens += u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  into.cacheReadTokens += u.cacheReadTokens;
  into.totalTokens += u.inputTokens + u.outputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens + u.cacheReadTokens;
}

function addCodexUsage(into, d) {
  into.events += 1;
  into.inputTokens += d.inputTokens;
  into.cachedInputTokens += d.cachedInputTokens;
  into.outputTokens += d.outputTokens;
  into.reasoningOutputTokens += d.reasoningOutputTokens;
  into.totalTokens += d.totalTokens;
}

export function utcDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function bucket(map, key, make) {
  let b = map[key];
  if (!b) {
    b = make();
    map[key] = b;
  }
  return b;
}

export class GroundTruth {
  constructor() {
    this.claude = { totals: emptyClaude(), byModel: {}, byDay: {}, sessions: new Set(), subagentRequests: 0 };
    this.codex = { totals: emptyCodex(), byModel: {}, byDay: {}, sessions: new Set() };
    this.lines = { claude: 0, claudeAssistant: 0, claudeDuplicateAssistant: 0, malformed: 0, codex: 0 };
    this.files = { claudeSessions: 0, claudeSubagents: 0, claudeResumed: 0, codexSessions: 0 };
    this.bytes = { claude: 0, codex: 0, toolResults: 0 };
    /** Optional per-request list (only when asked: the small fixtures). */
    this.requestLog = null;
  }

  /**
   * @param {{ timestampMs: number, model: string, usage: import('./claudeLines.mjs').Usage, sessionId: string,
   *   agentId: string, messageId: string, requestId: string|null }} r
   */
  addClaudeRequest(r) {
    const c = this.claude;
    addClaudeUsage(c.totals, r.usage);
    addClaudeUsage(bucket(c.byModel, r.model, emptyClaude), r.usage);
    const day = bucket(c.byDay, utcDay(r.timestampMs), () => ({ ...emptyClaude(), byModel: {} }));
    addClaudeUsage(day, r.usage);
    addClaudeUsage(bucket(day.byModel, r.model, emptyClaude), r.usage);
    c.sessions.add(r.sessionId);
    if (r.agentId) c.subagentRequests += 1;
    if (this.requestLog) this.requestLog.push({ source: 'claude', ...r });
  }

  /** @param {{ timestampMs: number, model: string, sessionId: string, delta: ReturnType<typeof emptyCodex> }} r */
  addCodexDelta(r) {
    const c = this.codex;
    addCodexUsage(c.totals, r.delta);
    addCodexUsage(bucket(c.byModel, r.model, emptyCodex), r.delta);
    const day = bucket(c.byDay, utcDay(r.timestampMs), () => ({ ...emptyCodex(), byModel: {} }));
    addCodexUsage(day, r.delta);
    addCodexUsage(bucket(day.byModel, r.model, emptyCodex), r.delta);
    c.sessions.add(r.sessionId);
    if (this.requestLog) this.requestLog.push({ source: 'codex', ...r });
  }

  toJSON() {
    const sortKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    return {
      claude: {
        totals: this.claude.totals,
        byModel: sortKeys(this.claude.byModel),
        byDay: sortKeys(this.claude.byDay),
        sessionCount: this.claude.sessions.size,
        subagentRequests: this.claude.subagentRequests,
      },
      codex: {
        totals: this.codex.totals,
        byModel: sortKeys(this.codex.byModel),
        byDay: sortKeys(this.codex.byDay),
        sessionCount: this.codex.sessions.size,
      },
      lines: this.lines,
      files: this.files,
      bytes: this.bytes,
    };
  }
}
