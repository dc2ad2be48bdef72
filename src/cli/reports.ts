import { blocksReport, dailyReport, monthlyReport, sessionReport } from '../core/reports';
import { englishUsd, formatTokens, type Formatter } from '../core/format';
import { sanitizeForTerminal, terminalSafeJson } from '../core/terminalText';
import type { SkippedSummary, UsageScanner } from '../sources/usageScanner';
import { calendarFlag, cliFormatter, colour, dateFlag, isoDay, loadCliSettings, parseArgs, priceTableOf, renderTable, scanForCli, sourceFlag } from './common';

type Row = { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalTokens: number; totalCost: number };

function usageCells(fmt: Formatter, r: Row): string[] {
  return [formatTokens(r.inputTokens), formatTokens(r.outputTokens), formatTokens(r.cacheCreationTokens), formatTokens(r.cacheReadTokens), formatTokens(r.totalTokens), fmt.money(r.totalCost)];
}
const usageHeader = (fmt: Formatter) => [fmt.l10n.t('Input'), fmt.l10n.t('Output'), fmt.l10n.t('Cache write'), fmt.l10n.t('Cache read'), fmt.l10n.t('Total tokens'), fmt.l10n.t('Cost')];

/** `skipped` for --json when a pass could not read something (absent when everything was read). */
function withSkipped<T extends object>(report: T, scanner: UsageScanner): T | (T & { skipped: Omit<SkippedSummary, 'details'> }) {
  const { details: _details, ...skipped } = scanner.skipped();
  return Object.values(skipped).some((n) => n > 0) ? { ...report, skipped } : report;
}

/** One line per kind of thing not read, on stderr (the totals exclude it). */
export function warnSkipped(scanner: UsageScanner, fmt: Formatter = englishUsd): void {
  const s = scanner.skipped();
  if (s.details.length === 0) return;
  const first = s.details[0];
  const parts = [s.unreadable > 0 ? fmt.l10n.t('{0} unreadable', s.unreadable) : '', s.overlongLines > 0 ? fmt.l10n.t('{0} over-long lines', s.overlongLines) : '', s.notWalked > 0 ? fmt.l10n.t('{0} folders not walked', s.notWalked) : ''].filter(Boolean);
  process.stderr.write(sanitizeForTerminal(fmt.l10n.t('tokenmeter: skipped {0}; totals leave them out. First: {1} {2}.', parts.join(fmt.l10n.t(', ')), first.path, first.reason)) + '\n');
}

function printFooter(fmt: Formatter, unpricedModels: string[], malformed: number, scanner?: UsageScanner): void {
  if (scanner) warnSkipped(scanner, fmt);
  if (unpricedModels.length > 0) console.log(colour.yellow(fmt.l10n.t('Unpriced (tokens counted, cost unknown): {0}. Add rates with tokenmeter.prices.', sanitizeForTerminal(unpricedModels.join(', ')))));
  if (malformed > 0) console.log(colour.dim(fmt.l10n.t('{0} malformed log lines skipped.', malformed)));
}

/** `tokenmeter daily|monthly|session`: usage grouped by day, month or session. */
export async function runReport(kind: 'daily' | 'monthly' | 'session', argv: string[]): Promise<number> {
  const args = parseArgs(argv, kind);
  const settings = await loadCliSettings();
  const options = { calendar: calendarFlag(args), prices: priceTableOf(settings), since: dateFlag(args, 'since'), until: dateFlag(args, 'until'), source: sourceFlag(args) };
  const scanner = await scanForCli(args, settings);
  // The day and month reports read the ledger's rows as numbers; the session report one object at a time. Either way
  // the report keeps its sums, not every request of the history.
  const rows = scanner.ledger;
  const json = args.flags.has('json');
  const fmt = cliFormatter(args, settings);
  const total = fmt.l10n.t('Total');
  if (kind === 'daily') {
    const report = dailyReport(rows, options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable([fmt.l10n.t('Date'), ...usageHeader(fmt), fmt.l10n.t('Models')], [...report.daily.map((d) => [d.date, ...usageCells(fmt, d), d.modelsUsed.join(fmt.l10n.t(', '))]), [total, ...usageCells(fmt, report.totals), '']]));
    printFooter(fmt, report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  } else if (kind === 'monthly') {
    const report = monthlyReport(rows, options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable([fmt.l10n.t('Month'), ...usageHeader(fmt), fmt.l10n.t('Models')], [...report.monthly.map((d) => [d.month, ...usageCells(fmt, d), d.modelsUsed.join(fmt.l10n.t(', '))]), [total, ...usageCells(fmt, report.totals), '']]));
    printFooter(fmt, report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  } else {
    const report = sessionReport(scanner.ledger.eachEvent(), options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable([fmt.l10n.t('Session'), fmt.l10n.t('Project'), fmt.l10n.t('Last activity'), fmt.l10n.t('Agents'), ...usageHeader(fmt)], report.sessions.map((s) => [s.sessionId.slice(0, 8), s.projectPath, s.lastActivity.slice(0, 16).replace('T', ' '), String(s.subAgents), ...usageCells(fmt, s)])));
    printFooter(fmt, report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  }
  return 0;
}

/** `tokenmeter blocks`: 5-hour usage windows. */
export async function runBlocks(argv: string[]): Promise<number> {
  const args = parseArgs(argv, 'blocks');
  const settings = await loadCliSettings();
  const source = sourceFlag(args);
  const scanner = await scanForCli(args, settings);
  // In time order, a piece at a time: not every request of the history as an object.
  const report = blocksReport({ byTime: scanner.ledger.eachEventByTime() }, priceTableOf(settings), Date.now(), source);
  const [since, until] = [dateFlag(args, 'since'), dateFlag(args, 'until')].map((d) => (d === undefined ? undefined : isoDay(d)));
  report.blocks = report.blocks.filter((b) => (!since || b.startTime.slice(0, 10) >= since) && (!until || b.startTime.slice(0, 10) <= until));
  if (args.flags.has('json')) return print(withSkipped(report, scanner));
  const fmt = cliFormatter(args, settings);
  const header = [fmt.l10n.t('Block start'), fmt.l10n.t('Status'), fmt.l10n.t('Requests'), fmt.l10n.t('Tokens'), fmt.l10n.t('Cost'), fmt.l10n.t('Burn {0}/h', fmt.currencySymbol), fmt.l10n.t('Models')];
  console.log(renderTable(header, report.blocks.map((b) => [
    b.startTime.slice(0, 16).replace('T', ' '), b.isActive ? fmt.l10n.t('ACTIVE') : '', String(b.entries), formatTokens(b.totalTokens), fmt.money(b.costUSD), b.burnRate ? fmt.money(b.burnRate.costPerHour) : '', b.models.join(fmt.l10n.t(', ')),
  ])));
  return 0;
}

export function print(value: unknown): number {
  process.stdout.write(terminalSafeJson(value, 2) + '\n');
  return 0;
}
