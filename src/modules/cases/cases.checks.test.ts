import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { openTestDatabase, testDialect } from '../../../test/support/database.js';
import { allMigrations } from '../../migrations/index.js';
import { inTransaction, migrateToLatest } from '../../platform/db/index.js';
import { EventBus } from '../../platform/events/index.js';
import { CHECK_INPUTS, moveChecks, moveStaleChecks, writeChecks } from './case.checks.js';
import { nextCheckSql } from './case.check-sql.js';
import { checkInputsOf, facts, sweepWorkspace } from './case.engine.js';
import { loadConfig } from './case.settings.js';
import { NO_SLA, nextCheckAt } from './case.sla.js';

const MIN = 60_000;

/** The copied columns of a case or check row, with bigints as numbers (PostgreSQL returns them as numbers or strings). */
const inputsOf = (r: Record<string, unknown>) =>
  Object.fromEntries(
    CHECK_INPUTS.map((k) => [
      k,
      r[k] === null || (typeof r[k] === 'string' && !/_at$/.test(k)) ? r[k] : Number(r[k]),
    ]),
  );
const ALL_DAY = [{ start: '00:00', end: '24:00' }];
const RESOLUTION = { code: 'fixed', rootCause: 'Cell congestion', steps: ['listen', 'apologise'] };

/**
 * The narrow `case_checks` table (migration 0014) against the cases it belongs to: after every kind of write — API
 * creation, changes, replies, pauses, resumes, resolution, reopening, closing, rule changes and their rechecks, sweeps
 * — a case has a check row exactly when something is pending, at the instant nextCheckAt computes from the case, with
 * the case's version. Runs on both dialects.
 */
describe('case checks stay consistent with their cases', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  const events = new EventBus();
  const db = () => h.t.handle.db;

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) => {
    const res = await h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };

  /** Every case of the workspace: its check row against the check computed from the case and the rules. */
  const expectConsistent = async () => {
    const config = await loadConfig(db(), ws.id, true);
    const cases = await db().selectFrom('cases').selectAll().where('workspace_id', '=', ws.id).execute();
    const checks = new Map(
      (await db().selectFrom('case_checks').selectAll().where('workspace_id', '=', ws.id).execute()).map(
        (k) => [k.case_id, k],
      ),
    );
    for (const c of cases) {
      const expected = nextCheckAt(c, facts(c, null), config.escalation);
      const k = checks.get(c.id);
      expect(
        k ? { next: Number(k.next_check_at), version: Number(k.version) } : null,
        `case ${c.number} (${c.status})`,
      ).toEqual(expected === null ? null : { next: expected, version: c.version });
      // The case columns copied to the check row (migration 0016) are the case's, at its version.
      if (k) expect(inputsOf(k), `case ${c.number} (${c.status}) check inputs`).toEqual(inputsOf(c));
    }
    // No check row without its case.
    expect(checks.size).toBe(cases.filter((c) => checks.has(c.id)).length);
    return { cases, checks };
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('checks-a');
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY])),
    });
    await call('POST', '/cases/rules/sla', {
      name: 'standard',
      firstResponseMinutes: 30,
      resolutionMinutes: 240,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('through creation, changes, replies, pauses, resumes, resolution, reopening and closing', async () => {
    const ids: string[] = [];
    for (const description of ['网络信号差', 'Bill too high', '宽带断网', 'Slow data']) {
      const c = (await call('POST', '/cases', { description, channel: 'app' })).case;
      ids.push(c.id);
    }
    const [a, b, c, d] = ids as [string, string, string, string];
    const first = await expectConsistent();
    expect(first.checks.size).toBe(4);

    await call('PATCH', `/cases/${a}`, { priority: 'high', tags: ['vip-call'] });
    await call('POST', `/cases/${b}/messages`, { body: '您好，正在处理', direction: 'outbound' });
    await call('POST', `/cases/${c}/transition`, { status: 'pending_customer' });
    await expectConsistent();

    // Resumed by the customer; another resolved, reopened and finally closed.
    await call('POST', `/cases/${c}/messages`, { body: 'Here you are', direction: 'inbound' });
    await call('POST', `/cases/${d}/resolve`, { resolution: RESOLUTION });
    let state = await expectConsistent();
    expect(state.checks.has(d)).toBe(false);
    await call('POST', `/cases/${d}/reopen`, { comment: 'not fixed' });
    state = await expectConsistent();
    expect(state.checks.has(d)).toBe(true);
    await call('POST', `/cases/${d}/transition`, { status: 'closed' });
    state = await expectConsistent();
    expect(state.checks.has(d)).toBe(false);
  });

  it('through rule changes (rechecks) and sweeps that breach, escalate and move checks', async () => {
    const rule = await call('POST', '/cases/rules/escalation', {
      name: 'idle',
      trigger: { type: 'idle_for', minutes: 10 },
      actions: [{ type: 'raise_priority' }],
    });
    // The recheck job only (the clock stays before every check).
    await h.runJobs(() => Date.now());
    await expectConsistent();

    // A sweep past the idle trigger and the first-response targets: escalations, breaches and moves.
    const later = Date.now() + 40 * MIN;
    const result = await sweepWorkspace(db(), { events }, ws.id, later);
    expect(result.escalations).toBeGreaterThan(0);
    expect(result.breaches).toBeGreaterThan(0);
    await expectConsistent();

    await call('PUT', `/cases/rules/escalation/${rule.id}`, {
      name: 'idle',
      enabled: false,
      trigger: { type: 'idle_for', minutes: 10 },
      actions: [{ type: 'raise_priority' }],
    });
    await h.runJobs(() => Date.now());
    await expectConsistent();
  });

  it('never lets a move computed from an older version overwrite a writer', async () => {
    const c = (await call('POST', '/cases', { description: 'Moves race', channel: 'web' })).case;
    const before = await db()
      .selectFrom('case_checks')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', c.id)
      .executeTakeFirstOrThrow();
    // A writer changes the case (new version and check) after a sweep read it.
    await call('PATCH', `/cases/${c.id}`, { subject: 'changed' });
    const moved = await moveChecks(db(), ws.id, [
      { id: c.id, checkVersion: Number(before.version), next: 1 },
    ]);
    expect(moved).toEqual([]);
    expect(
      await moveChecks(db(), ws.id, [{ id: c.id, checkVersion: Number(before.version), next: null }]),
    ).toEqual([]);
    await expectConsistent();
    // With the version read now, the move applies, and does not change the version.
    const now = await db()
      .selectFrom('case_checks')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(await moveChecks(db(), ws.id, [{ id: c.id, checkVersion: Number(now.version), next: 5 }])).toEqual(
      [c.id],
    );
    const after = await db()
      .selectFrom('case_checks')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect({ next: Number(after.next_check_at), version: Number(after.version) }).toEqual({
      next: 5,
      version: Number(now.version),
    });
    // An insert where the case has no check row yet keeps a writer's row when there is one.
    expect(await moveChecks(db(), ws.id, [{ id: c.id, checkVersion: null, next: 7 }])).toEqual([]);
    // A sweep at that instant finds nothing due on the case and puts the exact check back.
    await sweepWorkspace(db(), { events }, ws.id, 5);
    await expectConsistent();
  });

  it('deletes the stale check of a case with nothing pending, set-based', async () => {
    const c = (await call('POST', '/cases', { description: 'Waiting for you', channel: 'web' })).case;
    await call('POST', `/cases/${c.id}/transition`, { status: 'pending_customer' });
    const version = (await call('GET', `/cases/${c.id}`)).version;
    // As after a rule change: a check where nothing is pending (the targets are paused).
    const row = await db()
      .selectFrom('cases')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    await writeChecks(db(), ws.id, [{ id: c.id, version, next: 1000, inputs: checkInputsOf(row) }]);
    const r = await sweepWorkspace(db(), { events }, ws.id, 2000);
    expect(r.breaches).toBe(0);
    const { checks } = await expectConsistent();
    expect(checks.has(c.id)).toBe(false);
  });
  /** Every active case of the workspace gets a stale check due at 1000 (as after a rule change rechecks missed). */
  const staleChecks = async () => {
    const rows = await db()
      .selectFrom('cases')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('is_active', '=', 1)
      .execute();
    await writeChecks(
      db(),
      ws.id,
      rows.map((r) => ({ id: r.id, version: r.version, next: 1000, inputs: checkInputsOf(r) })),
    );
    const config = await loadConfig(db(), ws.id, true);
    const next = nextCheckSql(h.t.handle.kind, config.escalation);
    if (next === null) throw new Error('the rules translate to SQL');
    return { rows, next };
  };

  it('moves many stale checks set-based, range by range, and deletes those with nothing pending', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await call('POST', '/cases', { description: `Stale ${i}`, channel: 'web' })).case.id);
    for (const id of ids.slice(0, 2))
      await call('POST', `/cases/${id}/transition`, { status: 'pending_customer' });
    const { rows, next } = await staleChecks();
    // Three checks per statement (per id range on PostgreSQL): several ranges, the last one open-ended.
    expect(await moveStaleChecks(db(), ws.id, next, 2000, true, 3)).toBe(rows.length);
    const { checks } = await expectConsistent();
    for (const id of ids.slice(0, 2)) expect(checks.has(id)).toBe(false);
    for (const id of ids.slice(2)) expect(Number(checks.get(id)?.next_check_at)).toBeGreaterThan(2000);
    // Nothing is stale any more: a second pass moves nothing.
    expect(await moveStaleChecks(db(), ws.id, next, 2000, true, 3)).toBe(0);
  });

  it('keeps the check time out of every index (migration 0017)', async () => {
    const indexes =
      testDialect === 'postgres'
        ? await sql<{ def: string }>`select indexdef as def from pg_indexes
            where tablename = 'case_checks'`.execute(db())
        : await sql<{ def: string }>`select coalesce(sql, name) as def from sqlite_master
            where type = 'index' and tbl_name = 'case_checks'`.execute(db());
    expect(indexes.rows.map((r) => r.def).filter((d) => d.includes('next_check_at'))).toEqual([]);
  });

  it.skipIf(testDialect !== 'postgres')(
    'moves checks as heap-only updates on PostgreSQL (migration 0017: fillfactor 50)',
    async () => {
      const options = await sql<{ reloptions: string[] | null }>`select reloptions from pg_class
        where relname = 'case_checks'`.execute(db());
      expect(options.rows[0]?.reloptions).toContain('fillfactor=50');
      const { rows, next } = await staleChecks();
      const counts = await inTransaction(db(), async (trx) => {
        // This backend's row counts not yet reported (this transaction's and maybe earlier ones'): read around the move.
        const stats = async () => {
          const r = await sql<{ upd: string | number; hot: string | number }>`select n_tup_upd as upd,
              n_tup_hot_upd as hot from pg_stat_xact_user_tables where relname = 'case_checks'`.execute(trx);
          return { upd: Number(r.rows[0]?.upd ?? 0), hot: Number(r.rows[0]?.hot ?? 0) };
        };
        const before = await stats();
        const moved = await moveStaleChecks(trx, ws.id, next, 2000, true);
        const after = await stats();
        const left = await trx
          .selectFrom('case_checks')
          .select('case_id')
          .where('workspace_id', '=', ws.id)
          .execute();
        return { moved, left: left.length, upd: after.upd - before.upd, hot: after.hot - before.hot };
      });
      expect(counts.moved).toBe(rows.length);
      expect(counts.left).toBeGreaterThan(0);
      // Every check left was moved (all were due at 1000), each as a heap-only update.
      expect(counts.upd).toBe(counts.left);
      expect(counts.hot).toBe(counts.left);
      await expectConsistent();
    },
  );
});

describe('migration 0014 (case checks)', () => {
  it('moves the pending checks of existing cases to case_checks and drops cases.next_check_at', async () => {
    const t = await openTestDatabase({ migrate: false });
    try {
      const db = t.handle.db;
      const all = allMigrations(t.handle.kind);
      await migrateToLatest(db, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0014')));
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
      for (const [i, next] of [5_000, null, 7_000].entries())
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
            status: next === null ? 'resolved' : 'open',
            subject: 's',
            description: 'd',
            language: 'zh',
            sentiment_label: null,
            sentiment_score: null,
            topics: '[]',
            urgent: 0,
            urgency_reasons: '[]',
            assignee_id: null,
            team_id: null,
            tags: '[]',
            search_text: 's',
            search_tokens: '',
            version: i + 3,
            parent_case_id: null,
            duplicate_count: 0,
            reopen_count: 0,
            agent_replies: 0,
            ...NO_SLA,
            sla_state: null,
            sla_due_at: null,
            due_sort: 8_000_000_000_000,
            is_active: next === null ? 0 : 1,
            next_check_at: next,
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
      await migrateToLatest(db, all);
      const checks = await db.selectFrom('case_checks').selectAll().orderBy('case_id').execute();
      expect(
        checks.map((k) => [k.workspace_id, k.case_id, Number(k.version), Number(k.next_check_at)]),
      ).toEqual([
        ['ws_mig', 'case_0', 3, 5_000],
        ['ws_mig', 'case_2', 5, 7_000],
      ]);
      await expect(sql`select next_check_at from cases`.execute(db)).rejects.toThrow();
      // The check rows go with their case.
      await db.deleteFrom('cases').where('workspace_id', '=', 'ws_mig').where('id', '=', 'case_0').execute();
      expect((await db.selectFrom('case_checks').select('case_id').execute()).map((k) => k.case_id)).toEqual([
        'case_2',
      ]);
    } finally {
      await t.close();
    }
  });
});
