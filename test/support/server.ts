import { buildApp } from '../../src/app.js';
import { systemActor } from '../../src/modules/audit/index.js';
import { seedDemoWorkspace } from '../../src/modules/workspaces/index.js';
import { testConfig } from './app.js';
import { openTestDatabase } from './database.js';

/**
 * The full application listening on a free loopback port, on a fresh database with the demo workspace seeded and
 * the built console (web/dist) served — for end-to-end tests in a real browser.
 */
export async function startTestServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const t = await openTestDatabase();
  await seedDemoWorkspace(t.handle.db, systemActor('demo-seed'), 'Asia/Shanghai');
  const app = await buildApp({
    config: { ...testConfig, loginRateLimit: 100 },
    database: t.handle,
    logger: false,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl: address,
    async close() {
      await app.close();
      await t.close();
    },
  };
}
