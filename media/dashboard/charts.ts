import uPlot from 'uplot';
import { type DashboardView } from '../../src/core/protocol';
import { axisMoney, l10n, moneyTicks, tokens, usd } from './text';
import { byId, cssVar, h } from './dom';

export const charts = new Map<string, uPlot>();

export function palette(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'),
    cssVar('--vscode-charts-purple', '#b180d7'),
    cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-yellow', '#cca700'),
    cssVar('--vscode-charts-lines', '#888888'),
  ];
}

/** `#rgb`/`#rrggbb` with an alpha channel; other colour syntaxes are left unfilled. */
export function withAlpha(color: string, alpha: number): string | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return `#${full}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}

export function chartTheme() {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808040')),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    font: `11px ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

export function axis(theme: ReturnType<typeof chartTheme>, values?: uPlot.Axis['values'], size?: number): uPlot.Axis {
  return { stroke: theme.foreground, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, values, size };
}

/** A money axis: ticks at round amounts of the display currency, labelled by the one formatter. */
export function moneyAxis(theme: ReturnType<typeof chartTheme>): uPlot.Axis {
  return { ...axis(theme, (_u, splits) => axisMoney(splits), 52), splits: (_u, _i, min, max, incr) => moneyTicks(min, max, incr) };
}

export function chartWidth(container: HTMLElement): number {
  return Math.max(container.clientWidth - 4, 240);
}

export function mountChart(key: string, container: HTMLElement, options: uPlot.Options, data: uPlot.AlignedData): void {
  charts.get(key)?.destroy();
  const plot = new uPlot(options, data, container);
  charts.set(key, plot);
}

export function legend(items: { label: string; color: string; dashed?: boolean }[]): HTMLElement {
  return h('ul', { className: 'legend' }, ...items.map((item) => {
    const swatch = h('span', { className: item.dashed ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' });
    if (item.dashed) swatch.style.borderColor = item.color;
    else swatch.style.background = item.color;
    return h('li', {}, swatch, item.label);
  }));
}

export function dayLabel(day: string | undefined): string {
  return day ? day.slice(5) : '';
}

export function dayAxisValues(days: string[]): uPlot.Axis['values'] {
  return (_u, splits) => splits.map((i) => (Number.isInteger(i) ? dayLabel(days[i]) : ''));
}

export const barsPath = uPlot.paths.bars!({ size: [0.75, 48], gap: 1 });

export function renderDaily(v: DashboardView): void {
  const d = v.daily;
  const container = byId('daily');
  const colors = palette();
  const theme = chartTheme();
  const n = d.days.length;
  const x = Array.from({ length: n }, (_, i) => i);
  // Stacked bars: draw the full stack first, then each lower stack over it.
  const stacks: number[][] = [];
  let running = new Array<number>(n).fill(0);
  for (const costs of d.costUsdByModel) {
    running = running.map((r, i) => r + costs[i]);
    stacks.push(running);
  }
  const totalByDay = stacks.length > 0 ? stacks[stacks.length - 1] : new Array<number>(n).fill(0);
  const colorOf = (m: number) => (d.models[m] === 'other models' ? cssVar('--vscode-descriptionForeground', '#999999') : colors[m % colors.length]);
  const series: uPlot.Series[] = [{}];
  const data: (number | null)[][] = [x];
  for (let m = stacks.length - 1; m >= 0; m--) {
    series.push({ label: d.models[m], fill: colorOf(m), stroke: colorOf(m), width: 0, paths: barsPath, points: { show: false } });
    data.push(stacks[m]);
  }
  if (d.projection) {
    const values = new Array<number | null>(n).fill(null);
    values[d.projection.dayIndex] = d.projection.costUsd;
    series.push({ label: l10n.t('projected today'), stroke: theme.foreground, width: 1.5, dash: [4, 3], paths: barsPath, points: { show: false } });
    data.push(values);
  }
  if (d.capUsd !== undefined) {
    series.push({ label: l10n.t('daily cap'), stroke: theme.red, width: 2, points: { show: false } });
    data.push(new Array<number>(n).fill(d.capUsd));
  }
  const readout = h('div', { className: 'readout', 'aria-hidden': 'true' });
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': l10n.t('Spend per day, {0}: total {1}, highest {2}.', v.rangeLabel, usd(totalByDay.reduce((a, b) => a + b, 0)), usd(Math.max(0, ...totalByDay))) });
  const legendItems: { label: string; color: string; dashed?: boolean }[] = d.models.map((model, m) => ({ label: model, color: colorOf(m) }));
  if (d.projection) legendItems.push({ label: l10n.t('today at this block’s pace {0}', usd(d.projection.costUsd)), color: theme.foreground, dashed: true });
  if (d.capUsd !== undefined) legendItems.push({ label: l10n.t('daily cap {0}', usd(d.capUsd)), color: theme.red });
  container.replaceChildren(chartHost, legend(legendItems), readout);
  const maxY = Math.max(d.capUsd ?? 0, d.projection?.costUsd ?? 0, ...totalByDay, 0.01);
  mountChart('daily', chartHost, {
    width: chartWidth(container),
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, maxY * 1.1] } },
    axes: [axis(theme, dayAxisValues(d.days)), moneyAxis(theme)],
    series,
    hooks: {
      setCursor: [(u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined) {
          readout.textContent = '';
          return;
        }
        const parts = d.models.map((model, m) => `${model} ${usd(d.costUsdByModel[m][i])}`).filter((_, m) => d.costUsdByModel[m][i] > 0);
        readout.textContent = `${d.days[i]}: ${usd(totalByDay[i])}${parts.length ? ` (${parts.join(', ')})` : ''} · ${tokens(d.tokensByDay[i])} tok`;
      }],
    },
  }, data as uPlot.AlignedData);
}

export function renderCumulative(v: DashboardView): void {
  const c = v.cumulative;
  const container = byId('cumulative');
  const colors = palette();
  const theme = chartTheme();
  const n = c.days.length;
  const x = Array.from({ length: n }, (_, i) => i);
  const series: uPlot.Series[] = [
    {},
    { label: l10n.t('spent'), stroke: colors[0], width: 2, fill: withAlpha(colors[0], 0.2), points: { show: false } },
    { label: l10n.t('projected'), stroke: colors[0], width: 1.5, dash: [5, 4], points: { show: false } },
  ];
  const data: (number | null)[][] = [x, c.spentUsd, c.projectedUsd];
  if (c.capUsd !== undefined) {
    series.push({ label: l10n.t('cap'), stroke: theme.red, width: 2, points: { show: false } });
    data.push(new Array<number>(n).fill(c.capUsd));
  }
  const spent = c.spentUsd.filter((s): s is number => s !== null);
  const projectedEnd = c.projectedUsd[n - 1];
  const summary = `${l10n.t('{0} spent', usd(spent[spent.length - 1] ?? 0))}${projectedEnd !== null && projectedEnd !== undefined ? l10n.t(', {0} projected at period end', usd(projectedEnd)) : ''}${c.capUsd !== undefined ? l10n.t(' of a {0} cap', usd(c.capUsd)) : ''}`;
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': `Cumulative spend, ${c.label}: ${summary}.` });
  const items: { label: string; color: string; dashed?: boolean }[] = [{ label: l10n.t('spent'), color: colors[0] }, { label: l10n.t('projected'), color: colors[0], dashed: true }];
  if (c.capUsd !== undefined) items.push({ label: l10n.t('cap {0}', usd(c.capUsd)), color: theme.red });
  container.replaceChildren(h('p', { className: 'muted small' }, c.label), chartHost, legend(items), h('p', { className: 'small' }, summary));
  const maxY = Math.max(c.capUsd ?? 0, projectedEnd ?? 0, ...spent, 0.01);
  mountChart('cumulative', chartHost, {
    width: chartWidth(container),
    height: 200,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0, Math.max(n - 1, 1)] }, y: { range: [0, maxY * 1.1] } },
    axes: [axis(theme, dayAxisValues(c.days)), moneyAxis(theme)],
    series,
  }, data as uPlot.AlignedData);
}
