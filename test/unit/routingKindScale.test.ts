import { strict as assert } from 'node:assert';
import { readRequest } from '../../src/core/router';
import { modelHeads, setModelWeightsForTraining, weightLayout } from '../../src/core/routing/learnedModel';
import { applyStack, stackGeneralKinds, stackInputs } from '../../src/core/routing/stackStage';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const kinds = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
const logitsFor = (kind: string): number[] => kinds.map((k) => (k === kind ? 5 : 0));
/** A `kindscale` stage: bias 0, the head's own logit x1, then the general group's shift (+2) and extra slope (+1). */
const stage = { kind: 'kindscale' as const, w0: [0, 1, 2, 1], w1: [0.5, 1, 2, 1] };

describe('kindscale second stage (session 20b rule)', () => {
  afterEach(() => setModelWeightsForTraining(undefined));

  it('names question, docs and other as the general kinds, in the model\'s kind order', () => {
    assert.deepEqual(stackGeneralKinds.map((i) => kinds[i]), ['question', 'docs', 'other']);
  });

  it('shifts and rescales each tier logit for the general kinds only', () => {
    const noRules = kinds.map(() => 0);
    for (const k of ['question', 'docs', 'other']) assert.deepEqual(applyStack(stage, stackInputs('kindscale', [1, -1], logitsFor(k), noRules, [])), [4, 0.5], k);
    for (const k of ['bugfix', 'feature', 'architecture', 'review']) assert.deepEqual(applyStack(stage, stackInputs('kindscale', [1, -1], logitsFor(k), noRules, [])), [1, -0.5], k);
  });

  it('reads the kind from the kind heads and the rules when it ships', () => {
    setModelWeightsForTraining(new Float32Array(weightLayout.total()), stage);
    // Zero weights: every logit 0, so the rules alone pick the kind (question here, bugfix there).
    const question = readRequest({ prompt: 'what is the capital of France?' });
    const bugfix = readRequest({ prompt: 'fix the bug in this function' });
    assert.ok(Math.abs(question.pAboveSmall - sigmoid(2)) < 1e-9);
    assert.ok(Math.abs(bugfix.pAboveSmall - 0.5) < 1e-9);
    assert.ok(Math.abs(bugfix.pAboveMedium - 0.5) < 1e-9, 'needing large never reads above needing more than small');
  });
});
