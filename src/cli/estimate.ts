import { promises as fs } from 'node:fs';
import { buildHistoryModel, estimateTask, estimateToJson, historySessionsFromEvents, type HistoryModel } from '../core/estimator';
import { formatTokens, formatUsd } from '../core/snapshot';
import { countTokens } from '../core/tokenCount';
import { taskKindLabels } from '../core/taskKind';
import { defaultLogRoots } from '../sources/logFiles';
import { readSessionPrompts } from '../sources/sessionPrompts';
import { colour, loadCliSettings, parseArgs, priceTableOf, renderTable, scanForCli, stringFlag, UsageError } from './common';
import { aggressivenessFlag, tiersFlag } from './route';

const help = `tokenmeter estimate "<task>" [--json] [--context <file>]... [--context-tokens N]
                   [--no-history] [--aggressiveness conservative|balanced|aggressive]
                   [--small <model>] [--medium <model>] [--large <model>]

P10/P50/P90 tokens and dollars per model tier for a task, from your own past
Claude Code sessions of the same kind (8 or more), else from published ranges.
--context adds files you would attach (counted with a tokenizer; an estimate for Claude).`;

/** `tokenmeter estimate "<task>"`: what a task will likely cost, per model tier. */
export async function run(argv: string[]): Promise<number> {
  // --context may repeat; collect every value before the generic parser keeps only the last.
  const contextFiles: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--context' && i + 1 < argv.length) contextFiles.push(argv[++i]);
    else if (argv[i].startsWith('--context=')) contextFiles.push(argv[i].slice('--context='.length));
    else rest.push(argv[i]);
  }
  const args = parseArgs(rest, ['json', 'help', 'no-history', 'no-index']);
  if (args.flags.has('help')) {
    console.log(help);
    return 0;
  }
  const description = args.positional.join(' ').trim();
  if (!description) throw new UsageError('describe the task: tokenmeter estimate "add CSV export to the reports page"');
  const aggressiveness = aggressivenessFlag(args);
  const tiers = tiersFlag(args);

  let contextTokens = 0;
  const contextTokensFlag = stringFlag(args, 'context-tokens');
  if (contextTokensFlag !== undefined) {
    contextTokens = Number(contextTokensFlag);
    if (!Number.isFinite(contextTokens) || contextTokens < 0) throw new UsageError(`--context-tokens must be a number of tokens (got "${contextTokensFlag}")`);
  }
  for (const file of contextFiles) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--context ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    contextTokens += (await countTokens(text, tiers.medium)).tokens;
  }

  const settings = await loadCliSettings();
  const prices = priceTableOf(settings);
  let history: HistoryModel | undefined;
  let historyNote = 'history not read (--no-history)';
  if (!args.flags.has('no-history')) {
    const scanner = await scanForCli(args, settings);
    const roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
    const prompts = await readSessionPrompts(roots.claudeDirs);
    const sessions = historySessionsFromEvents(scanner.ledger.events(), prompts.prompts, (e) => prices.costOf(e));
    history = buildHistoryModel(sessions);
    historyNote = `${history.sessionCount} past Claude Code session${history.sessionCount === 1 ? '' : 's'} with a first prompt`;
  }

  const estimate = estimateTask({ description, contextTokens }, history, (m) => prices.ratesFor(m), { tiers, aggressiveness });
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify(estimateToJson(estimate), null, 2) + '\n');
    return 0;
  }
  const t = estimate.tokens;
  console.log(`${colour.bold(taskKindLabels[estimate.kind])} task · ${formatTokens(t.p10)} – ${formatTokens(t.p90)} tokens (P50 ${formatTokens(t.p50)})${contextTokens > 0 ? ` · ${formatTokens(contextTokens)} tokens of context (estimate)` : ''}`);
  console.log();
  const rows = (['small', 'medium', 'large'] as const).flatMap((tier) => {
    const model = estimate.tierModels[tier];
    const c = estimate.cost[model];
    if (!c) return [[`${model}`, tier, 'unpriced', '', '']];
    return [[`${model}${estimate.suggested.tier === tier ? ' ✓' : ''}`, tier, formatUsd(c.p10), formatUsd(c.p50), formatUsd(c.p90)]];
  });
  console.log(renderTable(['Model', 'Tier', 'P10', 'P50', 'P90'], rows));
  console.log();
  console.log(`Suggested: ${estimate.suggested.model} — ${estimate.suggested.reason}`);
  console.log(colour.dim(`${estimate.basisNote} (${historyNote})`));
  return 0;
}
