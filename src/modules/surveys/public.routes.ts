import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCors from '@fastify/cors';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { fromJson } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { profileTraits } from '../profiles/index.js';
import { widgetCheck } from './distribution.service.js';
import { resolveToken, submitResponse } from './response.service.js';
import { isLanguageTag } from './survey.definition.js';
import { renderMessagePage, renderSurveyPage } from './survey.page.js';
import { getDefinitionCached } from './survey.repository.js';
import {
  PublicSurvey,
  SubmitBody,
  SubmitResult,
  TokenParam,
  WidgetCheckBody,
  WidgetCheckResult,
} from './survey.schema.js';
import type { SurveysContext } from './surveys.context.js';

export interface PublicRouteOptions {
  /** Submissions per minute per client IP and token. */
  submitsPerMinute?: number;
  /** Page and widget requests per minute per client IP. */
  readsPerMinute?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function readAsset(name: string): string {
  // From src/ (tsx, tests) the assets sit beside this file; from dist/ they are read from the source tree.
  for (const dir of [path.join(here, 'public'), path.resolve(here, '../../../src/modules/surveys/public')]) {
    const file = path.join(dir, name);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new Error(`surveys: asset ${name} not found`);
}

/** Picks the page language: ?lang, then Accept-Language, then the survey's default. */
export function pickLanguage(
  languages: readonly string[],
  defaultLanguage: string,
  queryLang: string | undefined,
  acceptLanguage: string | undefined,
): string {
  const match = (tag: string) => {
    const t = tag.trim().toLowerCase();
    return (
      languages.find((l) => l.toLowerCase() === t) ??
      languages.find((l) => l.toLowerCase().split('-')[0] === t.split('-')[0])
    );
  };
  if (queryLang) {
    const m = match(queryLang);
    if (m) return m;
  }
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 10)) {
    const m = match(part.split(';')[0] ?? '');
    if (m) return m;
  }
  return defaultLanguage;
}

function html(reply: FastifyReply, status: number, body: string, embed: boolean) {
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
  reply.header('referrer-policy', 'no-referrer');
  if (embed) {
    // The widget shows the page in an iframe on the customer's own site.
    reply.removeHeader('x-frame-options');
    reply.header(
      'content-security-policy',
      "default-src 'self';style-src 'self' 'unsafe-inline';script-src 'self';connect-src 'self';img-src 'self' data:;object-src 'none';frame-ancestors *",
    );
  }
  return reply.send(body);
}

/**
 * Public survey endpoints (no login, rate-limited): the hosted page `/s/:token`, its script, the widget script
 * `/widget.js`, and under `/api/v1/public`: the survey as JSON, response submission and the widget decision.
 */
export function publicSurveyRoutes(
  ctx: SurveysContext,
  options: PublicRouteOptions = {},
): FastifyPluginAsyncTypebox {
  const submits = options.submitsPerMinute ?? 120;
  const reads = options.readsPerMinute ?? 600;
  const surveyJs = readAsset('survey.js');
  const widgetJs = readAsset('widget.js');

  return async (app) => {
    await app.register(fastifyCors, {
      origin: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'accept-language'],
      maxAge: 86_400,
    });

    app.get(
      '/s/assets/survey.js',
      { schema: { hide: true }, config: { auth: 'public' } },
      async (_request, reply) =>
        reply
          .header('content-type', 'application/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(surveyJs),
    );
    app.get('/widget.js', { schema: { hide: true }, config: { auth: 'public' } }, async (_request, reply) =>
      reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(widgetJs),
    );

    app.get(
      '/s/:token',
      {
        schema: {
          hide: true,
          params: TokenParam,
          querystring: Type.Object(
            {
              lang: Type.Optional(Type.String({ maxLength: 40 })),
              embed: Type.Optional(Type.String({ maxLength: 5 })),
            },
            { additionalProperties: true },
          ),
        },
        config: { auth: 'public', rateLimit: { max: reads, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const embed = request.query.embed === '1';
        const accept = request.headers['accept-language'];
        let target;
        try {
          target = await resolveToken(ctx, request.params.token);
        } catch (err) {
          if (err instanceof AppError)
            return html(
              reply,
              err.httpStatus,
              renderMessagePage(
                pickLanguage(['zh-CN', 'en'], 'zh-CN', request.query.lang, accept),
                'invalid',
              ),
              embed,
            );
          throw err;
        }
        const { survey, link, workspaceId } = target;
        const languages = fromJson<string[]>(survey.languages);
        // A personal link speaks the customer's language (trait language/locale) unless ?lang says otherwise.
        let own: string | undefined;
        if (link?.profile_id && request.query.lang === undefined) {
          const traits = (await profileTraits(ctx.db, workspaceId, [link.profile_id])).get(link.profile_id);
          const v = traits?.language ?? traits?.locale;
          if (typeof v === 'string') own = v;
        }
        const language = pickLanguage(languages, survey.default_language, request.query.lang ?? own, accept);
        if (survey.status !== 'live') return html(reply, 410, renderMessagePage(language, 'closed'), embed);
        if (link?.single_use && link.used_at !== null)
          return html(reply, 409, renderMessagePage(language, 'used'), embed);
        const def = await getDefinitionCached(ctx.db, workspaceId, survey.id, survey.current_version, true);
        // Hidden fields of an anonymous link may come from the query string (e.g. ?orderId=…); a link's own win.
        const hidden: Record<string, string> = {};
        const query = request.query as Record<string, unknown>;
        for (const k of def.hiddenFields) {
          const v = Object.hasOwn(query, k) ? query[k] : undefined;
          if (typeof v === 'string' && v.length <= 500) hidden[k] = v;
        }
        const name = fromJson<Record<string, string>>(survey.name);
        return html(
          reply,
          200,
          renderSurveyPage({
            token: request.params.token,
            submitUrl: `/api/v1/public/surveys/${encodeURIComponent(request.params.token)}/responses`,
            title: name[language] ?? name[survey.default_language] ?? survey.key,
            language,
            languages,
            defaultLanguage: survey.default_language,
            definition: def,
            hidden,
            embed,
            nonceSeed: request.params.token,
          }),
          embed,
        );
      },
    );

    app.get(
      '/api/v1/public/surveys/:token',
      {
        schema: {
          tags: ['surveys (public)'],
          summary: 'The survey behind a link, as JSON (for custom front-ends); no login',
          params: TokenParam,
          querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 40 })) }),
          response: { 200: PublicSurvey },
          security: [],
        },
        config: { auth: 'public', rateLimit: { max: reads, timeWindow: '1 minute' } },
      },
      async (request) => {
        const { survey, link, workspaceId } = await resolveToken(ctx, request.params.token);
        const languages = fromJson<string[]>(survey.languages);
        const language = pickLanguage(
          languages,
          survey.default_language,
          request.query.lang,
          request.headers['accept-language'],
        );
        const def = await getDefinitionCached(ctx.db, workspaceId, survey.id, survey.current_version, true);
        const name = fromJson<Record<string, string>>(survey.name);
        return {
          surveyId: survey.id,
          version: survey.current_version,
          language,
          languages,
          name: name[language] ?? survey.key,
          status: survey.status,
          definition: def,
          hidden: link ? fromJson<Record<string, string>>(link.hidden) : {},
        };
      },
    );

    app.post(
      '/api/v1/public/surveys/:token/responses',
      {
        schema: {
          tags: ['surveys (public)'],
          summary:
            'Start, save (partial) or complete a response; the same link, respondentId or responseToken updates the same response',
          params: TokenParam,
          body: SubmitBody,
          response: { 200: SubmitResult, 201: SubmitResult },
          security: [],
        },
        config: {
          auth: 'public',
          rateLimit: {
            max: submits,
            timeWindow: '1 minute',
            keyGenerator: (req) =>
              `${req.ip}|${String((req.params as { token?: string }).token ?? '').slice(0, 200)}`,
          },
        },
      },
      async (request, reply) => {
        if (request.body.language !== undefined && !isLanguageTag(request.body.language))
          throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
            fields: [{ in: 'body', path: 'language', message: 'is not a language tag' }],
          });
        const result = await submitResponse(ctx, request.params.token, request.body, {
          source: 'page',
          ...(request.headers['accept-language']
            ? { acceptLanguage: request.headers['accept-language'] }
            : {}),
        });
        return reply.code(result.created ? 201 : 200).send(result);
      },
    );

    app.post(
      '/api/v1/public/widget/check',
      {
        schema: {
          tags: ['surveys (public)'],
          summary:
            'The web widget asks whether to show a survey to this customer now (all rules decided here)',
          body: WidgetCheckBody,
          response: { 200: WidgetCheckResult },
          security: [],
        },
        config: { auth: 'public', rateLimit: { max: reads, timeWindow: '1 minute' } },
      },
      async (request) => widgetCheck(ctx, request.body),
    );
  };
}
