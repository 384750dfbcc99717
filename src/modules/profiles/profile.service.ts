import { sql, type RawBuilder } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { dialectOf, inTransaction, jsonText, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { PII_TRAITS } from './event-effects.js';
import { normalizeIdentifier, normalizeType, PII_TYPES } from './identifiers.js';
import {
  fromRow,
  normalizeName,
  profilesChanged,
  writeProfileChanges,
  type ProfilesContext,
} from './record-events.js';
import { factsOfState, type ProfileState } from './profile-state.js';
import type { EventsTable } from './profiles.tables.js';

export const customerNotFound = () => new AppError('CUSTOMER_NOT_FOUND', 404, 'error.customer_not_found');

export interface IdentityView {
  type: string;
  value: string;
  firstSeenAt: number;
}

export interface ProfileView {
  state: ProfileState;
  /** When the requested id was merged away, the id that was asked for. */
  requestedId: string;
  identities: IdentityView[];
  merges: { fromProfileId: string; identifierType: string; at: number }[];
  engagement: {
    activeDays: number;
    eventsByChannel: Record<string, number>;
    eventsByType: Record<string, number>;
  };
}

async function liveId(db: Db, workspaceId: string, id: string): Promise<string> {
  let current = id;
  for (let hops = 0; hops < 20; hops++) {
    const row = await db
      .selectFrom('profiles')
      .select(['id', 'merged_into'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', current)
      .executeTakeFirst();
    if (!row) throw customerNotFound();
    if (!row.merged_into) return row.id;
    current = row.merged_into;
  }
  throw customerNotFound();
}

/** The 360° view of one customer; an id that was merged away leads to the surviving profile. */
export async function getProfile(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  id: string,
  tzOffsetMs: number,
): Promise<ProfileView> {
  const live = await liveId(db, workspaceId, id);
  const row = await db
    .selectFrom('profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', live)
    .executeTakeFirstOrThrow();
  const identities = await db
    .selectFrom('identities')
    .select(['type', 'value', 'first_seen_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .orderBy('type')
    .execute();
  const merges = await db
    .selectFrom('profile_merges')
    .select(['from_profile_id', 'identifier_type', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('into_profile_id', '=', live)
    .orderBy('created_at')
    .execute();
  const byChannel = await db
    .selectFrom('events')
    .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .groupBy('channel')
    .execute();
  const byType = await db
    .selectFrom('events')
    .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .groupBy('type')
    .execute();
  // Days are counted in the workspace's time zone; integer division works alike on both dialects.
  const day = await db
    .selectFrom('events')
    .select(
      sql<number>`count(distinct (${sql.ref('timestamp')} + cast(${tzOffsetMs} as bigint)) / 86400000)`.as(
        'days',
      ),
    )
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .executeTakeFirst();
  return {
    state: fromRow(row, cipher),
    requestedId: id,
    identities: identities.map((i) => ({
      type: i.type,
      value: PII_TYPES.has(i.type) ? cipher.decrypt(i.value) : i.value,
      firstSeenAt: i.first_seen_at,
    })),
    merges: merges.map((m) => ({
      fromProfileId: m.from_profile_id,
      identifierType: m.identifier_type,
      at: m.created_at,
    })),
    engagement: {
      activeDays: Number(day?.days ?? 0),
      eventsByChannel: Object.fromEntries(byChannel.map((r) => [r.channel, Number(r.n)])),
      eventsByType: Object.fromEntries(byType.map((r) => [r.type, Number(r.n)])),
    },
  };
}

/** The profile an identifier points to, or 404. `type` may be camelCase (userId) or snake_case (user_id). */
export async function lookupProfileId(
  db: Db,
  cipher: FieldCipher,
  phoneRegion: string,
  workspaceId: string,
  rawType: string,
  rawValue: string,
): Promise<string> {
  const type = normalizeType(rawType);
  const value = type ? normalizeIdentifier(type, rawValue, phoneRegion) : null;
  if (!type || value === null)
    throw new AppError('INVALID_IDENTIFIER', 400, 'error.invalid_identifier', {
      reason: `${rawType} "${rawValue.slice(0, 50)}"`,
    });
  const row = await db
    .selectFrom('identities')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('value_hash', '=', cipher.blindIndex(`identity:${type}`, value))
    .executeTakeFirst();
  if (!row) throw customerNotFound();
  return liveId(db, workspaceId, row.profile_id);
}

/**
 * Finds customers by what a front-line agent types: an e-mail, a full phone number, the last 4 digits of a phone,
 * a user id, or an exact name (PII is encrypted, so names match whole, not by fragment).
 */
export async function searchProfileIds(
  db: Db,
  cipher: FieldCipher,
  phoneRegion: string,
  workspaceId: string,
  q: string,
  limit: number,
): Promise<string[]> {
  const term = q.trim();
  const ids = new Set<string>();
  const byIdentity = async (type: string) => {
    const value = normalizeIdentifier(type, term, phoneRegion);
    if (value === null) return;
    const rows = await db
      .selectFrom('identities')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('value_hash', '=', cipher.blindIndex(`identity:${type}`, value))
      .execute();
    for (const r of rows) ids.add(await liveId(db, workspaceId, r.profile_id));
  };
  if (term.includes('@')) await byIdentity('email');
  if (/^\+?[\d\s-]{7,}$/.test(term)) await byIdentity('phone');
  await byIdentity('user_id');
  if (/^\d{4}$/.test(term)) {
    const rows = await db
      .selectFrom('profiles')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('phone_suffix_index', '=', cipher.blindIndex('phone_suffix', term))
      .where('merged_into', 'is', null)
      .limit(limit)
      .execute();
    for (const r of rows) ids.add(r.id);
  }
  const byName = await db
    .selectFrom('profiles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name_index', '=', cipher.blindIndex('name', normalizeName(term)))
    .where('merged_into', 'is', null)
    .limit(limit)
    .execute();
  for (const r of byName) ids.add(r.id);
  return [...ids].slice(0, limit);
}

/** One keyset page of live profiles, newest first, optionally filtered by exact trait values. */
export async function listProfiles(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  filters: Record<string, string>,
  limit: number,
  after?: string,
): Promise<ProfileState[]> {
  const kind = dialectOf(db);
  let q = db
    .selectFrom('profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  for (const [key, value] of Object.entries(filters)) q = q.where(jsonText(kind, 'traits', key), '=', value);
  return (await q.execute()).map((r) => fromRow(r, cipher));
}

/**
 * What the touchpoints module tells the timeline (injected by the app, since touchpoints build on profiles): which
 * touchpoint events map to, and a condition for "maps to touchpoint `key`".
 */
export interface EventTouchpoints {
  of(db: Db, workspaceId: string, eventIds: string[]): Promise<Map<string, string>>;
  filter(workspaceId: string, eventIdColumn: string, key: string): RawBuilder<boolean>;
}

/** One page of a customer's timeline, newest first; events of merged profiles are included. */
export async function timelineOf(
  db: Db,
  workspaceId: string,
  id: string,
  filters: { channel?: string; type?: string; touchpoint?: string },
  limit: number,
  after?: { timestamp: number; id: string },
  touchpoints?: EventTouchpoints,
): Promise<EventsTable[]> {
  const live = await liveId(db, workspaceId, id);
  let q = db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.channel) q = q.where('channel', '=', filters.channel);
  if (filters.type) q = q.where('type', '=', filters.type);
  if (filters.touchpoint) {
    // Without the touchpoints module no event maps to a touchpoint.
    const touchpoint = filters.touchpoint;
    q = touchpoints
      ? q.where(touchpoints.filter(workspaceId, 'events.id', touchpoint))
      : q.where(sql<boolean>`1 = 0`);
  }
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('timestamp', '<', after.timestamp),
        eb.and([eb('timestamp', '=', after.timestamp), eb('id', '<', after.id)]),
      ]),
    );
  return q.execute();
}

/** Sets (or, with null, removes) traits by hand; PII traits are stored sealed. The audit row names keys, not values. */
export async function updateTraits(
  db: Db,
  profiles: Pick<ProfilesContext, 'cipher' | 'changeHooks'>,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
  traits: Record<string, unknown>,
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const live = await liveId(trx, workspaceId, id);
    const row = await trx
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', live)
      .executeTakeFirstOrThrow();
    const { cipher } = profiles;
    const state = fromRow(row, cipher);
    const now = Date.now();
    for (const [key, value] of Object.entries(traits)) {
      const piiKey = Object.hasOwn(PII_TRAITS, key) ? PII_TRAITS[key] : undefined;
      const bucket = piiKey ? state.pii : state.traits;
      const name = piiKey ?? key;
      if (value === null) delete bucket[name];
      else bucket[name] = value;
      state.stats.traitTimes[piiKey ? `pii.${piiKey}` : key] = now;
    }
    await writeProfileChanges(trx, workspaceId, [state], cipher, now);
    await profilesChanged(trx, profiles, workspaceId, { changed: [factsOfState(state)], removed: [] });
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'customer.updated',
      targetType: 'customer',
      targetId: live,
      details: { traits: Object.keys(traits) },
    });
    return live;
  });
}

/** Erases a customer: the profile, the profiles merged into it, their identifiers, merges and events. */
export async function deleteProfile(
  db: Db,
  profiles: Pick<ProfilesContext, 'changeHooks'>,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const live = await liveId(trx, workspaceId, id);
    const ids = [
      live,
      ...(
        await trx
          .selectFrom('profiles')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('merged_into', '=', live)
          .execute()
      ).map((r) => r.id),
    ];
    const events = await trx
      .deleteFrom('events')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', ids)
      .executeTakeFirst();
    await trx
      .deleteFrom('identities')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', ids)
      .execute();
    await trx
      .deleteFrom('profile_merges')
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('into_profile_id', 'in', ids), eb('from_profile_id', 'in', ids)]))
      .execute();
    await trx.deleteFrom('profiles').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
    await profilesChanged(trx, profiles, workspaceId, { changed: [], removed: ids });
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'customer.deleted',
      targetType: 'customer',
      targetId: live,
      details: { profiles: ids.length, events: Number(events.numDeletedRows) },
    });
  });
}
