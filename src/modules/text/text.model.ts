/**
 * The shipped sentiment model: a JSON header (`model/sentiment.json`) and one little-endian Float32 weight per hash
 * bucket and language (`model/sentiment.bin`), written by scripts/text-model/train.ts. Scoring is a sparse dot
 * product: logit = bias + Σ w[feature] / √(number of features), then Platt scaling to a calibrated probability.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FeatureExtractor, type FeatureConfig, type Language } from './text.features.js';

export const MODEL_FORMAT = 'touchpoint-text-sentiment';
export const MODEL_VERSION = 1;
export const HEADER_FILE = 'sentiment.json';
export const WEIGHTS_FILE = 'sentiment.bin';

export interface LanguageModelHeader {
  /** Index of this language's first weight in the weights file (in floats). */
  offset: number;
  features: FeatureConfig;
  bias: number;
  /** Platt scaling fitted on the validation part: p = 1 / (1 + exp(-(a·logit + b))). */
  calibration: { a: number; b: number };
}

export interface ModelHeader {
  format: typeof MODEL_FORMAT;
  version: number;
  hashBits: number;
  /** Half-width of the neutral band around p = 0.5 (see neutralShare in text.sentiment.ts). */
  neutralBand: number;
  weightsSha256: string;
  method: string;
  languages: Record<Language, LanguageModelHeader>;
}

export interface SentimentModel {
  readonly header: ModelHeader;
  /** One weight vector (a view into the weights file) per language. */
  readonly weights: Record<Language, Float32Array>;
  readonly extractor: FeatureExtractor;
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
    typeof h.languages === 'object' &&
    h.languages !== null &&
    typeof h.languages.zh?.offset === 'number' &&
    typeof h.languages.en?.offset === 'number'
  );
}

/** Reads and checks the model files of a directory (default: modelDirectory()). */
export function loadSentimentModel(dir: string = modelDirectory()): SentimentModel {
  const header: unknown = JSON.parse(readFileSync(dir + HEADER_FILE, 'utf8'));
  if (!isHeader(header))
    throw new Error(`${dir}${HEADER_FILE} is not a ${MODEL_FORMAT} v${MODEL_VERSION} header`);
  const bytes = readFileSync(dir + WEIGHTS_FILE);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== header.weightsSha256)
    throw new Error(`${dir}${WEIGHTS_FILE} does not match its header (sha256)`);
  // Copy into an aligned buffer: a Buffer from readFileSync may start at any byte offset of a shared pool.
  const all = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(all.buffer).set(bytes);
  if (!littleEndian()) throw new Error('the text model needs a little-endian CPU');
  const size = 1 << header.hashBits;
  const slice = (lang: Language) => {
    const offset = header.languages[lang].offset;
    if (offset + size > all.length) throw new Error(`${dir}${WEIGHTS_FILE} is too short for ${lang}`);
    return all.subarray(offset, offset + size);
  };
  return {
    header,
    weights: { zh: slice('zh'), en: slice('en') },
    extractor: new FeatureExtractor(header.hashBits),
  };
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

/** Logit of "positive" for a normalised text under one language's weights (before calibration). */
export function logitOf(model: SentimentModel, normalized: string, lang: Language): number {
  const spec = model.header.languages[lang];
  const features = model.extractor.extract(normalized, spec.features);
  const w = model.weights[lang];
  let z = 0;
  for (let i = 0; i < features.length; i++) z += w[features[i] as number] as number;
  return spec.bias + (features.length ? z / Math.sqrt(features.length) : 0);
}

/** Calibrated probability that a normalised text is positive, under one language's model. */
export function positiveProbability(model: SentimentModel, normalized: string, lang: Language): number {
  const { a, b } = model.header.languages[lang].calibration;
  return 1 / (1 + Math.exp(-(a * logitOf(model, normalized, lang) + b)));
}
