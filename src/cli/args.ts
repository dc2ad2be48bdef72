// The command line: one table of every command's options, parsed by `node:util` parseArgs in strict mode, and the
// one error type for a mistake in it. A mistake is one line on stderr and exit code 2 (src/cli.ts).
import { parseArgs as parseNodeArgs } from 'node:util';

const brand = Symbol.for('tokenmeter.CommandLineError');

/**
 * A mistake in the command line: reported as one line without a stack trace, exit code 2. Each CLI command is its
 * own bundle with its own copy of this class, so `instanceof` looks for a brand shared by every copy.
 */
export class CommandLineError extends Error {
  readonly [brand] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandLineError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean };
export type CommandOptions = Record<string, OptionSpec>;

const flag: OptionSpec = { type: 'boolean' };
const value: OptionSpec = { type: 'string' };

// --lang: the language of the human output (see cliLanguage in common.ts); every command takes it.
const words = { lang: value } satisfies CommandOptions;
const scan = { source: value, timezone: value, 'no-index': flag, ...words } satisfies CommandOptions;
const report = { json: flag, since: value, until: value, ...scan } satisfies CommandOptions;
const detector = { 'burn-factor': value, 'max-agents': value, 'daily-usd': value, 'window-usd': value, 'window-tokens': value, plan: value } satisfies CommandOptions;
const tiers = { aggressiveness: value, small: value, medium: value, large: value } satisfies CommandOptions;

/**
 * Every option each command accepts (`--help` is always accepted). A command missing here (statusline) parses its
 * own arguments. Adding an option to a command: add it here, then read it with `stringFlag` / `args.flags`.
 */
export const commandOptions: Record<string, CommandOptions> = {
  daily: report,
  monthly: report,
  session: report,
  blocks: report,
  status: { json: flag, config: value, copilot: flag, ...scan },
  alerts: { ...report, replay: flag, ...detector },
  guard: { json: flag, session: value, 'block-on-projection': flag, hook: flag, install: flag, uninstall: flag, yes: flag, settings: value, ...detector, ...scan },
  route: { json: flag, 'current-model': value, ...tiers, ...words },
  estimate: { json: flag, context: { type: 'string', multiple: true }, 'context-tokens': value, 'no-history': flag, ...tiers, ...scan },
  mcp: { config: value, timezone: value, 'no-index': flag, ...words },
};

export interface ParsedArgs {
  flags: Map<string, string | true>;
  /** Every value of an option given more than once (`--context a --context b`). */
  lists: Map<string, string[]>;
  positional: string[];
}

/** Node's message for a parse error, as one line that names the option. */
function commandLineMessage(error: unknown, command: string | undefined): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const help = command ? `; run "tokenmeter ${command} --help"` : '';
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? message}${help}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing|requires a value|<value>' argument missing/i.test(message) || !/ambiguous/i.test(message)
      ? `${option ?? 'an option'} needs a value${help}`
      : `${option ?? 'an option'}: put a value starting with "-" as ${option ?? '--name'}=VALUE`;
  }
  return message.split('\n')[0];
}

/**
 * Parses `argv` strictly against `options` (plus `--help`): an unknown option or a missing value is a CommandLineError.
 * `--name=value` and `--name value` both work; a boolean option takes no value.
 */
export function parseCommandArgs(argv: readonly string[], options: CommandOptions, command?: string): ParsedArgs {
  let parsed;
  try {
    parsed = parseNodeArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CommandLineError(commandLineMessage(error, command), { cause: error });
  }
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  for (const [name, v] of Object.entries(parsed.values)) {
    if (v === undefined || v === false) continue;
    if (Array.isArray(v)) {
      lists.set(name, v.map(String));
      if (v.length > 0) flags.set(name, String(v[v.length - 1]));
    } else flags.set(name, v === true ? true : String(v));
  }
  return { flags, lists, positional: parsed.positionals };
}

/** The options of a command in the table; undefined for a command that parses its own (statusline). */
export function optionsOf(command: string): CommandOptions | undefined {
  return Object.prototype.hasOwnProperty.call(commandOptions, command) ? commandOptions[command] : undefined;
}
