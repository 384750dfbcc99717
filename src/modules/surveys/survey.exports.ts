import { sql } from 'kysely';
import { fromJson, type Db } from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { workspaceTimeZone } from './surveys.context.js';

/** Survey perception of one touchpoint on one local day. */
export interface TouchpointPerceptionRow {
  touchpointKey: string;
  /** Epoch ms of the start of the local day (in the requested time zone). */
  day: number;
  responses: number;
  /** Sum and sum of squares of the responses' primary scores normalised to 0–100. */
  scoreSum: number;
  scoreSumSq: number;
}

/**
 * Perception per touchpoint and day across every survey of the workspace: the primary score of each completed
 * response at a touchpoint, on 0–100 (NPS 0–10, CSAT 1–5, CES 1–7, ratings and indices normalised). Reads the
 * rollups when `timeZone` is the workspace's (their days are its local days); otherwise the responses.
 */
export async function perceptionByTouchpoint(
  db: Db,
  workspaceId: string,
  options: { from: number; to: number; timeZone: string },
): Promise<TouchpointPerceptionRow[]> {
  const tz = await workspaceTimeZone(db, workspaceId);
  if (tz === options.timeZone) {
    const rows = await db
      .selectFrom('survey_rollups')
      .select([
        'touchpoint_key',
        'day',
        sql<number>`sum(n)`.as('n'),
        sql<number>`sum(sum)`.as('sum'),
        sql<number>`sum(sum_sq)`.as('sum_sq'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('question_id', '=', '_primary')
      .where('day', '>=', localDayStart(tz, options.from))
      .where('day', '<', options.to)
      .where('touchpoint_key', '<>', '')
      .groupBy(['touchpoint_key', 'day'])
      .orderBy('day')
      .execute();
    return rows
      .filter((r) => Number(r.n) > 0)
      .map((r) => ({
        touchpointKey: r.touchpoint_key,
        day: Number(r.day),
        responses: Number(r.n),
        scoreSum: Number(r.sum),
        scoreSumSq: Number(r.sum_sq),
      }));
  }
  const out = new Map<string, TouchpointPerceptionRow>();
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('survey_responses')
      .select(['id', 'touchpoint_key', 'completed_at', 'score100'])
      .where('workspace_id', '=', workspaceId)
      .where('completed_at', '>=', options.from)
      .where('completed_at', '<', options.to)
      .where('touchpoint_key', 'is not', null)
      .where('score100', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const day = localDayStart(options.timeZone, r.completed_at as number);
      const key = `${r.touchpoint_key}\u0000${day}`;
      const row = out.get(key) ?? {
        touchpointKey: r.touchpoint_key as string,
        day,
        responses: 0,
        scoreSum: 0,
        scoreSumSq: 0,
      };
      const s = r.score100 as number;
      row.responses++;
      row.scoreSum += s;
      row.scoreSumSq += s * s;
      out.set(key, row);
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
  return [...out.values()].sort((a, b) => a.day - b.day || a.touchpointKey.localeCompare(b.touchpointKey));
}

/** A customer's survey responses for the 360° profile, newest first. */
export async function surveyResponsesOfProfile(
  db: Db,
  workspaceId: string,
  profileId: string,
  limit: number,
) {
  const rows = await db
    .selectFrom('survey_responses as r')
    .innerJoin('surveys as s', (j) =>
      j.onRef('s.workspace_id', '=', 'r.workspace_id').onRef('s.id', '=', 'r.survey_id'),
    )
    .select([
      'r.id',
      'r.survey_id',
      's.key',
      's.name',
      'r.status',
      'r.metric',
      'r.score',
      'r.score100',
      'r.touchpoint_key',
      'r.channel',
      'r.language',
      'r.flags',
      'r.started_at',
      'r.completed_at',
    ])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.profile_id', '=', profileId)
    .orderBy('r.started_at', 'desc')
    .limit(Math.max(1, Math.min(limit, 500)))
    .execute();
  const comments = rows.length
    ? await db
        .selectFrom('survey_answer_texts')
        .select(['response_id', 'text', 'sentiment'])
        .where('workspace_id', '=', workspaceId)
        .where(
          'response_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((r) => {
    const c = comments.find((x) => x.response_id === r.id);
    return {
      responseId: r.id,
      surveyId: r.survey_id,
      surveyKey: r.key,
      surveyName: fromJson<Record<string, string>>(r.name),
      status: r.status,
      metric: r.metric,
      score: r.score,
      score100: r.score100,
      touchpointKey: r.touchpoint_key,
      channel: r.channel,
      language: r.language,
      flags: r.flags ? fromJson<string[]>(r.flags) : null,
      comment: c ? { text: c.text, sentiment: c.sentiment } : null,
      startedAt: r.started_at,
      completedAt: r.completed_at,
    };
  });
}
