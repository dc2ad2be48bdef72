import * as path from 'node:path';
import * as vscode from 'vscode';
import { computeStatus, type Status } from '../core/status/computeStatus';
import { readingOfLimit, remainingUsdOf, tightestLimit, type Limit } from '../core/status/limit';
import { runawayAlertItems } from '../core/dashboard';
import { recommendMaxConcurrentSubagents, runawayStatusOf } from '../core/runaway';
import type { ModelTiers } from '../core/router';
import type { Settings } from '../core/settings';
import { settingsImpact } from '../core/settingsChange';
import { statusWindowMs } from '../core/status/estimatedSpend';
import { activeSessionLookback } from '../core/routing/sessionRouting';
import { BudgetAlerts } from './budgetAlerts';
import { BudgetService } from './budgetService';
import { CommandId } from './commandIds';
import { connectClaudeStatusLine, disconnectClaudeStatusLine, installBudgetHook, removeBudgetHook } from './commands/claudeSettings';
import { configure } from './commands/configure';
import { connectMcp } from './commands/connectMcp';
import { estimateTaskCost } from './commands/estimateTaskCost';
import { openLogsFolder } from './commands/openLogsFolder';
import { requestMoreBudget } from './commands/requestMoreBudget';
import { routingReport } from './commands/routingReport';
import { judgeRequest, setJudgeKey } from './routingJudge';
import { notifyRunaway, showRunawaySessions } from './commands/runawaySessions';
import { setApiKey } from './commands/setApiKey';
import { setBudget } from './commands/setBudget';
import { showUsage } from './commands/showUsage';
import { Dashboard } from './dashboardPanel';
import { displayFormatter } from './displayFormatter';
import { replayMs, RunawayWatch } from './runawayWatch';
import { SettingsReader } from './settings';
import type { StatusBar, StatusOverlay } from './statusBar';
import { UsageService, type ServiceState } from './usageService';
import { claimNotification } from '../sources/notifyOnce';
import { claudeTranscriptOf, RetryPhraseCounter } from '../sources/sessionTranscript';
import { defaultStateDir } from '../sources/statusLineStore';
import { englishUsd, type Formatter } from '../core/format';
import { codexWindowReadings, duePacingWarnings, pacingOfAll, type WindowPacing } from '../core/pacing';
import { pacingWarningText } from '../core/alertPhrases';

/** What the controller needs from the extension context (passed in by extension.ts). */
export type StatusControllerContext = Pick<vscode.ExtensionContext, 'globalState' | 'secrets' | 'extensionPath' | 'globalStorageUri'>;

/**
 * The editor's owner of the status: for one settings lifetime it holds what feeds the status (the log scanner
 * service, budget pollers, the runaway watch), computes the status once per change and hands it to the status
 * bar, the dashboard and the notifications, and runs the commands against it. Everything heavy (zod, price data,
 * the scanner) lives in this separately bundled module (dist/statusController.js), loaded right after activation
 * so that activation itself stays cheap.
 */
export class StatusController implements vscode.Disposable {
  private readonly settings: SettingsReader;
  private service: UsageService | undefined;
  private budgets: BudgetService | undefined;
  private runaway: RunawayWatch | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly dashboard: Dashboard;
  private readonly alerts: BudgetAlerts;
  /** The last status model computed, shared by the status bar, the dashboard and the commands. */
  private status: Status | undefined;
  private lifetime: vscode.Disposable[] = [];
  private budgetsLifetime: vscode.Disposable | undefined;
  /** The settings the running parts were built from. */
  private applied: Settings;
  private readonly runawayNotifiedAtMs = new Map<string, number>();
  /** "Let me try a different approach" in the session in progress, read from its transcript's tail. */
  private retryPhrases: { sessionId: string; count: number } | undefined;
  private readonly retryCounter = new RetryPhraseCounter();
  private retryRead: Promise<void> | undefined;

  constructor(private readonly statusBar: StatusBar, private readonly log: (message: string) => void, private readonly context: StatusControllerContext) {
    // This bundle is dist/statusController.js: the extension's root is one folder up.
    this.dashboard = new Dashboard(vscode.Uri.file(path.join(__dirname, '..')), log);
    this.settings = new SettingsReader(log);
    this.alerts = new BudgetAlerts(context.globalState, log, {
      showUsage: () => vscode.commands.executeCommand(CommandId.showUsage),
      openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', 'tokenmeter.budget'),
    }, () => this.displayFormatter(), this.claim);
    // The dashboard shows the same limits (one card each) and runaways as the status bar, read at each of its updates.
    this.dashboard.setLimits(() => this.limits, () => this.displayFormatter());
    this.dashboard.setAlerts(() => runawayAlertItems(this.runaway?.current?.alertsInForce(Date.now()) ?? [], this.displayFormatter()));
    this.applied = this.settings.current;
    this.subscription = this.settings.onDidChange((next) => this.settingsChanged(next));
    this.restart();
  }

  /** Redoes only what the change touches (core/settingsChange.ts): rescan, re-poll, new detector, recompute or re-render. */
  private settingsChanged(next: Settings): void {
    const impact = settingsImpact(this.applied, next);
    this.applied = next;
    if (impact.rescan) return this.restart();
    const service = this.service;
    if (!service) return;
    if (impact.repoll) this.startBudgets(next);
    if (impact.runaway) this.startRunaway(next, service);
    if (impact.recompute) {
      this.dashboard.setService(service, next.budget);
      // Publishes new numbers, which updates the status bar once.
      service.setBudget(next.budget);
    }
    if (impact.render) this.statusBar.setDisplay(next.display);
    if (!impact.recompute) this.update(service.state);
    this.dashboard.changed();
  }

  /** One service per log configuration: scanner, index, watchers and timers; pollers and detector with it. */
  private restart(): void {
    for (const d of this.lifetime.reverse()) d.dispose();
    this.lifetime = [];
    this.service?.dispose();
    const settings = this.settings.current;
    const service = (this.service = new UsageService(settings, this.log));
    this.startBudgets(settings);
    this.startRunaway(settings, service);
    this.lifetime.push(service.onDidChange((state) => this.update(state)));
    this.dashboard.setService(service, settings.budget);
    this.statusBar.setDisplay(settings.display);
    this.statusBar.show(service.state, undefined);
    void service.start().catch((error: unknown) => {
      this.log(`Tokenmeter could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      this.statusBar.render({ kind: 'error', message: vscode.l10n.t('Tokenmeter could not read the agent logs.') });
    });
  }

  /** Budget endpoint pollers for the current endpoint settings (replacing any before). */
  private startBudgets(settings: Settings): void {
    this.budgetsLifetime?.dispose();
    this.budgets?.dispose();
    const budgets = (this.budgets = new BudgetService(settings.endpoints, this.context.secrets, this.log, (sourceId, message, isAuth) =>
      void this.notifyEndpointError(sourceId, message, isAuth)));
    this.budgetsLifetime = budgets.onDidChange(() => {
      if (this.service) this.update(this.service.state);
      this.dashboard.changed();
    });
  }

  /** The runaway detector for the current thresholds, over the service's ledger. */
  private startRunaway(settings: Settings, service: UsageService): void {
    this.runaway = new RunawayWatch(settings, service.prices, service.calendar, () => remainingUsdOf(this.limits), this.log, this.runawayNotifiedAtMs);
  }

  private get limits(): Limit[] {
    return this.status?.limits ?? [];
  }

  /** Money and phrases in VS Code's display language and the configured currency. */
  private displayFormatter(): Formatter {
    return displayFormatter(this.settings.current.display);
  }

  /** One notification across all windows: the first to claim its key shows it. */
  private readonly claim = (key: string, ttlMs: number): boolean => claimNotification(defaultStateDir(), key, Date.now(), ttlMs);

  /** Recomputes every limit, the runaway state and the routing hint from the current state. */
  private update(state: ServiceState): void {
    const service = this.service;
    const budgets = this.budgets;
    if (!service || !budgets) return;
    if (state.kind !== 'ready') {
      this.statusBar.render(state);
      return;
    }
    const settings = this.settings.current;
    const { estimatedSpend } = state;
    const nowMs = Date.now();
    const readings = budgets.readings();
    // The spend is the service's (estimatedSpend); the rows are for the session routing, which reads the last
    // activeSessionLookback of the month's rows: only those are made into objects (a month of rows was ~5 MB of
    // objects a status, twice a 30-second pass at 1.5 GB of history, and kept V8's young generation grown;
    // docs/benchmarks.md, session 17). An endpoint's reading moves by the rows logged since it was fetched (a poll
    // ago): those rows, not every row of the history as before (docs/benchmarks.md, session 19, c19mem4), unless
    // a reading is older than the rows held (its endpoint failing for weeks): then every row, read from the index.
    const ledger = service.scanner.ledger;
    const events = ledger.lastEventsSince(nowMs - statusWindowMs, activeSessionLookback);
    const readingsFromMs = Math.min(...readings.map((r) => r.fetchedAtMs));
    const readingEvents = readings.length === 0 ? undefined : ledger.needsOlder(readingsFromMs) ? ledger.events() : ledger.eventsSince(readingsFromMs);
    let overlay: StatusOverlay | undefined;
    try {
      const status = (this.status = computeStatus({
        events,
        readingEvents,
        prices: service.prices,
        calendar: service.calendar,
        budget: settings.budget,
        nowMs,
        estimatedSpend,
        readings,
        planWindows: budgets.planQuotas(nowMs),
        codexCredits: service.scanner.codexCredits(),
        routing: { tiers: this.tiers(), liveHints: settings.routing.liveHints, retryPhrases: this.retryPhrases },
      }));
      this.readRetryPhrases(status);
      const fired = this.runaway?.update(service.scanner.ledger, nowMs, service.scanner.recentFileCursors(nowMs - replayMs)) ?? [];
      for (const alert of fired.slice(0, 1)) {
        if (!this.claim(`runaway:${alert.sessionId}`, 15 * 60_000)) continue;
        void notifyRunaway(alert, {
          showSession: (id) => this.showSessions(id),
          snooze: (id, untilMs) => {
            this.runaway?.snooze(id, untilMs);
            if (this.service) this.update(this.service.state);
          },
          roots: service.roots,
          log: this.log,
          formatter: this.displayFormatter(),
        });
      }
      const pacing = pacingOfAll([...budgets.windowReadings(), ...codexWindowReadings(service.scanner.officialLimits())], nowMs);
      this.warnPacing(pacing, nowMs);
      overlay = {
        nowMs,
        status,
        pacing,
        runaway: this.runaway?.status(nowMs) ?? runawayStatusOf([]),
        priceDataDate: service.prices.dataDate,
      };
      this.alerts.evaluate(status.tightest, {
        nowMs,
        utcOffsetMinutes: Math.round(service.calendar.offsetMs(nowMs) / 60_000),
        todaySpentUsd: estimatedSpend.today.totalCost,
        thresholdsPct: settings.budget.notifyAtPercent,
      });
    } catch (error) {
      // The spend estimated from the logs still shows; the extras come back at the next update.
      this.log(`Could not combine budgets: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    // One render per update.
    this.statusBar.show(state, overlay);
  }

  /** Once per window instance (across editor windows): a window projected to run out before its reset, with the lead time. */
  private warnPacing(pacing: readonly WindowPacing[], nowMs: number): void {
    for (const w of duePacingWarnings(pacing, new Set())) {
      if (!this.claim(`pacing:${w.key}`, Math.max(60_000, (w.pacing.resetsAtMs ?? nowMs) - nowMs))) continue;
      void vscode.window.showWarningMessage(`Tokenmeter: ${pacingWarningText(this.displayFormatter(), w)}`);
    }
  }

  private tiers(): ModelTiers {
    const r = this.settings.current.routing;
    return { small: r.smallModel, medium: r.mediumModel, large: r.largeModel };
  }

  /**
   * Counts the agent's retry phrases in the session in progress (Claude Code transcripts) in the
   * background; when the count changes, the status is computed again with it.
   */
  private readRetryPhrases(status: Status): void {
    const session = status.routing?.session;
    const service = this.service;
    if (!session || session.source !== 'claude' || !service || this.retryRead) return;
    this.retryRead = (async () => {
      const file = await claudeTranscriptOf(service.roots.claudeDirs, session.project, session.sessionId);
      const count = file ? await this.retryCounter.count(file) : 0;
      const before = this.retryPhrases;
      this.retryPhrases = { sessionId: session.sessionId, count };
      if ((before?.sessionId !== session.sessionId || before.count !== count) && this.service === service) this.update(service.state);
    })()
      .catch((error: unknown) => this.log(`Could not read the session transcript for retry phrases: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => { this.retryRead = undefined; });
  }

  private async notifyEndpointError(sourceId: string, message: string, isAuth: boolean): Promise<void> {
    if (!this.claim(`endpoint:${sourceId}:${message}`, 3_600_000)) return;
    const [setKey, openSettings, showOutput] = [vscode.l10n.t('Set API Key'), vscode.l10n.t('Open Settings'), vscode.l10n.t('Show Output')];
    const picked = await vscode.window.showWarningMessage(vscode.l10n.t('Tokenmeter: budget endpoint {0}: {1}', sourceId, message), isAuth ? setKey : openSettings, showOutput);
    if (picked === setKey) await vscode.commands.executeCommand(CommandId.setApiKey);
    else if (picked === openSettings) await vscode.commands.executeCommand('workbench.action.openSettings', 'tokenmeter.endpoints');
    else if (picked === showOutput) await vscode.commands.executeCommand(CommandId.showOutput);
  }

  private showSessions(focusSessionId?: string): Promise<void> {
    return showRunawaySessions(this.displayFormatter(), this.runaway?.current, this.context.globalStorageUri, focusSessionId, remainingUsdOf(this.limits));
  }

  async run(command: string): Promise<void> {
    const service = this.service;
    const budgets = this.budgets;
    if (!service || !budgets) return;
    const settings = this.settings.current;
    switch (command) {
      case CommandId.showUsage:
        return showUsage(service, this.displayFormatter());
      case CommandId.refresh:
        await Promise.all([service.refresh(), budgets.refreshNow()]);
        return;
      case CommandId.setBudget:
        return setBudget();
      case CommandId.openLogsFolder:
        return openLogsFolder(service.roots);
      case CommandId.openDashboard:
        return this.dashboard.open();
      case CommandId.setApiKey:
        await setApiKey(budgets.sources, this.context.secrets, this.log);
        return void budgets.refreshNow();
      case CommandId.requestMoreBudget: {
        // Money is what one asks for: the tightest dollar budget, else whatever is tightest.
        const ask = tightestLimit(this.limits.filter((c) => c.unit === 'usd')) ?? this.status?.tightest;
        return requestMoreBudget(settings.budget.requestUrl, ask ? readingOfLimit(ask, englishUsd.limitLabel(ask), Date.now()) : undefined);
      }
      case CommandId.connectClaudeStatusLine:
        return this.reportErrors(connectClaudeStatusLine(this.context.extensionPath, this.log));
      case CommandId.disconnectClaudeStatusLine:
        return this.reportErrors(disconnectClaudeStatusLine(this.context.extensionPath, this.log));
      case CommandId.connectMcp:
      case CommandId.disconnectMcp:
        return this.reportErrors(connectMcp(command === CommandId.connectMcp, this.context.extensionPath, this.context.globalStorageUri, this.log));
      case CommandId.installBudgetHook: {
        const hot = this.runaway?.current?.activeSessions(Date.now()).find((s) => s.usdPerHourPerAgent > 0);
        const remaining = remainingUsdOf(this.limits);
        const advice = hot && remaining !== undefined
          ? recommendMaxConcurrentSubagents({ remainingBudgetUsd: remaining, horizonMs: 5 * 3_600_000, perAgentUsdPerHour: hot.usdPerHourPerAgent })
          : undefined;
        return this.reportErrors(installBudgetHook(this.context.extensionPath, advice, this.log));
      }
      case CommandId.removeBudgetHook:
        return this.reportErrors(removeBudgetHook(this.log));
      case CommandId.showRunawaySessions:
        return this.showSessions();
      case CommandId.estimateTaskCost:
        return estimateTaskCost({
          getEvents: () => service.scanner.ledger.events(),
          getRemainingBudgetUsd: () => remainingUsdOf(this.limits),
          claudeDirs: service.roots.claudeDirs,
          priceOf: (m) => service.prices.ratesFor(m),
          costOf: (e) => service.prices.costOf(e),
          settings: { tiers: this.tiers(), aggressiveness: settings.routing.aggressiveness },
          log: this.log,
          outputDir: this.context.globalStorageUri,
          fmt: this.displayFormatter(),
          judge: settings.routing.judge === 'off' ? undefined : (request, localTier, token) => judgeRequest(request, localTier, {
            settings: settings.routing, secrets: this.context.secrets, priceOf: (m) => service.prices.ratesFor(m), log: this.log,
          }, token),
        });
      case CommandId.setJudgeKey:
        return setJudgeKey(this.context.secrets, this.log);
      case CommandId.configure:
        return configure(settings, { setBudget: CommandId.setBudget, setApiKey: CommandId.setApiKey });
      case CommandId.routingReport:
        return routingReport({
          events: service.scanner.ledger.events(),
          claudeDirs: service.roots.claudeDirs,
          prices: service.prices,
          calendar: service.calendar,
          tiers: this.tiers(),
          aggressiveness: settings.routing.aggressiveness,
          outputDir: this.context.globalStorageUri,
          log: this.log,
          fmt: this.displayFormatter(),
        });
    }
  }

  private async reportErrors(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(message);
      void vscode.window.showErrorMessage(`Tokenmeter: ${message}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.budgetsLifetime?.dispose();
    for (const d of this.lifetime.reverse()) d.dispose();
    this.dashboard.dispose();
    this.budgets?.dispose();
    this.service?.dispose();
    this.settings.dispose();
  }
}
