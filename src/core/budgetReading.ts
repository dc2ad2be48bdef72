// A budget reading — what an endpoint or a plan reports — and its arithmetic: amounts completed from each other,
// the tightest reading, the live spend added between polls. Types only from the schemas (zod loads where input
// is validated, budgetReadingSchema.ts). The endpoint configs are endpointConfig.ts.
import type { budgetReadingSchema, budgetScopeSchema, planQuotaSchema } from './budgetReadingSchema';
import type { z } from 'zod';

/**
 * A budget as one endpoint reports it: the number that will actually stop the user
 * (a gateway key quota, a team pool, an org cap), in USD.
 */
export type BudgetScope = z.infer<typeof budgetScopeSchema>;
export type BudgetReading = z.infer<typeof budgetReadingSchema>;
/**
 * A plan quota that is not in dollars: Claude's 5-hour/7-day windows (from the status line) and
 * GitHub Copilot's monthly premium requests. Shown next to the USD budgets; compared with them
 * by fraction used.
 */
export type PlanQuota = z.infer<typeof planQuotaSchema>;

/** Fills whichever of limit/spent/remaining can be derived from the other two (USD). */
export function completeAmounts<T extends Pick<BudgetReading, 'limitUsd' | 'spentUsd' | 'remainingUsd'>>(r: T): T {
  const out = { ...r };
  if (out.remainingUsd === undefined && out.limitUsd !== undefined && out.spentUsd !== undefined) {
    out.remainingUsd = out.limitUsd - out.spentUsd;
  } else if (out.spentUsd === undefined && out.limitUsd !== undefined && out.remainingUsd !== undefined) {
    out.spentUsd = out.limitUsd - out.remainingUsd;
  } else if (out.limitUsd === undefined && out.spentUsd !== undefined && out.remainingUsd !== undefined) {
    out.limitUsd = out.spentUsd + out.remainingUsd;
  }
  return out;
}

/** Fraction of the budget left in [.., 1]; undefined when the reading has no cap. Negative when overspent. */
export function remainingFraction(r: BudgetReading): number | undefined {
  const c = completeAmounts(r);
  if (c.limitUsd === undefined || c.remainingUsd === undefined) return undefined;
  if (c.limitUsd <= 0) return c.remainingUsd > 0 ? 1 : 0;
  return c.remainingUsd / c.limitUsd;
}

/**
 * The `tightest` endpoint reading of `tokenmeter status --json --config` (a script contract older than the status
 * model, kept as it was; the status bar and every other surface use `tightestLimit`, status/limit.ts, which also
 * weighs local caps and plan windows and leaves readings without a cap out): the least remaining fraction of its cap;
 * ties (and readings of equal fraction) go to the smaller remaining amount. Readings without a
 * cap only win when no reading has one (then the smallest remaining, else the first).
 * Readings that never answered (error and no numbers) are ignored.
 */
export function tightestBudget(readings: readonly BudgetReading[]): BudgetReading | undefined {
  let best: BudgetReading | undefined;
  let bestFraction: number | undefined;
  let bestRemaining: number | undefined;
  for (const r of readings) {
    const c = completeAmounts(r);
    if (c.limitUsd === undefined && c.spentUsd === undefined && c.remainingUsd === undefined) continue;
    const fraction = remainingFraction(r);
    const remaining = c.remainingUsd;
    if (best === undefined) {
      [best, bestFraction, bestRemaining] = [r, fraction, remaining];
      continue;
    }
    let better: boolean;
    if (fraction !== undefined && bestFraction === undefined) better = true;
    else if (fraction === undefined && bestFraction !== undefined) better = false;
    else if (fraction !== undefined && bestFraction !== undefined && fraction !== bestFraction) better = fraction < bestFraction;
    else better = remaining !== undefined && (bestRemaining === undefined || remaining < bestRemaining);
    if (better) [best, bestFraction, bestRemaining] = [r, fraction, remaining];
  }
  return best;
}

/** Completes the amounts and drops undefined fields so readings compare and print cleanly. */
export function makeReading(r: BudgetReading): BudgetReading {
  const c = completeAmounts(r);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
  return out as BudgetReading;
}

/**
 * Between polls, moves a reading by the spend the local logs saw since it was fetched (USD), so
 * the number is live; the next poll replaces it (reconciles). Readings without numbers, and
 * stale ones (their fetch time is old, the logs would double count) are returned unchanged.
 */
export function withLocalSpend(reading: BudgetReading, localSpentSinceFetchUsd: number): BudgetReading {
  if (localSpentSinceFetchUsd <= 0 || reading.stale) return reading;
  const c = completeAmounts(reading);
  if (c.spentUsd === undefined && c.remainingUsd === undefined) return reading;
  return makeReading({
    ...reading,
    spentUsd: c.spentUsd === undefined ? undefined : c.spentUsd + localSpentSinceFetchUsd,
    remainingUsd: c.remainingUsd === undefined ? undefined : c.remainingUsd - localSpentSinceFetchUsd,
  });
}
