import * as vscode from 'vscode';
import { sourceTypeLabel } from '../../core/endpointConfig';
import { secretKeyOf, type ConfiguredSource } from '../budgetService';

/**
 * "Set API Key": picks a configured budget source and stores its key in SecretStorage (never in
 * settings). An empty entry removes the key. The poller reads the key at its next poll.
 */
export async function setApiKey(sources: readonly ConfiguredSource[], secrets: vscode.SecretStorage, log: (m: string) => void): Promise<void> {
  if (sources.length === 0) {
    const open = await vscode.window.showInformationMessage(
      vscode.l10n.t('Tokenmeter: no budget endpoint is configured. Add one in the tokenmeter.endpoints.sources user setting first.'),
      vscode.l10n.t('Open Settings'),
    );
    if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'tokenmeter.endpoints');
    return;
  }
  const items = await Promise.all(sources.map(async (s) => ({
    label: s.id,
    description: `${sourceTypeLabel[s.config.type]}${(await secrets.get(secretKeyOf(s.id))) ? ` · ${vscode.l10n.t('key set')}` : s.needsKey ? ` · ${vscode.l10n.t('no key')}` : ` · ${vscode.l10n.t('key optional')}`}`,
    source: s,
  })));
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tokenmeter: Set API Key'), placeHolder: vscode.l10n.t('Which budget endpoint?') });
  if (!picked) return;
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('API key for {0} ({1})', picked.source.id, sourceTypeLabel[picked.source.config.type]),
    prompt: vscode.l10n.t('Stored in the OS keychain through VS Code SecretStorage. Leave empty to remove the key.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim() === '') {
    await secrets.delete(secretKeyOf(picked.source.id));
    log(`Removed the API key of ${picked.source.id}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: removed the key for {0}.', picked.source.id));
    return;
  }
  await secrets.store(secretKeyOf(picked.source.id), key.trim());
  log(`Stored an API key for ${picked.source.id}.`);
  void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Key stored for {0}; refreshing…', picked.source.id)}`, 3_000);
}
