import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

describe('customer CSV import and export', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('csv');
  });
  afterAll(() => h.close());

  const importCsv = (csv: string | Buffer, role: keyof TestWorkspace['keys'] = 'marketer') =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/customers/import',
      headers: { authorization: `Bearer ${ws.keys[role]}`, 'content-type': 'text/csv' },
      payload: csv,
    });
  const lookup = (type: string, value: string) =>
    h.app.inject({
      method: 'GET',
      url: `/api/v1/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
    });

  it('upserts by identifier, reports bad rows by line, and merges like events do', async () => {
    const csv = [
      '\uFEFFuser_id,name,phone,email,city,level',
      'u-1,张三,13812345678,zs@example.com,杭州,gold',
      ',李四,139 0000 1111,,上海,silver',
      ',,,,广州,bronze',
      'u-3,王五,,ww@example.com,"北京, 朝阳",',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      rows: 4,
      imported: 3,
      rejected: 1,
      errors: [{ row: 4, code: 'NO_IDENTIFIER', reason: expect.stringContaining('no user_id') }],
    });
    const lisi = (await lookup('phone', '+8613900001111')).json();
    expect(lisi.basic).toMatchObject({ name: '李四', city: '上海' });
    expect((await lookup('userId', 'u-3')).json().basic.city).toBe('北京, 朝阳');
    // Re-importing updates, never duplicates; a phone row for u-1 lands on u-1.
    const again = await importCsv('phone,level\n13812345678,platinum\n');
    expect(again.json().imported).toBe(1);
    const zs = (await lookup('userId', 'u-1')).json();
    expect(zs.traits.level).toBe('platinum');
    const count = await h.t.handle.db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.id)
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });

  it('refuses imports from roles without customers.import and bodies that are not CSV', async () => {
    expect((await importCsv('user_id\nx\n', 'viewer')).statusCode).toBe(403);
    const json = await h.app.inject({
      method: 'POST',
      url: '/api/v1/customers/import',
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      payload: { a: 1 },
    });
    expect(json.statusCode).toBe(415);
  });

  it('exports every customer as CSV, masked for roles without pii.read, and audits it', async () => {
    const viewer = await h.app.inject({
      method: 'GET',
      url: '/api/v1/customers/export',
      headers: { authorization: `Bearer ${ws.keys.viewer}` },
    });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.headers['content-type']).toContain('text/csv');
    const lines = viewer.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe(
      'id,name,email,phone,city,gender,birthday,first_seen_at,last_seen_at,event_count,total_spend,order_count',
    );
    expect(lines).toHaveLength(4);
    expect(viewer.body).toContain('138****5678');
    expect(viewer.body).not.toContain('13812345678');
    const admin = await h.app.inject({
      method: 'GET',
      url: '/api/v1/customers/export',
      headers: { authorization: `Bearer ${ws.keys.admin}` },
    });
    expect(admin.body).toContain('+8613812345678');
    const audit = (
      await h.app.inject({
        method: 'GET',
        url: '/api/v1/audit?action=customer.exported',
        headers: { authorization: `Bearer ${ws.keys.admin}` },
      })
    ).json();
    expect(audit.data.map((e: { details: { piiMasked: boolean } }) => e.details.piiMasked)).toEqual([
      false,
      true,
    ]);
  });
});
