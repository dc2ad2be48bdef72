import * as vscode from 'vscode';

const choices = () => [
  { label: vscode.l10n.t('Daily cap in $'), key: 'budget.dailyUsd' },
  { label: vscode.l10n.t('Weekly cap in $'), key: 'budget.weeklyUsd' },
  { label: vscode.l10n.t('Monthly cap in $'), key: 'budget.monthlyUsd' },
  { label: vscode.l10n.t('Daily cap in tokens'), key: 'budget.dailyTokens' },
  { label: vscode.l10n.t('Weekly cap in tokens'), key: 'budget.weeklyTokens' },
  { label: vscode.l10n.t('Monthly cap in tokens'), key: 'budget.monthlyTokens' },
];

/** Asks for a period and an amount and stores it in user settings; an empty amount removes the cap. */
export async function setBudget(): Promise<void> {
  const config = vscode.workspace.getConfiguration('tokenmeter');
  // `get` reports 0 for an unset number; only a value someone set is a cap.
  const current = (key: string) => config.inspect<number>(key)?.globalValue;
  const items = choices().map((c) => ({ ...c, description: current(c.key) !== undefined ? vscode.l10n.t('now {0}', current(c.key)!) : vscode.l10n.t('not set') }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tokenmeter: Set Budget'), placeHolder: vscode.l10n.t('Which cap?') });
  if (!picked) return;
  const value = await vscode.window.showInputBox({
    title: picked.label,
    prompt: vscode.l10n.t('Amount (leave empty to remove the cap)'),
    value: current(picked.key)?.toString() ?? '',
    validateInput: (text) => (text.trim() === '' || (Number(text) > 0 && Number.isFinite(Number(text))) ? undefined : vscode.l10n.t('Enter a positive number')),
  });
  if (value === undefined) return;
  await config.update(picked.key, value.trim() === '' ? undefined : Number(value), vscode.ConfigurationTarget.Global);
}
