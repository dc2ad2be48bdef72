// The router's and estimator's safety checks as one list a candidate model must pass before the selection
// rule (cvRule.ts) may choose it: every model-dependent assertion of the unit tests (test/unit/router.test.ts,
// routingModel.test.ts, estimator.test.ts, taskKind.test.ts, routerCli.test.ts, uiRoutingReport.test.ts),
// evaluated with whatever weights and knobs are in force (`setModelWeightsForTraining`,
// `setLogitsReaderForTraining`, `setDecisionKnobsForTraining`). The unit test routingSafety.test.ts runs
// it on the shipped model, so a candidate that passes here passes there. Written in session 7 (2026-12-04)
// because session 6's rule picked two settings that broke these tests and the choice left the rule.
// Run: npx tsx bench/routing/safety.ts (the shipped model)
import { buildHistoryModel, estimateTask } from '../../src/core/estimator';
import { fallbackPriceOf, routeRequest, type Tier } from '../../src/core/router';
import { classifyTaskKind, type TaskKind } from '../../src/core/taskKind';
import { calibrate } from './calibration';
import { evaluateRouting, loadEvalSet } from './evaluate';

const rank: Record<Tier, number> = { small: 0, medium: 1, large: 2 };

// [prompt, context tokens, tier the router must advise (balanced, default lineup), reason pattern]
const tierCases: [string, number, Tier, RegExp?][] = [
  ['rename getUserData to fetchUserProfile in this file', 800, 'small', /^Short rename in one file$/],
  ['rename getUserData to fetchUserProfile in this file', 0, 'small'],
  ['fix the race in the lock-free queue', 2_000, 'large'],
  ['fix the ABA problem in this CAS loop', 2_000, 'large'],
  ['帮我找出这个死锁', 2_000, 'large'],
  ['这段 Rust async 代码为什么会有竞态？', 2_000, 'large'],
  [`Sort this list alphabetically:\n${Array.from({ length: 300 }, (_, i) => `item-${(i * 7919) % 1000}`).join('\n')}`, 0, 'small', /pasted lines/],
  ["Fix this:\n```\nTypeError: Cannot read properties of undefined (reading 'map')\n    at OrderList (src/OrderList.tsx:23:31)\n    at renderWithHooks (react-dom.js:16305:18)\n```", 3_000, 'medium', /stack trace/],
  ['design the architecture of our billing platform', 0, 'large'],
  ['rename the variable tmp to total', 0, 'small'],
  ['fix the race in the lock-free queue', 0, 'large'],
  ['rename foo to bar in this file', 0, 'small'],
  ['rename foo to bar in this file', 300, 'small'],
  ['rename the variable usr to user in this file', 0, 'small'],
  ['fix the intermittent deadlock in the lock-free job queue under high load; it only happens in production', 0, 'large'],
];

// Requests that must never be advised the small tier.
const notSmall = [
  'the password reset token is compared with == against the stored one, is that ok?',
  'パスワード再設定のトークンを == で比較していますが問題ありますか',
  'wir entpacken hochgeladene zip-Dateien mit den Namen aus dem Archiv ins Serververzeichnis',
];

// [text, kind the model must read]
const kindCases: [string, TaskKind][] = [
  ['rename getUserData to fetchUserProfile in this file', 'rename'],
  ['把这个变量名 userInfo 改成 currentUser', 'rename'],
  ['Add a docstring to this function', 'docstring'],
  ['给这个函数加上注释', 'docstring'],
  ['sort these imports alphabetically', 'edit'],
  ['Fix the indentation in this YAML file', 'edit'],
  ['translate this error message to Spanish', 'edit'],
  ['Write unit tests for the ShoppingCart class', 'test'],
  ['给 UserService 写单元测试，mock 掉数据库', 'test'],
  ['Review this PR diff for bugs and style issues', 'review'],
  ['代码审查一下这个函数，看看有没有边界问题', 'review'],
  ['Design the architecture for a multi-tenant billing system', 'architecture'],
  ['设计一个分布式任务调度系统，支持高可用', 'architecture'],
  ['The login form submits twice when pressing Enter. Find out why and fix it.', 'bugfix'],
  ['修复这个报错：KeyError', 'bugfix'],
  ['Refactor this 300-line function into smaller functions', 'refactor'],
  ['重构这个模块，把重复的校验逻辑抽出来', 'refactor'],
  ['Add pagination to the /users endpoint', 'feature'],
  ['实现用户头像上传功能', 'feature'],
  ['Write a README for this CLI tool', 'docs'],
  ['更新项目文档', 'docs'],
  ['how do I undo the last git commit but keep the changes?', 'question'],
  ['这个 shell 命令是什么意思', 'question'],
  ['complete this function', 'completion'],
  ['', 'other'],
  ['benenne die Klasse Kunde in Customer um', 'rename'],
  ['この関数に単体テストを書いて', 'test'],
  ['이 파일의 들여쓰기를 고쳐 줘', 'edit'],
  ['corrige le bug : la page plante quand la liste est vide', 'bugfix'],
  ['escribe la documentación de la API de pagos para los usuarios', 'docs'],
  ['dá uma olhada nesse PR e vê se tem algum problema', 'review'],
  ['спроектируй архитектуру сервиса уведомлений', 'architecture'],
  ['Add a docstring to this function\n```ts\n// fix the bug where refactor tests fail\nfunction f() {}\n```', 'docstring'],
  // estimator.test.ts and routerCli.test.ts: published ranges and history by kind
  ['Design the architecture for a plugin system', 'architecture'],
  ['fix the crash when saving', 'bugfix'],
  ['add CSV export to the reports page', 'feature'],
  ['update the README with install steps', 'docs'],
  ['review this PR for bugs', 'review'],
  ['fix the login crash', 'bugfix'],
  ['fix the upload bug', 'bugfix'],
  ...Array.from({ length: 10 }, (_, s) => [`fix the crash number ${s} in the upload form`, 'bugfix'] as [string, TaskKind]),
];

// Pairs a history test needs read as one kind.
const sameKind: [string, string][] = [
  ['write unit tests for the cart', 'write unit tests for the parser'],
];

/** Every failed check, as text; empty when the model and knobs in force pass them all. */
export function safetyFailures(options: { calibration?: boolean } = {}): string[] {
  const fails: string[] = [];
  for (const [prompt, contextTokens, tier, reason] of tierCases) {
    const a = routeRequest({ prompt, contextTokens });
    if (a.tier !== tier) fails.push(`tier ${a.tier}, want ${tier}: ${prompt.slice(0, 50)}`);
    else if (reason && !reason.test(a.reason)) fails.push(`reason "${a.reason}" !~ ${reason}: ${prompt.slice(0, 50)}`);
  }
  for (const prompt of notSmall) if (routeRequest({ prompt }).tier === 'small') fails.push(`small: ${prompt.slice(0, 50)}`);
  const base = routeRequest({ prompt: 'update the handler' }).tier;
  const hard = routeRequest({ prompt: 'update the handler, there is a deadlock between the two worker threads' }).tier;
  if (rank[hard] < rank[base]) fails.push('adding a deadlock lowered "update the handler"');
  for (const [text, kind] of kindCases) {
    const got = classifyTaskKind(text);
    if (got !== kind) fails.push(`kind ${got}, want ${kind}: ${text.slice(0, 50)}`);
  }
  for (const [a, b] of sameKind) if (classifyTaskKind(a) !== classifyTaskKind(b)) fails.push(`kinds differ: "${a}" / "${b}"`);
  const estimate = estimateTask({ description: 'rename foo to bar in this file' }, undefined, fallbackPriceOf);
  if (estimate.suggested.tier !== 'small') fails.push('estimate of a rename does not suggest the small tier');
  const thin = estimateTask({ description: 'Design the architecture for a plugin system' }, buildHistoryModel([]), fallbackPriceOf);
  if (thin.kind !== 'architecture') fails.push('estimate reads a design task as ' + thin.kind);
  const evalRows = loadEvalSet();
  let ordered = 0, lowered = 0;
  for (const r of evalRows) {
    const req = { prompt: r.prompt, contextTokens: r.contextTokens };
    const c = rank[routeRequest(req, { aggressiveness: 'conservative' }).tier];
    const b = rank[routeRequest(req, { aggressiveness: 'balanced' }).tier];
    const g = rank[routeRequest(req, { aggressiveness: 'aggressive' }).tier];
    if (!(c >= b && b >= g)) ordered++;
    const after = routeRequest({ prompt: `${r.prompt}\nThere is a race condition between two threads.`, contextTokens: r.contextTokens }).tier;
    if (rank[after] < b) lowered++;
  }
  if (ordered) fails.push(`${ordered} eval.jsonl requests where conservative < balanced < aggressive is broken`);
  if (lowered) fails.push(`${lowered} eval.jsonl requests advised lower after "There is a race condition between two threads."`);
  const held = evaluateRouting(evalRows, 'heldout', 'balanced');
  if (!(held.falseDowngradeRate < 0.05 && held.savingsOfPerfect >= 0.6)) fails.push(`own held-out half: FD ${held.falseDowngradeRate}, share ${held.savingsOfPerfect}`);
  if (!(evaluateRouting(evalRows, 'heldout', 'conservative').falseDowngradeRate < 0.05)) fails.push('own held-out half, conservative: FD >= 5%');
  if (options.calibration !== false) {
    for (const perKind of [8, 40]) {
      const c = calibrate(perKind, 8);
      const ok = c.historyBasis === 1 && c.tokenCoverage > 0.74 && c.tokenCoverage < 0.88 && c.costCoverage > 0.72 && c.costCoverage < 0.88 && Math.abs(c.belowP10 - c.aboveP90) < 0.06;
      if (!ok) fails.push(`estimator calibration with ${perKind} past sessions per kind: ${JSON.stringify(c)}`);
    }
  }
  return fails;
}

if (require.main === module) {
  const fails = safetyFailures();
  console.log(fails.length ? fails.join('\n') : 'all safety checks pass');
}
