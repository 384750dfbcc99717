import type { Static } from '@sinclair/typebox';
import { fromJson } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import type { CorrectionView, KeywordView } from './text.schema.js';
import type { TextCorrectionsTable, TextKeywordsTable, TextReanalysesTable } from './text.tables.js';

/** A keyword row as the API shows it. */
export function presentKeyword(row: TextKeywordsTable): Static<typeof KeywordView> {
  return {
    id: row.id,
    topic: row.topic_key,
    keyword: row.keyword,
    language: row.language,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

/** A correction row as the API shows it. */
export function presentCorrection(row: TextCorrectionsTable): Static<typeof CorrectionView> {
  return {
    id: row.id,
    text: row.text,
    label: row.label as Static<typeof CorrectionView>['label'],
    topics: fromJson<string[] | null>(row.topics),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function presentReanalysis(r: TextReanalysesTable) {
  const total = Number(r.total);
  const processed = Number(r.processed);
  return {
    id: r.id,
    status: r.status,
    sources: fromJson<string[]>(r.sources),
    total,
    processed,
    changed: Number(r.changed),
    progress: r.status === 'done' ? 1 : total ? Math.min(1, processed / total) : 0,
    error: r.error,
    startedAt: toIso(r.started_at),
    finishedAt: toIso(r.finished_at),
  };
}
