import * as vscode from 'vscode';
import { judgeCallCostUsd, judgePrompt, parseJudgeAnswer, type JudgeFallbackReason, type JudgeOutcome } from '../core/routing/judge';
import type { PriceOf, Tier } from '../core/router';
import type { RoutingSettings } from '../core/settings';
import { EndpointError } from '../sources/endpoints/http';
import { askJudgeEndpoint } from '../sources/judgeEndpoint';

/** Where the judge endpoint's key lives (SecretStorage only). */
export const judgeKeySecret = 'tokenmeter.routing.judgeKey';
/** One short call: past this the local model grades. */
const judgeTimeoutMs = 15_000;
/** An answer is one line; stop reading a model that goes on. */
const maxAnswerChars = 2_000;

export interface JudgeDeps {
  settings: Pick<RoutingSettings, 'judge' | 'judgeEndpoint' | 'judgeModel'>;
  secrets: vscode.SecretStorage;
  priceOf: PriceOf;
  log: (message: string) => void;
}

/** Rates of an editor model: its id, then its family, in the price table. */
function ratesOfChatModel(model: vscode.LanguageModelChat, priceOf: PriceOf) {
  return priceOf(model.id) ?? priceOf(model.family) ?? undefined;
}

/** The cheapest model the editor offers: by list input price, then names that say small, then the first. */
export function cheapestChatModel(models: readonly vscode.LanguageModelChat[], priceOf: PriceOf): vscode.LanguageModelChat | undefined {
  const small = /\b(mini|nano|haiku|flash|lite|small)\b/i;
  const rank = (m: vscode.LanguageModelChat): number => ratesOfChatModel(m, priceOf)?.inputPerMTok ?? (small.test(`${m.id} ${m.family} ${m.name}`) ? 1e6 : 1e7);
  return [...models].sort((a, b) => rank(a) - rank(b))[0];
}

function fallbackOf(error: unknown): JudgeFallbackReason {
  if (error instanceof vscode.LanguageModelError) {
    if (error.code === vscode.LanguageModelError.NoPermissions.name) return 'notAllowed';
    if (error.code === vscode.LanguageModelError.NotFound.name) return 'noModel';
    return 'error';
  }
  if (error instanceof EndpointError) return error.kind === 'network' ? 'offline' : error.kind === 'timeout' ? 'timeout' : 'error';
  return 'error';
}

async function askEditorModel(prompt: string, localTier: Tier, deps: JudgeDeps, token: vscode.CancellationToken): Promise<JudgeOutcome> {
  if (!vscode.lm?.selectChatModels) return { used: false, reason: 'noModel', via: 'editor' };
  const wanted = deps.settings.judgeModel.trim();
  const all = await vscode.lm.selectChatModels();
  const offered = wanted ? all.filter((m) => m.id === wanted || m.family === wanted) : all;
  const model = cheapestChatModel(offered, deps.priceOf);
  if (!model) return { used: false, reason: 'noModel', via: 'editor' };
  const cancel = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => cancel.cancel(), judgeTimeoutMs);
  const stop = token.onCancellationRequested(() => cancel.cancel());
  try {
    const response = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User(prompt)],
      { justification: vscode.l10n.t('Tokenmeter asks this model how hard your task is, because the tokenmeter.routing.judge setting is on.') },
      cancel.token,
    );
    let text = '';
    for await (const chunk of response.text) {
      text += chunk;
      if (text.length >= maxAnswerChars) break;
    }
    if (cancel.token.isCancellationRequested) return { used: false, reason: 'timeout', judge: model.name, via: 'editor' };
    const verdict = parseJudgeAnswer(text);
    deps.log(`Routing judge ${model.id}: ${verdict ? `${verdict.tier}${verdict.kind ? `, ${verdict.kind}` : ''}` : `unusable answer (${text.length} chars)`}.`);
    if (!verdict) return { used: false, reason: 'unusableAnswer', judge: model.name, via: 'editor' };
    const [inputTokens, outputTokens] = await Promise.all([model.countTokens(prompt), model.countTokens(text)]);
    return {
      used: true, judge: model.name, via: 'editor', verdict, localTier, inputTokens, outputTokens,
      costUsd: judgeCallCostUsd(inputTokens, outputTokens, ratesOfChatModel(model, deps.priceOf)),
    };
  } catch (error) {
    if (cancel.token.isCancellationRequested) return { used: false, reason: 'timeout', judge: model.name, via: 'editor' };
    throw error;
  } finally {
    clearTimeout(timer);
    stop.dispose();
    cancel.dispose();
  }
}

async function askEndpoint(prompt: string, localTier: Tier, deps: JudgeDeps, token: vscode.CancellationToken): Promise<JudgeOutcome> {
  const url = deps.settings.judgeEndpoint.trim();
  if (!url) return { used: false, reason: 'noEndpoint', via: 'endpoint' };
  const abort = new AbortController();
  const stop = token.onCancellationRequested(() => abort.abort());
  try {
    const apiKey = await deps.secrets.get(judgeKeySecret);
    const answer = await askJudgeEndpoint({ url, model: deps.settings.judgeModel.trim(), apiKey }, prompt, { timeoutMs: judgeTimeoutMs, signal: abort.signal, nowMs: Date.now() });
    const verdict = parseJudgeAnswer(answer.text);
    deps.log(`Routing judge ${answer.model} (endpoint): ${verdict ? `${verdict.tier}${verdict.kind ? `, ${verdict.kind}` : ''}` : `unusable answer (${answer.text.length} chars)`}.`);
    if (!verdict) return { used: false, reason: 'unusableAnswer', judge: answer.model, via: 'endpoint' };
    // Servers that do not report usage: about four characters a token.
    const inputTokens = answer.inputTokens ?? Math.ceil(prompt.length / 4);
    const outputTokens = answer.outputTokens ?? Math.ceil(answer.text.length / 4);
    return {
      used: true, judge: answer.model, via: 'endpoint', verdict, localTier, inputTokens, outputTokens,
      costUsd: judgeCallCostUsd(inputTokens, outputTokens, deps.priceOf(answer.model) ?? undefined),
    };
  } finally {
    stop.dispose();
  }
}

/**
 * Asks the judge the setting names to grade one request; never throws. Every way it can fail
 * (no model, no permission, offline, timeout, an answer that is not a grade) comes back as an
 * outcome the caller shows, and the local model's advice stands.
 */
export async function judgeRequest(
  request: { prompt: string; contextTokens?: number },
  localTier: Tier,
  deps: JudgeDeps,
  token: vscode.CancellationToken,
): Promise<JudgeOutcome | undefined> {
  const via = deps.settings.judge;
  if (via === 'off') return undefined;
  const prompt = judgePrompt(request);
  try {
    return via === 'editor' ? await askEditorModel(prompt, localTier, deps, token) : await askEndpoint(prompt, localTier, deps, token);
  } catch (error) {
    deps.log(`Routing judge (${via}) failed: ${error instanceof Error ? error.message : String(error)}. The local model graded the task.`);
    return { used: false, reason: fallbackOf(error), via };
  }
}

/** "Set Routing Judge Key": stores the judge endpoint's key in SecretStorage; empty removes it. */
export async function setJudgeKey(secrets: vscode.SecretStorage, log: (m: string) => void): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Tokenmeter: Set Routing Judge Key'),
    prompt: vscode.l10n.t('Stored in the OS keychain through VS Code SecretStorage. Leave empty to remove the key.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim() === '') {
    await secrets.delete(judgeKeySecret);
    log('Removed the routing judge key.');
    void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Routing judge key removed')}`, 3_000);
    return;
  }
  await secrets.store(judgeKeySecret, key.trim());
  log('Stored the routing judge key.');
  void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Routing judge key stored')}`, 3_000);
}
