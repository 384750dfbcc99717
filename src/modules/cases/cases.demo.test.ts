import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  actor,
  createTestApp,
  testConfig,
  type TestApp,
  type TestWorkspace,
} from '../../../test/support/app.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { seedDemoCustomers } from '../profiles/index.js';
import { casesOfProfile, seedDemoCases } from './index.js';

describe('demo cases', () => {
  let h: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('demo-cases');
    const db = h.t.handle.db;
    await addMember(db, actor, null, ws.id, {
      email: 'agent@demo-cases.test',
      name: '张客服',
      role: 'agent',
      password: 'correct-horse-battery',
    });
    await seedDemoCustomers(
      db,
      { cipher: createFieldCipher(testConfig.secretKey), phoneRegion: 'CN' },
      ws.id,
      { customers: 150, now: Date.now() },
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('seeds cases in every status over the demo customers, deterministically, once', async () => {
    const db = h.t.handle.db;
    const now = Date.UTC(2026, 10, 20, 4);
    const created = await seedDemoCases(db, ws.id, { now, count: 36 });
    expect(created).toBe(36);
    expect(await seedDemoCases(db, ws.id, { now, count: 36 })).toBe(0);
    const rows = await db
      .selectFrom('cases')
      .select(['status', 'profile_id', 'description', 'reopen_count', 'created_at', 'category'])
      .where('workspace_id', '=', ws.id)
      .orderBy('number')
      .execute();
    expect(new Set(rows.map((r) => r.status))).toEqual(
      new Set(['new', 'open', 'pending_customer', 'resolved', 'closed']),
    );
    expect(rows.some((r) => r.reopen_count > 0)).toBe(true);
    expect(rows.filter((r) => /[\u4e00-\u9fff]/.test(r.description)).length).toBeGreaterThan(rows.length / 2);
    expect(rows.some((r) => /^[\x20-\x7e]+$/.test(r.description))).toBe(true);
    expect(rows[0]).toMatchObject({ category: 'network_quality', created_at: expect.any(Number) });
    // Cases belong to demo customers and show on their profile.
    const withCustomer = rows.find((r) => r.profile_id !== null);
    expect(withCustomer).toBeDefined();
    const list = await casesOfProfile(db, ws.id, withCustomer?.profile_id as string, 10);
    expect(list.length).toBeGreaterThan(0);
    expect(list[0]?.number).toMatch(/^C-\d{6}$/);
    // The breached demo cases are caught by the SLA engine once its timers run.
    await h.runJobs();
    const breached = await db
      .selectFrom('cases')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .where('sla_state', '=', 'breached')
      .execute();
    expect(breached.length).toBeGreaterThan(0);
    const analytics = await h.app.inject({
      method: 'GET',
      url: '/api/v1/cases/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z',
      headers: { authorization: `Bearer ${ws.keys.analyst}` },
    });
    expect(analytics.json().topRootCauses.length).toBeGreaterThan(3);
  });
});
