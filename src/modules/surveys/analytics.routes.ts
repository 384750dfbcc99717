import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest, recordAudit } from '../audit/index.js';
import {
  breakdown,
  drivers,
  dropOff,
  expectationByTouchpoint,
  indexAnalysis,
  negativeTopics,
  responseRate,
  servqual,
  summary,
  trend,
} from './analytics.service.js';
import { exportColumns, exportRows } from './export.service.js';
import { IdParam } from './survey.schema.js';
import { getDefinition, getSurveyRow } from './survey.repository.js';
import type { SurveysContext } from './surveys.context.js';

const tags = ['survey analytics'];
const Range = {
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'start (inclusive); default: 90 days before to' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'end (exclusive); default: now' })),
  touchpointKey: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
};
const Granularity = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]);
const QuestionId = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 60,
    description:
      'a score question id, or _primary (the primary score on 0–100); default: the primary question',
  }),
);
const Json = Type.Object({}, { additionalProperties: true });

/**
 * Satisfaction analytics of one survey. Headline figures, trends and channel/touchpoint breakdowns read the
 * rollups (fast at any volume); SERVQUAL, drivers and trait breakdowns read the newest 100 000 responses.
 * Formulas are the metrics module's (docs/metrics.md).
 */
export function analyticsRoutes(ctx: SurveysContext): FastifyPluginAsyncTypebox {
  const { db } = ctx;
  const auth = { auth: 'workspace' as const, permission: 'surveys.read' };
  return async (app) => {
    app.get(
      '/surveys/:id/analytics/summary',
      {
        schema: {
          tags,
          summary:
            'Responses; NPS (promoters/passives/detractors, SE, 95% CI); CSAT and CES top-2-box % and mean; ratings; index',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => summary(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/trend',
      {
        schema: {
          tags,
          summary:
            'A score per day/week/month with its confidence band and a significance test against the previous period',
          params: IdParam,
          querystring: Type.Object({
            ...Range,
            questionId: QuestionId,
            granularity: Type.Optional(Granularity),
          }),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => trend(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/breakdown',
      {
        schema: {
          tags,
          summary:
            'A score by channel, touchpoint, customer trait (trait:<key>), hidden field (hidden:<key>) or segment, with counts',
          params: IdParam,
          querystring: Type.Object({
            ...Range,
            questionId: QuestionId,
            by: Type.String({
              minLength: 1,
              maxLength: 120,
              description:
                'channel | touchpoint | trait:<key> | hidden:<key> | segment (every active segment, up to 20) | segment:<key>[,<key>…]',
            }),
          }),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => breakdown(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/index',
      {
        schema: {
          tags,
          summary: 'Satisfaction index 0–100 with its weighted components (ACSI-style, key-account index)',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => indexAnalysis(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/servqual',
      {
        schema: {
          tags,
          summary:
            'SERVQUAL gap (P − E) per item and dimension, unweighted and weighted by the importance allocation',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => servqual(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/expectation-perception',
      {
        schema: {
          tags,
          summary: 'Mean expectation, perception and gap per touchpoint (overall and per dimension)',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) =>
        expectationByTouchpoint(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/drivers',
      {
        schema: {
          tags,
          summary:
            'Driver analysis: Johnson relative weights with R², F-test and an importance × performance priority matrix',
          params: IdParam,
          querystring: Type.Object({
            ...Range,
            outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
            attributes: Type.Optional(
              Type.String({ minLength: 1, maxLength: 2000, description: 'comma-separated question ids' }),
            ),
          }),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => drivers(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/response-rate',
      {
        schema: {
          tags,
          summary: 'Invitations (links) answered, responses started and completed, by link origin',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => responseRate(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/drop-off',
      {
        schema: {
          tags,
          summary: 'Where partial responses stopped (per question) and the time to complete',
          params: IdParam,
          querystring: Type.Object(Range),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => dropOff(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/analytics/negative-topics',
      {
        schema: {
          tags,
          summary: 'Top topics of negative comments per touchpoint (and period), with example texts',
          params: IdParam,
          querystring: Type.Object({
            ...Range,
            granularity: Type.Optional(Granularity),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
          }),
          response: { 200: Json },
        },
        config: auth,
      },
      async (request) => negativeTopics(db, workspaceIdOf(request), request.params.id, request.query),
    );

    app.get(
      '/surveys/:id/export',
      {
        schema: {
          tags,
          summary: 'Export completed (and partial) responses as CSV or XLSX, streamed',
          params: IdParam,
          querystring: Type.Object({
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
            ),
            from: Range.from,
            to: Range.to,
            includePartial: Type.Optional(Type.Boolean({ default: false })),
          }),
        },
        config: { auth: 'workspace', permission: 'surveys.export' },
      },
      async (request, reply) => {
        const ws = workspaceIdOf(request);
        const survey = await getSurveyRow(db, ws, request.params.id);
        const def = await getDefinition(db, ws, survey.id, survey.current_version);
        const format = request.query.format ?? 'csv';
        const from = request.query.from ? Date.parse(request.query.from) : 0;
        const to = request.query.to ? Date.parse(request.query.to) : Number.MAX_SAFE_INTEGER;
        await recordAudit(db, actorFromRequest(request), {
          workspaceId: ws,
          action: 'survey.exported',
          targetType: 'survey',
          targetId: survey.id,
          details: { format, from: request.query.from ?? null, to: request.query.to ?? null },
        });
        const columns = exportColumns(def, survey.default_language);
        const rows = exportRows(db, ws, survey.id, def, {
          from,
          to,
          includePartial: request.query.includePartial ?? false,
        });
        const filename = `${survey.key}-responses.${format}`;
        reply.header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`);
        if (format === 'csv') {
          const csv = stringify({ header: true, columns: columns.map((c) => c.header), bom: true });
          void (async () => {
            try {
              for await (const row of rows)
                if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
              csv.end();
            } catch (err) {
              csv.destroy(err as Error);
            }
          })();
          return reply.header('content-type', 'text/csv; charset=utf-8').send(csv);
        }
        const out = new PassThrough();
        const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
          stream: out,
          useStyles: false,
          useSharedStrings: false,
        });
        const sheet = workbook.addWorksheet('responses');
        sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
        void (async () => {
          try {
            for await (const row of rows) sheet.addRow(row).commit();
            sheet.commit();
            await workbook.commit();
          } catch (err) {
            out.destroy(err as Error);
          }
        })();
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(out);
      },
    );
  };
}
