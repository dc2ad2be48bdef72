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

  it('keeps endpoint sources out of workspace settings (machine scope)', async () => {
    // What the host loaded from the manifest: a workspace (a cloned repo) must not redirect keys.
    const manifest = vscode.extensions.getExtension('tokenmeter.tokenmeter')?.packageJSON as
      | { contributes?: { configuration?: Array<{ properties?: Record<string, { scope?: string }> }> } }
      | undefined;
    const properties = Object.assign({}, ...(manifest?.contributes?.configuration ?? []).map((c) => c.properties ?? {})) as Record<string, { scope?: string }>;
    for (const key of ['tokenmeter.endpoints.sources', 'tokenmeter.budget.requestUrl']) {
      assert.ok(properties[key], `${key} is not contributed`);
      assert.equal(properties[key].scope, 'machine', `${key} must be machine-scoped`);
    }
    // And the host enforces it: writing it into the workspace is refused when a workspace is open.
    if (vscode.workspace.workspaceFolders?.length) {
      await assert.rejects(
        Promise.resolve(vscode.workspace.getConfiguration('tokenmeter').update('endpoints.sources', [{ type: 'json', url: 'http://127.0.0.1:1' }], vscode.ConfigurationTarget.Workspace)),
      );
    }
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
