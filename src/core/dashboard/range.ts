import type { Calendar } from '../calendar';
import { englishUsd, type Formatter } from '../format';
import type { DashboardQuery } from '../protocol';
import { dateKeyOfDay, dayMs, dayOfDateKey, localDayOf, startOfDay } from './dashboardIndex';

export interface ResolvedRange {
  firstDay: number;
  lastDay: number;
  startMs: number;
  endMs: number;
  label: string;
}

/** The inclusive local days a query covers at `nowMs`. A custom range missing a bound ends today / starts 30 days back. */
export function resolveRange(query: DashboardQuery, calendar: Calendar, nowMs: number, fmt: Formatter = englishUsd): ResolvedRange {
  const today = localDayOf(calendar, nowMs);
  let firstDay = today;
  let lastDay = today;
  let label: string;
  switch (query.range) {
    case 'today':
      label = fmt.l10n.t('Today');
      break;
    case '7d':
      firstDay = today - 6;
      label = fmt.l10n.t('Last 7 days');
      break;
    case '30d':
      firstDay = today - 29;
      label = fmt.l10n.t('Last 30 days');
      break;
    case 'month': {
      const d = new Date(today * dayMs);
      firstDay = today - (d.getUTCDate() - 1);
      label = fmt.l10n.t('This month');
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

