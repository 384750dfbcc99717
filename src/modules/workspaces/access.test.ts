import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { resolveWriteKey } from './index.js';
import { PERMISSIONS, ROLES } from './permissions.js';

describe('members, API keys and write keys', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('acme');
  });
  afterAll(() => h.close());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: object) =>
    h.app.inject({ method, url, headers: as(key), ...(payload && { payload }) });

  it('enforces the permission matrix on every role', async () => {
    const checks: [string, 'GET' | 'POST', string, string, object | undefined][] = [
      ['members.read', 'GET', '/api/v1/members', 'members.read', undefined],
      ['api_keys.read', 'GET', '/api/v1/api-keys', 'api_keys.read', undefined],
      ['write_keys.read', 'GET', '/api/v1/write-keys', 'write_keys.read', undefined],
      ['audit.read', 'GET', '/api/v1/audit', 'audit.read', undefined],
      ['write_keys.manage', 'POST', '/api/v1/write-keys', 'write_keys.manage', { name: 'matrix' }],
    ];
    for (const role of ROLES) {
      for (const [, method, url, permission, body] of checks) {
        const allowed = (PERMISSIONS[permission as keyof typeof PERMISSIONS] as readonly string[]).includes(
          role,
        );
        const res = await req(method, url, ws.keys[role], body);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(
          allowed ? (method === 'POST' ? 201 : 200) : 403,
        );
        if (!allowed) expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', details: { permission } });
      }
    }
  });

  it('adds a new person with a temporary password they can sign in with', async () => {
    const res = await req('POST', '/api/v1/members', ws.keys.admin, {
      email: 'New.Agent@Acme.test',
      role: 'agent',
      name: '新客服',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.member).toMatchObject({ email: 'new.agent@acme.test', role: 'agent', name: '新客服' });
    expect(body.temporaryPassword).toMatch(/^[\w-]{16}$/);
    await h.login('new.agent@acme.test', body.temporaryPassword);
    const again = await req('POST', '/api/v1/members', ws.keys.admin, {
      email: 'new.agent@acme.test',
      role: 'agent',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('MEMBER_EXISTS');
  });

  it('never lets anyone grant or touch a role above their own, nor remove the last owner', async () => {
    const grantOwner = await req('POST', '/api/v1/members', ws.keys.admin, {
      email: 'boss@acme.test',
      role: 'owner',
      password: PASSWORD,
    });
    expect(grantOwner.statusCode).toBe(403);
    expect(grantOwner.json().error.code).toBe('ROLE_NOT_ALLOWED');
    const demoteOwner = await req('PATCH', `/api/v1/members/${ws.ownerId}`, ws.keys.admin, {
      role: 'viewer',
    });
    expect(demoteOwner.json().error.code).toBe('ROLE_NOT_ALLOWED');
    const lastOwner = await req('PATCH', `/api/v1/members/${ws.ownerId}`, ws.keys.owner, { role: 'admin' });
    expect(lastOwner.statusCode).toBe(409);
    expect(lastOwner.json().error.code).toBe('LAST_OWNER');
    const removeLast = await req('DELETE', `/api/v1/members/${ws.ownerId}`, ws.keys.owner);
    expect(removeLast.json().error.code).toBe('LAST_OWNER');
    const ownerKey = await req('POST', '/api/v1/api-keys', ws.keys.admin, { name: 'x', role: 'owner' });
    expect(ownerKey.json().error.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('changes a role and removes a member, who then loses access', async () => {
    const added = (
      await req('POST', '/api/v1/members', ws.keys.owner, {
        email: 'temp@acme.test',
        role: 'viewer',
        password: PASSWORD,
      })
    ).json();
    const cookie = await h.login('temp@acme.test');
    const changed = await req('PATCH', `/api/v1/members/${added.member.userId}`, ws.keys.owner, {
      role: 'analyst',
    });
    expect(changed.json().role).toBe('analyst');
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json().current.role).toBe('analyst');
    expect((await req('DELETE', `/api/v1/members/${added.member.userId}`, ws.keys.owner)).statusCode).toBe(
      204,
    );
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { cookie } });
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('NO_WORKSPACE');
    expect(
      (await req('DELETE', `/api/v1/members/${added.member.userId}`, ws.keys.owner)).json().error.code,
    ).toBe('MEMBER_NOT_FOUND');
  });

  it('shows an API key once, stores only its hash, records use and revokes it', async () => {
    const created = await req('POST', '/api/v1/api-keys', ws.keys.owner, {
      name: 'BI export',
      role: 'analyst',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { apiKey, key } = created.json();
    expect(key).toMatch(/^tp_sk_[\w-]{43}$/);
    const stored = await h.t.handle.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);
    const list = (await req('GET', '/api/v1/api-keys', ws.keys.owner)).json();
    expect(JSON.stringify(list)).not.toContain(key);
    expect(list.data.find((k: { id: string }) => k.id === apiKey.id).lastUsedAt).toBeNull();

    expect((await req('GET', '/api/v1/workspace', key)).statusCode).toBe(200);
    const used = (await req('GET', '/api/v1/api-keys', ws.keys.owner)).json();
    expect(used.data.find((k: { id: string }) => k.id === apiKey.id).lastUsedAt).not.toBeNull();

    expect((await req('DELETE', `/api/v1/api-keys/${apiKey.id}`, ws.keys.owner)).statusCode).toBe(204);
    expect((await req('GET', '/api/v1/workspace', key)).statusCode).toBe(401);
    expect((await req('DELETE', '/api/v1/api-keys/key_nope', ws.keys.owner)).json().error.code).toBe(
      'API_KEY_NOT_FOUND',
    );
  });

  it('creates, lists and revokes write keys, which resolve to their workspace until revoked', async () => {
    const wk = (await req('POST', '/api/v1/write-keys', ws.keys.owner, { name: '微信公众号 WeChat' })).json();
    expect(wk.key).toMatch(/^tp_wk_[\w-]{24}$/);
    expect(await resolveWriteKey(h.t.handle.db, wk.key)).toEqual({
      workspaceId: ws.id,
      writeKeyId: wk.id,
      name: '微信公众号 WeChat',
    });
    // A write key is not an admin credential.
    expect((await req('GET', '/api/v1/workspace', wk.key)).statusCode).toBe(401);
    expect((await req('DELETE', `/api/v1/write-keys/${wk.id}`, ws.keys.owner)).statusCode).toBe(204);
    expect(await resolveWriteKey(h.t.handle.db, wk.key)).toBeUndefined();
    const listed = (await req('GET', '/api/v1/write-keys', ws.keys.owner)).json();
    expect(listed.data.find((k: { id: string }) => k.id === wk.id).revokedAt).not.toBeNull();
  });

  it('updates the workspace settings and validates the time zone', async () => {
    const ok = await req('PATCH', '/api/v1/workspace', ws.keys.admin, {
      name: 'Acme 中国',
      timeZone: 'Asia/Hong_Kong',
    });
    expect(ok.json()).toMatchObject({ name: 'Acme 中国', timeZone: 'Asia/Hong_Kong' });
    const bad = await req('PATCH', '/api/v1/workspace', ws.keys.admin, { timeZone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].path).toBe('timeZone');
  });

  it('lets a signed-in user create a workspace and become its owner; slugs are unique', async () => {
    const cookie = await h.login(ws.ownerEmail);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie },
      payload: { slug: 'acme-2', name: 'Acme Two' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ slug: 'acme-2', timeZone: 'Asia/Shanghai', defaultLocale: 'zh-CN' });
    const dup = await h.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie },
      payload: { slug: 'acme-2', name: 'Again' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('WORKSPACE_SLUG_TAKEN');
    const badSlug = await h.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie },
      payload: { slug: 'Bad Slug', name: 'x' },
    });
    expect(badSlug.statusCode).toBe(400);
  });
});
