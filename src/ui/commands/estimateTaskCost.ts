import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  budgetShareText, buildHistoryModel, estimateTask, formatEstimateMarkdown, historySessionsFromEvents,
  type HistoryModel, type TaskEstimate,
} from '../../core/estimator';
import { defaultModelTiers, modelDisplayName, type Aggressiveness, type ModelTiers, type PriceOf, type Tier } from '../../core/router';
import { englishUsd, formatTokens, type Formatter } from '../../core/format';
import type { JudgeOutcome } from '../../core/routing/judge';
import { judgeShortText, kindName } from '../../core/routing/routingPhrases';
import { countTokens } from '../../core/tokenCount';
import type { UsageEvent } from '../../core/usageEvent';
import { readSessionPrompts } from '../../sources/sessionPrompts';

export interface EstimateTaskCostDeps {
  /** The ledger's events (all sessions); used with the first prompts for per-kind history. */
  getEvents(): readonly UsageEvent[];
  /** USD left in the tightest budget, if one is set. */
  getRemainingBudgetUsd(): number | undefined;
  /** Claude config folders (each holding `projects/`), to read each session's first prompt. */
  claudeDirs: readonly string[];
  /** Rates per model, e.g. `(m) => service.prices.ratesFor(m)`. */
  priceOf: PriceOf;
  /** Cost of one event, null when unpriced: `(e) => service.prices.costOf(e)` (the one pricing rule, pricing.ts). */
  costOf: (event: UsageEvent) => number | null;
  /** Display language and currency for the summary (default English, US dollars). */
  fmt?: Formatter;
  settings?: {
    tiers?: ModelTiers;
    aggressiveness?: Aggressiveness;
    /** Most workspace files to count as context (default 200). */
    maxWorkspaceFiles?: number;
  };
  log?: (message: string) => void;
  /** Where the estimate's Markdown file goes (e.g. `context.globalStorageUri`); default: the OS temp folder. */
  outputDir?: vscode.Uri;
  /**
   * The opt-in judge (setting `tokenmeter.routing.judge`): grades the task given the local model's
   * tier; undefined when the setting is off. Its outcome is always shown, used or not.
   */
  judge?: (request: { prompt: string; contextTokens: number }, localTier: Tier, token: vscode.CancellationToken) => Promise<JudgeOutcome | undefined>;
}

/** How context tokens were counted (core/tokenCount.ts `tokenCountNote`, in the display language). */
const countNote = () => vscode.l10n.t('Counted with the o200k_base tokenizer (gpt-tokenizer). Anthropic has not published Claude\'s tokenizer, so counts for Claude models are estimates.');

type ContextChoice = 'none' | 'selection' | 'file' | 'workspace';

const maxWorkspaceBytes = 8 * 1024 * 1024;
const workspaceExclude = '**/{node_modules,dist,out,build,.git,.venv,venv,target,coverage,.next}/**';

async function pickContext(editor: vscode.TextEditor | undefined): Promise<ContextChoice | undefined> {
  const items: (vscode.QuickPickItem & { choice: ContextChoice })[] = [{ label: `$(circle-slash) ${vscode.l10n.t('No context')}`, description: vscode.l10n.t('estimate from the description alone'), choice: 'none' }];
  if (editor && !editor.selection.isEmpty) {
    const lines = editor.selection.end.line - editor.selection.start.line + 1;
    items.push({ label: `$(selection) ${vscode.l10n.t('Selection')}`, description: lines === 1 ? vscode.l10n.t('1 line') : vscode.l10n.t('{0} lines', lines), choice: 'selection' });
  }
  if (editor) items.push({ label: `$(file) ${vscode.l10n.t('Open file')}`, description: vscode.workspace.asRelativePath(editor.document.uri), choice: 'file' });
  if (vscode.workspace.workspaceFolders?.length) items.push({ label: `$(files) ${vscode.l10n.t('Workspace files')}`, description: vscode.l10n.t('source files, up to a cap'), choice: 'workspace' });
  if (items.length === 1) return 'none';
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tokenmeter: Estimate Task Cost'), placeHolder: vscode.l10n.t('What will you give the agent as context?') });
  return picked?.choice;
}

/** Context text and a note on what it was, or undefined if cancelled. */
async function collectContext(choice: ContextChoice, editor: vscode.TextEditor | undefined, maxFiles: number, token: vscode.CancellationToken): Promise<{ text: string; note: string } | undefined> {
  switch (choice) {
    case 'none':
      return { text: '', note: '' };
    case 'selection':
      return { text: editor!.document.getText(editor!.selection), note: vscode.l10n.t('the selection') };
    case 'file':
      return { text: editor!.document.getText(), note: vscode.workspace.asRelativePath(editor!.document.uri) };
    case 'workspace': {
      const files = await vscode.workspace.findFiles('**/*.{ts,tsx,js,jsx,mjs,cjs,py,go,rs,java,kt,cs,c,h,cpp,hpp,rb,php,swift,scala,vue,svelte,md,json,yaml,yml,toml,sql,sh}', workspaceExclude, maxFiles + 1, token);
      if (token.isCancellationRequested) return undefined;
      const parts: string[] = [];
      let bytes = 0;
      let read = 0;
      for (const uri of files.slice(0, maxFiles)) {
        if (token.isCancellationRequested) return undefined;
        const content = await vscode.workspace.fs.readFile(uri);
        if (bytes + content.byteLength > maxWorkspaceBytes) break;
        bytes += content.byteLength;
        read++;
        parts.push(new TextDecoder().decode(content));
      }
      const capped = files.length > maxFiles || read < Math.min(files.length, maxFiles);
      return { text: parts.join('\n'), note: `${read === 1 ? vscode.l10n.t('1 workspace file') : vscode.l10n.t('{0} workspace files', read)}${capped ? vscode.l10n.t(' (capped)') : ''}` };
    }
  }
}

function summaryLine(e: TaskEstimate, remainingBudgetUsd: number | undefined, fmt?: Formatter): string {
  const c = e.cost[e.suggested.model];
  const name = modelDisplayName(e.suggested.model);
  const money = (x: number): string => (fmt ?? englishUsd).money(x);
  const range = c
    ? vscode.l10n.t('{0}–{1} on {2} (P50 {3})', money(c.p10), money(c.p90), name, money(c.p50))
    : vscode.l10n.t('{0}–{1} tokens on {2}', formatTokens(e.tokens.p10), formatTokens(e.tokens.p90), name);
  const basis = e.basis === 'history' ? vscode.l10n.t('from {0} of your sessions', e.sampleSize) : vscode.l10n.t('from published ranges');
  const budget = c && remainingBudgetUsd !== undefined ? ` · ${budgetShareText(c, remainingBudgetUsd, fmt)}` : '';
  return vscode.l10n.t('{0}: {1}, {2}{3}', kindName(e.kind, fmt?.l10n), range, basis, budget);
}

/** "Tokenmeter: Estimate Task Cost": asks for a task and context, shows P10/P50/P90 per tier. */
export async function estimateTaskCost(deps: EstimateTaskCostDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  const description = await vscode.window.showInputBox({
    title: vscode.l10n.t('Tokenmeter: Estimate Task Cost'),
    prompt: vscode.l10n.t('Describe the task as you would ask the agent'),
    placeHolder: vscode.l10n.t('e.g. Add CSV export to the reports page'),
    value: selected.length <= 500 ? selected : `${selected.slice(0, 500)}…`,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Describe the task first.')),
  });
  if (!description?.trim()) return;
  const choice = await pickContext(editor);
  if (!choice) return;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tokenmeter: estimating…'), cancellable: true },
    async (progress, token) => {
      progress.report({ message: choice === 'workspace' ? vscode.l10n.t('counting workspace tokens') : vscode.l10n.t('counting tokens') });
      const context = await collectContext(choice, editor, deps.settings?.maxWorkspaceFiles ?? 200, token);
      if (!context) return undefined;
      const counted = context.text ? await countTokens(context.text, deps.settings?.tiers?.medium ?? defaultModelTiers.medium) : undefined;
      progress.report({ message: vscode.l10n.t('reading your past sessions') });
      let history: HistoryModel | undefined;
      try {
        const prompts = await readSessionPrompts(deps.claudeDirs);
        history = buildHistoryModel(historySessionsFromEvents(deps.getEvents(), prompts.prompts, deps.costOf));
        deps.log?.(`Estimate Task Cost: ${history.sessionCount} past sessions with a first prompt (${prompts.filesRead} transcripts, ${prompts.problems.length} unreadable).`);
      } catch (error) {
        // Without history the estimate still stands on published ranges, and says so.
        deps.log?.(`Estimate Task Cost: could not read past sessions: ${error instanceof Error ? error.message : String(error)}`);
      }
      const task = { description, contextTokens: counted?.tokens ?? 0 };
      const estimateOptions = { tiers: deps.settings?.tiers, aggressiveness: deps.settings?.aggressiveness, phrases: deps.fmt?.l10n };
      let estimate = estimateTask(task, history, deps.priceOf, estimateOptions);
      let judge: JudgeOutcome | undefined;
      if (deps.judge) {
        progress.report({ message: vscode.l10n.t('asking the routing judge') });
        judge = await deps.judge({ prompt: description, contextTokens: task.contextTokens }, estimate.suggested.tier, token);
        if (judge?.used) estimate = estimateTask(task, history, deps.priceOf, { ...estimateOptions, judged: judge.verdict });
      }
      const contextNote = counted ? `${vscode.l10n.t('Context: {0}, {1} tokens.', context.note, `${counted.isEstimate ? '≈' : ''}${formatTokens(counted.tokens)}`)} ${countNote()}` : undefined;
      return { estimate, contextNote, contextTokens: counted?.tokens ?? 0, judge };
    },
  );
  if (!result) return;

  const remainingBudgetUsd = deps.getRemainingBudgetUsd();
  const markdown = formatEstimateMarkdown(description.trim(), result.estimate, { remainingBudgetUsd, contextNote: result.contextNote, contextTokens: result.contextTokens, fmt: deps.fmt, judge: result.judge });
  // A file, not an untitled document: the preview then has no dirty source tab that asks to be saved.
  const dir = deps.outputDir ?? vscode.Uri.file(os.tmpdir());
  const file = vscode.Uri.joinPath(dir, 'tokenmeter-estimate.md');
  await vscode.workspace.fs.createDirectory(dir);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(markdown));
  await vscode.commands.executeCommand('markdown.showPreview', file);
  const copyEstimate = vscode.l10n.t('Copy Estimate');
  // Never silent: the notification says whether the judge graded the task.
  const judged = result.judge ? ` · ${judgeShortText(result.judge, deps.fmt?.l10n)}` : '';
  const action = await vscode.window.showInformationMessage(`${summaryLine(result.estimate, remainingBudgetUsd, deps.fmt)}${judged}`, copyEstimate);
  if (action === copyEstimate) {
    await vscode.env.clipboard.writeText(markdown);
    void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Estimate copied')}`, 3_000);
  }
}
