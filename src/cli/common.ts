import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { Calendar, isUtcZoneName } from '../core/calendar';
import { optionsOf, parseCommandArgs, CommandLineError, type CommandOptions, type ParsedArgs } from './args';
import { englishUsd, Formatter } from '../core/format';
import { phraseLanguageOf, type PhraseLanguage } from '../core/phrases';
import { usePhraseFiles } from '../sources/phraseFiles';
import { loadPriceData, PriceTable } from '../core/pricing';
import { defaultSettings } from '../core/defaultSettings';
import { tokenmeterSettingsOf } from '../core/editorSettings';
import type { Settings } from '../core/settings';
import { isSourceName, sourceNames, type SourceName } from '../core/usageEvent';
import { defaultLogRoots } from '../sources/logFiles';
import { UsageScanner } from '../sources/usageScanner';
import { takeScanWorkers } from '../sources/scanWorkers';
import { capYoungGeneration } from '../sources/youngGeneration';
import { loadIndex, trySaveIndex, defaultIndexPath } from '../sources/usageIndex';
import { rowSpillIn } from '../sources/rowSpillFile';
import { fullPassMaxAgeMs } from '../sources/warmWalk';
import { sanitizeForTerminal } from '../core/terminalText';
import { priceDataCacheFile, readCachedPriceDataSync, refreshPriceData } from '../sources/priceDataRefresh';

export { CommandLineError, type ParsedArgs };

/**
 * Parses a command's arguments with `node:util` parseArgs (strict). `spec` is the command's name in the options
 * table (src/cli/args.ts), or — for callers not yet moved to the table — the names of its boolean options, every
 * other `--name` taking a value (src/cli.ts has already checked the command line against the table).
 */
export function parseArgs(args: string[], spec: string | string[] = ['json', 'help', 'replay', 'no-index']): ParsedArgs {
  if (typeof spec === 'string') {
    const options = optionsOf(spec);
    if (!options) throw new Error(`no options table for "${spec}"`);
    return parseCommandArgs(args, options, spec);
  }
  const options: CommandOptions = {};
  for (const arg of args) {
    if (!arg.startsWith('--') || arg === '--') continue;
    const name = arg.slice(2).split('=')[0];
    if (name !== 'help') options[name] = { type: spec.includes(name) ? 'boolean' : 'string' };
  }
  return parseCommandArgs(args, options);
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new CommandLineError(`--${name} needs a value`);
  return value;
}

export function sourceFlag(args: ParsedArgs): SourceName | 'all' {
  const value = stringFlag(args, 'source') ?? 'all';
  if (value !== 'all' && !isSourceName(value)) throw new CommandLineError(`--source must be ${sourceNames.join(', ')} or all (got "${value}")`);
  return value;
}

/** `2026-11-24` (or `20261124`) when it names a real day, else undefined. */
export function isoDay(value: string): string | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** `--since` / `--until` as given, after checking each is a real day and that `--since` is not after `--until`. */
export function dateFlag(args: ParsedArgs, name: 'since' | 'until'): string | undefined {
  const days = { since: stringFlag(args, 'since'), until: stringFlag(args, 'until') };
  for (const key of ['since', 'until'] as const) {
    const v = days[key];
    if (v !== undefined && !isoDay(v)) throw new CommandLineError(`--${key} must be a real day as YYYY-MM-DD (got "${v}")`);
  }
  if (days.since !== undefined && days.until !== undefined && isoDay(days.since)! > isoDay(days.until)!) {
    throw new CommandLineError(`--since ${days.since} is after --until ${days.until}`);
  }
  return days[name];
}

export function calendarFlag(args: ParsedArgs): Calendar {
  return calendarOf(stringFlag(args, 'timezone'));
}

/** The calendar of `zone` (an IANA name), else of the system zone. */
export function calendarOf(zone: string | undefined): Calendar {
  try {
    if (zone) return new Calendar(zone);
    const systemZone = systemZoneName();
    // A system zone that is UTC is named so: its offsets need no lookup at all.
    return isUtcZoneName(systemZone) ? new Calendar('UTC') : new Calendar(undefined, { systemZoneName: systemZone });
  } catch {
    throw new CommandLineError(`--timezone must be an IANA zone like Europe/Berlin (got "${zone}")`);
  }
}

/**
 * The system zone's IANA name without Intl's start-up: TZ when it names a zone file, else the target of
 * /etc/localtime (Linux, macOS). Undefined otherwise; the calendar then asks Intl if the name is read.
 */
function systemZoneName(): string | undefined {
  const tz = process.env.TZ?.replace(/^:/, '');
  try {
    if (tz !== undefined) return /^[A-Za-z][\w+-]*(\/[\w+-]+)*$/.test(tz) && existsSync(path.join('/usr/share/zoneinfo', tz)) ? tz : undefined;
    const target = readlinkSync('/etc/localtime');
    const at = target.lastIndexOf('zoneinfo/');
    return at >= 0 ? target.slice(at + 'zoneinfo/'.length) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The language of the CLI's human output: `--lang` (`ja`, `pt-BR`, `zh_CN.UTF-8`, `en`), else the POSIX locale of
 * the environment (the first set of LC_ALL, LC_MESSAGES, LANG), else English. The languages are core/phrases.ts's
 * (`phraseLanguageOf`): English for `C`, `POSIX` and languages without a bundle. Another language's words are read
 * from l10n/ beside dist/ the first time they are used; English reads nothing. `--json` is the same in every language.
 */
export function cliLanguage(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): PhraseLanguage {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  const tag = stringFlag(args, 'lang') ?? posix ?? '';
  // POSIX names a locale `zh_CN.UTF-8@modifier`; BCP 47 spells it `zh-CN`.
  const language = phraseLanguageOf(tag.replace(/[.@].*$/, '').replace(/_/g, '-'));
  if (language !== 'en') usePhraseFiles();
  return language;
}

/**
 * Words, money and times for the CLI's human output: the language from `cliLanguage`, the currency from
 * `tokenmeter.display.currency` / `cnyPerUsd` (the editor's setting). English with US dollars is `englishUsd`,
 * plain digits as before; Chinese groups digits as zh-CN does.
 */
export function cliFormatter(args: ParsedArgs, settings: Settings, env: NodeJS.ProcessEnv = process.env): Formatter {
  const language = cliLanguage(args, env);
  const { currency, cnyPerUsd } = settings.display;
  if (language === 'en' && currency === 'USD') return englishUsd;
  return new Formatter({ locale: language, currency, cnyPerUsd, timeZone: settings.timeZone || undefined });
}

/** VS Code's user settings.json for the editors Tokenmeter runs in, most common first. */
export function editorSettingsPaths(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const config = platform === 'win32' ? env.APPDATA ?? path.join(home, 'AppData', 'Roaming')
    : platform === 'darwin' ? path.join(home, 'Library', 'Application Support')
      : env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [
    ...['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'].map((app) => path.join(config, app, 'User', 'settings.json')),
    path.join(home, '.local', 'share', 'code-server', 'User', 'settings.json'),
  ];
}

/**
 * Settings for the CLI, the same `tokenmeter.*` settings the editor honours: `TOKENMETER_SETTINGS` names a JSON file
 * of the nested shape (`{"runaway": {"burnFactor": 4}}`); set but empty, the defaults. Unset, the `tokenmeter.*` keys
 * of the editor's user settings.json (`TOKENMETER_EDITOR_SETTINGS`, else the first of `editorSettingsPaths` that
 * exists). A bad file is a CommandLineError naming the file and key.
 */
export async function loadCliSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  let file = env.TOKENMETER_SETTINGS;
  let raw: unknown;
  if (file !== undefined) {
    if (!file) return defaultSettings;
    raw = parseJsonFile(file, readFileSync(file, 'utf8'), JSON.parse);
  } else {
    const candidates = env.TOKENMETER_EDITOR_SETTINGS ? [env.TOKENMETER_EDITOR_SETTINGS] : editorSettingsPaths(env);
    let text: string | undefined;
    for (const candidate of candidates) {
      try {
        // Read in place: node:fs/promises (~5-10 ms to load) is not needed by a cold CLI run otherwise.
        text = readFileSync(candidate, 'utf8');
        file = candidate;
        break;
      } catch (error) {
        // No such editor here: try the next; anything else (permissions) the user should hear about.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
      }
    }
    if (text === undefined || !file || !text.includes('"tokenmeter.')) return defaultSettings;
    raw = parseJsonFile(file, text, tokenmeterSettingsOf);
  }
  // Loaded only here: zod costs ~50 ms of start-up that the default path does not need.
  // (`require`, not `import()`: the same lazy load in the bundle and under the test runner's CommonJS hook.)
  const { settingsSchema } = require('../core/settings') as typeof import('../core/settings');
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new CommandLineError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function parseJsonFile(file: string, text: string, parse: (text: string) => unknown): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new CommandLineError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/**
 * Scans the logs (through the persisted index unless `--no-index`) and returns the scanner. `sinceMs`: the
 * command reads only rows from then on (`ledger.eventsSince`), so older rows of the index stay on disk unless
 * new usage arrives (see loadIndex). `warm`: skip the walk when the index says nothing else can have changed
 * (see warmWalk.ts: files quiet for a day are checked by a full pass at least hourly). `loaded`: called once the
 * index is read, before the scan adds to it. `saveLater`: the index,
 * when it needs saving, is saved by the caller through the function it is handed, instead of before returning.
 */
export async function scanForCli(
  args: ParsedArgs,
  settings: Settings,
  options: { sinceMs?: number | ((indexFile: string) => number); warm?: boolean; saveLater?: (save: () => Promise<void>) => void; loaded?: (scanner: UsageScanner) => void } = {},
): Promise<UsageScanner> {
  // 8 MB: ~45 MB less at peak than V8's 32 MB on 15 GB of history, at ~3% more CPU (2 MB cost ~30%).
  capYoungGeneration(8);
  const source = args.flags.has('source') ? sourceFlag(args) : 'all';
  const roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
  const sources = Object.fromEntries(sourceNames.map((name) => [name, settings.sources[name] && (source === 'all' || source === name)])) as Record<SourceName, boolean>;
  // Command bundles live in dist/cli/; the scan worker beside them in dist/.
  // TOKENMETER_WORKERS asks for threads whatever the load (benchmarks of the threaded scan).
  const idleCores = process.env.TOKENMETER_WORKERS ? () => Infinity : undefined;
  // A history of 4 GB or more read in threads: V8's memory-saving mode (sources/scanWorkers.ts, favourMemory).
  const scanner = new UsageScanner({ roots, sources, io: 'sync', workerScript: path.join(__dirname, '..', 'scanWorkerThread.js'), startedWorkers: takeScanWorkers(), readShareHere: true, whileThreadsRead: loadPriceData, idleCores, favourMemoryBytes: 4 * 1024 ** 3 });
  const useIndex = !args.flags.has('no-index') && process.env.TOKENMETER_NO_INDEX !== '1';
  const indexPath = defaultIndexPath(roots, sources);
  // A function of the index's path: the status reads its rollup (beside the index) to know how far back it needs rows.
  const sinceMs = useIndex && typeof options.sinceMs === 'function' ? options.sinceMs(indexPath) : typeof options.sinceMs === 'number' ? options.sinceMs : undefined;
  const loaded = useIndex && (await loadIndex(indexPath, scanner, { io: 'sync', sinceMs, checkFiles: 'when needed', onUnusable: (m) => process.stderr.write(`tokenmeter: ${m}\n`) }));
  // A long scan keeps each request's time and key hash in memory, its counts and names in a file beside the index.
  scanner.ledger.spillRows(rowSpillIn(path.dirname(indexPath)));
  options.loaded?.(scanner);
  const walkedBefore = scanner.folderTimes?.atMs;
  const changed = await scanner.refresh({ full: true, warm: options.warm });
  // A full pass renews the folder times warm passes trust; saved when those in the index were missing or getting old.
  const walkRenewed = scanner.folderTimes !== undefined && (walkedBefore === undefined || scanner.folderTimes.atMs - walkedBefore > fullPassMaxAgeMs / 4);
  // Saving is an optimisation: a failure is said on stderr, and the report (and guard) go on.
  if (useIndex && (changed || !loaded || walkRenewed)) {
    // Blocking writes when the command waits for the save (it has nothing else to do: see writeAtomically); a save
    // the caller runs later (`saveLater`: the MCP server, once it has answered) leaves its event loop free.
    const save = async () => void (await trySaveIndex(indexPath, scanner, (m) => process.stderr.write(`tokenmeter: ${m}\n`), options.saveLater ? 'async' : 'sync'));
    // `saveLater`: the caller saves once it has answered (the MCP server: the agent waits for the first answer).
    if (options.saveLater) options.saveLater(save);
    else await save();
  }
  return scanner;
}

/**
 * The price table for a command. With `tokenmeter.priceDataRefresh` on, the cached refreshed data
 * prices first; a stale cache is refreshed in the background (the scan does not wait; the next run uses it).
 */
export function priceTableOf(settings: Settings): PriceTable {
  if (!settings.priceDataRefresh) return new PriceTable(settings.prices);
  const file = priceDataCacheFile();
  void refreshPriceData({ file, nowMs: Date.now(), timeoutMs: 5_000 }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  });
  return new PriceTable(settings.prices, { refreshed: readCachedPriceDataSync(file) });
}

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
export const colour = {
  dim: (s: string) => (useColour ? `\x1b[2m${s}\x1b[0m` : s),
  bold: (s: string) => (useColour ? `\x1b[1m${s}\x1b[0m` : s),
  yellow: (s: string) => (useColour ? `\x1b[33m${s}\x1b[0m` : s),
  red: (s: string) => (useColour ? `\x1b[31m${s}\x1b[0m` : s),
};

// East Asian wide and full-width characters (CJK, kana, Hangul, full-width forms) take two terminal columns.
const wideChar = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** Columns a string takes in a terminal: two for each wide character, so Chinese headers line up. */
export function displayWidth(text: string): number {
  return text.length + (text.match(wideChar)?.length ?? 0);
}

/** An aligned text table; numbers right-aligned. Cells are sanitised (names come from logs and may carry escapes). */
export function renderTable(rawHeader: string[], rawRows: string[][]): string {
  const header = rawHeader.map(sanitizeForTerminal);
  const rows = rawRows.map((r) => r.map(sanitizeForTerminal));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const isNumeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-$¥\d.,KMB%]+( tok)?$/.test(r[i]) || r[i] === ''));
  const pad = (c: string, i: number) => ' '.repeat(widths[i] - displayWidth(c));
  const line = (cells: string[]) => cells.map((c, i) => (isNumeric[i] ? pad(c, i) + c : c + pad(c, i))).join('  ').trimEnd();
  return [colour.bold(line(header)), colour.dim(widths.map((w) => '─'.repeat(w)).join('  ')), ...rows.map(line)].join('\n');
}
