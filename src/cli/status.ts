import type { BudgetReading, PlanQuota } from '../core/budgetReading';
import { claudePlanQuotas } from '../core/claudeStatusLine';
import { englishUsd, formatTokens } from '../core/format';
import { pacingLineText } from '../core/alertPhrases';
import { claudeWindowReadings, codexWindowReadings, pacingJson, pacingOfAll } from '../core/pacing';
import { computeStatus } from '../core/status/computeStatus';
import { sanitizeForTerminal } from '../core/terminalText';
import { statusWindowStartMs } from '../core/status/estimatedSpend';
import { StatusRollupKeeper } from '../sources/statusRollupKeeper';
import type { UsageScanner } from '../sources/usageScanner';
import type { StatusRollup } from '../core/status/statusRollup';
import type { UsageEvent } from '../core/usageEvent';
import { defaultStateDir, readStatusLineSnapshot } from '../sources/statusLineStore';
import { calendarOf, cliFormatter, loadCliSettings, parseArgs, priceTableOf, scanForCli, stringFlag } from './common';
import { print, warnSkipped } from './reports';

/**
 * `tokenmeter status [--json] [--config FILE]`: exactly what the status bar shows (the same `computeStatus`). With
 * `--config`, the budget endpoints in FILE are polled once (keys from the environment variables it names) and
 * listed under `budgets`, with the one the status bar shows as `tightest`. With `--copilot` (or the setting
 * `tokenmeter.endpoints.copilot`), GitHub Copilot's AI credits, with a token from GH_TOKEN / GITHUB_TOKEN.
 */
export async function runStatus(argv: string[]): Promise<number> {
  const args = parseArgs(argv, 'status');
  const settings = await loadCliSettings();
  const calendar = calendarOf(stringFlag(args, 'timezone') ?? (settings.timeZone || undefined));
  const configPath = stringFlag(args, 'config');
  // Start the polls while the logs are read.
  const polled = configPath ? pollConfigured(configPath) : undefined;
  // The editor's setting alone asks only when a token is there (no warning on every run without one).
  const copilot = args.flags.has('copilot') || (settings.endpoints.copilot && (process.env.GH_TOKEN || process.env.GITHUB_TOKEN)) ? pollCopilot() : undefined;
  polled?.catch(() => undefined); // awaited below; this only keeps a bad config from being an unhandled rejection meanwhile
  const prices = priceTableOf(settings);
  // Without endpoints, status needs today's rows and the rollup of closed history beside the index (see
  // StatusRollupKeeper; the last month of rows when there is none); with a recent index, no walk (warmWalk.ts).
  const keeper = configPath ? undefined : new StatusRollupKeeper({ prices, priceOverrides: settings.prices, calendar, budget: settings.budget });
  let saveIndex: (() => Promise<void>) | undefined;
  const scanner = await scanForCli(
    args,
    settings,
    keeper ? { sinceMs: (indexFile) => keeper.rowsNeededFromMs(indexFile, Date.now()), loaded: (s) => keeper.loaded(s.ledger), warm: true, saveLater: (save) => (saveIndex = save) } : { warm: true },
  );
  // Saved before the status is computed: the rollup written after it names the state just saved.
  await saveIndex?.();
  const nowMs = Date.now();
  const endpoints = polled ? await polled : undefined;
  const copilotQuota = copilot ? await copilot : undefined;
  if (copilotQuota?.error) console.error(`tokenmeter: ${sanitizeForTerminal(copilotQuota.error)}`);
  let planSnapshot;
  try {
    planSnapshot = readStatusLineSnapshot(defaultStateDir());
  } catch {
    planSnapshot = undefined; // an unreadable record only means no plan quota is shown
  }
  // Older rows of a restored index stay packed (Ledger.eventsSince) unless an endpoint's own period needs them.
  const rows: { events: readonly UsageEvent[]; closed?: StatusRollup } = keeper ? keeper.statusRows(scanner.ledger, nowMs) : { events: endpoints?.readings.length ? scanner.ledger.events() : scanner.ledger.eventsSince(statusWindowStartMs(nowMs)) };
  const status = computeStatus({
    events: rows.events,
    closed: rows.closed,
    prices,
    calendar,
    budget: settings.budget,
    nowMs,
    // Just polled: nothing to add from the logs since.
    readings: endpoints?.readings ?? [],
    planWindows: [...(planSnapshot ? claudePlanQuotas(planSnapshot, nowMs) : []), ...(copilotQuota?.quota ? [copilotQuota.quota] : [])],
    codexLimits: scanner.officialLimits(),
    codexCredits: scanner.codexCredits(),
  });
  const { estimatedSpend } = status;
  const pacing = pacingOfAll([...(planSnapshot ? claudeWindowReadings(planSnapshot) : []), ...codexWindowReadings(scanner.officialLimits())], nowMs);
  const exitCode = endpoints ? endpoints.exitCode : 0;

  if (args.flags.has('json')) {
    print({
      ...estimatedSpend,
      statusText: englishUsd.status(status),
      level: status.level,
      ...(endpoints ? endpoints.json : {}),
      ...(copilotQuota?.error ? { copilotError: copilotQuota.error } : {}),
      limits: status.limits.map(({ reading: _reading, ...c }) => c),
      tightestLimit: status.tightest?.id ?? null,
      pacing: pacing.map(pacingJson),
      scan: { files: scanner.stats.files, malformedLines: scanner.stats.tally.malformedLines, duplicates: scanner.stats.duplicates },
      skipped: (({ details: _details, ...counts }) => counts)(scanner.skipped()),
    });
    await saveRollup(keeper, scanner, nowMs);
    return exitCode;
  }
  const fmt = cliFormatter(args, settings);
  warnSkipped(scanner, fmt);
  // Limit lines carry source names and server error texts: sanitised.
  console.log(sanitizeForTerminal(fmt.status(status)));
  console.log(fmt.l10n.t('today {0} · {1} tok | week {2} | month {3} (estimated from logs)', fmt.money(estimatedSpend.today.totalCost), formatTokens(estimatedSpend.today.totalTokens), fmt.money(estimatedSpend.week.totalCost), fmt.money(estimatedSpend.month.totalCost)));
  if (estimatedSpend.block) {
    console.log(fmt.l10n.t('5-hour block: {0}, {1}/h, ends {2}', fmt.money(estimatedSpend.block.costUsd), fmt.money(estimatedSpend.block.usdPerHour), fmt.time(estimatedSpend.block.endMs)));
  }
  for (const c of status.limits) console.log(sanitizeForTerminal(fmt.limitLine(c, nowMs)));
  for (const p of pacing) console.log(pacingLineText(fmt, p));
  await saveRollup(keeper, scanner, nowMs);
  return exitCode;
}

/** The rollup only saves time: a failure to write it is said on stderr and the next run reads the month of rows. */
async function saveRollup(keeper: StatusRollupKeeper | undefined, scanner: UsageScanner, nowMs: number): Promise<void> {
  try {
    await keeper?.save(scanner.ledger, nowMs);
  } catch (error) {
    process.stderr.write(`tokenmeter: could not save the status rollup (${error instanceof Error ? error.message : String(error)}); totals are unaffected.\n`);
  }
}

/** Copilot AI credits with a token from the environment (the CLI has no editor sign-in); an error is reported, not thrown. */
async function pollCopilot(): Promise<{ quota?: PlanQuota; error?: string }> {
  const { fetchCopilotQuotaFromEnv } = await import('../sources/endpoints');
  try {
    return { quota: await fetchCopilotQuotaFromEnv(process.env, { nowMs: Date.now() }) };
  } catch (error) {
    // Adapter messages never hold the token (http.ts redacts the key it was given).
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function pollConfigured(configPath: string): Promise<{ readings: BudgetReading[]; json: object; exitCode: number }> {
  const { readEndpointsConfigFile, pollBudgets, budgetStatusJson, budgetExitCode } = await import('../sources/endpoints');
  const readings = await pollBudgets(await readEndpointsConfigFile(configPath), process.env, Date.now());
  return { readings, json: budgetStatusJson(readings), exitCode: budgetExitCode(readings) };
}
