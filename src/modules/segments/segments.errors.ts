import { AppError } from '../../platform/http/index.js';

/** A segment rule the schema lets through but that cannot work: unknown type or operator, wrong value, too deep. */
export const invalidCondition = (path: string, message: string) =>
  new AppError('SEGMENT_CONDITION_INVALID', 400, 'error.segment_condition_invalid', { path, message });
export const segmentNotFound = (key: string) =>
  new AppError('SEGMENT_NOT_FOUND', 404, 'error.segment_not_found', { key });
export const segmentExists = (key: string) =>
  new AppError('SEGMENT_EXISTS', 409, 'error.segment_exists', { key });
export const segmentVersionConflict = (expected: number, actual: number) =>
  new AppError('SEGMENT_VERSION_CONFLICT', 409, 'error.segment_version_conflict', { expected, actual });
/** A breakdown or targeting request naming segments that do not exist (or too many of them). */
export const unknownSegments = (keys: string[]) =>
  new AppError('SEGMENT_NOT_FOUND', 404, 'error.segment_not_found', { keys });
/** Recomputing an archived segment: its members are frozen until it is reactivated. */
export const segmentArchived = (key: string) =>
  new AppError('SEGMENT_ARCHIVED', 409, 'error.segment_archived', { key });
