import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectOf, toJson } from '../../platform/db/index.js';
import { nextCheckSql } from './case.check-sql.js';
import { checkInputsOf, facts } from './case.engine.js';
import type { Condition, EscalationTrigger } from './case.rules.js';
import type { EscalationConfig, RuleRow } from './case.settings.js';
import { NO_SLA, nextCheckAt, summarize } from './case.sla.js';
import type { CasesTable } from './cases.tables.js';

const T0 = 1_790_000_000_000;
const RULE_IDS = ['esc_a', 'esc_b', 'esc_c'];

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    type: fc.constant('category' as const),
    values: fc.subarray(['billing', 'network_quality', 'billing/refund', 'other/general'], { minLength: 1 }),
  }),
  fc.record(
    {
      type: fc.constant('priority' as const),
      values: fc.subarray(['low', 'normal', 'high', 'urgent'] as const, { minLength: 1 }),
      atLeast: fc.constantFrom('low', 'normal', 'high', 'urgent' as const),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('channel' as const), values: fc.subarray(['app', 'web'], { minLength: 1 }) }),
  fc.record({
    type: fc.constant('source' as const),
    values: fc.subarray(['api', 'survey'] as const, { minLength: 1 }),
  }),
  fc.record({
    type: fc.constant('touchpoint' as const),
    values: fc.subarray(['complain', 'use'], { minLength: 1 }),
  }),
  fc.record({
    type: fc.constant('language' as const),
    values: fc.subarray(['zh', 'en', 'zh-CN', 'en-US'], { minLength: 1 }),
  }),
  fc.record({
    type: fc.constant('tag' as const),
    values: fc.subarray(['vip', 'x%', 'a_b'], { minLength: 1 }),
  }),
  fc.record({ type: fc.constant('urgent' as const), value: fc.boolean() }),
  fc.record({
    type: fc.constant('sentiment' as const),
    values: fc.subarray(['negative', 'neutral'], { minLength: 1 }),
  }),
);

const trigger: fc.Arbitrary<EscalationTrigger> = fc.oneof(
  fc.record({
    type: fc.constant('sla_breached' as const),
    target: fc.constantFrom('first_response', 'resolution' as const),
  }),
  fc.record({
    type: fc.constant('sla_due_soon' as const),
    target: fc.constantFrom('first_response', 'resolution' as const),
    minutes: fc.integer({ min: 1, max: 600 }),
  }),
  fc.record({ type: fc.constant('unassigned_for' as const), minutes: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ type: fc.constant('idle_for' as const), minutes: fc.integer({ min: 1, max: 600 }) }),
);

const rules: fc.Arbitrary<RuleRow<EscalationConfig>[]> = fc
  .array(
    fc.record({
      enabled: fc.boolean(),
      match: fc.constantFrom('all', 'any' as const),
      conditions: fc.array(condition, { maxLength: 3 }),
      trigger,
    }),
    { maxLength: 3 },
  )
  .map((rs) =>
    rs.map((r, i) => ({
      id: RULE_IDS[i] as string,
      name: `r${i}`,
      position: i,
      enabled: r.enabled,
      conditions: { match: r.match, conditions: r.conditions },
      config: { trigger: r.trigger, actions: [{ type: 'raise_priority' as const }] },
      createdAt: 0,
      updatedAt: 0,
    })),
  );

const time = fc.integer({ min: -600, max: 600 }).map((m) => T0 + m * 60_000);
const target = fc.record({
  status: fc.constantFrom(null, 'active', 'paused', 'met', 'breached'),
  due: fc.option(time, { nil: null }),
});

const caseArb = fc.record({
  status: fc.constantFrom('new', 'open', 'pending_customer', 'resolved', 'closed'),
  priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
  category: fc.constantFrom('billing', 'network_quality', 'other'),
  subcategory: fc.constantFrom(null, 'refund', 'general'),
  channel: fc.constantFrom('app', 'web', 'wechat'),
  source: fc.constantFrom('api', 'survey', 'agent'),
  touchpoint: fc.constantFrom(null, 'complain', 'use'),
  language: fc.constantFrom('zh', 'en', 'zh-CN', 'en-GB', 'fr'),
  tags: fc.subarray(['vip', 'x%', 'a_b', 'other']),
  urgent: fc.boolean(),
  sentiment: fc.constantFrom(null, 'negative', 'neutral', 'positive'),
  assigned: fc.boolean(),
  fr: target,
  res: target,
  created: time,
  activity: time,
  fired: fc.subarray(RULE_IDS),
});

describe('the next check in SQL', () => {
  let h: TestApp;
  let workspaceId: string;
  beforeAll(async () => {
    h = await createTestApp();
    workspaceId = (await h.workspace('check-sql')).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('equals nextCheckAt for random cases and escalation rules (both dialects)', async () => {
    const db = h.t.handle.db;
    await fc.assert(
      fc.asyncProperty(rules, fc.array(caseArb, { minLength: 1, maxLength: 12 }), async (rs, cases) => {
        await db.deleteFrom('cases').where('workspace_id', '=', workspaceId).execute();
        const rows: CasesTable[] = cases.map((c, i) => {
          const row: CasesTable = {
            workspace_id: workspaceId,
            id: `case_${i}`,
            number: i + 1,
            profile_id: null,
            channel: c.channel,
            touchpoint_key: c.touchpoint,
            category: c.category,
            subcategory: c.subcategory,
            priority: c.priority,
            source: c.source,
            status: c.status,
            subject: 's',
            description: 'd',
            language: c.language,
            sentiment_label: c.sentiment,
            sentiment_score: null,
            topics: toJson([]),
            urgent: c.urgent ? 1 : 0,
            urgency_reasons: toJson([]),
            assignee_id: c.assigned ? 'usr_x' : null,
            team_id: null,
            tags: toJson(c.tags),
            search_text: 's',
            search_tokens: '',
            version: 1,
            parent_case_id: null,
            duplicate_count: 0,
            reopen_count: 0,
            agent_replies: 0,
            ...NO_SLA,
            fr_status: c.fr.status,
            fr_due_at: c.fr.due,
            res_status: c.res.status,
            res_due_at: c.res.due,
            sla_state: null,
            sla_due_at: null,
            due_sort: 0,
            is_active: 1,
            escalations: `,${c.fired.join(',')}${c.fired.length ? ',' : ''}`,
            resolution: null,
            follow_up_score: null,
            follow_up_metric: null,
            created_by: null,
            created_at: c.created,
            updated_at: c.created,
            last_activity_at: c.activity,
            first_resolved_at: null,
            resolved_at: null,
            closed_at: null,
          };
          return { ...row, ...summarize(row) };
        });
        await db.insertInto('cases').values(rows).execute();
        const expr = nextCheckSql(dialectOf(db), rs);
        expect(expr).not.toBeNull();
        const got = await sql<{ id: string; next: number | string | null }>`select id, ${expr} as next
          from cases where workspace_id = ${workspaceId} order by id`.execute(db);
        const actual = new Map(got.rows.map((r) => [r.id, r.next === null ? null : Number(r.next)]));
        for (const row of rows)
          expect(actual.get(row.id), JSON.stringify({ row, rs })).toBe(
            nextCheckAt(row, facts(row, null), rs),
          );
        // The same rules without conditions, over the check rows alone (their copied case columns, migration 0016):
        // what a sweep's set-based moves read when no rule has conditions.
        const plain = rs.map((r) => ({ ...r, conditions: { match: 'all' as const, conditions: [] } }));
        await db
          .insertInto('case_checks')
          .values(
            rows.map((r) => ({
              workspace_id: workspaceId,
              case_id: r.id,
              version: 1,
              next_check_at: 0,
              ...checkInputsOf(r),
            })),
          )
          .execute();
        const narrow = await sql<{ id: string; next: number | string | null }>`select case_id as id,
          ${nextCheckSql(dialectOf(db), plain)} as next
          from case_checks where workspace_id = ${workspaceId} order by case_id`.execute(db);
        const fromChecks = new Map(narrow.rows.map((r) => [r.id, r.next === null ? null : Number(r.next)]));
        for (const row of rows)
          expect(fromChecks.get(row.id), JSON.stringify({ row, plain })).toBe(
            nextCheckAt(row, facts(row, null), plain),
          );
      }),
      { numRuns: 60 },
    );
  });

  it('declines rules whose conditions need the customer', () => {
    const rule: RuleRow<EscalationConfig> = {
      id: 'esc_v',
      name: 'vip',
      position: 0,
      enabled: true,
      conditions: { match: 'all', conditions: [{ type: 'vip', value: true }] },
      config: { trigger: { type: 'idle_for', minutes: 5 }, actions: [] },
      createdAt: 0,
      updatedAt: 0,
    };
    expect(nextCheckSql('sqlite', [rule])).toBeNull();
    expect(nextCheckSql('postgres', [{ ...rule, enabled: false }])).not.toBeNull();
  });
});
