import { fromJson, toJson } from '../../platform/db/index.js';
import type { AnalysedTextSource } from '../text/index.js';

/** Open-text answers, re-analysable by the text module (sentiment and topics stored with each answer). */
export const surveyAnswerTexts: AnalysedTextSource = {
  name: 'survey_answers',
  async scan(db, workspaceId, cursor, limit) {
    const [responseId = '', questionId = ''] = cursor ? cursor.split('|') : [];
    const rows = await db
      .selectFrom('survey_answer_texts')
      .select(['response_id', 'question_id', 'text', 'sentiment', 'topics'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.or([
          eb('response_id', '>', responseId),
          eb.and([eb('response_id', '=', responseId), eb('question_id', '>', questionId)]),
        ]),
      )
      .orderBy('response_id')
      .orderBy('question_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      cursor: `${r.response_id}|${r.question_id}`,
      id: `${r.response_id}|${r.question_id}`,
      text: r.text,
      label: r.sentiment,
      topics: fromJson<string[]>(r.topics) ?? [],
    }));
  },
  async count(db, workspaceId) {
    const r = await db
      .selectFrom('survey_answer_texts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async store(db, workspaceId, id, analysis) {
    const [responseId = '', questionId = ''] = id.split('|');
    await db
      .updateTable('survey_answer_texts')
      .set({
        language: analysis.language,
        sentiment: analysis.sentiment.label,
        sentiment_score: analysis.sentiment.score,
        topics: toJson(analysis.topics.map((t) => t.key)),
      })
      .where('workspace_id', '=', workspaceId)
      .where('response_id', '=', responseId)
      .where('question_id', '=', questionId)
      .execute();
  },
};
