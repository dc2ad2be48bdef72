import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Calendar } from '../../core/calendar';
import { englishUsd, type Formatter } from '../../core/format';
import { escalationProfile, escalationShift, sessionOutcomesFromEvents } from '../../core/routing/escalation';
import type { PriceTable } from '../../core/pricing';
import type { Aggressiveness, ModelTiers } from '../../core/router';
import { buildRoutingReport, formatRoutingReportMarkdown, routingSessionsFromEvents } from '../../core/routingReport';
import type { UsageEvent } from '../../core/usageEvent';
import { readSessionPrompts } from '../../sources/sessionPrompts';

export interface RoutingReportDeps {
  events: readonly UsageEvent[];
  claudeDirs: readonly string[];
  prices: PriceTable;
  calendar: Calendar;
  tiers: ModelTiers;
  aggressiveness: Aggressiveness;
  outputDir?: vscode.Uri;
  /** Display language and currency of the report (default English, US dollars). */
  fmt?: Formatter;
  log(message: string): void;
}

/** "Routing Report": asks for a period, then shows which sessions could have used a cheaper tier. */
export async function routingReport(deps: RoutingReportDeps): Promise<void> {
  const periods = [
    { label: vscode.l10n.t('Last 7 days'), days: 7 },
    { label: vscode.l10n.t('Last 30 days'), days: 30 },
    { label: vscode.l10n.t('Last 90 days'), days: 90 },
  ];
  const picked = await vscode.window.showQuickPick(periods, { title: vscode.l10n.t('Tokenmeter: Routing Report'), placeHolder: vscode.l10n.t('Which period?') });
  if (!picked) return;
  const nowMs = Date.now();
  const markdown = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tokenmeter: reading your sessions…') }, async () => {
    const prompts = await readSessionPrompts(deps.claudeDirs);
    const sessions = routingSessionsFromEvents(deps.events, prompts.prompts, (e) => deps.prices.costOf(e), { startMs: nowMs - picked.days * 86_400_000, endMs: nowMs + 60_000 });
    // The user's own outcomes: a user whose cheap sessions often had to move up gets more cautious advice.
    const escalation = escalationShift(escalationProfile(sessionOutcomesFromEvents(deps.events, deps.tiers)));
    const report = buildRoutingReport(sessions, { tiers: deps.tiers, aggressiveness: deps.aggressiveness, priceOf: (m) => deps.prices.ratesFor(m), escalationShift: escalation, fmt: deps.fmt });
    deps.log(`Routing report: ${report.sessions} sessions, ${report.examples.length} examples, could save ${englishUsd.money(report.savingUsd)} of ${englishUsd.money(report.costUsd)}.`);
    return formatRoutingReportMarkdown(report, vscode.l10n.t('{0} to {1}', picked.label.toLowerCase(), deps.calendar.dateKey(nowMs)), deps.fmt);
  });
  const dir = deps.outputDir ?? vscode.Uri.file(os.tmpdir());
  const file = vscode.Uri.joinPath(dir, 'tokenmeter-routing-report.md');
  await vscode.workspace.fs.createDirectory(dir);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(markdown));
  await vscode.commands.executeCommand('markdown.showPreview', file);
}
