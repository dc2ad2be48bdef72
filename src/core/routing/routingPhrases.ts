/**
 * The router's words — reasons, kind and topic names — in the display language, through the one
 * phrasebook (`phrases.ts`). English is the key itself, so `route --json` and the CLI keep their text.
 */
import { englishUsd, formatTokens, type Formatter } from '../format';
import { phrasebook, type Phrasebook } from '../phrases';
import type { TaskKind } from '../taskKind';
import type { HardTopic, RequestFeatures } from './signals';
import type { EscalationHint } from './escalation';
import type { JudgeFallbackReason, JudgeOutcome } from './judge';
import type { LiveRoutingHint } from './liveHint';
import { modelDisplayName, type Tier } from './tiers';

const english = phrasebook('en');

/** A task kind's name, e.g. "bug fix" / "缺陷修复". */
export function kindName(kind: TaskKind, p: Phrasebook = english): string {
  switch (kind) {
    case 'completion': return p.t('completion');
    case 'rename': return p.t('rename');
    case 'edit': return p.t('small edit');
    case 'docstring': return p.t('docstring');
    case 'question': return p.t('question');
    case 'test': return p.t('tests');
    case 'docs': return p.t('docs');
    case 'review': return p.t('code review');
    case 'bugfix': return p.t('bug fix');
    case 'refactor': return p.t('refactor');
    case 'feature': return p.t('feature');
    case 'architecture': return p.t('architecture');
    case 'other':
    default: return p.t('other');
  }
}

export function topicName(topic: HardTopic, p: Phrasebook = english): string {
  switch (topic) {
    case 'concurrency': return p.t('concurrency');
    case 'security': return p.t('security');
    case 'distributed': return p.t('distributed systems');
    case 'architecture': return p.t('architecture');
    case 'performance': return p.t('performance');
    case 'lowLevel': return p.t('low-level systems work');
    case 'migration': return p.t('migration');
    case 'intermittent':
    default: return p.t('an intermittent failure');
  }
}

function joinAnd(xs: readonly string[], p: Phrasebook): string {
  if (xs.length <= 1) return xs.join('');
  return p.t('{0} and {1}', xs.slice(0, -1).join(p.t(', ')), xs[xs.length - 1]);
}

function contextPhrase(ctx: number, p: Phrasebook): string {
  if (ctx === 0) return '';
  if (ctx <= 3_000) return p.t(' in one file');
  return p.t(' with {0} tokens of context', formatTokens(ctx));
}

/** Text from logs or servers (model names) shown literally in Markdown, on one line. */
export function markdownLiteral(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\s+/g, ' ');
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** One line a developer would accept for the advised tier, e.g. "Short rename in one file". */
export function adviceReason(tier: Tier, f: RequestFeatures, spansSeveralPlaces: boolean, p: Phrasebook = english): string {
  const kind = kindName(f.kind, p);
  const task = f.kind === 'other' ? p.t('task') : kind;
  const topics = f.hardTopics.map((t) => topicName(t, p));
  if (tier === 'large') {
    if (f.kind === 'architecture') {
      const others = f.hardTopics.filter((t) => t !== 'architecture').map((t) => topicName(t, p));
      return others.length > 0
        ? p.t('Design work involving {0} — needs the strongest model', joinAnd(others.slice(0, 2), p))
        : p.t('Design work across components — needs the strongest model');
    }
    if (topics.length > 0) return capitalize(p.t('{0} involving {1} — a weaker model is likely to miss something', task, joinAnd(topics.slice(0, 2), p)));
    if (f.contextTokens > 50_000 || f.broadScope) {
      return f.contextTokens > 0 ? p.t('Broad {0} over {1} tokens of context', kind, formatTokens(f.contextTokens)) : p.t('Broad {0} across the codebase', kind);
    }
    if (f.proseWords > 80) return p.t('Long, detailed {0} request — safer on the strongest model', kind);
    return capitalize(p.t('{0} with no clear bounds — safer on the strongest model', kind));
  }
  if (tier === 'small') {
    if (f.dataLines >= 20) return p.t('Mechanical {0} over {1} pasted lines', kind, f.dataLines);
    const short = f.proseWords <= 12;
    if (f.kind === 'question') {
      if (f.codeBlocks > 0) return short ? p.t('Short question about a snippet, no hard topics') : p.t('Simple question about a snippet, no hard topics');
      return short ? p.t('Short question, no hard topics') : p.t('Simple question, no hard topics');
    }
    const ctx = contextPhrase(f.contextTokens, p);
    if (f.kind === 'other') return short ? p.t('Short request{0}, no hard topics', ctx) : p.t('Simple request{0}, no hard topics', ctx);
    return short ? p.t('Short {0}{1}', kind, ctx) : p.t('Simple {0}{1}', kind, ctx);
  }
  const bits = f.hasStackTrace ? p.t(' with a stack trace') : f.codeBlocks > 0 ? p.t(' with code') : '';
  const head = capitalize(`${task}${bits}${contextPhrase(f.contextTokens, p)}`);
  if (topics.length > 0) return p.t('{0}; touches {1} but looks contained', head, joinAnd(topics, p));
  if (spansSeveralPlaces) return p.t('{0}; spans several places but no hard topics', head);
  return p.t('{0}; no signs of concurrency, security or design work', head);
}

/** The live "a cheaper model would do" hint's status bar text (without its icon) and hover detail. */
export function routingHintTexts(fmt: Formatter, hint: LiveRoutingHint): { text: string; detail: string } {
  // English with US dollars: the core's own sentences, as the CLI prints them.
  if (fmt.speaksCoreText) return { text: hint.text, detail: hint.detail };
  const b = hint.basis;
  const p = fmt.l10n;
  return {
    text: p.t('{0} would do · −{1}%', b.suggestedModelName, hint.savingPct),
    detail: [
      p.t('The last {0} requests on {1} look simple:', b.requests, b.currentModelName),
      p.t('median reply {0} tokens, median new input {1} tokens, context {2}.', b.medianReplyTokens, b.medianNewInputTokens, fmt.tokens(b.medianContextTokens)),
      p.t('{0} would have cost {1} instead of {2} (−{3}%).', b.suggestedModelName, fmt.money(b.wouldUsd), fmt.money(b.spentUsd), hint.savingPct),
      p.t('Switch with /model in Claude Code if the work stays this simple.'),
    ].join('\n'),
  };
}

/** The escalation hint: "Haiku has retried 4 times; Sonnet is likely cheaper from here", and what the retries cost. */
export function escalationHintTexts(fmt: Formatter, h: EscalationHint): { text: string; detail: string } {
  const p = fmt.l10n;
  const [current, suggested] = [modelDisplayName(h.currentModel), modelDisplayName(h.suggestedModel)];
  const text = p.t('{0} has retried {1} times; {2} is likely cheaper from here', current, h.retries, suggested);
  return {
    text,
    detail: [
      text,
      p.t('This run of retries has cost {0}; one attempt on {1} costs about {2}.', fmt.money(h.spentUsd), suggested, fmt.money(h.nextAttemptUsd)),
      p.t('Switch with /model in Claude Code if it keeps failing.'),
    ].join('\n'),
  };
}

const tierWord = (t: Tier, p: Phrasebook): string => (t === 'small' ? p.t('small') : t === 'medium' ? p.t('medium') : p.t('large'));

/** The suggestion's reason when the opt-in judge graded the task. */
export function judgedReason(judged: Tier, local: Tier, p: Phrasebook = english): string {
  return judged === local
    ? p.t('Graded {0} by the opt-in judge, as the local model did', tierWord(judged, p))
    : p.t('Graded {0} by the opt-in judge (the local model said {1})', tierWord(judged, p), tierWord(local, p));
}

function judgeFallbackText(reason: JudgeFallbackReason, p: Phrasebook): string {
  switch (reason) {
    case 'noModel': return p.t('the editor offers no language model');
    case 'notAllowed': return p.t('access to the language model was not granted');
    case 'offline': return p.t('offline');
    case 'timeout': return p.t('no answer in time');
    case 'unusableAnswer': return p.t('its answer was not a grade');
    case 'noEndpoint': return p.t('no judge endpoint is set (tokenmeter.routing.judgeEndpoint)');
    case 'error':
    default: return p.t('the call failed');
  }
}

/** One line on what the judge did: who graded, what that call cost, or why the local model graded instead. */
export function judgeNoteText(outcome: JudgeOutcome, fmt?: Formatter): string {
  const p = fmt?.l10n ?? english;
  if (!outcome.used) return p.t('**Judge:** could not grade this ({0}); the local model did.', judgeFallbackText(outcome.reason, p));
  const via = outcome.via === 'editor' ? p.t('through VS Code') : p.t('through your endpoint');
  const money = (usd: number): string => (fmt ?? englishUsd).money(usd);
  const cost = outcome.costUsd === undefined
    ? p.t('cost unknown (no list price for this model)')
    : outcome.costUsd < 0.001 ? p.t('under {0} at list price', money(0.001)) : p.t('about {0} at list price', money(outcome.costUsd));
  // The judge's name comes from the editor or the endpoint's answer: shown as text, and not at length.
  const judge = markdownLiteral(outcome.judge.length > 60 ? `${outcome.judge.slice(0, 59)}…` : outcome.judge);
  return p.t('**Judge:** {0} ({1}) graded this {2}. That call: {3} tokens in, {4} out, {5}.', judge, via, tierWord(outcome.verdict.tier, p), outcome.inputTokens, outcome.outputTokens, cost);
}

/** A few words for the estimate's notification: who graded. */
export function judgeShortText(outcome: JudgeOutcome, p: Phrasebook = english): string {
  return outcome.used ? p.t('graded by {0}', outcome.judge) : p.t('judge unavailable, graded locally');
}
