// Simplified Chinese in the real host: code-server started with `--locale zh-cn` and a minimal language pack
// (displayLanguage.mjs).
// Called from runIntegration.mjs with its `check`; uses the same fixture logs, with the display currency set to CNY.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHostInLanguage } from './displayLanguage.mjs';
import { closePage, openWorkbench, paletteEntries, poll, resultsDir, runCommand, screenshot, startHost, statusBarItems, stopHost, visibleText } from './host.mjs';

/**
 * @param {{ check: (suite: string, title: string, fn: () => Promise<string | void>) => Promise<boolean>, say: (line: string) => void,
 *           runDir: string, env: Record<string, string>, workspaceDir: string, extensionDir: string, cliStatusText: () => string }} ctx
 */
export async function zhCnChecks({ check, say, runDir, env, workspaceDir, extensionDir, cliStatusText }) {
  say('\nSimplified Chinese (code-server --locale zh-cn, display currency CNY):');
  const dir = fs.mkdtempSync(path.join(runDir, 'zh-cn-'));
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  let host;
  let page;
  try {
    const started = await check('zh-cn', 'code-server starts with --locale zh-cn and a zh-cn language pack', async () => {
      host = await startHostInLanguage({
        dir, userDataDir, extensionsDir, workspaceDir, env, languageId: 'zh-cn', languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)',
        settings: { 'tokenmeter.display.currency': 'CNY', 'tokenmeter.display.cnyPerUsd': 7.1 },
      });
      page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: extensionDir, locale: 'zh-CN' });
    });
    if (!started) return;

    await check('zh-cn', 'the status bar speaks Chinese and shows yuan at the display rate', async () => {
      // The CLI stays English/USD: "$(pulse) $1.43 today · …"; the editor shows "今日 ¥10.15 · …".
      const usd = Number(/\$(\d+\.\d+) today/.exec(cliStatusText())?.[1]);
      let text = '';
      const ok = await poll(async () => {
        const texts = await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.' }).evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
        text = texts.find((t) => t.startsWith('今日')) ?? texts.join(' | ');
        return /^今日 ¥\d+\.\d{2} · /.test(text);
      }, { timeoutMs: 45_000, intervalMs: 500 });
      if (!ok) throw new Error(`status bar text ${JSON.stringify(text)}`);
      const yuan = Number(/¥(\d+\.\d+)/.exec(text)[1]);
      if (Number.isFinite(usd) && Math.abs(yuan - usd * 7.1) > 0.05) throw new Error(`¥${yuan} is not $${usd} × 7.1`);
      return `"${text}" (CLI: $${usd})`;
    });

    await check('zh-cn', 'the command palette shows the Chinese command titles', async () => {
      // The palette lists only what fits; ask for each title on its own.
      for (const title of ['Tokenmeter: 配置', 'Tokenmeter: 估算任务成本', 'Tokenmeter: 设置预算']) {
        const entries = await paletteEntries(page, title);
        if (!entries.includes(title)) throw new Error(`${title} missing; shown: ${entries.join(' | ')}`);
      }
    });

    await check('zh-cn', 'the tooltip renders through the zh-cn bundle', async () => {
      await page.keyboard.press('Escape');
      await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.', text: /^\s*今日/ }).first().hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Tokenmeter' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await visibleText(hover);
      for (const expected of ['根据本地日志和官方标价估算', '今日', '¥', '查看用量']) if (!text.includes(expected)) throw new Error(`${expected} missing in ${text}`);
      return `${text.length} chars`;
    });

    await check('zh-cn', 'the dashboard speaks Chinese in yuan, beside the Chinese status bar (host-zh-cn.png)', async () => {
      await page.keyboard.press('Escape');
      await runCommand(page, 'Tokenmeter: 打开仪表盘');
      const frame = await poll(async () => {
        for (const f of page.frames()) {
          const drawn = await f.evaluate(() => Number(document.body?.dataset.rendered ?? 0) >= 1 && !!document.getElementById('tile-today')).catch(() => false);
          if (drawn) return f;
        }
        return undefined;
      }, { timeoutMs: 60_000, intervalMs: 500 });
      if (!frame) throw new Error('the dashboard did not draw');
      await frame.click('button.chip[data-range="7d"]');
      const ok = await poll(async () => (await frame.textContent('#tile-range .tile-label')) === '花费 · 最近 7 天', { timeoutMs: 15_000 });
      if (!ok) throw new Error(`range tile ${JSON.stringify(await frame.textContent('#tile-range .tile-label'))}`);
      const value = (await frame.textContent('#tile-today .tile-value'))?.trim() ?? '';
      if (!/^¥[\d,.]+$/.test(value)) throw new Error(`today tile ${JSON.stringify(value)}`);
      // No English label or sentence: only names from the logs, model ids, units and the product's name stay Latin.
      // (Project folders such as `cli-tool` and model ids are names, hyphenated; they stay as they are.)
      // The footnote names the time zone (an IANA id such as Asia/Tokyo, which the harness uses near UTC midnight).
      const body = (await frame.innerText('body')).replace(/\b[A-Z][A-Za-z_]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g, '').replace(/[\w.-]*(claude|gpt|codex|rollout|home|sess)[\w.…-]*/gi, '').replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, '');
      const leftovers = body.match(/\b(?!Token\b|token\b|Tokenmeter\b|MTok\b|CSV\b|JSON\b|UTC\b|ID\b|tok\b)[A-Za-z]{3,}(?: [A-Za-z]{2,})*/g);
      await page.waitForTimeout(500);
      await screenshot(page, 'host-zh-cn.png');
      // The checks after this one drive quick picks over the workbench, not over the dashboard.
      await runCommand(page, 'View: Close All Editors');
      if (leftovers) throw new Error(`English left on the Chinese dashboard: ${JSON.stringify(leftovers)}`);
      return `today ${value}; screenshot test-results/host-zh-cn.png`;
    });

    await check('zh-cn', '"Tokenmeter: 配置" → 显示货币 → USD switches the status bar to dollars', async () => {
      await page.keyboard.press('Escape');
      await runCommand(page, 'Tokenmeter: 配置');
      await pick(page, 'Tokenmeter：配置', '显示货币');
      await pick(page, 'Tokenmeter：显示货币', 'USD', '美元');
      let text = '';
      const ok = await poll(async () => {
        const texts = await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.' }).evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
        text = texts.find((t) => t.startsWith('今日')) ?? texts.join(' | ');
        return /^今日 \$\d+\.\d{2} · /.test(text);
      }, { timeoutMs: 15_000, intervalMs: 300 });
      if (!ok) throw new Error(`status bar text ${JSON.stringify(text)}`);
      return `"${text}"`;
    });

    await check('zh-cn', 'a budget warning reads in Chinese: a weekly cap below this week\'s spend raises "已达上限"', async () => {
      // Set through "Tokenmeter: 设置预算" as a user would, and removed again after (the first-run check reuses this profile).
      await setWeeklyBudget(page, '1');
      try {
        let texts = [];
        const ok = await poll(async () => {
          texts = await page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
          return texts.some((t) => /Weekly cap 已达上限：已花 [$¥][\d,]+\.\d{2} \/ [$¥][\d,.]+。/.test(t));
        }, { timeoutMs: 30_000, intervalMs: 500 });
        if (!ok) {
          const items = await statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.' }).evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
          throw new Error(`no Chinese cap-reached notification; toasts: ${JSON.stringify(texts)}; status bar: ${JSON.stringify(items)}`);
        }
        return `"${texts.map((t) => /Weekly cap 已达上限[^。]*。[^。]*。/.exec(t)?.[0]).find(Boolean)}"`;
      } finally {
        await page.keyboard.press('Escape');
        await setWeeklyBudget(page, '');
      }
    });
  } finally {
    if (page) await closePage(page);
    if (host) await stopHost(host, { keepRunDir: true });
  }
  await firstRunCheck({ check, dir, userDataDir, extensionsDir, workspaceDir, env, extensionDir });
}

/** Waits for the quick input titled `title`, types `filter` and picks the first row showing `row`. */
async function pick(page, title, filter, row = filter) {
  await quickInputTitled(page, title);
  await page.locator('.quick-input-widget input').fill(filter);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: row }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

function quickInputTitled(page, title) {
  return page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Tokenmeter: 设置预算 → 每周上限（美元） → amount ('' removes the cap). */
async function setWeeklyBudget(page, amount) {
  await runCommand(page, 'Tokenmeter: 设置预算');
  await pick(page, 'Tokenmeter：设置预算', '每周上限（美元）');
  await quickInputTitled(page, '每周上限（美元）');
  await page.locator('.quick-input-widget input').fill(amount);
  await page.waitForTimeout(200); // validation
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** First run, no logs anywhere: a friendly Chinese status bar item whose click opens the walkthrough. */
async function firstRunCheck({ check, dir, userDataDir, extensionsDir, workspaceDir, env, extensionDir }) {
  if (!fs.existsSync(path.join(userDataDir, 'languagepacks.json'))) return;
  let host;
  let page;
  const empty = path.join(dir, 'no-logs');
  fs.mkdirSync(path.join(empty, 'claude'), { recursive: true });
  fs.mkdirSync(path.join(empty, 'codex'), { recursive: true });
  try {
    await check('zh-cn', 'first run without logs: "暂无用量" in the status bar, a click opens the walkthrough', async () => {
      // Same profile (language pack already installed), but no agent logs at all.
      host = await startHost({
        runDir: path.join(dir, 'first-run'), userDataDir, extensionsDir, workspaceDir, locale: 'zh-cn',
        env: { ...env, CLAUDE_CONFIG_DIR: path.join(empty, 'claude'), CODEX_HOME: path.join(empty, 'codex'), HOME: empty },
      });
      page = await openWorkbench(host, { folder: workspaceDir, extensionDevelopmentPath: extensionDir, locale: 'zh-CN' });
      const item = statusBarItems(page, { idPrefix: 'tokenmeter.tokenmeter.', text: '暂无用量' }).first();
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      const text = await visibleText(item);
      if (text !== 'Tokenmeter：暂无用量') throw new Error(`status bar text ${JSON.stringify(text)}`);
      await item.click();
      // The walkthrough page shows its localised title (package.nls.zh-cn.json) and first step.
      await page.getByText('查看 Tokenmeter 找到的日志来源').first().waitFor({ state: 'visible', timeout: 20_000 });
      await page.waitForTimeout(500); // the step's SVG
      fs.mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'walkthrough-zh-cn.png') });
      return `"${text}" → walkthrough (test-results/walkthrough-zh-cn.png)`;
    });
  } finally {
    if (page) await closePage(page);
    if (host) await stopHost(host);
  }
}
