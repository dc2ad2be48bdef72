import { blocksReport, dailyReport, monthlyReport, sessionReport } from '../core/reports';
import { formatTokens, formatUsd } from '../core/format';
import { sanitizeForTerminal, terminalSafeJson } from '../core/terminalText';
import type { SkippedSummary, UsageScanner } from '../sources/usageScanner';
import { calendarFlag, colour, dateFlag, isoDay, loadCliSettings, parseArgs, priceTableOf, renderTable, scanForCli, sourceFlag } from './common';

type Row = { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalTokens: number; totalCost: number };

function usageCells(r: Row): string[] {
  return [formatTokens(r.inputTokens), formatTokens(r.outputTokens), formatTokens(r.cacheCreationTokens), formatTokens(r.cacheReadTokens), formatTokens(r.totalTokens), formatUsd(r.totalCost)];
}
const usageHeader = ['Input', 'Output', 'Cache write', 'Cache read', 'Total tokens', 'Cost'];

/** `skipped` for --json when a pass could not read something (absent when everything was read). */
function withSkipped<T extends object>(report: T, scanner: UsageScanner): T | (T & { skipped: Omit<SkippedSummary, 'details'> }) {
  const { details: _details, ...skipped } = scanner.skipped();
  return Object.values(skipped).some((n) => n > 0) ? { ...report, skipped } : report;
}

/** One line per kind of thing not read, on stderr (the totals exclude it). */
export function warnSkipped(scanner: UsageScanner): void {
  const s = scanner.skipped();
  if (s.details.length === 0) return;
  const first = s.details[0];
  const parts = [s.unreadable > 0 ? `${s.unreadable} unreadable` : '', s.overlongLines > 0 ? `${s.overlongLines} over-long lines` : '', s.notWalked > 0 ? `${s.notWalked} folders not walked` : ''].filter(Boolean);
  process.stderr.write(sanitizeForTerminal(`tokenmeter: skipped ${parts.join(', ')}; totals leave them out. First: ${first.path} ${first.reason}.`) + '\n');
}

function printFooter(unpricedModels: string[], malformed: number, scanner?: UsageScanner): void {
  if (scanner) warnSkipped(scanner);
  if (unpricedModels.length > 0) console.log(colour.yellow(`Unpriced (tokens counted, cost unknown): ${sanitizeForTerminal(unpricedModels.join(', '))}. Add rates with tokenmeter.prices.`));
  if (malformed > 0) console.log(colour.dim(`${malformed} malformed log lines skipped.`));
}

/** `tokenmeter daily|monthly|session`: usage grouped by day, month or session. */
export async function runReport(kind: 'daily' | 'monthly' | 'session', argv: string[]): Promise<number> {
  const args = parseArgs(argv, kind);
  const settings = await loadCliSettings();
  const options = { calendar: calendarFlag(args), prices: priceTableOf(settings), since: dateFlag(args, 'since'), until: dateFlag(args, 'until'), source: sourceFlag(args) };
  const scanner = await scanForCli(args, settings);
  const events = scanner.ledger.events();
  const json = args.flags.has('json');
  if (kind === 'daily') {
    const report = dailyReport(events, options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable(['Date', ...usageHeader, 'Models'], [...report.daily.map((d) => [d.date, ...usageCells(d), d.modelsUsed.join(', ')]), ['Total', ...usageCells(report.totals), '']]));
    printFooter(report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  } else if (kind === 'monthly') {
    const report = monthlyReport(events, options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable(['Month', ...usageHeader, 'Models'], [...report.monthly.map((d) => [d.month, ...usageCells(d), d.modelsUsed.join(', ')]), ['Total', ...usageCells(report.totals), '']]));
    printFooter(report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  } else {
    const report = sessionReport(events, options);
    if (json) return print(withSkipped(report, scanner));
    console.log(renderTable(['Session', 'Project', 'Last activity', 'Agents', ...usageHeader], report.sessions.map((s) => [s.sessionId.slice(0, 8), s.projectPath, s.lastActivity.slice(0, 16).replace('T', ' '), String(s.subAgents), ...usageCells(s)])));
    printFooter(report.unpricedModels, scanner.stats.tally.malformedLines, scanner);
  }
  return 0;
}

/** `tokenmeter blocks`: 5-hour usage windows. */
export async function runBlocks(argv: string[]): Promise<number> {
  const args = parseArgs(argv, 'blocks');
  const settings = await loadCliSettings();
  const source = sourceFlag(args);
  const scanner = await scanForCli(args, settings);
  const report = blocksReport(scanner.ledger.events(), priceTableOf(settings), Date.now(), source);
  const [since, until] = [dateFlag(args, 'since'), dateFlag(args, 'until')].map((d) => (d === undefined ? undefined : isoDay(d)));
  report.blocks = report.blocks.filter((b) => (!since || b.startTime.slice(0, 10) >= since) && (!until || b.startTime.slice(0, 10) <= until));
  if (args.flags.has('json')) return print(withSkipped(report, scanner));
  console.log(renderTable(['Block start', 'Status', 'Requests', 'Tokens', 'Cost', 'Burn $/h', 'Models'], report.blocks.map((b) => [
    b.startTime.slice(0, 16).replace('T', ' '), b.isActive ? 'ACTIVE' : '', String(b.entries), formatTokens(b.totalTokens), formatUsd(b.costUSD), b.burnRate ? formatUsd(b.burnRate.costPerHour) : '', b.models.join(', '),
  ])));
  return 0;
}

export function print(value: unknown): number {
  process.stdout.write(terminalSafeJson(value, 2) + '\n');
  return 0;
}
