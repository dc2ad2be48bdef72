import uPlot from 'uplot';
import { type DashboardView } from '../../src/core/protocol';
import { l10n, percent, projectName, shortId, tokens, usd } from './text';
import { byId, h } from './dom';
import { tile } from './sections';
import { axis, chartTheme, chartWidth, dayAxisValues, moneyAxis, mountChart, palette } from './charts';
import { openDetails } from './sessions';

export function barList(items: { name: string; label: string; value: number; sub: string; onSelect?: () => void }[], format: (v: number) => string): HTMLElement {
  const max = Math.max(...items.map((i) => i.value), 1e-9);
  if (items.length === 0) return h('p', { className: 'muted' }, l10n.t('Nothing in this range.'));
  return h('ol', { className: 'bars' }, ...items.map((item) => {
    const fill = h('span', { className: 'bar-fill' });
    fill.style.width = `${(item.value / max) * 100}%`;
    const label = item.onSelect
      ? h('button', { type: 'button', className: 'link', title: item.name, onclick: item.onSelect }, item.label)
      : h('span', { className: 'bar-name', title: item.name }, item.label);
    return h('li', {}, h('div', { className: 'bar-row' }, label, h('span', { className: 'bar-value' }, format(item.value))), h('div', { className: 'bar-track' }, fill), h('div', { className: 'bar-sub' }, item.sub));
  }));
}

export function renderKinds(v: DashboardView): void {
  const k = v.tokensByKind;
  const colors = palette();
  const kinds = [
    { label: l10n.t('Input'), value: k.inputTokens, color: colors[0] },
    { label: l10n.t('Output'), value: k.outputTokens, color: colors[1] },
    { label: l10n.t('Cache write (5 min)'), value: k.cacheWrite5mTokens, color: colors[3] },
    { label: l10n.t('Cache write (1 h)'), value: k.cacheWrite1hTokens, color: colors[4] },
    { label: l10n.t('Cache read'), value: k.cacheReadTokens, color: colors[2] },
  ];
  const total = kinds.reduce((a, b) => a + b.value, 0);
  const stack = h('div', { className: 'stackbar', role: 'img', 'aria-label': kinds.map((x) => `${x.label} ${tokens(x.value)}`).join(', ') });
  for (const kind of kinds) {
    if (kind.value <= 0) continue;
    const part = h('span', { title: `${kind.label}: ${tokens(kind.value)}` });
    part.style.width = `${(kind.value / Math.max(total, 1)) * 100}%`;
    part.style.background = kind.color;
    stack.append(part);
  }
  byId('kinds').replaceChildren(
    stack,
    h('table', { className: 'kinds' },
      h('tbody', {}, ...kinds.map((kind) => {
        const swatch = h('span', { className: 'swatch', 'aria-hidden': 'true' });
        swatch.style.background = kind.color;
        return h('tr', {}, h('th', { scope: 'row' }, swatch, kind.label), h('td', {}, tokens(kind.value)), h('td', {}, total > 0 ? percent(kind.value / total) : '—'));
      })),
    ),
    h('p', { className: 'small' }, l10n.t('Cache hit ratio {0} of prompt tokens; cache reads saved about {1} over paying the input rate.', percent(k.cacheHitRatio), usd(k.cacheSavingsUsd))),
  );
}

export function renderPerResult(v: DashboardView): void {
  const r = v.perResult;
  const container = byId('per-result');
  const theme = chartTheme();
  const colors = palette();
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': l10n.t('Cost per session by day; {0} per session on average.', usd(r.costPerSessionUsd)) });
  container.replaceChildren(
    h('div', { className: 'mini-tiles' },
      tile(l10n.t('Per session'), usd(r.costPerSessionUsd), r.sessions === 1 ? l10n.t('1 session') : l10n.t('{0} sessions', r.sessions)),
      tile(l10n.t('Per active day'), usd(r.costPerActiveDayUsd), r.activeDays === 1 ? l10n.t('1 day') : l10n.t('{0} days', r.activeDays)),
      tile(l10n.t('Per request'), usd(r.costPerRequestUsd), l10n.t('{0} tok each', tokens(r.tokensPerRequest))),
    ),
    chartHost,
  );
  const n = r.costPerSessionByDay.length;
  if (n < 2) return;
  mountChart('per-result', chartHost, {
    width: chartWidth(container),
    height: 140,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [-0.5, n - 0.5] } },
    axes: [axis(theme, dayAxisValues(v.daily.days)), moneyAxis(theme)],
    series: [{}, { label: 'cost per session', stroke: colors[2], width: 2, spanGaps: true, points: { show: n < 40, size: 4 } }],
  }, [Array.from({ length: n }, (_, i) => i), r.costPerSessionByDay] as uPlot.AlignedData);
}

export function renderTops(v: DashboardView): void {
  byId('top-sessions').replaceChildren(barList(v.topSessions.map((s) => ({
    name: s.name,
    label: `${shortId(s.name)} · ${projectName(s.detail)}`,
    value: s.costUsd,
    sub: l10n.t('{0} tokens', tokens(s.tokens)),
    onSelect: () => openDetails(s.name),
  })), usd));
  byId('top-projects').replaceChildren(barList(v.topProjects.map((p) => ({ name: p.name, label: projectName(p.name), value: p.costUsd, sub: `${p.detail} · ${l10n.t('{0} tokens', tokens(p.tokens))}` })), usd));
}
