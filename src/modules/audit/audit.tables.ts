export interface AuditLogTable {
  workspace_id: string;
  seq: number;
  id: string;
  created_at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  workspace_id: string;
  last_seq: number;
  last_hash: string;
}

declare module '../../platform/db/index.js' {
  interface Database {
    audit_log: AuditLogTable;
    audit_heads: AuditHeadsTable;
  }
}
