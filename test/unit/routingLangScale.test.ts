import { strict as assert } from 'node:assert';
import { readRequest } from '../../src/core/router';
import { setModelWeightsForTraining, weightLayout } from '../../src/core/routing/learnedModel';
import { applyStack, stackInputs, stackLanguages } from '../../src/core/routing/stackStage';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** A `langscale` stage: bias 0, the head's own logit x1, then one shift per language (ja -2 and ru +1.5 here). */
const shifts = stackLanguages.map((l) => (l === 'ja' ? -2 : l === 'ru' ? 1.5 : 0));
const stage = { kind: 'langscale' as const, w0: [0, 1, ...shifts], w1: [0.5, 1, ...shifts] };

describe('langscale second stage (session 20 rule)', () => {
  afterEach(() => setModelWeightsForTraining(undefined));

  it('shifts each tier logit by the language passed, and by nothing for a language it does not list', () => {
    assert.deepEqual(applyStack(stage, stackInputs('langscale', [1, -1], [], [], [], 'ja')), [-1, -2.5]);
    assert.deepEqual(applyStack(stage, stackInputs('langscale', [1, -1], [], [], [], 'ru')), [2.5, 1]);
    assert.deepEqual(applyStack(stage, stackInputs('langscale', [1, -1], [], [], [], 'xx')), [1, -0.5]);
  });

  it('reads the request\'s language from its text when it ships', () => {
    setModelWeightsForTraining(new Float32Array(weightLayout.total()), stage);
    const ja = readRequest({ prompt: 'このバグを直してください' });
    const ru = readRequest({ prompt: 'Исправь ошибку в этой функции' });
    const en = readRequest({ prompt: 'fix the bug in this function' });
    assert.ok(Math.abs(ja.pAboveSmall - sigmoid(-2)) < 1e-9);
    assert.ok(Math.abs(ru.pAboveSmall - sigmoid(1.5)) < 1e-9);
    assert.ok(Math.abs(en.pAboveSmall - 0.5) < 1e-9);
    assert.ok(Math.abs(en.pAboveMedium - 0.5) < 1e-9, 'needing large never reads above needing more than small');
    assert.ok(Math.abs(ja.pAboveMedium - sigmoid(-2)) < 1e-9);
  });
});
