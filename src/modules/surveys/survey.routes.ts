import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { fromJson } from '../../platform/db/index.js';
import { listDomainEvents } from '../../platform/events/index.js';
import { decodeCursor, toIso, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { liveProfileId } from '../profiles/index.js';
import { SURVEY_RESPONSE_FLAGGED } from './closed-loop.js';
import { surveyResponsesOfProfile } from './survey.exports.js';
import { createLink, markDeliverySent } from './distribution.service.js';
import { surveyNotFound } from './survey.errors.js';
import {
  presentDelivery,
  presentLink,
  presentResponse,
  presentSurvey,
  presentTemplate,
  presentVersion,
} from './survey.presenter.js';
import { getSettings, getSurveyRow } from './survey.repository.js';
import {
  ClosedLoopPage,
  CreateLinkBody,
  CreateSurveyBody,
  DeliveryPage,
  DeliveryParam,
  DeliveryQuery,
  DeliveryView,
  IdParam,
  LinkPage,
  LinkView,
  ResponseListQuery,
  CustomerResponseList,
  ResponsePage,
  SettingsView,
  SurveyDetail,
  SurveyListQuery,
  SurveyPage,
  SurveySettings,
  SurveyView,
  TemplateList,
  UpdateSurveyBody,
  VersionList,
  VersionParam,
  VersionView,
} from './survey.schema.js';
import {
  closeSurvey,
  createSurvey,
  deleteSurvey,
  listSurveys,
  listVersions,
  publishSurvey,
  updateSettings,
  updateSurvey,
} from './survey.service.js';
import { TEMPLATES } from './survey.templates.js';
import type { SurveysContext } from './surveys.context.js';

const tags = ['surveys'];
const PageQueryOnly = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

/** The admin API of surveys: CRUD, versions, publishing, links, deliveries, responses, settings. */
export function surveyRoutes(ctx: SurveysContext): FastifyPluginAsyncTypebox {
  const { db } = ctx;
  const detail = async (workspaceId: string, id: string) => {
    const row = await getSurveyRow(db, workspaceId, id);
    const v = await db
      .selectFrom('survey_versions')
      .select('definition')
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', id)
      .where('version', '=', row.current_version)
      .executeTakeFirstOrThrow();
    return { ...presentSurvey(ctx, row), definition: fromJson<unknown>(v.definition) };
  };

  return async (app) => {
    app.get(
      '/surveys/templates',
      {
        schema: {
          tags,
          summary: 'Survey templates shipped with Touchpoint (bilingual)',
          response: { 200: TemplateList },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async () => ({ data: TEMPLATES.map(presentTemplate) }),
    );

    app.get(
      '/surveys',
      {
        schema: {
          tags,
          summary: 'List surveys (newest first)',
          querystring: SurveyListQuery,
          response: { 200: SurveyPage },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const rows = await listSurveys(
          db,
          workspaceIdOf(request),
          limit,
          decodeCursor(request.query.cursor),
          request.query.status,
        );
        return toPage(
          rows,
          limit,
          (r) => presentSurvey(ctx, r),
          (r) => r.id,
        );
      },
    );

    app.post(
      '/surveys',
      {
        schema: {
          tags,
          summary: 'Create a draft survey, from a template or a full definition',
          body: CreateSurveyBody,
          response: { 201: SurveyDetail },
        },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request, reply) => {
        const ws = workspaceIdOf(request);
        const row = await createSurvey(db, actorFromRequest(request), ws, request.body);
        return reply.code(201).send(await detail(ws, row.id));
      },
    );

    app.get(
      '/surveys/settings',
      {
        schema: {
          tags,
          summary: 'Workspace survey settings: cooldown, closed-loop rule, case follow-up survey',
          response: { 200: SettingsView },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => getSettings(db, workspaceIdOf(request)),
    );

    app.put(
      '/surveys/settings',
      {
        schema: {
          tags,
          summary: 'Replace the workspace survey settings',
          body: SurveySettings,
          response: { 200: SettingsView },
        },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request) => updateSettings(db, actorFromRequest(request), workspaceIdOf(request), request.body),
    );

    app.get(
      '/surveys/closed-loop-events',
      {
        schema: {
          tags,
          summary:
            'Responses flagged by the closed-loop rule (domain events survey.response.flagged), newest first',
          querystring: PageQueryOnly,
          response: { 200: ClosedLoopPage },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const before = decodeCursor(request.query.cursor);
        const rows = await listDomainEvents(db, workspaceIdOf(request), {
          type: SURVEY_RESPONSE_FLAGGED,
          limit: limit + 1,
          ...(before !== undefined ? { before } : {}),
        });
        return toPage(
          rows,
          limit,
          (e) => ({ id: e.id, type: e.type, occurredAt: toIso(e.occurredAt), payload: e.payload }),
          (e) => e.id,
        );
      },
    );

    app.get(
      '/surveys/:id',
      {
        schema: {
          tags,
          summary: 'A survey with the definition of its current version',
          params: IdParam,
          response: { 200: SurveyDetail },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => detail(workspaceIdOf(request), request.params.id),
    );

    app.patch(
      '/surveys/:id',
      {
        schema: {
          tags,
          summary: 'Edit a survey; a new definition of a survey that has been live becomes a new version',
          params: IdParam,
          body: UpdateSurveyBody,
          response: { 200: SurveyDetail },
        },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        await updateSurvey(db, actorFromRequest(request), ws, request.params.id, request.body);
        return detail(ws, request.params.id);
      },
    );

    app.delete(
      '/surveys/:id',
      {
        schema: { tags, summary: 'Delete a survey that never went live', params: IdParam },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request, reply) => {
        await deleteSurvey(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.post(
      '/surveys/:id/publish',
      {
        schema: {
          tags,
          summary: 'Publish (or re-open) a survey: it takes answers',
          params: IdParam,
          response: { 200: SurveyView },
        },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request) =>
        presentSurvey(
          ctx,
          await publishSurvey(db, actorFromRequest(request), workspaceIdOf(request), request.params.id),
        ),
    );

    app.post(
      '/surveys/:id/close',
      {
        schema: {
          tags,
          summary: 'Close a live survey: it stops taking answers',
          params: IdParam,
          response: { 200: SurveyView },
        },
        config: { auth: 'workspace', permission: 'surveys.manage' },
      },
      async (request) =>
        presentSurvey(
          ctx,
          await closeSurvey(db, actorFromRequest(request), workspaceIdOf(request), request.params.id),
        ),
    );

    app.get(
      '/surveys/:id/versions',
      {
        schema: {
          tags,
          summary: 'Every version of a survey, newest first',
          params: IdParam,
          response: { 200: VersionList },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => ({
        data: (await listVersions(db, workspaceIdOf(request), request.params.id)).map(presentVersion),
      }),
    );

    app.get(
      '/surveys/:id/versions/:version',
      {
        schema: {
          tags,
          summary: 'One version of a survey',
          params: VersionParam,
          response: { 200: VersionView },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        const v = (await listVersions(db, ws, request.params.id)).find(
          (x) => x.version === request.params.version,
        );
        if (!v) throw surveyNotFound(`${request.params.id}@${request.params.version}`);
        return presentVersion(v);
      },
    );

    app.post(
      '/surveys/:id/links',
      {
        schema: {
          tags,
          summary:
            'Create a personal (profileId or identifier) or anonymous single-use link, with hidden fields',
          params: IdParam,
          body: CreateLinkBody,
          response: { 201: LinkView },
        },
        config: { auth: 'workspace', permission: 'surveys.distribute' },
      },
      async (request, reply) => {
        const link = await createLink(
          ctx,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.id,
          request.body,
        );
        return reply.code(201).send(presentLink(ctx, link));
      },
    );

    app.get(
      '/surveys/:id/links',
      {
        schema: {
          tags,
          summary: 'Links of a survey (newest first)',
          params: IdParam,
          querystring: PageQueryOnly,
          response: { 200: LinkPage },
        },
        config: { auth: 'workspace', permission: 'surveys.distribute' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        await getSurveyRow(db, ws, request.params.id);
        const limit = request.query.limit ?? 50;
        const after = decodeCursor(request.query.cursor);
        let q = db
          .selectFrom('survey_links')
          .selectAll()
          .where('workspace_id', '=', ws)
          .where('survey_id', '=', request.params.id)
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (after) q = q.where('id', '<', after);
        return toPage(
          await q.execute(),
          limit,
          (l) => presentLink(ctx, l),
          (l) => l.id,
        );
      },
    );

    app.get(
      '/surveys/:id/deliveries',
      {
        schema: {
          tags,
          summary:
            'Invitations created by event triggers and case follow-ups, with their URLs for e-mail/SMS',
          params: IdParam,
          querystring: DeliveryQuery,
          response: { 200: DeliveryPage },
        },
        config: { auth: 'workspace', permission: 'surveys.distribute' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        await getSurveyRow(db, ws, request.params.id);
        const limit = request.query.limit ?? 50;
        const after = decodeCursor(request.query.cursor);
        let q = db
          .selectFrom('survey_deliveries as d')
          .innerJoin('survey_links as l', (j) =>
            j.onRef('l.workspace_id', '=', 'd.workspace_id').onRef('l.id', '=', 'd.link_id'),
          )
          .selectAll('d')
          .select('l.used_at')
          .where('d.workspace_id', '=', ws)
          .where('d.survey_id', '=', request.params.id)
          .orderBy('d.id', 'desc')
          .limit(limit + 1);
        if (after) q = q.where('d.id', '<', after);
        if (request.query.unsent) q = q.where('d.sent_at', 'is', null);
        return toPage(
          await q.execute(),
          limit,
          (d) => presentDelivery(ctx, d),
          (d) => d.id,
        );
      },
    );

    app.post(
      '/surveys/:id/deliveries/:deliveryId/sent',
      {
        schema: {
          tags,
          summary: 'Mark a delivery as sent (by the e-mail/SMS sender)',
          params: DeliveryParam,
          response: { 200: DeliveryView },
        },
        config: { auth: 'workspace', permission: 'surveys.distribute' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        const d = await markDeliverySent(
          db,
          actorFromRequest(request),
          ws,
          request.params.id,
          request.params.deliveryId,
        );
        if (!d) throw surveyNotFound(request.params.deliveryId);
        const link = await db
          .selectFrom('survey_links')
          .select('used_at')
          .where('workspace_id', '=', ws)
          .where('id', '=', d.link_id)
          .executeTakeFirst();
        return presentDelivery(ctx, { ...d, used_at: link?.used_at ?? null });
      },
    );

    app.get(
      '/surveys/:id/responses',
      {
        schema: {
          tags,
          summary: 'Responses of a survey (newest first)',
          params: IdParam,
          querystring: ResponseListQuery,
          response: { 200: ResponsePage },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        await getSurveyRow(db, ws, request.params.id);
        const limit = request.query.limit ?? 50;
        const after = decodeCursor(request.query.cursor);
        let q = db
          .selectFrom('survey_responses')
          .selectAll()
          .where('workspace_id', '=', ws)
          .where('survey_id', '=', request.params.id)
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (after) q = q.where('id', '<', after);
        if (request.query.status) q = q.where('status', '=', request.query.status);
        return toPage(await q.execute(), limit, presentResponse, (r) => r.id);
      },
    );

    app.get(
      '/customers/:id/survey-responses',
      {
        schema: {
          tags,
          summary: "A customer's survey responses for the 360° profile (newest first, up to 100)",
          params: IdParam,
          response: { 200: CustomerResponseList },
        },
        config: { auth: 'workspace', permission: 'surveys.read' },
      },
      async (request) => {
        const ws = workspaceIdOf(request);
        // A merged-away id still answers, for the survivor; an unknown id has no responses.
        const profileId = (await liveProfileId(db, ws, request.params.id)) ?? request.params.id;
        const rows = await surveyResponsesOfProfile(db, ws, profileId, 100);
        return {
          data: rows.map((r) => ({
            ...r,
            score: r.score === null ? null : Number(r.score),
            score100: r.score100 === null ? null : Number(r.score100),
            startedAt: toIso(Number(r.startedAt)),
            completedAt: r.completedAt === null ? null : toIso(Number(r.completedAt)),
          })),
        };
      },
    );
  };
}
