/**
 * Why a metric could not be computed from its input. The functions of this folder are pure and know nothing of
 * HTTP: the surveys module maps a {@link MetricsInputError} to its own 4xx AppError.
 */
export type MetricsErrorCode =
  | 'NON_FINITE_VALUE'
  | 'INVALID_COUNTS'
  | 'INVALID_STATS'
  | 'INVALID_SCALE'
  | 'INVALID_SCORE'
  | 'INVALID_WEIGHTS'
  | 'INVALID_OPTION'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_PERIOD'
  | 'DIMENSION_MISMATCH'
  | 'INVALID_CORRELATION_MATRIX'
  | 'CONSTANT_PREDICTOR'
  | 'CONSTANT_OUTCOME'
  | 'TOO_FEW_OBSERVATIONS'
  | 'SINGULAR_PREDICTORS';

/** Thrown for input a metric cannot be computed from; `code` is stable, `details` says which value. */
export class MetricsInputError extends Error {
  override readonly name = 'MetricsInputError';
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Narrows an unknown error to a {@link MetricsInputError}. */
export function isMetricsInputError(error: unknown): error is MetricsInputError {
  return error instanceof MetricsInputError;
}
