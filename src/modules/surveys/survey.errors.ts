import { AppError } from '../../platform/http/index.js';
import type { AnswerProblem } from './survey.answers.js';
import type { DefinitionProblem } from './survey.definition.js';

export const surveyNotFound = (id: string) =>
  new AppError('SURVEY_NOT_FOUND', 404, 'error.survey_not_found', { id: id.slice(0, 80) });
export const surveyVersionNotFound = (version: number) =>
  new AppError('SURVEY_VERSION_NOT_FOUND', 404, 'error.survey_version_not_found', { version });
export const templateNotFound = (key: string) =>
  new AppError('SURVEY_TEMPLATE_NOT_FOUND', 404, 'error.survey_template_not_found', {
    template: key.slice(0, 80),
  });
export const surveyKeyTaken = (key: string) =>
  new AppError('SURVEY_KEY_TAKEN', 409, 'error.survey_key_taken', { key });
export const definitionInvalid = (problems: DefinitionProblem[]) =>
  new AppError('SURVEY_DEFINITION_INVALID', 400, 'error.survey_definition_invalid', { problems });
export const surveyStateConflict = (status: string, action: string) =>
  new AppError('SURVEY_STATE_CONFLICT', 409, 'error.survey_state_conflict', { status, action });
/** Answers to a survey that is not live (draft or closed). */
export const surveyClosed = (status: string) =>
  new AppError('SURVEY_CLOSED', 400, 'error.survey_closed', { status });
export const linkInvalid = () => new AppError('SURVEY_LINK_INVALID', 404, 'error.survey_link_invalid');
export const linkExpired = () => new AppError('SURVEY_LINK_EXPIRED', 410, 'error.survey_link_expired');
export const linkUsed = () => new AppError('SURVEY_LINK_USED', 409, 'error.survey_link_used');
export const responseInvalid = (questions: AnswerProblem[]) =>
  new AppError('SURVEY_RESPONSE_INVALID', 400, 'error.survey_response_invalid', { questions });
export const responseTokenInvalid = () =>
  new AppError('SURVEY_RESPONSE_TOKEN_INVALID', 400, 'error.survey_response_token_invalid');
export const customerNotFound = () => new AppError('CUSTOMER_NOT_FOUND', 404, 'error.customer_not_found');

/** A 400 in the same shape as a schema failure, for rules a JSON schema cannot express. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
    summary: `body.${path} ${message}`,
    fields: [{ in: 'body', path, message }],
  });
}
