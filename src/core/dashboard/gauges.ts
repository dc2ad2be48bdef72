// One gauge per limit of the status model, for the dashboard's cards.
import { periodAt, type Calendar } from '../calendar';
import type { Gauge } from '../protocol';
import type { BudgetSettings } from '../settings';
import type { EstimatedSpend } from '../status/estimatedSpend';
import type { Formatter } from '../format';
import { levelOf, limitsOfCaps, limitsOfCodex, type Limit } from '../status/limit';

function projectedAtEndOf(spent: number, startMs: number, endMs: number, nowMs: number): number {
  // The average so far, over at least an hour, so a first request does not project a fortune.
  const ratePerMs = spent / Math.max(nowMs - startMs, 3_600_000);
  return spent + ratePerMs * Math.max(endMs - nowMs, 0);
}

/** One gauge per limit, in the status model's order: local caps (with the period projection), endpoints, official windows. */
export function gaugesOf(spend: EstimatedSpend | undefined, limits: readonly Limit[] | undefined, calendar: Calendar, nowMs: number, budget: BudgetSettings | undefined, fmt: Formatter): Gauge[] {
  if (!spend && !limits) return [];
  const all = limits ?? [...limitsOfCaps(spend!.budgets, nowMs), ...limitsOfCodex(spend!.official, nowMs)];
  const periodOptions = { weekStartsOn: budget?.weekStartsOn, resetDayOfMonth: budget?.resetDayOfMonth };
  const thresholds = { warnAtPercent: budget?.warnAtPercent ?? 80, errorAtPercent: budget?.errorAtPercent ?? 95 };
  return all.flatMap((limit): Gauge[] => {
    const b = limit.origin === 'estimated' ? spend?.budgets.find((x) => `local:${x.period}:${x.unit}` === limit.id) : undefined;
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
    ...(c.origin === 'official' && c.pace ? { elapsedFraction: c.pace.elapsedFraction } : {}),
    ...(c.origin === 'official' && c.pace?.runsOutBeforeReset && c.pace.projectedRunOutAtMs !== null ? { runsOutBeforeResetAtMs: c.pace.projectedRunOutAtMs } : {}),
  };
}

