import { englishUsd, formatTokens } from '../format';
import type { RunawayAlert } from './types';

/** Short session id for messages: the first 8 characters. */
export function shortSessionId(sessionId: string): string {
  return sessionId.length > 8 ? sessionId.slice(0, 8) : sessionId;
}

// The English sentences' numbers come from the one formatter (English, US dollars): rates and projections as
// `roundedMoney` (`$1,285/h`, `$12.40`), tokens compact (`120.0K`), durations as everywhere (`1 h 5 min`).
const usd = (n: number): string => englishUsd.roundedMoney(n);
const duration = (ms: number): string => englishUsd.duration(ms);

/** Context worth naming in a burn-rate alert. */
export const largeContextTokens = 100_000;

/** The alert sentence: what is happening, then session, project, model, rate, duration, cost so far and in an hour. */
export function runawayMessage(a: Omit<RunawayAlert, 'message'>): string {
  const who = `Session ${shortSessionId(a.sessionId)} (${a.project || 'unknown project'}, ${a.model || 'unknown model'})`;
  let what: string;
  switch (a.kind) {
    case 'parallel-agents':
      what = `${who} is running ${a.activeAgents} sub-agents at once`;
      break;
    case 'loop':
      what = a.repeated !== undefined
        ? `${who} looks stuck in a loop: the same ${a.repeated.tool} call ${a.repeated.failed ? 'failed the same way' : 'got the same answer'} ${a.repeated.times} times in 10 min`
        : `${who} looks stuck in a loop: ${a.loopRepeats ?? 'many'} near-identical requests in 10 min`;
      break;
    case 'budget-projection':
      what = `${who} will overrun the remaining budget${a.remainingBudgetUsd !== undefined ? ` of ${usd(Math.max(0, a.remainingBudgetUsd))}` : ''} within the hour`;
      break;
    case 'burn-rate':
    default: {
      const ctx = a.contextTokens !== undefined && a.contextTokens >= largeContextTokens ? ` re-sending ${formatTokens(a.contextTokens)} tokens of context per request` : '';
      what = a.relative !== undefined
        ? `${who} has been running at ${timesText(a.relative.timesUsualPeak)}× your usual peak ${a.relative.unit === 'tokens' ? 'token rate' : 'spend rate'} for 10 min (usual peak ${a.relative.unit === 'tokens' ? `${formatTokens(a.relative.usualPeak)} tok/min` : `${usd(a.relative.usualPeak)}/h`})${ctx}`
        : `${who} is burning far above your usual rate${a.burnThresholdUsdPerHour !== undefined ? ` (alert above ${usd(a.burnThresholdUsdPerHour)}/h)` : ''}${ctx}`;
      break;
    }
  }
  let text = `${what}: ${usd(a.usdPerHour)}/h (${formatTokens(a.tokensPerMinute)} tok/min), running ${duration(a.runningForMs)}, ${usd(a.costSoFarUsd)} so far, ${usd(a.projectedNextHourUsd)} more in the next hour at this rate.`;
  if (a.windowSharePercent !== undefined && a.windowSharePercent >= 1) text += ` It used ${Math.round(a.windowSharePercent)}% of your 5-hour window in the last 10 min.`;
  if (a.windowExhaustedInMin !== undefined) text += ` 5-hour window exhausted in ~${Math.max(1, Math.round(a.windowExhaustedInMin))} min.`;
  return text;
}

/** What the status bar shows while a runaway is in force. */
export interface RunawayStatus {
  isRunaway: boolean;
  /** Status bar text, e.g. `$(flame) Runaway $1,285/h`; '' when none. */
  text: string;
  /** One line per alert in force. */
  tooltip: string;
  /** The alerts in force, for texts in another language or currency. */
  alerts: readonly RunawayAlert[];
  /** The fastest-burning session in trouble, for Show Session. */
  sessionId?: string;
}

/** The status bar's runaway state from `RunawayDetector.alertsInForce(nowMs)`. */
export function runawayStatusOf(alertsInForce: readonly RunawayAlert[]): RunawayStatus {
  if (alertsInForce.length === 0) return { isRunaway: false, text: '', tooltip: '', alerts: [] };
  const worst = alertsInForce.reduce((a, b) => (b.usdPerHour > a.usdPerHour ? b : a));
  const sessions = new Set(alertsInForce.map((a) => a.sessionId)).size;
  return {
    isRunaway: true,
    text: `$(flame) Runaway ${usd(worst.usdPerHour)}/h${sessions > 1 ? ` (${sessions} sessions)` : ''}`,
    tooltip: alertsInForce.map((a) => a.message).join('\n'),
    alerts: alertsInForce,
    sessionId: worst.sessionId,
  };
}

/** `1.4` below 10, `14` above: how many times the usual peak. */
export function timesText(times: number): string {
  return times < 10 ? times.toFixed(1) : `${Math.round(times)}`;
}
