import { sql, type RawBuilder } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { fromJson, inTransaction, insertRows, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import {
  customerFactsPage,
  liveProfileIdAt,
  liveProfileCount,
  type CustomerFacts,
  type ProfilesChange,
  type ProfilesChangedHook,
} from '../profiles/index.js';
import {
  compileCondition,
  dependsOnTime,
  readsContact,
  type SegmentCondition,
  type SegmentPredicate,
} from './segment.rules.js';
import type { SegmentsTable } from './segments.tables.js';

export const REFRESH_JOB = 'segments.refresh';
export const SCHEDULE_JOB = 'segments.scheduled-refresh';
export const PURGE_JOB = 'segments.purge';

/** Profiles per full-refresh transaction. */
const PAGE = 1000;
/** How often segments whose rules depend on time (recency, trial end, age) are recomputed in full. */
export const TIME_REFRESH_MS = 60 * 60 * 1000;
const PURGE_CHUNK = 5000;

interface CompiledSegment {
  id: string;
  key: string;
  test: SegmentPredicate;
  /** The rule reads which personal fields exist, so facts must open the PII. */
  contact: boolean;
}

/**
 * Each workspace's active segments, compiled, cached in memory: the ingestion hook asks on every batch whether the
 * workspace has any. Writes in this process invalidate it at once; another process sees a change within `ttlMs`.
 */
export class SegmentRegistry {
  private readonly cache = new Map<string, { at: number; segments: CompiledSegment[] }>();
  constructor(private readonly ttlMs = 5000) {}

  async active(db: Db, workspaceId: string): Promise<CompiledSegment[]> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.segments;
    const rows = await db
      .selectFrom('segments')
      .select(['id', 'key', 'condition'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'active')
      .orderBy('key')
      .execute();
    const segments = rows.map((r) => {
      const condition = fromJson<SegmentCondition>(r.condition);
      return { id: r.id, key: r.key, test: compileCondition(condition), contact: readsContact(condition) };
    });
    this.cache.set(workspaceId, { at: Date.now(), segments });
    return segments;
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }
}

/** Adds and removes members of one segment, and keeps its member count by the rows actually changed. */
async function applyDiff(
  trx: Db,
  workspaceId: string,
  segmentId: string,
  adds: readonly string[],
  removes: readonly string[],
  now: number,
): Promise<void> {
  let delta = await insertRows(
    trx,
    'segment_members',
    adds.map((profileId) => ({
      workspace_id: workspaceId,
      segment_id: segmentId,
      profile_id: profileId,
      added_at: now,
    })),
    { onConflictIgnore: ['workspace_id', 'segment_id', 'profile_id'] },
  );
  for (let i = 0; i < removes.length; i += 500) {
    const r = await trx
      .deleteFrom('segment_members')
      .where('workspace_id', '=', workspaceId)
      .where('segment_id', '=', segmentId)
      .where('profile_id', 'in', removes.slice(i, i + 500))
      .executeTakeFirst();
    delta -= Number(r.numDeletedRows);
  }
  if (delta !== 0)
    await trx
      .updateTable('segments')
      .set((eb) => ({ member_count: eb('member_count', '+', delta) }))
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', segmentId)
      .execute();
}

/**
 * Applies a profile change to the members, in the transaction that wrote the profiles: every active segment is
 * evaluated on the changed profiles' facts (already in memory), members that no longer match leave, new matches join,
 * and profiles that are gone (merged away, erased) leave every segment, archived ones too.
 */
export async function applyChange(
  trx: Db,
  workspaceId: string,
  segments: readonly CompiledSegment[],
  change: ProfilesChange,
  now = Date.now(),
): Promise<void> {
  const changed = segments.length ? change.changed : [];
  const ids = [...new Set([...changed.map((f) => f.id), ...change.removed])];
  if (ids.length === 0) return;
  const current = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('segment_members')
      .select(['segment_id', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const list = current.get(r.segment_id) ?? [];
      list.push(r.profile_id);
      current.set(r.segment_id, list);
    }
  }
  const removed = new Set(change.removed);
  for (const s of segments) {
    const members = new Set(current.get(s.id));
    current.delete(s.id);
    const adds: string[] = [];
    const removes = [...members].filter((id) => removed.has(id));
    for (const f of changed) {
      if (removed.has(f.id)) continue;
      if (s.test(f, now)) {
        if (!members.has(f.id)) adds.push(f.id);
      } else if (members.has(f.id)) removes.push(f.id);
    }
    await applyDiff(trx, workspaceId, s.id, adds, removes, now);
  }
  // Segments not evaluated (archived): only the profiles that are gone leave.
  for (const [segmentId, members] of current)
    await applyDiff(
      trx,
      workspaceId,
      segmentId,
      [],
      members.filter((id) => removed.has(id)),
      now,
    );
}

/** The profiles change hook: keeps members current in the writing transaction when the workspace has segments. */
export function changeHook(registry: SegmentRegistry): ProfilesChangedHook {
  return async (db, workspaceId, change) => {
    const segments = await registry.active(db, workspaceId);
    if (segments.length === 0 && change.removed.length === 0) return;
    await applyChange(db, workspaceId, segments, change);
  };
}

/**
 * Starts a full recomputation of a segment's members, in the caller's transaction: a new refresh generation (an
 * older run still going stops at its next page) walked by a durable job from the first profile.
 */
export async function startRefresh(trx: Db, workspaceId: string, segmentId: string): Promise<void> {
  const total = await liveProfileCount(trx, workspaceId);
  await trx
    .updateTable('segments')
    .set((eb) => ({
      refresh_version: eb('refresh_version', '+', 1),
      refresh_status: 'running',
      refresh_cursor: '',
      refresh_processed: 0,
      refresh_total: total,
      refresh_error: null,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', segmentId)
    .execute();
  const row = await trx
    .selectFrom('segments')
    .select('refresh_version')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', segmentId)
    .executeTakeFirstOrThrow();
  await enqueueJob(trx, {
    type: REFRESH_JOB,
    workspaceId,
    payload: { segmentId, generation: row.refresh_version },
    maxAttempts: 5,
  });
}

async function loadSegment(db: Db, workspaceId: string, id: string): Promise<SegmentsTable | undefined> {
  return db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The refresh job: walks the live profiles in id order, a page per transaction. Each page compares the rule's
 * verdicts with the stored members in the same id range (so members whose profile is gone leave too) and commits
 * the diff with its cursor, so a restarted job resumes after the last committed page. A run whose generation is
 * no longer current (the rule changed again, the segment was archived or deleted) stops.
 */
export function refreshJobHandler(db: Db, cipher: FieldCipher): JobHandler {
  return async (job) => {
    const { segmentId, generation } = job.payload as { segmentId: string; generation: number };
    const workspaceId = job.workspaceId ?? '';
    const current = async () => {
      const s = await loadSegment(db, workspaceId, segmentId);
      return s && s.status === 'active' && s.refresh_status === 'running' && s.refresh_version === generation
        ? s
        : null;
    };
    try {
      for (;;) {
        const s = await current();
        if (!s) return;
        const condition = fromJson<SegmentCondition>(s.condition);
        const test = compileCondition(condition);
        const cursor = s.refresh_cursor ?? '';
        const page = await customerFactsPage(db, cipher, workspaceId, cursor, PAGE, {
          contact: readsContact(condition),
        });
        const end = page.length < PAGE;
        const upper = end ? null : (page[page.length - 1] as CustomerFacts).id;
        const now = Date.now();
        const done = await inTransaction(db, async (trx) => {
          // Checked again inside the transaction: a rule edit commits a new generation, and this page must not
          // write verdicts of the old rule after it.
          const fresh = await trx
            .selectFrom('segments')
            .select(['refresh_version', 'status'])
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', segmentId)
            .executeTakeFirst();
          if (!fresh || fresh.refresh_version !== generation || fresh.status !== 'active') return true;
          let q = trx
            .selectFrom('segment_members')
            .select('profile_id')
            .where('workspace_id', '=', workspaceId)
            .where('segment_id', '=', segmentId)
            .where('profile_id', '>', cursor);
          if (upper !== null) q = q.where('profile_id', '<=', upper);
          const members = new Set((await q.execute()).map((r) => r.profile_id));
          const adds: string[] = [];
          const keep = new Set<string>();
          for (const f of page) {
            if (!test(f, now)) continue;
            keep.add(f.id);
            if (!members.has(f.id)) adds.push(f.id);
          }
          const removes = [...members].filter((id) => !keep.has(id));
          await applyDiff(trx, workspaceId, segmentId, adds, removes, now);
          await trx
            .updateTable('segments')
            .set((eb) =>
              end
                ? {
                    refresh_status: 'idle',
                    refresh_cursor: null,
                    refresh_processed: eb('refresh_processed', '+', page.length),
                    refreshed_at: now,
                  }
                : { refresh_cursor: upper, refresh_processed: eb('refresh_processed', '+', page.length) },
            )
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', segmentId)
            .execute();
          if (end && dependsOnTime(condition))
            await enqueueJob(trx, {
              type: SCHEDULE_JOB,
              workspaceId,
              payload: { segmentId },
              runAt: now + TIME_REFRESH_MS,
              uniqueKey: `${SCHEDULE_JOB}:${segmentId}`,
            });
          return end;
        });
        if (done) return;
      }
    } catch (err) {
      if (job.attempt >= 5)
        await db
          .updateTable('segments')
          .set({ refresh_status: 'failed', refresh_error: err instanceof Error ? err.message : String(err) })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', segmentId)
          .where('refresh_version', '=', generation)
          .execute();
      throw err;
    }
  };
}

/** The scheduled job of a time-dependent segment: starts its next full refresh (if it is still active and idle). */
export function scheduleJobHandler(db: Db): JobHandler {
  return async (job) => {
    const { segmentId } = job.payload as { segmentId: string };
    const workspaceId = job.workspaceId ?? '';
    await inTransaction(db, async (trx) => {
      const s = await loadSegment(trx, workspaceId, segmentId);
      if (!s || s.status !== 'active' || s.refresh_status === 'running') return;
      if (!dependsOnTime(fromJson<SegmentCondition>(s.condition))) return;
      await startRefresh(trx, workspaceId, segmentId);
    });
  };
}

/** Deletes a deleted segment's members in chunks, so erasing a large segment never holds one long transaction. */
export function purgeJobHandler(db: Db): JobHandler {
  return async (job) => {
    const { segmentId } = job.payload as { segmentId: string };
    const workspaceId = job.workspaceId ?? '';
    for (;;) {
      const r = await db
        .deleteFrom('segment_members')
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', segmentId)
        .where('profile_id', 'in', (eb) =>
          eb
            .selectFrom('segment_members')
            .select('profile_id')
            .where('workspace_id', '=', workspaceId)
            .where('segment_id', '=', segmentId)
            .limit(PURGE_CHUNK),
        )
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return;
    }
  };
}

/** SQL condition "the profile in `profileColumn` is a member of the segment", for other modules' queries. */
export function segmentMemberSql(
  workspaceId: string,
  segmentId: string,
  profileColumn: string,
): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from segment_members sm where sm.workspace_id = ${workspaceId} and sm.segment_id = ${segmentId} and sm.profile_id = ${sql.ref(profileColumn)})`;
}

/** How many customers a rule would select, exactly for small workspaces and estimated from a sample otherwise. */
export interface RulePreview {
  total: number;
  sampled: number;
  matched: number;
  estimate: number;
  exact: boolean;
  /** Up to five matching customers of the sample. */
  examples: string[];
}

/**
 * Evaluates a rule without saving it: on every customer when the workspace has at most `sample`, otherwise on
 * `sample` customers read in ten runs from random places of the id order (ids are time-ordered, so one run would be
 * one cohort).
 */
export async function previewRule(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  condition: SegmentCondition,
  sample: number,
  now = Date.now(),
): Promise<RulePreview> {
  const test = compileCondition(condition);
  const contact = readsContact(condition);
  const total = await liveProfileCount(db, workspaceId);
  const exact = total <= sample;
  const runs = exact ? 0 : 10;
  const seen = new Set<string>();
  let matched = 0;
  const examples: string[] = [];
  // The last run tops the sample up from the start when runs overlapped or met the end.
  for (let r = 0; r <= runs; r++) {
    let after = '';
    if (!exact && r < runs) {
      const start = await liveProfileIdAt(db, workspaceId, Math.random() * (total - sample / runs));
      if (start === null) continue;
      after = start.slice(0, -1);
    }
    let left = exact ? total : r < runs ? Math.ceil(sample / runs) : sample - seen.size;
    while (left > 0) {
      const page = await customerFactsPage(db, cipher, workspaceId, after, Math.min(1000, left), { contact });
      if (page.length === 0) break;
      for (const f of page) {
        if (seen.has(f.id)) continue;
        seen.add(f.id);
        left--;
        if (test(f, now)) {
          matched++;
          if (examples.length < 5) examples.push(f.id);
        }
      }
      after = (page[page.length - 1] as CustomerFacts).id;
    }
  }
  const sampled = seen.size;
  return {
    total,
    sampled,
    matched,
    estimate: exact || sampled === 0 ? matched : Math.round((matched / sampled) * total),
    exact: exact || sampled >= total,
    examples,
  };
}
