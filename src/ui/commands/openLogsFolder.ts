import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { logFolders, type LogRoots } from '../../sources/logFiles';

/** Opens one of the agents' log folders (in the OS file manager locally, in a new window when remote). */
export async function openLogsFolder(roots: LogRoots): Promise<void> {
  const folders = logFolders(roots)
    .filter((f) => existsSync(f.dir))
    .map((f) => ({ label: f.dir, description: f.source === 'claude' ? 'Claude Code' : 'Codex' }));
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No agent log folders found yet. Add one in the tokenmeter.claudeConfigDirs setting.'));
    return;
  }
  const picked = folders.length === 1 ? folders[0] : await vscode.window.showQuickPick(folders, { title: vscode.l10n.t('Tokenmeter: Open Logs Folder') });
  if (!picked) return;
  const uri = vscode.Uri.file(picked.label);
  if (vscode.env.remoteName) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
