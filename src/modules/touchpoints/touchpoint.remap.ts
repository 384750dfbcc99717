import { inTransaction, newId, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { eventsBetweenIds, eventWatermark } from '../profiles/index.js';
import { applyHits, matchEvents, type TouchpointMapper } from './touchpoint.mapping.js';
import { remapNotFound, remapRunning } from './touchpoints.errors.js';
import type { TouchpointRemapsTable } from './touchpoints.tables.js';

export const REMAP_JOB = 'touchpoints.remap';
const CHUNK = 2000;

/**
 * Starts re-mapping a workspace's history with the current rules, as a durable background job. Events stored up to
 * now are re-mapped by the job; later ones are mapped live as usual.
 */
export async function startRemap(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
): Promise<TouchpointRemapsTable> {
  return inTransaction(db, async (trx) => {
    const running = await trx
      .selectFrom('touchpoint_remaps')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (running) throw remapRunning(running.id);
    const watermark = await eventWatermark(trx, workspaceId);
    const row: TouchpointRemapsTable = {
      workspace_id: workspaceId,
      id: newId('rmp'),
      status: 'running',
      upto_event_id: watermark.lastId,
      cursor_event_id: null,
      total: watermark.count,
      processed: 0,
      mapped: 0,
      error: null,
      created_by: ctx.actor.id,
      started_at: Date.now(),
      finished_at: null,
    };
    await trx.insertInto('touchpoint_remaps').values(row).execute();
    await enqueueJob(trx, {
      type: REMAP_JOB,
      workspaceId,
      payload: { remapId: row.id },
      uniqueKey: `touchpoints.remap:${workspaceId}`,
      maxAttempts: 5,
    });
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'touchpoint.remap_started',
      targetType: 'touchpoint_remap',
      targetId: row.id,
      details: { events: row.total },
    });
    return row;
  });
}

export async function getRemap(db: Db, workspaceId: string, id: string): Promise<TouchpointRemapsTable> {
  const row = await db
    .selectFrom('touchpoint_remaps')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw remapNotFound(id);
  return row;
}

/**
 * The job: clears the mapping and rollups once, then walks the events in id order in chunks, each chunk with its
 * progress in one transaction — so a restarted job resumes where the last committed chunk ended.
 */
export function remapJobHandler(db: Db, mapper: TouchpointMapper): JobHandler {
  return async (job) => {
    const { remapId } = job.payload as { remapId: string };
    const workspaceId = job.workspaceId ?? '';
    let run = await db
      .selectFrom('touchpoint_remaps')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', remapId)
      .executeTakeFirst();
    if (!run || run.status !== 'running') return;
    mapper.invalidate(workspaceId);
    const catalogue = await mapper.catalogue(db, workspaceId);
    try {
      if (run.cursor_event_id === null) {
        await inTransaction(db, async (trx) => {
          for (const table of [
            'touchpoint_events',
            'touchpoint_daily',
            'touchpoint_profiles',
            'touchpoint_conversions',
            'touchpoint_conversion_daily',
          ] as const)
            await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).execute();
          await trx
            .updateTable('touchpoint_remaps')
            .set({ cursor_event_id: '' })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', remapId)
            .execute();
        });
        run = { ...run, cursor_event_id: '' };
      }
      let cursor = run.cursor_event_id ?? '';
      let processed = Number(run.processed);
      let mapped = Number(run.mapped);
      for (;;) {
        const rows = await eventsBetweenIds(db, workspaceId, cursor, run.upto_event_id, CHUNK);
        if (rows.length === 0) break;
        const hits = matchEvents(catalogue, rows);
        cursor = (rows[rows.length - 1] as { id: string }).id;
        processed += rows.length;
        await inTransaction(db, async (trx) => {
          mapped += await applyHits(trx, workspaceId, catalogue, hits);
          await trx
            .updateTable('touchpoint_remaps')
            .set({ cursor_event_id: cursor, processed, mapped })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', remapId)
            .execute();
        });
      }
      await db
        .updateTable('touchpoint_remaps')
        .set({ status: 'done', finished_at: Date.now(), total: processed })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', remapId)
        .execute();
    } catch (err) {
      if (job.attempt >= 5)
        await db
          .updateTable('touchpoint_remaps')
          .set({
            status: 'failed',
            finished_at: Date.now(),
            error: err instanceof Error ? err.message : String(err),
          })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', remapId)
          .execute();
      throw err;
    }
  };
}
