import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { openTestDatabase } from '../../../test/support/database.js';
import { allMigrations } from '../../migrations/index.js';
import { migrateToLatest } from '../../platform/db/index.js';
import { listCases } from './case.queries.js';
import { NO_SLA } from './case.sla.js';

/** Case text search through the API: the token index narrows, the substring match decides, scopes stay as they were. */
describe('case search', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    w = ws,
    role: keyof TestWorkspace['keys'] = 'admin',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${w.keys[role]}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  const open = async (description: string, w = ws, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/cases', { description, channel: 'app', ...extra }, w);
    expect(res.statusCode).toBe(201);
    return res.json().case as { id: string; number: string; version: number };
  };
  const search = async (q: string, query = '', w = ws, role: keyof TestWorkspace['keys'] = 'viewer') => {
    const res = await call('GET', `/cases?q=${encodeURIComponent(q)}${query}`, undefined, w, role);
    expect(res.statusCode).toBe(200);
    return (res.json().data as { id: string }[]).map((c) => c.id).sort();
  };

  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('search-a');
    other = await h.workspace('search-b');
    ids.signal = (await open('家里信号很差，经常无服务')).id;
    ids.broadband = (await open('宽带经常断网，报修没人管')).id;
    ids.charged = (await open('I was charged twice for my plan', ws, { language: 'en' })).id;
    ids.order = (await open('订单号 20261122000731 的退款还没到账')).id;
    ids.percent = (await open('流量包打 50% 折扣_活动没生效')).id;
    ids.foreign = (await open('隔壁家信号也很差', other)).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('finds Chinese words of two or more characters and English words and fragments', async () => {
    expect(await search('信号')).toEqual([ids.signal]);
    expect(await search('信号很差')).toEqual([ids.signal]);
    expect(await search('断网')).toEqual([ids.broadband]);
    expect(await search('CHARGED')).toEqual([ids.charged]);
    expect(await search('harged tw')).toEqual([ids.charged]);
    expect(await search('000731')).toEqual([ids.order]);
    expect(await search('20261122000731')).toEqual([ids.order]);
    // Words that are not in any case, though every token of some is.
    expect(await search('信号断网')).toEqual([]);
    expect(await search('twice charged')).toEqual([]);
  });

  it('answers queries too short for a token by scanning, with the same result rules', async () => {
    expect(await search('网')).toEqual([ids.broadband].sort());
    expect(await search('号')).toEqual([ids.signal, ids.order].sort());
    expect(await search('50%')).toEqual([ids.percent]);
    expect(await search('%')).toEqual([ids.percent]);
    expect(await search('_')).toEqual([ids.percent]);
    expect(await search('，')).toEqual([ids.signal, ids.broadband].sort());
  });

  it('keeps every workspace to itself and the status scope as before', async () => {
    expect(await search('信号', '', other)).toEqual([ids.foreign]);
    const c = await open('网络信号时有时无');
    expect(await search('信号')).toEqual([ids.signal, c.id].sort());
    const resolved = await call('POST', `/cases/${c.id}/resolve`, {
      resolution: { code: 'fixed', rootCause: '基站故障', steps: ['listen'] },
    });
    expect(resolved.statusCode).toBe(200);
    expect(await search('信号')).toEqual([ids.signal]);
    expect(await search('信号', '&status=all')).toEqual([ids.signal, c.id].sort());
    expect(await search('信号', '&status=resolved')).toEqual([c.id]);
  });

  it('searches the new subject after a change, and no longer the old one', async () => {
    const c = await open('Roaming charges', ws, { subject: 'roaming abroad', language: 'en' });
    expect(await search('abroad')).toEqual([c.id]);
    const changed = await call('PATCH', `/cases/${c.id}`, { subject: '国际漫游扣费' });
    expect(changed.statusCode).toBe(200);
    expect(await search('abroad')).toEqual([]);
    expect(await search('漫游')).toEqual([c.id]);
    expect(await search('roaming')).toEqual([c.id]);
  });
});

describe('migration 0009 (case search tokens)', () => {
  it('gives the cases that exist before it their tokens and indexes them', async () => {
    const t = await openTestDatabase({ migrate: false });
    try {
      const db = t.handle.db;
      const all = allMigrations(t.handle.kind);
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0009'));
      await migrateToLatest(db, before);
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
      const base = {
        workspace_id: 'ws_mig',
        profile_id: null,
        channel: 'app',
        touchpoint_key: null,
        category: 'other',
        subcategory: null,
        priority: 'normal',
        source: 'api',
        status: 'open',
        language: 'zh',
        sentiment_label: null,
        sentiment_score: null,
        topics: '[]',
        urgent: 0,
        urgency_reasons: '[]',
        assignee_id: null,
        team_id: null,
        tags: '[]',
        version: 1,
        parent_case_id: null,
        duplicate_count: 0,
        reopen_count: 0,
        agent_replies: 0,
        ...NO_SLA,
        sla_state: null,
        sla_due_at: null,
        due_sort: 8_000_000_000_000,
        is_active: 1,
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
      };
      const texts = ['宽带经常断网', 'Refund not received', '营业厅服务态度差'];
      for (const [i, text] of texts.entries())
        await (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
          .insertInto('cases')
          .values({
            ...base,
            id: `case_${i}`,
            number: i + 1,
            subject: text,
            description: text,
            search_text: `c-00000${i + 1} ${text} ${text}`.toLowerCase(),
          })
          .execute();
      await migrateToLatest(db, all);
      const rows = await db.selectFrom('cases').select(['id', 'search_tokens']).orderBy('id').execute();
      expect(
        rows.map((r) =>
          r.search_tokens.split(' ').includes(['断网', 'fun', '态度'][Number(r.id.slice(5))] as string),
        ),
      ).toEqual([true, true, true]);
      expect((await listCases(db, 'ws_mig', null, { q: '断网' }, 10)).map((r) => r.id)).toEqual(['case_0']);
      expect((await listCases(db, 'ws_mig', null, { q: 'refund' }, 10)).map((r) => r.id)).toEqual(['case_1']);
    } finally {
      await t.close();
    }
  });
});
