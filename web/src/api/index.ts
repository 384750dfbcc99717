export { ApiError, NETWORK_ERROR, UNEXPECTED_RESPONSE, apiRequest, configureApiClient } from './client';
export type { RequestOptions } from './client';
export {
  apiKeysApi,
  auditApi,
  authApi,
  channelsApi,
  customersApi,
  ingestApi,
  membersApi,
  workspaceApi,
  writeKeysApi,
} from './endpoints';
export type { PageParams, WorkspacePatch } from './endpoints';
export * from './types';
export * from './journeys';
export * from './overview';
export { surveysApi } from './surveys';
export { caseSettingsApi, casesApi, webhooksApi } from './cases';
export { segmentsApi } from './segments';
