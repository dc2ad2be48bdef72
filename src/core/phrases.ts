// The one phrasebook. Every word a user or an agent reads — status bar, tooltip, notifications, CLI human output,
// dashboard page, estimate summary, Routing Report, live sessions — comes from l10n/bundle.l10n*.json, keyed by the
// English text like `vscode.l10n.t` (VS Code loads the same files for `src/ui`). Core and the CLI and the webview,
// which cannot call `vscode.l10n`, look the words up here.
// Pure and small: no bundle is compiled in. English is the key itself; another language's words come from whoever
// can read them — sources/phraseFiles.ts reads l10n/bundle.l10n.<id>.json beside dist/ (CLI, extension host), the
// dashboard page gets them from the host with its first view — and only when that language is asked for.

/** The display languages with a bundle in l10n/, by VS Code's locale ids. */
export const phraseLanguages = ['en', 'zh-cn', 'ja', 'ko', 'de', 'fr', 'es', 'pt-br', 'ru'] as const;
export type PhraseLanguage = (typeof phraseLanguages)[number];

/**
 * The bundle for a BCP 47 / VS Code locale tag (`ja`, `pt-BR`, `zh-Hans-CN`, `de-AT`), else English.
 * Chinese: Simplified for zh, zh-CN, zh-SG and zh-Hans*; Traditional (zh-TW, zh-HK, zh-MO, zh-Hant*) has no bundle
 * yet and stays English rather than showing Simplified characters. Other languages by their first subtag; every
 * Portuguese variant (pt, pt-PT) reads the Brazilian text, closer for a Portuguese reader than English.
 */
export function phraseLanguageOf(locale: string): PhraseLanguage {
  const tag = locale.toLowerCase();
  const [lang, region = ''] = tag.split('-');
  if (lang === 'zh') return tag === 'zh' || region === 'cn' || region === 'sg' || region === 'hans' ? 'zh-cn' : 'en';
  const id = lang === 'pt' ? 'pt-br' : lang;
  return (phraseLanguages as readonly string[]).includes(id) ? (id as PhraseLanguage) : 'en';
}

/** `t` behaves as `vscode.l10n.t`: look the English message up, fill `{0}`, `{1}` from the arguments. */
export interface Phrasebook {
  /** The language the words are in: English when the asked-for language's bundle could not be had. */
  readonly language: PhraseLanguage;
  t(message: string, ...args: (string | number)[]): string;
}

export type PhraseTable = Readonly<Record<string, string>>;
/** Reads one language's words (never asked for English); undefined when they cannot be had. */
export type PhraseLoader = (language: Exclude<PhraseLanguage, 'en'>) => PhraseTable | undefined;

let loader: PhraseLoader | undefined;
const tables = new Map<PhraseLanguage, PhraseTable>();
const books = new Map<PhraseLanguage, Phrasebook>();

/** Installs how bundles are read (the CLI, the extension host); words an earlier loader read are forgotten. */
export function setPhraseLoader(load: PhraseLoader | undefined): void {
  if (load === loader) return;
  loader = load;
  tables.clear();
  books.clear();
}

/** Gives a language's words directly (the dashboard page, from the host's message). */
export function providePhrases(language: PhraseLanguage, table: PhraseTable): void {
  if (language === 'en') return;
  tables.set(language, table);
  books.delete(language);
}

/** A language's words as loaded (for the host to send the page); undefined for English or when unavailable. */
export function phraseTable(language: PhraseLanguage): PhraseTable | undefined {
  if (language === 'en') return undefined;
  let table = tables.get(language);
  if (!table && loader) {
    table = loader(language);
    if (table) tables.set(language, table);
  }
  return table;
}

function fill(text: string, args: readonly (string | number)[]): string {
  return text.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

const english: Phrasebook = { language: 'en', t: (message, ...args) => fill(message, args) };

/** The phrasebook for a language; English (the key itself) when the language's words cannot be had. */
export function phrasebook(language: PhraseLanguage): Phrasebook {
  if (language === 'en') return english;
  let book = books.get(language);
  if (!book) {
    const table = phraseTable(language);
    // Not cached while missing: a loader installed later (or words sent later) still takes effect.
    if (!table) return english;
    book = { language, t: (message, ...args) => fill(table[message] ?? message, args) };
    books.set(language, book);
  }
  return book;
}
