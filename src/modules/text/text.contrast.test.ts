import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contrastTail } from './text.contrast.js';
import { normalizeText } from './text.features.js';
import {
  loadSentimentModel,
  modelDirectory,
  positiveProbability,
  sentimentLogitOf,
  stackedLogitOf,
  type SentimentModel,
} from './text.model.js';

const tail = (text: string, lang: 'en' | 'zh') => contrastTail(normalizeText(text), lang);

describe('contrastTail', () => {
  it('takes what follows the last English marker, as a whole word', () => {
    expect(tail("The picture runs a mere 84 minutes, but it's no glance.", 'en')).toBe("it's no glance.");
    expect(tail('Good acting but weak plot, but a great ending', 'en')).toBe('a great ending');
    expect(tail('Slow start. However, the last hour is gripping', 'en')).toBe(', the last hour is gripping');
    // "butter" and "buttons" are not "but"; no marker, no tail.
    expect(tail('The butter buttons are fine', 'en')).toBeUndefined();
    expect(tail('A plain good movie', 'en')).toBeUndefined();
  });

  it('needs at least two words (or two CJK characters) after the marker', () => {
    expect(tail('Everything was fine, but.', 'en')).toBeUndefined();
    expect(tail('all but gone', 'en')).toBeUndefined();
    expect(tail('all but completely gone', 'en')).toBe('completely gone');
  });

  it('takes what follows the last Chinese marker', () => {
    expect(tail('环境不错，但是服务太差了', 'zh')).toBe('服务太差了');
    expect(tail('价格有点贵，不过味道很好', 'zh')).toBe('味道很好');
    expect(tail('菜不错可是送得慢，但是包装很好', 'zh')).toBe('包装很好');
    expect(tail('服务很好', 'zh')).toBeUndefined();
    expect(tail('很好但是', 'zh')).toBeUndefined();
  });

  it('returns a suffix of the text or undefined for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('en' as const, 'zh' as const), (s, lang) => {
        const n = normalizeText(s);
        const t = contrastTail(n, lang);
        if (t !== undefined) expect(n.endsWith(t)).toBe(true);
      }),
    );
  });
});

describe('contrast rule in the model', () => {
  /** The shipped model with a given contrast weight for English. */
  function withWeight(model: SentimentModel, weight: number): SentimentModel {
    const header = structuredClone(model.header);
    header.languages.en.contrast = weight;
    return {
      header,
      weights: model.weights,
      secondWeights: model.secondWeights,
      extractor: model.extractor,
      cnn: model.cnn,
    };
  }

  it('mixes the logit of the text with that of its tail by the header weight', () => {
    const model = loadSentimentModel(modelDirectory());
    const text = normalizeText(
      'The plot is thin and the pacing slow, but the cast is wonderful and the ending moving.',
    );
    const full = stackedLogitOf(model, text, 'en');
    const rest = stackedLogitOf(model, 'the cast is wonderful and the ending moving.', 'en');
    expect(sentimentLogitOf(withWeight(model, 0), text, 'en')).toBe(full);
    expect(sentimentLogitOf(withWeight(model, 1), text, 'en')).toBeCloseTo(rest, 10);
    expect(sentimentLogitOf(withWeight(model, 0.25), text, 'en')).toBeCloseTo(0.75 * full + 0.25 * rest, 10);
    // A text without a marker is not affected.
    const plain = normalizeText('the cast is wonderful');
    expect(sentimentLogitOf(withWeight(model, 0.5), plain, 'en')).toBe(stackedLogitOf(model, plain, 'en'));
    const p = positiveProbability(withWeight(model, 1), text, 'en');
    expect(p).toBeGreaterThan(0.5);
  });
});
