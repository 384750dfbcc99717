import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import { decodeCursor, PageQuery, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import { invalidField } from './text.errors.js';
import { presentCorrection, presentKeyword, presentReanalysis } from './text.presenter.js';
import { TextReanalysis } from './text.reanalysis.js';
import {
  AddKeywordBody,
  AnalyzeBody,
  AnalyzeResponse,
  CorrectBody,
  CorrectionPage,
  CorrectionView,
  IdParam,
  KeywordPage,
  KeywordQuery,
  KeywordView,
  ReanalysisBody,
  ReanalysisView,
  TopicList,
} from './text.schema.js';
import {
  addKeyword,
  analyzeForWorkspace,
  correctText,
  effectiveTaxonomy,
  listCorrections,
  listKeywords,
  removeCorrection,
  removeKeyword,
} from './text.service.js';

/**
 * Text analytics: ad-hoc analysis (`POST /text/analyze`), the workspace's topics and keywords, and its corrections.
 */
export function textRoutes(
  db: Db,
  reanalysis: TextReanalysis = new TextReanalysis(db, []),
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/text/reanalyses',
      {
        schema: {
          tags: ['text'],
          summary:
            'Analyse stored texts again (survey answers, case descriptions) with the current vocabulary',
          body: ReanalysisBody,
          response: { 202: ReanalysisView },
        },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            presentReanalysis(
              await reanalysis.start(actorFromRequest(request), workspaceIdOf(request), request.body.sources),
            ),
          ),
    );
    app.get(
      '/text/reanalyses/:id',
      {
        schema: {
          tags: ['text'],
          summary: 'Progress of a re-analysis',
          params: IdParam,
          response: { 200: ReanalysisView },
        },
        config: { auth: 'workspace', permission: 'text.analyze' },
      },
      async (request) => presentReanalysis(await reanalysis.get(workspaceIdOf(request), request.params.id)),
    );

    app.post(
      '/text/analyze',
      {
        schema: {
          tags: ['text'],
          summary: 'Analyse one text or up to 100: language, sentiment, topics, keywords, urgency',
          body: AnalyzeBody,
          response: { 200: AnalyzeResponse },
        },
        config: { auth: 'workspace', permission: 'text.analyze' },
      },
      async (request) => {
        const { text, texts, language } = request.body;
        if ((text === undefined) === (texts === undefined))
          throw invalidField('text', 'or texts is required (not both)');
        const results = await analyzeForWorkspace(
          db,
          workspaceIdOf(request),
          texts ?? [text as string],
          language,
        );
        return texts === undefined ? (results[0] as (typeof results)[number]) : { results };
      },
    );

    app.get(
      '/text/topics',
      {
        schema: {
          tags: ['text'],
          summary: "The workspace's taxonomy: default and own topics with their keywords",
          response: { 200: TopicList },
        },
        config: { auth: 'workspace', permission: 'text.analyze' },
      },
      async (request) => ({ data: await effectiveTaxonomy(db, workspaceIdOf(request)) }),
    );

    app.get(
      '/text/keywords',
      {
        schema: {
          tags: ['text'],
          summary: 'List keywords the workspace added (newest first)',
          querystring: KeywordQuery,
          response: { 200: KeywordPage },
        },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        return toPage(
          await listKeywords(
            db,
            workspaceIdOf(request),
            limit,
            decodeCursor(request.query.cursor),
            request.query.topic,
          ),
          limit,
          presentKeyword,
          (r) => r.id,
        );
      },
    );

    app.post(
      '/text/keywords',
      {
        schema: {
          tags: ['text'],
          summary: 'Add a keyword to a topic (a new topic needs topicName); adding it again returns it (200)',
          body: AddKeywordBody,
          response: { 200: KeywordView, 201: KeywordView },
        },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request, reply) => {
        const { keyword, created } = await addKeyword(
          db,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.body,
        );
        return reply.code(created ? 201 : 200).send(presentKeyword(keyword));
      },
    );

    app.delete(
      '/text/keywords/:id',
      {
        schema: { tags: ['text'], summary: 'Remove a keyword the workspace added', params: IdParam },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request, reply) => {
        await removeKeyword(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/text/corrections',
      {
        schema: {
          tags: ['text'],
          summary: 'List corrections of analysed texts (newest first)',
          querystring: PageQuery,
          response: { 200: CorrectionPage },
        },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        return toPage(
          await listCorrections(db, workspaceIdOf(request), limit, decodeCursor(request.query.cursor)),
          limit,
          presentCorrection,
          (r) => r.id,
        );
      },
    );

    app.post(
      '/text/corrections',
      {
        schema: {
          tags: ['text'],
          summary:
            'Correct the sentiment and/or topics of a text; the same text corrected again is updated (200)',
          body: CorrectBody,
          response: { 200: CorrectionView, 201: CorrectionView },
        },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request, reply) => {
        const { correction, created } = await correctText(
          db,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.body,
        );
        return reply.code(created ? 201 : 200).send(presentCorrection(correction));
      },
    );

    app.delete(
      '/text/corrections/:id',
      {
        schema: { tags: ['text'], summary: 'Remove a correction (the model decides again)', params: IdParam },
        config: { auth: 'workspace', permission: 'text.manage' },
      },
      async (request, reply) => {
        await removeCorrection(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
