/**
 * Calendar arithmetic in an IANA time zone, without a date library.
 * Offsets of a named zone come from Intl, once per day when the offset at both ends of the UTC day
 * agrees (no zone changes its offset twice in one day) and per 15-minute slot on days
 * with a change (every zone's offset changes on a quarter hour). UTC needs no Intl at
 * all, and neither do the system zone's offsets: Date#getTimezoneOffset reads the same
 * tz data without Intl's ~20-30 ms start-up, which a warm `status` would otherwise pay
 * for a single zone name. That name is looked up only when read: from `systemZoneName`
 * when the caller knows it cheaply, else from Intl.
 */
export class Calendar {
  private readonly formatter: Intl.DateTimeFormat | undefined;
  private readonly isSystemZone: boolean;
  private zoneName: string | undefined;
  private readonly offsetByDay = new Map<number, number>();
  private readonly offsetBySlot = new Map<number, number>();
  private readonly dateKeyBySlot = new Map<number, string>();

  constructor(timeZone?: string, options: { systemZoneName?: string } = {}) {
    this.isSystemZone = !timeZone;
    if (isUtcZoneName(timeZone)) {
      this.zoneName = 'UTC';
      return;
    }
    if (!timeZone) {
      this.zoneName = options.systemZoneName;
      return;
    }
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.zoneName = this.formatter.resolvedOptions().timeZone;
  }

  /** The zone's IANA name (`UTC` for every alias of UTC). */
  get timeZone(): string {
    return (this.zoneName ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
  }

  /** Local time minus UTC, in ms, at the instant `epochMs`. */
  offsetMs(epochMs: number): number {
    if (!this.formatter && !this.isSystemZone) return 0;
    const day = Math.floor(epochMs / dayMs);
    let offset = this.offsetByDay.get(day);
    if (offset === undefined) {
      const atStart = this.slotOffset(day * slotsPerDay);
      offset = atStart === this.slotOffset((day + 1) * slotsPerDay) ? atStart : NaN;
      this.offsetByDay.set(day, offset);
    }
    return Number.isNaN(offset) ? this.slotOffset(Math.floor(epochMs / slotMs)) : offset;
  }

  private slotOffset(slot: number): number {
    let offset = this.offsetBySlot.get(slot);
    if (offset === undefined) {
      const epochMs = slot * slotMs;
      offset = this.formatter ? intlOffsetMs(this.formatter, epochMs) : -new Date(epochMs).getTimezoneOffset() * 60_000;
      this.offsetBySlot.set(slot, offset);
    }
    return offset;
  }

  /** Local wall-clock fields of an instant. */
  local(epochMs: number): { year: number; month: number; day: number; weekday: number; hour: number } {
    const wall = new Date(epochMs + this.offsetMs(epochMs));
    return {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      weekday: wall.getUTCDay(),
      hour: wall.getUTCHours(),
    };
  }

  /** `YYYY-MM-DD` of the instant in this zone. */
  dateKey(epochMs: number): string {
    const slot = Math.floor(epochMs / slotMs);
    let key = this.dateKeyBySlot.get(slot);
    if (key === undefined) {
      key = new Date(epochMs + this.offsetMs(epochMs)).toISOString().slice(0, 10);
      this.dateKeyBySlot.set(slot, key);
    }
    return key;
  }

  /**
   * The local day of `epochMs`: its `dateKey` and the instants [startMs, endMs) that share it, so that a walk over
   * many instants of one day (a report's rows) looks the day up once. When the zone's offset changes that day, the
   * span is only `epochMs` itself: no zone changes twice in a day, but one change can move the clock back across
   * midnight, and then the day's instants are not one span.
   */
  localDayAt(epochMs: number): { key: string; startMs: number; endMs: number } {
    const key = this.dateKey(epochMs);
    const offset = this.offsetMs(epochMs);
    const startMs = Math.floor((epochMs + offset) / dayMs) * dayMs - offset;
    const endMs = startMs + dayMs;
    if (this.offsetMs(startMs) !== offset || this.offsetMs(endMs - 1) !== offset) return { key, startMs: epochMs, endMs: epochMs + 1 };
    return { key, startMs, endMs };
  }

  /** `YYYY-MM` of the instant in this zone. */
  monthKey(epochMs: number): string {
    return this.dateKey(epochMs).slice(0, 7);
  }

  /** The instant of local midnight starting the given local date (month/day may overflow; Date.UTC normalises). */
  startOfLocalDay(year: number, month: number, day: number): number {
    const wallMs = Date.UTC(year, month - 1, day);
    // Two passes settle the offset even when midnight falls next to a DST change.
    let guess = wallMs - this.offsetMs(wallMs);
    guess = wallMs - this.offsetMs(guess);
    return guess;
  }
}

function intlOffsetMs(formatter: Intl.DateTimeFormat, epochMs: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - epochMs;
}

const slotMs = 900_000;
const dayMs = 86_400_000;
const slotsPerDay = dayMs / slotMs;
// Names Intl resolves to UTC (checked on Node 20).
/** Whether `timeZone` names UTC (then no Intl is needed). */
export function isUtcZoneName(timeZone: string | undefined): boolean {
  return timeZone !== undefined && utcNames.has(timeZone.toLowerCase());
}

const utcNames = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'etc/universal', 'universal', 'etc/zulu', 'zulu', 'etc/uct', 'uct', 'etc/gmt0', 'gmt0', 'etc/greenwich', 'greenwich', 'etc/gmt+0', 'etc/gmt-0', 'gmt+0', 'gmt-0']);

export type PeriodKind = 'day' | 'week' | 'month';

export interface PeriodBounds {
  startMs: number;
  endMs: number;
}

/**
 * The budget period containing `nowMs`. Weeks start on `weekStartsOn`
 * (0 = Sunday … 6 = Saturday); months on `resetDayOfMonth` (clamped to the month's length).
 */
export function periodAt(calendar: Calendar, kind: PeriodKind, nowMs: number, options: { weekStartsOn?: number; resetDayOfMonth?: number } = {}): PeriodBounds {
  const now = calendar.local(nowMs);
  if (kind === 'day') {
    return { startMs: calendar.startOfLocalDay(now.year, now.month, now.day), endMs: calendar.startOfLocalDay(now.year, now.month, now.day + 1) };
  }
  if (kind === 'week') {
    const back = (now.weekday - (options.weekStartsOn ?? 1) + 7) % 7;
    return {
      startMs: calendar.startOfLocalDay(now.year, now.month, now.day - back),
      endMs: calendar.startOfLocalDay(now.year, now.month, now.day - back + 7),
    };
  }
  const resetDay = Math.min(Math.max(options.resetDayOfMonth ?? 1, 1), 31);
  const clampedDay = (year: number, month: number) => Math.min(resetDay, new Date(Date.UTC(year, month, 0)).getUTCDate());
  let startYear = now.year;
  let startMonth = now.month;
  if (now.day < clampedDay(now.year, now.month)) {
    startMonth -= 1;
    if (startMonth === 0) {
      startMonth = 12;
      startYear -= 1;
    }
  }
  const endYear = startMonth === 12 ? startYear + 1 : startYear;
  const endMonth = startMonth === 12 ? 1 : startMonth + 1;
  return {
    startMs: calendar.startOfLocalDay(startYear, startMonth, clampedDay(startYear, startMonth)),
    endMs: calendar.startOfLocalDay(endYear, endMonth, clampedDay(endYear, endMonth)),
  };
}

/**
 * The UTC billing period containing nowMs for a cap that resets on `resetDayOfMonth` (1-28),
 * as cost APIs bucket by UTC day. Returns [startMs, endMs).
 */
export function billingPeriodUtc(nowMs: number, resetDayOfMonth: number): { startMs: number; endMs: number } {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const startMonth = d.getUTCDate() >= resetDayOfMonth ? m : m - 1;
  return { startMs: Date.UTC(y, startMonth, resetDayOfMonth), endMs: Date.UTC(y, startMonth + 1, resetDayOfMonth) };
}
