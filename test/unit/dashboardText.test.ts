// The dashboard page's words and money follow the editor's display language and currency (sent with each view).
import * as assert from 'node:assert/strict';
import { displaySchema, toViewSchema } from '../../src/core/protocol';
import { duration, integer, l10n, projectName, setDisplay, usd } from '../../media/dashboard/text';

describe('dashboard page text', () => {
  afterEach(() => setDisplay({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 }));

  it('keeps the page\'s English/USD rules by default', () => {
    assert.equal(usd(12.4), '$12.40');
    assert.equal(usd(12_345.6), '$12,346');
    assert.equal(usd(0.004), '$0.004');
    assert.equal(integer(1234567), '1,234,567');
    assert.equal(duration(3 * 3_600_000 + 5 * 60_000), '3 h 5 min');
    assert.equal(l10n.t('Sessions'), 'Sessions');
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

  it('carries the display with a view message, validated like the rest', () => {
    const view = { type: 'view', view: {}, display: { locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7.1 } };
    assert.equal(displaySchema.safeParse(view.display).success, true);
    assert.equal(displaySchema.safeParse({ locale: 'zh-cn', currency: 'EUR', cnyPerUsd: 7.1 }).success, false);
    assert.equal(toViewSchema.safeParse({ ...view, display: { locale: 'x', currency: 'USD', cnyPerUsd: -1 } }).success, false);
  });
});
