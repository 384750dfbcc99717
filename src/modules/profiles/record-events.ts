import type { FieldCipher } from '../../platform/crypto/index.js';
import { sql } from 'kysely';
import {
  dialectOf,
  fromJson,
  insertRows,
  newId,
  toJson,
  updateRows,
  type Db,
  type RowUpdate,
} from '../../platform/db/index.js';
import { applyEvent } from './event-effects.js';
import {
  LIMITS,
  limitOf,
  normalizeIdentifier,
  normalizeType,
  PII_TYPES,
  priorityOf,
  type Identifier,
} from './identifiers.js';
import type { IncomingEvent } from './incoming-event.js';
import {
  emptyStats,
  factsOfState,
  mergeState,
  type CustomerFacts,
  type ProfileState,
  type ProfileStats,
} from './profile-state.js';
import type { ProfilesTable } from './profiles.tables.js';

/** What resolving identities needs besides the database. */
export interface ProfilesContext {
  cipher: FieldCipher;
  /** Region for phone numbers without a country code (ISO 3166, default CN → +86). */
  phoneRegion: string;
  /**
   * Other modules' reactions to stored events (touchpoint mapping, survey triggers), run in the same transaction
   * after the events are written, so a reaction commits or rolls back with its events. Keep them cheap: they sit
   * on the ingestion hot path.
   */
  hooks?: readonly RecordedEventsHook[];
  /**
   * Reactions to profiles changing for any reason — events, trait edits, merges, erasure (segment membership) — run
   * in the same transaction. Keep them cheap: they sit on the ingestion hot path too.
   */
  changeHooks?: readonly ProfilesChangedHook[];
}

/** Live profiles whose data changed (their facts as written), and profiles that are gone (merged away, erased). */
export interface ProfilesChange {
  changed: readonly CustomerFacts[];
  removed: readonly string[];
}

export type ProfilesChangedHook = (db: Db, workspaceId: string, change: ProfilesChange) => Promise<void>;

/** Tells the change hooks, if anything changed. */
export async function profilesChanged(
  db: Db,
  ctx: Pick<ProfilesContext, 'changeHooks'>,
  workspaceId: string,
  change: ProfilesChange,
): Promise<void> {
  if (change.changed.length === 0 && change.removed.length === 0) return;
  for (const hook of ctx.changeHooks ?? []) await hook(db, workspaceId, change);
}

/** An event as stored, handed to the hooks: its profile is the live (post-merge) one. */
export interface RecordedEvent {
  id: string;
  messageId: string;
  type: IncomingEvent['type'];
  name: string | null;
  profileId: string;
  channel: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: number;
  /**
   * The touchpoint the event maps to: set by the touchpoint mapping, the first hook, so that later hooks (survey
   * triggers, complaint intake) see it; null before that or when nothing matches.
   */
  touchpointKey: string | null;
}

/** A profile merged away in this batch: its rows now belong to `into` (the live profile). */
export interface RecordedMerge {
  from: string;
  into: string;
}

export interface RecordedEventsHook {
  (
    db: Db,
    workspaceId: string,
    events: readonly RecordedEvent[],
    merges: readonly RecordedMerge[],
  ): Promise<void>;
  /**
   * Optional: runs before the events are written, in the same transaction; it may set each event's `touchpointKey`,
   * which is stored on the event's row (`events.touchpoint_key`). Keep it cheap (in-memory rules).
   */
  beforeStore?: (db: Db, workspaceId: string, events: readonly RecordedEvent[]) => Promise<void>;
}

export interface RecordResult {
  stored: number;
  duplicates: number;
}

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The identifiers an event carries, highest priority first, normalised and de-duplicated. */
export function identifiersOf(e: IncomingEvent, phoneRegion: string): Identifier[] {
  const raw: [string, unknown][] = [
    ['user_id', e.userId],
    ['anonymous_id', e.anonymousId],
    ['email', e.traits.email],
    ['phone', e.traits.phone ?? e.traits.mobile],
    ['wechat_openid', e.traits.wechat_openid ?? e.traits.openid],
    ['wechat_unionid', e.traits.wechat_unionid ?? e.traits.unionid],
    ['device_id', (e.context.device as Record<string, unknown> | undefined)?.id],
  ];
  if (e.type === 'alias' && e.previousId) raw.push(['anonymous_id', e.previousId]);
  const external = e.context.externalIds;
  if (Array.isArray(external)) {
    for (const x of external.slice(0, 20)) {
      if (x && typeof x === 'object')
        raw.push([
          normalizeType((x as Record<string, unknown>).type) ?? '',
          (x as Record<string, unknown>).id,
        ]);
    }
  }
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const [type, value] of raw) {
    if (!type) continue;
    const v = normalizeIdentifier(type, value, phoneRegion);
    if (v === null || seen.has(`${type}\u0000${v}`)) continue;
    seen.add(`${type}\u0000${v}`);
    out.push({ type, value: v });
  }
  return out.sort((a, b) => priorityOf(a.type) - priorityOf(b.type));
}

interface IdentityState {
  type: string;
  value: string;
  hash: string;
  profileId: string;
  isNew: boolean;
}

/**
 * Stores a batch of events of one workspace and folds them into customer profiles, in the caller's transaction:
 * drops duplicates (by messageId), resolves each event's identifiers to one profile — creating, attaching or
 * merging profiles under the priority and limit rules — applies traits and counters, and writes every changed
 * profile once. Deterministic: the same events in the same order give the same profiles.
 */
export async function recordEvents(
  db: Db,
  ctx: ProfilesContext,
  workspaceId: string,
  incoming: IncomingEvent[],
): Promise<RecordResult> {
  // 0. PostgreSQL runs transactions side by side: two folding events of one workspace at once would each resolve the
  // same new identifier to a profile of their own, or merge what the other just moved. One at a time per workspace
  // (a lock held until the transaction ends; callers with several workspaces take them in id order). SQLite has a
  // single writer anyway.
  if (dialectOf(db) === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtextextended(${`touchpoint.profiles:${workspaceId}`}, 0))`.execute(
      db,
    );

  // 1. Duplicates: within the batch and against stored events.
  const unique = new Map<string, IncomingEvent>();
  for (const e of incoming) if (!unique.has(e.messageId)) unique.set(e.messageId, e);
  for (const part of chunks([...unique.keys()])) {
    const found = await db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', part)
      .execute();
    for (const f of found) unique.delete(f.message_id);
  }
  const events = [...unique.values()];
  if (events.length === 0) return { stored: 0, duplicates: incoming.length };

  // 2. Load every identity the batch mentions, and the profiles they belong to.
  const idsOf = events.map((e) => identifiersOf(e, ctx.phoneRegion));
  const identities = new Map<string, IdentityState>();
  // An identifier recurs across a batch's events (and is looked up several times per event): hash it once.
  const hashes0 = new Map<string, string>();
  const hashOf = (id: Identifier) => {
    const key = `${id.type}\u0000${id.value}`;
    let hash = hashes0.get(key);
    if (hash === undefined) {
      hash = ctx.cipher.blindIndex(`identity:${id.type}`, id.value);
      hashes0.set(key, hash);
    }
    return hash;
  };
  const hashes = [...new Set(idsOf.flat().map(hashOf))];
  for (const part of chunks(hashes)) {
    const rows = await db
      .selectFrom('identities')
      .select(['type', 'value_hash', 'value', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('value_hash', 'in', part)
      .execute();
    for (const r of rows)
      identities.set(r.value_hash, {
        type: r.type,
        value: r.value,
        hash: r.value_hash,
        profileId: r.profile_id,
        isNew: false,
      });
  }
  const profiles = new Map<string, ProfileState>();
  /** identity types and values per profile, for the limits. */
  const valuesOf = new Map<string, Map<string, Set<string>>>();
  const loadProfiles = async (ids: string[]) => {
    const missing = ids.filter((id) => !profiles.has(id));
    for (const part of chunks(missing)) {
      const rows = await db
        .selectFrom('profiles')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', part)
        .execute();
      for (const r of rows) profiles.set(r.id, fromRow(r, ctx.cipher));
      const idRows = await db
        .selectFrom('identities')
        .select(['type', 'value_hash', 'profile_id'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', part)
        .execute();
      for (const r of idRows) addValue(r.profile_id, r.type, r.value_hash);
    }
  };
  const addValue = (profileId: string, type: string, hash: string) => {
    let byType = valuesOf.get(profileId);
    if (!byType) valuesOf.set(profileId, (byType = new Map()));
    let set = byType.get(type);
    if (!set) byType.set(type, (set = new Set()));
    set.add(hash);
  };
  await loadProfiles([...new Set([...identities.values()].map((i) => i.profileId))]);

  const merges: { id: string; into: string; from: string; type: string; messageId: string }[] = [];
  const live = (id: string): string => {
    let p = profiles.get(id);
    while (p?.mergedInto) p = profiles.get(p.mergedInto);
    return p?.id ?? id;
  };
  const canAttach = (profileId: string, type: string, hash: string) => {
    const limit = limitOf(type);
    const set = valuesOf.get(profileId)?.get(type);
    return limit === undefined || !set || set.has(hash) || set.size < limit;
  };
  const canMerge = (from: string, into: string) =>
    Object.entries(LIMITS).every(([type, limit]) => {
      const a = valuesOf.get(into)?.get(type) ?? new Set<string>();
      const b = valuesOf.get(from)?.get(type) ?? new Set<string>();
      return new Set([...a, ...b]).size <= limit;
    });
  const attach = (id: Identifier, hash: string, profileId: string) => {
    identities.set(hash, {
      type: id.type,
      value: id.type && PII_TYPES.has(id.type) ? ctx.cipher.encrypt(id.value) : id.value,
      hash,
      profileId,
      isNew: true,
    });
    addValue(profileId, id.type, hash);
  };
  const merge = (from: string, into: string, type: string, messageId: string) => {
    const a = profiles.get(into) as ProfileState;
    const b = profiles.get(from) as ProfileState;
    mergeState(a, b);
    b.mergedInto = into;
    b.dirty = true;
    for (const idState of identities.values()) if (idState.profileId === from) idState.profileId = into;
    for (const [t, set] of valuesOf.get(from) ?? []) for (const h of set) addValue(into, t, h);
    valuesOf.delete(from);
    merges.push({ id: newId('mrg'), into, from, type, messageId });
  };

  // 3. Resolve each event in order.
  const rows: { event: IncomingEvent; profileId: string }[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as IncomingEvent;
    const ids = idsOf[i] as Identifier[];
    let target: string | null = null;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j] as Identifier;
      const hash = hashOf(id);
      const known = identities.get(hash);
      const owner = known ? live(known.profileId) : null;
      if (target === null) {
        if (owner) {
          target = owner;
          continue;
        }
        // A new top identifier joins the profile of a lower-priority known identifier when the limits allow.
        let candidate: string | null = null;
        for (const later of ids.slice(j + 1)) {
          const k = identities.get(hashOf(later));
          if (k && canAttach(live(k.profileId), id.type, hash)) {
            candidate = live(k.profileId);
            break;
          }
        }
        target = candidate ?? createProfile(profiles, e.timestamp);
        attach(id, hash, target);
        continue;
      }
      if (owner === target) continue;
      if (owner === null) {
        if (canAttach(target, id.type, hash)) attach(id, hash, target);
      } else if (canMerge(owner, target)) {
        merge(owner, target, id.type, e.messageId);
      }
    }
    // Events carry userId or anonymousId, but either may be a blocked placeholder: such an event gets its own profile.
    target ??= createProfile(profiles, e.timestamp);
    applyEvent(profiles.get(target) as ProfileState, e, ctx.phoneRegion);
    rows.push({ event: e, profileId: target });
  }

  // 4. Write back: profiles, identities, merges, events.
  const now = Date.now();
  const newProfiles = [...profiles.values()].filter((p) => p.isNew && !p.mergedInto);
  await insertRows(
    db,
    'profiles',
    newProfiles.map((p) => toRow(p, workspaceId, ctx.cipher, now)),
  );
  // Profiles created and merged away within this batch were never stored.
  await writeProfileChanges(
    db,
    workspaceId,
    [...profiles.values()].filter((p) => !p.isNew && p.dirty),
    ctx.cipher,
    now,
  );
  const newIdentities = [...identities.values()].filter((i) => i.isNew);
  await insertRows(
    db,
    'identities',
    newIdentities.map((i) => ({
      workspace_id: workspaceId,
      type: i.type,
      value_hash: i.hash,
      value: i.value,
      profile_id: live(i.profileId),
      first_seen_at: now,
      last_seen_at: now,
    })),
  );
  for (const m of merges) {
    const from = profiles.get(m.from) as ProfileState;
    if (from.isNew) continue;
    const into = live(m.into);
    await db
      .updateTable('identities')
      .set({ profile_id: into, last_seen_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', m.from)
      .execute();
    await db
      .updateTable('events')
      .set({ profile_id: into })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', m.from)
      .execute();
    await db
      .updateTable('profiles')
      .set({ merged_into: into })
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', '=', m.from)
      .execute();
  }
  const storedMerges = merges.filter((m) => !(profiles.get(m.from) as ProfileState).isNew);
  if (storedMerges.length) {
    await db
      .insertInto('profile_merges')
      .values(
        storedMerges.map((m) => ({
          workspace_id: workspaceId,
          id: m.id,
          into_profile_id: live(m.into),
          from_profile_id: m.from,
          identifier_type: m.type,
          message_id: m.messageId,
          created_at: now,
        })),
      )
      .execute();
  }
  const recorded: RecordedEvent[] = rows.map(({ event: e, profileId }) => ({
    id: newId('evt'),
    messageId: e.messageId,
    type: e.type,
    name: e.name,
    profileId: live(profileId),
    channel: e.channel,
    properties: e.properties,
    context: e.context,
    timestamp: e.timestamp,
    touchpointKey: null,
  }));
  for (const hook of ctx.hooks ?? []) await hook.beforeStore?.(db, workspaceId, recorded);
  await insertRows(
    db,
    'events',
    rows.map(({ event: e, profileId }, i) => ({
      workspace_id: workspaceId,
      id: (recorded[i] as RecordedEvent).id,
      message_id: e.messageId,
      type: e.type,
      name: e.name,
      profile_id: live(profileId),
      user_id: e.userId,
      anonymous_id: e.anonymousId,
      channel: e.channel,
      properties: toJson(e.properties),
      context: toJson(e.context),
      source_id: e.sourceId,
      received_at: e.receivedAt,
      sent_at: e.sentAt,
      original_timestamp: e.originalTimestamp,
      timestamp: e.timestamp,
      touchpoint_key: (recorded[i] as RecordedEvent).touchpointKey,
    })),
    { onConflictIgnore: ['workspace_id', 'message_id'] },
  );
  const merged: RecordedMerge[] = storedMerges.map((m) => ({ from: m.from, into: live(m.into) }));
  for (const hook of ctx.hooks ?? []) await hook(db, workspaceId, recorded, merged);
  if (ctx.changeHooks?.length)
    await profilesChanged(db, ctx, workspaceId, {
      changed: [...profiles.values()].filter((p) => !p.mergedInto && (p.isNew || p.dirty)).map(factsOfState),
      removed: merged.map((m) => m.from),
    });
  return { stored: rows.length, duplicates: incoming.length - rows.length };
}

function createProfile(profiles: Map<string, ProfileState>, at: number): string {
  const id = newId('cus');
  profiles.set(id, {
    id,
    isNew: true,
    dirty: true,
    mergedInto: null,
    traits: {},
    pii: {},
    stats: emptyStats(),
    eventCount: 0,
    firstSeenAt: at,
    lastSeenAt: at,
    createdAt: Date.now(),
  });
  return id;
}

/** Reads a stored profile into its in-memory state (PII unsealed). */
export function fromRow(r: ProfilesTable, cipher: FieldCipher): ProfileState {
  const piiJson = r.pii ? cipher.decrypt(r.pii) : '{}';
  return {
    id: r.id,
    isNew: false,
    dirty: false,
    mergedInto: r.merged_into,
    traits: fromJson<Record<string, unknown>>(r.traits),
    pii: fromJson<Record<string, unknown>>(piiJson),
    stats: { ...emptyStats(), ...fromJson<ProfileStats>(r.stats) },
    eventCount: r.event_count,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    createdAt: r.created_at,
    stored: { row: r, piiJson },
  };
}

/** PostgreSQL types of the profile columns a write-back sets (the others are text). */
const PROFILE_PG_TYPES = {
  traits: 'jsonb',
  stats: 'jsonb',
  event_count: 'integer',
  first_seen_at: 'bigint',
  last_seen_at: 'bigint',
  updated_at: 'bigint',
} as const;

/**
 * Writes back changed profiles, each setting only the columns that changed (an event that bumps counters does not
 * re-seal the PII or rewrite the name, phone and merge indexes), all of them with a few multi-row statements.
 */
export async function writeProfileChanges(
  db: Db,
  workspaceId: string,
  states: readonly ProfileState[],
  cipher: FieldCipher,
  now: number,
): Promise<void> {
  const updates: RowUpdate[] = states.map((p) => ({
    key: [workspaceId, p.id],
    set: changedColumns(p, cipher, now),
  }));
  await updateRows(db, 'profiles', ['workspace_id', 'id'], updates, PROFILE_PG_TYPES);
}

/** The columns of a stored profile that its state changed, and their new values. */
function changedColumns(p: ProfileState, cipher: FieldCipher, now: number): Partial<ProfilesTable> {
  const before = p.stored?.row;
  const set: Partial<ProfilesTable> = {};
  const traits = toJson(p.traits);
  if (traits !== before?.traits) set.traits = traits;
  const stats = toJson(p.stats);
  if (stats !== before?.stats) set.stats = stats;
  if (p.mergedInto !== before?.merged_into) set.merged_into = p.mergedInto;
  if (p.eventCount !== before?.event_count) set.event_count = p.eventCount;
  if (p.firstSeenAt !== before?.first_seen_at) set.first_seen_at = p.firstSeenAt;
  if (p.lastSeenAt !== before?.last_seen_at) set.last_seen_at = p.lastSeenAt;
  if (JSON.stringify(p.pii) !== p.stored?.piiJson) {
    const sealed = sealPii(p, cipher);
    set.pii = sealed.pii;
    if (sealed.name_index !== before?.name_index) set.name_index = sealed.name_index;
    if (sealed.phone_suffix_index !== before?.phone_suffix_index)
      set.phone_suffix_index = sealed.phone_suffix_index;
  }
  set.updated_at = now;
  return set;
}

/** The sealed PII of a profile and its blind indexes (name, last four digits of the phone). */
function sealPii(
  p: ProfileState,
  cipher: FieldCipher,
): Pick<ProfilesTable, 'pii' | 'name_index' | 'phone_suffix_index'> {
  const hasPii = Object.keys(p.pii).length > 0;
  const name =
    typeof p.pii.name === 'string'
      ? p.pii.name
      : [p.pii.lastName, p.pii.firstName].filter((x) => typeof x === 'string').join('');
  const phone = typeof p.pii.phone === 'string' ? p.pii.phone.replace(/\D/g, '') : '';
  return {
    pii: hasPii ? cipher.encrypt(JSON.stringify(p.pii)) : null,
    name_index: name ? cipher.blindIndex('name', normalizeName(name)) : null,
    phone_suffix_index: phone.length >= 4 ? cipher.blindIndex('phone_suffix', phone.slice(-4)) : null,
  };
}

/** Normalises a person's name for exact-match search (case, width and spaces do not matter). */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** The stored row of a profile state: PII sealed, name and phone suffix blind-indexed for search. */
export function toRow(p: ProfileState, workspaceId: string, cipher: FieldCipher, now: number): ProfilesTable {
  return {
    workspace_id: workspaceId,
    id: p.id,
    merged_into: p.mergedInto,
    traits: toJson(p.traits),
    ...sealPii(p, cipher),
    stats: toJson(p.stats),
    event_count: p.eventCount,
    first_seen_at: p.firstSeenAt,
    last_seen_at: p.lastSeenAt,
    created_at: p.createdAt,
    updated_at: now,
  };
}
