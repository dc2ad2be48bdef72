/**
 * Routing advisor: the cheapest model tier that is adequate for a request.
 *
 * Pure and local (no I/O, no clock). A request's text is turned into a difficulty score from
 * signals (task kind, hard-topic words in English and Chinese, stack traces, code, scope, prose
 * length, context size); the score gives the probability that each tier is the one needed; the
 * advice is the tier with the lowest expected cost when a false downgrade (work sent below the tier
 * it needs) costs `downgradePenalty` times the needed tier's price on top of the wasted attempt.
 */
import { classifyTaskKind, taskKindLabels, type TaskKind } from './taskKind';
import type { TokenRates } from './pricing';
import type { UsageEvent } from './usageEvent';

export type Tier = 'small' | 'medium' | 'large';
export const tiers: readonly Tier[] = ['small', 'medium', 'large'];
export type Aggressiveness = 'conservative' | 'balanced' | 'aggressive';

/** Which model serves each tier. */
export interface ModelTiers { small: string; medium: string; large: string }
export const defaultModelTiers: ModelTiers = {
  small: 'claude-haiku-4-5',
  medium: 'claude-sonnet-4-5',
  large: 'claude-opus-4-5',
};

export type { TokenRates };
/** Rates for a model (e.g. `(m) => priceTable.ratesFor(m)` from `pricing.ts`); undefined = unpriced. */
export type PriceOf = (model: string) => TokenRates | undefined | null;

function listRates(inputPerMTok: number, outputPerMTok: number): TokenRates {
  // Anthropic's published multipliers: 5-minute cache write 1.25x, 1-hour 2x, cache read 0.1x.
  return { inputPerMTok, outputPerMTok, cacheWrite5mPerMTok: inputPerMTok * 1.25, cacheWrite1hPerMTok: inputPerMTok * 2, cacheReadPerMTok: inputPerMTok * 0.1 };
}

/** Claude list prices (USD per Mtok) by family, used when no `priceOf` is given or it knows nothing. */
export const fallbackPriceOf: PriceOf = (model) => {
  const m = model.toLowerCase();
  if (m.includes('haiku')) return m.includes('3-5') || m.includes('3.5') ? listRates(0.8, 4) : listRates(1, 5);
  if (m.includes('sonnet')) return listRates(3, 15);
  if (m.includes('opus')) return /opus-4-[5-9]|opus-4\.[5-9]|opus-[5-9]/.test(m) ? listRates(5, 25) : listRates(15, 75);
  return undefined;
};

/** Rates for `model` from `priceOf`, else the fallback table. */
export function ratesOf(model: string, priceOf?: PriceOf): TokenRates | undefined {
  return priceOf?.(model) ?? fallbackPriceOf(model) ?? undefined;
}

/** "claude-haiku-4-5" -> "Haiku"; other ids are returned as they are. */
export function modelDisplayName(model: string): string {
  const m = /(haiku|sonnet|opus)/i.exec(model);
  return m ? m[1][0].toUpperCase() + m[1].slice(1).toLowerCase() : model;
}

export interface RouteRequest {
  prompt: string;
  /** Tokens of attached context (files, selection) besides the prompt. */
  contextTokens?: number;
  /** Programming language of the context, if known (e.g. 'rust'); low-level languages weigh a little. */
  language?: string;
  /** Task kind if the caller knows it; otherwise classified from the prompt. */
  taskKind?: TaskKind;
}

/** What the user's own history says per task kind (median session tokens). */
export interface RoutingHistory {
  byKind: Partial<Record<TaskKind, { medianTokens: number; sampleSize: number }>>;
}

export interface RouteOptions {
  tiers?: ModelTiers;
  aggressiveness?: Aggressiveness;
  /** Model in use, to report the saving of the advice against it. */
  currentModel?: string;
  priceOf?: PriceOf;
  history?: RoutingHistory;
}

export interface RouteAdvice {
  tier: Tier;
  model: string;
  /** Probability (0..1) that the advised tier is the cheapest adequate one. */
  confidence: number;
  /** One line a developer would accept, e.g. "short rename in one file". */
  reason: string;
  /** Percent saved versus `currentModel` on a typical request of this size; negative = costs more. */
  savingVsCurrentPct?: number;
  kind: TaskKind;
  /** Probability that each tier is the cheapest adequate one. */
  needProbability: Record<Tier, number>;
}

// ---------------------------------------------------------------------------------------------
// Signals

type HardTopic = 'concurrency' | 'security' | 'distributed' | 'architecture' | 'performance' | 'lowLevel' | 'migration' | 'intermittent';

const hardTopicPatterns: Record<HardTopic, RegExp> = {
  concurrency: /\b(race(?: condition)?s?|racy|deadlock(?:s|ed)?|livelock|lock[- ]free|wait[- ]free|atomics?|memory ordering|memory model|compare[- ]and[- ]swap|\bcas\b|aba problem|thread[- ]safe(?:ty)?|concurren(?:t|cy)|double[- ]checked locking|work[- ]stealing|mutex(?:es)?|semaphores?|starvation|actor system)\b|并发|竞态|竞争条件|死锁|线程安全|无锁|原子操作|多线程/i,
  security: /\b(vulnerab\w*|exploits?|security (?:audit|review|issues?|problems?|flaws?|holes?)|audit\w*|threat[- ]model\w*|injection|csrf|xss|ssrf|privilege escalation|auth(?:entication|orization)? bypass|cryptograph\w*|encrypt\w*|aes[- ]gcm|nonces?|pkce|jwt|key rotation|sandbox\w*)\b|安全问题|安全漏洞|漏洞|注入|权限绕过|越权|加密|审计/i,
  distributed: /\b(distributed|consensus|raft|paxos|replicat\w*|shard\w*|partition(?:ed|s|ing)?|multi[- ]region|active[- ]active|exactly[- ]once|idempoten\w*|eventual consistency|split[- ]brain|leader election|rebalanc\w*|kafka|failover|across \d+ (?:nodes|servers|regions|gateway nodes))\b|分布式|一致性|网络分区|高可用|集群|百万并发|主从|分片/i,
  architecture: /\b(architect\w*|system design|design (?:a|an|the|our) (?:\w+ ){0,3}(?:system|platform|architecture|api|schema|model|gateway|service)|plugin (?:system|api)|module boundaries|monorepo|multi[- ]tenant|scalab\w*|tradeoffs?|trade-offs?|offline[- ]first|crdt|event sourcing|state management)\b|架构|系统设计|技术选型|状态管理|可扩展/i,
  performance: /\b(p9[59]|latency|throughput|flame ?graph|profil(?:er|ing)|gc (?:pause|pauses)|memory leak|leaks?|heap (?:grows|snapshot)|simd|intrinsics|hot loop|cache misses|vectori[sz]\w*|regression)\b|性能|延迟|吞吐|内存泄漏|泄漏|停顿|卡顿/i,
  lowLevel: /\b(unsafe|use[- ]after[- ]free|undefined behaviou?r|segfault|kernel|driver|mmap|compiler pass|escape analysis|query planner|join reordering|numerical|stiff|ode solver|fixed[- ]point|deterministic|lockstep|binary protocol|fragmentation|arm\b|memory corruption|data corruption|storage engine|physics engine|scheduler|tls\b)\b|内核|驱动|编译器|内存损坏|数据损坏|数据不一致/i,
  migration: /\b(migrat\w*|upgrade (?:the|our) (?:app|codebase|project)|zero[- ]downtime|backfill|monolith)\b|迁移|升级整个/i,
  intermittent: /\b(intermittent\w*|flaky|sometimes|occasionally|only (?:under load|in production|when)|1 in \d+|under (?:high )?load|heisenbug|non[- ]?determinis\w*)\b|偶尔|间歇|高负载|时好时坏/i,
};

const hardTopicLabels: Record<HardTopic, string> = {
  concurrency: 'concurrency', security: 'security', distributed: 'distributed systems',
  architecture: 'architecture', performance: 'performance', lowLevel: 'low-level systems work',
  migration: 'migration', intermittent: 'an intermittent failure',
};

const hardTopicWeights: Record<HardTopic, number> = {
  concurrency: 3, security: 2.2, distributed: 2.6, architecture: 2.2, performance: 1.8,
  lowLevel: 2, migration: 1.2, intermittent: 1.4,
};

const broadScopePattern = /\b(whole|entire|all (?:the )?(?:files|services|modules|endpoints)|across (?:the )?(?:codebase|repo|services|app)|codebase|\d{2,} files|every (?:service|module|file)|end[- ]to[- ]end)\b|整个项目|整个|全部模块|所有服务|全局/i;
const wholeProjectPattern = /\b(?:this|the|our) (?:app|application|project|service|repo|repository|monolith)\b|这个项目|这个服务/i;
const efficiencyPattern = /\b(slow|slower|memoi[sz]\w*|re-?renders?|optimi[sz]\w*|faster|speed up|n\+1)\b|太慢|优化/i;
const trivialPattern = /\b(summari[sz]e|regex|regular expression|one[- ]line|shortcut|just|simple|simply|quick(?:ly)?|only|one[- ]liner|tiny|small|typo|rename|sort|alphabeti[sz]e|format|capitali[sz]e|dedupe|reformat|bump|translate|convert (?:this|these)|change the|semicolons|indentation|unused imports)\b|简单|一下|改成|排序|格式化|翻译|重命名|换成|转成/i;
const stackTracePattern = /\n[ \t]+at [^\n]*:\d+|Traceback \(most recent call last\)|\n[ \t]*File "[^"\n]+", line \d+|(?:Error|Exception)\b[^\n]*\n[ \t]*at |panicked at|goroutine \d+ \[|Found one Java-level deadlock/;
const codeFencePattern = /```/g;
const lowLevelLanguages = new Set(['c', 'cpp', 'c++', 'rust', 'zig', 'asm', 'assembly', 'cuda']);

const kindBase: Record<TaskKind, number> = {
  completion: -1.6, rename: -2.2, edit: -2, docstring: -1.4, question: -0.6,
  test: 0.6, docs: 0.4, review: 1, bugfix: 0.9, refactor: 1, feature: 0.8,
  architecture: 2.6, other: 0.2,
};

export interface RequestFeatures {
  kind: TaskKind;
  hardTopics: HardTopic[];
  hasStackTrace: boolean;
  codeBlocks: number;
  /** Words (CJK characters count as half a word) of instruction text, excluding code and pasted data. */
  proseWords: number;
  /** Lines that look like pasted data (lists, rows, logs) rather than instructions. */
  dataLines: number;
  broadScope: boolean;
  /** Names the app/project/service as the object ("convert this app"). */
  wholeProject: boolean;
  /** Mild speed words (slow, memoize, re-render) that are not a hard performance topic. */
  efficiency: boolean;
  trivialMarker: boolean;
  contextTokens: number;
  /** Rough token count of the prompt (chars / 4; CJK 1 per char). */
  promptTokens: number;
}

const scanChars = 8_000;
const cjkPattern = /[\u3400-\u9fff]/g;

function approxTokens(text: string): number {
  const cjk = text.length > scanChars ? 0 : (text.match(cjkPattern)?.length ?? 0);
  return Math.ceil((text.length - cjk) / 4 + cjk);
}

/** Splits instruction prose from code and pasted data, counting words of each. */
function measureProse(text: string): { proseWords: number; dataLines: number; codeBlocks: number } {
  const head = text.length > scanChars ? text.slice(0, scanChars) : text;
  const lines = head.split('\n');
  let inFence = false;
  let codeBlocks = 0;
  let proseWords = 0;
  let dataLines = 0;
  // A run of 4+ short lines in a row is pasted data (a list, rows, a log), not instructions.
  let run: number[] = [];
  // A line with the shape of an earlier one (digits aside) is a repeated row of pasted data.
  const shapes = new Set<string>();
  const flushRun = (): void => {
    if (run.length >= 4) dataLines += run.length;
    else for (const w of run) proseWords += w;
    run = [];
  };
  for (const line of lines) {
    if (line.trimStart().startsWith('```')) {
      if (!inFence) codeBlocks++;
      inFence = !inFence;
      flushRun();
      continue;
    }
    if (inFence) continue;
    const cjk = line.match(cjkPattern)?.length ?? 0;
    const latinWords = line.replace(cjkPattern, ' ').split(/\s+/).filter((w) => /[A-Za-z]{2,}/.test(w)).length;
    const words = latinWords + cjk / 2;
    if (words === 0) { flushRun(); continue; }
    const shape = line.replace(/\d+/g, '#');
    const repeated = shapes.has(shape);
    shapes.add(shape);
    if (repeated) { dataLines++; continue; }
    const looksLikeData = words <= 8 && !/[.?!。？！:：]\s*$/.test(line);
    if (looksLikeData) run.push(words);
    else { flushRun(); proseWords += words; }
  }
  flushRun();
  return { proseWords, dataLines, codeBlocks };
}

/** Signals the router reads from a request; exported for tests and the evaluation script. */
export function analyzeRequest(req: RouteRequest): RequestFeatures {
  const text = req.prompt;
  const head = text.length > 4000 ? text.slice(0, 4000) : text;
  const hardTopics: HardTopic[] = [];
  for (const topic of Object.keys(hardTopicPatterns) as HardTopic[]) {
    if (hardTopicPatterns[topic].test(head)) hardTopics.push(topic);
  }
  const { proseWords, dataLines, codeBlocks } = measureProse(text);
  return {
    kind: req.taskKind ?? classifyTaskKind(text),
    hardTopics,
    hasStackTrace: stackTracePattern.test(text.length > scanChars ? text.slice(0, scanChars) : text),
    codeBlocks: codeBlocks || ((text.match(codeFencePattern)?.length ?? 0) >> 1),
    proseWords,
    dataLines,
    broadScope: broadScopePattern.test(head),
    wholeProject: wholeProjectPattern.test(head),
    efficiency: efficiencyPattern.test(head),
    trivialMarker: trivialPattern.test(head.slice(0, 300)),
    contextTokens: Math.max(0, req.contextTokens ?? 0),
    promptTokens: approxTokens(text),
  };
}

interface ScoreTerm { points: number; why: string }

function scoreTerms(f: RequestFeatures, req: RouteRequest, history?: RoutingHistory): ScoreTerm[] {
  // Asking about a race is as hard as fixing one: with a hard topic, an easy kind does not pull down.
  const base = f.hardTopics.length > 0 ? Math.max(0.3, kindBase[f.kind]) : kindBase[f.kind];
  const terms: ScoreTerm[] = [{ points: base, why: 'kind' }];
  const topicWeights = f.hardTopics.map((t) => hardTopicWeights[t]).sort((a, b) => b - a);
  topicWeights.forEach((w, i) => terms.push({ points: i === 0 ? w : w * 0.4, why: 'hard' }));
  if (f.hasStackTrace) terms.push({ points: 0.8, why: 'trace' });
  if (f.codeBlocks > 0) terms.push({ points: 0.3, why: 'code' });
  if (f.broadScope) terms.push({ points: 1.2, why: 'scope' });
  else if (f.wholeProject) terms.push({ points: 0.7, why: 'scope' });
  if (f.efficiency && f.hardTopics.length === 0) terms.push({ points: 0.6, why: 'efficiency' });
  if (f.trivialMarker && f.hardTopics.length === 0) terms.push({ points: -0.8, why: 'trivial' });
  if (f.proseWords <= 8) terms.push({ points: -0.4, why: 'short' });
  else if (f.proseWords > 200) terms.push({ points: 1.6, why: 'long' });
  else if (f.proseWords > 80) terms.push({ points: 0.9, why: 'long' });
  else if (f.proseWords > 30) terms.push({ points: 0.4, why: 'long' });
  const ctx = f.contextTokens;
  if (ctx > 150_000) terms.push({ points: 1.8, why: 'context' });
  else if (ctx > 50_000) terms.push({ points: 1.2, why: 'context' });
  else if (ctx > 10_000) terms.push({ points: 0.6, why: 'context' });
  else if (ctx > 2_000) terms.push({ points: 0.2, why: 'context' });
  if (req.language && lowLevelLanguages.has(req.language.toLowerCase())) terms.push({ points: 0.4, why: 'language' });
  const past = history?.byKind[f.kind];
  if (past && past.sampleSize >= 5) {
    if (past.medianTokens > 1_000_000) terms.push({ points: 0.6, why: 'history' });
    else if (past.medianTokens < 50_000) terms.push({ points: -0.4, why: 'history' });
  }
  return terms;
}

// Score -> probability that the request needs more than the small / medium tier.
const needAboveSmallAt = 0.4;
const needAboveMediumAt = 3.4;
const slope = 1.6;

const downgradePenalty: Record<Aggressiveness, number> = { conservative: 6, balanced: 4, aggressive: 2 };

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Typical tokens of one request of this size, for relative tier prices and the saving shown. */
function typicalRequestCostUsd(model: string, f: RequestFeatures, priceOf?: PriceOf): number | undefined {
  const rates = ratesOf(model, priceOf);
  if (!rates) return undefined;
  const inputTokens = f.promptTokens + f.contextTokens + 4_000; // + system prompt and tool definitions
  const outputTokens = 800;
  return (inputTokens * rates.inputPerMTok + outputTokens * rates.outputPerMTok) / 1e6;
}

function contextPhrase(ctx: number): string {
  if (ctx === 0) return '';
  if (ctx <= 3_000) return ' in one file';
  return ` with ${formatK(ctx)} tokens of context`;
}

function formatK(tokens: number): string {
  return tokens >= 1_000 ? `${Math.round(tokens / 1_000)}K` : String(tokens);
}

function reasonFor(tier: Tier, f: RequestFeatures, terms: ScoreTerm[]): string {
  const kind = taskKindLabels[f.kind];
  const topics = f.hardTopics.map((t) => hardTopicLabels[t]);
  if (tier === 'large') {
    if (f.kind === 'architecture') {
      const others = topics.filter((t) => t !== hardTopicLabels.architecture);
      return `Design work${others.length > 0 ? ` involving ${joinAnd(others.slice(0, 2))}` : ' across components'} — needs the strongest model`;
    }
    if (topics.length > 0) return `${capitalize(f.kind === 'other' ? 'task' : kind)} involving ${joinAnd(topics.slice(0, 2))} — a weaker model is likely to miss something`;
    if (f.contextTokens > 50_000 || f.broadScope) return `Broad ${kind}${f.contextTokens > 0 ? ` over ${formatK(f.contextTokens)} tokens of context` : ' across the codebase'}`;
    if (f.proseWords > 80) return `Long, detailed ${kind} request — safer on the strongest model`;
    return `${capitalize(kind)} with no clear bounds — safer on the strongest model`;
  }
  if (tier === 'small') {
    if (f.dataLines >= 20) return `Mechanical ${kind} over ${f.dataLines} pasted lines`;
    const size = f.proseWords <= 12 ? 'Short' : 'Simple';
    if (f.kind === 'question') return `${size} question${f.codeBlocks > 0 ? ' about a snippet' : ''}, no hard topics`;
    if (f.kind === 'other') return `${size} request${contextPhrase(f.contextTokens)}, no hard topics`;
    return `${size} ${kind}${contextPhrase(f.contextTokens)}`;
  }
  const bits: string[] = [];
  if (f.hasStackTrace) bits.push('with a stack trace');
  else if (f.codeBlocks > 0) bits.push('with code');
  const ctx = contextPhrase(f.contextTokens);
  const head = `${capitalize(f.kind === 'other' ? 'task' : kind)}${bits.length ? ' ' + bits.join(' ') : ''}${ctx}`;
  if (topics.length > 0) return `${head}; touches ${joinAnd(topics)} but looks contained`;
  if (terms.some((t) => t.why === 'scope')) return `${head}; spans several places but no hard topics`;
  return `${head}; no signs of concurrency, security or design work`;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const joinAnd = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Advice for one request: tier, model, confidence, reason. Runs in microseconds. */
export function routeRequest(req: RouteRequest, options: RouteOptions = {}): RouteAdvice {
  const modelTiers = options.tiers ?? defaultModelTiers;
  const penalty = downgradePenalty[options.aggressiveness ?? 'balanced'];
  const f = analyzeRequest(req);
  const terms = scoreTerms(f, req, options.history);
  const score = terms.reduce((s, t) => s + t.points, 0);

  const pAboveSmall = sigmoid(slope * (score - needAboveSmallAt));
  const pAboveMedium = sigmoid(slope * (score - needAboveMediumAt));
  const need: Record<Tier, number> = { small: 1 - pAboveSmall, medium: pAboveSmall - pAboveMedium, large: pAboveMedium };

  // Relative tier prices on a request of this size; list-price ratios if a model is unpriced.
  const fallbackRelative: Record<Tier, number> = { small: 0.2, medium: 0.6, large: 1 };
  const priced = tiers.map((t) => typicalRequestCostUsd(modelTiers[t], f, options.priceOf));
  const price: Record<Tier, number> = priced.every((p) => p !== undefined && p > 0)
    ? { small: priced[0]!, medium: priced[1]!, large: priced[2]! }
    : fallbackRelative;

  // Expected cost of advising tier t: its price, plus for each higher tier the request might need,
  // a failed attempt's follow-up at penalty x that tier's price.
  let best: Tier = 'large';
  let bestLoss = Infinity;
  tiers.forEach((t, i) => {
    let loss = price[t];
    for (const higher of tiers.slice(i + 1)) loss += need[higher] * penalty * price[higher];
    if (loss < bestLoss - 1e-12) { best = t; bestLoss = loss; }
  });

  const advice: RouteAdvice = {
    tier: best,
    model: modelTiers[best],
    confidence: Math.min(0.99, Math.round(need[best] * 100) / 100),
    reason: reasonFor(best, f, terms),
    kind: f.kind,
    needProbability: need,
  };
  if (options.currentModel) {
    const current = typicalRequestCostUsd(options.currentModel, f, options.priceOf);
    const advised = typicalRequestCostUsd(modelTiers[best], f, options.priceOf);
    if (current !== undefined && advised !== undefined && current > 0) {
      advice.savingVsCurrentPct = Math.round((1 - advised / current) * 100);
    }
  }
  return advice;
}

// ---------------------------------------------------------------------------------------------
// Live hint for the status bar

export interface LiveRoutingHint {
  /** Status bar text without the icon, e.g. "Haiku would do · −80%" (English, USD). */
  text: string;
  /** Hover detail (Markdown-safe plain text; English, USD). */
  detail: string;
  suggestedModel: string;
  savingPct: number;
  /** What the texts say, for texts in another language or currency. */
  basis: {
    requests: number;
    currentModelName: string;
    suggestedModelName: string;
    medianReplyTokens: number;
    medianNewInputTokens: number;
    medianContextTokens: number;
    spentUsd: number;
    wouldUsd: number;
  };
}

export interface LiveHintOptions {
  priceOf?: PriceOf;
  /** How many of the latest main-agent requests to look at (default 8). */
  window?: number;
  /** Fewer requests than this in the window -> no hint (default 5). */
  minRequests?: number;
}

function tierOfModel(model: string, modelTiers: ModelTiers): Tier | undefined {
  if (model === modelTiers.large) return 'large';
  if (model === modelTiers.medium) return 'medium';
  if (model === modelTiers.small) return 'small';
  const m = model.toLowerCase();
  if (m.includes('opus')) return 'large';
  if (m.includes('sonnet')) return 'medium';
  if (m.includes('haiku')) return 'small';
  return undefined;
}

function costAt(e: UsageEvent, rates: TokenRates): number {
  return (e.inputTokens * rates.inputPerMTok + e.outputTokens * rates.outputPerMTok
    + e.cacheWrite5mTokens * rates.cacheWrite5mPerMTok + e.cacheWrite1hTokens * rates.cacheWrite1hPerMTok
    + e.cacheReadTokens * rates.cacheReadPerMTok) / 1e6;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * A quiet hint when an active session's recent requests look simple (small outputs, little new
 * context, short turns) but run on an expensive model. `recentRequests` are the session's events in
 * time order; sub-agent events are ignored. Returns undefined when there is nothing worth saying.
 */
export function liveRoutingHint(
  recentRequests: readonly UsageEvent[],
  currentModel: string,
  modelTiers: ModelTiers = defaultModelTiers,
  options: LiveHintOptions = {},
): LiveRoutingHint | undefined {
  const currentTier = tierOfModel(currentModel, modelTiers);
  if (currentTier === undefined || currentTier === 'small') return undefined;
  const window = options.window ?? 8;
  const minRequests = options.minRequests ?? 5;
  const recent = recentRequests.filter((e) => e.agentId === '' && e.model === currentModel).slice(-window);
  if (recent.length < minRequests) return undefined;

  const medianOutput = median(recent.map((e) => e.outputTokens));
  const maxOutput = Math.max(...recent.map((e) => e.outputTokens));
  const medianNewInput = median(recent.map((e) => e.inputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens));
  const medianContext = median(recent.map((e) => e.inputTokens + e.cacheWrite5mTokens + e.cacheWrite1hTokens + e.cacheReadTokens));

  // Simple work: short replies, little new material per turn, and a context that has not grown big.
  let target: Tier | undefined;
  if (medianOutput <= 600 && maxOutput <= 2_500 && medianNewInput <= 4_000 && medianContext <= 60_000) target = 'small';
  else if (currentTier === 'large' && medianOutput <= 1_500 && maxOutput <= 6_000 && medianNewInput <= 15_000 && medianContext <= 120_000) target = 'medium';
  if (target === undefined) return undefined;

  const currentRates = ratesOf(currentModel, options.priceOf);
  const targetRates = ratesOf(modelTiers[target], options.priceOf);
  if (!currentRates || !targetRates) return undefined;
  const spentUsd = recent.reduce((s, e) => s + costAt(e, currentRates), 0);
  const wouldUsd = recent.reduce((s, e) => s + costAt(e, targetRates), 0);
  if (spentUsd <= 0) return undefined;
  const savingPct = Math.round((1 - wouldUsd / spentUsd) * 100);
  if (savingPct < 30) return undefined;

  const name = modelDisplayName(modelTiers[target]);
  const detail = [
    `The last ${recent.length} requests on ${modelDisplayName(currentModel)} look simple:`,
    `median reply ${Math.round(medianOutput)} tokens, median new input ${Math.round(medianNewInput)} tokens, context ${formatK(Math.round(medianContext))} tokens.`,
    `${name} would have cost $${wouldUsd.toFixed(2)} instead of $${spentUsd.toFixed(2)} (−${savingPct}%).`,
    'Switch with /model in Claude Code if the work stays this simple.',
  ].join('\n');
  const basis = {
    requests: recent.length, currentModelName: modelDisplayName(currentModel), suggestedModelName: name,
    medianReplyTokens: Math.round(medianOutput), medianNewInputTokens: Math.round(medianNewInput), medianContextTokens: Math.round(medianContext), spentUsd, wouldUsd,
  };
  return { text: `${name} would do · −${savingPct}%`, detail, suggestedModel: modelTiers[target], savingPct, basis };
}
