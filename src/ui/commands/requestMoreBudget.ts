import * as vscode from 'vscode';
import { fillBudgetTemplate } from '../../core/budgetTemplate';
import type { BudgetReading } from '../../core/budgetReading';

/**
 * "Request More Budget": opens the configured URL or mail template with the tightest budget's
 * numbers filled in; without a template, copies a ready-to-send request.
 */
export async function requestMoreBudget(template: string, reading: BudgetReading | undefined): Promise<void> {
  if (!reading) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: no budget is set or polled yet, so there is nothing to ask for. Set a cap or configure a budget endpoint first.'));
    return;
  }
  if (template.trim() === '') {
    const text = fillBudgetTemplate(
      'Hello, could my AI budget be raised? {source} ({scope}): spent {spent} of {limit} USD, {remaining} left, resets {resetsAt}. Thank you.',
      reading,
    );
    const copyRequest = vscode.l10n.t('Copy Request');
    const openSettings = vscode.l10n.t('Open Settings');
    const picked = await vscode.window.showInformationMessage(
      vscode.l10n.t('Tokenmeter: no request URL is set (tokenmeter.budget.requestUrl). Copy a request with your current numbers instead?'),
      copyRequest,
      openSettings,
    );
    if (picked === copyRequest) {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Budget request copied')}`, 3_000);
    } else if (picked === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'tokenmeter.budget.requestUrl');
    }
    return;
  }
  const isUri = /^(https?|mailto):/i.test(template.trim());
  const filled = fillBudgetTemplate(template.trim(), reading, isUri);
  if (!isUri) {
    await vscode.env.clipboard.writeText(filled);
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: the request template is not an https: or mailto: link, so the filled-in text was copied to the clipboard.'));
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(filled, true));
}
