// Every display language: its bundle (l10n/bundle.l10n.<id>.json) and manifest strings (package.nls.<id>.json)
// against the English ones, the locale ids that pick it, the words read only when a language is asked for, and
// the status line, live routing hint and Routing Report spoken in it.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCommandArgs } from '../../src/cli/args';
import { cliFormatter, cliLanguage } from '../../src/cli/common';
import { defaultSettings } from '../../src/core/defaultSettings';
import { Formatter } from '../../src/core/format';
import { phrasebook, phraseLanguageOf, phraseLanguages, setPhraseLoader, type PhraseLanguage } from '../../src/core/phrases';
import { liveRoutingHint, type ModelTiers } from '../../src/core/router';
import { routingHintTexts } from '../../src/core/routing/routingPhrases';
import { buildRoutingReport, formatRoutingReportMarkdown, type RoutingReportSession } from '../../src/core/routingReport';
import type { UsageEvent } from '../../src/core/usageEvent';
import { readPhraseBundle, usePhraseFiles } from '../../src/sources/phraseFiles';

const root = path.join(__dirname, '..', '..');
const json = (file: string): Record<string, string> => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const english = json('l10n/bundle.l10n.json');
const nlsEnglish = json('package.nls.json');
const others = phraseLanguages.filter((l): l is Exclude<PhraseLanguage, 'en'> => l !== 'en');

const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
/** What must survive translation besides `{n}`: command links, `#setting#` references, `code` spans' count. */
const fixedParts = (text: string) => [...(text.match(/command:[\w.]+|#[\w.]+#/g) ?? [])].sort();
const codeSpans = (text: string) => (text.match(/`/g) ?? []).length;
/** Keys with no word to translate: placeholders, punctuation and unit symbols only (`{0}: {1}`, `{0}/h`, `{0} s`). */
const wordless = (key: string) => !/\p{L}/u.test(key.replace(/\{\d+\}/g, '').replace(/\b(h|min|s|tok|MTok)\b/g, ''));

/**
 * Values that may equal the English key, per language: words the language writes the same way (German
 * `Dashboard`, French `Source`), abbreviations and units. Anything else identical is an untranslated string.
 */
const sameAsEnglish: Partial<Record<PhraseLanguage, readonly string[]>> = {
  ja: [],
  ko: [],
  de: [' · live', 'Budget', 'Budgets', 'Dashboard', 'Limits', 'Name', 'Start', 'Status', 'in {0}', 'offline', '{0} in {1}?'],
  fr: [
    ' ({0} sessions)', '1 session', 'Agents', 'Budget', 'Budgets', 'Date', 'Session', 'Session {0}', 'Session {0} ({1}, {2})', 'Session {0} · {1}',
    'Sessions', 'Source', 'Tokens', 'Total', 'architecture', 'migration', 'premium', 'question', 'tests', '{0} sessions', '{0} tokens',
  ],
  es: ['30 d', '7 d', '{0} d', 'Tokens', 'Total', '{0} tokens'],
  'pt-br': ['Status', 'Tokens', 'Total', 'offline', 'premium', '{0} tokens'],
  ru: [],
};

describe('display languages', () => {
  it('has a bundle with exactly the English keys for every language, and the same placeholders', () => {
    for (const language of others) {
      const file = `l10n/bundle.l10n.${language}.json`;
      assert.ok(existsSync(path.join(root, file)), file);
      const bundle = json(file);
      assert.deepEqual(Object.keys(bundle).filter((k) => !(k in english)), [], `${file}: keys English does not have`);
      assert.deepEqual(Object.keys(english).filter((k) => !(k in bundle)), [], `${file}: missing keys`);
      for (const [key, value] of Object.entries(bundle)) {
        assert.deepEqual(placeholders(value), placeholders(key), `${file}: placeholders of ${JSON.stringify(key)}`);
        assert.deepEqual(fixedParts(value), fixedParts(key), `${file}: command links of ${JSON.stringify(key)}`);
        assert.equal(codeSpans(value) % 2, 0, `${file}: unbalanced backticks in ${JSON.stringify(value)}`);
        assert.ok(value.trim(), `${file}: ${JSON.stringify(key)} is empty`);
        // A Markdown heading or table stays one; a leading space (appended fragments) stays where English has one.
        if (/^#+ |^\|/.test(key)) assert.equal(value.match(/^#+ |^\|/)?.[0], key.match(/^#+ |^\|/)?.[0], `${file}: ${key}`);
        if (key.startsWith('|')) assert.equal(value.split('|').length, key.split('|').length, `${file}: table columns of ${key}`);
      }
      if (language === 'zh-cn') continue; // Its own test (l10n.test.ts) requires every value to differ.
      const allowed = new Set(sameAsEnglish[language] ?? []);
      const same = Object.keys(english).filter((k) => bundle[k] === k && !wordless(k) && !allowed.has(k));
      assert.deepEqual(same, [], `${file}: left in English`);
    }
  });

  it('has manifest strings (package.nls.<id>.json) for every language: every key, kept links and setting references', () => {
    for (const language of others) {
      const file = `package.nls.${language}.json`;
      assert.ok(existsSync(path.join(root, file)), file);
      const nls = json(file);
      assert.deepEqual(Object.keys(nls).filter((k) => !(k in nlsEnglish)), [], `${file}: keys package.nls.json does not have`);
      assert.deepEqual(Object.keys(nlsEnglish).filter((k) => !(k in nls)), [], `${file}: missing keys`);
      for (const [key, value] of Object.entries(nls)) {
        assert.ok(value.trim(), `${file}: ${key} is empty`);
        assert.deepEqual(fixedParts(value), fixedParts(nlsEnglish[key]), `${file}: ${key}`);
        assert.equal(codeSpans(value) % 2, 0, `${file}: unbalanced backticks in ${key}`);
      }
    }
  });

  it('picks the bundle from VS Code locale ids and POSIX names, English for the rest', () => {
    const cases: [string, string][] = [
      ['en', 'en'], ['en-GB', 'en'], ['', 'en'], ['C', 'en'], ['xx', 'en'],
      ['zh-cn', 'zh-cn'], ['zh-CN', 'zh-cn'], ['zh', 'zh-cn'], ['zh-SG', 'zh-cn'], ['zh-Hans-CN', 'zh-cn'],
      // Traditional Chinese has no bundle: English rather than Simplified characters.
      ['zh-tw', 'en'], ['zh-HK', 'en'], ['zh-Hant-TW', 'en'],
      ['ja', 'ja'], ['ja-JP', 'ja'], ['ko', 'ko'], ['ko-KR', 'ko'],
      ['de', 'de'], ['de-AT', 'de'], ['fr', 'fr'], ['fr-CA', 'fr'], ['es', 'es'], ['es-419', 'es'],
      // Every Portuguese reads the Brazilian text.
      ['pt-br', 'pt-br'], ['pt-BR', 'pt-br'], ['pt', 'pt-br'], ['pt-PT', 'pt-br'], ['ru', 'ru'], ['ru-RU', 'ru'],
    ];
    for (const [locale, language] of cases) {
      const expected = (phraseLanguages as readonly string[]).includes(language) ? language : 'en';
      assert.equal(phraseLanguageOf(locale), expected, locale);
    }
    const args = (...argv: string[]) => parseCommandArgs(argv, { lang: { type: 'string' } });
    assert.equal(cliLanguage(args('--lang', 'ja')), 'ja');
    assert.equal(cliLanguage(args(), { LANG: 'ja_JP.UTF-8' }), 'ja');
    assert.equal(cliLanguage(args(), { LC_ALL: 'ja_JP.eucJP', LANG: 'en_US.UTF-8' }), 'ja');
    assert.equal(cliLanguage(args('--lang', 'en'), { LANG: 'ja_JP.UTF-8' }), 'en');
  });

  it('reads a language\'s words only when that language is asked for, once; English reads nothing', () => {
    const reads: string[] = [];
    const dirs = [path.join(root, 'l10n')];
    setPhraseLoader((language) => (reads.push(language), readPhraseBundle(dirs, language)));
    try {
      assert.equal(new Formatter({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 }).l10n.t('Total'), 'Total');
      assert.equal(phrasebook('en').t('{0} sessions', 3), '3 sessions');
      assert.deepEqual(reads, [], 'English read a bundle');
      const [language] = others;
      assert.notEqual(phrasebook(language).t('Total'), 'Total');
      assert.notEqual(new Formatter({ locale: language, currency: 'USD', cnyPerUsd: 7.1 }).l10n.t('Total'), 'Total');
      assert.deepEqual(reads, [language], 'read once');
      // Without a readable bundle the words are English, and the formatter says so.
      setPhraseLoader(() => undefined);
      const fallback = new Formatter({ locale: language, currency: 'USD', cnyPerUsd: 7.1 });
      assert.equal(fallback.language, 'en');
      assert.equal(fallback.l10n.t('Total'), 'Total');
    } finally {
      usePhraseFiles();
    }
    // No bundle is compiled in: core/phrases.ts imports no JSON.
    assert.doesNotMatch(readFileSync(path.join(root, 'src/core/phrases.ts'), 'utf8'), /^import .*\.json/m);
  });

  it('speaks every language in the status text, the live routing hint and the Routing Report, amounts formatted for it', () => {
    const tiers: ModelTiers = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-5', large: 'claude-opus-4-5' };
    const nowMs = Date.parse('2026-12-04T05:00:00Z');
    const request = (i: number): UsageEvent => ({
      source: 'claude', timestampMs: nowMs - (10 - i) * 60_000, sessionId: 's1', agentId: '', project: '-home-me-app', model: 'claude-opus-4-5',
      inputTokens: 850, outputTokens: 300, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 25_000,
    });
    const hint = liveRoutingHint([0, 1, 2, 3, 4, 5].map(request), 'claude-opus-4-5', tiers)!;
    assert.ok(hint, 'a live hint for six simple Opus requests');
    const session: RoutingReportSession = {
      sessionId: 'rename', project: 'shop', model: 'claude-opus-4-5-20251101', firstPrompt: 'rename the variable usr to user in this file',
      costUsd: 2.5, mix: { inputTokens: 10_000, outputTokens: 4_000, cacheWrite5mTokens: 25_000, cacheWrite1hTokens: 0, cacheReadTokens: 200_000 },
    } as RoutingReportSession;
    const report = buildRoutingReport([session], { tiers: { ...tiers, large: 'claude-opus-4-5-20251101' } });
    for (const language of others) {
      const bundle = json(`l10n/bundle.l10n.${language}.json`);
      const fmt = cliFormatter(parseCommandArgs(['--lang', language], { lang: { type: 'string' } }), defaultSettings, {});
      assert.equal(fmt.language, language);
      assert.equal(fmt.statusText({ totalCost: 1234.5, totalTokens: 1_900_000 }, undefined), bundle['{0} today · {1}'].replace('{0}', fmt.money(1234.5)).replace('{1}', '1.9M tok'));
      assert.notEqual(fmt.money(1234.5), '$1234.50', `${language}: digits grouped for the locale`);
      const texts = routingHintTexts(fmt, hint);
      assert.equal(texts.text, bundle['{0} would do · −{1}%'].replace('{0}', 'Haiku').replace('{1}', '80'), language);
      assert.ok(texts.detail.startsWith(bundle['The last {0} requests on {1} look simple:'].replace('{0}', '6').replace('{1}', 'Opus')), texts.detail);
      const markdown = formatRoutingReportMarkdown(report, 'x', fmt);
      assert.ok(markdown.startsWith(bundle['# Tokenmeter: routing report ({0})'].replace('{0}', 'x')), markdown);
      assert.ok(markdown.includes(bundle['| Project | Model | Sessions | Cost | Could be cheaper | Saving |']), markdown);
    }
  });
});
