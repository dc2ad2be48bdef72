import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BudgetState, StatusSnapshot } from '../core/snapshot';
import { formatTokens, formatUsd } from '../core/snapshot';
import type { ServiceState } from './usageService';

const periodWord = { day: 'Today', week: 'This week', month: 'This month' } as const;

/** Text from logs may contain Markdown; show it literally. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function dateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

function budgetLine(b: BudgetState): string {
  const amount = (v: number) => (b.unit === 'usd' ? formatUsd(v) : `${formatTokens(v)} tok`);
  const projection = b.projectedExhaustMs ? ` — at this rate the cap is reached ${dateTime(b.projectedExhaustMs)}` : '';
  return `${periodWord[b.period]}: ${amount(b.spent)} of ${amount(b.limit)} (${Math.round(b.fraction * 100)}%)${projection}`;
}

export function tooltipMarkdown(snapshot: StatusSnapshot): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  // Command links only to our own read-only commands; nothing from logs is trusted.
  md.isTrusted = { enabledCommands: ['tokenmeter.showUsage', 'tokenmeter.refresh', 'tokenmeter.setBudget', 'tokenmeter.showOutput'] };
  md.appendMarkdown('**Tokenmeter** — estimated from local logs and list prices\n\n');
  md.appendMarkdown('| | Cost | Tokens |\n|---|---:|---:|\n');
  for (const [label, totals] of [['Today', snapshot.today], ['This week', snapshot.week], ['This month', snapshot.month]] as const) {
    md.appendMarkdown(`| ${label} | ${formatUsd(totals.totalCost)} | ${formatTokens(totals.totalTokens)} |\n`);
  }
  if (snapshot.todayByModel.length > 0) {
    md.appendMarkdown('\n**Today by model**\n\n');
    for (const m of snapshot.todayByModel.slice(0, 6)) {
      md.appendMarkdown(`- ${escapeMarkdown(m.model)}: ${m.priced ? formatUsd(m.costUsd) : 'unpriced'} · ${formatTokens(m.tokens)} tok\n`);
    }
  }
  if (snapshot.block) {
    const b = snapshot.block;
    md.appendMarkdown(`\n**5-hour block** ${time(b.startMs)}–${time(b.endMs)}: ${formatUsd(b.costUsd)} · ${formatUsd(b.usdPerHour)}/h · ${formatTokens(b.tokensPerMinute)} tok/min\n`);
  }
  if (snapshot.budgets.length > 0) {
    md.appendMarkdown('\n**Budget**\n\n');
    for (const b of snapshot.budgets) md.appendMarkdown(`- ${budgetLine(b)}\n`);
  }
  for (const limit of snapshot.official) {
    const resets = limit.resetsAtMs ? `, resets ${dateTime(limit.resetsAtMs)}` : '';
    md.appendMarkdown(`\nCodex ${limit.name} limit: **${limit.usedPercent}% used** (official${resets})\n`);
  }
  if (snapshot.unpricedModels.length > 0) {
    md.appendMarkdown(`\n$(warning) Unpriced models (tokens counted, no cost): ${snapshot.unpricedModels.map(escapeMarkdown).join(', ')}\n`);
  }
  md.appendMarkdown('\n[Show Usage](command:tokenmeter.showUsage) · [Set Budget](command:tokenmeter.setBudget) · [Refresh](command:tokenmeter.refresh) · [Output](command:tokenmeter.showOutput)');
  return md;
}

/** The one status bar item: a switch over the service state sets text, colour and tooltip. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tokenmeter.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tokenmeter';
    this.item.command = 'tokenmeter.showUsage';
    this.render({ kind: 'starting' });
    this.item.show();
  }

  render(state: ServiceState): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (state.kind) {
      case 'starting':
        item.text = '$(sync~spin) Tokenmeter';
        item.tooltip = 'Tokenmeter is reading your agent logs…';
        break;
      case 'no-logs': {
        item.text = '$(pulse) Tokenmeter: no usage yet';
        const md = new vscode.MarkdownString('No Claude Code or Codex logs found yet. Looked in:\n\n');
        for (const dir of [...state.roots.claudeDirs.map((d) => path.join(d, 'projects')), ...state.roots.codexDirs.map((d) => path.join(d, 'sessions'))]) {
          md.appendMarkdown(`- ${escapeMarkdown(dir)}\n`);
        }
        md.appendMarkdown('\nUse an agent, or add folders in the `tokenmeter.claudeConfigDirs` setting.');
        item.tooltip = md;
        break;
      }
      case 'error':
        item.text = state.snapshot ? `$(warning) ${state.snapshot.statusText.replace(/^\$\([a-z-]+\) /, '')}` : '$(warning) Tokenmeter';
        item.tooltip = `${state.message}\n\nRun "Tokenmeter: Show Output" for details.`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'ready': {
        const s = state.snapshot;
        item.text = s.statusText;
        item.tooltip = tooltipMarkdown(s);
        if (s.level === 'warning') item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        if (s.level === 'error' || s.level === 'exceeded') item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      }
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
