import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { Calendar } from '../../src/core/calendar';
import { PriceTable } from '../../src/core/pricing';
import { dailyReport } from '../../src/core/reports';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import type { TextAgentAdapter } from '../../src/sources/agents/agentAdapter';
import { vscodeGlobalStorageDirs } from '../../src/sources/agents/agentRoots';
import { clineAdapter, kiloAdapter, rooAdapter } from '../../src/sources/agents/clineFamily';
import { existingAgentRoots } from '../../src/sources/agents/detect';
import { ampAdapter } from '../../src/sources/agents/amp';
import { geminiAdapter } from '../../src/sources/agents/gemini';
import { adapterForFile, agentAdapters } from '../../src/sources/agents';
import { kiloDatabaseAdapter, opencodeAdapter, opencodeDatabaseAdapter, readOpencodeDatabase } from '../../src/sources/agents/opencode';
import { columnsOf } from '../../src/sources/agents/sqliteTable';
import { pricedModelName } from '../../src/sources/agents/modelNames';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { UsageScanner } from '../../src/sources/usageScanner';
import { runCli, sharedCli, unitCommands } from '../helpers/cliBundle';

const repo = path.resolve(__dirname, '..', '..');
const fixtures = path.join(repo, 'test', 'fixtures', 'agents');
const storage = path.join(fixtures, 'vscode', 'User', 'globalStorage');
const clineTasks = path.join(storage, 'saoudrizwan.claude-dev', 'tasks');
const rooTasks = path.join(storage, 'rooveterinaryinc.roo-cline', 'tasks');
const kiloTasks = path.join(storage, 'kilocode.kilo-code', 'tasks');
const opencodeMessages = path.join(fixtures, 'opencode', 'storage', 'message');
const geminiTmp = path.join(fixtures, '.gemini', 'tmp');
// OpenCode 1.2+ data folder (opencode.db, its WAL, two pre-migration message files) and a Kilo CLI one (kilo.db).
const opencodeDb = path.join(fixtures, 'opencode-db');
const kiloData = path.join(fixtures, 'kilo-data');
const ampThreads = path.join(fixtures, 'amp', 'threads');
const TA = Date.UTC(2026, 10, 25, 10, 0, 0);
const TL = Date.UTC(2026, 10, 26, 15, 0, 0);

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const TB = Date.UTC(2026, 10, 20, 12, 0, 0);
const TR = Date.UTC(2026, 10, 21, 14, 0, 0);
const TK = Date.UTC(2026, 10, 22, 16, 0, 0);
const TO = Date.UTC(2026, 10, 23, 10, 0, 0);
const TG = Date.UTC(2026, 10, 24, 8, 0, 0);

function parseFixture(adapter: TextAgentAdapter, root: string, relativePath: string) {
  const file = path.join(root, ...relativePath.split('/'));
  assert.ok(adapter.accepts(relativePath), `${relativePath} is accepted`);
  return adapter.parse(readFileSync(file, 'utf8'), { path: file, relativePath });
}

/** The fields a test compares: tokens, cost, model, who and when. */
function row(u: ParsedUsage) {
  const e = u.event;
  return {
    key: u.dedupKey, at: e.timestampMs, model: e.model, session: e.sessionId, agent: e.agentId, project: e.project,
    in: e.inputTokens, out: e.outputTokens, cw: e.cacheWrite5mTokens + e.cacheWrite1hTokens, cr: e.cacheReadTokens, cost: e.loggedCostUsd,
  };
}

function closeTo(actual: number, expected: number) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
}

const fixtureEnv = {
  TOKENMETER_CLINE_STORAGE_DIRS: [storage, path.join(fixtures, 'cursor', 'User', 'globalStorage')].join(','),
  TOKENMETER_OPENCODE_DIRS: [path.join(fixtures, 'opencode'), opencodeDb].join(','),
  TOKENMETER_GEMINI_DIRS: path.join(fixtures, '.gemini'),
  KILO_DATA_DIR: kiloData,
  TOKENMETER_AMP_DIRS: [path.join(fixtures, 'amp'), path.join(fixtures, 'amp-backup')].join(','),
};

/** Runs `body` with the adapter roots pointed at `env` (and nothing from the real home). */
async function withEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const onlyAgents = (...names: SourceName[]) => Object.fromEntries(sourceNames.map((n) => [n, names.includes(n)])) as Record<SourceName, boolean>;

async function scan(sources: Record<SourceName, boolean>, env: Record<string, string> = fixtureEnv) {
  return withEnv(env, async () => {
    const scanner = new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, sources, workers: 0 });
    await scanner.refresh();
    return scanner;
  });
}

describe('Cline task histories', () => {
  it('reads every request of a task with its tokens, logged cost, model and workspace', () => {
    const { usages, malformed } = parseFixture(clineAdapter, clineTasks, '1763629200000/ui_messages.json');
    const base = { model: 'claude-sonnet-4-5-20250929', session: '1763629200000', agent: '', project: '/home/dev/shop' };
    assert.deepEqual(usages.map(row), [
      { ...base, key: `clinetask:1763629200000:${T0 + 1000}`, at: T0 + 1000, in: 3, out: 412, cw: 15210, cr: 0, cost: 0.0632265 },
      { ...base, key: `clinetask:1763629200000:${T0 + 20000}`, at: T0 + 20000, in: 5, out: 280, cw: 620, cr: 15210, cost: 0.0112905 },
      // cancelled by the user: the partial stream was billed
      { ...base, key: `clinetask:1763629200000:${T0 + 40000}`, at: T0 + 40000, in: 4, out: 37, cw: 0, cr: 15830, cost: 0.005316 },
      // failed mid-stream, then retried as a new request: both were billed
      { ...base, key: `clinetask:1763629200000:${T0 + 61000}`, at: T0 + 61000, in: 6, out: 12, cw: 40, cr: 15830, cost: 0.005064 },
      { ...base, key: `clinetask:1763629200000:${T0 + 71000}`, at: T0 + 71000, in: 6, out: 905, cw: 40, cr: 15830, cost: 0.018492 },
    ]);
    // The request still waiting for its first token is not usage; the broken message is counted.
    assert.equal(malformed, 1);
  });

  it('takes the model from task_metadata.json when messages do not name it, keeps deleted requests and prices what has no cost', () => {
    const { usages } = parseFixture(clineAdapter, clineTasks, '1763640000000/ui_messages.json');
    const base = { session: '1763640000000', agent: '', project: '' };
    assert.deepEqual(usages.map(row), [
      { ...base, key: `clinetask:1763640000000:${TB + 1000}`, at: TB + 1000, model: 'gemini-2.5-pro', in: 1200, out: 300, cw: 0, cr: 8000, cost: 0.0081 },
      // requests removed by a checkpoint restore, folded by Cline into one deleted_api_reqs message
      { ...base, key: `clinetask:1763640000000:${TB + 30000}:deleted`, at: TB + 30000, model: 'gemini-2.5-pro', in: 2400, out: 900, cw: 0, cr: 20000, cost: 0.0239 },
      { ...base, key: `clinetask:1763640000000:${TB + 60000}`, at: TB + 60000, model: 'qwen2.5-coder:32b', in: 5000, out: 700, cw: 0, cr: 0, cost: undefined },
      { ...base, key: `clinetask:1763640000000:${TB + 90000}`, at: TB + 90000, model: 'deepseek-chat', in: 4000, out: 1000, cw: 0, cr: 0, cost: undefined },
    ]);
    const prices = new PriceTable();
    // A logged cost of 0 means "no price known" (a local model): unpriced, not $0.
    assert.equal(prices.costOf(usages[2].event), null);
    // DeepSeek through OpenRouter logged 0 too, but its list price is known.
    const deepseek = prices.ratesFor('deepseek-chat')!;
    closeTo(prices.costOf(usages[3].event)!, (4000 * deepseek.inputPerMTok + 1000 * deepseek.outputPerMTok) / 1e6);
  });

  it('reads the counts of old tasks from api_req_finished messages', () => {
    const { usages, malformed } = parseFixture(clineAdapter, clineTasks, '1731000000000/ui_messages.json');
    assert.deepEqual(usages.map(row), [
      { key: `clinetask:1731000000000:${Date.UTC(2026, 10, 19, 8)}`, at: Date.UTC(2026, 10, 19, 8), model: 'unknown', session: '1731000000000', agent: '', project: '', in: 900, out: 150, cw: 2000, cr: 0, cost: 0.01245 },
    ]);
    assert.equal(malformed, 0);
  });

  it('keeps the complete requests of a ui_messages.json caught half-written', () => {
    const file = path.join(clineTasks, '1763629200000', 'ui_messages.json');
    const text = readFileSync(file, 'utf8');
    const whole = clineAdapter.parse(text, { path: file, relativePath: '1763629200000/ui_messages.json' }).usages.length;
    // Cut inside the fourth request's text JSON.
    const cut = text.indexOf('\\"tokensOut\\":12');
    const partial = clineAdapter.parse(text.slice(0, cut), { path: file, relativePath: '1763629200000/ui_messages.json' });
    assert.equal(partial.usages.length, 3);
    assert.equal(partial.malformed, 1);
    assert.ok(partial.usages.length < whole);
  });

  it('only accepts ui_messages.json directly in a task folder', () => {
    assert.ok(clineAdapter.accepts('123/ui_messages.json'));
    assert.ok(clineAdapter.accepts('123/claude_messages.json'));
    assert.ok(!clineAdapter.accepts('123/api_conversation_history.json'));
    assert.ok(!clineAdapter.accepts('123/checkpoints/ui_messages.json'));
    assert.ok(!clineAdapter.accepts('ui_messages.json'));
  });
});

describe('Roo Code and Kilo Code task histories', () => {
  it('subtracts cache from a total tokensIn (Roo 3.30+) but keeps an older record that excludes it', () => {
    const { usages } = parseFixture(rooAdapter, rooTasks, '0199a1b2-0000-7000-8000-000000000001/ui_messages.json');
    const id = '0199a1b2-0000-7000-8000-000000000001';
    const base = { model: 'claude-sonnet-4-5-20250929', session: id, agent: '', project: '/home/dev/shop' };
    assert.deepEqual(usages.map(row), [
      { ...base, key: `clinetask:${id}:${TR + 1000}`, at: TR + 1000, in: 50, out: 640, cw: 12000, cr: 0, cost: 0.05475 },
      { ...base, key: `clinetask:${id}:${TR + 20000}`, at: TR + 20000, in: 50, out: 410, cw: 850, cr: 12000, cost: 0.0134175 },
      { ...base, key: `clinetask:${id}:${TR + 40000}`, at: TR + 40000, in: 20, out: 100, cw: 300, cr: 12850, cost: 0.006 },
    ]);
  });

  it('bills a subtask to its root task, with its own model', () => {
    const { usages } = parseFixture(rooAdapter, rooTasks, '0199a1b2-0000-7000-8000-000000000002/ui_messages.json');
    assert.deepEqual(usages.map(row), [{
      key: `clinetask:0199a1b2-0000-7000-8000-000000000002:${TR + 50000}`, at: TR + 50000, model: 'gpt-5',
      session: '0199a1b2-0000-7000-8000-000000000001', agent: '0199a1b2-0000-7000-8000-000000000002', project: '/home/dev/shop',
      in: 6000, out: 2000, cw: 0, cr: 24000, cost: 0.0305,
    }]);
  });

  it('finds the workspace and model of a Kilo task without history_item.json, and prices a request without cost', () => {
    const { usages } = parseFixture(kiloAdapter, kiloTasks, '1763800000000/ui_messages.json');
    const base = { model: 'grok-code-fast-1', session: '1763800000000', agent: '', project: 'C:/Users/dev/api' };
    assert.deepEqual(usages.map(row), [
      { ...base, key: `clinetask:1763800000000:${TK + 1000}`, at: TK + 1000, in: 3000, out: 1500, cw: 0, cr: 6000, cost: 0.0042 },
      { ...base, key: `clinetask:1763800000000:${TK + 30000}`, at: TK + 30000, in: 2000, out: 800, cw: 0, cr: 9000, cost: undefined },
    ]);
    assert.ok((new PriceTable().costOf(usages[1].event) ?? 0) > 0);
  });
});

describe('OpenCode messages', () => {
  const read = (name: string) => parseFixture(opencodeAdapter, opencodeMessages, `ses_7a1f3c/${name}`);
  const base = { session: 'ses_7a1f3c', agent: '', project: '/home/dev/cli' };

  it('reads an assistant message with its logged cost', () => {
    assert.deepEqual(read('msg_02anth.json').usages.map(row), [
      { ...base, key: 'opencode:msg_02anth', at: TO + 1000, model: 'claude-sonnet-4-5-20250929', in: 12, out: 850, cw: 7200, cr: 0, cost: 0.0398 },
    ]);
  });

  it('counts reasoning as output and prices a subscription message logged at cost 0', () => {
    const { usages } = read('msg_03copi.json');
    assert.deepEqual(usages.map(row), [{ ...base, key: 'opencode:msg_03copi', at: TO + 20000, model: 'gpt-5', in: 3000, out: 1000, cw: 0, cr: 5000, cost: undefined }]);
    const gpt5 = new PriceTable().ratesFor('gpt-5')!;
    closeTo(new PriceTable().costOf(usages[0].event)!, (3000 * gpt5.inputPerMTok + 1000 * gpt5.outputPerMTok + 5000 * gpt5.cacheReadPerMTok) / 1e6);
  });

  it('keeps the partial tokens of an aborted message and drops the router prefix from its model', () => {
    assert.deepEqual(read('msg_05abrt.json').usages.map(row), [
      { ...base, key: 'opencode:msg_05abrt', at: TO + 50000, model: 'claude-sonnet-4.5', in: 40, out: 25, cw: 100, cr: 9000, cost: 0.00321 },
    ]);
  });

  it('ignores user messages and replies with no tokens yet, and counts a broken file', () => {
    assert.deepEqual(read('msg_01user.json'), { usages: [], malformed: 0 });
    assert.deepEqual(read('msg_04wait.json'), { usages: [], malformed: 0 });
    assert.deepEqual(read('msg_06bad.json'), { usages: [], malformed: 1 });
  });
});

describe('Gemini CLI chats', () => {
  const sid = '4f1c2d3e-aaaa-4bbb-8ccc-0123456789ab';
  const base = { session: sid, agent: '', project: 'shop' };

  it('reads each message once from the appended JSONL, separating cached input, and counts rewound requests', () => {
    const { usages, malformed } = parseFixture(geminiAdapter, geminiTmp, 'shop/chats/session-2026-11-24T08-00-4f1c2d3e.jsonl');
    assert.deepEqual(usages.map(row), [
      { ...base, key: `gemini:${sid}:g-1`, at: TG + 2000, model: 'gemini-2.5-pro', in: 10400, out: 600, cw: 0, cr: 0, cost: undefined },
      { ...base, key: `gemini:${sid}:g-2`, at: TG + 15000, model: 'gemini-2.5-pro', in: 2200, out: 210, cw: 0, cr: 9800, cost: undefined },
      // tool-use prompt tokens are input
      { ...base, key: `gemini:${sid}:g-3`, at: TG + 30000, model: 'gemini-2.5-flash', in: 1650, out: 400, cw: 0, cr: 11000, cost: undefined },
    ]);
    // The last line is still being written: not counted as malformed.
    assert.equal(malformed, 0);
  });

  it('reads the older single-document form with the same keys', () => {
    const { usages } = parseFixture(geminiAdapter, geminiTmp, 'shop/chats/session-2026-11-24T08-00-4f1c2d3e.json');
    assert.deepEqual(usages.map((u) => u.dedupKey), [`gemini:${sid}:g-1`, `gemini:${sid}:g-2`]);
  });

  it('bills a sub-agent chat to its parent session', () => {
    const sub = '9d8e7f6a-bbbb-4ccc-8ddd-fedcba987654';
    const { usages } = parseFixture(geminiAdapter, geminiTmp, `shop/chats/${sid}/${sub}.jsonl`);
    assert.deepEqual(usages.map(row), [{ key: `gemini:${sub}:s-1`, at: TG + 18000, model: 'gemini-2.5-flash', session: sid, agent: sub, project: 'shop', in: 5000, out: 300, cw: 0, cr: 0, cost: undefined }]);
  });

  it('accepts chat files only', () => {
    assert.ok(!geminiAdapter.accepts('shop/logs.json'));
    assert.ok(!geminiAdapter.accepts('shop/chats/session-x.jsonl.tmp-42'));
    assert.ok(geminiAdapter.accepts('shop/chats/session-x.jsonl'));
  });
});

describe('Amp threads', () => {
  it('reads the usage on each assistant message, cache apart, and counts a lone total as output', () => {
    const { usages, malformed } = parseFixture(ampAdapter, ampThreads, 'T-0b1c2d3e-1111-4222-8333-444455556666.json');
    assert.equal(malformed, 0);
    const base = { session: 'T-0b1c2d3e-1111-4222-8333-444455556666', agent: '', project: '/home/dev/my web', cost: undefined };
    assert.deepEqual(usages.map(row), [
      { ...base, key: 'amp:T-0b1c2d3e-1111-4222-8333-444455556666:1', at: TA + 5000, model: 'claude-sonnet-4-5-20250929', in: 8, out: 420, cw: 12000, cr: 0 },
      { ...base, key: 'amp:T-0b1c2d3e-1111-4222-8333-444455556666:2', at: TA + 20000, model: 'claude-sonnet-4-5-20250929', in: 5, out: 180, cw: 300, cr: 12000 },
      { ...base, key: 'amp:T-0b1c2d3e-1111-4222-8333-444455556666:3', at: TA + 30000, model: 'claude-haiku-4-5-20251001', in: 0, out: 345, cw: 0, cr: 0 },
    ]);
    assert.ok(usages.every((u) => u.event.source === 'amp'));
  });

  it('joins an older thread\'s ledger events to the cache counts of their messages, and keeps an event without one', () => {
    const { usages, malformed } = parseFixture(ampAdapter, ampThreads, 'T-5e6f7a8b-2222-4333-8444-555566667777.json');
    assert.equal(malformed, 0);
    const base = { session: 'T-5e6f7a8b-2222-4333-8444-555566667777', agent: '', project: '', model: 'claude-sonnet-4-20250514', cost: undefined };
    assert.deepEqual(usages.map(row), [
      { ...base, key: 'amp:T-5e6f7a8b-2222-4333-8444-555566667777:1', at: TL + 4000, in: 100, out: 50, cw: 500, cr: 200 },
      { ...base, key: 'amp:T-5e6f7a8b-2222-4333-8444-555566667777:ledger:ev-2', at: TL + 60000, in: 40, out: 600, cw: 0, cr: 0 },
    ]);
  });

  it('identifies messages without an id by position, and counts a half-written thread as malformed', () => {
    const oldest = parseFixture(ampAdapter, ampThreads, 'T-9c0d1e2f-3333-4444-8555-666677778888.json');
    assert.deepEqual(oldest.usages.map((u) => u.dedupKey), ['amp:T-9c0d1e2f-3333-4444-8555-666677778888:#1']);
    assert.deepEqual(parseFixture(ampAdapter, ampThreads, 'T-0b1c2d3e-9999-4222-8333-444455556666.json'), { usages: [], malformed: 1 });
  });

  it('accepts thread files only, where Amp keeps them', () => {
    assert.ok(ampAdapter.accepts('T-0b1c2d3e-1111-4222-8333-444455556666.json'));
    for (const rel of ['settings.json', 'T-1.json.tmp', 'sub/T-1.json']) assert.ok(!ampAdapter.accepts(rel), rel);
    assert.deepEqual(ampAdapter.roots({}, '/home/u'), [path.resolve('/home/u/.local/share/amp/threads')]);
    assert.deepEqual(ampAdapter.roots({ XDG_DATA_HOME: '/data' }, '/home/u'), [path.resolve('/data/amp/threads')]);
    assert.deepEqual(ampAdapter.roots({ TOKENMETER_AMP_DIRS: '/a,/b' }, '/home/u'), [path.resolve('/a/threads'), path.resolve('/b/threads')]);
  });

  it('counts a thread seen in two data folders once, with its most complete reply, at list price', async () => {
    const scanner = await scan(onlyAgents('amp'));
    assert.equal(scanner.ledger.size, 6);
    assert.equal(scanner.ledger.duplicateCount, 3);
    assert.equal(scanner.ledger.events().find((e) => e.timestampMs === TA + 20000)!.outputTokens, 180);
    assert.ok(scanner.ledger.events().every((e) => e.loggedCostUsd === undefined));
    const prices = new PriceTable();
    const sonnet = prices.ratesFor('claude-sonnet-4-5-20250929')!;
    const first = scanner.ledger.events().find((e) => e.timestampMs === TA + 5000)!;
    closeTo(prices.costOf(first)!, (8 * sonnet.inputPerMTok + 420 * sonnet.outputPerMTok + 12000 * sonnet.cacheWrite5mPerMTok) / 1e6);
  });
});

describe('agent adapters', () => {
  it('never throw, whatever the file holds', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify([v, { type: 'say', say: 'api_req_started', ts: 5, text: JSON.stringify(v) }])),
      fc.jsonValue().map((v) => JSON.stringify({ role: 'assistant', id: 'm', time: { created: v }, tokens: v, cost: v, path: v })),
      fc.array(fc.jsonValue()).map((vs) => vs.map((v) => JSON.stringify({ type: 'gemini', id: 'x', timestamp: v, tokens: v, model: v })).join('\n')),
    );
    const textAdapters = agentAdapters.filter((a): a is TextAgentAdapter => a.parse !== undefined);
    fc.assert(fc.property(texts, fc.constantFrom(...textAdapters), (text, adapter) => {
      const rel = adapter.source === 'gemini' ? 'p/chats/s.jsonl' : 't/ui_messages.json';
      const result = adapter.parse(text, { path: path.join(os.tmpdir(), 'no-such-dir', rel), relativePath: rel });
      assert.ok(Array.isArray(result.usages) && Number.isInteger(result.malformed));
      for (const u of result.usages) {
        for (const n of [u.event.inputTokens, u.event.outputTokens, u.event.cacheReadTokens, u.event.cacheWrite5mTokens]) assert.ok(Number.isFinite(n) && n >= 0);
      }
    }), { numRuns: 400 });
  });

  it('lists the VS Code storage folders of the running platform only', () => {
    const linux = vscodeGlobalStorageDirs({}, '/home/u', 'linux');
    assert.ok(linux.includes('/home/u/.config/Code/User/globalStorage'));
    assert.ok(linux.includes('/home/u/.config/Code - Insiders/User/globalStorage'));
    assert.ok(linux.includes('/home/u/.config/Cursor/User/globalStorage'));
    assert.ok(linux.includes('/home/u/.vscode-server/data/User/globalStorage'));
    assert.ok(linux.includes('/home/u/.cursor-server/data/User/globalStorage'));
    const mac = vscodeGlobalStorageDirs({}, '/Users/u', 'darwin');
    assert.ok(mac.includes('/Users/u/Library/Application Support/VSCodium/User/globalStorage'));
    const portable = vscodeGlobalStorageDirs({ VSCODE_PORTABLE: '/opt/vscode/data' }, '/home/u', 'linux');
    assert.ok(portable.includes('/opt/vscode/data/user-data/User/globalStorage'));
    assert.ok(linux.length <= 14, `${linux.length} candidates`);
  });

  it('takes roots from the environment, else from where the agents write', () => {
    const home = '/home/u';
    assert.deepEqual(opencodeAdapter.roots({}, home), [path.resolve('/home/u/.local/share/opencode/storage/message')]);
    assert.deepEqual(opencodeAdapter.roots({ XDG_DATA_HOME: '/data' }, home), [path.resolve('/data/opencode/storage/message')]);
    assert.deepEqual(geminiAdapter.roots({ GEMINI_CLI_HOME: '/g' }, home), [path.resolve('/g/.gemini/tmp')]);
    assert.deepEqual(rooAdapter.roots({ TOKENMETER_CLINE_STORAGE_DIRS: '/a,/b' }, home), [path.resolve('/a/rooveterinaryinc.roo-cline/tasks'), path.resolve('/b/rooveterinaryinc.roo-cline/tasks')]);
    assert.ok(clineAdapter.roots({}, home).includes(path.resolve('/home/u/.cline/data/tasks')));
    assert.ok(clineAdapter.roots({ CLINE_DATA_DIR: '/cd' }, home).includes(path.resolve('/cd/tasks')));
  });

  it('drops router and region prefixes from model names, but not a SKU suffix', () => {
    assert.equal(pricedModelName('anthropic/claude-3.7-sonnet:thinking'), 'claude-3.7-sonnet');
    assert.equal(pricedModelName('us.anthropic.claude-sonnet-4-20250514-v1:0'), 'claude-sonnet-4-20250514');
    assert.equal(pricedModelName('qwen/qwen3-coder:free'), 'qwen3-coder:free');
    assert.equal(pricedModelName('gpt-5'), 'gpt-5');
  });
});

describe('scanning agent histories', () => {
  const utc = new Calendar('UTC');

  it('counts each request once across storage folders, and each agent as its own source', async () => {
    const scanner = await scan(onlyAgents('cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'));
    const bySource = new Map<string, number>();
    for (const e of scanner.ledger.events()) bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
    // OpenCode: 3 message files, 303 messages in opencode.db; Kilo: 2 task requests, 2 in the CLI's kilo.db.
    assert.deepEqual(Object.fromEntries(bySource), { cline: 10, roo: 4, kilo: 4, opencode: 306, gemini: 4, amp: 6 });
    // Task A copied into a second profile (1 request), the Gemini session in .json and .jsonl (2 messages),
    // the two OpenCode message files that are also in the database, the Amp thread in a backup (3).
    assert.equal(scanner.ledger.duplicateCount, 8);
    assert.equal(scanner.stats.tally.malformedLines, 3);
  });

  it('sums --source all as the sum of the sources', async () => {
    const all = await scan(onlyAgents('cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'));
    const prices = new PriceTable();
    const total = (events: readonly import('../../src/core/usageEvent').UsageEvent[]) => dailyReport(events, { calendar: utc, prices }).totals.totalCost;
    let sum = 0;
    for (const name of ['cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'] as const) sum += total((await scan(onlyAgents(name))).ledger.events());
    closeTo(total(all.ledger.events()), sum);
    // Cline's logged costs: task A 0.103389, task B 0.0081 + 0.0239 + DeepSeek at list price, task C 0.01245.
    const cline = (await scan(onlyAgents('cline'))).ledger.events();
    const deepseek = prices.ratesFor('deepseek-chat')!;
    closeTo(total(cline), 0.103389 + 0.0081 + 0.0239 + (4000 * deepseek.inputPerMTok + 1000 * deepseek.outputPerMTok) / 1e6 + 0.01245);
  });

  /** A copy of the Cline fixtures whose waiting request (task A) streams: `stream` rewrites its counts, dates the file later and rescans. */
  async function withStreamingClineTask(run: (stream: (tokensOut: number, cost: number) => Promise<number>, scanner: UsageScanner) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-agents-'));
    try {
      cpSync(path.join(fixtures, 'vscode'), path.join(dir, 'vscode'), { recursive: true });
      const env = { TOKENMETER_CLINE_STORAGE_DIRS: path.join(dir, 'vscode', 'User', 'globalStorage') };
      const file = path.join(dir, 'vscode', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'tasks', '1763629200000', 'ui_messages.json');
      await withEnv(env, async () => {
        const scanner = new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, sources: onlyAgents('cline'), workers: 0 });
        const messages = JSON.parse(readFileSync(file, 'utf8'));
        const waiting = messages.find((m: { ts: number }) => m.ts === T0 + 90000);
        await run(async (tokensOut, cost) => {
          waiting.text = JSON.stringify({ request: 'x', tokensIn: 2, tokensOut, cacheWrites: 300, cacheReads: 15870, cost });
          writeFileSync(file, JSON.stringify(messages));
          const later = new Date(Date.now() + tokensOut * 1000);
          utimesSync(file, later, later);
          await scanner.refresh();
          return statSync(file).size;
        }, scanner);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('re-reads a task rewritten at the same size (counts streaming in) without a rebuild', async () => {
    await withStreamingClineTask(async (stream, scanner) => {
      const sizes = [await stream(120, 0.12), await stream(180, 0.18)];
      assert.equal(sizes[0], sizes[1], 'the two rewrites have the same size');
      assert.equal(scanner.stats.rebuilds, 0);
      assert.equal(scanner.ledger.events().find((e) => e.timestampMs === T0 + 90000)!.outputTokens, 180);
    });
  });

  it('re-reads a task rewritten while it streams without counting a request twice', async () => {
    await withStreamingClineTask(async (stream, scanner) => {
      await scanner.refresh();
      assert.equal(scanner.ledger.size, 10);
      // The waiting request gets its first tokens, then streams on.
      await stream(3, 0.003);
      await stream(250, 0.25);
      assert.equal(scanner.ledger.size, 11);
      const streamed = scanner.ledger.events().find((e) => e.timestampMs === T0 + 90000)!;
      assert.equal(streamed.outputTokens, 250);
      assert.equal(streamed.loggedCostUsd, 0.25);
      // A full rescan from nothing agrees.
      const fresh = new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, sources: onlyAgents('cline'), workers: 0 });
      await fresh.refresh();
      assert.equal(fresh.ledger.size, 11);
    });
  });

  it('finds nothing and reports no problem when no agent is installed', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-noagents-'));
    try {
      const scanner = await scan(onlyAgents('cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'), { HOME: empty, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '', GEMINI_CLI_HOME: '', CLINE_DIR: '', CLINE_DATA_DIR: '', TOKENMETER_CLINE_STORAGE_DIRS: '', TOKENMETER_OPENCODE_DIRS: '', TOKENMETER_GEMINI_DIRS: '', KILO_DATA_DIR: '', TOKENMETER_AMP_DIRS: '' });
      assert.equal(scanner.ledger.size, 0);
      assert.deepEqual(scanner.stats.problems, []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('tokenmeter daily --source for each agent', () => {
  type DailyJson = { daily: { date: string; totalCost: number }[]; totals: { totalCost: number; inputTokens: number } };
  let cliJs: string;
  let empty: string;
  // One child per source, started together; both tests read the same reports.
  const reports = new Map<string, Promise<DailyJson>>();
  before(async function () {
    this.timeout(120_000);
    cliJs = await sharedCli(unitCommands);
    empty = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-cli-'));
  });
  after(() => rmSync(empty, { recursive: true, force: true }));

  /** `daily --json --source <source>` from the CLI bundle (helpers/cliBundle.ts) in a child process, once per source. */
  function daily(source: string): Promise<DailyJson> {
    if (!reports.has(source)) {
      const env = { ...process.env, ...fixtureEnv, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', CLAUDE_CONFIG_DIR: path.join(empty, 'claude'), CODEX_HOME: path.join(empty, 'codex') } as Record<string, string>;
      reports.set(source, runCli(cliJs, ['daily', '--json', '--source', source, '--timezone', 'UTC'], env).then((r) => {
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout) as DailyJson;
      }));
    }
    return reports.get(source)!;
  }

  it('reports each source, and all of them summed', async function () {
    this.timeout(120_000);
    const names = ['cline', 'roo', 'kilo', 'opencode', 'gemini', 'amp'];
    const [all, ...each] = await Promise.all(['all', ...names].map(daily));
    let sum = 0;
    each.forEach((report, i) => {
      assert.ok(report.daily.length > 0, names[i]);
      sum += report.totals.totalCost;
    });
    closeTo(all.totals.totalCost, sum);
  });

  it('reports the OpenCode database with its message files, and the Kilo CLI database, as the scanner reads them', async function () {
    this.timeout(120_000);
    const utc = new Calendar('UTC');
    for (const name of ['opencode', 'kilo'] as const) {
      const report = await daily(name);
      const expected = dailyReport((await scan(onlyAgents(name))).ledger.events(), { calendar: utc, prices: new PriceTable() });
      closeTo(report.totals.totalCost, expected.totals.totalCost);
      assert.equal(report.totals.inputTokens, expected.totals.inputTokens, name);
      assert.ok(report.daily.some((d) => d.date === (name === 'opencode' ? '2026-11-29' : '2026-11-30')), name);
    }
  });
});

describe('agent detection', () => {
  it('lists the history folders that exist, by source', async () => {
    const found = await existingAgentRoots({ ...fixtureEnv, TOKENMETER_CLINE_STORAGE_DIRS: storage }, '/nonexistent-home');
    assert.deepEqual(found, [
      { source: 'cline', root: clineTasks },
      { source: 'roo', root: rooTasks },
      { source: 'kilo', root: kiloTasks },
      { source: 'kilo', root: path.join(kiloData, 'kilo.db') },
      { source: 'opencode', root: opencodeMessages },
      { source: 'opencode', root: path.join(opencodeDb, 'storage', 'message') },
      { source: 'opencode', root: path.join(opencodeDb, 'opencode.db') },
      { source: 'gemini', root: geminiTmp },
      { source: 'amp', root: ampThreads },
      { source: 'amp', root: path.join(fixtures, 'amp-backup', 'threads') },
    ]);
  });
});

describe('OpenCode 1.2+ database', () => {
  const dbDir = path.join(fixtures, 'opencode-db');
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-ocdb-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const T = Date.UTC(2026, 10, 29, 12, 0, 0);

  it('reads the message table, overflow pages and the newer pages in the WAL', () => {
    const { usages, malformed } = readOpencodeDatabase(path.join(dbDir, 'opencode.db'));
    assert.equal(malformed, 0);
    // 300 checkpointed replies, one with a 12 KB error (overflow chain), two newer ones only in the WAL; the user message is not usage.
    assert.equal(usages.length, 303);
    assert.equal(new Set(usages.map((u) => u.dedupKey)).size, 303);
    const byKey = new Map(usages.map((u) => [u.dedupKey, u]));
    const base = { session: 'ses_db1', agent: '', project: '/home/dev/api' };
    // msg_0000 was updated after the checkpoint: the WAL copy wins.
    assert.deepEqual(row(byKey.get('opencode:msg_0000')!), { ...base, key: 'opencode:msg_0000', at: T, model: 'claude-sonnet-4-5-20250929', in: 10, out: 400, cw: 0, cr: 1000, cost: 0.003 });
    assert.deepEqual(row(byKey.get('opencode:msg_0300')!), { ...base, key: 'opencode:msg_0300', at: T + 300000, model: 'claude-sonnet-4-5-20250929', in: 7, out: 7, cw: 0, cr: 0, cost: 0.5 });
    assert.deepEqual(row(byKey.get('opencode:msg_0301')!), { ...base, key: 'opencode:msg_0301', at: T + 400000, model: 'gpt-5', in: 2000, out: 400, cw: 0, cr: 4000, cost: undefined });
    closeTo(usages.reduce((sum, u) => sum + (u.event.loggedCostUsd ?? 0), 0), 299 * 0.001 + 0.003 + 0.5 + 0.02);
  });

  it('reads the database alone when there is no WAL, and ignores an unfinished transaction in it', () => {
    cpSync(path.join(dbDir, 'opencode.db'), path.join(dir, 'opencode.db'));
    const alone = readOpencodeDatabase(path.join(dir, 'opencode.db'));
    assert.equal(alone.usages.length, 301);
    assert.equal(alone.usages.find((u) => u.dedupKey === 'opencode:msg_0000')!.event.outputTokens, 100);
    // The WAL's only transaction, cut before its commit frame ends: none of it applies.
    const wal = readFileSync(path.join(dbDir, 'opencode.db-wal'));
    writeFileSync(path.join(dir, 'opencode.db-wal'), wal.subarray(0, wal.length - 100));
    assert.deepEqual(readOpencodeDatabase(path.join(dir, 'opencode.db')).usages.map(row), alone.usages.map(row));
  });

  it('never throws on a damaged database', function () {
    this.timeout(60_000);
    const original = readFileSync(path.join(dbDir, 'opencode.db'));
    assert.deepEqual(readOpencodeDatabase(path.join(dir, 'missing.db')), { usages: [], malformed: 0 });
    writeFileSync(path.join(dir, 'garbage.db'), 'not a database at all, but long enough to have a header..........................................');
    assert.deepEqual(readOpencodeDatabase(path.join(dir, 'garbage.db')), { usages: [], malformed: 1 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(original.length - 1), fc.nat(255)), { minLength: 1, maxLength: 40 }), (flips) => {
      const damaged = Buffer.from(original);
      for (const [at, byte] of flips) damaged[at] = byte;
      writeFileSync(path.join(dir, 'damaged.db'), damaged);
      const result = readOpencodeDatabase(path.join(dir, 'damaged.db'));
      assert.ok(Array.isArray(result.usages) && result.usages.length <= 304);
    }), { numRuns: 150 });
  });

  it('reads the Kilo CLI database (an OpenCode fork) as Kilo usage', () => {
    const { usages } = readOpencodeDatabase(path.join(dbDir, 'opencode.db'), 'kilo');
    assert.equal(usages.length, 303);
    assert.ok(usages.every((u) => u.event.source === 'kilo' && u.dedupKey!.startsWith('kilo:msg_')));
  });

  it('reads column names from a CREATE TABLE statement', () => {
    assert.deepEqual(columnsOf('CREATE TABLE `message` (\n\t`id` text PRIMARY KEY,\n\t"session_id" text NOT NULL,\n\t[data] text,\n\tx integer DEFAULT (1),\n\tCONSTRAINT `fk` FOREIGN KEY (`session_id`) REFERENCES `session`(`id`)\n)'), ['id', 'session_id', 'data', 'x']);
  });
});

describe('OpenCode and Kilo CLI databases in a scan', () => {
  const T = Date.UTC(2026, 10, 29, 12, 0, 0);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-dbscan-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const scanner = (sources: SourceName[], io: 'async' | 'sync') => new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, sources: onlyAgents(...sources), workers: 0, io });
  const output = (s: UsageScanner, at: number) => s.ledger.events().find((e) => e.timestampMs === at)?.outputTokens;

  it('finds opencode.db in the data folder and reads a change to its WAL alone on the next scan, also after a restart from the index', async () => {
    const data = path.join(dir, 'opencode');
    const indexPath = path.join(dir, 'index.json');
    cpSync(path.join(opencodeDb, 'opencode.db'), path.join(data, 'opencode.db'), { recursive: true });
    await withEnv({ TOKENMETER_OPENCODE_DIRS: data }, async () => {
      for (const io of ['async', 'sync'] as const) {
        rmSync(path.join(data, 'opencode.db-wal'), { force: true });
        const first = scanner(['opencode'], io);
        await first.refresh();
        assert.equal(first.ledger.size, 301);
        assert.equal(output(first, T), 100);
        await saveIndex(indexPath, first);
        // OpenCode writes two messages and finishes msg_0000: only the WAL changes, not opencode.db.
        const dbBefore = statSync(path.join(data, 'opencode.db'));
        cpSync(path.join(opencodeDb, 'opencode.db-wal'), path.join(data, 'opencode.db-wal'));
        assert.equal(statSync(path.join(data, 'opencode.db')).mtimeMs, dbBefore.mtimeMs);
        // The restarted host, from the saved index.
        const restarted = scanner(['opencode'], io);
        assert.ok(await loadIndex(indexPath, restarted));
        assert.equal(await restarted.refresh({ full: false }), true, io);
        // The running one, on its next pass.
        assert.equal(await first.refresh(), true, io);
        for (const s of [first, restarted]) {
          assert.equal(s.ledger.size, 303);
          assert.equal(output(s, T), 400);
          assert.equal(s.stats.rebuilds, 0);
        }
        // Nothing changed since: no re-read.
        const versionBefore = first.ledger.version;
        assert.equal(await first.refresh(), false);
        assert.equal(first.ledger.version, versionBefore);
      }
    });
  });

  it('lets the extension host defer re-reading a database whose last read was slow, but not the CLI', async () => {
    const data = path.join(dir, 'opencode');
    const indexPath = path.join(dir, 'index.json');
    cpSync(path.join(opencodeDb, 'opencode.db'), path.join(data, 'opencode.db'), { recursive: true });
    await withEnv({ TOKENMETER_OPENCODE_DIRS: data }, async () => {
      const first = scanner(['opencode'], 'sync');
      await first.refresh();
      const cursor = first.fileCursors().find((c) => c.path.endsWith('opencode.db'))!;
      cursor.wholeFile!.nextReadAtMs = Date.now() + 60_000;
      await saveIndex(indexPath, first);
      cpSync(path.join(opencodeDb, 'opencode.db-wal'), path.join(data, 'opencode.db-wal'));
      const host = scanner(['opencode'], 'async');
      assert.ok(await loadIndex(indexPath, host));
      await host.refresh();
      assert.equal(host.ledger.size, 301, 'deferred');
      const cli = scanner(['opencode'], 'sync');
      assert.ok(await loadIndex(indexPath, cli));
      await cli.refresh();
      assert.equal(cli.ledger.size, 303);
    });
  });

  it('counts a message once when it is both in opencode.db and in a message file left from before the migration', async () => {
    await withEnv({ TOKENMETER_OPENCODE_DIRS: opencodeDb }, async () => {
      const s = scanner(['opencode'], 'async');
      await s.refresh();
      assert.equal(s.stats.files, 3);
      assert.equal(s.ledger.size, 303);
      assert.equal(s.ledger.duplicateCount, 2);
      // msg_0000's file kept its early numbers; the database has the finished reply.
      const finished = s.ledger.events().find((e) => e.timestampMs === T)!;
      assert.equal(finished.outputTokens, 400);
      assert.equal(finished.loggedCostUsd, 0.003);
      // Either alone gives the same messages where they overlap.
      const filesOnly = opencodeAdapter.parse(readFileSync(path.join(opencodeDb, 'storage', 'message', 'ses_db1', 'msg_0001.json'), 'utf8'), { path: 'x', relativePath: 'ses_db1/msg_0001.json' });
      assert.equal(filesOnly.usages[0].dedupKey, readOpencodeDatabase(path.join(opencodeDb, 'opencode.db')).usages.find((u) => u.event.timestampMs === T + 1000)!.dedupKey);
    });
  });

  it('reads the Kilo CLI database as Kilo usage, beside the Kilo Code task folders', async () => {
    await withEnv({ KILO_DATA_DIR: kiloData, TOKENMETER_CLINE_STORAGE_DIRS: storage }, async () => {
      const s = scanner(['kilo'], 'async');
      await s.refresh();
      const fromDb = s.ledger.events().filter((e) => e.sessionId === 'ses_kilo1').map((e) => ({ source: e.source, model: e.model, in: e.inputTokens, out: e.outputTokens, cw: e.cacheWrite5mTokens, cr: e.cacheReadTokens, cost: e.loggedCostUsd }));
      assert.deepEqual(fromDb, [
        // Through the Kilo gateway: router prefix dropped, logged cost kept.
        { source: 'kilo', model: 'claude-sonnet-4.5', in: 1200, out: 300, cw: 800, cr: 5000, cost: 0.0123 },
        // Through a Claude subscription (cost 0), only in kilo.db-wal: reasoning is output, priced at list.
        { source: 'kilo', model: 'claude-sonnet-4-5-20250929', in: 50, out: 600, cw: 0, cr: 20000, cost: undefined },
      ]);
      assert.equal(s.ledger.size, 4, 'and the two Kilo Code task requests');
    });
  });

  it('hands each file to the adapter that found it', () => {
    assert.equal(adapterForFile('kilo', 'kilo.db'), kiloDatabaseAdapter);
    assert.equal(adapterForFile('kilo', 'kilo-beta-fix.db'), kiloDatabaseAdapter);
    assert.equal(adapterForFile('kilo', '1763800000000/ui_messages.json'), kiloAdapter);
    assert.equal(adapterForFile('opencode', 'opencode.db'), opencodeDatabaseAdapter);
    assert.equal(adapterForFile('opencode', 'opencode-local.db'), opencodeDatabaseAdapter);
    assert.equal(adapterForFile('opencode', 'ses_1/msg_1.json'), opencodeAdapter);
    for (const name of ['opencode.db-wal', 'opencode.db-shm', 'auth.json', 'kilo.db-wal']) {
      assert.equal(adapterForFile('opencode', name), undefined, name);
      assert.equal(adapterForFile('kilo', name), undefined, name);
    }
    // The adapters of one source never claim the same file.
    const samples = ['kilo.db', 'opencode.db', 'opencode-dev.db', 't/ui_messages.json', 'ses/msg.json', 'p/chats/s.jsonl', 'T-1.json'];
    for (const source of sourceNames) {
      for (const rel of samples) assert.ok(agentAdapters.filter((a) => a.source === source && a.accepts(rel)).length <= 1, `${source} ${rel}`);
    }
  });

  it('looks for the databases where OpenCode and Kilo write them', () => {
    const home = '/home/u';
    assert.deepEqual(opencodeDatabaseAdapter.roots({}, home), [path.resolve('/home/u/.local/share/opencode')]);
    assert.deepEqual(opencodeDatabaseAdapter.roots({ XDG_DATA_HOME: '/data' }, home), [path.resolve('/data/opencode')]);
    assert.deepEqual(kiloDatabaseAdapter.roots({}, home), [path.resolve('/home/u/.local/share/kilo')]);
    assert.deepEqual(kiloDatabaseAdapter.roots({ KILO_DATA_DIR: '/k1,/k2' }, home), [path.resolve('/k1'), path.resolve('/k2')]);
    assert.deepEqual(opencodeDatabaseAdapter.companions('/d/opencode.db'), ['/d/opencode.db-wal']);
  });
});

describe('half-written task files', () => {
  it('finds the last complete message even when later messages quote JSON', () => {
    const messages = [
      { ts: 1000, type: 'say', say: 'api_req_started', text: JSON.stringify({ tokensIn: 1, tokensOut: 2, cost: 0.5 }) },
      ...Array.from({ length: 6 }, (_, i) => ({ ts: 2000 + i, type: 'say', say: 'text', text: 'const a = [{x: 1}, {y: 2}, {z: 3}, {w: 4}, {v: 5}];' })),
    ];
    const text = JSON.stringify(messages);
    const cut = text.slice(0, text.length - 20);
    const { usages, malformed } = clineAdapter.parse(cut, { path: path.join(os.tmpdir(), 'none', 't', 'ui_messages.json'), relativePath: 't/ui_messages.json' });
    assert.equal(usages.length, 1);
    assert.equal(malformed, 1);
  });
});
