// Words and numbers on the page, in the editor's display language and currency (sent with each view). English
// with US dollars keeps the page's own compact rules ($12,345 above ten thousand); everything else goes through
// the one formatter (core/format.ts) and the phrasebook.
import { englishUsd, Formatter, type DisplayOptions } from '../../src/core/format';

let fmt: Formatter = englishUsd;
// Formatters are built once per display: a fresh Intl formatter per table cell costs a frame per hundred rows.
let dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
let lastDisplay = '';

/** Switches language and currency; true when they changed (the page then re-renders). */
export function setDisplay(display: DisplayOptions): boolean {
  const key = JSON.stringify(display);
  if (key === lastDisplay) return false;
  lastDisplay = key;
  fmt = new Formatter(display);
  dateTimeFormat = new Intl.DateTimeFormat(supported(display.locale), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  if (typeof document !== 'undefined') document.documentElement.lang = fmt.language === 'zh-cn' ? 'zh-CN' : display.locale || 'en';
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

export function usd(value: number): string {
  if (!fmt.speaksCoreText) return fmt.isLargeMoney(value) ? fmt.wholeMoney(value) : fmt.money(value);
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(3)}`;
  if (Math.abs(value) >= 10_000) return `$${integer(value)}`;
  return `$${value.toFixed(2)}`;
}

/** A price per million tokens: `$3.00` (two decimals in dollars), else the display currency. */
export function rate(value: number): string {
  return fmt.speaksCoreText ? `$${value.toFixed(2)}` : fmt.money(value);
}

/** Short money labels for chart axes: $150, $1.2K, $0.25 (in dollars); the display currency otherwise. */
export function axisMoney(values: number[]): string[] {
  if (!fmt.speaksCoreText) return values.map((v) => fmt.compactMoney(v));
  const max = Math.max(...values.map(Math.abs), 0);
  return values.map((v) => (max >= 1_000 ? `$${(v / 1_000).toFixed(v % 1_000 === 0 ? 0 : 1)}K` : max >= 10 || Number.isInteger(v) ? `$${Math.round(v)}` : `$${v.toFixed(2)}`));
}

export function tokens(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}K`;
  return String(Math.round(value));
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function dateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

export function integer(value: number): string {
  return fmt.speaksCoreText ? integerFormat.format(value) : fmt.number(value);
}

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return l10n.t('{0} min', minutes);
  return `${l10n.t('{0} h', Math.floor(minutes / 60))} ${l10n.t('{0} min', minutes % 60)}`;
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
