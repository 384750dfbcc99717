import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Db } from '../../platform/db/index.js';
import { principalOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import {
  changePassword,
  describeSession,
  login,
  logout,
  SESSION_COOKIE,
  switchWorkspace,
  updateProfile,
} from './auth.service.js';
import { presentSession } from './workspaces.presenter.js';
import {
  ChangePasswordBody,
  LoginBody,
  SessionView,
  SwitchWorkspaceBody,
  UpdateMeBody,
} from './workspaces.schema.js';

export interface AuthRouteOptions {
  db: Db;
  sessionTtlHours: number;
  cookieSecure: boolean;
  /** Login attempts per 15 minutes per (IP, e-mail). */
  loginRateLimit: number;
}

const tags = ['auth'];

/** Console sign-in: login, logout, the current user and workspace, language and password. */
export function authRoutes(opts: AuthRouteOptions): FastifyPluginAsyncTypebox {
  const { db } = opts;
  const setCookie = (reply: FastifyReply, token: string, expiresAt: number) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      expires: new Date(expiresAt),
    });

  return async (app) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags,
          summary: 'Sign in with e-mail and password (sets the session cookie)',
          body: LoginBody,
          response: { 200: SessionView },
          security: [],
        },
        config: {
          auth: 'public',
          rateLimit: {
            max: opts.loginRateLimit,
            timeWindow: '15 minutes',
            hook: 'preHandler',
            keyGenerator: (req) =>
              `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
          },
        },
      },
      async (request, reply) => {
        const result = await login(db, {
          email: request.body.email,
          password: request.body.password,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          ttlHours: opts.sessionTtlHours,
          requestId: request.id,
        });
        setCookie(reply, result.token, result.expiresAt);
        return presentSession(result.view);
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags, summary: 'Sign out (ends the session)' }, config: { auth: 'session' } },
      async (request, reply) => {
        const p = principalOf(request);
        if (p.sessionId) await logout(db, actorFromRequest(request), p.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send();
      },
    );

    app.get(
      '/auth/me',
      {
        schema: {
          tags,
          summary: 'The signed-in user, their workspaces and permissions',
          response: { 200: SessionView },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const p = principalOf(request);
        return presentSession(await describeSession(db, p.id, p.workspaceId));
      },
    );

    app.patch(
      '/auth/me',
      {
        schema: {
          tags,
          summary: 'Change your name or console language',
          body: UpdateMeBody,
          response: { 200: SessionView },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const p = principalOf(request);
        await updateProfile(db, actorFromRequest(request), p.id, request.body);
        return presentSession(await describeSession(db, p.id, p.workspaceId));
      },
    );

    app.post(
      '/auth/workspace',
      {
        schema: {
          tags,
          summary: 'Switch the current workspace',
          body: SwitchWorkspaceBody,
          response: { 200: SessionView },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const p = principalOf(request);
        return presentSession(await switchWorkspace(db, p.sessionId ?? '', p.id, request.body.slug));
      },
    );

    app.post(
      '/auth/password',
      {
        schema: {
          tags,
          summary: 'Change your password (ends your other sessions)',
          body: ChangePasswordBody,
        },
        config: { auth: 'session' },
      },
      async (request, reply) => {
        const p = principalOf(request);
        await changePassword(db, actorFromRequest(request), p.id, p.sessionId, request.body);
        return reply.code(204).send();
      },
    );
  };
}
