import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { inTransaction, type Db } from '../../platform/db/index.js';
import { decodeCursor, Page, PageQuery, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import {
  createEndpoint,
  deleteEndpoint,
  enqueueWebhooks,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  presentEndpoint,
  updateEndpoint,
  type WebhookPolicy,
} from './webhook.service.js';

const tags = ['notifications'];
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const EventType = Type.String({ minLength: 1, maxLength: 100, pattern: '^(\\*|[a-z][a-z0-9_.]*\\*?)$' });
const EndpointBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    url: Type.String({ minLength: 8, maxLength: 2000 }),
    events: Type.Array(EventType, { minItems: 1, maxItems: 50 }),
    enabled: Type.Optional(Type.Boolean()),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const EndpointView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const DeliveryView = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  eventType: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const iso = (t: number) => new Date(t).toISOString();
const view = (e: ReturnType<typeof presentEndpoint>) => ({
  ...e,
  createdAt: iso(e.createdAt),
  updatedAt: iso(e.updatedAt),
});

/** Webhook endpoints of a workspace and their delivery log. */
export function notificationRoutes(
  db: Db,
  cipher: FieldCipher,
  webhooks: WebhookPolicy,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { auth: 'workspace' as const, permission: 'notifications.manage' };
    app.get(
      '/notifications/webhooks',
      {
        schema: {
          tags,
          summary: 'List webhook endpoints',
          response: { 200: Type.Object({ data: Type.Array(EndpointView) }) },
        },
        config,
      },
      async (request) => ({
        data: (await listEndpoints(db, workspaceIdOf(request))).map((r) => view(presentEndpoint(r))),
      }),
    );
    app.post(
      '/notifications/webhooks',
      {
        schema: {
          tags,
          summary: 'Add a webhook endpoint; the signing secret is returned once',
          body: EndpointBody,
          response: { 201: Type.Object({ endpoint: EndpointView, secret: Type.String() }) },
        },
        config,
      },
      async (request, reply) => {
        const { endpoint, secret } = await createEndpoint(
          db,
          cipher,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.body,
          webhooks,
        );
        return reply.code(201).send({ endpoint: view(endpoint), secret });
      },
    );
    app.patch(
      '/notifications/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Change a webhook endpoint',
          params: IdParam,
          body: Type.Partial(EndpointBody),
          response: { 200: EndpointView },
        },
        config,
      },
      async (request) =>
        view(
          await updateEndpoint(
            db,
            cipher,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            request.body,
            webhooks,
          ),
        ),
    );
    app.delete(
      '/notifications/webhooks/:id',
      { schema: { tags, summary: 'Remove a webhook endpoint', params: IdParam }, config },
      async (request, reply) => {
        await deleteEndpoint(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );
    app.post(
      '/notifications/webhooks/:id/test',
      {
        schema: {
          tags,
          summary: 'Send a signed test event (webhook.test) to the endpoint',
          params: IdParam,
          response: { 202: Type.Object({ scheduled: Type.Integer() }) },
        },
        config,
      },
      async (request, reply) => {
        const workspaceId = workspaceIdOf(request);
        await getEndpoint(db, workspaceId, request.params.id);
        const scheduled = await inTransaction(db, (trx) =>
          enqueueWebhooks(
            trx,
            workspaceId,
            'webhook.test',
            { message: 'Touchpoint test event · 测试事件' },
            { endpointId: request.params.id },
          ),
        );
        return reply.code(202).send({ scheduled });
      },
    );
    app.get(
      '/notifications/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: 'Delivery log of an endpoint (newest first)',
          params: IdParam,
          querystring: PageQuery,
          response: { 200: Page(DeliveryView) },
        },
        config,
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const rows = await listDeliveries(
          db,
          workspaceIdOf(request),
          request.params.id,
          limit,
          decodeCursor(request.query.cursor),
        );
        return toPage(
          rows,
          limit,
          (d) => ({
            id: d.id,
            endpointId: d.endpoint_id,
            eventType: d.event_type,
            status: d.status,
            attempts: d.attempts,
            responseStatus: d.response_status,
            lastError: d.last_error,
            createdAt: iso(d.created_at),
            deliveredAt: d.delivered_at === null ? null : iso(d.delivered_at),
          }),
          (d) => d.id,
        );
      },
    );
    app.get(
      '/notifications/emails',
      {
        schema: {
          tags,
          summary: 'E-mail log (newest first): pending, sent, skipped (no SMTP configured) or failed',
          querystring: PageQuery,
          response: {
            200: Page(
              Type.Object({
                id: Type.String(),
                to: Type.String(),
                template: Type.String(),
                locale: Type.String(),
                subject: Type.String(),
                status: Type.String(),
                attempts: Type.Integer(),
                lastError: Type.Union([Type.String(), Type.Null()]),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          },
        },
        config,
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const before = decodeCursor(request.query.cursor);
        const rows = await db
          .selectFrom('email_log')
          .selectAll()
          .where('workspace_id', '=', workspaceIdOf(request))
          .$if(before !== undefined, (q) => q.where('id', '<', before ?? ''))
          .orderBy('id', 'desc')
          .limit(limit + 1)
          .execute();
        return toPage(
          rows,
          limit,
          (r) => ({
            id: r.id,
            to: r.to_address,
            template: r.template,
            locale: r.locale,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            lastError: r.last_error,
            createdAt: iso(r.created_at),
          }),
          (r) => r.id,
        );
      },
    );
  };
}
