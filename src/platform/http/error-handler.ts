import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLocale, t, type Locale, type MessageKey } from '../i18n/index.js';
import { AppError, type ErrorEnvelope } from './errors.js';

interface FieldError {
  in: string;
  path: string;
  message: string;
}

/** Maps every thrown error to the JSON envelope; 5xx are logged with their stack, never shown to the client. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code }, 'request rejected');
    return sendError(request, reply, appError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new AppError('ROUTE_NOT_FOUND', 404, 'error.route_not_found', {
        method: request.method,
        url: request.url.split('?')[0],
      }),
    ),
  );
}

/** Sends an AppError in the request's language. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      // Router errors arrive before the hook that sets request.locale has run.
      message: t(
        (request.locale as Locale | undefined) ?? pickLocale(request.headers['accept-language']),
        error.messageKey,
        { ...error.details, requestId: request.id },
      ),
      details: error.details,
    },
  };
  for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
  return reply.code(error.httpStatus).type('application/json; charset=utf-8').send(body);
}

const FASTIFY_CODES: Record<string, [string, number, MessageKey]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 413, 'error.payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 415, 'error.unsupported_media_type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', 400, 'error.invalid_json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['INVALID_JSON', 400, 'error.invalid_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', 400, 'error.invalid_json'],
};

function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields: FieldError[] = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const leaf = missing ?? extra;
      return {
        in: error.validationContext ?? 'body',
        path: leaf ? (base ? `${base}.${leaf}` : leaf) : base,
        message: extra ? 'is not an allowed property' : (v.message ?? 'is invalid'),
      };
    });
    const summary = fields.map((f) => `${f.in}${f.path ? '.' + f.path : ''} ${f.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', { summary, fields });
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) {
    const [code, status, key] = known;
    return new AppError(code, status, key, {
      limit: request.routeOptions.bodyLimit,
      type: request.headers['content-type'] ?? 'none',
    });
  }
  if (error.statusCode === 429)
    return new AppError('RATE_LIMITED', 429, 'error.rate_limited', { seconds: 60 });
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', error.statusCode, 'error.validation_failed', {
      summary: error.message,
    });
  }
  return new AppError('INTERNAL_ERROR', 500, 'error.internal');
}
