export interface ChannelsTable {
  workspace_id: string;
  key: string;
  name_zh: string;
  name_en: string;
  aliases: string;
  created_at: number;
}

declare module '../../platform/db/index.js' {
  interface Database {
    channels: ChannelsTable;
  }
}
