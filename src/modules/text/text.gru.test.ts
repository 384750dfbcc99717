import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIMENSIONS, sequences } from '../../../scripts/text-model/cnn.js';
import {
  exportGru,
  gruFileBytes,
  gruGradient,
  gruLayout,
  gruLogits,
  gruLoss,
  initGru,
  trainGru,
} from '../../../scripts/text-model/gru.js';
import { rng } from '../../../scripts/text-model/linear.js';
import { tokenKey, Vocabulary } from './text.cnn.js';
import { GruScorer } from './text.gru.js';
import {
  CNN_FILE,
  GRU_FILE,
  HEADER_FILE,
  loadSentimentModel,
  logitOf,
  modelDirectory,
  stackedLogitOf,
  WEIGHTS_FILE,
  type ModelHeader,
} from './text.model.js';
import { normalizeText } from './text.features.js';

/** A small random GRU over random vectors (weights perturbed so every bias is non-zero). */
function randomGru(seed: number, words: number, hidden: number) {
  const random = rng(seed);
  const vectors = Float32Array.from({ length: words * DIMENSIONS }, () => (random() * 2 - 1) * 0.5);
  const weights = initGru(hidden, seed);
  for (let i = 0; i < weights.params.length; i++)
    weights.params[i] = (weights.params[i] as number) + (random() * 2 - 1) * 0.1;
  return { weights, vectors };
}

describe('GRU training', () => {
  it('back-propagation gives the numerical gradient of the loss (weights and word vectors)', () => {
    const { weights, vectors } = randomGru(3, 5, 4);
    const rows = Int32Array.from([1, 3, 0, 4, 3]);
    for (const label of [0, 1]) {
      const { grad, gVec } = gruGradient(weights, vectors, rows, label);
      const L = gruLayout(4);
      const checked = [
        3,
        L.w(1) + 250,
        L.b(0) + 1,
        L.b(1) + 9,
        L.u(0) + 3,
        L.u(1) + 40,
        L.c(0) + 2,
        L.c(1) + 10,
      ];
      checked.push(L.output + 1, L.output + 6, L.outputBias);
      const eps = 1e-2;
      for (const i of checked) {
        const before = weights.params[i] as number;
        weights.params[i] = before + eps;
        const up = gruLoss(weights, vectors, rows, label);
        weights.params[i] = before - eps;
        const down = gruLoss(weights, vectors, rows, label);
        weights.params[i] = before;
        expect(grad[i]).toBeCloseTo((up - down) / (2 * eps), 3);
      }
      for (const k of [3 * DIMENSIONS + 7, 50, 4 * DIMENSIONS + 2]) {
        const before = vectors[k] as number;
        vectors[k] = before + eps;
        const up = gruLoss(weights, vectors, rows, label);
        vectors[k] = before - eps;
        const down = gruLoss(weights, vectors, rows, label);
        vectors[k] = before;
        expect(gVec[k]).toBeCloseTo((up - down) / (2 * eps), 3);
      }
    }
  });

  it('learns a toy task that needs word order, seeded (same data → same weights)', () => {
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
    const vocabulary = new Vocabulary(keys);
    const train = sequences(examples, vocabulary);
    const options = {
      hidden: 8,
      epochs: 15,
      learningRate: 0.01,
      batch: 10,
      dropout: 0.1,
      seed: 3,
      tune: 0.05,
      wordDropout: 0,
      clip: 5,
    };
    const v1 = Float32Array.from(vectors);
    const w1 = trainGru(train, v1, options);
    const w2 = trainGru(train, Float32Array.from(vectors), options);
    expect(Array.from(w2.params)).toEqual(Array.from(w1.params));
    const gru = new GruScorer(exportGru(w1, v1, vocabulary));
    const rows = sequences(
      texts.map(([text, label]) => ({ text, label, dataset: 't' })),
      vocabulary,
    ).rows;
    texts.forEach(([text, label], i) => {
      const r = rows[i] as Int32Array;
      expect({ text, positive: gru.score(r, r.length) > 0 }).toEqual({ text, positive: label === 1 });
    });
  });
});

describe('GRU scoring', () => {
  it('the int8 table gives the float network logits; no token gives the output bias', () => {
    const words = ['the', 'film', 'is', 'not', 'good', 'bad', 'at', 'all', '.', 'great'];
    const keys = Int32Array.from(words, tokenKey);
    const vocabulary = new Vocabulary(keys);
    const { weights, vectors } = randomGru(7, words.length, 6);
    const texts = ['the film is good .', 'not good at all', 'bad', 'great great great film', 'unknown words'];
    const data = sequences(
      texts.map((text) => ({ text, label: 1 as const, dataset: 't' })),
      vocabulary,
    );
    const float = gruLogits(weights, vectors, data);
    const model = exportGru(weights, vectors, vocabulary);
    const scorer = new GruScorer(model);
    data.rows.forEach((rows, i) => {
      expect(scorer.score(rows, rows.length)).toBeCloseTo(float[i] as number, 1);
    });
    expect(scorer.score(new Int32Array(0), 0)).toBe(model.outputBias);
    // The file layout: scales, input biases, recurrent weights and biases, output weights (4 bytes each), then the table.
    const H = 6;
    expect(gruFileBytes(model).length).toBe(
      words.length * 4 + (6 * H + 6 * H * H + 6 * H + 2 * H) * 4 + words.length * 6 * H,
    );
  });

  it('the loader reads a GRU named by the header and stacks its logit; a wrong file is refused', () => {
    const dir = modelDirectory();
    const header = JSON.parse(readFileSync(join(dir, HEADER_FILE), 'utf8')) as ModelHeader;
    const cnn = header.cnn;
    expect(cnn).toBeDefined();
    if (!cnn) return;
    const copy = mkdtempSync(join(tmpdir(), 'touchpoint-gru-'));
    try {
      for (const f of [WEIGHTS_FILE, CNN_FILE]) copyFileSync(join(dir, f), join(copy, f));
      // A random GRU over the shipped CNN's vocabulary (its keys open the CNN file).
      const keys = new Int32Array(readFileSync(join(dir, CNN_FILE)).buffer.slice(0, cnn.vocabulary * 4));
      const vocabulary = new Vocabulary(keys);
      const random = rng(11);
      const vectors = Float32Array.from(
        { length: cnn.vocabulary * DIMENSIONS },
        () => (random() * 2 - 1) * 0.5,
      );
      const { weights } = randomGru(13, 1, 5);
      const model = exportGru(weights, vectors, vocabulary);
      const bytes = gruFileBytes(model);
      writeFileSync(join(copy, GRU_FILE), bytes);
      const withGru: ModelHeader = {
        ...header,
        cnn: { ...cnn, stack: { ...cnn.stack, gru: 0.5 } },
        gru: {
          sha256: createHash('sha256').update(bytes).digest('hex'),
          hidden: 5,
          vocabulary: cnn.vocabulary,
          outputBias: model.outputBias,
        },
      };
      writeFileSync(join(copy, HEADER_FILE), JSON.stringify(withGru));
      const loaded = loadSentimentModel(`${copy}/`);
      const texts = ['the film is not good at all .', 'a great , moving film', 'zzqx'];
      const data = sequences(
        texts.map((text) => ({ text, label: 1 as const, dataset: 't' })),
        vocabulary,
      );
      const float = gruLogits(weights, vectors, data);
      texts.forEach((text, i) => {
        const n = normalizeText(text);
        const { rows, count } = loaded.cnn?.rowsOf(n) ?? { rows: new Int32Array(0), count: 0 };
        const gru = loaded.gru?.score(Int32Array.from(rows.subarray(0, count)), count) ?? NaN;
        expect(gru).toBeCloseTo(float[i] as number, 1);
        const twoModels =
          cnn.stack.lr * logitOf(loaded, n, 'en') + cnn.stack.cnn * (loaded.cnn?.logit(n) ?? 0);
        expect(stackedLogitOf(loaded, n, 'en')).toBeCloseTo(twoModels + 0.5 * gru, 10);
      });
      expect(stackedLogitOf(loaded, '服务很好', 'zh')).toBe(logitOf(loaded, '服务很好', 'zh'));
      // Wrong size: refused when the model loads; same size, other bytes: refused when the GRU is read.
      writeFileSync(join(copy, GRU_FILE), bytes.subarray(1));
      expect(() => loadSentimentModel(`${copy}/`)).toThrow(/bytes/);
      const changed = Buffer.from(bytes);
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
      writeFileSync(join(copy, GRU_FILE), changed);
      expect(() => loadSentimentModel(`${copy}/`).gru).toThrow(/sha256/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
