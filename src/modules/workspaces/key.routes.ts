import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import { decodeCursor, PageQuery, principalOf, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { createApiKey, listApiKeys } from './api-key.service.js';
import { revokeKey } from './key-revocation.js';
import { createWriteKey, listWriteKeys } from './write-key.service.js';
import { presentApiKey, presentWriteKey } from './workspaces.presenter.js';
import {
  ApiKeyPage,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateWriteKeyBody,
  IdParam,
  WriteKey,
  WriteKeyPage,
} from './workspaces.schema.js';

/** Secret API keys (admin API) and public write keys (event sources). */
export function keyRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'List API keys (secrets are never shown again)',
          querystring: PageQuery,
          response: { 200: ApiKeyPage },
        },
        config: { auth: 'workspace', permission: 'api_keys.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        return toPage(
          await listApiKeys(db, workspaceIdOf(request), limit, decodeCursor(request.query.cursor)),
          limit,
          presentApiKey,
          (r) => r.id,
        );
      },
    );

    app.post(
      '/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Create a secret API key with a role',
          body: CreateApiKeyBody,
          response: { 201: CreatedApiKey },
        },
        config: { auth: 'workspace', permission: 'api_keys.manage' },
      },
      async (request, reply) => {
        const { apiKey, key } = await createApiKey(
          db,
          actorFromRequest(request),
          principalOf(request).role,
          workspaceIdOf(request),
          request.body,
        );
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .send({ apiKey: presentApiKey(apiKey), key });
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        schema: { tags: ['api keys'], summary: 'Revoke an API key', params: IdParam },
        config: { auth: 'workspace', permission: 'api_keys.manage' },
      },
      async (request, reply) => {
        await revokeKey(db, actorFromRequest(request), 'api_keys', workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/write-keys',
      {
        schema: {
          tags: ['write keys'],
          summary: 'List write keys of event sources',
          querystring: PageQuery,
          response: { 200: WriteKeyPage },
        },
        config: { auth: 'workspace', permission: 'write_keys.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        return toPage(
          await listWriteKeys(db, workspaceIdOf(request), limit, decodeCursor(request.query.cursor)),
          limit,
          presentWriteKey,
          (r) => r.id,
        );
      },
    );

    app.post(
      '/write-keys',
      {
        schema: {
          tags: ['write keys'],
          summary: 'Create a write key for an event source',
          body: CreateWriteKeyBody,
          response: { 201: WriteKey },
        },
        config: { auth: 'workspace', permission: 'write_keys.manage' },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            presentWriteKey(
              await createWriteKey(db, actorFromRequest(request), workspaceIdOf(request), request.body),
            ),
          ),
    );

    app.delete(
      '/write-keys/:id',
      {
        schema: { tags: ['write keys'], summary: 'Revoke a write key', params: IdParam },
        config: { auth: 'workspace', permission: 'write_keys.manage' },
      },
      async (request, reply) => {
        await revokeKey(
          db,
          actorFromRequest(request),
          'write_keys',
          workspaceIdOf(request),
          request.params.id,
        );
        return reply.code(204).send();
      },
    );
  };
}
