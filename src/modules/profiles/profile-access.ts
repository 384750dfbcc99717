import type { FieldCipher } from '../../platform/crypto/index.js';
import { fromJson, newId, toJson, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { applyEvent } from './event-effects.js';
import { factsOfState } from './profile-state.js';
import type { IncomingEvent } from './incoming-event.js';
import { lookupProfileId } from './profile.service.js';
import {
  fromRow,
  profilesChanged,
  writeProfileChanges,
  type ProfilesContext,
  type RecordedEvent,
} from './record-events.js';

/**
 * Small read and write helpers for other modules (surveys first) that hold a customer's profile id: resolve it to
 * the live profile, read non-personal traits for targeting, and add an event to the customer's timeline.
 */

/** The live (post-merge) id of a profile of the workspace, or null when it does not exist. */
export async function liveProfileId(db: Db, workspaceId: string, id: string): Promise<string | null> {
  let current = id;
  for (let hop = 0; hop < 20; hop++) {
    const row = await db
      .selectFrom('profiles')
      .select(['id', 'merged_into'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', current)
      .executeTakeFirst();
    if (!row) return null;
    if (!row.merged_into) return row.id;
    current = row.merged_into;
  }
  return null;
}

/**
 * The live profile an identifier (`userId`, `phone`, `email`, `anonymousId`, …) points to, or null when no customer
 * has it. An invalid identifier is a 400 INVALID_IDENTIFIER.
 */
export async function findProfileIdByIdentifier(
  db: Db,
  cipher: FieldCipher,
  phoneRegion: string,
  workspaceId: string,
  type: string,
  value: string,
): Promise<string | null> {
  try {
    return await lookupProfileId(db, cipher, phoneRegion, workspaceId, type, value);
  } catch (err) {
    if (err instanceof AppError && err.code === 'CUSTOMER_NOT_FOUND') return null;
    throw err;
  }
}

/** Non-personal traits (PII stays sealed) of live profiles, by id; missing ids are absent from the map. */
export async function profileTraits(
  db: Db,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('profiles')
      .select(['id', 'traits'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, fromJson<Record<string, unknown>>(r.traits));
  }
  return out;
}

/** Up to `limit` live profile ids of the workspace, oldest first (demo data, sampling). */
export async function someProfileIds(db: Db, workspaceId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('profiles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface ProfileEventInput {
  /** Idempotency key: the same messageId is stored once. */
  messageId: string;
  name: string;
  channel: string;
  properties: Record<string, unknown>;
  timestamp: number;
}

/**
 * Adds a `track` event to the timeline of a known profile (not through identity resolution: the caller already
 * knows the customer), updates its counters and runs the recorded-event hooks, in the caller's transaction.
 * Returns false when the profile does not exist or the messageId was already stored.
 */
export async function recordProfileEvent(
  db: Db,
  ctx: ProfilesContext,
  workspaceId: string,
  profileId: string,
  input: ProfileEventInput,
): Promise<boolean> {
  const live = await liveProfileId(db, workspaceId, profileId);
  if (!live) return false;
  const dup = await db
    .selectFrom('events')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', input.messageId)
    .executeTakeFirst();
  if (dup) return false;
  const row = await db
    .selectFrom('profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', live)
    .executeTakeFirstOrThrow();
  const now = Date.now();
  const event: IncomingEvent = {
    messageId: input.messageId,
    type: 'track',
    name: input.name,
    userId: null,
    anonymousId: null,
    previousId: null,
    traits: {},
    properties: input.properties,
    context: { source: 'touchpoint' },
    channel: input.channel,
    sourceId: null,
    receivedAt: now,
    sentAt: null,
    originalTimestamp: input.timestamp,
    timestamp: input.timestamp,
  };
  const state = fromRow(row, ctx.cipher);
  applyEvent(state, event, ctx.phoneRegion);
  await writeProfileChanges(db, workspaceId, [state], ctx.cipher, now);
  const recorded: RecordedEvent = {
    id: newId('evt'),
    messageId: input.messageId,
    type: 'track',
    name: input.name,
    profileId: live,
    channel: input.channel,
    properties: input.properties,
    context: event.context,
    timestamp: input.timestamp,
    touchpointKey: null,
  };
  for (const hook of ctx.hooks ?? []) await hook.beforeStore?.(db, workspaceId, [recorded]);
  await db
    .insertInto('events')
    .values({
      workspace_id: workspaceId,
      id: recorded.id,
      message_id: input.messageId,
      type: 'track',
      name: input.name,
      profile_id: live,
      user_id: null,
      anonymous_id: null,
      channel: input.channel,
      properties: toJson(input.properties),
      context: toJson(event.context),
      source_id: null,
      received_at: now,
      sent_at: null,
      original_timestamp: input.timestamp,
      timestamp: input.timestamp,
      touchpoint_key: recorded.touchpointKey,
    })
    .execute();
  for (const hook of ctx.hooks ?? []) await hook(db, workspaceId, [recorded], []);
  await profilesChanged(db, ctx, workspaceId, { changed: [factsOfState(state)], removed: [] });
  return true;
}
