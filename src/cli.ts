// What every command loads: the table of commands and options. The scan threads' set-up (cli/scanAhead.ts, with the
// listing and the agents' folders) is a bundle of its own, loaded by the commands that scan: the status line, run on
// every Claude Code refresh, compiled it (53 KB) for nothing.
import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { optionsOf, parseCommandArgs, CommandLineError } from './cli/args';
import { sourceNames } from './core/usageEvent';
import { cacheDir } from './sources/cacheDir';
import { exitWhenIdle } from './cli/exitWhenIdle';

/**
 * Each command is its own bundle (dist/cli/<name>.js), required only when run:
 * `statusline` runs on every Claude Code refresh and must not parse the rest.
 */
function load<T>(name: string): T {
  return require(path.join(__dirname, 'cli', `${name}.js`)) as T;
}

/**
 * The MCP server's bundle (and zod's, the price data's) through V8's code cache: an agent starts the server
 * for every session and waits for its first answer (issue 20; see cli/codeCache.ts). The cache, when missing or
 * stale, is written once: after the first tool answer (so the answer's functions are compiled into it), or 30 s
 * after start or at exit if sooner. TOKENMETER_CODE_CACHE=off skips it.
 */
function runMcp(args: string[]): Promise<number> {
  if (process.env.TOKENMETER_CODE_CACHE === 'off') return load<typeof import('./cli/mcp')>('mcp').run(args);
  // Required here, not imported: node:crypto and node:vm load for this command only.
  const { CodeCacheLoader } = require('./cli/codeCache') as typeof import('./cli/codeCache');
  const loader = new CodeCacheLoader(__dirname, path.join(cacheDir(), 'code-cache'), (message) => process.stderr.write(`tokenmeter: ${message}\n`));
  const mcp = loader.require(path.join(__dirname, 'cli', 'mcp.js')) as typeof import('./cli/mcp');
  const save = () => loader.save();
  setTimeout(save, 30_000).unref();
  process.once('exit', save);
  return mcp.run(args, { afterFirstAnswer: save });
}

/**
 * A command's bundle through V8's code cache (`status`): with an index and nothing new to read, a warm status is
 * mostly Node's own start-up and compiling this bundle and the functions it runs (~15 ms of CPU the cache saves,
 * against ~4 ms to load node:crypto and node:vm and check the cache: docs/benchmarks.md, session 9). A missing or
 * rejected cache is written at exit, when the functions the command ran are compiled. Not from source (tests run
 * src/cli.ts), nor with TOKENMETER_CODE_CACHE=off.
 */
function loadThroughCache<T>(name: string): T {
  if (process.env.TOKENMETER_CODE_CACHE === 'off' || path.extname(__filename) !== '.js') return load<T>(name);
  const { CodeCacheLoader } = require('./cli/codeCache') as typeof import('./cli/codeCache');
  const loader = new CodeCacheLoader(__dirname, path.join(cacheDir(), 'code-cache'), (message) => process.stderr.write(`tokenmeter: ${message}\n`));
  process.once('exit', () => loader.save());
  return loader.require(path.join(__dirname, 'cli', `${name}.js`)) as T;
}

type Command = { summary: string; usage?: string; run: (args: string[]) => Promise<number> };

/** Every subcommand, loaded only when used. */
const commands: Record<string, Command> = {
  daily: { summary: 'usage per day', run: async (a) => load<typeof import('./cli/reports')>('reports').runReport('daily', a) },
  monthly: { summary: 'usage per month', run: async (a) => load<typeof import('./cli/reports')>('reports').runReport('monthly', a) },
  session: { summary: 'usage per session (sub-agents included)', run: async (a) => load<typeof import('./cli/reports')>('reports').runReport('session', a) },
  blocks: { summary: '5-hour usage windows', run: async (a) => load<typeof import('./cli/reports')>('reports').runBlocks(a) },
  status: { summary: 'what the status bar shows', run: async (a) => loadThroughCache<typeof import('./cli/status')>('status').runStatus(a) },
  alerts: { summary: 'runaway alerts now, or --replay the logs as if live', usage: 'tokenmeter alerts [--replay] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json] [--burn-factor N] [--max-agents N]', run: async (a) => load<typeof import('./cli/alerts')>('alerts').run(a) },
  guard: { summary: 'exit 2 when a runaway is active or the budget is spent (Claude Code hook)', usage: 'tokenmeter guard [--daily-usd N] [--window-usd N] [--block-on-projection] [--session ID] [--burn-factor N] [--max-agents N]\nReads a Claude Code hook JSON on stdin when there is one. Exit 0: go on; exit 2: stop (message on stderr). TOKENMETER_GUARD=off disables it.', run: async (a) => load<typeof import('./cli/guard')>('guard').run(a) },
  statusline: { summary: "Claude Code status line: plan quota, recorded for the editor (--wrap \"<your command>\")", run: async (a) => load<typeof import('./cli/statusline')>('statusline').run(a) },
  route: { summary: 'model tier advice for JSON-line requests on stdin', run: async (a) => load<typeof import('./cli/route')>('route').run(a) },
  estimate: { summary: 'P10/P50/P90 cost of a described task per model tier', run: async (a) => load<typeof import('./cli/estimate')>('estimate').run(a) },
  mcp: { summary: 'MCP server on stdio for agents: quota, session_cost, estimate_task, route, runaway_status', run: async (a) => runMcp(a) },
};

/** Commands whose run() handles --help itself. */
const ownHelp = new Set(['statusline', 'route', 'estimate', 'mcp']);

const help = `tokenmeter — AI coding-agent spend from local logs

Usage: tokenmeter <command> [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Options (reports):
  --json                 machine-readable output (ccusage-compatible field names)
  --since YYYY-MM-DD     first day to include      --until YYYY-MM-DD  last day
  --timezone TZ          IANA zone for days (default: system zone)
  --source ${sourceNames.join('|')}|all
  --no-index             ignore the persisted index (cold scan)

Settings: the editor's tokenmeter.* settings (VS Code user settings.json), or TOKENMETER_SETTINGS (a JSON file; empty = defaults).
Environment: CLAUDE_CONFIG_DIR, CODEX_HOME (log folders), TOKENMETER_EDITOR_SETTINGS (another settings.json).
Exit codes: 0 ok, 1 error, 2 a mistake in the command line (guard: 2 = stop).

tokenmeter --version prints the version.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(version());
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!command) throw new CommandLineError(`unknown command "${name}"; run "tokenmeter --help" for the list`);
  // Every command's options are checked against one table before its code loads (statusline parses its own).
  const options = optionsOf(name);
  if (options) parseCommandArgs(rest, options, name);
  // Commands with options of their own print their own help; the rest share the report options.
  if ((rest.includes('--help') || rest.includes('-h')) && !ownHelp.has(name)) {
    console.log(`tokenmeter ${name}: ${command.summary}\n\n${command.usage ?? help.slice(help.indexOf('Options (reports):'))}`);
    return 0;
  }
  if (scanningCommands.has(name) && looksCold(rest)) load<typeof import('./cli/scanAhead')>('scanAhead').startScanThreadsAhead();
  return command.run(rest);
}

const scanningCommands = new Set(['daily', 'monthly', 'session', 'blocks', 'status', 'alerts']);

/**
 * Without an index the command reads every log: its scan threads are set up before the
 * command's code loads, and start as soon as the listing shows a large backlog (the scanner
 * reads small histories on the main thread: a thread costs more to start than it saves there).
 * With an index they would only cost start-up time, so none are set up.
 */
function looksCold(args: string[]): boolean {
  if (args.includes('--no-index') || process.env.TOKENMETER_NO_INDEX === '1') return true;
  try {
    return !readdirSync(cacheDir()).some((name) => name.startsWith('index-') && name.endsWith('.bin'));
  } catch {
    return true;
  }
}

/** The package version, read from package.json beside dist/ only when asked. */
function version(): string {
  const file = path.join(__dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

exitWhenIdle();
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof CommandLineError) {
      // One line: what was wrong and where to look.
      console.error(`tokenmeter: ${error.message.split('\n')[0]}`);
      process.exitCode = 2;
    } else {
      console.error(`tokenmeter: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  },
);
