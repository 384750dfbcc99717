import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toIso, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import type { EventInbox } from './inbox.js';

const tags = ['ingest'];

/** How far profiles lag behind the collection API, and the events that could not be folded in. */
export function inboxRoutes(inbox: EventInbox): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/ingest/status',
      {
        schema: {
          tags,
          summary: 'Events acknowledged but not yet folded into profiles, and failed ones',
          description:
            'While requests overlap, the collection API answers once events are stored and folds them into profiles ' +
            'behind the answers. `pending` events wait (the oldest since `oldestReceivedAt`, `lagMs` ago); `failed` ' +
            'ones hit an error and wait for a retry.',
          response: {
            200: Type.Object({
              pending: Type.Integer(),
              failed: Type.Integer(),
              oldestReceivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              lagMs: Type.Integer(),
            }),
          },
        },
        config: { auth: 'workspace', permission: 'write_keys.read' },
      },
      async (request) => {
        const s = await inbox.status(workspaceIdOf(request));
        return {
          pending: s.pending,
          failed: s.failed,
          oldestReceivedAt: s.oldestReceivedAt === null ? null : toIso(s.oldestReceivedAt),
          lagMs: s.oldestReceivedAt === null ? 0 : Math.max(0, Date.now() - s.oldestReceivedAt),
        };
      },
    );
    app.post(
      '/ingest/failed/retry',
      {
        schema: {
          tags,
          summary: 'Put the failed events back in line for processing',
          response: { 200: Type.Object({ retried: Type.Integer() }) },
        },
        config: { auth: 'workspace', permission: 'write_keys.manage' },
      },
      async (request) => ({
        retried: await inbox.retryFailed(actorFromRequest(request), workspaceIdOf(request)),
      }),
    );
  };
}
