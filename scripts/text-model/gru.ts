/**
 * Training of the English recurrent model (src/modules/text/text.gru.ts): a bidirectional GRU (Cho et al. 2014)
 * over the same 100-d GloVe word vectors as the CNN (fine-tuned), max over positions of each direction's hidden
 * states, dropout, a linear output — trained with Adam on the logistic loss by back-propagation through time,
 * single-threaded, seeded (the same data give the same weights).
 *
 * Gates (per direction; x a word vector, h the previous state):
 *   r = σ(Wr·x + br + Ur·h + cr), z = σ(Wz·x + bz + Uz·h + cz), n = tanh(Wn·x + bn + r ⊙ (Un·h + cn)),
 *   h' = (1 − z) ⊙ n + z ⊙ h.
 * The input part W·x + b depends on the word only, so the run-time model stores it per vocabulary word (the table),
 * and scoring a text is a table look-up per token plus the small recurrence.
 *
 * Not used by train.ts at present: the GRU was evaluated as a third stacked model and not shipped (see the notes of
 * docs/text-model.md). Its exportGru / gruFileBytes write the file that text.model.ts reads when a header names one.
 */
import type { Vocabulary } from '../../src/modules/text/text.cnn.js';
import type { GruModel } from '../../src/modules/text/text.gru.js';
import { DIMENSIONS, type Sequences } from './cnn.js';
import { rng } from './linear.js';

export interface GruOptions {
  /** Hidden units per direction. */
  hidden: number;
  epochs: number;
  learningRate: number;
  batch: number;
  /** Dropout on the pooled states. */
  dropout: number;
  seed: number;
  /** AdaGrad rate for fine-tuning the word vectors of the training words (0 = frozen). */
  tune: number;
  /** Share of a training phrase's tokens dropped at each step. */
  wordDropout: number;
  /** Global L2 norm to which a batch's gradient is clipped. */
  clip: number;
}

/**
 * Float weights. Layout of `params` (one array, so one Adam): per direction d (0 forward, 1 backward):
 * W[d] 3H × DIMENSIONS (rows r, z, n gates), b[d] 3H, U[d] 3H × H, c[d] 3H; then the output weights 2H (forward
 * units then backward units), then the output bias.
 */
export interface GruWeights {
  hidden: number;
  params: Float32Array;
}

export function gruLayout(H: number) {
  const w = 3 * H * DIMENSIONS;
  const u = 3 * H * H;
  const perDir = w + 3 * H + u + 3 * H;
  return {
    w: (d: number) => d * perDir,
    b: (d: number) => d * perDir + w,
    u: (d: number) => d * perDir + w + 3 * H,
    c: (d: number) => d * perDir + w + 3 * H + u,
    output: 2 * perDir,
    outputBias: 2 * perDir + 2 * H,
    size: 2 * perDir + 2 * H + 1,
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Forward and backward passes over one sequence. */
class Net {
  readonly H: number;
  readonly L: ReturnType<typeof gruLayout>;
  // Per direction, in step order (forward: positions 0…n−1; backward: n−1…0).
  a: Float32Array[] = [new Float32Array(0), new Float32Array(0)]; // n × 3H input parts (+ b)
  r: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  z: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  nn: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  un: Float32Array[] = [new Float32Array(0), new Float32Array(0)]; // Un·h + cn
  h: Float32Array[] = [new Float32Array(0), new Float32Array(0)]; // (n + 1) × H, h[0] = 0
  readonly pooled: Float32Array;
  readonly argmax: Int32Array;
  private cap = 0;

  constructor(
    readonly p: Float32Array,
    readonly vectors: Float32Array,
    H: number,
  ) {
    this.H = H;
    this.L = gruLayout(H);
    this.pooled = new Float32Array(2 * H);
    this.argmax = new Int32Array(2 * H);
  }

  private ensure(n: number): void {
    if (n <= this.cap) return;
    const H = this.H;
    this.cap = n * 2;
    for (let d = 0; d < 2; d++) {
      this.a[d] = new Float32Array(this.cap * 3 * H);
      this.r[d] = new Float32Array(this.cap * H);
      this.z[d] = new Float32Array(this.cap * H);
      this.nn[d] = new Float32Array(this.cap * H);
      this.un[d] = new Float32Array(this.cap * H);
      this.h[d] = new Float32Array((this.cap + 1) * H);
    }
  }

  forward(rows: Int32Array): void {
    const n = rows.length;
    const { H, L, p, vectors } = this;
    this.ensure(n);
    for (let d = 0; d < 2; d++) {
      const A = this.a[d] as Float32Array;
      const R = this.r[d] as Float32Array;
      const Z = this.z[d] as Float32Array;
      const N = this.nn[d] as Float32Array;
      const UN = this.un[d] as Float32Array;
      const Hs = this.h[d] as Float32Array;
      const w0 = L.w(d);
      const b0 = L.b(d);
      const u0 = L.u(d);
      const c0 = L.c(d);
      for (let i = 0; i < H; i++) Hs[i] = 0;
      for (let s = 0; s < n; s++) {
        const pos = d === 0 ? s : n - 1 - s;
        const e = (rows[pos] as number) * DIMENSIONS;
        for (let q = 0; q < 3 * H; q++) {
          const wq = w0 + q * DIMENSIONS;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let k = 0; k < DIMENSIONS; k += 4) {
            s0 += (p[wq + k] as number) * (vectors[e + k] as number);
            s1 += (p[wq + k + 1] as number) * (vectors[e + k + 1] as number);
            s2 += (p[wq + k + 2] as number) * (vectors[e + k + 2] as number);
            s3 += (p[wq + k + 3] as number) * (vectors[e + k + 3] as number);
          }
          A[s * 3 * H + q] = s0 + s1 + s2 + s3 + (p[b0 + q] as number);
        }
        step(p, u0, c0, H, A, s * 3 * H, Hs, s * H, (s + 1) * H, R, Z, N, UN, s * H);
      }
      // Max over steps of each unit.
      for (let i = 0; i < H; i++) {
        let best = -Infinity;
        let arg = 0;
        for (let s = 0; s < n; s++) {
          const v = Hs[(s + 1) * H + i] as number;
          if (v > best) {
            best = v;
            arg = s;
          }
        }
        this.pooled[d * H + i] = n > 0 ? best : 0;
        this.argmax[d * H + i] = n > 0 ? arg : -1;
      }
    }
  }

  /**
   * Back-propagation: gPooled (2H) is the loss gradient of the pooled values; adds parameter gradients to g and word
   * vector gradients to gVec (when given).
   */
  backward(rows: Int32Array, gPooled: Float32Array, g: Float32Array, gVec: Float32Array | null): void {
    const n = rows.length;
    if (n === 0) return;
    const { H, L, p, vectors } = this;
    const dh = new Float32Array(H);
    const dhp = new Float32Array(H);
    const dA = new Float32Array(3 * H);
    for (let d = 0; d < 2; d++) {
      const R = this.r[d] as Float32Array;
      const Z = this.z[d] as Float32Array;
      const N = this.nn[d] as Float32Array;
      const UN = this.un[d] as Float32Array;
      const Hs = this.h[d] as Float32Array;
      const w0 = L.w(d);
      const b0 = L.b(d);
      const u0 = L.u(d);
      const c0 = L.c(d);
      dh.fill(0);
      for (let s = n - 1; s >= 0; s--) {
        for (let i = 0; i < H; i++)
          if (this.argmax[d * H + i] === s) dh[i] = (dh[i] as number) + (gPooled[d * H + i] as number);
        const hp = s * H;
        dhp.fill(0);
        for (let i = 0; i < H; i++) {
          const zi = Z[s * H + i] as number;
          const ni = N[s * H + i] as number;
          const ri = R[s * H + i] as number;
          const gh = dh[i] as number;
          const dn = gh * (1 - zi);
          const dz = gh * ((Hs[hp + i] as number) - ni);
          dhp[i] = (dhp[i] as number) + gh * zi;
          const dan = dn * (1 - ni * ni);
          const dr = dan * (UN[s * H + i] as number);
          const dun = dan * ri;
          const dar = dr * ri * (1 - ri);
          const daz = dz * zi * (1 - zi);
          dA[i] = dar;
          dA[H + i] = daz;
          dA[2 * H + i] = dan;
          g[c0 + i] = (g[c0 + i] as number) + dar;
          g[c0 + H + i] = (g[c0 + H + i] as number) + daz;
          g[c0 + 2 * H + i] = (g[c0 + 2 * H + i] as number) + dun;
          const ur = u0 + i * H;
          const uz = u0 + (H + i) * H;
          const un = u0 + (2 * H + i) * H;
          for (let j = 0; j < H; j++) {
            const hj = Hs[hp + j] as number;
            g[ur + j] = (g[ur + j] as number) + dar * hj;
            g[uz + j] = (g[uz + j] as number) + daz * hj;
            g[un + j] = (g[un + j] as number) + dun * hj;
            dhp[j] =
              (dhp[j] as number) +
              (p[ur + j] as number) * dar +
              (p[uz + j] as number) * daz +
              (p[un + j] as number) * dun;
          }
        }
        const pos = d === 0 ? s : n - 1 - s;
        const e = (rows[pos] as number) * DIMENSIONS;
        for (let q = 0; q < 3 * H; q++) {
          const da = dA[q] as number;
          if (da === 0) continue;
          g[b0 + q] = (g[b0 + q] as number) + da;
          const wq = w0 + q * DIMENSIONS;
          for (let k = 0; k < DIMENSIONS; k++)
            g[wq + k] = (g[wq + k] as number) + da * (vectors[e + k] as number);
          if (gVec)
            for (let k = 0; k < DIMENSIONS; k++)
              gVec[e + k] = (gVec[e + k] as number) + da * (p[wq + k] as number);
        }
        dh.set(dhp);
      }
    }
  }
}

/**
 * One GRU step: from the input part A[aAt…] (3H) and the previous state Hs[prev…], writes the new state at
 * Hs[next…] and the gate values at index at of R, Z, N, UN. Shared with the run-time scorer's logic.
 */
function step(
  p: Float32Array,
  u0: number,
  c0: number,
  H: number,
  A: Float32Array,
  aAt: number,
  Hs: Float32Array,
  prev: number,
  next: number,
  R: Float32Array,
  Z: Float32Array,
  N: Float32Array,
  UN: Float32Array,
  at: number,
): void {
  for (let i = 0; i < H; i++) {
    let sr = p[c0 + i] as number;
    let sz = p[c0 + H + i] as number;
    let sn = p[c0 + 2 * H + i] as number;
    const ur = u0 + i * H;
    const uz = u0 + (H + i) * H;
    const un = u0 + (2 * H + i) * H;
    for (let j = 0; j < H; j++) {
      const hj = Hs[prev + j] as number;
      sr += (p[ur + j] as number) * hj;
      sz += (p[uz + j] as number) * hj;
      sn += (p[un + j] as number) * hj;
    }
    const r = sigmoid((A[aAt + i] as number) + sr);
    const z = sigmoid((A[aAt + H + i] as number) + sz);
    const nv = Math.tanh((A[aAt + 2 * H + i] as number) + r * sn);
    R[at + i] = r;
    Z[at + i] = z;
    N[at + i] = nv;
    UN[at + i] = sn;
  }
  for (let i = 0; i < H; i++) {
    const z = Z[at + i] as number;
    Hs[next + i] = (1 - z) * (N[at + i] as number) + z * (Hs[prev + i] as number);
  }
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
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    const { m, v, params } = this;
    for (let i = 0; i < params.length; i++) {
      const g = (grad[i] as number) * scale;
      const mi = 0.9 * (m[i] as number) + 0.1 * g;
      const vi = 0.999 * (v[i] as number) + 0.001 * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = (params[i] as number) - (this.rate * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
    }
    grad.fill(0);
  }
}

export function initGru(H: number, seed: number): GruWeights {
  const random = rng(seed);
  const L = gruLayout(H);
  const params = new Float32Array(L.size);
  const wLimit = Math.sqrt(6 / (DIMENSIONS + H));
  const uLimit = Math.sqrt(6 / (2 * H));
  for (let d = 0; d < 2; d++) {
    for (let i = 0; i < 3 * H * DIMENSIONS; i++) params[L.w(d) + i] = (random() * 2 - 1) * wLimit;
    for (let i = 0; i < 3 * H * H; i++) params[L.u(d) + i] = (random() * 2 - 1) * uLimit;
  }
  const oLimit = Math.sqrt(6 / (2 * H + 1));
  for (let i = 0; i < 2 * H; i++) params[L.output + i] = (random() * 2 - 1) * oLimit;
  return { hidden: H, params };
}

/** Logit of one sequence with the network's current float weights (no dropout). */
function logitOf(net: Net, rows: Int32Array): number {
  net.forward(rows);
  const { L, H, p } = net;
  let z = p[L.outputBias] as number;
  for (let h = 0; h < 2 * H; h++) z += (p[L.output + h] as number) * (net.pooled[h] as number);
  return z;
}

export function trainGru(
  train: Sequences,
  vectors: Float32Array,
  options: GruOptions,
  onEpoch?: (epoch: number, weights: GruWeights) => void,
  onProgress?: (epoch: number, sequences: number) => void,
): GruWeights {
  const H = options.hidden;
  const weights = initGru(H, options.seed);
  const random = rng(options.seed + 1000);
  const p = weights.params;
  const L = gruLayout(H);
  const net = new Net(p, vectors, H);
  const g = new Float32Array(p.length);
  const adam = new Adam(p, options.learningRate);
  const tuning = options.tune > 0;
  const gVec = tuning ? new Float32Array(vectors.length) : null;
  const accVec = tuning ? new Float32Array(vectors.length).fill(1e-6) : new Float32Array(0);
  const touched = new Uint8Array(vectors.length / DIMENSIONS);
  const touchedRows: number[] = [];
  const keep = 1 - options.dropout;
  const mask = new Float32Array(2 * H);
  const gPooled = new Float32Array(2 * H);
  const order = Array.from({ length: train.rows.length }, (_, i) => i);
  const applyBatch = (batchWeight: number) => {
    let norm = 0;
    for (let i = 0; i < g.length; i++) norm += (g[i] as number) ** 2;
    norm = Math.sqrt(norm) / batchWeight;
    const scale = (1 / batchWeight) * (norm > options.clip ? options.clip / norm : 1);
    adam.step(g, scale);
    if (gVec) {
      for (const r of touchedRows) {
        touched[r] = 0;
        for (let k = r * DIMENSIONS; k < (r + 1) * DIMENSIONS; k++) {
          const gv = (gVec[k] as number) / batchWeight;
          if (gv === 0) continue;
          accVec[k] = (accVec[k] as number) + gv * gv;
          vectors[k] = (vectors[k] as number) - (options.tune * gv) / Math.sqrt(accVec[k] as number);
          gVec[k] = 0;
        }
      }
      touchedRows.length = 0;
    }
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let inBatch = 0;
    let batchWeight = 0;
    let done = 0;
    for (const idx of order) {
      if (onProgress && ++done % 10000 === 0) onProgress(epoch, done);
      let rows = train.rows[idx] as Int32Array;
      if (options.wordDropout > 0 && rows.length > 1) {
        const kept = rows.filter(() => random() >= options.wordDropout);
        if (kept.length > 0) rows = kept;
      }
      if (rows.length > 0) {
        net.forward(rows);
        let z = p[L.outputBias] as number;
        for (let h = 0; h < 2 * H; h++) {
          mask[h] = random() < keep ? 1 / keep : 0;
          z += (p[L.output + h] as number) * (net.pooled[h] as number) * (mask[h] as number);
        }
        const sw = train.weights[idx] as number;
        const gz = (sigmoid(z) - (train.labels[idx] as number)) * sw;
        g[L.outputBias] = (g[L.outputBias] as number) + gz;
        for (let h = 0; h < 2 * H; h++) {
          const m = mask[h] as number;
          g[L.output + h] = (g[L.output + h] as number) + gz * (net.pooled[h] as number) * m;
          gPooled[h] = gz * (p[L.output + h] as number) * m;
        }
        net.backward(rows, gPooled, g, gVec);
        if (gVec)
          for (const r of rows)
            if (touched[r] === 0) {
              touched[r] = 1;
              touchedRows.push(r);
            }
        inBatch++;
        batchWeight += sw;
      }
      if (inBatch === options.batch) {
        applyBatch(batchWeight);
        inBatch = 0;
        batchWeight = 0;
      }
    }
    if (inBatch > 0) applyBatch(batchWeight);
    onEpoch?.(epoch, weights);
  }
  return weights;
}

/** Float logits of sequences. */
export function gruLogits(weights: GruWeights, vectors: Float32Array, data: Sequences): Float64Array {
  const net = new Net(weights.params, vectors, weights.hidden);
  return Float64Array.from(data.rows, (rows) => logitOf(net, rows));
}

/** For tests: the loss gradient of one sequence (no dropout), by back-propagation. */
export function gruGradient(
  weights: GruWeights,
  vectors: Float32Array,
  rows: Int32Array,
  label: number,
): { loss: number; grad: Float32Array; gVec: Float32Array } {
  const H = weights.hidden;
  const L = gruLayout(H);
  const p = weights.params;
  const net = new Net(p, vectors, H);
  const z = logitOf(net, rows);
  const q = sigmoid(z);
  const loss = -Math.log(label === 1 ? q : 1 - q);
  const grad = new Float32Array(p.length);
  const gVec = new Float32Array(vectors.length);
  const gz = q - label;
  grad[L.outputBias] = gz;
  const gPooled = new Float32Array(2 * H);
  for (let h = 0; h < 2 * H; h++) {
    grad[L.output + h] = gz * (net.pooled[h] as number);
    gPooled[h] = gz * (p[L.output + h] as number);
  }
  net.backward(rows, gPooled, grad, gVec);
  return { loss, grad, gVec };
}

export function gruLoss(weights: GruWeights, vectors: Float32Array, rows: Int32Array, label: number): number {
  const net = new Net(weights.params, vectors, weights.hidden);
  const q = sigmoid(logitOf(net, rows));
  return -Math.log(label === 1 ? q : 1 - q);
}

/**
 * The run-time model of a trained GRU: per vocabulary row, the input part W·x of both directions with the row's
 * fine-tuned vector, quantised to int8 with one scale per row; the recurrent part as floats.
 */
export function exportGru(weights: GruWeights, vectors: Float32Array, vocabulary: Vocabulary): GruModel {
  const H = weights.hidden;
  const L = gruLayout(H);
  const p = weights.params;
  const V = vectors.length / DIMENSIONS;
  const width = 6 * H;
  const table = new Int8Array(V * width);
  const scales = new Float32Array(V);
  const row = new Float64Array(width);
  for (let r = 0; r < V; r++) {
    let max = 0;
    for (let d = 0; d < 2; d++)
      for (let q = 0; q < 3 * H; q++) {
        let s = 0;
        const wq = L.w(d) + q * DIMENSIONS;
        for (let k = 0; k < DIMENSIONS; k++)
          s += (p[wq + k] as number) * (vectors[r * DIMENSIONS + k] as number);
        row[d * 3 * H + q] = s;
        if (Math.abs(s) > max) max = Math.abs(s);
      }
    const scale = Math.fround(max > 0 ? max / 127 : 1);
    scales[r] = scale;
    for (let c = 0; c < width; c++) table[r * width + c] = Math.round((row[c] as number) / scale);
  }
  const inputBias = new Float32Array(width);
  const recurrentBias = new Float32Array(width);
  const recurrent = new Float32Array(2 * 3 * H * H);
  for (let d = 0; d < 2; d++) {
    inputBias.set(p.subarray(L.b(d), L.b(d) + 3 * H), d * 3 * H);
    recurrentBias.set(p.subarray(L.c(d), L.c(d) + 3 * H), d * 3 * H);
    recurrent.set(p.subarray(L.u(d), L.u(d) + 3 * H * H), d * 3 * H * H);
  }
  return {
    hidden: H,
    vocabulary,
    table,
    scales,
    inputBias,
    recurrent,
    recurrentBias,
    output: Float32Array.from(p.subarray(L.output, L.output + 2 * H)),
    outputBias: p[L.outputBias] as number,
  };
}

/** The bytes of sentiment-gru.bin (layout in text.model.ts, GruHeader). */
export function gruFileBytes(model: GruModel): Buffer {
  return Buffer.concat([
    Buffer.from(Float32Array.from(model.scales).buffer),
    Buffer.from(Float32Array.from(model.inputBias).buffer),
    Buffer.from(Float32Array.from(model.recurrent).buffer),
    Buffer.from(Float32Array.from(model.recurrentBias).buffer),
    Buffer.from(Float32Array.from(model.output).buffer),
    Buffer.from(Int8Array.from(model.table).buffer),
  ]);
}
