import { Transform, type Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import { AppError, decodeCursor, principalOf, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { getWorkspace } from '../workspaces/index.js';
import { presentProfile, presentProfileSummary, presentTimelineEntry } from './profile.presenter.js';
import {
  Customer,
  CustomerIdParam,
  CustomerListQuery,
  CustomerPage,
  LookupQuery,
  TimelinePage,
  TimelineQuery,
  UpdateCustomerBody,
} from './profile.schema.js';
import {
  deleteProfile,
  getProfile,
  listProfiles,
  lookupProfileId,
  searchProfileIds,
  timelineOf,
  type EventTouchpoints,
  updateTraits,
} from './profile.service.js';
import { exportCustomersCsv, importCustomersCsv } from './csv.service.js';
import { fromRow, type ProfilesContext } from './record-events.js';
import { tzOffsetMs } from '../../platform/time/index.js';

export interface ProfileRouteOptions extends ProfilesContext {
  db: Db;
  /** Touchpoints of timeline events (from the touchpoints module, when present). */
  eventTouchpoints?: EventTouchpoints;
}

const tags = ['customers'];
const TRAIT_FILTER = /^trait\.([A-Za-z][A-Za-z0-9_]{0,63})$/;
const CSV_LIMIT_BYTES = 100 * 1024 * 1024;

/** Passes a stream through, failing it with 413 past `limit` bytes (a streamed body escapes Fastify's own limit). */
function limitBytes(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(
        seen > limit ? new AppError('PAYLOAD_TOO_LARGE', 413, 'error.payload_too_large', { limit }) : null,
        chunk,
      );
    },
  });
}

/** Offset of a time zone from UTC at an instant, for counting active days in the workspace's own calendar. */

/** Customer profiles: list and search, lookup by identifier, the 360° view, the timeline, traits, erasure. */
export function profileRoutes(opts: ProfileRouteOptions): FastifyPluginAsyncTypebox {
  const { db, cipher, phoneRegion } = opts;
  const ctx: ProfilesContext = {
    cipher,
    phoneRegion,
    hooks: opts.hooks ?? [],
    changeHooks: opts.changeHooks ?? [],
  };
  const canReadPii = (request: Parameters<typeof principalOf>[0]) =>
    principalOf(request).permissions.has('pii.read');
  const view = async (request: Parameters<typeof principalOf>[0], id: string) => {
    const ws = await getWorkspace(db, workspaceIdOf(request));
    return presentProfile(
      await getProfile(db, cipher, ws.id, id, tzOffsetMs(ws.time_zone, Date.now())),
      canReadPii(request),
    );
  };

  return async (app) => {
    // CSV bodies are handed to the route as a stream, so a 100 MB import never sits in memory.
    app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) =>
      done(null, payload),
    );

    app.post(
      '/customers/import',
      {
        schema: {
          tags,
          summary: 'Import customers from CSV (upsert by identifier; UTF-8, header row)',
          description:
            'Columns user_id, anonymous_id, email, phone, wechat_openid, wechat_unionid and external:<type> are identifiers; every other column is a trait. Send Content-Type: text/csv. Up to 100 MB.',
          response: {
            200: Type.Object({
              rows: Type.Integer(),
              imported: Type.Integer(),
              rejected: Type.Integer(),
              errors: Type.Array(
                Type.Object({ row: Type.Integer(), code: Type.String(), reason: Type.String() }),
              ),
            }),
          },
        },
        config: { auth: 'workspace', permission: 'customers.import' },
      },
      async (request) => {
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'error.unsupported_media_type', {
            type: request.headers['content-type'] ?? 'none',
          });
        }
        const limited = body.pipe(limitBytes(CSV_LIMIT_BYTES));
        body.on('error', (err) => limited.destroy(err));
        const result = await importCustomersCsv(
          db,
          ctx,
          actorFromRequest(request),
          workspaceIdOf(request),
          limited,
        );
        if (limited.errored instanceof AppError) throw limited.errored;
        return result;
      },
    );

    app.get(
      '/customers/export',
      {
        schema: {
          tags,
          summary: 'Export all customers as CSV (PII masked unless you may read it)',
          produces: ['text/csv'],
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request, reply) => {
        const stream = exportCustomersCsv(
          db,
          ctx,
          actorFromRequest(request),
          workspaceIdOf(request),
          canReadPii(request),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="customers.csv"')
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );

    app.get(
      '/customers',
      {
        schema: {
          tags,
          summary: 'List customers (newest first), search with q, filter with trait.<key>=<value>',
          querystring: CustomerListQuery,
          response: { 200: CustomerPage },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => {
        const {
          limit = 50,
          cursor,
          q,
          ...rest
        } = request.query as Record<string, string | number | undefined> & {
          limit?: number;
          cursor?: string;
          q?: string;
        };
        const filters: Record<string, string> = {};
        for (const [key, value] of Object.entries(rest)) {
          const m = TRAIT_FILTER.exec(key);
          if (!m || typeof value !== 'string') {
            throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
              summary: `querystring.${key} is not a filter; use trait.<key>=<value>`,
              fields: [{ in: 'querystring', path: key, message: 'is not a filter; use trait.<key>=<value>' }],
            });
          }
          filters[m[1] as string] = value;
        }
        const workspaceId = workspaceIdOf(request);
        const pii = canReadPii(request);
        if (q) {
          const ids = await searchProfileIds(db, cipher, phoneRegion, workspaceId, q, Number(limit));
          const rows = ids.length
            ? await db
                .selectFrom('profiles')
                .selectAll()
                .where('workspace_id', '=', workspaceId)
                .where('id', 'in', ids)
                .execute()
            : [];
          return { data: rows.map((r) => presentProfileSummary(fromRow(r, cipher), pii)), nextCursor: null };
        }
        const states = await listProfiles(
          db,
          cipher,
          workspaceId,
          filters,
          Number(limit),
          decodeCursor(cursor),
        );
        return toPage(
          states,
          Number(limit),
          (s) => presentProfileSummary(s, pii),
          (s) => s.id,
        );
      },
    );

    app.get(
      '/customers/lookup',
      {
        schema: {
          tags,
          summary: 'Find the customer an identifier belongs to',
          querystring: LookupQuery,
          response: { 200: Customer },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) =>
        view(
          request,
          await lookupProfileId(
            db,
            cipher,
            phoneRegion,
            workspaceIdOf(request),
            request.query.type,
            request.query.value,
          ),
        ),
    );

    app.get(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'The 360° profile of a customer (follows merges)',
          params: CustomerIdParam,
          response: { 200: Customer },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => view(request, request.params.id),
    );

    app.get(
      '/customers/:id/timeline',
      {
        schema: {
          tags,
          summary: "A customer's timeline across channels, newest first",
          params: CustomerIdParam,
          querystring: TimelineQuery,
          response: { 200: TimelinePage },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const cursor = decodeCursor(request.query.cursor);
        let after: { timestamp: number; id: string } | undefined;
        if (cursor !== undefined) {
          const [ts, id] = cursor.split('|');
          if (!id || !Number.isSafeInteger(Number(ts)))
            throw new AppError('INVALID_CURSOR', 400, 'error.invalid_cursor');
          after = { timestamp: Number(ts), id };
        }
        const workspaceId = workspaceIdOf(request);
        const rows = await timelineOf(
          db,
          workspaceId,
          request.params.id,
          request.query,
          limit,
          after,
          opts.eventTouchpoints,
        );
        const mapped = opts.eventTouchpoints
          ? await opts.eventTouchpoints.of(
              db,
              workspaceId,
              rows.map((r) => r.id),
            )
          : new Map<string, string>();
        return toPage(
          rows,
          limit,
          (r) => presentTimelineEntry(r, mapped.get(r.id) ?? null),
          (r) => `${r.timestamp}|${r.id}`,
        );
      },
    );

    app.patch(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: "Set or remove a customer's traits",
          params: CustomerIdParam,
          body: UpdateCustomerBody,
          response: { 200: Customer },
        },
        config: { auth: 'workspace', permission: 'customers.write' },
      },
      async (request) =>
        view(
          request,
          await updateTraits(
            db,
            ctx,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            request.body.traits,
          ),
        ),
    );

    app.delete(
      '/customers/:id',
      {
        schema: { tags, summary: 'Erase a customer and all their data', params: CustomerIdParam },
        config: { auth: 'workspace', permission: 'customers.delete' },
      },
      async (request, reply) => {
        await deleteProfile(db, ctx, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
