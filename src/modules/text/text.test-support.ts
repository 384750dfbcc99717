/**
 * Test helper: the HTTP server with the workspace authenticator and this module's routes under /api/v1, composed as
 * src/app.ts does, on a database the caller opened (test/support/database.ts lives outside src/, so it is passed in
 * rather than imported: the server build compiles src/ only). Used by text.routes.test.ts until the routes are
 * registered in src/app.ts.
 */
import { allMigrations } from '../../migrations/index.js';
import { text } from '../../migrations/0003-text.js';
import { cliActor } from '../audit/index.js';
import { auditRoutes } from '../audit/index.js';
import {
  createApiKey,
  createAuthenticator,
  createUser,
  createWorkspace,
  type Role,
} from '../workspaces/index.js';
import { migrateToLatest, type DatabaseHandle } from '../../platform/db/index.js';
import { createHttpServer, type HttpServer } from '../../platform/http/index.js';
import { textRoutes } from './text.routes.js';

export interface TextTestWorkspace {
  id: string;
  /** A secret API key per role. */
  keys: Record<Role, string>;
}

export interface TextTestApp {
  app: HttpServer;
  workspace(slug: string): Promise<TextTestWorkspace>;
  close(): Promise<void>;
}

const ROLES: Role[] = ['owner', 'admin', 'analyst', 'marketer', 'agent', 'viewer'];

/** Applies the migrations including this module's 0003 (a no-op once it is registered in allMigrations). */
export async function migrateWithText(handle: DatabaseHandle): Promise<void> {
  await migrateToLatest(handle.db, { ...allMigrations(handle.kind), '0003_text': text(handle.kind) });
}

/** A server with the text and audit routes on `handle` (migrated here), for app.inject() tests. */
export async function createTextTestApp(handle: DatabaseHandle): Promise<TextTestApp> {
  await migrateWithText(handle);
  const { db } = handle;
  const app = await createHttpServer({
    logger: false,
    publicUrl: 'http://localhost:3000',
    bodyLimitBytes: 1_048_576,
    jsonMaxDepth: 32,
    metricsToken: null,
    authenticate: createAuthenticator(db),
    readiness: async () => null,
    version: 'test',
  });
  await app.register(
    async (api) => {
      await api.register(textRoutes(db));
      await api.register(auditRoutes(db));
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  const actor = cliActor('test');
  return {
    app,
    async workspace(slug) {
      const owner = await createUser(db, actor, {
        email: `owner@${slug}.test`,
        name: `Owner ${slug}`,
        password: 'correct-horse-battery',
      });
      const ws = await createWorkspace(db, actor, {
        slug,
        name: `Workspace ${slug}`,
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        ownerUserId: owner.id,
      });
      const keys = {} as Record<Role, string>;
      for (const role of ROLES)
        keys[role] = (await createApiKey(db, actor, null, ws.id, { name: `${role} key`, role })).key;
      return { id: ws.id, keys };
    },
    close: () => app.close(),
  };
}
