#!/usr/bin/env node
// `npm run test:integration`: the built extension (run `npm run build` first) in a real VS Code host
// (code-server 4.100.3 + Chromium via playwright-core) on a temp copy of the fixture logs.
//  1. Bundles test/integration/**/*.test.ts (+ the in-host mocha runner) into out/integration/tests.js.
//  2. Browser-level UI checks: the status bar item's text equals `tokenmeter status --json`'s statusText for the
//     same logs/env, tooltip on hover, palette entries, Refresh via the palette, live update after a log append.
//     Screenshots go to test-results/.
//  3. The mocha tests INSIDE the extension host (extensionTestsPath; results via codeAutomationLog/Exit).
// Writes test-results/integration.json ({ passed, failed, tests }) for test/runAll.mjs; exit code 1 on any failure.
//
// Options: --update-screenshot  copy the status bar + tooltip screenshot to media/screenshot-statusbar.png
//          --keep               keep the temp dir (logs, server log) for debugging
//          --bundle-only        only write out/integration/tests.js (for the desktop "Extension Tests" launch config)
//          --vsix FILE          also install this packaged .vsix (as users do) into a fresh host and check its status
//                               bar against the CLI (env TOKENMETER_VSIX works too)
// Env:     TOKENMETER_EXTENSION_DIR  extension folder (default: repo root; needs dist/extension.js and dist/cli.js)
//          TOKENMETER_TEST_TZ        time zone for the server and the CLI (default UTC, Asia/Tokyo near UTC midnight)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import {
  closePage,
  openWorkbench,
  paletteEntries,
  poll,
  repoRoot,
  resultsDir,
  runCommand,
  screenshot,
  serverLogTail,
  startHost,
  stopHost,
  visibleText,
} from './host.mjs';
import { appendClaudeUsage, writeDemoLogs } from './demoLogs.mjs';
import { installHost, isHostInstalled } from './installHost.mjs';
import { jaChecks } from './jaChecks.mjs';
import { zhCnChecks } from './zhCnChecks.mjs';

const argv = process.argv.slice(2);
const updateScreenshot = argv.includes('--update-screenshot');
const keep = argv.includes('--keep');
const bundleOnly = argv.includes('--bundle-only');
const vsixArg = argv.includes('--vsix') ? argv[argv.indexOf('--vsix') + 1] : process.env.TOKENMETER_VSIX;
const vsixPath = vsixArg ? path.resolve(vsixArg) : undefined;
const extensionDir = path.resolve(process.env.TOKENMETER_EXTENSION_DIR ?? repoRoot);
const timeZone = process.env.TOKENMETER_TEST_TZ ?? quietTimeZone();

/**
 * UTC, unless it is within a few hours of midnight there: then Asia/Tokyo (UTC+9). The generated "today" sessions
 * span the last three hours, and a run must not straddle midnight between writing logs and asking the CLI.
 */
function quietTimeZone(nowMs = Date.now()) {
  for (const zone of ['UTC', 'Asia/Tokyo']) {
    const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric' }).format(new Date(nowMs)));
    if (hour >= 4 && hour < 23) return zone;
  }
  return 'UTC';
}
const resultMarker = '__TOKENMETER_MOCHA_RESULT__'; // keep in sync with test/integration/index.ts
const liveUpdateLimitMs = 5_000;

/** @type {{ suite: string, title: string, ok: boolean, ms: number, error?: string }[]} */
const results = [];
const started = Date.now();

function say(line) {
  process.stdout.write(`${line}\n`);
}

async function check(suite, title, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    const ms = Date.now() - t0;
    results.push({ suite, title, ok: true, ms });
    say(`  ✓ ${title} (${ms} ms)${note ? ` — ${note}` : ''}`);
    return true;
  } catch (error) {
    const ms = Date.now() - t0;
    const message = error instanceof Error ? error.message : String(error);
    results.push({ suite, title, ok: false, ms, error: message });
    say(`  ✗ ${title} (${ms} ms)\n      ${message.split('\n').join('\n      ')}`);
    return false;
  }
}

function fail(message) {
  throw new Error(message);
}

function listTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTests(p));
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** Bundles the in-host runner and all integration tests into one CJS file (vscode and mocha stay external). */
async function bundleTests() {
  const testDir = path.join(repoRoot, 'test', 'integration');
  const files = listTests(testDir);
  if (files.length === 0) fail(`no *.test.ts files under ${testDir}`);
  const requires = files.map((f) => `  require(${JSON.stringify('./' + path.relative(repoRoot, f).split(path.sep).join('/'))});`).join('\n');
  const outfile = path.join(repoRoot, 'out', 'integration', 'tests.js');
  await esbuild.build({
    stdin: {
      contents: `const { createRun } = require('./test/integration/index.ts');\nexports.run = createRun(() => {\n${requires}\n});\n`,
      resolveDir: repoRoot,
      sourcefile: 'integration-entry.js',
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    outfile,
    logLevel: 'warning',
  });
  return { outfile, count: files.length };
}

function cliStatus(env) {
  const cli = path.join(extensionDir, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'status', '--json'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) fail(`tokenmeter status --json exited ${r.status}: ${r.stderr || r.stdout}`);
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    fail(`tokenmeter status --json printed no JSON: ${r.stdout.slice(0, 500)}`);
  }
  if (typeof json.statusText !== 'string') fail(`no statusText in: ${r.stdout.slice(0, 500)}`);
  return json;
}

/** `$(pulse) $1.23 today · 45.6K tok` → icons ['pulse'], text '$1.23 today · 45.6K tok' (as the DOM shows it). */
function splitStatusText(statusText) {
  const icons = [...statusText.matchAll(/\$\(([\w~-]+)\)/g)].map((m) => m[1].split('~')[0]);
  const text = statusText.replace(/\$\([\w~-]+\)/g, ' ').replace(/\s+/g, ' ').trim();
  return { icons, text };
}

/** Texts (and icons) of all status bar items this extension contributed. */
async function tokenmeterItems(page) {
  return page.locator('.part.statusbar .statusbar-item[id^="tokenmeter.tokenmeter."]').evaluateAll((els) =>
    els.map((el) => ({
      id: el.id,
      text: (el.querySelector('.statusbar-item-label')?.textContent ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      icons: [...el.querySelectorAll('.codicon')].map((c) => [...c.classList].find((k) => k.startsWith('codicon-'))?.slice(8)),
      visible: el.getBoundingClientRect().width > 0,
    })),
  );
}

function prepareLogs(runDir) {
  const claudeConfigDir = path.join(runDir, 'claude-config');
  const codexHome = path.join(runDir, 'codex-home');
  const fixtureClaude = path.join(repoRoot, 'test', 'fixtures', 'claude-config');
  const fixtureCodex = path.join(repoRoot, 'test', 'fixtures', 'codex-home');
  const used = [];
  if (fs.existsSync(fixtureClaude)) {
    fs.cpSync(fixtureClaude, claudeConfigDir, { recursive: true });
    used.push('test/fixtures/claude-config');
  }
  if (fs.existsSync(fixtureCodex)) {
    fs.cpSync(fixtureCodex, codexHome, { recursive: true });
    used.push('test/fixtures/codex-home');
  }
  // Plus generated sessions timestamped in the last hours (never before today's midnight in `timeZone`), so that
  // "today" is non-zero whatever dates the fixtures carry.
  const nowMs = Date.now();
  const demo = writeDemoLogs(path.join(runDir, 'demo'), { nowMs, startOfDayMs: startOfDayIn(timeZone, nowMs) });
  fs.cpSync(demo.claudeConfigDir, claudeConfigDir, { recursive: true });
  fs.cpSync(demo.codexHome, codexHome, { recursive: true });
  fs.rmSync(path.join(runDir, 'demo'), { recursive: true, force: true });
  used.push('generated demo sessions for today');
  const liveFile = demo.files
    .map((f) => path.join(claudeConfigDir, path.relative(demo.claudeConfigDir, f)))
    .find((f) => f.startsWith(claudeConfigDir) && !f.includes(`${path.sep}subagents${path.sep}`));
  return { claudeConfigDir, codexHome, used, liveFile };
}

/** Epoch ms of the start of the current day in an IANA time zone. */
function startOfDayIn(tz, nowMs) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(nowMs))
      .map((p) => [p.type, p.value]),
  );
  const sinceMidnightMs = ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000;
  return nowMs - sinceMidnightMs - (nowMs % 1000);
}

function prepareWorkspace(runDir) {
  const ws = path.join(runDir, 'workspace');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(ws, 'src', 'orders.ts'),
    [
      "import { db } from './db';",
      '',
      '/** Orders of one customer, newest first. */',
      'export async function ordersOf(customerId: string) {',
      "  const rows = await db.query('select * from orders where customer_id = $1 order by created_at desc', [customerId]);",
      '  return rows.map((row) => ({ id: row.id, totalUsd: row.total_cents / 100, createdAt: new Date(row.created_at) }));',
      '}',
      '',
    ].join('\n'),
  );
  return ws;
}

async function uiChecks(host, { env, workspaceDir, liveFile, commands }) {
  say('\nUI (browser-level, playwright):');
  let page;
  const ok = await check('ui', 'workbench loads with the extension in development mode', async () => {
    page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: extensionDir, deviceScaleFactor: 2 });
  });
  if (!ok) return;
  try {
    let expected;
    let matched;
    await check('ui', 'status bar item text equals `tokenmeter status --json` statusText', async () => {
      expected = cliStatus(env);
      const t0 = Date.now();
      let lastCli = t0;
      let items = [];
      matched = await poll(
        async () => {
          items = await tokenmeterItems(page);
          const want = splitStatusText(expected.statusText);
          const hit = items.find((i) => i.visible && i.text === want.text && want.icons.every((icon) => i.icons.includes(icon)));
          if (!hit && items.length > 0 && Date.now() - lastCli > 3_000) {
            expected = cliStatus(env); // a number could legitimately move (clock); compare with a fresh snapshot
            lastCli = Date.now();
          }
          return hit;
        },
        { timeoutMs: 45_000, intervalMs: 250 },
      );
      if (!matched) {
        fail(`expected ${JSON.stringify(expected.statusText)}; tokenmeter status bar items: ${JSON.stringify(items)}`);
      }
      return `"${expected.statusText}" (${((Date.now() - t0) / 1000).toFixed(1)} s after workbench)`;
    });
    // On a mismatch, go on with whatever Tokenmeter item is there so the other checks still report.
    matched ??= (await tokenmeterItems(page)).find((i) => i.visible);
    if (!matched) return;
    expected ??= { statusText: '' };
    const item = page.locator(`.part.statusbar [id="${matched.id}"]`);
    if (/\$0\.00\b|\b0 tok\b/.test(expected.statusText)) say(`  ! note: statusText shows zero spend/tokens today: ${expected.statusText}`);

    // Open a source file so the screenshots look like real work, then capture the bottom-right corner.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'src' }).first().click().catch(() => {});
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'orders.ts' }).first().click({ timeout: 5_000 }).catch(() => {});
    await page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 5_000 }).catch(() => {});
    await page.locator('.monaco-workbench.vs-dark.file-icons-enabled').waitFor({ timeout: 10_000 }).catch(() => {}); // theme applied
    await page.mouse.move(600, 300);
    await page.waitForTimeout(500);
    const viewport = page.viewportSize();
    await check('ui', 'screenshot test-results/statusbar.png', async () => {
      await screenshot(page, 'workbench.png');
      const box = await item.boundingBox();
      if (!box) fail('status bar item has no bounding box');
      const width = 760;
      const height = 160;
      const x = Math.max(0, Math.min(viewport.width - width, box.x + box.width / 2 - width / 2 - 120));
      await screenshot(page, 'statusbar.png', { clip: { x, y: viewport.height - height, width, height } });
    });

    await check('ui', 'hover shows the Markdown tooltip (test-results/tooltip.png)', async () => {
      await item.hover();
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(400); // let it finish layout
      const text = (await visibleText(hover)) || '';
      const hb = await hover.boundingBox();
      const ib = await item.boundingBox();
      const right = Math.min(viewport.width, Math.max(hb.x + hb.width, ib.x + ib.width) + 60);
      const x0 = Math.max(0, Math.min(hb.x - 60, ib.x - 60, right - 640));
      const y0 = Math.max(0, hb.y - 40);
      const x1 = Math.min(viewport.width, Math.max(right, x0 + 640));
      await screenshot(page, 'tooltip.png', { clip: { x: x0, y: y0, width: x1 - x0, height: viewport.height - y0 } });
      if (!/today/i.test(text)) fail(`tooltip does not mention today: ${JSON.stringify(text.slice(0, 300))}`);
      if (updateScreenshot) {
        fs.copyFileSync(path.join(resultsDir, 'tooltip.png'), path.join(repoRoot, 'media', 'screenshot-statusbar.png'));
      }
      return `${text.length} chars`;
    });
    await page.mouse.move(600, 300);
    await page.keyboard.press('Escape');

    await check('ui', 'command palette lists every contributed command', async () => {
      const labels = await paletteEntries(page, 'Tokenmeter');
      const wanted = commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
      if (wanted.length === 0) fail('package.json contributes no commands');
      // The palette list is virtualised: rows scrolled out of view are not in the DOM, so look those up one by one.
      const missing = [];
      for (const w of wanted.filter((w) => !labels.some((l) => l.startsWith(w)))) {
        if (!(await paletteEntries(page, w)).some((l) => l.startsWith(w))) missing.push(w);
      }
      if (missing.length) fail(`missing from the palette: ${missing.join(', ')}; shown: ${labels.join(' | ')}`);
      return `${wanted.length} commands`;
    });

    await check('ui', '"Tokenmeter: Refresh" from the palette keeps the status bar equal to the CLI, no error toast', async () => {
      const refresh = commands.find((c) => c.command === 'tokenmeter.refresh');
      if (!refresh) fail('tokenmeter.refresh is not contributed');
      await runCommand(page, `${refresh.category ? `${refresh.category}: ` : ''}${refresh.title}`);
      await page.waitForTimeout(1_500);
      const errors = await page.locator('.notification-toast .codicon-error').count();
      if (errors > 0) fail(`error notification: ${await visibleText(page.locator('.notification-toast').first())}`);
      const want = splitStatusText(cliStatus(env).statusText).text;
      const items = await tokenmeterItems(page);
      if (!items.some((i) => i.text === want)) fail(`after refresh expected "${want}", got ${JSON.stringify(items)}`);
    });

    await check('ui', '"Show Usage" → "By day" lists today with the status bar\'s cost (test-results/show-usage.png)', async () => {
      const status = cliStatus(env);
      const cost = /\$[\d,.]+/.exec(splitStatusText(status.statusText).text)?.[0];
      if (!cost) fail(`no $ amount in ${status.statusText}`);
      await runCommand(page, 'Tokenmeter: Show Usage');
      await waitForQuickInputTitle(page, 'Tokenmeter: Show Usage');
      const views = await quickInputRows(page);
      for (const want of [/by day/i, /by session/i, /by project/i, /by model/i]) {
        if (!views.some((v) => want.test(v))) fail(`no ${want} view in ${JSON.stringify(views)}`);
      }
      await page.locator('.quick-input-widget input').fill('By day');
      await page.keyboard.press('Enter');
      const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      const rows = await poll(async () => {
        const r = await quickInputRows(page);
        return r.some((x) => x.includes(today)) ? r : undefined;
      });
      await screenshot(page, 'show-usage.png');
      await page.keyboard.press('Escape');
      if (!rows) fail(`no row for ${today}; rows: ${JSON.stringify(await quickInputRows(page))}`);
      const row = rows.find((x) => x.includes(today));
      if (!row.includes(cost)) fail(`row for ${today} does not show ${cost}: ${row}`);
      return row.split('\n')[0].slice(0, 80);
    });

    await check('ui', '"Set Budget" through the UI: status bar shows what is left, in the warning colour, equal to the CLI', async () => {
      const todayCost = cliStatus(env).today?.totalCost;
      if (typeof todayCost !== 'number' || todayCost <= 0) fail(`no positive today.totalCost in status --json: ${todayCost}`);
      const capUsd = Math.ceil((todayCost / 0.87) * 100) / 100; // ~87% used: between warn (80) and error (95)
      await setDailyBudget(page, String(capUsd));
      try {
        return await budgetShown(capUsd);
      } finally {
        // Remove the cap again (empty amount), so later checks see the plain text.
        await page.keyboard.press('Escape');
        await setDailyBudget(page, '').catch((error) => say(`      (could not remove the cap: ${error.message})`));
      }
    });

    async function budgetShown(capUsd) {
      const settingsFile = path.join(path.dirname(env.HOME), 'budget-settings.json');
      fs.writeFileSync(settingsFile, JSON.stringify({ budget: { dailyUsd: capUsd } }));
      const budgetEnv = { ...env, TOKENMETER_SETTINGS: settingsFile };
      let expected = splitStatusText(cliStatus(budgetEnv).statusText).text;
      let items = [];
      const hit = await poll(
        async () => {
          items = await page.locator('.part.statusbar .statusbar-item[id^="tokenmeter.tokenmeter."]').evaluateAll((els) =>
            els.map((el) => ({ text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(), className: el.className })),
          );
          return items.find((i) => i.text === expected);
        },
        { timeoutMs: 15_000 },
      );
      if (!hit) {
        expected = splitStatusText(cliStatus(budgetEnv).statusText).text;
        fail(`expected "${expected}" (CLI with dailyUsd ${capUsd}); items: ${JSON.stringify(items)}`);
      }
      await screenshot(page, 'budget-warning.png', { clip: clipBottomRight(page, 760, 120) });
      if (!/left of/.test(expected)) fail(`with a cap the text should say what is left: "${expected}"`);
      if (!/\bwarning-kind\b/.test(hit.className)) fail(`not in the warning colour at ~87%: class="${hit.className}"`);
      return `cap $${capUsd}: "${expected}"`;
    }

    await check('ui', 'removing the cap through the UI brings the plain text back', async () => {
      const plain = splitStatusText(cliStatus(env).statusText).text;
      const back = await poll(async () => (await tokenmeterItems(page)).some((i) => i.text === plain), { timeoutMs: 15_000 });
      if (!back) fail(`expected "${plain}"; items: ${JSON.stringify(await tokenmeterItems(page))}`);
    });

    await check('ui', `status bar follows a new log line within ${liveUpdateLimitMs / 1000} s (no reload)`, async () => {
      if (!liveFile) fail('no Claude session file to append to');
      const before = splitStatusText(cliStatus(env).statusText).text;
      const t0 = Date.now();
      appendClaudeUsage(liveFile, { nowMs: Date.now(), tag: String(t0) });
      const after = splitStatusText(cliStatus(env).statusText).text;
      if (after === before) fail(`appending usage did not change the CLI's statusText (${before})`);
      const cliMs = Date.now() - t0;
      const seen = await poll(async () => (await tokenmeterItems(page)).some((i) => i.text === after), { timeoutMs: 30_000, intervalMs: 100 });
      const latencyMs = Date.now() - t0;
      if (!seen) fail(`status bar never showed "${after}" (30 s); items: ${JSON.stringify(await tokenmeterItems(page))}`);
      if (latencyMs > liveUpdateLimitMs) fail(`took ${latencyMs} ms`);
      return `"${before}" → "${after}" in ${latencyMs} ms (incl. ${cliMs} ms CLI run)`;
    });
  } finally {
    await closePage(page);
  }
}

/** The packaged extension (.vsix), installed the way users install it, on the same logs. */
async function packagedChecks(vsix, { env, workspaceDir }) {
  const shown = path.relative(repoRoot, vsix).startsWith('..') ? vsix : path.relative(repoRoot, vsix);
  say(`\nPackaged (${shown} installed with --install-extension):`);
  let host;
  let page;
  try {
    const ok = await check('packaged', 'the .vsix installs into a fresh profile', async () => {
      host = await startHost({ workspaceDir, env, installExtensions: [vsix] });
      const installed = fs.readdirSync(host.extensionsDir).filter((d) => d.startsWith('tokenmeter.'));
      if (installed.length === 0) fail(`nothing named tokenmeter.* in ${host.extensionsDir}`);
      return installed.join(', ');
    });
    if (!ok) return;
    await check('packaged', 'the installed extension shows the same status bar text as the CLI', async () => {
      page = await openWorkbench(host, { folder: workspaceDir });
      let expected = cliStatus(env);
      let items = [];
      const hit = await poll(
        async () => {
          items = await tokenmeterItems(page);
          const found = items.some((i) => i.visible && i.text === splitStatusText(expected.statusText).text);
          if (!found && items.length > 0) expected = cliStatus(env);
          return found;
        },
        { timeoutMs: 45_000, intervalMs: 500 },
      );
      if (!hit) fail(`expected ${JSON.stringify(expected.statusText)}; items: ${JSON.stringify(items)}`);
      return `"${expected.statusText}"`;
    });
  } finally {
    if (page) await closePage(page);
    if (host) await stopHost(host);
  }
}

function clipBottomRight(page, width, height) {
  const v = page.viewportSize();
  return { x: v.width - width, y: v.height - height, width, height };
}

async function waitForQuickInputTitle(page, title, timeoutMs = 15_000) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Visible rows of the open quick pick (label and description as shown). */
async function quickInputRows(page) {
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .evaluateAll((els) => els.map((el) => (el.innerText ?? el.textContent ?? '').replace(/[ \t]+/g, ' ').trim()));
}

/** Tokenmeter: Set Budget → "Daily cap in $" → amount ('' removes the cap), as a user does it. */
async function setDailyBudget(page, amount) {
  await runCommand(page, 'Tokenmeter: Set Budget');
  await waitForQuickInputTitle(page, 'Tokenmeter: Set Budget');
  await page.locator('.quick-input-widget input').fill('Daily cap in $');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Daily cap in $' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await waitForQuickInputTitle(page, 'Daily cap in $');
  await page.locator('.quick-input-widget input').fill(amount);
  await page.waitForTimeout(200); // validation
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

async function inHostTests(host, { workspaceDir, testsFile }) {
  say('\nIn the extension host (mocha via extensionTestsPath):');
  const logLines = [];
  let exitCode;
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  let page;
  try {
    page = await openWorkbench(host, {
      folder: workspaceDir,
      extensionDevelopmentPath: extensionDir,
      extensionTestsPath: testsFile,
      waitForWorkbench: false,
      onLog: (type, args) => {
        const list = Array.isArray(args) ? args : [args];
        const text = typeof list[0] === 'string' ? format(...list) : list.map((a) => JSON.stringify(a)).join(' ');
        for (const line of text.split('\n')) {
          logLines.push(line);
          if (!line.startsWith(resultMarker) && process.env.TOKENMETER_VERBOSE) say(`    [host ${type}] ${line}`);
        }
      },
      onExit: (code) => {
        exitCode = code;
        resolveExit(code);
      },
    });
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 180_000));
    const outcome = await Promise.race([exited, timeout]);
    const markerLine = logLines.find((l) => l.startsWith(resultMarker));
    if (markerLine) {
      const parsed = JSON.parse(markerLine.slice(resultMarker.length));
      for (const t of parsed.tests) {
        results.push({ suite: 'in-host', title: t.title, ok: t.ok, ms: t.durationMs, error: t.error });
        say(`  ${t.ok ? '✓' : '✗'} ${t.title} (${t.durationMs} ms)${t.ok ? '' : `\n      ${String(t.error).split('\n').slice(0, 6).join('\n      ')}`}`);
      }
      if (parsed.failed === 0 && exitCode !== 0) {
        results.push({ suite: 'in-host', title: 'extension host exit code', ok: false, ms: 0, error: `exit ${exitCode}` });
        say(`  ✗ extension host exited with ${exitCode} although all tests passed`);
      }
    } else {
      const why = outcome === 'timeout' ? 'timed out after 180 s' : `extension host exited ${exitCode} without a result`;
      results.push({ suite: 'in-host', title: 'in-host mocha run', ok: false, ms: 0, error: why });
      say(`  ✗ in-host mocha run: ${why}\n      log tail:\n      ${logLines.slice(-30).join('\n      ')}\n      server log:\n      ${serverLogTail(host, 2000).split('\n').join('\n      ')}`);
    }
  } catch (error) {
    results.push({ suite: 'in-host', title: 'in-host mocha run', ok: false, ms: 0, error: String(error) });
    say(`  ✗ in-host mocha run: ${error}`);
  } finally {
    if (page) await closePage(page);
  }
}

async function main() {
  say(`Integration: extension ${extensionDir}, TZ=${timeZone}`);
  if (vsixPath && !fs.existsSync(vsixPath)) fail(`--vsix ${vsixPath} does not exist`);
  for (const f of ['dist/extension.js', 'dist/cli.js', 'package.json']) {
    if (!fs.existsSync(path.join(extensionDir, f))) fail(`${path.join(extensionDir, f)} missing — run \`npm run build\` first`);
  }
  if (!isHostInstalled() && !bundleOnly) installHost();
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const hidden = new Set((pkg.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  // Titles are `%key%` placeholders, shown in English as package.nls.json says.
  const nlsFile = path.join(extensionDir, 'package.nls.json');
  const nls = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};
  const commands = (pkg.contributes?.commands ?? [])
    .filter((c) => !hidden.has(c.command))
    .map((c) => ({ ...c, title: c.title.replace(/^%([^%]+)%$/, (whole, key) => nls[key] ?? whole) }));

  const { outfile: testsFile, count } = await bundleTests();
  say(`bundled ${count} test file(s) → ${path.relative(repoRoot, testsFile)}`);
  if (bundleOnly) return;

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-it-'));
  const home = path.join(runDir, 'home');
  fs.mkdirSync(home);
  const logs = prepareLogs(runDir);
  const workspaceDir = prepareWorkspace(runDir);
  say(`logs: ${logs.used.join(' + ')} in ${runDir}`);
  // HOME points at an empty folder so neither the server nor the CLI can see this machine's real agent logs.
  const env = { CLAUDE_CONFIG_DIR: logs.claudeConfigDir, CODEX_HOME: logs.codexHome, TZ: timeZone, HOME: home };
  fs.mkdirSync(resultsDir, { recursive: true });

  const hostStarted = Date.now();
  const host = await startHost({
    workspaceDir,
    env,
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false },
  });
  say(`code-server ${host.origin} healthy in ${Date.now() - hostStarted} ms`);
  const onSignal = async () => {
    await stopHost(host);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await uiChecks(host, { env, workspaceDir, liveFile: logs.liveFile, commands });
    await inHostTests(host, { workspaceDir, testsFile });
    await stopHost(host, { keepRunDir: keep });
    await zhCnChecks({ check, say, runDir, env, workspaceDir, extensionDir, cliStatusText: () => cliStatus(env).statusText });
    await jaChecks({ check, say, runDir, env, workspaceDir, extensionDir });
    if (vsixPath) await packagedChecks(vsixPath, { env, workspaceDir });
  } finally {
    await stopHost(host, { keepRunDir: keep });
    if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
    else say(`kept ${runDir} (server log: ${host.serverLog})`);
  }
}

let crashed;
try {
  await main();
  if (bundleOnly) process.exit(0);
} catch (error) {
  crashed = error;
  results.push({ suite: 'integration', title: 'integration harness', ok: false, ms: 0, error: String(error?.stack ?? error) });
  say(`  ✗ integration harness: ${error?.stack ?? error}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(
  path.join(resultsDir, 'integration.json'),
  JSON.stringify({ passed, failed, durationMs: Date.now() - started, tests: results }, null, 2),
);
say(`\nintegration: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed > 0 || crashed ? 1 : 0);
