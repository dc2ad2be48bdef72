// The runtime bundles (l10n/bundle.l10n*.json) against every `vscode.l10n.t('…')` in src, the
// walkthrough against the contributed commands, and a Chinese tooltip rendered through the bundle
// the way VS Code looks strings up (key = English text, `{n}` filled from the arguments).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Calendar } from '../../src/core/calendar';
import { Formatter } from '../../src/core/format';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import { computeEstimatedSpend } from '../../src/core/status/estimatedSpend';
import type { UsageEvent } from '../../src/core/usageEvent';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const manifest = JSON.parse(read('package.json'));
const bundleEn: Record<string, string> = JSON.parse(read('l10n/bundle.l10n.json'));
const bundleZh: Record<string, string> = JSON.parse(read('l10n/bundle.l10n.zh-cn.json'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

// src/ and the dashboard page (media/), which looks words up in the same bundles through core/phrases.ts.
const sources = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'media'))].map((file) => ({ file: path.relative(root, file), text: readFileSync(file, 'utf8') }));

/** Every string literal passed to `l10n.t` (or a phrasebook's `.t`: `fmt.l10n.t`, `p.t`, `words.t`) in src. */
function messageKeys(): string[] {
  const keys = new Set<string>();
  for (const { text } of sources) for (const m of text.matchAll(/\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) keys.add(m[1].replace(/\\'/g, "'"));
  return [...keys];
}

const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();

/** What `vscode.l10n.t` does with a loaded bundle: look the English text up, fill `{n}`. */
function translate(bundle: Record<string, string>, message: string, ...args: unknown[]): string {
  return (bundle[message] ?? message).replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

/** src/ui/statusBar.ts loaded against a stand-in `vscode` module (and unloaded again). */
function statusBarWith(vscodeStub: unknown): typeof import('../../src/ui/statusBar') {
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  Module._load = function load(request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeStub : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve('../../src/ui/statusBar')];
    return require('../../src/ui/statusBar') as typeof import('../../src/ui/statusBar');
  } finally {
    Module._load = original;
    delete require.cache[require.resolve('../../src/ui/statusBar')];
  }
}

describe('localisation', () => {
  it('passes only string literals to vscode.l10n.t (so the bundles can list them)', () => {
    const dynamic = sources.flatMap(({ file, text }) => [...text.matchAll(/l10n\.t\(\s*([^'\s])/g)].map((m) => `${file}: l10n.t(${m[1]}…`));
    assert.deepEqual(dynamic, []);
  });

  it('has every runtime message in bundle.l10n.json and a Chinese translation with the same placeholders', () => {
    const keys = messageKeys();
    assert.ok(keys.length > 100, `only ${keys.length} messages`);
    assert.deepEqual(keys.filter((k) => !(k in bundleEn)), [], 'missing in l10n/bundle.l10n.json');
    assert.deepEqual(keys.filter((k) => !(k in bundleZh)), [], 'missing in l10n/bundle.l10n.zh-cn.json');
    assert.deepEqual(Object.keys(bundleZh).filter((k) => !(k in bundleEn)), [], 'in the zh-cn bundle only');
    for (const [key, value] of Object.entries(bundleZh)) {
      assert.deepEqual(placeholders(value), placeholders(key), `placeholders of ${JSON.stringify(key)}`);
      assert.ok(value.trim() && value !== key, `${JSON.stringify(key)} is not translated`);
    }
    // Command links inside a message must survive translation.
    for (const [key, value] of Object.entries(bundleZh)) assert.deepEqual(value.match(/command:[\w.]+/g), key.match(/command:[\w.]+/g), key);
  });

  it('points package.json at the bundles and ships them', () => {
    assert.equal(manifest.l10n, './l10n');
    const ignore = read('.vscodeignore');
    assert.match(ignore, /^!l10n\//m);
    assert.match(ignore, /^!package\.nls\*\.json$/m);
  });

  it('has a walkthrough whose steps complete on contributed commands and whose media exist', () => {
    const walkthrough = (manifest.contributes.walkthroughs as { id: string; steps: { id: string; description: string; media: { svg?: string; image?: string }; completionEvents: string[] }[] }[])
      .find((w) => w.id === 'tokenmeter.getStarted');
    assert.ok(walkthrough, 'tokenmeter.getStarted');
    const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
    assert.deepEqual(walkthrough.steps.map((s) => s.completionEvents), [
      ['onCommand:tokenmeter.showUsage'], ['onCommand:tokenmeter.setBudget'], ['onCommand:tokenmeter.setApiKey'], ['onCommand:tokenmeter.estimateTaskCost'],
    ]);
    for (const step of walkthrough.steps) {
      for (const event of step.completionEvents) assert.ok(commands.has(event.replace('onCommand:', '')), event);
      const media = step.media.svg ?? step.media.image;
      assert.ok(media && existsSync(path.join(root, media)), `${step.id}: ${media}`);
      // The step's button runs the command that completes it, in both languages.
      const nlsKey = step.description.replace(/^%|%$/g, '');
      for (const nlsFile of ['package.nls.json', 'package.nls.zh-cn.json']) {
        const text = JSON.parse(read(nlsFile))[nlsKey] as string;
        assert.ok(text.includes(`(command:${step.completionEvents[0].replace('onCommand:', '')})`), `${nlsFile} ${nlsKey}`);
      }
    }
  });

  it('offers the walkthrough from the first-run (no logs) status bar state', () => {
    class MarkdownString {
      isTrusted: unknown;
      constructor(public value = '') {}
      appendMarkdown(text: string): this {
        this.value += text;
        return this;
      }
    }
    const item = () => ({ text: '', tooltip: undefined as unknown, show() {}, hide() {}, dispose() {} });
    const items: ReturnType<typeof item>[] = [];
    const stub = {
      MarkdownString, ThemeColor: class {}, StatusBarAlignment: { Right: 2 }, env: { language: 'en' },
      l10n: { t: (m: string, ...a: unknown[]) => translate(bundleEn, m, ...a) },
      window: { createStatusBarItem: () => (items.push(item()), items[items.length - 1]) },
    };
    const statusBar = statusBarWith(stub);
    const bar = new statusBar.StatusBar();
    bar.render({ kind: 'no-logs', roots: { claudeDirs: ['/home/u/.claude'], codexDirs: ['/home/u/.codex'] } });
    const main = items[0];
    assert.equal(main.text, '$(pulse) Tokenmeter: no usage yet');
    assert.deepEqual((main as unknown as { command: { command: string; arguments: unknown[] } }).command.arguments, ['tokenmeter.tokenmeter#tokenmeter.getStarted', false]);
    const md = main.tooltip as MarkdownString;
    const link = `command:workbench.action.openWalkthrough?${encodeURIComponent(JSON.stringify(['tokenmeter.tokenmeter#tokenmeter.getStarted', false]))}`;
    assert.ok(md.value.includes(`[Get started with Tokenmeter](${link})`), md.value);
    assert.ok(md.value.includes('(command:tokenmeter.configure)'), md.value);
    assert.deepEqual((md.isTrusted as { enabledCommands: string[] }).enabledCommands.sort(), ['tokenmeter.configure', 'tokenmeter.setApiKey', 'workbench.action.openWalkthrough']);
    // The walkthrough id in the link is the one package.json contributes.
    assert.equal(`${manifest.publisher}.${manifest.name}#${manifest.contributes.walkthroughs[0].id}`, 'tokenmeter.tokenmeter#tokenmeter.getStarted');
    bar.dispose();
  });

  it('renders the tooltip in Chinese through the zh-cn bundle, amounts in yuan', () => {
    class MarkdownString {
      value = '';
      isTrusted: unknown;
      constructor(value = '') {
        this.value = value;
      }
      appendMarkdown(text: string): this {
        this.value += text;
        return this;
      }
    }
    const statusBar = statusBarWith({ MarkdownString, ThemeColor: class {}, StatusBarAlignment: { Right: 2 }, l10n: { t: (m: string, ...a: unknown[]) => translate(bundleZh, m, ...a) } });
    const event: UsageEvent = { source: 'claude', timestampMs: Date.parse('2026-11-24T09:00:00Z'), sessionId: 's', agentId: '', project: 'p', model: 'claude-sonnet-4-5-20250929', inputTokens: 0, outputTokens: 1_000_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
    const snapshot = computeEstimatedSpend([event], { prices: new PriceTable(), calendar: new Calendar('Asia/Shanghai'), nowMs: Date.parse('2026-11-24T10:00:00Z'), budget: budgetSettingsSchema.parse({ dailyUsd: 50 }) });
    const fmt = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1, timeZone: 'Asia/Shanghai' });
    const md = statusBar.tooltipMarkdown(snapshot, undefined, fmt) as unknown as MarkdownString;
    for (const expected of ['根据本地日志和官方标价估算', '| 今日 | ¥106.50 |', '今日各模型用量', '5 小时窗口', '今日：已用 ¥106\\.50 / ¥355\\.00（30%）', '[查看用量](command:tokenmeter.showUsage)']) {
      assert.ok(md.value.includes(expected), `${expected} in:\n${md.value}`);
    }
    for (const english of ['Today', 'This week', 'Show Usage', 'estimated']) assert.ok(!md.value.includes(english), `${english} left in:\n${md.value}`);
  });

  it('names the date of the price data in the tooltip, in English and Chinese', () => {
    class MarkdownString {
      value = '';
      isTrusted: unknown;
      appendMarkdown(text: string): this {
        this.value += text;
        return this;
      }
    }
    const prices = new PriceTable();
    const nowMs = Date.parse('2026-11-24T10:00:00Z');
    const snapshot = computeEstimatedSpend([], { prices, calendar: new Calendar('UTC'), nowMs, budget: budgetSettingsSchema.parse({}) });
    const overlay = { nowMs, status: { nowMs, snapshot, limits: [], level: snapshot.level }, runaway: { isRunaway: false }, priceDataDate: prices.dataDate };
    assert.match(prices.dataDate, /^\d{4}-\d{2}-\d{2}$/);
    for (const [bundle, expected] of [[bundleEn, `(price data of ${prices.dataDate})`], [bundleZh, `（价格数据日期 ${prices.dataDate}）`]] as const) {
      const statusBar = statusBarWith({ MarkdownString, ThemeColor: class {}, StatusBarAlignment: { Right: 2 }, l10n: { t: (m: string, ...a: unknown[]) => translate(bundle, m, ...a) } });
      const md = statusBar.tooltipMarkdown(snapshot, overlay as never) as unknown as MarkdownString;
      assert.ok(md.value.split('\n')[0].includes(expected), md.value);
    }
  });
});
