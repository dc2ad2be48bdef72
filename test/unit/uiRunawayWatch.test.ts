import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { Ledger } from '../../src/core/ledger/ledger';
import { PriceTable } from '../../src/core/pricing';
import { settingsSchema } from '../../src/core/settings';
import type { UsageEvent } from '../../src/core/usageEvent';
import { RunawayWatch } from '../../src/ui/runawayWatch';

const nowMs = Date.UTC(2026, 10, 24, 12, 0, 0);

function ev(sessionId: string, agentId: string, timestampMs: number): UsageEvent {
  return {
    source: 'claude', timestampMs, sessionId, agentId, project: 'search', model: 'claude-opus-4-5-20251101',
    inputTokens: 3_000, outputTokens: 1_500, cacheWrite5mTokens: 30_000, cacheWrite1hTokens: 0, cacheReadTokens: 0,
  };
}

/** 30 sub-agents, 8 requests each, over the 4 minutes before `endMs`. */
function fanOut(ledger: Ledger, sessionId: string, endMs: number): void {
  let n = 0;
  for (let r = 0; r < 8; r++) for (let a = 0; a < 30; a++) {
    ledger.add({ event: ev(sessionId, `agent${a}`, endMs - 4 * 60_000 + r * 30_000 + a * 500), dedupKey: `${sessionId}:${a}:${r}:${n++}` });
  }
}

function watch(settings = settingsSchema.parse({})) {
  const logs: string[] = [];
  return { logs, w: new RunawayWatch(settings, new PriceTable(), new Calendar('UTC'), () => undefined, (m) => logs.push(m)) };
}

describe('RunawayWatch: the runaway detector fed from the live ledger', () => {
  it('replays the last two hours at start and reports a runaway still in force, once', () => {
    const ledger = new Ledger();
    fanOut(ledger, 'live', nowMs);
    fanOut(ledger, 'old', nowMs - 5 * 3_600_000); // over long ago: not in force
    const { w, logs } = watch();
    const first = w.update(ledger, nowMs);
    assert.deepEqual(first.map((a) => a.sessionId), ['live']);
    assert.equal(w.status(nowMs).isRunaway, true);
    assert.match(w.status(nowMs).text, /^\$\(flame\) Runaway \$/);
    assert.deepEqual(w.update(ledger, nowMs + 1_000), [], 'nothing new, nothing to say');
    assert.match(logs[0], /replayed 240 recent requests/);
  });

  it('on a ledger restored from the index, reads the baseline week only; the older rows only when new requests need their keys', () => {
    const full = new Ledger();
    for (let day = 60; day > 8; day--) full.add({ event: ev(`past${day}`, '', nowMs - day * 86_400_000), dedupKey: `p${day}` });
    fanOut(full, 'live', nowMs);
    const saved = full.serialize();
    const fields = saved.rows.length / full.size;
    const sinceMs = nowMs - 8 * 86_400_000;
    let firstRow = 0;
    while (saved.rows[firstRow * fields + 1] < sinceMs) firstRow++;
    let reads = 0;
    const restored = Ledger.restore({
      names: saved.strings, duplicateCount: 0, rowCount: full.size, firstRow, olderBeforeMs: sinceMs, newestRows: saved.rows.slice(firstRow * fields),
      readOlder: () => {
        reads++;
        return { rows: saved.rows.slice(0, firstRow * fields), keyHashes: saved.keyHashes };
      },
    });
    const { w } = watch();
    assert.deepEqual(w.update(restored, nowMs).map((a) => a.sessionId), ['live']);
    assert.equal(reads, 0);
    // New requests are checked against every key: that reads the older part, once; the watch then sees only them.
    fanOut(restored, 'next', nowMs + 5 * 60_000);
    assert.deepEqual(w.update(restored, nowMs + 5 * 60_000).map((a) => a.sessionId), ['next']);
    assert.equal(reads, 1);
  });

  it('observes new events in time order and notifies a session at most once in 15 minutes', () => {
    const ledger = new Ledger();
    ledger.add({ event: ev('calm', '', nowMs - 60_000), dedupKey: 'c1' });
    const { w } = watch();
    assert.deepEqual(w.update(ledger, nowMs), []);
    fanOut(ledger, 'fresh', nowMs + 5 * 60_000);
    const fired = w.update(ledger, nowMs + 5 * 60_000);
    assert.deepEqual(fired.map((a) => a.sessionId), ['fresh']);
    fanOut(ledger, 'fresh', nowMs + 9 * 60_000);
    assert.deepEqual(w.update(ledger, nowMs + 9 * 60_000), []);
  });

  it('starts over when the scanner replaces its ledger, and stays quiet when disabled', () => {
    const { w } = watch();
    const a = new Ledger();
    a.add({ event: ev('calm', '', nowMs), dedupKey: 'x' });
    assert.deepEqual(w.update(a, nowMs), []);
    const b = new Ledger();
    fanOut(b, 'rebuilt', nowMs);
    assert.deepEqual(w.update(b, nowMs).map((x) => x.sessionId), ['rebuilt']);

    const off = watch(settingsSchema.parse({ runaway: { enabled: false } })).w;
    const c = new Ledger();
    fanOut(c, 'ignored', nowMs);
    assert.deepEqual(off.update(c, nowMs), []);
    assert.equal(off.status(nowMs).isRunaway, false);
  });

  it('lets the notification snooze a session', () => {
    const ledger = new Ledger();
    fanOut(ledger, 'live', nowMs);
    const { w } = watch();
    w.update(ledger, nowMs);
    w.snooze('live', nowMs + 3_600_000);
    assert.equal(w.status(nowMs + 1_000).isRunaway, false);
  });
});

describe('RunawayWatch: retry loops from the transcripts behind the ledger', () => {
  it('notices the same call failing the same way as the transcript grows, at a normal token rate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-watch-loop-'));
    try {
      const file = path.join(dir, 'loop.jsonl');
      const ledger = new Ledger();
      const t0 = nowMs - 10 * 60_000;
      const tries = (from: number, to: number) => {
        const lines: string[] = [];
        for (let i = from; i < to; i++) {
          const ms = t0 + i * 8_000;
          ledger.add({ event: { ...ev('loop', '', ms), cacheWrite5mTokens: 200, cacheReadTokens: 20_000 + i * 150 }, dedupKey: `loop:${i}` });
          lines.push(JSON.stringify({ type: 'assistant', timestamp: new Date(ms).toISOString(), sessionId: 'loop', message: { content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command: 'make test' } }] } }));
          lines.push(JSON.stringify({ type: 'user', timestamp: new Date(ms + 2_000).toISOString(), sessionId: 'loop', message: { content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'make: *** [test] Error 1', is_error: true }] } }));
        }
        fs.appendFileSync(file, lines.join('\n') + '\n');
      };
      const cursor = () => ({ path: file, source: 'claude' as const, size: fs.statSync(file).size, mtimeMs: nowMs, offset: fs.statSync(file).size, claude: { project: 'search', sessionId: 'loop', agentId: '' } });
      const { w } = watch();
      tries(0, 6);
      assert.deepEqual(w.update(ledger, t0 + 6 * 8_000, [cursor()]), []);
      tries(6, 12);
      const fired = w.update(ledger, t0 + 12 * 8_000, [cursor()]);
      assert.deepEqual(fired.map((a) => [a.kind, a.repeated]), [['loop', { tool: 'Bash', times: 10, failed: true }]]);
      assert.equal(w.status(t0 + 12 * 8_000).isRunaway, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
