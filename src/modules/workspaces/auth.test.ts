import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  PASSWORD,
  sessionCookie,
  type TestApp,
  type TestWorkspace,
} from '../../../test/support/app.js';

describe('console sign-in', () => {
  let h: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  beforeAll(async () => {
    h = await createTestApp({ loginRateLimit: 5 });
    a = await h.workspace('alpha');
    b = await h.workspace('beta');
  });
  afterAll(() => h.close());

  const login = (email: string, password: string, ip = '10.0.0.1') =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    });

  it('sets an HttpOnly SameSite session cookie and describes the session', async () => {
    const res = await login(a.ownerEmail.toUpperCase(), PASSWORD, '10.0.0.2');
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'tp_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const body = res.json();
    expect(body.user.email).toBe(a.ownerEmail);
    expect(body.current.workspace.slug).toBe('alpha');
    expect(body.current.permissions).toContain('members.manage');
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await login('nobody@example.com', PASSWORD, '10.0.0.3');
    const wrong = await login(a.ownerEmail, 'wrong-password', '10.0.0.3');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rate-limits repeated attempts for one IP and e-mail', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await login(b.ownerEmail, 'wrong-password', '10.0.0.9')).statusCode);
    expect(codes.slice(0, 5).every((c) => c === 401)).toBe(true);
    const limited = await login(b.ownerEmail, PASSWORD, '10.0.0.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    // Another IP is not affected.
    expect((await login(b.ownerEmail, PASSWORD, '10.0.0.10')).statusCode).toBe(200);
  });

  it('requires a session or key: 401 without, and a bad bearer is not rescued by a cookie', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const cookie = await h.login(a.ownerEmail);
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/workspace',
      headers: { cookie, authorization: 'Bearer tp_sk_forged' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('signs out: the cookie no longer works', async () => {
    const cookie = await h.login(a.ownerEmail);
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
    ).toBe(401);
  });

  it('refuses cookie-authenticated writes from another site (CSRF)', async () => {
    const cookie = await h.login(a.ownerEmail);
    const foreign = await h.app.inject({
      method: 'POST',
      url: '/api/v1/write-keys',
      headers: { cookie, origin: 'https://evil.example' },
      payload: { name: 'x' },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('CSRF_REJECTED');
    const own = await h.app.inject({
      method: 'POST',
      url: '/api/v1/write-keys',
      headers: { cookie, origin: 'http://localhost:3000' },
      payload: { name: 'x' },
    });
    expect(own.statusCode).toBe(201);
  });

  it('switches workspace only among the user own memberships', async () => {
    const cookie = await h.login(a.ownerEmail);
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: { cookie },
      payload: { slug: 'beta' },
    });
    expect(other.statusCode).toBe(404);
    // Add alpha's owner to beta as a viewer, then switching works and permissions follow the role.
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { authorization: `Bearer ${b.keys.owner}` },
      payload: { email: a.ownerEmail, role: 'viewer' },
    });
    const switched = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: { cookie },
      payload: { slug: 'beta' },
    });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().current.role).toBe('viewer');
    expect(switched.json().current.permissions).not.toContain('members.manage');
    const ws = await h.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { cookie } });
    expect(ws.json().slug).toBe('beta');
    // X-Workspace picks a workspace for one request.
    const one = await h.app.inject({
      method: 'GET',
      url: '/api/v1/workspace',
      headers: { cookie, 'x-workspace': 'alpha' },
    });
    expect(one.json().slug).toBe('alpha');
  });

  it('API keys cannot use session-only routes', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${a.keys.owner}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('SESSION_REQUIRED');
  });

  it('changes the password: old sessions end, the new password works, weak ones are refused', async () => {
    const email = 'changer@alpha.test';
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { authorization: `Bearer ${a.keys.owner}` },
      payload: { email, role: 'analyst', password: PASSWORD },
    });
    const other = await h.login(email);
    const cookie = await h.login(email);
    const weak = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie },
      payload: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie },
      payload: { currentPassword: 'nope-nope', newPassword: 'a-new-password' },
    });
    expect(wrong.json().error.code).toBe('WRONG_PASSWORD');
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie },
      payload: { currentPassword: PASSWORD, newPassword: 'a-new-password' },
    });
    expect(ok.statusCode).toBe(204);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: other } })).statusCode,
    ).toBe(401);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
    ).toBe(200);
    const again = await login(email, 'a-new-password', '10.0.0.44');
    expect(sessionCookie(again)).toMatch(/^tp_session=/);
  });

  it('remembers the console language', async () => {
    const cookie = await h.login(a.ownerEmail);
    const res = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: { cookie },
      payload: { locale: 'en' },
    });
    expect(res.json().user.locale).toBe('en');
    const bad = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: { cookie },
      payload: { locale: 'fr' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
