import * as path from 'node:path';
import { Calendar } from '../core/calendar';
import { UsageError } from './usageError';
import { loadPriceData, PriceTable } from '../core/pricing';
import { defaultSettings } from '../core/defaultSettings';
import type { Settings } from '../core/settings';
import { isSourceName, sourceNames, type SourceName } from '../core/usageEvent';
import { defaultLogRoots } from '../sources/logFiles';
import { UsageScanner } from '../sources/usageScanner';
import { takeScanWorkers } from '../sources/scanWorkers';
import { loadIndex, trySaveIndex, defaultIndexPath } from '../sources/usageIndex';

export { UsageError };

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** `--name value`, `--name=value` and boolean `--name`; `booleans` never take a value. */
export function parseArgs(args: string[], booleans: string[] = ['json', 'help', 'replay', 'no-index']): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (eq !== -1) flags.set(name, arg.slice(eq + 1));
    else if (booleans.includes(name) || i + 1 >= args.length || args[i + 1].startsWith('--')) flags.set(name, true);
    else flags.set(name, args[++i]);
  }
  return { flags, positional };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function sourceFlag(args: ParsedArgs): SourceName | 'all' {
  const value = stringFlag(args, 'source') ?? 'all';
  if (value !== 'all' && !isSourceName(value)) throw new UsageError(`--source must be ${sourceNames.join(', ')} or all (got "${value}")`);
  return value;
}

export function dateFlag(args: ParsedArgs, name: 'since' | 'until'): string | undefined {
  const value = stringFlag(args, name);
  if (value !== undefined && !/^\d{4}-?\d{2}-?\d{2}$/.test(value)) throw new UsageError(`--${name} must be YYYY-MM-DD (got "${value}")`);
  return value;
}

export function calendarFlag(args: ParsedArgs): Calendar {
  const zone = stringFlag(args, 'timezone');
  try {
    return new Calendar(zone || undefined);
  } catch {
    throw new UsageError(`--timezone must be an IANA zone like Europe/Berlin (got "${zone}")`);
  }
}

/**
 * Settings for the CLI: defaults, overridden by `TOKENMETER_SETTINGS` (a JSON
 * file with the same shape as the extension's `tokenmeter.*` settings).
 */
export async function loadCliSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const file = env.TOKENMETER_SETTINGS;
  if (!file) return defaultSettings;
  const { readFile } = await import('node:fs/promises');
  // Loaded only here: zod costs ~50 ms of start-up that the default path does not need.
  const { settingsSchema } = await import('../core/settings');
  const parsed = settingsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new UsageError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Scans the logs (through the persisted index unless `--no-index`) and returns the scanner. */
export async function scanForCli(args: ParsedArgs, settings: Settings): Promise<UsageScanner> {
  const source = args.flags.has('source') ? sourceFlag(args) : 'all';
  const roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
  const sources = Object.fromEntries(sourceNames.map((name) => [name, settings.sources[name] && (source === 'all' || source === name)])) as Record<SourceName, boolean>;
  // Command bundles live in dist/cli/; the scan worker beside them in dist/.
  const scanner = new UsageScanner({ roots, sources, io: 'sync', workerScript: path.join(__dirname, '..', 'scanWorker.js'), startedWorkers: takeScanWorkers(), whileThreadsRead: loadPriceData });
  const useIndex = !args.flags.has('no-index') && process.env.TOKENMETER_NO_INDEX !== '1';
  const indexPath = defaultIndexPath(roots, sources);
  const loaded = useIndex && (await loadIndex(indexPath, scanner));
  const changed = await scanner.refresh({ full: true });
  // Saving is an optimisation: a failure is said on stderr, and the report (and guard) go on.
  if (useIndex && (changed || !loaded)) await trySaveIndex(indexPath, scanner, (m) => process.stderr.write(`tokenmeter: ${m}\n`));
  return scanner;
}

export function priceTableOf(settings: Settings): PriceTable {
  return new PriceTable(settings.prices);
}

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
export const colour = {
  dim: (s: string) => (useColour ? `\x1b[2m${s}\x1b[0m` : s),
  bold: (s: string) => (useColour ? `\x1b[1m${s}\x1b[0m` : s),
  yellow: (s: string) => (useColour ? `\x1b[33m${s}\x1b[0m` : s),
  red: (s: string) => (useColour ? `\x1b[31m${s}\x1b[0m` : s),
};

/** An aligned text table; numbers right-aligned. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const isNumeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-$\d.,KMB%]+( tok)?$/.test(r[i]) || r[i] === ''));
  const line = (cells: string[]) => cells.map((c, i) => (isNumeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [colour.bold(line(header)), colour.dim(widths.map((w) => '─'.repeat(w)).join('  ')), ...rows.map(line)].join('\n');
}
