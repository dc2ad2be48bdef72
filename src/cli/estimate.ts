import { promises as fs } from 'node:fs';
import { basisNoteText, buildHistoryModel, estimateTask, estimateToJson, historySessionsFromEvents, type HistoryModel } from '../core/estimator';
import { formatTokens } from '../core/format';
import { kindName } from '../core/routing/routingPhrases';
import { countTokens } from '../core/tokenCount';
import { defaultLogRoots } from '../sources/logFiles';
import { readSessionPrompts } from '../sources/sessionPrompts';
import { cliFormatter, colour, loadCliSettings, parseArgs, priceTableOf, renderTable, scanForCli, stringFlag, CommandLineError } from './common';
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
  if (!description) throw new CommandLineError('describe the task: tokenmeter estimate "add CSV export to the reports page"');
  const aggressiveness = aggressivenessFlag(args);
  const tiers = tiersFlag(args);

  let contextTokens = 0;
  const contextTokensFlag = stringFlag(args, 'context-tokens');
  if (contextTokensFlag !== undefined) {
    contextTokens = Number(contextTokensFlag);
    if (!Number.isFinite(contextTokens) || contextTokens < 0) throw new CommandLineError(`--context-tokens must be a number of tokens (got "${contextTokensFlag}")`);
  }
  for (const file of contextFiles) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new CommandLineError(`--context ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    contextTokens += (await countTokens(text, tiers.medium)).tokens;
  }

  const settings = await loadCliSettings();
  const prices = priceTableOf(settings);
  let history: HistoryModel | undefined;
  const fmt = cliFormatter(args, settings);
  const p = fmt.l10n;
  let historyNote = p.t('history not read (--no-history)');
  if (!args.flags.has('no-history')) {
    const scanner = await scanForCli(args, settings);
    const roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
    const prompts = await readSessionPrompts(roots.claudeDirs);
    const sessions = historySessionsFromEvents(scanner.ledger.events(), prompts.prompts, (e) => prices.costOf(e));
    history = buildHistoryModel(sessions);
    historyNote = history.sessionCount === 1 ? p.t('1 past Claude Code session with a first prompt') : p.t('{0} past Claude Code sessions with a first prompt', history.sessionCount);
  }

  const estimate = estimateTask({ description, contextTokens }, history, (m) => prices.ratesFor(m), { tiers, aggressiveness, phrases: args.flags.has('json') ? undefined : p });
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify(estimateToJson(estimate), null, 2) + '\n');
    return 0;
  }
  const t = estimate.tokens;
  const context = contextTokens > 0 ? p.t(' · {0} tokens of context (estimate)', formatTokens(contextTokens)) : '';
  console.log(p.t('{0} task · {1} – {2} tokens (P50 {3})', colour.bold(kindName(estimate.kind, p)), formatTokens(t.p10), formatTokens(t.p90), formatTokens(t.p50)) + context);
  console.log();
  const tierName = { small: p.t('small'), medium: p.t('medium'), large: p.t('large') };
  const rows = (['small', 'medium', 'large'] as const).flatMap((tier) => {
    const model = estimate.tierModels[tier];
    const c = estimate.cost[model];
    if (!c) return [[`${model}`, tierName[tier], p.t('unpriced'), '', '']];
    return [[`${model}${estimate.suggested.tier === tier ? ' ✓' : ''}`, tierName[tier], fmt.money(c.p10), fmt.money(c.p50), fmt.money(c.p90)]];
  });
  console.log(renderTable([p.t('Model'), p.t('Tier'), 'P10', 'P50', 'P90'], rows));
  console.log();
  console.log(p.t('Suggested: {0} — {1}', estimate.suggested.model, estimate.suggested.reason));
  console.log(colour.dim(p.t('{0} ({1})', basisNoteText(estimate, contextTokens, fmt), historyNote)));
  return 0;
}
