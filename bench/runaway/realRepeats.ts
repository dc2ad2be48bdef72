/**
 * How close real work comes to the repetition-loop thresholds: the tool calls of the marot/spotter
 * Claude Code transcripts (MIT, read from the local git mirror), and per session the longest run of
 * the same call answered the same way since the agent last did something new (repetition.ts).
 * Run: npx tsx bench/runaway/realRepeats.ts [--mirror DIR]
 */
import { execFileSync } from 'node:child_process';
import type { AgentAction } from '../../src/core/runaway';
import { ClaudeActionReader } from '../../src/sources/agents/claude/actions';
import { claudeFileContext } from '../../src/sources/agents/claude/paths';
import { RepetitionTracker } from '../../src/core/runaway/repetition';
const args = process.argv.slice(2);
const mirror = args.includes('--mirror') ? args[args.indexOf('--mirror') + 1] : '/work/.mirror/marot+spotter/repo';
const git = (...a: string[]) => execFileSync('git', ['-C', mirror, ...a], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
const files = git('ls-tree', '-r', '--name-only', 'HEAD', 'test/fixtures/transcripts').split('\n').filter((f) => f.endsWith('.jsonl'));
const actions: AgentAction[] = [];
let read = 0;
for (const f of files) {
  let text: string;
  try { text = git('show', `HEAD:${f}`); } catch { continue; } // listed in the snapshot, blob missing
  read++;
  const reader = new ClaudeActionReader(claudeFileContext(`spotter/${f.slice('test/fixtures/transcripts/'.length)}`));
  for (const line of text.split('\n')) {
    if (!line) continue;
    try { actions.push(...reader.line(JSON.parse(line))); } catch { /* not JSON: no action */ }
  }
}
actions.sort((a, b) => a.timestampMs - b.timestampMs);
const bySession = new Map<string, RepetitionTracker>();
const best = { ok: 0, failed: 0 };
for (const a of actions) {
  let t = bySession.get(a.sessionId);
  if (!t) bySession.set(a.sessionId, (t = new RepetitionTracker({ windowMs: 600_000, minFailedRepeats: 1, minOkRepeats: 1 })));
  const rep = t.observe(a);
  if (rep && rep.agentId === a.agentId) best[rep.failed ? 'failed' : 'ok'] = Math.max(best[rep.failed ? 'failed' : 'ok'], rep.repeats);
}
console.log(`${read} files, ${actions.length} actions, ${actions.filter((a) => a.failed).length} failed; longest same call+answer since something new: ok ${best.ok}, failed ${best.failed}`);
