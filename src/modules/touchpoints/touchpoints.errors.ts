import { AppError } from '../../platform/http/index.js';

/** A matching rule that the schema accepts but that cannot work (bad path, operator/value mismatch, unsafe regex). */
export const invalidRule = (path: string, message: string) =>
  new AppError('TOUCHPOINT_RULE_INVALID', 400, 'error.touchpoint_rule_invalid', { path, message });
export const touchpointNotFound = (key: string) =>
  new AppError('TOUCHPOINT_NOT_FOUND', 404, 'error.touchpoint_not_found', { key });
export const touchpointExists = (key: string) =>
  new AppError('TOUCHPOINT_EXISTS', 409, 'error.touchpoint_exists', { key });
export const touchpointInUse = (key: string, journeys: string[]) =>
  new AppError('TOUCHPOINT_IN_USE', 409, 'error.touchpoint_in_use', { key, journeys });
export const journeyNotFound = (key: string) =>
  new AppError('JOURNEY_NOT_FOUND', 404, 'error.journey_not_found', { key });
export const journeyExists = (key: string) =>
  new AppError('JOURNEY_EXISTS', 409, 'error.journey_exists', { key });
export const journeyStepUnknown = (keys: string[]) =>
  new AppError('JOURNEY_STEP_UNKNOWN', 400, 'error.journey_step_unknown', { keys });
export const templateNotFound = (key: string) =>
  new AppError('JOURNEY_TEMPLATE_NOT_FOUND', 404, 'error.journey_template_not_found', { key });
export const remapNotFound = (id: string) =>
  new AppError('TOUCHPOINT_REMAP_NOT_FOUND', 404, 'error.touchpoint_remap_not_found', { id });
export const remapRunning = (id: string) =>
  new AppError('TOUCHPOINT_REMAP_RUNNING', 409, 'error.touchpoint_remap_running', { id });
/** An analytics request that would be too slow or meaningless: too many steps, too wide a window or range. */
export const analyticsLimit = (limit: string, max: number | string) =>
  new AppError('ANALYTICS_LIMIT_EXCEEDED', 400, 'error.analytics_limit_exceeded', { limit, max });
export const unknownChannels = (channels: string[]) =>
  new AppError('TOUCHPOINT_CHANNEL_UNKNOWN', 400, 'error.touchpoint_channel_unknown', { channels });
