import { strict as assert } from 'node:assert';
import { kindRuleScores } from '../../src/core/routing/kindRules';
import { classifyTaskKind, scoreTaskKinds, type TaskKind } from '../../src/core/taskKind';

describe('classifyTaskKind', () => {
  const cases: [string, TaskKind][] = [
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
    // The other languages the model reads (not lines of the tuning set).
    ['benenne die Klasse Kunde in Customer um', 'rename'],
    ['この関数に単体テストを書いて', 'test'],
    ['이 파일의 들여쓰기를 고쳐 줘', 'edit'],
    ['corrige le bug : la page plante quand la liste est vide', 'bugfix'],
    ['escribe la documentación de la API de pagos para los usuarios', 'docs'],
    ['dá uma olhada nesse PR e vê se tem algum problema', 'review'],
    ['спроектируй архитектуру сервиса уведомлений', 'architecture'],
  ];
  for (const [text, kind] of cases) {
    it(`classifies "${text.slice(0, 50)}" as ${kind}`, () => assert.equal(classifyTaskKind(text), kind));
  }

  it('weighs the request verb over words in pasted code', () => {
    const pasted = 'Add a docstring to this function\n```ts\n// fix the bug where refactor tests fail\nfunction f() {}\n```';
    assert.equal(classifyTaskKind(pasted), 'docstring');
  });
});

describe('kindRuleScores (the rules added to the kind head)', () => {
  // Own examples, not lines of the tuning set.
  const examples = ['リリース用のコミットメッセージを書いて', 'der Rumpf von parseHeader fehlt noch', 'bitte den Aufwand für den Export schätzen'];

  it('without the session 11 rules, is the rules the model features read', () => {
    for (const text of examples) assert.deepEqual([...kindRuleScores(text, false)], [...scoreTaskKinds(text)]);
  });

  it('with them, names kinds no earlier rule named: a commit message and an estimate as other, a missing body as completion', () => {
    assert.equal(scoreTaskKinds(examples[0]).get('other'), undefined);
    assert.ok((kindRuleScores(examples[0], true).get('other') ?? 0) > 0);
    assert.ok((kindRuleScores(examples[1], true).get('completion') ?? 0) > (scoreTaskKinds(examples[1]).get('completion') ?? 0));
    assert.ok((kindRuleScores(examples[2], true).get('other') ?? 0) > 0);
  });
});
