// The one phrasebook. Every word a user or an agent reads — status bar, tooltip, notifications, CLI human output,
// dashboard page, estimate summary, Routing Report, live sessions — comes from l10n/bundle.l10n*.json, keyed by the
// English text like `vscode.l10n.t` (VS Code loads the same files for `src/ui`). Core and the CLI and the webview,
// which cannot call `vscode.l10n`, look the words up here. Pure: the bundles are static data compiled in.
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';

/** Simplified Chinese for any `zh` locale except Taiwan/Hong Kong variants, else English. */
export type PhraseLanguage = 'en' | 'zh-cn';

export function phraseLanguageOf(locale: string): PhraseLanguage {
  const tag = locale.toLowerCase();
  if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-hans' || tag.startsWith('zh-hans') || tag === 'zh-sg') return 'zh-cn';
  return 'en';
}

/** `t` behaves as `vscode.l10n.t`: look the English message up, fill `{0}`, `{1}` from the arguments. */
export interface Phrasebook {
  readonly language: PhraseLanguage;
  t(message: string, ...args: (string | number)[]): string;
}

const bundles: Record<PhraseLanguage, Record<string, string>> = { en: {}, 'zh-cn': zhCn as Record<string, string> };

function fill(text: string, args: readonly (string | number)[]): string {
  return text.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

const books = new Map<PhraseLanguage, Phrasebook>();

/** The phrasebook for a language (English is the key itself). */
export function phrasebook(language: PhraseLanguage): Phrasebook {
  let book = books.get(language);
  if (!book) {
    const bundle = bundles[language];
    book = { language, t: (message, ...args) => fill(bundle[message] ?? message, args) };
    books.set(language, book);
  }
  return book;
}
