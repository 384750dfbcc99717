import { AppError } from '../../platform/http/index.js';
import type { CalendarError } from './business-hours.js';
import type { RuleError } from './case.rules.js';

export const caseNotFound = (id: string) =>
  new AppError('CASE_NOT_FOUND', 404, 'error.case_not_found', { id });

export const versionConflict = (expected: number, actual: number) =>
  new AppError('CASE_VERSION_CONFLICT', 409, 'error.case_version_conflict', { expected, actual });

export const invalidTransition = (from: string, to: string, allowed: readonly string[]) =>
  new AppError('CASE_INVALID_TRANSITION', 409, 'error.case_invalid_transition', { from, to, allowed });

export const resolutionRequired = () =>
  new AppError('CASE_RESOLUTION_REQUIRED', 400, 'error.case_resolution_required');

export const unknownCategory = (category: string) =>
  new AppError('CASE_UNKNOWN_CATEGORY', 400, 'error.case_unknown_category', { category });

export const teamNotFound = (id: string) =>
  new AppError('CASE_TEAM_NOT_FOUND', 404, 'error.case_team_not_found', { id });

export const unknownTeam = (id: string) =>
  new AppError('CASE_UNKNOWN_TEAM', 400, 'error.case_unknown_team', { teamId: id });

export const notAMember = (userId: string) =>
  new AppError('CASE_ASSIGNEE_NOT_MEMBER', 400, 'error.case_assignee_not_member', { userId });

export const ruleNotFound = (id: string) =>
  new AppError('CASE_RULE_NOT_FOUND', 404, 'error.case_rule_not_found', { id });

export const customerNotFound = (id: string) =>
  new AppError('CASE_CUSTOMER_NOT_FOUND', 400, 'error.case_customer_not_found', { profileId: id });

export const caseClosed = (id: string) => new AppError('CASE_CLOSED', 409, 'error.case_closed', { id });

export const teamInUse = (id: string, rules: number) =>
  new AppError('CASE_TEAM_IN_USE', 409, 'error.case_team_in_use', { id, rules });

/** Maps a calendar validation failure to a 400 naming the field. */
export function calendarInvalid(err: CalendarError): AppError {
  return new AppError('CASE_CALENDAR_INVALID', 400, 'error.case_calendar_invalid', {
    path: err.path,
    reason: err.reason,
  });
}

/** Maps a rule validation failure to a 400 with a specific code when it names an unknown object. */
export function ruleInvalid(err: RuleError): AppError {
  const details = { path: err.path, reason: err.reason };
  switch (err.code) {
    case 'unknown_category':
      return new AppError('CASE_UNKNOWN_CATEGORY', 400, 'error.case_unknown_category', {
        category: err.reason.replace(/^unknown category /, ''),
        path: err.path,
      });
    case 'unknown_team':
      return new AppError('CASE_UNKNOWN_TEAM', 400, 'error.case_unknown_team', details);
    case 'unknown_agent':
      return new AppError('CASE_ASSIGNEE_NOT_MEMBER', 400, 'error.case_assignee_not_member', details);
    case 'invalid':
      return new AppError('CASE_RULE_INVALID', 400, 'error.case_rule_invalid', details);
  }
}

export const taxonomyInvalid = (path: string, reason: string) =>
  new AppError('CASE_TAXONOMY_INVALID', 400, 'error.case_taxonomy_invalid', { path, reason });

export const settingsInvalid = (path: string, reason: string) =>
  new AppError('CASE_SETTINGS_INVALID', 400, 'error.case_settings_invalid', { path, reason });
