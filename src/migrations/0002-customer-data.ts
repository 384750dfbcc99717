import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/** Customer profiles, their identifiers and merges, the event timeline and the channel catalogue. */
export function customerData(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('profiles')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        // Set when this profile was merged into another; reads follow the pointer.
        .addColumn('merged_into', 'text')
        .addColumn('traits', json, (c) => c.notNull())
        // AES-256-GCM sealed JSON of the PII traits (name, email, phone, address, national id).
        .addColumn('pii', 'text')
        .addColumn('name_index', 'text')
        .addColumn('phone_suffix_index', 'text')
        .addColumn('stats', json, (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('profiles_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('profiles_name_idx')
        .on('profiles')
        .columns(['workspace_id', 'name_index'])
        .execute();
      await db.schema
        .createIndex('profiles_phone_suffix_idx')
        .on('profiles')
        .columns(['workspace_id', 'phone_suffix_index'])
        .execute();
      await db.schema
        .createIndex('profiles_last_seen_idx')
        .on('profiles')
        .columns(['workspace_id', 'last_seen_at'])
        .execute();

      // Merges repoint the profiles already merged into the one being merged away.
      await db.schema
        .createIndex('profiles_merged_into_idx')
        .on('profiles')
        .columns(['workspace_id', 'merged_into'])
        .execute();

      await db.schema
        .createTable('identities')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        // Keyed hash (blind index) of type + normalised value, so it is unique across types on its own and
        // lookups never need the plain value.
        .addColumn('value_hash', 'text', (c) => c.notNull())
        // Plain for opaque ids (userId, anonymousId, openid…), sealed for e-mail and phone.
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'value_hash'])
        .execute();
      await db.schema
        .createIndex('identities_profile_idx')
        .on('identities')
        .columns(['workspace_id', 'profile_id'])
        .execute();

      await db.schema
        .createTable('profile_merges')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('into_profile_id', 'text', (c) => c.notNull())
        .addColumn('from_profile_id', 'text', (c) => c.notNull())
        .addColumn('identifier_type', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('profile_merges_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('profile_merges_into_idx')
        .on('profile_merges')
        .columns(['workspace_id', 'into_profile_id'])
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('anonymous_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('properties', json, (c) => c.notNull())
        .addColumn('context', json, (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('original_timestamp', 'bigint')
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('events_message_uq', ['workspace_id', 'message_id'])
        .execute();
      await db.schema
        .createIndex('events_profile_idx')
        .on('events')
        .columns(['workspace_id', 'profile_id', 'timestamp'])
        .execute();
      await db.schema
        .createIndex('events_time_idx')
        .on('events')
        .columns(['workspace_id', 'timestamp'])
        .execute();

      await db.schema
        .createTable('channels')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('aliases', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channels_pk', ['workspace_id', 'key'])
        .execute();
    },
  };
}
