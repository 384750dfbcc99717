import { insertRows, toJson, type Db } from '../../platform/db/index.js';
import type { RecordedEvent, RecordedEventsHook } from '../profiles/index.js';

/**
 * For tests and benchmarks: stores already-resolved events (their profiles need not exist) the way the profiles
 * module records them — the hook's `beforeStore` step maps them, the rows are written with their touchpoint, then
 * the hook folds them into the rollups — without identity resolution. Call it inside a transaction.
 */
export async function storeMappedEvents(
  db: Db,
  hook: RecordedEventsHook,
  workspaceId: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  await hook.beforeStore?.(db, workspaceId, events);
  await insertRows(
    db,
    'events',
    events.map((e) => ({
      workspace_id: workspaceId,
      id: e.id,
      message_id: e.messageId,
      type: e.type,
      name: e.name,
      profile_id: e.profileId,
      user_id: null,
      anonymous_id: null,
      channel: e.channel,
      properties: toJson(e.properties),
      context: toJson(e.context),
      source_id: null,
      received_at: e.timestamp,
      sent_at: null,
      original_timestamp: e.timestamp,
      timestamp: e.timestamp,
      touchpoint_key: e.touchpointKey,
    })),
  );
  await hook(db, workspaceId, events, []);
}
