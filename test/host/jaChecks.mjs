// Japanese in the real host: code-server started with `--locale ja` and a minimal language pack
// (displayLanguage.mjs). The surfaces of issue 16 — status bar and tooltip, the live routing hint, Estimate Task
// Cost's summary — and the dashboard page, which gets its words from the host, all in Japanese with dollars.
// Called from runIntegration.mjs with its `check`, on the same fixture logs plus one live Opus session.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendClaudeUsage } from './demoLogs.mjs';
import { startHostInLanguage } from './displayLanguage.mjs';
import { closePage, openWorkbench, paletteEntries, poll, repoRoot, runCommand, screenshot, statusBarItems, stopHost, visibleText } from './host.mjs';

const words = JSON.parse(fs.readFileSync(path.join(repoRoot, 'l10n', 'bundle.l10n.ja.json'), 'utf8'));

/** A bundle phrase as a pattern: its text literally, each `{n}` any text. */
const phrase = (key) => new RegExp(words[key].split(/\{\d+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+'));

const itemTexts = (page) => statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.' }).evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));

/**
 * @param {{ check: (suite: string, title: string, fn: () => Promise<string | void>) => Promise<boolean>, say: (line: string) => void,
 *           runDir: string, env: Record<string, string>, workspaceDir: string, extensionDir: string }} ctx
 */
export async function jaChecks({ check, say, runDir, env, workspaceDir, extensionDir }) {
  say('\nJapanese (code-server --locale ja, display currency USD):');
  const dir = fs.mkdtempSync(path.join(runDir, 'ja-'));
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  // Six short Opus requests in the last minutes: the live hint says a cheaper model would do.
  const liveDir = path.join(env.CLAUDE_CONFIG_DIR, 'projects', '-home-dev-ja-hint');
  // A uuid-like id, as Claude Code names sessions (the dashboard shortens it to its first 8 and last 4 characters).
  const liveFile = path.join(liveDir, '5e551011-a0a0-4a0a-8a0a-000000000016.jsonl');
  fs.mkdirSync(liveDir, { recursive: true });
  const nowMs = Date.now();
  for (let i = 0; i < 6; i++) {
    appendClaudeUsage(liveFile, { nowMs: nowMs - (5 - i) * 30_000, model: 'claude-opus-4-5-20251101', tag: `ja${nowMs}-${i}`, usage: { input_tokens: 850, output_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 25_000 } });
  }
  let host;
  let page;
  try {
    const started = await check('ja', 'code-server starts with --locale ja and a ja language pack', async () => {
      host = await startHostInLanguage({
        dir, userDataDir, extensionsDir, workspaceDir, env, languageId: 'ja', languageName: 'Japanese', localizedLanguageName: '日本語',
        settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      });
      page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: extensionDir, locale: 'ja-JP' });
    });
    if (!started) return;

    await check('ja', 'the status bar speaks Japanese: "今日 $… · … tok"', async () => {
      let texts = [];
      const ok = await poll(async () => (texts = await itemTexts(page)).some((t) => /^今日 \$\d+\.\d{2} · /.test(t)), { timeoutMs: 45_000, intervalMs: 500 });
      if (!ok) throw new Error(`status bar items ${JSON.stringify(texts)}`);
      return `"${texts.find((t) => t.startsWith('今日'))}"`;
    });

    await check('ja', 'the live routing hint reads "Haiku で十分 · −…%" with a Japanese tooltip', async () => {
      let texts = [];
      const ok = await poll(async () => (texts = await itemTexts(page)).some((t) => phrase('{0} would do · −{1}%').test(t)), { timeoutMs: 45_000, intervalMs: 500 });
      if (!ok) throw new Error(`no Japanese routing hint; items ${JSON.stringify(texts)}`);
      const hint = texts.find((t) => phrase('{0} would do · −{1}%').test(t));
      await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.', text: hint }).first().hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Opus' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const detail = await visibleText(hover);
      for (const key of ['The last {0} requests on {1} look simple:', 'Switch with /model in Claude Code if the work stays this simple.']) {
        if (!phrase(key).test(detail)) throw new Error(`${words[key]} missing in ${detail}`);
      }
      await page.keyboard.press('Escape');
      return `"${hint}"; tooltip "${detail.slice(0, 60)}…"`;
    });

    await check('ja', 'the tooltip renders through the ja bundle', async () => {
      await page.mouse.move(10, 10);
      await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.', text: /^\s*今日/ }).first().hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Tokenmeter' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await visibleText(hover);
      for (const expected of [words['estimated from local logs and list prices'], words['Show Usage'], '今日']) if (!text.includes(expected)) throw new Error(`${expected} missing in ${text}`);
      await page.keyboard.press('Escape');
      return `${text.length} chars`;
    });

    await check('ja', 'the command palette shows the Japanese command titles', async () => {
      for (const title of ['Tokenmeter: タスク費用の見積もり', 'Tokenmeter: ルーティングレポート', 'Tokenmeter: 予算を設定']) {
        const entries = await paletteEntries(page, title);
        if (!entries.includes(title)) throw new Error(`${title} missing; shown: ${entries.join(' | ')}`);
      }
      await page.keyboard.press('Escape');
    });

    await check('ja', 'Estimate Task Cost answers in Japanese: summary, estimate page (host-ja.png)', async () => {
      await runCommand(page, 'Tokenmeter: タスク費用の見積もり');
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'タスク費用の見積もり' }).waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill('rename the variable usr to user in this file');
      await page.keyboard.press('Enter');
      // With a workspace open it asks what to give as context; none.
      const noContext = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: words['No context'] }).first();
      if (await noContext.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) await noContext.click();
      let toasts = [];
      const summary = phrase('{0}–{1} on {2} (P50 {3})');
      const ok = await poll(async () => (toasts = await page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()))).some((t) => summary.test(t)), { timeoutMs: 60_000, intervalMs: 500 });
      if (!ok) throw new Error(`no Japanese estimate summary; toasts ${JSON.stringify(toasts)}`);
      const toast = toasts.find((t) => summary.test(t));
      if (!toast.includes(words['Copy Estimate'])) throw new Error(`button ${words['Copy Estimate']} missing in ${toast}`);
      // The estimate page: the Markdown preview of the estimate, headed "# 見積もり: …".
      const heading = words['# Estimate: {0}'].replace(/^# /, '').replace('{0}', '');
      const previewText = await poll(async () => {
        for (const f of page.frames()) {
          const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (text.includes(heading.trim())) return text;
        }
        return undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      if (!previewText) throw new Error(`no estimate page with "${heading}"`);
      for (const key of ['**Suggested:** {0} ({1}) — {2}']) {
        const label = words[key].replace(/\*\*/g, '').split('{0}')[0].trim();
        if (!previewText.includes(label)) throw new Error(`${label} missing in the estimate page: ${previewText.slice(0, 400)}`);
      }
      await page.waitForTimeout(500);
      await screenshot(page, 'host-ja.png');
      return `"${toast.slice(0, 90)}…"; screenshot test-results/host-ja.png`;
    });

    await check('ja', 'the dashboard speaks Japanese with the words the host sent (host-ja-dashboard.png)', async () => {
      await page.keyboard.press('Escape');
      await runCommand(page, 'Tokenmeter: ダッシュボードを開く');
      const frame = await poll(async () => {
        for (const f of page.frames()) {
          const drawn = await f.evaluate(() => Number(document.body?.dataset.rendered ?? 0) >= 1 && !!document.getElementById('tile-today')).catch(() => false);
          if (drawn) return f;
        }
        return undefined;
      }, { timeoutMs: 60_000, intervalMs: 500 });
      if (!frame) throw new Error('the dashboard did not draw');
      await frame.click('button.chip[data-range="7d"]');
      const expected = words['Spent · {0}'].replace('{0}', words['Last 7 days']);
      const ok = await poll(async () => (await frame.textContent('#tile-range .tile-label')) === expected, { timeoutMs: 15_000 });
      if (!ok) throw new Error(`range tile ${JSON.stringify(await frame.textContent('#tile-range .tile-label'))}, expected ${expected}`);
      const lang = await frame.evaluate(() => document.documentElement.lang);
      // No English label or sentence: names from the logs, model ids, units and the product's name stay Latin.
      const body = (await frame.innerText('body')).replace(/\b[A-Z][A-Za-z_]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g, '').replace(/[\w.-]*(claude|gpt|codex|rollout|home|sess|haiku|opus|sonnet)[\w.…-]*/gi, '').replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, '');
      const leftovers = body.match(/\b(?!Token\b|token\b|Tokenmeter\b|MTok\b|CSV\b|JSON\b|UTC\b|ID\b|tok\b|Claude\b|Code\b|Codex\b)[A-Za-z]{3,}(?: [A-Za-z]{2,})*/g);
      await page.waitForTimeout(500);
      await screenshot(page, 'host-ja-dashboard.png');
      await runCommand(page, 'View: Close All Editors');
      if (lang !== 'ja') throw new Error(`<html lang="${lang}">`);
      if (leftovers) throw new Error(`English left on the Japanese dashboard: ${JSON.stringify(leftovers)}`);
      return `"${expected}", lang=${lang}; screenshot test-results/host-ja-dashboard.png`;
    });
  } finally {
    if (page) await closePage(page);
    if (host) await stopHost(host, { keepRunDir: true });
    // The live session would change what later checks (the packaged .vsix) compare.
    fs.rmSync(liveDir, { recursive: true, force: true });
  }
}
