import { periodAt, type Calendar, type PeriodKind } from './calendar';
import type { PriceTable } from './pricing';
import type { RunawayAlert, RunawayKind } from './runaway';
import type {
  DashboardAlert,
  DashboardQuery,
  DashboardView,
  Gauge,
  ModelRow,
  SessionDetails,
  SessionRow,
  TokensByKind,
  ViewPatch,
} from './protocol';
import { sessionKey, viewSectionKeys } from './protocol';
import type { BudgetSettings } from './settings';
import type { StatusSnapshot } from './snapshot';
import { englishUsd, type Formatter } from './format';
import { levelOf, limitsOfCaps, limitsOfCodex, type Limit } from './status/limit';
import { totalTokensOf, type SourceName, type UsageEvent } from './usageEvent';

const dayMs = 86_400_000;
const maxModelsDrawn = 6;
const otherModels = 'other models';

/** Sums of one group of requests. */
interface Cell {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  unpricedTokens: number;
  requests: number;
}

function emptyCell(): Cell {
  return { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, costUsd: 0, unpricedTokens: 0, requests: 0 };
}

function addToCell(cell: Cell, e: UsageEvent, costUsd: number | null): void {
  cell.inputTokens += e.inputTokens;
  cell.outputTokens += e.outputTokens;
  cell.cacheWrite5mTokens += e.cacheWrite5mTokens;
  cell.cacheWrite1hTokens += e.cacheWrite1hTokens;
  cell.cacheReadTokens += e.cacheReadTokens;
  if (costUsd === null) cell.unpricedTokens += totalTokensOf(e);
  else cell.costUsd += costUsd;
  cell.requests++;
}

function mergeCell(into: Cell, from: Cell): void {
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.cacheWrite5mTokens += from.cacheWrite5mTokens;
  into.cacheWrite1hTokens += from.cacheWrite1hTokens;
  into.cacheReadTokens += from.cacheReadTokens;
  into.costUsd += from.costUsd;
  into.unpricedTokens += from.unpricedTokens;
  into.requests += from.requests;
}

function cellTokens(c: Cell): number {
  return c.inputTokens + c.outputTokens + c.cacheWrite5mTokens + c.cacheWrite1hTokens + c.cacheReadTokens;
}

interface DayModelCell extends Cell {
  day: number;
  source: SourceName;
  model: string;
}

interface SessionDayCell extends Cell {
  firstMs: number;
  lastMs: number;
}

interface SessionEntry {
  sessionId: string;
  source: SourceName;
  project: string;
  firstMs: number;
  lastMs: number;
  models: Set<string>;
  agents: Set<string>;
  byDay: Map<number, SessionDayCell>;
}

/** Local day number (days since 1970-01-01 in the calendar's zone) of an instant. */
export function localDayOf(calendar: Calendar, epochMs: number): number {
  return Math.floor((epochMs + calendar.offsetMs(epochMs)) / dayMs);
}

export function dateKeyOfDay(day: number): string {
  return new Date(day * dayMs).toISOString().slice(0, 10);
}

function dayOfDateKey(key: string): number {
  return Math.floor(Date.parse(`${key}T00:00:00Z`) / dayMs);
}

function startOfDay(calendar: Calendar, day: number): number {
  const d = new Date(day * dayMs);
  return calendar.startOfLocalDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Everything the dashboard draws, folded once per event: sums per (local day,
 * source, model) and per (session, local day). A year of heavy logs folds into
 * a few thousand cells, so each view is computed from cells, not events.
 * Appended events fold incrementally; a ledger that changed rows in place
 * (a merged duplicate) asks for a rebuild.
 */
export class DashboardIndex {
  private cells = new Map<number, DayModelCell>();
  private sessions = new Map<string, SessionEntry>();
  private readonly modelIds = new Map<string, number>();
  private readonly sourceIds = new Map<SourceName, number>();
  private folded = 0;

  constructor(readonly prices: PriceTable, readonly calendar: Calendar) {}

  /** Number of events folded so far. */
  get size(): number {
    return this.folded;
  }

  /**
   * Brings the index up to `events`. With `appendOnly`, rows before the last
   * fold are taken as unchanged and only new ones are folded; otherwise (or if
   * the list shrank) everything is folded again. Returns the number of events folded.
   */
  sync(events: readonly UsageEvent[], appendOnly: boolean): number {
    if (!appendOnly || events.length < this.folded) {
      this.cells = new Map();
      this.sessions = new Map();
      this.lastSession = undefined;
      this.lastCell = undefined;
      this.folded = 0;
    }
    const from = this.folded;
    for (let i = from; i < events.length; i++) this.fold(events[i]);
    this.folded = events.length;
    return events.length - from;
  }

  private modelId(model: string): number {
    let id = this.modelIds.get(model);
    if (id === undefined) this.modelIds.set(model, (id = this.modelIds.size));
    return id;
  }

  // Logs arrive file by file, so consecutive events mostly share a day and a session.
  private dayStartMs = 0;
  private dayEndMs = 0;
  private lastDay = 0;
  private lastSession: SessionEntry | undefined;
  private lastCell: DayModelCell | undefined;

  private dayOf(epochMs: number): number {
    if (epochMs >= this.dayStartMs && epochMs < this.dayEndMs) return this.lastDay;
    const day = localDayOf(this.calendar, epochMs);
    this.lastDay = day;
    this.dayStartMs = startOfDay(this.calendar, day);
    this.dayEndMs = startOfDay(this.calendar, day + 1);
    return day;
  }

  private fold(e: UsageEvent): void {
    const costUsd = this.prices.costOf(e);
    const day = this.dayOf(e.timestampMs);
    let cell = this.lastCell;
    if (!cell || cell.day !== day || cell.model !== e.model || cell.source !== e.source) {
      let sourceId = this.sourceIds.get(e.source);
      if (sourceId === undefined) this.sourceIds.set(e.source, (sourceId = this.sourceIds.size));
      const key = ((day + 100_000) * 16 + sourceId) * 65_536 + this.modelId(e.model);
      cell = this.cells.get(key);
      if (!cell) this.cells.set(key, (cell = { ...emptyCell(), day, source: e.source, model: e.model }));
      this.lastCell = cell;
    }
    addToCell(cell, e, costUsd);

    // The source keeps two agents' session ids apart should they ever match.
    let session = this.lastSession;
    if (!session || session.sessionId !== e.sessionId || session.source !== e.source) {
      const sessionKey = e.source === 'claude' ? e.sessionId : `${e.source}:${e.sessionId}`;
      session = this.sessions.get(sessionKey);
    }
    if (!session) {
      const sessionKey = e.source === 'claude' ? e.sessionId : `${e.source}:${e.sessionId}`;
      session = { sessionId: e.sessionId, source: e.source, project: e.project, firstMs: e.timestampMs, lastMs: e.timestampMs, models: new Set(), agents: new Set(), byDay: new Map() };
      this.sessions.set(sessionKey, session);
    }
    this.lastSession = session;
    if (e.timestampMs < session.firstMs) session.firstMs = e.timestampMs;
    if (e.timestampMs > session.lastMs) session.lastMs = e.timestampMs;
    session.models.add(e.model);
    if (e.agentId) session.agents.add(e.agentId);
    let sessionDay = session.byDay.get(day);
    if (!sessionDay) session.byDay.set(day, (sessionDay = { ...emptyCell(), firstMs: e.timestampMs, lastMs: e.timestampMs }));
    if (e.timestampMs < sessionDay.firstMs) sessionDay.firstMs = e.timestampMs;
    if (e.timestampMs > sessionDay.lastMs) sessionDay.lastMs = e.timestampMs;
    addToCell(sessionDay, e, costUsd);
  }

  /** Sources seen so far. */
  sources(): SourceName[] {
    return [...this.sourceIds.keys()];
  }

  /** Day-model cells, for view building. */
  dayCells(): Iterable<DayModelCell> {
    return this.cells.values();
  }

  sessionEntries(): Iterable<SessionEntry> {
    return this.sessions.values();
  }
}

export interface ResolvedRange {
  firstDay: number;
  lastDay: number;
  startMs: number;
  endMs: number;
  label: string;
}

/** The inclusive local days a query covers at `nowMs`. A custom range missing a bound ends today / starts 30 days back. */
export function resolveRange(query: DashboardQuery, calendar: Calendar, nowMs: number): ResolvedRange {
  const today = localDayOf(calendar, nowMs);
  let firstDay = today;
  let lastDay = today;
  let label: string;
  switch (query.range) {
    case 'today':
      label = 'Today';
      break;
    case '7d':
      firstDay = today - 6;
      label = 'Last 7 days';
      break;
    case '30d':
      firstDay = today - 29;
      label = 'Last 30 days';
      break;
    case 'month': {
      const d = new Date(today * dayMs);
      firstDay = today - (d.getUTCDate() - 1);
      label = 'This month';
      break;
    }
    case 'custom': {
      lastDay = query.to ? dayOfDateKey(query.to) : today;
      firstDay = query.from ? dayOfDateKey(query.from) : lastDay - 29;
      if (firstDay > lastDay) [firstDay, lastDay] = [lastDay, firstDay];
      // Ten years of bars is already unreadable; keep the message bounded.
      firstDay = Math.max(firstDay, lastDay - 3_660);
      label = `${dateKeyOfDay(firstDay)} – ${dateKeyOfDay(lastDay)}`;
      break;
    }
  }
  return { firstDay, lastDay, startMs: startOfDay(calendar, firstDay), endMs: startOfDay(calendar, lastDay + 1), label };
}

export interface ViewOptions {
  nowMs: number;
  /** The status snapshot: budgets, official limits and the 5-hour block (all sources). */
  snapshot?: StatusSnapshot;
  budget?: BudgetSettings;
  /** Every limit from the status model (`computeStatus(...).limits`), one gauge each; default: the snapshot's caps and Codex windows. */
  limits?: readonly Limit[];
  /** Words and money for the labels (default English/USD). */
  fmt?: Formatter;
  /** Alerts in force (see `runawayAlertItems`). */
  alerts?: DashboardAlert[];
  /** The session table is capped; the rest are counted in `sessions.total`. */
  maxSessionRows?: number;
  topCount?: number;
}



function projectedAtEndOf(spent: number, startMs: number, endMs: number, nowMs: number): number {
  // The average so far, over at least an hour, so a first request does not project a fortune.
  const ratePerMs = spent / Math.max(nowMs - startMs, 3_600_000);
  return spent + ratePerMs * Math.max(endMs - nowMs, 0);
}

/** One gauge per limit, in the status model's order: local caps (with the period projection), endpoints, official windows. */
function gaugesOf(snapshot: StatusSnapshot | undefined, limits: readonly Limit[] | undefined, calendar: Calendar, nowMs: number, budget: BudgetSettings | undefined, fmt: Formatter): Gauge[] {
  if (!snapshot && !limits) return [];
  const all = limits ?? [...limitsOfCaps(snapshot!.budgets, nowMs), ...limitsOfCodex(snapshot!.official, nowMs)];
  const periodOptions = { weekStartsOn: budget?.weekStartsOn, resetDayOfMonth: budget?.resetDayOfMonth };
  const thresholds = { warnAtPercent: budget?.warnAtPercent ?? 80, errorAtPercent: budget?.errorAtPercent ?? 95 };
  return all.flatMap((limit): Gauge[] => {
    const b = limit.origin === 'estimated' ? snapshot?.budgets.find((x) => `local:${x.period}:${x.unit}` === limit.id) : undefined;
    if (b) {
      const period = periodAt(calendar, b.period, nowMs, periodOptions);
      return [{
        label: fmt.limitLabel(limit),
        unit: b.unit,
        limit: b.limit,
        spent: b.spent,
        fraction: b.fraction,
        level: b.level,
        origin: 'estimated' as const,
        periodEndMs: b.periodEndMs,
        projectedAtEnd: projectedAtEndOf(b.spent, period.startMs, b.periodEndMs, nowMs),
        ...(b.projectedExhaustMs !== undefined ? { projectedExhaustMs: b.projectedExhaustMs } : {}),
      }];
    }
    const gauge = gaugeOfLimit(limit, fmt, thresholds);
    return gauge ? [gauge] : [];
  });
}

/** A limit as a dashboard gauge; undefined without numbers or once its window has reset. */
export function gaugeOfLimit(c: Limit, fmt: Formatter, options: { warnAtPercent: number; errorAtPercent: number }): Gauge | undefined {
  if (c.usedFraction === undefined || c.limit === undefined || c.used === undefined || c.expired || !Number.isFinite(c.usedFraction) || c.unit === 'credits') return undefined;
  const label = fmt.limitLabel(c);
  return {
    label: c.stale ? `${label}${fmt.l10n.t(' (stale)')}` : label,
    unit: c.unit,
    limit: c.limit,
    spent: c.used,
    fraction: c.usedFraction,
    level: levelOf(c.usedFraction, options.warnAtPercent, options.errorAtPercent),
    origin: c.origin,
    ...(c.resetsAtMs !== undefined ? { periodEndMs: c.resetsAtMs } : {}),
  };
}

function tokensByKindOf(cell: Cell, cacheSavingsUsd: number): TokensByKind {
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

function matchesSource(source: SourceName, filter: DashboardQuery['source']): boolean {
  return filter === 'all' || filter === source;
}

function byCostThenTokens<T extends { costUsd: number; tokens: number }>(a: T, b: T): number {
  return b.costUsd - a.costUsd || b.tokens - a.tokens;
}

/**
 * Exactly what the dashboard draws for `query` at `nowMs`: bounded by the
 * range's days, the drawn models and the table's row cap, whatever the history's size.
 */
export function buildDashboardView(index: DashboardIndex, query: DashboardQuery, options: ViewOptions): DashboardView {
  const { nowMs, snapshot, budget } = options;
  const { calendar, prices } = index;
  const range = resolveRange(query, calendar, nowMs);
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

  const dailyCap = snapshot?.budgets.find((b) => b.period === 'day' && b.unit === 'usd')?.limit;
  let projection: DashboardView['daily']['projection'];
  if (today >= range.firstDay && today <= range.lastDay) {
    const dayEndMs = startOfDay(calendar, today + 1);
    const block = query.source === 'all' ? snapshot?.block : undefined;
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
  const periodCap = snapshot?.budgets.find((b) => b.period === cumulativeKind && b.unit === 'usd')?.limit;

  const activeDays = requestsByDay.reduce((n, r) => n + (r > 0 ? 1 : 0), 0);
  const totalTokens = cellTokens(total);
  return {
    nowMs,
    timeZone: calendar.timeZone,
    query,
    rangeLabel: range.label,
    sources: index.sources().sort(),
    header: {
      gauges: gaugesOf(snapshot, options.limits, calendar, nowMs, budget, options.fmt ?? englishUsd),
      todayCostUsd: todayCell.costUsd,
      todayTokens: cellTokens(todayCell),
      rangeCostUsd: total.costUsd,
      rangeTokens: totalTokens,
      rangeRequests: total.requests,
      unpricedTokens: total.unpricedTokens,
      unpricedModels: modelRows.filter((m) => !m.priced).map((m) => m.model).sort(),
      ...(snapshot?.block ? { block: snapshot.block } : {}),
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
      label: `${cumulativeKind === 'month' ? 'This month' : 'This week'} (${dateKeyOfDay(periodFirstDay)} – ${dateKeyOfDay(periodLastDay)}), all sources`,
      days: Array.from({ length: periodDays }, (_, d) => dateKeyOfDay(periodFirstDay + d)),
      spentUsd,
      projectedUsd,
      ...(periodCap !== undefined ? { capUsd: periodCap } : {}),
    },
    tokensByKind: tokensByKindOf(total, cacheSavingsUsd),
    topSessions: rows.slice(0, topCount).map((r) => ({ name: r.sessionId, costUsd: r.costUsd, tokens: r.tokens, detail: r.project })),
    topProjects: [...projects.entries()]
      .map(([name, p]) => ({ name, costUsd: p.cell.costUsd, tokens: cellTokens(p.cell), detail: `${p.sessions} session${p.sessions === 1 ? '' : 's'}` }))
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

export interface DailyExportRow {
  date: string;
  source: SourceName;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  priced: boolean;
}

/** Every (day, source, model) row of the query's range, unfolded, for export. */
export function dailyExportRows(index: DashboardIndex, query: DashboardQuery, nowMs: number): DailyExportRow[] {
  const range = resolveRange(query, index.calendar, nowMs);
  const rows: DailyExportRow[] = [];
  for (const c of index.dayCells()) {
    if (c.day < range.firstDay || c.day > range.lastDay || !matchesSource(c.source, query.source)) continue;
    rows.push({
      date: dateKeyOfDay(c.day), source: c.source, model: c.model, requests: c.requests,
      inputTokens: c.inputTokens, outputTokens: c.outputTokens, cacheWrite5mTokens: c.cacheWrite5mTokens, cacheWrite1hTokens: c.cacheWrite1hTokens, cacheReadTokens: c.cacheReadTokens,
      costUsd: c.costUsd, priced: c.unpricedTokens === 0,
    });
  }
  return rows.sort((a, b) => a.date.localeCompare(b.date) || a.source.localeCompare(b.source) || b.costUsd - a.costUsd);
}

function csvField(value: unknown): string {
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  // Names come from logs; a leading = + - @ would run as a formula in a spreadsheet. Every cell
  // but a number or boolean is guarded: a list of model names is joined into text just the same.
  if (typeof value !== 'number' && typeof value !== 'boolean' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of `rows` with the given columns, CRLF line ends. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export const sessionCsvColumns = ['sessionId', 'source', 'project', 'models', 'subAgents', 'startMs', 'endMs', 'requests', 'tokens', 'costUsd', 'unpricedTokens'] as const;
export const dailyCsvColumns = ['date', 'source', 'model', 'requests', 'inputTokens', 'outputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'cacheReadTokens', 'costUsd', 'priced'] as const;

const runawayTitle: Record<RunawayKind, string> = {
  'burn-rate': 'Runaway spend',
  'parallel-agents': 'Many parallel sub-agents',
  loop: 'Repeated request loop',
  'budget-projection': 'Budget runs out soon',
};

/** The runaway detector's alerts in force as dashboard alerts, newest first. */
export function runawayAlertItems(alerts: readonly RunawayAlert[]): DashboardAlert[] {
  return [...alerts]
    .sort((a, b) => b.firedAtMs - a.firedAtMs)
    .map((a) => ({
      title: runawayTitle[a.kind] ?? 'Runaway session',
      detail: a.message,
      level: a.kind === 'burn-rate' || a.kind === 'budget-projection' ? ('error' as const) : ('warning' as const),
      firedAtMs: a.firedAtMs,
      sessionId: a.sessionId,
    }));
}
