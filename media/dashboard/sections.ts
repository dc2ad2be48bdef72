import { type DashboardView, type Gauge } from '../../src/core/protocol';
import { dateTime, integer, l10n, percent, shortId, tokens, usd } from './text';
import { byId, h } from './dom';
import { openDetails } from './sessions';

// ---------- sections ----------

export function tile(label: string, value: string, sub?: string, id?: string): HTMLElement {
  return h('div', { className: 'tile', id }, h('div', { className: 'tile-label' }, label), h('div', { className: 'tile-value' }, value), sub ? h('div', { className: 'tile-sub' }, sub) : null);
}

export function renderSummary(v: DashboardView): void {
  const head = v.header;
  const tiles = [
    tile(l10n.t('Spent · {0}', v.rangeLabel), usd(head.rangeCostUsd), l10n.t('{0} tokens · {1} requests', tokens(head.rangeTokens), integer(head.rangeRequests)), 'tile-range'),
    tile(l10n.t('Today'), usd(head.todayCostUsd), l10n.t('{0} tokens', tokens(head.todayTokens)), 'tile-today'),
  ];
  if (head.block) {
    tiles.push(tile(l10n.t('5-hour block'), usd(head.block.costUsd), l10n.t('{0}/h · {1} tok/min · ends {2}', usd(head.block.usdPerHour), tokens(head.block.tokensPerMinute), dateTime(head.block.endMs)), 'tile-block'));
  } else {
    tiles.push(tile(l10n.t('5-hour block'), l10n.t('idle'), l10n.t('no request in the last 5 hours'), 'tile-block'));
  }
  byId('summary').replaceChildren(...tiles);
  const notice = byId('notice');
  notice.classList.remove('error');
  const text = v.sources.length === 0
    ? l10n.t('No Claude Code or Codex usage found yet. Tokenmeter reads ~/.claude/projects and ~/.codex/sessions (see the tokenmeter.claudeConfigDirs and tokenmeter.codexHomes settings); run "Tokenmeter: Show Output" to see which folders were searched.')
    : head.unpricedModels.length > 0
      ? l10n.t('Unpriced models (tokens counted, no cost): {0} — {1} tokens.', head.unpricedModels.join(', '), tokens(head.unpricedTokens))
      : '';
  notice.hidden = text === '';
  notice.textContent = text;
}

export function gaugeElement(g: Gauge): HTMLElement {
  const amount = (value: number) => (g.unit === 'usd' ? usd(value) : g.unit === 'tokens' ? `${tokens(value)} tok` : `${Math.round(value)}%`);
  const width = Math.min(Math.max(g.fraction, 0), 1) * 100;
  const bar = h('div', { className: 'meter-fill' });
  bar.style.width = `${width}%`;
  const notes: string[] = [];
  if (g.unit !== 'percent') notes.push(l10n.t('{0} left', amount(Math.max(g.limit - g.spent, 0))));
  if (g.projectedAtEnd !== undefined) notes.push(l10n.t('projected {0} at period end', amount(g.projectedAtEnd)));
  if (g.projectedExhaustMs !== undefined) notes.push(l10n.t('cap reached ~{0}', dateTime(g.projectedExhaustMs)));
  if (g.elapsedFraction !== undefined) notes.push(l10n.t('{0} of the time gone', percent(g.elapsedFraction)));
  if (g.runsOutBeforeResetAtMs !== undefined) notes.push(l10n.t('runs out ~{0}, before it resets', dateTime(g.runsOutBeforeResetAtMs)));
  if (g.periodEndMs !== undefined) notes.push(g.origin !== 'estimated' ? l10n.t('resets {0}', dateTime(g.periodEndMs)) : l10n.t('period ends {0}', dateTime(g.periodEndMs)));
  return h('div', { className: `gauge level-${g.level}` },
    h('div', { className: 'gauge-head' }, h('span', { className: 'gauge-label' }, g.label), h('span', { className: 'gauge-origin' }, g.origin === 'estimated' ? l10n.t('estimated') : g.origin === 'endpoint' ? l10n.t('endpoint') : l10n.t('official'))),
    h('div', { className: 'gauge-value' }, l10n.t('{0} of {1} ({2})', amount(g.spent), amount(g.limit), percent(g.fraction))),
    h('div', { className: 'meter', role: 'meter', 'aria-label': g.label, 'aria-valuemin': 0, 'aria-valuemax': g.limit, 'aria-valuenow': Math.round(g.spent * 100) / 100, 'aria-valuetext': l10n.t('{0} of {1}', amount(g.spent), amount(g.limit)) }, bar),
    h('div', { className: 'gauge-sub' }, notes.join(' · ')),
  );
}

export function renderAlerts(v: DashboardView): void {
  const box = byId('alerts');
  box.hidden = v.alerts.length === 0;
  box.replaceChildren(...v.alerts.map((a) => {
    const sessionId = a.sessionId;
    return h('div', { className: `alert level-${a.level}`, role: 'alert' },
      h('div', { className: 'alert-head' }, h('strong', {}, a.title), h('span', { className: 'muted small' }, ` · ${dateTime(a.firedAtMs)}`)),
      h('div', {}, a.detail),
      sessionId ? h('button', { type: 'button', className: 'link', onclick: () => openDetails(sessionId) }, l10n.t('Open session {0}', shortId(sessionId))) : null,
    );
  }));
}

export function renderGauges(v: DashboardView): void {
  const gauges = v.header.gauges;
  byId('gauges').replaceChildren(
    ...(gauges.length > 0
      ? gauges.map(gaugeElement)
      : [h('p', { className: 'muted' }, l10n.t('No budget set. Set tokenmeter.budget.dailyUsd, weeklyUsd or monthlyUsd to see how much is left.'))]),
  );
}
