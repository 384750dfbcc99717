/**
 * Lifecycle of a job: `pending` → `running` → `done`, or back to `pending` for a retry, or `failed` once its attempts
 * are used up. Only `pending` jobs can be `cancelled`.
 */
export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/** The `jobs` table (created by migration 0001). Times are epoch milliseconds. */
export interface JobsTable {
  id: string;
  workspace_id: string | null;
  type: string;
  /** JSON text: written with `toJson`, read with `fromJson` (PostgreSQL hands jsonb back as text too). */
  payload: string;
  status: JobStatus;
  run_at: number;
  /** Number of times the job has been claimed, including the current run. */
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  /** End of the claiming worker's lease; a running job past it is treated as abandoned and claimed again. */
  locked_until: number | null;
  last_error: string | null;
  /** Held only while the job is pending or running, so a finished job never blocks a new one with the same key. */
  unique_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

declare module '../db/index.js' {
  interface Database {
    jobs: JobsTable;
  }
}
