// Runs inside the real VS Code host (see test/host/runIntegration.mjs): the manifest's %key% strings are resolved
// from package.nls.json, runtime messages stay English in an English UI, the walkthrough and the Configure command
// exist, and the display currency setting has its documented defaults.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'tokenmeter.tokenmeter';

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { title: string; properties: Record<string, { markdownDescription?: string }> }[];
    walkthroughs: { id: string; title: string; steps: { id: string; title: string }[] }[];
  };
}

function manifest(): Manifest {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `extension ${extensionId} is not loaded`);
  return ext.packageJSON as Manifest;
}

describe('Tokenmeter localisation and onboarding in a real VS Code host', () => {
  it('runs in an English UI, where runtime messages are the English source text', () => {
    assert.match(vscode.env.language, /^en/);
    assert.equal(vscode.l10n.t('Today by model'), 'Today by model');
    assert.equal(vscode.l10n.t('Tokenmeter: removed the key for {0}.', 'gateway'), 'Tokenmeter: removed the key for gateway.');
  });

  it('resolves every %key% of the manifest through package.nls.json', () => {
    const m = manifest();
    const configure = m.contributes.commands.find((c) => c.command === 'tokenmeter.configure');
    assert.equal(configure?.title, 'Configure');
    assert.equal(m.contributes.commands.find((c) => c.command === 'tokenmeter.estimateTaskCost')?.title, 'Estimate Task Cost');
    const unresolved = JSON.stringify(m.contributes).match(/"%[\w.-]+%"/g) ?? [];
    assert.deepEqual(unresolved, []);
    const currency = m.contributes.configuration.flatMap((s) => Object.entries(s.properties)).find(([key]) => key === 'tokenmeter.display.currency');
    assert.match(currency?.[1].markdownDescription ?? '', /Budgets are still configured in US dollars/);
  });

  it('contributes the walkthrough and opens it', async () => {
    const walkthrough = manifest().contributes.walkthroughs.find((w) => w.id === 'tokenmeter.getStarted');
    assert.equal(walkthrough?.title, 'Get started with Tokenmeter');
    assert.deepEqual(walkthrough?.steps.map((s) => s.id), ['sources', 'budget', 'endpointKey', 'estimate']);
    // The same id and argument shape the no-logs tooltip link uses.
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#tokenmeter.getStarted`, false);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('registers Configure and reads the display currency settings with their defaults', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('tokenmeter.configure'));
    const display = vscode.workspace.getConfiguration('tokenmeter.display');
    assert.equal(display.get('currency'), 'USD');
    assert.equal(display.get('cnyPerUsd'), 7.1);
    // Switching to CNY and back is a plain settings change the extension survives.
    await display.update('currency', 'CNY', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tokenmeter.refresh');
    await display.update('currency', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(vscode.workspace.getConfiguration('tokenmeter.display').get('currency'), 'USD');
  });
});
