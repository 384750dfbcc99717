import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from './support/app.js';
import { encodeLoose, fillPath, operationsOf, type Operation } from './support/routes.js';

/**
 * Throws random bodies, path parameters and query strings at every route (authenticated, so requests reach
 * validation and the handlers) and asserts the server never answers 5xx and always answers with the error envelope.
 */
describe('fuzzing every route', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let ops: Operation[];
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('fuzz');
    ops = operationsOf(h.app).filter((op) => op.path !== '/api/v1/auth/logout');
  });
  afterAll(() => h.close());

  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '%00',
      '../../etc/passwd',
      '__proto__',
      'constructor',
      '\u0000',
      '\ud800',
      '😀',
      'null',
      '-1',
      '9'.repeat(400),
    ),
  );
  const bodies = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc
      .dictionary(
        fc.constantFrom(
          'name',
          'role',
          'email',
          'password',
          'slug',
          'locale',
          'timeZone',
          '__proto__',
          'constructor',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map((v) => JSON.stringify(v)),
    text,
    fc.constantFrom(
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      '{"a":',
    ),
  );

  // Every route of every module, 100 runs each: minutes on a busy 2-core machine.
  it('never answers 5xx', { timeout: 900_000 }, async () => {
    const auths = [
      { authorization: `Bearer ${ws.keys.owner}` },
      { cookie: await h.login(ws.ownerEmail) },
      {},
    ];
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(
          bodies,
          text,
          fc.array(
            fc.tuple(fc.constantFrom('limit', 'cursor', 'action', 'from', 'to', 'targetId', 'x'), text),
            { maxLength: 3 },
          ),
          fc.constantFrom(...auths),
          fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
          async (body, param, query, headers, type) => {
            const url = fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p, param])));
            const qs = query.map(([k, v]) => `${k}=${encodeLoose(v)}`).join('&');
            const res = await h.app.inject({
              method: op.method,
              url: qs ? `${url}?${qs}` : url,
              headers: { ...headers, 'content-type': type },
              ...(op.method !== 'GET' && op.method !== 'DELETE' && { payload: body }),
            });
            expect(res.statusCode, `${op.method} ${url} ${body}`).toBeLessThan(500);
            if (res.statusCode >= 400) expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
          },
        ),
        { numRuns: 100 },
      );
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
