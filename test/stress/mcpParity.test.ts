/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers from child processes, read field by field */
// Every MCP tool against the CLI command that prints the same numbers, on the same logs: one core,
// no second set of numbers. (Quota against `status --json` runs in the unit suite.) Each comparison
// spawns a CLI command beside the server, so this lives in test:stress.
import { strict as assert } from 'node:assert';
import { runCli, useMcpOnLogs } from '../helpers/mcpHarness';

describe('tokenmeter mcp answers what estimate, route, session and alerts print', function () {
  this.timeout(300_000);
  const fx = useMcpOnLogs();

  it('estimate_task answers what estimate --json prints', async () => {
    for (const task of ['add CSV export to the reports page', 'fix the crash in the upload form', 'design a multi-region failover for the queue']) {
      const [estimate, cli] = [await fx.mcp.call('estimate_task', { description: task }), await fx.cliJson(['estimate', task, '--json'])];
      for (const key of ['kind', 'basis', 'sampleSize', 'tokens', 'cost', 'suggested', 'basisNote']) assert.deepEqual(estimate[key], cli[key], `${task}: ${key}`);
      assert.equal(typeof estimate.suggestedP50ShareOfRemainingPercent, 'number');
    }
    const withContext = await fx.mcp.call('estimate_task', { description: 'review this PR for bugs', contextTokens: 40_000 });
    const cli = await fx.cliJson(['estimate', 'review this PR for bugs', '--context-tokens', '40000', '--json']);
    assert.deepEqual(withContext.tokens, cli.tokens);
  });

  it('route answers what route --json prints for each request', async () => {
    const requests = [
      { prompt: 'rename foo to bar in this file', contextTokens: 300, currentModel: 'claude-opus-4-5' },
      { prompt: 'fix the race in the lock-free queue', contextTokens: 2000 },
      { prompt: 'port the scheduler to Rust', language: 'rust' },
    ];
    const lines = (await runCli(fx.cliJs, ['route', '--json'], fx.env, requests.map((r) => JSON.stringify(r)).join('\n') + '\n')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const [i, request] of requests.entries()) {
      const route = await fx.mcp.call('route', request);
      for (const key of ['tier', 'model', 'confidence', 'reason', 'kind', 'savingVsCurrentPct']) assert.deepEqual(route[key], lines[i][key], `${request.prompt}: ${key}`);
    }
  });

  it('session_cost counts what session --json counts, sub-agents included', async () => {
    const report = await fx.cliJson(['session', '--json']);
    for (const row of report.sessions) {
      const { session } = (await fx.mcp.call('session_cost', { sessionId: row.sessionId })) as any;
      assert.ok(Math.abs(session.costUsd - row.totalCost) < 1e-9, row.sessionId);
      assert.equal(session.tokens.total, row.totalTokens, row.sessionId);
      assert.equal(session.subAgents.count, row.subAgents, row.sessionId);
    }
    const byCwd = (await fx.mcp.call('session_cost', { cwd: '/home/dev/shop' })).session as any;
    const byId = (await fx.mcp.call('session_cost', { sessionId: 'sess-live' })).session as any;
    const { live: _a, ...cwdRest } = byCwd;
    const { live: _b, ...idRest } = byId;
    assert.deepEqual(cwdRest, idRest);
    assert.ok(byId.live && byId.live.usdPerHour > 0 && byId.live.activeAgents === 1, JSON.stringify(byId.live));
  });

  it('runaway_status lists the live sessions alerts --json lists, with a concurrency cap', async () => {
    const [runaway, alerts] = [await fx.mcp.call('runaway_status'), await fx.cliJson(['alerts', '--json'])];
    const sessions = runaway.sessions as any[];
    assert.deepEqual(sessions.map((s) => s.sessionId), alerts.sessions.map((s: any) => s.sessionId));
    assert.ok(sessions.some((s) => s.sessionId === 'sess-live'));
    for (const s of sessions) assert.ok(Math.abs(s.costSoFarUsd - alerts.sessions.find((a: any) => a.sessionId === s.sessionId).costSoFarUsd) < 1e-6);
    assert.deepEqual((runaway.alerts as any[]).map((a) => a.kind), alerts.alerts.map((a: any) => a.kind));
    const cap = runaway.suggestedConcurrency as any;
    assert.ok(cap.maxConcurrentSubagents >= 1 && cap.envLine === `CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=${cap.maxConcurrentSubagents}`);
  });
});
