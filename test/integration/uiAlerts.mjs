#!/usr/bin/env node
// Browser-level checks of the editor's warnings in a real VS Code host (code-server + Chromium, see test/host/host.mjs),
// each with a screenshot in test-results/:
//   1. a budget threshold notification (daily cap 10 USD in user settings, 9 USD spent today in the logs)   alert-threshold.png
//   2. a runaway notification and the flame status bar (30 sub-agents appear live in the logs), and the
//      cap-reached error notification their spend causes                                                    alert-runaway.png
//   3. a budget endpoint (a LiteLLM-shaped server on 127.0.0.1): the missing key's fix-it notification, then
//      "Set API Key" from the palette, after which the gateway's quota is the tightest limit          alert-endpoint.png
//   4. "Tokenmeter: Estimate Task Cost" from the command palette, graded by the opt-in judge on a local endpoint  alert-estimate.png
//   5. the quiet routing hint for simple work on Opus, with its hover                                          alert-routing-hint.png
//   5b. a cheap model that keeps saying "let me try a different approach": the escalation hint from the transcript   alert-escalation-hint.png
//   6. "Connect Claude Code Status Line" (modal with the change), the installed command fed like Claude Code
//      feeds it, and the official 5-hour quota in the tooltip                                             alert-statusline.png
//   7. a weekly window projected to run out before its reset: the status bar note and the once-per-window
//      warning with its lead time                                                                           alert-pacing.png
//   8. "Install Claude Code Budget Hook" / "Remove Claude Code Budget Hook"
// Run: npm run build && node test/integration/uiAlerts.mjs [--keep]
// Writes test-results/ui-alerts.json ({ passed, failed, tests }); exit code 1 on any failure.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { closePage, openWorkbench, poll, repoRoot, resultsDir, runCommand, screenshot, startHost, stopHost, visibleText } from '../host/host.mjs';

const keep = process.argv.includes('--keep');
const MINUTE_MS = 60_000;
/**
 * A zone off UTC whose local day is well under way now (04:00-22:59), so that "the last hour" is still today there:
 * Asia/Shanghai (UTC+8), else America/Los_Angeles. Shanghai alone failed runs between 16:00 and 17:00 UTC, when part
 * of the budget session's hour fell on the day before.
 */
const timeZone = dayWellUnderWay(['Asia/Shanghai', 'America/Los_Angeles']);

function dayWellUnderWay(zones, nowMs = Date.now()) {
  for (const zone of zones) {
    const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric' }).format(new Date(nowMs)));
    if (hour >= 4 && hour < 23) return zone;
  }
  throw new Error(`no zone of ${zones.join(', ')} is between 04:00 and 23:00 now`);
}
const results = [];
const gatewayKey = 'sk-gateway-test-key-0123456789';

/** LiteLLM's /key/info for one key: 48 of 50 USD spent. */
function startGateway() {
  const seen = { requests: 0, authorized: 0 };
  const server = http.createServer((req, res) => {
    seen.requests++;
    if (req.headers.authorization !== `Bearer ${gatewayKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Authentication Error, invalid proxy server token passed', type: 'auth_error', code: '401' } }));
      return;
    }
    seen.authorized++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ key: 'hashed', info: { spend: 48, max_budget: 50, soft_budget: null, budget_duration: '30d', budget_reset_at: '2026-12-01T00:00:00Z', team_id: null } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, baseUrl: `http://127.0.0.1:${server.address().port}` })));
}

/** The user's own routing judge: an OpenAI-compatible chat endpoint that grades every task large. */
function startJudge() {
  const seen = { requests: 0, prompts: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.requests++;
      try { seen.prompts.push(JSON.parse(body).messages?.[0]?.content ?? ''); } catch { /* recorded as a request only */ }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model: 'judge-test-1', choices: [{ message: { role: 'assistant', content: '{"tier":"large","kind":"bugfix"}' } }], usage: { prompt_tokens: 412, completion_tokens: 11 } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, baseUrl: `http://127.0.0.1:${server.address().port}/v1` })));
}

function say(line) {
  process.stdout.write(`${line}\n`);
}

function fail(message) {
  throw new Error(message);
}

async function check(title, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    results.push({ title, ok: true, ms: Date.now() - t0 });
    say(`  ✓ ${title} (${Date.now() - t0} ms)${note ? ` — ${note}` : ''}`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ title, ok: false, ms: Date.now() - t0, error: message });
    say(`  ✗ ${title} (${Date.now() - t0} ms)\n      ${message.split('\n').join('\n      ')}`);
    return false;
  }
}

function assistant({ sessionId, agentId, timestampMs, id, model, usage, cwd, text = 'ok' }) {
  const line = {
    parentUuid: null, isSidechain: Boolean(agentId), userType: 'external', cwd, sessionId, version: '2.0.14', gitBranch: 'main',
    type: 'assistant', uuid: `u-${id}`, timestamp: new Date(timestampMs).toISOString(), requestId: `req_${id}`,
    message: { id: `msg_${id}`, type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage },
  };
  if (agentId) line.agentId = agentId;
  return JSON.stringify(line);
}

function user({ sessionId, timestampMs, text, cwd }) {
  return JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.0.14', type: 'user', message: { role: 'user', content: text }, uuid: `user-${timestampMs}`, timestamp: new Date(timestampMs).toISOString() });
}

/** Today's ordinary work: 12 Sonnet requests over the last hour, 0.75 USD each (9 USD). */
function writeBudgetSession(claudeDir, nowMs) {
  const sessionId = '11111111-2222-4333-a444-555555555555';
  const cwd = '/home/dev/shop';
  const lines = [user({ sessionId, timestampMs: nowMs - 62 * MINUTE_MS, text: 'Add CSV export to the orders page', cwd })];
  for (let i = 0; i < 12; i++) {
    lines.push(assistant({
      sessionId, timestampMs: nowMs - (60 - i * 5) * MINUTE_MS, id: `budget_${i}`, model: 'claude-sonnet-4-5-20250929', cwd,
      usage: { input_tokens: 200_000, output_tokens: 10_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    }));
  }
  const file = path.join(claudeDir, 'projects', '-home-dev-shop', `${sessionId}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** A fan-out under way: one session whose 30 sub-agents each made 8 requests in the last 4 minutes. */
function writeRunaway(claudeDir, nowMs) {
  const sessionId = '99999999-8888-4777-a666-555555555555';
  const cwd = '/home/dev/search';
  const project = path.join(claudeDir, 'projects', '-home-dev-search');
  fs.mkdirSync(path.join(project, sessionId, 'subagents'), { recursive: true });
  const main = [user({ sessionId, timestampMs: nowMs - 5 * MINUTE_MS, text: 'Search every service for uses of the old auth client', cwd })];
  main.push(assistant({ sessionId, timestampMs: nowMs - 4.5 * MINUTE_MS, id: 'run_main', model: 'claude-opus-4-5-20251101', cwd, usage: { input_tokens: 5_000, output_tokens: 2_000, cache_creation_input_tokens: 20_000, cache_read_input_tokens: 0 } }));
  fs.writeFileSync(path.join(project, `${sessionId}.jsonl`), main.join('\n') + '\n');
  for (let a = 0; a < 30; a++) {
    const agentId = `a${String(a).padStart(4, '0')}`;
    const lines = [];
    for (let r = 0; r < 8; r++) {
      lines.push(assistant({
        sessionId, agentId, timestampMs: nowMs - (4 * MINUTE_MS) + r * 30_000 + a * 500, id: `run_${a}_${r}`, model: 'claude-opus-4-5-20251101', cwd,
        usage: { input_tokens: 3_000, output_tokens: 1_500, cache_creation_input_tokens: 30_000, cache_read_input_tokens: 0 },
      }));
    }
    fs.writeFileSync(path.join(project, sessionId, 'subagents', `agent-${agentId}.jsonl`), lines.join('\n') + '\n');
  }
}

/** Simple work on an expensive model: six short Opus turns in the last three minutes. */
function writeSimpleOpusSession(claudeDir, nowMs) {
  const sessionId = '77777777-6666-4555-a444-333333333333';
  const cwd = '/home/dev/docs';
  const lines = [user({ sessionId, timestampMs: nowMs - 3.5 * MINUTE_MS, text: 'fix the typos in README', cwd })];
  for (let i = 0; i < 6; i++) {
    lines.push(assistant({
      sessionId, timestampMs: nowMs - (3 - i * 0.5) * MINUTE_MS, id: `simple_${i}`, model: 'claude-opus-4-5-20251101', cwd,
      usage: { input_tokens: 300, output_tokens: 250, cache_creation_input_tokens: 800, cache_read_input_tokens: 18_000 },
    }));
  }
  const file = path.join(claudeDir, 'projects', '-home-dev-docs', `${sessionId}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Haiku giving up on approach after approach (its own words, in its replies), on requests of different shapes. */
function writeThrashingHaikuSession(claudeDir, nowMs) {
  const sessionId = '88888888-7777-4666-a555-444444444444';
  const cwd = '/home/dev/shop';
  const lines = [user({ sessionId, timestampMs: nowMs - 2.5 * MINUTE_MS, text: 'the upload test fails about one run in ten, fix it', cwd })];
  const says = ['Let me look at the test.', "That didn't work. Let me try a different approach.", 'Still failing. Let me try another approach.',
    'Let me try a different approach: mock the clock.', "That still doesn't work; let me try a simpler approach."];
  says.forEach((text, i) => lines.push(assistant({
    sessionId, timestampMs: nowMs - (2 - i * 0.4) * MINUTE_MS, id: `thrash_${i}`, model: 'claude-haiku-4-5-20251001', cwd, text,
    usage: { input_tokens: 400 + 700 * i, output_tokens: 300 + 500 * i, cache_creation_input_tokens: 1_000, cache_read_input_tokens: 20_000 },
  })));
  const file = path.join(claudeDir, 'projects', '-home-dev-shop', `${sessionId}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function toasts(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  await page.keyboard.press('Escape').catch(() => {});
  await page.waitForTimeout(500);
}

function bottomRight(page, width, height) {
  const v = page.viewportSize();
  return { x: v.width - width, y: v.height - height, width, height };
}

async function tokenmeterItems(page) {
  return page.locator('.part.statusbar .statusbar-item[id^="tokenmeter.tokenmeter."]').evaluateAll((els) =>
    els.map((el) => ({ id: el.id, text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(), className: el.className,
      icons: [...el.querySelectorAll('.codicon')].map((c) => [...c.classList].find((k) => k.startsWith('codicon-'))?.slice(8)) })));
}

async function main() {
  for (const f of ['dist/extension.js', 'dist/statusController.js', 'dist/cli.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) fail(`${f} missing: run \`npm run build\` first`);
  }
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-alerts-'));
  const home = path.join(runDir, 'home');
  const claudeDir = path.join(runDir, 'claude-config');
  const codexHome = path.join(runDir, 'codex-home');
  const workspaceDir = path.join(runDir, 'workspace');
  for (const d of [home, path.join(claudeDir, 'projects'), path.join(codexHome, 'sessions'), path.join(workspaceDir, 'src')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(workspaceDir, 'src', 'upload.ts'), 'export function upload(file: File) {\n  return file.size / 0;\n}\n');
  writeBudgetSession(claudeDir, Date.now());
  const env = { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: codexHome, HOME: home, TZ: timeZone, TOKENMETER_STATE_DIR: path.join(runDir, 'state') };
  fs.mkdirSync(resultsDir, { recursive: true });

  const gateway = await startGateway();
  const judge = await startJudge();
  const host = await startHost({
    workspaceDir,
    env,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, 'tokenmeter.budget.dailyUsd': 10,
      'tokenmeter.endpoints.sources': [{ type: 'litellm', name: 'gateway', baseUrl: gateway.baseUrl, includeTeam: false }],
      'tokenmeter.endpoints.pollIntervalMs': 5000,
      'tokenmeter.routing.judge': 'endpoint', 'tokenmeter.routing.judgeEndpoint': judge.baseUrl,
    },
  });
  let page;
  let endpointToast;
  try {
    say(`UI alerts (code-server ${host.origin}, TZ=${timeZone}):`);
    page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: repoRoot, deviceScaleFactor: 1.5 });

    await check('a budget threshold raises one warning notification with Show Usage / Snooze / Open Settings (alert-threshold.png)', async () => {
      const found = await poll(async () => (await toasts(page)).find((t) => /Daily cap at \d+%/.test(t)), { timeoutMs: 60_000, intervalMs: 500 });
      if (!found) fail(`no threshold notification; toasts: ${JSON.stringify(await toasts(page))}; items: ${JSON.stringify(await tokenmeterItems(page))}`);
      for (const action of ['Show Usage', 'Snooze 1 h', 'Snooze Until Tomorrow', 'Open Settings']) if (!found.includes(action)) fail(`action "${action}" missing: ${found}`);
      if (!/\$9\.00 of \$10\.00/.test(found)) fail(`expected "$9.00 of $10.00" in: ${found}`);
      // The budget endpoint has no key yet: its fix-it notification comes at the first poll (checked below).
      endpointToast = await poll(async () => (await toasts(page)).find((t) => /budget endpoint gateway/.test(t)), { timeoutMs: 15_000, intervalMs: 500 });
      await page.waitForTimeout(500);
      await screenshot(page, 'alert-threshold.png', { clip: bottomRight(page, 900, 520) });
      const item = (await tokenmeterItems(page)).find((i) => /left of \$10 today/.test(i.text));
      if (!item) fail(`status bar does not show the daily cap: ${JSON.stringify(await tokenmeterItems(page))}`);
      if (!/warning-kind|error-kind/.test(item.className)) fail(`status bar not coloured at 90%: ${item.className}`);
      return `${found.slice(0, 120)} | status bar "${item.text}"`;
    });

    await check('the same threshold does not notify twice (hysteresis, state in globalState)', async () => {
      await clearNotifications(page);
      await runCommand(page, 'Tokenmeter: Refresh');
      await page.waitForTimeout(4_000);
      const again = (await toasts(page)).filter((t) => /Daily cap at \d+%/.test(t));
      if (again.length > 0) fail(`notified again: ${JSON.stringify(again)}`);
    });

    await check('a budget endpoint without a key raises one notification with "Set API Key"; after setting it the gateway quota is the tightest (alert-endpoint.png)', async () => {
      const missing = endpointToast;
      if (!missing) fail(`no endpoint notification; toasts: ${JSON.stringify(await toasts(page))}`);
      if (!missing.includes('Set API Key')) fail(`no Set API Key action: ${missing}`);
      await clearNotifications(page);
      await runCommand(page, 'Tokenmeter: Set API Key');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(300);
      if ((await input.getAttribute('type')) !== 'password') fail('the key input is not a password field');
      await input.fill(gatewayKey);
      await page.keyboard.press('Enter');
      const item = await poll(async () => (await tokenmeterItems(page)).find((i) => /\$2\.00 left of \$50 · gateway/.test(i.text)), { timeoutMs: 30_000, intervalMs: 500 });
      if (!item) fail(`status bar does not show the gateway quota; items: ${JSON.stringify(await tokenmeterItems(page))}; server saw ${JSON.stringify(gateway.seen)}`);
      if (!/error-kind/.test(item.className)) fail(`96% should be in the error colour: ${item.className}`);
      const threshold = await poll(async () => (await toasts(page)).find((t) => /gateway key budget at 96%/.test(t)), { timeoutMs: 10_000 });
      if (!threshold) fail(`no threshold notification for the gateway; toasts: ${JSON.stringify(await toasts(page))}`);
      await page.locator(`.part.statusbar [id="${item.id}"]`).hover();
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(500);
      const text = await hover.innerText();
      await screenshot(page, 'alert-endpoint.png');
      if (!/gateway key budget: \$48\.00 of \$50 \(96%\)/.test(text)) fail(`tooltip lacks the gateway line: ${text}`);
      if (!/updated (just now|\d+ s ago)/.test(text)) fail(`tooltip lacks the age: ${text}`);
      if (!/Daily cap: \$9\.00 of \$10 \(90%\)/.test(text)) fail(`tooltip lacks the local cap: ${text}`);
      if (text.includes(gatewayKey)) fail('the key is shown in the tooltip');
      await page.mouse.move(300, 300);
      return `"${item.text}"; ${gateway.seen.authorized} authorized of ${gateway.seen.requests} requests`;
    });

    await check('a live runaway (30 parallel sub-agents) raises a warning and the flame status bar; the cap-reached error follows (alert-runaway.png)', async () => {
      await clearNotifications(page);
      const t0 = Date.now();
      writeRunaway(claudeDir, Date.now());
      const found = await poll(async () => (await toasts(page)).find((t) => /Session 99999999/.test(t)), { timeoutMs: 60_000, intervalMs: 500 });
      if (!found) fail(`no runaway notification; toasts: ${JSON.stringify(await toasts(page))}; items: ${JSON.stringify(await tokenmeterItems(page))}`);
      for (const action of ['Show Session', 'Snooze 1 h', 'Open Log Folder']) if (!found.includes(action)) fail(`action "${action}" missing: ${found}`);
      // The fan-out's spend also takes the day past its 10 USD cap: an error notification that stays.
      const capped = await poll(async () => (await toasts(page)).find((t) => /Daily cap reached/.test(t)), { timeoutMs: 10_000 });
      if (!capped) fail(`no cap-reached notification; toasts: ${JSON.stringify(await toasts(page))}`);
      const errorIcons = await page.locator('.notifications-toasts .notification-toast', { hasText: 'Daily cap reached' }).locator('.codicon-error').count();
      if (errorIcons === 0) fail('the cap-reached notification is not an error');
      const flame = await poll(async () => (await tokenmeterItems(page)).find((i) => i.icons.includes('flame') && /Runaway/.test(i.text)), { timeoutMs: 10_000 });
      if (!flame) fail(`no flame status bar item: ${JSON.stringify(await tokenmeterItems(page))}`);
      await page.waitForTimeout(500);
      await screenshot(page, 'alert-runaway.png', { clip: bottomRight(page, 1000, 380) });
      return `${((Date.now() - t0) / 1000).toFixed(1)} s after the files appeared: ${found.slice(0, 160)} | "${flame.text}"`;
    });

    await check('"Show Session" opens the details view of the runaway session', async () => {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Session 99999999' }).first();
      await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Show Session' }).first().click();
      const preview = await poll(async () => {
        for (const frame of page.frames()) {
          const text = await frame.locator('body').innerText({ timeout: 500 }).catch(() => '');
          if (/live sessions/.test(text) && /99999999/.test(text)) return text;
        }
        return undefined;
      }, { timeoutMs: 20_000, intervalMs: 500 });
      if (!preview) fail('the session details preview did not open');
      await screenshot(page, 'alert-runaway-details.png');
      return /Sub-agents/.test(preview) ? 'details with sub-agent counts' : 'opened';
    });

    await check('"Tokenmeter: Estimate Task Cost" from the palette shows a P10–P90 range per tier (alert-estimate.png)', async () => {
      await clearNotifications(page);
      await runCommand(page, 'Tokenmeter: Estimate Task Cost');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(300);
      await input.fill('Fix the crash in the upload form when the file is empty');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'No context' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      const found = await poll(async () => (await toasts(page)).find((t) => /Bug fix|bug fix/i.test(t) && /\$/.test(t)), { timeoutMs: 60_000, intervalMs: 500 });
      if (!found) fail(`no estimate notification; toasts: ${JSON.stringify(await toasts(page))}`);
      await page.waitForTimeout(1_500);
      await screenshot(page, 'alert-estimate.png');
      if (!found.includes('Copy Estimate')) fail(`no Copy Estimate action: ${found}`);
      // The opt-in judge (the user's endpoint here) was asked once, with the task, and the user is told.
      if (judge.seen.requests !== 1 || !judge.seen.prompts[0]?.includes('upload form')) fail(`judge requests: ${JSON.stringify(judge.seen)}`);
      if (!/graded by judge-test-1/.test(found)) fail(`the notification does not say who graded: ${found}`);
      const preview = await poll(async () => {
        for (const frame of page.frames()) {
          const text = await frame.locator('body').innerText({ timeout: 500 }).catch(() => '');
          if (/Judge:/.test(text)) return text;
        }
        return undefined;
      }, { timeoutMs: 10_000, intervalMs: 500 });
      if (!preview || !/judge-test-1 \(through your endpoint\) graded this large\. That call: 412 tokens in, 11 out/.test(preview)) fail(`estimate preview: ${preview?.slice(0, 400)}`);
      return found.slice(0, 200);
    });

    await check('simple requests on Opus show the quiet routing hint, never a popup (alert-routing-hint.png)', async () => {
      await clearNotifications(page);
      writeSimpleOpusSession(claudeDir, Date.now());
      const hint = await poll(async () => (await tokenmeterItems(page)).find((i) => i.icons.includes('lightbulb')), { timeoutMs: 30_000, intervalMs: 500 });
      if (!hint) fail(`no routing hint; items: ${JSON.stringify(await tokenmeterItems(page))}`);
      if (!/Haiku would do · −\d+%/.test(hint.text)) fail(`unexpected hint text: ${hint.text}`);
      const popups = (await toasts(page)).filter((t) => /would do/.test(t));
      if (popups.length > 0) fail(`the hint also popped up: ${JSON.stringify(popups)}`);
      await page.locator(`.part.statusbar [id="${hint.id}"]`).hover();
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(400);
      await screenshot(page, 'alert-routing-hint.png', { clip: bottomRight(page, 1000, 300) });
      return `"${hint.text}"`;
    });

    await check('Haiku saying "let me try a different approach" again and again turns the hint into an escalation (alert-escalation-hint.png)', async () => {
      writeThrashingHaikuSession(claudeDir, Date.now());
      const hint = await poll(async () => (await tokenmeterItems(page)).find((i) => i.icons.includes('arrow-up')), { timeoutMs: 30_000, intervalMs: 500 });
      if (!hint) fail(`no escalation hint; items: ${JSON.stringify(await tokenmeterItems(page))}`);
      if (!/Haiku has retried 4 times; Sonnet is likely cheaper from here/.test(hint.text)) fail(`unexpected hint text: ${hint.text}`);
      await page.locator(`.part.statusbar [id="${hint.id}"]`).hover();
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const hoverText = await hover.innerText();
      if (!/This run of retries has cost/.test(hoverText)) fail(`hover: ${hoverText}`);
      await page.waitForTimeout(400);
      await screenshot(page, 'alert-escalation-hint.png', { clip: bottomRight(page, 1000, 300) });
      return `"${hint.text}"`;
    });

    await check('"Connect Claude Code Status Line" shows the change, writes it, and the official plan quota reaches the tooltip (alert-statusline.png)', async () => {
      await clearNotifications(page);
      await runCommand(page, 'Tokenmeter: Connect Claude Code Status Line');
      const dialog = page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      const dialogText = await dialog.innerText();
      if (!/statusLine/.test(dialogText) || !/statusline/.test(dialogText)) fail(`the dialog does not show the change: ${dialogText}`);
      await screenshot(page, 'alert-statusline-connect.png');
      await dialog.locator('.monaco-button', { hasText: 'Connect Status Line' }).first().click();
      const settingsFile = path.join(claudeDir, 'settings.json');
      const installed = await poll(async () => {
        try {
          return JSON.parse(fs.readFileSync(settingsFile, 'utf8')).statusLine?.command;
        } catch {
          return undefined;
        }
      }, { timeoutMs: 10_000 });
      if (!installed || !/dist\/cli\.js'? statusline$/.test(installed)) fail(`settings.json statusLine: ${installed}`);
      // What Claude Code does on every refresh: run the command with the session JSON on stdin.
      const resetsAt = Math.floor(Date.now() / 1000) + 2 * 3600;
      const input = JSON.stringify({ session_id: 'abc', model: { id: 'claude-opus-4-5', display_name: 'Opus' }, cost: { total_cost_usd: 3.2 }, rate_limits: { five_hour: { used_percentage: 71, resets_at: resetsAt }, seven_day: { used_percentage: 18, resets_at: resetsAt + 86_400 } } });
      const run = spawnSync('sh', ['-c', installed], { input, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
      if (run.status !== 0 || !/5h 71%/.test(run.stdout)) fail(`status line command: exit ${run.status}, stdout ${run.stdout}, stderr ${run.stderr}`);
      const item = page.locator('.part.statusbar [id="tokenmeter.tokenmeter.tokenmeter.status"]');
      let text = '';
      const seen = await poll(async () => {
        await page.mouse.move(300, 300);
        await page.waitForTimeout(300);
        await item.hover();
        const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
        text = await hover.innerText({ timeout: 3_000 }).catch(() => '');
        return /Claude 5-hour window: 71% used/.test(text);
      }, { timeoutMs: 20_000, intervalMs: 1_000 });
      await screenshot(page, 'alert-statusline.png');
      if (!seen) fail(`tooltip lacks the Claude plan window: ${text}`);
      await page.mouse.move(300, 300);
      return `statusLine: ${installed.replace(repoRoot, '<repo>')} → "${run.stdout.trim()}"`;
    });

    await check('an official window projected to run out before its reset shows in the status bar and warns once, with the lead time (alert-pacing.png)', async () => {
      await clearNotifications(page);
      // The fan-out above still holds the status bar (a runaway outranks everything): turn runaway alerts off,
      // as a user may (tokenmeter.runaway.enabled), and the pacing note must take its place.
      const userSettings = path.join(host.userDataDir, 'User', 'settings.json');
      fs.writeFileSync(userSettings, JSON.stringify({ ...JSON.parse(fs.readFileSync(userSettings, 'utf8')), 'tokenmeter.runaway.enabled': false }, null, 2));
      const status = async () => (await tokenmeterItems(page).catch(() => [])).find((i) => i.id === 'tokenmeter.tokenmeter.tokenmeter.status');
      // Settings written behind the workbench's back are read at the next window load.
      const reloaded = page.waitForEvent('framenavigated', { timeout: 30_000 });
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.waitForLoadState('load');
      await page.locator('.part.statusbar [id="tokenmeter.tokenmeter.tokenmeter.status"]').waitFor({ state: 'visible', timeout: 60_000 });
      if (!(await poll(async () => /\S/.test((await status())?.text ?? '') && !/Runaway/.test((await status())?.text ?? ''), { timeoutMs: 30_000, intervalMs: 500 }))) fail(`the runaway stayed with alerts off: ${JSON.stringify(await status())}`);
      const settingsFile = path.join(claudeDir, 'settings.json');
      const command = JSON.parse(fs.readFileSync(settingsFile, 'utf8')).statusLine.command;
      // The week: 75% used with 4 of its 7 days gone (resets in 3 days): at this pace it runs out in 32 h, 40 h before its reset.
      const nowS = Math.floor(Date.now() / 1000);
      const input = JSON.stringify({ session_id: 'abc', model: { id: 'claude-opus-4-5', display_name: 'Opus' }, cost: { total_cost_usd: 3.2 },
        rate_limits: { five_hour: { used_percentage: 10, resets_at: nowS + 4 * 3600 }, seven_day: { used_percentage: 75, resets_at: nowS + 3 * 86_400 } } });
      const feed = () => {
        const run = spawnSync('sh', ['-c', command], { input, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
        if (run.status !== 0) fail(`status line command: exit ${run.status}, stderr ${run.stderr}`);
      };
      feed();
      const warning = /At this pace Claude's weekly limit runs out .+, (39 h 59 min|40 h) before it resets \(.+\): 75% used with 57% of the time gone\./;
      const found = await poll(async () => (await toasts(page)).find((t) => warning.test(t)), { timeoutMs: 30_000, intervalMs: 500 });
      if (!found) fail(`no pacing warning; toasts: ${JSON.stringify(await toasts(page))}`);
      let item;
      const noted = await poll(async () => { item = await status(); return /Claude 7d out in (31 h 59 min|32 h)/.test(item?.text ?? '') && item.icons.includes('warning'); }, { timeoutMs: 10_000, intervalMs: 500 });
      if (!noted) fail(`status bar: ${JSON.stringify(item)}`);
      // Expanded, the toast shows its whole sentence in the picture.
      const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'At this pace' }).first();
      await toast.hover();
      await toast.locator('.codicon-notifications-expand').first().click({ timeout: 5_000 }).catch(() => {});
      await page.waitForTimeout(600);
      await screenshot(page, 'alert-pacing.png', { clip: bottomRight(page, 1100, 300) });
      // Once per window: the same reading again (and the refresh it causes) does not warn a second time.
      await clearNotifications(page);
      feed();
      await runCommand(page, 'Tokenmeter: Refresh');
      await page.waitForTimeout(4_000);
      const again = (await toasts(page)).filter((t) => /At this pace/.test(t));
      if (again.length > 0) fail(`warned twice: ${JSON.stringify(again)}`);
      return `"${found.slice(0, 160)}"; status bar "${item.text}"`;
    });

    await check('"Install Claude Code Budget Hook" asks first, then adds the guard as a PreToolUse hook; "Remove" takes it out', async () => {
      await clearNotifications(page);
      const settingsFile = path.join(claudeDir, 'settings.json');
      const hooks = () => JSON.parse(fs.readFileSync(settingsFile, 'utf8')).hooks?.PreToolUse ?? [];
      for (const [command, button, want] of [['Install Claude Code Budget Hook', 'Install Hook', 1], ['Remove Claude Code Budget Hook', 'Remove Hook', 0]]) {
        await runCommand(page, `Tokenmeter: ${command}`);
        const dialog = page.locator('.monaco-dialog-box').first();
        await dialog.waitFor({ state: 'visible', timeout: 10_000 });
        if (!/PreToolUse/.test(await dialog.innerText())) fail(`the ${command} dialog does not show the change`);
        await dialog.locator('.monaco-button', { hasText: button }).first().click();
        const ok = await poll(async () => hooks().filter((h) => JSON.stringify(h).includes('tokenmeter guard')).length === want, { timeoutMs: 10_000 });
        if (!ok) fail(`after ${command}: ${JSON.stringify(hooks())}`);
      }
      if (!JSON.parse(fs.readFileSync(settingsFile, 'utf8')).statusLine) fail('the status line was lost on the way');
    });
  } finally {
    if (page) await closePage(page);
    await stopHost(host, { keepRunDir: keep });
    gateway.server.close();
    judge.server.close();
    if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
    else say(`kept ${runDir}`);
  }
}

let crashed;
try {
  await main();
} catch (error) {
  crashed = error;
  results.push({ title: 'ui alerts harness', ok: false, ms: 0, error: String(error?.stack ?? error) });
  say(`  ✗ harness: ${error?.stack ?? error}`);
}
const passed = results.filter((r) => r.ok).length;
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'ui-alerts.json'), JSON.stringify({ passed, failed: results.length - passed, tests: results }, null, 2));
say(`\nui alerts: ${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 || crashed ? 1 : 0);
