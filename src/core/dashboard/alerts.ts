import { runawayAlertText } from '../alertPhrases';
import { englishUsd, type Formatter } from '../format';
import type { DashboardAlert } from '../protocol';
import type { RunawayAlert } from '../runaway';

function titleOf(fmt: Formatter, a: RunawayAlert): string {
  switch (a.kind) {
    case 'burn-rate': return fmt.l10n.t('Runaway spend');
    case 'parallel-agents': return fmt.l10n.t('Many parallel sub-agents');
    case 'loop': return fmt.l10n.t('Repeated request loop');
    case 'budget-projection': return fmt.l10n.t('Budget runs out soon');
    default: return fmt.l10n.t('Runaway session');
  }
}

/** The runaway detector's alerts in force as dashboard alerts, newest first, in the display language and currency. */
export function runawayAlertItems(alerts: readonly RunawayAlert[], fmt: Formatter = englishUsd): DashboardAlert[] {
  return [...alerts]
    .sort((a, b) => b.firedAtMs - a.firedAtMs)
    .map((a) => ({
      title: titleOf(fmt, a),
      detail: runawayAlertText(fmt, a),
      level: a.kind === 'burn-rate' || a.kind === 'budget-projection' ? ('error' as const) : ('warning' as const),
      firedAtMs: a.firedAtMs,
      sessionId: a.sessionId,
    }));
}
