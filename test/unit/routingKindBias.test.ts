import { strict as assert } from 'node:assert';
import { readRequest } from '../../src/core/router';
import { kindBiasRow, modelHeads, setModelWeightsForTraining, weightLayout } from '../../src/core/routing/learnedModel';
import { detectLanguage } from '../../src/core/routing/requestLanguage';

const kinds = modelHeads.slice(2).map((h) => h.replace('kind:', ''));
const towards = (kind: string): number[] => kinds.map((k) => (k === kind ? 50 : 0));

describe('kind bias (session 17 rule d)', () => {
  afterEach(() => setModelWeightsForTraining(undefined));

  it('reads a request\'s language by script, then by common words', () => {
    assert.equal(detectLanguage('このバグを直してください'), 'ja');
    assert.equal(detectLanguage('이 함수의 버그를 고쳐 주세요'), 'ko');
    assert.equal(detectLanguage('修复这个函数里的错误'), 'zh');
    assert.equal(detectLanguage('Исправь ошибку в этой функции'), 'ru');
    assert.equal(detectLanguage('Bitte behebe den Fehler in der Funktion'), 'de');
    assert.equal(detectLanguage('fix the bug in this function'), 'en');
    assert.equal(detectLanguage('```\nx = 1\n```'), 'en');
  });

  it('adds the bias row of the request\'s language to the kind logits; a language not listed reads the first row', () => {
    const bias = { languages: ['en', 'ja'], bias: [towards('test'), towards('docs')] };
    assert.deepEqual(kindBiasRow(bias, 'このバグを直してください'), towards('docs'));
    assert.deepEqual(kindBiasRow(bias, 'Bitte behebe den Fehler'), towards('test'));
    setModelWeightsForTraining(new Float32Array(weightLayout.total()), undefined, bias);
    assert.equal(readRequest({ prompt: 'このバグを直してください' }).kind, 'docs');
    assert.equal(readRequest({ prompt: 'fix the bug in this function' }).kind, 'test');
  });

  it('adds one row to every request when the bias is not per language', () => {
    setModelWeightsForTraining(new Float32Array(weightLayout.total()), undefined, { languages: ['*'], bias: [towards('review')] });
    assert.equal(readRequest({ prompt: 'このバグを直してください' }).kind, 'review');
    assert.equal(readRequest({ prompt: 'fix the bug in this function' }).kind, 'review');
  });

  it('changes nothing when no bias ships', () => {
    assert.equal(kindBiasRow(undefined, 'fix the bug'), undefined);
    setModelWeightsForTraining(new Float32Array(weightLayout.total()));
    assert.notEqual(readRequest({ prompt: 'fix the bug in this function' }).kind, 'test');
  });
});
