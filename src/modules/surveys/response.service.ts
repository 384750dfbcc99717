import type { Selectable } from 'kysely';
import {
  fromJson,
  inTransaction,
  isUniqueViolation,
  newId,
  toJson,
  type Db,
} from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { recordProfileEvent } from '../profiles/index.js';
import { analyzeForWorkspace } from '../text/index.js';
import { checkAnswers, type Answers } from './survey.answers.js';
import { evaluateClosedLoop, publishFlagged } from './closed-loop.js';
import { markAnswered } from './survey.contacts.js';
import type { SurveyDefinition } from './survey.definition.js';
import {
  linkExpired,
  linkInvalid,
  linkUsed,
  responseInvalid,
  responseTokenInvalid,
  surveyClosed,
} from './survey.errors.js';
import { getDefinitionCached, getSettings, type SurveyRow } from './survey.repository.js';
import type { SubmitBody } from './survey.schema.js';
import { applyRollup, primaryScoreOf, rollupValuesOf } from './survey.scoring.js';
import type { SurveyLinksTable, SurveyResponsesTable } from './surveys.tables.js';
import { workspaceTimeZone, type SurveysContext } from './surveys.context.js';

export type LinkRow = Selectable<SurveyLinksTable>;
export type ResponseRow = Selectable<SurveyResponsesTable>;

/** What a survey or link token opens: the survey (and link) in its workspace. */
export interface Target {
  workspaceId: string;
  survey: SurveyRow;
  link: LinkRow | null;
}

const surveyCache = new Map<string, { row: SurveyRow | null; until: number }>();
const SURVEY_CACHE_MS = 2000;

/** Forgets cached survey rows of a workspace (called when its surveys change). */
export function forgetSurveys(workspaceId: string): void {
  for (const k of surveyCache.keys()) if (k.startsWith(`${workspaceId}\u0000`)) surveyCache.delete(k);
}

async function surveyRow(db: Db, workspaceId: string, id: string): Promise<SurveyRow | null> {
  const key = `${workspaceId}\u0000${id}`;
  const now = Date.now();
  const hit = surveyCache.get(key);
  if (hit && hit.until > now) return hit.row;
  const row =
    (await db
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null;
  if (surveyCache.size > 10_000) surveyCache.clear();
  surveyCache.set(key, { row, until: now + SURVEY_CACHE_MS });
  return row;
}

/** Resolves a token from a URL to its survey and link; 404 for anything forged or unknown, 410 when expired. */
export async function resolveToken(ctx: SurveysContext, token: string, now = Date.now()): Promise<Target> {
  const parsed = ctx.tokens.parse(token);
  if (!parsed) throw linkInvalid();
  let link: LinkRow | null = null;
  let surveyId = parsed.id;
  if (parsed.kind === 'link') {
    link =
      (await ctx.db
        .selectFrom('survey_links')
        .selectAll()
        .where('workspace_id', '=', parsed.workspaceId)
        .where('id', '=', parsed.id)
        .executeTakeFirst()) ?? null;
    if (!link) throw linkInvalid();
    if (link.expires_at !== null && link.expires_at <= now) throw linkExpired();
    surveyId = link.survey_id;
  }
  const survey = await surveyRow(ctx.db, parsed.workspaceId, surveyId);
  if (!survey) throw linkInvalid();
  return { workspaceId: parsed.workspaceId, survey, link };
}

const MAX_START_SKEW = 86_400_000;

export interface SubmitMeta {
  /** Source of the submission, for the timeline ('page' | 'widget' | 'api'). */
  source: string;
  acceptLanguage?: string;
}

export interface SubmitResult {
  responseId: string;
  responseToken: string;
  status: 'partial' | 'completed';
  created: boolean;
}

/**
 * Saves answers to a survey through a public token: starts a response, adds to a partial one, completes it, or
 * updates a completed one (the same link, respondent id or response token leads to the same response, never a
 * duplicate). Every answer is validated against the version the response started on; problems come back as one 400
 * listing each question. On completion the rollups are updated, open-text answers analysed, the closed-loop rule
 * evaluated and a `Survey Responded` event added to the customer's timeline — all in one transaction.
 */
export async function submitResponse(
  ctx: SurveysContext,
  token: string,
  body: SubmitBody,
  meta: SubmitMeta,
  now = Date.now(),
): Promise<SubmitResult> {
  const { workspaceId, survey, link } = await resolveToken(ctx, token, now);
  if (survey.status !== 'live') throw surveyClosed(survey.status);
  const { db } = ctx;

  // Which response this submission continues, if any.
  let respondentKey: string;
  let existing: ResponseRow | undefined;
  const findByKey = (key: string) =>
    db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', survey.id)
      .where('respondent_key', '=', key)
      .executeTakeFirst();
  if (link) {
    respondentKey = `l:${link.id}`;
    existing = await findByKey(respondentKey);
    if (link.single_use && link.used_at !== null) throw linkUsed();
  } else if (body.responseToken !== undefined) {
    const id = ctx.tokens.parseResponse(workspaceId, body.responseToken);
    if (!id) throw responseTokenInvalid();
    existing = await db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing || existing.survey_id !== survey.id) throw responseTokenInvalid();
    respondentKey = existing.respondent_key;
  } else if (body.respondentId !== undefined) {
    respondentKey = `r:${body.respondentId}`;
    existing = await findByKey(respondentKey);
  } else {
    respondentKey = '';
  }

  const version = existing?.version ?? survey.current_version;
  const def = await getDefinitionCached(db, workspaceId, survey.id, version, true);
  const hidden: Record<string, string> = {};
  const given = {
    ...(existing ? fromJson<Record<string, string>>(existing.hidden) : {}),
    ...(body.hidden ?? {}),
  };
  for (const k of def.hiddenFields) if (Object.hasOwn(given, k)) hidden[k] = given[k] as string;
  if (link) for (const [k, v] of Object.entries(fromJson<Record<string, string>>(link.hidden))) hidden[k] = v;

  // Check what was sent, then the whole response when completing.
  const sent = checkAnswers(def, body.answers, hidden, false);
  if (sent.problems.length) throw responseInvalid(sent.problems);
  const merged: Answers = { ...(existing ? fromJson<Answers>(existing.answers) : {}) };
  if (body.answers !== null && typeof body.answers === 'object')
    for (const k of Object.keys(body.answers as object)) delete merged[k];
  Object.assign(merged, sent.answers);
  const complete = body.complete === true || existing?.status === 'completed';
  const final = checkAnswers(def, merged, hidden, complete);
  if (final.problems.length) throw responseInvalid(final.problems);
  const answers = final.answers;

  const languages = fromJson<string[]>(survey.languages);
  const language =
    body.language && languages.includes(body.language)
      ? body.language
      : (existing?.language ?? survey.default_language);
  const channel = existing?.channel ?? link?.channel ?? body.channel ?? survey.channel ?? 'web';
  const touchpointKey = existing?.touchpoint_key ?? survey.touchpoint_key ?? body.touchpointKey ?? null;
  const profileId = link?.profile_id ?? existing?.profile_id ?? null;
  const startedAt =
    existing?.started_at ??
    (body.startedAt !== undefined && body.startedAt <= now && body.startedAt >= now - MAX_START_SKEW
      ? body.startedAt
      : now);
  const primary = complete ? primaryScoreOf(def, answers) : { metric: null, score: null, score100: null };

  // Open texts are analysed outside the transaction (CPU work); only on completion.
  const texts = complete ? openTexts(def, answers) : [];
  const analyses = texts.length
    ? await analyzeForWorkspace(
        db,
        workspaceId,
        texts.map((t) => t.text),
      )
    : [];

  const tz = complete ? await workspaceTimeZone(db, workspaceId) : 'UTC';
  const settings = complete ? await getSettings(db, workspaceId) : null;

  return inTransaction(db, async (trx) => {
    const id = existing?.id ?? newId('rsp');
    const key = respondentKey || `x:${id}`;
    const wasCompleted = existing?.status === 'completed';
    const completedAt = complete ? (wasCompleted ? (existing?.completed_at ?? now) : now) : null;
    const day = completedAt !== null ? localDayStart(tz, completedAt) : null;
    const comment = texts[0]?.text ?? null;
    const negative = analyses.some((a) => a.sentiment.label === 'negative');
    const flags = complete && settings ? evaluateClosedLoop(settings.closedLoop, primary, negative) : [];
    const row: ResponseRow = {
      workspace_id: workspaceId,
      id,
      survey_id: survey.id,
      version,
      respondent_key: key,
      link_id: link?.id ?? existing?.link_id ?? null,
      profile_id: profileId,
      status: complete ? 'completed' : 'partial',
      language,
      channel,
      touchpoint_key: touchpointKey,
      hidden: toJson(hidden),
      answers: toJson(answers),
      metric: primary.metric,
      score: primary.score,
      score100: primary.score100,
      last_question_id: final.lastQuestionId,
      flags: flags.length ? toJson(flags) : null,
      started_at: startedAt,
      updated_at: now,
      completed_at: completedAt,
      rollup_day: day,
      duration_ms: completedAt !== null ? Math.max(0, completedAt - startedAt) : null,
    };

    if (existing) {
      // Take the old contribution out before putting the new one in.
      if (wasCompleted && existing.rollup_day !== null) {
        const oldDef: SurveyDefinition = def;
        const oldAnswers = fromJson<Answers>(existing.answers);
        const oldPrimary = {
          metric: existing.metric as never,
          score: existing.score,
          score100: existing.score100,
        };
        await applyRollup(
          trx,
          {
            workspaceId,
            surveyId: survey.id,
            day: existing.rollup_day,
            touchpointKey: existing.touchpoint_key,
            channel: existing.channel,
          },
          rollupValuesOf(oldDef, oldAnswers, oldPrimary, existing.duration_ms),
          -1,
        );
      }
      const { workspace_id: _w, id: _i, ...set } = row;
      await trx
        .updateTable('survey_responses')
        .set(set)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    } else {
      try {
        await trx.insertInto('survey_responses').values(row).execute();
      } catch (err) {
        // Two first submissions of one respondent at once: the second one retries as an update.
        if (isUniqueViolation(err)) throw responseTokenInvalid();
        throw err;
      }
    }

    if (complete && day !== null) {
      await applyRollup(
        trx,
        { workspaceId, surveyId: survey.id, day, touchpointKey, channel },
        rollupValuesOf(def, answers, primary, row.duration_ms),
        1,
      );
      await trx
        .deleteFrom('survey_answer_texts')
        .where('workspace_id', '=', workspaceId)
        .where('response_id', '=', id)
        .execute();
      if (texts.length)
        await trx
          .insertInto('survey_answer_texts')
          .values(
            texts.map((t, i) => {
              const a = analyses[i];
              return {
                workspace_id: workspaceId,
                response_id: id,
                question_id: t.questionId,
                survey_id: survey.id,
                text: t.text,
                language: a?.language ?? 'zh',
                sentiment: a?.sentiment.label ?? 'neutral',
                sentiment_score: a?.sentiment.score ?? 0.5,
                topics: toJson(a?.topics.map((x) => x.key) ?? []),
                touchpoint_key: touchpointKey,
                channel,
                completed_at: completedAt ?? now,
              };
            }),
          )
          .execute();
      if (link && !wasCompleted)
        await trx
          .updateTable('survey_links')
          .set({ used_at: now, response_id: id })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', link.id)
          .execute();
      if (profileId) {
        await markAnswered(trx, workspaceId, profileId, survey.id, now);
        if (!wasCompleted)
          await recordProfileEvent(trx, ctx.profiles, workspaceId, profileId, {
            messageId: `survey-response-${id}`,
            name: 'Survey Responded',
            channel,
            timestamp: completedAt ?? now,
            properties: {
              surveyId: survey.id,
              surveyKey: survey.key,
              responseId: id,
              version,
              metric: primary.metric,
              score: primary.score,
              touchpointKey,
              source: meta.source,
            },
          });
      }
      const previouslyFlagged = existing?.flags !== null && existing?.flags !== undefined;
      if (flags.length && !previouslyFlagged)
        await publishFlagged(ctx.events, trx, workspaceId, {
          surveyId: survey.id,
          responseId: id,
          profileId,
          touchpointKey,
          channel,
          reasons: flags,
          score: primary.score,
          metric:
            primary.metric === 'nps' || primary.metric === 'csat' || primary.metric === 'ces'
              ? primary.metric
              : null,
          comment,
          language,
          hidden,
        });
    }
    return {
      responseId: id,
      responseToken: ctx.tokens.response(workspaceId, id),
      status: row.status as 'partial' | 'completed',
      created: !existing,
    };
  });
}

/** The open-text answers of a response (text questions and "other" texts), in question order. */
export function openTexts(def: SurveyDefinition, answers: Answers): { questionId: string; text: string }[] {
  const out: { questionId: string; text: string }[] = [];
  for (const q of def.questions) {
    const a = answers[q.id];
    if (q.type === 'text' && typeof a === 'string' && a.trim()) out.push({ questionId: q.id, text: a });
  }
  return out;
}
