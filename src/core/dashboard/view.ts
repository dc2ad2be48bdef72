import { periodAt, type PeriodKind } from '../calendar';
import type { DashboardAlert, DashboardQuery, DashboardView, ModelRow, SessionRow, TokensByKind, ViewPatch } from '../protocol';
import { sessionKey, viewSectionKeys } from '../protocol';
import type { BudgetSettings } from '../settings';
import type { EstimatedSpend } from '../status/estimatedSpend';
import { englishUsd, type Formatter } from '../format';
import type { Limit } from '../status/limit';
import type { SourceName } from '../usageEvent';
import { cellTokens, dateKeyOfDay, dayMs, emptyCell, localDayOf, maxModelsDrawn, mergeCell, otherModels, startOfDay, type Cell, type DashboardIndex } from './dashboardIndex';
import { gaugesOf } from './gauges';
import { resolveRange } from './range';

export interface ViewOptions {
  nowMs: number;
  /** The spend estimated from the logs: budgets, official limits and the 5-hour block (all sources). */
  estimatedSpend?: EstimatedSpend;
  budget?: BudgetSettings;
  /** Every limit from the status model (`computeStatus(...).limits`), one gauge each; default: the estimated spend's caps and Codex windows. */
  limits?: readonly Limit[];
  /** Words and money for the labels (default English/USD). */
  fmt?: Formatter;
  /** Alerts in force (see `runawayAlertItems`). */
  alerts?: DashboardAlert[];
  /** The session table is capped; the rest are counted in `sessions.total`. */
  maxSessionRows?: number;
  topCount?: number;
}



export function tokensByKindOf(cell: Cell, cacheSavingsUsd: number): TokensByKind {
  const prompt = cell.inputTokens + cell.cacheWrite5mTokens + cell.cacheWrite1hTokens + cell.cacheReadTokens;
  return {
    inputTokens: cell.inputTokens,
    outputTokens: cell.outputTokens,
    cacheWrite5mTokens: cell.cacheWrite5mTokens,
    cacheWrite1hTokens: cell.cacheWrite1hTokens,
    cacheReadTokens: cell.cacheReadTokens,
    cacheHitRatio: prompt > 0 ? cell.cacheReadTokens / prompt : 0,
    cacheSavingsUsd,
  };
}

export function matchesSource(source: SourceName, filter: DashboardQuery['source']): boolean {
  return filter === 'all' || filter === source;
}

export function byCostThenTokens<T extends { costUsd: number; tokens: number }>(a: T, b: T): number {
  return b.costUsd - a.costUsd || b.tokens - a.tokens;
}

/**
 * Exactly what the dashboard draws for `query` at `nowMs`: bounded by the
 * range's days, the drawn models and the table's row cap, whatever the history's size.
 */
export function buildDashboardView(index: DashboardIndex, query: DashboardQuery, options: ViewOptions): DashboardView {
  const { nowMs, estimatedSpend: spend, budget } = options;
  const fmt = options.fmt ?? englishUsd;
  const { calendar, prices } = index;
  const range = resolveRange(query, calendar, nowMs, fmt);
  const dayCount = range.lastDay - range.firstDay + 1;
  const today = localDayOf(calendar, nowMs);
  const days = Array.from({ length: dayCount }, (_, i) => dateKeyOfDay(range.firstDay + i));

  // Cumulative spend is about the budget period, so it spans that period and every source.
  const cumulativeKind: PeriodKind = budget?.monthlyUsd !== undefined || budget?.weeklyUsd === undefined ? 'month' : 'week';
  const period = periodAt(calendar, cumulativeKind, nowMs, { weekStartsOn: budget?.weekStartsOn, resetDayOfMonth: budget?.resetDayOfMonth });
  const periodFirstDay = localDayOf(calendar, period.startMs);
  const periodLastDay = localDayOf(calendar, period.endMs - 1);
  const periodCostByDay = new Float64Array(periodLastDay - periodFirstDay + 1);

  const total = emptyCell();
  const todayCell = emptyCell();
  const tokensByDay = new Array<number>(dayCount).fill(0);
  const costByDay = new Float64Array(dayCount);
  const requestsByDay = new Float64Array(dayCount);
  const models = new Map<string, { cell: Cell; costByDay: Float64Array }>();
  let cacheSavingsUsd = 0;

  for (const cell of index.dayCells()) {
    if (cell.day >= periodFirstDay && cell.day <= periodLastDay) periodCostByDay[cell.day - periodFirstDay] += cell.costUsd;
    if (cell.day < range.firstDay || cell.day > range.lastDay || !matchesSource(cell.source, query.source)) continue;
    const at = cell.day - range.firstDay;
    mergeCell(total, cell);
    if (cell.day === today) mergeCell(todayCell, cell);
    tokensByDay[at] += cellTokens(cell);
    costByDay[at] += cell.costUsd;
    requestsByDay[at] += cell.requests;
    let model = models.get(cell.model);
    if (!model) models.set(cell.model, (model = { cell: emptyCell(), costByDay: new Float64Array(dayCount) }));
    mergeCell(model.cell, cell);
    model.costByDay[at] += cell.costUsd;
    const rates = prices.ratesFor(cell.model);
    if (rates) cacheSavingsUsd += (cell.cacheReadTokens * (rates.inputPerMTok - rates.cacheReadPerMTok)) / 1e6;
  }

  // Daily spend stacked by model: the costliest few, the rest folded together.
  const rankedModels = [...models.entries()].map(([name, m]) => ({ name, ...m, costUsd: m.cell.costUsd, tokens: cellTokens(m.cell) })).sort(byCostThenTokens);
  const drawn = rankedModels.length > maxModelsDrawn ? rankedModels.slice(0, maxModelsDrawn - 1) : rankedModels;
  const costUsdByModel = drawn.map((m) => Array.from(m.costByDay));
  const drawnModels = drawn.map((m) => m.name);
  if (rankedModels.length > drawn.length) {
    const rest = new Array<number>(dayCount).fill(0);
    for (const m of rankedModels.slice(drawn.length)) for (let d = 0; d < dayCount; d++) rest[d] += m.costByDay[d];
    costUsdByModel.push(rest);
    drawnModels.push(otherModels);
  }

  const dailyCap = spend?.budgets.find((b) => b.period === 'day' && b.unit === 'usd')?.limit;
  let projection: DashboardView['daily']['projection'];
  if (today >= range.firstDay && today <= range.lastDay) {
    const dayEndMs = startOfDay(calendar, today + 1);
    const block = query.source === 'all' ? spend?.block : undefined;
    // The live 5-hour block's pace, carried to the block's end (or midnight if sooner): a burst at
    // 00:10 must not be extrapolated over a whole day. No active block, no projection.
    if (block && block.endMs > nowMs && todayCell.costUsd > 0) {
      const untilMs = Math.min(block.endMs, dayEndMs);
      projection = { dayIndex: today - range.firstDay, costUsd: todayCell.costUsd + (block.usdPerHour / 3_600_000) * Math.max(untilMs - nowMs, 0) };
    }
  }

  // Sessions and projects: sums of each session's days inside the range.
  const rows: SessionRow[] = [];
  const sessionsByDay = new Array<number>(dayCount).fill(0);
  const projects = new Map<string, { cell: Cell; sessions: number }>();
  for (const session of index.sessionEntries()) {
    if (!matchesSource(session.source, query.source)) continue;
    if (session.lastMs < range.startMs - dayMs || session.firstMs >= range.endMs + dayMs) continue;
    const cell = emptyCell();
    let firstMs = Infinity;
    let lastMs = -Infinity;
    for (const [day, sessionDay] of session.byDay) {
      if (day < range.firstDay || day > range.lastDay) continue;
      mergeCell(cell, sessionDay);
      sessionsByDay[day - range.firstDay]++;
      if (sessionDay.firstMs < firstMs) firstMs = sessionDay.firstMs;
      if (sessionDay.lastMs > lastMs) lastMs = sessionDay.lastMs;
    }
    if (cell.requests === 0) continue;
    rows.push({
      sessionId: session.sessionId,
      source: session.source,
      project: session.project,
      models: [...session.models].sort(),
      subAgents: session.agents.size,
      startMs: firstMs,
      endMs: lastMs,
      requests: cell.requests,
      tokens: cellTokens(cell),
      costUsd: cell.costUsd,
      unpricedTokens: cell.unpricedTokens,
    });
    let project = projects.get(session.project);
    if (!project) projects.set(session.project, (project = { cell: emptyCell(), sessions: 0 }));
    mergeCell(project.cell, cell);
    project.sessions++;
  }
  rows.sort((a, b) => byCostThenTokens(a, b) || b.endMs - a.endMs);
  const topCount = options.topCount ?? 10;
  const maxRows = options.maxSessionRows ?? 1_000;

  const modelRows: ModelRow[] = rankedModels.map((m) => {
    const rates = prices.ratesFor(m.name);
    return {
      model: m.name,
      priced: rates !== undefined,
      priceId: rates?.priceId ?? '',
      origin: rates?.origin ?? 'unpriced',
      inputPerMTok: rates?.inputPerMTok ?? null,
      outputPerMTok: rates?.outputPerMTok ?? null,
      cacheWritePerMTok: rates?.cacheWrite5mPerMTok ?? null,
      cacheReadPerMTok: rates?.cacheReadPerMTok ?? null,
      requests: m.cell.requests,
      tokens: m.tokens,
      costUsd: m.costUsd,
    };
  });

  // Cumulative spend through today, then the average so far carried to the period's end.
  const periodDays = periodCostByDay.length;
  const spentUsd: (number | null)[] = [];
  const projectedUsd: (number | null)[] = [];
  let running = 0;
  for (let d = 0; d < periodDays; d++) {
    running += periodCostByDay[d];
    spentUsd.push(periodFirstDay + d <= today ? running : null);
  }
  const spentSoFar = spentUsd[Math.min(Math.max(today - periodFirstDay, 0), periodDays - 1)] ?? 0;
  const periodRatePerMs = spentSoFar / Math.max(nowMs - period.startMs, 3_600_000);
  for (let d = 0; d < periodDays; d++) {
    const day = periodFirstDay + d;
    projectedUsd.push(day < today ? null : spentSoFar + periodRatePerMs * Math.max(Math.min(startOfDay(calendar, day + 1), period.endMs) - nowMs, 0));
  }
  const periodCap = spend?.budgets.find((b) => b.period === cumulativeKind && b.unit === 'usd')?.limit;

  const activeDays = requestsByDay.reduce((n, r) => n + (r > 0 ? 1 : 0), 0);
  const totalTokens = cellTokens(total);
  return {
    nowMs,
    timeZone: calendar.timeZone,
    query,
    rangeLabel: range.label,
    sources: index.sources().sort(),
    header: {
      gauges: gaugesOf(spend, options.limits, calendar, nowMs, budget, fmt),
      todayCostUsd: todayCell.costUsd,
      todayTokens: cellTokens(todayCell),
      rangeCostUsd: total.costUsd,
      rangeTokens: totalTokens,
      rangeRequests: total.requests,
      unpricedTokens: total.unpricedTokens,
      unpricedModels: modelRows.filter((m) => !m.priced).map((m) => m.model).sort(),
      ...(spend?.block ? { block: spend.block } : {}),
    },
    alerts: options.alerts ?? [],
    daily: {
      days,
      models: drawnModels,
      costUsdByModel,
      tokensByDay,
      sessionsByDay,
      ...(dailyCap !== undefined ? { capUsd: dailyCap } : {}),
      ...(projection ? { projection } : {}),
    },
    cumulative: {
      label: cumulativeKind === 'month'
        ? fmt.l10n.t('This month ({0} – {1}), all sources', dateKeyOfDay(periodFirstDay), dateKeyOfDay(periodLastDay))
        : fmt.l10n.t('This week ({0} – {1}), all sources', dateKeyOfDay(periodFirstDay), dateKeyOfDay(periodLastDay)),
      days: Array.from({ length: periodDays }, (_, d) => dateKeyOfDay(periodFirstDay + d)),
      spentUsd,
      projectedUsd,
      ...(periodCap !== undefined ? { capUsd: periodCap } : {}),
    },
    tokensByKind: tokensByKindOf(total, cacheSavingsUsd),
    topSessions: rows.slice(0, topCount).map((r) => ({ name: r.sessionId, costUsd: r.costUsd, tokens: r.tokens, detail: r.project })),
    topProjects: [...projects.entries()]
      .map(([name, p]) => ({ name, costUsd: p.cell.costUsd, tokens: cellTokens(p.cell), detail: p.sessions === 1 ? fmt.l10n.t('1 session') : fmt.l10n.t('{0} sessions', p.sessions) }))
      .sort(byCostThenTokens)
      .slice(0, topCount),
    sessions: { rows: rows.slice(0, maxRows), total: rows.length },
    models: modelRows,
    perResult: {
      sessions: rows.length,
      activeDays,
      requests: total.requests,
      costPerSessionUsd: rows.length > 0 ? total.costUsd / rows.length : 0,
      costPerActiveDayUsd: activeDays > 0 ? total.costUsd / activeDays : 0,
      costPerRequestUsd: total.requests > 0 ? total.costUsd / total.requests : 0,
      tokensPerRequest: total.requests > 0 ? totalTokens / total.requests : 0,
      costPerSessionByDay: Array.from(costByDay, (c, d) => (sessionsByDay[d] > 0 ? c / sessionsByDay[d] : null)),
    },
  };
}

/**
 * The sections of `next` that differ from `previous`, for a live update; null
 * when the page needs the whole view (first view, or another query).
 */
export function viewPatch(previous: DashboardView | undefined, next: DashboardView): ViewPatch | null {
  if (!previous || JSON.stringify(previous.query) !== JSON.stringify(next.query) || previous.rangeLabel !== next.rangeLabel) return null;
  const patch: ViewPatch = { nowMs: next.nowMs, query: next.query };
  for (const key of viewSectionKeys) {
    if (key === 'sessions') continue;
    if (JSON.stringify(previous[key]) !== JSON.stringify(next[key])) (patch as Record<string, unknown>)[key] = next[key];
  }
  // A live update touches a few sessions: send those rows, not the table.
  const before = new Map(previous.sessions.rows.map((r) => [sessionKey(r), JSON.stringify(r)]));
  const upserts: SessionRow[] = [];
  for (const row of next.sessions.rows) {
    const key = sessionKey(row);
    if (before.get(key) !== JSON.stringify(row)) upserts.push(row);
    before.delete(key);
  }
  const removedKeys = [...before.keys()];
  if (upserts.length > 0 || removedKeys.length > 0 || previous.sessions.total !== next.sessions.total) {
    patch.sessionsDelta = { upserts, removedKeys, total: next.sessions.total };
  }
  return patch;
}


/** One session's breakdown by model and by agent (main agent first). Scans the events once. */
