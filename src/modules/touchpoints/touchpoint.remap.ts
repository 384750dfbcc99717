import { sql } from 'kysely';
import { dialectOf, inTransaction, newId, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { eventsBetweenIds, eventWatermark } from '../profiles/index.js';
import { applyRollups, matchEvents, type Hit, type TouchpointMapper } from './touchpoint.mapping.js';
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

/** Events whose stored touchpoint differs from the current rules' are updated, per target key, this many at a time. */
const UPDATE_PIECE = 500;

/**
 * The job: clears the rollups once and fixes its watermark (the events it re-maps), then walks those events in id
 * order in chunks; each chunk stores the touchpoint each event maps to now (only where it changed) and folds the
 * mapped events into the rollups, with its progress, in one transaction — so a restarted job resumes where the last
 * committed chunk ended. Events recorded after the watermark are mapped and counted live.
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
        run = await inTransaction(db, async (trx) => {
          // PostgreSQL: the lock recording events takes per workspace (profiles' recordEvents), so no ingestion
          // transaction is half-way: every event up to the watermark read here is committed, and every later one is
          // counted live into the rollups cleared here. SQLite has a single writer anyway.
          if (dialectOf(trx) === 'postgres')
            await sql`select pg_advisory_xact_lock(hashtextextended(${`touchpoint.profiles:${workspaceId}`}, 0))`.execute(
              trx,
            );
          const watermark = await eventWatermark(trx, workspaceId);
          for (const table of [
            'touchpoint_daily',
            'touchpoint_profiles',
            'touchpoint_conversions',
            'touchpoint_conversion_daily',
          ] as const)
            await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).execute();
          const started = { cursor_event_id: '', upto_event_id: watermark.lastId, total: watermark.count };
          await trx
            .updateTable('touchpoint_remaps')
            .set(started)
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', remapId)
            .execute();
          return { ...(run as TouchpointRemapsTable), ...started };
        });
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
          await storeKeys(trx, workspaceId, rows, hits);
          mapped += await applyRollups(trx, workspaceId, catalogue, hits);
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

/** Stores on each event of a chunk the touchpoint it maps to now (null for none), writing only the changed rows. */
async function storeKeys(
  db: Db,
  workspaceId: string,
  events: readonly { id: string }[],
  hits: readonly Hit[],
): Promise<void> {
  const want = new Map<string, string | null>(events.map((e) => [e.id, null]));
  for (const h of hits) want.set(h.eventId, h.key);
  const ids = [...want.keys()];
  const changed = new Map<string | null, string[]>();
  for (let i = 0; i < ids.length; i += UPDATE_PIECE) {
    const stored = await db
      .selectFrom('events')
      .select(['id', 'touchpoint_key'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + UPDATE_PIECE))
      .execute();
    for (const r of stored) {
      const key = want.get(r.id) ?? null;
      if (r.touchpoint_key === key) continue;
      const list = changed.get(key) ?? [];
      list.push(r.id);
      changed.set(key, list);
    }
  }
  for (const [key, list] of changed)
    for (let i = 0; i < list.length; i += UPDATE_PIECE)
      await db
        .updateTable('events')
        .set({ touchpoint_key: key })
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', list.slice(i, i + UPDATE_PIECE))
        .execute();
}
