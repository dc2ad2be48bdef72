import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluationSets } from '../../bench/routing/heldOut';
import { evalTuningNotTuning, firstHeldOutNotTuning, tuneFileAuthor, tunedHeldOutSets } from '../../bench/routing/tuneSet';
import { estimateTask, formatEstimateMarkdown } from '../../src/core/estimator';
import { englishUsd, Formatter } from '../../src/core/format';
import { defaultModelTiers, hasLearnedModel, ratesOf, readRequest, routeRequest } from '../../src/core/router';
import { formatRoutingReportMarkdown } from '../../src/core/routingReport';
import { setDecisionKnobsForTraining, shippedKnobs } from '../../src/core/routing/decisionKnobs';
import { setLogitsReaderForTraining } from '../../src/core/routing/learnedModel';
import { countRetryPhrases, escalationHint, escalationProfile, escalationShift, sessionOutcomesFromEvents } from '../../src/core/routing/escalation';
import { fnv1a } from '../../src/core/fnv1a';
import { hashBuckets, hashedFeatures, headTokenHashes, lengthTaggedTokens, textTokens } from '../../src/core/routing/textFeatures';
import type { UsageEvent } from '../../src/core/usageEvent';

describe('learned routing model', () => {
  it('ships weights that match the feature layout of this build', () => {
    assert.equal(hasLearnedModel(), true);
    assert.equal(readRequest({ prompt: 'rename x to y' }).source, 'model');
  });

  it('reads words in any script: Latin and Cyrillic n-grams, CJK character pairs, Korean syllable pairs', () => {
    const tokens = textTokens('Переименуй 函数名 이름을 bitte');
    assert.ok(tokens.includes('w:переименуй'));
    assert.ok(tokens.includes('b:函数'));
    assert.ok(tokens.includes('b:이름'));
    assert.ok(tokens.some((t) => t.startsWith('g:') && t.includes('bitt')));
    const f = hashedFeatures('fix the deadlock in the worker pool');
    assert.ok(f.index.every((i) => i >= 0 && i < hashBuckets));
    assert.ok(Math.abs(f.value.reduce((s, v) => s + v * v, 0) - 1) < 1e-4);
  });

  it('gives the tier heads each word and character pair again, tagged with the request\'s length', () => {
    const short = headTokenHashes('帮我找出这个死锁');
    const tokens = textTokens('帮我找出这个死锁');
    assert.deepEqual([...short.kind], tokens.map(fnv1a));
    assert.deepEqual([...short.tier], [...tokens, ...lengthTaggedTokens(tokens)].map(fnv1a));
    assert.ok(lengthTaggedTokens(tokens).includes('sb:死锁'));
    const long = textTokens(`please ${'update the handler and '.repeat(12)}then stop`);
    assert.ok(lengthTaggedTokens(long).includes('lw:handler'));
    assert.ok(!lengthTaggedTokens(long).some((t) => t.startsWith('lg:')), 'character n-grams are not tagged');
    assert.ok(lengthTaggedTokens(textTokens('rename the variable tmp to total in this file please')).includes('sw:rename'));
  });

  it('keeps security problems that never say "security" off the small tier, in several languages', () => {
    for (const prompt of [
      'the password reset token is compared with == against the stored one, is that ok?',
      'パスワード再設定のトークンを == で比較していますが問題ありますか',
      'wir entpacken hochgeladene zip-Dateien mit den Namen aus dem Archiv ins Serververzeichnis',
    ]) assert.notEqual(routeRequest({ prompt }).tier, 'small', prompt);
  });

  it('advises the small tier only within the abstention knob (shipped off, at 1, since session 20)', () => {
    const prompt = 'rename getUserData to fetchUserProfile in this file';
    assert.equal(shippedKnobs.smallMaxRisk, 1);
    assert.equal(routeRequest({ prompt }).tier, 'small');
    setDecisionKnobsForTraining({ ...shippedKnobs, smallMaxRisk: 0 });
    try {
      assert.equal(routeRequest({ prompt }).tier, 'medium');
    } finally {
      setDecisionKnobsForTraining(undefined);
    }
  });

  it('keeps the rules\' caution for hard topics only up to cautionMaxWords prose words', () => {
    // Fixed logits (P(above small) = P(large) = 0.05) so the test reads the knob, not the shipped weights.
    const read = (prompt: string, knobs: Partial<typeof shippedKnobs>): number => {
      setLogitsReaderForTraining(() => Float32Array.from([-3, -3, ...new Array(13).fill(0)]));
      setDecisionKnobsForTraining({ ...shippedKnobs, ...knobs });
      try {
        return readRequest({ prompt }).pAboveSmall;
      } finally {
        setLogitsReaderForTraining(undefined);
        setDecisionKnobsForTraining(undefined);
      }
    };
    const short = '帮我找出这个死锁'; // 4 prose words (a CJK character counts half)
    const longer = 'fix the race in the lock-free queue'; // 7
    const off = { ruleCaution: false };
    assert.ok(read(short, { ruleCaution: true, cautionMaxWords: Infinity }) > 0.9);
    assert.ok(read(short, off) < 0.1);
    assert.equal(read(short, { ruleCaution: true, cautionMaxWords: 5 }), read(short, { ruleCaution: true, cautionMaxWords: Infinity }));
    assert.equal(read(longer, { ruleCaution: true, cautionMaxWords: 5 }), read(longer, off));
    assert.equal(read(longer, { ruleCaution: true, cautionMaxWords: 8 }), read(longer, { ruleCaution: true, cautionMaxWords: Infinity }));
    assert.ok(read(longer, { ruleCaution: true, cautionMaxWords: 8 }) > read(longer, off));
  });

  it('is never less cautious when a hard topic named by the rules is added', () => {
    const base = routeRequest({ prompt: 'update the handler' });
    const hard = routeRequest({ prompt: 'update the handler, there is a deadlock between the two worker threads' });
    assert.ok(['small', 'medium', 'large'].indexOf(hard.tier) >= ['small', 'medium', 'large'].indexOf(base.tier));
  });

  it('reads the author of every independent tuning file, two-letter authors (AA) included', () => {
    assert.equal(tuneFileAuthor('indep-dataB-3.tsv'), 'dataB');
    assert.equal(tuneFileAuthor('indep-dataAA-1.tsv'), 'dataAA');
    assert.equal(tuneFileAuthor('en.tsv'), 'own');
    const files = readdirSync(join(__dirname, '../../bench/routing/tune')).filter((f) => f.startsWith('indep-') && f.endsWith('.tsv'));
    for (const f of files) assert.ok(f.startsWith(`indep-${tuneFileAuthor(f)}-`), `${f} read as ${tuneFileAuthor(f)}`);
  });

  it('trains on the first and the tenth to twenty-eighth independent sets (tuned on since sessions 5, 13, 14, 14b, 15, 16, 17, 18, 19, 20, 20b, 21, 21b, 21c and 22) and on no prompt of any evaluation set', () => {
    const tuneDir = join(__dirname, '../../bench/routing/tune');
    const tuning = new Set<string>();
    for (const file of readdirSync(tuneDir).filter((f) => f.endsWith('.tsv'))) {
      for (const line of readFileSync(join(tuneDir, file), 'utf8').split('\n')) if (line.trim() && !line.startsWith('#')) tuning.add(line.split('\t').pop()!.replace(/\\n/g, '\n').trim());
    }
    const jsonlPrompts = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { prompt: string }).prompt.trim());
    const jsonlRows = (path: string): { id: string; prompt: string }[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; prompt: string });
    const first = jsonlRows(join(__dirname, '../../bench/eval-independent/routing/heldout.jsonl'));
    assert.equal(first.length, 429);
    // Rows a later set repeats are left out of tuning by id (the file is frozen).
    for (const r of first) if (!firstHeldOutNotTuning.has(r.id)) tuning.add(r.prompt.trim());
    // The tenth and eleventh sets (tuning since session 13), the twelfth and thirteenth (since session 14), the fourteenth and fifteenth (since session 14b), the sixteenth (since session 15), the seventeenth (since session 16), the eighteenth (since session 17), the nineteenth (since session 18), the twentieth (since session 19), the twenty-first (since session 20), the twenty-second (since session 20b), the twenty-third (since session 21), the twenty-fourth (since session 21b), the twenty-fifth and twenty-sixth (since session 21c), the twenty-seventh and twenty-eighth (since session 22), likewise
    // without the rows an evaluation set repeats.
    for (const author of ['heldout10', 'heldout11', 'heldout12', 'heldout13', 'heldout14', 'heldout15', 'heldout16', 'heldout17', 'heldout18', 'heldout19', 'heldout20', 'heldout21', 'heldout22', 'heldout23', 'heldout24', 'heldout25', 'heldout26', 'heldout27', 'heldout28']) assert.ok(tunedHeldOutSets.some((s) => s.author === author), `${author} not tuning data`);
    for (const tuned of tunedHeldOutSets) {
      const rows = jsonlRows(join(__dirname, '../../bench/eval-independent', tuned.file));
      assert.equal(rows.length, 600);
      for (const id of tuned.notTuning) assert.ok(rows.some((r) => r.id === id), `${tuned.file}: no row ${id}`);
      for (const r of rows) if (!tuned.notTuning.has(r.id)) tuning.add(r.prompt.trim());
    }
    for (const p of jsonlPrompts(join(__dirname, '../../bench/routing/eval.jsonl')).filter((_, i) => i % 2 === 0 && !evalTuningNotTuning.has(i + 1))) tuning.add(p);
    assert.ok(tuning.size > 4_000);
    const folded = new Set([...tuning].map((p) => p.toLowerCase().replace(/\s+/g, ' ')));
    // Sets 2-9 are evaluation only; a tuned-on set is no longer among them.
    assert.ok(evaluationSets.length >= 8);
    for (const tuned of tunedHeldOutSets) assert.ok(!evaluationSets.some((e) => e.file === tuned.file), `${tuned.file} is tuning data, not an evaluation set`);
    for (const { file, notScored = [] } of evaluationSets) {
      const path = join(__dirname, '../../bench/eval-independent', file);
      if (!existsSync(path)) continue;
      // A set scored after the model trained on a few of its prompts leaves exactly those rows unscored.
      for (const r of jsonlRows(path)) {
        const repeated = folded.has(r.prompt.trim().toLowerCase().replace(/\s+/g, ' '));
        assert.equal(repeated, notScored.includes(r.id), `${file} ${r.id}: ${repeated ? 'in the tuning set but scored' : 'not scored but not in the tuning set'}`);
      }
    }
  });
});

describe('escalation from the user\'s own outcomes', () => {
  const event = (over: Partial<UsageEvent>): UsageEvent => ({
    source: 'claude', timestampMs: 0, sessionId: 's', agentId: '', project: 'p', model: 'claude-haiku-4-5',
    inputTokens: 1_000, outputTokens: 300, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 20_000, ...over,
  });

  it('counts "let me try a different approach" and its kin in several languages', () => {
    assert.equal(countRetryPhrases("That didn't work. Let me try a different approach. Still failing; let me try another approach."), 4);
    assert.equal(countRetryPhrases('还是不行，换一种方法'), 2);
    assert.equal(countRetryPhrases('別のアプローチを試します'), 1);
    assert.equal(countRetryPhrases('All tests pass.'), 0);
  });

  it('finds sessions that moved from a cheap model to a larger one', () => {
    const outcomes = sessionOutcomesFromEvents([
      event({ sessionId: 'a', timestampMs: 1 }), event({ sessionId: 'a', timestampMs: 2, model: 'claude-sonnet-4-5' }),
      event({ sessionId: 'b', timestampMs: 1 }), event({ sessionId: 'b', timestampMs: 2, outputTokens: 900 }),
      event({ sessionId: 'c', timestampMs: 1, model: 'claude-opus-4-5' }),
    ]);
    const by = new Map(outcomes.map((o) => [o.sessionId, o]));
    assert.equal(by.get('a')!.escalated, true);
    assert.equal(by.get('b')!.escalated, false);
    assert.equal(by.get('c')!.startTier, 'large');
  });

  it('shifts advice up only for a user whose cheap sessions often escalate', () => {
    const outcome = (escalated: boolean) => ({ sessionId: 'x', startTier: 'small' as const, endTier: escalated ? 'medium' as const : 'small' as const, escalated, requestsOnStartTier: 3, repeatedSteps: 0 });
    assert.equal(escalationShift(escalationProfile([outcome(true), outcome(true)])), 0, 'too few sessions');
    assert.equal(escalationShift(escalationProfile(Array.from({ length: 20 }, (_, i) => outcome(i < 1)))), 0);
    const often = escalationShift(escalationProfile(Array.from({ length: 20 }, (_, i) => outcome(i < 10))));
    assert.ok(often > 1, String(often));
    const prompt = 'add a unit test for parseBool("yes")';
    const plain = routeRequest({ prompt });
    const shifted = routeRequest({ prompt }, { escalationShift: often });
    assert.ok(shifted.needProbability.small < plain.needProbability.small);
  });

  it('suggests the next tier when the cheap model repeats the same step', () => {
    const run = [1, 2, 3, 4, 5].map((t) => event({ timestampMs: t }));
    const hint = escalationHint(run, 'claude-haiku-4-5');
    assert.ok(hint);
    assert.equal(hint.retries, 4);
    assert.equal(hint.suggestedModel, defaultModelTiers.medium);
    assert.equal(escalationHint(run.slice(0, 3), 'claude-haiku-4-5'), undefined);
    assert.ok(escalationHint(run.slice(0, 2), 'claude-haiku-4-5', undefined, { retryPhrases: 3 }));
    assert.equal(escalationHint(run, 'claude-opus-4-5'), undefined);
  });
});

describe('routing words in the display language', () => {
  const zh = new Formatter({ locale: 'zh-cn', currency: 'CNY', cnyPerUsd: 7 });

  it('gives the reason in Chinese when asked, and keeps English (route --json) by default', () => {
    const prompt = 'rename getUserData to fetchUserProfile in this file';
    assert.equal(routeRequest({ prompt, contextTokens: 800 }).reason, 'Short rename in one file');
    assert.match(routeRequest({ prompt, contextTokens: 800 }, { phrases: zh.l10n }).reason, /重命名/);
  });

  it('writes the Routing Report and the estimate summary in Chinese with yuan', () => {
    const report = formatRoutingReportMarkdown({ sessions: 1, costUsd: 10, savingUsd: 4, rows: [{ project: 'p', model: 'claude-opus-4-5', sessions: 1, costUsd: 10, downgradable: 1, savingUsd: 4 }], examples: [] }, '最近 7 天', zh);
    assert.match(report, /路由报告/);
    assert.match(report, /¥70\.00/);
    assert.doesNotMatch(report, /sessions cost/);
    const estimate = estimateTask({ description: '给登录页加一个记住我的选项' }, undefined, (m) => ratesOf(m), { phrases: zh.l10n });
    const text = formatEstimateMarkdown('给登录页加一个记住我的选项', estimate, { remainingBudgetUsd: 50, fmt: zh });
    assert.match(text, /# 估算/);
    assert.match(text, /\*\*建议：\*\*/);
    assert.match(text, /依据/);
    assert.match(text, /¥/);
    assert.doesNotMatch(formatEstimateMarkdown('x', estimate, { fmt: englishUsd }), /估算/);
  });
});
