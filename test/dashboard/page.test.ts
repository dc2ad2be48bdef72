// The dashboard page in headless Chromium, standalone: the real bundle and page
// shell (same CSP), a stub for the VS Code API, views computed by the real core
// from generated events. Run: npx mocha --no-config --require tsx/cjs --timeout 120000 test/dashboard/page.test.ts
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { buildDashboardView, DashboardIndex, runawayAlertItems, sessionDetails } from '../../src/core/dashboard';
import { Formatter } from '../../src/core/format';
import { phraseLanguageOf, phraseTable } from '../../src/core/phrases';
import type { RunawayAlert } from '../../src/core/runaway';
import { PriceTable } from '../../src/core/pricing';
import { toViewSchema, type DashboardQuery, type DashboardView, type SessionDetails } from '../../src/core/protocol';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import { usePhraseFiles } from '../../src/sources/phraseFiles';
import { fixtureEvents } from './fixtureEvents';
import { buildDashboardBundle } from './build';
import { startServer } from './server';

// playwright-core lives outside the repo's dependencies, with Debian's Chromium.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chromium } = require(path.join(__dirname, '..', '..', '.vscode-host', 'node_modules', 'playwright-core')) as typeof import('playwright-core');
type Page = import('playwright-core').Page;
type Browser = import('playwright-core').Browser;

const root = path.join(__dirname, '..', '..');
const resultsDir = path.join(root, 'test-results');
const nowMs = Date.UTC(2026, 10, 24, 15, 0);

/** For the README screenshot: the same kind of data without the hostile test names. */
const readmeProjects = ['-home-dev-tokenmeter', '-home-dev-website', '-home-dev-infra', '-home-dev-mobile-app', '-home-dev-api'];

// The words come from l10n/ as in the host (core compiles no bundle in); the page gets them with the display.
usePhraseFiles();
const zhCny = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1, timeZone: 'UTC' });

function buildFixture(projects?: string[]): { views: Record<string, DashboardView>; details: Record<string, SessionDetails | null> } {
  const events = fixtureEvents({ nowMs, days: 45, requestsPerDay: 600, seed: 11, projects });
  const prices = new PriceTable();
  const calendar = new Calendar('UTC');
  const budget = budgetSettingsSchema.parse({ dailyUsd: 150, monthlyUsd: 3000 });
  const estimatedSpend = computeEstimatedSpend(events, {
    prices,
    calendar,
    nowMs,
    budget,
    officialLimits: [{ name: 'primary', usedPercent: 42, windowMinutes: 300, resetsAtMs: nowMs + 2 * 3_600_000, observedAtMs: nowMs - 60_000 }],
  });
  const index = new DashboardIndex(prices, calendar);
  index.sync(events, false);
  const views: Record<string, DashboardView> = {};
  const topSession = buildDashboardView(index, { range: '30d', source: 'all' }, { nowMs }).sessions.rows[0];
  const alerts = [{
    title: 'Runaway spend', level: 'error' as const, firedAtMs: nowMs - 4 * 60_000, sessionId: topSession.sessionId,
    detail: `Session ${topSession.sessionId.slice(0, 8)} (${projects ? topSession.project : `<b>${topSession.project}</b>`}) burns $212/h on claude-opus-4-5 with 14 sub-agents; $38.20 so far, ~$212 in the next hour.`,
  }];
  for (const range of ['today', '7d', '30d', 'month'] as const) {
    for (const source of ['all', 'claude', 'codex'] as const) {
      const query: DashboardQuery = { range, source };
      const view = buildDashboardView(index, query, { nowMs, estimatedSpend, budget, alerts });
      assert.equal(toViewSchema.safeParse({ type: 'view', view }).success, true);
      views[`${range}|${source}`] = view;
    }
  }
  views.custom = buildDashboardView(index, { range: 'custom', from: '2026-10-20', to: '2026-11-05', source: 'all' }, { nowMs, estimatedSpend, budget, alerts });
  // What the editor sends under a Chinese display language with CNY: the core's words (range, gauges, alerts) in Chinese too.
  const runaway: RunawayAlert = {
    firedAtMs: nowMs - 4 * 60_000, kind: 'burn-rate', sessionId: topSession.sessionId, project: topSession.project, model: 'claude-opus-4-5', usdPerHour: 212,
    tokensPerMinute: 120_000, activeAgents: 14, runningForMs: 40 * 60_000, costSoFarUsd: 38.2, projectedNextHourUsd: 212, message: '',
  };
  views.zh = buildDashboardView(index, { range: '7d', source: 'all' }, { nowMs, estimatedSpend, budget, alerts: runawayAlertItems([runaway], zhCny), fmt: zhCny });
  const details: Record<string, SessionDetails | null> = {};
  for (const row of views['30d|all'].sessions.rows) details[row.sessionId] = sessionDetails(events, row.sessionId, prices);
  return { views, details };
}

function usd(value: number): string {
  if (Math.abs(value) >= 10_000) return `$${Math.round(value).toLocaleString('en-US')}`;
  return `$${value.toFixed(2)}`;
}

describe('dashboard page (headless Chromium, standalone)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: http.Server;
  let origin: string;
  let page: Page;
  let fixture: ReturnType<typeof buildFixture>;
  const consoleErrors: string[] = [];

  before(async () => {
    // The bundle the extension ships (built alone, so others' half-written files cannot break this test).
    await buildDashboardBundle();
    fixture = buildFixture();
    const fixtureJs = `window.__fixture = ${JSON.stringify(fixture).replace(/</g, '\\u003c')};`;
    ({ server, origin } = await startServer(fixtureJs));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function openPage(theme = 'vscode-dark', width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 1000 }, deviceScaleFactor: 1 });
    const p = await context.newPage();
    p.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    p.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    await p.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await p.goto(`${origin}/?theme=${theme}`);
    await p.waitForFunction(() => Number(document.body.dataset.rendered ?? 0) >= 1);
    return p;
  }

  async function renders(p: Page): Promise<number> {
    return p.evaluate(() => Number(document.body.dataset.rendered ?? 0));
  }

  async function waitForRender(p: Page, after: number): Promise<void> {
    await p.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, after);
  }

  it('renders the charts with the fixture numbers', async () => {
    page = await openPage();
    const view = fixture.views['30d|all'];
    const canvases = await page.$$eval('#daily canvas, #cumulative canvas, #per-result canvas', (list) =>
      list.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted;
      }),
    );
    assert.ok(canvases.length >= 3, `expected 3 chart canvases, got ${canvases.length}`);
    for (const painted of canvases) assert.ok(painted > 500, `a chart canvas is nearly empty (${painted} pixels)`);
    assert.equal(await page.textContent('#tile-range .tile-value'), usd(view.header.rangeCostUsd));
    const legend = await page.$$eval('#daily .legend li', (items) => items.map((i) => i.textContent));
    for (const model of view.daily.models) assert.ok(legend.some((l) => l?.includes(model)), `legend lacks ${model}`);
    assert.equal(await page.locator('.gauge').count(), view.header.gauges.length);
    assert.ok(view.header.gauges.length >= 3, 'fixture has daily and monthly caps and a Codex limit');
    // A fresh page lets the host pick the range.
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent[0]), { type: 'ready' });
    assert.equal(await page.locator('#model-table tbody tr').count(), view.models.length);
    assert.ok(await page.locator('#model-table .badge', { hasText: 'unpriced' }).count() >= 1);
  });

  it('shows alerts in force, and opens the alert’s session', async () => {
    const alert = page.locator('#alerts .alert.level-error');
    assert.equal(await alert.count(), 1);
    assert.match((await alert.textContent()) ?? '', /Runaway spend.*<b>/);
    const sessionId = fixture.views['30d|all'].alerts[0].sessionId!;
    await alert.locator('button.link').click();
    await page.waitForSelector('#details dl.facts');
    assert.equal(await page.textContent('#details dd.mono'), sessionId);
    await page.click('#details button:has-text("Close")');
  });

  it('shows hostile names from logs as text', async () => {
    assert.equal(await page.locator('img').count(), 0);
    assert.notEqual(await page.title(), 'pwned');
    await page.fill('#session-filter', 'onerror');
    const cell = page.locator('#session-table tbody tr td:nth-child(2)').first();
    assert.match((await cell.getAttribute('title')) ?? '', /^<img src=x onerror=/);
    await page.fill('#session-filter', '');
  });

  it('sorts the session table by a column, both ways', async () => {
    const costs = async () => page.$$eval('#session-table tbody tr td:nth-child(7)', (cells) => cells.map((c) => Number((c.textContent ?? '').replace(/[$,]/g, '')) || 0));
    await page.click('button.sort[data-key="costUsd"]');
    let values = await costs();
    const descending = (await page.getAttribute('th:has(button.sort[data-key="costUsd"])', 'aria-sort')) === 'descending';
    const sorted = [...values].sort((a, b) => (descending ? b - a : a - b));
    assert.deepEqual(values, sorted);
    await page.click('button.sort[data-key="costUsd"]');
    values = await costs();
    assert.deepEqual(values, [...values].sort((a, b) => (descending ? a - b : b - a)));
    await page.click('button.sort[data-key="project"]');
    assert.equal(await page.getAttribute('th:has(button.sort[data-key="project"])', 'aria-sort'), 'ascending');
  });

  it('filters the session table', async () => {
    const total = await page.locator('#session-table tbody tr').count();
    await page.fill('#session-filter', 'website');
    const projects = await page.$$eval('#session-table tbody tr td:nth-child(2)', (cells) => cells.map((c) => c.getAttribute('title')));
    assert.ok(projects.length > 0 && projects.length < total, `${projects.length} of ${total}`);
    for (const project of projects) assert.match(project ?? '', /website/);
    assert.match((await page.textContent('#session-count')) ?? '', new RegExp(`^${projects.length} of `));
  });

  it('opens a session’s details by click and by keyboard', async () => {
    await page.fill('#session-filter', '');
    const first = page.locator('#session-table tbody tr').first();
    const id = (await first.getAttribute('data-session'))!;
    await first.click();
    await page.waitForSelector('#details dl.facts');
    assert.equal(await page.textContent('#details dd.mono'), id);
    assert.ok(await page.locator('#details caption', { hasText: 'By agent' }).count());
    await page.click('#details button:has-text("Close")');
    assert.equal(await page.isHidden('#details'), true);
    const second = page.locator('#session-table tbody tr').nth(1);
    const secondId = (await second.getAttribute('data-session'))!;
    await second.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details dl.facts');
    assert.equal(await page.textContent('#details dd.mono'), secondId);
  });

  it('asks the host for another range and source, and draws the answer', async () => {
    let before = await renders(page);
    await page.click('button.chip[data-range="7d"]');
    await waitForRender(page, before);
    assert.equal(await page.textContent('#tile-range .tile-label'), 'Spent · Last 7 days');
    assert.equal(await page.textContent('#tile-range .tile-value'), usd(fixture.views['7d|all'].header.rangeCostUsd));
    before = await renders(page);
    await page.selectOption('#source', 'codex');
    await waitForRender(page, before);
    const sources = await page.$$eval('#session-table tbody tr td:nth-child(2) .muted', (cells) => cells.map((c) => c.textContent));
    assert.ok(sources.length > 0);
    for (const s of sources) assert.match(s ?? '', / · codex · /);
    const sent = await page.evaluate(() => (window as unknown as { __sent: { type: string }[] }).__sent.map((m) => m.type));
    assert.deepEqual(sent.slice(0, 1), ['ready']);
    assert.ok(sent.filter((t) => t === 'query').length >= 2);
  });

  it('restores range, source, sort and filter after the page is reloaded', async () => {
    await page.fill('#session-filter', 'api');
    await page.reload();
    await page.waitForFunction(() => Number(document.body.dataset.rendered ?? 0) >= 1);
    assert.equal(await page.inputValue('#session-filter'), 'api');
    assert.equal(await page.inputValue('#source'), 'codex');
    assert.equal(await page.getAttribute('button.chip[data-range="7d"]', 'aria-pressed'), 'true');
    const ready = await page.evaluate(() => (window as unknown as { __sent: { type: string; query?: unknown }[] }).__sent[0]);
    assert.deepEqual(ready, { type: 'ready', query: { range: '7d', source: 'codex' } });
  });

  it('applies a live patch to the changed section only', async () => {
    const view = fixture.views['7d|codex'];
    const patch = { nowMs: view.nowMs + 60_000, query: view.query, header: { ...view.header, rangeCostUsd: 123.45 } };
    const before = await renders(page);
    await page.evaluate((message) => window.postMessage(message, '*'), { type: 'patch', patch });
    await page.waitForFunction(() => Number(document.body.dataset.patched ?? 0) >= 1);
    assert.equal(await page.textContent('#tile-range .tile-value'), '$123.45');
    assert.equal(await renders(page), before, 'a patch must not re-render the whole page');
  });

  it('speaks Simplified Chinese in yuan when the view carries that display, and back', async () => {
    const send = (display: { locale: string }, view: DashboardView) => page.evaluate((message) => window.postMessage(message, '*'), { type: 'view', view, display, words: phraseTable(phraseLanguageOf(display.locale)) });
    const before = await renders(page);
    await send({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 }, fixture.views.zh);
    await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, before);
    assert.match((await page.textContent('#tile-range .tile-label')) ?? '', /^花费 · /);
    assert.match((await page.textContent('#tile-range .tile-value')) ?? '', /^¥[\d,]+(\.\d+)?$/);
    assert.equal(await page.textContent('#sessions-title'), '会话');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('#tile-range .tile-label'), '花费 · 最近 7 天');
    // No English sentence or label left: only names from the logs, model ids, units and the product's name.
    // (The fixture's hostile project name is markup shown as text; `mystery-model` is a model id.)
    const body = (await page.innerText('body')).replace(/<[^>]*>/g, '').replace(/[\w.-]*(claude|gpt|codex|rollout|home|sess|mystery-model)[\w.…-]*/gi, '');
    const leftovers = body.match(/\b(?!Token\b|token\b|Tokenmeter\b|MTok\b|CSV\b|JSON\b|UTC\b|ID\b|tok\b)[A-Za-z]{3,}(?: [A-Za-z]{2,})*/g);
    assert.equal(leftovers, null, `English left in the Chinese page: ${JSON.stringify(leftovers)}`);
    await page.screenshot({ path: path.join(resultsDir, 'dashboard-zh-cn.png'), fullPage: true });
    const english = fixture.views['7d|codex'];
    await send({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 }, english);
    await page.waitForFunction(() => document.getElementById('sessions-title')?.textContent === 'Sessions');
    assert.equal(await page.textContent('#tile-range .tile-value'), usd(english.header.rangeCostUsd));
  });

  it('merges a session delta into the table', async () => {
    const view = fixture.views['7d|codex'];
    const [first, second] = view.sessions.rows;
    const delta = { upserts: [{ ...first, costUsd: 999.5, requests: 4242 }], removedKeys: [`${second.source}\u0000${second.sessionId}`], total: view.sessions.total - 1 };
    await page.fill('#session-filter', '');
    await page.evaluate((message) => window.postMessage(message, '*'), { type: 'patch', patch: { nowMs: view.nowMs + 2_000, query: view.query, sessionsDelta: delta } });
    await page.waitForFunction(() => Number(document.body.dataset.patched ?? 0) >= 2);
    assert.equal(await page.locator(`#session-table tr[data-session="${second.sessionId}"]`).count(), 0);
    assert.match((await page.textContent(`#session-table tr[data-session="${first.sessionId}"]`)) ?? '', /\$999\.50/);
  });

  it('ignores a malformed message and says so, without console errors', async () => {
    await page.evaluate(() => window.postMessage({ type: 'view', view: { nowMs: 'soon' } }, '*'));
    await page.waitForSelector('#notice.error');
    assert.match((await page.textContent('#notice')) ?? '', /did not understand/);
  });

  it('follows the theme: light, dark and high contrast', async () => {
    const light = await openPage('vscode-light');
    const dark = await openPage('vscode-dark');
    const readColours = (p: Page) => p.evaluate(() => ({
      background: getComputedStyle(document.body).backgroundColor,
      text: getComputedStyle(document.querySelector('.tile-value')!).color,
      chart: (document.querySelector('#daily canvas') as HTMLCanvasElement).toDataURL(),
    }));
    const lightColours = await readColours(light);
    const darkColours = await readColours(dark);
    assert.equal(lightColours.background, 'rgb(255, 255, 255)');
    assert.equal(darkColours.background, 'rgb(31, 31, 31)');
    assert.notEqual(lightColours.text, darkColours.text);
    // Switching the class at run time (as VS Code does) redraws the canvas charts in the new colours.
    const before = (await readColours(dark)).chart;
    await dark.evaluate(() => { document.body.className = 'vscode-high-contrast'; });
    await dark.waitForFunction((old) => (document.querySelector('#daily canvas') as HTMLCanvasElement).toDataURL() !== old, before);
    assert.equal((await readColours(dark)).background, 'rgb(0, 0, 0)');
    await dark.screenshot({ path: path.join(resultsDir, 'dashboard-high-contrast.png'), fullPage: true });
    await light.screenshot({ path: path.join(resultsDir, 'dashboard-light.png'), fullPage: true });
    await dark.evaluate(() => { document.body.className = 'vscode-dark'; });
    await dark.waitForTimeout(100);
    await dark.screenshot({ path: path.join(resultsDir, 'dashboard-dark.png'), fullPage: true });
    await light.context().close();
    await dark.context().close();
    // The README's screenshot: same page and theme, data without the hostile test names.
    const clean = buildFixture(readmeProjects);
    const readme = await startServer(`window.__fixture = ${JSON.stringify(clean).replace(/</g, '\\u003c')};`);
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
      const p = await context.newPage();
      await p.goto(`${readme.origin}/?theme=vscode-dark`);
      await p.waitForFunction(() => Number(document.body.dataset.rendered ?? 0) >= 1);
      await p.screenshot({ path: path.join(resultsDir, 'dashboard-readme.png'), fullPage: true });
      copyFileSync(path.join(resultsDir, 'dashboard-readme.png'), path.join(root, 'media', 'screenshot-dashboard.png'));
      await context.close();
    } finally {
      readme.server.close();
    }
  });

  it('stays readable at a narrow width', async () => {
    const narrow = await openPage('vscode-dark', 360);
    await narrow.screenshot({ path: path.join(resultsDir, 'dashboard-narrow.png'), fullPage: true });
    const overflow = await narrow.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-wrap'));
      return { by: document.documentElement.scrollWidth - width, culprits: wide.slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`) };
    });
    assert.ok(overflow.by <= 1, `page scrolls sideways by ${overflow.by}px: ${overflow.culprits.join(', ')}`);
    await narrow.context().close();
  });

  it('is usable from the keyboard: range buttons and sort headers take focus', async () => {
    const p = await openPage();
    await p.focus('button.chip[data-range="today"]');
    const before = await renders(p);
    await p.keyboard.press('Enter');
    await waitForRender(p, before);
    assert.equal(await p.getAttribute('button.chip[data-range="today"]', 'aria-pressed'), 'true');
    await p.focus('button.sort[data-key="tokens"]');
    await p.keyboard.press('Enter');
    assert.notEqual(await p.getAttribute('th:has(button.sort[data-key="tokens"])', 'aria-sort'), 'none');
    await p.context().close();
  });

  it('respects the CSP: no violations while working, and an injected inline script does not run', async () => {
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    assert.deepEqual(violations, []);
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false);
    const after = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    assert.ok(after.some((v) => v.startsWith('script-src')), after.join(', '));
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('logged no console errors or warnings (besides the deliberate CSP probe)', () => {
    const unexpected = consoleErrors.filter((e) => !/__inlineRan|Content Security Policy/.test(e));
    assert.deepEqual(unexpected, []);
    assert.ok(consoleErrors.length <= 1, consoleErrors.join('\n'));
  });
});
