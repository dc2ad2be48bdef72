import type { PriceTable } from '../pricing';
import type { SessionDetails } from '../protocol';
import type { UsageEvent } from '../usageEvent';
import { addToCell, cellTokens, emptyCell, type Cell } from './dashboardIndex';
import { byCostThenTokens, tokensByKindOf } from './view';

export function sessionDetails(events: readonly UsageEvent[], sessionId: string, prices: PriceTable): SessionDetails | null {
  const total = emptyCell();
  const byModel = new Map<string, Cell & { firstMs: number; lastMs: number }>();
  const byAgent = new Map<string, Cell & { firstMs: number; lastMs: number }>();
  let found: UsageEvent | undefined;
  let startMs = Infinity;
  let endMs = -Infinity;
  let cacheSavingsUsd = 0;
  for (const e of events) {
    if (e.sessionId !== sessionId) continue;
    found ??= e;
    if (e.source !== found.source) continue;
    const costUsd = prices.costOf(e);
    addToCell(total, e, costUsd);
    startMs = Math.min(startMs, e.timestampMs);
    endMs = Math.max(endMs, e.timestampMs);
    for (const [map, key] of [[byModel, e.model], [byAgent, e.agentId]] as const) {
      let cell = map.get(key);
      if (!cell) map.set(key, (cell = { ...emptyCell(), firstMs: e.timestampMs, lastMs: e.timestampMs }));
      addToCell(cell, e, costUsd);
      cell.firstMs = Math.min(cell.firstMs, e.timestampMs);
      cell.lastMs = Math.max(cell.lastMs, e.timestampMs);
    }
    const rates = prices.ratesFor(e.model);
    if (rates) cacheSavingsUsd += (e.cacheReadTokens * (rates.inputPerMTok - rates.cacheReadPerMTok)) / 1e6;
  }
  if (!found) return null;
  const breakdown = ([name, c]: [string, Cell & { firstMs: number; lastMs: number }]) => ({ name, requests: c.requests, tokens: cellTokens(c), costUsd: c.costUsd, firstMs: c.firstMs, lastMs: c.lastMs });
  return {
    sessionId,
    source: found.source,
    project: found.project,
    startMs,
    endMs,
    requests: total.requests,
    costUsd: total.costUsd,
    tokensByKind: tokensByKindOf(total, cacheSavingsUsd),
    byModel: [...byModel.entries()].map(breakdown).sort(byCostThenTokens),
    byAgent: [...byAgent.entries()].map(breakdown).sort((a, b) => (a.name === '' ? -1 : b.name === '' ? 1 : byCostThenTokens(a, b))),
  };
}

