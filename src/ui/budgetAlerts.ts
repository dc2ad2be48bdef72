import * as vscode from 'vscode';
import { thresholdInputOf, type Limit } from '../core/status/limit';
import { budgetNotificationText } from '../core/alertPhrases';
import { englishUsd, type Formatter } from '../core/format';
import { evaluateThresholds, snoozeUntilMs, type BudgetNotification, type ThresholdInput, type ThresholdState } from '../core/thresholds';

const stateKey = 'tokenmeter.thresholdState';
const snoozeKey = 'tokenmeter.thresholdSnoozedUntilMs';

export interface BudgetAlertContext {
  nowMs: number;
  utcOffsetMinutes: number;
  /** Spend today from the logs, for "at today's rate the monthly cap runs out on the 19th". */
  todaySpentUsd: number;
  thresholdsPct: readonly number[];
}

/**
 * Budget threshold notifications: one per threshold per period for the tightest limit, with
 * hysteresis (core/thresholds.ts). State and snoozes live in globalState so a reload does not
 * notify again; each limit keeps its own state so the tightest switching does not re-fire.
 */
export class BudgetAlerts {
  constructor(
    private readonly globalState: vscode.Memento,
    private readonly log: (message: string) => void,
    private readonly actions: { showUsage(): unknown; openSettings(): unknown },
    /** The display language and currency of the texts. */
    private readonly formatter: () => Formatter,
    /** False when another window already showed this notification (see sources/notifyOnce.ts). */
    private readonly claim: (key: string, ttlMs: number) => boolean = () => true,
  ) {}

  evaluate(tightest: Limit | undefined, ctx: BudgetAlertContext): void {
    // The core's sentence is English; budgetNotificationText rebuilds it in the display language.
    const input = thresholdInputOf(tightest, tightest ? englishUsd.limitLabel(tightest) : '', { ...ctx, snoozedUntilMs: this.globalState.get<number>(snoozeKey) });
    if (!tightest || !input) return;
    const all = this.globalState.get<Record<string, ThresholdState>>(stateKey) ?? {};
    const result = evaluateThresholds(input, all[tightest.id]);
    if (JSON.stringify(all[tightest.id]) !== JSON.stringify(result.state)) {
      void this.globalState.update(stateKey, { ...all, [tightest.id]: result.state });
    }
    for (const n of result.notifications) {
      const key = `budget:${n.kind}:${tightest.id}:${tightest.periodKey}:${n.kind === 'overrun' ? '' : n.thresholdPct}`;
      if (this.claim(key, 12 * 3_600_000)) void this.show(n, input, ctx);
    }
  }

  private async show(n: BudgetNotification, input: ThresholdInput, ctx: BudgetAlertContext): Promise<void> {
    this.log(`Budget: ${n.message}`);
    const [showUsage, snoozeHour, snoozeTomorrow, openSettings] = [
      vscode.l10n.t('Show Usage'), vscode.l10n.t('Snooze 1 h'), vscode.l10n.t('Snooze Until Tomorrow'), vscode.l10n.t('Open Settings'),
    ];
    const actions = [showUsage, snoozeHour, snoozeTomorrow, openSettings];
    const text = `Tokenmeter: ${budgetNotificationText(this.formatter(), n, input)}`;
    // An error notification with actions stays until dismissed (cap reached).
    const picked = n.severity === 'error'
      ? await vscode.window.showErrorMessage(text, ...actions)
      : n.severity === 'warning'
        ? await vscode.window.showWarningMessage(text, ...actions)
        : await vscode.window.showInformationMessage(text, ...actions);
    switch (picked) {
      case showUsage:
        return void this.actions.showUsage();
      case snoozeHour:
      case snoozeTomorrow: {
        const until = snoozeUntilMs(picked === snoozeHour ? '1h' : 'tomorrow', Date.now(), ctx.utcOffsetMinutes);
        await this.globalState.update(snoozeKey, until);
        this.log(`Budget warnings snoozed until ${new Date(until).toLocaleString()}.`);
        return;
      }
      case openSettings:
        return void this.actions.openSettings();
    }
  }
}
