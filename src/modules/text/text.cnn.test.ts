import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cnnFileBytes,
  cnnLogits,
  DIMENSIONS,
  exportCnn,
  fitStack,
  sequences,
  trainCnn,
  type CnnWeights,
} from '../../../scripts/text-model/cnn.js';
import { rng } from '../../../scripts/text-model/linear.js';
import { CnnScorer, rowLength, tokenKey, tokenKeys, Vocabulary } from './text.cnn.js';
import { normalizeText } from './text.features.js';
import { logitOf, secondLogitOf, sentimentModel, stackedLogitOf } from './text.model.js';

const keysOf = (text: string) => {
  const { keys, count } = tokenKeys(normalizeText(text), new Int32Array(2));
  return Array.from(keys.subarray(0, count));
};

/** A small random CNN over random vectors, for comparing the int8 run-time scorer with the float network. */
function randomCnn(seed: number, words: number, widths: number[], filters: number) {
  const random = rng(seed);
  const vectors = Float32Array.from({ length: words * DIMENSIONS }, () => random() * 2 - 1);
  const hidden = widths.length * filters;
  const weights: CnnWeights = {
    shape: { widths, filters, vocabulary: words },
    conv: Float32Array.from(
      { length: rowLength({ widths, filters, vocabulary: words }) * DIMENSIONS },
      () => (random() * 2 - 1) * 0.2,
    ),
    biases: Float32Array.from({ length: hidden }, () => random() * 0.2 - 0.1),
    output: Float32Array.from({ length: hidden }, () => random() * 2 - 1),
    outputBias: random() - 0.5,
  };
  return { weights, vectors };
}

describe('CNN tokens', () => {
  it("cuts words and single symbols, turns n't into not, and drops apostrophes", () => {
    expect(keysOf("I don't like it, at ALL!")).toEqual(
      ['i', 'do', 'not', 'like', 'it', ',', 'at', 'all', '!'].map(tokenKey),
    );
    expect(keysOf("it 's a do n't")).toEqual(['it', 's', 'a', 'do', 'not'].map(tokenKey));
    expect(keysOf('好😀')).toEqual(['好', '😀'].map(tokenKey));
    expect(keysOf('   ')).toEqual([]);
  });

  it('never throws and grows its buffer for long texts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const keys = keysOf(s);
        expect(keys.every((k) => Number.isInteger(k))).toBe(true);
      }),
    );
    expect(keysOf('word '.repeat(500))).toHaveLength(500);
  });

  it('maps keys to rows; unknown keys give −1 and a repeated key keeps its first row', () => {
    const v = new Vocabulary(Int32Array.from(['good', 'bad', 'good'].map(tokenKey)));
    expect(v.row(tokenKey('good'))).toBe(0);
    expect(v.row(tokenKey('bad'))).toBe(1);
    expect(v.row(tokenKey('ugly'))).toBe(-1);
    expect(v.row(0)).toBe(-1);
  });
});

describe('CNN scoring', () => {
  it('the int8 table gives the float network logits (one network and an ensemble of two)', () => {
    const words = ['the', 'film', 'is', 'not', 'good', 'bad', 'at', 'all', '.', 'great'];
    const keys = Int32Array.from(words, tokenKey);
    const a = randomCnn(1, words.length, [1, 2, 3], 6);
    const b = randomCnn(2, words.length, [1, 2, 3], 6);
    const texts = [
      'the film is good .',
      'not good at all',
      'bad',
      'great great great film',
      'unknown words only',
    ];
    const examples = texts.map((text) => ({ text, label: 1 as const, dataset: 't' }));
    const data = sequences(examples, new Vocabulary(keys));
    const za = cnnLogits(a.weights, a.vectors, data);
    const zb = cnnLogits(b.weights, b.vectors, data);
    const single = new CnnScorer(exportCnn([a], keys));
    const pair = new CnnScorer(exportCnn([a, b], keys));
    texts.forEach((t, i) => {
      expect(single.logit(t)).toBeCloseTo(za[i] as number, 1);
      expect(pair.logit(t)).toBeCloseTo(((za[i] as number) + (zb[i] as number)) / 2, 1);
    });
    // The file layout: keys, scales, biases, output weights (4 bytes each), then the table.
    const model = exportCnn([a, b], keys);
    expect(cnnFileBytes(model, keys).length).toBe(
      words.length * 8 + model.biases.length * 8 + words.length * rowLength(model.shape),
    );
  });

  it('learns a separable toy task, seeded (same data → same weights)', () => {
    const words = ['good', 'great', 'bad', 'awful', 'film', 'the', 'not'];
    const keys = Int32Array.from(words, tokenKey);
    const random = rng(5);
    const vectors = Float32Array.from({ length: words.length * DIMENSIONS }, () => random() * 2 - 1);
    const texts: [string, 0 | 1][] = [
      ['good film', 1],
      ['great film', 1],
      ['the film is good', 1],
      ['bad film', 0],
      ['awful film', 0],
      ['the film is bad', 0],
      ['not good', 0],
      ['not bad', 1],
    ];
    const examples = Array.from({ length: 20 }, () => texts)
      .flat()
      .map(([text, label]) => ({ text, label, dataset: 't' }));
    const train = sequences(examples, new Vocabulary(keys));
    const options = {
      widths: [1, 2],
      filters: 8,
      epochs: 15,
      learningRate: 0.01,
      batch: 10,
      dropout: 0.2,
      maxNorm: 3,
      seed: 3,
      tune: 0.05,
    };
    const v1 = Float32Array.from(vectors);
    const w1 = trainCnn(train, v1, options);
    const w2 = trainCnn(train, Float32Array.from(vectors), options);
    expect(Array.from(w2.conv)).toEqual(Array.from(w1.conv));
    const scorer = new CnnScorer(exportCnn([{ weights: w1, vectors: v1 }], keys));
    for (const [text, label] of texts)
      expect({ text, positive: scorer.logit(text) > 0 }).toEqual({ text, positive: label === 1 });
  });

  it('fits the stack weights by logistic regression', () => {
    const random = rng(9);
    const n = 2000;
    const labels = Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    // The second logit carries all the signal, the first is noise.
    const informative = labels.map((y) => (y ? 1 : -1) * 2 + (random() - 0.5));
    const noise = labels.map(() => random() * 4 - 2);
    const stack = fitStack([noise, informative], labels, new Array<number>(n).fill(1));
    expect(Math.abs(stack.weights[0] ?? 1)).toBeLessThan(0.5);
    expect(stack.weights[1]).toBeGreaterThan(2);
  });

  it('fits three stack weights and a bias, as a logistic regression would', () => {
    const random = rng(10);
    const n = 4000;
    // Labels drawn from a known logistic model: 1.5·a − 0.5·b + 0·c + 0.8.
    const a = Array.from({ length: n }, () => random() * 4 - 2);
    const b = Array.from({ length: n }, () => random() * 4 - 2);
    const c = Array.from({ length: n }, () => random() * 4 - 2);
    const labels = a.map((_, i) => {
      const z = 1.5 * (a[i] as number) - 0.5 * (b[i] as number) + 0.8;
      return random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    });
    const stack = fitStack([a, b, c], labels, new Array<number>(n).fill(1));
    expect(stack.weights[0]).toBeCloseTo(1.5, 0);
    expect(stack.weights[1]).toBeCloseTo(-0.5, 0);
    expect(Math.abs(stack.weights[2] ?? 1)).toBeLessThan(0.2);
    expect(stack.bias).toBeCloseTo(0.8, 0);
  });
});

describe('shipped English model', () => {
  it('stacks the CNN with the n-gram model for English only', () => {
    const model = sentimentModel();
    const cnn = model.header.cnn;
    expect(cnn).toBeDefined();
    expect(model.cnn?.model.shape.vocabulary).toBe(cnn?.vocabulary);
    const text = normalizeText('A dull, tedious film that never finds its way.');
    const expected =
      (cnn?.stack.lr ?? 0) * logitOf(model, text, 'en') +
      (cnn?.stack.cnn ?? 0) * (model.cnn?.logit(text) ?? 0) +
      (cnn?.stack.second ?? 0) * (secondLogitOf(model, text, 'en') ?? 0);
    expect(stackedLogitOf(model, text, 'en')).toBeCloseTo(expected, 10);
    expect(stackedLogitOf(model, text, 'en')).toBeLessThan(0);
    expect(model.cnn?.logit(normalizeText('a wonderful , moving film'))).toBeGreaterThan(0);
    expect(stackedLogitOf(model, '服务很好', 'zh')).toBe(logitOf(model, '服务很好', 'zh'));
  });

  it('reads the second English n-gram model from its own weight block', () => {
    const model = sentimentModel();
    const second = model.header.languages.en.second;
    expect(second).toBeDefined();
    expect(model.header.cnn?.stack.second).toBeDefined();
    expect(model.secondWeights.en?.length).toBe(1 << model.header.hashBits);
    expect(model.secondWeights.zh).toBeUndefined();
    expect(secondLogitOf(model, '服务很好', 'zh')).toBeUndefined();
    // Its own features and weights: not the first model's logit, and it reads polarity on its own.
    const bad = normalizeText('a dull , tedious and pointless film');
    const good = normalizeText('a warm , funny and moving film');
    expect(secondLogitOf(model, bad, 'en')).not.toBe(logitOf(model, bad, 'en'));
    expect(secondLogitOf(model, bad, 'en')).toBeLessThan(0);
    expect(secondLogitOf(model, good, 'en')).toBeGreaterThan(0);
  });
});
