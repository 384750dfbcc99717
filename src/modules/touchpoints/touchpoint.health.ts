import type { Static } from '@sinclair/typebox';
import { fromJson, type Db } from '../../platform/db/index.js';
import { localDate, localWeekStart } from '../../platform/time/index.js';
import { localRange, type LocalRange } from './analytics.range.js';
import { journeyNotFound } from './touchpoints.errors.js';
import type { HealthQuery, HealthResponse, HeatmapQuery, HeatmapResponse } from './touchpoints.schema.js';

/** One day's perception of a touchpoint from survey responses: score normalised to 0–100. */
export interface PerceptionRow {
  touchpointKey: string;
  /** Instant the local day begins. */
  day: number;
  responses: number;
  scoreSum: number;
}

/** Supplies survey perception per touchpoint and day (the surveys module, wired in by the app). */
export type PerceptionSource = (
  db: Db,
  workspaceId: string,
  range: { from: number; to: number; timeZone: string },
) => Promise<PerceptionRow[]>;

interface DayFacts {
  events: number;
  customers: number;
  newCustomers: number;
  converted: number;
  responses: number;
  scoreSum: number;
}

const emptyFacts = (): DayFacts => ({
  events: 0,
  customers: 0,
  newCustomers: 0,
  converted: 0,
  responses: 0,
  scoreSum: 0,
});

/** Reads the rollups for a period: facts per touchpoint and day, and events per touchpoint and channel. */
async function readRollups(
  db: Db,
  workspaceId: string,
  range: LocalRange,
  next: Map<string, string | null>,
  perception: PerceptionSource | undefined,
) {
  const [daily, conversions, perceived] = await Promise.all([
    db
      .selectFrom('touchpoint_daily')
      .select(['touchpoint_key', 'day', 'channel', 'events', 'customers', 'new_customers'])
      .where('workspace_id', '=', workspaceId)
      .where('day', '>=', range.start)
      .where('day', '<', range.end)
      .execute(),
    db
      .selectFrom('touchpoint_conversion_daily')
      .select(['from_key', 'to_key', 'day', 'converted'])
      .where('workspace_id', '=', workspaceId)
      .where('day', '>=', range.start)
      .where('day', '<', range.end)
      .execute(),
    perception
      ? perception(db, workspaceId, { from: range.start, to: range.end, timeZone: range.timeZone })
      : [],
  ]);
  const facts = new Map<string, Map<number, DayFacts>>();
  const at = (key: string, day: number) => {
    let byDay = facts.get(key);
    if (!byDay) facts.set(key, (byDay = new Map()));
    let f = byDay.get(day);
    if (!f) byDay.set(day, (f = emptyFacts()));
    return f;
  };
  const channels = new Map<string, Map<string, number>>();
  for (const r of daily) {
    if (r.channel === '*') {
      const f = at(r.touchpoint_key, Number(r.day));
      f.events += Number(r.events);
      f.customers += Number(r.customers);
      f.newCustomers += Number(r.new_customers);
    } else {
      const byChannel = channels.get(r.touchpoint_key) ?? new Map<string, number>();
      byChannel.set(r.channel, (byChannel.get(r.channel) ?? 0) + Number(r.events));
      channels.set(r.touchpoint_key, byChannel);
    }
  }
  for (const c of conversions)
    if (next.get(c.from_key) === c.to_key) at(c.from_key, Number(c.day)).converted += Number(c.converted);
  for (const p of perceived) {
    const f = at(p.touchpointKey, p.day);
    f.responses += p.responses;
    f.scoreSum += p.scoreSum;
  }
  return { facts, channels };
}

/** The touchpoints to report and the step each leads to (in the chosen journey, or in the first journey holding it). */
async function scope(db: Db, workspaceId: string, journeyKey: string | undefined) {
  const [touchpoints, journeys] = await Promise.all([
    db
      .selectFrom('touchpoints')
      .select(['key', 'name_zh', 'name_en', 'target_score', 'target_conversion'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('priority')
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('journeys')
      .select(['key', 'steps'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .execute(),
  ]);
  const next = new Map<string, string | null>();
  let order: string[] | null = null;
  if (journeyKey !== undefined) {
    const j = journeys.find((x) => x.key === journeyKey);
    if (!j) throw journeyNotFound(journeyKey);
    order = fromJson<string[]>(j.steps);
    order.forEach((k, i) => next.set(k, order?.[i + 1] ?? null));
  } else {
    for (const j of journeys) {
      const steps = fromJson<string[]>(j.steps);
      steps.forEach((k, i) => {
        if (!next.has(k)) next.set(k, steps[i + 1] ?? null);
      });
    }
  }
  const byKey = new Map(touchpoints.map((t) => [t.key, t]));
  const list = order ? order.map((k) => byKey.get(k)).filter((t) => t !== undefined) : touchpoints;
  return { list, next };
}

/**
 * Touchpoint health for a period: per touchpoint and day, events, unique customers, first arrivals, conversion to the
 * next journey step (of the customers who first arrived that day) and survey perception, with period totals and the
 * targets beside them. Reads rollups only.
 */
export async function touchpointHealth(
  db: Db,
  workspaceId: string,
  query: Static<typeof HealthQuery>,
  perception?: PerceptionSource,
): Promise<Static<typeof HealthResponse>> {
  const range = await localRange(db, workspaceId, query.from, query.to);
  const { list, next } = await scope(db, workspaceId, query.journey);
  const { facts, channels } = await readRollups(db, workspaceId, range, next, perception);
  const dayCount = Math.max(1, Math.round((range.end - range.start) / 86_400_000));
  return {
    data: list.map((t) => {
      const byDay = facts.get(t.key) ?? new Map<number, DayFacts>();
      const days = [...byDay.entries()].sort((a, b) => a[0] - b[0]);
      const total = days.reduce((s, [, f]) => {
        s.events += f.events;
        s.customers += f.customers;
        s.newCustomers += f.newCustomers;
        s.converted += f.converted;
        s.responses += f.responses;
        s.scoreSum += f.scoreSum;
        return s;
      }, emptyFacts());
      const nextKey = next.get(t.key) ?? null;
      return {
        touchpoint: t.key,
        name: { 'zh-CN': t.name_zh, en: t.name_en },
        next: nextKey,
        events: total.events,
        newCustomers: total.newCustomers,
        averageDailyCustomers: total.customers / dayCount,
        conversion: nextKey && total.newCustomers ? total.converted / total.newCustomers : null,
        targetConversion: t.target_conversion === null ? null : Number(t.target_conversion),
        perception: total.responses ? total.scoreSum / total.responses : null,
        responses: total.responses,
        targetScore: t.target_score === null ? null : Number(t.target_score),
        byChannel: [...(channels.get(t.key) ?? new Map<string, number>()).entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([channel, events]) => ({ channel, events })),
        days: days.map(([day, f]) => ({
          day: localDate(range.timeZone, day),
          events: f.events,
          customers: f.customers,
          newCustomers: f.newCustomers,
          converted: f.converted,
          perception: f.responses ? f.scoreSum / f.responses : null,
          responses: f.responses,
        })),
      };
    }),
  };
}

/** Touchpoint × week matrix of one metric, for the heat map (weeks start on Monday, local time). */
export async function touchpointHeatmap(
  db: Db,
  workspaceId: string,
  query: Static<typeof HeatmapQuery>,
  perception?: PerceptionSource,
): Promise<Static<typeof HeatmapResponse>> {
  const metric = query.metric ?? 'perception';
  const range = await localRange(db, workspaceId, query.from, query.to);
  const { list, next } = await scope(db, workspaceId, query.journey);
  const { facts } = await readRollups(
    db,
    workspaceId,
    range,
    next,
    metric === 'perception' ? perception : undefined,
  );
  const weeks = new Set<number>();
  for (
    let d = localWeekStart(range.timeZone, range.start);
    d < range.end;
    d = localWeekStart(range.timeZone, d + 8 * 86_400_000)
  )
    weeks.add(d);
  const sortedWeeks = [...weeks].sort((a, b) => a - b);
  const cells: Static<typeof HeatmapResponse>['cells'] = [];
  for (const t of list) {
    const byWeek = new Map<number, DayFacts>();
    for (const [day, f] of facts.get(t.key) ?? new Map<number, DayFacts>()) {
      const w = localWeekStart(range.timeZone, day);
      const acc = byWeek.get(w) ?? emptyFacts();
      acc.events += f.events;
      acc.customers += f.customers;
      acc.newCustomers += f.newCustomers;
      acc.converted += f.converted;
      acc.responses += f.responses;
      acc.scoreSum += f.scoreSum;
      byWeek.set(w, acc);
    }
    for (const w of sortedWeeks) {
      const f = byWeek.get(w) ?? emptyFacts();
      const [value, count] =
        metric === 'perception'
          ? [f.responses ? f.scoreSum / f.responses : null, f.responses]
          : metric === 'customers'
            ? [f.customers, f.customers]
            : metric === 'events'
              ? [f.events, f.events]
              : [next.get(t.key) && f.newCustomers ? f.converted / f.newCustomers : null, f.newCustomers];
      cells.push({ touchpoint: t.key, week: localDate(range.timeZone, w), value, count });
    }
  }
  return {
    metric,
    weeks: sortedWeeks.map((w) => localDate(range.timeZone, w)),
    touchpoints: list.map((t) => ({ key: t.key, name: { 'zh-CN': t.name_zh, en: t.name_en } })),
    cells,
  };
}
