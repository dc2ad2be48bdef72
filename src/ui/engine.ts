import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from './commandIds';
import { openLogsFolder } from './commands/openLogsFolder';
import { setBudget } from './commands/setBudget';
import { showUsage } from './commands/showUsage';
import { Dashboard } from './dashboardPanel';
import { SettingsReader } from './settings';
import type { StatusBar } from './statusBar';
import { UsageService } from './usageService';

/**
 * Everything heavy (zod, price data, the scanner) lives in this separately bundled
 * module, loaded right after activation so that activation itself stays cheap.
 */
export class Engine implements vscode.Disposable {
  private readonly settings: SettingsReader;
  private service: UsageService | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly dashboard: Dashboard;

  constructor(private readonly statusBar: StatusBar, private readonly log: (message: string) => void) {
    // This bundle is dist/engine.js: the extension's root is one folder up.
    this.dashboard = new Dashboard(vscode.Uri.file(path.join(__dirname, '..')), log);
    this.settings = new SettingsReader(log);
    this.subscription = this.settings.onDidChange(() => this.restart());
    this.restart();
  }

  /** One service per settings snapshot: sources, watchers and timers are rebuilt together. */
  private restart(): void {
    this.service?.dispose();
    const service = (this.service = new UsageService(this.settings.current, this.log));
    service.onDidChange((state) => this.statusBar.render(state));
    this.dashboard.setService(service, this.settings.current.budget);
    this.statusBar.render(service.state);
    void service.start().catch((error: unknown) => {
      this.log(`Tokenmeter could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      this.statusBar.render({ kind: 'error', message: 'Tokenmeter could not read the agent logs.' });
    });
  }

  async run(command: string): Promise<void> {
    const service = this.service;
    if (!service) return;
    switch (command) {
      case CommandId.showUsage:
        return showUsage(service);
      case CommandId.refresh:
        return service.refresh();
      case CommandId.setBudget:
        return setBudget();
      case CommandId.openLogsFolder:
        return openLogsFolder(service.roots);
      case CommandId.openDashboard:
        return this.dashboard.open();
    }
  }

  /** For the webview serializer registered at activation: a dashboard restored after a reload. */
  reviveDashboard(panel: vscode.WebviewPanel, state: unknown): void {
    this.dashboard.revive(panel, state);
  }

  dispose(): void {
    this.subscription.dispose();
    this.dashboard.dispose();
    this.service?.dispose();
    this.settings.dispose();
  }
}
