import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatClaudeSettings, guardHookCommand, installGuardHook, removeGuardHook } from '../../core/claudeHooks';
import { planStatusLineInstall, planStatusLineUninstall, shellQuote, type StatusLineSettingsPlan } from '../../core/claudeStatusLine';
import type { ConcurrencyAdvice } from '../../core/runaway';
import { readSettingsFile, writeSettingsFile, type SettingsFileSnapshot } from '../../sources/settingsFile';

/** Claude Code's user settings: `$CLAUDE_CONFIG_DIR/settings.json` (first folder), else `~/.claude/settings.json`. */
export function claudeSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CLAUDE_CONFIG_DIR?.split(',').map((d) => d.trim()).find(Boolean) ?? path.join(os.homedir(), '.claude');
  return path.join(dir, 'settings.json');
}

/** The settings as parsed JSON (undefined when the file does not exist), and the file state to re-check before writing. */
async function readClaudeSettings(file: string): Promise<{ settings: unknown; snapshot: SettingsFileSnapshot }> {
  const snapshot = await readSettingsFile(file);
  if (snapshot.text.trim() === '') return { settings: undefined, snapshot };
  try {
    return { settings: JSON.parse(snapshot.text), snapshot };
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it first, Tokenmeter will not overwrite it.`, { cause: error });
  }
}

/** Keeps mode, owner and symlink, refuses a read-only or meanwhile-changed file, keeps one backup (src/sources/settingsFile.ts). */
async function writeClaudeSettings(snapshot: SettingsFileSnapshot, settings: unknown, log: (m: string) => void): Promise<void> {
  const written = await writeSettingsFile(snapshot, formatClaudeSettings(settings));
  if (written.backupPath) log(`Previous ${snapshot.path} kept in ${written.backupPath}.`);
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value, null, 2);
}

/** The CLI that ships with the extension, run by `node` (Claude Code needs Node anyway; VS Code's own binary is not a plain Node). */
function cliCommand(extensionPath: string, subcommand: string): string {
  return `node ${shellQuote(path.join(extensionPath, 'dist', 'cli.js'))} ${subcommand}`;
}

async function applyStatusLinePlan(file: string, snapshot: SettingsFileSnapshot, plan: StatusLineSettingsPlan, verb: string, log: (m: string) => void): Promise<void> {
  if (plan.action === 'unchanged') {
    void vscode.window.showInformationMessage(`Tokenmeter: ${plan.summary}`);
    return;
  }
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} in {1}?', verb, file),
    { modal: true, detail: `${plan.summary}\n\n${vscode.l10n.t('"{0}" before:', 'statusLine')}\n${show(plan.before)}\n\n${vscode.l10n.t('after:')}\n${show(plan.after)}` },
    verb,
  );
  if (answer !== verb) return;
  await writeClaudeSettings(snapshot, plan.settings, log);
  log(`${verb}: wrote ${file} (${plan.action}).`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: done. Claude Code picks up the change at its next status line refresh.'));
}

/** "Connect Claude Code Status Line": shows the exact change to settings.json, asks, then writes. */
export async function connectClaudeStatusLine(extensionPath: string, log: (m: string) => void): Promise<void> {
  const file = claudeSettingsPath();
  const { settings, snapshot } = await readClaudeSettings(file);
  await applyStatusLinePlan(file, snapshot, planStatusLineInstall(settings, cliCommand(extensionPath, 'statusline')), vscode.l10n.t('Connect Status Line'), log);
}

export async function disconnectClaudeStatusLine(extensionPath: string, log: (m: string) => void): Promise<void> {
  const file = claudeSettingsPath();
  const { settings, snapshot } = await readClaudeSettings(file);
  await applyStatusLinePlan(file, snapshot, planStatusLineUninstall(settings, cliCommand(extensionPath, 'statusline')), vscode.l10n.t('Disconnect Status Line'), log);
}

function hookEntries(settings: unknown): unknown {
  const hooks = (settings as { hooks?: { PreToolUse?: unknown } } | undefined)?.hooks;
  return hooks?.PreToolUse;
}

/**
 * "Install Claude Code Budget Hook": a PreToolUse hook on the sub-agent tool that runs
 * `tokenmeter guard` (exit 2 blocks the call when the budget is spent or a runaway is flagged).
 * Shows the exact change and asks first; then suggests Claude Code's own sub-agent brake.
 */
export async function installBudgetHook(extensionPath: string, advice: ConcurrencyAdvice | undefined, log: (m: string) => void): Promise<void> {
  const file = claudeSettingsPath();
  const { settings, snapshot } = await readClaudeSettings(file);
  const change = installGuardHook(settings, guardHookCommand('node', path.join(extensionPath, 'dist', 'cli.js'), ['--hook']));
  if (!change.changed) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: the budget hook is already installed.'));
    return;
  }
  const installHook = vscode.l10n.t('Install Hook');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Install the Tokenmeter budget hook in {0}?', file),
    {
      modal: true,
      detail: `${vscode.l10n.t('Before Claude Code starts a sub-agent it runs "tokenmeter guard", which stops it when a budget is spent or a runaway is flagged. Remove it with "Tokenmeter: Remove Claude Code Budget Hook".')}\n\n${vscode.l10n.t('"{0}" before:', 'hooks.PreToolUse')}\n${show(hookEntries(settings))}\n\n${vscode.l10n.t('after:')}\n${show(hookEntries(change.next))}`,
    },
    installHook,
  );
  if (answer !== installHook) return;
  await writeClaudeSettings(snapshot, change.next, log);
  log(`Installed the budget hook in ${file}.`);
  if (!advice) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: budget hook installed.'));
    return;
  }
  const copySetting = vscode.l10n.t('Copy Setting');
  const copy = await vscode.window.showInformationMessage(
    vscode.l10n.t('Tokenmeter: budget hook installed. Claude Code can also cap parallel sub-agents: {0}. {1}', advice.envLine, advice.reason),
    copySetting,
  );
  if (copy === copySetting) await vscode.env.clipboard.writeText(advice.envLine);
}

export async function removeBudgetHook(log: (m: string) => void): Promise<void> {
  const file = claudeSettingsPath();
  const { settings, snapshot } = await readClaudeSettings(file);
  const change = removeGuardHook(settings);
  if (!change.changed) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: no budget hook is installed.'));
    return;
  }
  const removeHook = vscode.l10n.t('Remove Hook');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove the Tokenmeter budget hook from {0}?', file),
    { modal: true, detail: `${vscode.l10n.t('"{0}" before:', 'hooks.PreToolUse')}\n${show(hookEntries(settings))}\n\n${vscode.l10n.t('after:')}\n${show(hookEntries(change.next))}` },
    removeHook,
  );
  if (answer !== removeHook) return;
  await writeClaudeSettings(snapshot, change.next, log);
  log(`Removed the budget hook from ${file}.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: budget hook removed.'));
}
