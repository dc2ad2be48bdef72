// In the real extension host (see test/host/runIntegration.mjs): the settings and commands of budget endpoints,
// the runaway guard and routing. The notifications themselves, with screenshots, are in uiAlerts.mjs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Tokenmeter editor features in a real VS Code host', () => {
  it('contributes the endpoint, routing and runaway settings with their defaults', () => {
    const config = vscode.workspace.getConfiguration('tokenmeter');
    assert.deepEqual(config.get('endpoints.sources'), []);
    assert.equal(config.get('endpoints.pollIntervalMs'), 60_000);
    assert.deepEqual(config.get('budget.notifyAtPercent'), [50, 80, 95, 100]);
    assert.equal(config.get('routing.aggressiveness'), 'balanced');
    assert.equal(config.get('routing.liveHints'), true);
    assert.equal(config.get('runaway.burnFactor'), 2.5);
    assert.equal(config.get('runaway.enabled'), true);
  });

  it('keeps endpoint sources out of workspace settings (machine scope)', () => {
    // A workspace value would be ignored by the extension; VS Code itself reports the scope through inspect().
    const inspected = vscode.workspace.getConfiguration('tokenmeter').inspect('endpoints.sources');
    assert.ok(inspected, 'tokenmeter.endpoints.sources is not contributed');
    assert.equal(inspected.workspaceValue, undefined);
  });

  it('opens the live sessions view without asking anything', async () => {
    await vscode.commands.executeCommand('tokenmeter.showRunawaySessions');
    let tabs: string[] = [];
    // The Markdown preview opens its tab a moment after the command resolves.
    for (let i = 0; i < 50 && !tabs.some((l) => /tokenmeter-sessions\.md/.test(l)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    }
    assert.ok(tabs.some((l) => /tokenmeter-sessions\.md/.test(l)), `tabs: ${tabs.join(', ')}`);
  });
});
