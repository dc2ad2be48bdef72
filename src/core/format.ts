// The one formatter: how money (USD or CNY per setting), tokens, dates, durations and the status phrases read
// for one display locale and currency. Words come from the phrasebook (`./phrases`). Pure: the locale comes from
// the caller (`vscode.env.language` in the editor, `TOKENMETER_LANGUAGE`/settings in the CLI).
// In English with USD the status phrases are the text the CLI prints and its tests pin.
import type { PeriodKind } from './calendar';
import { phrasebook, phraseLanguageOf, type Phrasebook, type PhraseLanguage } from './phrases';
import type { BudgetLevel, BudgetState } from './snapshot';
import type { Status } from './status/computeStatus';
import type { Limit } from './status/limit';

export { phraseLanguageOf, type PhraseLanguage };

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

/** Compact human numbers: 950, 12.3K, 1.9M, 1.2B. */
export function formatTokens(tokens: number): string {
  const abs = Math.abs(tokens);
  if (abs >= 1e9) return `${(tokens / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(tokens / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(tokens / 1e3).toFixed(1)}K`;
  return String(Math.round(tokens));
}

/** US dollars with plain digits: `$12.40`, `$0.004` below a cent (what scripts and `--json` readers see). */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

/** The words for a limit's window or period, for the status bar (`Claude 5h`) and its long label. */
const officialSourceTitle = (s: string) => (s === 'claude' ? 'Claude' : s === 'copilot' ? 'Copilot' : s === 'codex' ? 'Codex' : s);

const periodWords: Record<PhraseLanguage, Record<PeriodKind, string>> = {
  en: { day: 'today', week: 'this week', month: 'this month' },
  'zh-cn': { day: '今日', week: '本周', month: '本月' },
};

/** Numbers, money, times and status phrases for one locale and currency. */
export class Formatter {
  readonly language: PhraseLanguage;
  /** The phrasebook for this language: its `t` works as `vscode.l10n.t`. */
  readonly l10n: Phrasebook;
  /** English keeps the core's ungrouped digits (`$1234.50`), identical to the CLI. */
  private readonly plainDigits: boolean;
  private readonly intlLocale: string | undefined;

  constructor(readonly options: DisplayOptions) {
    this.language = phraseLanguageOf(options.locale);
    this.l10n = phrasebook(this.language);
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

  private get symbol(): string {
    return this.options.currency === 'CNY' ? '¥' : '$';
  }

  private convert(usd: number): number {
    return this.options.currency === 'CNY' ? usd * this.options.cnyPerUsd : usd;
  }

  private digits(value: number, fractionDigits: number): string {
    if (this.plainDigits) return value.toFixed(fractionDigits);
    return new Intl.NumberFormat(this.intlLocale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
  }

  /** A cost in the display currency: `$12.40`, `¥88.04`, `$0.004` below a cent. */
  money(usd: number): string {
    if (this.plainDigits && this.options.currency === 'USD') return formatUsd(usd);
    const value = this.convert(usd);
    const small = value !== 0 && Math.abs(value) < 0.01;
    return `${this.symbol}${this.digits(value, small ? 3 : 2)}`;
  }

  /** A configured cap: `$50`, not `$50.00`, when it is round in the display currency. */
  capMoney(usd: number): string {
    // A converted cap is rounded to the fen first (50 × 7.1 is 354.99999…); a USD cap is as typed.
    const value = this.options.currency === 'USD' ? usd : Math.round(this.convert(usd) * 100) / 100;
    if (Number.isInteger(value)) return `${this.symbol}${this.digits(value, 0)}`;
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

  private amount(unit: 'usd' | 'tokens' | 'percent', value: number): string {
    if (unit === 'usd') return this.money(value);
    if (unit === 'tokens') return this.tokens(value);
    return `${Math.round(value)}%`;
  }

  private cap(unit: 'usd' | 'tokens' | 'percent', value: number): string {
    return unit === 'usd' ? this.capMoney(value) : this.amount(unit, value);
  }

  /** The word for a budget period: `today` / `今日`. */
  period(period: PeriodKind): string {
    return periodWords[this.language][period];
  }

  /**
   * The status bar text from the logs alone (the snapshot's `statusText` in English/USD):
   * today's spend, or what is left of the tightest local cap.
   */
  statusText(today: { totalCost: number; totalTokens: number }, tightest: BudgetState | undefined): string {
    const zh = this.language === 'zh-cn';
    if (!tightest) {
      return zh
        ? `$(pulse) 今日 ${this.money(today.totalCost)} · ${this.tokens(today.totalTokens)}`
        : `$(pulse) ${this.money(today.totalCost)} today · ${this.tokens(today.totalTokens)}`;
    }
    const word = this.period(tightest.period);
    const spent = this.amount(tightest.unit, tightest.spent);
    const limit = this.cap(tightest.unit, tightest.limit);
    const remaining = this.amount(tightest.unit, tightest.remaining);
    if (tightest.level === 'exceeded') {
      return zh ? `$(error) ${word}超出预算：已用 ${spent} / 上限 ${limit}` : `$(error) Over budget: ${spent} of ${limit} ${word}`;
    }
    return zh ? `$(pulse) ${word}剩余 ${remaining}（预算 ${limit}）` : `$(pulse) ${remaining} left of ${limit} ${word}`;
  }

  /**
   * The status bar text for the tightest of every limit (`combinedStatus(...).text` in
   * English/USD): a local cap or none reads as `statusText`, an endpoint or plan window by its label.
   */
  combinedText(
    snapshot: { today: { totalCost: number; totalTokens: number }; tightest?: BudgetState },
    tightest: Limit | undefined,
    level: BudgetLevel | 'idle',
  ): string {
    if (!tightest || tightest.origin === 'estimated') return this.statusText(snapshot.today, snapshot.tightest);
    const zh = this.language === 'zh-cn';
    const fraction = tightest.usedFraction ?? 0;
    const label = this.limitShortLabel(tightest);
    let text: string;
    if (level === 'exceeded') {
      if (tightest.unit === 'percent') text = zh ? `$(error) ${label} 已达上限` : `$(error) ${label} limit reached`;
      else {
        const spent = this.amount(tightest.unit, tightest.used ?? 0);
        const limit = this.cap(tightest.unit, tightest.limit ?? 0);
        text = zh ? `$(error) ${label} 已达上限：${spent} / ${limit}` : `$(error) ${label} limit reached: ${spent} of ${limit}`;
      }
    } else if (tightest.unit === 'percent') {
      const pct = Math.round(fraction * 100);
      text = zh ? `$(pulse) 今日 ${this.money(snapshot.today.totalCost)} · ${label} ${pct}%` : `$(pulse) ${this.money(snapshot.today.totalCost)} today · ${label} ${pct}%`;
    } else {
      const remaining = this.amount(tightest.unit, tightest.remaining ?? 0);
      const limit = this.cap(tightest.unit, tightest.limit ?? 0);
      text = zh ? `$(pulse) ${label} 剩余 ${remaining}（上限 ${limit}）` : `$(pulse) ${remaining} left of ${limit} · ${label}`;
    }
    if (tightest.stale) text += zh ? '（数据未更新）' : ' (stale)';
    return text;
  }

  /** The status bar line for a status from `computeStatus` (with the `$(icon)` the editor and `--json` show). */
  status(status: Pick<Status, 'snapshot' | 'tightest' | 'level'>): string {
    return this.combinedText(status.snapshot, status.tightest, status.level);
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
    return this.language === 'zh-cn' ? `${this.duration(ms)}后` : `in ${this.duration(ms)}`;
  }

  /** A duration: `3 h 10 min` / `3 小时 10 分钟` (as `formatIn` in core, without "in"). */
  duration(ms: number): string {
    const zh = this.language === 'zh-cn';
    const [sec, minute, hour, day] = zh ? [' 秒', ' 分钟', ' 小时', ' 天'] : [' s', ' min', ' h', ' d'];
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s}${sec}`;
    const min = Math.floor(s / 60);
    if (min < 60) return `${min}${minute}`;
    const h = Math.floor(min / 60);
    if (h < 48) return min % 60 ? `${h}${hour} ${min % 60}${minute}` : `${h}${hour}`;
    const d = Math.floor(h / 24);
    return h % 24 ? `${d}${day} ${h % 24}${hour}` : `${d}${day}`;
  }

  /** `updated 40 s ago` / `40 秒前更新` (as `formatAge` in core). */
  private age(ageMs: number): string {
    const zh = this.language === 'zh-cn';
    const s = Math.max(0, Math.round(ageMs / 1000));
    if (s < 5) return zh ? '刚刚更新' : 'updated just now';
    // formatAge switches to hours at 60 min and to days at 48 h, like `duration` but without the remainder.
    const min = Math.floor(s / 60);
    const h = Math.floor(min / 60);
    const whole = s < 60 ? s * 1000 : min < 60 ? min * 60_000 : h < 48 ? h * 3_600_000 : Math.floor(h / 24) * 86_400_000;
    const text = this.duration(whole);
    return zh ? `${text}前更新` : `updated ${text} ago`;
  }

  /**
   * One plain-text tooltip line per limit (the caller escapes it), in the display currency; in English/USD exactly
   * `constraintLine` of core: "litellm key budget: $12.40 of $50 (25%), resets in 3 h · updated 40 s ago".
   */
  limitLine(c: Limit, nowMs: number): string {
    const zh = this.language === 'zh-cn';
    let first: string;
    if (c.expired) first = zh ? `记录后已重置（当时为 ${this.amount(c.unit, c.used ?? 0)}）` : `reset since it was recorded (was ${this.amount(c.unit, c.used ?? 0)})`;
    else if (c.used !== undefined && c.limit !== undefined) {
      const pct = Math.round((c.usedFraction ?? 0) * 100);
      if (c.unit === 'percent') first = zh ? `已用 ${Math.round(c.used)}%` : `${Math.round(c.used)}% used`;
      else first = zh ? `${this.amount(c.unit, c.used)} / ${this.cap(c.unit, c.limit)}（${pct}%）` : `${this.amount(c.unit, c.used)} of ${this.cap(c.unit, c.limit)} (${pct}%)`;
    } else if (c.used !== undefined) first = zh ? `已花 ${this.amount(c.unit, c.used)}，无上限` : `${this.amount(c.unit, c.used)} spent, no cap`;
    else if (c.remaining !== undefined) first = zh ? `剩余 ${this.amount(c.unit, c.remaining)}` : `${this.amount(c.unit, c.remaining)} left`;
    else first = zh ? '暂无数据' : 'no numbers yet';
    if (!c.expired && c.resetsAtMs !== undefined && c.resetsAtMs > nowMs) {
      const inText = this.duration(c.resetsAtMs - nowMs);
      first += zh ? `，${inText}后重置` : `, resets in ${inText}`;
    }
    let line = `${this.limitLabel(c)}${zh ? '：' : ': '}${first}`;
    line += c.updatedAtMs === undefined ? (zh ? ' · 实时' : ' · live') : ` · ${this.age(nowMs - c.updatedAtMs)}`;
    if (c.origin === 'official' && !c.expired) line += zh ? ' · 官方数据' : ' · official';
    if (c.error) line += ` · ${c.stale ? (zh ? '数据未更新：' : 'stale: ') : ''}${c.error}`;
    else if (c.stale && !c.expired) line += zh ? ' · 数据未更新' : ' · stale';
    return line;
  }
}

/** English, USD, the runtime's zone: what the CLI prints. */
export const englishUsd = new Formatter({ locale: 'en', currency: 'USD', cnyPerUsd: 7.1 });
