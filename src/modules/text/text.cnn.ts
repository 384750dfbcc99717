/**
 * The English convolutional sentiment model (Kim 2014, "CNN-static"): a text is a sequence of word tokens, each
 * token a frozen 100-d GloVe vector; convolution filters of widths 1–3 slide over the sequence, ReLU, max over
 * positions, then a linear layer gives a logit. It runs beside the hashed n-gram model (text.model.ts), and the two
 * logits are stacked (weights fitted on the validation parts).
 *
 * Run time never sees the word vectors: a convolution of width k over frozen vectors is a sum over the k offsets j of
 * W_j · e(word), so the training script stores, per vocabulary word, the product e(word) · W_j for every width and
 * offset as one int8 row with a float scale (the "table"). Scoring a text is then table look-ups and additions —
 * about (1 + 2 + 3) × filters additions per token, no multiplication by vectors.
 *
 * Tokens: the normalised text with n't → not (as the n-gram features do), runs of Latin letters or digits as words,
 * every other non-space character as a token of its own (",", ".", "!", an emoji…), apostrophes as spaces. A
 * token's key is wordHash (FNV-1a over its UTF-16 code units); words outside the vocabulary are left out.
 */
import { wordHash } from './text.features.js';

export interface CnnShape {
  /** Filter widths, e.g. [1, 2, 3]. */
  widths: number[];
  /** Filters per width. */
  filters: number;
  /** Vocabulary size (rows of the table). */
  vocabulary: number;
}

/** Σ widths × filters: the length of one table row. */
export function rowLength(shape: CnnShape): number {
  return shape.widths.reduce((a, b) => a + b, 0) * shape.filters;
}

const NT = /(\w)? ?n['’]t\b/g;

function isWordCode(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 0xc0 && c <= 0x52f && c !== 0xd7 && c !== 0xf7)
  );
}

function isSpaceCode(c: number): boolean {
  return c <= 32 || c === 39 || c === 0x2019 || c === 0xa0 || c === 0xfeff;
}

/**
 * Token keys (wordHash) of a normalised text, in order, written into `out` (grown when needed); returns the
 * buffer and the count. Shared by training and run time.
 */
export function tokenKeys(normalized: string, out: Int32Array): { keys: Int32Array; count: number } {
  const text = normalized.replace(NT, '$1 not');
  let keys = out;
  let n = 0;
  const len = text.length;
  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (isSpaceCode(c)) {
      i++;
      continue;
    }
    let h = 0x811c9dc5;
    if (isWordCode(c)) {
      while (i < len && isWordCode(text.charCodeAt(i))) {
        h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
        i++;
      }
    } else {
      h = Math.imul(h ^ c, 0x01000193);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        h = Math.imul(h ^ text.charCodeAt(i + 1), 0x01000193);
        i++;
      }
      i++;
    }
    if (n === keys.length) {
      const bigger = new Int32Array(keys.length * 2);
      bigger.set(keys);
      keys = bigger;
    }
    keys[n++] = h | 0;
  }
  return { keys, count: n };
}

/** The key of one token string as tokenKeys computes it (the same FNV-1a as wordHash). */
export const tokenKey = wordHash;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Token key → vocabulary row, an open-addressing table (keys are never 0: a word hashing to 0 is left out). */
export class Vocabulary {
  private readonly keys: Int32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;

  constructor(keys: Int32Array) {
    let capacity = 16;
    while (capacity < keys.length * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.rows = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let r = 0; r < keys.length; r++) {
      const key = keys[r] as number;
      if (key === 0) continue;
      let slot = fmix(key) & this.mask;
      while (this.keys[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
      if (this.keys[slot] === key) continue;
      this.keys[slot] = key;
      this.rows[slot] = r;
    }
  }

  /** Row of a token key, or −1. */
  row(key: number): number {
    if (key === 0) return -1;
    let slot = fmix(key) & this.mask;
    for (;;) {
      const k = this.keys[slot] as number;
      if (k === key) return this.rows[slot] as number;
      if (k === 0) return -1;
      slot = (slot + 1) & this.mask;
    }
  }
}

export interface CnnModel {
  shape: CnnShape;
  vocabulary: Vocabulary;
  /** vocabulary × rowLength int8 values; row r, width index w, offset j, filter f at offsetOf(w, j) + f. */
  table: Int8Array;
  /** Per row: the factor that turns its int8 values into floats. */
  scales: Float32Array;
  /** Per width and filter: the convolution's bias. */
  biases: Float32Array;
  /** Per width and filter: the output weight of the pooled value. */
  output: Float32Array;
  outputBias: number;
}

/**
 * Scores token rows with the table (not re-entrant: reuses its buffers). The window sums of width k at start t
 * (t from −(k−1) to n−1, so every token is seen at every offset, as with Kim's zero padding) are accumulated token by
 * token, then ReLU and max over t per filter.
 */
export class CnnScorer {
  private keys: Int32Array = new Int32Array(256);
  private rows: Int32Array = new Int32Array(256);
  private sums = new Float32Array(4096);
  private readonly offsets: number[] = [];

  constructor(readonly model: CnnModel) {
    let at = 0;
    for (const k of model.shape.widths) {
      this.offsets.push(at);
      at += k * model.shape.filters;
    }
  }

  /** Logit of "positive" for a normalised text (words outside the vocabulary are skipped). */
  logit(normalized: string): number {
    const tokens = tokenKeys(normalized, this.keys);
    this.keys = tokens.keys;
    if (this.rows.length < tokens.count) this.rows = new Int32Array(this.keys.length);
    let n = 0;
    for (let i = 0; i < tokens.count; i++) {
      const r = this.model.vocabulary.row(tokens.keys[i] as number);
      if (r >= 0) this.rows[n++] = r;
    }
    return this.score(this.rows, n);
  }

  /** Logit for `n` vocabulary rows. */
  score(rows: Int32Array, n: number): number {
    const { shape, table, scales, biases, output } = this.model;
    const F = shape.filters;
    const rowLen = rowLength(shape);
    let z = this.model.outputBias;
    for (let w = 0; w < shape.widths.length; w++) {
      const k = shape.widths[w] as number;
      const windows = n + k - 1;
      const need = windows * F;
      if (this.sums.length < need) this.sums = new Float32Array(need * 2);
      const sums = this.sums;
      for (let t = 0; t < windows; t++) {
        for (let f = 0; f < F; f++) sums[t * F + f] = biases[w * F + f] as number;
      }
      const base = this.offsets[w] as number;
      for (let i = 0; i < n; i++) {
        const row = rows[i] as number;
        const scale = scales[row] as number;
        const rowAt = row * rowLen + base;
        // Token i sits at offset j of the window that starts at i − j, stored at index i − j + (k − 1).
        for (let j = 0; j < k; j++) {
          const at = (i - j + k - 1) * F;
          const from = rowAt + j * F;
          for (let f = 0; f < F; f++)
            sums[at + f] = (sums[at + f] as number) + scale * (table[from + f] as number);
        }
      }
      for (let f = 0; f < F; f++) {
        let best = 0;
        for (let t = 0; t < windows; t++) {
          const v = sums[t * F + f] as number;
          if (v > best) best = v;
        }
        z += (output[w * F + f] as number) * best;
      }
    }
    return z;
  }
}
