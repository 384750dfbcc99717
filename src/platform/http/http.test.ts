import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { SECURITY_HEADER_OPTIONS, staticHeaders } from './server.js';

describe('HTTP conventions', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    h = await createTestApp({ bodyLimitBytes: 4096, jsonMaxDepth: 8 });
    ws = await h.workspace('http');
  });
  afterAll(() => h.close());

  const post = (payload: string, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/write-keys',
      payload,
      headers: { authorization: `Bearer ${ws.keys.owner}`, 'content-type': 'application/json', ...headers },
    });

  it('answers malformed JSON with 400 INVALID_JSON in the envelope', async () => {
    const res = await post('{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.', details: {} },
    });
  });

  it('translates messages by Accept-Language', async () => {
    const res = await post('nope', { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(res.json().error.message).toBe('请求体不是有效的 JSON。');
  });

  it('lists the failing fields of a schema violation', async () => {
    const res = await post(JSON.stringify({ name: 5, extra: true }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['extra', 'name']);
  });

  it('rejects oversize bodies with 413 and too-deep JSON with 400', async () => {
    const big = await post(JSON.stringify({ name: 'x'.repeat(5000) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const deep = await post('{"name":"a","x":' + '['.repeat(20) + ']'.repeat(20) + '}');
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.code).toBe('JSON_TOO_DEEP');
    // Brackets inside strings do not count as nesting.
    const inString = await post(JSON.stringify({ name: '[[[[[[[[[[[[[[[[[[[[' }));
    expect(inString.statusCode).toBe(201);
  });

  it('never lets __proto__ or constructor.prototype reach an object prototype', async () => {
    const res = await post('{"name":"p","__proto__":{"polluted":true}}');
    expect(res.statusCode).toBe(400);
    const res2 = await post('{"name":"p","constructor":{"prototype":{"polluted":true}}}');
    expect(res2.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses NUL characters anywhere (PostgreSQL text cannot hold them)', async () => {
    const body = await post('{"name":"a\\u0000b"}');
    expect(body.statusCode).toBe(400);
    expect(body.json().error.details.fields[0].in).toBe('body');
    // An escaped backslash followed by "u0000" is ordinary text.
    expect((await post('{"name":"a\\\\u0000b"}')).statusCode).toBe(201);
    const auth = { authorization: `Bearer ${ws.keys.owner}` };
    const param = await h.app.inject({ method: 'DELETE', url: '/api/v1/write-keys/a%00b', headers: auth });
    expect(param.statusCode).toBe(400);
    expect(param.json().error.details.fields[0].in).toBe('params');
    const query = await h.app.inject({ method: 'GET', url: '/api/v1/audit?action=a%00', headers: auth });
    expect(query.json().error.details.fields[0].in).toBe('querystring');
  });

  it('rejects unsupported media types with 415', async () => {
    const res = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('echoes a sane request id and generates one otherwise', async () => {
    const given = await h.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const hostile = await h.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': '<script>' },
    });
    expect(hostile.headers['x-request-id']).toMatch(/^req_[0-9a-z]{26}$/);
  });

  it('sends security headers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it("sends exactly helmet's security headers on every kind of route, errors included", async () => {
    // What helmet's own middleware sets on a real Node response with the server's configuration.
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    let ran = false;
    helmet(SECURITY_HEADER_OPTIONS)(req, res, () => (ran = true));
    expect(ran).toBe(true);
    const expected = res.getHeaders();
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(10);
    const auth = { authorization: `Bearer ${ws.keys.owner}` };
    const responses = [
      await h.app.inject({ method: 'GET', url: '/healthz' }),
      await h.app.inject({ method: 'GET', url: '/api/v1/write-keys', headers: auth }),
      await h.app.inject({ method: 'GET', url: '/api/v1/write-keys' }), // 401
      await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), // 404
      await h.app.inject({ method: 'POST', url: '/v1/track', payload: {} }), // collection API, 401
      await h.app.inject({ method: 'POST', url: '/api/v1/public/surveys/x.y.z/responses', payload: {} }),
    ];
    for (const r of responses) {
      expect(r.statusCode).toBeLessThan(500);
      for (const [name, value] of Object.entries(expected)) expect(r.headers[name], name).toBe(value);
    }
  });

  it('staticHeaders replays a middleware that finishes at once and refuses one that depends on the request', () => {
    const replay = staticHeaders((_req, res, next) => {
      res.setHeader('X-A', '1');
      res.setHeader('X-B', '2');
      res.removeHeader('X-A');
      next();
    });
    expect(replay).toEqual({ set: [['X-B', '2']], removed: ['X-A'] });
    expect(() =>
      staticHeaders((req, res, next) => {
        res.setHeader('X-Url', String(req.url));
        next();
      }),
    ).toThrow(/depend on the request/);
    expect(() => staticHeaders(() => undefined)).toThrow(/synchronously/);
  });

  it('checks credentials only on routes that need them', async () => {
    const nope = { authorization: 'Bearer nope', cookie: 'tp_session=nope' };
    // A public route ignores credentials, good or bad; a protected one refuses bad ones.
    expect((await h.app.inject({ method: 'GET', url: '/healthz', headers: nope })).statusCode).toBe(200);
    const bad = await h.app.inject({ method: 'GET', url: '/api/v1/write-keys', headers: nope });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer');
    const head = await h.app.inject({ method: 'HEAD', url: '/api/v1/write-keys' });
    expect(head.statusCode).toBe(401);
    const good = await h.app.inject({
      method: 'HEAD',
      url: '/api/v1/write-keys',
      headers: { authorization: `Bearer ${ws.keys.owner}` },
    });
    expect(good.statusCode).toBe(200);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('touchpoint_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('touchpoint_process_cpu_seconds_total');
  });

  it('generates OpenAPI 3 from the route schemas, with the docs UI', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/members/{userId}',
      '/api/v1/api-keys',
      '/api/v1/write-keys',
      '/api/v1/audit',
    ]) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
    expect(
      spec.paths['/api/v1/api-keys'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['name', 'role']);
    const entry = await h.app.inject({ method: 'GET', url: '/api/docs' });
    const ui =
      entry.statusCode === 302
        ? await h.app.inject({
            method: 'GET',
            url: new URL(entry.headers.location as string, 'http://x/api/').pathname,
          })
        : entry;
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('paginates with opaque cursors and rejects forged ones', async () => {
    for (let i = 0; i < 5; i++) await post(JSON.stringify({ name: `source ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/write-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (
        await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ws.keys.owner}` } })
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((k: { id: string }) => k.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/write-keys?cursor=garbage',
      headers: { authorization: `Bearer ${ws.keys.owner}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
  });
});
