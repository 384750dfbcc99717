/**
 * The English recurrent sentiment model: a bidirectional GRU (Cho et al. 2014) over the same word tokens and
 * vocabulary as the CNN (text.cnn.ts), max over positions of each direction's hidden states, then a linear layer
 * gives a logit; when the model header names one (`gru` in sentiment.json), it is stacked with the n-gram model and
 * the CNN (weights fitted on the validation part). The shipped model has none: in the evaluation of 2026-11-23 it did
 * not beat n-gram + CNN on validation or in the cross-validation (docs/text-model.md, notes).
 *
 * Gates per direction (x a word vector, h the previous state):
 *   r = σ(Wr·x + br + Ur·h + cr), z = σ(Wz·x + bz + Uz·h + cz), n = tanh(Wn·x + bn + r ⊙ (Un·h + cn)),
 *   h' = (1 − z) ⊙ n + z ⊙ h.
 * Run time never sees the word vectors: the input part W·x of both directions depends on the word only, so the
 * training script stores it per vocabulary word as one int8 row with a float scale (the table). Scoring a text is a
 * table look-up per token and the recurrence (3 × hidden² multiply-adds per token and direction).
 */
import type { Vocabulary } from './text.cnn.js';

export interface GruModel {
  /** Hidden units per direction. */
  hidden: number;
  /** The CNN's vocabulary: the table has the same rows. */
  vocabulary: Vocabulary;
  /** vocabulary × 6·hidden int8 values: per row, the forward direction's W·x (gates r, z, n), then the backward's. */
  table: Int8Array;
  /** Per row: the factor that turns its int8 values into floats. */
  scales: Float32Array;
  /** 6·hidden: the input biases b (forward r, z, n, then backward). */
  inputBias: Float32Array;
  /** 2 × 3·hidden × hidden: U per direction, gate rows r, z, n, each `hidden` values long. */
  recurrent: Float32Array;
  /** 6·hidden: the recurrent biases c. */
  recurrentBias: Float32Array;
  /** 2·hidden: output weights of the pooled states (forward units, then backward). */
  output: Float32Array;
  outputBias: number;
}

/** Scores vocabulary rows (not re-entrant: reuses its buffers). */
export class GruScorer {
  private readonly h: Float32Array;
  private readonly next: Float32Array;
  private readonly pooled: Float32Array;

  constructor(readonly model: GruModel) {
    this.h = new Float32Array(model.hidden);
    this.next = new Float32Array(model.hidden);
    this.pooled = new Float32Array(model.hidden);
  }

  /** Logit of "positive" for `n` vocabulary rows (no token: the output bias alone). */
  score(rows: Int32Array, n: number): number {
    const { hidden: H, table, scales, inputBias, recurrent, recurrentBias, output } = this.model;
    let z = this.model.outputBias;
    if (n === 0) return z;
    const width = 6 * H;
    const h = this.h;
    const next = this.next;
    const pooled = this.pooled;
    for (let d = 0; d < 2; d++) {
      h.fill(0);
      pooled.fill(-Infinity);
      const u0 = d * 3 * H * H;
      const g0 = d * 3 * H;
      for (let s = 0; s < n; s++) {
        const row = rows[d === 0 ? s : n - 1 - s] as number;
        const scale = scales[row] as number;
        const at = row * width + g0;
        for (let i = 0; i < H; i++) {
          let sr = recurrentBias[g0 + i] as number;
          let sz = recurrentBias[g0 + H + i] as number;
          let sn = recurrentBias[g0 + 2 * H + i] as number;
          const ur = u0 + i * H;
          const uz = u0 + (H + i) * H;
          const un = u0 + (2 * H + i) * H;
          for (let j = 0; j < H; j++) {
            const hj = h[j] as number;
            sr += (recurrent[ur + j] as number) * hj;
            sz += (recurrent[uz + j] as number) * hj;
            sn += (recurrent[un + j] as number) * hj;
          }
          const r =
            1 / (1 + Math.exp(-(scale * (table[at + i] as number) + (inputBias[g0 + i] as number) + sr)));
          const u =
            1 /
            (1 + Math.exp(-(scale * (table[at + H + i] as number) + (inputBias[g0 + H + i] as number) + sz)));
          const c = Math.tanh(
            scale * (table[at + 2 * H + i] as number) + (inputBias[g0 + 2 * H + i] as number) + r * sn,
          );
          next[i] = (1 - u) * c + u * (h[i] as number);
        }
        for (let i = 0; i < H; i++) {
          const v = next[i] as number;
          h[i] = v;
          if (v > (pooled[i] as number)) pooled[i] = v;
        }
      }
      for (let i = 0; i < H; i++) z += (output[d * H + i] as number) * (pooled[i] as number);
    }
    return z;
  }
}
