import { type DashboardView } from '../../src/core/protocol';
import { dateTime, integer, l10n, rate, tokens, usd } from './text';
import { byId, h } from './dom';

export function renderModels(v: DashboardView): void {
  const price = (value: number | null) => (value === null ? '—' : rate(value));
  byId('models').replaceChildren(
    h('div', { className: 'table-wrap' }, h('table', { className: 'data', id: 'model-table' },
      h('thead', {}, h('tr', {}, ...[l10n.t('Model'), l10n.t('Input /MTok'), l10n.t('Output /MTok'), l10n.t('Cache write /MTok'), l10n.t('Cache read /MTok'), l10n.t('Requests'), l10n.t('Tokens'), l10n.t('Cost')].map((label, i) => h('th', { scope: 'col', className: i > 0 ? 'num' : undefined }, label)))),
      h('tbody', {}, ...v.models.map((m) => h('tr', {},
        h('td', { title: m.priced ? `${m.priceId} (${m.origin})` : l10n.t('no known price') }, m.model, m.priced ? null : h('span', { className: 'badge' }, l10n.t('unpriced'))),
        h('td', { className: 'num' }, price(m.inputPerMTok)),
        h('td', { className: 'num' }, price(m.outputPerMTok)),
        h('td', { className: 'num' }, price(m.cacheWritePerMTok)),
        h('td', { className: 'num' }, price(m.cacheReadPerMTok)),
        h('td', { className: 'num' }, integer(m.requests)),
        h('td', { className: 'num' }, tokens(m.tokens)),
        h('td', { className: 'num' }, m.priced ? usd(m.costUsd) : '—'),
      ))),
    )),
  );
  byId('footnote').textContent = l10n.t('Costs are estimated from local logs at list prices (time zone {0}); updated {1}.', v.timeZone, dateTime(v.nowMs));
}
