import type { RunawayAlert, RunawayKind } from '../runaway';
import type { DashboardAlert } from '../protocol';

const runawayTitle: Record<RunawayKind, string> = {
  'burn-rate': 'Runaway spend',
  'parallel-agents': 'Many parallel sub-agents',
  loop: 'Repeated request loop',
  'budget-projection': 'Budget runs out soon',
};

/** The runaway detector's alerts in force as dashboard alerts, newest first. */
export function runawayAlertItems(alerts: readonly RunawayAlert[]): DashboardAlert[] {
  return [...alerts]
    .sort((a, b) => b.firedAtMs - a.firedAtMs)
    .map((a) => ({
      title: runawayTitle[a.kind] ?? 'Runaway session',
      detail: a.message,
      level: a.kind === 'burn-rate' || a.kind === 'budget-projection' ? ('error' as const) : ('warning' as const),
      firedAtMs: a.firedAtMs,
      sessionId: a.sessionId,
    }));
}
