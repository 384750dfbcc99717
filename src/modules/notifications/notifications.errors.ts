import { AppError } from '../../platform/http/index.js';

export const endpointNotFound = (id: string) =>
  new AppError('WEBHOOK_ENDPOINT_NOT_FOUND', 404, 'error.webhook_endpoint_not_found', { id });

export const invalidUrl = (url: string) =>
  new AppError('WEBHOOK_URL_INVALID', 400, 'error.webhook_url_invalid', { url: url.slice(0, 200) });
/** A webhook URL naming a loopback, private, link-local or other non-public address (SSRF). */
export const urlNotPublic = (url: string) =>
  new AppError('WEBHOOK_URL_NOT_PUBLIC', 400, 'error.webhook_url_not_public', { url: url.slice(0, 200) });
