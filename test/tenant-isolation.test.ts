import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp, type TestWorkspace } from './support/app.js';
import { fillPath, operationsOf, sampleOf } from './support/routes.js';

/**
 * Walks every admin route with workspace A's most powerful credentials, aimed at workspace B's objects (B's ids in
 * every path parameter and filter), and proves A can neither read nor change anything of B's. New routes are
 * covered automatically because the walk comes from the OpenAPI document.
 */
describe('tenant isolation', () => {
  let h: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let bIds: string[];
  let bSecrets: string[];

  const snapshotB = async () => {
    const db = h.t.handle.db;
    const tables = ['memberships', 'api_keys', 'write_keys', 'audit_log', 'audit_heads'] as const;
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      out[table] = (
        await sql`select * from ${sql.table(table)} where workspace_id = ${b.id} order by 1, 2`.execute(db)
      ).rows;
    }
    out.workspace = (await sql`select * from workspaces where id = ${b.id}`.execute(db)).rows;
    out.users = (
      await sql`select u.* from users u join memberships m on m.user_id = u.id where m.workspace_id = ${b.id} order by u.id`.execute(
        db,
      )
    ).rows;
    return out;
  };

  beforeAll(async () => {
    h = await createTestApp();
    a = await h.workspace('tenant-a');
    b = await h.workspace('tenant-b');
    const auth = { authorization: `Bearer ${b.keys.owner}` };
    const member = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/members',
        headers: auth,
        payload: {
          email: 'secret.person@tenant-b.test',
          role: 'agent',
          name: 'B Secret Person',
          password: PASSWORD,
        },
      })
    ).json();
    const apiKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: { name: 'B secret key', role: 'analyst' },
      })
    ).json();
    const writeKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: auth,
        payload: { name: 'B secret source' },
      })
    ).json();
    const audit = (await h.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1', headers: auth })).json();
    bIds = [
      b.id,
      b.ownerId,
      member.member.userId,
      apiKey.apiKey.id,
      writeKey.id,
      audit.data[0].id,
      'tenant-b',
    ];
    bSecrets = [
      'secret.person@tenant-b.test',
      'B Secret Person',
      'B secret key',
      'B secret source',
      writeKey.key,
      apiKey.key,
      apiKey.apiKey.hint,
      b.ownerEmail,
      'Workspace tenant-b',
      ...Object.values(b.keys),
    ];
  });
  afterAll(() => h.close());

  it('A cannot read or change anything of B through any route', async () => {
    const before = await snapshotB();
    const ops = operationsOf(h.app).filter(
      (op) => op.path.startsWith('/api/v1/') && op.path !== '/api/v1/auth/login',
    );
    expect(ops.length).toBeGreaterThanOrEqual(15);
    const cookieA = await h.login(a.ownerEmail);
    const credentials: Record<string, string>[] = [
      { authorization: `Bearer ${a.keys.owner}` },
      { cookie: cookieA },
      // A's session asking for B's workspace by header must not get in either.
      { cookie: cookieA, 'x-workspace': 'tenant-b' },
    ];
    let succeeded = 0;
    let requests = 0;
    for (const headers of credentials) {
      for (const op of ops) {
        // Logging out would end the session used by the following requests.
        if (op.path === '/api/v1/auth/logout') continue;
        for (const id of bIds) {
          const url = fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p, id])));
          const query = op.query
            .filter((q) => /id$/i.test(q.name) || q.name === 'action')
            .map((q) => `${q.name}=${encodeURIComponent(q.name === 'action' ? 'member.added' : id)}`)
            .join('&');
          const body = op.body ? (sampleOf(op.body) as Record<string, unknown>) : undefined;
          if (body && 'slug' in body)
            body.slug = op.path.endsWith('/auth/workspace') ? 'tenant-b' : body.slug;
          const res = await h.app.inject({
            method: op.method,
            url: query ? `${url}?${query}` : url,
            headers: { ...headers, origin: 'http://localhost:3000' },
            ...(body && { payload: body }),
          });
          requests++;
          if (res.statusCode < 300) succeeded++;
          expect(res.statusCode, `${op.method} ${url}`).toBeLessThan(500);
          for (const secret of bSecrets) {
            expect(res.body.includes(secret), `${op.method} ${url} leaked "${secret}"`).toBe(false);
          }
          // Answers about B's objects must be "not found" or "forbidden", never their content.
          for (const other of bIds) {
            if (!url.includes(encodeURIComponent(other)) && !query.includes(encodeURIComponent(other))) {
              expect(res.body.includes(other), `${op.method} ${url} mentions ${other}`).toBe(false);
            }
          }
        }
      }
    }
    // The walk was real: many of A's own requests succeeded.
    expect(succeeded).toBeGreaterThan(20);
    expect(requests).toBeGreaterThan(200);
    expect(await snapshotB()).toEqual(before);
    // One walk over every route (more than 200 requests): about 22 s on a free core, over 30 s on a loaded machine.
  }, 120_000);
});
