/**
 * K-fold cross-validation of the English recipe inside the SST-2 train part. It gives the out-of-fold logits that the
 * English stack (n-gram LR, CNN, second n-gram model) and the contrast weight are fitted on, and a less noisy
 * estimate of the recipe's accuracy on full sentences than the ~670 validation and ~1,070 test sentences give.
 *
 * The train part's full sentences are put into K folds by a keyed hash of their text. For each fold: every train
 * phrase that lies inside one of the fold's sentences is left out (as for validation and test), the base models are
 * trained on the rest with the shipped settings, and the fold's sentences, and what follows their last contrast
 * marker, are scored by each. The CNNs are scored in float (the int8 table differs from them by well under 0.1
 * point); their vocabulary is the shipped one (GloVe words of the whole train part, so a held-out sentence's rare
 * words keep their pretrained vectors: slightly optimistic).
 */
import { createHash } from 'node:crypto';
import { contrastTail } from '../../src/modules/text/text.contrast.js';
import {
  normalizeText,
  type FeatureConfig,
  type FeatureExtractor,
} from '../../src/modules/text/text.features.js';
import { Vocabulary } from '../../src/modules/text/text.cnn.js';
import { cnnLogits, fitStack, sequences, trainCnn, type CnnOptions, type Embeddings } from './cnn.js';
import type { DataSet, Example } from './datasets.js';
import { lexiconExamples } from './lexicon.js';
import { featurize, score, train, type TrainOptions } from './linear.js';

export const CV_SEED = 'touchpoint-text-cv-v1';

/** Logits of one text by each base model, in the stack's order (n-gram LR, CNN, second n-gram model). */
export interface StackRow {
  label: number;
  /** The whole text. */
  full: number[];
  /** What follows its last contrast marker (the whole text again when it has none). */
  tail: number[];
  /** Cross-validation fold (out-of-fold rows only). */
  fold?: number;
}

export interface CrossValidation {
  folds: number;
  /** One row per train sentence, scored by models that never saw it. */
  rows: StackRow[];
  seconds: number;
}

export interface LinearRecipe {
  features: FeatureConfig;
  linear: TrainOptions;
}

export interface Recipe {
  lr: LinearRecipe;
  second: LinearRecipe;
  cnn: CnnOptions;
  members: number;
}

function foldOf(text: string, folds: number): number {
  return createHash('sha256').update(CV_SEED).update('\0').update(text).digest().readUInt32BE(0) % folds;
}

export function crossValidateSst(
  sst: DataSet,
  extractor: FeatureExtractor,
  embeddings: Embeddings,
  recipe: Recipe,
  folds: number,
  log: (message: string) => void,
): CrossValidation {
  const started = performance.now();
  const sentences = sst.trainSentences ?? [];
  const label = new Map(sst.train.map((e) => [e.text, e.label]));
  const vocabulary = new Vocabulary(embeddings.keys);
  const rows: StackRow[] = [];
  for (let f = 0; f < folds; f++) {
    const held = sentences.filter((t) => foldOf(t, folds) === f);
    const inside = new Set<string>();
    for (const t of held) {
      const tokens = t.split(' ');
      for (let i = 0; i < tokens.length; i++)
        for (let j = i + 1; j <= tokens.length; j++) inside.add(tokens.slice(i, j).join(' '));
    }
    const trainPart = sst.train.filter((e) => !inside.has(e.text));
    const heldExamples: Example[] = held.map((text) => ({
      text,
      label: label.get(text) ?? 0,
      dataset: 'sst2',
    }));
    const tails = heldExamples.map((e) => contrastTail(normalizeText(e.text), 'en'));
    const tailExamples = heldExamples.map((e, i) => ({ ...e, text: tails[i] ?? e.text }));
    const linear = [recipe.lr, recipe.second].map((r) => {
      const model = train(
        featurize([...trainPart, ...lexiconExamples('en')], extractor, r.features),
        r.linear,
      );
      const z = (e: Example) => score(model, extractor.extract(normalizeText(e.text), r.features));
      return { full: heldExamples.map(z), tail: tailExamples.map(z) };
    });
    const cnnTrain = sequences([...trainPart, ...lexiconExamples('en', 3)], vocabulary);
    const cnnFull = new Float64Array(held.length);
    const cnnTail = new Float64Array(held.length);
    for (let m = 0; m < recipe.members; m++) {
      const vectors = Float32Array.from(embeddings.vectors);
      const weights = trainCnn(cnnTrain, vectors, { ...recipe.cnn, seed: recipe.cnn.seed + m });
      const full = cnnLogits(weights, vectors, sequences(heldExamples, vocabulary));
      const tail = cnnLogits(weights, vectors, sequences(tailExamples, vocabulary));
      for (let i = 0; i < held.length; i++) {
        cnnFull[i] = (cnnFull[i] as number) + (full[i] as number) / recipe.members;
        cnnTail[i] = (cnnTail[i] as number) + (tail[i] as number) / recipe.members;
      }
    }
    const [lr, second] = linear as [(typeof linear)[0], (typeof linear)[0]];
    heldExamples.forEach((e, i) =>
      rows.push({
        label: e.label,
        fold: f,
        full: [lr.full[i] as number, cnnFull[i] as number, second.full[i] as number],
        tail: [lr.tail[i] as number, cnnTail[i] as number, second.tail[i] as number],
      }),
    );
    log(
      `  en cross-validation: fold ${f + 1}/${folds}, ${held.length} sentences, ${trainPart.length} training phrases ` +
        `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return { folds, rows, seconds: (performance.now() - started) / 1000 };
}

/** A fitted stack: weights per base model (in StackRow order), bias, and the contrast weight λ. */
export interface Stack {
  weights: number[];
  bias: number;
  contrast: number;
}

/** The stacked logit of a row: (1 − λ)·stack(whole text) + λ·stack(tail). */
export function stackLogit(stack: Stack, row: StackRow, models = stack.weights.length): number {
  let z = stack.bias;
  for (let k = 0; k < models; k++)
    z +=
      (stack.weights[k] as number) *
      ((1 - stack.contrast) * (row.full[k] as number) + stack.contrast * (row.tail[k] as number));
  return z;
}

export function logLoss(stack: Stack, rows: readonly StackRow[]): number {
  let s = 0;
  for (const r of rows) {
    const p = 1 / (1 + Math.exp(-stackLogit(stack, r)));
    s -= Math.log(Math.max(1e-12, r.label === 1 ? p : 1 - p));
  }
  return s / Math.max(1, rows.length);
}

export function stackAccuracy(stack: Stack, rows: readonly StackRow[]): number {
  let ok = 0;
  for (const r of rows) if ((stackLogit(stack, r) > 0 ? 1 : 0) === r.label) ok++;
  return ok / Math.max(1, rows.length);
}

/**
 * Per contrast weight of the grid, the stack of the first `models` base models fitted on the rows (logistic
 * regression on the λ-mixed logits); the one with the lowest log loss on those rows is `chosen`.
 */
export function fitStackWithContrast(
  rows: readonly StackRow[],
  grid: readonly number[],
  models: number,
): { chosen: Stack; grid: { stack: Stack; logLoss: number; accuracy: number }[] } {
  const labels = rows.map((r) => r.label);
  const ones = rows.map(() => 1);
  const fits = grid.map((contrast) => {
    const columns = Array.from({ length: models }, (_, k) =>
      rows.map((r) => (1 - contrast) * (r.full[k] as number) + contrast * (r.tail[k] as number)),
    );
    const fit = fitStack(columns, labels, ones);
    const stack: Stack = { weights: fit.weights, bias: fit.bias, contrast };
    return { stack, logLoss: logLoss(stack, rows), accuracy: stackAccuracy(stack, rows) };
  });
  const best = fits.reduce((a, b) => (b.logLoss < a.logLoss - 1e-9 ? b : a));
  return { chosen: best.stack, grid: fits };
}

/**
 * Nested cross-validation of the whole recipe, stack fit included: per fold, the stack and λ are fitted on the other
 * folds' out-of-fold rows and scored on this fold's. Returns accuracy per fold and overall.
 */
export function nestedAccuracy(
  cv: CrossValidation,
  grid: readonly number[],
  models: number,
): { perFold: number[]; correct: number; sentences: number } {
  const perFold: number[] = [];
  let correct = 0;
  for (let f = 0; f < cv.folds; f++) {
    const inFold = cv.rows.filter((r) => r.fold === f);
    const { chosen } = fitStackWithContrast(
      cv.rows.filter((r) => r.fold !== f),
      grid,
      models,
    );
    const a = stackAccuracy(chosen, inFold);
    perFold.push(a);
    correct += Math.round(a * inFold.length);
  }
  return { perFold, correct, sentences: cv.rows.length };
}
