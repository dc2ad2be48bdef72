import { type SessionDetails, type SessionRow } from '../../src/core/protocol';
import { dateTime, duration, integer, l10n, percent, projectName, shortId, tokens, usd } from './text';
import { byId, h } from './dom';
import { SortKey, page, post, saveState, view } from './state';

// ---------- session table ----------

export let details: SessionDetails | null | undefined;
export function setDetails(next: SessionDetails | null | undefined): void {
  details = next;
}

/** The session table's columns, headed in the display language. */
export function columns(): { key: SortKey; label: string; numeric?: boolean }[] {
  return [
    { key: 'startMs', label: l10n.t('Start') },
    { key: 'project', label: l10n.t('Project') },
    { key: 'models', label: l10n.t('Model(s)') },
    { key: 'subAgents', label: l10n.t('Sub-agents'), numeric: true },
    { key: 'requests', label: l10n.t('Requests'), numeric: true },
    { key: 'tokens', label: l10n.t('Tokens'), numeric: true },
    { key: 'costUsd', label: l10n.t('Cost'), numeric: true },
    { key: 'durationMs', label: l10n.t('Duration'), numeric: true },
  ];
}

export function sortValue(row: SessionRow, key: SortKey): number | string {
  switch (key) {
    case 'project':
      return projectName(row.project).toLowerCase();
    case 'models':
      return row.models.join(',');
    case 'durationMs':
      return row.endMs - row.startMs;
    default:
      return row[key];
  }
}

export const rowPage = 100;
export let rowLimit = rowPage;

export function visibleRows(rows: SessionRow[]): SessionRow[] {
  const needle = page.filter.trim().toLowerCase();
  const filtered = needle
    ? rows.filter((r) => `${r.sessionId} ${r.project} ${r.models.join(' ')} ${r.source}`.toLowerCase().includes(needle))
    : rows.slice();
  const direction = page.descending ? -1 : 1;
  return filtered.sort((a, b) => {
    const x = sortValue(a, page.sortKey);
    const y = sortValue(b, page.sortKey);
    return (x < y ? -1 : x > y ? 1 : 0) * direction;
  });
}

export function renderSessionTable(): void {
  if (!view) return;
  const rows = visibleRows(view.sessions.rows);
  const head = h('tr', {}, ...columns().map((c) => {
    const sorted = page.sortKey === c.key;
    return h('th', { scope: 'col', className: c.numeric ? 'num' : undefined, 'aria-sort': sorted ? (page.descending ? 'descending' : 'ascending') : 'none' },
      h('button', { type: 'button', className: 'sort', 'data-key': c.key, onclick: () => {
        if (page.sortKey === c.key) page.descending = !page.descending;
        else {
          page.sortKey = c.key;
          page.descending = c.numeric === true || c.key === 'startMs';
        }
        saveState();
        renderSessionTable();
        (document.querySelector(`button.sort[data-key="${c.key}"]`) as HTMLElement | null)?.focus();
      } }, c.label, h('span', { className: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (page.descending ? ' ▼' : ' ▲') : '')));
  }));
  // The DOM holds a page of rows at a time; sorting and filtering still cover every row sent.
  const shownRows = rows.slice(0, rowLimit);
  const body = h('tbody', {}, ...shownRows.map((r) => h('tr', {
    tabindex: 0,
    'data-session': r.sessionId,
    className: r.sessionId === page.selectedSessionId ? 'selected' : undefined,
    onclick: () => openDetails(r.sessionId),
    onkeydown: (e) => {
      const key = (e as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        e.preventDefault();
        openDetails(r.sessionId);
      }
    },
  },
    h('td', {}, dateTime(r.startMs)),
    h('td', { title: r.project, className: 'wrap' }, projectName(r.project), h('span', { className: 'muted' }, ` · ${r.source} · ${shortId(r.sessionId)}`)),
    h('td', { className: 'wrap' }, r.models.join(', ')),
    h('td', { className: 'num' }, r.subAgents),
    h('td', { className: 'num' }, integer(r.requests)),
    h('td', { className: 'num' }, tokens(r.tokens)),
    h('td', { className: 'num' }, r.unpricedTokens > 0 && r.costUsd === 0 ? l10n.t('unpriced') : usd(r.costUsd)),
    h('td', { className: 'num' }, duration(r.endMs - r.startMs)),
  )));
  const capped = view.sessions.total > view.sessions.rows.length ? l10n.t(' (the {0} costliest of {1})', view.sessions.rows.length, view.sessions.total) : '';
  const more = rows.length > shownRows.length
    ? h('button', { type: 'button', className: 'secondary', id: 'more-sessions', onclick: () => {
      rowLimit += rowPage;
      renderSessionTable();
    } }, l10n.t('Show {0} more', Math.min(rowPage, rows.length - shownRows.length)))
    : null;
  byId('sessions').replaceChildren(
    h('p', { className: 'muted small', id: 'session-count' }, l10n.t('{0} of {1} sessions match{2}; {3} listed. Select a row for details.', rows.length, view.sessions.rows.length, capped, shownRows.length)),
    h('div', { className: 'table-wrap' }, h('table', { className: 'data', id: 'session-table' }, h('thead', {}, head), body)),
    ...(more ? [more] : []),
  );
}

export function openDetails(sessionId: string): void {
  page.selectedSessionId = sessionId;
  saveState();
  details = undefined;
  renderDetails();
  post({ type: 'sessionDetails', sessionId });
  for (const tr of Array.from(document.querySelectorAll('#session-table tbody tr'))) tr.classList.toggle('selected', (tr as HTMLElement).dataset.session === sessionId);
}

export function renderDetails(): void {
  const box = byId('details');
  if (!page.selectedSessionId) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const close = h('button', { type: 'button', className: 'secondary', onclick: () => {
    page.selectedSessionId = undefined;
    details = undefined;
    saveState();
    renderDetails();
  } }, l10n.t('Close'));
  if (details === undefined) {
    box.replaceChildren(h('div', { className: 'card-head' }, h('h2', {}, l10n.t('Session details')), close), h('p', { className: 'muted' }, l10n.t('Loading…')));
    return;
  }
  if (details === null) {
    box.replaceChildren(h('div', { className: 'card-head' }, h('h2', {}, l10n.t('Session details')), close), h('p', { className: 'muted' }, l10n.t('This session is no longer in the logs.')));
    return;
  }
  const d = details;
  const breakdown = (title: string, rows: SessionDetails['byModel'], nameOf: (n: string) => string) =>
    h('table', { className: 'data' },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, l10n.t('Name')), h('th', { scope: 'col', className: 'num' }, l10n.t('Requests')), h('th', { scope: 'col', className: 'num' }, l10n.t('Tokens')), h('th', { scope: 'col', className: 'num' }, l10n.t('Cost')), h('th', { scope: 'col' }, l10n.t('Active')))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', {}, nameOf(r.name)), h('td', { className: 'num' }, r.requests), h('td', { className: 'num' }, tokens(r.tokens)), h('td', { className: 'num' }, usd(r.costUsd)), h('td', {}, `${dateTime(r.firstMs)} – ${dateTime(r.lastMs)}`)))),
    );
  const k = d.tokensByKind;
  box.replaceChildren(
    h('div', { className: 'card-head' }, h('h2', { id: 'details-title' }, l10n.t('Session {0}', shortId(d.sessionId))), close),
    h('dl', { className: 'facts' },
      h('dt', {}, l10n.t('Session id')), h('dd', { className: 'mono' }, d.sessionId),
      h('dt', {}, l10n.t('Project')), h('dd', {}, d.project || l10n.t('(unknown)')),
      h('dt', {}, l10n.t('Source')), h('dd', {}, d.source),
      h('dt', {}, l10n.t('Active')), h('dd', {}, `${dateTime(d.startMs)} – ${dateTime(d.endMs)} (${duration(d.endMs - d.startMs)})`),
      h('dt', {}, l10n.t('Cost')), h('dd', {}, l10n.t('{0} for {1} requests', usd(d.costUsd), d.requests)),
      h('dt', {}, l10n.t('Tokens')), h('dd', {}, l10n.t('input {0}, output {1}, cache write {2}, cache read {3} (hit ratio {4})', tokens(k.inputTokens), tokens(k.outputTokens), tokens(k.cacheWrite5mTokens + k.cacheWrite1hTokens), tokens(k.cacheReadTokens), percent(k.cacheHitRatio))),
    ),
    breakdown(l10n.t('By model'), d.byModel, (n) => n),
    breakdown(l10n.t('By agent'), d.byAgent, (n) => (n === '' ? l10n.t('main agent') : n)),
  );
}
