/** Tables of the notifications module (created by migration 0007). Times are epoch ms. */

export interface WebhookEndpointsTable {
  workspace_id: string;
  id: string;
  name: string;
  url: string;
  /** The signing secret, sealed with the field cipher (AES-256-GCM). */
  secret: string;
  /** JSON string[] of event types; ['*'] = every type. */
  events: string;
  enabled: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  workspace_id: string;
  id: string;
  endpoint_id: string;
  event_type: string;
  /** The exact JSON body sent (and signed). */
  body: string;
  /** pending | delivered | failed (attempts used up) */
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface EmailLogTable {
  workspace_id: string;
  id: string;
  to_address: string;
  template: string;
  locale: string;
  subject: string;
  /** pending | sent | skipped (no SMTP configured) | failed */
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

declare module '../../platform/db/index.js' {
  interface Database {
    webhook_endpoints: WebhookEndpointsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    email_log: EmailLogTable;
  }
}
