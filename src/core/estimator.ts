/**
 * Estimate Task Cost: a P10/P50/P90 range of tokens and dollars for a described task, from the
 * user's own past sessions of the same kind when there are enough, else from published ranges.
 * Pure: history and prices come in as parameters.
 */
import {
  defaultModelTiers, ratesOf, routeRequest, tiers,
  type Aggressiveness, type ModelTiers, type PriceOf, type RoutingHistory, type Tier, type TokenRates,
} from './router';
import { englishUsd, formatTokens, type Formatter } from './format';
import { phrasebook, type Phrasebook } from './phrases';
import type { JudgeOutcome, JudgeVerdict } from './routing/judge';
import { judgedReason, judgeNoteText, kindName } from './routing/routingPhrases';
import { classifyTaskKind, taskKindLabels, taskKinds, type TaskKind } from './taskKind';

const english = phrasebook('en');
import { totalTokensOf, type UsageEvent } from './usageEvent';

/** Token counts of a session by kind (absolute counts, not fractions). */
export interface TokenMix {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
}

/** One past session, as the history model needs it. */
export interface HistorySession {
  firstPrompt: string;
  totalTokens: number;
  /** USD, or null when some of its models are unpriced. */
  costUsd: number | null;
  /** The model that carried most of the session's tokens. */
  model: string;
  /** Breakdown by token kind, if known; gives the kind's input/output/cache mix. */
  mix?: TokenMix;
}

export interface KindHistory {
  sampleSize: number;
  /** Session totals, ascending. */
  sortedTotals: number[];
  medianTokens: number;
  /** Summed token counts of the kind's sessions (their mix), if any session had one. */
  mix?: TokenMix;
}

export interface HistoryModel {
  sessionCount: number;
  byKind: Partial<Record<TaskKind, KindHistory>>;
}

export interface Quantiles { p10: number; p50: number; p90: number }

export interface TaskEstimate {
  kind: TaskKind;
  basis: 'history' | 'defaults';
  /** Past sessions of this kind that the estimate used (0 with defaults) or found (fewer than needed). */
  sampleSize: number;
  tokens: Quantiles;
  /** USD per model (the three tier models), same quantiles. Models without a price are left out. */
  cost: Record<string, Quantiles>;
  suggested: { model: string; tier: Tier; reason: string; confidence: number };
  /** The model of each tier the estimate was made for. */
  tierModels: ModelTiers;
  /** One line on what the numbers rest on. */
  basisNote: string;
}

export interface EstimateOptions {
  tiers?: ModelTiers;
  /** Language of the suggested model's reason (default English, which `estimate --json` keeps). */
  phrases?: Phrasebook;
  aggressiveness?: Aggressiveness;
  /** Fewest past sessions of a kind before history is used instead of published ranges (default 8). */
  minSamples?: number;
  /** The opt-in judge's grade (editor only): its tier is the suggestion, its kind (if any) the kind. */
  judged?: JudgeVerdict;
}

/**
 * Published ranges (P10–P90 total tokens per session, read as a log-normal) for when history is thin.
 * The first five are from the issue; the rest are our reading of the same sources, scaled by scope.
 */
export const defaultTokenRanges: Record<TaskKind, { p10: number; p90: number }> = {
  architecture: { p10: 100_000, p90: 500_000 },
  feature: { p10: 50_000, p90: 200_000 },
  bugfix: { p10: 20_000, p90: 100_000 },
  docs: { p10: 30_000, p90: 150_000 },
  review: { p10: 10_000, p90: 50_000 },
  refactor: { p10: 30_000, p90: 200_000 },
  test: { p10: 20_000, p90: 120_000 },
  question: { p10: 5_000, p90: 50_000 },
  completion: { p10: 5_000, p90: 40_000 },
  rename: { p10: 5_000, p90: 40_000 },
  edit: { p10: 5_000, p90: 40_000 },
  docstring: { p10: 5_000, p90: 40_000 },
  other: { p10: 20_000, p90: 150_000 },
};

/** Claude Code sessions are mostly cache reads: each turn re-reads the conversation. */
export const defaultMix: TokenMix = {
  inputTokens: 0.01, outputTokens: 0.02, cacheWrite5mTokens: 0.06, cacheWrite1hTokens: 0, cacheReadTokens: 0.91,
};

// Context attached to the first request stays in the conversation and is re-read (from cache) on
// later turns; a typical task runs for about this many turns.
const contextRereadTurns = 8;

const emptyMix = (): TokenMix => ({ inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 });

/** Groups past sessions by the task kind of their first prompt. Sessions with no tokens are skipped. */
export function buildHistoryModel(sessions: readonly HistorySession[]): HistoryModel {
  const groups = new Map<TaskKind, { totals: number[]; mix?: TokenMix }>();
  let sessionCount = 0;
  for (const s of sessions) {
    if (!(s.totalTokens > 0) || !s.firstPrompt.trim()) continue;
    sessionCount++;
    const kind = classifyTaskKind(s.firstPrompt);
    const g = groups.get(kind) ?? { totals: [] };
    g.totals.push(s.totalTokens);
    if (s.mix) {
      g.mix ??= emptyMix();
      for (const k of Object.keys(g.mix) as (keyof TokenMix)[]) g.mix[k] += s.mix[k];
    }
    groups.set(kind, g);
  }
  const byKind: HistoryModel['byKind'] = {};
  for (const [kind, g] of groups) {
    const sortedTotals = [...g.totals].sort((a, b) => a - b);
    byKind[kind] = { sampleSize: sortedTotals.length, sortedTotals, medianTokens: quantileOfSorted(sortedTotals, 0.5), mix: g.mix };
  }
  return { sessionCount, byKind };
}

/** Per-kind medians for the router. */
export function routingHistoryOf(model: HistoryModel): RoutingHistory {
  const byKind: RoutingHistory['byKind'] = {};
  for (const kind of taskKinds) {
    const h = model.byKind[kind];
    if (h) byKind[kind] = { medianTokens: h.medianTokens, sampleSize: h.sampleSize };
  }
  return { byKind };
}

function quantileOfSorted(sorted: readonly number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Quantile of the distribution a sample came from, in log space with the Weibull plotting position
 * p(n+1): the range between two such quantiles holds a new draw about (p2 - p1) of the time even for
 * small samples, where plain empirical quantiles cover less. Beyond the extremes it extrapolates
 * along the outermost pair.
 */
function predictiveQuantile(sortedLogs: readonly number[], p: number): number {
  const n = sortedLogs.length;
  if (n === 1) return sortedLogs[0];
  const pos = p * (n + 1) - 1; // 0-based position
  if (pos <= 0) return sortedLogs[0] + (sortedLogs[1] - sortedLogs[0]) * pos;
  if (pos >= n - 1) return sortedLogs[n - 1] + (sortedLogs[n - 1] - sortedLogs[n - 2]) * (pos - (n - 1));
  const lo = Math.floor(pos);
  return sortedLogs[lo] + (sortedLogs[lo + 1] - sortedLogs[lo]) * (pos - lo);
}

/** P10/P50/P90 tokens for a kind from history (mildly widened for small samples). */
export function historyQuantiles(sortedTotals: readonly number[]): Quantiles {
  const logs = sortedTotals.map((t) => Math.log(Math.max(1, t)));
  const n = logs.length;
  const mid = predictiveQuantile(logs, 0.5);
  // Extrapolating from few points is noisy; widen the log-spread a little, less as n grows.
  const widen = 1 + 1 / n;
  const lo = mid - (mid - predictiveQuantile(logs, 0.1)) * widen;
  const hi = mid + (predictiveQuantile(logs, 0.9) - mid) * widen;
  return { p10: Math.exp(lo), p50: Math.exp(mid), p90: Math.exp(hi) };
}

/** P10/P50/P90 of a log-normal given its P10 and P90. */
export function logNormalQuantiles(range: { p10: number; p90: number }): Quantiles {
  return { p10: range.p10, p50: Math.sqrt(range.p10 * range.p90), p90: range.p90 };
}

/** USD per token for a token mix at the given rates. */
function usdPerToken(mix: TokenMix, rates: TokenRates): number {
  const total = mix.inputTokens + mix.outputTokens + mix.cacheWrite5mTokens + mix.cacheWrite1hTokens + mix.cacheReadTokens;
  if (total <= 0) return 0;
  return (mix.inputTokens * rates.inputPerMTok + mix.outputTokens * rates.outputPerMTok
    + mix.cacheWrite5mTokens * rates.cacheWrite5mPerMTok + mix.cacheWrite1hTokens * rates.cacheWrite1hPerMTok
    + mix.cacheReadTokens * rates.cacheReadPerMTok) / total / 1e6;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Estimate for one task: kind, token range, USD range per tier model, suggested model.
 * `contextTokens` is what the user attaches (files, selection); it is re-read on later turns.
 */
export function estimateTask(
  task: { description: string; contextTokens?: number },
  history: HistoryModel | undefined,
  priceOf: PriceOf,
  options: EstimateOptions = {},
): TaskEstimate {
  const modelTiers = options.tiers ?? defaultModelTiers;
  const minSamples = options.minSamples ?? 8;
  const kind = options.judged?.kind ?? classifyTaskKind(task.description);
  const past = history?.byKind[kind];
  const useHistory = past !== undefined && past.sampleSize >= minSamples;
  const base = useHistory ? historyQuantiles(past.sortedTotals) : logNormalQuantiles(defaultTokenRanges[kind]);
  const contextTokens = Math.max(0, task.contextTokens ?? 0);
  const extra = contextTokens * contextRereadTurns;
  const tokens: Quantiles = {
    p10: Math.round(base.p10 + extra), p50: Math.round(base.p50 + extra), p90: Math.round(base.p90 + extra),
  };

  const mix = useHistory && past.mix ? past.mix : defaultMix;
  const cost: Record<string, Quantiles> = {};
  for (const tier of tiers) {
    const model = modelTiers[tier];
    const rates = ratesOf(model, priceOf);
    if (!rates) continue;
    const perToken = usdPerToken(mix, rates);
    cost[model] = { p10: round(tokens.p10 * perToken, 4), p50: round(tokens.p50 * perToken, 4), p90: round(tokens.p90 * perToken, 4) };
  }

  const advice = routeRequest(
    { prompt: task.description, contextTokens, taskKind: kind },
    { tiers: modelTiers, aggressiveness: options.aggressiveness, priceOf, history: history ? routingHistoryOf(history) : undefined, phrases: options.phrases },
  );
  const label = taskKindLabels[kind];
  const basisNote = useHistory
    ? `Based on ${past.sampleSize} of your past ${label} sessions${past.mix ? ' and their token mix' : ''}.`
    : `Based on published ranges for ${label} tasks (${formatTokens(defaultTokenRanges[kind].p10)}–${formatTokens(defaultTokenRanges[kind].p90)} tokens): ${past ? `only ${past.sampleSize} of your sessions ${past.sampleSize === 1 ? 'looks' : 'look'} like this (${minSamples} needed)` : 'no similar sessions in your history'}.`;
  return {
    kind,
    basis: useHistory ? 'history' : 'defaults',
    sampleSize: past?.sampleSize ?? 0,
    tokens,
    cost,
    suggested: options.judged
      ? {
        model: modelTiers[options.judged.tier], tier: options.judged.tier,
        reason: judgedReason(options.judged.tier, advice.tier, options.phrases),
        // How sure the local model is of the judged tier.
        confidence: Math.min(0.99, Math.round(advice.needProbability[options.judged.tier] * 100) / 100),
      }
      : { model: advice.model, tier: advice.tier, reason: advice.reason, confidence: advice.confidence },
    tierModels: modelTiers,
    basisNote: contextTokens > 0 ? `${basisNote} Includes ${formatTokens(contextTokens)} tokens of attached context, re-read over about ${contextRereadTurns} turns.` : basisNote,
  };
}

/**
 * Past sessions for `buildHistoryModel` from ledger events: main-agent and sub-agent events are
 * summed per session; sessions without a known first prompt are left out.
 */
export function historySessionsFromEvents(
  events: readonly UsageEvent[],
  firstPrompts: ReadonlyMap<string, string>,
  costOf: (event: UsageEvent) => number | null,
): HistorySession[] {
  const bySession = new Map<string, { mix: TokenMix; costUsd: number | null; tokensByModel: Map<string, number> }>();
  for (const e of events) {
    if (!firstPrompts.has(e.sessionId)) continue;
    let s = bySession.get(e.sessionId);
    if (!s) bySession.set(e.sessionId, (s = { mix: emptyMix(), costUsd: 0, tokensByModel: new Map() }));
    s.mix.inputTokens += e.inputTokens;
    s.mix.outputTokens += e.outputTokens;
    s.mix.cacheWrite5mTokens += e.cacheWrite5mTokens;
    s.mix.cacheWrite1hTokens += e.cacheWrite1hTokens;
    s.mix.cacheReadTokens += e.cacheReadTokens;
    const c = costOf(e);
    s.costUsd = c === null || s.costUsd === null ? null : s.costUsd + c;
    s.tokensByModel.set(e.model, (s.tokensByModel.get(e.model) ?? 0) + totalTokensOf(e));
  }
  const sessions: HistorySession[] = [];
  for (const [sessionId, s] of bySession) {
    let model = '';
    let most = -1;
    for (const [m, t] of s.tokensByModel) if (t > most) { model = m; most = t; }
    sessions.push({ firstPrompt: firstPrompts.get(sessionId)!, totalTokens: totalTokensOf(s.mix), costUsd: s.costUsd, model, mix: s.mix });
  }
  return sessions;
}

/** The JSON shape of `tokenmeter estimate --json` (and the clipboard copy). */
export function estimateToJson(e: TaskEstimate): object {
  return {
    kind: e.kind, basis: e.basis, sampleSize: e.sampleSize, tokens: e.tokens, cost: e.cost,
    suggested: { model: e.suggested.model, tier: e.suggested.tier, reason: e.suggested.reason }, basisNote: e.basisNote,
  };
}

/** Money in the formatter's currency, else US dollars as the core writes them (`englishUsd.money` = `formatUsd`). */
const moneyOf = (fmt?: Formatter) => (x: number): string => (fmt ?? englishUsd).money(x);

/** Share of the remaining budget the task's P50 and P90 would take, as "12–30%". */
export function budgetShareText(cost: Quantiles, remainingBudgetUsd: number, fmt?: Formatter): string {
  const p = fmt?.l10n ?? english;
  if (remainingBudgetUsd <= 0) return p.t('the budget is already spent');
  const pct = (x: number) => Math.round((x / remainingBudgetUsd) * 100);
  return p.t('{0}% (P50) to {1}% (P90) of the {2} left', pct(cost.p50), pct(cost.p90), moneyOf(fmt)(remainingBudgetUsd));
}

/** What the numbers rest on, in the display language (`basisNote` is the English one). */
export function basisNoteText(e: TaskEstimate, contextTokens: number, fmt?: Formatter): string {
  if (!fmt || fmt.speaksCoreText) return e.basisNote;
  const p = fmt.l10n;
  const label = kindName(e.kind, p);
  const range = defaultTokenRanges[e.kind];
  const note = e.basis === 'history'
    ? p.t('Based on {0} of your past {1} sessions.', e.sampleSize, label)
    : e.sampleSize > 0
      ? p.t('Based on published ranges for {0} tasks ({1}–{2} tokens): only {3} of your sessions look like this ({4} needed).', label, formatTokens(range.p10), formatTokens(range.p90), e.sampleSize, 8)
      : p.t('Based on published ranges for {0} tasks ({1}–{2} tokens): no similar sessions in your history.', label, formatTokens(range.p10), formatTokens(range.p90));
  return contextTokens > 0 ? `${note}${p.t(' Includes {0} tokens of attached context, re-read over about {1} turns.', formatTokens(contextTokens), contextRereadTurns)}` : note;
}

/** A Markdown summary of an estimate, for the VS Code command and the clipboard, in the display language. */
export function formatEstimateMarkdown(
  description: string,
  e: TaskEstimate,
  options: { remainingBudgetUsd?: number; contextNote?: string; contextTokens?: number; fmt?: Formatter; judge?: JudgeOutcome } = {},
): string {
  const fmt = options.fmt;
  const p = fmt?.l10n ?? english;
  const money = moneyOf(fmt);
  const tierName = (t: Tier): string => (t === 'small' ? p.t('small') : t === 'medium' ? p.t('medium') : p.t('large'));
  const lines = [
    p.t('# Estimate: {0}', description.length > 80 ? `${description.slice(0, 77)}…` : description),
    '',
    p.t('**Kind:** {0} · **Tokens:** {1} – {2} (P50 {3})', kindName(e.kind, p), formatTokens(e.tokens.p10), formatTokens(e.tokens.p90), formatTokens(e.tokens.p50)),
    '',
    p.t('| Model | Tier | P10 | P50 | P90 |'),
    '|---|---|---:|---:|---:|',
  ];
  for (const tier of tiers) {
    const model = e.tierModels[tier];
    const c = e.cost[model];
    if (!c) continue;
    const mark = e.suggested.tier === tier ? ' ✓' : '';
    lines.push(`| ${model}${mark} | ${tierName(tier)} | ${money(c.p10)} | ${money(c.p50)} | ${money(c.p90)} |`);
  }
  lines.push('', p.t('**Suggested:** {0} ({1}) — {2}', e.suggested.model, tierName(e.suggested.tier), e.suggested.reason));
  const suggestedCost = e.cost[e.suggested.model];
  if (options.remainingBudgetUsd !== undefined && suggestedCost) {
    lines.push('', options.remainingBudgetUsd <= 0
      ? p.t('**Budget:** the budget is already spent.')
      : p.t('**Budget:** on {0} this would take {1}.', e.suggested.model, budgetShareText(suggestedCost, options.remainingBudgetUsd, fmt)));
  }
  // The judge is never silent: whether it graded the task, what that call cost, or why it could not.
  if (options.judge) lines.push('', judgeNoteText(options.judge, fmt));
  lines.push('', `_${basisNoteText(e, options.contextTokens ?? 0, fmt)}${options.contextNote ? ` ${options.contextNote}` : ''}_`);
  return lines.join('\n');
}
