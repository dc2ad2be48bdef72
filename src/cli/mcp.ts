import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BudgetReading } from '../core/budgetReading';
import { statusWindowMs } from '../core/status/estimatedSpend';
import type { StatusLineSnapshot } from '../core/claudeStatusLine';
import type { AnswerData } from '../mcp/answers';
import { serveStdio } from '../mcp/server';
import type { ToolContext } from '../mcp/tools';
import { defaultLogRoots } from '../sources/logFiles';
import { readSessionPrompts } from '../sources/sessionPrompts';
import { defaultStateDir, readStatusLineSnapshot } from '../sources/statusLineStore';
import type { UsageScanner } from '../sources/usageScanner';
import { calendarOf, loadCliSettings, parseArgs, priceTableOf, scanForCli, stringFlag, CommandLineError } from './common';

const help = `tokenmeter mcp [--config FILE] [--no-index]

A Model Context Protocol server on stdin/stdout for coding agents (Claude Code, Codex, Cline):
tools quota, session_cost, estimate_task, route and runaway_status, all read-only.
--config FILE   budget endpoints to poll, as for "tokenmeter status --config" (keys from the
                environment variables the file names; never part of an answer)
Settings: TOKENMETER_SETTINGS (JSON file), CLAUDE_CONFIG_DIR, CODEX_HOME, as for every command.
Claude Code: claude mcp add tokenmeter -- tokenmeter mcp`;

/** A fresh scan at most this often; an agent asking twice in a row gets the same numbers. */
const rescanAfterMs = 1_000;
const promptsMaxAgeMs = 60_000;

/** `tokenmeter mcp`: serves until the client closes stdin. `afterFirstAnswer` runs once the first tool answer is written. */
export async function run(argv: string[], hooks: { afterFirstAnswer?: () => void } = {}): Promise<number> {
  const args = parseArgs(argv, 'mcp');
  if (args.flags.has('help')) {
    console.log(help);
    return 0;
  }
  if (args.positional.length > 0) throw new CommandLineError(`tokenmeter mcp takes no arguments (got "${args.positional[0]}")`);
  // stdout carries the protocol alone: anything else printed would corrupt it.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  // The `initialize` answer needs none of what follows: settings, time zone, prices and the index load
  // while it travels, and the first tool call waits for them (docs/benchmarks.md, MCP server start-up).
  const prepared = prepare(args);
  prepared.catch(() => undefined); // awaited below and by each tool call
  let scanning: Promise<UsageScanner> | undefined;
  let scannedAtMs = 0;
  let readings: { atMs: number; value: Promise<BudgetReading[]> } | undefined;
  let prompts: { atMs: number; value: Promise<ReadonlyMap<string, string>> } | undefined;

  const ctx: ToolContext = {
    async data(): Promise<AnswerData> {
      const { settings, calendar, prices, endpointsConfig } = await prepared;
      const startMs = Date.now();
      const fresh = !scanning;
      // The first answer trusts a recent index as `tokenmeter status` does: no walk, and only the last month of
      // rows read (warmWalk.ts, loadIndex); the next call a second later walks every folder (full pass).
      // An index that needs saving (its last walk over an hour old, or new usage) is saved after this answer is written
      // (the rest of the answer runs in promise jobs, before any timer), as the editor saves it beside its passes.
      const saveLater = (save: () => Promise<void>) => void setImmediate(() => void save().catch((error: unknown) => console.error(`tokenmeter mcp: ${error instanceof Error ? error.message : String(error)}`)));
      scanning ??= scanForCli(args, settings, endpointsConfig ? { warm: true, saveLater } : { sinceMs: startMs - statusWindowMs, warm: true, saveLater });
      const scanner = await scanning;
      if (!fresh && startMs - scannedAtMs >= rescanAfterMs) await scanner.refresh({ full: true });
      if (fresh || startMs - scannedAtMs >= rescanAfterMs) scannedAtMs = Date.now();
      if (endpointsConfig && (!readings || startMs - readings.atMs >= settings.endpoints.pollIntervalMs)) {
        const { pollBudgets } = await import('../sources/endpoints');
        readings = { atMs: startMs, value: pollBudgets(endpointsConfig, process.env, startMs) };
      }
      let statusLine: StatusLineSnapshot | undefined;
      try {
        statusLine = readStatusLineSnapshot(defaultStateDir());
      } catch {
        statusLine = undefined; // an unreadable record only means no Claude plan window is listed
      }
      const { ledger } = scanner;
      // The rest of this answer runs in promise jobs, before any timer: this runs once it is written.
      if (fresh && hooks.afterFirstAnswer) setImmediate(hooks.afterFirstAnswer);
      return {
        events: () => ledger.events(),
        eventsSince: (sinceMs) => ledger.eventsSince(sinceMs),
        officialLimits: scanner.officialLimits(),
        codexCredits: scanner.codexCredits(),
        endpointReadings: readings ? await readings.value : [],
        statusLine,
        settings,
        prices,
        calendar,
        nowMs: Date.now(),
      };
    },
    async firstPrompts() {
      const { roots } = await prepared;
      const nowMs = Date.now();
      if (!prompts || nowMs - prompts.atMs >= promptsMaxAgeMs) prompts = { atMs: nowMs, value: readSessionPrompts(roots.claudeDirs).then((p) => p.prompts) };
      return prompts.value;
    },
  };

  const serving = serveStdio(ctx, packageVersion(), (error) => console.error(`tokenmeter mcp: ${error.message}`));
  // A bad settings or --config file still ends the server with its message and exit code, as before it served.
  const failed = prepared.then(() => undefined, (error: unknown) => error);
  const failure = await Promise.race([serving.then(() => failed), failed]);
  if (failure !== undefined) {
    console.error(`tokenmeter: ${failure instanceof Error ? failure.message.split('\n')[0] : String(failure)}`);
    process.exit(failure instanceof CommandLineError ? 2 : 1);
  }
  await serving;
  return 0;
}

/** What every answer needs besides the logs: settings, calendar, prices, log roots and the endpoints to poll. */
async function prepare(args: ReturnType<typeof parseArgs>) {
  const settings = await loadCliSettings();
  const zone = stringFlag(args, 'timezone') ?? settings.timeZone;
  const calendar = calendarOf(zone || undefined);
  const configPath = stringFlag(args, 'config');
  const endpointsConfig = configPath ? await (await import('../sources/endpoints')).readEndpointsConfigFile(configPath) : undefined;
  const prices = priceTableOf(settings);
  const roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
  return { settings, calendar, endpointsConfig, prices, roots };
}

function packageVersion(): string {
  try {
    // dist/cli/mcp.js and src/cli/mcp.ts both sit two folders below package.json.
    return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
