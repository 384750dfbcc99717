/**
 * K-fold cross-validation of the English recipe inside the SST-2 train part, for a less noisy estimate of its
 * accuracy on full sentences than the ~670 validation and ~1,070 test sentences give (reported only; nothing is
 * chosen on it).
 *
 * The train part's full sentences are put into K folds by a keyed hash of their text. For each fold: every train
 * phrase that lies inside one of the fold's sentences is left out (as for validation and test), the n-gram model and
 * the CNN members are trained on the rest with the shipped settings, and the fold's sentences are scored with the
 * shipped stack weights and contrast rule (fitted on the validation part, as shipped). The CNNs are scored in float
 * (the int8 table differs from them by well under 0.1 point); their vocabulary is the shipped one (GloVe words of the
 * whole train part, so a held-out sentence's rare words keep their pretrained vectors: slightly optimistic).
 */
import { createHash } from 'node:crypto';
import { contrastTail } from '../../src/modules/text/text.contrast.js';
import {
  normalizeText,
  type FeatureConfig,
  type FeatureExtractor,
} from '../../src/modules/text/text.features.js';
import { Vocabulary } from '../../src/modules/text/text.cnn.js';
import { cnnLogits, sequences, trainCnn, type CnnOptions, type Embeddings } from './cnn.js';
import type { DataSet, Example } from './datasets.js';
import { lexiconExamples } from './lexicon.js';
import { featurize, score, train, type TrainOptions } from './linear.js';

export const CV_SEED = 'touchpoint-text-cv-v1';

export interface CrossValidation {
  folds: number;
  sentences: number;
  correct: number;
  /** Accuracy per fold. */
  perFold: number[];
  seconds: number;
}

export interface Recipe {
  features: FeatureConfig;
  linear: TrainOptions;
  cnn: CnnOptions;
  members: number;
  stack: { lr: number; cnn: number; bias: number };
  contrast: number;
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
  const perFold: number[] = [];
  let correct = 0;
  let total = 0;
  for (let f = 0; f < folds; f++) {
    const held = sentences.filter((t) => foldOf(t, folds) === f);
    const inside = new Set<string>();
    for (const t of held) {
      const tokens = t.split(' ');
      for (let i = 0; i < tokens.length; i++)
        for (let j = i + 1; j <= tokens.length; j++) inside.add(tokens.slice(i, j).join(' '));
    }
    const trainPart = sst.train.filter((e) => !inside.has(e.text));
    const lr = train(
      featurize([...trainPart, ...lexiconExamples('en')], extractor, recipe.features),
      recipe.linear,
    );
    const cnnTrain = sequences([...trainPart, ...lexiconExamples('en', 3)], vocabulary);
    const heldExamples: Example[] = held.map((text) => ({
      text,
      label: label.get(text) ?? 0,
      dataset: 'sst2',
    }));
    const tails = heldExamples.map((e) => contrastTail(normalizeText(e.text), 'en'));
    const tailExamples = heldExamples.map((e, i) => ({ ...e, text: tails[i] ?? e.text }));
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
    const lrOf = (text: string) => score(lr, extractor.extract(normalizeText(text), recipe.features));
    let ok = 0;
    heldExamples.forEach((e, i) => {
      const { lr: a, cnn: c, bias } = recipe.stack;
      const full = a * lrOf(e.text) + c * (cnnFull[i] as number);
      const z =
        tails[i] === undefined
          ? full
          : (1 - recipe.contrast) * full +
            recipe.contrast * (a * lrOf(tailExamples[i]?.text ?? e.text) + c * (cnnTail[i] as number));
      if ((z + bias > 0 ? 1 : 0) === e.label) ok++;
    });
    perFold.push(ok / Math.max(1, held.length));
    correct += ok;
    total += held.length;
    log(
      `  en cross-validation: fold ${f + 1}/${folds}, ${held.length} sentences, ${trainPart.length} training phrases, ` +
        `accuracy ${((100 * ok) / Math.max(1, held.length)).toFixed(1)} % (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return { folds, sentences: total, correct, perFold, seconds: (performance.now() - started) / 1000 };
}
