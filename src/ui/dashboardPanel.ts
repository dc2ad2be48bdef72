import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dashboardHtml } from '../../media/dashboardHtml';
import {
  buildDashboardView,
  DashboardIndex,
  dailyCsvColumns,
  dailyExportRows,
  sessionCsvColumns,
  sessionDetails,
  toCsv,
  viewPatch,
} from '../core/dashboard';
import type { Ledger } from '../core/ledger/ledger';
import {
  dashboardViewType,
  defaultQuery,
  toHostSchema,
  toViewSchema,
  viewStateSchema,
  type DashboardQuery,
  type DashboardAlert,
  type DashboardView,
  type ToHost,
  type ToView,
} from '../core/protocol';
import { englishUsd, type Formatter } from '../core/format';
import { phraseTable } from '../core/phrases';
import type { BudgetSettings } from '../core/settings';
import type { Limit } from '../core/status/limit';
import type { UsageService } from './usageService';

/** Live updates are coalesced: at most one per this interval, the last change always shown. */
const updateIntervalMs = 1_000;

/**
 * Owns the dashboard panel for the extension's lifetime: at most one panel,
 * fed by whichever usage service the current settings built.
 */
/** The status model's limits and the words for them (the status controller's display language and currency). */
interface LimitSource {
  limits(): readonly Limit[] | undefined;
  fmt(): Formatter;
}

const noLimits: LimitSource = { limits: () => undefined, fmt: () => englishUsd };

export class Dashboard implements vscode.Disposable {
  private panel: DashboardPanel | undefined;
  private service: UsageService | undefined;
  private budget: BudgetSettings | undefined;
  private readonly serializer: vscode.Disposable;
  private limits: LimitSource = noLimits;
  private alerts: () => DashboardAlert[] = () => [];
  private lastQuery: DashboardQuery | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: (message: string) => void) {
    // Registered when the status controller loads, just after activation: VS Code holds a restored panel until a
    // serializer for its type appears (activation event onWebviewPanel:tokenmeter.dashboard).
    this.serializer = vscode.window.registerWebviewPanelSerializer(dashboardViewType, {
      deserializeWebviewPanel: async (panel, state) => this.revive(panel, state),
    });
  }

  /** Called for each new service (settings changed); the open panel switches to it. */
  setService(service: UsageService, budget: BudgetSettings): void {
    this.service = service;
    this.budget = budget;
    this.panel?.attach(service, budget, this.limits, this.alerts);
  }

  /**
   * The status model's limits (one card each) and the formatter for their labels, read at each update.
   * Call `changed()` when they change between ledger updates.
   */
  setLimits(limits: () => readonly Limit[] | undefined, fmt: () => Formatter): void {
    this.limits = { limits, fmt };
    this.panel?.setSources(this.limits, this.alerts);
  }

  /** Alerts in force (e.g. `runawayAlertItems(detector.alertsInForce(now))`), read at each update. */
  setAlerts(alerts: () => DashboardAlert[]): void {
    this.alerts = alerts;
    this.panel?.setSources(this.limits, alerts);
  }

  /** Something the dashboard shows changed outside the ledger (e.g. an endpoint reading): update the open panel. */
  changed(): void {
    this.panel?.scheduleUpdate();
  }

  /** "Tokenmeter: Open Dashboard": reveal the panel, or create it. */
  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(dashboardViewType, vscode.l10n.t('Tokenmeter Dashboard'), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.adopt(panel, undefined);
  }

  /** The serializer's half: a panel VS Code restored after a reload, with the page's last state. */
  revive(panel: vscode.WebviewPanel, state: unknown): void {
    this.panel?.dispose();
    panel.webview.options = webviewOptions(this.extensionUri);
    const parsed = viewStateSchema.safeParse(state);
    this.adopt(panel, parsed.success ? parsed.data.query : undefined);
  }

  private adopt(panel: vscode.WebviewPanel, query: DashboardQuery | undefined): void {
    // A panel closed and opened again in the same window starts on the range it was left on.
    const wrapper = new DashboardPanel(panel, this.extensionUri, this.log, query ?? this.lastQuery ?? defaultQuery, (lastQuery) => {
      this.lastQuery = lastQuery;
      if (this.panel === wrapper) this.panel = undefined;
    });
    this.panel = wrapper;
    if (this.service && this.budget) wrapper.attach(this.service, this.budget, this.limits, this.alerts);
  }

  dispose(): void {
    this.panel?.dispose();
    this.serializer.dispose();
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // The page keeps its state with setState; a hidden panel costs no memory.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

/** One webview panel: the ready handshake, validated messages, throttled live updates. */
class DashboardPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private serviceSubscription: vscode.Disposable | undefined;
  private service: UsageService | undefined;
  private budget: BudgetSettings | undefined;
  private limitSource: LimitSource = noLimits;
  private lastDisplay = '';
  private alerts: () => DashboardAlert[] = () => [];
  private index: DashboardIndex | undefined;
  private ledger: Ledger | undefined;
  private ledgerVersion = 0;
  private ledgerSize = 0;
  /** The last view the page has, to send only changed sections. */
  private shown: DashboardView | undefined;
  private pageReady = false;
  private timer: NodeJS.Timeout | undefined;
  private lastUpdateMs = 0;
  private disposed = false;
  private panelDisposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: (message: string) => void,
    private query: DashboardQuery,
    private readonly onDispose: (lastQuery: DashboardQuery) => void,
  ) {
    this.disposables.push(panel.onDidDispose(() => {
      this.panelDisposed = true;
      this.dispose();
    }));
    this.disposables.push(panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)));
    this.disposables.push(panel.onDidChangeViewState(() => {
      // Without retainContextWhenHidden the page is torn down when hidden and says `ready` again when shown.
      if (!panel.visible) {
        this.pageReady = false;
        this.shown = undefined;
      }
    }));
    panel.webview.html = this.html();
  }

  reveal(): void {
    this.panel.reveal();
  }

  attach(service: UsageService, budget: BudgetSettings, limits: LimitSource, alerts: () => DashboardAlert[]): void {
    this.serviceSubscription?.dispose();
    this.service = service;
    this.budget = budget;
    this.limitSource = limits;
    this.alerts = alerts;
    this.index = new DashboardIndex(service.prices, service.calendar);
    this.ledger = undefined;
    this.shown = undefined;
    this.serviceSubscription = service.onDidChange(() => this.scheduleUpdate());
    this.scheduleUpdate();
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'media', name)).toString();
    return dashboardHtml({ cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64'), scriptUri: asset('dashboard.js'), styleUri: asset('dashboard.css') });
  }

  private receive(data: unknown): void {
    const parsed = toHostSchema.safeParse(data);
    if (!parsed.success) {
      this.log(`Dashboard: ignored a malformed message from the page (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
      return;
    }
    void this.handle(parsed.data).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`Dashboard: ${parsed.data.type} failed: ${error instanceof Error ? error.stack ?? message : message}`);
      this.post({ type: 'error', message: `${message}. Run "Tokenmeter: Show Output" for details.` });
    });
  }

  private async handle(message: ToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.shown = undefined;
        this.lastDisplay = ''; // A new page: it needs the display and its words again.
        if (message.query) this.query = message.query;
        return this.update();
      case 'query':
        this.query = message.query;
        this.shown = undefined;
        return this.update();
      case 'sessionDetails': {
        const service = this.service;
        const details = service ? sessionDetails(service.scanner.ledger.events(), message.sessionId, service.prices) : null;
        this.post({ type: 'sessionDetails', sessionId: message.sessionId, details });
        return;
      }
      case 'refresh':
        await this.service?.refresh();
        return this.update();
      case 'export':
        return this.export(message.format);
    }
  }

  setSources(limits: LimitSource, alerts: () => DashboardAlert[]): void {
    this.limitSource = limits;
    this.alerts = alerts;
    this.scheduleUpdate();
  }

  scheduleUpdate(): void {
    if (this.timer || this.disposed) return;
    const waitMs = Math.max(0, this.lastUpdateMs + updateIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update().catch((error: unknown) => this.log(`Dashboard update failed: ${String(error)}`));
    }, waitMs);
  }

  /** Folds new ledger rows and sends the page what changed; nothing while the page is hidden or loading. */
  private async update(): Promise<void> {
    if (this.disposed || !this.pageReady) return;
    this.lastUpdateMs = Date.now();
    const service = this.service;
    const index = this.index;
    if (!service || !index) {
      this.post({ type: 'loading', message: 'Reading agent logs…' });
      return;
    }
    if (service.state.kind === 'starting' && service.scanner.ledger.size === 0) {
      this.post({ type: 'loading', message: 'Reading agent logs…' });
      return;
    }
    const view = this.buildView(service, index);
    const patch = viewPatch(this.shown, view);
    // A new display language or currency redraws the whole page; otherwise only what changed is sent.
    const fmt = this.limitSource.fmt();
    const { locale, currency, cnyPerUsd } = fmt.options;
    const display = { locale, currency, cnyPerUsd };
    const displayChanged = JSON.stringify(display) !== this.lastDisplay;
    this.lastDisplay = JSON.stringify(display);
    // The page has no bundle of its own: it gets the words with the display (about 40 KB, once per language).
    if (patch === null || displayChanged) this.post({ type: 'view', view, display, words: displayChanged ? phraseTable(fmt.language) : undefined });
    else if (Object.keys(patch).length > 2) this.post({ type: 'patch', patch });
    this.shown = view;
  }

  private buildView(service: UsageService, index: DashboardIndex, maxSessionRows?: number): DashboardView {
    const ledger = service.scanner.ledger;
    // Each add() bumps the version once and either appends or merges into an existing row;
    // equal growth in both means only appends, so the index folds just the new rows.
    const appendOnly = ledger === this.ledger && ledger.version - this.ledgerVersion === ledger.size - this.ledgerSize;
    // Only the new rows as objects: every row (events()) reads the older ones from the index file and makes ~100,000
    // objects at 1.5 GB of history, at each update of an open dashboard (docs/benchmarks.md, session 19, c19mem4).
    if (appendOnly && index.size === this.ledgerSize) index.append(ledger.rowsFrom(this.ledgerSize));
    else index.sync(ledger.events(), false);
    this.ledger = ledger;
    this.ledgerVersion = ledger.version;
    this.ledgerSize = ledger.size;
    const state = service.state;
    const estimatedSpend = state.kind === 'ready' || state.kind === 'error' ? state.estimatedSpend : undefined;
    const read = <T>(what: string, provider: () => T[]): T[] => {
      try {
        return provider();
      } catch (error) {
        this.log(`Dashboard: could not read the ${what}: ${String(error)}`);
        return [];
      }
    };
    return buildDashboardView(index, this.query, {
      nowMs: Date.now(),
      estimatedSpend,
      budget: this.budget,
      limits: this.readLimits(),
      fmt: this.limitSource.fmt(),
      alerts: read('alerts', this.alerts),
      maxSessionRows,
    });
  }

  private readLimits(): readonly Limit[] | undefined {
    try {
      return this.limitSource.limits();
    } catch (error) {
      this.log(`Dashboard: could not read the limits: ${String(error)}`);
      return undefined;
    }
  }

  private async export(format: 'csv-daily' | 'csv-sessions' | 'json'): Promise<void> {
    const service = this.service;
    const index = this.index;
    if (!service || !index) return;
    const view = this.buildView(service, index, Number.MAX_SAFE_INTEGER);
    const stamp = new Date().toISOString().slice(0, 10);
    const [name, text, filters] =
      format === 'json'
        ? [`tokenmeter-dashboard-${stamp}.json`, `${JSON.stringify(view, null, 2)}\n`, { JSON: ['json'] }]
        : format === 'csv-daily'
          ? [`tokenmeter-daily-${stamp}.csv`, toCsv(dailyExportRows(index, this.query, view.nowMs), dailyCsvColumns), { CSV: ['csv'] }]
          : [`tokenmeter-sessions-${stamp}.csv`, toCsv(view.sessions.rows, sessionCsvColumns), { CSV: ['csv'] }];
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(os.homedir(), name)), filters, title: 'Export Tokenmeter usage' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    void vscode.window.showInformationMessage(`Tokenmeter: exported ${view.rangeLabel.toLowerCase()} to ${target.fsPath}.`);
  }

  private post(message: ToView): void {
    if (this.disposed) return;
    // Validate what we send as strictly as what we receive: a bad view is a bug here, not in the page.
    void this.panel.webview.postMessage(toViewSchema.parse(message));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.serviceSubscription?.dispose();
    for (const d of this.disposables.reverse()) d.dispose();
    if (!this.panelDisposed) this.panel.dispose();
    this.onDispose(this.query);
  }
}
