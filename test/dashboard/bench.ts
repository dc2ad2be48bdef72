// Dashboard benchmark: a year of heavy logs (generated events), aggregated by the
// real core and drawn by the real page in headless Chromium.
// Run: npx tsx test/dashboard/bench.ts [requestsPerDay]
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { buildDashboardView, DashboardIndex, viewPatch } from '../../src/core/dashboard';
import { PriceTable } from '../../src/core/pricing';
import type { DashboardQuery, DashboardView } from '../../src/core/protocol';
import { fixtureEvents } from './fixtureEvents';
import { buildDashboardBundle } from './build';
import { startServer } from './server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chromium } = require(path.join(__dirname, '..', '..', '.vscode-host', 'node_modules', 'playwright-core')) as typeof import('playwright-core');

const nowMs = Date.UTC(2026, 10, 24, 15, 0);
const requestsPerDay = Number(process.argv[2] ?? 1_500);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const events = fixtureEvents({ nowMs, days: 365, requestsPerDay, seed: 1 });
  const prices = new PriceTable();
  const yearQuery: DashboardQuery = { range: 'custom', from: '2025-11-25', to: '2026-11-24', source: 'all' };
  const monthQuery: DashboardQuery = { range: '30d', source: 'all' };
  const fold: number[] = [];
  const foldCpu: number[] = [];
  const yearView: number[] = [];
  const monthView: number[] = [];
  let index!: DashboardIndex;
  for (let run = 0; run < 5; run++) {
    index = new DashboardIndex(prices, new Calendar('Europe/Berlin'));
    let t = performance.now();
    const cpu = process.cpuUsage();
    index.sync(events, false);
    fold.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    foldCpu.push((used.user + used.system) / 1_000);
    t = performance.now();
    buildDashboardView(index, yearQuery, { nowMs });
    yearView.push(performance.now() - t);
    t = performance.now();
    buildDashboardView(index, monthQuery, { nowMs });
    monthView.push(performance.now() - t);
  }
  // Live update: 200 requests appended to the year, folded, rebuilt and diffed against the view shown.
  const shown = buildDashboardView(index, monthQuery, { nowMs });
  const live = events.slice();
  const update: number[] = [];
  let patchBytes = 0;
  for (let run = 0; run < 5; run++) {
    for (let i = 0; i < 200; i++) live.push({ ...events[events.length - 1 - i], timestampMs: nowMs - 1_000 });
    const t = performance.now();
    index.sync(live, true);
    const patch = viewPatch(shown, buildDashboardView(index, monthQuery, { nowMs }));
    update.push(performance.now() - t);
    patchBytes = JSON.stringify(patch).length;
  }
  const year = buildDashboardView(index, yearQuery, { nowMs });
  const month = shown;
  console.log(`events: ${events.length.toLocaleString('en-US')} over 365 days (${requestsPerDay}/day)`);
  console.log(`fold (cold, all events): median ${median(fold).toFixed(0)} ms wall of ${fold.map((v) => v.toFixed(0)).join(', ')}; median ${median(foldCpu).toFixed(0)} ms CPU`);
  console.log(`view, whole year: median ${median(yearView).toFixed(1)} ms; message ${(JSON.stringify(year).length / 1024).toFixed(0)} KB`);
  console.log(`view, 30 days: median ${median(monthView).toFixed(1)} ms; message ${(JSON.stringify(month).length / 1024).toFixed(0)} KB`);
  console.log(`live update (+200 requests, fold + view + diff): median ${median(update).toFixed(1)} ms; patch ${(patchBytes / 1024).toFixed(0)} KB`);

  await buildDashboardBundle(true);
  const fixtureJs = `window.__fixture = ${JSON.stringify({ views: { '30d|all': month }, details: {} }).replace(/</g, '\\u003c')};`;
  const { server, origin } = await startServer(fixtureJs);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // tsx wraps named functions in __name(); the page-side callback below needs it defined.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(`${origin}/?theme=vscode-dark`);
    await page.waitForFunction(() => Number(document.body.dataset.rendered ?? 0) >= 1);
    for (const [label, view] of [['whole year', year], ['30 days', month]] as [string, DashboardView][]) {
      const times: number[] = [];
      for (let run = 0; run < 5; run++) {
        times.push(await page.evaluate(async (message) => {
          const before = Number(document.body.dataset.rendered ?? 0);
          const t = performance.now();
          window.postMessage(message, '*');
          await new Promise<void>((resolve) => {
            const check = () => (Number(document.body.dataset.rendered ?? 0) > before ? resolve() : setTimeout(check, 0));
            check();
          });
          // Until the next frame has been painted.
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return performance.now() - t;
        }, { type: 'view', view }));
      }
      console.log(`page render, ${label} (validate + DOM + charts + paint): median ${median(times).toFixed(0)} ms of ${times.map((v) => v.toFixed(0)).join(', ')}`);
    }
  } finally {
    await browser.close();
    server.close();
    // Leave the development bundle in place for the other tests.
    await buildDashboardBundle();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
