export interface ProfilesTable {
  workspace_id: string;
  id: string;
  merged_into: string | null;
  traits: string;
  pii: string | null;
  name_index: string | null;
  phone_suffix_index: string | null;
  stats: string;
  event_count: number;
  first_seen_at: number;
  last_seen_at: number;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  workspace_id: string;
  type: string;
  value_hash: string;
  value: string;
  profile_id: string;
  first_seen_at: number;
  last_seen_at: number;
}

export interface ProfileMergesTable {
  workspace_id: string;
  id: string;
  into_profile_id: string;
  from_profile_id: string;
  identifier_type: string;
  message_id: string | null;
  created_at: number;
}

export interface EventsTable {
  workspace_id: string;
  id: string;
  message_id: string;
  type: string;
  name: string | null;
  profile_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  channel: string;
  properties: string;
  context: string;
  source_id: string | null;
  received_at: number;
  sent_at: number | null;
  original_timestamp: number | null;
  timestamp: number;
  /** The touchpoint the event maps to (set by the touchpoints module when the event is recorded; migration 0015). */
  touchpoint_key: string | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    profiles: ProfilesTable;
    identities: IdentitiesTable;
    profile_merges: ProfileMergesTable;
    events: EventsTable;
  }
}
