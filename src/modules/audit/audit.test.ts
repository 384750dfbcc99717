import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { recordAudit, verifyAuditChain } from './index.js';

describe('audit trail', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('audited');
  });
  afterAll(() => h.close());

  const auth = () => ({ authorization: `Bearer ${ws.keys.owner}` });
  const audit = async (query = '') =>
    (await h.app.inject({ method: 'GET', url: `/api/v1/audit${query}`, headers: auth() })).json();

  it('records who changed what, with the request id, for every state change through the API', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/write-keys',
      headers: { ...auth(), 'x-request-id': 'req-audit-1' },
      payload: { name: 'Store POS 门店' },
    });
    const wk = res.json();
    const page = await audit('?limit=1');
    expect(page.data[0]).toMatchObject({
      action: 'write_key.created',
      target: { type: 'write_key', id: wk.id },
      requestId: 'req-audit-1',
      actor: { type: 'api_key' },
      details: { name: 'Store POS 门店' },
    });
    expect(JSON.stringify(page)).not.toContain(ws.keys.owner);
  });

  it('filters by action, target and time, and pages newest first', async () => {
    for (let i = 0; i < 3; i++) {
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: auth(),
        payload: { name: `src ${i}` },
      });
    }
    const created = await audit('?action=write_key.created');
    expect(created.data.length).toBeGreaterThanOrEqual(4);
    expect(created.data.every((e: { action: string }) => e.action === 'write_key.created')).toBe(true);
    const seqs = created.data.map((e: { seq: number }) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);

    const first = await audit('?limit=2');
    const second = await audit(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.data[0].seq).toBeLessThan(first.data[1].seq);

    const owner = await audit(`?targetId=${ws.ownerId}`);
    expect(owner.data.map((e: { action: string }) => e.action)).toContain('member.added');
    const future = await audit(`?from=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.data).toEqual([]);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: auth(),
    });
    expect(bad.json().error.code).toBe('AUDIT_FILTER_INVALID');
  });

  it('is admin-only', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: { authorization: `Bearer ${ws.keys.analyst}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it('keeps one intact chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        h.app.inject({
          method: 'POST',
          url: '/api/v1/write-keys',
          headers: auth(),
          payload: { name: `parallel ${i}` },
        }),
      ),
    );
    const result = await verifyAuditChain(h.t.handle.db);
    expect(result).toMatchObject({ ok: true });
  });

  it('rolls back the audit row with a failed change', async () => {
    const before = await verifyAuditChain(h.t.handle.db);
    await expect(
      h.t.handle.db.transaction().execute(async (trx) => {
        await recordAudit(
          trx,
          { actor: { type: 'system', id: 't' }, requestId: null, ip: null },
          { workspaceId: ws.id, action: 'x.y', targetType: 'x', targetId: null },
        );
        throw new Error('fail after audit');
      }),
    ).rejects.toThrow();
    const after = await verifyAuditChain(h.t.handle.db);
    expect(after).toMatchObject({ ok: true, rows: before.rows });
  });
});

describe('audit tamper detection', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let snapshot: Record<string, unknown>[];
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('tamper');
    for (let i = 0; i < 5; i++) {
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: { authorization: `Bearer ${ws.keys.owner}` },
        payload: { name: `k${i}` },
      });
    }
    snapshot = (await sql<Record<string, unknown>>`select * from audit_log`.execute(h.t.handle.db)).rows;
  });
  afterAll(() => h.close());

  // Put the table back exactly as it was before each tampering.
  beforeEach(async () => {
    const db = h.t.handle.db;
    await sql`delete from audit_log`.execute(db);
    for (const row of snapshot)
      await db
        .insertInto('audit_log')
        .values(row as never)
        .execute();
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  const target = async (seq: number) =>
    await h.t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();

  it('names the first edited row', async () => {
    const row = await target(4);
    await sql`update audit_log set details = ${JSON.stringify({ name: 'forged' })} where id = ${row.id}`.execute(
      h.t.handle.db,
    );
    expect(await verifyAuditChain(h.t.handle.db)).toMatchObject({
      ok: false,
      workspaceId: ws.id,
      seq: 4,
      id: row.id,
      reason: 'row content was changed',
    });
  });

  it('detects an edited actor even when the attacker recomputes nothing else', async () => {
    const row = await target(2);
    await sql`update audit_log set actor_id = ${'someone-else'} where id = ${row.id}`.execute(h.t.handle.db);
    expect(await verifyAuditChain(h.t.handle.db)).toMatchObject({ ok: false, seq: 2 });
  });

  it('detects a deleted row in the middle and at the end', async () => {
    const row = await target(3);
    await sql`delete from audit_log where id = ${row.id}`.execute(h.t.handle.db);
    expect(await verifyAuditChain(h.t.handle.db)).toMatchObject({
      ok: false,
      seq: 3,
      reason: 'row 3 is missing',
    });
  });

  it('detects truncation of the newest rows', async () => {
    const head = await h.t.handle.db
      .selectFrom('audit_heads')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    await sql`delete from audit_log where workspace_id = ${ws.id} and seq = ${head.last_seq}`.execute(
      h.t.handle.db,
    );
    const result = await verifyAuditChain(h.t.handle.db);
    expect(result).toMatchObject({ ok: false, workspaceId: ws.id, seq: head.last_seq });
  });

  it('detects reordered rows', async () => {
    const a = await target(2);
    const b = await target(3);
    const db = h.t.handle.db;
    await sql`update audit_log set seq = -1 where id = ${a.id}`.execute(db);
    await sql`update audit_log set seq = 2 where id = ${b.id}`.execute(db);
    await sql`update audit_log set seq = 3 where id = ${a.id}`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, seq: 2 });
  });
});
