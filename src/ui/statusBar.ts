import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CombinedStatus, Constraint } from '../core/constraints';
import type { RunawayStatus } from '../core/runaway';
import type { LiveRoutingHint } from '../core/router';
import type { BudgetState, StatusSnapshot } from '../core/snapshot';
import { formatTokens, formatUsd } from '../core/snapshot';
import type { ServiceState } from './usageService';

/** What the engine adds to the log snapshot: every limit, the runaway state, the routing hint. */
export interface StatusOverlay {
  nowMs: number;
  constraints: Constraint[];
  /** One plain line per constraint (`constraintLine`), computed in the engine: this file is in the activation bundle. */
  constraintLines: string[];
  combined: CombinedStatus;
  runaway: RunawayStatus;
  hint?: LiveRoutingHint;
}

/** Our own commands the tooltip may link to; nothing from logs or endpoints is trusted. */
const tooltipCommands = [
  'tokenmeter.showUsage', 'tokenmeter.refresh', 'tokenmeter.setBudget', 'tokenmeter.showOutput',
  'tokenmeter.showRunawaySessions', 'tokenmeter.setApiKey', 'tokenmeter.requestMoreBudget',
];

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

export function tooltipMarkdown(snapshot: StatusSnapshot, overlay?: StatusOverlay): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  // Command links only to our own commands; nothing from logs or endpoints is trusted.
  md.isTrusted = { enabledCommands: tooltipCommands };
  if (overlay?.runaway.isRunaway) {
    md.appendMarkdown('$(flame) **Runaway**\n\n');
    for (const line of overlay.runaway.tooltip.split('\n')) md.appendMarkdown(`- ${escapeMarkdown(line)}\n`);
    md.appendMarkdown('\n[Show Runaway Sessions](command:tokenmeter.showRunawaySessions)\n\n---\n\n');
  }
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
  if (overlay && overlay.constraints.length > 0) {
    md.appendMarkdown('\n**Limits** (the status bar shows the tightest)\n\n');
    const tightest = overlay.combined.tightest;
    for (const [i, c] of overlay.constraints.entries()) {
      const line = escapeMarkdown(overlay.constraintLines[i] ?? c.label);
      md.appendMarkdown(`- ${c === tightest ? `**${line}**` : line}\n`);
    }
    for (const b of snapshot.budgets) if (b.projectedExhaustMs) md.appendMarkdown(`\n${escapeMarkdown(budgetLine(b))}\n`);
    if (overlay.constraints.some((c) => c.origin === 'endpoint')) md.appendMarkdown('\n[Request More Budget](command:tokenmeter.requestMoreBudget) · [Set API Key](command:tokenmeter.setApiKey)\n');
  } else if (snapshot.budgets.length > 0) {
    md.appendMarkdown('\n**Budget**\n\n');
    for (const b of snapshot.budgets) md.appendMarkdown(`- ${budgetLine(b)}\n`);
  }
  for (const limit of overlay ? [] : snapshot.official) {
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
  /** A second, quiet item for the routing hint; shown only while there is one. */
  private readonly hintItem = vscode.window.createStatusBarItem('tokenmeter.routingHint', vscode.StatusBarAlignment.Right, 99);
  private state: ServiceState = { kind: 'starting' };
  private overlay: StatusOverlay | undefined;

  constructor() {
    this.item.name = 'Tokenmeter';
    this.item.command = 'tokenmeter.showUsage';
    this.hintItem.name = 'Tokenmeter Routing Hint';
    this.render({ kind: 'starting' });
    this.item.show();
  }

  /** Budgets from endpoints and plans, the runaway state and the routing hint (undefined: none yet). */
  setOverlay(overlay: StatusOverlay | undefined): void {
    this.overlay = overlay;
    this.render(this.state);
    const hint = overlay?.hint;
    if (hint) {
      this.hintItem.text = `$(lightbulb) ${hint.text}`;
      this.hintItem.tooltip = hint.detail;
      this.hintItem.show();
    } else {
      this.hintItem.hide();
    }
  }

  render(state: ServiceState): void {
    this.state = state;
    const item = this.item;
    const overlay = this.overlay;
    item.backgroundColor = undefined;
    item.command = 'tokenmeter.showUsage';
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
        // The overlay is computed from this same snapshot; an older one is only used for its extras.
        const level = overlay ? overlay.combined.level : s.level;
        item.text = overlay ? overlay.combined.text : s.statusText;
        item.tooltip = tooltipMarkdown(s, overlay);
        if (level === 'warning') item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        if (level === 'error' || level === 'exceeded') item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        if (overlay?.runaway.isRunaway) {
          // A runaway outranks every budget level: it is what is burning the budget right now.
          item.text = overlay.runaway.text;
          item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
          item.command = 'tokenmeter.showRunawaySessions';
        }
        break;
      }
    }
  }

  dispose(): void {
    this.hintItem.dispose();
    this.item.dispose();
  }
}
