import type { EventBus } from '../../platform/events/index.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import {
  AppError,
  decodeCursor,
  PageQuery,
  principalOf,
  toPage,
  workspaceIdOf,
} from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { addMember, changeMemberRole, listMembers, removeMember } from './member.service.js';
import { createWorkspace, getWorkspace, updateWorkspace } from './workspace.service.js';
import { presentMember, presentWorkspace } from './workspaces.presenter.js';
import {
  AddMemberBody,
  AddMemberResult,
  ChangeRoleBody,
  CreateWorkspaceBody,
  Member,
  MemberPage,
  UpdateWorkspaceBody,
  UserIdParam,
  Workspace,
} from './workspaces.schema.js';

function assertTimeZone(tz: string | undefined): void {
  if (tz === undefined) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      summary: 'body.timeZone is not an IANA time zone',
      fields: [{ in: 'body', path: 'timeZone', message: 'is not an IANA time zone' }],
    });
  }
}

/** The current workspace, new workspaces, and its members. */
export function workspaceRoutes(opts: {
  db: Db;
  tzDefault: string;
  /** Publishes time-zone changes, so rollups by local day are re-bucketed. */
  events?: EventBus;
}): FastifyPluginAsyncTypebox {
  const { db } = opts;
  return async (app) => {
    app.get(
      '/workspace',
      {
        schema: { tags: ['workspaces'], summary: 'The current workspace', response: { 200: Workspace } },
        config: { auth: 'workspace', permission: 'workspace.read' },
      },
      async (request) => presentWorkspace(await getWorkspace(db, workspaceIdOf(request))),
    );

    app.patch(
      '/workspace',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Rename the workspace or change its time zone or default language',
          body: UpdateWorkspaceBody,
          response: { 200: Workspace },
        },
        config: { auth: 'workspace', permission: 'workspace.update' },
      },
      async (request) => {
        assertTimeZone(request.body.timeZone);
        return presentWorkspace(
          await updateWorkspace(
            db,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.body,
            opts.events,
          ),
        );
      },
    );

    app.post(
      '/workspaces',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Create a workspace (you become its owner)',
          body: CreateWorkspaceBody,
          response: { 201: Workspace },
        },
        config: { auth: 'session' },
      },
      async (request, reply) => {
        assertTimeZone(request.body.timeZone);
        const ws = await createWorkspace(db, actorFromRequest(request), {
          slug: request.body.slug,
          name: request.body.name,
          timeZone: request.body.timeZone ?? opts.tzDefault,
          defaultLocale: request.body.defaultLocale ?? 'zh-CN',
          ownerUserId: principalOf(request).id,
        });
        return reply.code(201).send(presentWorkspace(ws));
      },
    );

    app.get(
      '/members',
      {
        schema: {
          tags: ['members'],
          summary: 'List members',
          querystring: PageQuery,
          response: { 200: MemberPage },
        },
        config: { auth: 'workspace', permission: 'members.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const rows = await listMembers(db, workspaceIdOf(request), limit, decodeCursor(request.query.cursor));
        return toPage(rows, limit, presentMember, (r) => r.user_id);
      },
    );

    app.post(
      '/members',
      {
        schema: {
          tags: ['members'],
          summary: 'Add a member by e-mail (creates the user with a temporary password when new)',
          body: AddMemberBody,
          response: { 201: AddMemberResult },
        },
        config: { auth: 'workspace', permission: 'members.manage' },
      },
      async (request, reply) => {
        const result = await addMember(
          db,
          actorFromRequest(request),
          principalOf(request).role,
          workspaceIdOf(request),
          request.body,
        );
        return reply
          .code(201)
          .send({ member: presentMember(result.member), temporaryPassword: result.temporaryPassword });
      },
    );

    app.patch(
      '/members/:userId',
      {
        schema: {
          tags: ['members'],
          summary: "Change a member's role",
          params: UserIdParam,
          body: ChangeRoleBody,
          response: { 200: Member },
        },
        config: { auth: 'workspace', permission: 'members.manage' },
      },
      async (request) =>
        presentMember(
          await changeMemberRole(
            db,
            actorFromRequest(request),
            principalOf(request).role,
            workspaceIdOf(request),
            request.params.userId,
            request.body.role,
          ),
        ),
    );

    app.delete(
      '/members/:userId',
      {
        schema: { tags: ['members'], summary: 'Remove a member', params: UserIdParam },
        config: { auth: 'workspace', permission: 'members.manage' },
      },
      async (request, reply) => {
        await removeMember(
          db,
          actorFromRequest(request),
          principalOf(request).role,
          workspaceIdOf(request),
          request.params.userId,
        );
        return reply.code(204).send();
      },
    );
  };
}
