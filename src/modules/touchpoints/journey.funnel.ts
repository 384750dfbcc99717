import type { Static } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import { eventRowsSql, profileTraitSql } from '../profiles/index.js';
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

function stepSource(workspaceId: string, step: Step): RawBuilder<unknown> {
  return 'touchpoint' in step
    ? sql`select event_id, profile_id, channel, timestamp from touchpoint_events where workspace_id = ${workspaceId} and touchpoint_key = ${step.touchpoint}`
    : eventRowsSql(workspaceId, step.event);
}

/**
 * Ordered funnel: customers who did step 1 in the period enter; each later step counts when done after the
 * previous one and within the window from entry (as Amplitude and Mixpanel define it). One SQL statement per
 * period; the per-customer step times come back and are summarised here.
 */
async function entrants(
  db: Db,
  workspaceId: string,
  steps: Step[],
  range: LocalRange,
  windowMs: number,
  breakdown: FunnelInput['breakdown'],
): Promise<Entrant[]> {
  const ctes: RawBuilder<unknown>[] = [
    sql`s1 as (select profile_id as p, timestamp as t, channel as c from (select x.profile_id, x.timestamp, x.channel, row_number() over (partition by x.profile_id order by x.timestamp, x.event_id) as rn from (${stepSource(workspaceId, steps[0] as Step)}) x where x.timestamp >= ${range.start} and x.timestamp < ${range.end}) y where y.rn = 1)`,
  ];
  for (let i = 1; i < steps.length; i++) {
    const prev = sql.raw(`s${i}`);
    const name = sql.raw(`s${i + 1}`);
    const start = i === 1 ? sql.raw('s1.t') : sql.raw(`s${i}.t0`);
    ctes.push(
      sql`${name} as (select ${prev}.p as p, ${start} as t0, min(x.timestamp) as t from ${prev} join (${stepSource(workspaceId, steps[i] as Step)}) x on x.profile_id = ${prev}.p and x.timestamp >= ${prev}.t and x.timestamp <= ${start} + ${windowMs} group by ${prev}.p, ${start})`,
    );
  }
  const columns = steps.map((_, i) => sql.raw(`s${i + 1}.t as t${i + 1}`));
  const joins = steps.slice(1).map((_, i) => sql.raw(`left join s${i + 2} on s${i + 2}.p = s1.p`));
  const by =
    breakdown?.by === 'trait'
      ? sql`${profileTraitSql(db, workspaceId, 's1.p', breakdown.trait)} as b`
      : breakdown?.by === 'channel'
        ? sql`s1.c as b`
        : sql`null as b`;
  const { rows } = await sql<
    Record<string, number | string | null>
  >`with ${sql.join(ctes, sql`, `)} select ${by}, ${sql.join(columns, sql`, `)} from s1 ${sql.join(joins, sql` `)}`.execute(
    db,
  );
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
  const current = await entrants(db, workspaceId, input.steps, range, windowMs, input.breakdown);
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
    const before = await entrants(db, workspaceId, input.steps, other, windowMs, undefined);
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
