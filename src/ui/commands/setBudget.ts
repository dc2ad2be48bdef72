import * as vscode from 'vscode';

const choices = [
  { label: 'Daily cap in $', key: 'budget.dailyUsd' },
  { label: 'Weekly cap in $', key: 'budget.weeklyUsd' },
  { label: 'Monthly cap in $', key: 'budget.monthlyUsd' },
  { label: 'Daily cap in tokens', key: 'budget.dailyTokens' },
  { label: 'Weekly cap in tokens', key: 'budget.weeklyTokens' },
  { label: 'Monthly cap in tokens', key: 'budget.monthlyTokens' },
];

/** Asks for a period and an amount and stores it in user settings; an empty amount removes the cap. */
export async function setBudget(): Promise<void> {
  const config = vscode.workspace.getConfiguration('tokenmeter');
  // `get` reports 0 for an unset number; only a value someone set is a cap.
  const current = (key: string) => config.inspect<number>(key)?.globalValue;
  const items = choices.map((c) => ({ ...c, description: current(c.key) !== undefined ? `now ${current(c.key)}` : 'not set' }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Tokenmeter: Set Budget', placeHolder: 'Which cap?' });
  if (!picked) return;
  const value = await vscode.window.showInputBox({
    title: picked.label,
    prompt: 'Amount (leave empty to remove the cap)',
    value: current(picked.key)?.toString() ?? '',
    validateInput: (text) => (text.trim() === '' || (Number(text) > 0 && Number.isFinite(Number(text))) ? undefined : 'Enter a positive number'),
  });
  if (value === undefined) return;
  await config.update(picked.key, value.trim() === '' ? undefined : Number(value), vscode.ConfigurationTarget.Global);
}
