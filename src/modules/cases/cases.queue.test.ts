import { type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  addMember,
  createTestApp,
  type TestApp,
  type TestWorkspace,
} from '../../../test/support/app.js';
import { openTestDatabase } from '../../../test/support/database.js';
import { allMigrations } from '../../migrations/index.js';
import { migrateToLatest } from '../../platform/db/index.js';
import { EventBus } from '../../platform/events/index.js';
import { sweepWorkspace } from './case.engine.js';
import { listCases } from './case.queries.js';
import { searchTokens } from './case.search.js';
import { NO_SLA } from './case.sla.js';

const MIN = 60_000;
const ALL_DAY = [{ start: '00:00', end: '24:00' }];
const RESOLUTION = { code: 'fixed', rootCause: 'Cell congestion', steps: ['listen'] };
const QUEUE = ['assignee_id', 'team_id', 'status', 'is_active', 'due_sort'] as const;

/**
 * The narrow `case_queue` table (migration 0016) against the cases it belongs to: after every kind of write — API
 * creation, changes, assignment, replies, pauses, resolution, reopening, closing, sweeps that breach and escalate
 * (in bulk and one case at a time), SLA policy rechecks, a team's deletion — every case has exactly one queue row
 * with its assignee, team, status, active flag and sort key. Runs on both dialects.
 */
describe('case queue rows stay consistent with their cases', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let agent: string;
  let policyId: string;
  const events = new EventBus();
  const db = () => h.t.handle.db;

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.statusCode === 204 ? null : res.json();
  };

  const expectConsistent = async () => {
    const cases = await db()
      .selectFrom('cases')
      .select(['id', 'number', ...QUEUE])
      .where('workspace_id', '=', ws.id)
      .orderBy('id')
      .execute();
    const queue = await db()
      .selectFrom('case_queue')
      .select(['case_id as id', ...QUEUE])
      .where('workspace_id', '=', ws.id)
      .orderBy('case_id')
      .execute();
    const norm = (r: Record<string, unknown>) => ({
      id: r.id,
      assignee_id: r.assignee_id,
      team_id: r.team_id,
      status: r.status,
      is_active: Number(r.is_active),
      due_sort: Number(r.due_sort),
    });
    expect(queue.map(norm)).toEqual(cases.map(norm));
    return cases;
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('queue-a');
    agent = (
      await addMember(h.t.handle.db, actor, null, ws.id, {
        email: 'q1@cases.test',
        name: 'Queue Agent',
        role: 'agent',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY])),
    });
    policyId = (
      await call('POST', '/cases/rules/sla', {
        name: 'standard',
        firstResponseMinutes: 30,
        resolutionMinutes: 240,
      })
    ).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('through creation, changes, assignment, pauses, resolution, reopening and closing', async () => {
    const team = await call('POST', '/cases/teams', {
      name: { 'zh-CN': '队列组', en: 'Queue team' },
      members: [{ userId: agent, capacity: 10 }],
    });
    const ids: string[] = [];
    for (const description of ['网络信号差', 'Bill too high', '宽带断网', 'Slow data', '营业厅服务态度差'])
      ids.push((await call('POST', '/cases', { description, channel: 'app' })).case.id);
    const [a, b, c, d, e] = ids as [string, string, string, string, string];
    expect((await expectConsistent()).length).toBe(5);

    await call('PATCH', `/cases/${a}`, { priority: 'high', tags: ['vip-call'] });
    await call('POST', `/cases/${a}/assign`, { assigneeId: agent });
    await call('POST', `/cases/${b}/assign`, { teamId: team.id });
    await call('POST', `/cases/${b}/messages`, { body: '您好，正在处理', direction: 'outbound' });
    await call('POST', `/cases/${c}/transition`, { status: 'pending_customer' });
    await expectConsistent();
    await call('POST', `/cases/${c}/messages`, { body: 'Here you are', direction: 'inbound' });
    await call('POST', `/cases/${d}/resolve`, { resolution: RESOLUTION });
    await expectConsistent();
    await call('POST', `/cases/${d}/reopen`, { comment: 'not fixed' });
    await call('POST', `/cases/${e}/transition`, { status: 'closed' });
    const cases = await expectConsistent();
    expect(cases.find((x) => x.id === e)?.is_active).toBe(0);

    // The inbox pages read through the queue rows: mine, team, everything active in due order.
    const mine = await listCases(db(), ws.id, null, { view: 'mine', assigneeId: agent }, 10);
    expect(mine.map((r) => r.id)).toContain(a);
    const teamPage = await listCases(db(), ws.id, null, { view: 'team', teamId: team.id }, 10);
    expect(teamPage.map((r) => r.id)).toEqual([b]);
    const active = await listCases(db(), ws.id, null, {}, 10);
    expect(active.map((r) => r.id)).not.toContain(e);
    const sorted = [...active].sort((x, y) => x.due_sort - y.due_sort || (x.id < y.id ? -1 : 1));
    expect(active.map((r) => r.id)).toEqual(sorted.map((r) => r.id));

    // A team's deletion unassigns its cases from it, in both places.
    await call('DELETE', `/cases/teams/${team.id}`);
    await expectConsistent();
    expect(await listCases(db(), ws.id, null, { view: 'team', teamId: team.id }, 10)).toEqual([]);
  });

  it('through sweeps (bulk breaches, escalations one case at a time) and SLA policy rechecks', async () => {
    await call('POST', '/cases/rules/escalation', {
      name: 'breach → raise',
      trigger: { type: 'sla_breached', target: 'first_response' },
      actions: [{ type: 'raise_priority' }],
    });
    await call('POST', '/cases/rules/escalation', {
      name: 'resolution due soon → supervisor pool',
      trigger: { type: 'sla_due_soon', target: 'resolution', minutes: 200 },
      actions: [{ type: 'reassign', userId: agent }],
    });
    await h.runJobs(() => Date.now());
    await expectConsistent();
    const before = await expectConsistent();
    const result = await sweepWorkspace(db(), { events }, ws.id, Date.now() + 45 * MIN);
    expect(result.breaches).toBeGreaterThan(0);
    const after = await expectConsistent();
    // Breached first responses move the cases in the queue (to their resolution due time).
    expect(after.some((r, i) => r.due_sort !== before[i]?.due_sort)).toBe(true);
    // Reassigned by the second rule: the assignee moved in the queue rows too.
    expect(after.filter((r) => r.is_active === 1).every((r) => r.assignee_id === agent)).toBe(true);

    await call('PUT', `/cases/rules/sla/${policyId}`, {
      name: 'standard',
      firstResponseMinutes: 60,
      resolutionMinutes: 600,
    });
    await h.runJobs(() => Date.now());
    const retargeted = await expectConsistent();
    expect(retargeted.some((r, i) => r.due_sort !== after[i]?.due_sort)).toBe(true);
  });
});

describe('migration 0016 (case queue)', () => {
  it('gives every existing case its queue row, which goes with its case', async () => {
    const t = await openTestDatabase({ migrate: false });
    try {
      const db = t.handle.db;
      const all = allMigrations(t.handle.kind);
      await migrateToLatest(db, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0016')));
      await db
        .insertInto('workspaces')
        .values({
          id: 'ws_mig',
          slug: 'mig',
          name: 'Mig',
          time_zone: 'UTC',
          default_locale: 'en',
          created_at: 0,
          updated_at: 0,
        })
        .execute();
      const raw = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      const rows = [
        { status: 'open', assignee: 'usr_1', team: 'team_1', due: 5_000 },
        { status: 'resolved', assignee: null, team: null, due: 8_000_000_000_000 },
        { status: 'pending_customer', assignee: 'usr_2', team: null, due: 3_000 },
      ];
      for (const [i, r] of rows.entries())
        await raw
          .insertInto('cases')
          .values({
            workspace_id: 'ws_mig',
            id: `case_${i}`,
            number: i + 1,
            profile_id: null,
            channel: 'app',
            touchpoint_key: null,
            category: 'other',
            subcategory: null,
            priority: 'normal',
            source: 'api',
            status: r.status,
            subject: `subject ${i}`,
            description: 'd',
            language: 'zh',
            sentiment_label: null,
            sentiment_score: null,
            topics: '[]',
            urgent: 0,
            urgency_reasons: '[]',
            assignee_id: r.assignee,
            team_id: r.team,
            tags: '[]',
            search_text: `c-00000${i + 1} subject ${i}`,
            search_tokens: searchTokens(`c-00000${i + 1} subject ${i}`),
            version: 1,
            parent_case_id: null,
            duplicate_count: 0,
            reopen_count: 0,
            agent_replies: 0,
            ...NO_SLA,
            sla_state: null,
            sla_due_at: null,
            due_sort: r.due,
            is_active: r.status === 'resolved' ? 0 : 1,
            escalations: ',',
            resolution: null,
            follow_up_score: null,
            follow_up_metric: null,
            created_by: null,
            created_at: 0,
            updated_at: 0,
            last_activity_at: 0,
            first_resolved_at: null,
            resolved_at: null,
            closed_at: null,
          })
          .execute();
      // Pending checks as migration 0014 left them (no copied columns yet).
      await raw
        .insertInto('case_checks')
        .values([
          { workspace_id: 'ws_mig', case_id: 'case_0', version: 1, next_check_at: 5_000 },
          { workspace_id: 'ws_mig', case_id: 'case_2', version: 1, next_check_at: 9_000 },
        ])
        .execute();
      await migrateToLatest(db, all);
      const checks = await db.selectFrom('case_checks').selectAll().orderBy('case_id').execute();
      expect(
        checks.map((k) => [k.case_id, k.status, k.assignee_id, k.escalations, Number(k.created_at)]),
      ).toEqual([
        ['case_0', 'open', 'usr_1', ',', 0],
        ['case_2', 'pending_customer', 'usr_2', ',', 0],
      ]);
      const queue = await db.selectFrom('case_queue').selectAll().orderBy('case_id').execute();
      expect(
        queue.map((q) => [
          q.case_id,
          q.assignee_id,
          q.team_id,
          q.status,
          Number(q.is_active),
          Number(q.due_sort),
        ]),
      ).toEqual([
        ['case_0', 'usr_1', 'team_1', 'open', 1, 5_000],
        ['case_1', null, null, 'resolved', 0, 8_000_000_000_000],
        ['case_2', 'usr_2', null, 'pending_customer', 1, 3_000],
      ]);
      // The active queue in due order, through the new table.
      expect((await listCases(db, 'ws_mig', null, {}, 10)).map((r) => r.id)).toEqual(['case_2', 'case_0']);
      expect((await listCases(db, 'ws_mig', null, { q: 'subject 0' }, 10)).map((r) => r.id)).toEqual([
        'case_0',
      ]);
      // The queue row goes with its case.
      await db.deleteFrom('cases').where('workspace_id', '=', 'ws_mig').where('id', '=', 'case_0').execute();
      expect(
        (await db.selectFrom('case_queue').select('case_id').execute()).map((q) => q.case_id).sort(),
      ).toEqual(['case_1', 'case_2']);
    } finally {
      await t.close();
    }
  });
});
