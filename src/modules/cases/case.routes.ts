import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/index.js';
import { AppError, decodeCursor, principalOf, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { offsetAt } from './business-hours.js';
import { summary, volume } from './case.analytics.js';
import type { CaseStatus, Priority } from './case.model.js';
import { presentCase, presentCaseSummary, presentEntry } from './case.presenter.js';
import { listCases, positionOf } from './case.queries.js';
import {
  AnalyticsQuery,
  AssignBody,
  CaseListQuery,
  CasePage,
  CaseView,
  CreateCaseBody,
  CreateCaseResponse,
  EntryPage,
  EntryView,
  IdParam,
  MessageBody,
  NoteBody,
  ReopenBody,
  ResolveBody,
  TimelineQuery,
  TransitionBody,
  UpdateCaseBody,
  VolumeQuery,
} from './case.schema.js';
import {
  addMessage,
  assignCase,
  createCase,
  findCase,
  listEntries,
  transitionCase,
  updateCase,
  type CasesDeps,
} from './case.service.js';

const tags = ['cases'];
const read = { auth: 'workspace' as const, permission: 'cases.read' };
const write = { auth: 'workspace' as const, permission: 'cases.write' };

/**
 * The expected version from the body, or from an `If-Match` header (`"3"`, `W/"3"` or `3`). Both given and
 * different is a 400.
 */
export function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header === '*') return bodyVersion;
  const m = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(String(header));
  const fromHeader = m ? Number(m[1]) : NaN;
  if (
    !Number.isSafeInteger(fromHeader) ||
    fromHeader < 1 ||
    (bodyVersion !== undefined && bodyVersion !== fromHeader)
  )
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      summary: 'headers.if-match must be the case version (and equal body.version when both are sent)',
      fields: [{ in: 'headers', path: 'if-match', message: 'must be the case version' }],
    });
  return fromHeader;
}

async function tzOffset(db: Db, workspaceId: string, at: number): Promise<number> {
  const ws = await db
    .selectFrom('workspaces')
    .select('time_zone')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return offsetAt(ws?.time_zone ?? 'Asia/Shanghai', at);
}

function range(from: string | undefined, to: string | undefined): { from: number; to: number } {
  const end = to ? Date.parse(to) : Date.now();
  const start = from ? Date.parse(from) : end - 30 * 86_400_000;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end || end - start > 3 * 366 * 86_400_000)
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      summary: 'querystring from must be before to, at most 3 years apart',
      fields: [{ in: 'querystring', path: 'from', message: 'must be before to, at most 3 years apart' }],
    });
  return { from: start, to: end };
}

/** Cases: inbox and search, the case view and timeline, and every change an agent makes. */
export function caseRoutes(db: Db, deps: CasesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          tags,
          summary: 'Agent inbox and case search (my cases, team queue, unassigned; filters; SLA-due order)',
          querystring: CaseListQuery,
          response: { 200: CasePage },
        },
        config: read,
      },
      async (request) => {
        const q = request.query;
        const limit = q.limit ?? 50;
        const filters = {
          view: q.view,
          assigneeId: q.assigneeId,
          teamId: q.teamId,
          status:
            q.status === undefined
              ? undefined
              : q.status === 'all'
                ? ('all' as const)
                : (q.status.split(',') as CaseStatus[]),
          priority: q.priority?.split(',') as Priority[] | undefined,
          category: q.category,
          slaState: q.slaState,
          profileId: q.profileId,
          q: q.q,
          sort: q.sort,
        };
        const rows = await listCases(
          db,
          workspaceIdOf(request),
          principalOf(request).userId,
          filters,
          limit,
          decodeCursor(q.cursor),
        );
        return toPage(rows, limit, presentCaseSummary, (r) => positionOf(q.sort, r));
      },
    );

    app.post(
      '/cases',
      {
        schema: {
          tags,
          summary:
            'Open a case (201), or get the existing one for a repeated externalId or an open duplicate (200)',
          body: CreateCaseBody,
          response: { 200: CreateCaseResponse, 201: CreateCaseResponse },
        },
        config: write,
      },
      async (request, reply) => {
        const b = request.body;
        const result = await createCase(db, deps, actorFromRequest(request), workspaceIdOf(request), {
          description: b.description,
          subject: b.subject,
          profileId: b.profileId ?? null,
          channel: b.channel,
          touchpointKey: b.touchpointKey ?? null,
          category: b.category ?? null,
          subcategory: b.subcategory ?? null,
          priority: b.priority,
          source: b.source ?? 'api',
          language: b.language,
          tags: b.tags,
          assigneeId: b.assigneeId ?? null,
          teamId: b.teamId ?? null,
          ...(b.externalId !== undefined && { sourceRef: `api:${b.externalId}` }),
        });
        return reply
          .code(result.created ? 201 : 200)
          .send({ case: presentCase(result.case), created: result.created, linked: result.linked });
      },
    );

    app.get(
      '/cases/:id',
      {
        schema: {
          tags,
          summary: 'One case by id or number (C-000123)',
          params: IdParam,
          response: { 200: CaseView },
        },
        config: read,
      },
      async (request, reply) => {
        const row = await findCase(db, workspaceIdOf(request), request.params.id);
        return reply.header('etag', `"${row.version}"`).send(presentCase(row));
      },
    );

    app.patch(
      '/cases/:id',
      {
        schema: {
          tags,
          summary:
            'Change subject, category, priority, tags or touchpoint (If-Match or body.version: 409 on conflict)',
          params: IdParam,
          body: UpdateCaseBody,
          response: { 200: CaseView },
        },
        config: write,
      },
      async (request, reply) => {
        const { version, ...rest } = request.body;
        const row = await updateCase(
          db,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.id,
          {
            ...rest,
            version: expectedVersion(request, version),
          },
        );
        return reply.header('etag', `"${row.version}"`).send(presentCase(row));
      },
    );

    app.get(
      '/cases/:id/timeline',
      {
        schema: {
          tags,
          summary: 'The case timeline: messages, notes, status and field changes, SLA and escalation actions',
          params: IdParam,
          querystring: TimelineQuery,
          response: { 200: EntryPage },
        },
        config: read,
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const rows = await listEntries(
          db,
          workspaceIdOf(request),
          request.params.id,
          limit,
          decodeCursor(request.query.cursor),
        );
        return toPage(rows, limit, presentEntry, (e) => e.id);
      },
    );

    const messageResponse = Type.Object({ case: CaseView, entryId: Type.String() });
    app.post(
      '/cases/:id/messages',
      {
        schema: {
          tags,
          summary: 'Reply to the customer (outbound, default) or record their message (inbound)',
          params: IdParam,
          body: MessageBody,
          response: { 201: messageResponse },
        },
        config: write,
      },
      async (request, reply) => {
        const { case: row, entryId } = await addMessage(
          db,
          deps,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.id,
          {
            body: request.body.body,
            direction: request.body.direction ?? 'outbound',
            version: expectedVersion(request, request.body.version),
          },
        );
        return reply.code(201).send({ case: presentCase(row), entryId });
      },
    );

    app.post(
      '/cases/:id/notes',
      {
        schema: {
          tags,
          summary: 'Add an internal note (never shown to the customer)',
          params: IdParam,
          body: NoteBody,
          response: { 201: messageResponse },
        },
        config: write,
      },
      async (request, reply) => {
        const { case: row, entryId } = await addMessage(
          db,
          deps,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.id,
          {
            body: request.body.body,
            direction: 'outbound',
            internal: true,
            version: expectedVersion(request, request.body.version),
          },
        );
        return reply.code(201).send({ case: presentCase(row), entryId });
      },
    );

    app.post(
      '/cases/:id/transition',
      {
        schema: {
          tags,
          summary: 'Change the status along the state machine (409 CASE_INVALID_TRANSITION otherwise)',
          params: IdParam,
          body: TransitionBody,
          response: { 200: CaseView },
        },
        config: write,
      },
      async (request) => {
        const { version, ...rest } = request.body;
        return presentCase(
          await transitionCase(
            db,
            deps,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            {
              ...rest,
              version: expectedVersion(request, version),
            },
          ),
        );
      },
    );

    app.post(
      '/cases/:id/resolve',
      {
        schema: {
          tags,
          summary: 'Resolve with a resolution code, root cause and handling steps; publishes case.resolved',
          params: IdParam,
          body: ResolveBody,
          response: { 200: CaseView },
        },
        config: write,
      },
      async (request) =>
        presentCase(
          await transitionCase(
            db,
            deps,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            {
              status: 'resolved',
              resolution: request.body.resolution,
              comment: request.body.comment,
              version: expectedVersion(request, request.body.version),
            },
          ),
        ),
    );

    app.post(
      '/cases/:id/reopen',
      {
        schema: {
          tags,
          summary: 'Reopen a resolved or closed case',
          params: IdParam,
          body: ReopenBody,
          response: { 200: CaseView },
        },
        config: write,
      },
      async (request) =>
        presentCase(
          await transitionCase(
            db,
            deps,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            {
              status: 'open',
              comment: request.body.comment,
              version: expectedVersion(request, request.body.version),
            },
          ),
        ),
    );

    app.post(
      '/cases/:id/assign',
      {
        schema: {
          tags,
          summary: 'Assign to a member and/or team (a team alone assigns by round-robin, or queues the case)',
          params: IdParam,
          body: AssignBody,
          response: { 200: CaseView },
        },
        config: write,
      },
      async (request) => {
        const { version, ...rest } = request.body;
        return presentCase(
          await assignCase(db, actorFromRequest(request), workspaceIdOf(request), request.params.id, {
            ...rest,
            version: expectedVersion(request, version),
          }),
        );
      },
    );

    app.get(
      '/cases/analytics/summary',
      {
        schema: {
          tags,
          summary:
            'Complaint rate, SLA compliance by team and agent, FCR, median handle time, reopen rate, root causes, follow-up ratings',
          querystring: AnalyticsQuery,
          response: { 200: Type.Record(Type.String(), Type.Unknown()) },
        },
        config: read,
      },
      async (request) => {
        const r = range(request.query.from, request.query.to);
        const ws = workspaceIdOf(request);
        return summary(db, ws, { ...r, tzOffsetMs: await tzOffset(db, ws, r.to) });
      },
    );

    app.get(
      '/cases/analytics/volume',
      {
        schema: {
          tags,
          summary: 'Case volume by category, touchpoint, channel, priority, source or day',
          querystring: VolumeQuery,
          response: {
            200: Type.Object({
              by: Type.String(),
              data: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })),
            }),
          },
        },
        config: read,
      },
      async (request) => {
        const r = range(request.query.from, request.query.to);
        const ws = workspaceIdOf(request);
        return {
          by: request.query.by,
          data: await volume(db, ws, { ...r, tzOffsetMs: await tzOffset(db, ws, r.to) }, request.query.by),
        };
      },
    );
    void EntryView;
  };
}
