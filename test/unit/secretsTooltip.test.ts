// The status bar tooltip renders text from logs (model names) and endpoints (error messages, source
// names) as Markdown. Whatever that text holds, the tooltip shows it literally: no link, image,
// HTML or command link that is not ours. `vscode` is stubbed: only MarkdownString is needed.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Calendar } from '../../src/core/calendar';
import { computeStatus } from '../../src/core/status/computeStatus';
import { PriceTable } from '../../src/core/pricing';
import { budgetSettingsSchema } from '../../src/core/settings';
import type { UsageEvent } from '../../src/core/usageEvent';
import type { StatusOverlay } from '../../src/ui/statusBar';

class MarkdownString {
  value: string;
  isTrusted: unknown;
  constructor(value = '', readonly supportThemeIcons = false) {
    this.value = value;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
    return this;
  }
}

function loadStatusBar(): typeof import('../../src/ui/statusBar') {
   
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  Module._load = function load(request: string, ...rest: unknown[]) {
    if (request === 'vscode') return { MarkdownString, ThemeColor: class {}, StatusBarAlignment: { Left: 1, Right: 2 }, window: {}, workspace: {}, l10n: { t: (s: string) => s } };
    return original.call(this, request, ...rest);
  };
  try {
     
    return require('../../src/ui/statusBar') as typeof import('../../src/ui/statusBar');
  } finally {
    Module._load = original;
  }
}

const ourCommands = /^command:tokenmeter\.[A-Za-z]+$/;

/** Every link or image target the Markdown would render, and any raw HTML tag. */
function renderedTargets(markdown: string): { links: string[]; html: string[] } {
  // Backslash-escaped characters render literally: drop them before looking for syntax.
  const plain = markdown.replace(/\\[\\`*_{}[\]()#+\-.!|<>~]/g, 'x');
  const links = [...plain.matchAll(/\]\(([^)\s]*)/g)].map((m) => m[1]);
  const autolinks = [...plain.matchAll(/<([a-z]+:[^>\s]*)>/gi)].map((m) => m[1]);
  const html = [...plain.matchAll(/<\/?[a-z][^>]*>/gi)].map((m) => m[0]);
  return { links: [...links, ...autolinks], html };
}

describe('tooltip: text from logs and endpoints is shown literally', () => {
  const { tooltipMarkdown } = loadStatusBar();
  const nowMs = Date.UTC(2026, 10, 24, 12, 0, 0);
  const budget = budgetSettingsSchema.parse({ dailyUsd: 10 });
  const hostile = fc.oneof(
    fc.constantFrom(
      '[Set API Key](command:workbench.action.terminal.new)',
      '![pixel](https://collector.example/p.png)',
      '<img src=x onerror=alert(1)>',
      '<https://collector.example/>',
      '[x]: https://collector.example/ref\n[ref][x]',
      '`code` **bold** | table | --- |',
      ')](command:workbench.action.openSettings)',
    ),
    fc.string({ maxLength: 60 }),
  );

  it('model names, endpoint errors and source names never become links, images or HTML', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (model, error, name) => {
        const event: UsageEvent = { source: 'claude', timestampMs: nowMs - 60_000, sessionId: 's', agentId: '', project: 'p', model, inputTokens: 1000, outputTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
        const status = computeStatus({
          events: [event], prices: new PriceTable(), calendar: new Calendar('UTC'), nowMs, budget,
          readings: [{ source: name, scope: 'key', limitUsd: 50, spentUsd: 10, remainingUsd: 40, fetchedAtMs: nowMs - 5_000, stale: true, error }],
        });
        const spend = status.estimatedSpend;
        const overlay: StatusOverlay = {
          nowMs,
          status,
          runaway: { isRunaway: true, text: '$(flame) Runaway', tooltip: `${model}\n${error}`, alerts: [] },
        };
        const md = tooltipMarkdown(spend, overlay) as unknown as MarkdownString;
        const { links, html } = renderedTargets(md.value);
        for (const link of links) assert.match(link, ourCommands, `a link to ${link} in:\n${md.value}`);
        assert.deepEqual(html, [], `raw HTML in:\n${md.value}`);
        const trusted = md.isTrusted as { enabledCommands?: string[] } | boolean;
        assert.notEqual(trusted, true, 'the tooltip is not fully trusted');
        if (typeof trusted === 'object') for (const c of trusted.enabledCommands ?? []) assert.match(`command:${c}`, ourCommands);
      }),
      { numRuns: 300 },
    );
  });
});
