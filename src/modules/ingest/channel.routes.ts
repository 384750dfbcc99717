import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import { workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { addChannel, listChannels, removeChannel, type ChannelCatalogue } from './channels.js';

const Key = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_ -]{0,39}$' });
const Channel = Type.Object({
  key: Type.String(),
  name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  aliases: Type.Array(Type.String()),
  builtIn: Type.Boolean(),
});
const tags = ['channels'];

/** The workspace's channel catalogue: built-in channels plus its own, with aliases. */
export function channelRoutes(db: Db, catalogue: ChannelCatalogue): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/channels',
      {
        schema: {
          tags,
          summary: 'List channels (built-in and custom)',
          response: { 200: Type.Object({ data: Type.Array(Channel) }) },
        },
        config: { auth: 'workspace', permission: 'workspace.read' },
      },
      async (request) => ({ data: await listChannels(db, workspaceIdOf(request)) }),
    );
    app.post(
      '/channels',
      {
        schema: {
          tags,
          summary: 'Add a channel with its aliases',
          body: Type.Object(
            {
              key: Key,
              nameZh: Type.String({ minLength: 1, maxLength: 40 }),
              nameEn: Type.String({ minLength: 1, maxLength: 40 }),
              aliases: Type.Optional(Type.Array(Key, { maxItems: 20 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Channel },
        },
        config: { auth: 'workspace', permission: 'workspace.update' },
      },
      async (request, reply) => {
        const workspaceId = workspaceIdOf(request);
        const channel = await addChannel(db, actorFromRequest(request), workspaceId, {
          ...request.body,
          aliases: request.body.aliases ?? [],
        });
        catalogue.invalidate(workspaceId);
        return reply.code(201).send(channel);
      },
    );
    app.delete(
      '/channels/:key',
      {
        schema: { tags, summary: 'Remove a custom channel', params: Type.Object({ key: Key }) },
        config: { auth: 'workspace', permission: 'workspace.update' },
      },
      async (request, reply) => {
        const workspaceId = workspaceIdOf(request);
        await removeChannel(db, actorFromRequest(request), workspaceId, request.params.key);
        catalogue.invalidate(workspaceId);
        return reply.code(204).send();
      },
    );
  };
}
