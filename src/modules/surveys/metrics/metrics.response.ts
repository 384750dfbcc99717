import { MetricsInputError } from './metrics.errors.js';
import { assertFinite, assertScale } from './metrics.internal.js';
import type { RatingScale } from './metrics.types.js';

/** NPS 0–10: promoters answer 9–10, passives 7–8, detractors 0–6. */
export const NPS_SCALE: Readonly<Required<RatingScale>> = Object.freeze({ min: 0, max: 10, topBoxMin: 9 });
/** CSAT 1–5, top-2-box = 4–5 ("satisfied" or "very satisfied"). */
export const CSAT_SCALE: Readonly<Required<RatingScale>> = Object.freeze({ min: 1, max: 5, topBoxMin: 4 });
/** CES 1–7 (7 = very easy), top-2-box = 6–7. */
export const CES_SCALE: Readonly<Required<RatingScale>> = Object.freeze({ min: 1, max: 7, topBoxMin: 6 });

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/**
 * Throws INVALID_SCORE unless `value` is an answer on `scale` (finite, within bounds; integer when
 * `integer`).
 */
export function assertOnScale(value: number, scale: RatingScale, integer = false, field = 'score'): void {
  assertFinite(value, field);
  if (value < scale.min || value > scale.max || (integer && !Number.isInteger(value))) {
    throw new MetricsInputError(
      'INVALID_SCORE',
      `${field} must be ${integer ? 'an integer ' : ''}from ${scale.min} to ${scale.max}`,
      { field, value, min: scale.min, max: scale.max },
    );
  }
}

/**
 * Classifies one NPS answer (an integer 0–10): 9–10 promoter, 7–8 passive, 0–6 detractor.
 * @throws MetricsInputError INVALID_SCORE for anything else (fractions, out of range, NaN).
 */
export function classifyNps(score: number): NpsCategory {
  assertOnScale(score, NPS_SCALE, true);
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/**
 * Whether one answer is in the top box of its scale (`value >= scale.topBoxMin`).
 * @throws MetricsInputError INVALID_SCALE when the scale has no `topBoxMin`, INVALID_SCORE when off scale.
 */
export function isTopBox(value: number, scale: RatingScale): boolean {
  assertScale(scale);
  if (scale.topBoxMin === undefined) {
    throw new MetricsInputError('INVALID_SCALE', 'scale.topBoxMin is required for a top-box share', {});
  }
  assertOnScale(value, scale);
  return value >= scale.topBoxMin;
}

/** CSAT (1–5) top-2-box: 4 or 5. */
export function isCsatTopBox(score: number): boolean {
  assertOnScale(score, CSAT_SCALE, true);
  return score >= CSAT_SCALE.topBoxMin;
}

/** CES (1–7) top-2-box: 6 or 7. */
export function isCesTopBox(score: number): boolean {
  assertOnScale(score, CES_SCALE, true);
  return score >= CES_SCALE.topBoxMin;
}

/**
 * Maps a rating linearly onto 0–100: `(value − min) / (max − min) × 100`, so the scale's lowest answer is 0
 * and its highest 100 (a 4 on 1–5 is 75; a 7 on 0–10 is 70).
 * @throws MetricsInputError INVALID_SCALE / INVALID_SCORE.
 */
export function normaliseRating(value: number, scale: RatingScale): number {
  assertScale(scale);
  assertOnScale(value, scale);
  return ((value - scale.min) / (scale.max - scale.min)) * 100;
}
