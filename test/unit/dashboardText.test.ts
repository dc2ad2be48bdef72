// The dashboard page's words and money follow the editor's display language and currency (sent with each view).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setPhraseLoader } from '../../src/core/phrases';
import { displaySchema, toViewSchema } from '../../src/core/protocol';
import { usePhraseFiles } from '../../src/sources/phraseFiles';
import { axisMoney, duration, integer, l10n, projectName, rate, setDisplay, tokens, usd } from '../../media/dashboard/text';

describe('dashboard page text', () => {
  afterEach(() => setDisplay({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 }));

  it('keeps the page\'s English/USD rules by default', () => {
    assert.equal(usd(12.4), '$12.40');
    assert.equal(usd(12_345.6), '$12,346');
    assert.equal(usd(0.004), '$0.004');
    assert.equal(integer(1234567), '1,234,567');
    assert.equal(duration(3 * 3_600_000 + 5 * 60_000), '3 h 5 min');
    assert.equal(l10n.t('Sessions'), 'Sessions');
    assert.deepEqual(axisMoney([0, 500, 1_000, 1_500]), ['$0', '$0.5K', '$1K', '$1.5K']);
    assert.deepEqual(axisMoney([0, 0.25, 0.5]), ['$0', '$0.25', '$0.50']);
    assert.deepEqual(axisMoney([0, 50, 100]), ['$0', '$50', '$100']);
    assert.equal(rate(3), '$3.00');
    assert.equal(tokens(1_234_567), '1.2M');
  });

  it('uses the one formatter\'s rules in every currency: axis labels scaled by the largest, rates with cents', () => {
    setDisplay({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 });
    assert.deepEqual(axisMoney([0, 100, 200]), ['¥0', '¥0.7K', '¥1.4K'], 'scaled by the largest, as in dollars');
    assert.deepEqual(axisMoney([0, 1, 2]), ['¥0', '¥7', '¥14']);
    assert.equal(rate(3), '¥21.30');
    assert.equal(integer(1234567), '1,234,567');
    setDisplay({ locale: 'de', currency: 'USD', cnyPerUsd: 7.1 });
    assert.equal(usd(12_345.6), '$12.346');
    assert.deepEqual(axisMoney([0, 1_500]), ['$0', '$1,5K']);
  });

  it('speaks Simplified Chinese in yuan once the view says so (the CNY setting used to be ignored here)', () => {
    assert.equal(setDisplay({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 }), true);
    assert.equal(setDisplay({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 }), false, 'unchanged: no re-render');
    assert.equal(usd(12.4), '¥88.04');
    assert.equal(usd(2_000), '¥14,200');
    assert.equal(l10n.t('Sessions'), '会话');
    assert.equal(l10n.t('Spent · {0}', '最近 7 天'), '花费 · 最近 7 天');
    assert.equal(duration(3 * 3_600_000 + 5 * 60_000), '3 小时 5 分钟');
    assert.equal(projectName(''), '（未知）');
    setDisplay({ locale: 'en', currency: 'CNY', cnyPerUsd: 7.1 });
    assert.equal(usd(12.4), '¥88.04');
    assert.equal(l10n.t('Sessions'), 'Sessions');
  });

  it('speaks a language from the words the host sends with the view (the page reads no bundle itself)', () => {
    const words = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;
    setPhraseLoader(undefined);
    try {
      assert.equal(setDisplay({ locale: 'ja', currency: 'USD', cnyPerUsd: 7.1 }), true);
      assert.equal(l10n.t('Sessions'), 'Sessions', 'no words yet: English');
      setDisplay({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 });
      assert.equal(setDisplay({ locale: 'ja', currency: 'USD', cnyPerUsd: 7.1 }, words), true);
      assert.equal(l10n.t('Sessions'), words['Sessions']);
      assert.equal(usd(12_345.6), '$12,346');
    } finally {
      usePhraseFiles();
    }
  });

  it('carries the display with a view message, validated like the rest', () => {
    const view = { type: 'view', view: {}, display: { locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 } };
    assert.equal(displaySchema.safeParse(view.display).success, true);
    assert.equal(displaySchema.safeParse({ locale: 'zh-cn', currency: 'EUR', cnyPerUsd: 7.1 }).success, false);
    assert.equal(toViewSchema.safeParse({ ...view, display: { locale: 'x', currency: 'USD', cnyPerUsd: -1 } }).success, false);
  });
});
