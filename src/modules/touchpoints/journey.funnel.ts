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
    : { table: sql`touchpoint_events as ${a}`, match, time: 'timestamp', channel: 'channel' };
}

/**
 * Ordered funnel: customers whose arrival at step 1 falls in the period enter (at their first such arrival); each
 * later step counts at the earliest arrival after the previous step's and within the window from entry (as
 * Amplitude and Mixpanel define it). One SQL statement per period: entrants come from a range scan of step 1's
 * time index, then each step is one index seek per customer still in the funnel, so the cost follows the customers
 * who enter, not the events or the whole customer base; the per-customer step times are summarised here.
 */
async function entrants(
  db: Db,
  workspaceId: string,
  steps: Step[],
  firstArrival: boolean,
  range: LocalRange,
  windowMs: number,
  breakdown: FunnelInput['breakdown'],
): Promise<Entrant[]> {
  const source = (i: number, alias = 'x') => stepSource(alias, workspaceId, steps[i] as Step, firstArrival);
  const entry = source(0);
  const t = (x: StepSource) => sql.ref(`x.${x.time}`);
  // Every CTE is materialised: inlined, each step's correlated seek would be copied into every later step that
  // reads its time, doubling the seeks per step. s0 reads step 1's arrivals of the period by their time index
  // (grouping them in the same statement lets the planner walk the whole per-customer index instead).
  const ctes: RawBuilder<unknown>[] = [
    sql`s0 as materialized (select x.profile_id as p, ${t(entry)} as t from ${entry.table} where ${entry.match} and ${t(entry)} >= ${range.start} and ${t(entry)} < ${range.end})`,
    sql`s1 as materialized (select p, min(t) as t1 from s0 group by p)`,
  ];
  for (let i = 1; i < steps.length; i++) {
    const prev = sql.raw(`s${i}`);
    const carried = sql.raw(Array.from({ length: i }, (_, k) => `t${k + 1}`).join(', '));
    const before = sql.raw(`s${i}.t${i}`);
    const x = source(i);
    ctes.push(
      sql`${sql.raw(`s${i + 1}`)} as materialized (select p, ${carried}, case when ${before} is null then null else (select min(${t(x)}) from ${x.table} where ${x.match} and x.profile_id = ${prev}.p and ${t(x)} >= ${before} and ${t(x)} <= ${prev}.t1 + ${windowMs}) end as ${sql.raw(`t${i + 1}`)} from ${prev})`,
    );
  }
  const last = sql.raw(`s${steps.length}`);
  const columns = sql.raw(steps.map((_, i) => `t${i + 1}`).join(', '));
  const first = source(0, 'e');
  const by =
    breakdown?.by === 'trait'
      ? sql`${profileTraitSql(db, workspaceId, `s${steps.length}.p`, breakdown.trait)} as b`
      : breakdown?.by === 'channel'
        ? sql`(select ${sql.ref(`e.${first.channel}`)} from ${first.table} where ${first.match} and e.profile_id = ${last}.p and ${sql.ref(`e.${first.time}`)} = ${last}.t1 limit 1) as b`
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
  if (firstArrival && input.steps.some((s) => !('touchpoint' in s)))
    throw analyticsLimit('counting', 'first_arrival takes touchpoint steps only');
  const run = (period: LocalRange, breakdown: FunnelInput['breakdown']) =>
    entrants(db, workspaceId, input.steps, firstArrival, period, windowMs, breakdown);
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
