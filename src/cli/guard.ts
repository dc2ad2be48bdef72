import { computeEstimatedSpend } from '../core/status/estimatedSpend';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatClaudeSettings, guardHookCommand, installGuardHook, removeGuardHook } from '../core/claudeHooks';
import { claudeWindowReadings, codexWindowReadings, pacingOfAll } from '../core/pacing';
import { phrasebook } from '../core/phrases';
import { guardDecision, preToolUseAnswer, type ExhaustedBudget } from '../core/runaway/guard';
import { ActionTail } from '../sources/agentActions';
import { readSettingsFile, writeSettingsFile } from '../sources/settingsFile';
import { defaultStateDir, readStatusLineSnapshot } from '../sources/statusLineStore';
import type { UsageEvent } from '../core/usageEvent';
import { calendarFor, detectorOptionsFrom, numberFlag } from './alerts';
import { quoteNamesIn, terminalSafeJson } from '../core/terminalText';
import { cliLanguage, loadCliSettings, parseArgs, priceTableOf, scanForCli, stringFlag, CommandLineError, type ParsedArgs } from './common';

const hourMs = 3_600_000;

/**
 * The hook's stdin: Claude Code sends one JSON object (`session_id`,
 * `tool_name`, `tool_input`, …) to a command hook. Run by hand, stdin is a
 * terminal and there is nothing to read.
 */
export async function readHookInput(stdin: NodeJS.ReadStream = process.stdin, timeoutMs = 500): Promise<{ sessionId?: string; toolName?: string }> {
  if (stdin.isTTY) return {};
  const text = await new Promise<string>((resolve) => {
    let data = '';
    const done = () => { clearTimeout(timer); stdin.removeAllListeners('data'); stdin.pause(); resolve(data); };
    const timer = setTimeout(done, timeoutMs);
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => { data += chunk; if (data.length > 1_000_000) done(); });
    stdin.once('end', done);
    stdin.once('error', done);
  });
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const o = parsed as Record<string, unknown>;
    return {
      sessionId: typeof o.session_id === 'string' ? o.session_id : undefined,
      toolName: typeof o.tool_name === 'string' ? o.tool_name : undefined,
    };
  } catch {
    // Not the hook payload (someone piped text in): judge every session instead.
    return {};
  }
}

/**
 * `tokenmeter guard [--session ID] [--daily-usd N] [--window-usd N] [--block-on-projection]`:
 * exit 2 with one line on stderr when a budget is exhausted or a runaway is
 * active (in the hook's session, or in any live session when run by hand);
 * otherwise exit 0 silently. Made for a Claude Code PreToolUse hook on the
 * sub-agent tool: exit 2 blocks the tool call and Claude reads the stderr line.
 * With `--hook` it answers as a Claude Code PreToolUse hook instead (JSON on stdout, exit 0):
 * `deny` when a budget is exhausted, `ask` when a runaway is active or an official window
 * runs out before its reset, nothing otherwise. `--install` / `--uninstall` show (and with
 * `--yes` make) the settings.json change. `TOKENMETER_GUARD=off` turns it off for a shell.
 */
export async function run(argv: string[]): Promise<number> {
  if (process.env.TOKENMETER_GUARD === 'off') return 0;
  const args = parseArgs(argv, 'guard');
  if (args.flags.has('install') || args.flags.has('uninstall')) return installCommand(args);
  const hook = await readHookInput();
  const sessionId = stringFlag(args, 'session') ?? hook.sessionId;
  const loaded = await loadCliSettings();
  const dailyUsd = numberFlag(args, 'daily-usd');
  const settings = dailyUsd === undefined ? loaded : { ...loaded, budget: { ...loaded.budget, dailyUsd } };
  const calendar = calendarFor(args, settings);
  const scanner = await scanForCli(args, settings);
  const prices = priceTableOf(settings);
  const costOf = (e: UsageEvent) => prices.costOf(e);
  const nowMs = Date.now();
  const all = scanner.ledger.events();

  const spend = computeEstimatedSpend(all, { prices, calendar, nowMs, budget: settings.budget, officialLimits: scanner.officialLimits() });
  const periodName = { day: 'daily', week: 'weekly', month: 'monthly' } as const;
  const exhausted: ExhaustedBudget[] = spend.budgets
    .filter((b) => b.spent >= b.limit)
    .map((b) => ({ name: periodName[b.period], unit: b.unit, limit: b.limit, spent: b.spent }));
  const windowUsd = numberFlag(args, 'window-usd');
  if (windowUsd !== undefined && spend.block !== undefined && spend.block.costUsd >= windowUsd) {
    exhausted.push({ name: '5-hour window', unit: 'usd', limit: windowUsd, spent: spend.block.costUsd });
  }

  const recent: UsageEvent[] = [];
  const history: UsageEvent[] = [];
  for (const e of all) {
    if (e.timestampMs >= nowMs - 2 * hourMs) recent.push(e);
    else if (e.timestampMs >= nowMs - 7 * 24 * hourMs) history.push(e); // a week of baseline keeps the hook fast
  }
  let planSnapshot;
  try {
    planSnapshot = readStatusLineSnapshot(defaultStateDir());
  } catch {
    planSnapshot = undefined; // an unreadable record only means no official window to pace
  }
  const pacing = pacingOfAll([...(planSnapshot ? claudeWindowReadings(planSnapshot) : []), ...codexWindowReadings(scanner.officialLimits())], nowMs);
  const decision = guardDecision({
    pacing,
    runaway: settings.runaway.enabled,
    events: recent,
    // The last 8 MB of each recent transcript: enough for any loop in force, and the hook stays quick.
    actions: settings.runaway.enabled ? new ActionTail(8 << 20).read(scanner.recentFileCursors(nowMs - 2 * hourMs), nowMs - 2 * hourMs) : [],
    costOf,
    nowMs,
    sessionId,
    detector: settings.runaway.enabled ? detectorOptionsFrom(args, settings, calendar, history, costOf) : undefined,
    exhausted,
    blockOnProjection: args.flags.has('block-on-projection'),
  });
  if (args.flags.has('json')) {
    process.stdout.write(terminalSafeJson({ block: decision.block, message: decision.message, sessionId: sessionId ?? null, alerts: decision.alerts.map((a) => ({ ...a, firedAt: new Date(a.firedAtMs).toISOString() })) }, 2) + '\n');
  }
  if (args.flags.has('hook')) {
    // Claude Code reads the decision from stdout JSON with exit 0; nothing printed = no opinion.
    // The reason reaches Claude too: names from the logs quoted, as on stderr below.
    const answer = preToolUseAnswer({ ...decision, message: quoteNamesIn(decision.message, decision.alerts.flatMap((a) => [a.project, a.model])) });
    if (answer !== undefined) process.stdout.write(JSON.stringify(answer) + '\n');
    return 0;
  }
  if (!decision.block) return 0;
  // Claude reads this line: names from the logs are quoted and stripped of escapes, so a hostile
  // project or model name reads as a name, not as an instruction or a terminal command.
  process.stderr.write(quoteNamesIn(decision.message, decision.alerts.flatMap((a) => [a.project, a.model])) + '\n');
  return 2;
}

/**
 * `tokenmeter guard --install|--uninstall [--settings FILE] [--yes]`: shows the exact change to
 * Claude Code's settings.json (hooks.PreToolUse before and after) and writes it only with `--yes`.
 */
async function installCommand(args: ParsedArgs): Promise<number> {
  const file = stringFlag(args, 'settings') ?? path.join(process.env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim() || path.join(os.homedir(), '.claude'), 'settings.json');
  const snapshot = await readSettingsFile(file);
  let settings: unknown;
  try {
    settings = snapshot.text.trim() === '' ? undefined : JSON.parse(snapshot.text);
  } catch (error) {
    throw new CommandLineError(`${file} is not valid JSON; fix it first, Tokenmeter will not overwrite it.`, { cause: error });
  }
  const command = guardHookCommand(process.execPath, path.resolve(process.argv[1] ?? 'tokenmeter'), ['--hook']);
  const change = args.flags.has('install') ? installGuardHook(settings, command) : removeGuardHook(settings);
  const entries = (v: unknown) => JSON.stringify((v as { hooks?: { PreToolUse?: unknown } } | undefined)?.hooks?.PreToolUse ?? null, null, 2);
  const words = phrasebook(cliLanguage(args));
  const installing = args.flags.has('install');
  if (!change.changed) {
    console.log(installing ? words.t('The Tokenmeter guard hook is already in {0}.', file) : words.t('No Tokenmeter guard hook in {0}.', file));
    return 0;
  }
  console.log([words.t('{0}: hooks.PreToolUse before:', file), entries(settings), words.t('after:'), entries(change.next)].join('\n'));
  if (!args.flags.has('yes')) {
    console.log(installing ? words.t('Nothing written. Run again with --yes to install it; remove it later with tokenmeter guard --uninstall --yes.') : words.t('Nothing written. Run again with --yes to remove it.'));
    return 0;
  }
  const written = await writeSettingsFile(snapshot, formatClaudeSettings(change.next));
  console.log(written.backupPath ? words.t('Written (backup: {0}).', written.backupPath) : words.t('Written.'));
  return 0;
}
