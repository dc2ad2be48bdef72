// Runs inside the webview (and the standalone test page). Builds the DOM with
// textContent only: names from logs are never parsed as HTML.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import uPlot from 'uplot';
import * as z from 'zod/mini';
import {
  applySessionsDelta,
  defaultQuery,
  toHostSchema,
  toViewSchema,
  viewSectionKeys,
  viewStateSchema,
  type DashboardQuery,
  type DashboardView,
  type Gauge,
  type SessionDetails,
  type SessionRow,
  type ToHost,
  type ViewState,
} from '../src/core/protocol';

// Zod would probe `new Function` for its fast path; the CSP forbids eval and reports the probe.
z.config({ jitless: true });

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const host = acquireVsCodeApi();

// ---------- formatting ----------

function usd(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(3)}`;
  if (Math.abs(value) >= 10_000) return `$${integer(value)}`;
  return `$${value.toFixed(2)}`;
}

function tokens(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}K`;
  return String(Math.round(value));
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

// Formatters are built once: a fresh Intl formatter per table cell costs a frame per hundred rows.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function dateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

function integer(value: number): string {
  return integerFormat.format(value);
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** Claude's project folders are paths with slashes turned to dashes: show the last part. */
function projectName(project: string): string {
  if (!project) return '(unknown)';
  const parts = project.split(/[\\/]/).filter(Boolean);
  return parts.length > 0 ? parts[parts.length - 1] : project;
}

// ---------- DOM helpers ----------

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** createElement with attributes, listeners (`on*`) and text children; never innerHTML. */
function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'className') element.className = String(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

// ---------- state ----------

interface PageState {
  query: DashboardQuery;
  sortKey: SortKey;
  descending: boolean;
  filter: string;
  selectedSessionId?: string;
}

type SortKey = 'startMs' | 'project' | 'models' | 'subAgents' | 'tokens' | 'costUsd' | 'durationMs' | 'requests';
const sortKeys: SortKey[] = ['startMs', 'project', 'models', 'subAgents', 'tokens', 'costUsd', 'durationMs', 'requests'];

const savedState = viewStateSchema.safeParse(host.getState());

function loadState(): PageState {
  const state: ViewState = savedState.success ? savedState.data : { query: defaultQuery };
  const sortKey = sortKeys.find((k) => k === state.sort?.key) ?? 'costUsd';
  return { query: state.query, sortKey, descending: state.sort?.descending ?? true, filter: state.filter ?? '', selectedSessionId: state.selectedSessionId };
}

const page = loadState();
let view: DashboardView | undefined;
let details: SessionDetails | null | undefined;
const charts = new Map<string, uPlot>();

function saveState(): void {
  const state: ViewState = {
    query: page.query,
    sort: { key: page.sortKey, descending: page.descending },
    filter: page.filter,
    ...(page.selectedSessionId ? { selectedSessionId: page.selectedSessionId } : {}),
  };
  host.setState(state);
}

function post(message: ToHost): void {
  host.postMessage(toHostSchema.parse(message));
}

function setQuery(query: DashboardQuery): void {
  page.query = query;
  saveState();
  byId('app').setAttribute('aria-busy', 'true');
  post({ type: 'query', query });
}

// ---------- layout ----------

const rangeChoices: { range: DashboardQuery['range']; label: string }[] = [
  { range: 'today', label: 'Today' },
  { range: '7d', label: '7 d' },
  { range: '30d', label: '30 d' },
  { range: 'month', label: 'This month' },
  { range: 'custom', label: 'Custom' },
];

function section(id: string, title: string, extra?: HTMLElement): HTMLElement {
  return h('section', { className: 'card', id: `${id}-card`, 'aria-labelledby': `${id}-title` }, h('div', { className: 'card-head' }, h('h2', { id: `${id}-title` }, title), extra), h('div', { id }));
}

function buildLayout(): void {
  const app = byId('app');
  app.replaceChildren(
    h('header', { className: 'toolbar' },
      h('h1', {}, 'Tokenmeter'),
      h('div', { className: 'range', role: 'group', 'aria-label': 'Date range', id: 'range' }),
      h('label', { className: 'source' }, 'Source ', h('select', { id: 'source', 'aria-label': 'Source filter', onchange: (e) => setQuery({ ...page.query, source: (e.target as HTMLSelectElement).value as DashboardQuery['source'] }) })),
      h('div', { className: 'actions' },
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'refresh' }) }, 'Refresh'),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'csv-daily' }), title: 'Daily usage per model as CSV' }, 'Export CSV'),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'csv-sessions' }), title: 'Sessions as CSV' }, 'Sessions CSV'),
        h('button', { type: 'button', className: 'secondary', onclick: () => post({ type: 'export', format: 'json' }), title: 'Everything shown, as JSON' }, 'Export JSON'),
      ),
    ),
    h('div', { id: 'custom-range', className: 'custom-range', hidden: true }),
    h('p', { id: 'notice', className: 'notice', role: 'status', hidden: true }),
    h('section', { id: 'alerts', className: 'alerts', 'aria-label': 'Alerts', hidden: true }),
    h('section', { id: 'summary', className: 'summary', 'aria-label': 'Summary' }),
    h('section', { id: 'gauges', className: 'gauges', 'aria-label': 'Budgets' }),
    h('div', { className: 'grid' },
      section('daily', 'Spend per day'),
      section('cumulative', 'Cumulative spend vs budget'),
      section('kinds', 'Tokens by kind'),
      section('per-result', 'Cost per result'),
      section('top-sessions', 'Top sessions'),
      section('top-projects', 'Top projects'),
    ),
    section('sessions', 'Sessions', h('input', { type: 'search', id: 'session-filter', placeholder: 'Filter by project, model, id', 'aria-label': 'Filter sessions', value: page.filter, oninput: (e) => {
      page.filter = (e.target as HTMLInputElement).value;
      saveState();
      renderSessionTable();
    } })),
    h('section', { id: 'details', className: 'card details', 'aria-live': 'polite', hidden: true, tabindex: -1 }),
    section('models', 'Models and prices'),
    h('p', { className: 'footnote', id: 'footnote' }),
  );
  renderRangePicker();
}

function renderRangePicker(): void {
  const group = byId('range');
  group.replaceChildren(
    ...rangeChoices.map((choice) =>
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
    const from = h('input', { type: 'date', id: 'custom-from', value: page.query.from ?? '', 'aria-label': 'From date' }) as HTMLInputElement;
    const to = h('input', { type: 'date', id: 'custom-to', value: page.query.to ?? '', 'aria-label': 'To date' }) as HTMLInputElement;
    custom.replaceChildren(
      h('label', {}, 'From ', from),
      h('label', {}, 'To ', to),
      h('button', { type: 'button', onclick: () => {
        const valid = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
        setQuery({ range: 'custom', from: valid(from.value), to: valid(to.value), source: page.query.source });
      } }, 'Apply'),
    );
  }
}

function renderSourceFilter(sources: string[]): void {
  const select = byId('source') as HTMLSelectElement;
  const options = ['all', ...sources];
  if (page.query.source !== 'all' && !options.includes(page.query.source)) options.push(page.query.source);
  select.replaceChildren(...options.map((s) => h('option', { value: s, selected: s === page.query.source }, s === 'all' ? 'All sources' : s[0].toUpperCase() + s.slice(1))));
  select.value = page.query.source;
}

// ---------- sections ----------

function tile(label: string, value: string, sub?: string, id?: string): HTMLElement {
  return h('div', { className: 'tile', id }, h('div', { className: 'tile-label' }, label), h('div', { className: 'tile-value' }, value), sub ? h('div', { className: 'tile-sub' }, sub) : null);
}

function renderSummary(v: DashboardView): void {
  const head = v.header;
  const tiles = [
    tile(`Spent · ${v.rangeLabel}`, usd(head.rangeCostUsd), `${tokens(head.rangeTokens)} tokens · ${integer(head.rangeRequests)} requests`, 'tile-range'),
    tile('Today', usd(head.todayCostUsd), `${tokens(head.todayTokens)} tokens`, 'tile-today'),
  ];
  if (head.block) {
    tiles.push(tile('5-hour block', usd(head.block.costUsd), `${usd(head.block.usdPerHour)}/h · ${tokens(head.block.tokensPerMinute)} tok/min · ends ${dateTime(head.block.endMs)}`, 'tile-block'));
  } else {
    tiles.push(tile('5-hour block', 'idle', 'no request in the last 5 hours', 'tile-block'));
  }
  byId('summary').replaceChildren(...tiles);
  const notice = byId('notice');
  notice.classList.remove('error');
  const text = v.sources.length === 0
    ? 'No Claude Code or Codex usage found yet. Tokenmeter reads ~/.claude/projects and ~/.codex/sessions (see the tokenmeter.claudeConfigDirs and tokenmeter.codexHomes settings); run "Tokenmeter: Show Output" to see which folders were searched.'
    : head.unpricedModels.length > 0
      ? `Unpriced models (tokens counted, no cost): ${head.unpricedModels.join(', ')} — ${tokens(head.unpricedTokens)} tokens.`
      : '';
  notice.hidden = text === '';
  notice.textContent = text;
}

function gaugeElement(g: Gauge): HTMLElement {
  const amount = (value: number) => (g.unit === 'usd' ? usd(value) : g.unit === 'tokens' ? `${tokens(value)} tok` : `${Math.round(value)}%`);
  const width = Math.min(Math.max(g.fraction, 0), 1) * 100;
  const bar = h('div', { className: 'meter-fill' });
  bar.style.width = `${width}%`;
  const notes: string[] = [];
  if (g.unit !== 'percent') notes.push(`${amount(Math.max(g.limit - g.spent, 0))} left`);
  if (g.projectedAtEnd !== undefined) notes.push(`projected ${amount(g.projectedAtEnd)} at period end`);
  if (g.projectedExhaustMs !== undefined) notes.push(`cap reached ~${dateTime(g.projectedExhaustMs)}`);
  if (g.periodEndMs !== undefined) notes.push(`${g.origin !== 'estimated' ? 'resets' : 'period ends'} ${dateTime(g.periodEndMs)}`);
  return h('div', { className: `gauge level-${g.level}` },
    h('div', { className: 'gauge-head' }, h('span', { className: 'gauge-label' }, g.label), h('span', { className: 'gauge-origin' }, g.origin)),
    h('div', { className: 'gauge-value' }, `${amount(g.spent)} of ${amount(g.limit)} (${percent(g.fraction)})`),
    h('div', { className: 'meter', role: 'meter', 'aria-label': g.label, 'aria-valuemin': 0, 'aria-valuemax': g.limit, 'aria-valuenow': Math.round(g.spent * 100) / 100, 'aria-valuetext': `${amount(g.spent)} of ${amount(g.limit)}` }, bar),
    h('div', { className: 'gauge-sub' }, notes.join(' · ')),
  );
}

function renderAlerts(v: DashboardView): void {
  const box = byId('alerts');
  box.hidden = v.alerts.length === 0;
  box.replaceChildren(...v.alerts.map((a) => {
    const sessionId = a.sessionId;
    return h('div', { className: `alert level-${a.level}`, role: 'alert' },
      h('div', { className: 'alert-head' }, h('strong', {}, a.title), h('span', { className: 'muted small' }, ` · ${dateTime(a.firedAtMs)}`)),
      h('div', {}, a.detail),
      sessionId ? h('button', { type: 'button', className: 'link', onclick: () => openDetails(sessionId) }, `Open session ${shortId(sessionId)}`) : null,
    );
  }));
}

function renderGauges(v: DashboardView): void {
  const gauges = v.header.gauges;
  byId('gauges').replaceChildren(
    ...(gauges.length > 0
      ? gauges.map(gaugeElement)
      : [h('p', { className: 'muted' }, 'No budget set. Set tokenmeter.budget.dailyUsd, weeklyUsd or monthlyUsd to see how much is left.')]),
  );
}

function palette(): string[] {
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
function withAlpha(color: string, alpha: number): string | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return `#${full}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}

function chartTheme() {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808040')),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    font: `11px ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

/** Short money labels for chart axes: $150, $1.2K, $0.25. */
function axisUsd(values: number[]): string[] {
  const max = Math.max(...values.map(Math.abs), 0);
  return values.map((v) => (max >= 1_000 ? `$${(v / 1_000).toFixed(v % 1_000 === 0 ? 0 : 1)}K` : max >= 10 || Number.isInteger(v) ? `$${Math.round(v)}` : `$${v.toFixed(2)}`));
}

function axis(theme: ReturnType<typeof chartTheme>, values?: uPlot.Axis['values'], size?: number): uPlot.Axis {
  return { stroke: theme.foreground, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, values, size };
}

function chartWidth(container: HTMLElement): number {
  return Math.max(container.clientWidth - 4, 240);
}

function mountChart(key: string, container: HTMLElement, options: uPlot.Options, data: uPlot.AlignedData): void {
  charts.get(key)?.destroy();
  const plot = new uPlot(options, data, container);
  charts.set(key, plot);
}

function legend(items: { label: string; color: string; dashed?: boolean }[]): HTMLElement {
  return h('ul', { className: 'legend' }, ...items.map((item) => {
    const swatch = h('span', { className: item.dashed ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' });
    if (item.dashed) swatch.style.borderColor = item.color;
    else swatch.style.background = item.color;
    return h('li', {}, swatch, item.label);
  }));
}

function dayLabel(day: string | undefined): string {
  return day ? day.slice(5) : '';
}

function dayAxisValues(days: string[]): uPlot.Axis['values'] {
  return (_u, splits) => splits.map((i) => (Number.isInteger(i) ? dayLabel(days[i]) : ''));
}

const barsPath = uPlot.paths.bars!({ size: [0.75, 48], gap: 1 });

function renderDaily(v: DashboardView): void {
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
    series.push({ label: 'projected today', stroke: theme.foreground, width: 1.5, dash: [4, 3], paths: barsPath, points: { show: false } });
    data.push(values);
  }
  if (d.capUsd !== undefined) {
    series.push({ label: 'daily cap', stroke: theme.red, width: 2, points: { show: false } });
    data.push(new Array<number>(n).fill(d.capUsd));
  }
  const readout = h('div', { className: 'readout', 'aria-hidden': 'true' });
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': `Spend per day, ${v.rangeLabel}: total ${usd(totalByDay.reduce((a, b) => a + b, 0))}, highest ${usd(Math.max(0, ...totalByDay))}.` });
  const legendItems: { label: string; color: string; dashed?: boolean }[] = d.models.map((model, m) => ({ label: model, color: colorOf(m) }));
  if (d.projection) legendItems.push({ label: `today at this block’s pace ${usd(d.projection.costUsd)}`, color: theme.foreground, dashed: true });
  if (d.capUsd !== undefined) legendItems.push({ label: `daily cap ${usd(d.capUsd)}`, color: theme.red });
  container.replaceChildren(chartHost, legend(legendItems), readout);
  const maxY = Math.max(d.capUsd ?? 0, d.projection?.costUsd ?? 0, ...totalByDay, 0.01);
  mountChart('daily', chartHost, {
    width: chartWidth(container),
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, maxY * 1.1] } },
    axes: [axis(theme, dayAxisValues(d.days)), axis(theme, (_u, splits) => axisUsd(splits), 52)],
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

function renderCumulative(v: DashboardView): void {
  const c = v.cumulative;
  const container = byId('cumulative');
  const colors = palette();
  const theme = chartTheme();
  const n = c.days.length;
  const x = Array.from({ length: n }, (_, i) => i);
  const series: uPlot.Series[] = [
    {},
    { label: 'spent', stroke: colors[0], width: 2, fill: withAlpha(colors[0], 0.2), points: { show: false } },
    { label: 'projected', stroke: colors[0], width: 1.5, dash: [5, 4], points: { show: false } },
  ];
  const data: (number | null)[][] = [x, c.spentUsd, c.projectedUsd];
  if (c.capUsd !== undefined) {
    series.push({ label: 'cap', stroke: theme.red, width: 2, points: { show: false } });
    data.push(new Array<number>(n).fill(c.capUsd));
  }
  const spent = c.spentUsd.filter((s): s is number => s !== null);
  const projectedEnd = c.projectedUsd[n - 1];
  const summary = `${usd(spent[spent.length - 1] ?? 0)} spent${projectedEnd !== null && projectedEnd !== undefined ? `, ${usd(projectedEnd)} projected at period end` : ''}${c.capUsd !== undefined ? ` of a ${usd(c.capUsd)} cap` : ''}`;
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': `Cumulative spend, ${c.label}: ${summary}.` });
  const items: { label: string; color: string; dashed?: boolean }[] = [{ label: 'spent', color: colors[0] }, { label: 'projected', color: colors[0], dashed: true }];
  if (c.capUsd !== undefined) items.push({ label: `cap ${usd(c.capUsd)}`, color: theme.red });
  container.replaceChildren(h('p', { className: 'muted small' }, c.label), chartHost, legend(items), h('p', { className: 'small' }, summary));
  const maxY = Math.max(c.capUsd ?? 0, projectedEnd ?? 0, ...spent, 0.01);
  mountChart('cumulative', chartHost, {
    width: chartWidth(container),
    height: 200,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0, Math.max(n - 1, 1)] }, y: { range: [0, maxY * 1.1] } },
    axes: [axis(theme, dayAxisValues(c.days)), axis(theme, (_u, splits) => axisUsd(splits), 52)],
    series,
  }, data as uPlot.AlignedData);
}

function barList(items: { name: string; label: string; value: number; sub: string; onSelect?: () => void }[], format: (v: number) => string): HTMLElement {
  const max = Math.max(...items.map((i) => i.value), 1e-9);
  if (items.length === 0) return h('p', { className: 'muted' }, 'Nothing in this range.');
  return h('ol', { className: 'bars' }, ...items.map((item) => {
    const fill = h('span', { className: 'bar-fill' });
    fill.style.width = `${(item.value / max) * 100}%`;
    const label = item.onSelect
      ? h('button', { type: 'button', className: 'link', title: item.name, onclick: item.onSelect }, item.label)
      : h('span', { className: 'bar-name', title: item.name }, item.label);
    return h('li', {}, h('div', { className: 'bar-row' }, label, h('span', { className: 'bar-value' }, format(item.value))), h('div', { className: 'bar-track' }, fill), h('div', { className: 'bar-sub' }, item.sub));
  }));
}

function renderKinds(v: DashboardView): void {
  const k = v.tokensByKind;
  const colors = palette();
  const kinds = [
    { label: 'Input', value: k.inputTokens, color: colors[0] },
    { label: 'Output', value: k.outputTokens, color: colors[1] },
    { label: 'Cache write (5 min)', value: k.cacheWrite5mTokens, color: colors[3] },
    { label: 'Cache write (1 h)', value: k.cacheWrite1hTokens, color: colors[4] },
    { label: 'Cache read', value: k.cacheReadTokens, color: colors[2] },
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
    h('p', { className: 'small' }, `Cache hit ratio ${percent(k.cacheHitRatio)} of prompt tokens; cache reads saved about ${usd(k.cacheSavingsUsd)} over paying the input rate.`),
  );
}

function renderPerResult(v: DashboardView): void {
  const r = v.perResult;
  const container = byId('per-result');
  const theme = chartTheme();
  const colors = palette();
  const chartHost = h('div', { className: 'chart', role: 'img', 'aria-label': `Cost per session by day; ${usd(r.costPerSessionUsd)} per session on average.` });
  container.replaceChildren(
    h('div', { className: 'mini-tiles' },
      tile('Per session', usd(r.costPerSessionUsd), `${r.sessions} session${r.sessions === 1 ? '' : 's'}`),
      tile('Per active day', usd(r.costPerActiveDayUsd), `${r.activeDays} day${r.activeDays === 1 ? '' : 's'}`),
      tile('Per request', usd(r.costPerRequestUsd), `${tokens(r.tokensPerRequest)} tok each`),
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
    axes: [axis(theme, dayAxisValues(v.daily.days)), axis(theme, (_u, splits) => axisUsd(splits), 52)],
    series: [{}, { label: 'cost per session', stroke: colors[2], width: 2, spanGaps: true, points: { show: n < 40, size: 4 } }],
  }, [Array.from({ length: n }, (_, i) => i), r.costPerSessionByDay] as uPlot.AlignedData);
}

function renderTops(v: DashboardView): void {
  byId('top-sessions').replaceChildren(barList(v.topSessions.map((s) => ({
    name: s.name,
    label: `${shortId(s.name)} · ${projectName(s.detail)}`,
    value: s.costUsd,
    sub: `${tokens(s.tokens)} tokens`,
    onSelect: () => openDetails(s.name),
  })), usd));
  byId('top-projects').replaceChildren(barList(v.topProjects.map((p) => ({ name: p.name, label: projectName(p.name), value: p.costUsd, sub: `${p.detail} · ${tokens(p.tokens)} tokens` })), usd));
}

// ---------- session table ----------

const columns: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'startMs', label: 'Start' },
  { key: 'project', label: 'Project' },
  { key: 'models', label: 'Model(s)' },
  { key: 'subAgents', label: 'Sub-agents', numeric: true },
  { key: 'requests', label: 'Requests', numeric: true },
  { key: 'tokens', label: 'Tokens', numeric: true },
  { key: 'costUsd', label: 'Cost', numeric: true },
  { key: 'durationMs', label: 'Duration', numeric: true },
];

function sortValue(row: SessionRow, key: SortKey): number | string {
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

const rowPage = 100;
let rowLimit = rowPage;

function visibleRows(rows: SessionRow[]): SessionRow[] {
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

function renderSessionTable(): void {
  if (!view) return;
  const rows = visibleRows(view.sessions.rows);
  const head = h('tr', {}, ...columns.map((c) => {
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
    h('td', { className: 'num' }, r.unpricedTokens > 0 && r.costUsd === 0 ? 'unpriced' : usd(r.costUsd)),
    h('td', { className: 'num' }, duration(r.endMs - r.startMs)),
  )));
  const capped = view.sessions.total > view.sessions.rows.length ? ` (the ${view.sessions.rows.length} costliest of ${view.sessions.total})` : '';
  const more = rows.length > shownRows.length
    ? h('button', { type: 'button', className: 'secondary', id: 'more-sessions', onclick: () => {
      rowLimit += rowPage;
      renderSessionTable();
    } }, `Show ${Math.min(rowPage, rows.length - shownRows.length)} more`)
    : null;
  byId('sessions').replaceChildren(
    h('p', { className: 'muted small', id: 'session-count' }, `${rows.length} of ${view.sessions.rows.length} sessions match${capped}; ${shownRows.length} listed. Select a row for details.`),
    h('div', { className: 'table-wrap' }, h('table', { className: 'data', id: 'session-table' }, h('thead', {}, head), body)),
    ...(more ? [more] : []),
  );
}

function openDetails(sessionId: string): void {
  page.selectedSessionId = sessionId;
  saveState();
  details = undefined;
  renderDetails();
  post({ type: 'sessionDetails', sessionId });
  for (const tr of Array.from(document.querySelectorAll('#session-table tbody tr'))) tr.classList.toggle('selected', (tr as HTMLElement).dataset.session === sessionId);
}

function renderDetails(): void {
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
  } }, 'Close');
  if (details === undefined) {
    box.replaceChildren(h('div', { className: 'card-head' }, h('h2', {}, 'Session details'), close), h('p', { className: 'muted' }, 'Loading…'));
    return;
  }
  if (details === null) {
    box.replaceChildren(h('div', { className: 'card-head' }, h('h2', {}, 'Session details'), close), h('p', { className: 'muted' }, 'This session is no longer in the logs.'));
    return;
  }
  const d = details;
  const breakdown = (title: string, rows: SessionDetails['byModel'], nameOf: (n: string) => string) =>
    h('table', { className: 'data' },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', className: 'num' }, 'Requests'), h('th', { scope: 'col', className: 'num' }, 'Tokens'), h('th', { scope: 'col', className: 'num' }, 'Cost'), h('th', { scope: 'col' }, 'Active'))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', {}, nameOf(r.name)), h('td', { className: 'num' }, r.requests), h('td', { className: 'num' }, tokens(r.tokens)), h('td', { className: 'num' }, usd(r.costUsd)), h('td', {}, `${dateTime(r.firstMs)} – ${dateTime(r.lastMs)}`)))),
    );
  const k = d.tokensByKind;
  box.replaceChildren(
    h('div', { className: 'card-head' }, h('h2', { id: 'details-title' }, `Session ${shortId(d.sessionId)}`), close),
    h('dl', { className: 'facts' },
      h('dt', {}, 'Session id'), h('dd', { className: 'mono' }, d.sessionId),
      h('dt', {}, 'Project'), h('dd', {}, d.project || '(unknown)'),
      h('dt', {}, 'Source'), h('dd', {}, d.source),
      h('dt', {}, 'Active'), h('dd', {}, `${dateTime(d.startMs)} – ${dateTime(d.endMs)} (${duration(d.endMs - d.startMs)})`),
      h('dt', {}, 'Cost'), h('dd', {}, `${usd(d.costUsd)} for ${d.requests} requests`),
      h('dt', {}, 'Tokens'), h('dd', {}, `input ${tokens(k.inputTokens)}, output ${tokens(k.outputTokens)}, cache write ${tokens(k.cacheWrite5mTokens + k.cacheWrite1hTokens)}, cache read ${tokens(k.cacheReadTokens)} (hit ratio ${percent(k.cacheHitRatio)})`),
    ),
    breakdown('By model', d.byModel, (n) => n),
    breakdown('By agent', d.byAgent, (n) => (n === '' ? 'main agent' : n)),
  );
}

function renderModels(v: DashboardView): void {
  const rate = (value: number | null) => (value === null ? '—' : `$${value.toFixed(2)}`);
  byId('models').replaceChildren(
    h('div', { className: 'table-wrap' }, h('table', { className: 'data', id: 'model-table' },
      h('thead', {}, h('tr', {}, ...['Model', 'Input /MTok', 'Output /MTok', 'Cache write /MTok', 'Cache read /MTok', 'Requests', 'Tokens', 'Cost'].map((label, i) => h('th', { scope: 'col', className: i > 0 ? 'num' : undefined }, label)))),
      h('tbody', {}, ...v.models.map((m) => h('tr', {},
        h('td', { title: m.priced ? `${m.priceId} (${m.origin})` : 'no known price' }, m.model, m.priced ? null : h('span', { className: 'badge' }, 'unpriced')),
        h('td', { className: 'num' }, rate(m.inputPerMTok)),
        h('td', { className: 'num' }, rate(m.outputPerMTok)),
        h('td', { className: 'num' }, rate(m.cacheWritePerMTok)),
        h('td', { className: 'num' }, rate(m.cacheReadPerMTok)),
        h('td', { className: 'num' }, integer(m.requests)),
        h('td', { className: 'num' }, tokens(m.tokens)),
        h('td', { className: 'num' }, m.priced ? usd(m.costUsd) : '—'),
      ))),
    )),
  );
  byId('footnote').textContent = `Costs are estimated from local logs at list prices (time zone ${v.timeZone}); updated ${dateTime(v.nowMs)}.`;
}

// ---------- rendering ----------

type Section = (typeof viewSectionKeys)[number];
const renderers: Record<Section, (v: DashboardView) => void> = {
  header: (v) => {
    renderSummary(v);
    renderGauges(v);
  },
  alerts: renderAlerts,
  daily: renderDaily,
  cumulative: renderCumulative,
  tokensByKind: renderKinds,
  perResult: renderPerResult,
  topSessions: renderTops,
  topProjects: renderTops,
  sessions: () => renderSessionTable(),
  models: renderModels,
};

function renderAll(): void {
  if (!view) return;
  renderSourceFilter(view.sources);
  renderRangePicker();
  for (const key of viewSectionKeys) renderers[key](view);
  renderDetails();
  byId('app').setAttribute('aria-busy', 'false');
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? '0') + 1);
}

function showError(message: string): void {
  const notice = byId('notice');
  notice.hidden = false;
  notice.classList.add('error');
  notice.textContent = message;
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toViewSchema.safeParse(event.data);
  if (!parsed.success) {
    showError('The dashboard ignored a message it did not understand. Run "Tokenmeter: Show Output" for details.');
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'view':
      if (!document.getElementById('summary')) buildLayout();
      view = message.view;
      page.query = message.view.query;
      saveState();
      renderAll();
      break;
    case 'patch': {
      if (!view || JSON.stringify(view.query) !== JSON.stringify(message.patch.query)) return;
      const { sessionsDelta, ...sections } = message.patch;
      const next = { ...view, ...sections } as DashboardView;
      if (sessionsDelta) next.sessions = { rows: applySessionsDelta(view.sessions.rows, sessionsDelta), total: sessionsDelta.total };
      view = next;
      const changed = new Set(viewSectionKeys.filter((key) => sections[key] !== undefined || (key === 'sessions' && sessionsDelta)));
      for (const key of changed) if (!(key === 'topProjects' && changed.has('topSessions'))) renderers[key](next);
      if (changed.has('models') === false) byId('footnote').textContent = `Costs are estimated from local logs at list prices (time zone ${next.timeZone}); updated ${dateTime(next.nowMs)}.`;
      document.body.dataset.patched = String(Number(document.body.dataset.patched ?? '0') + 1);
      break;
    }
    case 'loading':
      byId('app').setAttribute('aria-busy', 'true');
      if (!view) byId('app').replaceChildren(h('p', { className: 'loading' }, message.message));
      break;
    case 'sessionDetails':
      if (message.sessionId !== page.selectedSessionId) return;
      details = message.details;
      renderDetails();
      break;
    case 'error':
      if (!document.getElementById('notice')) buildLayout();
      showError(message.message);
      break;
  }
});

// Charts are drawn on canvas with colours read from the theme: redraw when the theme changes.
let redrawQueued = false;
function redrawCharts(): void {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    if (!view) return;
    renderDaily(view);
    renderCumulative(view);
    renderKinds(view);
    renderPerResult(view);
  });
}
new MutationObserver(redrawCharts).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new MutationObserver(redrawCharts).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

let lastWidth = 0;
new ResizeObserver(() => {
  const width = document.body.clientWidth;
  if (Math.abs(width - lastWidth) < 8) return;
  lastWidth = width;
  for (const [key, plot] of charts) {
    const container = document.getElementById(key);
    if (container) plot.setSize({ width: chartWidth(container), height: plot.height });
  }
}).observe(document.body);

// A fresh page lets the host choose the range (the one the panel was last left on); a restored page keeps its own.
post({ type: 'ready', ...(savedState.success ? { query: page.query } : {}) });
if (page.selectedSessionId) post({ type: 'sessionDetails', sessionId: page.selectedSessionId });
