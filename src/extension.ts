import * as vscode from 'vscode';
import { CommandId } from './ui/commandIds';
import { openLogsFolder } from './ui/commands/openLogsFolder';
import { setBudget } from './ui/commands/setBudget';
import { showUsage } from './ui/commands/showUsage';
import { SettingsReader } from './ui/settings';
import { StatusBar } from './ui/statusBar';
import { UsageService } from './ui/usageService';

/** Owns what lives as long as one settings snapshot: the service with its watchers and timers. */
class SettingsLifetime implements vscode.Disposable {
  service: UsageService | undefined;

  constructor(private readonly statusBar: StatusBar, private readonly log: (message: string) => void) {}

  restart(settings: SettingsReader['current']): void {
    this.service?.dispose();
    const service = (this.service = new UsageService(settings, this.log));
    service.onDidChange((state) => this.statusBar.render(state));
    this.statusBar.render(service.state);
    // Scanning starts after activation returns, so it never delays the editor.
    setImmediate(() => {
      void service.start().catch((error: unknown) => {
        this.log(`Tokenmeter could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        this.statusBar.render({ kind: 'error', message: 'Tokenmeter could not read the agent logs.' });
      });
    });
  }

  dispose(): void {
    this.service?.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Tokenmeter', { log: true });
  context.subscriptions.push(output);
  const log = (message: string) => output.info(message);
  const settings = new SettingsReader(log);
  context.subscriptions.push(settings);
  const statusBar = new StatusBar();
  context.subscriptions.push(statusBar);
  const lifetime = new SettingsLifetime(statusBar, log);
  context.subscriptions.push(lifetime);
  lifetime.restart(settings.current);
  context.subscriptions.push(settings.onDidChange((next) => lifetime.restart(next)));

  const service = () => lifetime.service;
  const register = (id: string, handler: () => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  register(CommandId.showUsage, () => service() && showUsage(service()!));
  register(CommandId.refresh, () => service()?.refresh());
  register(CommandId.setBudget, () => setBudget());
  register(CommandId.openLogsFolder, () => service() && openLogsFolder(service()!.roots));
  register(CommandId.showOutput, () => output.show());
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
