// Runaway and budget warnings for one display language and currency. In
// English with US dollars they are the core's own sentences (`RunawayAlert.message`,
// `BudgetNotification.message`, what the CLI prints; the routing hints' words are in routing/routingPhrases.ts); otherwise they are
// rebuilt from the numbers behind them. Pure, like format.ts.
import type { Formatter } from './format';
import type { PacingWarning, WindowPacing } from './pacing';
import { largeContextTokens, shortSessionId, timesText, type RunawayAlert, type RunawayStatus } from './runaway';
import { describeDay, localDayOf, type BudgetNotification, type ThresholdInput } from './thresholds';

/** The notification sentence for one runaway alert. */
export function runawayAlertText(fmt: Formatter, a: RunawayAlert): string {
  if (fmt.speaksCoreText) return a.message;
  // Rates and projections as the English sentence has them (`runaway/messages.ts`): whole units from a hundred.
  const money = (usd: number) => fmt.roundedMoney(usd);
  const who = fmt.l10n.t('Session {0} ({1}, {2})', shortSessionId(a.sessionId), a.project || fmt.l10n.t('unknown project'), a.model || fmt.l10n.t('unknown model'));
  let what: string;
  switch (a.kind) {
    case 'parallel-agents':
      what = fmt.l10n.t('{0} is running {1} sub-agents at once', who, a.activeAgents);
      break;
    case 'loop':
      what = a.repeated === undefined ? fmt.l10n.t('{0} looks stuck in a loop: {1} near-identical requests in 10 min', who, a.loopRepeats ?? fmt.l10n.t('many'))
        : a.repeated.failed ? fmt.l10n.t('{0} looks stuck in a loop: the same {1} call failed the same way {2} times in 10 min', who, a.repeated.tool, a.repeated.times)
          : fmt.l10n.t('{0} looks stuck in a loop: the same {1} call got the same answer {2} times in 10 min', who, a.repeated.tool, a.repeated.times);
      break;
    case 'budget-projection':
      what = a.remainingBudgetUsd !== undefined
        ? fmt.l10n.t('{0} will overrun the remaining budget of {1} within the hour', who, money(Math.max(0, a.remainingBudgetUsd)))
        : fmt.l10n.t('{0} will overrun the remaining budget within the hour', who);
      break;
    case 'burn-rate':
    default: {
      const context = a.contextTokens !== undefined && a.contextTokens >= largeContextTokens ? fmt.l10n.t(' re-sending {0} of context per request', fmt.tokens(a.contextTokens)) : '';
      if (a.relative !== undefined) {
        const times = timesText(a.relative.timesUsualPeak);
        const usual = a.relative.unit === 'tokens' ? fmt.l10n.t('{0}/min', fmt.tokens(a.relative.usualPeak)) : fmt.l10n.t('{0}/h', money(a.relative.usualPeak));
        what = (a.relative.unit === 'tokens'
          ? fmt.l10n.t('{0} has been running at {1}× your usual peak token rate for 10 min (usual peak {2})', who, times, usual)
          : fmt.l10n.t('{0} has been running at {1}× your usual peak spend rate for 10 min (usual peak {2})', who, times, usual)) + context;
        break;
      }
      const threshold = a.burnThresholdUsdPerHour !== undefined ? fmt.l10n.t(' (alert above {0}/h)', money(a.burnThresholdUsdPerHour)) : '';
      what = fmt.l10n.t('{0} is burning far above your usual rate', who) + threshold + context;
    }
  }
  let text = fmt.l10n.t('{0}: {1}/h ({2}/min), running {3}, {4} so far, {5} more in the next hour at this rate.', what, money(a.usdPerHour), fmt.tokens(a.tokensPerMinute), fmt.duration(a.runningForMs), money(a.costSoFarUsd), money(a.projectedNextHourUsd));
  if (a.windowSharePercent !== undefined && a.windowSharePercent >= 1) text += fmt.l10n.t(' It used {0}% of your 5-hour window in the last 10 min.', Math.round(a.windowSharePercent));
  if (a.windowExhaustedInMin !== undefined) text += fmt.l10n.t(' 5-hour window exhausted in ~{0} min.', Math.max(1, Math.round(a.windowExhaustedInMin)));
  return text;
}

/** The status bar text and tooltip lines while a runaway is in force. */
export function runawayStatusTexts(fmt: Formatter, status: RunawayStatus): { text: string; lines: string[] } {
  if (fmt.speaksCoreText || status.alerts.length === 0) return { text: status.text, lines: status.tooltip ? status.tooltip.split('\n') : [] };
  const worst = status.alerts.reduce((a, b) => (b.usdPerHour > a.usdPerHour ? b : a));
  const sessions = new Set(status.alerts.map((a) => a.sessionId)).size;
  const text = `$(flame) ${fmt.l10n.t('Runaway {0}/h', fmt.roundedMoney(worst.usdPerHour))}${sessions > 1 ? fmt.l10n.t(' ({0} sessions)', sessions) : ''}`;
  return { text, lines: status.alerts.map((a) => runawayAlertText(fmt, a)) };
}

/** The notification sentence for a budget warning, from the same input `evaluateThresholds` saw. */
export function budgetNotificationText(fmt: Formatter, n: BudgetNotification, input: ThresholdInput): string {
  if (fmt.speaksCoreText) return n.message;
  const label = input.budgetLabel;
  const offset = input.utcOffsetMinutes ?? 0;
  const day = (atMs: number) => dayText(fmt, atMs, input.nowMs, offset);
  const spent = input.unit === 'percent' ? undefined : { spent: fmt.money(input.spentUsd), limit: fmt.capMoney(input.limitUsd) };
  switch (n.kind) {
    case 'threshold': {
      const pct = Math.floor(n.usedPct);
      return spent ? fmt.l10n.t('{0} at {1}%: {2} of {3} spent.', label, pct, spent.spent, spent.limit) : fmt.l10n.t('{0} at {1}%.', label, pct);
    }
    case 'capReached': {
      const resetMs = input.resetsAt ? Date.parse(input.resetsAt) : NaN;
      const reached = spent ? fmt.l10n.t('{0} reached: {1} of {2} spent.', label, spent.spent, spent.limit) : fmt.l10n.t('{0} reached.', label);
      return reached + (Number.isNaN(resetMs) ? fmt.l10n.t(' Requests may be refused.') : fmt.l10n.t(' Requests may be refused until it resets {0}.', day(resetMs)));
    }
    case 'overrun':
      // Mid-sentence the cap is named again in lower case ("the monthly cap") where the language does so.
      return fmt.l10n.t('{0}: At today\'s rate the {1} runs out {2}.', label, lowerCaseNouns.has(fmt.language) ? `${label.charAt(0).toLowerCase()}${label.slice(1)}` : label, day(n.runsOutAtMs));
  }
}

const lowerCaseNouns = new Set(['en', 'fr', 'es', 'pt-br', 'ru']);

/** "today around 16:40", "tomorrow", "on the 19th", "on Dec 3" (thresholds.ts `describeDay`) in the display language. */
function dayText(fmt: Formatter, atMs: number, nowMs: number, offset: number): string {
  // In Chinese a day that starts with a digit ("30 日") is set off from the character before it.
  if (fmt.language === 'en' || fmt.language === 'zh-cn') return describeDay(atMs, nowMs, offset, fmt.language).replace(/^(?=\d)/, fmt.language === 'zh-cn' ? ' ' : '');
  const at = localDayOf(atMs, nowMs, offset);
  if (at.dayDiff <= 0) return fmt.l10n.t('today around {0}', at.clock);
  if (at.dayDiff === 1) return fmt.l10n.t('tomorrow');
  if (at.sameMonth) return fmt.l10n.t('on the {0}', at.day);
  const date = new Intl.DateTimeFormat(fmt.language, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(at.year, at.month, at.day));
  return fmt.l10n.t('on {0}', date);
}

/** "Claude 5h" / "Codex 7d": a plan window's short name (product names and window codes stay as they are). */
function windowName(p: Pick<WindowPacing, 'source' | 'window'>): string {
  return `${p.source === 'claude' ? 'Claude' : 'Codex'} ${p.window}`;
}

/**
 * One window's pace: "Claude 7d: 41% used, 29% of the week gone: ahead of pace, runs out Thu 14:00, resets Fri 09:00".
 * For the tooltip, the dashboard and the CLI.
 */
export function pacingLineText(fmt: Formatter, p: WindowPacing): string {
  const used = `${Math.round(p.usedPercent)}%`;
  if (p.resetSinceReading && p.elapsedPercent === null) return fmt.l10n.t('{0}: {1} used, reset since it was recorded', windowName(p), used);
  const parts: string[] = [];
  let head = fmt.l10n.t('{0}: {1} used', windowName(p), used);
  if (p.elapsedPercent !== null) {
    const gone = `${Math.round(p.elapsedPercent)}%`;
    head = p.window === '5h' ? fmt.l10n.t('{0}: {1} used, {2} of the 5-hour window gone', windowName(p), used, gone)
      : p.window === '7d' ? fmt.l10n.t('{0}: {1} used, {2} of the week gone', windowName(p), used, gone)
        : fmt.l10n.t('{0}: {1} used, {2} of the window gone', windowName(p), used, gone);
    const ahead = p.aheadByPercent ?? 0;
    parts.push(p.runsOutBeforeReset ? fmt.l10n.t('ahead of pace') : ahead > 0 ? fmt.l10n.t('slightly ahead of pace') : fmt.l10n.t('on pace'));
  }
  if (p.projectedRunOutAtMs !== null) parts.push(fmt.l10n.t('runs out {0}', fmt.dateTime(p.projectedRunOutAtMs)));
  if (p.resetsAtMs !== null) parts.push(fmt.l10n.t('resets {0}', fmt.dateTime(p.resetsAtMs)));
  return fmt.l10n.t('{0}: {1}', head, parts.length > 0 ? parts.reduce((list, part) => fmt.l10n.t('{0}, {1}', list, part)) : '');
}

/** The status bar's short pacing text when a window runs out before its reset: "Claude 5h out in 1 h 10 min". */
export function pacingStatusText(fmt: Formatter, p: WindowPacing, nowMs: number): string {
  return fmt.l10n.t('{0} out in {1}', windowName(p), fmt.duration(Math.max(0, (p.projectedRunOutAtMs ?? nowMs) - nowMs)));
}

/** The one-time warning: "At this pace Claude's 5-hour window runs out at 14:10, 2 h 5 min before it resets (16:15)." */
export function pacingWarningText(fmt: Formatter, w: PacingWarning): string {
  const p = w.pacing;
  const name = p.source === 'claude' ? 'Claude' : 'Codex';
  const windowWords = p.window === '5h' ? fmt.l10n.t('5-hour window') : p.window === '7d' ? fmt.l10n.t('weekly limit') : fmt.l10n.t('{0} window', p.window);
  const args = [name, windowWords, fmt.dateTime(p.projectedRunOutAtMs!), fmt.duration(w.leadMs), fmt.dateTime(p.resetsAtMs!), Math.round(p.usedPercent), Math.round(p.elapsedPercent ?? 0)] as const;
  return fmt.l10n.t('At this pace {0}\'s {1} runs out {2}, {3} before it resets ({4}): {5}% used with {6}% of the time gone.', ...args);
}
