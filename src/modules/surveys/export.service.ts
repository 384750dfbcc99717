import { fromJson, type Db } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import type { Answer, Answers } from './survey.answers.js';
import { localize, type Question, type SurveyDefinition } from './survey.definition.js';

export interface ExportColumn {
  key: string;
  header: string;
  width: number;
}

const BASE: ExportColumn[] = [
  { key: 'responseId', header: 'responseId', width: 30 },
  { key: 'status', header: 'status', width: 10 },
  { key: 'version', header: 'version', width: 8 },
  { key: 'profileId', header: 'profileId', width: 30 },
  { key: 'language', header: 'language', width: 8 },
  { key: 'channel', header: 'channel', width: 12 },
  { key: 'touchpointKey', header: 'touchpointKey', width: 14 },
  { key: 'startedAt', header: 'startedAt', width: 24 },
  { key: 'completedAt', header: 'completedAt', width: 24 },
  { key: 'durationSeconds', header: 'durationSeconds', width: 10 },
  { key: 'metric', header: 'metric', width: 8 },
  { key: 'score', header: 'score', width: 8 },
  { key: 'flags', header: 'flags', width: 20 },
];

/** Sub-columns of a question: one for most types, one per row/option/side for the composite ones. */
function partsOf(q: Question): string[] {
  switch (q.type) {
    case 'matrix':
      return q.rows.map((r) => r.id);
    case 'constant_sum':
      return q.options.map((o) => o.id);
    case 'expectation_perception':
      return ['expectation', 'perception'];
    default:
      return [''];
  }
}

/** The export's columns: response facts, hidden fields, then each question (header = id: text). */
export function exportColumns(def: SurveyDefinition, language: string): ExportColumn[] {
  const cols = [...BASE];
  for (const h of def.hiddenFields) cols.push({ key: `hidden.${h}`, header: `hidden.${h}`, width: 16 });
  for (const q of def.questions) {
    const text = localize(q.text, language, language).slice(0, 80);
    for (const part of partsOf(q))
      cols.push({
        key: part ? `${q.id}.${part}` : q.id,
        header: `${q.id}${part ? `.${part}` : ''}: ${text}`,
        width: 20,
      });
  }
  return cols;
}

/** Spreadsheet formulas in answers must stay text (CSV/formula injection). */
function safe(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function cell(a: Answer | undefined): string | number {
  if (a === undefined) return '';
  if (typeof a === 'number') return a;
  if (typeof a === 'string') return safe(a);
  if (Array.isArray(a)) return safe(a.map((x) => (typeof x === 'string' ? x : `other:${x.other}`)).join('|'));
  if ('other' in a && typeof a.other === 'string') return safe(`other:${a.other}`);
  return '';
}

/** Response rows in the columns' order, read in pages (keyset on id) so any volume streams in constant memory. */
export async function* exportRows(
  db: Db,
  workspaceId: string,
  surveyId: string,
  def: SurveyDefinition,
  options: { from: number; to: number; includePartial: boolean },
): AsyncGenerator<(string | number)[]> {
  let after = '';
  for (;;) {
    let q = db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .where('id', '>', after)
      .where('started_at', '>=', options.from)
      .where('started_at', '<', options.to)
      .orderBy('id')
      .limit(1000);
    if (!options.includePartial) q = q.where('status', '=', 'completed');
    const rows = await q.execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      const answers = fromJson<Answers>(r.answers);
      const hidden = fromJson<Record<string, string>>(r.hidden);
      const out: (string | number)[] = [
        r.id,
        r.status,
        r.version,
        r.profile_id ?? '',
        r.language,
        r.channel,
        r.touchpoint_key ?? '',
        toIso(r.started_at),
        r.completed_at !== null ? toIso(r.completed_at) : '',
        r.duration_ms !== null ? Math.round(r.duration_ms / 1000) : '',
        r.metric ?? '',
        r.score ?? '',
        r.flags ? fromJson<string[]>(r.flags).join('|') : '',
      ];
      for (const h of def.hiddenFields) out.push(safe(hidden[h] ?? ''));
      for (const q of def.questions) {
        const a = answers[q.id];
        const parts = partsOf(q);
        if (parts.length === 1 && parts[0] === '') out.push(cell(a));
        else
          for (const p of parts) {
            const v =
              a && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>)[p] : undefined;
            out.push(typeof v === 'number' ? v : typeof v === 'string' ? safe(v) : '');
          }
      }
      yield out;
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
}
