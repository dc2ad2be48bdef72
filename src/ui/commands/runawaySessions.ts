import * as os from 'node:os';
import * as vscode from 'vscode';
import { runawayAlertText } from '../../core/alertPhrases';
import type { Formatter } from '../../core/format';
import { formatDurationMs, formatUsd, recommendMaxConcurrentSubagents, shortSessionId, type RunawayAlert, type RunawayDetector } from '../../core/runaway';
import { sessionLogFolder, type LogRoots } from '../../sources/logFiles';

/** Text from logs may contain Markdown; show it literally. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function tokens(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}K` : String(Math.round(n));
}

/** The details view: live sessions, fastest-burning first, with what each costs and the brake to apply. */
export function runawayReportMarkdown(detector: RunawayDetector | undefined, nowMs: number, focusSessionId?: string, remainingBudgetUsd?: number): string {
  const lines = ['# Tokenmeter: live sessions', ''];
  const sessions = detector?.activeSessions(nowMs) ?? [];
  if (sessions.length === 0) {
    lines.push('No agent session has made a request in the last 15 minutes.');
    return lines.join('\n');
  }
  lines.push(`Alert above ${formatUsd(detector!.burnThresholdUsdPerHour)}/h or ${detector!.parallelAgentsLimit} sub-agents at once. Sessions with a request in the last 15 minutes, fastest-burning first.`, '');
  const ordered = focusSessionId ? [...sessions.filter((s) => s.sessionId === focusSessionId), ...sessions.filter((s) => s.sessionId !== focusSessionId)] : sessions;
  for (const s of ordered) {
    const alerting = s.activeAlerts.length > 0;
    lines.push(`## ${alerting ? 'Runaway: ' : ''}Session ${md(shortSessionId(s.sessionId))} · ${md(s.project || 'unknown project')}`, '');
    lines.push('| | |', '|---|---|');
    lines.push(`| Model | ${md(s.model || 'unknown')} |`);
    lines.push(`| Burn rate | **${formatUsd(s.usdPerHour)}/h** · ${tokens(s.tokensPerMinute)} tokens/min |`);
    lines.push(`| Running for | ${formatDurationMs(s.runningForMs)} (last request ${formatDurationMs(nowMs - s.lastSeenMs)} ago) |`);
    lines.push(`| Cost so far | ${formatUsd(s.costSoFarUsd)} · ${tokens(s.tokensSoFar)} tokens |`);
    lines.push(`| Next hour at this rate | ${formatUsd(s.usdPerHour)} |`);
    lines.push(`| Sub-agents | ${s.activeAgents} active now · ${s.agentsSpawnedLast10Min} started in the last 10 min · ${s.agentsTotal} in total |`);
    lines.push(`| Context | ${tokens(s.contextTokens)} tokens in the latest request (peak ${tokens(s.peakContextTokens)}) |`);
    if (alerting) lines.push(`| Alerts | ${s.activeAlerts.join(', ')} |`);
    if (s.snoozedUntilMs) lines.push(`| Snoozed until | ${new Date(s.snoozedUntilMs).toLocaleTimeString()} |`);
    lines.push(`| Session id | \`${s.sessionId.replace(/`/g, '')}\` |`, '');
    if (s.activeAgents > 0 && s.usdPerHourPerAgent > 0 && remainingBudgetUsd !== undefined) {
      const advice = recommendMaxConcurrentSubagents({ remainingBudgetUsd, horizonMs: 5 * 3_600_000, perAgentUsdPerHour: s.usdPerHourPerAgent });
      lines.push(`Brake: \`${advice.envLine}\` in the \`env\` block of Claude Code's settings. ${md(advice.reason)}`, '');
    }
  }
  lines.push('Stop an agent with Ctrl+C in its terminal. To have Claude Code stop itself, run **Tokenmeter: Install Claude Code Budget Hook**.');
  return lines.join('\n');
}

/** Writes the details view to a file and opens its preview (no dirty untitled document). */
export async function showRunawaySessions(detector: RunawayDetector | undefined, outputDir: vscode.Uri | undefined, focusSessionId?: string, remainingBudgetUsd?: number): Promise<void> {
  const dir = outputDir ?? vscode.Uri.file(os.tmpdir());
  const file = vscode.Uri.joinPath(dir, 'tokenmeter-sessions.md');
  await vscode.workspace.fs.createDirectory(dir);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(runawayReportMarkdown(detector, Date.now(), focusSessionId, remainingBudgetUsd)));
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
