import * as vscode from 'vscode';
import type { Settings } from '../../core/settings';
import { englishUsd } from '../../core/format';
import { sourceNames } from '../../core/usageEvent';

/** The Settings editor filtered to our extension and one key prefix. */
function openSettings(keyPrefix: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:tokenmeter.tokenmeter ${keyPrefix}`);
}

interface Choice extends vscode.QuickPickItem {
  run: () => Thenable<unknown> | Promise<unknown>;
}

/** Switches the display currency in user settings (budgets stay in USD). */
async function pickCurrency(settings: Settings): Promise<void> {
  const items = [
    { label: 'USD', description: vscode.l10n.t('US dollars, as the providers bill'), value: 'USD' as const },
    { label: 'CNY', description: vscode.l10n.t('Chinese yuan at {0} per dollar (display only)', settings.display.cnyPerUsd), value: 'CNY' as const },
  ].map((item) => ({ ...item, picked: item.value === settings.display.currency }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tokenmeter: Display Currency'), placeHolder: vscode.l10n.t('Budgets stay configured in US dollars') });
  if (!picked) return;
  await vscode.workspace.getConfiguration('tokenmeter').update('display.currency', picked.value, vscode.ConfigurationTarget.Global);
}

/** "Tokenmeter: Configure": the common settings in one quick pick, each leading to where it is changed. */
export async function configure(settings: Settings, commands: { setBudget: string; setApiKey: string }): Promise<void> {
  const caps = [
    settings.budget.dailyUsd && vscode.l10n.t('daily {0}', englishUsd.capMoney(settings.budget.dailyUsd)),
    settings.budget.weeklyUsd && vscode.l10n.t('weekly {0}', englishUsd.capMoney(settings.budget.weeklyUsd)),
    settings.budget.monthlyUsd && vscode.l10n.t('monthly {0}', englishUsd.capMoney(settings.budget.monthlyUsd)),
  ].filter(Boolean);
  const enabled = sourceNames.filter((name) => settings.sources[name]);
  const endpoints = settings.endpoints.sources.length;
  const choices: Choice[] = [
    {
      label: `$(pulse) ${vscode.l10n.t('Set Budget…')}`,
      description: caps.length ? caps.join(' · ') : vscode.l10n.t('no cap set'),
      run: () => vscode.commands.executeCommand(commands.setBudget),
    },
    {
      label: `$(bell) ${vscode.l10n.t('Budget alerts and colours')}`,
      description: vscode.l10n.t('warn at {0}%, error at {1}%', settings.budget.warnAtPercent, settings.budget.errorAtPercent),
      run: () => openSettings('tokenmeter.budget'),
    },
    {
      label: `$(folder-library) ${vscode.l10n.t('Log sources on/off')}`,
      description: vscode.l10n.t('{0} of {1} on', enabled.length, sourceNames.length),
      run: () => openSettings('tokenmeter.sources'),
    },
    {
      label: `$(credit-card) ${vscode.l10n.t('Display currency')}`,
      description: settings.display.currency === 'CNY' ? `CNY · ${settings.display.cnyPerUsd}` : 'USD',
      run: () => pickCurrency(settings),
    },
    {
      label: `$(globe) ${vscode.l10n.t('Time zone')}`,
      description: settings.timeZone || vscode.l10n.t('system'),
      run: () => openSettings('tokenmeter.timeZone'),
    },
    {
      label: `$(server) ${vscode.l10n.t('Budget endpoints')}`,
      description: vscode.l10n.t('{0} configured', endpoints),
      run: () => openSettings('tokenmeter.endpoints'),
    },
    {
      label: `$(key) ${vscode.l10n.t('Set API Key…')}`,
      description: vscode.l10n.t('for a budget endpoint (kept in SecretStorage)'),
      run: () => vscode.commands.executeCommand(commands.setApiKey),
    },
    {
      label: `$(rocket) ${vscode.l10n.t('Get started with Tokenmeter')}`,
      description: vscode.l10n.t('walkthrough'),
      run: () => vscode.commands.executeCommand('workbench.action.openWalkthrough', 'tokenmeter.tokenmeter#tokenmeter.getStarted', false),
    },
  ];
  const picked = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Tokenmeter: Configure'), placeHolder: vscode.l10n.t('What would you like to change?') });
  if (picked) await picked.run();
}
