import { fromJson, inTransaction, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { localDayStart } from '../../platform/time/index.js';
import type { Answers } from './survey.answers.js';
import type { SurveyDefinition } from './survey.definition.js';
import { getDefinition } from './survey.repository.js';
import { RollupBatch, rollupValuesOf, type PrimaryScore } from './survey.scoring.js';
import { forgetTimeZone, workspaceTimeZone } from './surveys.context.js';

export const REBUCKET_JOB = 'surveys.rebucket-rollups';
const CHUNK = 2000;
/** The second pass, after every process's cached time zone (60 s) has expired. */
const SECOND_PASS_MS = 65_000;

/**
 * Moves completed responses to the local day of the workspace's current time zone: the rollups count by local day,
 * so after a time-zone change each response whose day differs is taken out of its old cell and added to its new one,
 * with its `rollup_day`, a chunk per transaction. The rollups equal the responses' days after every commit; a response
 * changed meanwhile (its day no longer the one read) is left to the submission that changed it. Idempotent: a
 * response already on its day is left alone. A second pass runs once every process has dropped the old time zone
 * from its cache, for responses stored with it in between.
 */
export async function rebucketRollups(db: Db, workspaceId: string): Promise<number> {
  forgetTimeZone(workspaceId);
  const tz = await workspaceTimeZone(db, workspaceId);
  const definitions = new Map<string, Promise<SurveyDefinition>>();
  // Read inside the chunk's transaction (SQLite has one connection: a read beside it would wait for it).
  const definition = (trx: Db, surveyId: string, version: number) => {
    const key = `${surveyId}\u0000${version}`;
    let d = definitions.get(key);
    if (!d) definitions.set(key, (d = getDefinition(trx, workspaceId, surveyId, version)));
    return d;
  };
  let after = '';
  let moved = 0;
  for (;;) {
    const done = await inTransaction(db, async (trx) => {
      const rows = await trx
        .selectFrom('survey_responses')
        .select([
          'id',
          'survey_id',
          'version',
          'answers',
          'metric',
          'score',
          'score100',
          'duration_ms',
          'completed_at',
          'rollup_day',
          'touchpoint_key',
          'channel',
        ])
        .where('workspace_id', '=', workspaceId)
        .where('id', '>', after)
        .where('status', '=', 'completed')
        .orderBy('id')
        .limit(CHUNK)
        .execute();
      if (rows.length === 0) return true;
      after = (rows[rows.length - 1] as { id: string }).id;
      const rollup = new RollupBatch();
      for (const r of rows) {
        if (r.completed_at === null || r.rollup_day === null) continue;
        const day = localDayStart(tz, r.completed_at);
        if (day === r.rollup_day) continue;
        const res = await trx
          .updateTable('survey_responses')
          .set({ rollup_day: day })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', r.id)
          .where('rollup_day', '=', r.rollup_day)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) continue;
        const values = rollupValuesOf(
          await definition(trx, r.survey_id, r.version),
          fromJson<Answers>(r.answers),
          { metric: r.metric as PrimaryScore['metric'], score: r.score, score100: r.score100 },
          r.duration_ms,
        );
        const cell = {
          workspaceId,
          surveyId: r.survey_id,
          touchpointKey: r.touchpoint_key,
          channel: r.channel,
        };
        rollup.add({ ...cell, day: r.rollup_day }, values, -1);
        rollup.add({ ...cell, day }, values, 1);
        moved++;
      }
      await rollup.write(trx);
      return false;
    });
    if (done) break;
  }
  // Cells left empty by the moves.
  await db.deleteFrom('survey_rollups').where('workspace_id', '=', workspaceId).where('n', '=', 0).execute();
  return moved;
}

/** The job: a pass now, and (payload.second false) one more after the caches expired. */
export function rebucketJobHandler(db: Db): JobHandler {
  return async (job) => {
    const workspaceId = job.workspaceId ?? '';
    await rebucketRollups(db, workspaceId);
    const { second } = (job.payload ?? {}) as { second?: boolean };
    if (!second)
      await enqueueJob(db, {
        type: REBUCKET_JOB,
        workspaceId,
        payload: { second: true },
        runAt: Date.now() + SECOND_PASS_MS,
      });
  };
}
