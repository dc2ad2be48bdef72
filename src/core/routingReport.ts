// "Routing report": over a period, which past sessions could have run on a cheaper model tier
// (judged by the router from their first request) and what that would have saved, per project
// and model, with examples. Pure: sessions in, numbers and Markdown out.
import type { TokenMix } from './estimator';
import { modelDisplayName, ratesOf, routeRequest, tiers, type Aggressiveness, type ModelTiers, type PriceOf, type Tier } from './router';
import { englishUsd, type Formatter } from './format';
import { kindName, markdownLiteral } from './routing/routingPhrases';
import type { UsageEvent } from './usageEvent';

export interface RoutingReportSession {
  sessionId: string;
  project: string;
  firstPrompt: string;
  /** The model that carried most of the session's tokens. */
  model: string;
  mix: TokenMix;
  costUsd: number;
}

export interface RoutingReportRow {
  project: string;
  model: string;
  sessions: number;
  costUsd: number;
  /** Sessions the router would have sent to a cheaper tier. */
  downgradable: number;
  savingUsd: number;
}

export interface RoutingReportExample {
  sessionId: string;
  project: string;
  prompt: string;
  model: string;
  advisedModel: string;
  reason: string;
  costUsd: number;
  savingUsd: number;
}

export interface RoutingReport {
  sessions: number;
  costUsd: number;
  savingUsd: number;
  rows: RoutingReportRow[];
  examples: RoutingReportExample[];
}

function familyTier(model: string, modelTiers: ModelTiers): Tier | undefined {
  if (model === modelTiers.large) return 'large';
  if (model === modelTiers.medium) return 'medium';
  if (model === modelTiers.small) return 'small';
  const m = model.toLowerCase();
  return m.includes('opus') ? 'large' : m.includes('sonnet') ? 'medium' : m.includes('haiku') ? 'small' : undefined;
}

function costAt(mix: TokenMix, model: string, priceOf?: PriceOf): number | undefined {
  const r = ratesOf(model, priceOf);
  if (!r) return undefined;
  return (mix.inputTokens * r.inputPerMTok + mix.outputTokens * r.outputPerMTok + mix.cacheWrite5mTokens * r.cacheWrite5mPerMTok
    + mix.cacheWrite1hTokens * r.cacheWrite1hPerMTok + mix.cacheReadTokens * r.cacheReadPerMTok) / 1e6;
}

/** Groups events into sessions with a first prompt (others are skipped: nothing to judge them by). */
export function routingSessionsFromEvents(
  events: readonly UsageEvent[],
  firstPrompts: ReadonlyMap<string, string>,
  costOf: (e: UsageEvent) => number | null,
  range: { startMs: number; endMs: number },
): RoutingReportSession[] {
  const by = new Map<string, { project: string; mix: TokenMix; costUsd: number; tokensByModel: Map<string, number> }>();
  for (const e of events) {
    if (e.timestampMs < range.startMs || e.timestampMs >= range.endMs || !firstPrompts.has(e.sessionId)) continue;
    let s = by.get(e.sessionId);
    if (!s) by.set(e.sessionId, (s = { project: e.project, mix: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, costUsd: 0, tokensByModel: new Map() }));
    s.mix.inputTokens += e.inputTokens;
    s.mix.outputTokens += e.outputTokens;
    s.mix.cacheWrite5mTokens += e.cacheWrite5mTokens;
    s.mix.cacheWrite1hTokens += e.cacheWrite1hTokens;
    s.mix.cacheReadTokens += e.cacheReadTokens;
    s.costUsd += costOf(e) ?? 0;
    const t = e.inputTokens + e.outputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens + e.cacheReadTokens;
    s.tokensByModel.set(e.model, (s.tokensByModel.get(e.model) ?? 0) + t);
  }
  return [...by].map(([sessionId, s]) => {
    let model = '';
    let most = -1;
    for (const [m, t] of s.tokensByModel) if (t > most) [model, most] = [m, t];
    return { sessionId, project: s.project, firstPrompt: firstPrompts.get(sessionId)!, model, mix: s.mix, costUsd: s.costUsd };
  });
}

/**
 * Judges each session by its first request: when the router advises a tier below the one the
 * session ran on, the saving is the session's tokens priced at the advised model.
 */
export function buildRoutingReport(
  sessions: readonly RoutingReportSession[],
  options: { tiers: ModelTiers; aggressiveness?: Aggressiveness; priceOf?: PriceOf; maxExamples?: number; escalationShift?: number; fmt?: Formatter },
): RoutingReport {
  const rows = new Map<string, RoutingReportRow>();
  const examples: RoutingReportExample[] = [];
  let costUsd = 0;
  let savingUsd = 0;
  for (const s of sessions) {
    const key = `${s.project}\u0000${s.model}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { project: s.project, model: s.model, sessions: 0, costUsd: 0, downgradable: 0, savingUsd: 0 }));
    row.sessions++;
    row.costUsd += s.costUsd;
    costUsd += s.costUsd;
    const ran = familyTier(s.model, options.tiers);
    if (ran === undefined || ran === 'small') continue;
    const phrases = options.fmt?.l10n;
    const advice = routeRequest({ prompt: s.firstPrompt }, { tiers: options.tiers, aggressiveness: options.aggressiveness, priceOf: options.priceOf, escalationShift: options.escalationShift, phrases });
    if (tiers.indexOf(advice.tier) >= tiers.indexOf(ran)) continue;
    const would = costAt(s.mix, advice.model, options.priceOf);
    if (would === undefined || would >= s.costUsd) continue;
    const saving = s.costUsd - would;
    row.downgradable++;
    row.savingUsd += saving;
    savingUsd += saving;
    examples.push({
      sessionId: s.sessionId, project: s.project, prompt: s.firstPrompt, model: s.model, advisedModel: advice.model,
      reason: phrases ? phrases.t('{0}: {1}', kindName(advice.kind, phrases), advice.reason) : `${kindName(advice.kind, phrases)}: ${advice.reason}`, costUsd: s.costUsd, savingUsd: saving,
    });
  }
  examples.sort((a, b) => b.savingUsd - a.savingUsd);
  return {
    sessions: sessions.length,
    costUsd,
    savingUsd,
    rows: [...rows.values()].sort((a, b) => b.savingUsd - a.savingUsd || b.costUsd - a.costUsd),
    examples: examples.slice(0, options.maxExamples ?? 10),
  };
}

const md = markdownLiteral;

/** The report as Markdown in the formatter's language and currency (English and USD by default). */
export function formatRoutingReportMarkdown(report: RoutingReport, periodLabel: string, fmt: Formatter = englishUsd): string {
  const p = fmt.l10n;
  const money = (usd: number): string => fmt.money(usd);
  const lines = [p.t('# Tokenmeter: routing report ({0})', md(periodLabel)), ''];
  if (report.sessions === 0) {
    lines.push(p.t('No Claude Code session with a first prompt in this period.'));
    return lines.join('\n');
  }
  const share = report.costUsd > 0 ? Math.round((report.savingUsd / report.costUsd) * 100) : 0;
  lines.push(p.t('{0} sessions cost {1}. Sent to the cheapest adequate tier by their first request, they would have cost about **{2} less ({3}%)**.', report.sessions, money(report.costUsd), money(report.savingUsd), share), '');
  lines.push(p.t('Judged from each session\'s first request only; the router errs towards the larger model (a false downgrade costs more than it saves).'), '');
  lines.push(p.t('## By project and model'), '', p.t('| Project | Model | Sessions | Cost | Could be cheaper | Saving |'), '|---|---|---:|---:|---:|---:|');
  for (const r of report.rows) {
    lines.push(`| ${md(r.project || p.t('(unknown)'))} | ${md(modelDisplayName(r.model))} | ${r.sessions} | ${money(r.costUsd)} | ${r.downgradable} | ${money(r.savingUsd)} |`);
  }
  if (report.examples.length > 0) {
    lines.push('', p.t('## Examples'), '');
    for (const e of report.examples) {
      const prompt = e.prompt.length > 160 ? `${e.prompt.slice(0, 160)}…` : e.prompt;
      lines.push(`- ${p.t('**{0}** of {1}', money(e.savingUsd), money(e.costUsd))} · ${md(e.project || p.t('(unknown)'))} · ${md(modelDisplayName(e.model))} → ${md(modelDisplayName(e.advisedModel))} (${md(e.reason)})  `);
      lines.push(`  "${md(prompt)}"`);
    }
  }
  return lines.join('\n');
}
