/**
 * Case analytics over a period (cases created, or resolved, within [from, to)): volume by category, touchpoint,
 * channel and day; complaint rate per 1,000 active customers; SLA compliance per team and agent; first-contact
 * resolution; median handle time; reopen rate; top root causes; follow-up ratings by category. Aggregates run in
 * SQL on indexed columns; only small result sets come back.
 */
import { sql } from 'kysely';
import { fromJson, type Db } from '../../platform/db/index.js';

export interface AnalyticsRange {
  from: number;
  to: number;
  /** Offset of the workspace's time zone for day buckets, ms. */
  tzOffsetMs: number;
}

const ratio = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/** Volume of cases created in the range, by a dimension. */
export async function volume(
  db: Db,
  workspaceId: string,
  r: AnalyticsRange,
  by: 'category' | 'touchpoint' | 'channel' | 'day' | 'priority' | 'source',
) {
  const base = db
    .selectFrom('cases')
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', r.from)
    .where('created_at', '<', r.to);
  if (by === 'day') {
    const day = sql<number>`(${sql.ref('created_at')} + ${sql.lit(Math.round(r.tzOffsetMs))}) / 86400000`;
    const rows = await base
      .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((x) => ({
      key: new Date(Math.floor(Number(x.day)) * 86_400_000).toISOString().slice(0, 10),
      count: Number(x.n),
    }));
  }
  const column = by === 'touchpoint' ? 'touchpoint_key' : by;
  const rows = await base
    .select([sql<string | null>`${sql.ref(column)}`.as('k'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(column)
    .orderBy('n', 'desc')
    .execute();
  return rows.map((x) => ({ key: x.k ?? '(none)', count: Number(x.n) }));
}

interface SlaRow {
  key: string | null;
  fr_met: number;
  fr_total: number;
  res_met: number;
  res_total: number;
}

async function slaBy(db: Db, workspaceId: string, r: AnalyticsRange, column: 'team_id' | 'assignee_id') {
  const met = (col: 'fr_status' | 'res_status') =>
    sql<number>`sum(case when ${sql.ref(col)} = 'met' then 1 else 0 end)`;
  const total = (col: 'fr_status' | 'res_status') =>
    sql<number>`sum(case when ${sql.ref(col)} in ('met', 'breached') then 1 else 0 end)`;
  const rows = (await db
    .selectFrom('cases')
    .select([
      sql<string | null>`${sql.ref(column)}`.as('key'),
      met('fr_status').as('fr_met'),
      total('fr_status').as('fr_total'),
      met('res_status').as('res_met'),
      total('res_status').as('res_total'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', r.from)
    .where('created_at', '<', r.to)
    .groupBy(column)
    .execute()) as SlaRow[];
  return rows.map((x) => ({
    key: x.key,
    firstResponse: {
      met: Number(x.fr_met),
      total: Number(x.fr_total),
      compliance: ratio(Number(x.fr_met), Number(x.fr_total)),
    },
    resolution: {
      met: Number(x.res_met),
      total: Number(x.res_total),
      compliance: ratio(Number(x.res_met), Number(x.res_total)),
    },
  }));
}

/** Median of (first_resolved_at − created_at) for cases first resolved in the range, by an ordered OFFSET pick. */
async function medianHandleMs(
  db: Db,
  workspaceId: string,
  r: AnalyticsRange,
  n: number,
): Promise<number | null> {
  if (n === 0) return null;
  const duration = sql<number>`${sql.ref('first_resolved_at')} - ${sql.ref('created_at')}`;
  const pick = (offset: number) =>
    db
      .selectFrom('cases')
      .select(duration.as('d'))
      .where('workspace_id', '=', workspaceId)
      .where('first_resolved_at', '>=', r.from)
      .where('first_resolved_at', '<', r.to)
      .orderBy(duration)
      .limit(1)
      .offset(offset)
      .executeTakeFirst();
  const a = Number((await pick(Math.floor((n - 1) / 2)))?.d ?? 0);
  const b = Number((await pick(Math.floor(n / 2)))?.d ?? 0);
  return Math.round((a + b) / 2);
}

/** The headline figures of the period. */
export async function summary(db: Db, workspaceId: string, r: AnalyticsRange) {
  const created = await db
    .selectFrom('cases')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`count(distinct ${sql.ref('profile_id')})`.as('customers'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', r.from)
    .where('created_at', '<', r.to)
    .executeTakeFirst();
  const resolvedRows = await db
    .selectFrom('cases')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when ${sql.ref('reopen_count')} = 0 and ${sql.ref('agent_replies')} <= 1 then 1 else 0 end)`.as(
        'fcr',
      ),
      sql<number>`sum(case when ${sql.ref('reopen_count')} > 0 then 1 else 0 end)`.as('reopened'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('first_resolved_at', '>=', r.from)
    .where('first_resolved_at', '<', r.to)
    .executeTakeFirst();
  const resolved = Number(resolvedRows?.n ?? 0);
  // Active customers: profiles seen in the period (the customer-data module keeps last_seen_at on each profile).
  const active = await db
    .selectFrom('profiles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .where('last_seen_at', '>=', r.from)
    .executeTakeFirst();
  const activeCustomers = Number(active?.n ?? 0);
  const complainingCustomers = Number(created?.customers ?? 0);

  const causes = await db
    .selectFrom('cases')
    .select(['resolution', 'category'])
    .where('workspace_id', '=', workspaceId)
    .where('first_resolved_at', '>=', r.from)
    .where('first_resolved_at', '<', r.to)
    .where('resolution', 'is not', null)
    .limit(100_000)
    .execute();
  const byCause = new Map<string, { count: number; categories: Record<string, number> }>();
  for (const c of causes) {
    const rootCause = fromJson<{ rootCause?: string } | null>(c.resolution)?.rootCause?.trim();
    if (!rootCause) continue;
    const e = byCause.get(rootCause) ?? { count: 0, categories: {} };
    e.count++;
    e.categories[c.category] = (e.categories[c.category] ?? 0) + 1;
    byCause.set(rootCause, e);
  }
  const ratings = await db
    .selectFrom('case_ratings as r')
    .innerJoin('cases as c', (j) =>
      j.onRef('c.workspace_id', '=', 'r.workspace_id').onRef('c.id', '=', 'r.case_id'),
    )
    .select([
      'c.category',
      'r.metric',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.avg<number>('r.score').as('avg'),
      sql<number>`sum(${sql.ref('r.low')})`.as('low'),
    ])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.created_at', '>=', r.from)
    .where('r.created_at', '<', r.to)
    .groupBy(['c.category', 'r.metric'])
    .execute();

  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    created: Number(created?.n ?? 0),
    resolved,
    complaintRate: {
      customersWithCases: complainingCustomers,
      activeCustomers,
      per1000:
        activeCustomers > 0 ? Math.round((complainingCustomers / activeCustomers) * 1_000_000) / 1000 : null,
    },
    firstContactResolution: ratio(Number(resolvedRows?.fcr ?? 0), resolved),
    reopenRate: ratio(Number(resolvedRows?.reopened ?? 0), resolved),
    medianHandleMs: await medianHandleMs(db, workspaceId, r, resolved),
    sla: {
      byTeam: await slaBy(db, workspaceId, r, 'team_id'),
      byAgent: await slaBy(db, workspaceId, r, 'assignee_id'),
    },
    topRootCauses: [...byCause.entries()]
      .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([rootCause, v]) => ({ rootCause, count: v.count, categories: v.categories })),
    followUpRatings: ratings.map((x) => ({
      category: x.category,
      metric: x.metric,
      count: Number(x.n),
      average: x.avg === null ? null : Math.round(Number(x.avg) * 100) / 100,
      low: Number(x.low),
    })),
  };
}
