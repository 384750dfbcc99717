import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCors from '@fastify/cors';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { fromJson } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { profileTraits } from '../profiles/index.js';
import { widgetCheck } from './distribution.service.js';
import { resolveToken, submitResponse, type Target } from './response.service.js';
import { checkAnswers, type AnswerProblem } from './survey.answers.js';
import { isLanguageTag, localize, type SurveyDefinition } from './survey.definition.js';
import {
  answersFromForm,
  hiddenFromForm,
  rankingTies,
  respondentIdFromForm,
  startedAtFromForm,
  type FormFields,
  type FormProblem,
} from './survey.form.js';
import { renderMessagePage, renderSurveyPage, renderThanksPage, type MessageKind } from './survey.page.js';
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

const PageQuery = Type.Object(
  {
    lang: Type.Optional(Type.String({ maxLength: 40 })),
    embed: Type.Optional(Type.String({ maxLength: 5 })),
  },
  { additionalProperties: true },
);

/** The message page for an error a public token or a submission can end in (null: not one of them). */
function messageFor(err: unknown): { status: number; kind: MessageKind } | null {
  if (!(err instanceof AppError)) return null;
  switch (err.code) {
    case 'SURVEY_LINK_INVALID':
    case 'SURVEY_LINK_EXPIRED':
      return { status: err.httpStatus, kind: 'invalid' };
    case 'SURVEY_CLOSED':
      return { status: 410, kind: 'closed' };
    case 'SURVEY_LINK_USED':
      return { status: 409, kind: 'used' };
    default:
      return null;
  }
}

/** A random anonymous respondent id for one rendering of the page (see respondentIdFromForm). */
const newRespondentId = () => randomBytes(18).toString('base64url');

/**
 * Public survey endpoints (no login, rate-limited): the hosted page `/s/:token`, its script, the widget script
 * `/widget.js`, and under `/api/v1/public`: the survey as JSON, response submission and the widget decision.
 */
export function publicSurveyRoutes(
  ctx: SurveysContext,
  options: PublicRouteOptions = {},
): FastifyPluginAsyncTypebox {
  const submits = options.submitsPerMinute ?? 120;
  // Submissions (JSON or the page's form) per client and link or survey token.
  const submitLimit = {
    max: submits,
    timeWindow: '1 minute',
    keyGenerator: (req: FastifyRequest) =>
      `${req.ip}|${String((req.params as { token?: string }).token ?? '').slice(0, 200)}`,
  };
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

    /**
     * The survey behind a token for the form post and the thanks page, or null once the message page (invalid or
     * expired link, closed survey, used link) has been sent in the asked or the browser's language.
     */
    const pageTarget = async (
      reply: FastifyReply,
      token: string,
      lang: string | undefined,
      accept: string | undefined,
      embed: boolean,
    ): Promise<Target | null> => {
      try {
        return await resolveToken(ctx, token);
      } catch (err) {
        const message = messageFor(err);
        if (!message) throw err;
        const language = pickLanguage(['zh-CN', 'en'], 'zh-CN', lang, accept);
        html(reply, message.status, renderMessagePage(language, message.kind, embed), embed);
        return null;
      }
    };

    /** The survey page of a resolved token, as GET shows it, or again with a refused post's values and problems. */
    const surveyPage = (
      target: Target,
      def: SurveyDefinition,
      token: string,
      language: string,
      embed: boolean,
      hidden: Record<string, string>,
      refused?: {
        posted: FormFields;
        problems: readonly FormProblem[];
        respondentId?: string;
        startedAt?: number;
      },
    ) => {
      const { survey, languages } = target;
      const name = fromJson<Record<string, string>>(survey.name);
      const query = `?lang=${encodeURIComponent(language)}${embed ? '&embed=1' : ''}`;
      return renderSurveyPage({
        token,
        submitUrl: `/api/v1/public/surveys/${encodeURIComponent(token)}/responses`,
        action: `/s/${encodeURIComponent(token)}${query}`,
        title: name[language] ?? name[survey.default_language] ?? survey.key,
        language,
        languages: [...languages],
        defaultLanguage: survey.default_language,
        definition: def,
        hidden,
        embed,
        nonceSeed: token,
        respondentId: refused?.respondentId ?? newRespondentId(),
        startedAt: refused?.startedAt ?? Date.now(),
        ...(refused ? { posted: refused.posted, problems: refused.problems } : {}),
      });
    };

    app.get(
      '/s/:token',
      {
        schema: { hide: true, params: TokenParam, querystring: PageQuery },
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
        return html(
          reply,
          200,
          surveyPage(target, def, request.params.token, language, embed, hidden),
          embed,
        );
      },
    );

    // The page without JavaScript: the form posts here (urlencoded, parsed only in this scope), the answers are
    // built from the fields as survey.js builds them and submitted as the JSON route submits them; a completed
    // response redirects (303) to the thanks page, refused answers render the page again (400) with the problems.
    await app.register(async (scope) => {
      // Only form bodies here (other types get 415 UNSUPPORTED_MEDIA_TYPE); the limit is the server's, as for JSON.
      scope.removeAllContentTypeParsers();
      await scope.register(fastifyFormbody);
      const form = scope.withTypeProvider<TypeBoxTypeProvider>();

      /** Refused posts that never reach the handler (too large, rate-limited) get a page, not JSON. */
      const formErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const embed = (request.query as { embed?: unknown } | undefined)?.embed === '1';
        const lang = pickLanguage(
          ['zh-CN', 'en'],
          'zh-CN',
          (request.query as { lang?: string } | undefined)?.lang,
          request.headers['accept-language'],
        );
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
          return html(reply, 413, renderMessagePage(lang, 'tooLarge', embed), embed);
        if (error instanceof AppError && error.code === 'RATE_LIMITED') {
          const { seconds } = error.details as { seconds?: number };
          reply.header('retry-after', String(seconds ?? 60));
          return html(reply, 429, renderMessagePage(lang, 'busy', embed), embed);
        }
        throw error;
      };

      form.post(
        '/s/:token',
        {
          schema: {
            hide: true,
            params: TokenParam,
            querystring: PageQuery,
            consumes: ['application/x-www-form-urlencoded'],
          },
          errorHandler: formErrors,
          config: {
            auth: 'public',
            rateLimit: submitLimit,
          },
        },
        async (request, reply) => {
          const { token } = request.params;
          const embed = request.query.embed === '1';
          const accept = request.headers['accept-language'];
          const fields: FormFields =
            request.body !== null && typeof request.body === 'object' ? (request.body as FormFields) : {};
          const target = await pageTarget(reply, token, request.query.lang, accept, embed);
          if (!target) return reply;
          const { survey, languages, workspaceId } = target;
          const language = pickLanguage(languages, survey.default_language, request.query.lang, accept);
          // Answers are read with the version a new response starts on (the page showed that version).
          const def = await getDefinitionCached(ctx.db, workspaceId, survey.id, survey.current_version, true);
          const hidden = hiddenFromForm(def, fields);
          const respondentId = respondentIdFromForm(fields);
          const startedAt = startedAtFromForm(fields);
          const answers = answersFromForm(def, fields);
          const refused = (problems: readonly FormProblem[]) =>
            html(
              reply,
              400,
              surveyPage(target, def, token, language, embed, hidden, {
                posted: fields,
                problems,
                ...(respondentId !== undefined ? { respondentId } : {}),
                ...(startedAt !== undefined ? { startedAt } : {}),
              }),
              embed,
            );
          // The JSON route reports wrong answers first and missing required ones once those are right; a page
          // round trip is slower, so every problem of a new response is listed at once (the same checks, with the
          // link's hidden fields). submitResponse checks everything again.
          // A ranking that gives two options the same position has no order: refused here (the JSON route takes an
          // ordered list), at its question before any other problem of it, wherever submitResponse would take it.
          const { link } = target;
          if (survey.status === 'live' && !(link?.single_use && link.used_at !== null)) {
            const ties = rankingTies(def, fields);
            let problems: readonly FormProblem[] = ties;
            if (!link?.used_at && !link?.response_id) {
              const linkHidden = link ? fromJson<Record<string, string>>(link.hidden) : {};
              problems = [
                ...ties,
                ...checkAnswers(def, answers, { ...hidden, ...linkHidden }, true).problems,
              ];
            }
            if (problems.length) return refused(problems);
          }
          try {
            await submitResponse(
              ctx,
              token,
              {
                answers,
                complete: true,
                ...(isLanguageTag(language) ? { language } : {}),
                hidden,
                ...(respondentId !== undefined ? { respondentId } : {}),
                ...(startedAt !== undefined ? { startedAt } : {}),
              },
              { source: 'page', ...(accept ? { acceptLanguage: accept } : {}) },
            );
          } catch (err) {
            if (err instanceof AppError && err.code === 'SURVEY_RESPONSE_INVALID')
              return refused((err.details as { questions: AnswerProblem[] }).questions);
            const message = messageFor(err);
            if (!message) throw err;
            return html(reply, message.status, renderMessagePage(language, message.kind, embed), embed);
          }
          const query = `?lang=${encodeURIComponent(language)}${embed ? '&embed=1' : ''}`;
          return reply
            .code(303)
            .header('cache-control', 'no-store')
            .header('location', `/s/${encodeURIComponent(token)}/thanks${query}`)
            .send();
        },
      );
    });

    app.get(
      '/s/:token/thanks',
      {
        schema: { hide: true, params: TokenParam, querystring: PageQuery },
        config: { auth: 'public', rateLimit: { max: reads, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const embed = request.query.embed === '1';
        const accept = request.headers['accept-language'];
        const target = await pageTarget(reply, request.params.token, request.query.lang, accept, embed);
        if (!target) return reply;
        const { survey, languages, workspaceId } = target;
        const language = pickLanguage(languages, survey.default_language, request.query.lang, accept);
        // The thanks of the version the respondent answered is not known here: the current one is shown.
        const def = await getDefinitionCached(ctx.db, workspaceId, survey.id, survey.current_version, true);
        const name = fromJson<Record<string, string>>(survey.name);
        return html(
          reply,
          200,
          renderThanksPage({
            language,
            title: name[language] ?? name[survey.default_language] ?? survey.key,
            thanks: def.thanks ? localize(def.thanks, language, survey.default_language) : null,
            embed,
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
          rateLimit: submitLimit,
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
