import type { Generated } from 'kysely';

export interface ChannelsTable {
  workspace_id: string;
  key: string;
  name_zh: string;
  name_en: string;
  aliases: string;
  created_at: number;
}

export interface IngestInboxTable {
  seq: Generated<number>;
  workspace_id: string;
  received_at: number;
  /** The validated IncomingEvent, as JSON. */
  event: string;
  failed_at: number | null;
  error: string | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    channels: ChannelsTable;
    ingest_inbox: IngestInboxTable;
  }
}
