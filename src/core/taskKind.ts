/**
 * Task kinds for routing and estimates, from a request's text (English and Chinese).
 * Pure and fast: a handful of regexes over the first few KB of the text.
 */

export type TaskKind =
  | 'completion'   // finish a function / fill in a TODO
  | 'rename'       // rename a symbol or file
  | 'edit'         // mechanical edit: typo, format, sort, convert, bump a version
  | 'docstring'    // comments / docstrings on given code
  | 'question'     // explain / how do I
  | 'test'         // write or fix tests
  | 'docs'         // README, guides, API docs
  | 'review'       // code review, audit
  | 'bugfix'       // fix a bug, error, crash
  | 'refactor'     // restructure without changing behaviour
  | 'feature'      // add or implement something
  | 'architecture' // design, architecture, migration plans
  | 'other';

export const taskKinds: readonly TaskKind[] = [
  'completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review',
  'bugfix', 'refactor', 'feature', 'architecture', 'other',
];

/** Human label for a kind, for tables and reasons. */
export const taskKindLabels: Record<TaskKind, string> = {
  completion: 'completion', rename: 'rename', edit: 'small edit', docstring: 'docstring',
  question: 'question', test: 'tests', docs: 'docs', review: 'code review', bugfix: 'bug fix',
  refactor: 'refactor', feature: 'feature', architecture: 'architecture', other: 'other',
};

interface KindRule { kind: TaskKind; pattern: RegExp; weight: number }

// Order matters only for ties (earlier wins). A match near the start of the text (the verb of the
// request) counts more than one buried in pasted code.
const rules: readonly KindRule[] = [
  { kind: 'architecture', weight: 3, pattern: /\b(architect(?:ure|ing)?|system design|design (?:a|an|the|our)\b|high[- ]level design|sharding strategy|propose (?:a|the)? ?(?:design|plan|module boundaries)|tradeoffs?|trade-offs?|migration (?:plan|strategy)|rollout plan|threat[- ]model)|架构|设计一个|设计方案|迁移方案|系统设计|技术选型/gi },
  { kind: 'review', weight: 3, pattern: /\b(code review|review (?:this|the|my|our)|audit|look over (?:this|the|my) (?:pr|diff|code))|代码审查|审查|评审|review一下/gi },
  { kind: 'test', weight: 2.5, pattern: /\b((?:unit|integration|e2e|end-to-end|snapshot) tests?|write (?:a |some )?tests?|add (?:a |some )?tests?|test cases?|tests? for|failing tests?|supertest|jest|pytest|mocha|vitest)\b|单元测试|写测试|测试用例|补上测试|集成测试/gi },
  { kind: 'docstring', weight: 3, pattern: /\b(docstrings?|jsdoc|javadoc|doc comments?|comments? (?:to|for|on) (?:this|these|the)|add comments?)\b|加上注释|添加注释|写注释|注释/gi },
  { kind: 'docs', weight: 2.5, pattern: /\b(readme|documentation|document (?:the|this|our)|docs\/|user guide|changelog entry|api docs?)\b|文档|说明书/gi },
  { kind: 'rename', weight: 3, pattern: /\b(rename|renaming)\b|重命名|改名|改成|名字改/gi },
  { kind: 'edit', weight: 2.5, pattern: /\b(typos?|spelling|format(?:ting)?|indent(?:ation)?|sort|alphabeti[sz]e|dedupe|de-duplicate|capitali[sz]e|convert (?:this|these|the) (?:json|yaml|csv|rows?|list|string|snippet|callback|statement|print)|reformat|bump|semicolons?|unused imports?|translate|change the (?:port|text|color|colour|label)|update the copyright|replace all|make the button|add type (?:hints|annotations)|generate (?:\d+ )?(?:fake|sample|mock|seed|dummy)|extract (?:the|this) (?:magic number|constant|string)|rewrite this (?:for )?loop)\b|拼写|格式化|排序|缩进|翻译|替换|转成|换成|类型注解/gi },
  { kind: 'bugfix', weight: 2.5, pattern: /\b(fix(?:es|ing)?|bugs?|broken|crash(?:es|ing)?|errors?(?! messages?)|exceptions?|fails?|failing|doesn'?t work|not working|regression|wrong|incorrect|debug(?:ging)?|diagnose|investigate|why (?:does|is|do)|leak|deadlock|race)\b|修复|报错|错误|崩溃|异常|失败|不工作|排查|死锁|竞态|泄漏|原因/gi },
  { kind: 'refactor', weight: 2.5, pattern: /\b(refactor(?:ing)?|clean ?up|extract (?:this|the|a|into)|split (?:this|the) (?:function|class|file|module)|restructure|simplify|dependency injection|de-?duplicate logic|rewrite (?:the|this) (?:module|class|service|component))\b|重构|抽出|拆分|优化代码结构/gi },
  { kind: 'feature', weight: 2, pattern: /\b(add|implement|build|create|support|introduce|integrate|endpoint|feature|write (?:a|an) (?:function|script|class|hook|middleware|resolver|service)|set up|setup)\b|实现|添加|新增|增加|功能|支持|写一个/gi },
  { kind: 'completion', weight: 3, pattern: /\b(complete this|finish this|fill in|autocomplete|continue this)\b|\/\/ ?todo\b|# ?todo\b|补全|补完|完成这个函数/gi },
  { kind: 'question', weight: 1.5, pattern: /^(?:what|how|when|which|where|is|are|can|does|do|should|explain|what's|summari[sz]e)\b|\bsummari[sz]e\b|是什么|什么意思|怎么|如何|为什么|解释|请问/gim },
  { kind: 'question', weight: 0.8, pattern: /\?\s*$|？\s*$/gm },
];

const headChars = 4000;
const earlyChars = 60;

/** Scores per kind; exported for the router, which uses the runner-up too. */
export function scoreTaskKinds(text: string): Map<TaskKind, number> {
  // The request is in the prose; words inside pasted code (comments, identifiers) say little.
  const clipped = text.length > headChars ? text.slice(0, headChars) : text;
  const prose = clipped.replace(/```[\s\S]*?(?:```|$)/g, ' ');
  const head = prose.trim().length > 0 ? prose : clipped;
  const scores = new Map<TaskKind, number>();
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    let score = 0;
    let hits = 0;
    for (let m = rule.pattern.exec(head); m !== null && hits < 4; m = rule.pattern.exec(head)) {
      score += m.index < earlyChars ? rule.weight * 1.5 : rule.weight * (m.index < 400 ? 1 : 0.4);
      hits++;
    }
    if (score > 0) scores.set(rule.kind, (scores.get(rule.kind) ?? 0) + score);
  }
  return scores;
}

/** The most likely task kind of a request or a session's first prompt. */
export function classifyTaskKind(text: string): TaskKind {
  const scores = scoreTaskKinds(text);
  let best: TaskKind = 'other';
  let bestScore = 0;
  for (const rule of rules) {
    const s = scores.get(rule.kind) ?? 0;
    if (s > bestScore) { best = rule.kind; bestScore = s; }
  }
  return best;
}
