/** Accuracy, macro-F1 and the confusion matrix of binary or three-class predictions. */

export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  /** confusion[actual][predicted], classes in the order given. */
  confusion: number[][];
  classes: string[];
}

/** Evaluates predicted class indices against actual ones. */
export function evaluate(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: string[],
): Evaluation {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    (confusion[a] as number[])[p] = ((confusion[a] as number[])[p] as number) + 1;
    if (a === p) correct++;
  }
  // Macro-F1 over the classes that occur in the truth (a predicted-only class, e.g. neutral, has no F1 of its own).
  const f1s: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = (confusion[c] as number[])[c] as number;
    const actualC = (confusion[c] as number[]).reduce((s, v) => s + v, 0);
    const predictedC = confusion.reduce((s, row) => s + (row[c] as number), 0);
    if (actualC === 0) continue;
    const precision = predictedC ? tp / predictedC : 0;
    const recall = tp / actualC;
    f1s.push(precision + recall ? (2 * precision * recall) / (precision + recall) : 0);
  }
  return {
    n: actual.length,
    accuracy: actual.length ? correct / actual.length : 0,
    macroF1: f1s.length ? f1s.reduce((s, v) => s + v, 0) / f1s.length : 0,
    confusion,
    classes,
  };
}

/** Log loss and expected calibration error (10 equal-width bins) of probabilities of the positive class. */
export function calibrationError(probabilities: readonly number[], labels: ArrayLike<number>) {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  let logLoss = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i] as number));
    const y = labels[i] as number;
    logLoss -= y ? Math.log(p) : Math.log(1 - p);
    const bin = bins[Math.min(9, Math.floor(p * 10))] as { n: number; p: number; y: number };
    bin.n++;
    bin.p += p;
    bin.y += y;
  }
  const n = probabilities.length || 1;
  const ece = bins.reduce((s, b) => s + (b.n ? Math.abs(b.p - b.y) : 0), 0) / n;
  return { logLoss: logLoss / n, ece };
}
