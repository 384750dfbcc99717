import { inTransaction, isUniqueViolation, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { PURGE_JOB, startRefresh, type SegmentRegistry } from './segment.membership.js';
import { validateCondition } from './segment.rules.js';
import type { CreateSegmentInput, UpdateSegmentInput } from './segment.schema.js';
import {
  segmentArchived,
  segmentExists,
  segmentNotFound,
  segmentVersionConflict,
  unknownSegments,
} from './segments.errors.js';
import type { SegmentsTable } from './segments.tables.js';

/** Segments a workspace defines: every change is audited and (re)computes the members in the background. */
export class SegmentService {
  constructor(
    private readonly db: Db,
    private readonly registry: SegmentRegistry,
  ) {}

  async list(workspaceId: string, status?: 'active' | 'archived'): Promise<SegmentsTable[]> {
    let q = this.db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).orderBy('key');
    if (status) q = q.where('status', '=', status);
    return q.execute();
  }

  async get(workspaceId: string, key: string, db: Db = this.db): Promise<SegmentsTable> {
    const row = await db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) throw segmentNotFound(key);
    return row;
  }

  async create(ctx: ActorContext, workspaceId: string, input: CreateSegmentInput): Promise<SegmentsTable> {
    const condition = validateCondition(input.condition);
    const now = Date.now();
    const row: SegmentsTable = {
      workspace_id: workspaceId,
      id: newId('seg'),
      key: input.key,
      name_zh: input.name['zh-CN'].trim(),
      name_en: input.name.en.trim(),
      description_zh: input.description?.['zh-CN'] ?? '',
      description_en: input.description?.en ?? '',
      condition: toJson(condition),
      status: 'active',
      member_count: 0,
      version: 1,
      refresh_status: 'idle',
      refresh_version: 0,
      refresh_cursor: null,
      refresh_processed: 0,
      refresh_total: 0,
      refresh_error: null,
      refreshed_at: null,
      created_by: ctx.actor.id,
      created_at: now,
      updated_at: now,
    };
    const created = await inTransaction(this.db, async (trx) => {
      try {
        await trx.insertInto('segments').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw segmentExists(input.key);
        throw err;
      }
      await startRefresh(trx, workspaceId, row.id);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'segment.created',
        targetType: 'segment',
        targetId: input.key,
        details: { condition },
      });
      return this.get(workspaceId, input.key, trx);
    });
    this.registry.invalidate(workspaceId);
    return created;
  }

  async update(
    ctx: ActorContext,
    workspaceId: string,
    key: string,
    input: UpdateSegmentInput,
  ): Promise<SegmentsTable> {
    const condition = input.condition === undefined ? undefined : validateCondition(input.condition);
    const updated = await inTransaction(this.db, async (trx) => {
      const before = await this.get(workspaceId, key, trx);
      if (input.version !== undefined && input.version !== before.version)
        throw segmentVersionConflict(input.version, before.version);
      const ruleChanged = condition !== undefined && toJson(condition) !== before.condition;
      const status = input.status ?? before.status;
      const reactivated = before.status === 'archived' && status === 'active';
      const r = await trx
        .updateTable('segments')
        .set({
          ...(input.name ? { name_zh: input.name['zh-CN'].trim(), name_en: input.name.en.trim() } : {}),
          ...(input.description
            ? { description_zh: input.description['zh-CN'], description_en: input.description.en }
            : {}),
          ...(condition ? { condition: toJson(condition) } : {}),
          status,
          version: before.version + 1,
          updated_at: Date.now(),
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', before.id)
        .where('version', '=', before.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw segmentVersionConflict(before.version, before.version + 1);
      // An archived segment keeps its last members, frozen; a new rule or a reactivation recomputes them.
      if (status === 'active' && (ruleChanged || reactivated))
        await startRefresh(trx, workspaceId, before.id);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'segment.updated',
        targetType: 'segment',
        targetId: key,
        details: {
          fields: Object.keys(input).filter((k) => k !== 'version'),
          ...(ruleChanged ? { condition } : {}),
        },
      });
      return this.get(workspaceId, key, trx);
    });
    this.registry.invalidate(workspaceId);
    return updated;
  }

  async refresh(ctx: ActorContext, workspaceId: string, key: string): Promise<SegmentsTable> {
    const row = await inTransaction(this.db, async (trx) => {
      const s = await this.get(workspaceId, key, trx);
      if (s.status !== 'active') throw segmentArchived(key);
      await startRefresh(trx, workspaceId, s.id);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'segment.refreshed',
        targetType: 'segment',
        targetId: key,
        details: {},
      });
      return this.get(workspaceId, key, trx);
    });
    this.registry.invalidate(workspaceId);
    return row;
  }

  /** Deletes the segment at once; its members are purged by a background job. */
  async remove(ctx: ActorContext, workspaceId: string, key: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const s = await this.get(workspaceId, key, trx);
      await trx
        .deleteFrom('segments')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', s.id)
        .execute();
      await enqueueJob(trx, { type: PURGE_JOB, workspaceId, payload: { segmentId: s.id } });
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'segment.deleted',
        targetType: 'segment',
        targetId: key,
        details: { members: Number(s.member_count) },
      });
    });
    this.registry.invalidate(workspaceId);
  }
}

/** A segment other modules refer to by key. */
export interface SegmentRef {
  id: string;
  key: string;
  name: { 'zh-CN': string; en: string };
}

/**
 * The segments named by `keys` (all active ones, up to `max`, when `keys` is empty), in the order given. Unknown
 * keys are a 404 SEGMENT_NOT_FOUND naming them.
 */
export async function resolveSegments(
  db: Db,
  workspaceId: string,
  keys: readonly string[],
  max = 20,
): Promise<SegmentRef[]> {
  let q = db
    .selectFrom('segments')
    .select(['id', 'key', 'name_zh', 'name_en'])
    .where('workspace_id', '=', workspaceId);
  q = keys.length
    ? q.where('key', 'in', [...keys])
    : q.where('status', '=', 'active').orderBy('key').limit(max);
  const rows = await q.execute();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const missing = keys.filter((k) => !byKey.has(k));
  if (missing.length) throw unknownSegments(missing);
  const ordered = keys.length ? keys.map((k) => byKey.get(k) as (typeof rows)[number]) : rows;
  return ordered.map((r) => ({ id: r.id, key: r.key, name: { 'zh-CN': r.name_zh, en: r.name_en } }));
}

/** Which of `segments` each of `profileIds` belongs to (profiles in none are absent). */
export async function segmentsOfProfiles(
  db: Db,
  workspaceId: string,
  profileIds: readonly string[],
  segments: readonly SegmentRef[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (segments.length === 0) return out;
  const keyOf = new Map(segments.map((s) => [s.id, s.key]));
  for (let i = 0; i < profileIds.length; i += 500) {
    const rows = await db
      .selectFrom('segment_members')
      .select(['profile_id', 'segment_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds.slice(i, i + 500))
      .where('segment_id', 'in', [...keyOf.keys()])
      .execute();
    for (const r of rows) {
      const list = out.get(r.profile_id) ?? [];
      list.push(keyOf.get(r.segment_id) as string);
      out.set(r.profile_id, list);
    }
  }
  return out;
}

/** Whether the customer is a member of at least one of the segments named by `keys` (unknown keys never match). */
export async function inAnySegment(
  db: Db,
  workspaceId: string,
  profileId: string,
  keys: readonly string[],
): Promise<boolean> {
  if (keys.length === 0) return false;
  const row = await db
    .selectFrom('segment_members as m')
    .innerJoin('segments as s', (j) =>
      j.onRef('s.workspace_id', '=', 'm.workspace_id').onRef('s.id', '=', 'm.segment_id'),
    )
    .select('m.profile_id')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.profile_id', '=', profileId)
    .where('s.key', 'in', [...keys])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
