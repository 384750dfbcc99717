import { fromJson, toJson } from '../../platform/db/index.js';
import type { AnalysedTextSource } from '../text/index.js';

/**
 * Case descriptions, re-analysable by the text module. Sentiment, topics and urgency reasons are refreshed; the
 * urgent flag and priority stay as set when the case was opened (an agent may have changed them since).
 */
export const caseDescriptionTexts: AnalysedTextSource = {
  name: 'case_descriptions',
  async scan(db, workspaceId, cursor, limit) {
    const rows = await db
      .selectFrom('cases')
      .select(['id', 'description', 'sentiment_label', 'topics'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      cursor: r.id,
      id: r.id,
      text: r.description,
      label: r.sentiment_label,
      topics: fromJson<string[]>(r.topics) ?? [],
    }));
  },
  async count(db, workspaceId) {
    const r = await db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async store(db, workspaceId, id, analysis) {
    await db
      .updateTable('cases')
      .set({
        sentiment_label: analysis.sentiment.label,
        sentiment_score: analysis.sentiment.score,
        topics: toJson(analysis.topics.map((t) => t.key)),
        urgency_reasons: toJson(analysis.urgencyReasons),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  },
};
