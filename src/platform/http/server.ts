import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Logger } from 'pino';
import { newId } from '../db/index.js';
import { pickLocale, type Locale } from '../i18n/index.js';
import { registerAuth, type Authenticator } from './auth.js';
import { registerErrorHandlers, sendError } from './error-handler.js';
import { AppError } from './errors.js';
import { hasNulValue, nulCharacter, registerJsonParser } from './json-body.js';
import { registerMetrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

export interface HttpServerOptions {
  logger: Logger | false;
  publicUrl: string;
  bodyLimitBytes: number;
  jsonMaxDepth: number;
  metricsToken: string | null;
  authenticate: Authenticator;
  /** Null when ready, otherwise why not (database down, migrations pending). */
  readiness: () => Promise<string | null>;
  /** Folder of the built console (web/dist); served with a single-page-app fallback when it exists. */
  webRoot?: string;
  version: string;
}

/** helmet's configuration of the security headers every response carries (the same for every request). */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Ant Design injects its CSS-in-JS as <style> elements.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
  crossOriginEmbedderPolicy: false,
};

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Builds the Fastify server that every module's routes are registered on: TypeBox validation, the error envelope,
 * auth, security headers, OpenAPI at /api/docs, Prometheus at /metrics and the health checks.
 */
export async function createHttpServer(options: HttpServerOptions) {
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : options.logger,
    logger: options.logger === false ? false : undefined,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('req');
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true },
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors the router raises before any hook runs (malformed percent-encoding, over-long parameters).
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendError(
        request,
        reply,
        new AppError(tooLong ? 'URI_TOO_LONG' : 'BAD_URL', tooLong ? 414 : 400, 'error.bad_url'),
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Query strings and path parameters are text, so they are coerced to the schema's types; JSON bodies are not:
  // `{"name": 5}` is a 400, not the string "5".
  const coercing = createAjv(true);
  const strict = createAjv(false);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );

  // Security headers: helmet's output for this configuration, computed once (see staticHeaders) and set on every
  // response by the same hook that sets the locale and the request id — one synchronous hook, no promise per request.
  const securityHeaders = staticHeaders(helmet(SECURITY_HEADER_OPTIONS));
  app.decorateRequest('locale', 'en');
  app.addHook('onRequest', (request, reply, done) => {
    request.locale = pickLocale(request.headers['accept-language']);
    const raw = reply.raw;
    for (const name of securityHeaders.removed) raw.removeHeader(name);
    for (const [name, value] of securityHeaders.set) raw.setHeader(name, value);
    reply.header('x-request-id', request.id);
    done();
  });

  app.addHook('preValidation', (request, _reply, done) => {
    if (hasNulValue(request.params)) return done(nulCharacter('params'));
    if (hasNulValue(request.query)) return done(nulCharacter('querystring'));
    done();
  });

  registerErrorHandlers(app as unknown as FastifyInstance);
  registerJsonParser(app as unknown as FastifyInstance, options.jsonMaxDepth);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', 429, 'error.rate_limited', { seconds: Math.ceil(context.ttl / 1000) }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Touchpoint API',
        version: options.version,
        description:
          'Admin API of Touchpoint. Authenticate with `Authorization: Bearer <secret API key>` or sign in with ' +
          '`POST /api/v1/auth/login` (session cookie). Errors: `{"error":{"code","message","details"}}`; ' +
          'lists use cursor pagination (`limit`, `cursor` → `nextCursor`).',
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Secret API key (tp_sk_…)' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'tp_session' },
        },
      },
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI sets a few inline styles (e.g. to show and hide panels).
    transformStaticCSP: (header) => header.replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"),
    uiConfig: { persistAuthorization: true, withCredentials: true },
  });

  registerAuth(app as unknown as FastifyInstance, options.authenticate, options.publicUrl);
  registerMetrics(app as unknown as FastifyInstance, options.metricsToken);

  app.get('/healthz', { schema: { hide: true }, config: { auth: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { auth: 'public' } }, async () => {
    const problem = await options.readiness();
    if (problem)
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'error.service_unavailable', { reason: problem });
    return { status: 'ready' };
  });

  if (options.webRoot && existsSync(path.join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: options.webRoot,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
    // Client-side routes (e.g. /customers/123) get the console's index.html; API paths keep their JSON 404.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/') || url.startsWith('/v1/') || path.extname(url) !== '')
        return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  return app;
}

/** The headers a helmet middleware sets and removes, in order. */
export interface StaticHeaders {
  readonly set: readonly (readonly [string, string])[];
  readonly removed: readonly string[];
}

/**
 * Runs a helmet middleware once against a recording response and returns what it did. With a configuration whose
 * values do not depend on the request (no CSP nonces or functions), helmet sets the same headers on every response,
 * so replaying them is the same contract at a fraction of the cost of its fourteen middlewares per request. Throws
 * when the middleware does not finish synchronously or reads the request, i.e. when replaying would not be faithful.
 */
export function staticHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void,
): StaticHeaders {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      if (typeof value !== 'string') throw new Error(`security header ${name} is not a single string`);
      set.set(name, value);
    },
    removeHeader: (name: string) => {
      set.delete(name);
      removed.push(name);
    },
  };
  const request = new Proxy(
    {},
    {
      get: (_t, key) => {
        throw new Error(`security headers depend on the request (${String(key)})`);
      },
    },
  );
  let finished = false;
  middleware(request as IncomingMessage, recorder as unknown as ServerResponse, (err) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    finished = true;
  });
  if (!finished) throw new Error('the security header middleware did not finish synchronously');
  return { set: [...set], removed };
}

function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
