import * as vscode from 'vscode';
import { pacingLineText, pacingStatusText, runawayStatusTexts } from '../core/alertPhrases';
import type { WindowPacing } from '../core/pacing';
import type { RunawayStatus } from '../core/runaway';
import { escalationHintTexts, routingHintTexts } from '../core/routing/routingPhrases';
import type { SessionRouting } from '../core/routing/sessionRouting';
import { englishUsd, Formatter } from '../core/format';
import type { DisplaySettings } from '../core/settings';
import { displayFormatter } from './displayFormatter';
import type { BudgetState, EstimatedSpend } from '../core/status/estimatedSpend';
import type { Status } from '../core/status/computeStatus';
import { formatTokens } from '../core/format';
import { logFolders } from '../sources/logFiles';
import type { ServiceState } from './usageService';

/** What the status controller adds to the spend estimated from the logs: the status model (every limit, the routing hint), the runaway state. */
export interface StatusOverlay {
  nowMs: number;
  status: Status;
  runaway: RunawayStatus;
  /** Every official window's pace (used % vs time gone, run-out, reset). */
  pacing?: readonly WindowPacing[];
  /** The date of the price data in use (bundled, or refreshed with `tokenmeter.priceDataRefresh`), YYYY-MM-DD. */
  priceDataDate?: string;
}

/** Our own commands the tooltip may link to; nothing from logs or endpoints is trusted. */
const tooltipCommands = [
  'tokenmeter.openDashboard', 'tokenmeter.showUsage', 'tokenmeter.refresh', 'tokenmeter.setBudget', 'tokenmeter.showOutput',
  'tokenmeter.showRunawaySessions', 'tokenmeter.setApiKey', 'tokenmeter.requestMoreBudget',
];

/** The walkthrough, offered when no logs were found (VS Code's id is `publisher.name#walkthroughId`). */
const walkthroughId = 'tokenmeter.tokenmeter#tokenmeter.getStarted';
const walkthroughLink = `command:workbench.action.openWalkthrough?${encodeURIComponent(JSON.stringify([walkthroughId, false]))}`;

function periodHeading(period: BudgetState['period']): string {
  return period === 'day' ? vscode.l10n.t('Today') : period === 'week' ? vscode.l10n.t('This week') : vscode.l10n.t('This month');
}

/** Text from logs may contain Markdown; show it literally. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function budgetLine(b: BudgetState, fmt: Formatter): string {
  const amount = (v: number) => (b.unit === 'usd' ? fmt.money(v) : fmt.tokens(v));
  const line = vscode.l10n.t('{0}: {1} of {2} ({3}%)', periodHeading(b.period), amount(b.spent), amount(b.limit), Math.round(b.fraction * 100));
  return b.projectedExhaustMs ? vscode.l10n.t('{0} — at this rate the cap is reached {1}', line, fmt.dateTime(b.projectedExhaustMs)) : line;
}

/** The session's routing hint with its icon: the cheap model thrashing, or a cheaper model that would do. */
export function routingHintOf(routing: SessionRouting | undefined, fmt: Formatter): { icon: string; text: string; detail: string } | undefined {
  if (routing?.escalation) return { icon: '$(arrow-up)', ...escalationHintTexts(fmt, routing.escalation) };
  if (routing?.hint) return { icon: '$(lightbulb)', ...routingHintTexts(fmt, routing.hint) };
  return undefined;
}

/** The tooltip; `fmt` sets the locale and currency of every number (English/USD by default). */
export function tooltipMarkdown(spend: EstimatedSpend, overlay?: StatusOverlay, fmt: Formatter = englishUsd): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  // Command links only to our own commands; nothing from logs or endpoints is trusted.
  md.isTrusted = { enabledCommands: tooltipCommands };
  if (overlay?.runaway.isRunaway) {
    md.appendMarkdown(`$(flame) **${vscode.l10n.t('Runaway')}**\n\n`);
    for (const line of runawayStatusTexts(fmt, overlay.runaway).lines) md.appendMarkdown(`- ${escapeMarkdown(line)}\n`);
    md.appendMarkdown(`\n[${vscode.l10n.t('Show Runaway Sessions')}](command:tokenmeter.showRunawaySessions)\n\n---\n\n`);
  }
  const hint = routingHintOf(overlay?.status.routing, fmt);
  if (hint) md.appendMarkdown(`${hint.icon} ${escapeMarkdown(hint.text)}\n\n---\n\n`);
  const priceDate = overlay?.priceDataDate ? ` ${vscode.l10n.t('(price data of {0})', overlay.priceDataDate)}` : '';
  md.appendMarkdown(`**Tokenmeter** — ${vscode.l10n.t('estimated from local logs and list prices')}${priceDate}\n\n`);
  md.appendMarkdown(`| | ${vscode.l10n.t('Cost')} | ${vscode.l10n.t('Tokens')} |\n|---|---:|---:|\n`);
  for (const [period, totals] of [['day', spend.today], ['week', spend.week], ['month', spend.month]] as const) {
    md.appendMarkdown(`| ${periodHeading(period)} | ${fmt.money(totals.totalCost)} | ${formatTokens(totals.totalTokens)} |\n`);
  }
  if (spend.todayByModel.length > 0) {
    md.appendMarkdown(`\n**${vscode.l10n.t('Today by model')}**\n\n`);
    for (const m of spend.todayByModel.slice(0, 6)) {
      md.appendMarkdown(`- ${escapeMarkdown(m.model)}: ${m.priced ? fmt.money(m.costUsd) : vscode.l10n.t('unpriced')} · ${fmt.tokens(m.tokens)}\n`);
    }
  }
  if (spend.block) {
    const b = spend.block;
    md.appendMarkdown(`\n**${vscode.l10n.t('5-hour block')}** ${fmt.time(b.startMs)}–${fmt.time(b.endMs)}: ${fmt.money(b.costUsd)} · ${fmt.money(b.usdPerHour)}/h · ${fmt.tokens(b.tokensPerMinute)}/min\n`);
  }
  if (overlay && overlay.status.limits.length > 0) {
    md.appendMarkdown(`\n**${vscode.l10n.t('Limits')}** ${vscode.l10n.t('(the status bar shows the tightest)')}\n\n`);
    const tightest = overlay.status.tightest;
    for (const c of overlay.status.limits) {
      // In the display language and currency (the CLI prints the English/USD line).
      const line = escapeMarkdown(fmt.limitLine(c, overlay.nowMs));
      md.appendMarkdown(`- ${c === tightest ? `**${line}**` : line}\n`);
    }
    for (const b of spend.budgets) if (b.projectedExhaustMs) md.appendMarkdown(`\n${escapeMarkdown(budgetLine(b, fmt))}\n`);
    if (overlay.status.limits.some((c) => c.origin === 'endpoint')) {
      md.appendMarkdown(`\n[${vscode.l10n.t('Request More Budget')}](command:tokenmeter.requestMoreBudget) · [${vscode.l10n.t('Set API Key')}](command:tokenmeter.setApiKey)\n`);
    }
  } else if (spend.budgets.length > 0) {
    md.appendMarkdown(`\n**${vscode.l10n.t('Budget')}**\n\n`);
    for (const b of spend.budgets) md.appendMarkdown(`- ${escapeMarkdown(budgetLine(b, fmt))}\n`);
  }
  if (overlay?.pacing && overlay.pacing.length > 0) {
    md.appendMarkdown(`\n**${vscode.l10n.t('Pacing')}**\n\n`);
    for (const p of overlay.pacing) md.appendMarkdown(`- ${p.runsOutBeforeReset ? '$(warning) ' : ''}${escapeMarkdown(pacingLineText(fmt, p))}\n`);
  }
  for (const limit of overlay ? [] : spend.official) {
    const used = vscode.l10n.t('{0}% used', limit.usedPercent);
    const note = limit.resetsAtMs ? vscode.l10n.t('official, resets {0}', fmt.dateTime(limit.resetsAtMs)) : vscode.l10n.t('official');
    md.appendMarkdown(`\n${vscode.l10n.t('Codex {0} limit:', escapeMarkdown(limit.name))} **${used}** (${note})\n`);
  }
  if (spend.unpricedModels.length > 0) {
    md.appendMarkdown(`\n$(warning) ${vscode.l10n.t('Unpriced models (tokens counted, no cost):')} ${spend.unpricedModels.map(escapeMarkdown).join(', ')}\n`);
  }
  const links = [
    [vscode.l10n.t('Dashboard'), 'tokenmeter.openDashboard'], [vscode.l10n.t('Show Usage'), 'tokenmeter.showUsage'], [vscode.l10n.t('Set Budget'), 'tokenmeter.setBudget'],
    [vscode.l10n.t('Refresh'), 'tokenmeter.refresh'], [vscode.l10n.t('Output'), 'tokenmeter.showOutput'],
  ];
  md.appendMarkdown(`\n${links.map(([label, id]) => `[${label}](command:${id})`).join(' · ')}`);
  return md;
}

/** The status bar item (and the routing hint's quiet second item): a switch over the service state sets text, colour and tooltip. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tokenmeter.status', vscode.StatusBarAlignment.Right, 100);
  /** A second, quiet item for the routing hint; shown only while there is one. */
  private readonly hintItem = vscode.window.createStatusBarItem('tokenmeter.routingHint', vscode.StatusBarAlignment.Right, 99);
  private state: ServiceState = { kind: 'starting' };
  private overlay: StatusOverlay | undefined;
  private display: DisplaySettings = { currency: 'USD', cnyPerUsd: 7.1 };

  constructor() {
    this.item.name = 'Tokenmeter';
    this.item.command = 'tokenmeter.openDashboard';
    this.hintItem.name = 'Tokenmeter Routing Hint';
    this.render({ kind: 'starting' });
    this.item.show();
  }

  /** The state with the status controller's overlay (undefined: none yet): one render. */
  show(state: ServiceState, overlay: StatusOverlay | undefined): void {
    this.overlay = overlay;
    const hint = routingHintOf(overlay?.status.routing, this.formatter());
    if (hint) {
      // Model names come from logs: a "$(…)" in one stays text, not an icon.
      this.hintItem.text = `${hint.icon} ${hint.text.replace(/\$\(/g, '$\u200B(')}`;
      this.hintItem.tooltip = hint.detail;
      this.hintItem.show();
    } else {
      this.hintItem.hide();
    }
    this.render(state);
  }

  /** Currency and rate from the settings (the locale is VS Code's display language), used from the next render. */
  setDisplay(display: DisplaySettings): void {
    this.display = display;
  }

  private formatter(timeZone?: string): Formatter {
    return displayFormatter(this.display, timeZone);
  }

  render(state: ServiceState): void {
    this.state = state;
    const item = this.item;
    const overlay = this.overlay;
    item.backgroundColor = undefined;
    // A click answers "where did it go?": the dashboard (Show Usage stays in the tooltip and palette).
    item.command = 'tokenmeter.openDashboard';
    switch (state.kind) {
      case 'starting':
        item.text = '$(sync~spin) Tokenmeter';
        item.tooltip = vscode.l10n.t('Tokenmeter is reading your agent logs…');
        break;
      case 'no-logs': {
        // First run: a friendly state that leads to the walkthrough, not an error.
        item.text = `$(pulse) ${vscode.l10n.t('Tokenmeter: no usage yet')}`;
        // Nothing to chart yet: a click opens the walkthrough instead of an empty dashboard.
        item.command = { title: vscode.l10n.t('Get started with Tokenmeter'), command: 'workbench.action.openWalkthrough', arguments: [walkthroughId, false] };
        const md = new vscode.MarkdownString(`${vscode.l10n.t('No Claude Code or Codex logs found yet. Looked in:')}\n\n`, true);
        md.isTrusted = { enabledCommands: ['workbench.action.openWalkthrough', 'tokenmeter.configure', 'tokenmeter.setApiKey'] };
        for (const { dir } of logFolders(state.roots)) {
          md.appendMarkdown(`- ${escapeMarkdown(dir)}\n`);
        }
        md.appendMarkdown(`\n${vscode.l10n.t('Use an agent, or add folders in the `tokenmeter.claudeConfigDirs` setting.')}\n\n`);
        md.appendMarkdown(`$(rocket) [${vscode.l10n.t('Get started with Tokenmeter')}](${walkthroughLink}) · [${vscode.l10n.t('Configure')}](command:tokenmeter.configure) · [${vscode.l10n.t('Add a budget endpoint key')}](command:tokenmeter.setApiKey)`);
        item.tooltip = md;
        break;
      }
      case 'error':
        item.text = state.estimatedSpend
          ? `$(warning) ${this.formatter(state.estimatedSpend.timeZone).statusText(state.estimatedSpend.today, state.estimatedSpend.tightest)}`
          : '$(warning) Tokenmeter';
        item.tooltip = `${state.message}\n\n${vscode.l10n.t('Run "Tokenmeter: Show Output" for details.')}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'ready': {
        const s = state.estimatedSpend;
        // The overlay is computed from this same estimate; an older one is only used for its extras.
        const level = overlay ? overlay.status.level : s.level;
        const fmt = this.formatter(s.timeZone);
        // The same line `tokenmeter status` prints, in the display language and currency.
        const status = overlay?.status ?? { estimatedSpend: s, tightest: undefined, level: s.level };
        item.text = `$(${fmt.statusIcon(status)}) ${fmt.status(status)}`;
        item.tooltip = tooltipMarkdown(s, overlay, fmt);
        if (level === 'warning') item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        if (level === 'error' || level === 'exceeded') item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        const runOut = overlay?.pacing?.find((p) => p.runsOutBeforeReset);
        if (runOut && overlay) {
          // A window that runs out before its reset is worth the status bar, even when spend looks fine.
          item.text += ` · $(warning) ${pacingStatusText(fmt, runOut, overlay.nowMs)}`;
          if (level !== 'error' && level !== 'exceeded') item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        }
        if (overlay?.runaway.isRunaway) {
          // A runaway outranks every budget level: it is what is burning the budget right now.
          item.text = runawayStatusTexts(fmt, overlay.runaway).text;
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
