// Runs inside the webview (and the standalone test page): the message handler and redraws. The page's parts are in
// media/dashboard/ (state, layout, sections, charts, lists, sessions, models, text, dom). Builds the DOM with
// textContent only: names from logs are never parsed as HTML.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import './dashboard/zodConfig';
import { applySessionsDelta, toViewSchema, viewSectionKeys, type DashboardView } from '../src/core/protocol';
import { dateTime, l10n, setDisplay } from './dashboard/text';
import { byId, h } from './dashboard/dom';
import { page, post, saveState, savedState, setView, view } from './dashboard/state';
import { buildLayout, renderRangePicker, renderSourceFilter } from './dashboard/layout';
import { renderAlerts, renderGauges, renderSummary } from './dashboard/sections';
import { chartWidth, charts, renderCumulative, renderDaily } from './dashboard/charts';
import { renderKinds, renderPerResult, renderTops } from './dashboard/lists';
import { renderDetails, renderSessionTable, setDetails } from './dashboard/sessions';
import { renderModels } from './dashboard/models';

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
    showError(l10n.t('The dashboard ignored a message it did not understand. Run "Tokenmeter: Show Output" for details.'))
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'view':
      // The layout's words are in the display language: rebuild it when that changes.
      if ((message.display && setDisplay(message.display, message.words)) || !document.getElementById('summary')) buildLayout();
      setView(message.view);
      page.query = message.view.query;
      saveState();
      renderAll();
      break;
    case 'patch': {
      if (!view || JSON.stringify(view.query) !== JSON.stringify(message.patch.query)) return;
      const { sessionsDelta, ...sections } = message.patch;
      const next = { ...view, ...sections } as DashboardView;
      if (sessionsDelta) next.sessions = { rows: applySessionsDelta(view.sessions.rows, sessionsDelta), total: sessionsDelta.total };
      setView(next);
      const changed = new Set(viewSectionKeys.filter((key) => sections[key] !== undefined || (key === 'sessions' && sessionsDelta)));
      for (const key of changed) if (!(key === 'topProjects' && changed.has('topSessions'))) renderers[key](next);
      if (changed.has('models') === false) byId('footnote').textContent = l10n.t('Costs are estimated from local logs at list prices (time zone {0}); updated {1}.', next.timeZone, dateTime(next.nowMs));
      document.body.dataset.patched = String(Number(document.body.dataset.patched ?? '0') + 1);
      break;
    }
    case 'loading':
      byId('app').setAttribute('aria-busy', 'true');
      if (!view) byId('app').replaceChildren(h('p', { className: 'loading' }, message.message));
      break;
    case 'sessionDetails':
      if (message.sessionId !== page.selectedSessionId) return;
      setDetails(message.details);
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
