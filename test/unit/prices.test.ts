import assert from 'node:assert/strict';
import { emptyTally } from '../../src/core/lineParser';
import { parseClaudeLines, usageFromClaudeRecord } from '../../src/sources/agents/claude/parser';
import { newCodexFileState, usageFromCodexRecord } from '../../src/sources/agents/codex/records';
import { Ledger } from '../../src/core/ledger/ledger';
import { PriceTable } from '../../src/core/pricing';
import { aliasFor, priceAdjustments, splitSpeed } from '../../src/core/priceData';
import { priceAdjustmentsSchema } from '../../src/core/priceDataSchema';
import { dailyReport } from '../../src/core/reports';
import type { ParsedUsage } from '../../src/core/usageEvent';
import { Calendar } from '../../src/core/calendar';

const file = { project: '-home-dev-app', sessionId: 's1', agentId: '' };

// Issue 21's sample: a Claude Code fast-mode line. The same usage object (speed "fast",
// 5m/1h cache split, service_tier) is the shape Claude Code 2.1.36+ writes, documented at
// https://platform.claude.com/docs/en/build-with-claude/fast-mode ("The response's usage object includes a speed field").
const fastLine = '{"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_fast1","usage":{"input_tokens":10,"cache_creation_input_tokens":150,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":50},"cache_read_input_tokens":500,"output_tokens":42,"service_tier":"standard","speed":"fast"}},"requestId":"req1","timestamp":"2026-04-07T10:00:00Z","sessionId":"s1"}';

function parsed(line: string): ParsedUsage {
  const outcome = usageFromClaudeRecord(JSON.parse(line), file);
  assert.ok(typeof outcome === 'object', `expected usage, got ${String(outcome)}`);
  return outcome;
}

function closeTo(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
}

describe('prices from data (issue 21)', () => {
  it('prices a Claude fast-mode request at the fast multiplier: $0.01485, not the standard $0.002475', () => {
    const { event } = parsed(fastLine);
    assert.equal(event.model, 'claude-opus-4-6-fast');
    const prices = new PriceTable();
    closeTo(prices.costOf(event), 0.01485);
    closeTo(prices.costOf({ ...event, model: 'claude-opus-4-6' }), 0.002475);
    assert.equal(prices.ratesFor('claude-opus-4-6-fast')?.speed, 'fast');
  });

  it('takes the fast multiplier per model from the data (Opus 5 fast is 2x)', () => {
    const prices = new PriceTable();
    const standard = prices.ratesFor('claude-opus-5')!;
    const fast = prices.ratesFor('claude-opus-5-fast')!;
    assert.equal(fast.inputPerMTok, standard.inputPerMTok * 2);
    assert.equal(fast.outputPerMTok, standard.outputPerMTok * 2);
    // Multipliers live in the dated data file, one entry per price id and speed.
    assert.deepEqual(priceAdjustments.speeds.filter((s) => s.priceId === 'claude-opus-5').map((s) => s.multiplier), [2]);
  });

  it('bills Opus 4.6 fast above 200K input tokens at the documented $60/$225 per MTok', () => {
    const rates = new PriceTable().ratesFor('claude-opus-4-6-fast')!;
    assert.equal(rates.longContext?.thresholdTokens, 200_000);
    assert.equal(rates.longContext?.rates.inputPerMTok, 60);
    assert.equal(rates.longContext?.rates.outputPerMTok, 225);
  });

  it('leaves a fast request unpriced when the data has no multiplier for that model, instead of the standard rate', () => {
    const prices = new PriceTable();
    assert.equal(prices.ratesFor('claude-sonnet-5-fast'), undefined);
    assert.ok(prices.ratesFor('claude-sonnet-5'));
  });

  it('does not mistake a model whose own id ends in -fast for a speed', () => {
    assert.deepEqual(splitSpeed('claude-opus-4-6-fast'), { model: 'claude-opus-4-6', speed: 'fast' });
    const prices = new PriceTable({ 'acme-coder-fast': { inputPerMTok: 1, outputPerMTok: 2 } });
    assert.equal(prices.ratesFor('acme-coder-fast')?.inputPerMTok, 1);
  });

  it('bills web searches per search from the price data ($10 per 1,000 on Anthropic)', () => {
    // Usage shape from Anthropic's web search tool docs:
    // https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool ("server_tool_use":{"web_search_requests":1})
    const line = '{"type":"assistant","message":{"model":"claude-sonnet-5","id":"msg_ws1","usage":{"input_tokens":105,"output_tokens":6039,"cache_read_input_tokens":7123,"cache_creation_input_tokens":7345,"server_tool_use":{"web_search_requests":3,"web_fetch_requests":1}}},"requestId":"req_ws1","timestamp":"2026-11-20T10:00:00Z","sessionId":"s1"}';
    const { event } = parsed(line);
    assert.equal(event.webSearchRequests, 3);
    const prices = new PriceTable();
    const withoutSearches = prices.costOf({ ...event, webSearchRequests: undefined })!;
    closeTo(prices.costOf(event), withoutSearches + 0.03);
  });

  it('keeps web searches through the ledger and its saved index', () => {
    const line = '{"type":"assistant","message":{"model":"claude-sonnet-5","id":"msg_ws2","usage":{"input_tokens":1,"output_tokens":2,"server_tool_use":{"web_search_requests":2}}},"requestId":"r","timestamp":"2026-11-20T10:00:00Z","sessionId":"s1"}';
    const ledger = new Ledger();
    const usage = parsed(line);
    ledger.add(usage, 0);
    const restored = Ledger.deserialize(ledger.serialize());
    assert.equal(restored.events()[0].webSearchRequests, 2);
  });

  it('prices codex-auto-review as the model it runs on, by a dated data entry', () => {
    const prices = new PriceTable();
    const reviewer = prices.ratesFor('codex-auto-review', Date.parse('2026-11-01T00:00:00Z'));
    const gpt54 = prices.ratesFor('gpt-5.4');
    assert.ok(reviewer && gpt54);
    assert.equal(reviewer.inputPerMTok, gpt54.inputPerMTok);
    assert.equal(aliasFor('codex-auto-review', Date.parse('2026-01-01T00:00:00Z')), undefined);
    assert.equal(prices.ratesFor('codex-auto-review', Date.parse('2026-01-01T00:00:00Z')), undefined);
  });

  it('reads a codex-auto-review turn from a rollout and prices its tokens', () => {
    // Shape of a Codex Desktop rollout (openai/codex codex-rs/protocol: turn_context.model, event_msg token_count).
    const state = newCodexFileState('019a-review');
    usageFromCodexRecord({ type: 'turn_context', timestamp: '2026-11-02T09:00:00Z', payload: { cwd: '/w', model: 'codex-auto-review' } }, state);
    const outcome = usageFromCodexRecord({
      type: 'event_msg', timestamp: '2026-11-02T09:00:05Z',
      payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 12000, cached_input_tokens: 10000, output_tokens: 300, reasoning_output_tokens: 100, total_tokens: 12300 } }, rate_limits: null },
    }, state);
    assert.ok(typeof outcome === 'object');
    assert.equal(outcome.event.model, 'codex-auto-review');
    const cost = new PriceTable().costOf(outcome.event);
    closeTo(cost, (2000 * 2.5 + 10000 * 0.25 + 300 * 15) / 1e6);
  });

  it('prices a new version of a known family as its nearest known version, labelled estimated', () => {
    const prices = new PriceTable();
    const rates = prices.ratesFor('claude-fable-5-2');
    assert.ok(rates);
    assert.equal(rates.estimatedFrom, 'claude-fable-5-1');
    assert.equal(prices.ratesFor('claude-fable-5-1')?.estimatedFrom, undefined);
    // A family the data has never seen stays unpriced.
    assert.equal(prices.ratesFor('claude-mythos-5-2'), undefined);
  });

  it('labels the estimate and the data date in the daily report', () => {
    const { event } = parsed(fastLine.replace('claude-opus-4-6', 'claude-fable-5-2').replace('"speed":"fast"', '"speed":"standard"'));
    const report = dailyReport([event], { calendar: new Calendar('UTC'), prices: new PriceTable() });
    assert.deepEqual(report.estimatedPrices, [{ model: 'claude-fable-5-2', pricedAs: 'claude-fable-5-1' }]);
    assert.equal(report.priceDataDate, priceAdjustments.dataDate);
    assert.deepEqual(report.unpricedModels, []);
  });

  it('prices from refreshed price data first, exact and unlabelled ($8/$40 Fable 5.2)', () => {
    const refreshed = {
      dataDate: '2026-11-10',
      providers: [{ id: 'anthropic', name: 'Anthropic', api_pattern: 'x', models: [{ id: 'claude-fable-5-2', match: { starts_with: 'claude-fable-5-2' }, prices: { input_mtok: 8, output_mtok: 40, cache_read_mtok: 0.2 } }] }],
    };
    const prices = new PriceTable({}, { refreshed });
    const rates = prices.ratesFor('claude-fable-5-2');
    assert.equal(rates?.inputPerMTok, 8);
    assert.equal(rates?.outputPerMTok, 40);
    assert.equal(rates?.estimatedFrom, undefined);
    // Models the refreshed file lacks still come from the bundled data.
    assert.equal(prices.ratesFor('claude-sonnet-5')?.inputPerMTok, 2);
  });

  it('counts lines without a type as skipped, visibly', () => {
    const untyped = '{"message":{"model":"claude-sonnet-5","id":"m","usage":{"input_tokens":1,"output_tokens":1}},"timestamp":"2026-11-20T10:00:00Z"}';
    const buf = Buffer.from(`${untyped}\n${fastLine}\n`);
    const tally = emptyTally();
    const seen: ParsedUsage[] = [];
    parseClaudeLines(buf, 0, buf.length, file, (u) => seen.push(u), tally);
    assert.equal(seen.length, 1);
    assert.equal(tally.malformedLines, 1);
    assert.equal(usageFromCodexRecord({ payload: { type: 'token_count' } }, newCodexFileState('x')), 'malformed');
  });

  it('ships price data that validates against its schema and names a source for every entry', () => {
    const data = priceAdjustmentsSchema.parse(priceAdjustments);
    for (const entry of [...data.speeds, ...data.aliases]) assert.match(entry.source, /^https:\/\//);
  });
});
