/**
 * Signals the router reads from a request's text by rule: hard-topic words (in the languages the
 * learned model was trained on too, as a safety net under it), stack traces, code, scope, prose
 * length and context size. Their sum is the rule score; the learned model (`learnedModel.ts`)
 * takes the signals as features next to the words.
 */
import { approxTokenCount } from '../tokenCount';
import type { TaskKind } from '../taskKind';
import { classifyTaskKindByRules } from './kindRules';
import type { RouteRequest, RoutingHistory } from './request';


export type HardTopic = 'concurrency' | 'security' | 'distributed' | 'architecture' | 'performance' | 'lowLevel' | 'migration' | 'intermittent';

/** Every hard topic, in a fixed order (the learned model's feature order depends on it). */
export const hardTopicNames: readonly HardTopic[] = ['concurrency', 'security', 'distributed', 'architecture', 'performance', 'lowLevel', 'migration', 'intermittent'];

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

export const hardTopicLabels: Record<HardTopic, string> = {
  concurrency: 'concurrency', security: 'security', distributed: 'distributed systems',
  architecture: 'architecture', performance: 'performance', lowLevel: 'low-level systems work',
  migration: 'migration', intermittent: 'an intermittent failure',
};

// The same topics in Japanese, Korean, German, French, Spanish, Portuguese and Russian. `\b` knows
// ASCII only, so these use a letter lookbehind (a word start) and match stems.
const otherLanguagePatterns: Partial<Record<HardTopic, RegExp>> = {
  concurrency: /デッドロック|競合状態|レースコンディション|排他制御|スレッドセーフ|ロックフリー|マルチスレッド|교착|데드락|경쟁 ?조건|레이스 ?컨디션|스레드 ?안전|동시성|뮤텍스|(?<!\p{L})(?:verklemmung|wettlaufsituation|nebenläufig|threadsicher|sperrfrei|interblocage|condition de (?:course|concurrence)|accès concurrents?|interbloqueo|condición de carrera|concurrencia|hilos|impasse|condição de corrida|concorrência|взаимоблокировк|дедлок|гонк[аиу]|потокобезопас|многопоточ|конкурентн|мьютекс)/iu,
  security: /脆弱性|セキュリティ|インジェクション|暗号化|취약점|보안|인젝션|암호화|(?<!\p{L})(?:sicherheitslücke|schwachstelle|sicherheit|verschlüssel|vulnérabilit|faille|sécurité|chiffrement|vulnerabilidad|seguridad|cifrado|vulnerabilidade|segurança|criptografia|уязвимост|безопасност|шифрован|инъекц)/iu,
  distributed: /分散|整合性|レプリカ|シャーディング|분산|일관성|정합성|복제|샤딩|レプリケーション|(?<!\p{L})(?:verteilt|konsistenz|konsistent|replikat|cohérence|réplica|réplication|distribué|consistencia|replicación|distribuid|consistência|replicação|réplicas|распределённ|распределенн|согласованн|консистентн|реплик|шардир)/iu,
  architecture: /アーキテクチャ|システム設計|マイクロサービス|モノリス|아키텍처|시스템 ?설계|마이크로서비스|모놀리스|(?<!\p{L})(?:architektur|microservices?|monolith|monolithe|arquitectura|microservicios|monolito|arquitetura|microsserviços|monólito|архитектур|микросервис|монолит)/iu,
  performance: /メモリリーク|パフォーマンス|レイテンシ|메모리 ?누수|성능|지연 ?시간|(?<!\p{L})(?:speicherleck|latenz|durchsatz|fuite (?:de )?mémoire|latence|fuga de memoria|latencia|vazamento de memória|latência|утечк[аиу] памяти|производительност)/iu,
  intermittent: /たまに|時々|ときどき|まれに|再現しない|가끔|간헐적|(?<!\p{L})(?:manchmal|sporadisch|gelegentlich|ab und zu|parfois|de temps en temps|aléatoirement|a veces|de vez en cuando|intermitente|às vezes|de vez em quando|иногда|периодически|время от времени)/iu,
  migration: /移行|マイグレーション|마이그레이션|(?<!\p{L})(?:umstellung|umstellen|migrer|migración|migrar|migração|миграц)/iu,
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

export const kindBase: Record<TaskKind, number> = {
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
const cjkPattern = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g;

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
    const latinWords = line.replace(cjkPattern, ' ').split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w)).length;
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
    if (hardTopicPatterns[topic].test(head) || otherLanguagePatterns[topic]?.test(head)) hardTopics.push(topic);
  }
  const { proseWords, dataLines, codeBlocks } = measureProse(text);
  return {
    kind: req.taskKind ?? classifyTaskKindByRules(text),
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
    promptTokens: approxTokenCount(text),
  };
}

export interface ScoreTerm { points: number; why: string }

export function scoreTerms(f: RequestFeatures, req: RouteRequest, history?: RoutingHistory): ScoreTerm[] {
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
