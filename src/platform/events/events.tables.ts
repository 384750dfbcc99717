import type { Generated } from 'kysely';

/** One domain event as published: the record of what happened, kept for inspection and replay. */
export interface DomainEventsTable {
  workspace_id: string;
  id: string;
  type: string;
  /** JSON text on SQLite, jsonb on PostgreSQL. */
  payload: string;
  occurred_at: number;
  /** How many subscribers were handed the event (one job each). */
  deliveries: Generated<number>;
}

declare module '../db/index.js' {
  interface Database {
    domain_events: DomainEventsTable;
  }
}
