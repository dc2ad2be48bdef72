import { l10n } from './text';
import { type DashboardQuery } from '../../src/core/protocol';
import { byId, h } from './dom';
import { page, post, saveState, setQuery } from './state';
import { renderSessionTable } from './sessions';

// ---------- layout ----------

/** The range buttons, labelled in the display language. */
export function rangeChoices(): { range: DashboardQuery['range']; label: string }[] {
  return [
    { range: 'today', label: l10n.t('Today') },
    { range: '7d', label: l10n.t('7 d') },
    { range: '30d', label: l10n.t('30 d') },
    { range: 'month', label: l10n.t('This month') },
    { range: 'custom', label: l10n.t('Custom') },
  ];
}

export function section(id: string, title: string, extra?: HTMLElement): HTMLElement {
  return h('section', { className: 'card', id: `${id}-card`, 'aria-labelledby': `${id}-title` }, h('div', { className: 'card-head' }, h('h2', { id: `${id}-title` }, title), extra), h('div', { id }));
}

export function buildLayout(): void {
  const app = byId('app');
  app.replaceChildren(
    h('header', { className: 'toolbar' },
      h('h1', {}, 'Tokenmeter'),
      h('div', { className: 'range', role: 'group', 'aria-label': l10n.t('Date range'), id: 'range' }),
      h('label', { className: 'source' }, `${l10n.t('Source')} `, h('select', { id: 'source', 'aria-label': l10n.t('Source filter'), onchange: (e) => setQuery({ ...page.query, source: (e.target as HTMLSelectElement).value as DashboardQuery['source'] }) })),
      h('div', { className: 'actions' },
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'refresh' }) }, l10n.t('Refresh')),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'csv-daily' }), title: l10n.t('Daily usage per model as CSV') }, l10n.t('Export CSV')),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'csv-sessions' }), title: l10n.t('Sessions as CSV') }, l10n.t('Sessions CSV')),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'json' }), title: l10n.t('Everything shown, as JSON') }, l10n.t('Export JSON')),
      ),
    ),
    h('div', { id: 'custom-range', className: 'custom-range', hidden: true }),
    h('p', { id: 'notice', className: 'notice', role: 'status', hidden: true }),
    h('section', { id: 'alerts', className: 'alerts', 'aria-label': l10n.t('Alerts'), hidden: true }),
    h('section', { id: 'summary', className: 'summary', 'aria-label': l10n.t('Summary') }),
    h('section', { id: 'gauges', className: 'gauges', 'aria-label': l10n.t('Budgets') }),
    h('div', { className: 'grid' },
      section('daily', l10n.t('Spend per day')),
      section('cumulative', l10n.t('Cumulative spend vs budget')),
      section('kinds', l10n.t('Tokens by kind')),
      section('per-result', l10n.t('Cost per result')),
      section('top-sessions', l10n.t('Top sessions')),
      section('top-projects', l10n.t('Top projects')),
    ),
    section('sessions', l10n.t('Sessions'), h('input', { type: 'search', id: 'session-filter', placeholder: l10n.t('Filter by project, model, id'), 'aria-label': l10n.t('Filter sessions'), value: page.filter, oninput: (e) => {
      page.filter = (e.target as HTMLInputElement).value;
      saveState();
      renderSessionTable();
    } })),
    h('section', { id: 'details', className: 'card details', 'aria-live': 'polite', hidden: true, tabindex: -1 }),
    section('models', l10n.t('Models and prices')),
    h('p', { className: 'footnote', id: 'footnote' }),
  );
  renderRangePicker();
}

export function renderRangePicker(): void {
  const group = byId('range');
  group.replaceChildren(
    ...rangeChoices().map((choice) =>
      h('button', {
        type: 'button',
        className: page.query.range === choice.range ? 'chip selected' : 'chip',
        'aria-pressed': String(page.query.range === choice.range),
        'data-range': choice.range,
        onclick: () => {
          if (choice.range === 'custom') {
            page.query = { ...page.query, range: 'custom' };
            renderRangePicker();
            (byId('custom-range').querySelector('input') as HTMLInputElement | null)?.focus();
            return;
          }
          setQuery({ range: choice.range, source: page.query.source });
          renderRangePicker();
        },
      }, choice.label),
    ),
  );
  const custom = byId('custom-range');
  custom.hidden = page.query.range !== 'custom';
  if (!custom.hidden) {
    const from = h('input', { type: 'date', id: 'custom-from', value: page.query.from ?? '', 'aria-label': l10n.t('From date') }) as HTMLInputElement;
    const to = h('input', { type: 'date', id: 'custom-to', value: page.query.to ?? '', 'aria-label': l10n.t('To date') }) as HTMLInputElement;
    custom.replaceChildren(
      h('label', {}, `${l10n.t('From')} `, from),
      h('label', {}, `${l10n.t('To')} `, to),
      h('button', { type: 'button', onclick: () => {
        const valid = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
        setQuery({ range: 'custom', from: valid(from.value), to: valid(to.value), source: page.query.source });
      } }, l10n.t('Apply')),
    );
  }
}

export function renderSourceFilter(sources: string[]): void {
  const select = byId('source') as HTMLSelectElement;
  const options = ['all', ...sources];
  if (page.query.source !== 'all' && !options.includes(page.query.source)) options.push(page.query.source);
  select.replaceChildren(...options.map((s) => h('option', { value: s, selected: s === page.query.source }, s === 'all' ? l10n.t('All sources') : s[0].toUpperCase() + s.slice(1))));
  select.value = page.query.source;
}
