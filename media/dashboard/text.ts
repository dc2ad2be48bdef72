// Words and numbers on the page, in the editor's display language and currency (sent with each view): every
// amount and count goes through the one formatter (core/format.ts), every word through the phrasebook.
import { englishUsd, formatTokens, Formatter, type DisplayOptions } from '../../src/core/format';
import { phraseLanguageOf, providePhrases, type PhraseTable } from '../../src/core/phrases';

let fmt: Formatter = englishUsd;
// Formatters are built once per display: a fresh Intl formatter per table cell costs a frame per hundred rows.
let dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
let lastDisplay = '';

/**
 * Switches language and currency; true when they changed (the page then re-renders). The page has no bundle of its
 * own: `words` is the language's phrase table from the host (sent with a new display); without it, English.
 */
export function setDisplay(display: DisplayOptions, words?: PhraseTable): boolean {
  if (words) providePhrases(phraseLanguageOf(display.locale), words);
  const key = JSON.stringify(display);
  if (key === lastDisplay) return false;
  lastDisplay = key;
  fmt = new Formatter(display);
  dateTimeFormat = new Intl.DateTimeFormat(supported(display.locale), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  if (typeof document !== 'undefined') document.documentElement.lang = fmt.language.replace(/-\w+$/, (region) => region.toUpperCase()); // zh-CN, pt-BR
  return true;
}

function supported(locale: string): string | undefined {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale])[0];
  } catch {
    return undefined;
  }
}

/** The phrasebook, as `vscode.l10n.t`: `l10n.t('Spent · {0}', label)`. */
export const l10n = { t: (message: string, ...args: (string | number)[]): string => fmt.l10n['t'](message, ...args) };

/** A total: cents below ten thousand, whole and grouped from there (`Formatter.tableMoney`). */
export function usd(value: number): string {
  return fmt.tableMoney(value);
}

/** A price per million tokens: `$3.00`, `$0.005` below a cent, in the display currency. */
export function rate(value: number): string {
  return fmt.money(value);
}

/** Short money labels for chart axes: $150, $1.2K, $0.25 (`Formatter.axisMoney`). */
export function axisMoney(values: number[]): string[] {
  return fmt.axisMoney(values);
}

/** A money axis's ticks (USD) at round amounts of the display currency (`Formatter.axisTicks`). */
export function moneyTicks(minUsd: number, maxUsd: number, stepUsd: number): number[] {
  return fmt.axisTicks(minUsd, maxUsd, stepUsd);
}

export function tokens(value: number): string {
  return formatTokens(value);
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function dateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

export function integer(value: number): string {
  return fmt.wholeNumber(value);
}

/** A session's length: `40 s`, `3 h 5 min`, `2 d 4 h` (`Formatter.duration`). */
export function duration(ms: number): string {
  return fmt.duration(ms);
}

export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** Claude's project folders are paths with slashes turned to dashes: show the last part. */
export function projectName(project: string): string {
  if (!project) return l10n.t('(unknown)');
  const parts = project.split(/[\\/]/).filter(Boolean);
  return parts.length > 0 ? parts[parts.length - 1] : project;
}
