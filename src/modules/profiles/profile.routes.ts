import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FieldCipher } from '../../platform/crypto/index.js';
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
  updateTraits,
} from './profile.service.js';
import { fromRow } from './record-events.js';

export interface ProfileRouteOptions {
  db: Db;
  cipher: FieldCipher;
  phoneRegion: string;
}

const tags = ['customers'];
const TRAIT_FILTER = /^trait\.([A-Za-z][A-Za-z0-9_]{0,63})$/;

/** Offset of a time zone from UTC at an instant, for counting active days in the workspace's own calendar. */
function tzOffsetMs(timeZone: string, at: number): number {
  const part =
    new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

/** Customer profiles: list and search, lookup by identifier, the 360° view, the timeline, traits, erasure. */
export function profileRoutes(opts: ProfileRouteOptions): FastifyPluginAsyncTypebox {
  const { db, cipher, phoneRegion } = opts;
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
        const rows = await timelineOf(
          db,
          workspaceIdOf(request),
          request.params.id,
          request.query,
          limit,
          after,
        );
        return toPage(rows, limit, presentTimelineEntry, (r) => `${r.timestamp}|${r.id}`);
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
            cipher,
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
        await deleteProfile(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
