import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import { toIso, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import type { Catalogue } from './catalogue.service.js';
import { JOURNEY_TEMPLATES } from './journey.templates.js';
import { funnel } from './journey.funnel.js';
import { paths } from './journey.paths.js';
import { touchpointHealth, touchpointHeatmap, type PerceptionSource } from './touchpoint.health.js';
import { previewRule } from './touchpoint.preview.js';
import { getRemap, startRemap } from './touchpoint.remap.js';
import { presentJourney, presentTouchpoint } from './touchpoints.presenter.js';
import {
  ApplyTemplateResponse,
  CreateJourneyBody,
  CreateTouchpointBody,
  FunnelBody,
  FunnelResponse,
  HealthQuery,
  HealthResponse,
  HeatmapQuery,
  HeatmapResponse,
  IdParam,
  JourneyList,
  JourneyView,
  KeyParam,
  PathsQuery,
  PathsResponse,
  PreviewBody,
  PreviewResponse,
  RemapView,
  TemplateList,
  TouchpointList,
  TouchpointView,
  UpdateJourneyBody,
  UpdateTouchpointBody,
} from './touchpoints.schema.js';
import type { TouchpointRemapsTable } from './touchpoints.tables.js';

export interface TouchpointRouteOptions {
  db: Db;
  catalogue: Catalogue;
  /** Survey perception per touchpoint and day, when the surveys module is present. */
  perception?: PerceptionSource;
}

const tags = ['touchpoints'];
const read = { auth: 'workspace', permission: 'touchpoints.read' } as const;
const manage = { auth: 'workspace', permission: 'touchpoints.manage' } as const;

function presentRemap(r: TouchpointRemapsTable) {
  const total = Number(r.total);
  const processed = Number(r.processed);
  return {
    id: r.id,
    status: r.status,
    total,
    processed,
    mapped: Number(r.mapped),
    progress: r.status === 'done' ? 1 : total ? Math.min(1, processed / total) : 0,
    error: r.error,
    startedAt: toIso(r.started_at),
    finishedAt: toIso(r.finished_at),
  };
}

/** The touchpoint catalogue, journeys and templates, rule preview and re-mapping, and journey analytics. */
export function touchpointRoutes(opts: TouchpointRouteOptions): FastifyPluginAsyncTypebox {
  const { db, catalogue } = opts;
  return async (app) => {
    app.get(
      '/touchpoints',
      { schema: { tags, summary: 'List touchpoints', response: { 200: TouchpointList } }, config: read },
      async (request) => ({
        data: (await catalogue.listTouchpoints(workspaceIdOf(request))).map((t) =>
          presentTouchpoint(t.touchpoint, t.journeys),
        ),
      }),
    );
    app.post(
      '/touchpoints',
      {
        schema: {
          tags,
          summary: 'Create a touchpoint',
          body: CreateTouchpointBody,
          response: { 201: TouchpointView },
        },
        config: manage,
      },
      async (request, reply) => {
        const t = await catalogue.createTouchpoint(
          actorFromRequest(request),
          workspaceIdOf(request),
          request.body,
        );
        return reply.code(201).send(presentTouchpoint(t.touchpoint, t.journeys));
      },
    );
    app.get(
      '/touchpoints/:key',
      {
        schema: { tags, summary: 'Get a touchpoint', params: KeyParam, response: { 200: TouchpointView } },
        config: read,
      },
      async (request) => {
        const t = await catalogue.getTouchpoint(workspaceIdOf(request), request.params.key);
        return presentTouchpoint(t.touchpoint, t.journeys);
      },
    );
    app.patch(
      '/touchpoints/:key',
      {
        schema: {
          tags,
          summary: 'Edit a touchpoint (the key cannot change)',
          params: KeyParam,
          body: UpdateTouchpointBody,
          response: { 200: TouchpointView },
        },
        config: manage,
      },
      async (request) => {
        const t = await catalogue.updateTouchpoint(
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.key,
          request.body,
        );
        return presentTouchpoint(t.touchpoint, t.journeys);
      },
    );
    app.delete(
      '/touchpoints/:key',
      {
        schema: {
          tags,
          summary: 'Delete a touchpoint no journey uses, with its mapped events',
          params: KeyParam,
        },
        config: manage,
      },
      async (request, reply) => {
        await catalogue.deleteTouchpoint(
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.key,
        );
        return reply.code(204).send();
      },
    );
    app.post(
      '/touchpoints/preview',
      {
        schema: {
          tags,
          summary: 'Preview a matching rule against recent events',
          body: PreviewBody,
          response: { 200: PreviewResponse },
        },
        config: read,
      },
      async (request) => previewRule(db, workspaceIdOf(request), request.body.rule, request.body.sample),
    );
    app.post(
      '/touchpoints/remaps',
      {
        schema: {
          tags,
          summary: 'Re-map all stored events with the current rules (background job)',
          response: { 202: RemapView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(presentRemap(await startRemap(db, actorFromRequest(request), workspaceIdOf(request)))),
    );
    app.get(
      '/touchpoints/remaps/:id',
      {
        schema: { tags, summary: 'Progress of a re-mapping', params: IdParam, response: { 200: RemapView } },
        config: read,
      },
      async (request) => presentRemap(await getRemap(db, workspaceIdOf(request), request.params.id)),
    );

    app.get(
      '/journeys',
      { schema: { tags, summary: 'List journeys', response: { 200: JourneyList } }, config: read },
      async (request) => ({
        data: (await catalogue.listJourneys(workspaceIdOf(request))).map(presentJourney),
      }),
    );
    app.post(
      '/journeys',
      {
        schema: {
          tags,
          summary: 'Create a journey',
          body: CreateJourneyBody,
          response: { 201: JourneyView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            presentJourney(
              await catalogue.createJourney(actorFromRequest(request), workspaceIdOf(request), request.body),
            ),
          ),
    );
    app.get(
      '/journeys/:key',
      {
        schema: { tags, summary: 'Get a journey', params: KeyParam, response: { 200: JourneyView } },
        config: read,
      },
      async (request) =>
        presentJourney(await catalogue.getJourney(workspaceIdOf(request), request.params.key)),
    );
    app.patch(
      '/journeys/:key',
      {
        schema: {
          tags,
          summary: 'Edit a journey',
          params: KeyParam,
          body: UpdateJourneyBody,
          response: { 200: JourneyView },
        },
        config: manage,
      },
      async (request) =>
        presentJourney(
          await catalogue.updateJourney(
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.key,
            request.body,
          ),
        ),
    );
    app.delete(
      '/journeys/:key',
      {
        schema: { tags, summary: 'Delete a journey (its touchpoints stay)', params: KeyParam },
        config: manage,
      },
      async (request, reply) => {
        await catalogue.deleteJourney(actorFromRequest(request), workspaceIdOf(request), request.params.key);
        return reply.code(204).send();
      },
    );
    app.get(
      '/journey-templates',
      {
        schema: {
          tags,
          summary: 'Journey templates shipped with Touchpoint',
          response: { 200: TemplateList },
        },
        config: read,
      },
      async () => ({
        data: JOURNEY_TEMPLATES.map((t) => ({
          key: t.key,
          name: t.name,
          description: t.description,
          conversionWindowDays: t.conversionWindowDays,
          touchpoints: t.touchpoints.map((x) => ({
            key: x.key,
            name: x.name,
            coreNeed: x.coreNeed,
            stage: x.stage,
            phase: x.phase,
            events: x.rule.events,
          })),
        })),
      }),
    );
    app.post(
      '/journey-templates/:key/apply',
      {
        schema: {
          tags,
          summary: 'Create a template journey and the touchpoints it needs',
          params: KeyParam,
          response: { 201: ApplyTemplateResponse },
        },
        config: manage,
      },
      async (request, reply) => {
        const r = await catalogue.applyTemplate(
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.key,
        );
        return reply.code(201).send({ journey: presentJourney(r.journey), created: r.created, kept: r.kept });
      },
    );

    app.post(
      '/analytics/funnel',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Funnel over ordered touchpoints or events, with breakdown and period comparison',
          body: FunnelBody,
          response: { 200: FunnelResponse },
        },
        config: read,
      },
      async (request) => funnel(db, workspaceIdOf(request), request.body),
    );
    app.get(
      '/analytics/paths',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Most frequent paths after or before a touchpoint (Sankey data)',
          querystring: PathsQuery,
          response: { 200: PathsResponse },
        },
        config: read,
      },
      async (request) => paths(db, workspaceIdOf(request), request.query),
    );
    app.get(
      '/analytics/touchpoint-health',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Per touchpoint and day: events, customers, conversion to the next step, perception',
          querystring: HealthQuery,
          response: { 200: HealthResponse },
        },
        config: read,
      },
      async (request) => touchpointHealth(db, workspaceIdOf(request), request.query, opts.perception),
    );
    app.get(
      '/analytics/touchpoint-heatmap',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Touchpoint × week heat map of perception, customers, events or conversion',
          querystring: HeatmapQuery,
          response: { 200: HeatmapResponse },
        },
        config: read,
      },
      async (request) => touchpointHeatmap(db, workspaceIdOf(request), request.query, opts.perception),
    );
  };
}
