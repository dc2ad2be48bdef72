import * as vscode from 'vscode';
import { dailyReport, modelReport, projectReport, sessionReport } from '../../core/reports';
import { formatTokens, type Formatter } from '../../core/format';
import type { UsageService } from '../usageService';

type View = 'day' | 'session' | 'project' | 'model';

/** A quick pick of views (by day, session, project, model), each a list of rows with cost and tokens. */
export async function showUsage(service: UsageService, fmt: Formatter): Promise<void> {
  const views: (vscode.QuickPickItem & { view: View })[] = [
    { label: `$(calendar) ${vscode.l10n.t('By day')}`, description: vscode.l10n.t('last 30 days'), view: 'day' },
    { label: `$(comment-discussion) ${vscode.l10n.t('By session')}`, description: vscode.l10n.t('sub-agents included'), view: 'session' },
    { label: `$(folder) ${vscode.l10n.t('By project')}`, view: 'project' },
    { label: `$(symbol-class) ${vscode.l10n.t('By model')}`, view: 'model' },
  ];
  const picked = await vscode.window.showQuickPick(views, { title: vscode.l10n.t('Tokenmeter: Show Usage'), placeHolder: vscode.l10n.t('Choose a view') });
  if (!picked) return;
  const events = service.scanner.ledger.events();
  const options = { calendar: service.calendar, prices: service.prices };
  let rows: vscode.QuickPickItem[];
  const detail = (r: { totalCost: number; totalTokens: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number }) =>
    `${fmt.money(r.totalCost)} · ${fmt.tokens(r.totalTokens)} (${vscode.l10n.t('in {0}, out {1}, cache write {2}, cache read {3}', formatTokens(r.inputTokens), formatTokens(r.outputTokens), formatTokens(r.cacheCreationTokens), formatTokens(r.cacheReadTokens))})`;
  switch (picked.view) {
    case 'day': {
      const since = service.calendar.dateKey(Date.now() - 30 * 86_400_000);
      rows = dailyReport(events, { ...options, since }).daily.reverse().map((d) => ({ label: d.date, description: detail(d), detail: d.modelsUsed.join(', ') }));
      break;
    }
    case 'session':
      rows = sessionReport(events, options).sessions.slice(0, 200).map((s) => ({
        label: `${s.sessionId.slice(0, 8)} · ${s.projectPath}`,
        description: detail(s),
        detail: `${s.source} · ${vscode.l10n.t('last active {0}', fmt.dateTime(Date.parse(s.lastActivity)))} · ${vscode.l10n.t('{0} sub-agents', s.subAgents)} · ${s.modelsUsed.join(', ')}`,
      }));
      break;
    case 'project':
      rows = projectReport(events, options).projects.map((p) => ({ label: p.project || vscode.l10n.t('(unknown)'), description: detail(p), detail: p.modelsUsed.join(', ') }));
      break;
    case 'model':
      rows = modelReport(events, options).models.map((m) => ({ label: m.model, description: m.priced ? detail(m) : `${vscode.l10n.t('unpriced')} · ${fmt.tokens(m.totalTokens)}` }));
      break;
  }
  await vscode.window.showQuickPick(rows.length > 0 ? rows : [{ label: vscode.l10n.t('No usage recorded yet') }], { title: `Tokenmeter: ${picked.label.replace(/^\$\([a-z-]+\) /, '')}`, matchOnDescription: true, matchOnDetail: true });
}
