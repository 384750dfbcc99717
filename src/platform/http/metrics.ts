import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { safeEqual } from '../crypto/index.js';
import { AppError } from './errors.js';

/** Prometheus metrics of one app: process defaults plus request durations by route. Served at /metrics. */
export function registerMetrics(app: FastifyInstance, token: string | null): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'touchpoint_' });
  const duration = new Histogram({
    name: 'touchpoint_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // A callback hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get('/metrics', { schema: { hide: true }, config: { auth: 'public' } }, async (request, reply) => {
    if (token !== null) {
      const given = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      if (!safeEqual(given, token)) throw new AppError('UNAUTHENTICATED', 401, 'error.unauthenticated');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
