import { AppError } from '../../platform/http/index.js';

export const endpointNotFound = (id: string) =>
  new AppError('WEBHOOK_ENDPOINT_NOT_FOUND', 404, 'error.webhook_endpoint_not_found', { id });

export const invalidUrl = (url: string) =>
  new AppError('WEBHOOK_URL_INVALID', 400, 'error.webhook_url_invalid', { url: url.slice(0, 200) });
