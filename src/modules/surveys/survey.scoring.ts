import { insertRows, type Db, type OnConflict } from '../../platform/db/index.js';
import type { Answers } from './survey.answers.js';
import {
  categoryOf,
  isScoreQuestion,
  normalize100,
  type Question,
  type SurveyDefinition,
} from './survey.definition.js';

/** The headline score of a response. */
export interface PrimaryScore {
  metric: 'nps' | 'csat' | 'ces' | 'rating' | 'index' | null;
  score: number | null;
  score100: number | null;
}

/** A question's score on 0–100 (perception for expectation/perception items), or null when unanswered. */
export function score100Of(q: Question, answers: Answers): number | null {
  const a = answers[q.id];
  if (a === undefined) return null;
  if (isScoreQuestion(q) && typeof a === 'number') return normalize100(q, a);
  if (q.type === 'expectation_perception' && typeof a === 'object' && a !== null && 'perception' in a)
    return (((a as { perception: number }).perception - 1) / 6) * 100;
  return null;
}

/** Component scores (0–100, null when none of its questions was answered) and the weighted index. */
export function indexOf(
  def: SurveyDefinition,
  answers: Answers,
): { index: number | null; components: Record<string, number | null> } {
  const components: Record<string, number | null> = {};
  if (!def.index) return { index: null, components };
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  let weighted = 0;
  let weights = 0;
  for (const c of def.index.components) {
    const scores = c.questions
      .map((id) => {
        const q = byId.get(id);
        return q ? score100Of(q, answers) : null;
      })
      .filter((x): x is number => x !== null);
    const mean = scores.length ? scores.reduce((s, x) => s + x, 0) / scores.length : null;
    components[c.key] = mean;
    if (mean !== null) {
      weighted += c.weight * mean;
      weights += c.weight;
    }
  }
  return { index: weights > 0 ? weighted / weights : null, components };
}

/** The response's primary score: the primary question's answer, or the satisfaction index. */
export function primaryScoreOf(def: SurveyDefinition, answers: Answers): PrimaryScore {
  const none: PrimaryScore = { metric: null, score: null, score100: null };
  if (def.primaryQuestionId === '_index') {
    const { index } = indexOf(def, answers);
    return index === null ? none : { metric: 'index', score: index, score100: index };
  }
  const q = def.questions.find((x) => x.id === def.primaryQuestionId);
  if (!q || !isScoreQuestion(q)) return none;
  const a = answers[q.id];
  if (typeof a !== 'number') return none;
  return { metric: q.type, score: a, score100: normalize100(q, a) };
}

/** One value that a completed response adds to the rollups. */
export interface RollupValue {
  questionId: string;
  value: number;
  category: 'low' | 'mid' | 'high';
}

/** Longest time to complete counted in the rollups (longer sessions were left open, not worked on). */
export const MAX_DURATION_SECONDS = 86_400;

/**
 * The rollup values of a completed response: every score question, E and P of SERVQUAL items, the primary score
 * (`_primary`, 0–100) and the time to complete (`_duration`, seconds; its count is the completed responses).
 */
export function rollupValuesOf(
  def: SurveyDefinition,
  answers: Answers,
  primary: PrimaryScore,
  durationMs: number | null,
): RollupValue[] {
  const out: RollupValue[] = [
    {
      questionId: '_duration',
      value: Math.min(MAX_DURATION_SECONDS, Math.max(0, Math.round((durationMs ?? 0) / 1000))),
      category: 'mid',
    },
  ];
  for (const q of def.questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    if (isScoreQuestion(q) && typeof a === 'number')
      out.push({ questionId: q.id, value: a, category: categoryOf(q, a) });
    else if (
      q.type === 'expectation_perception' &&
      typeof a === 'object' &&
      a !== null &&
      'perception' in a
    ) {
      const { expectation, perception } = a as { expectation: number; perception: number };
      out.push({ questionId: `${q.id}:e`, value: expectation, category: categoryOf(q, expectation) });
      out.push({ questionId: `${q.id}:p`, value: perception, category: categoryOf(q, perception) });
    }
  }
  if (primary.score100 !== null) {
    const q = def.questions.find((x) => x.id === def.primaryQuestionId);
    const category =
      q && primary.score !== null && primary.metric !== 'index'
        ? categoryOf(q, primary.score)
        : primary.score100 >= 80
          ? 'high'
          : primary.score100 < 60
            ? 'low'
            : 'mid';
    out.push({ questionId: '_primary', value: primary.score100, category });
  }
  return out;
}

/** The cell of the rollups a response is counted in. */
export interface RollupCell {
  workspaceId: string;
  surveyId: string;
  day: number;
  touchpointKey: string | null;
  channel: string;
}

/** Summed changes to one rollup row. */
export interface RollupDelta {
  n: number;
  sum: number;
  sumSq: number;
  low: number;
  mid: number;
  high: number;
}

/**
 * Adds deltas to rollup rows in multi-row upserts of fixed texts (each row's key once). Callers run it in the
 * responses' transaction, so the rollups always equal the completed responses.
 */
export async function applyRollupDeltas(
  db: Db,
  rows: readonly { cell: RollupCell; questionId: string; d: RollupDelta }[],
): Promise<void> {
  await insertRows(
    db,
    'survey_rollups',
    rows.map(({ cell, questionId, d }) => ({
      workspace_id: cell.workspaceId,
      survey_id: cell.surveyId,
      question_id: questionId,
      day: cell.day,
      touchpoint_key: cell.touchpointKey ?? '',
      channel: cell.channel,
      n: d.n,
      sum: d.sum,
      sum_sq: d.sumSq,
      c_low: d.low,
      c_mid: d.mid,
      c_high: d.high,
    })),
    { onConflict: ROLLUP_UPSERT },
  );
}

/** A rollup row that exists gets the deltas added: the key of a cell, and its counters. */
const ROLLUP_UPSERT: OnConflict = {
  key: ['workspace_id', 'survey_id', 'question_id', 'day', 'touchpoint_key', 'channel'],
  add: ['n', 'sum', 'sum_sq', 'c_low', 'c_mid', 'c_high'],
};

/** Rollup deltas of a batch, summed per cell before they are written. */
export class RollupBatch {
  private readonly cells = new Map<string, { cell: RollupCell; values: Map<string, RollupDelta> }>();

  add(cell: RollupCell, values: readonly RollupValue[], sign: 1 | -1): void {
    const key = `${cell.workspaceId}\u0000${cell.surveyId}\u0000${cell.day}\u0000${cell.touchpointKey ?? ''}\u0000${cell.channel}`;
    let entry = this.cells.get(key);
    if (!entry) this.cells.set(key, (entry = { cell, values: new Map() }));
    for (const v of values) {
      const d = entry.values.get(v.questionId) ?? { n: 0, sum: 0, sumSq: 0, low: 0, mid: 0, high: 0 };
      d.n += sign;
      d.sum += sign * v.value;
      d.sumSq += sign * v.value * v.value;
      if (v.category === 'low') d.low += sign;
      else if (v.category === 'mid') d.mid += sign;
      else d.high += sign;
      entry.values.set(v.questionId, d);
    }
  }

  async write(db: Db): Promise<void> {
    const rows = [...this.cells.values()].flatMap(({ cell, values }) =>
      [...values].map(([questionId, d]) => ({ cell, questionId, d })),
    );
    await applyRollupDeltas(db, rows);
  }
}
