// Runs inside the real VS Code extension host (code-server 4.100.3 = VS Code 1.100.3) with the built extension loaded
// in development mode on fixture logs; see test/host/runIntegration.mjs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'tokenmeter.tokenmeter';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `extension ${extensionId} is not loaded (development path wrong?)`);
  return ext;
}

describe('Tokenmeter in a real VS Code host', () => {
  it('runs with the fixture log folders from the harness', () => {
    // The harness passes these to code-server; the extension host must inherit them or we test the wrong logs.
    assert.ok(process.env.CLAUDE_CONFIG_DIR, 'CLAUDE_CONFIG_DIR not set in the extension host');
    assert.ok(process.env.CODEX_HOME, 'CODEX_HOME not set in the extension host');
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('activates without error', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    const contributed = ((extension().packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []).map(
      (c) => c.command,
    );
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    assert.ok(contributed.includes('tokenmeter.refresh'), 'tokenmeter.refresh is not contributed');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes every command under the "Tokenmeter" category', () => {
    const commands = (extension().packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? [];
    const wrong = commands.filter((c) => c.category !== 'Tokenmeter').map((c) => c.command);
    assert.deepEqual(wrong, []);
  });

  // UsageService.refresh rejects when the pass failed (runPass itself catches and shows the error state),
  // so this fails when the fixture logs cannot be read.
  it('runs tokenmeter.refresh without throwing', async () => {
    await vscode.commands.executeCommand('tokenmeter.refresh');
    // A second refresh right after the first must not race or throw either.
    await Promise.all([vscode.commands.executeCommand('tokenmeter.refresh'), vscode.commands.executeCommand('tokenmeter.refresh')]);
  });
});
