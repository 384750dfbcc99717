import type { EventBus } from '../../platform/events/index.js';
import { inTransaction, isUniqueViolation, newId, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { slugTaken, workspaceNotFound } from './workspaces.errors.js';
import type { WorkspacesTable } from './workspaces.tables.js';

export interface WorkspaceInput {
  slug: string;
  name: string;
  timeZone: string;
  defaultLocale: string;
}

export async function getWorkspace(db: Db, id: string): Promise<WorkspacesTable> {
  const ws = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!ws) throw workspaceNotFound();
  return ws;
}

export async function getWorkspaceBySlug(db: Db, slug: string): Promise<WorkspacesTable> {
  const ws = await db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!ws) throw workspaceNotFound();
  return ws;
}

/** Creates a workspace with `ownerUserId` as its first owner. 409 WORKSPACE_SLUG_TAKEN when the slug is used. */
export async function createWorkspace(
  db: Db,
  ctx: ActorContext,
  input: WorkspaceInput & { ownerUserId: string | null },
): Promise<WorkspacesTable> {
  const now = Date.now();
  const ws: WorkspacesTable = {
    id: newId('ws'),
    slug: input.slug,
    name: input.name.trim(),
    time_zone: input.timeZone,
    default_locale: input.defaultLocale,
    created_at: now,
    updated_at: now,
  };
  return inTransaction(db, async (trx) => {
    try {
      await trx.insertInto('workspaces').values(ws).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw slugTaken(input.slug);
      throw err;
    }
    await recordAudit(trx, ctx, {
      workspaceId: ws.id,
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: ws.id,
      details: { slug: ws.slug, name: ws.name, timeZone: ws.time_zone, defaultLocale: ws.default_locale },
    });
    if (input.ownerUserId) {
      await trx
        .insertInto('memberships')
        .values({
          workspace_id: ws.id,
          user_id: input.ownerUserId,
          role: 'owner',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordAudit(trx, ctx, {
        workspaceId: ws.id,
        action: 'member.added',
        targetType: 'user',
        targetId: input.ownerUserId,
        details: { role: 'owner' },
      });
    }
    return ws;
  });
}

/** Published when a workspace's time zone changes: modules whose rollups count by local day re-bucket them. */
export const TIME_ZONE_CHANGED = 'workspace.time_zone_changed';

/**
 * Changes a workspace's name, time zone or default language; the audit row records old and new values. A new time
 * zone is published as `workspace.time_zone_changed` ({ from, to }) in the same transaction.
 */
export async function updateWorkspace(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  patch: Partial<Omit<WorkspaceInput, 'slug'>>,
  events?: EventBus,
): Promise<WorkspacesTable> {
  return inTransaction(db, async (trx) => {
    const before = await getWorkspace(trx, workspaceId);
    const next = {
      name: patch.name?.trim() ?? before.name,
      time_zone: patch.timeZone ?? before.time_zone,
      default_locale: patch.defaultLocale ?? before.default_locale,
    };
    const changes = Object.fromEntries(
      (Object.keys(next) as (keyof typeof next)[])
        .filter((k) => next[k] !== before[k])
        .map((k) => [k, { from: before[k], to: next[k] }]),
    );
    if (Object.keys(changes).length === 0) return before;
    await trx
      .updateTable('workspaces')
      .set({ ...next, updated_at: Date.now() })
      .where('id', '=', workspaceId)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      details: changes,
    });
    if (events && next.time_zone !== before.time_zone)
      await events.publish(trx, {
        type: TIME_ZONE_CHANGED,
        workspaceId,
        payload: { from: before.time_zone, to: next.time_zone },
      });
    return getWorkspace(trx, workspaceId);
  });
}
