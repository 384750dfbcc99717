import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** Who is calling: a console user (session cookie) or a secret API key, acting in one workspace with one role. */
export interface Principal {
  readonly kind: 'user' | 'api_key';
  /** The user's id or the API key's id. */
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly workspaceId: string | null;
  readonly role: string | null;
  readonly permissions: ReadonlySet<string>;
  /** True when authenticated by cookie, which makes the request subject to CSRF checks. */
  readonly viaCookie: boolean;
}

/**
 * How a route is protected:
 * - `public`: anyone (health checks, login, public survey pages);
 * - `session`: a signed-in console user, in any or no workspace (switching workspace, own password);
 * - `workspace`: a user or API key acting in a workspace; `permission` names the permission it needs.
 */
export type RouteAuth = 'public' | 'session' | 'workspace';

/** Resolves the caller from headers and cookies, or null when anonymous. Supplied by the workspaces module. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    permission?: string;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Checks authentication, CSRF and permission on every route before its body is parsed. Every `/api/` route must
 * declare `config.auth` (enforced when the route is added), so a forgotten check fails at start-up, not in
 * production. The check is attached to each `session` and `workspace` route as its first route-level `onRequest`
 * hook (still before rate limits, body parsing and validation); `public` routes carry no hook at all, so the
 * high-volume public endpoints (collection, survey responses) pay nothing for it.
 */
export function registerAuth(app: FastifyInstance, authenticate: Authenticator, publicUrl: string): void {
  app.decorateRequest('principal', null);
  const publicOrigin = new URL(publicUrl).origin;

  const check = async (request: FastifyRequest): Promise<void> => {
    const config = request.routeOptions.config;
    const mode = config?.auth;
    if (mode === undefined || mode === 'public') return;

    const principal = await authenticate(request);
    if (!principal)
      throw new AppError(
        'UNAUTHENTICATED',
        401,
        'error.unauthenticated',
        {},
        { 'www-authenticate': 'Bearer' },
      );
    request.principal = principal;

    if (principal.viaCookie && !SAFE_METHODS.has(request.method)) checkSameOrigin(request, publicOrigin);

    if (mode === 'session') {
      if (principal.kind !== 'user') throw new AppError('SESSION_REQUIRED', 403, 'error.session_required');
      return;
    }
    if (!principal.workspaceId) throw new AppError('NO_WORKSPACE', 403, 'error.no_workspace');
    const permission = config.permission as string;
    if (!principal.permissions.has(permission)) {
      throw new AppError('FORBIDDEN', 403, 'error.forbidden', { permission });
    }
  };

  app.addHook('onRoute', (route) => {
    const mode = route.config?.auth;
    if (route.url.startsWith('/api/v1') && mode === undefined) {
      throw new Error(`route ${route.method} ${route.url} does not declare config.auth`);
    }
    if (mode === 'workspace' && !route.config?.permission) {
      throw new Error(`route ${route.method} ${route.url} needs config.permission`);
    }
    if (mode === 'session' || mode === 'workspace') {
      const own = route.onRequest;
      // Before any other route-level hook (the rate limit's): an anonymous caller is refused first.
      route.onRequest = [check, ...(Array.isArray(own) ? own : own ? [own] : [])];
    }
  });
}

/**
 * A cookie-authenticated write must come from our own pages: a browser always sends Origin on cross-site writes, so
 * a foreign Origin is refused. Without Origin we require a JSON body, which a cross-site HTML form cannot send.
 */
function checkSameOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const host = request.headers.host;
    const own =
      origin === publicOrigin ||
      (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
    if (!own) throw new AppError('CSRF_REJECTED', 403, 'error.csrf_rejected');
    return;
  }
  const type = request.headers['content-type'];
  const hasBody =
    request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0';
  if (hasBody && !(type ?? '').toLowerCase().includes('json')) {
    throw new AppError('CSRF_REJECTED', 403, 'error.csrf_rejected');
  }
}

/** The principal of an authenticated route (the auth hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 401, 'error.unauthenticated');
  return request.principal;
}

/** The workspace of an authenticated `workspace` route. */
export function workspaceIdOf(request: FastifyRequest): string {
  const id = principalOf(request).workspaceId;
  if (!id) throw new AppError('NO_WORKSPACE', 403, 'error.no_workspace');
  return id;
}
