/**
 * Automatic case creation: from recorded complaint events (a cheap ingestion hook that only enqueues a durable job
 * per complaint) and from the survey closed loop (`survey.response.flagged`): a detractor follow-up case, or — for
 * the follow-up survey of a resolved case — reopening it or opening a follow-up task. Every path is idempotent
 * (at-least-once delivery): the source reference is recorded once.
 */
import type { Db } from '../../platform/db/index.js';
import type { DeliveredEvent } from '../../platform/events/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { systemActor } from '../audit/index.js';
import type { RecordedEvent, RecordedEventsHook } from '../profiles/index.js';
import { formatCaseNumber, type Priority } from './case.model.js';
import { addEntry, createCase, findCase, transitionRow, type CasesDeps } from './case.service.js';
import { loadConfig } from './case.settings.js';
import { inTransaction } from '../../platform/db/index.js';

export const COMPLAINT_JOB = 'cases.complaint';
export const SURVEY_SUBSCRIBER = 'cases.survey-follow-up';
const actor = systemActor('cases');

const PRIORITY_VALUES = new Set(['low', 'normal', 'high', 'urgent']);

function str(v: unknown, max = 10_000): string | null {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null;
}

function touchpointOf(e: RecordedEvent): string | null {
  if (e.touchpointKey) return e.touchpointKey;
  return (
    str(e.properties.touchpoint, 100) ??
    str(e.properties.touchpointKey, 100) ??
    str(e.context.touchpoint, 100)
  );
}

/**
 * The recorded-events hook: for each complaint event (by name, or by touchpoint key), enqueue one job that creates
 * the case later. Runs in the ingestion transaction, so the job exists exactly when the event does.
 */
export function complaintHook(): RecordedEventsHook {
  return async (db, workspaceId, events) => {
    const tracks = events.filter((e) => e.type === 'track');
    if (!tracks.length) return;
    const { settings } = await loadConfig(db, workspaceId);
    for (const e of tracks) {
      const byName = e.name !== null && settings.complaintEvents.includes(e.name);
      const tp = touchpointOf(e);
      const byTouchpoint = tp !== null && settings.complaintTouchpoints.includes(tp);
      if (!byName && !byTouchpoint) continue;
      await enqueueJob(db, {
        type: COMPLAINT_JOB,
        workspaceId,
        payload: { eventId: e.id },
        uniqueKey: `${COMPLAINT_JOB}:${workspaceId}:${e.id}`,
      });
    }
  };
}

/** The job that turns one stored complaint event into a case (or links it to the customer's open case). */
export function complaintJobHandler(db: Db, deps: CasesDeps): JobHandler {
  return async (job) => {
    const workspaceId = job.workspaceId ?? '';
    const { eventId } = job.payload as { eventId: string };
    const e = await db
      .selectFrom('events')
      .select(['id', 'name', 'profile_id', 'channel', 'properties', 'context', 'timestamp'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', eventId)
      .executeTakeFirst();
    if (!e) return;
    const props = JSON.parse(e.properties) as Record<string, unknown>;
    const context = JSON.parse(e.context) as Record<string, unknown>;
    const text =
      str(props.text) ??
      str(props.description) ??
      str(props.content) ??
      str(props.comment) ??
      str(props.subject) ??
      e.name ??
      'Complaint';
    const priority =
      typeof props.priority === 'string' && PRIORITY_VALUES.has(props.priority)
        ? (props.priority as Priority)
        : undefined;
    await createCase(db, deps, null, workspaceId, {
      description: text,
      subject: str(props.subject, 200) ?? undefined,
      profileId: e.profile_id,
      channel: e.channel,
      touchpointKey:
        str(props.touchpoint, 100) ??
        str(props.touchpointKey, 100) ??
        str(context.touchpoint, 100) ??
        'complain',
      category: str(props.category, 40),
      subcategory: str(props.subcategory, 40),
      priority,
      source: 'complaint_event',
      sourceRef: `event:${e.id}`,
      lenientCategory: true,
      lenientCustomer: true,
      tags: [],
    });
  };
}

/** Payload of `survey.response.flagged` (published by the surveys module). */
export interface SurveyFlagged {
  surveyId: string;
  responseId: string;
  profileId: string | null;
  touchpointKey: string | null;
  channel: string;
  reasons: string[];
  score: number | null;
  metric: 'nps' | 'csat' | 'ces' | null;
  comment: string | null;
  language: string;
  hidden: Record<string, string>;
}

const REASON_TEXT: Record<string, { zh: string; en: string }> = {
  nps_detractor: { zh: 'NPS 贬损者', en: 'NPS detractor' },
  low_csat: { zh: '满意度低', en: 'low CSAT' },
  high_effort: { zh: '费力度高', en: 'high effort' },
  low_score: { zh: '评分低', en: 'low score' },
  negative_comment: { zh: '负面评论', en: 'negative comment' },
};

/**
 * Handles a flagged survey response. With `hidden.caseId` it is the follow-up rating of a resolved case: the rating
 * is stored once, and the case is reopened or gets a follow-up task (per the workspace settings). Otherwise it
 * opens a detractor follow-up case (linked to an open case of the same customer and category when there is one).
 */
export async function handleSurveyFlagged(db: Db, deps: CasesDeps, event: DeliveredEvent): Promise<void> {
  const workspaceId = event.workspaceId;
  const p = event.payload as SurveyFlagged;
  if (!p || typeof p.responseId !== 'string') return;
  const zh = !String(p.language ?? '')
    .toLowerCase()
    .startsWith('en');
  const reasons = (p.reasons ?? [])
    .map((r) => REASON_TEXT[r]?.[zh ? 'zh' : 'en'] ?? r)
    .join(zh ? '、' : ', ');
  const scoreText =
    p.score === null || p.score === undefined ? '' : ` ${p.metric ?? ''} ${p.score}`.trimEnd();
  const caseId = p.hidden?.caseId;

  if (caseId) {
    const { settings } = await loadConfig(db, workspaceId);
    const followUp = await inTransaction(db, async (trx) => {
      const inserted = await trx
        .insertInto('case_ratings')
        .values({
          workspace_id: workspaceId,
          response_id: p.responseId,
          case_id: caseId,
          score: typeof p.score === 'number' ? p.score : null,
          metric: p.metric ?? null,
          low: 1,
          created_at: event.occurredAt,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'response_id']).doNothing())
        .returning('response_id')
        .executeTakeFirst();
      if (!inserted) return null; // delivered before
      let row;
      try {
        row = await findCase(trx, workspaceId, caseId);
      } catch {
        return null; // a hidden field naming no case of this workspace
      }
      await trx
        .updateTable('cases')
        .set({
          follow_up_score: typeof p.score === 'number' ? p.score : null,
          follow_up_metric: p.metric ?? null,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.id)
        .execute();
      const at = Date.now();
      await addEntry(trx, workspaceId, row.id, {
        kind: 'rating',
        actor,
        body: p.comment,
        data: {
          responseId: p.responseId,
          surveyId: p.surveyId,
          score: p.score,
          metric: p.metric,
          reasons: p.reasons,
          low: true,
        },
        at,
      });
      const fresh = await findCase(trx, workspaceId, row.id);
      if (
        settings.lowRatingAction === 'reopen' &&
        (fresh.status === 'resolved' || fresh.status === 'closed')
      ) {
        await transitionRow(
          trx,
          deps,
          actor,
          fresh,
          {
            status: 'open',
            comment: zh
              ? `回访评价低（${reasons}${scoreText}），工单重新打开`
              : `Low follow-up rating (${reasons}${scoreText}): case reopened`,
          },
          at,
        );
        return null;
      }
      return fresh;
    });
    if (followUp) {
      await createCase(db, deps, actor, workspaceId, {
        description:
          p.comment ??
          (zh
            ? `工单 ${formatCaseNumber(followUp.number)} 回访评价低（${reasons}${scoreText}），请跟进。`
            : `Low follow-up rating for case ${formatCaseNumber(followUp.number)} (${reasons}${scoreText}); please follow up.`),
        subject: zh ? `回访跟进：${followUp.subject}` : `Follow-up: ${followUp.subject}`,
        profileId: followUp.profile_id,
        channel: p.channel || followUp.channel,
        touchpointKey: p.touchpointKey ?? followUp.touchpoint_key,
        category: followUp.category,
        subcategory: followUp.subcategory,
        priority: 'high',
        source: 'survey',
        sourceRef: `survey:${p.responseId}`,
        parentCaseId: followUp.id,
        teamId: followUp.team_id,
        assigneeId: followUp.assignee_id,
        lenientCategory: true,
        lenientCustomer: true,
        tags: ['follow_up'],
      });
    }
    return;
  }

  const { settings } = await loadConfig(db, workspaceId);
  await createCase(db, deps, actor, workspaceId, {
    description:
      p.comment ??
      (zh
        ? `客户在满意度调查中给出低评价（${reasons}${scoreText}），请回访。`
        : `Customer flagged in a survey (${reasons}${scoreText}); please follow up.`),
    subject: zh ? `调查回访：${reasons}${scoreText}` : `Survey follow-up: ${reasons}${scoreText}`,
    profileId: p.profileId,
    channel: p.channel || 'survey',
    touchpointKey: p.touchpointKey,
    priority: settings.detractorPriority,
    source: 'survey',
    sourceRef: `survey:${p.responseId}`,
    lenientCategory: true,
    lenientCustomer: true,
    ...(typeof p.language === 'string' && /^(en|zh)/i.test(p.language)
      ? { language: p.language.toLowerCase().startsWith('en') ? ('en' as const) : ('zh' as const) }
      : {}),
    tags: ['survey', ...(p.reasons ?? []).filter((r) => /^[a-z_]{1,40}$/.test(r))],
  });
}
