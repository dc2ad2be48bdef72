// The one formatter: how money (USD or CNY per setting), tokens, dates, durations and the status phrases read
// for one display locale and currency. Words come from the phrasebook (`./phrases`). Pure: the locale comes from
// the caller (`vscode.env.language` in the editor, `TOKENMETER_LANGUAGE`/settings in the CLI).
// In English with USD the status phrases are the text the CLI prints and its tests pin.
import type { PeriodKind } from './calendar';
import { phrasebook, phraseLanguageOf, type Phrasebook, type PhraseLanguage } from './phrases';
import { formatTokens, formatUsd } from './plainNumbers';
import type { BudgetLevel, BudgetState } from './status/estimatedSpend';
import type { Status } from './status/computeStatus';
import type { Limit, LimitUnit } from './status/limit';

export { phraseLanguageOf, type PhraseLanguage };
export { formatTokens, formatUsd };

export type DisplayCurrency = 'USD' | 'CNY';

export interface DisplayOptions {
  /** A BCP 47 tag as VS Code reports it (`en`, `zh-cn`, `de`); empty = English. */
  locale: string;
  currency: DisplayCurrency;
  /** Display rate, CNY per USD (not a price: every cost is computed in USD). */
  cnyPerUsd: number;
  /** IANA zone for times and dates; empty = the runtime's zone. */
  timeZone?: string;
}

/** The words for a limit's window or period, for the status bar (`Claude 5h`) and its long label. */
const officialSourceTitle = (s: string) => (s === 'claude' ? 'Claude' : s === 'copilot' ? 'Copilot' : s === 'codex' ? 'Codex' : s);

/** Numbers, money, times and status phrases for one locale and currency. */
export class Formatter {
  readonly language: PhraseLanguage;
  /** The phrasebook for this language: its `t` works as `vscode.l10n.t`. */
  readonly l10n: Phrasebook;
  /** English keeps the core's ungrouped digits (`$1234.50`), identical to the CLI. */
  private readonly plainDigits: boolean;
  private readonly intlLocale: string | undefined;

  constructor(readonly options: DisplayOptions) {
    // The language the words are really in: English when the locale's bundle could not be read.
    this.l10n = phrasebook(phraseLanguageOf(options.locale));
    this.language = this.l10n.language;
    this.plainDigits = options.locale === '' || options.locale.toLowerCase().startsWith('en');
    this.intlLocale = this.plainDigits ? undefined : Formatter.supportedLocale(options.locale);
  }

  private static supportedLocale(locale: string): string | undefined {
    try {
      return Intl.NumberFormat.supportedLocalesOf([locale])[0];
    } catch {
      // An ill-formed tag from the host: fall back to the runtime's default locale.
      return undefined;
    }
  }

  /** English, US dollars, plain digits: every phrase is the core's own text (what the CLI prints). */
  get speaksCoreText(): boolean {
    return this.plainDigits && this.options.currency === 'USD';
  }

  /** `$` or `¥`: for a column heading such as `Burn $/h`. */
  get currencySymbol(): string {
    return this.options.currency === 'CNY' ? '¥' : '$';
  }

  private convert(usd: number): number {
    return this.options.currency === 'CNY' ? usd * this.options.cnyPerUsd : usd;
  }

  private digits(value: number, fractionDigits: number): string {
    if (this.plainDigits) return value.toFixed(fractionDigits);
    return new Intl.NumberFormat(this.intlLocale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
  }

  // Built once: a fresh Intl formatter per table cell costs the dashboard a frame per hundred rows.
  private wholeFormat: Intl.NumberFormat | undefined;

  /** A whole number grouped for the locale (English too): `12,345` / `12,345` / `12.345`. */
  wholeNumber(value: number): string {
    this.wholeFormat ??= new Intl.NumberFormat(this.intlLocale ?? 'en-US', { maximumFractionDigits: 0 });
    return this.wholeFormat.format(value);
  }

  /** A cost in the display currency: `$12.40`, `¥88.04`, `$0.004` below a cent. */
  money(usd: number): string {
    if (this.plainDigits && this.options.currency === 'USD') return formatUsd(usd);
    const value = this.convert(usd);
    const small = value !== 0 && Math.abs(value) < 0.01;
    return `${this.currencySymbol}${this.digits(value, small ? 3 : 2)}`;
  }

  /** A large amount without cents, grouped for the locale: `¥14,200`, `$12,346`. */
  wholeMoney(usd: number): string {
    return `${this.currencySymbol}${this.wholeNumber(this.convert(usd))}`;
  }

  /** A total in a table: cents below ten thousand (`$1234.50`), whole and grouped from there (`$12,346`). */
  tableMoney(usd: number): string {
    return Math.abs(this.convert(usd)) >= 10_000 ? this.wholeMoney(usd) : this.money(usd);
  }

  /** A rate or projection in a sentence: cents below a hundred (`$12.40`), whole and grouped from there (`$1,285`). */
  roundedMoney(usd: number): string {
    return Math.abs(this.convert(usd)) >= 100 ? this.wholeMoney(usd) : this.money(usd);
  }

  /**
   * Labels for a chart axis, scaled by the largest: `$1.2K` (and `$1K`) from a thousand, whole units from ten
   * or for whole values (`$150`), else cents (`$0.25`); the axis's zero is `$0`.
   */
  axisMoney(usdValues: readonly number[]): string[] {
    // Ticks from axisTicks are round in the display currency up to float noise (5 / 7.1 * 7.1): drop the noise.
    const values = usdValues.map((v) => Math.round(this.convert(v) * 1e6) / 1e6);
    const max = Math.max(...values.map(Math.abs), 0);
    return values.map((v) => {
      if (v === 0) return `${this.currencySymbol}0`;
      if (max >= 1_000) return `${this.currencySymbol}${this.digits(v / 1_000, v % 1_000 === 0 ? 0 : 1)}K`;
      return `${this.currencySymbol}${this.digits(max >= 10 || Number.isInteger(v) ? Math.round(v) : v, max >= 10 || Number.isInteger(v) ? 0 : 2)}`;
    });
  }

  /**
   * Where a money axis's ticks go (in USD, the chart's data) so that its labels are round amounts of the display
   * currency: the chart library picks `stepUsd` round in dollars, which in yuan would read ¥3.55, ¥7.10; this
   * takes the next round step (1, 2, 2.5 or 5 times a power of ten) in the display currency instead.
   */
  axisTicks(minUsd: number, maxUsd: number, stepUsd: number): number[] {
    const rate = this.convert(1);
    const [min, max, rawStep] = [minUsd * rate, maxUsd * rate, stepUsd * rate];
    if (!(rawStep > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
    const magnitude = 10 ** Math.floor(Math.log10(rawStep));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rawStep * (1 - 1e-9)) ?? 10 * magnitude;
    const ticks: number[] = [];
    for (let k = Math.ceil(min / step - 1e-9); k * step <= max * (1 + 1e-9) && ticks.length < 1_000; k++) ticks.push((k * step) / rate + 0); // + 0: no -0 tick
    return ticks;
  }

  /** A configured cap: `$50`, not `$50.00`, when it is round in the display currency. */
  capMoney(usd: number): string {
    // A converted cap is rounded to the fen first (50 × 7.1 is 354.99999…); a USD cap is as typed.
    const value = this.options.currency === 'USD' ? usd : Math.round(this.convert(usd) * 100) / 100;
    if (Number.isInteger(value)) return `${this.currencySymbol}${this.digits(value, 0)}`;
    return this.money(usd);
  }

  /** Token counts stay compact (`1.9M`) in every language: that is how agents report them. */
  tokens(tokens: number): string {
    return `${formatTokens(tokens)} tok`;
  }

  /** A plain number for the locale (grouping, decimal mark). */
  number(value: number, fractionDigits = 0): string {
    return this.digits(value, fractionDigits);
  }

  private dateOptions(extra: Intl.DateTimeFormatOptions): Intl.DateTimeFormatOptions {
    return this.options.timeZone ? { ...extra, timeZone: this.options.timeZone } : extra;
  }

  /** `14:05` / `02:05 PM` for the locale. */
  time(ms: number): string {
    return new Date(ms).toLocaleTimeString(this.options.locale || undefined, this.dateOptions({ hour: '2-digit', minute: '2-digit' }));
  }

  /** `Tue 14:05` / `周二 14:05`. */
  dateTime(ms: number): string {
    return new Date(ms).toLocaleString(this.options.locale || undefined, this.dateOptions({ weekday: 'short', hour: '2-digit', minute: '2-digit' }));
  }

  /** `Nov 24, 2026` / `2026年11月24日`. */
  date(ms: number): string {
    return new Date(ms).toLocaleDateString(this.options.locale || undefined, this.dateOptions({ year: 'numeric', month: 'short', day: 'numeric' }));
  }

  private amount(unit: LimitUnit, value: number): string {
    if (unit === 'usd') return this.money(value);
    if (unit === 'tokens') return this.tokens(value);
    if (unit === 'credits') return this.l10n.t('{0} credits', this.number(value, Number.isInteger(value) ? 0 : 2));
    return `${Math.round(value)}%`;
  }

  private cap(unit: LimitUnit, value: number): string {
    return unit === 'usd' ? this.capMoney(value) : this.amount(unit, value);
  }

  /** The word for a budget period: `today` / `今日`. */
  period(period: PeriodKind): string {
    const t = this.l10n.t;
    return period === 'day' ? t('today') : period === 'week' ? t('this week') : t('this month');
  }

  /**
   * The status line from the logs alone: today's spend, or what is left of the tightest local cap. Plain text:
   * `src/ui` adds the icon (`statusIcon`).
   */
  statusText(today: { totalCost: number; totalTokens: number }, tightest: BudgetState | undefined): string {
    const t = this.l10n.t;
    if (!tightest) return t('{0} today · {1}', this.money(today.totalCost), this.tokens(today.totalTokens));
    const word = this.period(tightest.period);
    const limit = this.cap(tightest.unit, tightest.limit);
    if (tightest.level === 'exceeded') return t('Over budget: {0} of {1} {2}', this.amount(tightest.unit, tightest.spent), limit, word);
    return t('{0} left of {1} {2}', this.amount(tightest.unit, tightest.remaining), limit, word);
  }

  /**
   * The status line for the tightest of every limit: a local cap or none reads as `statusText`, an endpoint or
   * plan window by its short name. Plain text (see `statusIcon`).
   */
  combinedText(
    estimatedSpend: { today: { totalCost: number; totalTokens: number }; tightest?: BudgetState },
    tightest: Limit | undefined,
    level: BudgetLevel | 'idle',
  ): string {
    if (!tightest || tightest.origin === 'estimated') return this.statusText(estimatedSpend.today, estimatedSpend.tightest);
    const t = this.l10n.t;
    const label = this.limitShortLabel(tightest);
    let text: string;
    if (level === 'exceeded') {
      text = tightest.unit === 'percent'
        ? t('{0} limit reached', label)
        : t('{0} limit reached: {1} of {2}', label, this.amount(tightest.unit, tightest.used ?? 0), this.cap(tightest.unit, tightest.limit ?? 0));
    } else if (tightest.unit === 'percent') {
      text = t('{0} today · {1} {2}%', this.money(estimatedSpend.today.totalCost), label, Math.round((tightest.usedFraction ?? 0) * 100));
    } else {
      text = t('{0} left of {1} · {2}', this.amount(tightest.unit, tightest.remaining ?? 0), this.cap(tightest.unit, tightest.limit ?? 0), label);
    }
    // The last good value after a failed poll: say so, the tooltip says why.
    if (tightest.stale) text += t(' (stale)');
    return text;
  }

  /** Which icon `src/ui` puts before the status line: `error` once a limit is reached, else `pulse`. */
  statusIcon(status: Pick<Status, 'estimatedSpend' | 'tightest' | 'level'>): 'pulse' | 'error' {
    if (!status.tightest || status.tightest.origin === 'estimated') return status.estimatedSpend.tightest?.level === 'exceeded' ? 'error' : 'pulse';
    return status.level === 'exceeded' ? 'error' : 'pulse';
  }

  /** The status bar line for a status from `computeStatus` (with the `$(icon)` the editor and `--json` show). */
  status(status: Pick<Status, 'estimatedSpend' | 'tightest' | 'level'>): string {
    return this.combinedText(status.estimatedSpend, status.tightest, status.level);
  }

  /** A limit's name for the tooltip and notifications: `Daily cap`, `litellm key budget`, `Claude 5-hour window`. */
  limitLabel(l: Pick<Limit, 'origin' | 'source' | 'scope' | 'unit' | 'name'>): string {
    const t = this.l10n.t;
    if (l.origin === 'estimated') {
      const tokens = l.unit === 'tokens';
      switch (l.scope) {
        case 'day': return tokens ? t('Daily cap (tokens)') : t('Daily cap');
        case 'week': return tokens ? t('Weekly cap (tokens)') : t('Weekly cap');
        default: return tokens ? t('Monthly cap (tokens)') : t('Monthly cap');
      }
    }
    if (l.origin === 'endpoint') {
      switch (l.scope) {
        case 'key': return t('{0} key budget', l.source);
        case 'team': return t('{0} team pool', l.source);
        case 'org': return t('{0} org cap', l.source);
        case 'member': return t('{0} member limit', l.source);
        case 'project': return t('{0} project cap', l.source);
        default: return t('{0} budget', l.source);
      }
    }
    // A named limit (a per-model Codex limit, a model-scoped Claude week) carries its name after the source.
    const source = l.name ? `${officialSourceTitle(l.source)} ${l.name}` : officialSourceTitle(l.source);
    if (l.scope === 'credits') return t('{0} credits balance', source);
    if (l.scope === '5h') return t('{0} 5-hour window', source);
    if (l.scope === '7d') return t('{0} weekly window', source);
    return `${source} ${l.scope}`;
  }

  /** The short name the status bar shows: `daily cap`, `litellm`, `litellm team`, `Claude 5h`, `Copilot premium`. */
  limitShortLabel(l: Pick<Limit, 'origin' | 'source' | 'scope' | 'name'>): string {
    const t = this.l10n.t;
    if (l.origin === 'estimated') return l.scope === 'day' ? t('daily cap') : l.scope === 'week' ? t('weekly cap') : t('monthly cap');
    if (l.origin === 'endpoint') return l.scope === 'key' ? l.source : `${l.source} ${l.scope}`;
    const source = l.name ? `${officialSourceTitle(l.source)} ${l.name}` : officialSourceTitle(l.source);
    return `${source} ${l.scope === 'premium requests' ? t('premium') : l.scope}`;
  }

  /** `updated 40 s ago` / `40 秒前更新`. */
  updatedAgo(ageMs: number): string {
    return this.age(ageMs);
  }

  /** `in 3 h 10 min` / `3 小时 10 分钟后`. */
  inDuration(ms: number): string {
    return this.l10n.t('in {0}', this.duration(ms));
  }

  /** A duration: `3 h 10 min` / `3 小时 10 分钟`, `2 d 4 h`, `40 s`. */
  duration(ms: number): string {
    const t = this.l10n.t;
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return t('{0} s', s);
    const min = Math.floor(s / 60);
    if (min < 60) return t('{0} min', min);
    const h = Math.floor(min / 60);
    if (h < 48) return min % 60 ? `${t('{0} h', h)} ${t('{0} min', min % 60)}` : t('{0} h', h);
    const d = Math.floor(h / 24);
    return h % 24 ? `${t('{0} d', d)} ${t('{0} h', h % 24)}` : t('{0} d', d);
  }

  /** `updated 40 s ago` / `40 秒前更新`: whole units (hours from 60 min, days from 48 h), no remainder. */
  private age(ageMs: number): string {
    const s = Math.max(0, Math.round(ageMs / 1000));
    if (s < 5) return this.l10n.t('updated just now');
    const min = Math.floor(s / 60);
    const h = Math.floor(min / 60);
    const whole = s < 60 ? s * 1000 : min < 60 ? min * 60_000 : h < 48 ? h * 3_600_000 : Math.floor(h / 24) * 86_400_000;
    return this.l10n.t('updated {0} ago', this.duration(whole));
  }

  /**
   * One plain-text tooltip line per limit (the caller escapes it), in the display language and currency:
   * "litellm key budget: $12.40 of $50 (25%), resets in 3 h · updated 40 s ago".
   */
  limitLine(c: Limit, nowMs: number): string {
    const t = this.l10n.t;
    let first: string;
    if (c.expired) first = t('reset since it was recorded (was {0})', this.amount(c.unit, c.used ?? 0));
    else if (c.used !== undefined && c.limit !== undefined) {
      first = c.unit === 'percent'
        ? t('{0}% used', Math.round(c.used))
        : t('{0} of {1} ({2}%)', this.amount(c.unit, c.used), this.cap(c.unit, c.limit), Math.round((c.usedFraction ?? 0) * 100));
    } else if (c.used !== undefined) first = t('{0} spent, no cap', this.amount(c.unit, c.used));
    else if (c.remaining !== undefined) first = t('{0} left', this.amount(c.unit, c.remaining));
    else if (c.unit === 'credits') first = t('unlimited');
    else first = t('no numbers yet');
    if (!c.expired && c.resetsAtMs !== undefined && c.resetsAtMs > nowMs) first = t('{0}, resets in {1}', first, this.duration(c.resetsAtMs - nowMs));
    let line = t('{0}: {1}', this.limitLabel(c), first);
    line += c.updatedAtMs === undefined ? t(' · live') : ` · ${this.age(nowMs - c.updatedAtMs)}`;
    if (c.origin === 'official' && !c.expired) line += t(' · official');
    if (c.error) line += c.stale ? t(' · stale: {0}', c.error) : ` · ${c.error}`;
    else if (c.stale && !c.expired) line += t(' · stale');
    return line;
  }
}

/** English, USD, the runtime's zone: what the CLI prints. */
export const englishUsd = new Formatter({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 });
