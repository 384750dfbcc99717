export type SegmentStatus = 'active' | 'archived';
export type SegmentRefreshStatus = 'idle' | 'running' | 'failed';

export interface SegmentsTable {
  workspace_id: string;
  id: string;
  key: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  /** The rule (`SegmentCondition`, see segment.rules.ts) as JSON. */
  condition: string;
  status: SegmentStatus;
  member_count: number;
  version: number;
  refresh_status: SegmentRefreshStatus;
  /** The definition version the last (or running) full refresh computes. */
  refresh_version: number;
  /** Last profile id a running refresh has committed. */
  refresh_cursor: string | null;
  refresh_processed: number;
  refresh_total: number;
  refresh_error: string | null;
  refreshed_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface SegmentMembersTable {
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  added_at: number;
}

declare module '../../platform/db/index.js' {
  interface Database {
    segments: SegmentsTable;
    segment_members: SegmentMembersTable;
  }
}
