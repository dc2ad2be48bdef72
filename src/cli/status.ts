import { computeStatusSnapshot, formatTokens, formatUsd } from '../core/snapshot';
import { calendarFlag, loadCliSettings, parseArgs, priceTableOf, scanForCli } from './common';
import { print } from './reports';

/** `tokenmeter status [--json]`: exactly the snapshot the status bar shows. */
export async function runStatus(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const settings = await loadCliSettings();
  const calendar = args.flags.has('timezone') ? calendarFlag(args) : calendarFlag(parseArgs(settings.timeZone ? ['--timezone', settings.timeZone] : []));
  const scanner = await scanForCli(args, settings);
  const snapshot = computeStatusSnapshot(scanner.ledger.events(), {
    prices: priceTableOf(settings),
    calendar,
    nowMs: Date.now(),
    budget: settings.budget,
    officialLimits: scanner.officialLimits(),
  });
  if (args.flags.has('json')) return print({ ...snapshot, scan: { files: scanner.stats.files, malformedLines: scanner.stats.tally.malformedLines, duplicates: scanner.stats.duplicates } });
  console.log(snapshot.statusText.replace(/^\$\([a-z-]+\) /, ''));
  console.log(`today ${formatUsd(snapshot.today.totalCost)} · ${formatTokens(snapshot.today.totalTokens)} tok | week ${formatUsd(snapshot.week.totalCost)} | month ${formatUsd(snapshot.month.totalCost)} (estimated from logs)`);
  if (snapshot.block) console.log(`5-hour block: ${formatUsd(snapshot.block.costUsd)}, ${formatUsd(snapshot.block.usdPerHour)}/h, ends ${new Date(snapshot.block.endMs).toLocaleTimeString()}`);
  for (const limit of snapshot.official) console.log(`Codex ${limit.name} limit: ${limit.usedPercent}% used (official)`);
  return 0;
}
