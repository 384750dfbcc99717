import { sql } from 'kysely';
import { fromJson, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { profileTraits } from '../profiles/index.js';
import { resolveSegments, segmentsOfProfiles } from '../segments/index.js';
import {
  MetricsInputError,
  cesSummary,
  csatSummary,
  meanEstimate,
  meanTrend,
  npsFromCounts,
  npsFromScores,
  npsTrend,
  periodKey,
  priorityMatrix,
  ratingStatsFromScores,
  ratingSummary,
  relativeWeights,
  satisfactionIndex,
  servqualFromResponses,
  topBoxTrend,
  type Granularity,
  type ImportanceAllocation,
  type RatingScale,
  type RatingStats,
  type ServqualResponse,
} from './metrics/index.js';
import type { Answers } from './survey.answers.js';
import {
  isScoreQuestion,
  localize,
  scaleOf,
  type Question,
  type SurveyDefinition,
} from './survey.definition.js';
import { getDefinition, getSurveyRow } from './survey.repository.js';
import { workspaceTimeZone } from './surveys.context.js';

const DAY = 86_400_000;
/** Raw-data analyses (drivers, SERVQUAL, trait breakdowns) read at most this many responses, newest first. */
export const RAW_LIMIT = 100_000;

export interface Range {
  from: number;
  to: number;
}

export interface Filters {
  touchpointKey?: string | undefined;
  channel?: string | undefined;
}

/** A metric input the statistics cannot use (too few rows, constant answers…) → 422 with the metrics code. */
export function analyticsError(err: unknown): never {
  if (err instanceof MetricsInputError)
    throw new AppError('SURVEY_ANALYSIS_NOT_POSSIBLE', 422, 'error.survey_analysis_not_possible', {
      reason: err.code,
      message: err.message,
    });
  throw err;
}

const questionNotFound = (id: string) =>
  new AppError('SURVEY_QUESTION_NOT_FOUND', 404, 'error.survey_question_not_found', {
    questionId: id.slice(0, 80),
  });

interface Cell {
  n: number;
  sum: number;
  sumSq: number;
  low: number;
  mid: number;
  high: number;
}

const emptyCell = (): Cell => ({ n: 0, sum: 0, sumSq: 0, low: 0, mid: 0, high: 0 });
function addCell(a: Cell, b: Cell): void {
  a.n += b.n;
  a.sum += b.sum;
  a.sumSq += b.sumSq;
  a.low += b.low;
  a.mid += b.mid;
  a.high += b.high;
}

type GroupColumn = 'day' | 'touchpoint_key' | 'channel';

/** Rollup cells of some questions in a range, summed per question and the requested columns. */
async function rollup(
  db: Db,
  workspaceId: string,
  surveyId: string,
  questionIds: readonly string[],
  range: Range,
  tz: string,
  filters: Filters,
  groupBy: readonly GroupColumn[],
): Promise<{ questionId: string; key: Record<GroupColumn, string | number>; cell: Cell }[]> {
  if (questionIds.length === 0) return [];
  let q = db
    .selectFrom('survey_rollups')
    .select([
      'question_id',
      sql<number>`sum(n)`.as('n'),
      sql<number>`sum(sum)`.as('sum'),
      sql<number>`sum(sum_sq)`.as('sum_sq'),
      sql<number>`sum(c_low)`.as('c_low'),
      sql<number>`sum(c_mid)`.as('c_mid'),
      sql<number>`sum(c_high)`.as('c_high'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('question_id', 'in', [...questionIds])
    .where('day', '>=', localDayStart(tz, range.from))
    .where('day', '<', range.to)
    .groupBy('question_id');
  for (const c of groupBy) q = q.select(c).groupBy(c);
  if (filters.touchpointKey !== undefined) q = q.where('touchpoint_key', '=', filters.touchpointKey);
  if (filters.channel !== undefined) q = q.where('channel', '=', filters.channel);
  const rows = (await q.execute()) as unknown as (Record<string, unknown> & {
    question_id: string;
    n: number;
    sum: number;
    sum_sq: number;
    c_low: number;
    c_mid: number;
    c_high: number;
  })[];
  return rows
    .map((r) => ({
      questionId: r.question_id,
      key: Object.fromEntries(groupBy.map((c) => [c, r[c] as string | number])) as Record<
        GroupColumn,
        string | number
      >,
      cell: {
        n: Number(r.n),
        sum: Number(r.sum),
        sumSq: Number(r.sum_sq),
        low: Number(r.c_low),
        mid: Number(r.c_mid),
        high: Number(r.c_high),
      },
    }))
    .filter((r) => r.cell.n > 0);
}

/** The scale and top-box floor of a score question (CSAT 4–5, CES 6–7, rating top two). */
function ratingScale(q: Question): RatingScale {
  const s = scaleOf(q) ?? { min: 1, max: 5 };
  return { min: s.min, max: s.max, topBoxMin: s.max - 1 };
}

/** The metric summary of one question from its cell: NPS for nps, top-2-box and mean for the others. */
export function summarize(q: Question | null, cell: Cell) {
  try {
    if (q?.type === 'nps') {
      return {
        metric: 'nps' as const,
        n: cell.n,
        nps: npsFromCounts({ promoters: cell.high, passives: cell.mid, detractors: cell.low }),
      };
    }
    const stats: RatingStats = { n: cell.n, sum: cell.sum, sumSq: cell.sumSq, topBox: cell.high };
    if (q === null) {
      // The primary score on 0–100: a mean only (its categories are not a top box).
      const { topBox: _t, ...plain } = stats;
      return { metric: 'score100' as const, n: cell.n, mean: meanEstimate(plain, { min: 0, max: 100 }) };
    }
    if (q.type === 'csat') return { metric: 'csat' as const, n: cell.n, rating: csatSummary(stats) };
    if (q.type === 'ces') return { metric: 'ces' as const, n: cell.n, rating: cesSummary(stats) };
    return { metric: q.type, n: cell.n, rating: ratingSummary(stats, ratingScale(q)) };
  } catch (err) {
    return analyticsError(err);
  }
}

function parseRange(from: string | undefined, to: string | undefined, now: number): Range {
  const end = to !== undefined ? Date.parse(to) : now + 1;
  const start = from !== undefined ? Date.parse(from) : end - 90 * DAY;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end || end - start > 3700 * DAY)
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      fields: [
        { in: 'querystring', path: 'from', message: 'from must be before to, at most ten years apart' },
      ],
    });
  return { from: start, to: end };
}

export interface AnalyticsQuery {
  from?: string | undefined;
  to?: string | undefined;
  touchpointKey?: string | undefined;
  channel?: string | undefined;
}

async function setup(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery, now = Date.now()) {
  const survey = await getSurveyRow(db, workspaceId, surveyId);
  const def = await getDefinition(db, workspaceId, surveyId, survey.current_version);
  const tz = await workspaceTimeZone(db, workspaceId);
  const range = parseRange(query.from, query.to, now);
  const filters: Filters = { touchpointKey: query.touchpointKey, channel: query.channel };
  return { survey, def, tz, range, filters, language: survey.default_language };
}

function questionOf(def: SurveyDefinition, id: string): Question | null {
  if (id === '_primary') return null;
  const q = def.questions.find((x) => x.id === id);
  if (!q || !isScoreQuestion(q)) throw questionNotFound(id);
  return q;
}

/** Headline figures: responses, the primary score, every score question, the satisfaction index. */
export async function summary(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery) {
  const { survey, def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  const scoreQs = def.questions.filter(isScoreQuestion);
  const ids = ['_duration', '_primary', ...scoreQs.map((q) => q.id)];
  const rows = await rollup(db, workspaceId, surveyId, ids, range, tz, filters, []);
  const cellOf = (id: string) => rows.find((r) => r.questionId === id)?.cell ?? emptyCell();
  const partial = await db
    .selectFrom('survey_responses')
    .select(sql<number>`count(*)`.as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('completed_at', 'is', null)
    .where('started_at', '>=', range.from)
    .where('started_at', '<', range.to)
    .$if(filters.channel !== undefined, (q) => q.where('channel', '=', filters.channel ?? ''))
    .executeTakeFirst();
  const primaryQ = def.questions.find((q) => q.id === def.primaryQuestionId) ?? null;
  const primaryCell = cellOf('_primary');
  return {
    surveyId,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    timeZone: tz,
    responses: { completed: cellOf('_duration').n, partial: Number(partial?.n ?? 0) },
    primary: {
      questionId: def.primaryQuestionId,
      /** The primary score on 0–100 (ratings and indices normalised), the base of touchpoint perception. */
      score100: summarize(null, primaryCell),
      ...(primaryQ && isScoreQuestion(primaryQ) ? { metric: summarize(primaryQ, cellOf(primaryQ.id)) } : {}),
    },
    questions: scoreQs.map((q) => ({
      questionId: q.id,
      type: q.type,
      text: localize(q.text, survey.default_language, survey.default_language),
      ...summarize(q, cellOf(q.id)),
    })),
    index: def.index ? await indexFromRollups(db, workspaceId, surveyId, def, range, tz, filters) : null,
  };
}

async function indexFromRollups(
  db: Db,
  workspaceId: string,
  surveyId: string,
  def: SurveyDefinition,
  range: Range,
  tz: string,
  filters: Filters,
) {
  if (!def.index) return null;
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  const rollupId = (id: string) => (byId.get(id)?.type === 'expectation_perception' ? `${id}:p` : id);
  const ids = [...new Set(def.index.components.flatMap((c) => c.questions.map(rollupId)))];
  const rows = await rollup(db, workspaceId, surveyId, ids, range, tz, filters, []);
  try {
    return satisfactionIndex(
      def.index.components.map((c) => ({
        key: c.key,
        weight: c.weight,
        items: c.questions.map((id) => {
          const q = byId.get(id) as Question;
          const cell = rows.find((r) => r.questionId === rollupId(id))?.cell ?? emptyCell();
          const s = scaleOf(q) ?? { min: 1, max: 7 };
          return {
            key: id,
            scale: { min: s.min, max: s.max },
            stats: { n: cell.n, sum: cell.sum, sumSq: cell.sumSq },
          };
        }),
      })),
    );
  } catch (err) {
    return analyticsError(err);
  }
}

/** The satisfaction index (0–100) with its components, overall and per period. */
export async function indexAnalysis(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery) {
  const { def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  if (!def.index) throw new AppError('SURVEY_NO_INDEX', 400, 'error.survey_no_index');
  const result = await indexFromRollups(db, workspaceId, surveyId, def, range, tz, filters);
  return {
    surveyId,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    components: def.index.components.map((c) => ({
      key: c.key,
      name: c.name,
      weight: c.weight,
      questions: c.questions,
    })),
    result,
  };
}

/** Trend of one score question (or `_primary`) per day/week/month with bands and a significance flag. */
export async function trend(
  db: Db,
  workspaceId: string,
  surveyId: string,
  query: AnalyticsQuery & { questionId?: string | undefined; granularity?: Granularity | undefined },
) {
  const { def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  const questionId = query.questionId ?? def.primaryQuestionId ?? '_primary';
  const q = questionId === '_index' ? null : questionOf(def, questionId);
  const rid = q ? q.id : '_primary';
  const granularity = query.granularity ?? 'week';
  const rows = await rollup(db, workspaceId, surveyId, [rid], range, tz, filters, ['day']);
  const periods = periodList(range, granularity, tz);
  const cells = new Map(periods.map((p) => [p.key, emptyCell()]));
  for (const r of rows) {
    const key = periodKey(Number(r.key.day) + 12 * 3_600_000, granularity, tz);
    const cell = cells.get(key);
    if (cell) addCell(cell, r.cell);
  }
  const list = periods.map((p) => ({ period: p.key, start: p.start, cell: cells.get(p.key) as Cell }));
  try {
    const stats = list.map((p) => ({ period: p.period, n: p.cell.n, sum: p.cell.sum, sumSq: p.cell.sumSq }));
    const base = {
      surveyId,
      questionId: rid,
      granularity,
      timeZone: tz,
      periods: list.map((p) => ({ period: p.period, start: new Date(p.start).toISOString(), n: p.cell.n })),
    };
    if (q?.type === 'nps')
      return {
        ...base,
        metric: 'nps',
        points: npsTrend(
          list.map((p) => ({
            period: p.period,
            promoters: p.cell.high,
            passives: p.cell.mid,
            detractors: p.cell.low,
          })),
        ),
      };
    if (q === null) return { ...base, metric: 'score100', points: meanTrend(stats, { min: 0, max: 100 }) };
    return {
      ...base,
      metric: q.type,
      points: topBoxTrend(
        list.map((p, i) => ({ ...(stats[i] as RatingStats & { period: string }), topBox: p.cell.high })),
      ),
      mean: meanTrend(stats, ratingScale(q)),
    };
  } catch (err) {
    return analyticsError(err);
  }
}

const MAX_PERIODS = 1000;

/**
 * The periods of a range, oldest first, each with the first local day of it that falls in the range. Walks the
 * local days (one time-zone lookup each) rather than computing each period's bounds: a year of days costs a few
 * milliseconds.
 */
export function periodList(
  range: Range,
  granularity: Granularity,
  tz: string,
): { key: string; start: number }[] {
  const out: { key: string; start: number }[] = [];
  let day = localDayStart(tz, range.from);
  let last = '';
  for (let guard = 0; day < range.to && guard < 12_000; guard++) {
    // Noon of the local day: its key cannot be thrown off by the hour a DST change moves.
    const key = periodKey(day + 12 * 3_600_000, granularity, tz);
    if (key !== last) {
      if (out.length === MAX_PERIODS)
        throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
          fields: [
            {
              in: 'querystring',
              path: 'granularity',
              message: `more than ${MAX_PERIODS} periods: use a coarser one`,
            },
          ],
        });
      out.push({ key, start: day });
      last = key;
    }
    day = localDayStart(tz, day + 36 * 3_600_000);
  }
  return out;
}

export type BreakdownBy = 'channel' | 'touchpoint' | `trait:${string}` | `hidden:${string}`;

/** One question (or `_primary`) broken down by channel, touchpoint, a customer trait or a hidden field. */
export async function breakdown(
  db: Db,
  workspaceId: string,
  surveyId: string,
  query: AnalyticsQuery & { questionId?: string | undefined; by: string },
) {
  const { def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  const questionId = query.questionId ?? def.primaryQuestionId ?? '_primary';
  const q = questionId === '_index' ? null : questionOf(def, questionId);
  const rid = q ? q.id : '_primary';
  const base = { surveyId, questionId: rid, by: query.by };
  if (query.by === 'channel' || query.by === 'touchpoint') {
    const column = query.by === 'channel' ? 'channel' : 'touchpoint_key';
    const rows = await rollup(db, workspaceId, surveyId, [rid], range, tz, filters, [column]);
    return {
      ...base,
      groups: rows
        .map((r) => ({
          key: String(r.key[column]) === '' ? null : String(r.key[column]),
          ...summarize(q, r.cell),
        }))
        .sort((a, b) => b.n - a.n),
    };
  }
  const m = /^(trait|hidden):([A-Za-z0-9_.-]{1,100})$/.exec(query.by);
  // segment: every active segment (up to 20); segment:<key>[,<key>…]: those segments.
  const seg = /^segment(?::([a-z][a-z0-9_]{0,39}(?:,[a-z][a-z0-9_]{0,39}){0,19}))?$/.exec(query.by);
  if (!m && !seg)
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      fields: [
        {
          in: 'querystring',
          path: 'by',
          message:
            'must be channel, touchpoint, trait:<key>, hidden:<key>, segment or segment:<key>[,<key>…]',
        },
      ],
    });
  const rows = await rawResponses(db, workspaceId, surveyId, range, filters, [
    'profile_id',
    'hidden',
    'answers',
    'score100',
  ]);
  const valueOf = (r: RawRow): number | null => {
    if (!q) return r.score100;
    const a = fromJson<Answers>(r.answers)[q.id];
    return typeof a === 'number' ? a : null;
  };
  const respondents = [...new Set(rows.map((r) => r.profile_id).filter((x): x is string => !!x))];
  if (seg) {
    // Segments overlap: a respondent counts in each segment they belong to now, and under null when in none.
    const segments = await resolveSegments(db, workspaceId, seg[1] ? seg[1].split(',') : []);
    const of = await segmentsOfProfiles(db, workspaceId, respondents, segments);
    const values = new Map<string | null, number[]>();
    for (const key of [...segments.map((s) => s.key), null]) values.set(key, []);
    for (const r of rows) {
      const v = valueOf(r);
      if (v === null) continue;
      const keys = r.profile_id ? of.get(r.profile_id) : undefined;
      for (const k of keys?.length ? keys : [null]) values.get(k)?.push(v);
    }
    return {
      ...base,
      sampled: rows.length >= RAW_LIMIT,
      overlapping: true,
      groups: [...values.entries()].map(([key, list]) => ({
        key,
        label: segments.find((s) => s.key === key)?.name ?? null,
        ...summarizeScores(q, list),
      })),
    };
  }
  const [, kind, key] = m as unknown as [string, 'trait' | 'hidden', string];
  const groupOf = new Map<string, number[]>();
  let traits = new Map<string, Record<string, unknown>>();
  if (kind === 'trait') traits = await profileTraits(db, workspaceId, respondents);
  for (const r of rows) {
    const v = valueOf(r);
    if (v === null) continue;
    let g: unknown;
    if (kind === 'hidden') g = fromJson<Record<string, string>>(r.hidden)[key];
    else g = r.profile_id ? traits.get(r.profile_id)?.[key] : undefined;
    const label = g === undefined || g === null ? '' : String(g).slice(0, 100);
    const list = groupOf.get(label) ?? [];
    list.push(v);
    groupOf.set(label, list);
  }
  return {
    ...base,
    sampled: rows.length >= RAW_LIMIT,
    groups: [...groupOf.entries()]
      .map(([label, values]) => ({ key: label === '' ? null : label, ...summarizeScores(q, values) }))
      .sort((a, b) => b.n - a.n)
      .slice(0, 200),
  };
}

/** The summary of a list of raw scores, in the same shape as from rollups. */
function summarizeScores(q: Question | null, values: number[]) {
  if (q?.type === 'nps') return { metric: 'nps' as const, n: values.length, nps: npsFromScores(values) };
  if (q === null) {
    const s = ratingStatsFromScores(values, { min: 0, max: 100 });
    return summarize(null, { n: s.n, sum: s.sum, sumSq: s.sumSq, low: 0, mid: 0, high: 0 });
  }
  const s = ratingStatsFromScores(values, ratingScale(q));
  return summarize(q, { n: s.n, sum: s.sum, sumSq: s.sumSq, low: 0, mid: 0, high: s.topBox ?? 0 });
}

interface RawRow {
  id: string;
  profile_id: string | null;
  hidden: string;
  answers: string;
  score100: number | null;
  touchpoint_key: string | null;
  completed_at: number | null;
}

async function rawResponses(
  db: Db,
  workspaceId: string,
  surveyId: string,
  range: Range,
  filters: Filters,
  _columns: string[],
): Promise<RawRow[]> {
  let q = db
    .selectFrom('survey_responses')
    .select(['id', 'profile_id', 'hidden', 'answers', 'score100', 'touchpoint_key', 'completed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('completed_at', '>=', range.from)
    .where('completed_at', '<', range.to)
    .orderBy('completed_at', 'desc')
    .limit(RAW_LIMIT);
  if (filters.touchpointKey !== undefined) q = q.where('touchpoint_key', '=', filters.touchpointKey);
  if (filters.channel !== undefined) q = q.where('channel', '=', filters.channel);
  return q.execute();
}

const STANDARD_DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;

/** SERVQUAL gaps (P − E) per item and dimension, unweighted and weighted by the importance allocation. */
export async function servqual(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery) {
  const { def, range, filters, language } = await setup(db, workspaceId, surveyId, query);
  const items = def.questions.filter((q) => q.type === 'expectation_perception');
  if (items.length === 0) throw new AppError('SURVEY_NO_SERVQUAL', 400, 'error.survey_no_servqual');
  const rows = await rawResponses(db, workspaceId, surveyId, range, filters, ['answers']);
  const weightsQ = def.servqual?.weightsQuestionId;
  const standard =
    items.length === 22 &&
    items.every(
      (q, i) => q.type === 'expectation_perception' && q.dimension === standardDimensionOfItem(i + 1),
    );
  const responses = rows.map((r) => fromJson<Answers>(r.answers));
  if (standard) {
    const input: ServqualResponse[] = responses.map((a) => {
      const ep = items.map((q) => a[q.id] as { expectation: number; perception: number } | undefined);
      const alloc = weightsQ ? (a[weightsQ] as Record<string, number> | undefined) : undefined;
      return {
        expectation: ep.map((x) => x?.expectation ?? null),
        perception: ep.map((x) => x?.perception ?? null),
        ...(alloc ? { importance: importanceOf(alloc) } : {}),
      };
    });
    const importance = meanImportance(responses, weightsQ);
    try {
      const result = servqualFromResponses(input, importance ? { importance } : undefined);
      return {
        surveyId,
        standard: true,
        responses: rows.length,
        importance,
        items: result.items.map((it, i) => ({
          ...it,
          questionId: items[i]?.id ?? null,
          text: items[i] ? localize(items[i].text, language, language) : null,
        })),
        dimensions: result.dimensions,
        unweightedScore: result.unweightedScore,
        weightedScore: result.weightedScore,
      };
    } catch (err) {
      return analyticsError(err);
    }
  }
  // Any other set of expectation/perception items: the same definitions, over the survey's own dimensions.
  const perItem = items.map((q) => {
    const gaps: number[] = [];
    let e = 0;
    let p = 0;
    for (const a of responses) {
      const x = a[q.id] as { expectation: number; perception: number } | undefined;
      if (!x) continue;
      gaps.push(x.perception - x.expectation);
      e += x.expectation;
      p += x.perception;
    }
    const n = gaps.length;
    const sum = gaps.reduce((s, g) => s + g, 0);
    const est = meanEstimate({ n, sum, sumSq: gaps.reduce((s, g) => s + g * g, 0) });
    return {
      questionId: q.id,
      dimension: q.type === 'expectation_perception' ? q.dimension : 'general',
      text: localize(q.text, language, language),
      n,
      expectation: n ? e / n : null,
      perception: n ? p / n : null,
      gap: est.mean,
      standardError: est.standardError,
      ci: est.ci,
    };
  });
  const importance = meanImportance(responses, weightsQ);
  const dims = [...new Set(perItem.map((i) => i.dimension))].map((d) => {
    const its = perItem.filter((i) => i.dimension === d && i.gap !== null);
    const mean = (f: (x: (typeof its)[number]) => number | null) =>
      its.length ? its.reduce((s, x) => s + (f(x) ?? 0), 0) / its.length : null;
    return {
      dimension: d,
      itemsWithData: its.length,
      expectation: mean((x) => x.expectation),
      perception: mean((x) => x.perception),
      gap: mean((x) => x.gap),
    };
  });
  const withData = dims.filter((d) => d.gap !== null);
  const unweighted = withData.length
    ? withData.reduce((s, d) => s + (d.gap as number), 0) / withData.length
    : null;
  let weighted: number | null = null;
  if (importance) {
    const total = withData.reduce(
      (s, d) => s + (importance[d.dimension as keyof ImportanceAllocation] ?? 0),
      0,
    );
    if (total > 0)
      weighted = withData.reduce(
        (s, d) =>
          s + ((importance[d.dimension as keyof ImportanceAllocation] ?? 0) / total) * (d.gap as number),
        0,
      );
  }
  return {
    surveyId,
    standard: false,
    responses: rows.length,
    importance,
    items: perItem,
    dimensions: dims,
    unweightedScore: unweighted,
    weightedScore: weighted,
  };
}

function standardDimensionOfItem(item: number): string {
  return item <= 4
    ? 'tangibles'
    : item <= 9
      ? 'reliability'
      : item <= 13
        ? 'responsiveness'
        : item <= 17
          ? 'assurance'
          : 'empathy';
}

function importanceOf(alloc: Record<string, number>): ImportanceAllocation {
  return Object.fromEntries(STANDARD_DIMENSIONS.map((d) => [d, alloc[d] ?? 0])) as ImportanceAllocation;
}

function meanImportance(responses: Answers[], weightsQ: string | undefined): ImportanceAllocation | null {
  if (!weightsQ) return null;
  const sums: Record<string, number> = {};
  let n = 0;
  for (const a of responses) {
    const alloc = a[weightsQ] as Record<string, number> | undefined;
    if (!alloc) continue;
    n++;
    for (const [k, v] of Object.entries(alloc)) sums[k] = (sums[k] ?? 0) + v;
  }
  if (n === 0) return null;
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n])) as ImportanceAllocation;
}

/** Mean expectation, perception and gap of the survey's SERVQUAL items per touchpoint (from the rollups). */
export async function expectationByTouchpoint(
  db: Db,
  workspaceId: string,
  surveyId: string,
  query: AnalyticsQuery,
) {
  const { def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  const items = def.questions.filter((q) => q.type === 'expectation_perception');
  if (items.length === 0) throw new AppError('SURVEY_NO_SERVQUAL', 400, 'error.survey_no_servqual');
  const ids = items.flatMap((q) => [`${q.id}:e`, `${q.id}:p`]);
  const rows = await rollup(db, workspaceId, surveyId, ids, range, tz, filters, ['touchpoint_key']);
  const byTp = new Map<
    string,
    { e: Cell; p: Cell; items: Map<string, { e: number; p: number; n: number }> }
  >();
  for (const r of rows) {
    const tp = String(r.key.touchpoint_key);
    const entry = byTp.get(tp) ?? { e: emptyCell(), p: emptyCell(), items: new Map() };
    const [qid, side] = r.questionId.split(':') as [string, 'e' | 'p'];
    addCell(side === 'e' ? entry.e : entry.p, r.cell);
    const it = entry.items.get(qid) ?? { e: 0, p: 0, n: 0 };
    if (side === 'e') it.e = r.cell.sum / r.cell.n;
    else {
      it.p = r.cell.sum / r.cell.n;
      it.n = r.cell.n;
    }
    entry.items.set(qid, it);
    byTp.set(tp, entry);
  }
  return {
    surveyId,
    touchpoints: [...byTp.entries()].map(([tp, v]) => {
      const e = v.e.n ? v.e.sum / v.e.n : null;
      const p = v.p.n ? v.p.sum / v.p.n : null;
      const dims = new Map<string, { gap: number; count: number }>();
      for (const q of items) {
        const it = v.items.get(q.id);
        if (!it || q.type !== 'expectation_perception') continue;
        const d = dims.get(q.dimension) ?? { gap: 0, count: 0 };
        d.gap += it.p - it.e;
        d.count++;
        dims.set(q.dimension, d);
      }
      return {
        touchpointKey: tp === '' ? null : tp,
        answers: v.p.n,
        expectation: e,
        perception: p,
        gap: e !== null && p !== null ? p - e : null,
        dimensions: [...dims.entries()].map(([dimension, d]) => ({ dimension, gap: d.gap / d.count })),
      };
    }),
  };
}

/** Driver analysis: Johnson relative weights of attribute ratings on the outcome, R², F-test, priority matrix. */
export async function drivers(
  db: Db,
  workspaceId: string,
  surveyId: string,
  query: AnalyticsQuery & { outcome?: string | undefined; attributes?: string | undefined },
) {
  const { def, range, filters, language } = await setup(db, workspaceId, surveyId, query);
  const scoreLike = def.questions.filter((q) => isScoreQuestion(q) || q.type === 'expectation_perception');
  const outcome = query.outcome ?? def.drivers?.outcome ?? def.primaryQuestionId ?? scoreLike[0]?.id;
  const attributes =
    query.attributes?.split(',').filter(Boolean) ??
    def.drivers?.attributes ??
    scoreLike.filter((q) => q.id !== outcome).map((q) => q.id);
  const byId = new Map(scoreLike.map((q) => [q.id, q]));
  for (const id of [outcome ?? '', ...attributes]) if (!byId.has(id)) throw questionNotFound(id);
  if (attributes.length < 1 || attributes.length > 30)
    throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
      fields: [{ in: 'querystring', path: 'attributes', message: 'give 1–30 attribute questions' }],
    });
  const rows = await rawResponses(db, workspaceId, surveyId, range, filters, ['answers']);
  const valueOf = (a: Answers, id: string): number | null => {
    const v = a[id];
    if (typeof v === 'number') return v;
    if (v && typeof v === 'object' && 'perception' in v) return (v as { perception: number }).perception;
    return null;
  };
  const parsed = rows.map((r) => fromJson<Answers>(r.answers));
  const input = {
    rows: parsed.map((a) => attributes.map((id) => valueOf(a, id))),
    outcome: parsed.map((a) => valueOf(a, outcome as string)),
    names: attributes,
  };
  try {
    const result = relativeWeights(input);
    const performance = attributes.map((id) => {
      const q = byId.get(id) as Question;
      const s = scaleOf(q) ?? { min: 1, max: 7 };
      const vs = parsed.map((a) => valueOf(a, id)).filter((x): x is number => x !== null);
      return vs.length ? ((vs.reduce((x, y) => x + y, 0) / vs.length - s.min) / (s.max - s.min)) * 100 : 0;
    });
    const matrix = priorityMatrix(
      result.weights.map((w, i) => ({
        key: w.name,
        importance: w.rescaledWeight ?? 0,
        performance: performance[i] ?? 0,
      })),
    );
    return {
      surveyId,
      outcome,
      attributes: attributes.map((id) => ({
        questionId: id,
        text: localize(byId.get(id)?.text, language, language),
      })),
      sampled: rows.length >= RAW_LIMIT,
      ...result,
      priority: matrix,
    };
  } catch (err) {
    return analyticsError(err);
  }
}

/** Invitations and answers: links created, answered, responses started and completed, rates. */
export async function responseRate(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery) {
  const { range } = await setup(db, workspaceId, surveyId, query);
  const links = await db
    .selectFrom('survey_links')
    .select(['origin', sql<number>`count(*)`.as('invited'), sql<number>`count(used_at)`.as('responded')])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .groupBy('origin')
    .execute();
  const statuses = await db
    .selectFrom('survey_responses')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('started_at', '>=', range.from)
    .where('started_at', '<', range.to)
    .groupBy('status')
    .execute();
  const invited = links.reduce((s, l) => s + Number(l.invited), 0);
  const responded = links.reduce((s, l) => s + Number(l.responded), 0);
  const started = statuses.reduce((s, r) => s + Number(r.n), 0);
  const completed = Number(statuses.find((s) => s.status === 'completed')?.n ?? 0);
  return {
    surveyId,
    invited,
    responded,
    responseRate: invited ? responded / invited : null,
    byOrigin: links.map((l) => ({
      origin: l.origin,
      invited: Number(l.invited),
      responded: Number(l.responded),
      responseRate: Number(l.invited) ? Number(l.responded) / Number(l.invited) : null,
    })),
    started,
    completed,
    completionRate: started ? completed / started : null,
  };
}

/** Drop-off per question (where partial responses stopped) and time to complete. */
export async function dropOff(db: Db, workspaceId: string, surveyId: string, query: AnalyticsQuery) {
  const { def, tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  const rows = await db
    .selectFrom('survey_responses')
    .select(['status', 'last_question_id', sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('started_at', '>=', range.from)
    .where('started_at', '<', range.to)
    .groupBy(['status', 'last_question_id'])
    .execute();
  const order = new Map(def.questions.map((q, i) => [q.id, i]));
  const started = rows.reduce((s, r) => s + Number(r.n), 0);
  const stoppedAt = new Map<number, number>();
  let completed = 0;
  for (const r of rows) {
    if (r.status === 'completed') completed += Number(r.n);
    else {
      const i = r.last_question_id !== null ? (order.get(r.last_question_id) ?? -1) : -1;
      stoppedAt.set(i, (stoppedAt.get(i) ?? 0) + Number(r.n));
    }
  }
  let remaining = started - (stoppedAt.get(-1) ?? 0);
  const questions = def.questions.map((q, i) => {
    const dropped = stoppedAt.get(i) ?? 0;
    const reached = remaining;
    remaining -= dropped;
    return {
      questionId: q.id,
      reached,
      droppedAfter: dropped,
      dropOffRate: reached ? dropped / reached : null,
    };
  });
  const durations = await rollup(db, workspaceId, surveyId, ['_duration'], range, tz, filters, []);
  const d = durations[0]?.cell ?? emptyCell();
  const sample = await db
    .selectFrom('survey_responses')
    .select('duration_ms')
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('completed_at', '>=', range.from)
    .where('completed_at', '<', range.to)
    .where('duration_ms', 'is not', null)
    .orderBy('completed_at', 'desc')
    .limit(20_000)
    .execute();
  const sorted = sample.map((s) => Number(s.duration_ms) / 1000).sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number) : null;
  return {
    surveyId,
    started,
    completed,
    notStarted: stoppedAt.get(-1) ?? 0,
    questions,
    timeToComplete: {
      n: d.n,
      meanSeconds: d.n ? d.sum / d.n : null,
      medianSeconds: pct(0.5),
      p90Seconds: pct(0.9),
    },
  };
}

/** The most frequent topics of negative open comments, per touchpoint (and period), with example texts. */
export async function negativeTopics(
  db: Db,
  workspaceId: string,
  surveyId: string,
  query: AnalyticsQuery & { granularity?: Granularity | undefined; limit?: number | undefined },
) {
  const { tz, range, filters } = await setup(db, workspaceId, surveyId, query);
  let q = db
    .selectFrom('survey_answer_texts')
    .select(['text', 'topics', 'touchpoint_key', 'completed_at', 'sentiment_score'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('completed_at', '>=', range.from)
    .where('completed_at', '<', range.to)
    .where('sentiment', '=', 'negative')
    .orderBy('completed_at', 'desc')
    .limit(RAW_LIMIT);
  if (filters.touchpointKey !== undefined) q = q.where('touchpoint_key', '=', filters.touchpointKey);
  if (filters.channel !== undefined) q = q.where('channel', '=', filters.channel);
  const rows = await q.execute();
  const limit = query.limit ?? 10;
  const groups = new Map<string, Map<string, { count: number; examples: string[] }>>();
  for (const r of rows) {
    const period = query.granularity ? periodKey(r.completed_at, query.granularity, tz) : 'all';
    const g = `${r.touchpoint_key ?? ''}\u0000${period}`;
    const topics = groups.get(g) ?? new Map();
    for (const t of fromJson<string[]>(r.topics)) {
      const e = topics.get(t) ?? { count: 0, examples: [] };
      e.count++;
      if (e.examples.length < 3) e.examples.push(r.text.slice(0, 500));
      topics.set(t, e);
    }
    groups.set(g, topics);
  }
  return {
    surveyId,
    negativeComments: rows.length,
    groups: [...groups.entries()].map(([g, topics]) => {
      const [tp, period] = g.split('\u0000') as [string, string];
      return {
        touchpointKey: tp === '' ? null : tp,
        period: period === 'all' ? null : period,
        topics: [...topics.entries()]
          .map(([topic, v]) => ({ topic, count: v.count, examples: v.examples }))
          .sort((a, b) => b.count - a.count)
          .slice(0, limit),
      };
    }),
  };
}
