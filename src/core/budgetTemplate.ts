// The "Request More Budget" link or mail: a template the user configures (tokenmeter.budget.requestUrl), filled
// from the tightest reading.
import { completeAmounts, type BudgetReading } from './budgetReading';

/**
 * Fills a "Request More Budget" URL or mail template: {source} {scope} {spent} {limit}
 * {remaining} {resetsAt} (amounts as 12.34). With `encode`, values are URL-encoded (for
 * mailto:/https: templates).
 */
export function fillBudgetTemplate(template: string, reading: BudgetReading, encode = false): string {
  const c = completeAmounts(reading);
  const money = (v: number | undefined) => (v === undefined ? 'unknown' : v.toFixed(2));
  const values: Record<string, string> = {
    source: reading.source,
    scope: reading.scope,
    spent: money(c.spentUsd),
    limit: money(c.limitUsd),
    remaining: money(c.remainingUsd),
    resetsAt: reading.resetsAt ?? 'unknown',
  };
  return template.replace(/\{(source|scope|spent|limit|remaining|resetsAt)\}/g, (_, k: string) =>
    encode ? encodeURIComponent(values[k]) : values[k],
  );
}
