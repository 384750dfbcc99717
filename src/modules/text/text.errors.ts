import { AppError } from '../../platform/http/index.js';

export const keywordNotFound = (id: string) =>
  new AppError('TEXT_KEYWORD_NOT_FOUND', 404, 'error.text_keyword_not_found', { id });
export const correctionNotFound = (id: string) =>
  new AppError('TEXT_CORRECTION_NOT_FOUND', 404, 'error.text_correction_not_found', { id });

/** A 400 in the same shape as a schema failure, for rules a JSON schema cannot express. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
    summary: `body.${path} ${message}`,
    fields: [{ in: 'body', path, message }],
  });
}
export const reanalysisNotFound = (id: string) =>
  new AppError('TEXT_REANALYSIS_NOT_FOUND', 404, 'error.text_reanalysis_not_found', { id });
export const reanalysisRunning = (id: string) =>
  new AppError('TEXT_REANALYSIS_RUNNING', 409, 'error.text_reanalysis_running', { id });
export const unknownTextSource = (sources: string[], known: string[]) =>
  new AppError('TEXT_SOURCE_UNKNOWN', 400, 'error.text_source_unknown', { sources, known });
