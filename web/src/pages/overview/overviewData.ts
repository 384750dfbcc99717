import type { DayRange } from '../../api/journeys';
import type { MetricSummary, SurveySummary } from '../../api/overview';
import type { SurveySettings } from '../../api/surveys';
import { addDays } from '../journeys/shared';

/** The three headline metrics of the overview. */
export const SCORE_METRICS = ['nps', 'csat', 'ces'] as const;
export type ScoreMetric = (typeof SCORE_METRICS)[number];

export interface Targets {
  nps: number;
  csat: number;
  ces: number;
}

/** Starting targets until someone sets their own: NPS points, CSAT and CES top-2-box %. */
export const DEFAULT_TARGETS: Targets = { nps: 30, csat: 80, ces: 70 };

/** The overview's targets from the workspace survey settings (defaults until someone sets them). */
export function targetsOf(settings: SurveySettings): Targets {
  const t = settings.targets;
  return t ? { nps: t.nps, csat: t.csatTop2, ces: t.cesTop2 } : DEFAULT_TARGETS;
}

/** The survey settings with new targets, everything else as it was. */
export function withTargets(settings: SurveySettings, targets: Targets): SurveySettings {
  return { ...settings, targets: { nps: targets.nps, csatTop2: targets.csat, cesTop2: targets.ces } };
}

/** Minutes east of UTC of a time zone at an instant. */
function offsetMinutes(timeZone: string, time: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(time);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return Math.round((asUtc - Math.floor(time / 1000) * 1000) / 60_000);
  } catch {
    return 0;
  }
}

/** The instant a local calendar day starts in a time zone. */
export function startOfDay(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetMinutes(timeZone, guess) * 60_000;
  // Once more, for a day whose offset differs from the one at UTC midnight (DST changes).
  return guess - offsetMinutes(timeZone, first) * 60_000;
}

/** Local days as the instants the surveys and cases APIs take: [start of first day, start of the day after last). */
export function instantRange(range: DayRange, timeZone: string): { from: string; to: string } {
  return {
    from: new Date(startOfDay(range.from, timeZone)).toISOString(),
    to: new Date(startOfDay(addDays(range.to, 1), timeZone)).toISOString(),
  };
}

/** The headline figure of a survey's primary metric on the overview's scale, with its interval. */
export interface Headline {
  metric: ScoreMetric;
  value: number | null;
  lower: number | null;
  upper: number | null;
  n: number;
  /** For CSAT and CES: the mean on the question's scale. */
  mean: number | null;
  thin: boolean;
}

/** The metric of a summary's primary question when it is NPS, CSAT or CES. */
export function headlineOf(summary: SurveySummary): Headline | null {
  const m: MetricSummary | undefined = summary.primary.metric;
  if (!m) return null;
  if (m.metric === 'nps' && 'nps' in m) {
    return {
      metric: 'nps',
      value: m.nps.score,
      lower: m.nps.ci?.lower ?? null,
      upper: m.nps.ci?.upper ?? null,
      n: m.nps.n,
      mean: null,
      thin: m.nps.thin ?? m.nps.n < 30,
    };
  }
  if ((m.metric === 'csat' || m.metric === 'ces') && 'rating' in m) {
    return {
      metric: m.metric,
      value: m.rating.topBox?.percent ?? null,
      lower: m.rating.topBox?.percentCi?.lower ?? null,
      upper: m.rating.topBox?.percentCi?.upper ?? null,
      n: m.rating.n,
      mean: m.rating.mean,
      thin: m.rating.thin,
    };
  }
  return null;
}

/** Trend granularity that keeps a readable number of points for a period. */
export function granularityFor(days: number): 'day' | 'week' | 'month' {
  if (days <= 14) return 'day';
  if (days <= 180) return 'week';
  return 'month';
}
