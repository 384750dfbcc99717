import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Db } from '../../platform/db/index.js';
import {
  AppError,
  decodeCursor,
  encodeCursor,
  principalOf,
  toIso,
  workspaceIdOf,
} from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { customerSummaries, liveProfileId } from '../profiles/index.js';
import { previewRule } from './segment.membership.js';
import { presentSegment } from './segment.presenter.js';
import { validateCondition } from './segment.rules.js';
import {
  CreateSegmentBody,
  CustomerParam,
  CustomerSegments,
  KeyParam,
  MemberPage,
  MembersQuery,
  PreviewBody,
  PreviewResponse,
  SegmentList,
  SegmentListQuery,
  SegmentView,
  UpdateSegmentBody,
} from './segment.schema.js';
import type { SegmentService } from './segment.service.js';

const tags = ['segments'];
const read = { auth: 'workspace', permission: 'segments.read' } as const;
const manage = { auth: 'workspace', permission: 'segments.manage' } as const;

/** Segment definitions, their members, and the segments of one customer. */
export function segmentRoutes(opts: {
  db: Db;
  cipher: FieldCipher;
  service: SegmentService;
}): FastifyPluginAsyncTypebox {
  const { db, cipher, service } = opts;
  return async (app) => {
    app.get(
      '/segments',
      {
        schema: {
          tags,
          summary: 'List segments',
          querystring: SegmentListQuery,
          response: { 200: SegmentList },
        },
        config: read,
      },
      async (request) => ({
        data: (await service.list(workspaceIdOf(request), request.query.status)).map(presentSegment),
      }),
    );
    app.post(
      '/segments',
      {
        schema: {
          tags,
          summary: 'Create a segment; its members are computed in the background',
          body: CreateSegmentBody,
          response: { 201: SegmentView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            presentSegment(
              await service.create(actorFromRequest(request), workspaceIdOf(request), request.body),
            ),
          ),
    );
    app.post(
      '/segments/preview',
      {
        schema: {
          tags,
          summary:
            'How many customers a rule would select (exact, or estimated from a sample), before saving it',
          body: PreviewBody,
          response: { 200: PreviewResponse },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => {
        const workspaceId = workspaceIdOf(request);
        const preview = await previewRule(
          db,
          cipher,
          workspaceId,
          validateCondition(request.body.condition),
          request.body.sample ?? 5000,
        );
        return {
          ...preview,
          examples: await customerSummaries(
            db,
            cipher,
            workspaceId,
            preview.examples,
            principalOf(request).permissions.has('pii.read'),
          ),
        };
      },
    );
    app.get(
      '/segments/:key',
      {
        schema: { tags, summary: 'Get a segment', params: KeyParam, response: { 200: SegmentView } },
        config: read,
      },
      async (request) => presentSegment(await service.get(workspaceIdOf(request), request.params.key)),
    );
    app.patch(
      '/segments/:key',
      {
        schema: {
          tags,
          summary: 'Edit a segment (the key cannot change); a new rule recomputes the members',
          params: KeyParam,
          body: UpdateSegmentBody,
          response: { 200: SegmentView },
        },
        config: manage,
      },
      async (request) =>
        presentSegment(
          await service.update(
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.key,
            request.body,
          ),
        ),
    );
    app.delete(
      '/segments/:key',
      {
        schema: {
          tags,
          summary: 'Delete a segment (its members are purged in the background)',
          params: KeyParam,
        },
        config: manage,
      },
      async (request, reply) => {
        await service.remove(actorFromRequest(request), workspaceIdOf(request), request.params.key);
        return reply.code(204).send();
      },
    );
    app.post(
      '/segments/:key/refresh',
      {
        schema: {
          tags,
          summary: 'Recompute the members from scratch, as a background job with progress',
          params: KeyParam,
          response: { 202: SegmentView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            presentSegment(
              await service.refresh(actorFromRequest(request), workspaceIdOf(request), request.params.key),
            ),
          ),
    );
    app.get(
      '/segments/:key/members',
      {
        schema: {
          tags,
          summary: 'Customers in a segment, in profile-id order',
          params: KeyParam,
          querystring: MembersQuery,
          response: { 200: MemberPage },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => {
        const workspaceId = workspaceIdOf(request);
        const segment = await service.get(workspaceId, request.params.key);
        const limit = Number(request.query.limit ?? 50);
        const after = decodeCursor(request.query.cursor);
        let q = db
          .selectFrom('segment_members')
          .select(['profile_id', 'added_at'])
          .where('workspace_id', '=', workspaceId)
          .where('segment_id', '=', segment.id)
          .orderBy('profile_id')
          .limit(limit + 1);
        if (after !== undefined) q = q.where('profile_id', '>', after);
        const rows = await q.execute();
        const more = rows.length > limit;
        const page = more ? rows.slice(0, limit) : rows;
        const summaries = await customerSummaries(
          db,
          cipher,
          workspaceId,
          page.map((r) => r.profile_id),
          principalOf(request).permissions.has('pii.read'),
        );
        const addedAt = new Map(page.map((r) => [r.profile_id, r.added_at]));
        const last = page[page.length - 1];
        return {
          data: summaries.map((s) => ({ ...s, addedAt: toIso(addedAt.get(s.id) as number) })),
          nextCursor: more && last ? encodeCursor(last.profile_id) : null,
        };
      },
    );
    app.get(
      '/customers/:id/segments',
      {
        schema: {
          tags,
          summary: "The segments a customer belongs to (the live profile's, after merges)",
          params: CustomerParam,
          response: { 200: CustomerSegments },
        },
        config: { auth: 'workspace', permission: 'customers.read' },
      },
      async (request) => {
        const workspaceId = workspaceIdOf(request);
        const live = await liveProfileId(db, workspaceId, request.params.id);
        if (!live) throw new AppError('CUSTOMER_NOT_FOUND', 404, 'error.customer_not_found');
        const rows = await db
          .selectFrom('segment_members as m')
          .innerJoin('segments as s', (j) =>
            j.onRef('s.workspace_id', '=', 'm.workspace_id').onRef('s.id', '=', 'm.segment_id'),
          )
          .select(['s.key', 's.name_zh', 's.name_en', 's.status', 'm.added_at'])
          .where('m.workspace_id', '=', workspaceId)
          .where('m.profile_id', '=', live)
          .orderBy('s.key')
          .execute();
        return {
          data: rows.map((r) => ({
            key: r.key,
            name: { 'zh-CN': r.name_zh, en: r.name_en },
            status: r.status,
            since: toIso(r.added_at),
          })),
        };
      },
    );
  };
}
