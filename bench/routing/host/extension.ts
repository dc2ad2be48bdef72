// Test harness only: registers the real Estimate Task Cost handler on the real scanner and prices.
import * as vscode from 'vscode';
import { estimateTaskCost } from '../../../src/ui/commands/estimateTaskCost';
import { UsageScanner } from '../../../src/sources/usageScanner';
import { defaultLogRoots } from '../../../src/sources/logFiles';
import { PriceTable } from '../../../src/core/pricing';

export function activate(context: vscode.ExtensionContext): void {
  const roots = defaultLogRoots(process.env);
  const scanner = new UsageScanner({ roots, sources: { claude: true, codex: false }, workers: 0 });
  const prices = new PriceTable();
  const output = vscode.window.createOutputChannel('Tokenmeter harness');
  context.subscriptions.push(output, vscode.commands.registerCommand('tokenmeter.estimateTaskCost', async () => {
    await scanner.refresh({ full: true });
    await estimateTaskCost({
      getEvents: () => scanner.ledger.events(),
      getRemainingBudgetUsd: () => 40,
      claudeDirs: roots.claudeDirs,
      priceOf: (m) => prices.ratesFor(m),
      costOf: (e) => prices.costOf(e),
      log: (m) => output.appendLine(m),
    });
  }));
}
