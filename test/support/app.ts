import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppConfig } from '../../src/app.js';
import { cliActor } from '../../src/modules/audit/index.js';
import type { EventInbox } from '../../src/modules/ingest/index.js';
import {
  addMember,
  createApiKey,
  createUser,
  createWorkspace,
  type Role,
} from '../../src/modules/workspaces/index.js';
import type { HttpServer } from '../../src/platform/http/index.js';
import { JobRunner, type JobHandler } from '../../src/platform/jobs/index.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export const testConfig: AppConfig = {
  publicUrl: 'http://localhost:3000',
  bodyLimitBytes: 1_048_576,
  jsonMaxDepth: 32,
  metricsToken: null,
  sessionTtlHours: 24,
  cookieSecure: false,
  loginRateLimit: 1000,
  tzDefault: 'Asia/Shanghai',
  secretKey: randomBytes(32),
  phoneRegion: 'CN',
};

export const PASSWORD = 'correct-horse-battery';
export const actor = cliActor('test');

export interface TestWorkspace {
  id: string;
  slug: string;
  ownerEmail: string;
  ownerId: string;
  /** A secret API key per role in this workspace. */
  keys: Record<Role, string>;
}

export interface TestApp {
  app: HttpServer;
  t: TestDatabase;
  /** Creates a workspace with an owner (password PASSWORD) and an API key for every role. */
  workspace(slug: string): Promise<TestWorkspace>;
  /** Runs every due durable job (event deliveries, timers) until none is left; returns how many ran. */
  runJobs(now?: () => number): Promise<number>;
  /** The collection API's inbox (see EventInbox). */
  inbox: EventInbox;
  /** Waits until every event the collection API acknowledged is folded into profiles. */
  settle(): Promise<void>;
  /** Signs in and returns the session cookie header value. */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** The whole application on a fresh database of its own, for API tests through app.inject(). */
export async function createTestApp(config: Partial<AppConfig> = {}): Promise<TestApp> {
  const t = await openTestDatabase();
  const jobHandlers: Record<string, JobHandler> = {};
  const handles: { inbox?: EventInbox } = {};
  const app = await buildApp({
    config: { ...testConfig, ...config },
    database: t.handle,
    logger: false,
    jobHandlers,
    handles,
  });
  await app.ready();
  const { db } = t.handle;
  const inbox = handles.inbox as EventInbox;
  return {
    app,
    t,
    inbox,
    async runJobs(now) {
      const runner = new JobRunner({ db, handlers: jobHandlers, ...(now ? { now } : {}) });
      let total = 0;
      // Jobs may enqueue further jobs (an event whose handler publishes another): run until nothing is due.
      for (let n = await runner.runDue(); n > 0; n = await runner.runDue()) total += n;
      return total;
    },
    settle: () => inbox.settled(),
    async workspace(slug) {
      const ownerEmail = `owner@${slug}.test`;
      const owner = await createUser(db, actor, {
        email: ownerEmail,
        name: `Owner ${slug}`,
        password: PASSWORD,
      });
      const ws = await createWorkspace(db, actor, {
        slug,
        name: `Workspace ${slug}`,
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'en',
        ownerUserId: owner.id,
      });
      const roles: Role[] = ['owner', 'admin', 'analyst', 'marketer', 'agent', 'viewer'];
      const keys = {} as Record<Role, string>;
      for (const role of roles)
        keys[role] = (await createApiKey(db, actor, null, ws.id, { name: `${role} key`, role })).key;
      return { id: ws.id, slug, ownerEmail, ownerId: owner.id, keys };
    },
    async login(email, password = PASSWORD) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return sessionCookie(res);
    },
    async close() {
      await app.close();
      await t.close();
    },
  };
}

/** `name=value` of the session cookie a response set. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'tp_session');
  if (!c) throw new Error('no session cookie');
  return `tp_session=${c.value}`;
}

export { addMember };
