/**
 * Binary logistic regression on hashed binary features, optionally NB-weighted (Wang & Manning 2012, "NB-SVM" with a
 * logistic loss): every feature is scaled by its naive-Bayes log-count ratio before the linear model is fitted, and
 * the ratio is folded into the weights afterwards, so the shipped model is one Float32 weight per hash bucket.
 * Trained by AdaGrad SGD with L2, in a seeded order so the result is reproducible.
 */
import {
  normalizeText,
  type FeatureConfig,
  type FeatureExtractor,
} from '../../src/modules/text/text.features.js';
import type { Example } from './datasets.js';

export interface Featurized {
  docs: Int32Array[];
  labels: Uint8Array;
  weights: Float32Array;
}

/** Feature indices of every example (copied out of the extractor's reusable buffer). */
export function featurize(
  examples: readonly Example[],
  extractor: FeatureExtractor,
  config: FeatureConfig,
  sampleWeight: (e: Example) => number = () => 1,
): Featurized {
  return {
    docs: examples.map((e) => extractor.extract(normalizeText(e.text), config).slice()),
    labels: Uint8Array.from(examples, (e) => e.label),
    weights: Float32Array.from(examples, sampleWeight),
  };
}

export interface TrainOptions {
  bits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** Scale features by NB log-count ratios (0 = plain logistic regression). */
  nb: boolean;
  /** Laplace smoothing of the NB counts. */
  alpha: number;
  seed: number;
}

export interface LinearModel {
  /** Per-bucket weight with the NB ratio and nothing else folded in. */
  weights: Float32Array;
  bias: number;
}

/** Deterministic PRNG (mulberry32), so shuffles are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nbRatios(data: Featurized, size: number, alpha: number): Float32Array {
  const pos = new Float64Array(size).fill(alpha);
  const neg = new Float64Array(size).fill(alpha);
  for (let d = 0; d < data.docs.length; d++) {
    const target = data.labels[d] === 1 ? pos : neg;
    const w = data.weights[d] as number;
    for (const j of data.docs[d] as Int32Array) target[j] = (target[j] as number) + w;
  }
  let sp = 0;
  let sn = 0;
  for (let j = 0; j < size; j++) {
    sp += pos[j] as number;
    sn += neg[j] as number;
  }
  const r = new Float32Array(size);
  for (let j = 0; j < size; j++) r[j] = Math.log((pos[j] as number) / sp / ((neg[j] as number) / sn));
  return r;
}

/** Inverse square root of the number of features: long reviews must not get larger scores just by being long. */
export function docNorm(nnz: number): number {
  return nnz > 0 ? 1 / Math.sqrt(nnz) : 0;
}

/** Fits the model; returns weights with the NB ratios folded in. */
export function train(data: Featurized, options: TrainOptions): LinearModel {
  const size = 1 << options.bits;
  const r = options.nb ? nbRatios(data, size, options.alpha) : new Float32Array(size).fill(1);
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  let bias = 0;
  let biasG2 = 0;
  const order = Array.from(data.docs, (_, i) => i);
  const random = rng(options.seed);
  const eps = 1e-8;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const d of order) {
      const doc = data.docs[d] as Int32Array;
      const norm = docNorm(doc.length);
      let z = bias;
      for (const j of doc) z += (w[j] as number) * (r[j] as number) * norm;
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - (data.labels[d] as number)) * (data.weights[d] as number);
      for (const j of doc) {
        const x = (r[j] as number) * norm;
        const g = err * x + options.l2 * (w[j] as number);
        const acc = (g2[j] as number) + g * g;
        g2[j] = acc;
        w[j] = (w[j] as number) - (options.learningRate * g) / Math.sqrt(acc + eps);
      }
      biasG2 += err * err;
      bias -= (options.learningRate * err) / Math.sqrt(biasG2 + eps);
    }
  }
  for (let j = 0; j < size; j++) w[j] = (w[j] as number) * (r[j] as number);
  return { weights: w, bias };
}

/** The raw linear score (logit before calibration) of one document. */
export function score(model: LinearModel, doc: Int32Array): number {
  const norm = docNorm(doc.length);
  let z = 0;
  for (const j of doc) z += model.weights[j] as number;
  return model.bias + z * norm;
}

/** Platt scaling: fits p = sigmoid(a·z + b) to held-out scores by Newton's method on the log loss. */
export function plattScale(scores: readonly number[], labels: ArrayLike<number>): { a: number; b: number } {
  // Targets smoothed as in Platt (1999), so a perfectly separated validation set cannot push a to infinity.
  let nPos = 0;
  for (let i = 0; i < scores.length; i++) nPos += labels[i] as number;
  const nNeg = scores.length - nPos;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-9;
    let hAB = 0;
    let hBB = 1e-9;
    for (let i = 0; i < scores.length; i++) {
      const z = scores[i] as number;
      const t = labels[i] === 1 ? hi : lo;
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const d = p - t;
      const h = p * (1 - p);
      gA += d * z;
      gB += d;
      hAA += h * z * z;
      hAB += h * z;
      hBB += h;
    }
    const det = hAA * hBB - hAB * hAB;
    if (Math.abs(det) < 1e-12) break;
    const da = (hBB * gA - hAB * gB) / det;
    const db = (hAA * gB - hAB * gA) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}
