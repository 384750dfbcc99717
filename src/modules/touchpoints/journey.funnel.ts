import type { Static } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type Db } from '../../platform/db/index.js';
import { eventArrivalsSql, eventStepSql, profileTraitSql } from '../profiles/index.js';
import { resolveSegments, segmentMemberSql, type SegmentRef } from '../segments/index.js';
import { twoProportionZTest } from '../surveys/metrics/index.js';
import { ANALYTICS_LIMITS, DAY, localRange, type LocalRange } from './analytics.range.js';
import { analyticsLimit } from './touchpoints.errors.js';
import type { FunnelInput, FunnelResponse, FunnelStepView } from './touchpoints.schema.js';

type Step = FunnelInput['steps'][number];
type StepView = Static<typeof FunnelStepView>;

/** The most breakdown values reported; the rest are summed under null ("other"). */
const MAX_BREAKDOWN_VALUES = 20;

/** Where a step's arrivals are read: a table with the customer, the arrival time and its channel. */
interface StepSource {
  table: RawBuilder<unknown>;
  match: RawBuilder<unknown>;
  time: string;
  channel: string;
}

/**
 * Every event counts: a step's arrivals are its stored events (by name) or its mapped touchpoint events. First
 * arrival: a step's only arrival is the customer's first-ever one at that touchpoint (the per-customer rollup).
 */
function stepSource(alias: string, workspaceId: string, step: Step, firstArrival: boolean): StepSource {
  if (!('touchpoint' in step))
    return { ...eventStepSql(alias, workspaceId, step.event), time: 'timestamp', channel: 'channel' };
  const a = sql.ref(alias);
  const match = sql`${sql.ref(`${alias}.workspace_id`)} = ${workspaceId} and ${sql.ref(`${alias}.touchpoint_key`)} = ${step.touchpoint}`;
  return firstArrival
    ? { table: sql`touchpoint_profiles as ${a}`, match, time: 'first_at', channel: 'first_channel' }
    : { table: sql`events as ${a}`, match, time: 'timestamp', channel: 'channel' };
}

/**
 * How a later step finds each remaining customer's earliest qualifying arrival:
 * - `seek`: one index seek per customer still in the funnel (the per-customer index of the step's source);
 * - `scan`: one range scan of the step's arrivals between the period's start and its end plus the window (the
 *   touchpoint × time index, which covers it), joined to the customers still in the funnel and grouped by customer
 *   (PostgreSQL hashes the join; SQLite probes an automatic index on the scanned arrivals).
 * Both give the same times; which is cheaper depends on how many arrivals the range holds against how many
 * customers remain, so PostgreSQL chooses per step from the daily rollups (see {@link choosePlans}); SQLite seeks
 * unless a plan is forced (tests, benchmarks).
 */
export type StepPlan = 'seek' | 'scan';

/**
 * A step is scanned when its arrivals are fewer than this many times the customers who can still reach it. Measured
 * at 1 M customers / 9 M mapped events on SQLite and 200 k on PostgreSQL (docs/benchmarks.md, touchpoints, session
 * 5): on PostgreSQL a scanned row (index-only range scan, hash probe) costs a small fraction of a per-customer index
 * seek, so scanning pays while the arrivals are up to about twice the customers. On SQLite the nested steps seek on
 * index pages the customer's previous step already cached, while a scan materialises the arrivals and builds an
 * automatic index on them: scanning never paid there (planned with two scanned steps: 2.13 s CPU per funnel; every
 * step sought: 1.99 s), so SQLite always seeks.
 */
const SCAN_ROWS_PER_SEEK = { postgres: 2, sqlite: 0 } as const;

/**
 * Plans each later step from the daily rollups: a touchpoint step is scanned when its arrivals in
 * [start, end + window) are fewer than SCAN_ROWS_PER_SEEK (per dialect) times the customers who can still be there
 * (at most the entrants' step-1 arrivals in the period, and at most the arrivals of every step scanned or estimated
 * before it). Event-name steps have no rollup and are sought.
 */
async function choosePlans(
  db: Db,
  workspaceId: string,
  steps: Step[],
  firstArrival: boolean,
  range: LocalRange,
  windowMs: number,
): Promise<StepPlan[]> {
  const keys = [...new Set(steps.flatMap((s) => ('touchpoint' in s ? [s.touchpoint] : [])))];
  if (steps.length < 2 || !keys.length || SCAN_ROWS_PER_SEEK[dialectOf(db)] === 0)
    return steps.map(() => 'seek');
  const rows = await db
    .selectFrom('touchpoint_daily')
    .select((eb) => [
      'touchpoint_key',
      eb.fn.sum<number | string>(firstArrival ? 'new_customers' : 'events').as('n'),
      eb.fn
        .sum<number | string>(
          eb
            .case()
            .when('day', '<', range.end)
            .then(eb.ref(firstArrival ? 'new_customers' : 'events'))
            .else(0)
            .end(),
        )
        .as('inPeriod'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', '*')
    .where('touchpoint_key', 'in', keys)
    .where('day', '>=', range.start)
    .where('day', '<', range.end + windowMs)
    .groupBy('touchpoint_key')
    .execute();
  const arrivals = new Map(rows.map((r) => [r.touchpoint_key, Number(r.n)]));
  const first = steps[0] as Step;
  let remaining =
    'touchpoint' in first
      ? Number(rows.find((r) => r.touchpoint_key === first.touchpoint)?.inPeriod ?? 0)
      : Number.POSITIVE_INFINITY;
  return steps.map((step, i) => {
    if (i === 0) return 'seek';
    if (!('touchpoint' in step)) return 'seek';
    const n = arrivals.get(step.touchpoint) ?? 0;
    const plan: StepPlan = n < SCAN_ROWS_PER_SEEK[dialectOf(db)] * remaining ? 'scan' : 'seek';
    remaining = Math.min(remaining, n);
    return plan;
  });
}

/**
 * Ordered funnel: customers whose arrival at step 1 falls in the period enter (at their first such arrival); each
 * later step counts at the earliest arrival after the previous step's and within the window from entry (as
 * Amplitude and Mixpanel define it). One SQL statement per period: entrants come from a range scan of step 1's
 * time index, then each step is planned as index seeks per remaining customer or as a range scan of the step's
 * arrivals joined to them ({@link StepPlan}), so the cost follows the customers who enter and the arrivals in the
 * period, not the whole customer base.
 */
async function summaries(
  db: Db,
  workspaceId: string,
  steps: Step[],
  firstArrival: boolean,
  range: LocalRange,
  windowMs: number,
  breakdown: FunnelInput['breakdown'],
  segments: readonly SegmentRef[] = [],
  plans: readonly StepPlan[] = steps.map(() => 'seek'),
  chained = false,
): Promise<{ all: Summary; groups: { value: string | null; summary: Summary }[] }> {
  const source = (i: number, alias = 'x') => stepSource(alias, workspaceId, steps[i] as Step, firstArrival);
  const entryStep = steps[0] as Step;
  const entry = source(0);
  const t = (x: StepSource) => sql.ref(`x.${x.time}`);
  // Every CTE is materialised (and the nested levels kept from flattening): inlined, each step's correlated seek
  // would be copied into every later step that reads its time, doubling the seeks per step. s0 reads step 1's
  // arrivals of the period by their time index (an event step's from both of the events' time indexes, see
  // eventArrivalsSql); grouping them in the same statement lets the planner walk the whole per-customer index instead.
  const ctes: RawBuilder<unknown>[] = [
    sql`s0 as materialized (${
      'event' in entryStep
        ? eventArrivalsSql(workspaceId, entryStep.event, range.start, range.end)
        : sql`select x.profile_id as p, ${t(entry)} as t from ${entry.table} where ${entry.match} and ${t(entry)} >= ${range.start} and ${t(entry)} < ${range.end}`
    })`,
    sql`s1 as materialized (select p, min(t) as t1 from s0 group by p)`,
  ];
  // SQLite: the later steps nest as co-routines over s1 ("limit -1 offset 0" keeps each level from being flattened,
  // which would copy its subquery into every level above), so one customer's steps run one after the other on the
  // index pages their first seek brought into the cache, instead of one pass over all customers per step.
  // PostgreSQL: one materialised CTE per step, so a scanned step can be a hash join.
  const postgres = dialectOf(db) === 'postgres';
  const chain = postgres || chained;
  let nested = sql`select p, t1 from s1`;
  for (let i = 1; i < steps.length; i++) {
    const prev = sql.raw(`s${i}`);
    const carried = sql.raw(Array.from({ length: i }, (_, k) => `t${k + 1}`).join(', '));
    const next = sql.raw(`s${i + 1}`);
    const ti = sql.raw(`t${i + 1}`);
    const x = source(i);
    const r = sql.raw(`r${i + 1}`);
    const scan = plans[i] === 'scan' && 'touchpoint' in (steps[i] as Step);
    // The step's arrivals in [start, end + window) bound every candidate (entry >= start, entry < end): one range
    // scan of the touchpoint × time index. SQLite answers each customer's earliest qualifying one from an automatic
    // index on them (a join would scan them per customer); PostgreSQL hashes the join, groups the matches only and
    // hashes them back onto the remaining customers.
    if (scan)
      ctes.push(
        sql`${r} as materialized (select x.profile_id as p, ${t(x)} as t from ${x.table} where ${x.match} and ${t(x)} >= ${range.start} and ${t(x)} < ${range.end + windowMs})`,
      );
    if (chain) {
      const before = sql.raw(`s${i}.t${i}`);
      const a = sql.raw(`a${i + 1}`);
      const kept = sql.raw(Array.from({ length: i }, (_, k) => `s${i}.t${k + 1}`).join(', '));
      ctes.push(
        ...(scan && !postgres
          ? [
              sql`${next} as materialized (select p, ${carried}, case when ${before} is null then null else (select min(${r}.t) from ${r} where ${r}.p = ${prev}.p and ${r}.t >= ${before} and ${r}.t <= ${prev}.t1 + ${windowMs}) end as ${ti} from ${prev})`,
            ]
          : scan
            ? [
                sql`${a} as materialized (select ${prev}.p as p, min(${r}.t) as t from ${prev} join ${r} on ${r}.p = ${prev}.p where ${r}.t >= ${before} and ${r}.t <= ${prev}.t1 + ${windowMs} group by ${prev}.p)`,
                sql`${next} as materialized (select ${prev}.p as p, ${kept}, ${a}.t as ${ti} from ${prev} left join ${a} on ${a}.p = ${prev}.p)`,
              ]
            : [
                sql`${next} as materialized (select p, ${carried}, case when ${before} is null then null else (select min(${t(x)}) from ${x.table} where ${x.match} and x.profile_id = ${prev}.p and ${t(x)} >= ${before} and ${t(x)} <= ${prev}.t1 + ${windowMs}) end as ${ti} from ${prev})`,
              ]),
      );
    } else {
      const q = sql.raw(`q${i}`);
      const before = sql.raw(`q${i}.t${i}`);
      const earliest = scan
        ? sql`(select min(${r}.t) from ${r} where ${r}.p = ${q}.p and ${r}.t >= ${before} and ${r}.t <= ${q}.t1 + ${windowMs})`
        : sql`(select min(${t(x)}) from ${x.table} where ${x.match} and x.profile_id = ${q}.p and ${t(x)} >= ${before} and ${t(x)} <= ${q}.t1 + ${windowMs})`;
      nested = sql`select p, ${carried}, case when ${before} is null then null else ${earliest} end as ${ti} from (${nested} limit -1 offset 0) as ${q}`;
    }
  }
  if (!chain && steps.length > 1) ctes.push(sql`${sql.raw(`s${steps.length}`)} as materialized (${nested})`);
  const last = sql.raw(`s${steps.length}`);
  const first = source(0, 'e');
  const by =
    breakdown?.by === 'trait'
      ? profileTraitSql(db, workspaceId, `s${steps.length}.p`, breakdown.trait)
      : breakdown?.by === 'channel'
        ? sql`(select ${sql.ref(`e.${first.channel}`)} from ${first.table} where ${first.match} and e.profile_id = ${last}.p and ${sql.ref(`e.${first.time}`)} = ${last}.t1 limit 1)`
        : sql`null`;
  const times = sql.raw(steps.map((_, i) => `t${i + 1}`).join(', '));
  ctes.push(sql`f as materialized (select ${by} as b, ${times} from ${last})`);
  // Breakdown values ranked by entrants; 'n' + … keys keep a null value apart from any text.
  const key = sql`case when b is null then 'n' else 'v' || b end`;
  if (breakdown?.by === 'segment') {
    // Segments overlap: an entrant counts in each segment they belong to, and under null when in none.
    const member = (s: SegmentRef) => segmentMemberSql(workspaceId, s.id, `s${steps.length}.p`);
    const parts = segments.map(
      (s) => sql`select ${'v' + s.key} as gk, ${s.key} as b, ${times} from ${last} where ${member(s)}`,
    );
    const none = segments.length ? sql`not (${sql.join(segments.map(member), sql` or `)})` : sql`1 = 1`;
    parts.push(sql`select 'n' as gk, null as b, ${times} from ${last} where ${none}`);
    ctes.push(sql`fr as (${sql.join(parts, sql` union all `)})`);
  } else if (breakdown)
    ctes.push(
      sql`g as (select ${key} as k, count(*) as n from f group by ${key})`,
      sql`r as (select k, row_number() over (order by n desc, k) as rk from g)`,
      // The top values keep their key; the rest share a null one and are summarised together.
      sql`fr as (select f.*, case when r.rk <= ${sql.lit(MAX_BREAKDOWN_VALUES)} then r.k end as gk from f join r on r.k = ${key})`,
    );

  // Summarised in SQL: per step, the customers who reached it and the median and p90 of the time from the previous
  // step, so a few rows leave the database whatever the number of entrants.
  const quantile = (i: number, q: number) => {
    const d = sql.raw(`t${i + 1} - t${i}`);
    return dialectOf(db) === 'postgres'
      ? sql`percentile_cont(${sql.lit(q)}) within group (order by ${d})`
      : sql`percentile_cont(${d}, ${sql.lit(q)})`;
  };
  const aggregates = sql.join([
    sql`count(*) as n`,
    ...steps
      .slice(1)
      .flatMap((_, k) => [
        sql`count(${sql.raw(`t${k + 2}`)}) as ${sql.raw(`c${k + 2}`)}`,
        sql`${quantile(k + 1, 0.5)} as ${sql.raw(`m${k + 2}`)}`,
        sql`${quantile(k + 1, 0.9)} as ${sql.raw(`q${k + 2}`)}`,
      ]),
  ]);
  const groups = breakdown
    ? sql` union all select case when gk is null then 'rest' else 'top' end as kind, max(b) as b, ${aggregates} from fr group by gk`
    : sql``;
  const { rows } = await sql<
    Record<string, number | string | null>
  >`with ${sql.join(ctes, sql`, `)} select 'all' as kind, null as b, ${aggregates} from f${groups}`.execute(
    db,
  );

  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const summaryOf = (r: Record<string, number | string | null>): Summary => {
    const n = Number(r.n);
    return {
      n,
      counts: steps.map((_, i) => (i === 0 ? n : Number(r[`c${i + 1}`]))),
      medians: steps.map((_, i) => (i === 0 ? null : num(r[`m${i + 1}`]))),
      p90s: steps.map((_, i) => (i === 0 ? null : num(r[`q${i + 1}`]))),
    };
  };
  const ranked = rows
    .filter((r) => r.kind === 'top')
    .map((r) => ({ value: r.b === null ? null : String(r.b), summary: summaryOf(r) }))
    .sort((a, b) => b.summary.n - a.summary.n || (String(a.value) < String(b.value) ? -1 : 1));
  const rest = rows.find((r) => r.kind === 'rest');
  return {
    all: summaryOf(rows.find((r) => r.kind === 'all') as Record<string, number | string | null>),
    groups: rest ? [...ranked, { value: null, summary: summaryOf(rest) }] : ranked,
  };
}

/** Per step: customers who reached it, and the median and p90 of the time from the previous step. */
interface Summary {
  n: number;
  counts: number[];
  medians: (number | null)[];
  p90s: (number | null)[];
}

function stepViews(summary: Summary, labels: string[]): StepView[] {
  const { n } = summary;
  return labels.map((label, i) => {
    const customers = summary.counts[i] as number;
    const previousCount = i === 0 ? n : (summary.counts[i - 1] as number);
    return {
      step: i + 1,
      label,
      customers,
      conversionFromStart: n ? customers / n : 0,
      conversionFromPrevious: previousCount ? customers / previousCount : 0,
      dropOff: i === 0 ? 0 : previousCount - customers,
      medianMsFromPrevious: summary.medians[i] ?? null,
      p90MsFromPrevious: summary.p90s[i] ?? null,
    };
  });
}

/** Tuning of a funnel's SQL, for tests and benchmarks; results never depend on it. */
export interface FunnelOptions {
  /** The plan of every later step (or of each step, by index) instead of the one chosen from the rollups. */
  plan?: StepPlan | readonly StepPlan[];
  /** SQLite: one materialised CTE per step, as PostgreSQL (the form before the steps nested; for benchmarks). */
  chained?: boolean;
}

/** Computes a funnel, its breakdown and, on request, the comparison with another period. */
export async function funnel(
  db: Db,
  workspaceId: string,
  input: FunnelInput,
  options: FunnelOptions = {},
): Promise<Static<typeof FunnelResponse>> {
  if (input.steps.length > ANALYTICS_LIMITS.steps) throw analyticsLimit('steps', ANALYTICS_LIMITS.steps);
  const windowDays = input.windowDays ?? 30;
  if (windowDays > ANALYTICS_LIMITS.windowDays)
    throw analyticsLimit('windowDays', ANALYTICS_LIMITS.windowDays);
  const windowMs = windowDays * DAY;
  const labels = input.steps.map((s) => ('touchpoint' in s ? s.touchpoint : s.event));
  const range = await localRange(db, workspaceId, input.from, input.to);
  const firstArrival = input.counting === 'first_arrival';
  if (firstArrival && input.steps.some((s) => !('touchpoint' in s)))
    throw analyticsLimit('counting', 'first_arrival takes touchpoint steps only');
  const segments =
    input.breakdown?.by === 'segment'
      ? await resolveSegments(db, workspaceId, input.breakdown.segments ?? [])
      : [];
  const run = async (period: LocalRange, breakdown: FunnelInput['breakdown']) => {
    const { plan } = options;
    const plans = plan
      ? input.steps.map((_, i): StepPlan => (typeof plan === 'string' ? plan : (plan[i] ?? 'seek')))
      : await choosePlans(db, workspaceId, input.steps, firstArrival, period, windowMs);
    return summaries(
      db,
      workspaceId,
      input.steps,
      firstArrival,
      period,
      windowMs,
      breakdown,
      segments,
      plans,
      options.chained,
    );
  };
  const current = await run(range, input.breakdown);
  const currentSteps = stepViews(current.all, labels);
  const breakdown = current.groups.map(({ value, summary }) => ({
    value,
    steps: stepViews(summary, labels),
  }));

  let previous: Static<typeof FunnelResponse>['previous'] = null;
  const changes: Static<typeof FunnelResponse>['changes'] = [];
  if (input.compare) {
    const other = await localRange(db, workspaceId, input.compare.from, input.compare.to);
    const before = (await run(other, undefined)).all;
    const previousSteps = stepViews(before, labels);
    previous = { from: other.from, to: other.to, steps: previousSteps };
    for (let i = 1; i < labels.length; i++) {
      const now = currentSteps[i] as StepView;
      const then = previousSteps[i] as StepView;
      const test = twoProportionZTest(
        { count: then.customers, n: before.n },
        { count: now.customers, n: current.all.n },
      );
      changes.push({
        step: i + 1,
        current: now.conversionFromStart,
        previous: then.conversionFromStart,
        difference: now.conversionFromStart - then.conversionFromStart,
        pValue: test?.pValue ?? null,
        significant: test?.significant ?? false,
      });
    }
  }
  return {
    windowDays,
    current: { from: range.from, to: range.to, steps: currentSteps },
    breakdown,
    previous,
    changes,
  };
}
