import type { Insertable, Selectable } from 'kysely';
import { fromJson, inTransaction, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordProfileEvent } from '../profiles/index.js';
import { analyzeForWorkspace } from '../text/index.js';
import { evaluateClosedLoop, publishFlagged } from './closed-loop.js';
import { cachedSettings, cachedSurvey } from './response.cache.js';
import type { Answers } from './survey.answers.js';
import type { SurveyDefinition } from './survey.definition.js';
import { getDefinitionCached } from './survey.repository.js';
import type { PrimaryScore } from './survey.scoring.js';
import type { SurveyAnswerTextsTable, SurveyResponsesTable } from './surveys.tables.js';
import type { SurveysContext } from './surveys.context.js';

/**
 * Job type of the work that follows a committed completion and need not delay its acknowledgement: the open-text
 * analysis (sentiment, topics → `survey_answer_texts`), the closed-loop rule (which needs the comment's sentiment)
 * and its `survey.response.flagged` event, and the `Survey Responded` timeline event. One job per workspace and
 * group-commit batch, enqueued in the batch's transaction (so it exists exactly when the responses do).
 */
export const AFTER_RESPONSE_JOB = 'surveys.after-response';

/** One completed response the job is to finish: its id and the `updated_at` it was written with. */
export interface AfterResponseRef {
  id: string;
  /** `updated_at` of the write that asked for this: a later write (a correction) supersedes it. */
  u: number;
  /** Source of the submission for the timeline ('page' | 'widget' | 'api' | 'demo'). */
  source: string;
}

export interface AfterResponsePayload {
  responses: AfterResponseRef[];
}

/** Enqueues the post-commit work of a batch's completed responses of one workspace, in the batch's transaction. */
export async function enqueueAfterResponses(
  trx: Db,
  workspaceId: string,
  responses: AfterResponseRef[],
): Promise<void> {
  if (responses.length === 0) return;
  const payload: AfterResponsePayload = { responses };
  await enqueueJob(trx, { type: AFTER_RESPONSE_JOB, workspaceId, payload, maxAttempts: 8 });
}

/** The open-text answers of a response (text questions), in question order. */
export function openTexts(def: SurveyDefinition, answers: Answers): { questionId: string; text: string }[] {
  const out: { questionId: string; text: string }[] = [];
  for (const q of def.questions) {
    const a = answers[q.id];
    if (q.type === 'text' && typeof a === 'string' && a.trim()) out.push({ questionId: q.id, text: a });
  }
  return out;
}

type ResponseRow = Selectable<SurveyResponsesTable>;

/**
 * Finishes completed responses after their commit: analyses their open texts (one analysis call for the whole
 * list), evaluates the closed-loop rule with the comments' sentiment, and in one transaction stores the flags and
 * the analysed texts, publishes `survey.response.flagged` for a response that was not flagged before, and adds
 * `Survey Responded` to the customer's timeline.
 *
 * Idempotent and safe against corrections: each response is claimed with an update guarded by the `updated_at` it
 * was written with, which also moves `updated_at` on. A response written again since (a correction, which asks for
 * its own run) or already finished by an earlier run of this job is left alone; a submission prepared before this
 * run and written after it loses its guarded update and is prepared again (it then sees the flags stored here).
 */
export async function finishResponses(
  ctx: SurveysContext,
  workspaceId: string,
  refs: readonly AfterResponseRef[],
  now = Date.now(),
): Promise<{ finished: number; flagged: number; texts: number }> {
  const { db } = ctx;
  const result = { finished: 0, flagged: 0, texts: 0 };
  if (refs.length === 0) return result;
  const rows = new Map<string, ResponseRow>();
  const ids = [...new Set(refs.map((r) => r.id))];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = await db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of chunk) rows.set(r.id, r);
  }

  interface Item {
    ref: AfterResponseRef;
    row: ResponseRow;
    surveyKey: string;
    texts: { questionId: string; text: string }[];
  }
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const row = rows.get(ref.id);
    if (!row || row.status !== 'completed' || row.updated_at !== ref.u || seen.has(ref.id)) continue;
    seen.add(ref.id);
    const survey = await cachedSurvey(db, workspaceId, row.survey_id);
    if (!survey) continue;
    const def = await getDefinitionCached(db, workspaceId, row.survey_id, row.version, true);
    items.push({
      ref,
      row,
      surveyKey: survey.row.key,
      texts: openTexts(def, fromJson<Answers>(row.answers)),
    });
  }
  if (items.length === 0) return result;

  const texts = items.flatMap((it) => it.texts.map((t) => t.text));
  const analyses = texts.length ? await analyzeForWorkspace(db, workspaceId, texts) : [];
  const settings = await cachedSettings(db, workspaceId);

  await inTransaction(db, async (trx) => {
    const textRows: Insertable<SurveyAnswerTextsTable>[] = [];
    const withTexts: string[] = [];
    let k = 0;
    for (const it of items) {
      const { row } = it;
      const analysed = analyses.slice(k, k + it.texts.length);
      k += it.texts.length;
      const primary: PrimaryScore = {
        metric: row.metric as PrimaryScore['metric'],
        score: row.score,
        score100: row.score100,
      };
      const negative = analysed.some((a) => a.sentiment.label === 'negative');
      const flags = evaluateClosedLoop(settings.closedLoop, primary, negative);
      const claimed = await trx
        .updateTable('survey_responses')
        .set({ flags: flags.length ? toJson(flags) : null, updated_at: Math.max(now, row.updated_at + 1) })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.id)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      result.finished++;
      if (it.texts.length) withTexts.push(row.id);
      it.texts.forEach((t, i) => {
        const a = analysed[i];
        textRows.push({
          workspace_id: workspaceId,
          response_id: row.id,
          question_id: t.questionId,
          survey_id: row.survey_id,
          text: t.text,
          language: a?.language ?? 'zh',
          sentiment: a?.sentiment.label ?? 'neutral',
          sentiment_score: a?.sentiment.score ?? 0.5,
          topics: toJson(a?.topics.map((x) => x.key) ?? []),
          touchpoint_key: row.touchpoint_key,
          channel: row.channel,
          completed_at: row.completed_at ?? row.updated_at,
        });
      });
      // Flagged once per response: not again when it was flagged before (a correction of a flagged response).
      if (flags.length && row.flags === null) {
        const metric = primary.metric;
        await publishFlagged(ctx.events, trx, workspaceId, {
          surveyId: row.survey_id,
          responseId: row.id,
          profileId: row.profile_id,
          touchpointKey: row.touchpoint_key,
          channel: row.channel,
          reasons: flags,
          score: primary.score,
          metric: metric === 'nps' || metric === 'csat' || metric === 'ces' ? metric : null,
          comment: it.texts[0]?.text ?? null,
          language: row.language,
          hidden: fromJson<Record<string, string>>(row.hidden),
        });
        result.flagged++;
      }
      // The timeline event is stored once per response (messageId), however often this runs.
      if (row.profile_id)
        await recordProfileEvent(trx, ctx.profiles, workspaceId, row.profile_id, {
          messageId: `survey-response-${row.id}`,
          name: 'Survey Responded',
          channel: row.channel,
          timestamp: row.completed_at ?? row.updated_at,
          properties: {
            surveyId: row.survey_id,
            surveyKey: it.surveyKey,
            responseId: row.id,
            version: row.version,
            metric: row.metric,
            score: row.score,
            touchpointKey: row.touchpoint_key,
            source: it.ref.source,
          },
        });
    }
    // Rows of an earlier analysis of the same answers (a retried run that committed) are replaced.
    for (let i = 0; i < withTexts.length; i += 500)
      await trx
        .deleteFrom('survey_answer_texts')
        .where('workspace_id', '=', workspaceId)
        .where('response_id', 'in', withTexts.slice(i, i + 500))
        .execute();
    for (let i = 0; i < textRows.length; i += 200)
      await trx
        .insertInto('survey_answer_texts')
        .values(textRows.slice(i, i + 200))
        .execute();
    result.texts = textRows.length;
  });
  return result;
}

/** The job handler of AFTER_RESPONSE_JOB. */
export function afterResponseJob(ctx: SurveysContext): JobHandler {
  return async (job) => {
    const p = job.payload as Partial<AfterResponsePayload> | null;
    if (!job.workspaceId || !p || !Array.isArray(p.responses)) return;
    await finishResponses(ctx, job.workspaceId, p.responses);
  };
}
