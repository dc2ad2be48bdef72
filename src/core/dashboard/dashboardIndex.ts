// The dashboard's pre-summed history: one cell per (local day, source, model) and per (session, day), so a view of any
// range costs its days, not its events.
import type { Calendar } from '../calendar';
import type { PriceTable } from '../pricing';
import { totalTokensOf, type SourceName, type UsageEvent } from '../usageEvent';

export const dayMs = 86_400_000;
export const maxModelsDrawn = 6;
export const otherModels = 'other models';

/** Sums of one group of requests. */
export interface Cell {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  unpricedTokens: number;
  requests: number;
}

export function emptyCell(): Cell {
  return { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, costUsd: 0, unpricedTokens: 0, requests: 0 };
}

export function addToCell(cell: Cell, e: UsageEvent, costUsd: number | null): void {
  cell.inputTokens += e.inputTokens;
  cell.outputTokens += e.outputTokens;
  cell.cacheWrite5mTokens += e.cacheWrite5mTokens;
  cell.cacheWrite1hTokens += e.cacheWrite1hTokens;
  cell.cacheReadTokens += e.cacheReadTokens;
  if (costUsd === null) cell.unpricedTokens += totalTokensOf(e);
  else cell.costUsd += costUsd;
  cell.requests++;
}

export function mergeCell(into: Cell, from: Cell): void {
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.cacheWrite5mTokens += from.cacheWrite5mTokens;
  into.cacheWrite1hTokens += from.cacheWrite1hTokens;
  into.cacheReadTokens += from.cacheReadTokens;
  into.costUsd += from.costUsd;
  into.unpricedTokens += from.unpricedTokens;
  into.requests += from.requests;
}

export function cellTokens(c: Cell): number {
  return c.inputTokens + c.outputTokens + c.cacheWrite5mTokens + c.cacheWrite1hTokens + c.cacheReadTokens;
}

export interface DayModelCell extends Cell {
  day: number;
  source: SourceName;
  model: string;
}

export interface SessionDayCell extends Cell {
  firstMs: number;
  lastMs: number;
}

export interface SessionEntry {
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

export function dayOfDateKey(key: string): number {
  return Math.floor(Date.parse(`${key}T00:00:00Z`) / dayMs);
}

export function startOfDay(calendar: Calendar, day: number): number {
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

  /** Folds rows appended after those folded so far (what `sync` with `appendOnly` folds, given alone). */
  append(events: readonly UsageEvent[]): void {
    for (const e of events) this.fold(e);
    this.folded += events.length;
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
