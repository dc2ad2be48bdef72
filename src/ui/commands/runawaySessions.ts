import * as os from 'node:os';
import * as vscode from 'vscode';
import { runawayAlertText } from '../../core/alertPhrases';
import type { Formatter } from '../../core/format';
import { liveSessionsMarkdown } from '../../core/liveSessionsReport';
import { shortSessionId, type RunawayAlert, type RunawayDetector } from '../../core/runaway';
import { sessionLogFolder, type LogRoots } from '../../sources/logFiles';

/** Writes the details view to a file and opens its preview (no dirty untitled document). */
export async function showRunawaySessions(fmt: Formatter, detector: RunawayDetector | undefined, outputDir: vscode.Uri | undefined, focusSessionId?: string, remainingBudgetUsd?: number): Promise<void> {
  const dir = outputDir ?? vscode.Uri.file(os.tmpdir());
  const file = vscode.Uri.joinPath(dir, 'tokenmeter-sessions.md');
  await vscode.workspace.fs.createDirectory(dir);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(liveSessionsMarkdown(fmt, detector, Date.now(), focusSessionId, remainingBudgetUsd)));
  await vscode.commands.executeCommand('markdown.showPreview', file);
}

/** A VS Code terminal that runs an agent (by name), for Focus Terminal / Stop. */
function agentTerminal(): vscode.Terminal | undefined {
  const terminals = vscode.window.terminals.filter((t) => /\b(claude|codex)\b/i.test(t.name));
  return terminals.length === 1 ? terminals[0] : vscode.window.activeTerminal && terminals.includes(vscode.window.activeTerminal) ? vscode.window.activeTerminal : terminals[0];
}

export interface RunawayNotificationDeps {
  showSession(sessionId: string): Promise<void>;
  snooze(sessionId: string, untilMs: number): void;
  roots: LogRoots;
  log(message: string): void;
  /** The display language and currency of the text. */
  formatter: Formatter;
}

/** The warning for one runaway, with Show Session, Snooze, Open Log Folder and, when it runs in a terminal here, Stop. */
export async function notifyRunaway(alert: RunawayAlert, deps: RunawayNotificationDeps): Promise<void> {
  deps.log(`Runaway: ${alert.message}`);
  const terminal = agentTerminal();
  const label = {
    showSession: vscode.l10n.t('Show Session'), snooze: vscode.l10n.t('Snooze 1 h'), openLogFolder: vscode.l10n.t('Open Log Folder'),
    focusTerminal: vscode.l10n.t('Focus Terminal'), stopAgent: vscode.l10n.t('Stop Agent…'),
  };
  const actions = [label.showSession, label.snooze, label.openLogFolder, ...(terminal ? [label.focusTerminal, label.stopAgent] : [])];
  const picked = await vscode.window.showWarningMessage(`Tokenmeter: ${runawayAlertText(deps.formatter, alert)}`, ...actions);
  switch (picked) {
    case label.showSession:
      return deps.showSession(alert.sessionId);
    case label.snooze:
      deps.snooze(alert.sessionId, Date.now() + 3_600_000);
      deps.log(`Runaway alerts for session ${shortSessionId(alert.sessionId)} snoozed for an hour.`);
      return;
    case label.openLogFolder: {
      const folder = sessionLogFolder(deps.roots, alert.sessionId);
      if (!folder) return void vscode.window.showInformationMessage(vscode.l10n.t('Tokenmeter: could not find the session\'s log folder.'));
      const uri = vscode.Uri.file(folder);
      if (vscode.env.remoteName) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
      else await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    }
    case label.focusTerminal:
      terminal?.show();
      return;
    case label.stopAgent: {
      if (!terminal) return;
      terminal.show();
      const sendCtrlC = vscode.l10n.t('Send Ctrl+C');
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('Send Ctrl+C to the terminal "{0}"?', terminal.name),
        { modal: true, detail: vscode.l10n.t('This interrupts the agent running there, as pressing Ctrl+C in the terminal would. Its work so far is kept in its session log.') },
        sendCtrlC,
      );
      if (confirm === sendCtrlC) {
        terminal.sendText('\x03', false);
        deps.log(`Sent Ctrl+C to terminal "${terminal.name}".`);
      }
      return;
    }
  }
}
