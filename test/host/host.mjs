// A small library to drive a real VS Code host: code-server 4.100.3 (VS Code 1.100.3 server + web workbench, the
// extension runs in the real Node extension host) in Debian's Chromium through playwright-core.
// Recipe and timings: ../shared/VSCODE-HOST.md. Install first with `node test/host/installHost.mjs`.
//
//   const host = await startHost({ workspaceDir, env: { CLAUDE_CONFIG_DIR, CODEX_HOME, TZ: 'UTC' } });
//   const page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: repoRoot });
//   const item = await waitForStatusBarItem(page, { codicon: 'pulse' });
//   await screenshot(page, 'statusbar.png');
//   await stopHost(host);   // closes pages (runBeforeUnload), the browser, then the server's process group
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { CHROMIUM_PATH, checkChromium, codeServerBin, hostDir, isHostInstalled, repoRoot } from './installHost.mjs';

export { repoRoot };
export const resultsDir = path.join(repoRoot, 'test-results');

/** Settings that keep the workbench quiet and offline-friendly. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
};

const liveHosts = new Set();

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealthz(origin, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.status === 200) return;
      lastError = new Error(`healthz ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  throw new Error(`code-server not healthy after ${timeoutMs} ms: ${lastError}`);
}

/**
 * Starts code-server on a free 127.0.0.1 port with a fresh user-data and extensions dir (all under a new run dir).
 * `env` is merged into the server's environment, so the extension host inherits it (CLAUDE_CONFIG_DIR, CODEX_HOME, TZ…).
 * Pass userDataDir/extensionsDir to keep a profile between runs (its settings.json then wins over `settings`), and
 * installExtensions (paths of .vsix files) to install packaged extensions into the profile first.
 * @param {{ workspaceDir?: string, env?: Record<string, string>, settings?: Record<string, unknown>,
 *           port?: number, runDir?: string, userDataDir?: string, extensionsDir?: string, installExtensions?: string[],
 *           log?: (line: string) => void, healthTimeoutMs?: number }} [options]
 * @returns {Promise<{ port: number, origin: string, runDir: string, userDataDir: string, extensionsDir: string,
 *           tmpDir: string, serverLog: string, pid: number, child: import('node:child_process').ChildProcess,
 *           browser?: any, pages: Set<any> }>}
 */
export async function startHost(options = {}) {
  if (!isHostInstalled()) {
    throw new Error(`VS Code host not installed in ${hostDir}. Next step: node test/host/installHost.mjs`);
  }
  const log = options.log ?? (() => {});
  const runDir = options.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-host-'));
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(runDir, 'extensions');
  const tmpDir = path.join(runDir, 'tmp');
  for (const dir of [userDataDir, extensionsDir, tmpDir, path.join(userDataDir, 'User')]) fs.mkdirSync(dir, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  let existing = {};
  if (options.userDataDir && fs.existsSync(settingsFile)) {
    try {
      existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); // a kept profile: the user's own changes win
    } catch {
      existing = {};
    }
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...quietSettings, ...(options.settings ?? {}), ...existing }, null, 2));
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const configFile = path.join(runDir, 'config.yaml');
  // Always pass --config: any code-server call without it writes ~/.config/code-server/config.yaml.
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLog = path.join(runDir, 'server.log');
  for (const vsix of options.installExtensions ?? []) {
    // What users do: install the packaged .vsix into this profile (~1 s), before the server starts.
    const r = spawnSync(
      process.execPath,
      [codeServerBin, '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsix)],
      { encoding: 'utf8', env: { ...process.env, TMPDIR: tmpDir, ...(options.env ?? {}) }, timeout: 120_000 },
    );
    fs.appendFileSync(serverLog, `$ code-server --install-extension ${vsix}\n${r.stdout}${r.stderr}\n`);
    if (r.status !== 0 || /failed|error/i.test(r.stderr)) {
      throw new Error(`installing ${vsix} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(-1000)}`);
    }
    log(`[host] installed ${vsix}: ${r.stdout.trim().split('\n').pop()}`);
  }
  const logFd = fs.openSync(serverLog, 'a');
  const args = [
    codeServerBin,
    '--config', configFile,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  // Display language of the workbench and the extension host (needs a language pack for it in the profile).
  if (options.locale) args.push('--locale', options.locale);
  if (options.workspaceDir) args.push(options.workspaceDir);
  const child = spawn(process.execPath, args, {
    detached: true, // own process group: stopHost kills the whole group (the file watcher outlives the launcher)
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, TMPDIR: tmpDir, ...(options.env ?? {}) },
  });
  fs.closeSync(logFd);
  const host = { port, origin, runDir, userDataDir, extensionsDir, tmpDir, serverLog, pid: child.pid, child, pages: new Set() };
  liveHosts.add(host);
  log(`[host] code-server pid ${child.pid} on ${origin} (run dir ${runDir})`);
  try {
    await waitForHealthz(origin, child, options.healthTimeoutMs ?? 30_000);
  } catch (error) {
    await stopHost(host, { keepRunDir: true });
    throw new Error(`${error.message}\n--- server log ---\n${readTail(serverLog)}`);
  }
  return host;
}

function readTail(file, bytes = 4000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

/** The server log so far (for diagnostics). */
export function serverLogTail(host, bytes = 4000) {
  return readTail(host.serverLog, bytes);
}

function remoteUri(host, absPath) {
  return `vscode-remote://127.0.0.1:${host.port}${path.resolve(absPath)}`;
}

/**
 * The path to load a development extension from. When the extension folder contains the host itself (the repo's
 * .vscode-host/), VS Code sees the built-in theme extensions as "under development" and forces their first theme
 * (Light+) over the user's setting; a symlink in the run dir keeps the paths apart.
 */
export function devExtensionPath(host, extensionDir) {
  const abs = path.resolve(extensionDir);
  const rel = path.relative(abs, hostDir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return abs;
  const link = path.join(host.runDir, 'dev-extension');
  host.links ??= new Set();
  if (!fs.existsSync(link)) fs.symlinkSync(abs, link, 'dir');
  else if (fs.realpathSync(link) !== fs.realpathSync(abs)) {
    const other = path.join(host.runDir, `dev-extension-${host.links.size + 1}`);
    if (!fs.existsSync(other)) fs.symlinkSync(abs, other, 'dir');
    host.links.add(other);
    return other;
  }
  host.links.add(link);
  return link;
}

/**
 * The workbench URL. code-server rejects --extensionDevelopmentPath, so development mode goes in the `payload`
 * query; the URI authority must equal the URL's host:port.
 * @param {{ port: number, origin: string }} host
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} [options]
 */
export function workbenchUrl(host, options = {}) {
  const params = [];
  if (options.folder) params.push(`folder=${encodeURIComponent(path.resolve(options.folder))}`);
  const payload = [];
  if (options.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remoteUri(host, devExtensionPath(host, options.extensionDevelopmentPath))]);
  }
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(host, options.extensionTestsPath)]);
  if (payload.length) params.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${host.origin}/${params.length ? `?${params.join('&')}` : ''}`;
}

function loadPlaywright() {
  const require = createRequire(path.join(hostDir, 'package.json'));
  return require('playwright-core');
}

/** Launches (once per host) Debian's Chromium through playwright-core. */
export async function launchBrowser(host) {
  if (host.browser) return host.browser;
  checkChromium();
  const { chromium } = loadPlaywright();
  const chromiumConfig = path.join(host.runDir, 'chromium-config');
  fs.mkdirSync(chromiumConfig, { recursive: true });
  host.browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    env: { ...process.env, XDG_CONFIG_HOME: chromiumConfig, TMPDIR: host.tmpDir },
  });
  return host.browser;
}

/**
 * Opens a new browser page on the workbench and waits for it (.monaco-workbench and .statusbar).
 * onLog/onExit receive the extension host's `codeAutomationLog(type, args)` / `codeAutomationExit(code)` calls,
 * which the workbench makes when extension tests run (extensionTestsPath).
 * @param {any} host
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string,
 *           onLog?: (type: string, args: unknown[]) => void, onExit?: (code: number) => void,
 *           viewport?: { width: number, height: number }, deviceScaleFactor?: number, locale?: string, timeoutMs?: number,
 *           waitForWorkbench?: boolean }} [options]
 */
export async function openWorkbench(host, options = {}) {
  const browser = await launchBrowser(host);
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    locale: options.locale,
  });
  const page = await context.newPage();
  host.pages.add(page);
  page.on('close', () => host.pages.delete(page));
  if (options.onLog || options.extensionTestsPath) {
    await page.exposeFunction('codeAutomationLog', (type, args) => options.onLog?.(type, args));
  }
  if (options.onExit || options.extensionTestsPath) {
    await page.exposeFunction('codeAutomationExit', (code) => options.onExit?.(code));
  }
  await page.goto(workbenchUrl(host, options));
  if (options.waitForWorkbench !== false) await waitForWorkbench(page, options.timeoutMs);
  return page;
}

/** Waits for the workbench shell and its status bar. */
export async function waitForWorkbench(page, timeoutMs = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Visible text of an element with whitespace collapsed (codicons render as empty `.codicon-<name>` spans). */
export async function visibleText(locator) {
  const text = await locator.innerText();
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Locator for status bar items (`.statusbar-item`), filtered by text and/or codicon. The DOM id of an extension's
 * item is `<publisher>.<name>.<item id>`, e.g. idPrefix 'tokenmeter.tokenmeter.' for all of this extension's items.
 * @param {any} page
 * @param {{ text?: string | RegExp, codicon?: string, id?: string, idPrefix?: string }} [filter]
 */
export function statusBarItems(page, filter = {}) {
  let locator = filter.id
    ? page.locator(`.part.statusbar [id="${filter.id}"]`)
    : filter.idPrefix
      ? page.locator(`.part.statusbar .statusbar-item[id^="${filter.idPrefix}"]`)
      : page.locator('.part.statusbar .statusbar-item');
  if (filter.codicon) locator = locator.filter({ has: page.locator(`.codicon-${filter.codicon}`) });
  if (filter.text !== undefined) locator = locator.filter({ hasText: filter.text });
  return locator;
}

/** Waits for the first status bar item matching `filter` to be visible and returns its locator. */
export async function waitForStatusBarItem(page, filter = {}, timeoutMs = 60_000) {
  const item = statusBarItems(page, filter).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item;
}

/** Polls `fn` until it returns a truthy value or the timeout ends; returns the last value. */
export async function poll(fn, { timeoutMs = 15_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!value && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await fn();
  }
  return value;
}

/**
 * Runs a command through the palette: F1, type `>` + title, wait for the matching row, Enter.
 * @param {any} page
 * @param {string} title e.g. 'Tokenmeter: Refresh' (category + title as shown in the palette)
 */
export async function runCommand(page, title, timeoutMs = 15_000) {
  await openPalette(page, title, timeoutMs);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
}

/** Opens the command palette with `>` + query and returns the visible rows' labels. */
export async function paletteEntries(page, query, timeoutMs = 15_000) {
  await openPalette(page, query, timeoutMs);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {});
  await sleep(300);
  const labels = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.textContent ?? ''));
  await page.keyboard.press('Escape');
  return labels;
}

async function openPalette(page, query, timeoutMs) {
  const input = page.locator('.quick-input-widget input');
  // Focus the workbench first so F1 goes to it, not to a hover or a closed widget.
  if (!(await input.isVisible().catch(() => false))) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  }
  await input.fill(`>${query}`);
}

/**
 * Saves a screenshot of a page or locator into test-results/ (created when missing); returns the file path.
 * @param {any} target a Playwright Page or Locator
 * @param {string} name file name, e.g. 'statusbar.png'
 * @param {object} [options] passed to screenshot() (e.g. { clip })
 */
export async function screenshot(target, name, options = {}) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, name);
  await target.screenshot({ path: file, ...options });
  return file;
}

/** Closes a page so its extension host shuts down now (not after the 3-hour reconnection grace). */
export async function closePage(page) {
  try {
    await page.close({ runBeforeUnload: true });
  } catch {
    /* already closed */
  }
  try {
    await page.context().close();
  } catch {
    /* already closed */
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops everything: pages (runBeforeUnload), the browser, then code-server's whole process group (SIGTERM, then
 * SIGKILL after `graceMs`). Removes the run dir unless keepRunDir.
 */
export async function stopHost(host, { keepRunDir = false, graceMs = 5_000 } = {}) {
  if (!liveHosts.has(host)) return;
  liveHosts.delete(host);
  for (const page of [...host.pages]) await closePage(page);
  if (host.pages.size === 0 && host.browser) await sleep(300); // let the extension host see the disconnect
  if (host.browser) {
    await host.browser.close().catch(() => {});
    host.browser = undefined;
  }
  if (host.pid && groupAlive(host.pid)) {
    try {
      process.kill(-host.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(host.pid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(host.pid)) {
      try {
        process.kill(-host.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  for (const link of host.links ?? []) fs.rmSync(link, { force: true }); // the link only, never its target
  if (!keepRunDir) fs.rmSync(host.runDir, { recursive: true, force: true });
}

/** Synchronous last-resort cleanup (process exit): kill every live host's process group. */
export function killAllHostsSync() {
  for (const host of liveHosts) {
    try {
      process.kill(-host.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    try {
      host.browser?.process?.()?.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  liveHosts.clear();
}

process.on('exit', killAllHostsSync);
