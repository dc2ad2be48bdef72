import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from './ui/commandIds';
import { StatusBar } from './ui/statusBar';
import type { StatusController } from './ui/statusController';

/** Activation: a status bar item and the commands, then the status controller loads off the activation path. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Tokenmeter', { log: true });
  context.subscriptions.push(output);
  const log = (message: string) => output.info(message);
  const statusBar = new StatusBar();
  context.subscriptions.push(statusBar);

  let controller: StatusController | undefined;
  const loadController = (): StatusController => {
    if (!controller) {
      const module = require(path.join(__dirname, 'statusController.js')) as typeof import('./ui/statusController');
      controller = new module.StatusController(statusBar, log, context);
      context.subscriptions.push(controller);
    }
    return controller;
  };
  const register = (id: string, handler: () => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  // Every command but Show Output runs in the status controller (loaded on first use if it is not yet); this
  // includes openDashboard, so it needs no registration of its own.
  for (const id of Object.values(CommandId).filter((c) => c !== CommandId.showOutput)) {
    register(id, () => loadController().run(id));
  }
  register(CommandId.showOutput, () => output.show());

  setImmediate(() => {
    try {
      loadController();
    } catch (error) {
      log(`Tokenmeter could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      statusBar.render({ kind: 'error', message: 'Tokenmeter could not start. Run "Tokenmeter: Show Output" for details.' });
    }
  });
  log(`Activated in ${(performance.now() - started).toFixed(1)} ms.`);
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
