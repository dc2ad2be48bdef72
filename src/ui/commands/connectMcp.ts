import * as path from 'node:path';
import * as vscode from 'vscode';
import type { McpLaunch } from '../../core/mcpClientConfig';
import { applyMcpChange, manualCommand, mcpClientIds, planMcpChange, type McpClientId } from '../../sources/mcpClients';

function clientName(client: McpClientId): string {
  switch (client) {
    case 'claude': return 'Claude Code';
    case 'codex': return 'Codex';
    case 'cline': return 'Cline';
  }
}

/** The CLI that ships with the extension, run by `node` (VS Code's own binary is not a plain Node). */
export function bundledMcpLaunch(extensionPath: string): McpLaunch {
  return { command: 'node', args: [path.join(extensionPath, 'dist', 'cli.js'), 'mcp'] };
}

/**
 * "Connect MCP to Claude Code / Codex / Cline" (`connect`) and its Disconnect: pick the agent, see
 * the file, our entry before and after and the same change as a command line, confirm, write.
 */
export async function connectMcp(connect: boolean, extensionPath: string, globalStorageUri: vscode.Uri, log: (m: string) => void): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    mcpClientIds.map((id) => ({ label: clientName(id), id })),
    { title: connect ? vscode.l10n.t('Connect the Tokenmeter MCP server to…') : vscode.l10n.t('Disconnect the Tokenmeter MCP server from…') },
  );
  if (!picked) return;
  const launch = connect ? bundledMcpLaunch(extensionPath) : undefined;
  // Every extension's globalStorage folder sits side by side; Cline's is one of them.
  const change = await planMcpChange(picked.id, { env: process.env, globalStorageDir: path.dirname(globalStorageUri.fsPath) }, launch);
  const { file, plan } = change;
  if (plan.action === 'unchanged') {
    void vscode.window.showInformationMessage(connect
      ? vscode.l10n.t('Tokenmeter: {0} already has the Tokenmeter MCP server ({1}).', picked.label, file)
      : vscode.l10n.t('Tokenmeter: {0} has no Tokenmeter MCP server ({1}).', picked.label, file));
    return;
  }
  const verb = connect ? vscode.l10n.t('Connect') : vscode.l10n.t('Disconnect');
  const command = manualCommand(picked.id, launch);
  const detail = [
    `${vscode.l10n.t('"{0}" before:', 'tokenmeter')}\n${plan.before ?? vscode.l10n.t('(none)')}`,
    `${vscode.l10n.t('after:')}\n${plan.after ?? vscode.l10n.t('(none)')}`,
    vscode.l10n.t('Nothing else in the file changes; the previous file is kept as a backup.'),
    ...(command ? [vscode.l10n.t('The same change by hand: {0}', command)] : []),
  ].join('\n\n');
  const question = connect ? vscode.l10n.t('Add the Tokenmeter MCP server to {0} in {1}?', picked.label, file) : vscode.l10n.t('Remove the Tokenmeter MCP server from {0} in {1}?', picked.label, file);
  const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, verb);
  if (answer !== verb) return;
  const { backupPath } = await applyMcpChange(change);
  log(`${connect ? 'Connected' : 'Disconnected'} the MCP server: wrote ${file} (${plan.action})${backupPath ? `; previous file kept in ${backupPath}` : ''}.`);
  void vscode.window.showInformationMessage(connect
    ? vscode.l10n.t('Tokenmeter: done. {0} starts the Tokenmeter MCP server in its next session.', picked.label)
    : vscode.l10n.t('Tokenmeter: done. {0} no longer starts the Tokenmeter MCP server.', picked.label));
}
