import type { Static } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import { eventStepSql, profileTraitSql } from '../profiles/index.js';
import { twoProportionZTest } from '../surveys/metrics/index.js';
import { ANALYTICS_LIMITS, DAY, localRange, quantile, type LocalRange } from './analytics.range.js';
import { analyticsLimit } from './touchpoints.errors.js';
import type { FunnelInput, FunnelResponse, FunnelStepView } from './touchpoints.schema.js';

type Step = FunnelInput['steps'][number];
type StepView = Static<typeof FunnelStepView>;

/** The most breakdown values reported; the rest are summed under null ("other"). */
const MAX_BREAKDOWN_VALUES = 20;

interface Entrant {
  breakdown: string | null;
  times: (number | null)[];
}

function stepSql(
  alias: string,
  workspaceId: string,
  step: Step,
): { table: RawBuilder<unknown>; match: RawBuilder<unknown> } {
  if (!('touchpoint' in step)) return eventStepSql(alias, workspaceId, step.event);
  const a = sql.ref(alias);
  return {
    table: sql`touchpoint_events as ${a}`,
    match: sql`${sql.ref(`${alias}.workspace_id`)} = ${workspaceId} and ${sql.ref(`${alias}.touchpoint_key`)} = ${step.touchpoint}`,
  };
}

/**
 * Ordered funnel: customers who did step 1 in the period enter (at their first such event); each later step counts
 * when done after the previous one and within the window from entry (as Amplitude and Mixpanel define it). One SQL
 * statement per period: each step is one index seek per customer still in the funnel (the earliest qualifying
 * event), so the cost follows the customers, not the events; the per-customer step times are summarised here.
 */
async function entrants(
  db: Db,
  workspaceId: string,
  steps: Step[],
  range: LocalRange,
  windowMs: number,
  breakdown: FunnelInput['breakdown'],
): Promise<Entrant[]> {
  const entry = stepSql('x', workspaceId, steps[0] as Step);
  const ctes: RawBuilder<unknown>[] = [
    sql`s1 as (select x.profile_id as p, min(x.timestamp) as t1 from ${entry.table} where ${entry.match} and x.timestamp >= ${range.start} and x.timestamp < ${range.end} group by x.profile_id)`,
  ];
  for (let i = 1; i < steps.length; i++) {
    const prev = sql.raw(`s${i}`);
    const carried = sql.raw(Array.from({ length: i }, (_, k) => `t${k + 1}`).join(', '));
    const before = sql.raw(`${`s${i}`}.t${i}`);
    const x = stepSql('x', workspaceId, steps[i] as Step);
    ctes.push(
      sql`${sql.raw(`s${i + 1}`)} as (select p, ${carried}, case when ${before} is null then null else (select min(x.timestamp) from ${x.table} where ${x.match} and x.profile_id = ${prev}.p and x.timestamp >= ${before} and x.timestamp <= ${prev}.t1 + ${windowMs}) end as ${sql.raw(`t${i + 1}`)} from ${prev})`,
    );
  }
  const last = sql.raw(`s${steps.length}`);
  const columns = sql.raw(steps.map((_, i) => `t${i + 1}`).join(', '));
  const first = stepSql('e', workspaceId, steps[0] as Step);
  const by =
    breakdown?.by === 'trait'
      ? sql`${profileTraitSql(db, workspaceId, `s${steps.length}.p`, breakdown.trait)} as b`
      : breakdown?.by === 'channel'
        ? sql`(select e.channel from ${first.table} where ${first.match} and e.profile_id = ${last}.p and e.timestamp = ${last}.t1 limit 1) as b`
        : sql`null as b`;
  const { rows } = await sql<
    Record<string, number | string | null>
  >`with ${sql.join(ctes, sql`, `)} select ${by}, ${columns} from ${last}`.execute(db);
  return rows.map((r) => ({
    breakdown: r.b === null || r.b === undefined ? null : String(r.b),
    times: steps.map((_, i) => {
      const v = r[`t${i + 1}`];
      return v === null || v === undefined ? null : Number(v);
    }),
  }));
}

/**
 * First-arrival funnel: from each customer's first-ever arrival at each step's touchpoint (the per-customer
 * rollup), in one grouped pass over the workspace's rows for those touchpoints — no per-customer seeks. A customer
 * enters when their first arrival at step 1 falls in the period; a later step counts when its first arrival comes
 * after the previous step's and within the window from entry.
 */
async function firstArrivalEntrants(
  db: Db,
  workspaceId: string,
  keys: string[],
  range: LocalRange,
  windowMs: number,
  breakdown: FunnelInput['breakdown'],
): Promise<Entrant[]> {
  const entry = sql`max(case when touchpoint_key = ${keys[0]} then first_at end)`;
  const columns = keys.map(
    (k, i) => sql`max(case when touchpoint_key = ${k} then first_at end) as ${sql.raw(`t${i + 1}`)}`,
  );
  const channel =
    breakdown?.by === 'channel'
      ? sql`, max(case when touchpoint_key = ${keys[0]} then first_channel end) as b`
      : sql``;
  const grouped = sql`select profile_id as p, ${sql.join(columns, sql`, `)}${channel} from touchpoint_profiles where workspace_id = ${workspaceId} and touchpoint_key in (${sql.join([...new Set(keys)])}) group by profile_id having ${entry} >= ${range.start} and ${entry} < ${range.end}`;
  const query =
    breakdown?.by === 'trait'
      ? sql<
          Record<string, number | string | null>
        >`select q.*, ${profileTraitSql(db, workspaceId, 'q.p', breakdown.trait)} as b from (${grouped}) q`
      : sql<Record<string, number | string | null>>`${grouped}`;
  const { rows } = await query.execute(db);
  return rows.map((r) => {
    const first = Number(r.t1);
    const times: (number | null)[] = [first];
    for (let i = 1; i < keys.length; i++) {
      const previous = times[i - 1];
      const v = r[`t${i + 1}`];
      const t = v === null || v === undefined ? null : Number(v);
      times.push(
        previous !== null && previous !== undefined && t !== null && t >= previous && t <= first + windowMs
          ? t
          : null,
      );
    }
    return { breakdown: r.b === null || r.b === undefined ? null : String(r.b), times };
  });
}

function summarise(list: Entrant[], labels: string[]): StepView[] {
  const n = list.length;
  let previousCount = n;
  return labels.map((label, i) => {
    const reached = list.filter((e) => e.times[i] !== null);
    const durations =
      i === 0
        ? []
        : reached.map((e) => (e.times[i] as number) - (e.times[i - 1] as number)).sort((a, b) => a - b);
    const view: StepView = {
      step: i + 1,
      label,
      customers: reached.length,
      conversionFromStart: n ? reached.length / n : 0,
      conversionFromPrevious: previousCount ? reached.length / previousCount : 0,
      dropOff: i === 0 ? 0 : previousCount - reached.length,
      medianMsFromPrevious: i === 0 ? null : quantile(durations, 0.5),
      p90MsFromPrevious: i === 0 ? null : quantile(durations, 0.9),
    };
    previousCount = reached.length;
    return view;
  });
}

/** Computes a funnel, its breakdown and, on request, the comparison with another period. */
export async function funnel(
  db: Db,
  workspaceId: string,
  input: FunnelInput,
): Promise<Static<typeof FunnelResponse>> {
  if (input.steps.length > ANALYTICS_LIMITS.steps) throw analyticsLimit('steps', ANALYTICS_LIMITS.steps);
  const windowDays = input.windowDays ?? 30;
  if (windowDays > ANALYTICS_LIMITS.windowDays)
    throw analyticsLimit('windowDays', ANALYTICS_LIMITS.windowDays);
  const windowMs = windowDays * DAY;
  const labels = input.steps.map((s) => ('touchpoint' in s ? s.touchpoint : s.event));
  const range = await localRange(db, workspaceId, input.from, input.to);
  const firstArrival = input.counting === 'first_arrival';
  const keys = input.steps.map((s) => ('touchpoint' in s ? s.touchpoint : null));
  if (firstArrival && keys.some((k) => k === null))
    throw analyticsLimit('counting', 'first_arrival takes touchpoint steps only');
  const run = (period: LocalRange, breakdown: FunnelInput['breakdown']) =>
    firstArrival
      ? firstArrivalEntrants(db, workspaceId, keys as string[], period, windowMs, breakdown)
      : entrants(db, workspaceId, input.steps, period, windowMs, breakdown);
  const current = await run(range, input.breakdown);
  const currentSteps = summarise(current, labels);

  const groups = new Map<string | null, Entrant[]>();
  if (input.breakdown) {
    for (const e of current) {
      const list = groups.get(e.breakdown) ?? [];
      list.push(e);
      groups.set(e.breakdown, list);
    }
  }
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  const top = ranked.slice(0, MAX_BREAKDOWN_VALUES);
  const rest = ranked.slice(MAX_BREAKDOWN_VALUES).flatMap(([, list]) => list);
  const breakdown = top.map(([value, list]) => ({ value, steps: summarise(list, labels) }));
  if (rest.length) breakdown.push({ value: null, steps: summarise(rest, labels) });

  let previous: Static<typeof FunnelResponse>['previous'] = null;
  const changes: Static<typeof FunnelResponse>['changes'] = [];
  if (input.compare) {
    const other = await localRange(db, workspaceId, input.compare.from, input.compare.to);
    const before = await run(other, undefined);
    const previousSteps = summarise(before, labels);
    previous = { from: other.from, to: other.to, steps: previousSteps };
    for (let i = 1; i < labels.length; i++) {
      const now = currentSteps[i] as StepView;
      const then = previousSteps[i] as StepView;
      const test = twoProportionZTest(
        { count: then.customers, n: before.length },
        { count: now.customers, n: current.length },
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
