import { runawayAlertText } from '../core/alertPhrases';
import { periodAt, type Calendar } from '../core/calendar';
import { baselineFromHistory, plans, replayAlerts, replayInto, RunawayDetector, windowBudgetOf, withPlanDefaults, type Plan, type RunawayAlert, type RunawayOptions } from '../core/runaway';
import type { Settings } from '../core/settings';
import { ActionTail } from '../sources/agentActions';
import type { UsageEvent } from '../core/usageEvent';
import { sanitizeForTerminal, terminalSafeJson } from '../core/terminalText';
import { calendarOf, cliFormatter, dateFlag, loadCliSettings, parseArgs, priceTableOf, scanForCli, stringFlag, CommandLineError, type ParsedArgs } from './common';

const hourMs = 3_600_000;

/** A number flag, or undefined when absent. */
export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new CommandLineError(`--${name} must be a positive number (got "${raw}")`);
  return n;
}

export function calendarFor(args: ParsedArgs, settings: Settings): Calendar {
  return calendarOf(stringFlag(args, 'timezone') ?? (settings.timeZone || undefined));
}

/** Local midnight for the detector's daily budget, computed once per day rather than per event. */
export function dayStartFn(calendar: Calendar): (ms: number) => number {
  let start = 0;
  let end = -1;
  return (ms) => {
    if (ms < start || ms >= end) ({ startMs: start, endMs: end } = periodAt(calendar, 'day', ms));
    return start;
  };
}

/** `--plan` (default: tokenmeter.plan). */
export function planFrom(args: ParsedArgs, settings: Settings): Plan {
  const raw = stringFlag(args, 'plan');
  if (raw === undefined) return settings.plan;
  if (!(plans as readonly string[]).includes(raw)) throw new CommandLineError(`--plan must be one of ${plans.join(', ')} (got "${raw}")`);
  return raw as Plan;
}

/**
 * Detector options from settings and flags: `--burn-factor` (default tokenmeter.runaway.burnFactor),
 * `--max-agents` (tokenmeter.runaway.maxParallelAgents), `--daily-usd` (tokenmeter.budget.dailyUsd),
 * `--plan` (tokenmeter.plan: new-user baseline and the 5-hour window estimate), `--window-usd`, `--window-tokens`.
 */
export function detectorOptionsFrom(args: ParsedArgs, settings: Settings, calendar: Calendar, history: readonly UsageEvent[], costOf: (e: UsageEvent) => number | null,
  official?: { usedPercent: number; spentInWindowUsd: number }): RunawayOptions {
  const windowUsd = numberFlag(args, 'window-usd');
  const windowTokens = numberFlag(args, 'window-tokens');
  const plan = planFrom(args, settings);
  return {
    baseline: withPlanDefaults(baselineFromHistory(history, costOf), plan),
    burnFactor: numberFlag(args, 'burn-factor') ?? settings.runaway.burnFactor,
    maxParallelAgents: numberFlag(args, 'max-agents') ?? (settings.runaway.maxParallelAgents || undefined),
    dailyBudgetUsd: numberFlag(args, 'daily-usd') ?? settings.budget.dailyUsd,
    dayStartMs: dayStartFn(calendar),
    windowBudget: windowUsd !== undefined || windowTokens !== undefined ? { usd: windowUsd, tokens: windowTokens } : windowBudgetOf(plan, official),
  };
}

function normaliseDate(d: string): string {
  return d.includes('-') ? d : `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

/**
 * `tokenmeter alerts --replay [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json]`:
 * replays the logs through the runaway detector as if live and prints every
 * alert with the time it would have fired. Without `--replay`: the alerts in
 * force now and the live sessions, fastest-burning first.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const settings = await loadCliSettings();
  const calendar = calendarFor(args, settings);
  const since = dateFlag(args, 'since');
  const until = dateFlag(args, 'until');
  const scanner = await scanForCli(args, settings);
  const prices = priceTableOf(settings);
  const costOf = (e: UsageEvent) => prices.costOf(e);
  const all = scanner.ledger.events();
  const json = args.flags.has('json');
  const fmt = cliFormatter(args, settings);
  const say = (a: RunawayAlert) => sanitizeForTerminal(runawayAlertText(fmt, a));

  if (args.flags.has('replay')) {
    const sinceKey = since === undefined ? undefined : normaliseDate(since);
    const untilKey = until === undefined ? undefined : normaliseDate(until);
    const inRange = (ms: number) => {
      const key = calendar.dateKey(ms);
      return (sinceKey === undefined || key >= sinceKey) && (untilKey === undefined || key <= untilKey);
    };
    const events = all.filter((e) => inRange(e.timestampMs));
    const actions = new ActionTail().read(scanner.fileCursors(), -Infinity).filter((a) => inRange(a.timestampMs));
    const options = detectorOptionsFrom(args, settings, calendar, all, costOf);
    const alerts = replayAlerts(events, costOf, options, actions);
    if (json) {
      process.stdout.write(terminalSafeJson({
        alerts: alerts.map((a) => ({
          firedAt: new Date(a.firedAtMs).toISOString(), kind: a.kind, sessionId: a.sessionId, project: a.project, model: a.model,
          usdPerHour: Math.round(a.usdPerHour * 100) / 100, message: a.message,
          tokensPerMinute: Math.round(a.tokensPerMinute),
          ...(a.relative ? { timesUsualPeak: Math.round(a.relative.timesUsualPeak * 10) / 10, relativeUnit: a.relative.unit } : {}),
          ...(a.windowSharePercent !== undefined ? { windowSharePercent: Math.round(a.windowSharePercent * 10) / 10 } : {}),
        })),
      }, 2) + '\n');
      return 0;
    }
    const d = new RunawayDetector(options);
    const baseline = options.baseline!;
    console.log(fmt.l10n.t('Replayed {0} requests; burn-rate alert above {1}/h ({2}), parallel-agents above {3}', fmt.wholeNumber(events.length), fmt.money(d.burnThresholdUsdPerHour),
      baseline.sessionCount > 0 ? fmt.l10n.t('your P95 session peak {0}/h', fmt.money(baseline.usdPerHour)) : fmt.l10n.t('default baseline'), d.parallelAgentsLimit) +
      (baseline.tokensPerMinute !== undefined ? fmt.l10n.t(', relative alert above {0} tokens/min over 10 min (1.8× your usual 10-min peak).', fmt.wholeNumber(baseline.tokensPerMinute * 1.8)) : fmt.l10n.t('; no token baseline yet (fewer than 5 sessions of 10 min; set tokenmeter.plan or --plan).')));
    if (alerts.length === 0) console.log(fmt.l10n.t('No alerts.'));
    for (const a of alerts) console.log(`${new Date(a.firedAtMs).toISOString()}  ${a.kind.padEnd(17)} ${say(a)}`);
    return 0;
  }

  // Live view: replay the last two hours and show what is in force now — unless the editor's setting turned alerts off.
  if (!settings.runaway.enabled) {
    if (json) process.stdout.write(JSON.stringify({ alerts: [], sessions: [], disabled: 'tokenmeter.runaway.enabled is false' }, null, 2) + '\n');
    else console.log(fmt.l10n.t('Runaway alerts are off (tokenmeter.runaway.enabled is false).'));
    return 0;
  }
  const nowMs = Date.now();
  const recent = all.filter((e) => e.timestampMs >= nowMs - 2 * hourMs && e.timestampMs <= nowMs + 60_000);
  const options = detectorOptionsFrom(args, settings, calendar, all.filter((e) => e.timestampMs < nowMs - 2 * hourMs), costOf);
  const detector = new RunawayDetector(options);
  replayInto(detector, recent, new ActionTail().read(scanner.recentFileCursors(nowMs - 2 * hourMs), nowMs - 2 * hourMs).filter((a) => a.timestampMs >= nowMs - 2 * hourMs), costOf);
  const sessions = detector.activeSessions(nowMs);
  const inForce = detector.alertsInForce(nowMs);
  if (json) {
    process.stdout.write(terminalSafeJson({
      alerts: inForce.map((a) => ({ firedAt: new Date(a.firedAtMs).toISOString(), kind: a.kind, sessionId: a.sessionId, project: a.project, model: a.model, usdPerHour: Math.round(a.usdPerHour * 100) / 100, message: a.message })),
      sessions,
    }, 2) + '\n');
    return 0;
  }
  if (inForce.length === 0) console.log(fmt.l10n.t('No runaway now.'));
  for (const a of inForce) console.log(`${a.kind}: ${say(a)}`);
  for (const s of sessions) {
    const running = fmt.duration(s.runningForMs);
    console.log(sanitizeForTerminal(fmt.l10n.t('  {0}  {1}  {2}  {3}/h  {4} agents  {5}  {6} so far', s.sessionId.slice(0, 8), s.project, s.model, fmt.money(s.usdPerHour), s.activeAgents, running, fmt.money(s.costSoFarUsd))));
  }
  return 0;
}
