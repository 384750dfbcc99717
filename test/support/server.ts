import { buildApp } from '../../src/app.js';
import { systemActor } from '../../src/modules/audit/index.js';
import type { EventInbox } from '../../src/modules/ingest/index.js';
import { seedDemoWorkspace } from '../../src/modules/workspaces/index.js';
import { JobRunner, type JobHandler } from '../../src/platform/jobs/index.js';
import { testConfig } from './app.js';
import { openTestDatabase, type TestDatabase } from './database.js';

/**
 * The full application listening on a free loopback port, on a fresh database with the demo workspace seeded and
 * the built console (web/dist) served — for end-to-end tests in a real browser. With `jobs`, a job runner polls
 * every 200 ms as the real server's does (post-commit work, event deliveries); a list of job types runs only those.
 */
export async function startTestServer(options: { jobs?: boolean | readonly string[] } = {}): Promise<{
  baseUrl: string;
  /** The server's database, to arrange or check rows directly. */
  database: TestDatabase;
  /** The collection API's inbox (see EventInbox). */
  inbox: EventInbox;
  close(): Promise<void>;
}> {
  const t = await openTestDatabase();
  await seedDemoWorkspace(t.handle.db, systemActor('demo-seed'), 'Asia/Shanghai');
  const jobHandlers: Record<string, JobHandler> = {};
  const handles: { inbox?: EventInbox } = {};
  const app = await buildApp({
    config: { ...testConfig, loginRateLimit: 100 },
    database: t.handle,
    logger: false,
    jobHandlers,
    handles,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const only = Array.isArray(options.jobs) ? new Set(options.jobs) : null;
  const handlers = only
    ? Object.fromEntries(Object.entries(jobHandlers).filter(([type]) => only.has(type)))
    : jobHandlers;
  const runner = options.jobs ? new JobRunner({ db: t.handle.db, handlers, pollIntervalMs: 200 }) : null;
  runner?.start();
  return {
    baseUrl: address,
    database: t,
    inbox: handles.inbox as EventInbox,
    async close() {
      await runner?.stop();
      await app.close();
      await t.close();
    },
  };
}
