/**
 * The shipped sentiment model: a JSON header (`model/sentiment.json`) and a binary file (`model/sentiment.bin`),
 * written by scripts/text-model/train.ts: one little-endian IEEE half-precision (float16) weight per hash bucket and
 * language, then the English sentiment lexicon (Int32 word hashes, then Int8 valences in tenths). Scoring is a
 * sparse dot product: logit = bias + Σ w[feature] / √(number of features), then Platt scaling to a calibrated
 * probability. The weights stay half floats in memory (2 bytes a bucket) and are widened through a 65,536-entry
 * table when read.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CnnScorer, rowLength, Vocabulary, type CnnModel } from './text.cnn.js';
import { contrastTail } from './text.contrast.js';
import { FeatureExtractor, SentimentLexicon, type FeatureConfig, type Language } from './text.features.js';

export const MODEL_FORMAT = 'touchpoint-text-sentiment';
export const MODEL_VERSION = 4;
export const HEADER_FILE = 'sentiment.json';
export const WEIGHTS_FILE = 'sentiment.bin';
export const CNN_FILE = 'sentiment-cnn.bin';

/**
 * The English CNN (text.cnn.ts) in `sentiment-cnn.bin`: vocabulary keys (Int32), row scales (Float32), convolution
 * biases and output weights (Float32, widths × filters each), then the int8 table (vocabulary × rowLength). The
 * English logit is stack.lr × (n-gram logit) + stack.cnn × (CNN logit) + stack.second × (second n-gram model's
 * logit, when the language has one), then the language's calibration.
 */
export interface CnnHeader {
  sha256: string;
  widths: number[];
  filters: number;
  vocabulary: number;
  outputBias: number;
  stack: { lr: number; cnn: number; second?: number };
  source: string;
}

export interface LanguageModelHeader {
  /** Index of this language's first weight in the weights file (in weights, not bytes). */
  offset: number;
  features: FeatureConfig;
  bias: number;
  /** Platt scaling fitted on the validation part: p = 1 / (1 + exp(-(a·logit + b))). */
  calibration: { a: number; b: number };
  /**
   * The contrast rule (text.contrast.ts): the weight λ of the logit of what follows the last contrast marker
   * (fitted on the validation part; absent or 0 = off).
   */
  contrast?: number;
  /**
   * A second n-gram model of the language on other features (English: NB-weighted words 1–3), with its own weight
   * block in the weights file; its logit enters the stack with weight cnn.stack.second. Absent = none.
   */
  second?: SecondModelHeader;
}

export interface SecondModelHeader {
  /** Index of its first weight in the weights file (in weights, not bytes). */
  offset: number;
  features: FeatureConfig;
  bias: number;
}

export interface ModelHeader {
  format: typeof MODEL_FORMAT;
  version: number;
  hashBits: number;
  /** Half-width of the neutral band around p = 0.5 (see neutralShare in text.sentiment.ts). */
  neutralBand: number;
  /** SHA-256 of the whole binary file. */
  weightsSha256: string;
  method: string;
  languages: Record<Language, LanguageModelHeader>;
  /** The lexicon after the weights: its number of words, and where it came from (shown in the report). */
  lexicon: { entries: number; source: string };
  /** The English CNN stacked with the English n-gram model, when there is one. */
  cnn?: CnnHeader;
}

export interface SentimentModel {
  readonly header: ModelHeader;
  /** One weight vector per language: float16 bit patterns (a view into the model file), read through HALF. */
  readonly weights: Record<Language, Uint16Array>;
  /** The weights of each language's second n-gram model (header.languages[lang].second), when it has one. */
  readonly secondWeights: Partial<Record<Language, Uint16Array>>;
  readonly extractor: FeatureExtractor;
  /** The English CNN's scorer (header.cnn), when the model has one; read from its file on first access. */
  readonly cnn?: CnnScorer | undefined;
}

/** Every float16 bit pattern widened to a float: HALF[bits]. */
export const HALF = (() => {
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    table[bits] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 31
          ? fraction
            ? NaN
            : sign * Infinity
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return table;
})();

/** The float16 bit pattern nearest to a number (round half to even; overflow → ±Infinity). Used by training. */
export function toHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal: units of 2^-24.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | mantissa;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/**
 * Where the model files are: beside this module when it runs from src/ (tsx, tests); the server build (tsc to dist/)
 * copies no data files, so from dist/modules/text/ the files are read from the source tree they were committed to.
 */
export function modelDirectory(): string {
  const candidates = [
    new URL('./model/', import.meta.url),
    new URL('../../../src/modules/text/model/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(dir + HEADER_FILE)) return dir;
  }
  throw new Error(
    `text model not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(' and ')}); ` +
      'run npx tsx scripts/text-model/train.ts',
  );
}

function isHeader(value: unknown): value is ModelHeader {
  const h = value as Partial<ModelHeader> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    h.format === MODEL_FORMAT &&
    h.version === MODEL_VERSION &&
    typeof h.hashBits === 'number' &&
    typeof h.neutralBand === 'number' &&
    typeof h.lexicon?.entries === 'number' &&
    typeof h.languages === 'object' &&
    h.languages !== null &&
    typeof h.languages.zh?.offset === 'number' &&
    typeof h.languages.en?.offset === 'number'
  );
}

/** Reads and checks the model files of a directory (default: modelDirectory()). */
/** Reads a whole file into a fresh (so 8-byte aligned) ArrayBuffer, without an intermediate Buffer copy. */
function readAligned(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(fstatSync(fd).size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read !== bytes.length) throw new Error(`${file}: short read`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks the model files of a directory (default: modelDirectory()). */
export function loadSentimentModel(dir: string = modelDirectory()): SentimentModel {
  const text = readAligned(dir + HEADER_FILE);
  const header: unknown = JSON.parse(new TextDecoder().decode(text));
  if (!isHeader(header))
    throw new Error(`${dir}${HEADER_FILE} is not a ${MODEL_FORMAT} v${MODEL_VERSION} header`);
  const bytes = readAligned(dir + WEIGHTS_FILE);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== header.weightsSha256)
    throw new Error(`${dir}${WEIGHTS_FILE} does not match its header (sha256)`);
  if (!littleEndian()) throw new Error('the text model needs a little-endian CPU');
  const size = 1 << header.hashBits;
  const offsets = (['zh', 'en'] as const).flatMap((lang) => {
    const spec = header.languages[lang];
    return spec.second ? [spec.offset, spec.second.offset] : [spec.offset];
  });
  if (offsets.some((o) => !Number.isInteger(o) || o < 0))
    throw new Error(`${dir}${HEADER_FILE} has a bad weight offset`);
  const weightCount = Math.max(...offsets) + size;
  const entries = header.lexicon.entries;
  if (bytes.byteLength !== weightCount * 2 + entries * 5)
    throw new Error(`${dir}${WEIGHTS_FILE} has ${bytes.byteLength} bytes, not the size its header gives`);
  const all = new Uint16Array(bytes.buffer, 0, weightCount);
  const slice = (offset: number) => all.subarray(offset, offset + size);
  const secondWeights: Partial<Record<Language, Uint16Array>> = {};
  for (const lang of ['zh', 'en'] as const) {
    const second = header.languages[lang].second;
    if (second) secondWeights[lang] = slice(second.offset);
  }
  const lexiconAt = weightCount * 2;
  // Int32 keys need 4-byte alignment: copy them out (entries × 4 bytes, a few KB) when the weights end unaligned.
  const hashes = new Int32Array(bytes.buffer.slice(lexiconAt, lexiconAt + entries * 4));
  const tenths = new Int8Array(bytes.buffer, lexiconAt + entries * 4, entries);
  const cnnHeader = header.cnn;
  if (cnnHeader) checkCnnSize(dir, cnnHeader);
  // The English CNN (most of the model's bytes) is read on the first English text, not here: a process that only
  // ever sees Chinese never holds it. Its size was checked above; its SHA-256 is checked when it is read.
  let cnn: CnnScorer | undefined;
  return {
    header,
    weights: { zh: slice(header.languages.zh.offset), en: slice(header.languages.en.offset) },
    secondWeights,
    extractor: new FeatureExtractor(header.hashBits, new SentimentLexicon(hashes, tenths)),
    get cnn(): CnnScorer | undefined {
      if (cnnHeader && !cnn) cnn = new CnnScorer(readCnn(dir, cnnHeader));
      return cnn;
    },
  };
}

/** The byte length of sentiment-cnn.bin that a CNN header implies. */
function cnnFileSize(h: CnnHeader): number {
  const shape = { widths: h.widths, filters: h.filters, vocabulary: h.vocabulary };
  return h.vocabulary * 8 + h.widths.length * h.filters * 8 + h.vocabulary * rowLength(shape);
}

function checkCnnSize(dir: string, h: CnnHeader): void {
  const file = dir + CNN_FILE;
  if (!existsSync(file)) throw new Error(`${file} is missing (the model header names an English CNN)`);
  if (statSync(file).size !== cnnFileSize(h))
    throw new Error(`${file} has ${statSync(file).size} bytes, not the size its header gives`);
}

function readCnn(dir: string, h: CnnHeader): CnnModel {
  const bytes = readAligned(dir + CNN_FILE);
  if (createHash('sha256').update(bytes).digest('hex') !== h.sha256)
    throw new Error(`${dir}${CNN_FILE} does not match its header (sha256)`);
  const shape = { widths: h.widths, filters: h.filters, vocabulary: h.vocabulary };
  const V = h.vocabulary;
  const H = h.widths.length * h.filters;
  if (bytes.byteLength !== cnnFileSize(h))
    throw new Error(`${dir}${CNN_FILE} has ${bytes.byteLength} bytes, not the size its header gives`);
  // Views into the one buffer read from the file (4-byte sections first, so every view is aligned).
  let at = 0;
  const take = <T>(
    make: (buffer: ArrayBufferLike, offset: number, length: number) => T,
    n: number,
    size: number,
  ) => {
    const view = make(bytes.buffer, at, n);
    at += n * size;
    return view;
  };
  const keys = take((b, o, n) => new Int32Array(b, o, n), V, 4);
  const scales = take((b, o, n) => new Float32Array(b, o, n), V, 4);
  const biases = take((b, o, n) => new Float32Array(b, o, n), H, 4);
  const output = take((b, o, n) => new Float32Array(b, o, n), H, 4);
  const table = take((b, o, n) => new Int8Array(b, o, n), V * rowLength(shape), 1);
  return { shape, vocabulary: new Vocabulary(keys), table, scales, biases, output, outputBias: h.outputBias };
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

let shared: SentimentModel | undefined;

/** The process-wide model, read on first use (about 10 ms) and kept. */
export function sentimentModel(): SentimentModel {
  shared ??= loadSentimentModel();
  return shared;
}

function linearLogit(
  model: SentimentModel,
  normalized: string,
  w: Uint16Array,
  features: FeatureConfig,
  bias: number,
): number {
  const indices = model.extractor.extract(normalized, features);
  let z = 0;
  for (let i = 0; i < indices.length; i++) z += HALF[w[indices[i] as number] as number] as number;
  return bias + (indices.length ? z / Math.sqrt(indices.length) : 0);
}

/** Logit of "positive" for a normalised text under one language's weights (before calibration). */
export function logitOf(model: SentimentModel, normalized: string, lang: Language): number {
  const spec = model.header.languages[lang];
  return linearLogit(model, normalized, model.weights[lang], spec.features, spec.bias);
}

/** Logit of the language's second n-gram model (header.languages[lang].second), or undefined when it has none. */
export function secondLogitOf(model: SentimentModel, normalized: string, lang: Language): number | undefined {
  const spec = model.header.languages[lang].second;
  const w = model.secondWeights[lang];
  if (!spec || !w) return undefined;
  return linearLogit(model, normalized, w, spec.features, spec.bias);
}

/**
 * The model's logit before calibration: the n-gram logit, and for English with a CNN the stack of the n-gram, CNN
 * and (when there is one) second n-gram model's logits.
 */
export function stackedLogitOf(model: SentimentModel, normalized: string, lang: Language): number {
  const z = logitOf(model, normalized, lang);
  const cnn = model.header.cnn;
  if (lang !== 'en' || !cnn || !model.cnn) return z;
  const stacked = cnn.stack.lr * z + cnn.stack.cnn * model.cnn.logit(normalized);
  const second = cnn.stack.second ? secondLogitOf(model, normalized, lang) : undefined;
  return second === undefined ? stacked : stacked + (cnn.stack.second ?? 0) * second;
}

/**
 * The model's logit before calibration with the contrast rule: (1 − λ)·stacked logit of the text + λ·that of what
 * follows its last contrast marker ("…, but it's sure a lot smarter"), when the language has a λ and the text a tail.
 */
export function sentimentLogitOf(model: SentimentModel, normalized: string, lang: Language): number {
  const z = stackedLogitOf(model, normalized, lang);
  const weight = model.header.languages[lang].contrast ?? 0;
  if (weight === 0) return z;
  const tail = contrastTail(normalized, lang);
  if (tail === undefined) return z;
  return (1 - weight) * z + weight * stackedLogitOf(model, tail, lang);
}

/** Calibrated probability that a normalised text is positive, under one language's model. */
export function positiveProbability(model: SentimentModel, normalized: string, lang: Language): number {
  const { a, b } = model.header.languages[lang].calibration;
  return 1 / (1 + Math.exp(-(a * sentimentLogitOf(model, normalized, lang) + b)));
}
